/* The clock, the fault specs and the simulated cluster. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "escalator/clock.h"
#include "escalator/sim.h"
#include "escalator/util.h"
#include "tmpdir.h"

#define T0	1767229200000LL		/* 2026-01-01T01:00:00Z */

/* --- clock ---------------------------------------------------------------- */

static void
test_clock_virtual(void **state)
{
	struct clock *c = clock_new(CLOCK_MODE_VIRTUAL, 1, T0);

	(void)state;
	assert_true(clock_virtual(c));
	assert_int_equal(clock_now(c), T0);
	clock_advance(c, T0 + 5000);
	assert_int_equal(clock_now(c), T0 + 5000);
	clock_advance(c, T0);		/* never back */
	assert_int_equal(clock_now(c), T0 + 5000);
	clock_advance(c, CLOCK_NEVER);	/* never to the end of time */
	assert_int_equal(clock_now(c), T0 + 5000);
	assert_int_equal(clock_sleep_ms(c, T0 + 60000), 0);
	assert_int_equal(clock_sleep_ms(c, CLOCK_NEVER), -1);
	clock_free(c);
}

static void
test_clock_real_speed(void **state)
{
	struct clock *c = clock_new(CLOCK_MODE_REAL, 1000, T0);
	int ms;

	(void)state;
	assert_false(clock_virtual(c));
	assert_true(clock_now(c) >= T0);
	/* 100 simulated seconds at x1000 are about 100 real ms. */
	ms = clock_sleep_ms(c, clock_now(c) + 100000);
	assert_in_range(ms, 90, 101);
	assert_int_equal(clock_sleep_ms(c, T0 - 1), 0);
	usleep(20000);
	assert_true(clock_now(c) >= T0 + 15000);
	clock_free(c);
}

static void
test_clock_iso(void **state)
{
	int64_t ms;
	char buf[32];

	(void)state;
	assert_int_equal(clock_parse_iso("2026-01-01T01:00:00Z", &ms), 0);
	assert_int_equal(ms, T0);
	assert_int_equal(clock_parse_iso("2026-01-01T01:00", &ms), 0);
	assert_int_equal(ms, T0);
	assert_int_equal(clock_parse_iso("2026-01-01", &ms), -1);
	assert_int_equal(clock_parse_iso("2026-01-01T01:00:00Zjunk", &ms), -1);
	assert_int_equal(clock_parse_iso("", &ms), -1);
	assert_string_equal(clock_format_iso(T0 + 61000, buf, sizeof buf),
	    "2026-01-01T01:01:01Z");
}

/* --- fault specs ------------------------------------------------------------- */

static void
test_fault_parse(void **state)
{
	struct sim_fault f;
	char *err = NULL;

	(void)state;
	assert_int_equal(sim_fault_parse("fail:upgrade@ctl-1x2", &f, &err), 0);
	assert_int_equal(f.kind, SIM_FAULT_FAIL);
	assert_string_equal(f.step, "upgrade");
	assert_string_equal(f.node, "ctl-1");
	assert_int_equal(f.times, 2);
	assert_int_equal(f.percent, 100);
	sim_fault_free(&f);

	assert_int_equal(sim_fault_parse("die:compute-1@upgrade", &f, &err), 0);
	assert_int_equal(f.kind, SIM_FAULT_DIE);
	assert_string_equal(f.step, "upgrade");
	assert_string_equal(f.node, "compute-1");
	sim_fault_free(&f);

	assert_int_equal(sim_fault_parse("flap:*%50", &f, &err), 0);
	assert_int_equal(f.kind, SIM_FAULT_FLAP);
	assert_null(f.node);
	assert_null(f.step);
	assert_int_equal(f.percent, 50);
	assert_int_equal(f.times, 1);	/* a flap passes by default */
	sim_fault_free(&f);

	assert_int_equal(sim_fault_parse("hang:health@*", &f, &err), 0);
	assert_int_equal(f.kind, SIM_FAULT_HANG);
	assert_null(f.node);
	assert_int_equal(f.times, 0);
	sim_fault_free(&f);

	assert_int_equal(sim_fault_parse("vnfm-deny:compute-2", &f, &err), 0);
	assert_int_equal(f.kind, SIM_FAULT_VNFM_DENY);
	sim_fault_free(&f);
}

