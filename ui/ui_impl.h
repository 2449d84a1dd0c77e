/*
 * The console's insides, shared by the files of ui/ and nobody else:
 * the state of the screen, the panes' operations and the dialogs.
 */
#ifndef ESCALATOR_UI_IMPL_H
#define ESCALATOR_UI_IMPL_H

#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>

#include "escalator/campaign.h"
#include "escalator/cli.h"
#include "escalator/engine.h"
#include "escalator/inventory.h"
#include "escalator/plan.h"
#include "escalator/ui_keys.h"
#include "escalator/ui_layout.h"
#include "escalator/ui_model.h"
#include "escalator/ui_theme.h"

struct ui_options {
	char		*file;
	const char	*theme;		/* NULL: the config file's or default */
	const char	*operator;
	const char	*state_dir;
	double		 speed;
	bool		 virtual_time;
	bool		 have_seed;
	uint64_t	 seed;
	bool		 mouse;
	struct strv	 faults;
	struct cli_transport transport;	/* the simulator, or SSH */
};

/* X(ENUM) dialogs; at most one is open, over the panes. */
enum ui_dialog_kind {
	UI_DLG_NONE,
	UI_DLG_APPROVAL,	/* phase boundary, gate, VNF, unknown */
	UI_DLG_CONFIRM,		/* type a word for a destructive action */
	UI_DLG_QUIT,
	UI_DLG_FILTER,
	UI_DLG_FAULT,		/* training: the fault menu */
	UI_DLG_FAULT_STEP,	/* ... and the step it hits */
	UI_DLG_HELP,
};

/* A menu entry: the key that picks it and what it does. */
struct ui_menu_item {
	int		 key;
	char		*text;
	int		 kind;		/* what the menu does with it */
	char		*value;
};

struct ui_dialog {
	enum ui_dialog_kind	 kind;
	struct engine_approval	 approval;	/* a copy */
	enum engine_cmd_type	 confirm;	/* rollback ... skip, force */
	char			 input[64];	/* the word typed so far */
	char			*message;	/* below the input */
	struct ui_menu_item	*items;
	size_t			 nitems;
	char			*fault_kind;	/* for the step menu */
	char			*node;		/* confirm: skip, force */
	int			 scroll;	/* help */
};

/* A prompt on the footer line: search. */
struct ui_prompt {
	bool	active;
	char	text[64];
};

struct ui_screen {
	SCREEN		*term;
	bool		 open;
	bool		 utf8;
	bool		 color;
	bool		 mouse;
	attr_t		 style[UI_STYLE_COUNT];
	WINDOW		*win[UI_PANE_COUNT];
	WINDOW		*dlg_win;
	struct ui_layout layout;
};

struct ui {
	struct ui_options	 opt;
	struct campaign		 c;
	struct inventory	 inv;
	struct plan		 plan;
	bool			 have_plan;
	struct engine		*eng;
	const char		*operator;
	const char		*role;		/* the operator's, or NULL */
	char			*state_dir;
	bool			 resumed;

	struct ui_model		 m;
	struct ui_theme		 theme;
	struct diag_list	 theme_diags;
	struct ui_screen	 scr;

	enum ui_pane		 focus;
	unsigned		 dirty;
	struct ui_dialog	 dlg;
	struct ui_prompt	 prompt;
	uint32_t		 dismissed;	/* approval hidden with Esc */
	char			*status;	/* the console's last word */
	bool			 quitting;	/* waits for the safe point */
	bool			 finished;	/* the engine thread ended */
	bool			 tty_gone;	/* the terminal hung up */
	bool			 done;

	/* the ready hook (ready.c) */
	char			*ready_file;	/* NULL: off */
	unsigned long		 ready_count;
	unsigned long		 keys_read;	/* from the keyboard */
	bool			 ready_due;	/* something moved since */
	bool			 cmd_unseen;	/* no snapshot since a command */
};

struct pane_ops {
	void	(*draw)(struct ui *, WINDOW *, int h, int w);
	/* A key for the focused pane; false when it means nothing here. */
	bool	(*key)(struct ui *, enum ui_action);
};

extern const struct pane_ops	pane_topology, pane_node, pane_timeline,
				pane_health, pane_events;
const struct pane_ops	*pane_ops_of(enum ui_pane);

/* screen.c */
int	screen_open(struct ui *);
/* On another terminal: the tests' and the benchmark's. */
int	screen_open_term(struct ui *, const char *term, FILE *out, FILE *in);
void	screen_close(struct ui *);
void	screen_layout(struct ui *);
void	screen_draw(struct ui *);
void	screen_mouse(struct ui *, bool on);
int	screen_key(struct ui *);	/* a UI_K_ code, or ERR */
extern volatile sig_atomic_t	screen_signal;
int	screen_signal_fd(void);

/* draw.c: small drawing helpers */
int	put(WINDOW *, int y, int x, int maxw, attr_t, const char *);
int	putf(WINDOW *, int y, int x, int maxw, attr_t, const char *, ...)
	    __attribute__((format(printf, 6, 7)));
void	frame(struct ui *, WINDOW *, enum ui_pane, const char *extra);
attr_t	sty(const struct ui *, enum ui_style_id);
const char *clock_hms(int64_t ms, char *buf, size_t len);
void	header_draw(struct ui *, WINDOW *, int h, int w);
void	footer_draw(struct ui *, WINDOW *, int h, int w);
unsigned key_context(const struct ui *);

/* dialog.c */
void	dialog_open_approval(struct ui *, const struct engine_approval *);
/* node: the node skipped or forced, NULL for the campaign. */
void	dialog_open_confirm(struct ui *, enum engine_cmd_type,
	    const char *node);
void	dialog_open_quit(struct ui *);
void	dialog_open_filter(struct ui *);
void	dialog_open_fault(struct ui *);
void	dialog_open_help(struct ui *);
void	dialog_close(struct ui *);
void	dialog_draw(struct ui *);
bool	dialog_key(struct ui *, int key);

/* console.c */
/* arg: the fault spec, or the node skipped or forced. */
void	ui_command(struct ui *, enum engine_cmd_type, uint32_t approval,
	    const char *arg);
void	ui_status(struct ui *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	ui_quit(struct ui *);

/* input.c */
void	input_key(struct ui *, int key);

/* ready.c */
void	ready_init(struct ui *);
void	ready_mark(struct ui *);

#endif
