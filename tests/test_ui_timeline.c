/* Timeline arithmetic: time to column, bars, the now-marker, ticks. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "escalator/ui_timeline.h"

/* 100 columns for 100 seconds: a column a second. */
static const struct ui_timescale scale = { 0, 100000, 100 };

static void
test_time_col(void **state)
{
	(void)state;
	assert_int_equal(ui_time_col(&scale, 0), 0);
	assert_int_equal(ui_time_col(&scale, 999), 0);
	assert_int_equal(ui_time_col(&scale, 1000), 1);
	assert_int_equal(ui_time_col(&scale, 99999), 99);
	assert_int_equal(ui_time_col(&scale, 100000), 100);
	assert_int_equal(ui_time_col(&scale, -1), -1);
	assert_int_equal(ui_time_col(&scale, 5000000), 100);
}

static void
test_bars(void **state)
{
	struct ui_bar b, c;

	(void)state;
	assert_true(ui_bar_span(&scale, 10000, 20000, &b));
	assert_int_equal(b.col, 10);
	assert_int_equal(b.len, 10);
	assert_false(b.cut_left || b.cut_right);
	/* bars that touch in time touch on screen, without overlap */
	assert_true(ui_bar_span(&scale, 20000, 25500, &c));
	assert_int_equal(c.col, b.col + b.len);
	assert_int_equal(c.len, 6);
	/* a short step still shows */
	assert_true(ui_bar_span(&scale, 42100, 42200, &b));
	assert_int_equal(b.col, 42);
	assert_int_equal(b.len, 1);
	/* clipped at both ends */
	assert_true(ui_bar_span(&scale, -5000, 200000, &b));
	assert_int_equal(b.col, 0);
	assert_int_equal(b.len, 100);
	assert_true(b.cut_left && b.cut_right);
	/* off screen */
	assert_false(ui_bar_span(&scale, -5000, -1, &b));
	assert_false(ui_bar_span(&scale, 100000, 100500, &b));
	assert_false(ui_bar_span(&scale, 3000, 2000, &b));
}

static void
test_fit_and_now(void **state)
{
	struct ui_timescale ts;

	(void)state;
	ui_timescale_fit(&ts, 1000, 61000, 30000, 0, 50);
	assert_int_equal(ts.t0, 1000);
	assert_true(ts.t1 > 61000);
	assert_int_equal(ts.width, 50);
	assert_int_equal(ui_now_col(&ts, 1000), 0);
	/* the plan's end is on screen, not on the edge */
	assert_true(ui_time_col(&ts, 61000) < 50);
	assert_true(ui_time_col(&ts, 61000) >= 44);
	/* now past the plan: the scale grows to show it */
	ui_timescale_fit(&ts, 0, 60000, 120000, 0, 60);
	assert_true(ui_now_col(&ts, 120000) >= 0);
	assert_true(ui_now_col(&ts, 120000) < 60);
	/* scrolled: the start leaves the screen */
	ui_timescale_fit(&ts, 0, 60000, 0, 30000, 60);
	assert_int_equal(ui_now_col(&ts, 0), -1);
	assert_int_equal(ui_time_col(&ts, 30000), 0);
	/* empty plan: still a sane scale */
	ui_timescale_fit(&ts, 5000, 5000, 5000, 0, 10);
	assert_true(ts.t1 > ts.t0);
}

static void
test_ticks(void **state)
{
	struct ui_timescale ts = { 0, 600000, 60 };

	(void)state;
	/* ten minutes over 60 columns: a tick every 10 columns is 100 s,
	 * so the next round interval is 5 minutes */
	assert_int_equal(ui_tick_ms(&ts, 10), 300000);
	assert_int_equal(ui_tick_ms(&scale, 10), 10000);
	ts.t1 = 1000LL * 86400 * 30;
	assert_int_equal(ui_tick_ms(&ts, 10), 86400000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_col),
		cmocka_unit_test(test_bars),
		cmocka_unit_test(test_fit_and_now),
		cmocka_unit_test(test_ticks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
