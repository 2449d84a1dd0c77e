/*
 * The engine's insides, shared by its files and by nobody else. What the
 * front end may touch (commands, events, the view) is guarded by lock;
 * everything else belongs to the engine thread alone.
 */
#ifndef ESCALATOR_ENGINE_IMPL_H
#define ESCALATOR_ENGINE_IMPL_H

#include <pthread.h>

#include "escalator/engine.h"
#include "escalator/log.h"
#include "escalator/plan.h"
#include "escalator/sched.h"
#include "escalator/transport.h"

#define NO_NODE		UINT32_MAX
#define NO_APPROVAL	0

/* One step on one node: the smallest thing the engine journals. */
struct work {
	const struct step	*step;
	uint32_t		 node;
	bool			 undo;
	enum transport_kind	 kind;
	const char		*name;	/* journal step name */
	const char		*item;	/* backup item or test name */
	const struct version_file *vfile; /* copy: the file */
	const char		*proc;	/* procedure name, "" outside one */
	int			 batch;	/* -1 outside a batch */
};

enum unit_state {
	UNIT_READY,	/* its next work may start */
	UNIT_RUNNING,	/* an action is out */
	UNIT_APPROVAL,	/* waits for a decision */
	UNIT_WINDOW,	/* waits for the maintenance window */
	UNIT_HELD,	/* failed; waits for the operator */
	UNIT_DONE,
};

enum unit_role {
	ROLE_PLAIN,	/* validation, backup, testing */
	ROLE_TASK,	/* a node through a procedure (sched) */
	ROLE_TESTS,	/* a batch's tests (opens its gate) */
	ROLE_ROLLBACK,
};

/* A list of works run in order: a node's steps, a batch's tests, or the
 * rollback's undo list across nodes. */
struct unit {
	enum unit_role		 role;
	struct sched_pick	 pick;		/* task, tests */
	struct work		*works;
	size_t			 nworks;
	size_t			 next;
	enum unit_state		 st;
	int			 attempt;
	int64_t			 jid;		/* journal id of the action out */
	int64_t			 started_ms;
	int64_t			 deadline_ms;	/* timeout, or window opening */
	int64_t			 expected_ms;
	uint32_t		 approval;	/* open approval, if any */
	bool			 approved;	/* the current work's decision */
	bool			 denied;	/* ... was no: no retries */
	bool			 window_ok;	/* a task: cleared to start */
	bool			 failed;
	bool			 hung_reported;
};

/* What a suspension turns into once nothing runs any more. */
enum after_stop {
	AFTER_SUSPEND,
	AFTER_ERROR,
	AFTER_ABORT,
	AFTER_ROLLBACK,
	AFTER_RESTORE,
};

struct open_approval {
	struct engine_approval	 info;
	long			 unit;		/* -1: phase boundary */
	int64_t			 old_jid;	/* unknown outcome */
	char			*fact;		/* journal key of its deadline */
};

struct cmd_item {
	struct engine_command	 cmd;		/* strings owned */
};

/* The journal as it was at start: what a resumed run must not redo. */
struct record {
	char			*key;
	int64_t			 id;
	int			 attempt;
	enum step_status	 status;
	bool			 consumed;	/* its failure was handled */
};

struct engine {
	/* --- shared with the front end, under lock ---------------------- */
	pthread_mutex_t		 lock;
	pthread_t		 thread;
	bool			 thread_started;
	struct cmd_item		*cmds;
	size_t			 ncmds;
	int			 cmd_pipe[2];
	struct engine_event	*events;
	size_t			 nevents;
	int			 event_pipe[2];
	struct engine_snapshot	 view;
	int64_t			*view_started;	/* per node, running step */

	/* --- the engine thread's own ------------------------------------ */
	struct engine_config	 cfg;
	char			*state_dir;
	char			*operator;
	const struct campaign	*c;
	const struct inventory	*inv;
	struct clock		*clock;
	struct transport	*tp;
	struct journal		*j;
	struct log		*log;
	char			*run_id;
	struct plan		 plan;
	bool			 have_plan;
	struct sched		*sched;

