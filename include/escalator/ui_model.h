/*
 * What the console shows, without curses: the topology tree built from
 * the inventory's labels, node states from engine snapshots, the event
 * log, step times for the timeline and check results for Health. The
 * panes draw from it; the tests and the benchmark fill it by hand.
 */
#ifndef ESCALATOR_UI_MODEL_H
#define ESCALATOR_UI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "escalator/campaign.h"
#include "escalator/engine.h"
#include "escalator/inventory.h"
#include "escalator/plan.h"
#include "escalator/ui_layout.h"
#include "escalator/ui_theme.h"

/* X(ENUM, "engine status", "UTF-8 symbol", "ASCII symbol", style) */
#define UI_NODE_STATE_LIST(X)						\
	X(PENDING, "pending", "\u00b7", ".", NODE_PENDING)		\
	X(RUNNING, "running", "\u25b6", ">", NODE_RUNNING)		\
	X(HUNG, "hung", "\u26a0", "!", NODE_HUNG)			\
	X(UPGRADED, "upgraded", "\u2714", "+", NODE_DONE)		\
	X(COMMITTED, "committed", "\u2605", "*", NODE_COMMITTED)	\
	X(FAILED, "failed", "\u2716", "X", NODE_FAILED)			\
	X(ROLLED_BACK, "rolled-back", "\u21ba", "<", NODE_ROLLED_BACK)	\
	X(SKIPPED, "skipped", "\u2298", "-", NODE_FAILED)		\
	X(UNKNOWN, "unknown", "?", "?", NODE_PENDING)

enum ui_node_state {
#define X(e, s, u, a, st) UI_NODE_##e,
	UI_NODE_STATE_LIST(X)
#undef X
	UI_NODE_STATE_COUNT
};

const char		*ui_node_state_name(enum ui_node_state);
const char		*ui_node_state_symbol(enum ui_node_state, bool utf8);
enum ui_style_id	 ui_node_state_style(enum ui_node_state);
/* The state of a node view: its status, hung when its step runs past
 * the expected time. */
enum ui_node_state	 ui_node_state_of(const struct engine_node_view *);

/* --- the topology tree ------------------------------------------------ */

#define UI_NO_GROUP	UINT32_MAX

struct ui_group {
	char		*label;		/* "site lab", "zone z1/r2", ... */
	uint32_t	 parent;	/* UI_NO_GROUP at the top */
	int		 depth;
	bool		 collapsed;
	uint32_t	 count[UI_NODE_STATE_COUNT];
	uint32_t	 total;
};

/* One line of the full tree: a group or a node. */
struct ui_item {
	uint32_t	 index;		/* group or node index */
	uint32_t	 parent;	/* group, UI_NO_GROUP at the top */
	bool		 group;
	int		 depth;
};

/* --- events --------------------------------------------------------- */

/* From the least to the most pressing.
 * X(ENUM, "name", "UTF-8 symbol", "ASCII symbol", style) */
#define UI_SEVERITY_LIST(X)						\
	X(INFO, "info", "\u00b7", ".", EVENT_INFO)			\
	X(WARN, "warning", "\u25b2", "!", EVENT_WARN)			\
	X(ERROR, "error", "\u2716", "X", EVENT_ERROR)

enum ui_severity {
#define X(e, s, u, a, st) UI_SEV_##e,
	UI_SEVERITY_LIST(X)
#undef X
	UI_SEV_COUNT
};

const char		*ui_severity_name(enum ui_severity);
const char		*ui_severity_symbol(enum ui_severity, bool utf8);
enum ui_style_id	 ui_severity_style(enum ui_severity);
/* Errors: a step failed or hung, a node failed, an undo failed, the
 * campaign stopped on an error, a monitored check failed where the
 * campaign pauses for it. Warnings: a step tried again, a decision
 * denied, a fault injected, a wait for a constraint or the window, a
 * command refused, the campaign rolling back or aborted, a monitored
 * check failed where the campaign goes on. The rest is information. */
enum ui_severity	 ui_event_severity(const struct engine_event *);

struct ui_event {
	int64_t			 ts_ms;
	enum ui_severity	 sev;
	long			 node;		/* -1: none */
	char			*text;
};

#define UI_EVENTS_MAX	4096

