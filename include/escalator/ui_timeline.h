/*
 * Timeline arithmetic: campaign time to screen columns, bars, the
 * now-marker and the ruler's tick spacing. No curses here.
 */
#ifndef ESCALATOR_UI_TIMELINE_H
#define ESCALATOR_UI_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>

/* Columns 0..width-1 show the times [t0, t1). */
struct ui_timescale {
	int64_t	t0, t1;
	int	width;
};

struct ui_bar {
	int	col;		/* first column */
	int	len;		/* at least 1 */
	bool	cut_left;	/* starts before t0 */
	bool	cut_right;	/* ends at or after t1 */
};

/* A scale that shows [start, end] and now, with a little room on the
 * right so the now-marker is not on the edge; offset_ms scrolls it. */
void	ui_timescale_fit(struct ui_timescale *, int64_t start, int64_t end,
	    int64_t now, int64_t offset_ms, int width);
/* The column of t, or -1 left of the scale, width right of it. */
int	ui_time_col(const struct ui_timescale *, int64_t t);
/* The bar of [start, end); false when none of it is on screen. An
 * unfinished bar passes end = now. */
bool	ui_bar_span(const struct ui_timescale *, int64_t start, int64_t end,
	    struct ui_bar *);
/* The column of the now-marker, or -1 when now is not on screen. */
int	ui_now_col(const struct ui_timescale *, int64_t now);
/* A round tick interval (1s, 5s, ... 1d) that puts ticks at least
 * min_cols apart. */
int64_t	ui_tick_ms(const struct ui_timescale *, int min_cols);

#endif
