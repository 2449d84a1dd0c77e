/*
 * The engine thread: take commands, move the campaign forward as far as
 * it may go, then sleep in the transport until an action completes, a
 * deadline passes or a command arrives. It always knows why it waits.
 */
#include "config.h"

#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escalator/sim.h"
#include "escalator/util.h"
#include "engine_impl.h"

/* A line for the log file and the front end. */
void
note(struct engine *e, const char *object, const char *action,
    const char *result, const char *fmt, ...)
{
	struct log_entry le;
	va_list ap;
	char *msg, *obj;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		abort();
	va_end(ap);
	memset(&le, 0, sizeof le);
	le.ts_ms = clock_now(e->clock);
	le.run = e->run_id;
	le.object = obj = *object ? xasprintf("node:%s", object) :
	    xstrdup("campaign");
	le.action = action;
	le.result = result;
	le.code = strcmp(result, "ok") != 0;
	le.message = msg;
	log_write(e->log, &le);
	emit_note(e, *object ? object : NULL, action, result, msg);
	free(msg);
	free(obj);
}

void
node_put(struct engine *e, uint32_t node, const char *status)
{
	struct journal_node jn;

	if (status != NULL)
		view_status(e, node, status);
	memset(&jn, 0, sizeof jn);
	jn.name = e->inv->nodes[node].name;
	jn.version = e->node_version[node];
	jn.phase = (char *)engine_phase_name(e->phase);
	/* the health monitor's verdict, when it has one (monitor.c) */
	jn.health = e->node_down[node] ? "down" :
	    e->view.nodes[node].health != NULL ? e->view.nodes[node].health :
	    "ok";
	jn.maintenance = e->node_maintenance[node];
	jn.status = e->view.nodes[node].status;
	jn.updated_ms = clock_now(e->clock);
	journal_node_put(e->j, &jn);
	view_node(e, node, NULL, 0, NULL);
	emit(e, ENGINE_EVENT_NODE, jn.name, NULL, "%s: %s, version %s",
	    jn.name, jn.status, jn.version);
}

static void	explain_wait(struct engine *);

/* For the log: a state that went wrong is an error line. */
static const char *
state_result(enum engine_state s)
{
	switch (s) {
	case ENGINE_STATE_ERROR_DETECTED:
	case ENGINE_STATE_ROLLED_BACK:
	case ENGINE_STATE_ROLLBACK_FAILED:
	case ENGINE_STATE_ABORTED:
		return "failed";
	default:
		return "ok";
	}
}

void
set_state(struct engine *e, enum engine_state s)
{
	if (e->state == s)
		return;
	e->state = s;
	journal_run_set_state(e->j, engine_state_name(s),
	    engine_phase_name(e->phase));
	view_set_state(e);
	/* The view says why before anyone hears of the new state. */
	explain_wait(e);
	note(e, "", "state", state_result(s), "campaign %s (%s phase)",
	    engine_state_name(s), engine_phase_name(e->phase));
	emit(e, ENGINE_EVENT_STATE, NULL, NULL, "%s", engine_state_name(s));
}

/* Let running steps finish, start nothing new, then become what the
 * reason for stopping asks for. A later, graver reason wins. */
void
stop_at_safe_point(struct engine *e, enum after_stop after)
{
	if (e->state == ENGINE_STATE_ROLLING_BACK) {
		e->rollback_pausing = true;
		return;
	}
	static const char *const names[] = { "suspend", "error", "abort",
		"rollback", "restore" };

	if (e->state == ENGINE_STATE_SUSPENDING && after < e->after)
		return;
	e->after = after;
	/* A crash while suspending must not forget what comes next. */
	journal_fact_put(e->j, "stop", names[after]);
	if (e->state == ENGINE_STATE_EXECUTING ||
	    e->state == ENGINE_STATE_EXECUTION_COMPLETED)
		set_state(e, ENGINE_STATE_SUSPENDING);
	else if (e->state == ENGINE_STATE_SUSPENDED ||
	    e->state == ENGINE_STATE_ERROR_DETECTED ||
	    e->state == ENGINE_STATE_INITIAL)
		set_state(e, ENGINE_STATE_SUSPENDING);
}

