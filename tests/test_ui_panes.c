/* The panes drawn from a snapshot filled here, on a curses terminal
 * writing to /dev/null and read back from curses' idea of the screen:
 * states and symbols, hung nodes, the ASCII fallback, the wait line,
 * dialogs, the too-small screen, and that only dirty panes repaint. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <cmocka.h>

#include "escalator/util.h"
#include "../ui/ui_impl.h"

struct fixture {
	struct ui	 ui;
	FILE		*out, *in;
};

static const char *
node_status(const char *name)
{
	return strcmp(name, "compute-2") == 0 ? "failed" :
	    strcmp(name, "ctl-1") == 0 ? "upgraded" : "running";
}

/* ctl-1 upgraded, compute-1 running upgrade (hung when late), compute-2
 * failed, the monitor's verdicts health (inventory order, NULL: none);
 * an approval open, the engine waiting for it. */
static void
fill(struct ui *ui, int64_t elapsed, const char *const *health)
{
	struct engine_snapshot s;

	memset(&s, 0, sizeof s);
	s.state = ENGINE_STATE_EXECUTING;
	s.phase = ENGINE_PHASE_EXECUTION;
	s.now_ms = 1000000 + elapsed;
	s.nnodes = ui->inv.count;
	s.nodes = xcalloc(s.nnodes, sizeof *s.nodes);
	for (size_t i = 0; i < s.nnodes; i++) {
		const char *name = ui->inv.nodes[i].name;

		s.nodes[i].name = xstrdup(name);
		s.nodes[i].version = xstrdup("1.0");
		s.nodes[i].status = xstrdup(node_status(name));
		if (health != NULL && health[i] != NULL)
			s.nodes[i].health = xstrdup(health[i]);
		if (strcmp(name, "compute-1") == 0) {
			s.nodes[i].step = xstrdup("upgrade");
			s.nodes[i].elapsed_ms = elapsed;
			s.nodes[i].expected_ms = 30000;
		}
	}
	s.napprovals = 1;
	s.approvals = xcalloc(1, sizeof *s.approvals);
	s.approvals[0].id = 7;
	s.approvals[0].kind = APPROVAL_VNF;
	s.approvals[0].node = xstrdup("compute-1");
	s.approvals[0].object = xstrdup("vnf-ready");
	s.approvals[0].summary = xstrdup("moving VNF instances off the node");
	s.wait.reason = WAIT_APPROVAL;
	s.wait.text = xstrdup("approval #7: vnf-ready on compute-1");
	ui->dirty |= ui_model_snapshot(&ui->m, &s);
}

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	struct ui *ui = &f->ui;
	struct diag_list d = { 0 };
	char *file = xasprintf("%s/campaigns/minimal-testbed.cfg",
	    ESCALATOR_SRCDIR);

	ui->opt.file = file;
	ui->opt.virtual_time = true;
	ui->operator = "alice";
	ui->role = "admin";
	ui->state_dir = xstrdup("st");
	if (campaign_load(&ui->c, file, &d) != 0 ||
	    inventory_load(&ui->inv, ui->c.inventory_path, &d) != 0 ||
	    plan_build(&ui->plan, &ui->c, &ui->inv, &d) != 0) {
		diag_print(&d, stderr);
		fail();
	}
	ui->have_plan = true;
	ui_theme_default(&ui->theme);
	ui_model_init(&ui->m, &ui->c, &ui->inv, &ui->plan);
	ui->m.start_ms = 1000000;
	setenv("COLUMNS", "100", 1);
	setenv("LINES", "30", 1);
	setenv("LANG", "C.UTF-8", 1);
	f->out = fopen("/dev/null", "w");
	f->in = fopen("/dev/null", "r");
	assert_int_equal(screen_open_term(ui, "xterm-256color", f->out,
	    f->in), 0);
	fill(ui, 10000, NULL);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	struct ui *ui = &f->ui;

	dialog_close(ui);
	screen_close(ui);
	fclose(f->out);
	fclose(f->in);
	ui_model_free(&ui->m);
	plan_free(&ui->plan);
	campaign_free(&ui->c);
	inventory_free(&ui->inv);
	free(ui->status);
	free(ui->state_dir);
	free(ui->opt.file);
	free(f);
	return 0;
}