static void
bad_fault(const char *spec, const char *why)
{
	struct sim_fault f;
	char *err = NULL;

	assert_int_equal(sim_fault_parse(spec, &f, &err), -1);
	assert_non_null(err);
	if (strstr(err, why) == NULL)
		fail_msg("'%s': '%s' does not say '%s'", spec, err, why);
	free(err);
}

static void
test_fault_bad(void **state)
{
	(void)state;
	bad_fault("boom:ctl-1", "unknown kind");
	bad_fault("ctl-1", "unknown kind");
	bad_fault("fail:ctl-1", "STEP@NODE expected");
	bad_fault("flap:upgrade@ctl-1", "takes no step");
	bad_fault("fail:upgrade@ctl-1%0", "%P");
	bad_fault("fail:upgrade@ctl-1%101", "%P");
	bad_fault("fail:upgrade@ctl-1x0", "xN");
	bad_fault("fail:@ctl-1", "empty");
	bad_fault("alarm:", "empty");
}

/* --- the simulated cluster -------------------------------------------------------- */

struct bed {
	char		*dir;
	struct node	 nodes[2];
	struct inventory inv;
	struct step	 upgrade;
	struct campaign	 c;
	struct clock	*clock;
	struct strv	 faults;
	struct transport *tp;
	uint64_t	 seed;
};

static void
bed_open(struct bed *b)
{
	struct sim_config sc = {
		.campaign = &b->c,
		.inventory = &b->inv,
		.state_dir = b->dir,
		.clock = b->clock,
		.seed = b->seed,
		.faults = &b->faults,
	};
	char *err = NULL;

	b->tp = sim_open(&sc, &err);
	if (b->tp == NULL)
		fail_msg("sim_open: %s", err);
}

static int
bed_setup(void **state)
{
	struct bed *b = xcalloc(1, sizeof *b);

	b->dir = tmpdir_make();
	b->nodes[0].name = (char *)"n1";
	b->nodes[1].name = (char *)"n2";
	b->inv.nodes = b->nodes;
	b->inv.count = 2;
	b->upgrade.name = (char *)"upgrade";
	b->upgrade.action = STEP_RUN;
	b->upgrade.sets_version = true;
	b->upgrade.expected_ms = 10000;
	b->upgrade.timeout_ms = 60000;
	b->c.from_version = (char *)"1.0";
	b->c.to_version = (char *)"2.0";
	b->clock = clock_new(CLOCK_MODE_VIRTUAL, 1, T0);
	b->seed = 7;
	*state = b;
	return 0;
}

static int
bed_teardown(void **state)
{
	struct bed *b = *state;

	if (b->tp != NULL)
		b->tp->ops->destroy(b->tp);
	clock_free(b->clock);
	strv_free(&b->faults);
	tmpdir_remove(b->dir);
	free(b);
	return 0;
}

static void
start(struct bed *b, uint64_t id, uint32_t node, const struct step *s,
    bool undo, int attempt)
{
	struct transport_action a = {
		.id = id,
		.kind = TRANSPORT_RUN,
		.node = node,
		.step = s,
		.name = s->name,
		.undo = undo,
		.attempt = attempt,
	};
	char *err = NULL;

	assert_int_equal(b->tp->ops->start(b->tp, &a, &err), 0);
}

static struct transport_result
wait_one(struct bed *b)
{
	struct transport_result r;

	assert_int_equal(b->tp->ops->wait(b->tp, CLOCK_NEVER, -1, &r, 1), 1);
	return r;
}

static char *
version(struct bed *b, const char *node)
{
	return sim_node_version(b->dir, node);
}

