/*
 * Drawing: the frame of each pane, clipped UTF-8 text, the header and
 * the footer, and one screen update in which only dirty panes repaint.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "escalator/util.h"
#include "ui_impl.h"

attr_t
sty(const struct ui *ui, enum ui_style_id id)
{
	return ui->scr.style[id];
}

/* Text at y, x in at most maxw columns; returns the columns used. */
int
put(WINDOW *w, int y, int x, int maxw, attr_t a, const char *s)
{
	mbstate_t st;
	int used = 0;

	memset(&st, 0, sizeof st);
	wmove(w, y, x);
	wattr_set(w, a, PAIR_NUMBER(a), NULL);
	while (*s != '\0' && used < maxw) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, strlen(s), &st);
		int cw;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			/* not text in this locale: show a mark, go on */
			memset(&st, 0, sizeof st);
			waddch(w, '?');
			used++;
			s++;
			continue;
		}
		cw = wcwidth(wc);
		if (cw < 0)
			cw = 1;
		if (used + cw > maxw)
			break;
		if (wc < 0x80)
			waddch(w, (chtype)wc);
		else
			waddnstr(w, s, (int)n);
		used += cw;
		s += n;
	}
	wattr_set(w, A_NORMAL, 0, NULL);
	return used;
}

int
putf(WINDOW *w, int y, int x, int maxw, attr_t a, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		abort();
	va_end(ap);
	n = put(w, y, x, maxw, a, s);
	free(s);
	return n;
}

const char *
clock_hms(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
	return buf;
}

/* The border, with the title in it; the focused pane stands out. */
void
frame(struct ui *ui, WINDOW *w, enum ui_pane p, const char *extra)
{
	bool focus = ui->focus == p;
	attr_t b = sty(ui, focus ? UI_STYLE_BORDER_FOCUS : UI_STYLE_BORDER);
	int h, wd;

	getmaxyx(w, h, wd);
	werase(w);
	wattr_set(w, b, PAIR_NUMBER(b), NULL);
	if (ui->scr.utf8)
		box_set(w, NULL, NULL);
	else
		wborder(w, '|', '|', '-', '-', '+', '+', '+', '+');
	wattr_set(w, A_NORMAL, 0, NULL);
	(void)h;
	putf(w, 0, 2, wd - 4, sty(ui, UI_STYLE_TITLE) |
	    (focus ? A_REVERSE : 0), " %s%s ", ui_pane_title(p),
	    focus && !ui->scr.color ? " *" : "");
	if (extra != NULL && *extra != '\0')
		putf(w, 0, (int)strlen(ui_pane_title(p)) + 6, wd -
		    (int)strlen(ui_pane_title(p)) - 8, sty(ui,
		    UI_STYLE_BORDER), " %s ", extra);
}

/* --- the whole screen ------------------------------------------------- */

static void
too_small(struct ui *ui)
{
	erase();
	put(stdscr, LINES / 2 - 1, 0, COLS, A_BOLD, "terminal too small");
	putf(stdscr, LINES / 2, 0, COLS, A_NORMAL, "%dx%d: escalator needs "
	    "%dx%d", COLS, LINES, UI_MIN_COLS, UI_MIN_ROWS);
	put(stdscr, LINES / 2 + 1, 0, COLS, A_NORMAL,
	    "q quits (the engine stops at a safe point)");
	wnoutrefresh(stdscr);
	(void)ui;
}

static void
pane_draw(struct ui *ui, enum ui_pane p)
{
	WINDOW *w = ui->scr.win[p];
	int h, wd;

	getmaxyx(w, h, wd);
	if (p == UI_PANE_HEADER)
		header_draw(ui, w, h, wd);
	else if (p == UI_PANE_FOOTER)
		footer_draw(ui, w, h, wd);
	else
		pane_ops_of(p)->draw(ui, w, h, wd);
}

void
screen_draw(struct ui *ui)
{
	if (ui->scr.layout.too_small) {
		too_small(ui);
		doupdate();
		ui->dirty = 0;
		return;
	}
	for (int p = 0; p < UI_PANE_COUNT; p++)
		if (ui->dirty & (1u << p)) {
			pane_draw(ui, (enum ui_pane)p);
			wnoutrefresh(ui->scr.win[p]);
		}
	/* the dialog goes over whatever was repainted under it */
	if (ui->dlg.kind != UI_DLG_NONE && ui->dirty != 0) {
		dialog_draw(ui);
		wnoutrefresh(ui->scr.dlg_win);
	}
	doupdate();
	ui->dirty = 0;
}