	enum engine_state	 state;
	enum engine_phase	 phase;
	bool			 phase_entered;
	bool			 phase_asked;
	enum after_stop		 after;
	bool			 rollback_pausing;
	bool			 quit_requested;
	bool			 started;

	struct unit		*units;
	size_t			 nunits;
	struct open_approval	*approvals;
	size_t			 napprovals;
	uint32_t		 last_approval;

	struct record		*records;	/* sorted by key */
	size_t			 nrecords;
	/* Resumed after the operator saw the failures: run failed steps
	 * again rather than apply their policy a second time. */
	bool			 retry_failed;

	/* nodes of each finished task: (pproc, batch, node, ok) */
	struct batch_member {
		uint32_t	pproc, batch, node;
		bool		ok;
	}			*members;
	size_t			 nmembers;

	struct step		*synthetic;	/* alarms, backup, restore */
	size_t			 nsynthetic;
	char			**node_version;	/* the engine's view */
	bool			*node_maintenance;
	bool			*node_down;	/* unreachable */
	struct block		 sched_block;
	/* Nodes forced past a constraint before a restart whose task did
	 * not finish: forced again once the scheduler has restarted the
	 * others (force.c). */
	uint32_t		*forced;
	size_t			 nforced;
	struct monitor		*mon;		/* monitor.c */
	/* Per node: the unknown host key it offered until the operator
	 * accepts it (type "": none), or the one denied (hostkey.c). */
	struct node_hostkey {
		struct transport_hostkey offered;
		bool		 denied;
	}			*hostkeys;
};

