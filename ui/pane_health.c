/*
 * Health: the campaign's pre-checks (validation) and post-checks
 * (tests) with how many passed and failed and how long ago the last
 * one ran, on the campaign clock.
 */
#include "config.h"

#include <stdio.h>

#include "escalator/util.h"
#include "ui_impl.h"

static void
health_draw(struct ui *ui, WINDOW *w, int h, int wd)
{
	const struct ui_model *m = &ui->m;
	size_t first = 0;
	int rows = h - 2;
	char age[32];

	frame(ui, w, UI_PANE_HEALTH, NULL);
	if (m->nchecks == 0)
		put(w, 1, 1, wd - 2, 0, "the campaign has no checks");
	/* more checks than lines: the latest ones matter */
	if (m->nchecks > (size_t)rows)
		first = m->nchecks - (size_t)rows;
	for (size_t i = first; i < m->nchecks; i++) {
		const struct ui_check *k = &m->checks[i];
		int y = 1 + (int)(i - first);
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
