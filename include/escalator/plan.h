/*
 * The planner: resolves selectors, orders procedures, and lays out the
 * expected timeline by running the scheduler (sched.h) against expected
 * step durations, on paper.
 */
#ifndef ESCALATOR_PLAN_H
#define ESCALATOR_PLAN_H

#include <stdio.h>
#include <stdint.h>

#include "escalator/campaign.h"
#include "escalator/diag.h"
#include "escalator/inventory.h"

struct json_object;

/* One node going through one procedure: all its steps. */
struct plan_task {
	uint32_t	node;		/* index in the inventory */
	uint32_t	proc;		/* index in campaign->procedures */
	uint32_t	batch;		/* batch it started in, on paper */
	int64_t		start_ms;	/* from campaign start */
	int64_t		end_ms;
};

struct plan_batch {
	uint32_t	cap;		/* nodes at once */
	bool		gated;		/* next batch waits for it and its tests */
	uint32_t	ntasks;		/* nodes in it: fixed by the caps */
	int64_t		start_ms;
	int64_t		end_ms;		/* including its tests */
};

struct plan_procedure {
	uint32_t		 proc;		/* index in campaign->procedures */
	int			 level;		/* resolved execution level, 1.. */
	uint32_t		*nodes;		/* matching nodes, inventory order */
	uint32_t		 nnodes;
	uint32_t		*deps;		/* indices into plan->procs */
	uint32_t		 ndeps;
	struct plan_batch	*batches;
	uint32_t		 nbatches;
	int64_t			 node_ms;	/* expected time for one node */
	int64_t			 tests_ms;	/* expected time of its tests */
	int64_t			 start_ms;
	int64_t			 end_ms;
};

struct plan_outage {
	char	*service;
	int64_t	 planned_ms;
};

/* Free slots: a finished node's slot goes to the next node at once.
 * Lock-step: every batch waits for its slowest node and its tests, the
 * way Ansible's `serial` does; planned only to compare with. */
enum plan_mode {
	PLAN_FREE_SLOTS,
	PLAN_LOCK_STEP,
};

struct plan {
	enum plan_mode		 mode;
	const struct campaign	*campaign;
	const struct inventory	*inventory;
	struct plan_procedure	*procs;		/* in execution order */
	uint32_t		 nprocs;
	struct plan_task	*tasks;		/* sorted by start time */
	uint32_t		 ntasks;
	struct plan_outage	*outages;
	uint32_t		 noutages;
	int64_t			 total_ms;
};

/* Returns 0, or -1 with diagnostics (cycles, empty selectors, a plan that
 * cannot finish under its constraints). */
int	plan_build(struct plan *, const struct campaign *,
	    const struct inventory *, struct diag_list *);
/* plan_build in a given mode. */
int	plan_build_mode(struct plan *, const struct campaign *,
	    const struct inventory *, enum plan_mode, struct diag_list *);
void	plan_print(const struct plan *, FILE *);
struct json_object *plan_to_json(const struct plan *);
/* plan_to_json, pretty-printed. */
void	plan_print_json(const struct plan *, FILE *);
void	plan_free(struct plan *);

/* The engine's own steps, as long as the plan expects them: the alarm
 * query of validation, backing up or restoring an item on a node, and
 * copying a version file to a node in preparation. */
#define PLAN_ALARMS_EXPECTED_MS	2000
#define PLAN_BACKUP_EXPECTED_MS	30000
#define PLAN_COPY_EXPECTED_MS	10000

/* The expected time of each phase with steps, and of them all, the way
 * the engine runs them (src/plan/plan_phases.c); execution_ms is the
 * plan's total_ms. */
struct plan_phases {
	int64_t	preparation_ms;
	int64_t	validation_ms;
	int64_t	backup_ms;
	int64_t	execution_ms;
	int64_t	testing_ms;
	int64_t	total_ms;
};
void	plan_phases(const struct plan *, struct plan_phases *);

/* Batch caps for a procedure of n nodes: the partition the batch spec
 * asks for (a count, a percentage, or a list whose last entry repeats). */
uint32_t plan_batch_cap(const struct procedure *, uint32_t nnodes,
	    uint32_t batch_index, bool *gated);

#endif