/* engine.c: the link with the front end */
void	emit(struct engine *, enum engine_event_type, const char *node,
	    const char *step, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
void	emit_step_finished(struct engine *, const struct work *,
	    enum step_status, const char *output);
void	emit_approval(struct engine *, const struct engine_approval *);
/* A log line (note()) with its action and result for the front end. */
void	emit_note(struct engine *, const char *node, const char *action,
	    const char *result, const char *text);
/* A monitored check's verdict on a node changed (monitor.c). */
void	emit_health(struct engine *, const char *node, const char *check,
	    bool healthy, const char *result, const char *text);
void	view_set_state(struct engine *);
void	view_status(struct engine *, uint32_t node, const char *status);
void	view_node(struct engine *, uint32_t node, const char *step,
	    int64_t expected_ms, const char *output);
void	view_wait(struct engine *, enum wait_reason, const struct block *,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void	view_approvals(struct engine *);
/* Whether the thread is about to wait for a command alone; the front
 * end is woken when it is. */
void	view_idle(struct engine *, bool idle);
bool	commands_take(struct engine *, struct engine_command *);
/* The operator may run the campaign; else journaled as refused. */
bool	operator_may_run(struct engine *, const struct engine_command *);
void	command_release(struct engine_command *);
void	approval_info_free(struct engine_approval *);

/* run.c: the state machine */
void	*engine_main(void *);
void	set_state(struct engine *, enum engine_state);
void	stop_at_safe_point(struct engine *, enum after_stop);
void	node_put(struct engine *, uint32_t node, const char *status);
void	note(struct engine *, const char *object, const char *action,
	    const char *result, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

/* phases.c: building each phase's units */
struct work work_of(const struct step *, uint32_t node, const char *proc,
	    int batch);
const struct step *backup_step(const struct engine *, size_t item,
	    bool restore);
int	phase_prepare(struct engine *);
void	phase_units(struct engine *);
void	execution_progress(struct engine *);
void	unit_finished(struct engine *, struct unit *);
void	task_unit(struct engine *, const struct sched_pick *);
char	*task_key(const struct engine *, const char *what, uint32_t pproc,
	    uint32_t node);
void	task_record(struct engine *, const struct sched_pick *,
	    const char *outcome);

/* unit.c: running works */
struct unit *unit_add(struct engine *, enum unit_role);
void	unit_push(struct unit *, const struct work *);
void	units_progress(struct engine *);
size_t	units_running(const struct engine *);
bool	units_all_done(const struct engine *);
void	units_clear(struct engine *);
void	unit_result(struct engine *, const struct transport_result *);
void	units_timeouts(struct engine *);
int64_t	units_deadline(const struct engine *);
void	unit_failed(struct engine *, struct unit *, const char *output);
void	unit_retry_held(struct engine *);
void	unit_approval_done(struct engine *, struct unit *, bool approved,
	    int64_t old_jid);
void	unit_question_expired(struct engine *, struct unit *);
/* What the step needs was refused (a host key): it fails unrun. */
void	unit_denied(struct engine *, struct unit *, const char *why);

/* approval.c */
uint32_t approval_open(struct engine *, enum approval_kind, long unit,
	    const char *node, const char *object, const char *affected,
	    const char *summary);
uint32_t approval_open_hostkey(struct engine *, const char *node,
	    const char *object, const char *summary,
	    const struct transport_hostkey *);
uint32_t approval_open_timed(struct engine *, enum approval_kind, long unit,
	    const char *node, const char *object, const char *affected,
	    const char *summary, const char *key, int64_t timeout_ms);
void	approval_command(struct engine *, const struct engine_command *);
/* keep_deadlines: the engine stops (a quit), it does not suspend on
 * purpose: the journal keeps the deadlines for the run that resumes,
 * as after a crash. */
void	approvals_withdraw(struct engine *, bool keep_deadlines);
/* Closed without a decision, the question no longer holds: its units
 * go on and ask again. */
void	approval_retract(struct engine *, uint32_t id);
int64_t	approvals_deadline(const struct engine *);
void	approvals_expire(struct engine *);

/* hostkey.c: a node's unknown host key, put to the operator */
bool	hostkey_unknown(const struct engine *, const struct transport_result *);
/* The unit's action met it (never sent): it waits for the answer. */
void	hostkey_met(struct engine *, struct unit *,
	    const struct transport_hostkey *);
/* The transport's news of a node (a result with id 0). */
void	hostkey_news(struct engine *, const struct transport_result *);
/* A health probe of the node met an unknown key. */
void	hostkey_probed(struct engine *, uint32_t node,
	    const struct transport_result *);
/* Before the unit's next work: true when its node's key waits for the
 * operator, and the unit now does too. */
bool	hostkey_hold(struct engine *, struct unit *);
/* Put every key found ahead of need to the operator, once, if its
 * node still has work. */
void	hostkeys_ask(struct engine *);
/* A resumed run: the denials journaled before. */
void	hostkeys_restore(struct engine *);
void	hostkey_decided(struct engine *, const struct engine_approval *,
	    bool accepted);

/* rollback.c */
void	rollback_begin(struct engine *, bool restore);

/* skip.c: a node out of the campaign, left as it is */
bool	node_skipped(const struct engine *, uint32_t node);
void	command_skip(struct engine *, const struct engine_command *);
void	skips_configured(struct engine *);
char	*skipped_list(const struct engine *, size_t *count);
void	skipped_report(struct engine *);

/* force.c: one node started past an availability constraint */
void	command_force(struct engine *, const struct engine_command *);
void	forces_resume(struct engine *);
bool	forces_start(struct engine *);

/* records.c: the journal at start, for resume */
void	records_load(struct engine *);
void	records_free(struct engine *);
struct record *records_find(const struct engine *, const char *phase,
	    const struct work *);
char	*work_key(const char *phase, const struct work *);

/* monitor.c: the campaign's health checks polled on every node */
void	monitor_tick(struct engine *);
void	monitor_timeouts(struct engine *);
int64_t	monitor_deadline(const struct engine *);
/* Whether the result was a monitor probe's (then it is handled). */
bool	monitor_result(struct engine *, const struct transport_result *);
/* Why the monitor suspended the campaign, or NULL. */
const char *monitor_reason(const struct engine *);
/* A resumed run: the node's health as the journal last had it. */
void	monitor_restore(struct engine *, uint32_t node, const char *health,
	    int64_t at);
void	monitor_free(struct engine *);

/* window.c */
int64_t	window_next_start(const struct campaign *, int64_t now,
	    int64_t duration_ms);

#endif
