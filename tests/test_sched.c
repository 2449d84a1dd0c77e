/* The scheduler, driven by hand the way the engine drives it. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "escalator/sched.h"
#include "plan_cluster.h"

struct fixture {
	struct campaign		 c;
	struct inventory	 inv;
	struct plan		 plan;
	struct sched		*s;
};

static void
computes(struct fixture *f, int n)
{
	for (int i = 0; i < n; i++) {
		char name[16];

		snprintf(name, sizeof name, "cmp-%d", i);
		cl_node(&f->inv, name, "compute", NULL);
	}
}

/* n compute nodes and procedure "up", rolling over them by batches, with
 * one step of a second. */
static struct procedure *
rolling_computes(struct fixture *f, int n, const char *batches)
{
	struct procedure *p;

	cl_campaign_init(&f->c);
	computes(f, n);
	p = cl_procedure(&f->c, "up", "compute", METHOD_ROLLING, batches);
	cl_step(p, "upgrade", 1000);
	return p;
}

static void
start_sched(struct fixture *f)
{
	struct diag_list d = { 0 };

	assert_int_equal(plan_build(&f->plan, &f->c, &f->inv, &d), 0);
	diag_list_free(&d);
	f->s = sched_new(&f->plan);
}

static void
fixture_done(struct fixture *f)
{
	sched_free(f->s);
	plan_free(&f->plan);
	campaign_free(&f->c);
	inventory_free(&f->inv);
}

static struct sched_pick
next_ok(struct fixture *f, uint32_t node, uint32_t batch)
{
	struct sched_pick pk;
	struct block why;

	assert_true(sched_next(f->s, &pk, &why));
	assert_int_equal(pk.node, node);
	assert_int_equal(pk.batch, batch);
	return pk;
}

static void
next_blocked_as(struct fixture *f, enum block_reason reason,
    const char *object, uint32_t node, const char *text)
{
	struct sched_pick pk;
	struct block why;
	char buf[128];

	assert_false(sched_next(f->s, &pk, &why));
	assert_int_equal(why.reason, reason);
	assert_string_equal(why.object, object);
	assert_int_equal(why.node, node);
	if (text != NULL)
		assert_string_equal(sched_describe(f->s, &why, buf,
		    sizeof buf), text);
}

static void
next_blocked(struct fixture *f, enum block_reason reason, const char *object,
    uint32_t node)
{
	next_blocked_as(f, reason, object, node, NULL);
}

static void
test_free_slots(void **state)
{
	struct fixture f = { 0 };
	struct sched_pick a, b, c;

	(void)state;
	rolling_computes(&f, 4, "2");
	start_sched(&f);
	a = next_ok(&f, 0, 0);
	b = next_ok(&f, 1, 0);
	next_blocked(&f, BLOCK_SLOTS, "up", 2);
	/* cmp-1 is quick: cmp-2 starts while the slow cmp-0 still runs. */
	sched_finish(f.s, &b, true);
	c = next_ok(&f, 2, 1);
	assert_int_equal(sched_running(f.s), 2);
	next_blocked(&f, BLOCK_SLOTS, "up", 3);
	sched_finish(f.s, &a, true);
	(void)next_ok(&f, 3, 1);
	(void)c;
	fixture_done(&f);
}

static void
test_gates_hold(void **state)
{
	struct fixture f = { 0 };
	struct sched_pick a, b, c;
	struct sched_completion done;
	struct procedure *p;

	(void)state;
	p = rolling_computes(&f, 4, "1,2");
	cl_test(&f.c, "smoke", 500);
	strv_push(&p->tests, "smoke");
	start_sched(&f);
	a = next_ok(&f, 0, 0);
	next_blocked_as(&f, BLOCK_GATE, "up", 1,
	    "the previous batch and its tests must finish first (up)");
	sched_finish(f.s, &a, true);
	assert_true(sched_completion(f.s, &done));
	assert_int_equal(done.batch, 0);
	assert_false(done.procedure_done);
	assert_int_equal(done.total, 1);
	assert_false(sched_completion(f.s, &done));
	/* Finished is not enough: the canary's tests must pass. */
	next_blocked(&f, BLOCK_GATE, "up", 1);
	sched_gate_open(f.s, 0, 0);
	b = next_ok(&f, 1, 1);
	c = next_ok(&f, 2, 1);
	next_blocked(&f, BLOCK_SLOTS, "up", 3);
	sched_finish(f.s, &c, true);
	/* The last entry repeats in free slots: no gate between them. */
	(void)next_ok(&f, 3, 2);
	sched_finish(f.s, &b, true);
	assert_true(sched_completion(f.s, &done));
	assert_int_equal(done.batch, 1);
	assert_false(sched_done(f.s));
	fixture_done(&f);
}