static void
stopped(struct engine *e)
{
	switch (e->after) {
	case AFTER_SUSPEND:
		approvals_withdraw(e, e->quit_requested);
		set_state(e, ENGINE_STATE_SUSPENDED);
		break;
	case AFTER_ERROR:
		approvals_withdraw(e, e->quit_requested);
		set_state(e, ENGINE_STATE_ERROR_DETECTED);
		break;
	case AFTER_ABORT:
		approvals_withdraw(e, false);
		set_state(e, ENGINE_STATE_ABORTED);
		break;
	case AFTER_ROLLBACK:
	case AFTER_RESTORE:
		rollback_begin(e, e->after == AFTER_RESTORE);
		break;
	}
}

/* --- commands ------------------------------------------------------------- */

static const char *const command_names[] = {
#define X(e, s) s,
	ENGINE_CMD_LIST(X)
#undef X
};

bool
operator_may_run(struct engine *e, const struct engine_command *cmd)
{
	const char *op = cmd->operator ? cmd->operator : e->operator;

	if (engine_operator_allowed(e->c, op, RIGHT_RUN))
		return true;
	journal_event(e->j, op, "refused", "campaign",
	    "not allowed to run the campaign");
	note(e, "", "command", "refused", "%s may not run this campaign", op);
	return false;
}

static void
command_resume(struct engine *e)
{
	enum engine_state go = e->phase == ENGINE_PHASE_COMMIT ?
	    ENGINE_STATE_EXECUTION_COMPLETED : ENGINE_STATE_EXECUTING;

	if (e->state == ENGINE_STATE_ROLLBACK_SUSPENDED ||
	    e->state == ENGINE_STATE_ROLLING_BACK) {
		e->rollback_pausing = false;
		set_state(e, ENGINE_STATE_ROLLING_BACK);
	} else if (e->state == ENGINE_STATE_SUSPENDED ||
	    (e->state == ENGINE_STATE_SUSPENDING &&
	    e->after == AFTER_SUSPEND)) {
		set_state(e, go);
	} else if (e->state == ENGINE_STATE_SUSPENDING) {
		note(e, "", "command", "ignored", "resume: the campaign is "
		    "stopping for a failure; decide once it has stopped");
	} else if (e->state == ENGINE_STATE_ERROR_DETECTED) {
		unit_retry_held(e);
		set_state(e, go);
	}
}

static void
command_run(struct engine *e, const struct engine_command *cmd)
{
	const char *op = cmd->operator ? cmd->operator : e->operator;

	if (!operator_may_run(e, cmd))
		return;
	journal_event(e->j, op, command_names[cmd->type], "campaign",
	    engine_state_name(e->state));
	switch (cmd->type) {
	case ENGINE_CMD_PAUSE:
		stop_at_safe_point(e, AFTER_SUSPEND);
		break;
	case ENGINE_CMD_RESUME:
	case ENGINE_CMD_RETRY:
		command_resume(e);
		break;
	case ENGINE_CMD_ABORT:
		stop_at_safe_point(e, AFTER_ABORT);
		break;
	case ENGINE_CMD_ROLLBACK:
	case ENGINE_CMD_RESTORE:
		if (e->state != ENGINE_STATE_ROLLING_BACK &&
		    e->state != ENGINE_STATE_ROLLBACK_SUSPENDED)
			stop_at_safe_point(e, cmd->type == ENGINE_CMD_ROLLBACK ?
			    AFTER_ROLLBACK : AFTER_RESTORE);
		break;
	default:
		break;
	}
}

/* A quit is no decision: what runs finishes, then the thread ends
 * (quit_point()). The commit boundary runs nothing, so it ends there at
 * once and stays what it is: the reopened run asks the commit again. */
