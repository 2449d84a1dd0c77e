/*
 * The console's keys: one table, with the help text beside each
 * binding. The help screen and the footer are generated from it, so
 * they cannot drift from what the keys do.
 */
#ifndef ESCALATOR_UI_KEYS_H
#define ESCALATOR_UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

/* When a key matters, for the footer: it lists the keys whose context
 * is among those of the moment, in table order. */
enum ui_key_ctx {
	UI_CTX_NAV = 1 << 0,		/* moving around: help screen only */
	UI_CTX_ALWAYS = 1 << 1,
	UI_CTX_RUNNING = 1 << 2,	/* steps run or may run */
	UI_CTX_STOPPED = 1 << 3,	/* suspended or failed */
	UI_CTX_DECISION = 1 << 4,	/* an approval waits */
	UI_CTX_RECOVER = 1 << 5,	/* roll back, restore, abort */
	UI_CTX_TRAINING = 1 << 6,	/* on the simulator */
	UI_CTX_FAILED = 1 << 7,		/* a failure waits: skip a node */
	UI_CTX_CONSTRAINT = 1 << 8,	/* a node waits on a constraint */
};

/* Keys that are not characters: curses' KEY_* codes are given in
 * ui/keys.c; these stand for them here so that the table needs no
 * curses header. */
#define UI_K_UP		0x10001
#define UI_K_DOWN	0x10002
#define UI_K_LEFT	0x10003
#define UI_K_RIGHT	0x10004
#define UI_K_PGUP	0x10005
#define UI_K_PGDN	0x10006
#define UI_K_HOME	0x10007
#define UI_K_END	0x10008
#define UI_K_BTAB	0x10009
#define UI_K_ENTER	0x1000a
#define UI_K_MOUSE	0x1000b
#define UI_K_RESIZE	0x1000c
#define UI_K_F(n)	(0x10100 + (n))
#define UI_K_CTRL(c)	((c) & 0x1f)
#define UI_K_ESC	0x1b

/*
 * X(ACTION, key, key, key, context, "label", "help"): up to three keys
 * (0: none).
 * Every F-key has a letter beside it: terminals often eat F-keys.
 */
#define UI_KEY_LIST(X)							\
	X(HELP, 'h', '?', UI_K_F(1), UI_CTX_ALWAYS, "help",		\
	    "this help screen")						\
	X(UP, 'k', UI_K_UP, 0, UI_CTX_NAV, "up", "move up")		\
	X(DOWN, 'j', UI_K_DOWN, 0, UI_CTX_NAV, "down", "move down")	\
	X(COLLAPSE, UI_K_LEFT, 0, 0, UI_CTX_NAV, "collapse",		\
	    "collapse a group; scroll the timeline back")		\
	X(EXPAND, 'l', UI_K_RIGHT, 0, UI_CTX_NAV, "expand",		\
	    "expand a group; scroll the timeline on")			\
	X(PAGE_UP, UI_K_PGUP, 0, 0, UI_CTX_NAV, "page-up", "page up")	\
	X(PAGE_DOWN, UI_K_PGDN, ' ', 0, UI_CTX_NAV, "page-down", "page down") \
	X(HOME, UI_K_HOME, 'g', 0, UI_CTX_NAV, "top", "first line")	\
	X(END, UI_K_END, 'G', 0, UI_CTX_NAV, "bottom",			\
	    "last line (events: follow)")				\
	X(NEXT_PANE, '\t', 0, 0, UI_CTX_NAV, "pane", "next pane")	\
	X(PREV_PANE, UI_K_BTAB, 0, 0, UI_CTX_NAV, "back-pane",		\
	    "previous pane")						\
	X(ENTER, UI_K_ENTER, 0, 0, UI_CTX_NAV, "open",			\
	    "open a group, or show the node's events")			\
	X(DECIDE, 'a', UI_K_F(2), 0, UI_CTX_DECISION, "decide",		\
	    "answer the decision the engine waits for")			\
	X(SEARCH, '/', UI_K_F(3), 0, UI_CTX_ALWAYS, "search", "search a node") \
	X(SEARCH_NEXT, 'n', 0, 0, UI_CTX_NAV, "next", "next match")	\
	X(SEARCH_PREV, 'N', 0, 0, UI_CTX_NAV, "prev", "previous match")	\
	X(FILTER, 'f', UI_K_F(4), 0, UI_CTX_ALWAYS, "filter",		\
	    "filter nodes and events")					\
	X(PAUSE, 'p', UI_K_F(6), 0, UI_CTX_RUNNING, "pause",		\
	    "pause at the next safe point")				\
	X(RESUME, 'r', UI_K_F(5), 0, UI_CTX_STOPPED, "resume",		\
	    "resume, or retry what failed")				\
	X(ROLLBACK, 'R', UI_K_F(8), 0, UI_CTX_RECOVER, "rollback",	\
	    "roll back: undo executed steps (asks for a word)")		\
	X(RESTORE, 'B', 0, 0, UI_CTX_RECOVER, "restore",		\
	    "restore from backup (asks for a word)")			\
	X(ABORT, 'X', 0, 0, UI_CTX_RECOVER, "abort",			\
	    "abort where it is (asks for a word)")			\
	X(SKIP, 'S', 0, 0, UI_CTX_FAILED, "skip",			\
	    "skip the selected node as it is (asks for a word)")	\
	X(FORCE, 'F', 0, 0, UI_CTX_CONSTRAINT, "force",		\
	    "start the held-back node now (asks for a word)")		\
	X(FAULT, 'i', UI_K_F(7), 0, UI_CTX_TRAINING, "fault",		\
	    "training: inject a fault on the selected node")		\
	X(MOUSE, 'm', 0, 0, UI_CTX_NAV, "mouse", "mouse on or off")	\
	X(REDRAW, UI_K_CTRL('l'), 0, 0, UI_CTX_NAV, "redraw",		\
	    "redraw the screen")					\
	X(SUSPEND, UI_K_CTRL('z'), 0, 0, UI_CTX_NAV, "suspend",		\
	    "suspend the console (fg brings it back)")			\
	X(QUIT, 'q', UI_K_F(10), UI_K_CTRL('c'), UI_CTX_ALWAYS, "quit",	\
	    "quit (asks while work runs)")

enum ui_action {
	UI_ACT_NONE,
#define X(e, k1, k2, k3, c, l, h) UI_ACT_##e,
	UI_KEY_LIST(X)
#undef X
	UI_ACT_COUNT
};

struct ui_binding {
	enum ui_action	 action;
	const char	*name;		/* "QUIT" */
	const char	*label;		/* the footer's word: "quit" */
	int		 keys[3];
	unsigned	 ctx;
	const char	*help;
};

const struct ui_binding	*ui_bindings(size_t *count);
const struct ui_binding	*ui_binding(enum ui_action);
/* The action bound to a key, or UI_ACT_NONE. */
enum ui_action		 ui_key_action(int key);
/* "q", "F10", "Up", "C-l", "S-Tab"; into buf, returned. */
const char		*ui_key_name(int key, char *buf, size_t len);
/* The binding's keys joined by '/': "q/F10/C-c". */
const char		*ui_binding_keys(const struct ui_binding *, char *buf,
			    size_t len);
/* The footer: "KEY label" for each binding whose context is in ctx,
 * in table order, as many as fit in width. */
void			 ui_footer_text(unsigned ctx, int width, char *buf,
			    size_t len);

#endif
