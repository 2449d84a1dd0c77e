/*
 * Console colours, named by meaning, loaded from themes/NAME.theme
 * (libconfig). Each style has colours for 8/16-colour terminals, finer
 * ones used only where the terminal has 256, and the attributes that
 * carry the meaning alone on a monochrome terminal or with NO_COLOR.
 * Parsing knows nothing of curses, so it is tested without a terminal.
 */
#ifndef ESCALATOR_UI_THEME_H
#define ESCALATOR_UI_THEME_H

#include <stdbool.h>

#include "escalator/diag.h"

/* X(ENUM, "name in the file", "what it colours") */
#define UI_STYLE_LIST(X)						\
	X(NORMAL, "normal", "text")					\
	X(BORDER, "border", "pane borders")				\
	X(BORDER_FOCUS, "border_focus", "the focused pane's border")	\
	X(TITLE, "title", "pane titles")				\
	X(HEADER, "header", "the header lines")				\
	X(HEADER_KEY, "header_key", "the header's field names")		\
	X(SELECTED, "selected", "the selected line")			\
	X(FOOTER, "footer", "the footer's keys")			\
	X(WAIT, "wait", "what the engine waits for")			\
	X(GROUP, "group", "groups of the topology")			\
	X(NODE_PENDING, "node_pending", "a node not started")		\
	X(NODE_RUNNING, "node_running", "a node being upgraded")	\
	X(NODE_HUNG, "node_hung", "a step past its expected duration")	\
	X(NODE_DONE, "node_done", "a node upgraded")			\
	X(NODE_COMMITTED, "node_committed", "a node committed")		\
	X(NODE_FAILED, "node_failed", "a node that failed")		\
	X(NODE_ROLLED_BACK, "node_rolled_back", "a node rolled back")	\
	X(BAR_EXPECTED, "bar_expected", "expected time on the timeline") \
	X(BAR_ACTUAL, "bar_actual", "actual time on the timeline")	\
	X(BAR_FAILED, "bar_failed", "failed or hung steps on the timeline") \
	X(NOW, "now", "the timeline's now-marker")			\
	X(EVENT_INFO, "event_info", "ordinary events")			\
	X(EVENT_WARN, "event_warn", "events that ask for attention")	\
	X(EVENT_ERROR, "event_error", "failures")			\
	X(CHECK_OK, "check_ok", "a check that passed")			\
	X(CHECK_FAILED, "check_failed", "a check that failed")		\
	X(DIALOG, "dialog", "dialogs")					\
	X(DIALOG_TITLE, "dialog_title", "dialog titles")		\
	X(DANGER, "danger", "destructive choices")			\
	X(MATCH, "match", "search matches")

enum ui_style_id {
#define X(e, s, h) UI_STYLE_##e,
	UI_STYLE_LIST(X)
#undef X
	UI_STYLE_COUNT
};

/* X(ENUM, "name") */
#define UI_ATTR_LIST(X)							\
	X(BOLD, "bold")							\
	X(DIM, "dim")							\
	X(UNDERLINE, "underline")					\
	X(REVERSE, "reverse")						\
	X(BLINK, "blink")						\
	X(STANDOUT, "standout")

enum ui_attr_bit {
#define X(e, s) UI_ATTR_BIT_##e,
	UI_ATTR_LIST(X)
#undef X
};
#define UI_ATTR(e)	(1u << UI_ATTR_BIT_##e)

/* Colour numbers: 0-7 the basic colours, 8-15 their bright forms,
 * 16-255 the 256-colour cube, UI_COLOR_DEFAULT the terminal's own. */
#define UI_COLOR_DEFAULT	(-1)

struct ui_style {
	short		fg, bg;		/* 0-15 or UI_COLOR_DEFAULT */
	short		fg256, bg256;	/* 0-255; UI_COLOR_DEFAULT: as fg/bg */
	unsigned	attrs;		/* UI_ATTR() bits, with colour */
	unsigned	mono;		/* UI_ATTR() bits, without colour */
};

struct ui_theme {
	char		name[32];
	struct ui_style	style[UI_STYLE_COUNT];
};

const char	*ui_style_name(enum ui_style_id);
/* The built-in default theme (themes/default.theme says the same). */
void		 ui_theme_default(struct ui_theme *);
/*
 * Load a theme file over the default theme. Every error is added to
 * diags as FILE:LINE; on any error the theme is left the default one
 * and -1 is returned.
 */
int		 ui_theme_load(struct ui_theme *, const char *path,
		    struct diag_list *);
/*
 * The file of a theme NAME (a path when it contains '/'):
 * $XDG_CONFIG_HOME/escalator/themes/NAME.theme, then the source tree's
 * and the installed themes/. malloc'd, or NULL when there is none.
 */
char		*ui_theme_path(const char *name);
/* The colour called name ("red", "bright-blue", "default"), or -2. */
int		 ui_color_parse(const char *name);

#endif
