/*
 * The scheduler: which node may start next. Free slots, not lock-step:
 * when one node finishes, the next may start as long as the batch cap,
 * the gates and every availability constraint still hold. The planner
 * drives it with expected durations, the engine with real completions.
 */
#ifndef ESCALATOR_SCHED_H
#define ESCALATOR_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "escalator/constraints.h"
#include "escalator/plan.h"

struct sched;

struct sched_pick {
	uint32_t	pproc;	/* index in plan->procs */
	uint32_t	node;
	uint32_t	batch;
};

/* A batch or a procedure whose nodes have all finished: its tests run
 * now, and a gated batch opens the next one with sched_gate_open(). */
struct sched_completion {
	uint32_t	pproc;
	uint32_t	batch;
	bool		procedure_done;	/* the last batch of the procedure */
	uint32_t	failed;		/* failed nodes in the batch */
	uint32_t	total;
};

struct sched	*sched_new(const struct plan *);
/* The next node that may start now. false: nothing may; *why says what
 * blocks the first waiting node (BLOCK_NONE when nothing waits). */
bool	sched_next(struct sched *, struct sched_pick *, struct block *why);
void	sched_finish(struct sched *, const struct sched_pick *, bool ok);
/* Take one pending completion; false when there is none. */
bool	sched_completion(struct sched *, struct sched_completion *);
void	sched_gate_open(struct sched *, uint32_t pproc, uint32_t batch);
/* Resume: a node already done before a crash, so it is never run again. */
void	sched_skip(struct sched *, uint32_t pproc, uint32_t node, bool ok);
bool	sched_done(const struct sched *);
uint32_t sched_running(const struct sched *);
void	sched_free(struct sched *);

#endif
