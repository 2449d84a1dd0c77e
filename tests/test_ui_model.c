/* The console's model: the topology tree from labels, states and counts
 * from snapshots, filters, search, the event ring, step runs, checks. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "escalator/ui_model.h"
#include "escalator/util.h"

/* Out of inventory order on purpose: the tree sorts by place. */
static const char inventory_text[] =
    "nodes = (\n"
    " { name = \"c2\"; address = \"10.0.0.2\"; roles = [\"compute\"];\n"
    "   labels = { site = \"s1\"; zone = \"z2\"; }; },\n"
    " { name = \"db1\"; address = \"10.0.0.3\"; roles = [\"controller\"];\n"
    "   labels = { site = \"s1\"; zone = \"z1\"; rack = \"r1\";\n"
    "   ha_group = \"db\"; }; },\n"
    " { name = \"c1\"; address = \"10.0.0.1\"; roles = [\"compute\"];\n"
    "   labels = { site = \"s1\"; zone = \"z2\"; }; },\n"
    " { name = \"lone\"; address = \"10.0.0.9\"; roles = [\"storage\"]; },\n"
    " { name = \"db2\"; address = \"10.0.0.4\"; roles = [\"controller\"];\n"
    "   labels = { site = \"s1\"; zone = \"z1\"; rack = \"r1\";\n"
    "   ha_group = \"db\"; }; },\n"
    " { name = \"e1\"; address = \"10.0.1.1\"; roles = [\"compute\"];\n"
    "   labels = { site = \"s2\"; }; }\n"
    ");\n";

struct fixture {
	struct inventory	 inv;
	struct campaign		 c;
	struct step		 checks[2];
	struct ui_model		 m;
	char			*path;
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	struct diag_list d = { 0 };
	int fd;

	f->path = xstrdup("/tmp/escalator-inv-XXXXXX");
	fd = mkstemp(f->path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, inventory_text, sizeof inventory_text - 1),
	    (ssize_t)sizeof inventory_text - 1);
	close(fd);
	if (inventory_load(&f->inv, f->path, &d) != 0) {
		diag_print(&d, stderr);
		fail();
	}
	f->checks[0].name = (char *)"api-up";
	f->checks[1].name = (char *)"smoke";
	f->c.health = &f->checks[0];
	f->c.nhealth = 1;
	f->c.tests = &f->checks[1];
	f->c.ntests = 1;
	ui_model_init(&f->m, &f->c, &f->inv, NULL);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	ui_model_free(&f->m);
	inventory_free(&f->inv);
	unlink(f->path);
	free(f->path);
	free(f);
	return 0;
}

/* The visible tree as "depth:label" lines joined by '|'. */
static char *
tree_text(const struct ui_model *m)
{
	char *out = xstrdup(""), *next;

	for (size_t i = 0; i < m->nvisible; i++) {
		const struct ui_item *it = &m->items[m->visible[i]];

		next = xasprintf("%s%s%d:%s", out, i ? "|" : "", it->depth,
		    it->group ? m->groups[it->index].label :
		    m->inv->nodes[it->index].name);
		free(out);
		out = next;
	}
	return out;
}

static void
expect_tree(const struct ui_model *m, const char *want)
{
	char *got = tree_text(m);

	assert_string_equal(got, want);
	free(got);
}

/* A snapshot with each node's status; "-" leaves it pending. */
static struct engine_snapshot
snapshot_of(const struct fixture *f, const char *const status[], int64_t now)
{
	struct engine_snapshot s;

	memset(&s, 0, sizeof s);
	s.now_ms = now;
	s.nnodes = f->inv.count;
	s.nodes = xcalloc(s.nnodes, sizeof *s.nodes);
	for (size_t i = 0; i < s.nnodes; i++) {
		s.nodes[i].name = xstrdup(f->inv.nodes[i].name);
		s.nodes[i].status = xstrdup(status[i]);
	}
	return s;
}

static void
snap(struct fixture *f, const char *const status[], int64_t now)
{
	struct engine_snapshot s = snapshot_of(f, status, now);

	ui_model_snapshot(&f->m, &s);
	assert_null(s.nodes);
}

