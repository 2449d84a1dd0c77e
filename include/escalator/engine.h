/*
 * The campaign engine: a headless core in its own thread. A front end
 * (the batch CLI, the console) sends commands through a queue and reads
 * events from another; engine_event_fd() becomes readable when events
 * are pending, so a front end polls it with its own fds and never
 * blocks. engine_snapshot() gives a consistent picture to draw from.
 * doc/states.md describes the states and their transitions.
 */
#ifndef ESCALATOR_ENGINE_H
#define ESCALATOR_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "escalator/campaign.h"
#include "escalator/clock.h"
#include "escalator/constraints.h"
#include "escalator/inventory.h"
#include "escalator/journal.h"
#include "escalator/transport.h"

/* Campaign states, after the SA Forum SMF campaign states.
 * X(ENUM, "name", final, "help") */
#define ENGINE_STATE_LIST(X)						\
	X(INITIAL, "initial", false, "loaded, nothing done yet")	\
	X(EXECUTING, "executing", false, "phases are running")		\
	X(SUSPENDING, "suspending", false,				\
	    "stopping at the next safe point: running steps finish")	\
	X(SUSPENDED, "suspended", false,				\
	    "stopped at a safe point; resume carries on")		\
	X(EXECUTION_COMPLETED, "execution_completed", false,		\
	    "every phase but commit is done")				\
	X(COMMITTED, "committed", true, "the upgrade is final")	\
	X(ERROR_DETECTED, "error_detected", false,			\
	    "a failure waits for the operator: resume, roll back or abort") \
	X(ROLLING_BACK, "rolling_back", false,				\
	    "undoing executed steps, last done first undone")		\
	X(ROLLBACK_SUSPENDED, "rollback_suspended", false,		\
	    "rollback stopped at a safe point")				\
	X(ROLLED_BACK, "rolled_back", true, "nodes are back on from_version") \
	X(ROLLBACK_FAILED, "rollback_failed", true,			\
	    "an undo step failed: the operator must repair by hand")	\
	X(ABORTED, "aborted", true, "stopped for good where it was")

enum engine_state {
#define X(e, s, f, h) ENGINE_STATE_##e,
	ENGINE_STATE_LIST(X)
#undef X
	ENGINE_STATE_COUNT
};

/* X(ENUM, "name", "help") */
#define ENGINE_PHASE_LIST(X)						\
	X(PREPARATION, "preparation", "resolve, plan, check version files") \
	X(VALIDATION, "validation", "every node healthy, no alarms")	\
	X(BACKUP, "backup", "back up the items of each role")		\
	X(EXECUTION, "execution", "the procedures, node by node")	\
	X(TESTING, "testing", "the campaign tests on every node")	\
	X(COMMIT, "commit", "make the upgrade final")			\
	X(ROLLBACK, "rollback", "undo or restore")

enum engine_phase {
#define X(e, s, h) ENGINE_PHASE_##e,
	ENGINE_PHASE_LIST(X)
#undef X
	ENGINE_PHASE_COUNT
};

#define APPROVAL_KIND_LIST(X)						\
	X(PHASE, "phase", "enter the next phase")			\
	X(GATE, "gate", "a manual approval step")			\
	X(VNF, "vnf", "a VNF coordination point")			\
	X(UNKNOWN_OUTCOME, "unknown",					\
	    "a step interrupted by a crash: did it take effect?")	\
	X(HOSTKEY, "hostkey",						\
	    "a node's unknown SSH host key: accept its fingerprint?")

enum approval_kind {
#define X(e, s, h) APPROVAL_##e,
	APPROVAL_KIND_LIST(X)
#undef X
	APPROVAL_KIND_COUNT
};

#define WAIT_REASON_LIST(X)						\
	X(NONE, "none", "not waiting")					\
	X(RUNNING, "running", "steps are running")			\
	X(APPROVAL, "approval", "a decision from the operator")	\
	X(CONSTRAINT, "constraint", "an availability constraint")	\
	X(WINDOW, "window", "the maintenance window")			\
	X(HUNG, "hung", "a step past its expected duration")		\
	X(OPERATOR, "operator", "suspended or failed: the operator")	\
	X(START, "start", "the start command")

