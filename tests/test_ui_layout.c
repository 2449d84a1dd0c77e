/* The console's layout: every pane on screen, none overlapping, the
 * whole screen used, and a clear verdict below the minimum size. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "escalator/ui_layout.h"

static bool
overlap(const struct ui_rect *a, const struct ui_rect *b)
{
	return a->x < b->x + b->w && b->x < a->x + a->w &&
	    a->y < b->y + b->h && b->y < a->y + a->h;
}

static void
check_tiles(int cols, int rows)
{
	struct ui_layout l;
	long area = 0;

	ui_layout_compute(&l, cols, rows);
	assert_false(l.too_small);
	for (int p = 0; p < UI_PANE_COUNT; p++) {
		const struct ui_rect *r = &l.pane[p];

		assert_true(r->x >= 0 && r->y >= 0);
		assert_true(r->x + r->w <= cols);
		assert_true(r->y + r->h <= rows);
		area += (long)r->w * r->h;
		for (int q = p + 1; q < UI_PANE_COUNT; q++)
			assert_false(overlap(r, &l.pane[q]));
		/* a bordered pane needs room for a title and a few lines */
		if (p < UI_PANE_FOCUSABLE) {
			assert_true(r->h >= 5);
			assert_true(r->w >= 28);
		}
	}
	assert_int_equal(area, (long)cols * rows);
}

static void
test_80x24(void **state)
{
	struct ui_layout l;

	(void)state;
	check_tiles(80, 24);
	ui_layout_compute(&l, 80, 24);
	/* exact rectangles at the minimum: the golden screens rely on them */
	assert_int_equal(l.pane[UI_PANE_TOPOLOGY].w, 28);
	assert_int_equal(l.pane[UI_PANE_TOPOLOGY].h, 15);
	assert_int_equal(l.pane[UI_PANE_HEALTH].y, 17);
	assert_int_equal(l.pane[UI_PANE_NODE].x, 28);
	assert_int_equal(l.pane[UI_PANE_NODE].h, 6);
	assert_int_equal(l.pane[UI_PANE_TIMELINE].h, 8);
	assert_int_equal(l.pane[UI_PANE_EVENTS].h, 6);
	assert_int_equal(l.pane[UI_PANE_FOOTER].y, 22);
}

static void
test_200x60(void **state)
{
	struct ui_layout l;

	(void)state;
	check_tiles(200, 60);
	ui_layout_compute(&l, 200, 60);
	assert_int_equal(l.pane[UI_PANE_TOPOLOGY].w, 60);
	assert_int_equal(l.pane[UI_PANE_HEALTH].h, 12);
	assert_int_equal(l.pane[UI_PANE_NODE].h, 12);
	assert_int_equal(l.pane[UI_PANE_EVENTS].h, 16);
	assert_int_equal(l.pane[UI_PANE_TIMELINE].h, 28);
}

static void
test_every_size(void **state)
{
	(void)state;
	for (int cols = 80; cols <= 320; cols += 7)
		for (int rows = 24; rows <= 100; rows += 5)
			check_tiles(cols, rows);
}

static void
test_too_small(void **state)
{
	struct ui_layout l;

	(void)state;
	ui_layout_compute(&l, 79, 24);
	assert_true(l.too_small);
	ui_layout_compute(&l, 80, 23);
	assert_true(l.too_small);
	ui_layout_compute(&l, 0, 0);
	assert_true(l.too_small);
	assert_int_equal(ui_layout_hit(&l, 0, 0), UI_PANE_COUNT);
}

static void
test_hit(void **state)
{
	struct ui_layout l;

	(void)state;
	ui_layout_compute(&l, 80, 24);
	assert_int_equal(ui_layout_hit(&l, 0, 0), UI_PANE_HEADER);
	assert_int_equal(ui_layout_hit(&l, 5, 3), UI_PANE_TOPOLOGY);
	assert_int_equal(ui_layout_hit(&l, 20, 3), UI_PANE_HEALTH);
	assert_int_equal(ui_layout_hit(&l, 3, 40), UI_PANE_NODE);
	assert_int_equal(ui_layout_hit(&l, 10, 40), UI_PANE_TIMELINE);
	assert_int_equal(ui_layout_hit(&l, 18, 79), UI_PANE_EVENTS);
	assert_int_equal(ui_layout_hit(&l, 23, 79), UI_PANE_FOOTER);
	assert_int_equal(ui_layout_hit(&l, 24, 0), UI_PANE_COUNT);
	assert_string_equal(ui_pane_title(UI_PANE_TIMELINE), "Timeline");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_80x24),
		cmocka_unit_test(test_200x60),
		cmocka_unit_test(test_every_size),
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_hit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
