/*
 * Forcing past a constraint: while the execution phase runs, the
 * operator may let one node that an availability constraint holds back
 * (an HA group at max_unavailable, a quorum, a VNF at
 * max_impacted_members) start at once. It still counts as down, so the
 * nodes after it wait the longer. The override is journaled with the
 * constraint it broke, and a forced node whose task had not finished
 * at a restart is forced again once the others are back: it must not
 * sit half upgraded behind the very constraint it was let past.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "escalator/util.h"
#include "engine_impl.h"

/* Start node past its constraint in the first procedure that has it
 * waiting. true: *why is the constraint overridden, journaled as the
 * operator's decision (op NULL: forced again after a restart); false:
 * *why is what holds it, BLOCK_NONE when no constraint does. */
static bool
force_one(struct engine *e, uint32_t node, const char *op,
    struct block *why)
{
	struct sched_pick pick;
	struct block first;
	char text[256], *key, *object;

	memset(&first, 0, sizeof first);
	for (uint32_t p = 0; p < e->plan.nprocs; p++) {
		if (!sched_force(e->sched, p, node, &pick, why)) {
			if (first.reason == BLOCK_NONE)
				first = *why;
			continue;
		}
		sched_describe(e->sched, why, text, sizeof text);
		if (op != NULL) {
			object = xasprintf("node:%s", e->inv->nodes[node].name);
			journal_event(e->j, op, "force", object, text);
			free(object);
		}
		key = task_key(e, "force", p, node);
		journal_fact_put(e->j, key, text);
		free(key);
		task_unit(e, &pick);
		return true;
	}
	*why = first;
	return false;
}

static void
force_refused(struct engine *e, const char *op, const char *node,
    const char *why)
{
	char *object = xasprintf("node:%s", node ? node : "");

	journal_event(e->j, op, "refused", object, why);
	note(e, "", "force", "refused", "force %s: %s", node ? node : "",
	    why);
	free(object);
}

void
command_force(struct engine *e, const struct engine_command *cmd)
{
	const char *op = cmd->operator ? cmd->operator : e->operator;
	long n = cmd->node ? inventory_find(e->inv, cmd->node) : -1;
	struct block why;
	char text[256], *msg;

	if (n < 0) {
		force_refused(e, op, cmd->node, "no such node in the inventory");
		return;
	}
	if (e->phase != ENGINE_PHASE_EXECUTION || !e->phase_entered ||
	    e->state != ENGINE_STATE_EXECUTING) {
		force_refused(e, op, cmd->node, "only while the execution "
		    "phase runs");
		return;
	}
	if (!force_one(e, (uint32_t)n, op, &why)) {
		msg = why.reason == BLOCK_NONE ? xasprintf("no constraint "
		    "holds %s back", cmd->node) : xasprintf("held back by %s: "
		    "only an HA group, quorum or VNF constraint may be forced",
		    sched_describe(e->sched, &why, text, sizeof text));
		force_refused(e, op, cmd->node, msg);
		free(msg);
		return;
	}
	note(e, cmd->node, "force", "ok", "%s forced past %s by %s; it counts "
	    "as down", cmd->node, sched_describe(e->sched, &why, text,
	    sizeof text), op);
}

/* Resume: forced nodes whose task did not finish. */
void
forces_resume(struct engine *e)
{
	for (uint32_t p = 0; p < e->plan.nprocs; p++) {
		const struct plan_procedure *pp = &e->plan.procs[p];

		for (uint32_t i = 0; i < pp->nnodes; i++) {
			char *key, *v;

			if (sched_batch_of(e->sched, p, pp->nodes[i]) !=
			    UINT32_MAX)
				continue;
			key = task_key(e, "force", p, pp->nodes[i]);
			v = journal_fact_get(e->j, key);
			free(key);
			if (v == NULL)
				continue;
			free(v);
			e->forced = xreallocarray(e->forced, e->nforced + 1,
			    sizeof *e->forced);
			e->forced[e->nforced++] = pp->nodes[i];
		}
	}
}

/* After the scheduler has started what it admits: the nodes forced
 * before the restart, past what holds them back again. One still held
 * by its procedure (a dependency, a gate, no free slot) is tried again
 * later; one no longer waiting took its turn. true: one started. */
bool
forces_start(struct engine *e)
{
	struct block why;
	char text[256];
	bool started = false;
	size_t kept = 0;

	if (e->nforced == 0 || e->state != ENGINE_STATE_EXECUTING)
		return false;
	for (size_t i = 0; i < e->nforced; i++) {
		uint32_t node = e->forced[i];

		if (force_one(e, node, NULL, &why)) {
			note(e, e->inv->nodes[node].name, "force", "ok",
			    "%s forced again past %s after the restart",
			    e->inv->nodes[node].name, sched_describe(e->sched,
			    &why, text, sizeof text));
			started = true;
		} else if (why.reason != BLOCK_NONE)
			e->forced[kept++] = node;
	}
	e->nforced = kept;
	return started;
}