static void
command_quit(struct engine *e)
{
	e->quit_requested = true;
	if (e->state == ENGINE_STATE_EXECUTING ||
	    e->state == ENGINE_STATE_SUSPENDING)
		stop_at_safe_point(e, AFTER_SUSPEND);
	else if (e->state == ENGINE_STATE_ROLLING_BACK)
		e->rollback_pausing = true;
}

static void
command_fault(struct engine *e, const struct engine_command *cmd)
{
	char *err = NULL;

	if (!operator_may_run(e, cmd))
		return;
	if (sim_inject(e->tp, cmd->fault ? cmd->fault : "", &err) == -1) {
		note(e, "", "fault", "refused", "%s", err);
		free(err);
		return;
	}
	journal_event(e->j, cmd->operator ? cmd->operator : e->operator,
	    "fault", "campaign", cmd->fault);
	note(e, "", "fault", "ok", "fault %s injected", cmd->fault);
}

static void
commands_handle(struct engine *e)
{
	struct engine_command cmd;

	while (commands_take(e, &cmd)) {
		switch (cmd.type) {
		case ENGINE_CMD_START:
			if (!e->started && operator_may_run(e, &cmd))
				e->started = true;
			break;
		case ENGINE_CMD_APPROVE:
		case ENGINE_CMD_DENY:
		case ENGINE_CMD_DEFER:
			approval_command(e, &cmd);
			break;
		case ENGINE_CMD_QUIT:
			command_quit(e);
			break;
		case ENGINE_CMD_FAULT:
			command_fault(e, &cmd);
			break;
		case ENGINE_CMD_SKIP_NODE:
			if (operator_may_run(e, &cmd))
				command_skip(e, &cmd);
			break;
		case ENGINE_CMD_FORCE:
			if (operator_may_run(e, &cmd))
				command_force(e, &cmd);
			break;
		default:
			command_run(e, &cmd);
			break;
		}
		command_release(&cmd);
	}
}

/* --- moving forward -------------------------------------------------------- */

static void
progress(struct engine *e)
{
	switch (e->state) {
	case ENGINE_STATE_EXECUTING:
	case ENGINE_STATE_EXECUTION_COMPLETED:
		execution_progress(e);
		break;
	case ENGINE_STATE_SUSPENDING:
		if (units_running(e) == 0)
			stopped(e);
		break;
	case ENGINE_STATE_ROLLING_BACK:
		units_progress(e);
		if (e->state != ENGINE_STATE_ROLLING_BACK)
			break;
		if (units_all_done(e)) {
			for (size_t i = 0; i < e->inv->count; i++)
				if (strcmp(e->view.nodes[i].status,
				    "pending") != 0)
					node_put(e, (uint32_t)i,
					    "rolled-back");
			set_state(e, ENGINE_STATE_ROLLED_BACK);
		} else if (e->rollback_pausing && units_running(e) == 0)
			set_state(e, ENGINE_STATE_ROLLBACK_SUSPENDED);
		break;
	default:
		break;
	}
}

static bool
at_rest(const struct engine *e)
{
	return engine_state_final(e->state) ||
	    e->state == ENGINE_STATE_SUSPENDED ||
	    e->state == ENGINE_STATE_ERROR_DETECTED ||
	    e->state == ENGINE_STATE_ROLLBACK_SUSPENDED;
}

/* A quit asked for may end the thread now: nothing runs, and only a
 * command would move the engine on. */
static bool
quit_point(const struct engine *e)
{
	return e->quit_requested && (at_rest(e) ||
	    e->state == ENGINE_STATE_EXECUTION_COMPLETED);
}

static void
explain_approval(struct engine *e, const struct engine_approval *a)
{
	char *line = engine_approval_line(a, clock_now(e->clock));

	view_wait(e, WAIT_APPROVAL, NULL, "%s", line);
	free(line);
}

