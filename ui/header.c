/*
 * The header: where the campaign is (phase, state), how long it has
 * run against the plan, what is left of the maintenance window and of
 * the outage budget, and who is at the keyboard.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ui_impl.h"

#define MIN_PER_DAY	1440

/* Field after field, "name value", as far as the line goes. */
struct line {
	WINDOW		*w;
	int		 y, x, width;
	struct ui	*ui;
};

static void
field(struct line *l, const char *name, attr_t value_attr, const char *value)
{
	if (l->x >= l->width)
		return;
	if (l->x > 1)
		l->x += put(l->w, l->y, l->x, l->width - l->x,
		    sty(l->ui, UI_STYLE_BORDER), l->ui->scr.utf8 ?
		    " \u2502 " : " | ");
	if (name != NULL)
		l->x += put(l->w, l->y, l->x, l->width - l->x, sty(l->ui,
		    UI_STYLE_HEADER_KEY), name);
	l->x += put(l->w, l->y, l->x, l->width - l->x, value_attr, value);
}

/* Outage so far: the components' outage for every node a procedure has
 * touched, the way the planner counts it on paper. */
static int64_t
outage_used(const struct ui *ui)
{
	int64_t used = 0;

	if (!ui->have_plan)
		return 0;
	for (uint32_t p = 0; p < ui->plan.nprocs; p++) {
		const struct plan_procedure *pp = &ui->plan.procs[p];
		const struct procedure *proc = &ui->c.procedures[pp->proc];
		int64_t per_node = 0;

		for (size_t k = 0; k < proc->components.count; k++) {
			const struct component *cp = campaign_component(&ui->c,
			    proc->components.items[k]);

			if (cp != NULL)
				per_node += cp->outage_ms;
		}
		for (uint32_t n = 0; n < pp->nnodes; n++) {
			enum ui_node_state s = ui->m.state[pp->nodes[n]];

			if (s != UI_NODE_PENDING && s != UI_NODE_UNKNOWN)
				used += per_node;
		}
	}
	return used;
}

static void
window_text(const struct ui *ui, char *buf, size_t len)
{
	int64_t now = ui->m.snap.now_ms;
	int min = (int)((now / 60000) % MIN_PER_DAY), left;
	int start = ui->c.window_start_min, end = ui->c.window_end_min;
	bool open;
	char d[32];

	if (!ui->c.has_window) {
		snprintf(buf, len, "none");
		return;
	}
	open = start <= end ? min >= start && min < end :
	    min >= start || min < end;
	left = open ? (end - min + MIN_PER_DAY) % MIN_PER_DAY :
	    (start - min + MIN_PER_DAY) % MIN_PER_DAY;
	snprintf(buf, len, "%s %s", open ? "closes in" : "CLOSED, opens in",
	    duration_format((int64_t)left * 60000, d, sizeof d));
}

void
header_draw(struct ui *ui, WINDOW *w, int h, int wd)
{
	const struct engine_snapshot *s = &ui->m.snap;
	struct line l = { w, 0, 1, wd, ui };
	attr_t v = sty(ui, UI_STYLE_HEADER);
	char a[64], b[64], buf[160];
	int64_t used;

	(void)h;
	/* the header's colour behind it all; attributes only on text, as
	 * a terminal clearing a line keeps the colour but not the bold */
	wbkgdset(w, ' ' | (sty(ui, UI_STYLE_HEADER) & A_COLOR));
	werase(w);
	field(&l, NULL, v | A_BOLD, ui->c.name ? ui->c.name : "campaign");
	field(&l, "phase ", v, engine_phase_name(s->phase));
	field(&l, "state ", engine_state_final(s->state) &&
	    s->state != ENGINE_STATE_COMMITTED ? sty(ui, UI_STYLE_NODE_FAILED) :
	    v, engine_state_name(s->state));
	/* the whole campaign, every phase, against the plan's whole */
	snprintf(buf, sizeof buf, "%s / %s", duration_format(
	    s->now_ms - ui->m.start_ms, a, sizeof a), ui->have_plan ?
	    duration_format(ui->m.expected_ms, b, sizeof b) : "?");
	field(&l, "elapsed ", v, buf);
	l.y = 1;
	l.x = 1;
	window_text(ui, buf, sizeof buf);
	field(&l, "window ", v, buf);
	used = outage_used(ui);
	if (ui->c.outage_budget_ms >= 0)
		snprintf(buf, sizeof buf, "%s of %s", duration_format(used, a,
		    sizeof a), duration_format(ui->c.outage_budget_ms, b,
		    sizeof b));
	else
		snprintf(buf, sizeof buf, "%s (no budget)", duration_format(
		    used, a, sizeof a));
	field(&l, "outage ", ui->c.outage_budget_ms >= 0 &&
	    used > ui->c.outage_budget_ms ? sty(ui, UI_STYLE_NODE_FAILED) : v,
	    buf);
	snprintf(buf, sizeof buf, "%s (%s)", ui->operator, ui->role ?
	    ui->role : "no role");
	field(&l, "operator ", v, buf);
	if (ui->opt.transport.ssh)
		snprintf(buf, sizeof buf, "ssh, real time");
	else if (ui->opt.virtual_time)
		snprintf(buf, sizeof buf, "sim, virtual time");
	else
		snprintf(buf, sizeof buf, "sim x%g", ui->opt.speed);
	field(&l, NULL, v, buf);
}
