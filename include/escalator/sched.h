/*
 * The scheduler: which node may start next. Free slots, not lock-step:
 * when one node finishes, the next may start as long as the batch cap,
 * the gates and every availability constraint still hold. The planner
 * drives it with expected durations, the engine with real completions.
 */
#ifndef ESCALATOR_SCHED_H
#define ESCALATOR_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "escalator/constraints.h"
#include "escalator/plan.h"

struct sched;

struct sched_pick {
	uint32_t	pproc;	/* index in plan->procs */
	uint32_t	node;
	uint32_t	batch;
};

/* A batch whose nodes have all finished: its tests run now. When they
 * pass, call sched_gate_open() for it (for every batch, gated or not):
 * that opens the batch after a gated one, and once every batch of a
 * procedure has passed, the procedure is done and those that depend on
 * it may start. procedure_done marks the completion of the procedure's
 * last node: its tests are the procedure's tests. */
struct sched_completion {
	uint32_t	pproc;
	uint32_t	batch;
	bool		procedure_done;	/* every node of it finished */
	uint32_t	failed;		/* failed nodes in the batch */
	uint32_t	total;
};

struct sched	*sched_new(const struct plan *);
/* The next node that may start now. false: nothing may; *why says what
 * blocks the first waiting node (BLOCK_NONE when nothing waits). */
bool	sched_next(struct sched *, struct sched_pick *, struct block *why);
/* The node is back: released for the availability constraints, ok or
 * not (call it once its on_failure policy has run). Failed nodes count
 * against the batch's max_failure_percent; past it, the procedure stops
 * admitting nodes (BLOCK_FAILURES) and the engine applies its policy. */
void	sched_finish(struct sched *, const struct sched_pick *, bool ok);
/* Take one pending completion; false when there is none. */
bool	sched_completion(struct sched *, struct sched_completion *);
void	sched_gate_open(struct sched *, uint32_t pproc, uint32_t batch);
/* Resume: a node already done before a crash, so it is never run again.
 * It joins the batch being filled, as if started and finished now; skip
 * nodes in the order they ran so that batches come out the same. */
void	sched_skip(struct sched *, uint32_t pproc, uint32_t node, bool ok);
/* sched_skip into the batch the node ran in (sched_pick.batch), when the
 * journal knows it: with free slots a later batch may have finished nodes
 * before an earlier one, and this keeps every batch as it was. A batch
 * out of range or already full means the one being filled. */
void	sched_skip_batch(struct sched *, uint32_t pproc, uint32_t node,
	    uint32_t batch, bool ok);
/* The operator lets node start now in procedure pproc although an
 * availability constraint (HA group, quorum, VNF) holds it back: once,
 * and counted as down like any other. Its procedure must be open with a
 * free slot. false when it may not: *why says what holds it (BLOCK_NONE:
 * it does not wait there, or nothing but its turn holds it back);
 * true: *why is the constraint overridden. */
bool	sched_force(struct sched *, uint32_t pproc, uint32_t node,
	    struct sched_pick *, struct block *why);
/* The batch a started or finished node counts in; UINT32_MAX while it
 * waits or when it is not of the procedure. */
uint32_t sched_batch_of(const struct sched *, uint32_t pproc, uint32_t node);
/* sched_next's why in words, for the operator ("waiting: ..."): the
 * constraint with its limit, or the procedure that holds the node.
 * Returns buf. */
const char *sched_describe(const struct sched *, const struct block *,
	    char *buf, size_t len);
/* Every procedure done: all its nodes finished, all its tests passed. */
bool	sched_done(const struct sched *);
uint32_t sched_running(const struct sched *);
void	sched_free(struct sched *);

#endif
