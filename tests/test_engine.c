/*
 * The engine on the simulator in virtual time: every phase to commit,
 * rollback and restore, pause and resume, hangs, the maintenance window,
 * approvals denied and deferred, the VNF manager saying no, and roles.
 */
#include "config.h"

#include <sys/wait.h>

#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "escalator/campaign.h"
#include "escalator/engine.h"
#include "escalator/inventory.h"
#include "escalator/journal.h"
#include "escalator/sim.h"
#include "escalator/util.h"
#include "campaign_util.h"
#include "engine_util.h"

#define T0	1767229200000LL		/* 2026-01-01T01:00:00Z */
#define DAY	(24LL * 3600 * 1000)

struct fixture {
	char			*dir;
	struct campaign		 c;
	struct inventory	 inv;
	struct strv		 faults;
	const char		*operator;
	/* how the driver answers, per approval kind */
	enum engine_cmd_type	 answer[APPROVAL_KIND_COUNT];
	enum engine_cmd_type	 on_error;
	const char		*skip;		/* on an error, before on_error */
	const char		*skip_by;	/* who skips: the operator */
	const char		*force;		/* at the first VNF question */
	double			 speed;		/* > 0: a real clock this fast */
	bool			 unanswered[APPROVAL_KIND_COUNT];
	/* what it saw */
	bool			 saw_wait[WAIT_REASON_COUNT];
	bool			 saw_approval[APPROVAL_KIND_COUNT];
	int			 approvals;
	int64_t			 gate_deadline_ms; /* the last gate's */
	int64_t			 first_execution_ms;
	char			*first_execution_node;
	enum engine_state	 final;
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);

	if (tu_testbed(&f->dir, &f->c, &f->inv) == -1)
		return -1;
	f->operator = "alice";
	for (size_t k = 0; k < APPROVAL_KIND_COUNT; k++)
		f->answer[k] = ENGINE_CMD_APPROVE;
	f->on_error = ENGINE_CMD_ABORT;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	tu_testbed_free(f->dir, &f->c, &f->inv);
	strv_free(&f->faults);
	free(f->first_execution_node);
	free(f);
	return 0;
}

static struct engine *
start(struct fixture *f, bool resume)
{
	struct engine_config cfg = {
		.campaign = &f->c,
		.inventory = &f->inv,
		.state_dir = f->dir,
		.operator = f->operator,
		.resume = resume,
		.clock_mode = f->speed > 0 ? CLOCK_MODE_REAL :
		    CLOCK_MODE_VIRTUAL,
		.speed = f->speed > 0 ? f->speed : 1,
		.seed = 1,
		.faults = &f->faults,
	};

	return te_start(&cfg);
}

static void
send_node(struct engine *e, enum engine_cmd_type type, const char *node,
    const char *operator)
{
	struct engine_command cmd = { .type = type, .node = node,
	    .operator = operator };

	engine_command(e, &cmd);
}

static void
seen(void *arg, struct engine *e, const struct engine_event *ev)
{
	struct fixture *f = arg;

	switch (ev->type) {
	case ENGINE_EVENT_APPROVAL:
		f->approvals++;
		f->saw_approval[ev->approval.kind] = true;
		if (ev->approval.kind == APPROVAL_GATE)
			f->gate_deadline_ms = ev->approval.deadline_ms;
		if (f->unanswered[ev->approval.kind])
			break;
		/* The clock holds still while the question is open: the
		 * force lands while the node is held back. */
		if (ev->approval.kind == APPROVAL_VNF && f->force != NULL) {
			send_node(e, ENGINE_CMD_FORCE, f->force, f->operator);
			f->force = NULL;
		}
		te_send(e, f->answer[ev->approval.kind], ev->approval.id,
		    f->operator);
		break;
	case ENGINE_EVENT_WAITING:
		f->saw_wait[ev->wait.reason] = true;
		break;
	case ENGINE_EVENT_STEP_STARTED:
		if (ev->phase == ENGINE_PHASE_EXECUTION &&
		    f->first_execution_node == NULL) {
			f->first_execution_ms = ev->ts_ms;
			f->first_execution_node = xstrdup(ev->node);
		}
		break;
	case ENGINE_EVENT_STATE:
		if (ev->state != ENGINE_STATE_ERROR_DETECTED)
			break;
		if (f->skip != NULL)
			send_node(e, ENGINE_CMD_SKIP_NODE, f->skip, f->skip_by ?
			    f->skip_by : f->operator);
		te_send(e, f->on_error, 0, f->operator);
		break;
	default:
		break;
	}
}

/* Follow the engine until it finishes or reaches until; returns the
 * state it was in then. */
static enum engine_state
follow(struct fixture *f, struct engine *e, enum engine_state until)
{
	return f->final = te_follow(e, until, seen, f);
}

static enum engine_state
run_to_end(struct fixture *f)
{
	struct engine *e = start(f, false);
	enum engine_state s = follow(f, e, ENGINE_STATE_COUNT);

	engine_free(e);
	return s;
}

static void
assert_version(struct fixture *f, const char *node, const char *want)
{
	char *v = sim_node_version(f->dir, node);

	assert_non_null(v);
	assert_string_equal(v, want);
	free(v);
}

/* The cluster's record of actions, "node step do|undo" in order. */
static char **
history(struct fixture *f, size_t *n)
{
	struct sim_exec *h;
	char **lines, *err = NULL;

	assert_int_equal(sim_history(f->dir, &h, n, &err), 0);
	lines = xcalloc(*n + 1, sizeof *lines);
	for (size_t i = 0; i < *n; i++)
		lines[i] = xasprintf("%s %s %s%s", h[i].node, h[i].name,
		    h[i].undo ? "undo" : "do", strcmp(h[i].state, "done") ?
		    " failed" : "");
	sim_history_free(h, *n);
	return lines;
}

static void
history_free(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

static long
history_find(char **lines, size_t n, const char *line)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(lines[i], line) == 0)
			return (long)i;
	return -1;
}

static int
history_count(char **lines, size_t n, const char *line)
{
	int count = 0;

	for (size_t i = 0; i < n; i++)
		count += strcmp(lines[i], line) == 0;
	return count;
}

/* --- the tests ------------------------------------------------------------ */