/* Line y of the screen as curses last sent it, as UTF-8. */
static char *
line(int y)
{
	char *buf = xcalloc((size_t)COLS * MB_CUR_MAX + 1, 1), *p = buf;
	mbstate_t st;

	memset(&st, 0, sizeof st);
	for (int x = 0; x < COLS; x++) {
		cchar_t cc;
		wchar_t wc[CCHARW_MAX + 1];
		attr_t a;
		short pair;
		size_t n;

		if (mvwin_wch(curscr, y, x, &cc) == ERR ||
		    getcchar(&cc, wc, &a, &pair, NULL) == ERR)
			continue;
		n = wcrtomb(p, wc[0] ? wc[0] : L' ', &st);
		if (n != (size_t)-1)
			p += n;
	}
	return buf;
}

/* Fails unless some line of the screen holds text. */
static void
expect_screen(const char *text, bool want)
{
	bool found = false;

	for (int y = 0; y < LINES && !found; y++) {
		char *l = line(y);

		found = strstr(l, text) != NULL;
		free(l);
	}
	if (found != want) {
		for (int y = 0; y < LINES; y++) {
			char *l = line(y);

			fprintf(stderr, "%s\n", l);
			free(l);
		}
		fail_msg("%s \"%s\" on screen", want ? "no" : "unexpected",
		    text);
	}
}

static void
test_panes(void **state)
{
	struct fixture *f = *state;

	screen_draw(&f->ui);
	expect_screen("minimal-testbed", true);
	expect_screen("phase execution", true);
	expect_screen("state executing", true);
	/* against the whole campaign: every phase, not execution alone */
	expect_screen("elapsed 10s / 5m47s", true);
	expect_screen("operator alice (admin)", true);
	expect_screen("\u2716 compute-2 failed", true);
	expect_screen("\u25b6 compute-1 running", true);
	expect_screen("\u2714 ctl-1 upgraded", true);
	/* counts per group: zone z1/r1 holds ctl-1 and compute-1 */
	expect_screen("zone z1/r1 2 \u25b61 \u27141", true);
	/* the Node pane shows the selected node */
	expect_screen("ctl-1 upgraded controller 127.0.0.1", true);
	expect_screen("waiting for approval: approval #7", true);
	expect_screen("a decide", true);
	expect_screen("\u250c\u2500 Topology", true);
	expect_screen("pre  api-up", true);
	expect_screen("controllers", true);
}

static void
test_hung_node(void **state)
{
	struct fixture *f = *state;

	fill(&f->ui, 45000, NULL);
	ui_model_select(&f->ui.m, (uint32_t)inventory_find(&f->ui.inv,
	    "compute-1"));
	f->ui.dirty = UI_DIRTY_ALL;
	screen_draw(&f->ui);
	expect_screen("\u26a0 compute-1 hung", true);
	expect_screen("step upgrade: 45s of 30s expected  HUNG", true);
}

/* The Node pane: the monitor's verdict from the snapshot, once there
 * is one. */
static void
test_node_health(void **state)
{
	struct fixture *f = *state;
	long c2 = inventory_find(&f->ui.inv, "compute-2");

	screen_draw(&f->ui);
	expect_screen("health failed", false);
	f->ui.m.snap.nodes[c2].health = xstrdup("failed: api-up");
	ui_model_select(&f->ui.m, (uint32_t)c2);
	f->ui.dirty = UI_DIRTY_ALL;
	screen_draw(&f->ui);
	expect_screen("health failed: api-up  vnfs", true);
}

/* What curses drew the first character of text with; fails unless
 * some line holds it. */