static void
test_tree(void **state)
{
	struct fixture *f = *state;

	/* unlabelled first, then by site, zone/rack, HA group, and the
	 * inventory order within a group */
	expect_tree(&f->m, "0:lone|0:site s1|1:zone z1/r1|2:ha db|3:db1|"
	    "3:db2|1:zone z2|2:c2|2:c1|0:site s2|1:e1");
	/* the selection starts on the first node */
	assert_int_equal(ui_model_selected(&f->m), 3);
}

static void
test_states_and_counts(void **state)
{
	static const char *const st[] = { "running", "failed", "upgraded",
		"pending", "committed", "rolled-back" };
	struct fixture *f = *state;
	const struct ui_group *site = &f->m.groups[0];

	snap(f, st, 1000);
	assert_int_equal(f->m.state[0], UI_NODE_RUNNING);
	assert_int_equal(f->m.state[1], UI_NODE_FAILED);
	assert_int_equal(f->m.state[5], UI_NODE_ROLLED_BACK);
	assert_string_equal(site->label, "site s1");
	assert_int_equal(site->total, 4);
	assert_int_equal(site->count[UI_NODE_FAILED], 1);
	assert_int_equal(site->count[UI_NODE_RUNNING], 1);
	assert_int_equal(site->count[UI_NODE_UPGRADED], 1);
	assert_int_equal(site->count[UI_NODE_COMMITTED], 1);
	/* the HA group holds db1 and db2 only */
	assert_string_equal(f->m.groups[2].label, "ha db");
	assert_int_equal(f->m.groups[2].total, 2);
	assert_int_equal(f->m.groups[2].count[UI_NODE_FAILED], 1);
}

static void
test_hung(void **state)
{
	struct engine_node_view v = { .status = (char *)"running",
		.step = (char *)"upgrade", .elapsed_ms = 31000,
		.expected_ms = 30000 };

	(void)state;
	assert_int_equal(ui_node_state_of(&v), UI_NODE_HUNG);
	v.elapsed_ms = 30000;
	assert_int_equal(ui_node_state_of(&v), UI_NODE_RUNNING);
	v.status = (char *)"something new";
	assert_int_equal(ui_node_state_of(&v), UI_NODE_UNKNOWN);
	assert_string_equal(ui_node_state_symbol(UI_NODE_FAILED, false), "X");
	assert_string_equal(ui_node_state_symbol(UI_NODE_FAILED, true),
	    "\u2716");
}

static void
test_filters(void **state)
{
	static const char *const st[] = { "running", "failed", "pending",
		"pending", "pending", "pending" };
	static const char *const later[] = { "failed", "upgraded", "pending",
		"pending", "pending", "pending" };
	struct fixture *f = *state;

	snap(f, st, 1000);
	ui_model_set_filter(&f->m, UI_FILTER_FAILED, NULL);
	expect_tree(&f->m, "0:site s1|1:zone z1/r1|2:ha db|3:db1");
	ui_model_set_filter(&f->m, UI_FILTER_RUNNING, NULL);
	expect_tree(&f->m, "0:site s1|1:zone z2|2:c2");
	ui_model_set_filter(&f->m, UI_FILTER_ROLE, "controller");
	expect_tree(&f->m, "0:site s1|1:zone z1/r1|2:ha db|3:db1|3:db2");
	ui_model_set_filter(&f->m, UI_FILTER_SITE, "s2");
	expect_tree(&f->m, "0:site s2|1:e1");
	/* selecting a node the filter hides drops the filter */
	ui_model_select(&f->m, 3);
	assert_int_equal(f->m.filter, UI_FILTER_ALL);
	assert_int_equal(ui_model_selected(&f->m), 3);
	/* a state filter follows new snapshots */
	ui_model_set_filter(&f->m, UI_FILTER_FAILED, NULL);
	snap(f, later, 2000);
	expect_tree(&f->m, "0:site s1|1:zone z2|2:c2");
}

