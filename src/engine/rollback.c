/*
 * Rollback. Graceful: the executed steps' inverses in reverse order of
 * completion, across nodes (last done, first undone). Restore: the
 * backup items restored, then the steps that changed the version or
 * the maintenance state undone the same way. The list comes from the
 * journal, so a resumed rollback rebuilds the very same one.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "escalator/util.h"
#include "engine_impl.h"

static bool
undoable(const struct step *s, bool restore)
{
	if (s->action == STEP_MAINTENANCE_ON ||
	    s->action == STEP_MAINTENANCE_OFF)
		return true;
	if (s->action != STEP_RUN)
		return false;
	if (restore)
		return s->sets_version && s->undo != NULL;
	return s->undo != NULL;
}

static const struct step *
proc_step(const struct procedure *p, const char *name)
{
	for (size_t i = 0; p != NULL && i < p->nsteps; i++)
		if (strcmp(p->steps[i].name, name) == 0)
			return &p->steps[i];
	return NULL;
}

/* Last finished first; the journal id breaks ties. */
static int
newest_first(const void *a, const void *b)
{
	const struct journal_step *x = *(const struct journal_step *const *)a;
	const struct journal_step *y = *(const struct journal_step *const *)b;

	if (x->ended_ms != y->ended_ms)
		return (x->ended_ms < y->ended_ms) - (x->ended_ms > y->ended_ms);
	return (x->id < y->id) - (x->id > y->id);
}

static void
restores_push(struct engine *e, struct unit *u, struct journal_step *steps,
    size_t n)
{
	for (size_t i = n; i-- > 0;) {
		const struct journal_step *s = &steps[i];
		long node = inventory_find(e->inv, s->node);

		if (strcmp(s->phase, engine_phase_name(ENGINE_PHASE_BACKUP)) ||
		    s->status != STEP_STATUS_OK || node < 0)
			continue;
		for (size_t b = 0; b < e->c->nbackups; b++) {
			const struct step *st = backup_step(e, b, false);
			struct work w;

			if (strcmp(st->name, s->step) != 0)
				continue;
			w = work_of(backup_step(e, b, true), (uint32_t)node,
			    "", -1);
			w.kind = TRANSPORT_RESTORE;
			w.item = e->c->backups[b].name;
			unit_push(u, &w);
		}
	}
}

static void
undos_push(struct engine *e, struct unit *u, struct journal_step *steps,
    size_t n, bool restore)
{
	struct journal_step **done = xcalloc(n, sizeof *done);
	size_t ndone = 0;

	for (size_t i = 0; i < n; i++)
		if (strcmp(steps[i].phase,
		    engine_phase_name(ENGINE_PHASE_EXECUTION)) == 0 &&
		    !steps[i].undo && steps[i].status == STEP_STATUS_OK)
			done[ndone++] = &steps[i];
	qsort(done, ndone, sizeof *done, newest_first);
	for (size_t i = 0; i < ndone; i++) {
		const struct procedure *p = campaign_procedure(e->c,
		    done[i]->procedure);
		const struct step *st = proc_step(p, done[i]->step);
		long node = inventory_find(e->inv, done[i]->node);
		struct work w;

		if (st == NULL || node < 0 || !undoable(st, restore))
			continue;
		w = work_of(st, (uint32_t)node, p->name, -1);
		w.undo = true;
		unit_push(u, &w);
	}
	free(done);
}

void
rollback_begin(struct engine *e, bool restore)
{
	struct journal_step *steps = NULL;
	size_t n = 0;
	struct unit *u;

	approvals_withdraw(e, false);
	units_clear(e);
	journal_fact_put(e->j, "rollback", restore ? "restore" : "graceful");
	e->phase = ENGINE_PHASE_ROLLBACK;
	e->phase_entered = true;
	/* A quit that came while stopping for the rollback holds it at
	 * its first safe point: resume carries it on. */
	e->rollback_pausing = e->quit_requested;
	memset(&e->sched_block, 0, sizeof e->sched_block);
	set_state(e, ENGINE_STATE_ROLLING_BACK);
	emit(e, ENGINE_EVENT_PHASE, NULL, NULL, "%s",
	    engine_phase_name(e->phase));
	u = unit_add(e, ROLE_ROLLBACK);
	if (journal_steps_load(e->j, &steps, &n) == -1) {
		note(e, "", "rollback", "failed", "cannot read the journal");
		set_state(e, ENGINE_STATE_ROLLBACK_FAILED);
		return;
	}
	if (restore)
		restores_push(e, u, steps, n);
	undos_push(e, u, steps, n, restore);
	note(e, "", "rollback", "ok", "%s: %zu steps to undo",
	    restore ? "restore from backup" : "graceful rollback", u->nworks);
	journal_steps_free(steps, n);
}
