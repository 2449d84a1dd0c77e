/*
 * The plan as a readable timeline, and as JSON for automation. Both say
 * the same: procedures with their batches, one node's steps, the campaign
 * total and the planned outage per service against the budget.
 */
#include "config.h"

#include <inttypes.h>
#include <json-c/json.h>

#include "escalator/plan.h"

static const char *
or_dash(const char *s)
{
	return s != NULL ? s : "-";
}

static const char *
procedure_name(const struct plan *pl, uint32_t proc)
{
	return or_dash(pl->campaign->procedures[proc].name);
}

/* Long runs of free-slot batches are summarised: their head and tail. */
#define BATCHES_SHOWN	10

static const char *
when(int64_t ms, char *buf, size_t len)
{
	return duration_format(ms, buf, len);
}

static void
print_steps(const struct procedure *p, FILE *out)
{
	char d[32];

	fputs("  steps, for one node:\n", out);
	for (size_t i = 0; i < p->nsteps; i++)
		fprintf(out, "    %-24s %-18s %8s\n", or_dash(p->steps[i].name),
		    step_action_name(p->steps[i].action),
		    when(p->steps[i].expected_ms, d, sizeof d));
}

static void
print_batch(const struct plan_batch *b, uint32_t i, FILE *out)
{
	char s[32], e[32];

	fprintf(out, "    batch %-5" PRIu32 " %6" PRIu32 " node%s  cap %-6"
	    PRIu32 " %-6s %8s .. %s\n", i + 1, b->ntasks,
	    b->ntasks == 1 ? " " : "s", b->cap, b->gated ? "gated" : "",
	    when(b->start_ms, s, sizeof s), when(b->end_ms, e, sizeof e));
}

static void
print_batches(const struct plan_procedure *pp, FILE *out)
{
	uint32_t head = BATCHES_SHOWN - 1;

	fputs("  batches:\n", out);
	for (uint32_t i = 0; i < pp->nbatches; i++) {
		if (pp->nbatches > BATCHES_SHOWN + 1 && i == head) {
			fprintf(out, "    ... %" PRIu32 " more batches\n",
			    pp->nbatches - head - 1);
			i = pp->nbatches - 1;
		}
		print_batch(&pp->batches[i], i, out);
	}
}

static void
print_procedure(const struct plan *pl, const struct plan_procedure *pp,
    FILE *out)
{
	const struct procedure *p = &pl->campaign->procedures[pp->proc];
	char s[32], e[32], n[32], t[32];

	fprintf(out, "\nlevel %d  procedure %s: %" PRIu32 " node%s, %s",
	    pp->level, or_dash(p->name), pp->nnodes, pp->nnodes == 1 ? "" : "s",
	    method_name(p->method));
	for (uint32_t i = 0; i < pp->ndeps; i++)
		fprintf(out, "%s%s", i == 0 ? ", after " : ", ",
		    procedure_name(pl, pl->procs[pp->deps[i]].proc));
	fprintf(out, "\n  expected %s .. %s; per node %s, tests %s\n",
	    when(pp->start_ms, s, sizeof s), when(pp->end_ms, e, sizeof e),
	    when(pp->node_ms, n, sizeof n), when(pp->tests_ms, t, sizeof t));
	print_steps(p, out);
	print_batches(pp, out);
}

static void
print_outages(const struct plan *pl, FILE *out)
{
	int64_t budget = pl->campaign->outage_budget_ms;
	char o[32], b[32];

	if (pl->noutages == 0) {
		fputs("\nno planned end-user outage\n", out);
		return;
	}
	if (budget >= 0)
		fprintf(out, "\nplanned outage per service (budget %s):\n",
		    when(budget, b, sizeof b));
	else
		fputs("\nplanned outage per service (no budget):\n", out);
	for (uint32_t i = 0; i < pl->noutages; i++)
		fprintf(out, "  %-24s %8s%s\n", pl->outages[i].service,
		    when(pl->outages[i].planned_ms, o, sizeof o),
		    budget >= 0 && pl->outages[i].planned_ms > budget ?
		    "  OVER BUDGET" : "");
}

void
plan_print(const struct plan *pl, FILE *out)
{
	const struct campaign *c = pl->campaign;
	char t[32];

	fprintf(out, "campaign %s: %s -> %s, %zu node%s, %" PRIu32
	    " procedure%s, %s\n", or_dash(c->name), or_dash(c->from_version),
	    or_dash(c->to_version), pl->inventory->count,
	    pl->inventory->count == 1 ? "" : "s", pl->nprocs,
	    pl->nprocs == 1 ? "" : "s",
	    pl->mode == PLAN_LOCK_STEP ? "lock-step batches" : "free slots");
	for (uint32_t i = 0; i < pl->nprocs; i++)
		print_procedure(pl, &pl->procs[i], out);
	print_outages(pl, out);
	fprintf(out, "\nexpected total: %s (%" PRId64 " ms)\n",
	    when(pl->total_ms, t, sizeof t), pl->total_ms);
}