static void
test_collapse_and_move(void **state)
{
	struct fixture *f = *state;

	ui_model_move(&f->m, -100);
	assert_int_equal(f->m.sel, 0);
	ui_model_move(&f->m, 1);		/* site s1 */
	assert_int_equal(ui_model_selected(&f->m), -1);
	assert_true(ui_model_toggle(&f->m, false));
	expect_tree(&f->m, "0:lone|0:site s1|0:site s2|1:e1");
	assert_int_equal(f->m.sel, 1);
	assert_true(ui_model_toggle(&f->m, true));
	expect_tree(&f->m, "0:lone|0:site s1|1:zone z1/r1|2:ha db|3:db1|"
	    "3:db2|1:zone z2|2:c2|2:c1|0:site s2|1:e1");
	/* closing from a node closes its group, the selection on it */
	ui_model_move(&f->m, 3);		/* db1 */
	assert_int_equal(ui_model_selected(&f->m), 1);
	assert_true(ui_model_toggle(&f->m, false));
	assert_int_equal(ui_model_selected(&f->m), -1);
	expect_tree(&f->m, "0:lone|0:site s1|1:zone z1/r1|2:ha db|1:zone z2|"
	    "2:c2|2:c1|0:site s2|1:e1");
	ui_model_move(&f->m, 100);
	assert_int_equal(ui_model_selected(&f->m), 5);
	/* scrolling keeps the selection in view */
	f->m.top = 0;
	ui_model_scroll(&f->m, 3);
	assert_int_equal(f->m.top, f->m.nvisible - 3);
}

static void
test_search(void **state)
{
	struct fixture *f = *state;

	assert_true(ui_model_search(&f->m, "c", 1));
	assert_string_equal(f->inv.nodes[ui_model_selected(&f->m)].name, "c2");
	assert_true(ui_model_search(&f->m, "c", 1));
	assert_string_equal(f->inv.nodes[ui_model_selected(&f->m)].name, "c1");
	assert_true(ui_model_search(&f->m, "c", -1));
	assert_string_equal(f->inv.nodes[ui_model_selected(&f->m)].name, "c2");
	/* wraps around, and opens the groups on the way */
	ui_model_toggle(&f->m, false);
	assert_true(ui_model_search(&f->m, "db2", 1));
	assert_string_equal(f->inv.nodes[ui_model_selected(&f->m)].name,
	    "db2");
	assert_true(ui_model_search(&f->m, "c1", 1));
	assert_false(ui_model_search(&f->m, "nothing", 1));
	assert_false(ui_model_search(&f->m, "", 1));
}

static struct engine_event
event(enum engine_event_type type, const char *node, const char *step,
    enum step_status st, int64_t ts, const char *text)
{
	struct engine_event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = type;
	ev.node = (char *)node;
	ev.step = (char *)step;
	ev.status = st;
	ev.ts_ms = ts;
	ev.text = (char *)text;
	return ev;
}

static void
started(struct fixture *f, const char *node, const char *step, int64_t ts)
{
	struct engine_event ev = event(ENGINE_EVENT_STEP_STARTED, node, step,
	    0, ts, "");

	ui_model_event(&f->m, &ev);
}

static void
finished(struct fixture *f, const char *node, const char *step,
    enum step_status st, int64_t ts)
{
	struct engine_event ev = event(ENGINE_EVENT_STEP_FINISHED, node, step,
	    st, ts, "");

	ui_model_event(&f->m, &ev);
}

static const struct ui_node_runs *
runs_of(const struct fixture *f, const char *node)
{
	return &f->m.runs[inventory_find(&f->inv, node)];
}

static void
test_events(void **state)
{
	struct fixture *f = *state;
	struct engine_event ev;
	char text[32];

	for (int i = 0; i < UI_EVENTS_MAX + 10; i++) {
		snprintf(text, sizeof text, "line %d", i);
		ev = event(ENGINE_EVENT_LOG, i % 2 ? "c1" : NULL, NULL, 0, i,
		    text);
		ui_model_event(&f->m, &ev);
	}
	ev = event(ENGINE_EVENT_STEP_FINISHED, "c2", "upgrade",
	    STEP_STATUS_FAILED, 99999, "c2: upgrade: failed");
	ui_model_event(&f->m, &ev);
	assert_int_equal(ui_model_events_shown(&f->m), UI_EVENTS_MAX);
	assert_string_equal(ui_model_event_back(&f->m, 0)->text,
	    "c2: upgrade: failed");
	assert_int_equal(ui_model_event_back(&f->m, 0)->sev, UI_SEV_ERROR);
	assert_string_equal(ui_model_event_back(&f->m, 1)->text, "line 4105");
	assert_null(ui_model_event_back(&f->m, UI_EVENTS_MAX));
	f->m.event_min = UI_SEV_ERROR;
	assert_int_equal(ui_model_events_shown(&f->m), 1);
	assert_null(ui_model_event_back(&f->m, 1));
	f->m.event_min = UI_SEV_INFO;
	f->m.event_node = inventory_find(&f->inv, "c1");
	assert_string_equal(ui_model_event_back(&f->m, 0)->text, "line 4105");
	assert_string_equal(ui_model_event_back(&f->m, 1)->text, "line 4103");
}

