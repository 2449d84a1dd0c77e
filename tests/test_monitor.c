/*
 * The health monitor: on the simulator in virtual time, its checks run
 * on every tick on the nodes that should be up and a failure suspends
 * the campaign or is only logged; with the SSH transport's HTTP prober
 * against real servers, every node's probe is out at once.
 */
#include "config.h"

#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "escalator/campaign.h"
#include "escalator/engine.h"
#include "escalator/inventory.h"
#include "escalator/journal.h"
#include "escalator/sim.h"
#include "escalator/ssh_transport.h"
#include "escalator/util.h"
#include "net_util.h"
#include "campaign_util.h"
#include "tmpdir.h"

#define INTERVAL_MS	10000

struct fixture {
	char			*dir;
	struct campaign		 c;
	struct inventory	 inv;
	const char		*fault;		/* injected entering execution */
	bool			 suspended;
	bool			 warned;	/* a monitor warning was logged */
	char			*warned_node;
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);

	f->dir = tmpdir_make();
	if (tu_load_data(&f->c, &f->inv, "tests/data/engine/testbed.cfg") ==
	    -1)
		return -1;
	/* monitor = { interval = "10s"; checks = [ "ping" ]; } */
	f->c.monitor.enabled = true;
	f->c.monitor.interval_ms = INTERVAL_MS;
	f->c.monitor.checks = xcalloc(1, sizeof *f->c.monitor.checks);
	f->c.monitor.nchecks = 1;
	f->c.monitor.on_failure = ON_FAILURE_PAUSE;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	tmpdir_remove(f->dir);
	campaign_free(&f->c);
	inventory_free(&f->inv);
	free(f->warned_node);
	free(f);
	return 0;
}

static struct engine *
start(struct fixture *f)
{
	struct engine_config cfg = {
		.campaign = &f->c,
		.inventory = &f->inv,
		.state_dir = f->dir,
		.operator = "alice",
		.clock_mode = CLOCK_MODE_VIRTUAL,
		.speed = 1,
		.seed = 1,
	};
	struct engine_command go = { .type = ENGINE_CMD_START };
	struct engine *e;
	char *err = NULL;

	if ((e = engine_start(&cfg, &err)) == NULL)
		fail_msg("engine_start: %s", err);
	engine_command(e, &go);
	return e;
}

/* Every question is approved; the fault goes in, while the clock holds
 * still, just before the execution phase. */
static void
seen(struct fixture *f, struct engine *e, const struct engine_event *ev)
{
	struct engine_command cmd = { .operator = "alice" };

	if (ev->type == ENGINE_EVENT_APPROVAL) {
		if (f->fault != NULL && ev->approval.kind == APPROVAL_PHASE &&
		    strcmp(ev->approval.object, "execution") == 0) {
			cmd.type = ENGINE_CMD_FAULT;
			cmd.fault = f->fault;
			engine_command(e, &cmd);
		}
		cmd.type = ENGINE_CMD_APPROVE;
		cmd.approval = ev->approval.id;
		engine_command(e, &cmd);
	} else if (ev->type == ENGINE_EVENT_LOG && ev->action != NULL &&
	    strcmp(ev->action, "monitor") == 0 &&
	    strcmp(ev->result, "warning") == 0 && !f->warned) {
		f->warned = true;
		f->warned_node = xstrdup(ev->node ? ev->node : "");
	}
}

/* Follow the engine until it finishes or reaches until. */
static enum engine_state
follow(struct fixture *f, struct engine *e, enum engine_state until)
{
	struct pollfd p = { .fd = engine_event_fd(e), .events = POLLIN };

	for (;;) {
		struct engine_event *ev;
		enum engine_state got = ENGINE_STATE_COUNT;
		size_t n;

		if (poll(&p, 1, 10000) != 1)
			fail_msg("the engine went silent");
		ev = engine_events_take(e, &n);
		for (size_t i = 0; i < n && got == ENGINE_STATE_COUNT; i++) {
			seen(f, e, &ev[i]);
			if (ev[i].type == ENGINE_EVENT_STATE &&
			    ev[i].state == ENGINE_STATE_SUSPENDED)
				f->suspended = true;
			if (ev[i].type == ENGINE_EVENT_FINISHED ||
			    (ev[i].type == ENGINE_EVENT_STATE &&
			    ev[i].state == until))
				got = ev[i].state;
		}
		engine_events_free(ev, n);
		if (got != ENGINE_STATE_COUNT)
			return got;
	}
}

/* --- what the simulated cluster saw ----------------------------------- */

struct act {
	char	node[32];
	char	name[32];
	int64_t	start_ms, end_ms;
	bool	monitor;
};