static void
explain_wait(struct engine *e)
{
	const struct unit *u;

	if (e->state == ENGINE_STATE_SUSPENDED && monitor_reason(e) != NULL) {
		view_wait(e, WAIT_OPERATOR, NULL, "the operator: campaign "
		    "suspended: %s", monitor_reason(e));
		return;
	}
	if (at_rest(e)) {
		view_wait(e, engine_state_final(e->state) ? WAIT_NONE :
		    WAIT_OPERATOR, NULL, "the operator: campaign %s",
		    engine_state_name(e->state));
		return;
	}
	if (e->napprovals > 0) {
		explain_approval(e, &e->approvals[0].info);
		return;
	}
	for (size_t i = 0; i < e->nunits; i++) {
		u = &e->units[i];
		if (u->st == UNIT_RUNNING && u->hung_reported) {
			view_wait(e, WAIT_HUNG, NULL, "%s: %s runs late",
			    e->inv->nodes[u->works[u->next].node].name,
			    u->works[u->next].name);
			return;
		}
	}
	for (size_t i = 0; i < e->nunits; i++) {
		char buf[32];

		u = &e->units[i];
		if (u->st == UNIT_WINDOW) {
			view_wait(e, WAIT_WINDOW, NULL, "the maintenance "
			    "window (opens %s)", clock_format_iso(
			    u->deadline_ms, buf, sizeof buf));
			return;
		}
	}
	/* Nodes held back by the scheduler wait for a reason even while
	 * others run: say which node, why, and what holds it. */
	if (e->sched_block.reason != BLOCK_NONE &&
	    e->phase == ENGINE_PHASE_EXECUTION &&
	    e->sched_block.node < e->inv->count) {
		view_wait(e, WAIT_CONSTRAINT, &e->sched_block, "%s: %s%s%s",
		    e->inv->nodes[e->sched_block.node].name,
		    block_reason_text(e->sched_block.reason),
		    e->sched_block.object ? ": " : "",
		    e->sched_block.object ? e->sched_block.object : "");
		return;
	}
	if (units_running(e) > 0) {
		view_wait(e, WAIT_RUNNING, NULL, "%zu steps running",
		    units_running(e));
		return;
	}
}

static void
wait_for_something(struct engine *e)
{
	struct transport_result res[16];
	int64_t deadline = units_deadline(e);
	int n;

	if (approvals_deadline(e) < deadline)
		deadline = approvals_deadline(e);
	if (monitor_deadline(e) < deadline)
		deadline = monitor_deadline(e);
	if (at_rest(e))
		deadline = CLOCK_NEVER;
	/* Decisions take no virtual time: the clock holds still while a
	 * question is open, or a virtual run would depend on how fast the
	 * answer came. */
	if (clock_virtual(e->clock) && e->napprovals > 0)
		deadline = clock_now(e->clock);
	/* no deadline: nothing runs, only a command moves the engine */
	if (deadline == CLOCK_NEVER)
		view_idle(e, true);
	n = e->tp->ops->wait(e->tp, deadline, e->cmd_pipe[0], res,
	    sizeof res / sizeof res[0]);
	if (n == 0 && deadline == clock_now(e->clock) && e->napprovals > 0) {
		struct pollfd p = { .fd = e->cmd_pipe[0], .events = POLLIN };

		view_idle(e, true);
		poll(&p, 1, -1);
	}
	view_idle(e, false);
	for (int i = 0; i < n; i++)
		if (res[i].id == 0)
			hostkey_news(e, &res[i]);
		else if (!monitor_result(e, &res[i]))
			unit_result(e, &res[i]);
	units_timeouts(e);
	monitor_timeouts(e);
	approvals_expire(e);
}

/* Until the start command: what comes after it waits in the queue for
 * the run to exist. */
