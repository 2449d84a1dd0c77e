/*
 * The planner: batch caps, and plans of generated clusters from 10 to
 * 10,000 nodes replayed instant by instant against every constraint,
 * batch cap, gate and dependency; errors; the printed and JSON forms.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "escalator/plan.h"
#include "plan_cluster.h"

struct fixture {
	struct campaign		c;
	struct inventory	inv;
	struct plan		plan;
	struct diag_list	d;
};

static void
fixture_done(struct fixture *f)
{
	plan_free(&f->plan);
	diag_list_free(&f->d);
	campaign_free(&f->c);
	inventory_free(&f->inv);
}

/* The plan must be refused, first of all with this message. */
static void
expect_refused(struct fixture *f, const char *message)
{
	assert_int_equal(plan_build(&f->plan, &f->c, &f->inv, &f->d), -1);
	assert_string_equal(f->d.items[0].message, message);
}

static uint32_t
cap_of(const char *spec, enum method m, uint32_t n, uint32_t b, bool *gated)
{
	struct campaign c;
	struct procedure *p;
	uint32_t cap;

	cl_campaign_init(&c);
	p = cl_procedure(&c, "p", "compute", m, spec);
	cap = plan_batch_cap(p, n, b, gated);
	campaign_free(&c);
	return cap;
}

static void
test_batch_cap(void **state)
{
	bool gated;

	(void)state;
	assert_int_equal(cap_of("3", METHOD_ROLLING, 10, 0, &gated), 3);
	assert_false(gated);
	assert_int_equal(cap_of("3", METHOD_ROLLING, 10, 3, &gated), 3);
	assert_int_equal(cap_of("20", METHOD_ROLLING, 10, 0, &gated), 10);
	/* Percentages round up, and never to zero. */
	assert_int_equal(cap_of("25%", METHOD_ROLLING, 10, 0, &gated), 3);
	assert_int_equal(cap_of("10%", METHOD_ROLLING, 15, 0, &gated), 2);
	assert_int_equal(cap_of("1%", METHOD_ROLLING, 10, 0, &gated), 1);
	assert_int_equal(cap_of("100%", METHOD_ROLLING, 7, 0, &gated), 7);
	/* A list: canaries gated, the last entry repeating. */
	assert_int_equal(cap_of("1,5,25%", METHOD_ROLLING, 100, 0, &gated), 1);
	assert_true(gated);
	assert_int_equal(cap_of("1,5,25%", METHOD_ROLLING, 100, 1, &gated), 5);
	assert_true(gated);
	assert_int_equal(cap_of("1,5,25%", METHOD_ROLLING, 100, 2, &gated), 25);
	assert_false(gated);
	assert_int_equal(cap_of("1,5,25%", METHOD_ROLLING, 100, 7, &gated), 25);
	assert_false(gated);
	assert_int_equal(cap_of(NULL, METHOD_ROLLING, 10, 0, &gated), 1);
	assert_int_equal(cap_of(NULL, METHOD_SINGLE_STEP, 7, 0, &gated), 7);
	assert_false(gated);
	assert_int_equal(cap_of("2", METHOD_PARALLEL, 7, 0, &gated), 7);
}

/* Rule lookups by name for the replay, independent of constraints.c. */
struct rule_index {
	const char	**names;
	uint32_t	 *rule;
	size_t		  n;
};

static const char **sort_names;

static int
by_name(const void *a, const void *b)
{
	return strcmp(sort_names[*(const uint32_t *)a],
	    sort_names[*(const uint32_t *)b]);
}

static void
rule_index_init(struct rule_index *x, const char **names, size_t n)
{
	x->names = names;
	x->n = n;
	x->rule = calloc(n + 1, sizeof *x->rule);
	for (uint32_t i = 0; i < n; i++)
		x->rule[i] = i;
	sort_names = names;
	qsort(x->rule, n, sizeof *x->rule, by_name);
}