static void
test_sim_run_sets_version(void **state)
{
	struct bed *b = *state;
	struct transport_result r;
	char *v;

	bed_open(b);
	v = version(b, "n1");
	assert_string_equal(v, "1.0");	/* no inventory version: from */
	free(v);
	start(b, 1, 0, &b->upgrade, false, 1);
	r = wait_one(b);
	assert_int_equal(r.id, 1);
	assert_int_equal(r.status, TRANSPORT_OK);
	/* The expected 10 s, give or take 10%, on the virtual clock. */
	assert_in_range(r.ended_ms - T0, 9000, 11000);
	assert_int_equal(clock_now(b->clock), r.ended_ms);
	v = version(b, "n1");
	assert_string_equal(v, "2.0");
	free(v);
	start(b, 2, 0, &b->upgrade, true, 1);
	r = wait_one(b);
	v = version(b, "n1");
	assert_string_equal(v, "1.0");
	free(v);
}

/* A version file copy succeeds, the same way every time. */
static void
test_sim_copy(void **state)
{
	struct bed *b = *state;
	struct step s = { .name = (char *)"copy:/opt/a.tar",
	    .expected_ms = 10000, .timeout_ms = 60000 };
	struct version_file v = { .path = (char *)"a.tar",
	    .dest = (char *)"/opt/a.tar" };
	struct transport_action a = { .id = 1, .kind = TRANSPORT_COPY,
	    .node = 1, .step = &s, .name = s.name, .attempt = 1,
	    .version_file = &v };
	struct transport_result r;
	char *err = NULL, *ver;
	int64_t ended;

	bed_open(b);
	assert_int_equal(b->tp->ops->start(b->tp, &a, &err), 0);
	r = wait_one(b);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_string_equal(r.output, "copy: ok");
	ended = r.ended_ms;
	ver = version(b, "n2");
	assert_string_equal(ver, "1.0");	/* a copy changes no version */
	free(ver);
	b->tp->ops->destroy(b->tp);
	clock_free(b->clock);
	b->clock = clock_new(CLOCK_MODE_VIRTUAL, 1, T0);
	bed_open(b);
	assert_int_equal(b->tp->ops->start(b->tp, &a, &err), 0);
	assert_int_equal(wait_one(b).ended_ms, ended);
}

static void
test_sim_fail_times(void **state)
{
	struct bed *b = *state;

	strv_push(&b->faults, "fail:upgrade@n2x1");
	bed_open(b);
	start(b, 1, 1, &b->upgrade, false, 1);
	assert_int_equal(wait_one(b).status, TRANSPORT_FAILED);
	start(b, 2, 1, &b->upgrade, false, 2);
	assert_int_equal(wait_one(b).status, TRANSPORT_OK);
	start(b, 3, 0, &b->upgrade, false, 1);	/* n1 never fails */
	assert_int_equal(wait_one(b).status, TRANSPORT_OK);
}