static void
wait_start(struct engine *e)
{
	struct engine_command cmd;

	view_wait(e, WAIT_START, NULL, "the start command");
	while (!e->started && !e->quit_requested) {
		if (!commands_take(e, &cmd)) {
			e->tp->ops->wait(e->tp, CLOCK_NEVER, e->cmd_pipe[0],
			    NULL, 0);
			continue;
		}
		if (cmd.type == ENGINE_CMD_START && operator_may_run(e, &cmd))
			e->started = true;
		else if (cmd.type == ENGINE_CMD_QUIT)
			e->quit_requested = true;
		else if (cmd.type != ENGINE_CMD_START)
			note(e, "", "command", "ignored", "%s before the start",
			    command_names[cmd.type]);
		command_release(&cmd);
	}
}

static char *
absolute(const char *path)
{
	char *abs = path != NULL ? realpath(path, NULL) : NULL;

	return abs != NULL ? abs : xstrdup(path != NULL ? path : "");
}

/* A new run: the journal records what it runs, from which files. */
static int
run_record(struct engine *e)
{
	struct journal_run run;
	char csum[65] = "", isum[65] = "", *err = NULL, stamp[32];
	int rc;

	memset(&run, 0, sizeof run);
	clock_format_iso(time_now_ms(), stamp, sizeof stamp);
	e->run_id = xasprintf("%.4s%.2s%.2sT%.2s%.2s%.2sZ-%04x", stamp,
	    stamp + 5, stamp + 8, stamp + 11, stamp + 14, stamp + 17,
	    (unsigned)(time_mono_ms() & 0xffff));
	run.id = e->run_id;
	run.campaign_name = e->c->name;
	run.campaign_file = absolute(e->c->file);
	run.inventory_file = absolute(e->inv->file);
	if (engine_sha256_file(run.campaign_file, csum, &err) == -1 ||
	    (e->inv->file != NULL && engine_sha256_file(run.inventory_file,
	    isum, &err) == -1))
		note(e, "", "run", "warning", "%s", err);
	free(err);
	run.campaign_sha256 = csum;
	run.inventory_sha256 = isum;
	run.options = engine_options_format(&e->cfg, e->tp->ops->name);
	run.operator = e->operator;
	run.state = (char *)engine_state_name(ENGINE_STATE_INITIAL);
	run.phase = (char *)engine_phase_name(ENGINE_PHASE_PREPARATION);
	run.started_ms = run.updated_ms = clock_now(e->clock);
	if ((rc = journal_run_begin(e->j, &run)) == -1)
		note(e, "", "run", "failed", "%s", journal_error(e->j));
	free(run.campaign_file);
	free(run.inventory_file);
	free(run.options);
	return rc;
}

static int
run_begin(struct engine *e)
{
	struct journal_run run;

	if (!e->cfg.resume)
		return run_record(e);
	if (journal_run_load(e->j, &run) != 0) {
		note(e, "", "resume", "failed", "no run to resume in %s",
		    e->state_dir);
		return -1;
	}
	e->run_id = xstrdup(run.id);
	if (engine_state_parse(run.state, &e->state) == -1)
		e->state = ENGINE_STATE_INITIAL;
	if (engine_phase_parse(run.phase, &e->phase) == -1)
		e->phase = ENGINE_PHASE_PREPARATION;
	journal_run_free(&run);
	records_load(e);
	return 0;
}

void *
engine_main(void *arg)
{
	struct engine *e = arg;

	wait_start(e);
	if (e->started && run_begin(e) == 0 && phase_prepare(e) == 0) {
		skips_configured(e);
		while (!engine_state_final(e->state)) {
			enum engine_state before;

			commands_handle(e);
			/* One state's end may be the next one's start. */
			do {
				before = e->state;
				progress(e);
			} while (e->state != before);
			monitor_tick(e);
			if (!at_rest(e) && e->state != ENGINE_STATE_SUSPENDING)
				hostkeys_ask(e);
			explain_wait(e);
			if (quit_point(e))
				break;
			if (engine_state_final(e->state))
				break;
			wait_for_something(e);
		}
	}
	view_set_state(e);
	emit(e, ENGINE_EVENT_FINISHED, NULL, NULL, "campaign %s",
	    engine_state_name(e->state));
	return NULL;
}