enum wait_reason {
#define X(e, s, h) WAIT_##e,
	WAIT_REASON_LIST(X)
#undef X
	WAIT_REASON_COUNT
};

const char	*engine_state_name(enum engine_state);
const char	*engine_state_help(enum engine_state);
bool		 engine_state_final(enum engine_state);
int		 engine_state_parse(const char *, enum engine_state *);
const char	*engine_phase_name(enum engine_phase);
int		 engine_phase_parse(const char *, enum engine_phase *);
const char	*approval_kind_name(enum approval_kind);
const char	*wait_reason_name(enum wait_reason);

/* --- roles ---------------------------------------------------------------- */

enum engine_right {
	RIGHT_RUN,	/* run, resume, roll back, abort, skip a node,
			   force past a constraint: operator, admin */
	RIGHT_APPROVE,	/* approver, operator, admin */
};

/* With no operators in the campaign everyone may do everything. */
bool	engine_operator_allowed(const struct campaign *, const char *operator,
	    enum engine_right);

/* sha256 of a file as 64 hex digits into out[65]; 0, or -1 and *err. */
int	engine_sha256_file(const char *path, char out[65], char **err);

/* --- starting -------------------------------------------------------------- */

struct engine_config {
	const struct campaign	*campaign;	/* outlive the engine */
	const struct inventory	*inventory;
	const char		*state_dir;
	const char		*operator;
	bool			 resume;	/* carry on the run in state_dir */
	enum clock_mode		 clock_mode;
	double			 speed;
	uint64_t		 seed;
	const struct strv	*faults;	/* --fault, besides the campaign's */
	/* Resume: nodes skipped by the operator before anything runs
	 * (ENGINE_CMD_SKIP_NODE), or NULL. */
	const struct strv	*skip_nodes;
	/* The transport to the nodes, opened once with the engine's clock;
	 * NULL: the built-in simulator (sim.h) in state_dir. */
	struct transport	*(*transport_open)(void *arg, struct clock *,
				    char **err);
	void			*transport_arg;
	/* What reopens that transport on resume: a JSON object kept with
	 * the run's options as it is (never a secret), or NULL. */
	const char		*transport_options;
};

/* The options a run keeps in the journal (JSON: transport, seed, speed,
 * virtual_time, faults, transport_options), and back into cfg; faults
 * receives the specs and cfg->faults points at it.
 * engine_options_transport() is the transport's name ("sim" when none
 * is recorded), engine_options_transport_options() its options as JSON
 * text (NULL when none are recorded), both malloc'd. */
char	*engine_options_format(const struct engine_config *,
	    const char *transport);
int	 engine_options_parse(const char *json, struct engine_config *,
	    struct strv *faults, char **err);
char	*engine_options_transport(const char *json);
char	*engine_options_transport_options(const char *json);

struct engine;

/* Open the journal and the transport, then wait in the engine thread
 * for ENGINE_CMD_START. NULL with *err (malloc'd) when it cannot. */
struct engine	*engine_start(const struct engine_config *, char **err);
/* Quit at a safe point if not finished yet, and join the thread. */
void		 engine_stop(struct engine *);
void		 engine_free(struct engine *);

/* --- commands -------------------------------------------------------------- */

#define ENGINE_CMD_LIST(X)						\
	X(START, "start")						\
	X(APPROVE, "approve")						\
	X(DENY, "deny")							\
	X(DEFER, "defer")						\
	X(PAUSE, "pause")						\
	X(RESUME, "resume")						\
	X(ABORT, "abort")						\
	X(ROLLBACK, "rollback")						\
	X(RESTORE, "restore")						\
	X(RETRY, "retry")						\
	X(FAULT, "fault")						\
	X(SKIP_NODE, "skip")						\
	X(FORCE, "force")						\
	X(QUIT, "quit")

enum engine_cmd_type {
#define X(e, s) ENGINE_CMD_##e,
	ENGINE_CMD_LIST(X)
#undef X
};

struct engine_command {
	enum engine_cmd_type	 type;
	uint32_t		 approval;	/* approve, deny, defer */
	const char		*operator;	/* NULL: the engine's */
	const char		*fault;		/* fault: a sim fault spec */
	const char		*node;		/* skip, force: which node */
};

/* Queue a command (copied); never blocks on the engine's work. */
void	engine_command(struct engine *, const struct engine_command *);

