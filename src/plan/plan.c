/*
 * The planner: orders the procedures (plan_order.c), resolves their
 * targets, splits them into batches and runs the scheduler on paper
 * (plan_simulate.c) to lay out the expected timeline.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "escalator/util.h"
#include "internal.h"

static int64_t
tests_ms(const struct campaign *c, const struct procedure *p,
    struct diag_list *d)
{
	int64_t ms = 0;

	for (size_t i = 0; i < p->tests.count; i++) {
		size_t k;

		for (k = 0; k < c->ntests; k++)
			if (c->tests[k].name != NULL &&
			    strcmp(c->tests[k].name, p->tests.items[i]) == 0)
				break;
		if (k == c->ntests)
			diag_error(d, c->file, p->line, NULL,
			    "procedure '%s' runs unknown test '%s'", p->name,
			    p->tests.items[i]);
		else
			ms += c->tests[k].expected_ms;
	}
	return ms;
}

static void
split_batches(struct plan_procedure *pp, const struct procedure *p,
    enum plan_mode mode)
{
	uint32_t left = pp->nnodes, cap = 0;

	for (uint32_t b = 0; left > 0; b++) {
		struct plan_batch *pb;
		bool gated;

		if (pp->nbatches == cap) {
			cap = cap ? cap * 2 : 4;
			pp->batches = xreallocarray(pp->batches, cap,
			    sizeof *pp->batches);
		}
		pb = &pp->batches[pp->nbatches++];
		memset(pb, 0, sizeof *pb);
		pb->cap = plan_batch_cap(p, pp->nnodes, b, &gated);
		pb->gated = gated || mode == PLAN_LOCK_STEP;
		pb->ntasks = pb->cap < left ? pb->cap : left;
		left -= pb->ntasks;
	}
}

static int
resolve(struct plan_procedure *pp, const struct campaign *c,
    const struct inventory *inv, enum plan_mode mode, struct diag_list *d)
{
	const struct procedure *p = &c->procedures[pp->proc];

	pp->nodes = xcalloc(inv->count, sizeof *pp->nodes);
	for (size_t n = 0; n < inv->count; n++)
		if (selector_match(&p->target, &inv->nodes[n]))
			pp->nodes[pp->nnodes++] = (uint32_t)n;
	if (pp->nnodes == 0) {
		diag_error(d, c->file, p->target.line ? p->target.line :
		    p->line, "a campaign selects nodes by role and label",
		    "procedure '%s': target matches no node of %s", p->name,
		    inv->file ? inv->file : "the inventory");
		return -1;
	}
	pp->nodes = xreallocarray(pp->nodes, pp->nnodes, sizeof *pp->nodes);
	for (size_t i = 0; i < p->nsteps; i++)
		pp->node_ms += p->steps[i].expected_ms;
	split_batches(pp, p, mode);
	return 0;
}

/* Fill plan->procs in execution order, with levels, deps and nodes. */
static int
lay_out(struct plan *pl, const struct plan_order *g, struct diag_list *d)
{
	const struct campaign *c = pl->campaign;
	uint32_t *where = xcalloc(g->n, sizeof *where);
	size_t errors = diag_errors(d);
	int rc = 0;

	pl->procs = xcalloc(g->n, sizeof *pl->procs);
	pl->nprocs = (uint32_t)g->n;
	for (uint32_t k = 0; k < pl->nprocs; k++) {
		struct plan_procedure *pp = &pl->procs[k];
		uint32_t i = g->order[k];

		where[i] = k;
		pp->proc = i;
		pp->level = g->level[i];
		pp->deps = xcalloc(g->ndeps[i], sizeof *pp->deps);
		for (uint32_t j = 0; j < g->ndeps[i]; j++)
			pp->deps[pp->ndeps++] = where[g->deps[i][j]];
		pp->tests_ms = tests_ms(c, &c->procedures[i], d);
		if (resolve(pp, c, pl->inventory, pl->mode, d) == -1)
			rc = -1;
	}
	free(where);
	return diag_errors(d) > errors ? -1 : rc;
}

static void
add_outages(struct plan *pl)
{
	struct service_outage *out = NULL;
	size_t n = campaign_service_outages(pl->campaign, pl->inventory, &out);

	pl->outages = xcalloc(n, sizeof *pl->outages);
	for (size_t i = 0; i < n; i++) {
		pl->outages[i].service = xstrdup(out[i].service);
		pl->outages[i].planned_ms = out[i].outage_ms;
	}
	pl->noutages = (uint32_t)n;
	free(out);
}

int
plan_build_mode(struct plan *pl, const struct campaign *c,
    const struct inventory *inv, enum plan_mode mode, struct diag_list *d)
{
	struct plan_order g = { 0 };
	int rc;

	memset(pl, 0, sizeof *pl);
	pl->mode = mode;
	pl->campaign = c;
	pl->inventory = inv;
	rc = plan_order(&g, c, d);
	if (rc == 0)
		rc = lay_out(pl, &g, d);
	if (rc == 0)
		rc = plan_simulate(pl, d);
	if (rc == 0)
		add_outages(pl);
	plan_order_free(&g);
	if (rc == -1)
		plan_free(pl);
	return rc;
}

int
plan_build(struct plan *pl, const struct campaign *c,
    const struct inventory *inv, struct diag_list *d)
{
	return plan_build_mode(pl, c, inv, PLAN_FREE_SLOTS, d);
}

void
plan_free(struct plan *pl)
{
	for (uint32_t p = 0; p < pl->nprocs; p++) {
		free(pl->procs[p].nodes);
		free(pl->procs[p].deps);
		free(pl->procs[p].batches);
	}
	free(pl->procs);
	free(pl->tasks);
	for (uint32_t i = 0; i < pl->noutages; i++)
		free(pl->outages[i].service);
	free(pl->outages);
	memset(pl, 0, sizeof *pl);
}