static void
test_failures_block(void **state)
{
	struct fixture f = { 0 };
	struct sched_pick a, b, c;
	struct sched_completion done;
	struct procedure *p;

	(void)state;
	p = rolling_computes(&f, 4, "2");
	p->max_failure_percent = 50;
	start_sched(&f);
	a = next_ok(&f, 0, 0);
	b = next_ok(&f, 1, 0);
	/* One of two failed: 50% is within the limit. */
	sched_finish(f.s, &a, false);
	c = next_ok(&f, 2, 1);
	sched_finish(f.s, &b, false);
	assert_true(sched_completion(f.s, &done));
	assert_int_equal(done.failed, 2);
	assert_int_equal(done.total, 2);
	next_blocked(&f, BLOCK_FAILURES, "up", 3);
	sched_finish(f.s, &c, true);
	next_blocked(&f, BLOCK_FAILURES, "up", 3);
	fixture_done(&f);
}

static void
test_skip_for_resume(void **state)
{
	struct fixture f = { 0 };
	struct sched_completion done;
	struct sched_pick c, d;

	(void)state;
	rolling_computes(&f, 4, "2");
	start_sched(&f);
	sched_skip(f.s, 0, 0, true);
	sched_skip(f.s, 0, 1, true);
	sched_skip(f.s, 0, 1, true);	/* twice is once */
	assert_true(sched_completion(f.s, &done));
	assert_int_equal(done.batch, 0);
	assert_int_equal(done.total, 2);
	assert_false(sched_completion(f.s, &done));
	assert_int_equal(sched_running(f.s), 0);
	c = next_ok(&f, 2, 1);
	d = next_ok(&f, 3, 1);
	sched_finish(f.s, &c, true);
	sched_finish(f.s, &d, true);
	assert_true(sched_completion(f.s, &done));
	assert_true(done.procedure_done);
	sched_gate_open(f.s, 0, 0);
	assert_false(sched_done(f.s));
	sched_gate_open(f.s, 0, 1);
	assert_true(sched_done(f.s));
	fixture_done(&f);
}

/* A crash with batch 0's cmp-0 still running and batch 1's cmp-3
 * already done: resumed, both batches come out as they were. */
static void
test_skip_into_batch(void **state)
{
	struct fixture f = { 0 };
	struct sched_completion done;

	(void)state;
	rolling_computes(&f, 6, "2");
	start_sched(&f);
	sched_skip_batch(f.s, 0, 1, 0, true);
	sched_skip_batch(f.s, 0, 3, 1, true);
	assert_false(sched_completion(f.s, &done));
	(void)next_ok(&f, 0, 0);
	(void)next_ok(&f, 2, 1);
	/* Batches 0 and 1 are full: batch 2 opens with its own cap. */
	next_blocked(&f, BLOCK_SLOTS, "up", 4);
	/* A full batch sends the node to the one being filled. */
	sched_skip_batch(f.s, 0, 4, 0, true);
	sched_finish(f.s, &(struct sched_pick){ 0, 0, 0 }, true);
	assert_true(sched_completion(f.s, &done));
	assert_int_equal(done.batch, 0);
	assert_int_equal(done.total, 2);
	(void)next_ok(&f, 5, 2);
	fixture_done(&f);
}

static void
test_why_ha_group(void **state)
{
	struct fixture f = { 0 };
	struct sched_pick a;

	(void)state;
	cl_campaign_init(&f.c);
	cl_node(&f.inv, "ctl-0", "controller", "ctl");
	cl_node(&f.inv, "ctl-1", "controller", "ctl");
	cl_ha_rule(&f.c, "ctl", 1, 0);
	cl_step(cl_procedure(&f.c, "ctl", "controller", METHOD_PARALLEL,
	    NULL), "upgrade", 1000);
	start_sched(&f);
	a = next_ok(&f, 0, 0);
	next_blocked_as(&f, BLOCK_HA_GROUP, "ctl", 1,
	    "HA group ctl already at max_unavailable 1");
	sched_finish(f.s, &a, true);
	(void)next_ok(&f, 1, 0);
	fixture_done(&f);
}

/* Constraints are global: a group member down in one procedure counts
 * in every other one. */