static struct act *
actions(const struct fixture *f, size_t *n)
{
	char *path = xasprintf("%s/%s", f->dir, SIM_FILE);
	struct act *a = NULL;
	sqlite3 *db;
	sqlite3_stmt *st;

	*n = 0;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT node, name, "
	    "start_ms, end_ms, id >= 4611686018427387904 FROM action "
	    "ORDER BY start_ms, id", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		a = xreallocarray(a, *n + 1, sizeof *a);
		snprintf(a[*n].node, sizeof a[*n].node, "%s",
		    (const char *)sqlite3_column_text(st, 0));
		snprintf(a[*n].name, sizeof a[*n].name, "%s",
		    (const char *)sqlite3_column_text(st, 1));
		a[*n].start_ms = sqlite3_column_int64(st, 2);
		a[*n].end_ms = sqlite3_column_int64(st, 3);
		a[*n].monitor = sqlite3_column_int(st, 4) != 0;
		(*n)++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);
	return a;
}

static const struct act *
act_find(const struct act *a, size_t n, const char *node, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!a[i].monitor && strcmp(a[i].node, node) == 0 &&
		    strcmp(a[i].name, name) == 0)
			return &a[i];
	return NULL;
}

/* No probe of a node from its drain until it is back in service. */
static void
assert_not_probed_in_maintenance(const struct act *a, size_t n,
    const char *node)
{
	const struct act *on = act_find(a, n, node, "drain");
	const struct act *off = act_find(a, n, node, "undrain");

	assert_non_null(on);
	assert_non_null(off);
	for (size_t i = 0; i < n; i++)
		if (a[i].monitor && strcmp(a[i].node, node) == 0 &&
		    a[i].start_ms >= on->start_ms && a[i].start_ms <
		    off->end_ms)
			fail_msg("%s probed at %lld, in maintenance", node,
			    (long long)a[i].start_ms);
}

static size_t
probes_of(const struct act *a, size_t n, const char *node)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += a[i].monitor && strcmp(a[i].node, node) == 0;
	return k;
}

