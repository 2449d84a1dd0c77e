/*
 * Health: with a monitor, its verdicts across the nodes on the first
 * line; then the campaign's pre-checks (validation) and post-checks
 * (tests) with how many passed and failed and how long ago the last
 * one ran, on the campaign clock.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escalator/util.h"
#include "ui_impl.h"

/* "CHECK on NODE, ..." of the failing nodes, as many as a line shows;
 * how many fail in *n. malloc'd. */
static char *
failing_list(const struct engine_snapshot *s, int wd, size_t *n)
{
	char *list = xstrdup(""), *more;

	*n = 0;
	for (size_t i = 0; i < s->nnodes; i++) {
		const char *v = s->nodes[i].health;

		if (v == NULL || strncmp(v, ENGINE_HEALTH_FAILED,
		    strlen(ENGINE_HEALTH_FAILED)) != 0)
			continue;
		if ((*n)++ > 0 && strlen(list) > (size_t)wd)
			continue;	/* off the pane's edge anyway */
		more = xasprintf("%s%s%s on %s", list, *n > 1 ? ", " : "",
		    v + strlen(ENGINE_HEALTH_FAILED), s->nodes[i].name);
		free(list);
		list = more;
	}
	return list;
}

/* The monitor's verdicts from the snapshot, as the nodes' own. */
static void
monitor_line(struct ui *ui, WINDOW *w, int wd)
{
	const struct engine_snapshot *s = &ui->m.snap;
	size_t failing, judged = 0;
	char *list = failing_list(s, wd, &failing);

	for (size_t i = 0; i < s->nnodes; i++)
		judged += s->nodes[i].health != NULL;
	if (failing > 0)
		putf(w, 1, 1, wd - 2, sty(ui, UI_STYLE_CHECK_FAILED),
		    "monitor: %zu of %zu node%s failing (%s)", failing,
		    s->nnodes, s->nnodes == 1 ? "" : "s", list);
	else if (judged > 0 && judged == s->nnodes)
		putf(w, 1, 1, wd - 2, sty(ui, UI_STYLE_CHECK_OK),
		    "monitor: all %zu node%s healthy", s->nnodes,
		    s->nnodes == 1 ? "" : "s");
	else if (judged > 0)
		putf(w, 1, 1, wd - 2, sty(ui, UI_STYLE_CHECK_OK),
		    "monitor: %zu of %zu nodes healthy, %zu not probed yet",
		    judged, s->nnodes, s->nnodes - judged);
	else
		put(w, 1, 1, wd - 2, sty(ui, UI_STYLE_NODE_PENDING),
		    "monitor: no verdict yet");
	free(list);
}

static void
health_draw(struct ui *ui, WINDOW *w, int h, int wd)
{
	const struct ui_model *m = &ui->m;
	bool monitor = ui->c.monitor.enabled;
	size_t first = 0;
	int top = monitor ? 2 : 1, rows = h - 1 - top;
	char age[32];

	frame(ui, w, UI_PANE_HEALTH, NULL);
	if (monitor)
		monitor_line(ui, w, wd);
	if (m->nchecks == 0)
		put(w, top, 1, wd - 2, 0, "the campaign has no checks");
	/* more checks than lines: the latest ones matter */
	if (rows > 0 && m->nchecks > (size_t)rows)
		first = m->nchecks - (size_t)rows;
	for (size_t i = first; rows > 0 && i < m->nchecks; i++) {
		const struct ui_check *k = &m->checks[i];
		int y = top + (int)(i - first);
		enum ui_style_id st = k->failed > 0 ? UI_STYLE_CHECK_FAILED :
		    k->ok > 0 ? UI_STYLE_CHECK_OK : UI_STYLE_NODE_PENDING;

		if (k->last_ms > 0)
			duration_format(m->snap.now_ms - k->last_ms, age,
			    sizeof age);
		/* passed of run, then how long ago the last one ran */
		putf(w, y, 1, wd - 2, sty(ui, st), "%s %-4s %-10s %u/%u ok  "
		    "%s%s", k->failed ? (ui->scr.utf8 ? "\u2716" : "X") :
		    k->ok ? (ui->scr.utf8 ? "\u2714" : "+") : " ",
		    k->post ? "post" : "pre", k->name, k->ok, k->ok +
		    k->failed, k->last_ms > 0 ? age : "not run",
		    k->last_ms > 0 ? " ago" : "");
	}
}

static bool
health_key(struct ui *ui, enum ui_action a)
{
	(void)ui;
	(void)a;
	return false;
}

const struct pane_ops pane_health = { health_draw, health_key };
