/*
 * The journal and status table: one SQLite database (WAL) per campaign
 * run, in the state directory, mode 0600. Every record is its own
 * durable transaction: an intent before an action, its outcome after,
 * so that after a crash a completed step is never run again and a step
 * whose outcome is unknown is found and probed.
 */
#ifndef ESCALATOR_JOURNAL_H
#define ESCALATOR_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JOURNAL_FILE	"journal.db"
/* The schema this build writes, kept in PRAGMA user_version; a journal
 * with a newer one is refused. doc/state.md describes it. */
#define JOURNAL_SCHEMA_VERSION	1
/* Testing hook: with ESCALATOR_CRASH_AT_JOURNAL_POINT=N in the
 * environment, the process kills itself with SIGKILL right after its Nth
 * durable write, for the crash-resume tests. */
#define JOURNAL_CRASH_ENV	"ESCALATOR_CRASH_AT_JOURNAL_POINT"

struct journal;

/* The run: what was started, from which file, with which options. */
struct journal_run {
	char	*id;		/* e.g. "20261125T181200Z-4f2a" */
	char	*campaign_file;	/* absolute path */
	char	*campaign_sha256;
	char	*inventory_file;
	char	*inventory_sha256;
	char	*options;	/* JSON text: transport, seed, speed, faults */
	char	*operator;
	char	*state;		/* engine state name (SMF-style) */
	char	*phase;		/* current phase name */
	int64_t	 started_ms;
	int64_t	 updated_ms;
	char	*campaign_name;	/* may be NULL */
};

#define STEP_STATUS_LIST(X)						\
	X(INTENT, "intent", "started; outcome not yet recorded")	\
	X(OK, "ok", "succeeded")					\
	X(FAILED, "failed", "failed")					\
	X(TIMEOUT, "timeout", "ran past its expected duration (hang)")	\
	X(SKIPPED, "skipped", "skipped by the operator")		\
	X(UNKNOWN, "unknown", "interrupted; outcome probed on resume")

enum step_status {
#define X(e, s, h) STEP_STATUS_##e,
	STEP_STATUS_LIST(X)
#undef X
	STEP_STATUS_COUNT
};
const char	*step_status_name(enum step_status);
int		 step_status_parse(const char *, enum step_status *);

struct journal_step {
	int64_t			 id;
	char			*phase;
	char			*procedure;	/* "" for campaign-level steps */
	int			 batch;		/* -1 when not in a batch */
	char			*node;		/* "" for campaign-level steps */
	char			*step;
	int			 attempt;	/* 1.. */
	bool			 undo;		/* a rollback's inverse step */
	enum step_status	 status;
	int			 exit_code;
	char			*output;	/* last lines, may be NULL */
	int64_t			 started_ms;
	int64_t			 ended_ms;	/* 0 until the outcome */
};

struct journal_node {
	char	*name;
	char	*version;
	char	*phase;		/* where the node is in the campaign */
	char	*health;	/* "ok", "degraded", "down", "unknown",
				   "failed: CHECK" (the monitor) */
	bool	 maintenance;
	char	*status;	/* "pending", "running", "upgraded", "failed",
				   "rolled-back", ... */
	int64_t	 updated_ms;
};

struct journal_event {
	int64_t	 id;
	int64_t	 ts_ms;
	char	*operator;	/* "" for the engine */
	char	*kind;
	char	*object;
	char	*message;
};

/*
 * Open or create DIR/journal.db. The directory (and any missing parent)
 * is created 0700 and the database 0600; an existing group- or world-accessible one is refused.
 * Without create, the journal must exist. On error returns -1 and *err
 * (malloc'd) says why. Strings loaded from the journal are never NULL
 * ("" when unset), except a step's output. A time of 0 given to a write
 * means now.
 */
int	journal_open(struct journal **, const char *state_dir, bool create,
	    char **err);
/* Open an existing journal for reading only, while a run may be writing
 * it from another process (status). */
int	journal_open_readonly(struct journal **, const char *state_dir,
	    char **err);
void	journal_close(struct journal *);
/* Why the last call on this journal failed. */
const char *journal_error(struct journal *);

/* One run per journal: a second begin fails. */
int	journal_run_begin(struct journal *, const struct journal_run *);
/* 0 and *run filled; 1 when there is no run; -1 on error. */
int	journal_run_load(struct journal *, struct journal_run *);
int	journal_run_set_state(struct journal *, const char *state,
	    const char *phase);
void	journal_run_free(struct journal_run *);

/* Record the intent before the action; returns the step's id or -1. */
int64_t	journal_step_intent(struct journal *, const struct journal_step *);
int	journal_step_outcome(struct journal *, int64_t id, enum step_status,
	    int exit_code, const char *output, int64_t ended_ms);
/* Take back an intent whose action was never sent (the transport
 * refused it before the node saw anything): as if never started. */
int	journal_step_withdraw(struct journal *, int64_t id);
/* All step records in order of id; free with journal_steps_free. */
int	journal_steps_load(struct journal *, struct journal_step **,
	    size_t *count);
void	journal_steps_free(struct journal_step *, size_t count);

int	journal_node_put(struct journal *, const struct journal_node *);
int	journal_nodes_load(struct journal *, struct journal_node **,
	    size_t *count);
void	journal_nodes_free(struct journal_node *, size_t count);

/* An event, with the operator who decided it (NULL for the engine). */
int	journal_event(struct journal *, const char *operator,
	    const char *kind, const char *object, const char *message);

/* Small durable key/value facts the engine needs to resume (a phase
 * passed, a gate approved, a batch's tests passed). */
int	journal_fact_put(struct journal *, const char *key, const char *value);
/* Returns a malloc'd value, or NULL when there is none or on error
 * (journal_error() then says why). */
char	*journal_fact_get(struct journal *, const char *key);

/* The most recent limit events (0: all), oldest first. */
int	journal_events_load(struct journal *, size_t limit,
	    struct journal_event **, size_t *count);
void	journal_events_free(struct journal_event *, size_t count);

/* The status report of escalator status: run, state, phase, counts and
 * every node, read in one snapshot. As JSON text (malloc'd; NULL on
 * error) or as readable text on out (0, or -1 on error). */
char	*journal_status_json(struct journal *);
int	journal_status_print(struct journal *, FILE *out);

#endif