/* The journal's node table, as `escalator status` reads it. */
static void
assert_journal_health(const struct fixture *f, const char *node,
    const char *want)
{
	struct journal *j;
	struct journal_node *jn;
	size_t n;
	char *err = NULL;
	bool found = false;

	assert_int_equal(journal_open_readonly(&j, f->dir, &err), 0);
	assert_int_equal(journal_nodes_load(j, &jn, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(jn[i].name, node) == 0) {
			assert_string_equal(jn[i].health, want);
			found = true;
		}
	assert_true(found);
	journal_nodes_free(jn, n);
	journal_close(j);
}

/* --- the tests ----------------------------------------------------------- */

static void
test_ticks_on_watched_nodes(void **state)
{
	struct fixture *f = *state;
	struct engine *e = start(f);
	const struct act *first_exec;
	struct act *a;
	int64_t t0 = -1, last = 0;
	size_t n, ticks = 0;

	assert_int_equal(follow(f, e, ENGINE_STATE_COUNT),
	    ENGINE_STATE_COMMITTED);
	engine_free(e);
	assert_false(f->warned);
	a = actions(f, &n);
	for (size_t i = 0; i < n; i++) {
		if (!a[i].monitor)
			continue;
		assert_string_equal(a[i].name, "ping");
		if (t0 == -1)
			t0 = a[i].start_ms;
		/* only on the interval's ticks, each tick once per node */
		assert_int_equal((a[i].start_ms - t0) % INTERVAL_MS, 0);
		if (a[i].start_ms != last)
			ticks++;
		last = a[i].start_ms;
	}
	/* one probe per node per tick: none started twice */
	assert_true(t0 >= 0);
	assert_int_equal(ticks, (size_t)((last - t0) / INTERVAL_MS + 1));
	/* from validation on: before the first upgrade step */
	first_exec = act_find(a, n, "ctl-1", "drain");
	assert_non_null(first_exec);
	assert_true(t0 < first_exec->start_ms);
	for (size_t i = 0; i < f->inv.count; i++) {
		assert_true(probes_of(a, n, f->inv.nodes[i].name) >= 3);
		assert_not_probed_in_maintenance(a, n, f->inv.nodes[i].name);
	}
	free(a);
}

static void
test_failure_pauses(void **state)
{
	struct fixture *f = *state;
	struct engine_snapshot s;
	struct engine_command resume = { .type = ENGINE_CMD_RESUME,
	    .operator = "alice" };
	struct engine *e;

	f->fault = "flap:cmp-2";
	e = start(f);
	assert_int_equal(follow(f, e, ENGINE_STATE_SUSPENDED),
	    ENGINE_STATE_SUSPENDED);
	assert_true(f->warned);
	assert_string_equal(f->warned_node, "cmp-2");
	engine_snapshot(e, &s);
	assert_int_equal(s.wait.reason, WAIT_OPERATOR);
	assert_non_null(strstr(s.wait.text, "cmp-2"));
	assert_non_null(strstr(s.wait.text, "ping"));
	assert_string_equal(s.nodes[2].name, "cmp-2");
	assert_string_equal(s.nodes[2].health, "failed: ping");
	assert_true(s.nodes[2].health_ms > 0);
	engine_snapshot_free(&s);
	assert_journal_health(f, "cmp-2", "failed: ping");
	assert_journal_health(f, "cmp-1", "ok");
	/* the flap was once: resumed, the campaign goes on to the end */
	engine_command(e, &resume);
	assert_int_equal(follow(f, e, ENGINE_STATE_COUNT),
	    ENGINE_STATE_COMMITTED);
	engine_snapshot(e, &s);
	assert_string_equal(s.nodes[2].health, "ok");
	engine_snapshot_free(&s);
	engine_free(e);
}

static void
test_failure_continues(void **state)
{
	struct fixture *f = *state;
	struct engine *e;

	f->fault = "flap:cmp-2";
	f->c.monitor.on_failure = ON_FAILURE_CONTINUE;
	e = start(f);
	assert_int_equal(follow(f, e, ENGINE_STATE_COUNT),
	    ENGINE_STATE_COMMITTED);
	engine_free(e);
	assert_true(f->warned);
	assert_string_equal(f->warned_node, "cmp-2");
	assert_false(f->suspended);
}

/* --- real servers -------------------------------------------------------- */

#define NSERVERS	3
#define SLOW_MS		3000

/* The monitor's probes through the SSH transport's HTTP prober: one
 * server answers slowly, and the others' results come before its own,
 * so every node's probe was out at once. */
static void
test_http_nodes_at_once(void **state)
{
	struct node nodes[NSERVERS];
	struct inventory inv = { .nodes = nodes, .count = NSERVERS };
	struct step check = { .name = "api-up", .timeout_ms = 10000 };
	struct ssh_transport_config cfg = { .inventory = &inv };
	struct transport_result res[NSERVERS];
	char *urls[NSERVERS], *err = NULL, *dir = tmpdir_make(), *id;
	pid_t pids[NSERVERS];
	int64_t t0, done[NSERVERS] = { 0 };
	struct transport *tp;
	size_t ndone = 0;

	(void)state;
	cfg.state_dir = dir;
	/* HTTP needs no SSH connection, but the transport wants a key */
	cfg.identity_file = id = xasprintf("%s/id", dir);
	assert_int_equal(net_sh("ssh-keygen -q -t ed25519 -N '' -f %s", id),
	    0);
	memset(nodes, 0, sizeof nodes);
	if ((tp = ssh_transport_open(&cfg, &err)) == NULL)
		fail_msg("ssh_transport_open: %s", err);
	for (size_t i = 0; i < NSERVERS; i++) {
		int port = net_httpd_start(&pids[i], "2.0");

		assert_true(port > 0);
		nodes[i].name = xasprintf("node-%zu", i);
		nodes[i].address = xstrdup("127.0.0.1");
		urls[i] = i == 0 ? xasprintf("http://127.0.0.1:%d/slow?ms=%d",
		    port, SLOW_MS) : xasprintf("http://127.0.0.1:%d/health",
		    port);
	}
	t0 = time_mono_ms();
	for (size_t i = 0; i < NSERVERS; i++) {
		struct transport_action a = { .id = 100 + i,
		    .kind = TRANSPORT_HEALTH, .node = (uint32_t)i,
		    .step = &check, .name = check.name, .url = urls[i],
		    .attempt = 1 };

		assert_int_equal(tp->ops->start(tp, &a, &err), 0);
	}
	while (ndone < NSERVERS && time_mono_ms() - t0 < 10000) {
		int n = tp->ops->wait(tp, CLOCK_NEVER, -1, res, NSERVERS);

		assert_true(n >= 0);
		for (int k = 0; k < n; k++) {
			assert_int_equal(res[k].status, TRANSPORT_OK);
			done[res[k].id - 100] = (int64_t)++ndone;
		}
	}
	assert_int_equal(ndone, NSERVERS);
	/* By order, not by the clock: the slow one's answer comes last. */
	assert_int_equal(done[0], NSERVERS);
	tp->ops->destroy(tp);
	for (size_t i = 0; i < NSERVERS; i++) {
		net_stop(pids[i]);
		free(nodes[i].name);
		free(nodes[i].address);
		free(urls[i]);
	}
	free(id);
	tmpdir_remove(dir);
}

int
main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_ticks_on_watched_nodes),
		T(test_failure_pauses),
		T(test_failure_continues),
		cmocka_unit_test(test_http_nodes_at_once),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
