/*
 * Topology: the cluster as a tree, site > zone/rack > HA group > node,
 * each node with a symbol and a colour for its state (so it reads in
 * monochrome too), each group with its counts. Only the lines on
 * screen are drawn, so 10,000 nodes cost what 20 do.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ui_impl.h"

/* "3 ✔2 ▶1" : the group's size and its non-pending states. */
static int
group_counts(struct ui *ui, WINDOW *w, int y, int x, int maxw,
    const struct ui_group *g, attr_t sel)
{
	int used = putf(w, y, x, maxw, sel | sty(ui, UI_STYLE_GROUP), "%u",
	    g->total);

	for (int s = 0; s < UI_NODE_STATE_COUNT && used < maxw; s++) {
		if (g->count[s] == 0 || s == UI_NODE_PENDING)
			continue;
		used += putf(w, y, x + used, maxw - used, sel |
		    sty(ui, ui_node_state_style((enum ui_node_state)s)),
		    " %s%u", ui_node_state_symbol((enum ui_node_state)s,
		    ui->scr.utf8), g->count[s]);
	}
	return used;
}

static void
line_draw(struct ui *ui, WINDOW *w, int y, int wd, size_t vis)
{
	const struct ui_model *m = &ui->m;
	const struct ui_item *it = &m->items[m->visible[vis]];
	attr_t sel = vis == m->sel ? sty(ui, UI_STYLE_SELECTED) : 0;
	int x = 1 + 2 * it->depth, maxw = wd - 1 - x;

	if (sel)
		mvwchgat(w, y, 1, wd - 2, sel, PAIR_NUMBER(sel), NULL);
	if (maxw <= 0)
		return;
	if (it->group) {
		const struct ui_group *g = &m->groups[it->index];
		int used = putf(w, y, x, maxw, sel | sty(ui, UI_STYLE_GROUP),
		    "%s %s ", g->collapsed ? (ui->scr.utf8 ? "\u25b8" : "+") :
		    (ui->scr.utf8 ? "\u25be" : "-"), g->label);

		group_counts(ui, w, y, x + used, maxw - used, g, sel);
	} else {
		enum ui_node_state s = m->state[it->index];
		const char *name = m->inv->nodes[it->index].name;
		attr_t a = sty(ui, ui_node_state_style(s));
		int used;

		if (m->search != NULL && *m->search != '\0' &&
		    strstr(name, m->search) != NULL)
			a |= sty(ui, UI_STYLE_MATCH) & A_ATTRIBUTES;
		used = putf(w, y, x, maxw, sel | a, "%s ",
		    ui_node_state_symbol(s, ui->scr.utf8));
		used += put(w, y, x + used, maxw - used, sel | a, name);
		if (s != UI_NODE_PENDING && used + 2 < maxw)
			putf(w, y, x + used, maxw - used, sel | a, " %s",
			    ui_node_state_name(s));
	}
}

static void
topology_draw(struct ui *ui, WINDOW *w, int h, int wd)
{
	struct ui_model *m = &ui->m;
	char extra[64] = "";
	int rows = h - 2;

	/* the filter in a word or two: the pane may be narrow */
	if (m->filter == UI_FILTER_FAILED || m->filter == UI_FILTER_RUNNING)
		snprintf(extra, sizeof extra, "%s only", m->filter ==
		    UI_FILTER_FAILED ? "failed" : "running");
	else if (m->filter != UI_FILTER_ALL)
		snprintf(extra, sizeof extra, "%s %s", m->filter ==
		    UI_FILTER_ROLE ? "role" : "site", m->filter_value);
	frame(ui, w, UI_PANE_TOPOLOGY, extra);
	ui_model_scroll(m, rows);
	for (int r = 0; r < rows && m->top + (size_t)r < m->nvisible; r++)
		line_draw(ui, w, r + 1, wd, m->top + (size_t)r);
	if (m->nvisible == 0)
		put(w, 1, 2, wd - 4, sty(ui, UI_STYLE_NORMAL),
		    "no node passes the filter (f changes it)");
}

static bool
topology_key(struct ui *ui, enum ui_action a)
{
	struct ui_model *m = &ui->m;
	int page = ui->scr.layout.pane[UI_PANE_TOPOLOGY].h - 3;
	long sel;

	switch (a) {
	case UI_ACT_UP:
		ui_model_move(m, -1);
		break;
	case UI_ACT_DOWN:
		ui_model_move(m, 1);
		break;
	case UI_ACT_PAGE_UP:
		ui_model_move(m, -(page > 1 ? page : 1));
		break;
	case UI_ACT_PAGE_DOWN:
		ui_model_move(m, page > 1 ? page : 1);
		break;
	case UI_ACT_HOME:
		m->sel = 0;
		break;
	case UI_ACT_END:
		ui_model_move(m, (long)m->nvisible);
		break;
	case UI_ACT_COLLAPSE:
	case UI_ACT_EXPAND:
		ui_model_toggle(m, a == UI_ACT_EXPAND);
		break;
	case UI_ACT_ENTER:
		/* a group opens or closes; a node shows its events */
		if ((sel = ui_model_selected(m)) < 0) {
			const struct ui_item *it = &m->items[
			    m->visible[m->sel]];

			ui_model_toggle(m, m->groups[it->index].collapsed);
			break;
		}
		m->event_node = m->event_node == sel ? -1 : sel;
		m->event_back = 0;
		ui->dirty |= UI_DIRTY(EVENTS);
		break;
	default:
		return false;
	}
	ui->dirty |= UI_DIRTY(TOPOLOGY) | UI_DIRTY(NODE) | UI_DIRTY(TIMELINE);
	return true;
}

const struct pane_ops pane_topology = { topology_draw, topology_key };
