/*
 * bench/ui_redraw, run by bench/ui: what the console costs at 10,000
 * nodes. A generated cluster on a 200x60 xterm-256color screen written
 * to /dev/null; a full redraw of every pane, and a scroll of the
 * topology with only the dirty panes repainted, each beside its
 * alternative: the full redraw with every cell sent to the terminal,
 * and the scroll with a full redraw.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "escalator/util.h"
#include "../tests/plan_cluster.h"
#include "../ui/ui_impl.h"

#define NODES	10000
#define RUNS	300

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Every fourth node done, one in a hundred failed, a few running. */
static void
fill(struct ui *ui)
{
	static const char *const status[] = { "upgraded", "pending",
		"pending", "running" };
	struct engine_snapshot s;
	char text[64];

	memset(&s, 0, sizeof s);
	s.state = ENGINE_STATE_EXECUTING;
	s.phase = ENGINE_PHASE_EXECUTION;
	s.now_ms = 600000;
	s.nnodes = ui->inv.count;
	s.nodes = xcalloc(s.nnodes, sizeof *s.nodes);
	for (size_t i = 0; i < s.nnodes; i++) {
		s.nodes[i].name = xstrdup(ui->inv.nodes[i].name);
		s.nodes[i].version = xstrdup("1.0");
		s.nodes[i].status = xstrdup(i % 100 == 7 ? "failed" :
		    status[i % 4]);
	}
	s.wait.reason = WAIT_RUNNING;
	s.wait.text = xstrdup("2500 steps running");
	ui_model_snapshot(&ui->m, &s);
	for (int i = 0; i < UI_EVENTS_MAX; i++) {
		struct engine_event ev;

		memset(&ev, 0, sizeof ev);
		ev.type = ENGINE_EVENT_LOG;
		ev.ts_ms = i * 100;
		ev.node = ui->inv.nodes[i % ui->inv.count].name;
		snprintf(text, sizeof text, "%s: step %d done", ev.node, i);
		ev.text = text;
		ui_model_event(&ui->m, &ev);
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median milliseconds of one call of what, over RUNS: a machine
 * busy with something else moves the mean more than the median. */
static double
measure(struct ui *ui, void (*what)(struct ui *))
{
	double t[RUNS];

	for (int i = 0; i < RUNS; i++) {
		double t0 = now_ms();

		what(ui);
		t[i] = now_ms() - t0;
	}
	qsort(t, RUNS, sizeof t[0], cmp_double);
	return t[RUNS / 2];
}

static void
full_redraw(struct ui *ui)
{
	ui->dirty = UI_DIRTY_ALL;
	screen_draw(ui);
}

static void
full_redraw_every_cell(struct ui *ui)
{
	clearok(curscr, TRUE);
	full_redraw(ui);
}

/* What the j key does: move, repaint what the selection touches. */
static void
scroll_dirty(struct ui *ui)
{
	pane_topology.key(ui, UI_ACT_DOWN);
	screen_draw(ui);
}

static void
scroll_full(struct ui *ui)
{
	pane_topology.key(ui, UI_ACT_DOWN);
	full_redraw(ui);
}

int
main(void)
{
	struct ui ui;
	struct diag_list d = { NULL, 0, 0 };
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	double full, cells, sdirty, sfull;

	memset(&ui, 0, sizeof ui);
	cl_generate(&ui.c, &ui.inv, NODES, 1);
	if (plan_build(&ui.plan, &ui.c, &ui.inv, &d) != 0) {
		diag_print(&d, stderr);
		return 1;
	}
	ui.have_plan = true;
	ui.operator = "bench";
	ui.opt.virtual_time = true;
	ui_theme_default(&ui.theme);
	ui_model_init(&ui.m, &ui.c, &ui.inv, &ui.plan);
	setenv("COLUMNS", "200", 1);
	setenv("LINES", "60", 1);
	setenv("LANG", "C.UTF-8", 1);
	if (out == NULL || in == NULL || screen_open_term(&ui,
	    "xterm-256color", out, in) == -1) {
		fputs("bench/ui_redraw: cannot open a terminal on /dev/null\n",
		    stderr);
		return 1;
	}
	fill(&ui);
	full_redraw(&ui);
	full = measure(&ui, full_redraw);
	cells = measure(&ui, full_redraw_every_cell);
	sdirty = measure(&ui, scroll_dirty);
	sfull = measure(&ui, scroll_full);
	screen_close(&ui);
	printf("bench/ui: %zu nodes, %d events, 200x60 xterm-256color on "
	    "/dev/null, median of %d\n", ui.inv.count, UI_EVENTS_MAX, RUNS);
	printf("  full redraw, every pane                  %7.3f ms\n", full);
	printf("    alternative: every cell sent again     %7.3f ms\n", cells);
	printf("  scroll one line, dirty panes only        %7.3f ms\n",
	    sdirty);
	printf("    alternative: scroll with a full redraw %7.3f ms\n", sfull);
	printf("  target: under 2 ms each: %s\n", full < 2 && sdirty < 2 ?
	    "met" : "MISSED");
	ui_model_free(&ui.m);
	plan_free(&ui.plan);
	campaign_free(&ui.c);
	inventory_free(&ui.inv);
	fclose(out);
	fclose(in);
	return 0;
}