/* --- events ---------------------------------------------------------------- */

#define ENGINE_EVENT_LIST(X)						\
	X(STATE, "state")						\
	X(PHASE, "phase")						\
	X(STEP_STARTED, "step-started")					\
	X(STEP_FINISHED, "step-finished")				\
	X(NODE, "node")							\
	X(HEALTH, "health")						\
	X(APPROVAL, "approval")						\
	X(WAITING, "waiting")						\
	X(LOG, "log")							\
	X(FINISHED, "finished")

enum engine_event_type {
#define X(e, s) ENGINE_EVENT_##e,
	ENGINE_EVENT_LIST(X)
#undef X
};

struct engine_approval {
	uint32_t		 id;
	enum approval_kind	 kind;
	char			*node;		/* NULL for a phase boundary */
	char			*object;	/* next phase, or the step */
	char			*affected;	/* VNF instances, may be NULL */
	char			*summary;	/* what happens next */
	/* Gates and VNF questions of a step with a timeout: answer by
	 * deadline_ms (engine clock) or the step fails; a defer adds
	 * extend_ms. 0 and 0: no deadline, a defer suspends. */
	int64_t			 deadline_ms;
	int64_t			 extend_ms;
	/* APPROVAL_HOSTKEY: the key the node offered, met by the step
	 * in object or, asked as soon as found, "connecting ahead". The
	 * node's steps wait for it; approving (which takes RIGHT_RUN)
	 * records it in known_hosts and they run; denying fails them. */
	struct transport_hostkey hostkey;
};

/* "approval #ID: SUMMARY", with "(answer within 1m20s)" after the id
 * when it has a deadline (the time left at now_ms, on the engine's
 * clock); malloc'd. */
char	*engine_approval_line(const struct engine_approval *, int64_t now_ms);

struct engine_wait {
	enum wait_reason	 reason;
	struct block		 block;		/* for WAIT_CONSTRAINT */
	char			*text;		/* says why, for people */
};

struct engine_event {
	enum engine_event_type	 type;
	int64_t			 ts_ms;		/* on the campaign clock */
	enum engine_state	 state;
	enum engine_phase	 phase;
	char			*node;		/* may be NULL */
	char			*step;		/* may be NULL */
	enum step_status	 status;	/* step-finished */
	/* health: the monitor's check (step) on node passes or not; sent
	 * on the first result and when it changes, never once a tick */
	bool			 healthy;
	char			*text;		/* one line for people */
	char			*action;	/* log, health: as the log file */
	char			*result;	/* has them: "deny", "failed"... */
	struct engine_approval	 approval;	/* approval */
	struct engine_wait	 wait;		/* waiting */
};

int	engine_event_fd(const struct engine *);
/* Take every pending event; *count of them. Free with
 * engine_events_free. */
struct engine_event *engine_events_take(struct engine *, size_t *count);
void	engine_events_free(struct engine_event *, size_t count);

/* --- snapshot -------------------------------------------------------------- */

struct engine_node_view {
	char		*name;
	char		*version;
	char		*status;	/* as in the journal's node table */
	char		*step;		/* running step, may be NULL */
	int64_t		 elapsed_ms;	/* of the running step */
	int64_t		 expected_ms;
	char		*output;	/* last output line, may be NULL */
	/* The health monitor's verdict ("ok", "failed: CHECK") and since
	 * when, on the campaign clock; NULL and 0 before its first. A
	 * resumed run starts from the journal's failing verdict. */
	char		*health;
	int64_t		 health_ms;
};

/* A failing verdict is this prefix and the check's name. */
#define ENGINE_HEALTH_FAILED	"failed: "

struct engine_snapshot {
	enum engine_state	 state;
	enum engine_phase	 phase;
	int64_t			 now_ms;
	struct engine_node_view	*nodes;		/* inventory order */
	size_t			 nnodes;
	struct engine_approval	*approvals;	/* open ones */
	size_t			 napprovals;
	struct engine_wait	 wait;
	/* The engine waits for a command, none is queued and every event
	 * has been taken: nothing changes until a command comes. */
	bool			 idle;
};

void	engine_snapshot(struct engine *, struct engine_snapshot *);
void	engine_snapshot_free(struct engine_snapshot *);

#endif