static void
test_ha_group_across_procedures(void **state)
{
	struct fixture f = { 0 };
	struct sched_pick a, b;

	(void)state;
	cl_campaign_init(&f.c);
	cl_node(&f.inv, "api-0", "api", "ctl");
	cl_node(&f.inv, "db-0", "db", "ctl");
	cl_ha_rule(&f.c, "ctl", 1, 0);
	cl_step(cl_procedure(&f.c, "api", "api", METHOD_ROLLING, "1"),
	    "upgrade", 1000);
	cl_step(cl_procedure(&f.c, "db", "db", METHOD_ROLLING, "1"),
	    "upgrade", 1000);
	start_sched(&f);
	a = next_ok(&f, 0, 0);
	next_blocked_as(&f, BLOCK_HA_GROUP, "ctl", 1,
	    "HA group ctl already at max_unavailable 1");
	sched_finish(f.s, &a, true);
	b = next_ok(&f, 1, 0);
	assert_int_equal(b.pproc, 1);
	fixture_done(&f);
}

static void
test_why_vnf(void **state)
{
	struct fixture f = { 0 };
	struct sched_pick a;

	(void)state;
	cl_campaign_init(&f.c);
	computes(&f, 3);
	cl_vnf(&f.inv, 0, "vFW", "fw-0");
	cl_vnf(&f.inv, 2, "vFW", "fw-1");
	cl_vnf_rule(&f.c, "vFW", 1);
	cl_step(cl_procedure(&f.c, "up", "compute", METHOD_PARALLEL, NULL),
	    "upgrade", 1000);
	start_sched(&f);
	a = next_ok(&f, 0, 0);
	/* cmp-2 waits for vFW, cmp-1 does not. */
	(void)next_ok(&f, 1, 0);
	next_blocked_as(&f, BLOCK_VNF, "vFW", 2,
	    "VNF vFW already at max_impacted_members 1");
	sched_finish(f.s, &a, true);
	(void)next_ok(&f, 2, 0);
	fixture_done(&f);
}

static void
test_why_dependency(void **state)
{
	struct fixture f = { 0 };
	struct sched_completion done;
	struct sched_pick a;
	struct procedure *p;

	(void)state;
	cl_campaign_init(&f.c);
	cl_node(&f.inv, "ctl-0", "controller", NULL);
	computes(&f, 1);
	cl_step(cl_procedure(&f.c, "ctl", "controller", METHOD_ROLLING, "1"),
	    "upgrade", 1000);
	p = cl_procedure(&f.c, "cmp", "compute", METHOD_ROLLING, "1");
	cl_step(p, "upgrade", 1000);
	strv_push(&p->depends_on, "ctl");
	start_sched(&f);
	a = next_ok(&f, 0, 0);
	next_blocked_as(&f, BLOCK_DEPENDENCY, "ctl", 1,
	    "a procedure it depends on is not done (ctl)");
	sched_finish(f.s, &a, true);
	assert_true(sched_completion(f.s, &done));
	assert_true(done.procedure_done);
	/* Done means its tests passed too. */
	next_blocked(&f, BLOCK_DEPENDENCY, "ctl", 1);
	sched_gate_open(f.s, done.pproc, done.batch);
	a = next_ok(&f, 1, 0);
	assert_int_equal(a.pproc, 1);
	fixture_done(&f);
}

static void
test_why_busy(void **state)
{
	struct fixture f = { 0 };
	struct sched_pick a, b;
	struct block why;

	(void)state;
	cl_campaign_init(&f.c);
	computes(&f, 1);
	cl_step(cl_procedure(&f.c, "nova", "compute", METHOD_PARALLEL, NULL),
	    "upgrade", 1000);
	cl_step(cl_procedure(&f.c, "ovs", "compute", METHOD_PARALLEL, NULL),
	    "upgrade", 1000);
	start_sched(&f);
	a = next_ok(&f, 0, 0);
	assert_int_equal(a.pproc, 0);
	/* Independent procedures, one node: never down twice at once. */
	next_blocked_as(&f, BLOCK_BUSY, "cmp-0", 0,
	    "node cmp-0 is down in another procedure");
	sched_finish(f.s, &a, true);
	assert_true(sched_next(f.s, &b, &why));
	assert_int_equal(b.pproc, 1);
	assert_false(sched_next(f.s, &b, &why));
	assert_int_equal(why.reason, BLOCK_NONE);
	fixture_done(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_slots),
		cmocka_unit_test(test_gates_hold),
		cmocka_unit_test(test_failures_block),
		cmocka_unit_test(test_skip_for_resume),
		cmocka_unit_test(test_skip_into_batch),
		cmocka_unit_test(test_why_ha_group),
		cmocka_unit_test(test_ha_group_across_procedures),
		cmocka_unit_test(test_why_vnf),
		cmocka_unit_test(test_why_dependency),
		cmocka_unit_test(test_why_busy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