static void
test_sim_hang_cancel(void **state)
{
	struct bed *b = *state;
	struct transport_result r;
	struct sim_exec *h;
	size_t n;
	char *err = NULL;

	strv_push(&b->faults, "hang:upgrade@n1");
	bed_open(b);
	start(b, 1, 0, &b->upgrade, false, 1);
	/* Nothing completes: the wait ends at the deadline. */
	assert_int_equal(b->tp->ops->wait(b->tp, T0 + 60000, -1, &r, 1), 0);
	assert_int_equal(clock_now(b->clock), T0 + 60000);
	b->tp->ops->cancel(b->tp, 1);
	assert_int_equal(sim_history(b->dir, &h, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(h[0].state, "cancelled");
	sim_history_free(h, n);
}

static void
test_sim_survives_crash(void **state)
{
	struct bed *b = *state;
	struct transport_action a = { .id = 1, .kind = TRANSPORT_RUN,
	    .node = 0, .step = &b->upgrade, .name = "upgrade", .attempt = 1 };
	struct transport_action never = a;
	char *v;

	bed_open(b);
	start(b, 1, 0, &b->upgrade, false, 1);
	/* The controller dies; the node finishes the command alone. */
	b->tp->ops->destroy(b->tp);
	b->tp = NULL;
	bed_open(b);
	v = version(b, "n1");
	assert_string_equal(v, "2.0");
	free(v);
	assert_int_equal(b->tp->ops->probe(b->tp, &a), PROBE_DONE);
	never.id = 99;
	assert_int_equal(b->tp->ops->probe(b->tp, &never), PROBE_NOT_DONE);
}

static void
test_sim_unknown_probe(void **state)
{
	struct bed *b = *state;
	struct transport_action a = { .id = 1, .kind = TRANSPORT_RUN,
	    .node = 0, .step = &b->upgrade, .name = "upgrade", .attempt = 1 };

	strv_push(&b->faults, "unknown:upgrade@n1");
	bed_open(b);
	assert_int_equal(b->tp->ops->probe(b->tp, &a), PROBE_UNKNOWN);
	a.node = 1;
	assert_int_equal(b->tp->ops->probe(b->tp, &a), PROBE_NOT_DONE);
}

static void
test_sim_die(void **state)
{
	struct bed *b = *state;
	struct transport_result r;

	strv_push(&b->faults, "die:n2@upgrade");
	bed_open(b);
	start(b, 1, 1, &b->upgrade, false, 1);
	r = wait_one(b);
	assert_int_equal(r.status, TRANSPORT_FAILED);
	assert_string_equal(r.output, "node died");
	start(b, 2, 1, &b->upgrade, false, 2);
	r = wait_one(b);
	assert_int_equal(r.status, TRANSPORT_FAILED);
	assert_int_equal(r.exit_code, 255);
	assert_string_equal(r.output, "node unreachable");
}

static void
test_sim_deterministic(void **state)
{
	struct bed *b = *state;
	int64_t first, second;

	bed_open(b);
	start(b, 1, 1, &b->upgrade, false, 1);
	first = wait_one(b).ended_ms - T0;
	b->tp->ops->destroy(b->tp);
	b->tp = NULL;
	/* Same seed, same action: the same duration, wherever the clock. */
	bed_open(b);
	start(b, 2, 1, &b->upgrade, false, 1);
	second = wait_one(b).ended_ms - (T0 + first);
	assert_int_equal(first, second);
}

static void
test_sim_bad_fault(void **state)
{
	struct bed *b = *state;
	struct sim_config sc = { .campaign = &b->c, .inventory = &b->inv,
	    .state_dir = b->dir, .clock = b->clock, .faults = &b->faults };
	char *err = NULL;

	strv_push(&b->faults, "explode:n1");
	assert_null(sim_open(&sc, &err));
	assert_non_null(strstr(err, "explode:n1"));
	free(err);
}

static void
test_expand(void **state)
{
	struct node n = { .name = (char *)"ctl-1",
	    .address = (char *)"10.0.0.1", .port = 2222 };
	char *s;

	(void)state;
	s = transport_expand("ssh -p {port} {user}@{address} # {name} {x}", &n);
	assert_string_equal(s, "ssh -p 2222 root@10.0.0.1 # ctl-1 {x}");
	free(s);
	n.address = NULL;
	n.port = 0;
	s = transport_expand("http://{address}:{port}/{", &n);
	assert_string_equal(s, "http://ctl-1:22/{");
	free(s);
	s = transport_expand("{\"host\":\"{name}\",\"n\":{{port}}}", &n);
	assert_string_equal(s, "{\"host\":\"ctl-1\",\"n\":{22}}");
	free(s);
}

#define BED(t)	cmocka_unit_test_setup_teardown(t, bed_setup, bed_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clock_virtual),
		cmocka_unit_test(test_clock_real_speed),
		cmocka_unit_test(test_clock_iso),
		cmocka_unit_test(test_fault_parse),
		cmocka_unit_test(test_fault_bad),
		cmocka_unit_test(test_expand),
		BED(test_sim_run_sets_version),
		BED(test_sim_copy),
		BED(test_sim_fail_times),
		BED(test_sim_hang_cancel),
		BED(test_sim_survives_crash),
		BED(test_sim_unknown_probe),
		BED(test_sim_die),
		BED(test_sim_deterministic),
		BED(test_sim_bad_fault),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
