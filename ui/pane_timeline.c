/*
 * Timeline: procedures, then the selected node's batch and steps, as
 * bars against time: the plan's expected bar underneath, what really
 * ran over it, failed and hung steps marked, a now-marker, and what is
 * next. The plan's times count from the start of execution (or from
 * now, before it starts).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "escalator/ui_timeline.h"
#include "escalator/util.h"
#include "ui_impl.h"

#define LABEL_MAX	20

struct tl {
	struct ui		*ui;
	WINDOW			*w;
	struct ui_timescale	 ts;
	int			 x0;		/* first bar column */
	int			 label_w;
	int64_t			 anchor;	/* plan time 0 */
	int64_t			 now;
};

static bool
proc_has_step(const struct procedure *p, const char *name)
{
	for (size_t s = 0; s < p->nsteps; s++)
		if (strcmp(p->steps[s].name, name) == 0)
			return true;
	return false;
}

enum bar_kind {
	BAR_EXPECTED,
	BAR_ACTUAL,
	BAR_UNDO,
};

static void
bar(struct tl *t, int y, int64_t start, int64_t end, enum bar_kind kind,
    bool failed)
{
	static const char *const glyphs[2][3] = {
		{ "-", "#", "<" },
		{ "\u2591", "\u2588", "\u25c0" },
	};
	static const enum ui_style_id styles[] = { UI_STYLE_BAR_EXPECTED,
		UI_STYLE_BAR_ACTUAL, UI_STYLE_NODE_ROLLED_BACK };
	struct ui_bar b;
	const char *glyph = glyphs[t->ui->scr.utf8][kind];
	attr_t a = sty(t->ui, failed ? UI_STYLE_BAR_FAILED : styles[kind]);

	if (!ui_bar_span(&t->ts, start, end, &b))
		return;
	for (int i = 0; i < b.len; i++)
		put(t->w, y, t->x0 + b.col + i, 1, a, glyph);
	if (failed)
		put(t->w, y, t->x0 + b.col + b.len - 1, 1, a,
		    t->ui->scr.utf8 ? "\u2716" : "X");
}

static void
label(struct tl *t, int y, int indent, attr_t a, const char *text)
{
	put(t->w, y, 1 + indent, t->label_w - indent, a, text);
}

/* What ran of a procedure: from the first start to the last end (or
 * now), failed when any of its steps failed or hangs. */
static void
proc_actual(struct tl *t, int y, const struct plan_procedure *pp)
{
	const struct procedure *p = &t->ui->c.procedures[pp->proc];
	int64_t first = 0, last = 0;
	bool failed = false, any = false;

	for (uint32_t i = 0; i < pp->nnodes; i++) {
		const struct ui_node_runs *r = &t->ui->m.runs[pp->nodes[i]];

		for (size_t k = 0; k < r->count; k++) {
			const struct ui_step_run *sr = &r->runs[k];
			int64_t end = sr->end_ms ? sr->end_ms : t->now;

			if (sr->undo || sr->start_ms < t->anchor ||
			    !proc_has_step(p, sr->step))
				continue;
			if (!any || sr->start_ms < first)
				first = sr->start_ms;
			if (!any || end > last)
				last = end;
			any = true;
			failed |= sr->end_ms != 0 &&
			    sr->status != STEP_STATUS_OK;
		}
	}
	if (any)
		bar(t, y, first, last, BAR_ACTUAL, failed);
}

static const struct plan_task *
task_of(const struct plan *plan, uint32_t pproc_proc, long node)
{
	for (uint32_t i = 0; i < plan->ntasks; i++)
		if (plan->tasks[i].node == (uint32_t)node &&
		    plan->tasks[i].proc == pproc_proc)
			return &plan->tasks[i];
	return NULL;
}

static const struct ui_step_run *
last_run(const struct ui_node_runs *r, const char *step, bool undo,
    int64_t since)
{
	for (size_t k = r->count; k > 0; k--) {
		const struct ui_step_run *run = &r->runs[k - 1];

		if (run->undo == undo && run->start_ms >= since &&
		    strcmp(run->step, step) == 0)
			return run;
	}
	return NULL;
}

/* A run as it went: failed, or hung while it runs past its time. */
static void
run_bar(struct tl *t, int y, const struct ui_step_run *run,
    int64_t expected_ms)
{
	enum bar_kind kind = run->undo ? BAR_UNDO : BAR_ACTUAL;

	if (run->end_ms == 0)
		bar(t, y, run->start_ms, t->now, kind, expected_ms > 0 &&
		    t->now - run->start_ms > expected_ms);
	else
		bar(t, y, run->start_ms, run->end_ms, kind,
		    run->status != STEP_STATUS_OK);
}

/* The selected node's steps in a procedure: expected one after the
 * other from its task's start, and each as it ran. */
static int
node_steps(struct tl *t, int y, int last_row, const struct plan_task *task,
    long node)
{
	const struct procedure *p = &t->ui->c.procedures[task->proc];
	const struct ui_node_runs *r = &t->ui->m.runs[node];
	int64_t at = t->anchor + task->start_ms;

	for (size_t s = 0; s < p->nsteps && y <= last_row; s++, y++) {
		const struct step *st = &p->steps[s];
		const struct ui_step_run *run;

		label(t, y, 2, sty(t->ui, UI_STYLE_NORMAL), st->name);
		bar(t, y, at, at + st->expected_ms, BAR_EXPECTED, false);
		at += st->expected_ms;
		/* its last run, then its undo if it was undone */
		for (int undo = 0; undo < 2; undo++) {
			run = last_run(r, st->name, undo, t->anchor);
			if (run != NULL)
				run_bar(t, y, run, st->expected_ms);
		}
	}
	return y;
}