static void
test_runs_and_checks(void **state)
{
	struct fixture *f = *state;
	const struct ui_node_runs *r = runs_of(f, "c1");
	struct engine_event ev;

	started(f, "c1", "upgrade", 1000);
	assert_int_equal(r->count, 1);
	assert_int_equal(r->runs[0].end_ms, 0);
	finished(f, "c1", "upgrade", STEP_STATUS_OK, 5000);
	assert_int_equal(r->count, 1);
	assert_int_equal(r->runs[0].end_ms, 5000);
	assert_int_equal(r->runs[0].status, STEP_STATUS_OK);
	/* a finish without a start still shows */
	finished(f, "c1", "api-up", STEP_STATUS_FAILED, 6000);
	assert_int_equal(r->count, 2);
	assert_int_equal(f->m.checks[0].failed, 1);
	assert_int_equal(f->m.checks[0].last_ms, 6000);
	finished(f, "c2", "smoke", STEP_STATUS_OK, 7000);
	assert_int_equal(f->m.checks[1].ok, 1);
	assert_true(f->m.checks[1].post);
	/* a resumed run's steps come from the journal */
	ui_model_history(&f->m, "c1", "upgrade", false, 100, 0,
	    STEP_STATUS_INTENT);
	assert_int_equal(r->count, 3);
	assert_int_equal(r->runs[2].end_ms, 0);
	ui_model_history(&f->m, "nosuchnode", "upgrade", false, 1, 2,
	    STEP_STATUS_OK);
	/* in the rollback phase, steps are undone: runs of their own */
	ev = event(ENGINE_EVENT_STEP_STARTED, "c1", "api-up", 0, 6500, "");
	ev.phase = ENGINE_PHASE_ROLLBACK;
	ui_model_event(&f->m, &ev);
	ev.type = ENGINE_EVENT_STEP_FINISHED;
	ev.status = STEP_STATUS_OK;
	ui_model_event(&f->m, &ev);
	assert_int_equal(r->count, 4);
	assert_true(r->runs[3].undo);
	assert_int_equal(r->runs[1].status, STEP_STATUS_FAILED);
	assert_int_equal(r->runs[3].status, STEP_STATUS_OK);
	assert_int_equal(f->m.checks[0].ok, 0);
	ev = event(ENGINE_EVENT_PHASE, NULL, NULL, 0, 8000, "execution");
	ev.phase = ENGINE_PHASE_EXECUTION;
	ui_model_event(&f->m, &ev);
	assert_int_equal(f->m.phase_ms[ENGINE_PHASE_EXECUTION], 8000);
}

/* A host-key question about c1 from the step that met the key: a
 * warning, and the step's run is gone (it never ran) until it starts
 * again; a start of a step still open on the node is the same run. */
static void
test_hostkey_question(void **state)
{
	struct fixture *f = *state;
	const struct ui_node_runs *r = runs_of(f, "c1");
	struct engine_event ev;

	started(f, "c1", "upgrade", 1000);
	ev = event(ENGINE_EVENT_APPROVAL, "c1", NULL, 0, 1200,
	    "approval #1 (hostkey) c1 offers an unknown host key");
	ev.approval.kind = APPROVAL_HOSTKEY;
	ev.approval.object = (char *)"upgrade";
	ui_model_event(&f->m, &ev);
	assert_int_equal(ui_model_event_back(&f->m, 0)->sev, UI_SEV_WARN);
	assert_int_equal(r->count, 0);
	started(f, "c1", "upgrade", 9000);
	started(f, "c1", "upgrade", 9500);
	assert_int_equal(r->count, 1);
	assert_int_equal(r->runs[0].start_ms, 9500);
	assert_int_equal(r->runs[0].end_ms, 0);
}

/* A monitored check's verdict on a node, as the engine tells it. */
static unsigned
health(struct fixture *f, const char *node, bool healthy,
    const char *result, int64_t ts)
{
	struct engine_event ev = event(ENGINE_EVENT_HEALTH, node, "api-up", 0,
	    ts, healthy ? "api-up ok" : "api-up failed");

	ev.healthy = healthy;
	ev.action = (char *)"monitor";
	ev.result = (char *)result;
	return ui_model_event(&f->m, &ev);
}