static json_object *
steps_json(const struct procedure *p)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < p->nsteps; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "name",
		    json_object_new_string(or_dash(p->steps[i].name)));
		json_object_object_add(o, "action", json_object_new_string(
		    step_action_name(p->steps[i].action)));
		json_object_object_add(o, "expected_ms",
		    json_object_new_int64(p->steps[i].expected_ms));
		json_object_array_add(a, o);
	}
	return a;
}

/* Every span in the JSON plan: batch, procedure and task alike. */
static void
span_json(json_object *o, int64_t start_ms, int64_t end_ms)
{
	json_object_object_add(o, "start_ms",
	    json_object_new_int64(start_ms));
	json_object_object_add(o, "end_ms", json_object_new_int64(end_ms));
}

static json_object *
batches_json(const struct plan_procedure *pp)
{
	json_object *a = json_object_new_array();

	for (uint32_t i = 0; i < pp->nbatches; i++) {
		const struct plan_batch *b = &pp->batches[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "cap", json_object_new_int64(b->cap));
		json_object_object_add(o, "gated",
		    json_object_new_boolean(b->gated));
		json_object_object_add(o, "nodes",
		    json_object_new_int64(b->ntasks));
		span_json(o, b->start_ms, b->end_ms);
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *
names_json(const struct plan *pl, const struct plan_procedure *pp)
{
	json_object *nodes = json_object_new_array();

	for (uint32_t i = 0; i < pp->nnodes; i++)
		json_object_array_add(nodes, json_object_new_string(
		    pl->inventory->nodes[pp->nodes[i]].name));
	return nodes;
}

static json_object *
procedure_json(const struct plan *pl, const struct plan_procedure *pp)
{
	const struct procedure *p = &pl->campaign->procedures[pp->proc];
	json_object *o = json_object_new_object(), *deps;

	json_object_object_add(o, "name",
	    json_object_new_string(or_dash(p->name)));
	json_object_object_add(o, "level", json_object_new_int(pp->level));
	json_object_object_add(o, "method",
	    json_object_new_string(method_name(p->method)));
	deps = json_object_new_array();
	for (uint32_t i = 0; i < pp->ndeps; i++)
		json_object_array_add(deps, json_object_new_string(
		    procedure_name(pl, pl->procs[pp->deps[i]].proc)));
	json_object_object_add(o, "after", deps);
	json_object_object_add(o, "nodes", names_json(pl, pp));
	json_object_object_add(o, "node_ms",
	    json_object_new_int64(pp->node_ms));
	json_object_object_add(o, "tests_ms",
	    json_object_new_int64(pp->tests_ms));
	span_json(o, pp->start_ms, pp->end_ms);
	json_object_object_add(o, "steps", steps_json(p));
	json_object_object_add(o, "batches", batches_json(pp));
	return o;
}

static json_object *
tasks_json(const struct plan *pl)
{
	json_object *a = json_object_new_array();

	for (uint32_t i = 0; i < pl->ntasks; i++) {
		const struct plan_task *t = &pl->tasks[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "node", json_object_new_string(
		    pl->inventory->nodes[t->node].name));
		json_object_object_add(o, "procedure", json_object_new_string(
		    procedure_name(pl, t->proc)));
		json_object_object_add(o, "batch",
		    json_object_new_int64(t->batch));
		span_json(o, t->start_ms, t->end_ms);
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *
outages_json(const struct plan *pl)
{
	int64_t budget = pl->campaign->outage_budget_ms;
	json_object *a = json_object_new_array();

	for (uint32_t i = 0; i < pl->noutages; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "service",
		    json_object_new_string(pl->outages[i].service));
		json_object_object_add(o, "planned_ms",
		    json_object_new_int64(pl->outages[i].planned_ms));
		json_object_object_add(o, "over_budget",
		    json_object_new_boolean(budget >= 0 &&
		    pl->outages[i].planned_ms > budget));
		json_object_array_add(a, o);
	}
	return a;
}

json_object *
plan_to_json(const struct plan *pl)
{
	const struct campaign *c = pl->campaign;
	json_object *o = json_object_new_object(), *procs;

	json_object_object_add(o, "campaign",
	    json_object_new_string(or_dash(c->name)));
	json_object_object_add(o, "mode", json_object_new_string(
	    pl->mode == PLAN_LOCK_STEP ? "lock-step" : "free-slots"));
	json_object_object_add(o, "total_ms",
	    json_object_new_int64(pl->total_ms));
	json_object_object_add(o, "outage_budget_ms", c->outage_budget_ms < 0 ?
	    NULL : json_object_new_int64(c->outage_budget_ms));
	procs = json_object_new_array();
	for (uint32_t i = 0; i < pl->nprocs; i++)
		json_object_array_add(procs, procedure_json(pl, &pl->procs[i]));
	json_object_object_add(o, "procedures", procs);
	json_object_object_add(o, "tasks", tasks_json(pl));
	json_object_object_add(o, "outages", outages_json(pl));
	return o;
}

void
plan_print_json(const struct plan *pl, FILE *out)
{
	json_object *o = plan_to_json(pl);

	fprintf(out, "%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}
