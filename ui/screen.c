/*
 * The terminal: curses set up and torn down, colours from the theme,
 * one window per pane, and the terminal restored however we leave:
 * quit, SIGINT/SIGTERM/SIGHUP (through a self-pipe to the main loop),
 * or a crash (a handler that writes the saved reset sequences itself,
 * since nothing else is safe in a signal handler).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

#include "escalator/util.h"
#include "ui_impl.h"

/* Esc must answer at once: no waiting for an escape sequence. */
#define ESC_DELAY_MS	25

volatile sig_atomic_t	screen_signal;
static int		signal_pipe[2] = { -1, -1 };
static struct termios	saved_tty;
static bool		have_tty;
static char		reset_seq[256];
static size_t		reset_len;

static void
on_signal(int sig)
{
	int saved = errno;
	char c = 1;

	screen_signal = sig;
	if (signal_pipe[1] != -1 && write(signal_pipe[1], &c, 1) == -1) {
		/* the main loop is already due to wake */
	}
	errno = saved;
}

static void
on_crash(int sig)
{
	if (reset_len > 0 && write(STDOUT_FILENO, reset_seq, reset_len) == -1) {
		/* nothing more can be done from here */
	}
	if (have_tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
	signal(sig, SIG_DFL);
	raise(sig);
}

int
screen_signal_fd(void)
{
	return signal_pipe[0];
}

static void
reset_add(const char *cap)
{
	const char *s = tigetstr(cap);
	size_t n;

	if (s == NULL || s == (char *)-1)
		return;
	n = strlen(s);
	if (reset_len + n < sizeof reset_seq) {
		memcpy(reset_seq + reset_len, s, n);
		reset_len += n;
	}
}

static void
signals_install(void)
{
	static const int crash[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL,
		SIGABRT };
	struct sigaction sa;

	if (signal_pipe[0] == -1 && pipe2(signal_pipe, O_CLOEXEC |
	    O_NONBLOCK) == -1)
		signal_pipe[0] = signal_pipe[1] = -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof crash / sizeof crash[0]; i++)
		sigaction(crash[i], &sa, NULL);
}

static void
signals_remove(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGSEGV, SIGBUS,
		SIGFPE, SIGILL, SIGABRT };

	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_DFL);
}

/* --- colours ---------------------------------------------------------- */

static attr_t
attrs_of(unsigned bits)
{
	static const attr_t map[] = {
#define X(e, s) A_##e,
		UI_ATTR_LIST(X)
#undef X
	};
	attr_t a = A_NORMAL;

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (bits & (1u << i))
			a |= map[i];
	return a;
}

/* A theme colour on this terminal: the 256-colour one where there are
 * 256, bright colours folded to bold where there are only 8. */
static short
color_for(short basic, short fine, attr_t *extra)
{
	if (COLORS >= 256 && fine != UI_COLOR_DEFAULT)
		return fine;
	if (basic >= 8 && COLORS < 16) {
		*extra |= A_BOLD;
		return (short)(basic - 8);
	}
	return basic;
}

static void
styles_set(struct ui *ui)
{
	for (int i = 0; i < UI_STYLE_COUNT; i++) {
		const struct ui_style *s = &ui->theme.style[i];
		attr_t extra = A_NORMAL;
		short fg, bg;

		if (!ui->scr.color) {
			ui->scr.style[i] = attrs_of(s->mono);
			continue;
		}
		fg = color_for(s->fg, s->fg256, &extra);
		bg = color_for(s->bg, s->bg256, &extra);
		init_pair((short)(i + 1), fg, bg);
		ui->scr.style[i] = COLOR_PAIR(i + 1) | attrs_of(s->attrs) |
		    extra;
	}
}

static bool
want_color(const struct ui *ui)
{
	const char *no = getenv("NO_COLOR");

	if (no != NULL && *no != '\0')
		return false;
	if (strcmp(ui->theme.name, "mono") == 0)
		return false;
	return has_colors();
}