static void
test_every_phase_to_commit(void **state)
{
	struct fixture *f = *state;
	struct engine *e = start(f, false);
	struct engine_snapshot s;
	size_t n;
	char **h;

	assert_int_equal(follow(f, e, ENGINE_STATE_COUNT),
	    ENGINE_STATE_COMMITTED);
	engine_snapshot(e, &s);
	assert_int_equal(s.state, ENGINE_STATE_COMMITTED);
	assert_int_equal(s.phase, ENGINE_PHASE_COMMIT);
	assert_int_equal(s.nnodes, 3);
	for (size_t i = 0; i < s.nnodes; i++) {
		assert_string_equal(s.nodes[i].version, "2.0");
		assert_string_equal(s.nodes[i].status, "committed");
	}
	engine_snapshot_free(&s);
	engine_free(e);
	assert_version(f, "ctl-1", "2.0");
	assert_version(f, "cmp-2", "2.0");
	/* 5 phase boundaries, 1 gate, 2 VNF coordination points. */
	assert_int_equal(f->approvals, 8);
	assert_true(f->saw_approval[APPROVAL_VNF]);
	assert_true(f->saw_approval[APPROVAL_GATE]);
	/* The computes wait for the controllers: a constraint, said. */
	assert_true(f->saw_wait[WAIT_CONSTRAINT]);
	assert_true(f->saw_wait[WAIT_APPROVAL]);
	h = history(f, &n);
	/* Validation, backup, then the controller before the computes. */
	assert_true(history_find(h, n, "ctl-1 ping do") <
	    history_find(h, n, "ctl-1 backup:db do"));
	assert_true(history_find(h, n, "ctl-1 upgrade do") <
	    history_find(h, n, "cmp-1 upgrade do"));
	assert_int_equal(history_find(h, n, "cmp-1 upgrade undo"), -1);
	history_free(h, n);
}

static void
test_rollback_reverse_order(void **state)
{
	struct fixture *f = *state;
	const char *undone[] = { "cmp-1 drain", "ctl-1 undrain",
	    "ctl-1 upgrade", "ctl-1 drain" };
	long at[4];
	size_t n;
	char **h;

	strv_push(&f->faults, "fail:upgrade@cmp-1");
	assert_int_equal(run_to_end(f), ENGINE_STATE_ROLLED_BACK);
	h = history(f, &n);
	assert_true(history_find(h, n, "cmp-1 upgrade do failed") >= 0);
	/* Last done, first undone, across nodes. */
	for (size_t i = 0; i < 4; i++) {
		char *line = xasprintf("%s undo", undone[i]);

		at[i] = history_find(h, n, line);
		if (at[i] < 0)
			fail_msg("no '%s'", line);
		if (i > 0)
			assert_true(at[i] > at[i - 1]);
		free(line);
	}
	/* Nothing undone that never ran. */
	assert_int_equal(history_find(h, n, "cmp-2 drain undo"), -1);
	assert_int_equal(history_find(h, n, "cmp-1 upgrade undo"), -1);
	history_free(h, n);
	assert_version(f, "ctl-1", "1.0");
	assert_version(f, "cmp-1", "1.0");
}

static void
test_restore_from_backup(void **state)
{
	struct fixture *f = *state;
	size_t n;
	char **h;
	long restore, undo;

	f->c.procedures[1].steps[2].on_failure = ON_FAILURE_RESTORE;
	strv_push(&f->faults, "fail:upgrade@cmp-1");
	assert_int_equal(run_to_end(f), ENGINE_STATE_ROLLED_BACK);
	h = history(f, &n);
	restore = history_find(h, n, "ctl-1 restore:db do");
	undo = history_find(h, n, "ctl-1 upgrade undo");
	assert_true(restore >= 0);
	assert_true(undo > restore);
	history_free(h, n);
	assert_version(f, "ctl-1", "1.0");
}

static void
test_pause_and_resume(void **state)
{
	struct fixture *f = *state;
	struct engine *e = start(f, false);
	struct engine_snapshot s;

	/* Pause as soon as the execution phase is asked for. */
	f->answer[APPROVAL_PHASE] = ENGINE_CMD_APPROVE;
	te_send(e, ENGINE_CMD_PAUSE, 0, "alice");
	assert_int_equal(follow(f, e, ENGINE_STATE_SUSPENDED),
	    ENGINE_STATE_SUSPENDED);
	engine_snapshot(e, &s);
	assert_int_equal(s.state, ENGINE_STATE_SUSPENDED);
	assert_int_equal(s.wait.reason, WAIT_OPERATOR);
	engine_snapshot_free(&s);
	/* A viewer may not resume; the run stays where it is. */
	te_send(e, ENGINE_CMD_RESUME, 0, "vic");
	te_send(e, ENGINE_CMD_RESUME, 0, "alice");
	assert_int_equal(follow(f, e, ENGINE_STATE_COUNT),
	    ENGINE_STATE_COMMITTED);
	engine_free(e);
}

/* As a front end waits for rest: the events taken, then a snapshot,
 * until it says idle. */
static void
rest(struct engine *e, struct engine_snapshot *s)
{
	struct pollfd p = { .fd = engine_event_fd(e), .events = POLLIN };
	struct engine_event *ev;
	size_t n;

	for (;;) {
		ev = engine_events_take(e, &n);
		engine_events_free(ev, n);
		engine_snapshot(e, s);
		if (s->idle)
			return;
		engine_snapshot_free(s);
		if (poll(&p, 1, 10000) != 1)
			fail_msg("the engine never came to rest");
	}
}

/* Idle only while a command alone can move the engine: never with a
 * command queued or an event the front end has not taken. */