/* A step as it ran on a node, for the timeline and the Node pane. */
struct ui_step_run {
	char			*step;
	bool			 undo;		/* a rollback's inverse */
	int64_t			 start_ms;
	int64_t			 end_ms;	/* 0 while it runs */
	enum step_status	 status;
};

struct ui_node_runs {
	struct ui_step_run	*runs;
	size_t			 count;
};

/* A health check or test, with the last outcomes across nodes. */
struct ui_check {
	const char	*name;		/* in the campaign */
	bool		 post;		/* a test; else a pre-check */
	uint32_t	 ok, failed;
	int64_t		 last_ms;	/* 0: never ran */
	long		 last_node;
};

enum ui_filter {
	UI_FILTER_ALL,
	UI_FILTER_FAILED,
	UI_FILTER_RUNNING,
	UI_FILTER_ROLE,
	UI_FILTER_SITE,
};

struct ui_model {
	const struct campaign	*c;
	const struct inventory	*inv;
	const struct plan	*plan;		/* NULL when there is none */

	struct engine_snapshot	 snap;
	enum ui_node_state	*state;		/* per node */

	struct ui_group		*groups;
	size_t			 ngroups;
	struct ui_item		*items;		/* the whole tree, in order */
	size_t			 nitems;
	uint32_t		*node_item;	/* per node: its item */
	uint32_t		*visible;	/* items shown, in order */
	size_t			 nvisible;
	size_t			 sel;		/* index in visible */
	size_t			 top;		/* first visible line shown */

	enum ui_filter		 filter;
	char			*filter_value;	/* role or site */
	char			*search;

	struct ui_event		 events[UI_EVENTS_MAX];	/* a ring */
	size_t			 nevents;	/* ever added */
	enum ui_severity	 event_min;	/* shown from this severity */
	long			 event_node;	/* -1: every node */
	size_t			 event_back;	/* lines scrolled back */

	struct ui_node_runs	*runs;		/* per node */
	struct ui_check		*checks;
	size_t			 nchecks;
	/* per node, per campaign health check: the monitor's last result
	 * failed (node * c->nhealth + check) */
	bool			*health_failing;

	int64_t			 phase_ms[ENGINE_PHASE_COUNT]; /* entered */
	int64_t			 start_ms;	/* first sight of the run */
	int64_t			 expected_ms;	/* the plan's, every phase */
	int64_t			 timeline_offset_ms;
};

/* Dirty bits: one per pane, (1u << UI_PANE_x). */
#define UI_DIRTY(p)	(1u << UI_PANE_##p)
#define UI_DIRTY_ALL	((1u << UI_PANE_COUNT) - 1)

void	ui_model_init(struct ui_model *, const struct campaign *,
	    const struct inventory *, const struct plan *);
void	ui_model_free(struct ui_model *);
/* Take a snapshot (the model owns it now); which panes changed. */
unsigned ui_model_snapshot(struct ui_model *, struct engine_snapshot *);
/* Fold an engine event in; which panes changed. */
unsigned ui_model_event(struct ui_model *, const struct engine_event *);
/* A step the journal of a resumed run holds (end 0: no outcome). */
void	ui_model_history(struct ui_model *, const char *node, const char *step,
	    bool undo, int64_t start_ms, int64_t end_ms, enum step_status);
/* Add a line of the console's own to the event log. */
void	ui_model_note(struct ui_model *, enum ui_severity, int64_t ts_ms,
	    const char *text);

/* The selected node, or -1 when the selection is a group. */
long	ui_model_selected(const struct ui_model *);
/* Select a node, opening its groups and dropping a filter that hides it. */
void	ui_model_select(struct ui_model *, uint32_t node);
void	ui_model_move(struct ui_model *, long delta);
/* Open or close the selected group; false when the selection is a node. */
bool	ui_model_toggle(struct ui_model *, bool open);
/* The next node (dir 1) or previous one (-1) after the selection whose
 * name contains text; selects it. false when none. */
bool	ui_model_search(struct ui_model *, const char *text, int dir);
void	ui_model_set_filter(struct ui_model *, enum ui_filter,
	    const char *value);
/* Keep the selection within height lines shown. */
void	ui_model_scroll(struct ui_model *, int height);

/* The n-th event shown counting back from the newest (0), under the
 * event filters; NULL past the oldest. */
const struct ui_event *ui_model_event_back(const struct ui_model *,
	    size_t n);
/* Events shown under the filters. */
size_t	ui_model_events_shown(const struct ui_model *);

#endif