static size_t
runs_total(const struct fixture *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->inv.count; i++)
		n += f->m.runs[i].count;
	return n;
}

/* The monitor's verdicts are no steps: no timeline run, no count in
 * Health. A first healthy one is no news; a failure is graded as the
 * engine's result says, a recovery is information. */
static void
test_health_events(void **state)
{
	struct fixture *f = *state;
	const struct ui_event *e;

	for (size_t i = 0; i < f->inv.count; i++)
		assert_int_equal(health(f, f->inv.nodes[i].name, true, "ok",
		    1000), 0);
	assert_int_equal(ui_model_events_shown(&f->m), 0);
	health(f, "c1", false, "failed", 2000);
	health(f, "c2", false, "warning", 2000);
	health(f, "c1", true, "ok", 3000);
	/* an engine that told the same again would still add nothing */
	for (int i = 0; i < 100; i++)
		health(f, "c1", true, "ok", 4000 + i);
	assert_int_equal(ui_model_events_shown(&f->m), 3);
	e = ui_model_event_back(&f->m, 0);
	assert_string_equal(e->text, "api-up ok");
	assert_int_equal(e->sev, UI_SEV_INFO);
	assert_int_equal(e->node, inventory_find(&f->inv, "c1"));
	assert_int_equal(ui_model_event_back(&f->m, 1)->sev, UI_SEV_WARN);
	assert_int_equal(ui_model_event_back(&f->m, 2)->sev, UI_SEV_ERROR);
	assert_int_equal(runs_total(f), 0);
	assert_int_equal(f->m.checks[0].ok + f->m.checks[0].failed, 0);
	assert_int_equal(f->m.checks[0].last_ms, 0);
}

/* The Node pane redraws when the selected node's health changes. */
static void
test_health_snapshot(void **state)
{
	static const char *const pending[] = { "pending", "pending",
		"pending", "pending", "pending", "pending" };
	struct fixture *f = *state;
	struct engine_snapshot s;
	long sel = ui_model_selected(&f->m);

	assert_true(sel >= 0);
	snap(f, pending, 1000);
	s = snapshot_of(f, pending, 1000);
	s.nodes[sel].health = xstrdup("failed: api-up");
	assert_true(ui_model_snapshot(&f->m, &s) & UI_DIRTY(NODE));
	assert_string_equal(f->m.snap.nodes[sel].health, "failed: api-up");
}

static enum ui_severity
sev_of(enum engine_event_type type, const char *text)
{
	struct engine_event ev = event(type, "c1", NULL, 0, 0, text);

	return ui_event_severity(&ev);
}

static enum ui_severity
note_sev(const char *action, const char *result)
{
	struct engine_event ev = event(ENGINE_EVENT_LOG, NULL, NULL, 0, 0,
	    "a note");

	ev.action = (char *)action;
	ev.result = (char *)result;
	return ui_event_severity(&ev);
}

static enum ui_severity
wait_sev(enum wait_reason r)
{
	struct engine_event ev = event(ENGINE_EVENT_WAITING, NULL, NULL, 0, 0,
	    "waiting");

	ev.wait.reason = r;
	return ui_event_severity(&ev);
}

static enum ui_severity
state_sev(enum engine_state s)
{
	struct engine_event ev = event(ENGINE_EVENT_STATE, NULL, NULL, 0, 0,
	    "state");

	ev.state = s;
	return ui_event_severity(&ev);
}

/* Errors: failed and hung steps, failed nodes and undos. Warnings: a
 * retry, a deny, a fault, a wait for a constraint or the window. */