/* --- windows ---------------------------------------------------------- */

static void
windows_free(struct ui *ui)
{
	for (int p = 0; p < UI_PANE_COUNT; p++) {
		if (ui->scr.win[p] != NULL)
			delwin(ui->scr.win[p]);
		ui->scr.win[p] = NULL;
	}
}

/* Windows for the panes at the terminal's present size. */
void
screen_layout(struct ui *ui)
{
	struct ui_layout *l = &ui->scr.layout;

	windows_free(ui);
	ui_layout_compute(l, COLS, LINES);
	if (!l->too_small)
		for (int p = 0; p < UI_PANE_COUNT; p++) {
			const struct ui_rect *r = &l->pane[p];

			ui->scr.win[p] = newwin(r->h, r->w, r->y, r->x);
		}
	clearok(curscr, TRUE);
	ui->dirty = UI_DIRTY_ALL;
}

void
screen_mouse(struct ui *ui, bool on)
{
	ui->scr.mouse = on;
	mousemask(on ? BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED |
	    BUTTON5_PRESSED : 0, NULL);
}

int
screen_open(struct ui *ui)
{
	return screen_open_term(ui, NULL, stdout, stdin);
}

int
screen_open_term(struct ui *ui, const char *term, FILE *out, FILE *in)
{
	const char *cs;

	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	ui->scr.utf8 = cs != NULL && (strcmp(cs, "UTF-8") == 0 ||
	    strcmp(cs, "utf8") == 0);
	have_tty = tcgetattr(fileno(in), &saved_tty) == 0;
	set_escdelay(ESC_DELAY_MS);
	if ((ui->scr.term = newterm(term, out, in)) == NULL)
		return -1;
	ui->scr.open = true;
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	ui->scr.color = want_color(ui);
	if (ui->scr.color) {
		start_color();
		use_default_colors();
	}
	styles_set(ui);
	reset_len = 0;
	reset_add("rmcup");
	reset_add("cnorm");
	reset_add("sgr0");
	if (ui->opt.mouse)
		screen_mouse(ui, true);
	signals_install();
	screen_layout(ui);
	return 0;
}

void
screen_close(struct ui *ui)
{
	if (!ui->scr.open)
		return;
	if (ui->scr.dlg_win != NULL)
		delwin(ui->scr.dlg_win);
	ui->scr.dlg_win = NULL;
	windows_free(ui);
	if (ui->scr.mouse)
		mousemask(0, NULL);
	endwin();
	delscreen(ui->scr.term);
	ui->scr.open = false;
	signals_remove();
	reset_len = 0;
}

/* --- keys ------------------------------------------------------------- */

int
screen_key(struct ui *ui)
{
	static const struct {
		int	curses, ui;
	} keys[] = {
		{ KEY_UP, UI_K_UP }, { KEY_DOWN, UI_K_DOWN },
		{ KEY_LEFT, UI_K_LEFT }, { KEY_RIGHT, UI_K_RIGHT },
		{ KEY_PPAGE, UI_K_PGUP }, { KEY_NPAGE, UI_K_PGDN },
		{ KEY_HOME, UI_K_HOME }, { KEY_END, UI_K_END },
		{ KEY_BTAB, UI_K_BTAB }, { KEY_ENTER, UI_K_ENTER },
		{ '\r', UI_K_ENTER }, { '\n', UI_K_ENTER },
		{ KEY_MOUSE, UI_K_MOUSE }, { KEY_RESIZE, UI_K_RESIZE },
	};
	int ch = getch();

	(void)ui;
	if (ch == ERR)
		return ERR;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (keys[i].curses == ch)
			return keys[i].ui;
	if (ch >= KEY_F(1) && ch <= KEY_F(12))
		return UI_K_F(ch - KEY_F(0));
	if (ch == KEY_BACKSPACE || ch == 0x7f)
		return '\b';
	return ch;
}