static void
test_idle_for_front_end(void **state)
{
	struct fixture *f = *state;
	struct engine *e = start(f, false);
	struct engine_snapshot s;
	uint32_t id;

	rest(e, &s);
	assert_int_equal(s.napprovals, 1);
	assert_int_equal(s.approvals[0].kind, APPROVAL_PHASE);
	id = s.approvals[0].id;
	engine_snapshot_free(&s);
	te_send(e, ENGINE_CMD_APPROVE, id, "alice");
	engine_snapshot(e, &s);
	assert_false(s.idle);
	engine_snapshot_free(&s);
	/* at rest again: the next phase boundary, nothing running */
	rest(e, &s);
	assert_int_equal(s.napprovals, 1);
	assert_int_not_equal(s.approvals[0].id, id);
	for (size_t i = 0; i < s.nnodes; i++)
		assert_null(s.nodes[i].step);
	engine_snapshot_free(&s);
	te_send(e, ENGINE_CMD_PAUSE, 0, "alice");
	rest(e, &s);
	assert_int_equal(s.state, ENGINE_STATE_SUSPENDED);
	engine_snapshot_free(&s);
	engine_free(e);
}

static void
test_quit_then_resume_later(void **state)
{
	struct fixture *f = *state;
	struct engine *e;

	/* Nobody answers the execution boundary: quit at a safe point. */
	f->answer[APPROVAL_PHASE] = ENGINE_CMD_DEFER;
	e = start(f, false);
	assert_int_equal(follow(f, e, ENGINE_STATE_SUSPENDED),
	    ENGINE_STATE_SUSPENDED);
	engine_free(e);
	/* A new engine carries on from the journal. */
	f->answer[APPROVAL_PHASE] = ENGINE_CMD_APPROVE;
	e = start(f, true);
	assert_int_equal(follow(f, e, ENGINE_STATE_COUNT),
	    ENGINE_STATE_COMMITTED);
	engine_free(e);
	assert_version(f, "cmp-2", "2.0");
}