static void
test_severity(void **state)
{
	struct engine_event ev;

	(void)state;
	ev = event(ENGINE_EVENT_STEP_FINISHED, "c1", "upgrade",
	    STEP_STATUS_FAILED, 0, "c1: upgrade: failed");
	assert_int_equal(ui_event_severity(&ev), UI_SEV_ERROR);
	ev.status = STEP_STATUS_TIMEOUT;
	assert_int_equal(ui_event_severity(&ev), UI_SEV_ERROR);
	ev.status = STEP_STATUS_OK;
	assert_int_equal(ui_event_severity(&ev), UI_SEV_INFO);
	assert_int_equal(sev_of(ENGINE_EVENT_STEP_STARTED,
	    "c1: upgrade: start (again)"), UI_SEV_WARN);
	assert_int_equal(sev_of(ENGINE_EVENT_STEP_STARTED,
	    "c1: upgrade: start"), UI_SEV_INFO);
	assert_int_equal(sev_of(ENGINE_EVENT_NODE, "c1: failed, version 1.0"),
	    UI_SEV_ERROR);
	assert_int_equal(sev_of(ENGINE_EVENT_NODE,
	    "c1: upgraded, version 2.0"), UI_SEV_INFO);
	assert_int_equal(sev_of(ENGINE_EVENT_APPROVAL, "approval #1 (gate)"),
	    UI_SEV_INFO);
	assert_int_equal(wait_sev(WAIT_HUNG), UI_SEV_ERROR);
	assert_int_equal(wait_sev(WAIT_CONSTRAINT), UI_SEV_WARN);
	assert_int_equal(wait_sev(WAIT_WINDOW), UI_SEV_WARN);
	assert_int_equal(wait_sev(WAIT_APPROVAL), UI_SEV_INFO);
	assert_int_equal(note_sev("rollback", "failed"), UI_SEV_ERROR);
	assert_int_equal(note_sev("upgrade", "late"), UI_SEV_ERROR);
	assert_int_equal(note_sev("deny", "ok"), UI_SEV_WARN);
	assert_int_equal(note_sev("fault", "ok"), UI_SEV_WARN);
	assert_int_equal(note_sev("approval", "refused"), UI_SEV_WARN);
	assert_int_equal(note_sev("approve", "ok"), UI_SEV_INFO);
	assert_int_equal(note_sev(NULL, NULL), UI_SEV_INFO);
	/* a monitored check: failing as its on_failure makes it */
	ev = event(ENGINE_EVENT_HEALTH, "c1", "api-up", 0, 0, "failed");
	ev.action = (char *)"monitor";
	ev.result = (char *)"failed";
	assert_int_equal(ui_event_severity(&ev), UI_SEV_ERROR);
	ev.result = (char *)"warning";
	assert_int_equal(ui_event_severity(&ev), UI_SEV_WARN);
	ev.healthy = true;
	ev.result = (char *)"ok";
	assert_int_equal(ui_event_severity(&ev), UI_SEV_INFO);
	/* a note of a new state, as the state */
	ev = event(ENGINE_EVENT_LOG, NULL, NULL, 0, 0, "campaign rolled_back");
	ev.action = (char *)"state";
	ev.result = (char *)"failed";
	ev.state = ENGINE_STATE_ROLLED_BACK;
	assert_int_equal(ui_event_severity(&ev), UI_SEV_WARN);
	ev.state = ENGINE_STATE_ERROR_DETECTED;
	assert_int_equal(ui_event_severity(&ev), UI_SEV_ERROR);
	assert_int_equal(state_sev(ENGINE_STATE_ERROR_DETECTED), UI_SEV_ERROR);
	assert_int_equal(state_sev(ENGINE_STATE_ROLLBACK_FAILED),
	    UI_SEV_ERROR);
	assert_int_equal(state_sev(ENGINE_STATE_ROLLING_BACK), UI_SEV_WARN);
	assert_int_equal(state_sev(ENGINE_STATE_EXECUTING), UI_SEV_INFO);
	/* a symbol of its own for each, in UTF-8 and in ASCII */
	for (int a = 0; a < UI_SEV_COUNT; a++)
		for (int b = a + 1; b < UI_SEV_COUNT; b++) {
			assert_string_not_equal(ui_severity_symbol(a, true),
			    ui_severity_symbol(b, true));
			assert_string_not_equal(ui_severity_symbol(a, false),
			    ui_severity_symbol(b, false));
		}
	assert_string_equal(ui_severity_symbol(UI_SEV_ERROR, false), "X");
	assert_int_equal(ui_severity_style(UI_SEV_WARN), UI_STYLE_EVENT_WARN);
}