static long
rule_find(const struct rule_index *x, const char *name)
{
	size_t lo = 0, hi = x->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(x->names[x->rule[mid]], name);

		if (c == 0)
			return x->rule[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

struct replay {
	const struct plan	*pl;
	struct rule_index	 ha, vnf;
	const char		**ha_names, **vnf_names;
	int			*ha_down, *ha_members, *vnf_used;
	int			*node_down;
	uint32_t		*running;	/* per plan procedure */
	uint32_t		*pproc_of;	/* campaign index -> plan */
};

static long
ha_rule_of(const struct replay *r, const struct node *n)
{
	const char *g = node_label(n, LABEL_HA_GROUP);

	return g == NULL ? -1 : rule_find(&r->ha, g);
}

static void
replay_init(struct replay *r, const struct plan *pl)
{
	const struct campaign *c = pl->campaign;

	memset(r, 0, sizeof *r);
	r->pl = pl;
	r->ha_names = calloc(c->nha_rules + 1, sizeof *r->ha_names);
	for (size_t i = 0; i < c->nha_rules; i++)
		r->ha_names[i] = c->ha_rules[i].group;
	r->vnf_names = calloc(c->nvnf_rules + 1, sizeof *r->vnf_names);
	for (size_t i = 0; i < c->nvnf_rules; i++)
		r->vnf_names[i] = c->vnf_rules[i].vnf;
	rule_index_init(&r->ha, r->ha_names, c->nha_rules);
	rule_index_init(&r->vnf, r->vnf_names, c->nvnf_rules);
	r->ha_down = calloc(c->nha_rules + 1, sizeof *r->ha_down);
	r->ha_members = calloc(c->nha_rules + 1, sizeof *r->ha_members);
	r->vnf_used = calloc(c->nvnf_rules + 1, sizeof *r->vnf_used);
	r->node_down = calloc(pl->inventory->count + 1, sizeof *r->node_down);
	r->running = calloc(pl->nprocs + 1, sizeof *r->running);
	r->pproc_of = calloc(c->nprocedures + 1, sizeof *r->pproc_of);
	for (uint32_t p = 0; p < pl->nprocs; p++)
		r->pproc_of[pl->procs[p].proc] = p;
	for (size_t n = 0; n < pl->inventory->count; n++) {
		long h = ha_rule_of(r, &pl->inventory->nodes[n]);

		if (h >= 0)
			r->ha_members[h]++;
	}
}

static void
replay_free(struct replay *r)
{
	free(r->ha.rule);
	free(r->vnf.rule);
	free(r->ha_names);
	free(r->vnf_names);
	free(r->ha_down);
	free(r->ha_members);
	free(r->vnf_used);
	free(r->node_down);
	free(r->running);
	free(r->pproc_of);
}

/* A node goes down (sign 1) or comes back (-1); going down, every
 * constraint it touches must still hold. */
static void
replay_step(struct replay *r, const struct plan_task *t, int sign)
{
	const struct campaign *c = r->pl->campaign;
	const struct node *n = &r->pl->inventory->nodes[t->node];
	uint32_t pp = r->pproc_of[t->proc];
	long h = ha_rule_of(r, n);

	if (sign > 0)
		assert_int_equal(r->node_down[t->node], 0);
	r->node_down[t->node] += sign;
	r->running[pp] += (uint32_t)sign;
	if (sign > 0)
		assert_true(r->running[pp] <=
		    r->pl->procs[pp].batches[t->batch].cap);
	if (h >= 0) {
		r->ha_down[h] += sign;
		assert_true(r->ha_down[h] <= c->ha_rules[h].max_unavailable);
		if (c->ha_rules[h].quorum > 0)
			assert_true(r->ha_members[h] - r->ha_down[h] >=
			    c->ha_rules[h].quorum);
	}
	for (size_t i = 0; i < n->nvnfs; i++) {
		long v = rule_find(&r->vnf, n->vnfs[i].vnf);

		if (v >= 0)
			r->vnf_used[v] += sign;
	}
	for (size_t i = 0; sign > 0 && i < n->nvnfs; i++) {
		long v = rule_find(&r->vnf, n->vnfs[i].vnf);

		if (v >= 0)
			assert_true(r->vnf_used[v] <=
			    c->vnf_rules[v].max_impacted_members);
	}
}

struct instant {
	int64_t		time;
	int		sign;	/* ends (-1) before starts (1) */
	uint32_t	task;
};

static int
instant_cmp(const void *a, const void *b)
{
	const struct instant *x = a, *y = b;

	if (x->time != y->time)
		return (x->time > y->time) - (x->time < y->time);
	if (x->sign != y->sign)
		return x->sign - y->sign;
	return (x->task > y->task) - (x->task < y->task);
}

static void
check_constraints_over_time(const struct plan *pl)
{
	struct instant *in = calloc(2 * (size_t)pl->ntasks + 1, sizeof *in);
	struct replay r;

	for (uint32_t i = 0; i < pl->ntasks; i++) {
		in[2 * i] = (struct instant){ pl->tasks[i].start_ms, 1, i };
		in[2 * i + 1] = (struct instant){ pl->tasks[i].end_ms, -1, i };
	}
	qsort(in, 2 * (size_t)pl->ntasks, sizeof *in, instant_cmp);
	replay_init(&r, pl);
	for (size_t i = 0; i < 2 * (size_t)pl->ntasks; i++)
		replay_step(&r, &pl->tasks[in[i].task], in[i].sign);
	replay_free(&r);
	free(in);
}

static uint32_t
pproc_of(const struct plan *pl, uint32_t proc)
{
	for (uint32_t p = 0; p < pl->nprocs; p++)
		if (pl->procs[p].proc == proc)
			return p;
	fail_msg("task of an unknown procedure %u", proc);
	return 0;
}

/* Every node of every procedure exactly once, in a batch of the right
 * size; gates and dependencies respected. */
static void
check_tasks(const struct plan *pl)
{
	uint32_t total = 0;

	for (uint32_t p = 0; p < pl->nprocs; p++) {
		const struct plan_procedure *pp = &pl->procs[p];
		uint8_t *seen = calloc(pl->inventory->count, 1);
		uint32_t *per_batch = calloc(pp->nbatches, sizeof *per_batch);
		uint32_t count = 0;

		for (uint32_t i = 0; i < pp->nnodes; i++)
			seen[pp->nodes[i]] = 1;
		for (uint32_t i = 0; i < pl->ntasks; i++) {
			const struct plan_task *t = &pl->tasks[i];

			if (pproc_of(pl, t->proc) != p)
				continue;
			assert_int_equal(seen[t->node], 1);
			seen[t->node] = 2;
			count++;
			assert_true(t->batch < pp->nbatches);
			per_batch[t->batch]++;
			assert_int_equal(t->end_ms - t->start_ms, pp->node_ms);
			assert_true(t->end_ms + pp->tests_ms <=
			    pp->batches[t->batch].end_ms);
			assert_true(pp->batches[t->batch].end_ms <= pp->end_ms);
			if (t->batch > 0 && pp->batches[t->batch - 1].gated)
				assert_true(t->start_ms >=
				    pp->batches[t->batch - 1].end_ms);
			for (uint32_t k = 0; k < pp->ndeps; k++)
				assert_true(t->start_ms >=
				    pl->procs[pp->deps[k]].end_ms);
		}
		assert_int_equal(count, pp->nnodes);
		for (uint32_t b = 0; b < pp->nbatches; b++)
			assert_int_equal(per_batch[b], pp->batches[b].ntasks);
		assert_true(pp->end_ms <= pl->total_ms);
		total += count;
		free(seen);
		free(per_batch);
	}
	assert_int_equal(total, pl->ntasks);
	for (uint32_t i = 1; i < pl->ntasks; i++)
		assert_true(pl->tasks[i - 1].start_ms <= pl->tasks[i].start_ms);
}

static void
plan_generated(uint32_t nnodes, enum plan_mode mode)
{
	struct fixture f = { 0 };

	cl_campaign_init(&f.c);
	cl_generate(&f.c, &f.inv, nnodes, nnodes);
	if (plan_build_mode(&f.plan, &f.c, &f.inv, mode, &f.d) != 0) {
		diag_print(&f.d, stderr);
		fail_msg("no plan for %u nodes", nnodes);
	}
	assert_int_equal(f.plan.nprocs, 5);
	check_tasks(&f.plan);
	check_constraints_over_time(&f.plan);
	fixture_done(&f);
}

static void
test_plan_10(void **state)
{
	(void)state;
	plan_generated(10, PLAN_FREE_SLOTS);
}

static void
test_plan_100(void **state)
{
	(void)state;
	plan_generated(100, PLAN_FREE_SLOTS);
}

static void
test_plan_1000(void **state)
{
	(void)state;
	plan_generated(1000, PLAN_FREE_SLOTS);
	plan_generated(1000, PLAN_LOCK_STEP);
}

static void
test_plan_10000(void **state)
{
	(void)state;
	plan_generated(10000, PLAN_FREE_SLOTS);
}

/* Levels and depends_on both order: agents (level 2) after the
 * controllers (level 1), computes after network after controllers; the
 * timeline reads level by level. */
static void
test_order(void **state)
{
	struct fixture f = { 0 };
	const char *names[5];

	(void)state;
	cl_campaign_init(&f.c);
	cl_generate(&f.c, &f.inv, 100, 1);
	assert_int_equal(plan_build(&f.plan, &f.c, &f.inv, &f.d), 0);
	for (uint32_t p = 0; p < 5; p++)
		names[p] = f.c.procedures[f.plan.procs[p].proc].name;
	assert_string_equal(names[0], "controllers");
	assert_string_equal(names[1], "network");
	assert_string_equal(names[2], "storage");
	assert_string_equal(names[3], "agents");
	assert_string_equal(names[4], "computes");
	assert_int_equal(f.plan.procs[0].level, 1);
	assert_int_equal(f.plan.procs[3].level, 2);
	assert_int_equal(f.plan.procs[3].ndeps, 1);
	assert_int_equal(f.plan.procs[3].deps[0], 0);
	assert_int_equal(f.plan.procs[4].level, 3);
	assert_int_equal(f.plan.procs[4].ndeps, 1);
	assert_string_equal(f.c.procedures[f.plan.procs[f.plan.procs[4].deps[0]]
	    .proc].name, "network");
	fixture_done(&f);
}

static void
simple(struct fixture *f, const char *batches)
{
	struct procedure *p;

	cl_campaign_init(&f->c);
	for (int i = 0; i < 4; i++) {
		char name[16];

		snprintf(name, sizeof name, "cmp-%d", i);
		cl_node(&f->inv, name, "compute", NULL);
	}
	cl_test(&f->c, "smoke", 500000);
	cl_component(&f->c, "nova", "compute", 2000);
	cl_component(&f->c, "keystone", "identity", 1000);
	f->c.outage_budget_ms = 5000;
	p = cl_procedure(&f->c, "up", "compute", METHOD_ROLLING, batches);
	cl_step(p, "drain", 400000);
	cl_step(p, "upgrade", 600000);
	strv_push(&p->tests, "smoke");
	strv_push(&p->components, "nova");
	strv_push(&p->components, "keystone");
}

/* Batch tests do not hold the next free-slot batch; lock-step waits. */
static void
test_free_slots_vs_lock_step(void **state)
{
	struct fixture f = { 0 }, g = { 0 };

	(void)state;
	simple(&f, "2");
	assert_int_equal(plan_build(&f.plan, &f.c, &f.inv, &f.d), 0);
	assert_int_equal(f.plan.procs[0].node_ms, 1000000);
	assert_int_equal(f.plan.procs[0].tests_ms, 500000);
	assert_int_equal(f.plan.procs[0].nbatches, 2);
	assert_int_equal(f.plan.procs[0].batches[1].start_ms, 1000000);
	assert_int_equal(f.plan.total_ms, 2500000);
	simple(&g, "2");
	assert_int_equal(plan_build_mode(&g.plan, &g.c, &g.inv,
	    PLAN_LOCK_STEP, &g.d), 0);
	assert_int_equal(g.plan.procs[0].batches[1].start_ms, 1500000);
	assert_int_equal(g.plan.total_ms, 3000000);
	fixture_done(&f);
	fixture_done(&g);
}

static void
test_deadlock(void **state)
{
	struct fixture f = { 0 };
	uint32_t n;

	(void)state;
	cl_campaign_init(&f.c);
	cl_node(&f.inv, "cmp-0", "compute", NULL);
	n = cl_node(&f.inv, "cmp-1", "compute", NULL);
	cl_vnf(&f.inv, n, "vFW", "fw-0");
	cl_vnf(&f.inv, n, "vFW", "fw-1");
	cl_vnf_rule(&f.c, "vFW", 1);
	cl_step(cl_procedure(&f.c, "up", "compute", METHOD_ROLLING, "1"),
	    "upgrade", 1000);
	expect_refused(&f, "the plan cannot finish: node cmp-1 can never be "
	    "taken down: VNF vFW already at max_impacted_members 1");
	assert_int_equal(diag_errors(&f.d), 1);
	assert_int_equal(f.plan.nprocs, 0);
	fixture_done(&f);
}

static void
test_deadlock_quorum(void **state)
{
	struct fixture f = { 0 };

	(void)state;
	cl_campaign_init(&f.c);
	cl_node(&f.inv, "db-0", "db", "galera");
	cl_node(&f.inv, "db-1", "db", "galera");
	cl_ha_rule(&f.c, "galera", 1, 2);
	cl_step(cl_procedure(&f.c, "db", "db", METHOD_ROLLING, "1"),
	    "upgrade", 1000);
	expect_refused(&f, "the plan cannot finish: node db-0 can never be "
	    "taken down: HA group galera would lose quorum 2 (2 members)");
	fixture_done(&f);
}

static void
test_cycle(void **state)
{
	/* Each procedure and the one it depends on. */
	static const char *const deps[][2] = {
		{ "solo", "b" }, { "a", "b" }, { "b", "c" }, { "c", "a" },
		{ "d", "nowhere" },
	};
	struct fixture f = { 0 };

	(void)state;
	cl_campaign_init(&f.c);
	cl_node(&f.inv, "cmp-0", "compute", NULL);
	for (size_t i = 0; i < sizeof deps / sizeof deps[0]; i++)
		strv_push(&cl_procedure(&f.c, deps[i][0], "compute",
		    METHOD_ROLLING, "1")->depends_on, deps[i][1]);
	expect_refused(&f, "procedure 'd' depends on unknown procedure "
	    "'nowhere'");
	assert_int_equal(diag_errors(&f.d), 1);
	diag_list_free(&f.d);
	free(f.c.procedures[4].depends_on.items[0]);
	f.c.procedures[4].depends_on.items[0] = xstrdup("a");
	expect_refused(&f, "dependency cycle: b -> c -> a -> b");
	assert_int_equal(diag_errors(&f.d), 1);
	assert_int_equal(f.d.items[0].line, 3);
	fixture_done(&f);
}

static void
test_empty_selector(void **state)
{
	struct fixture f = { 0 };

	(void)state;
	cl_campaign_init(&f.c);
	cl_node(&f.inv, "cmp-0", "compute", NULL);
	cl_step(cl_procedure(&f.c, "gpu", "gpu", METHOD_ROLLING, "1"),
	    "upgrade", 1000);
	expect_refused(&f, "procedure 'gpu': target matches no node of the "
	    "inventory");
	fixture_done(&f);
}

static json_object *
member(json_object *o, const char *key, json_type type)
{
	json_object *v = NULL;

	assert_true(json_object_object_get_ex(o, key, &v));
	assert_int_equal(json_object_get_type(v), type);
	return v;
}

static void
test_json_shape(void **state)
{
	struct fixture f = { 0 };
	json_object *o, *procs, *p, *b, *tasks, *t, *out;

	(void)state;
	simple(&f, "1,2");
	assert_int_equal(plan_build(&f.plan, &f.c, &f.inv, &f.d), 0);
	o = plan_to_json(&f.plan);
	assert_int_equal(json_object_get_int64(member(o, "total_ms",
	    json_type_int)), f.plan.total_ms);
	assert_int_equal(json_object_get_int64(member(o, "outage_budget_ms",
	    json_type_int)), 5000);
	assert_string_equal(json_object_get_string(member(o, "mode",
	    json_type_string)), "free-slots");
	procs = member(o, "procedures", json_type_array);
	assert_int_equal(json_object_array_length(procs), 1);
	p = json_object_array_get_idx(procs, 0);
	assert_string_equal(json_object_get_string(member(p, "name",
	    json_type_string)), "up");
	assert_int_equal(json_object_array_length(member(p, "nodes",
	    json_type_array)), 4);
	assert_int_equal(json_object_array_length(member(p, "steps",
	    json_type_array)), 2);
	b = member(p, "batches", json_type_array);
	assert_int_equal(json_object_array_length(b), 3);
	assert_true(json_object_get_boolean(member(json_object_array_get_idx(
	    b, 0), "gated", json_type_boolean)));
	assert_int_equal(json_object_get_int(member(json_object_array_get_idx(
	    b, 1), "nodes", json_type_int)), 2);
	tasks = member(o, "tasks", json_type_array);
	assert_int_equal(json_object_array_length(tasks), 4);
	t = json_object_array_get_idx(tasks, 0);
	assert_string_equal(json_object_get_string(member(t, "node",
	    json_type_string)), "cmp-0");
	assert_int_equal(json_object_get_int(member(t, "batch",
	    json_type_int)), 0);
	member(t, "start_ms", json_type_int);
	member(t, "end_ms", json_type_int);
	out = member(o, "outages", json_type_array);
	assert_int_equal(json_object_array_length(out), 2);
	/* nova: 2 s on each of 4 nodes, over a 5 s budget. */
	assert_int_equal(json_object_get_int64(member(json_object_array_get_idx(
	    out, 0), "planned_ms", json_type_int)), 8000);
	assert_true(json_object_get_boolean(member(json_object_array_get_idx(
	    out, 0), "over_budget", json_type_boolean)));
	assert_false(json_object_get_boolean(member(json_object_array_get_idx(
	    out, 1), "over_budget", json_type_boolean)));
	json_object_put(o);
	fixture_done(&f);
}

static void
test_print(void **state)
{
	struct fixture f = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	(void)state;
	simple(&f, "1,2");
	assert_int_equal(plan_build(&f.plan, &f.c, &f.inv, &f.d), 0);
	out = open_memstream(&text, &len);
	plan_print(&f.plan, out);
	fclose(out);
	assert_non_null(strstr(text, "procedure up: 4 nodes, rolling"));
	assert_non_null(strstr(text, "  expected 0s .. 1h06m; per node "
	    "16m40s, tests 8m20s\n"));
	assert_non_null(strstr(text, "    drain                    run      "
	    "             6m40s\n"));
	assert_non_null(strstr(text, "    batch 1          1 node   cap 1      "
	    "gated        0s .. 25m00s\n"));
	assert_non_null(strstr(text, "    batch 3          1 node   cap 2      "
	    "         41m40s .. 1h06m\n"));
	assert_non_null(strstr(text, "compute                        8s  "
	    "OVER BUDGET\n"));
	assert_non_null(strstr(text, "identity                       4s\n"));
	assert_non_null(strstr(text, "expected total:"));
	free(text);
	fixture_done(&f);
}

/* Preparation copies each node's version files in turn, every node at
 * once: the node with the most copies sets its time, and the total. */
static void
test_phases_count_copies(void **state)
{
	struct fixture f = { 0 };
	struct plan_phases ph;
	struct version_file *v;

	(void)state;
	simple(&f, "1");
	cl_node(&f.inv, "ctl-0", "controller", NULL);
	f.c.nversion_files = 3;
	f.c.version_files = v = xcalloc(3, sizeof *v);
	v[0].path = xstrdup("all.tar");		/* every node */
	v[0].dest = xstrdup("/opt/all.tar");
	v[1].path = xstrdup("nova.tar");	/* compute nodes alone */
	v[1].dest = xstrdup("/opt/nova.tar");
	strv_push(&v[1].target.roles, "compute");
	v[2].path = xstrdup("notes.txt");	/* checked, never copied */
	assert_int_equal(plan_build(&f.plan, &f.c, &f.inv, &f.d), 0);
	plan_phases(&f.plan, &ph);
	assert_int_equal(ph.preparation_ms, 2 * PLAN_COPY_EXPECTED_MS);
	assert_int_equal(ph.total_ms, ph.preparation_ms + ph.validation_ms +
	    ph.backup_ms + ph.execution_ms + ph.testing_ms);
	/* Nothing to copy to anyone: no time. */
	free(v[0].dest);
	free(v[1].dest);
	v[0].dest = v[1].dest = NULL;
	plan_phases(&f.plan, &ph);
	assert_int_equal(ph.preparation_ms, 0);
	fixture_done(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_cap),
		cmocka_unit_test(test_plan_10),
		cmocka_unit_test(test_plan_100),
		cmocka_unit_test(test_plan_1000),
		cmocka_unit_test(test_plan_10000),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_free_slots_vs_lock_step),
		cmocka_unit_test(test_deadlock),
		cmocka_unit_test(test_deadlock_quorum),
		cmocka_unit_test(test_cycle),
		cmocka_unit_test(test_empty_selector),
		cmocka_unit_test(test_json_shape),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_phases_count_copies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
