/*
 * Events: the engine's log, newest at the bottom, each line with the
 * symbol and colour of its severity; scrollable, filtered by severity
 * and by node. Reading back keeps its place while new events arrive;
 * End follows the log again.
 */
#include "config.h"

#include <stdio.h>

#include "ui_impl.h"

static void
events_draw(struct ui *ui, WINDOW *w, int h, int wd)
{
	struct ui_model *m = &ui->m;
	int rows = h - 2;
	char t[16], extra[96] = "";
	size_t shown = ui_model_events_shown(m);

	if (m->event_back + (size_t)rows > shown)
		m->event_back = shown > (size_t)rows ? shown - (size_t)rows :
		    0;
	if (m->event_min > UI_SEV_INFO || m->event_node >= 0 ||
	    m->event_back > 0)
		snprintf(extra, sizeof extra, "%s%s%s%s%s",
		    m->event_min == UI_SEV_ERROR ? "errors only" :
		    m->event_min == UI_SEV_WARN ? "warnings and errors" : "",
		    m->event_node >= 0 ? " node " : "", m->event_node >= 0 ?
		    m->inv->nodes[m->event_node].name : "",
		    m->event_back > 0 ? " back " : "",
		    m->event_back > 0 ? "(End follows)" : "");
	frame(ui, w, UI_PANE_EVENTS, extra);
	for (int r = 0; r < rows; r++) {
		const struct ui_event *e = ui_model_event_back(m,
		    m->event_back + (size_t)r);

		if (e == NULL)
			break;
		/* the symbol carries the severity without colour */
		putf(w, rows - r, 1, wd - 2, sty(ui, ui_severity_style(e->sev)),
		    "%s %s %s", clock_hms(e->ts_ms, t, sizeof t),
		    ui_severity_symbol(e->sev, ui->scr.utf8), e->text);
	}
}

static bool
events_key(struct ui *ui, enum ui_action a)
{
	struct ui_model *m = &ui->m;
	size_t page = (size_t)(ui->scr.layout.pane[UI_PANE_EVENTS].h - 3);

	switch (a) {
	case UI_ACT_UP:
		m->event_back++;
		break;
	case UI_ACT_DOWN:
		if (m->event_back > 0)
			m->event_back--;
		break;
	case UI_ACT_PAGE_UP:
		m->event_back += page;
		break;
	case UI_ACT_PAGE_DOWN:
		m->event_back = m->event_back > page ? m->event_back - page :
		    0;
		break;
	case UI_ACT_HOME:
		m->event_back = ui_model_events_shown(m);
		break;
	case UI_ACT_END:
		m->event_back = 0;
		break;
	default:
		return false;
	}
	ui->dirty |= UI_DIRTY(EVENTS);
	return true;
}

const struct pane_ops pane_events = { events_draw, events_key };

const struct pane_ops *
pane_ops_of(enum ui_pane p)
{
	static const struct pane_ops *const ops[UI_PANE_FOCUSABLE] = {
		[UI_PANE_TOPOLOGY] = &pane_topology,
		[UI_PANE_NODE] = &pane_node,
		[UI_PANE_TIMELINE] = &pane_timeline,
		[UI_PANE_HEALTH] = &pane_health,
		[UI_PANE_EVENTS] = &pane_events,
	};

	return p < UI_PANE_FOCUSABLE ? ops[p] : NULL;
}
