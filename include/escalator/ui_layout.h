/*
 * Where each pane of the console goes for a terminal size: pure
 * arithmetic, so that it is tested without a terminal.
 */
#ifndef ESCALATOR_UI_LAYOUT_H
#define ESCALATOR_UI_LAYOUT_H

#include <stdbool.h>

#define UI_MIN_COLS	80
#define UI_MIN_ROWS	24

/* X(ENUM, "title") in the order Tab visits them; the header and the
 * footer are not panes one can focus. */
#define UI_PANE_LIST(X)							\
	X(TOPOLOGY, "Topology")						\
	X(NODE, "Node")							\
	X(TIMELINE, "Timeline")						\
	X(HEALTH, "Health")						\
	X(EVENTS, "Events")						\
	X(HEADER, "header")						\
	X(FOOTER, "footer")

enum ui_pane {
#define X(e, s) UI_PANE_##e,
	UI_PANE_LIST(X)
#undef X
	UI_PANE_COUNT
};
/* Panes Tab cycles through: those before UI_PANE_HEADER. */
#define UI_PANE_FOCUSABLE	UI_PANE_HEADER

struct ui_rect {
	int	y, x;
	int	h, w;
};

struct ui_layout {
	int		cols, rows;
	bool		too_small;	/* below UI_MIN_COLS x UI_MIN_ROWS */
	struct ui_rect	pane[UI_PANE_COUNT];
};

const char	*ui_pane_title(enum ui_pane);
/* Fill the layout for a terminal of cols x rows. */
void		 ui_layout_compute(struct ui_layout *, int cols, int rows);
/* The pane under a screen cell, or UI_PANE_COUNT. */
enum ui_pane	 ui_layout_hit(const struct ui_layout *, int y, int x);

#endif