static attr_t
attr_of(const char *text)
{
	for (int y = 0; y < LINES; y++) {
		char *l = line(y), *p = strstr(l, text);
		cchar_t cc;
		wchar_t wc[CCHARW_MAX + 1];
		attr_t a = 0;
		short pair = 0;
		int x;

		if (p == NULL) {
			free(l);
			continue;
		}
		*p = '\0';
		x = (int)mbstowcs(NULL, l, 0);
		free(l);
		assert_int_not_equal(mvwin_wch(curscr, y, x, &cc), ERR);
		assert_int_not_equal(getcchar(&cc, wc, &a, &pair, NULL), ERR);
		return (a & ~A_COLOR) | COLOR_PAIR(pair);
	}
	fail_msg("no \"%s\" on screen", text);
	return 0;
}

/* The Health pane: with a monitor, its verdicts across the nodes from
 * the snapshot, redrawn when one changes though the clock stands
 * still, in the colours of what they mean. */
static void
test_monitor_line(void **state)
{
	struct fixture *f = *state;
	struct ui *ui = &f->ui;
	const char *ok[] = { "ok", "ok", "ok" }, *some[] = { "ok", NULL, NULL },
	    *fail[] = { "ok", "ok", "ok" };
	const char *text;

	assert_int_equal(ui->inv.count, 3);
	fail[inventory_find(&ui->inv, "compute-2")] = "failed: api-up";
	screen_draw(ui);
	expect_screen("monitor:", false);
	ui->c.monitor.enabled = true;
	/* wide enough for the whole line */
	assert_int_equal(resizeterm(30, 200), OK);
	screen_layout(ui);
	screen_draw(ui);
	expect_screen("monitor: no verdict yet", true);
	fill(ui, 10000, some);
	screen_draw(ui);
	expect_screen("monitor: 1 of 3 nodes healthy, 2 not probed yet", true);
	fill(ui, 10000, ok);
	screen_draw(ui);
	expect_screen("monitor: all 3 nodes healthy", true);
	assert_int_equal(attr_of("monitor: all"), sty(ui,
	    UI_STYLE_CHECK_OK));
	fill(ui, 10000, fail);
	screen_draw(ui);
	text = "monitor: 1 of 3 nodes failing (api-up on compute-2)";
	expect_screen(text, true);
	assert_int_equal(attr_of(text), sty(ui, UI_STYLE_CHECK_FAILED));
	/* the checks' lines are still there, below */
	expect_screen("pre  api-up", true);
}

static void
test_ascii(void **state)
{
	struct fixture *f = *state;

	f->ui.scr.utf8 = false;
	f->ui.dirty = UI_DIRTY_ALL;
	screen_draw(&f->ui);
	expect_screen("X compute-2 failed", true);
	expect_screen("> compute-1 running", true);
	expect_screen("+- Topology", true);
	expect_screen("\u2716", false);
}

static void
test_only_dirty_panes_repaint(void **state)
{
	struct fixture *f = *state;
	struct ui *ui = &f->ui;

	screen_draw(ui);
	expect_screen("phase execution", true);
	/* the header is not dirty: what it shows stays */
	ui->m.snap.phase = ENGINE_PHASE_TESTING;
	ui->dirty = UI_DIRTY(TOPOLOGY);
	screen_draw(ui);
	expect_screen("phase execution", true);
	ui->dirty = UI_DIRTY(HEADER);
	screen_draw(ui);
	expect_screen("phase testing", true);
}

