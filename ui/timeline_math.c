/*
 * Timeline arithmetic. Columns are floor((t - t0) * width / span): a
 * column covers a half-open slice of time, so bars that touch in time
 * touch on screen and never overlap by rounding.
 */
#include "config.h"

#include <stddef.h>

#include "escalator/ui_timeline.h"

/* Room left right of the later of end and now: a tenth of the span. */
#define MARGIN_DIV	10

void
ui_timescale_fit(struct ui_timescale *ts, int64_t start, int64_t end,
    int64_t now, int64_t offset_ms, int width)
{
	int64_t last = end > now ? end : now, span;

	if (last <= start)
		last = start + 1000;
	span = last - start;
	span += span / MARGIN_DIV + 1;
	ts->t0 = start + offset_ms;
	ts->t1 = ts->t0 + span;
	ts->width = width > 0 ? width : 1;
}

static int64_t
col_floor(const struct ui_timescale *ts, int64_t t)
{
	int64_t span = ts->t1 - ts->t0, d = t - ts->t0;

	/* floor division, also for times left of t0 */
	if (d < 0)
		return -((-d * ts->width + span - 1) / span);
	return d * ts->width / span;
}

int
ui_time_col(const struct ui_timescale *ts, int64_t t)
{
	int64_t c = col_floor(ts, t);

	if (c < 0)
		return -1;
	if (c >= ts->width)
		return ts->width;
	return (int)c;
}

bool
ui_bar_span(const struct ui_timescale *ts, int64_t start, int64_t end,
    struct ui_bar *b)
{
	int64_t a, z;

	if (end < start || end < ts->t0 || start >= ts->t1)
		return false;
	a = col_floor(ts, start);
	/* the column of the last instant inside the bar */
	z = end > start ? col_floor(ts, end - 1) : a;
	b->cut_left = a < 0;
	b->cut_right = z >= ts->width;
	if (a < 0)
		a = 0;
	if (z >= ts->width)
		z = ts->width - 1;
	b->col = (int)a;
	b->len = (int)(z - a + 1);
	return true;
}

int
ui_now_col(const struct ui_timescale *ts, int64_t now)
{
	int c = ui_time_col(ts, now);

	return c >= 0 && c < ts->width ? c : -1;
}

int64_t
ui_tick_ms(const struct ui_timescale *ts, int min_cols)
{
	static const int64_t steps[] = {
		1000, 5000, 10000, 30000, 60000, 300000, 600000, 1800000,
		3600000, 3 * 3600000LL, 6 * 3600000LL, 86400000,
	};
	int64_t span = ts->t1 - ts->t0;
	size_t i;

	for (i = 0; i < sizeof steps / sizeof steps[0] - 1; i++)
		if (steps[i] * ts->width >= span * min_cols)
			break;
	return steps[i];
}