/* The node filter and the severity filter together. */
static void
test_event_filters(void **state)
{
	struct fixture *f = *state;
	struct engine_event ev;

	ev = event(ENGINE_EVENT_STEP_FINISHED, "c1", "upgrade",
	    STEP_STATUS_FAILED, 1, "c1: upgrade: failed");
	ui_model_event(&f->m, &ev);
	ev = event(ENGINE_EVENT_STEP_STARTED, "c1", "upgrade", 0, 2,
	    "c1: upgrade: start (again)");
	ui_model_event(&f->m, &ev);
	ev = event(ENGINE_EVENT_STEP_FINISHED, "c2", "upgrade",
	    STEP_STATUS_FAILED, 3, "c2: upgrade: failed");
	ui_model_event(&f->m, &ev);
	ev = event(ENGINE_EVENT_STEP_FINISHED, "c1", "upgrade",
	    STEP_STATUS_OK, 4, "c1: upgrade: ok");
	ui_model_event(&f->m, &ev);
	assert_int_equal(ui_model_events_shown(&f->m), 4);
	f->m.event_min = UI_SEV_WARN;
	assert_int_equal(ui_model_events_shown(&f->m), 3);
	f->m.event_node = inventory_find(&f->inv, "c1");
	assert_int_equal(ui_model_events_shown(&f->m), 2);
	assert_string_equal(ui_model_event_back(&f->m, 0)->text,
	    "c1: upgrade: start (again)");
	f->m.event_min = UI_SEV_ERROR;
	assert_int_equal(ui_model_events_shown(&f->m), 1);
	assert_string_equal(ui_model_event_back(&f->m, 0)->text,
	    "c1: upgrade: failed");
	assert_null(ui_model_event_back(&f->m, 1));
}

/* Elapsed against expected covers the whole campaign: validation checks
 * every node at once, backup takes every item at once (each over its
 * nodes in turn, one node when once), testing runs the tests on every
 * node at once, execution is the plan's schedule. */
static void
test_expected(void **state)
{
	struct fixture *f = *state;
	struct step health[2] = { { .name = (char *)"a", .expected_ms = 1000 },
		{ .name = (char *)"b", .expected_ms = 4000 } };
	struct step tests[2] = { { .name = (char *)"t1", .expected_ms = 2000 },
		{ .name = (char *)"t2", .expected_ms = 20000 } };
	char *compute = (char *)"compute", *controller = (char *)"controller";
	struct backup_item items[3];
	struct inventory empty;
	struct campaign c;
	struct plan p;
	struct plan_phases ph;
	struct ui_model m;

	memset(items, 0, sizeof items);
	memset(&empty, 0, sizeof empty);
	memset(&c, 0, sizeof c);
	memset(&p, 0, sizeof p);
	/* c1, c2 and e1, in turn */
	items[0].target.roles = (struct strv){ &compute, 1 };
	/* db1 and db2, but once: one of them */
	items[1].target.roles = (struct strv){ &controller, 1 };
	items[1].once = true;
	items[2].target.roles = (struct strv){ &controller, 1 };
	c.health = health;
	c.nhealth = 2;
	c.tests = tests;
	c.ntests = 2;
	c.backups = items;
	c.nbackups = 3;
	p.campaign = &c;
	p.inventory = &f->inv;
	p.total_ms = 232000;
	plan_phases(&p, &ph);
	assert_int_equal(ph.validation_ms, 5000 + PLAN_ALARMS_EXPECTED_MS);
	assert_int_equal(ph.backup_ms, 3 * PLAN_BACKUP_EXPECTED_MS);
	assert_int_equal(ph.execution_ms, 232000);
	assert_int_equal(ph.testing_ms, 22000);
	assert_int_equal(ph.total_ms, 7000 + 90000 + 232000 + 22000);
	ui_model_init(&m, &c, &f->inv, &p);
	assert_int_equal(m.expected_ms, ph.total_ms);
	ui_model_free(&m);
	/* no nodes: only the schedule, whatever it holds */
	p.inventory = &empty;
	plan_phases(&p, &ph);
	assert_int_equal(ph.validation_ms, 0);
	assert_int_equal(ph.backup_ms, 0);
	assert_int_equal(ph.testing_ms, 0);
	assert_int_equal(ph.total_ms, 232000);
	/* without a plan nothing is expected */
	assert_int_equal(f->m.expected_ms, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_states_and_counts, setup,
		    teardown),
		cmocka_unit_test(test_hung),
		cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_collapse_and_move, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runs_and_checks, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hostkey_question, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_health_events, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_health_snapshot, setup,
		    teardown),
		cmocka_unit_test(test_severity),
		cmocka_unit_test_setup_teardown(test_event_filters, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_expected, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