static void
test_dialogs(void **state)
{
	struct fixture *f = *state;
	struct ui *ui = &f->ui;

	dialog_open_approval(ui, &ui->m.snap.approvals[0]);
	screen_draw(ui);
	expect_screen("VNF coordination point #7: vnf-ready", true);
	expect_screen("vFW/fw-1: at most 1 instance(s) down at once", true);
	expect_screen("[a] approve  [d] deny", true);
	/* the panes go on underneath */
	expect_screen("\u2716 compute-2 failed", true);
	dialog_open_confirm(ui, ENGINE_CMD_SKIP_NODE, "compute-2");
	screen_draw(ui);
	expect_screen("Skip a node", true);
	expect_screen("node: compute-2", true);
	expect_screen("Type skip and press Enter", true);
	dialog_open_confirm(ui, ENGINE_CMD_FORCE, "compute-2");
	screen_draw(ui);
	expect_screen("Force a node past its constraint", true);
	expect_screen("Type force and press Enter", true);
	dialog_open_confirm(ui, ENGINE_CMD_ROLLBACK, NULL);
	dialog_key(ui, 'r');
	dialog_key(ui, 'o');
	screen_draw(ui);
	expect_screen("Type rollback and press Enter", true);
	expect_screen("> ro_", true);
	dialog_key(ui, UI_K_ENTER);
	screen_draw(ui);
	expect_screen("\"ro\" is not \"rollback\": nothing done", true);
	dialog_key(ui, UI_K_ESC);
	screen_draw(ui);
	expect_screen("Type rollback", false);
	dialog_open_help(ui);
	screen_draw(ui);
	expect_screen("h/?/F1", true);
	expect_screen("this help screen", true);
	dialog_close(ui);
}

static void
event_fold(struct ui *ui, enum engine_event_type type, const char *node,
    enum step_status st, const char *text)
{
	struct engine_event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = type;
	ev.node = (char *)node;
	ev.step = (char *)"upgrade";
	ev.status = st;
	ev.ts_ms = 1005000;
	ev.text = (char *)text;
	ui->dirty |= ui_model_event(&ui->m, &ev);
}

/* Each event line with its severity's symbol; the filters in the title. */
static void
test_events_pane(void **state)
{
	struct fixture *f = *state;
	struct ui *ui = &f->ui;

	event_fold(ui, ENGINE_EVENT_STEP_FINISHED, "compute-2",
	    STEP_STATUS_FAILED, "compute-2: upgrade: failed");
	event_fold(ui, ENGINE_EVENT_STEP_STARTED, "compute-2", 0,
	    "compute-2: upgrade: start (again)");
	event_fold(ui, ENGINE_EVENT_STEP_FINISHED, "compute-1",
	    STEP_STATUS_OK, "compute-1: upgrade: ok");
	screen_draw(ui);
	expect_screen("00:16:45 \u2716 compute-2: upgrade: failed", true);
	expect_screen("00:16:45 \u25b2 compute-2: upgrade: start (again)",
	    true);
	expect_screen("00:16:45 \u00b7 compute-1: upgrade: ok", true);
	ui->m.event_min = UI_SEV_WARN;
	ui->m.event_node = inventory_find(&ui->inv, "compute-2");
	ui->dirty = UI_DIRTY_ALL;
	screen_draw(ui);
	expect_screen("Events \u2500\u2500 warnings and errors node compute-2",
	    true);
	expect_screen("compute-1: upgrade: ok", false);
	ui->scr.utf8 = false;
	ui->m.event_min = UI_SEV_ERROR;
	ui->dirty = UI_DIRTY_ALL;
	screen_draw(ui);
	expect_screen("00:16:45 X compute-2: upgrade: failed", true);
	expect_screen("upgrade: start (again)", false);
}

static void
test_too_small(void **state)
{
	struct fixture *f = *state;

	resizeterm(20, 60);
	screen_layout(&f->ui);
	screen_draw(&f->ui);
	expect_screen("terminal too small", true);
	expect_screen("60x20: escalator needs 80x24", true);
	resizeterm(24, 80);
	screen_layout(&f->ui);
	screen_draw(&f->ui);
	expect_screen("terminal too small", false);
	expect_screen("\u2716 compute-2 failed", true);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_panes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hung_node, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_monitor_line, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_node_health, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ascii, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_dirty_panes_repaint,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_dialogs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_small, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_events_pane, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
