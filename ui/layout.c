/*
 * The console's layout: a two-line header, a two-line footer, and
 * between them Topology and Health on the left, Node, Timeline and
 * Events on the right. Proportions grow with the terminal within
 * bounds, so that 80x24 stays readable and 200x60 is not mostly tree.
 */
#include "config.h"

#include <string.h>

#include "escalator/ui_layout.h"

#define HEADER_ROWS	2
#define FOOTER_ROWS	2

static const char *const titles[] = {
#define X(e, s) s,
	UI_PANE_LIST(X)
#undef X
};

const char *
ui_pane_title(enum ui_pane p)
{
	return p < UI_PANE_COUNT ? titles[p] : "";
}

static int
clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static struct ui_rect
rect(int y, int x, int h, int w)
{
	struct ui_rect r = { y, x, h, w };

	return r;
}

void
ui_layout_compute(struct ui_layout *l, int cols, int rows)
{
	int body, left, right, health, node, events;

	memset(l, 0, sizeof *l);
	l->cols = cols;
	l->rows = rows;
	if (cols < UI_MIN_COLS || rows < UI_MIN_ROWS) {
		l->too_small = true;
		return;
	}
	body = rows - HEADER_ROWS - FOOTER_ROWS;
	left = clamp(cols * 3 / 10, 28, 60);
	right = cols - left;
	health = clamp(body / 4, 5, 12);
	node = clamp(body * 3 / 10, 6, 12);
	events = clamp(body * 3 / 10, 6, 20);

	l->pane[UI_PANE_HEADER] = rect(0, 0, HEADER_ROWS, cols);
	l->pane[UI_PANE_TOPOLOGY] = rect(HEADER_ROWS, 0, body - health, left);
	l->pane[UI_PANE_HEALTH] = rect(HEADER_ROWS + body - health, 0, health,
	    left);
	l->pane[UI_PANE_NODE] = rect(HEADER_ROWS, left, node, right);
	l->pane[UI_PANE_TIMELINE] = rect(HEADER_ROWS + node, left,
	    body - node - events, right);
	l->pane[UI_PANE_EVENTS] = rect(HEADER_ROWS + body - events, left,
	    events, right);
	l->pane[UI_PANE_FOOTER] = rect(rows - FOOTER_ROWS, 0, FOOTER_ROWS,
	    cols);
}

enum ui_pane
ui_layout_hit(const struct ui_layout *l, int y, int x)
{
	if (l->too_small)
		return UI_PANE_COUNT;
	for (int p = 0; p < UI_PANE_COUNT; p++) {
		const struct ui_rect *r = &l->pane[p];

		if (y >= r->y && y < r->y + r->h && x >= r->x &&
		    x < r->x + r->w)
			return (enum ui_pane)p;
	}
	return UI_PANE_COUNT;
}