static void
test_hang_times_out(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	struct journal_step *steps;
	size_t n;
	char *err = NULL;
	bool timed_out = false;

	strv_push(&f->faults, "hang:upgrade@ctl-1");
	assert_int_equal(run_to_end(f), ENGINE_STATE_ROLLED_BACK);
	assert_true(f->saw_wait[WAIT_HUNG]);
	assert_int_equal(journal_open(&j, f->dir, false, &err), 0);
	assert_int_equal(journal_steps_load(j, &steps, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(steps[i].step, "upgrade") == 0 &&
		    steps[i].status == STEP_STATUS_TIMEOUT) {
			timed_out = true;
			/* Cancelled at its 2-minute timeout. */
			assert_int_equal(steps[i].ended_ms - steps[i].started_ms,
			    120000);
		}
	journal_steps_free(steps, n);
	journal_close(j);
	assert_true(timed_out);
	assert_version(f, "ctl-1", "1.0");
}

static void
test_window_waits_for_next(void **state)
{
	struct fixture *f = *state;

	/* 01:00-01:02 daily: validation and backup fit, the controller's
	 * task (about 41 s) starts, the computes' do not fit after it. */
	f->c.has_window = true;
	f->c.window_start_min = 60;
	f->c.window_end_min = 62;
	assert_int_equal(run_to_end(f), ENGINE_STATE_COMMITTED);
	assert_true(f->saw_wait[WAIT_WINDOW]);
	assert_string_equal(f->first_execution_node, "ctl-1");
	assert_true(f->first_execution_ms < T0 + 2 * 60000);
	assert_version(f, "cmp-2", "2.0");
}

static void
test_window_not_open_yet(void **state)
{
	struct fixture *f = *state;

	f->c.has_window = true;
	f->c.window_start_min = 3 * 60;		/* 03:00-04:00 */
	f->c.window_end_min = 4 * 60;
	assert_int_equal(run_to_end(f), ENGINE_STATE_COMMITTED);
	assert_true(f->saw_wait[WAIT_WINDOW]);
	assert_int_equal(f->first_execution_ms, T0 + 2 * 3600000);
}

static void
test_phase_denied_aborts(void **state)
{
	struct fixture *f = *state;
	size_t n;
	char **h;

	f->answer[APPROVAL_PHASE] = ENGINE_CMD_DENY;
	assert_int_equal(run_to_end(f), ENGINE_STATE_ABORTED);
	h = history(f, &n);
	assert_int_equal(n, 0);		/* nothing touched the nodes */
	history_free(h, n);
}

static void
test_gate_denied_rolls_back(void **state)
{
	struct fixture *f = *state;

	f->answer[APPROVAL_GATE] = ENGINE_CMD_DENY;
	assert_int_equal(run_to_end(f), ENGINE_STATE_ROLLED_BACK);
	assert_version(f, "ctl-1", "1.0");
	assert_version(f, "cmp-1", "1.0");
}

static void
test_vnf_manager_refuses(void **state)
{
	struct fixture *f = *state;
	struct engine *e;
	struct engine_snapshot s;

	strv_push(&f->faults, "vnfm-deny:cmp-1");
	e = start(f, false);
	assert_int_equal(follow(f, e, ENGINE_STATE_COUNT),
	    ENGINE_STATE_COMMITTED);
	/* vnf's on_failure is continue: cmp-1 stays, cmp-2 goes on. */
	engine_snapshot(e, &s);
	assert_string_equal(s.nodes[1].name, "cmp-1");
	assert_string_equal(s.nodes[1].status, "failed");
	assert_string_equal(s.nodes[1].version, "1.0");
	assert_string_equal(s.nodes[2].status, "committed");
	engine_snapshot_free(&s);
	engine_free(e);
	assert_version(f, "cmp-1", "1.0");
	assert_version(f, "cmp-2", "2.0");
}

static void
test_vnf_denied_by_operator(void **state)
{
	struct fixture *f = *state;

	f->answer[APPROVAL_VNF] = ENGINE_CMD_DENY;
	assert_int_equal(run_to_end(f), ENGINE_STATE_COMMITTED);
	assert_version(f, "cmp-1", "1.0");
	assert_version(f, "cmp-2", "1.0");
}

static void
test_batch_failure_percent(void **state)
{
	struct fixture *f = *state;
	size_t n;
	char **h;

	/* cmp-1 fails and continues, but its batch allows no failure: the
	 * scheduler holds cmp-2 back and the operator is asked. */
	f->c.procedures[1].max_failure_percent = 0;
	strv_push(&f->faults, "vnfm-deny:cmp-1");
	f->on_error = ENGINE_CMD_ABORT;
	assert_int_equal(run_to_end(f), ENGINE_STATE_ABORTED);
	h = history(f, &n);
	assert_int_equal(history_find(h, n, "cmp-2 vnf do"), -1);
	history_free(h, n);
	assert_version(f, "cmp-2", "1.0");
}

static void
test_pause_policy_error_detected(void **state)
{
	struct fixture *f = *state;

	f->c.procedures[0].steps[1].on_failure = ON_FAILURE_PAUSE;
	strv_push(&f->faults, "fail:upgrade@ctl-1x1");
	f->on_error = ENGINE_CMD_RETRY;
	assert_int_equal(run_to_end(f), ENGINE_STATE_COMMITTED);
	assert_version(f, "ctl-1", "2.0");
}

static void
test_fault_injected_live(void **state)
{
	struct fixture *f = *state;
	struct engine *e = start(f, false);
	struct engine_command bad = { .type = ENGINE_CMD_FAULT,
	    .fault = "fail:nostep", .operator = "alice" };
	struct engine_command good = { .type = ENGINE_CMD_FAULT,
	    .fault = "fail:upgrade@cmp-2", .operator = "alice" };
	size_t n;
	char **h;

	engine_command(e, &bad);	/* refused, the run goes on */
	engine_command(e, &good);
	assert_int_equal(follow(f, e, ENGINE_STATE_COUNT),
	    ENGINE_STATE_ROLLED_BACK);
	engine_free(e);
	h = history(f, &n);
	assert_true(history_find(h, n, "cmp-2 upgrade do failed") >= 0);
	assert_true(history_find(h, n, "cmp-1 upgrade undo") >= 0);
	history_free(h, n);
}

static void
test_alarm_stops_validation(void **state)
{
	struct fixture *f = *state;
	size_t n;
	char **h;

	strv_push(&f->faults, "alarm:cmp-2");
	f->on_error = ENGINE_CMD_ABORT;
	assert_int_equal(run_to_end(f), ENGINE_STATE_ABORTED);
	h = history(f, &n);
	assert_true(history_find(h, n, "cmp-2 alarms do failed") >= 0);
	assert_int_equal(history_find(h, n, "ctl-1 backup:db do"), -1);
	assert_int_equal(history_find(h, n, "ctl-1 upgrade do"), -1);
	history_free(h, n);
}

static void
test_flap_passes_on_retry(void **state)
{
	struct fixture *f = *state;

	f->c.health[0].retries = 1;
	strv_push(&f->faults, "flap:ctl-1");
	assert_int_equal(run_to_end(f), ENGINE_STATE_COMMITTED);
}

static void
test_options_round_trip(void **state)
{
	struct engine_config in = { .clock_mode = CLOCK_MODE_VIRTUAL,
	    .speed = 20, .seed = 99 }, out = { 0 };
	struct strv faults = { NULL, 0 }, back = { NULL, 0 };
	char *json, *name, *err = NULL;

	(void)state;
	strv_push(&faults, "fail:upgrade@cmp-1x2");
	in.faults = &faults;
	json = engine_options_format(&in, "sim");
	assert_int_equal(engine_options_parse(json, &out, &back, &err), 0);
	assert_int_equal(out.clock_mode, CLOCK_MODE_VIRTUAL);
	assert_true(out.speed == 20);
	assert_int_equal(out.seed, 99);
	assert_int_equal(back.count, 1);
	assert_string_equal(back.items[0], "fail:upgrade@cmp-1x2");
	name = engine_options_transport(json);
	assert_string_equal(name, "sim");
	free(name);
	free(json);
	assert_int_equal(engine_options_parse("[1]", &out, &back, &err), -1);
	free(err);
	strv_free(&faults);
	strv_free(&back);
}

static void
test_node_dies(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	struct journal_node *nodes;
	size_t n;
	char *err = NULL;
	bool down = false;

	/* cmp-1 dies during its upgrade: the rollback cannot undo its
	 * maintenance, so it fails and leaves the repair to people. */
	strv_push(&f->faults, "die:cmp-1@upgrade");
	assert_int_equal(run_to_end(f), ENGINE_STATE_ROLLBACK_FAILED);
	assert_int_equal(journal_open(&j, f->dir, false, &err), 0);
	assert_int_equal(journal_nodes_load(j, &nodes, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(nodes[i].name, "cmp-1") == 0) {
			down = strcmp(nodes[i].health, "down") == 0;
			assert_true(nodes[i].maintenance);
		}
	journal_nodes_free(nodes, n);
	journal_close(j);
	assert_true(down);
}

static void
test_roles(void **state)
{
	struct fixture *f = *state;

	assert_true(engine_operator_allowed(&f->c, "alice", RIGHT_RUN));
	assert_true(engine_operator_allowed(&f->c, "bob", RIGHT_APPROVE));
	assert_false(engine_operator_allowed(&f->c, "bob", RIGHT_RUN));
	assert_false(engine_operator_allowed(&f->c, "vic", RIGHT_APPROVE));
	assert_false(engine_operator_allowed(&f->c, "mallory", RIGHT_RUN));
	assert_false(engine_operator_allowed(&f->c, NULL, RIGHT_APPROVE));
}

static void
test_approver_refused_start(void **state)
{
	struct fixture *f = *state;
	struct engine *e;
	struct engine_snapshot s;
	size_t n;
	char **h;

	/* bob may approve but not run: his start changes nothing. */
	f->operator = "bob";
	e = start(f, false);
	engine_free(e);
	h = history(f, &n);
	assert_int_equal(n, 0);
	history_free(h, n);
	/* A viewer's answers are refused: the question stays open. */
	f->operator = "alice";
	f->answer[APPROVAL_PHASE] = ENGINE_CMD_QUIT;
	e = start(f, true);
	te_send(e, ENGINE_CMD_APPROVE, 1, "vic");
	engine_snapshot(e, &s);
	assert_true(s.state == ENGINE_STATE_EXECUTING ||
	    s.state == ENGINE_STATE_INITIAL);
	engine_snapshot_free(&s);
	engine_free(e);
}

/* --- skipping a node, forcing past a constraint ------------------------- */

/* How many journal events of kind by operator on object; a message, when
 * given, must contain it. */
static int
events_count(struct fixture *f, const char *operator, const char *kind,
    const char *object, const char *message)
{
	struct journal *j;
	struct journal_event *ev;
	size_t n;
	char *err = NULL;
	int count = 0;

	assert_int_equal(journal_open(&j, f->dir, false, &err), 0);
	assert_int_equal(journal_events_load(j, 0, &ev, &n), 0);
	for (size_t i = 0; i < n; i++)
		count += strcmp(ev[i].operator, operator) == 0 &&
		    strcmp(ev[i].kind, kind) == 0 &&
		    strcmp(ev[i].object, object) == 0 &&
		    (message == NULL || strstr(ev[i].message, message));
	journal_events_free(ev, n);
	journal_close(j);
	return count;
}

static void
assert_node(struct engine *e, size_t i, const char *name,
    const char *status, const char *version)
{
	struct engine_snapshot s;

	engine_snapshot(e, &s);
	assert_string_equal(s.nodes[i].name, name);
	assert_string_equal(s.nodes[i].status, status);
	assert_string_equal(s.nodes[i].version, version);
	engine_snapshot_free(&s);
}

/* cmp-1's maintenance_on fails and pauses the campaign; who (NULL: the
 * operator) skips node, then the error is answered with on_error. The
 * run must end in want; its engine, still open. */
static struct engine *
skip_after_failure(struct fixture *f, const char *node, const char *who,
    enum engine_cmd_type on_error, enum engine_state want)
{
	struct engine *e;

	strv_push(&f->faults, "fail:drain@cmp-1");
	f->skip = node;
	f->skip_by = who;
	f->on_error = on_error;
	e = start(f, false);
	assert_int_equal(follow(f, e, ENGINE_STATE_COUNT), want);
	return e;
}

static void
test_skip_failed_node(void **state)
{
	struct fixture *f = *state;
	struct engine *e;
	size_t n;
	char **h;

	e = skip_after_failure(f, "cmp-1", NULL, ENGINE_CMD_RESUME,
	    ENGINE_STATE_COMMITTED);
	/* Left as it is, not undone; the others went on and committed. */
	assert_node(e, 1, "cmp-1", "skipped", "1.0");
	assert_node(e, 2, "cmp-2", "committed", "2.0");
	engine_free(e);
	assert_version(f, "cmp-1", "1.0");
	assert_version(f, "cmp-2", "2.0");
	h = history(f, &n);
	assert_true(history_find(h, n, "cmp-1 drain do failed") >= 0);
	assert_int_equal(history_find(h, n, "cmp-1 upgrade do"), -1);
	assert_int_equal(history_find(h, n, "cmp-1 smoke do"), -1);
	assert_int_equal(history_find(h, n, "cmp-1 vnf undo"), -1);
	/* cmp-2's batch tests, the procedure's closing ones (its first
	 * node was skipped) and the testing phase's. */
	assert_int_equal(history_count(h, n, "cmp-2 smoke do"), 3);
	history_free(h, n);
	assert_int_equal(events_count(f, "alice", "skip", "node:cmp-1",
	    NULL), 1);
	assert_int_equal(events_count(f, "", "commit", "campaign",
	    "1 node skipped, left as they are: cmp-1"), 1);
}

static void
test_skip_refused_for_viewer(void **state)
{
	struct fixture *f = *state;
	struct engine *e;

	e = skip_after_failure(f, "cmp-1", "vic", ENGINE_CMD_ABORT,
	    ENGINE_STATE_ABORTED);
	assert_node(e, 1, "cmp-1", "running", "1.0");
	engine_free(e);
	assert_int_equal(events_count(f, "vic", "refused", "campaign",
	    NULL), 1);
	assert_int_equal(events_count(f, "vic", "skip", "node:cmp-1", NULL),
	    0);
}

static void
test_skip_refused_when_done(void **state)
{
	struct fixture *f = *state;
	struct engine *e;

	/* ctl-1 is upgraded by the time cmp-1 fails: nothing to skip. */
	e = skip_after_failure(f, "ctl-1", NULL, ENGINE_CMD_ABORT,
	    ENGINE_STATE_ABORTED);
	assert_node(e, 0, "ctl-1", "upgraded", "2.0");
	engine_free(e);
	assert_int_equal(events_count(f, "alice", "refused", "node:ctl-1",
	    "already upgraded"), 1);
}

static void
test_skip_survives_resume(void **state)
{
	struct fixture *f = *state;
	struct engine *e;
	size_t n;
	char **h;

	/* Skipped, then the console goes away before anyone resumes. */
	engine_free(skip_after_failure(f, "cmp-1", NULL, ENGINE_CMD_QUIT,
	    ENGINE_STATE_ERROR_DETECTED));
	/* A new engine from the journal: cmp-1 stays skipped and its
	 * failed step is not tried again. */
	f->skip = NULL;
	e = start(f, true);
	assert_int_equal(follow(f, e, ENGINE_STATE_COUNT),
	    ENGINE_STATE_COMMITTED);
	assert_node(e, 1, "cmp-1", "skipped", "1.0");
	engine_free(e);
	h = history(f, &n);
	assert_true(history_find(h, n, "cmp-1 drain do failed") >= 0);
	assert_int_equal(history_find(h, n, "cmp-1 drain do"), -1);
	assert_true(history_find(h, n, "cmp-2 upgrade do") >= 0);
	history_free(h, n);
}

static void
test_force_past_vnf_constraint(void **state)
{
	struct fixture *f = *state;
	size_t n;
	char **h;

	/* One batch of two computes, but their firewalls allow one down:
	 * cmp-2 waits for cmp-1, unless forced. */
	f->c.procedures[1].batches[0].value = 2;
	f->force = "cmp-2";
	assert_int_equal(run_to_end(f), ENGINE_STATE_COMMITTED);
	h = history(f, &n);
	assert_true(history_find(h, n, "cmp-2 drain do") <
	    history_find(h, n, "cmp-1 undrain do"));
	history_free(h, n);
	assert_int_equal(events_count(f, "alice", "force", "node:cmp-2",
	    "VNF vFW already at max_impacted_members 1"), 1);
	assert_version(f, "cmp-2", "2.0");
}

static void
test_force_survives_resume(void **state)
{
	struct fixture *f = *state;
	struct engine *e;
	size_t n;
	char **h;

	/* Forced, then paused at the VNF question: the run stops with
	 * both computes let in and neither done. */
	f->c.procedures[1].batches[0].value = 2;
	f->force = "cmp-2";
	f->answer[APPROVAL_VNF] = ENGINE_CMD_PAUSE;
	e = start(f, false);
	assert_int_equal(follow(f, e, ENGINE_STATE_SUSPENDED),
	    ENGINE_STATE_SUSPENDED);
	engine_free(e);
	/* Resumed, cmp-2 is let past its constraint again: both go on. */
	f->answer[APPROVAL_VNF] = ENGINE_CMD_APPROVE;
	e = start(f, true);
	assert_int_equal(follow(f, e, ENGINE_STATE_COUNT),
	    ENGINE_STATE_COMMITTED);
	engine_free(e);
	h = history(f, &n);
	assert_true(history_find(h, n, "cmp-2 drain do") <
	    history_find(h, n, "cmp-1 undrain do"));
	history_free(h, n);
	assert_int_equal(events_count(f, "alice", "force", "node:cmp-2",
	    NULL), 1);
}

static void
test_force_refused_without_constraint(void **state)
{
	struct fixture *f = *state;
	size_t n;
	char **h;

	/* Rolling one at a time, cmp-2 waits for a free slot: that is the
	 * campaign's pace, not an availability constraint. */
	f->force = "cmp-2";
	assert_int_equal(run_to_end(f), ENGINE_STATE_COMMITTED);
	h = history(f, &n);
	assert_true(history_find(h, n, "cmp-2 drain do") >
	    history_find(h, n, "cmp-1 undrain do"));
	history_free(h, n);
	assert_int_equal(events_count(f, "alice", "refused", "node:cmp-2",
	    NULL), 1);
	assert_int_equal(events_count(f, "alice", "force", "node:cmp-2",
	    NULL), 0);
}

/* --- what each phase boundary says ------------------------------------- */

/* Another campaign in place of the engine's test bed. */
static void
use_campaign(struct fixture *f, const char *path)
{
	struct diag_list d = { NULL, 0, 0 };
	const char *srcdir = getenv("SRCDIR") ? getenv("SRCDIR") :
	    ESCALATOR_SRCDIR;
	char *file = xasprintf("%s/%s", srcdir, path);

	campaign_free(&f->c);
	inventory_free(&f->inv);
	if (campaign_load(&f->c, file, &d) == -1 ||
	    inventory_load(&f->inv, f->c.inventory_path, &d) == -1) {
		diag_print(&d, stderr);
		fail_msg("cannot load %s", file);
	}
	diag_list_free(&d);
	free(file);
}

/* The summary journaled with the last question at a phase boundary:
 * what the console's dialog and batch mode show. */
static char *
boundary_summary(struct fixture *f, const char *phase)
{
	struct journal *j;
	struct journal_event *ev;
	size_t n;
	char *err = NULL, *summary = NULL;

	assert_int_equal(journal_open(&j, f->dir, false, &err), 0);
	assert_int_equal(journal_events_load(j, 0, &ev, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(ev[i].kind, "approval-requested") == 0 &&
		    strcmp(ev[i].object, phase) == 0) {
			free(summary);
			summary = xstrdup(ev[i].message);
		}
	journal_events_free(ev, n);
	journal_close(j);
	assert_non_null(summary);
	return summary;
}

static void
assert_boundary(struct fixture *f, const char *phase, const char *want)
{
	char *got = boundary_summary(f, phase);

	assert_string_equal(got, want);
	free(got);
}

/* Every boundary says what comes, on how many nodes, for how long, as
 * the planner counts it (plan_phases): the health check and the alarm
 * query, 1s + 2s; the config item over three nodes in turn, 3 x 30s,
 * outlasts the db once; the plan; the two tests, 2s + 20s. */
static void
test_boundary_summaries(void **state)
{
	struct fixture *f = *state;

	use_campaign(f, "campaigns/minimal-testbed.cfg");
	assert_int_equal(run_to_end(f), ENGINE_STATE_COMMITTED);
	assert_boundary(f, "validation", "validation: health checks and "
	    "alarms on 3 nodes, expected 3s");
	assert_boundary(f, "backup", "backup: 2 items on 3 nodes, expected "
	    "1m30s");
	assert_boundary(f, "execution", "execution: 2 procedures on 3 nodes, "
	    "expected 3m52s");
	assert_boundary(f, "testing", "testing: 2 tests on 3 nodes, expected "
	    "22s");
	assert_boundary(f, "commit", "commit: 2.0 becomes final on 3 nodes, "
	    "expected 0s");
}

/* A skipped node is out of what is left: the boundaries after the skip
 * count it out and the commit names it. */
static void
test_boundary_summaries_skip(void **state)
{
	struct fixture *f = *state;

	engine_free(skip_after_failure(f, "cmp-1", NULL, ENGINE_CMD_RESUME,
	    ENGINE_STATE_COMMITTED));
	assert_boundary(f, "execution", "execution: 2 procedures on 3 nodes, "
	    "expected 2m15s");
	assert_boundary(f, "testing", "testing: 1 test on 2 nodes, expected "
	    "2s");
	assert_boundary(f, "commit", "commit: 2.0 becomes final on 2 nodes, "
	    "expected 0s; skipped, left as they are: cmp-1");
}

/* --- question deadlines ----------------------------------------------------- */

/* The testbed's gate "go" on ctl-1 (the first node) has a 1-minute
 * timeout and rolls back on failure; the journal keeps its deadline. */
#define GATE_FACT	"deadline.execution|controllers|0|go|0|1"

/* How many step records of step name have status st. */
static int
steps_count(struct fixture *f, const char *name, enum step_status st)
{
	struct journal *j;
	struct journal_step *steps;
	size_t n;
	char *err = NULL;
	int count = 0;

	assert_int_equal(journal_open(&j, f->dir, false, &err), 0);
	assert_int_equal(journal_steps_load(j, &steps, &n), 0);
	for (size_t i = 0; i < n; i++)
		count += strcmp(steps[i].step, name) == 0 &&
		    steps[i].status == st;
	journal_steps_free(steps, n);
	journal_close(j);
	return count;
}

/* The gate's deadline as journaled (0: none); set replaces it. */
static int64_t
gate_fact(struct fixture *f, const char *set)
{
	struct journal *j;
	char *err = NULL, *v;
	int64_t ms;

	assert_int_equal(journal_open(&j, f->dir, false, &err), 0);
	v = journal_fact_get(j, GATE_FACT);
	ms = v != NULL ? strtoll(v, NULL, 10) : 0;
	free(v);
	if (set != NULL)
		assert_int_equal(journal_fact_put(j, GATE_FACT, set), 0);
	journal_close(j);
	return ms;
}

/* Take the events of the next few milliseconds, answering as the fixture
 * says; returns the campaign clock then. */
static int64_t
take_events(struct fixture *f, struct engine *e)
{
	struct pollfd p = { .fd = engine_event_fd(e), .events = POLLIN };
	struct engine_snapshot s;
	struct engine_event *ev;
	size_t n;
	int64_t now;

	(void)poll(&p, 1, 5);
	ev = engine_events_take(e, &n);
	for (size_t i = 0; i < n; i++)
		seen(f, e, &ev[i]);
	engine_events_free(ev, n);
	engine_snapshot(e, &s);
	now = s.now_ms;
	engine_snapshot_free(&s);
	return now;
}

/* Real clock, 1000 times faster: nobody answers the gate, its minute
 * passes, the question closes and the step's policy rolls back. */
static void
test_gate_deadline_passes(void **state)
{
	struct fixture *f = *state;

	f->speed = 1000;
	f->unanswered[APPROVAL_GATE] = true;
	assert_int_equal(run_to_end(f), ENGINE_STATE_ROLLED_BACK);
	assert_true(f->saw_approval[APPROVAL_GATE]);
	assert_true(f->gate_deadline_ms > T0);
	assert_int_equal(events_count(f, "", "expired", "go", NULL), 1);
	assert_int_equal(steps_count(f, "go", STEP_STATUS_TIMEOUT), 1);
	assert_version(f, "ctl-1", "1.0");
}

/* A VNF question closes the same way: its step fails, and on_failure
 * continue lets the campaign go on without the computes. */
static void
test_vnf_deadline_passes(void **state)
{
	struct fixture *f = *state;

	f->speed = 1000;
	f->unanswered[APPROVAL_VNF] = true;
	assert_int_equal(run_to_end(f), ENGINE_STATE_COMMITTED);
	assert_int_equal(events_count(f, "", "expired", "vnf", NULL), 2);
	assert_version(f, "cmp-1", "1.0");
	assert_version(f, "cmp-2", "1.0");
	assert_version(f, "ctl-1", "2.0");
}

/* A defer gives another minute and the campaign keeps waiting: the
 * question is still open past the first deadline, then approved. */
static void
test_gate_defer_pushes_deadline(void **state)
{
	struct fixture *f = *state;
	struct engine_snapshot s;
	struct engine *e;
	int64_t first;
	uint32_t id;
	int i;

	f->speed = 200;
	f->answer[APPROVAL_GATE] = ENGINE_CMD_DEFER;
	e = start(f, false);
	for (i = 0; i < 10000 && !f->saw_approval[APPROVAL_GATE]; i++)
		take_events(f, e);
	first = f->gate_deadline_ms;
	assert_true(first > T0);
	for (i = 0; i < 10000 && take_events(f, e) < first + 10000; i++)
		continue;
	engine_snapshot(e, &s);
	assert_int_equal(s.state, ENGINE_STATE_EXECUTING);
	assert_int_equal(s.napprovals, 1);
	assert_int_equal(s.approvals[0].kind, APPROVAL_GATE);
	assert_int_equal(s.approvals[0].deadline_ms, first + 60000);
	assert_int_equal(s.approvals[0].extend_ms, 60000);
	assert_non_null(strstr(s.wait.text, "answer within"));
	id = s.approvals[0].id;
	engine_snapshot_free(&s);
	te_send(e, ENGINE_CMD_APPROVE, id, "alice");
	assert_int_equal(follow(f, e, ENGINE_STATE_COUNT),
	    ENGINE_STATE_COMMITTED);
	engine_free(e);
	assert_int_equal(events_count(f, "alice", "defer", "go", "deadline"),
	    1);
	assert_int_equal(steps_count(f, "go", STEP_STATUS_TIMEOUT), 0);
	assert_int_equal(gate_fact(f, NULL), 0);	/* closed */
	assert_version(f, "cmp-2", "2.0");
}

/* A child runs the campaign to the gate and dies there as by kill -9,
 * the question open. */
static void
crash_at_gate(struct fixture *f)
{
	struct engine_event *ev;
	struct engine *e;
	struct pollfd p;
	size_t n;
	pid_t pid;
	int status;

	f->unanswered[APPROVAL_GATE] = true;
	if ((pid = fork()) == 0) {
		e = start(f, false);
		p = (struct pollfd){ .fd = engine_event_fd(e), .events = POLLIN };
		while (poll(&p, 1, 10000) == 1) {
			ev = engine_events_take(e, &n);
			for (size_t i = 0; i < n; i++)
				seen(f, e, &ev[i]);
			if (f->saw_approval[APPROVAL_GATE])
				kill(getpid(), SIGKILL);
			engine_events_free(ev, n);
		}
		_exit(1);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	f->unanswered[APPROVAL_GATE] = false;
}

/* The resumed run asks again with the deadline it had, not a new one. */
static void
test_gate_deadline_survives_crash(void **state)
{
	struct fixture *f = *state;
	struct engine *e;
	int64_t d;

	crash_at_gate(f);
	d = gate_fact(f, NULL);
	assert_true(d > T0);
	e = start(f, true);
	assert_int_equal(follow(f, e, ENGINE_STATE_COUNT),
	    ENGINE_STATE_COMMITTED);
	engine_free(e);
	assert_int_equal(f->gate_deadline_ms, d);
	assert_version(f, "cmp-2", "2.0");
}

/* A quit is no decision: the run reopened later asks with the deadline
 * it had, as after a crash, not a fresh one. */
static void
test_gate_deadline_survives_quit(void **state)
{
	struct fixture *f = *state;
	struct engine *e;
	int64_t first;
	int i;

	f->speed = 50;
	f->unanswered[APPROVAL_GATE] = true;
	e = start(f, false);
	for (i = 0; i < 10000 && !f->saw_approval[APPROVAL_GATE]; i++)
		take_events(f, e);
	first = f->gate_deadline_ms;
	assert_true(first > T0);
	/* some seconds of its minute go by, then the operator leaves */
	for (i = 0; i < 10000 && take_events(f, e) < first - 55000; i++)
		continue;
	engine_free(e);
	assert_int_equal(gate_fact(f, NULL), first);
	f->unanswered[APPROVAL_GATE] = false;
	f->gate_deadline_ms = 0;
	e = start(f, true);
	assert_int_equal(follow(f, e, ENGINE_STATE_COUNT),
	    ENGINE_STATE_COMMITTED);
	engine_free(e);
	assert_int_equal(f->gate_deadline_ms, first);
	assert_version(f, "cmp-2", "2.0");
}

/* A deadline that passed while nothing ran closes on resume, unasked. */
static void
test_gate_deadline_passed_while_down(void **state)
{
	struct fixture *f = *state;
	struct engine *e;

	crash_at_gate(f);
	assert_true(gate_fact(f, "1") > T0);
	e = start(f, true);
	assert_int_equal(follow(f, e, ENGINE_STATE_COUNT),
	    ENGINE_STATE_ROLLED_BACK);
	engine_free(e);
	assert_false(f->saw_approval[APPROVAL_GATE]);
	assert_int_equal(events_count(f, "", "expired", "go", NULL), 1);
	assert_version(f, "ctl-1", "1.0");
}

/* --- quitting ------------------------------------------------------------- */

/* The engine ends within a time, or the test dies rather than hang the
 * suite (SIGALRM's default). */
static void
free_in_time(struct engine *e)
{
	alarm(30);
	engine_free(e);
	alarm(0);
}

static void
assert_run_state(struct fixture *f, const char *want)
{
	struct journal *j;
	struct journal_run run;
	char *err = NULL;

	assert_int_equal(journal_open(&j, f->dir, false, &err), 0);
	assert_int_equal(journal_run_load(j, &run), 0);
	assert_string_equal(run.state, want);
	journal_run_free(&run);
	journal_close(j);
}

/* Quit at the commit question: nothing runs there, so the engine ends at
 * once, still execution_completed; the reopened run asks again. */
static void
test_quit_at_commit_boundary(void **state)
{
	struct fixture *f = *state;
	struct engine *e;

	e = start(f, false);
	/* follow() stops there: the commit question goes unanswered */
	assert_int_equal(follow(f, e, ENGINE_STATE_EXECUTION_COMPLETED),
	    ENGINE_STATE_EXECUTION_COMPLETED);
	free_in_time(e);
	assert_run_state(f, "execution_completed");
	assert_int_equal(events_count(f, "alice", "approve", "commit", NULL),
	    0);
	e = start(f, true);
	assert_int_equal(follow(f, e, ENGINE_STATE_COUNT),
	    ENGINE_STATE_COMMITTED);
	engine_free(e);
	assert_int_equal(events_count(f, "", "approval-requested", "commit",
	    NULL), 2);
	assert_int_equal(events_count(f, "alice", "approve", "commit", NULL),
	    1);
	assert_version(f, "cmp-2", "2.0");
}

static bool
node_runs(struct engine *e, size_t i, const char *step)
{
	struct engine_snapshot s;
	bool runs;

	engine_snapshot(e, &s);
	runs = s.nodes[i].step != NULL && strcmp(s.nodes[i].step, step) == 0;
	engine_snapshot_free(&s);
	return runs;
}

/* A step fails while a quit waits for it to finish, and its policy rolls
 * back: the rollback holds at its first safe point, and resume carries
 * it on. */
static void
test_quit_while_stopping_for_rollback(void **state)
{
	struct fixture *f = *state;
	struct engine *e;
	int i;

	f->speed = 50;
	strv_push(&f->faults, "fail:upgrade@ctl-1");
	e = start(f, false);
	for (i = 0; i < 10000 && !node_runs(e, 0, "upgrade"); i++)
		take_events(f, e);
	assert_true(node_runs(e, 0, "upgrade"));
	free_in_time(e);
	assert_run_state(f, "rollback_suspended");
	assert_version(f, "ctl-1", "1.0");
	e = start(f, true);
	assert_int_equal(follow(f, e, ENGINE_STATE_COUNT),
	    ENGINE_STATE_ROLLED_BACK);
	engine_free(e);
	assert_int_equal(events_count(f, "", "approval-requested",
	    "commit", NULL), 0);
}

#define T(t)	cmocka_unit_test_setup_teardown(t, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_every_phase_to_commit),
		T(test_rollback_reverse_order),
		T(test_restore_from_backup),
		T(test_pause_and_resume),
		T(test_idle_for_front_end),
		T(test_quit_then_resume_later),
		T(test_hang_times_out),
		T(test_window_waits_for_next),
		T(test_window_not_open_yet),
		T(test_phase_denied_aborts),
		T(test_gate_denied_rolls_back),
		T(test_vnf_manager_refuses),
		T(test_vnf_denied_by_operator),
		T(test_batch_failure_percent),
		T(test_pause_policy_error_detected),
		T(test_fault_injected_live),
		T(test_alarm_stops_validation),
		T(test_flap_passes_on_retry),
		cmocka_unit_test(test_options_round_trip),
		T(test_node_dies),
		T(test_roles),
		T(test_approver_refused_start),
		T(test_skip_failed_node),
		T(test_skip_refused_for_viewer),
		T(test_skip_refused_when_done),
		T(test_skip_survives_resume),
		T(test_force_past_vnf_constraint),
		T(test_force_survives_resume),
		T(test_force_refused_without_constraint),
		T(test_gate_deadline_passes),
		T(test_vnf_deadline_passes),
		T(test_gate_defer_pushes_deadline),
		T(test_gate_deadline_survives_crash),
		T(test_gate_deadline_survives_quit),
		T(test_gate_deadline_passed_while_down),
		T(test_quit_at_commit_boundary),
		T(test_quit_while_stopping_for_rollback),
		T(test_boundary_summaries),
		T(test_boundary_summaries_skip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
