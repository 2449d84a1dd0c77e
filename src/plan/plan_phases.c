/*
 * The expected time of the whole campaign on paper. Execution is the
 * schedule the planner lays out; the phases around it run their work
 * the way the engine runs it: preparation copies the version files to
 * every node at once (each node's in turn), validation checks every
 * node at once (its health checks, then the alarm query), backup takes
 * every item at once (each over its nodes in turn), testing runs the
 * campaign's tests on every node at once. Commit runs no steps.
 */
#include "config.h"

#include "escalator/plan.h"

static int64_t
steps_ms(const struct step *steps, size_t n)
{
	int64_t ms = 0;

	for (size_t i = 0; i < n; i++)
		ms += steps[i].expected_ms;
	return ms;
}

/* The node with the most version files to copy. */
static int64_t
preparation_ms(const struct campaign *c, const struct inventory *inv)
{
	int64_t longest = 0;

	for (size_t n = 0; n < inv->count; n++) {
		int64_t ms = 0;

		for (size_t i = 0; i < c->nversion_files; i++)
			if (c->version_files[i].dest != NULL &&
			    selector_match(&c->version_files[i].target,
			    &inv->nodes[n]))
				ms += PLAN_COPY_EXPECTED_MS;
		if (ms > longest)
			longest = ms;
	}
	return longest;
}

static int64_t
backup_ms(const struct campaign *c, const struct inventory *inv)
{
	int64_t longest = 0;

	for (size_t b = 0; b < c->nbackups; b++) {
		const struct backup_item *bi = &c->backups[b];
		int64_t ms = 0;

		for (size_t n = 0; n < inv->count; n++) {
			if (!selector_match(&bi->target, &inv->nodes[n]))
				continue;
			ms += PLAN_BACKUP_EXPECTED_MS;
			if (bi->once)
				break;
		}
		if (ms > longest)
			longest = ms;
	}
	return longest;
}

void
plan_phases(const struct plan *p, struct plan_phases *ph)
{
	const struct campaign *c = p->campaign;
	bool nodes = p->inventory->count > 0;

	ph->preparation_ms = preparation_ms(c, p->inventory);
	ph->validation_ms = nodes ? steps_ms(c->health, c->nhealth) +
	    PLAN_ALARMS_EXPECTED_MS : 0;
	ph->backup_ms = backup_ms(c, p->inventory);
	ph->execution_ms = p->total_ms;
	ph->testing_ms = nodes ? steps_ms(c->tests, c->ntests) : 0;
	ph->total_ms = ph->preparation_ms + ph->validation_ms +
	    ph->backup_ms + ph->execution_ms + ph->testing_ms;
}