/* The batch the selected node ran in, on paper. */
static void
batch_row(struct tl *t, int y, const struct plan_procedure *pp,
    const struct plan_task *task)
{
	const struct plan_batch *b = &pp->batches[task->batch];

	putf(t->w, y, 2, t->label_w - 1, sty(t->ui, UI_STYLE_NORMAL),
	    "batch %u", task->batch + 1);
	bar(t, y, t->anchor + b->start_ms, t->anchor + b->end_ms,
	    BAR_EXPECTED, false);
}

static void
ruler(struct tl *t)
{
	int64_t tick = ui_tick_ms(&t->ts, 10), first;
	char d[32];
	int now;

	first = ((t->ts.t0 - t->anchor) / tick) * tick + t->anchor;
	if (first < t->ts.t0)
		first += tick;
	for (int64_t at = first; at < t->ts.t1; at += tick) {
		int c = ui_time_col(&t->ts, at);

		if (c >= 0 && c < t->ts.width)
			putf(t->w, 1, t->x0 + c, t->ts.width - c, sty(t->ui,
			    UI_STYLE_BORDER), "|+%s", duration_format(at -
			    t->anchor, d, sizeof d));
	}
	now = ui_now_col(&t->ts, t->now);
	if (now >= 0)
		put(t->w, 1, t->x0 + now, 1, sty(t->ui, UI_STYLE_NOW),
		    t->ui->scr.utf8 ? "\u25bc" : "v");
}

/* The now-marker down every line where nothing else is. */
static void
now_line(struct tl *t, int last_row)
{
	int c = ui_now_col(&t->ts, t->now);

	if (c < 0)
		return;
	for (int y = 2; y <= last_row; y++)
		if ((mvwinch(t->w, y, t->x0 + c) & A_CHARTEXT) == ' ')
			put(t->w, y, t->x0 + c, 1, sty(t->ui, UI_STYLE_NOW),
			    t->ui->scr.utf8 ? "\u2502" : "|");
}

/* The first task on paper whose node has not started. */
static void
next_line(struct tl *t, int y, int wd)
{
	const struct plan *plan = &t->ui->plan;

	for (uint32_t i = 0; i < plan->ntasks; i++) {
		const struct plan_task *k = &plan->tasks[i];

		if (t->ui->m.state[k->node] != UI_NODE_PENDING)
			continue;
		putf(t->w, y, 1, wd - 2, sty(t->ui, UI_STYLE_NORMAL),
		    "next: %s on %s (batch %u)",
		    t->ui->c.procedures[k->proc].name,
		    t->ui->inv.nodes[k->node].name, k->batch + 1);
		return;
	}
	put(t->w, y, 1, wd - 2, sty(t->ui, UI_STYLE_NORMAL),
	    "next: nothing left on the plan");
}

static void
timeline_draw(struct ui *ui, WINDOW *w, int h, int wd)
{
	struct tl t = { .ui = ui, .w = w };
	long node = ui_model_selected(&ui->m);
	int y = 2, last_row = h - 3;
	char d[32];

	frame(ui, w, UI_PANE_TIMELINE, ui->m.timeline_offset_ms != 0 ?
	    "scrolled: Home returns" : NULL);
	if (!ui->have_plan) {
		put(w, 1, 1, wd - 2, 0, "no plan");
		return;
	}
	t.now = ui->m.snap.now_ms;
	t.anchor = ui->m.phase_ms[ENGINE_PHASE_EXECUTION] ?
	    ui->m.phase_ms[ENGINE_PHASE_EXECUTION] : t.now;
	t.label_w = (wd - 2) / 4 < LABEL_MAX ? (wd - 2) / 4 : LABEL_MAX;
	t.x0 = 1 + t.label_w + 1;
	ui_timescale_fit(&t.ts, t.anchor, t.anchor + ui->plan.total_ms, t.now,
	    ui->m.timeline_offset_ms, wd - t.x0 - 1);
	putf(w, 1, 1, t.label_w, sty(ui, UI_STYLE_HEADER_KEY), "plan %s",
	    duration_format(ui->plan.total_ms, d, sizeof d));
	ruler(&t);
	for (uint32_t p = 0; p < ui->plan.nprocs && y <= last_row; p++) {
		const struct plan_procedure *pp = &ui->plan.procs[p];
		const struct plan_task *task = node >= 0 ?
		    task_of(&ui->plan, pp->proc, node) : NULL;

		label(&t, y, 0, sty(ui, UI_STYLE_GROUP),
		    ui->c.procedures[pp->proc].name);
		bar(&t, y, t.anchor + pp->start_ms, t.anchor + pp->end_ms,
		    BAR_EXPECTED, false);
		proc_actual(&t, y++, pp);
		if (task == NULL || y > last_row)
			continue;
		batch_row(&t, y++, pp, task);
		y = node_steps(&t, y, last_row, task, node);
	}
	now_line(&t, y - 1);
	next_line(&t, h - 2, wd);
}

static bool
timeline_key(struct ui *ui, enum ui_action a)
{
	int64_t step = ui->have_plan && ui->plan.total_ms > 0 ?
	    ui->plan.total_ms / 10 : 60000;

	switch (a) {
	case UI_ACT_COLLAPSE:
		ui->m.timeline_offset_ms -= step;
		break;
	case UI_ACT_EXPAND:
		ui->m.timeline_offset_ms += step;
		break;
	case UI_ACT_HOME:
		ui->m.timeline_offset_ms = 0;
		break;
	case UI_ACT_UP:
	case UI_ACT_DOWN:
		return pane_topology.key(ui, a);
	default:
		return false;
	}
	ui->dirty |= UI_DIRTY(TIMELINE);
	return true;
}

const struct pane_ops pane_timeline = { timeline_draw, timeline_key };
