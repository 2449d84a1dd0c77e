/*
 * Running works: an intent in the journal before each action, the
 * outcome after; the step's failure policy when it fails or hangs.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escalator/util.h"
#include "engine_impl.h"

struct unit *
unit_add(struct engine *e, enum unit_role role)
{
	struct unit *u;

	e->units = xreallocarray(e->units, e->nunits + 1, sizeof *e->units);
	u = &e->units[e->nunits++];
	memset(u, 0, sizeof *u);
	u->role = role;
	u->attempt = 1;
	return u;
}

void
unit_push(struct unit *u, const struct work *w)
{
	u->works = xreallocarray(u->works, u->nworks + 1, sizeof *u->works);
	u->works[u->nworks++] = *w;
}

void
units_clear(struct engine *e)
{
	for (size_t i = 0; i < e->nunits; i++)
		free(e->units[i].works);
	free(e->units);
	e->units = NULL;
	e->nunits = 0;
}

size_t
units_running(const struct engine *e)
{
	size_t n = 0;

	for (size_t i = 0; i < e->nunits; i++)
		n += e->units[i].st == UNIT_RUNNING;
	return n;
}

bool
units_all_done(const struct engine *e)
{
	for (size_t i = 0; i < e->nunits; i++)
		if (e->units[i].st != UNIT_DONE)
			return false;
	return true;
}

static const char *
node_name(const struct engine *e, uint32_t node)
{
	return node == NO_NODE ? "" : e->inv->nodes[node].name;
}

static bool
may_start(const struct engine *e)
{
	return e->state == ENGINE_STATE_EXECUTING ||
	    (e->state == ENGINE_STATE_ROLLING_BACK && !e->rollback_pausing);
}

static const char *
phase_of(const struct engine *e)
{
	return engine_phase_name(e->phase);
}

/* The command a work runs, expanded for its node; NULL when none. */
static char *
work_command(const struct engine *e, const struct work *w)
{
	const struct step *s = w->step;
	const char *cmd = NULL;

	if (w->kind == TRANSPORT_RESTORE) {
		const struct backup_item *b = campaign_backup(e->c, w->item);

		cmd = b != NULL ? b->restore : NULL;
	} else if (w->kind == TRANSPORT_BACKUP) {
		const struct backup_item *b = campaign_backup(e->c, w->item);

		cmd = b != NULL ? b->command : NULL;
	} else if (s != NULL)
		cmd = w->undo ? s->undo : s->command;
	if (cmd == NULL || w->node == NO_NODE)
		return NULL;
	return transport_expand(cmd, &e->inv->nodes[w->node]);
}

static struct transport_action
work_action(const struct engine *e, const struct unit *u, const struct work *w,
    int64_t id, char **cmd, char **url)
{
	struct transport_action a;

	*cmd = work_command(e, w);
	*url = w->step != NULL && w->step->url != NULL ?
	    transport_expand(w->step->url, &e->inv->nodes[w->node]) : NULL;
	memset(&a, 0, sizeof a);
	a.id = (uint64_t)id;
	a.kind = w->kind;
	a.node = w->node;
	a.step = w->step;
	a.name = w->name;
	a.command = *cmd;
	a.url = *url;
	a.item = w->item;
	a.undo = w->undo;
	a.attempt = u->attempt;
	a.version_file = w->vfile;
	if (w->kind == TRANSPORT_BACKUP || w->kind == TRANSPORT_RESTORE)
		a.backup = campaign_backup(e->c, w->item);
	return a;
}

/* Whether the work goes over a session with its node: only such work
 * waits for the operator's word on the node's host key. */
static bool
work_on_node(const struct engine *e, const struct unit *u,
    const struct work *w)
{
	struct transport_action a;
	char *cmd, *url;
	bool on;

	if (w->node == NO_NODE)
		return false;
	a = work_action(e, u, w, 0, &cmd, &url);
	on = transport_on_node(&a);
	free(cmd);
	free(url);
	return on;
}

/* --- effects on the engine's view of the node --------------------------- */

static void
work_succeeded(struct engine *e, const struct work *w)
{
	const char *v;

	if (w->node == NO_NODE || w->step == NULL)
		return;
	if (w->kind == TRANSPORT_RUN && w->step->sets_version) {
		v = w->undo ? e->c->from_version : e->c->to_version;
		free(e->node_version[w->node]);
		e->node_version[w->node] = xstrdup(v ? v : "unknown");
		node_put(e, w->node, NULL);
	} else if (w->kind == TRANSPORT_MAINTENANCE_ON ||
	    w->kind == TRANSPORT_MAINTENANCE_OFF) {
		e->node_maintenance[w->node] =
		    (w->kind == TRANSPORT_MAINTENANCE_ON) != w->undo;
		node_put(e, w->node, NULL);
	}
}

/* A node that stops answering is down for the status table. */
static void
work_unreachable(struct engine *e, const struct work *w, int exit_code)
{
	if (w->node == NO_NODE || exit_code != 255 || e->node_down[w->node])
		return;
	e->node_down[w->node] = true;
	node_put(e, w->node, NULL);
}

/* --- starting --------------------------------------------------------- */

static int64_t
timeout_of(const struct work *w)
{
	return w->step != NULL && w->step->timeout_ms > 0 ?
	    w->step->timeout_ms : 600000;
}

static int64_t
expected_of(const struct work *w)
{
	return w->step != NULL && w->step->expected_ms > 0 ?
	    w->step->expected_ms : timeout_of(w) / 2;
}

static void
record_outcome(struct engine *e, struct unit *u, const struct work *w,
    enum step_status st, int code, const char *output, int64_t ended)
{
	struct log_entry le;
	char *object = xasprintf("step:%s%s%s/%s", w->proc, *w->proc ? "/" :
	    "", node_name(e, w->node), w->name);

	journal_step_outcome(e->j, u->jid, st, code, output, ended);
	memset(&le, 0, sizeof le);
	le.ts_ms = ended;
	le.run = e->run_id;
	le.object = object;
	le.action = w->undo ? "undo" : transport_kind_name(w->kind);
	le.result = step_status_name(st);
	le.code = code;
	le.duration_ms = ended - u->started_ms;
	le.message = output;
	log_write(e->log, &le);
	free(object);
	emit_step_finished(e, w, st, output);
}

/* The intent record written before a unit's work starts. */
static void
step_intent_fill(struct engine *e, const struct unit *u, const struct work *w,
    int64_t now, struct journal_step *js)
{
	memset(js, 0, sizeof *js);
	js->phase = (char *)phase_of(e);
	js->procedure = (char *)w->proc;
	js->batch = w->batch;
	js->node = (char *)node_name(e, w->node);
	js->step = (char *)w->name;
	js->attempt = u->attempt;
	js->undo = w->undo;
	js->status = STEP_STATUS_INTENT;
	js->started_ms = now;
}

static void
work_start(struct engine *e, struct unit *u, const struct work *w)
{
	struct journal_step js;
	struct transport_action a;
	char *cmd, *url, *err = NULL;
	int64_t now = clock_now(e->clock);

	step_intent_fill(e, u, w, now, &js);
	if ((u->jid = journal_step_intent(e->j, &js)) == -1) {
		unit_failed(e, u, "journal write failed");
		return;
	}
	a = work_action(e, u, w, u->jid, &cmd, &url);
	u->st = UNIT_RUNNING;
	u->started_ms = now;
	u->expected_ms = expected_of(w);
	u->deadline_ms = now + timeout_of(w);
	u->hung_reported = false;
	if (w->node != NO_NODE)
		view_node(e, w->node, w->name, u->expected_ms, NULL);
	emit(e, ENGINE_EVENT_STEP_STARTED, w->node == NO_NODE ? NULL :
	    node_name(e, w->node), w->name, "%s%s%s: %s%s", node_name(e,
	    w->node), w->node == NO_NODE ? "" : ": ", w->name,
	    w->undo ? "undo" : "start", u->attempt > 1 ? " (again)" : "");
	if (e->tp->ops->start(e->tp, &a, &err) == -1) {
		record_outcome(e, u, w, STEP_STATUS_FAILED, -1, err, now);
		unit_failed(e, u, err);
		free(err);
	}
	free(cmd);
	free(url);
}

static void
work_done(struct engine *e, struct unit *u)
{
	const struct work *w = &u->works[u->next];

	work_succeeded(e, w);
	if (w->node != NO_NODE)
		view_node(e, w->node, NULL, 0, NULL);
	u->next++;
	u->attempt = 1;
	u->approved = false;
	u->st = UNIT_READY;
}

/* --- failure ----------------------------------------------------------- */

static enum on_failure
policy_of(const struct work *w)
{
	return w->step != NULL ? w->step->on_failure : ON_FAILURE_PAUSE;
}

void
unit_failed(struct engine *e, struct unit *u, const char *output)
{
	const struct work *w = &u->works[u->next];
	int retries = w->step != NULL ? w->step->retries : 0;

	if (w->node != NO_NODE)
		view_node(e, w->node, NULL, 0, output);
	if (u->attempt <= retries && !u->denied) {
		u->attempt++;
		u->st = UNIT_READY;
		return;
	}
	u->approved = false;
	u->denied = false;
	if (u->role == ROLE_ROLLBACK) {
		u->st = UNIT_HELD;
		note(e, node_name(e, w->node), "rollback", "failed",
		    "undo of %s failed: %s", w->name, output ? output : "");
		set_state(e, ENGINE_STATE_ROLLBACK_FAILED);
		return;
	}
	switch (policy_of(w)) {
	case ON_FAILURE_CONTINUE:
		u->failed = true;
		u->st = UNIT_DONE;
		unit_finished(e, u);
		return;
	case ON_FAILURE_ROLLBACK:
		u->st = UNIT_HELD;
		stop_at_safe_point(e, AFTER_ROLLBACK);
		return;
	case ON_FAILURE_RESTORE:
		u->st = UNIT_HELD;
		stop_at_safe_point(e, AFTER_RESTORE);
		return;
	case ON_FAILURE_ABORT:
		u->st = UNIT_HELD;
		stop_at_safe_point(e, AFTER_ABORT);
		return;
	default:	/* pause, and retry once its retries are spent */
		u->st = UNIT_HELD;
		stop_at_safe_point(e, AFTER_ERROR);
		return;
	}
}

/* The operator says go on after an error: held works run again. */
void
unit_retry_held(struct engine *e)
{
	for (size_t i = 0; i < e->nunits; i++)
		if (e->units[i].st == UNIT_HELD) {
			e->units[i].st = UNIT_READY;
			e->units[i].attempt++;
		}
}

/* --- results and hangs ------------------------------------------------- */

void
unit_result(struct engine *e, const struct transport_result *r)
{
	for (size_t i = 0; i < e->nunits; i++) {
		struct unit *u = &e->units[i];

		if (u->st != UNIT_RUNNING || (uint64_t)u->jid != r->id)
			continue;
		if (hostkey_unknown(e, r)) {
			hostkey_met(e, u, &r->hostkey);
			return;
		}
		record_outcome(e, u, &u->works[u->next], r->status ==
		    TRANSPORT_OK ? STEP_STATUS_OK : STEP_STATUS_FAILED,
		    r->exit_code, r->output, r->ended_ms);
		if (r->status == TRANSPORT_OK)
			work_done(e, u);
		else {
			work_unreachable(e, &u->works[u->next], r->exit_code);
			unit_failed(e, u, r->output);
		}
		return;
	}
}

/* Halfway between the expected end and the timeout: late enough not to
 * cry wolf over jitter, early enough to say why the campaign waits. */
static int64_t
late_at(const struct unit *u)
{
	return u->started_ms + (u->expected_ms + (u->deadline_ms -
	    u->started_ms)) / 2;
}

void
units_timeouts(struct engine *e)
{
	int64_t now = clock_now(e->clock);

	for (size_t i = 0; i < e->nunits; i++) {
		struct unit *u = &e->units[i];
		const struct work *w = &u->works[u->next < u->nworks ?
		    u->next : 0];

		if (u->st == UNIT_WINDOW && now >= u->deadline_ms) {
			u->st = UNIT_READY;
			continue;
		}
		if (u->st != UNIT_RUNNING)
			continue;
		if (now >= u->deadline_ms) {
			e->tp->ops->cancel(e->tp, (uint64_t)u->jid);
			record_outcome(e, u, w, STEP_STATUS_TIMEOUT, -1,
			    "hang: ran past its timeout, cancelled", now);
			unit_failed(e, u, "hang");
		} else if (!u->hung_reported && now >= late_at(u)) {
			u->hung_reported = true;
			note(e, node_name(e, w->node), w->name, "late",
			    "%s: %s runs past its expected duration",
			    node_name(e, w->node), w->name);
		}
	}
}

/* The earliest instant something is due: a timeout, a late step, a
 * window opening. */
int64_t
units_deadline(const struct engine *e)
{
	int64_t d = CLOCK_NEVER;

	for (size_t i = 0; i < e->nunits; i++) {
		const struct unit *u = &e->units[i];
		int64_t t = CLOCK_NEVER;

		if (u->st == UNIT_WINDOW)
			t = u->deadline_ms;
		else if (u->st == UNIT_RUNNING)
			t = u->hung_reported ? u->deadline_ms : late_at(u);
		if (t < d)
			d = t;
	}
	return d;
}

/* --- advancing ---------------------------------------------------------- */

static char *
vnfs_of(const struct engine *e, uint32_t node)
{
	const struct node *n = &e->inv->nodes[node];
	char *s = xstrdup("");

	for (size_t i = 0; i < n->nvnfs; i++) {
		char *t = xasprintf("%s%s%s/%s", s, i ? ", " : "",
		    n->vnfs[i].vnf, n->vnfs[i].instance);

		free(s);
		s = t;
	}
	return s;
}

static uint32_t	ask_timed(struct engine *, struct unit *, enum approval_kind,
		    const char *, const char *);

static void
ask(struct engine *e, struct unit *u, enum approval_kind kind,
    int64_t old_jid)
{
	const struct work *w = &u->works[u->next];
	char *vnfs = w->node != NO_NODE ? vnfs_of(e, w->node) : NULL;
	char *summary;

	if (kind == APPROVAL_UNKNOWN_OUTCOME)
		summary = xasprintf("%s on %s was interrupted and its outcome "
		    "cannot be probed: approve if it took effect, deny to "
		    "run it again", w->name, node_name(e, w->node));
	else if (kind == APPROVAL_VNF)
		summary = xasprintf("%s: the VNF manager releases %s's VNF "
		    "instances (%s), then the procedure goes on", w->name,
		    node_name(e, w->node), vnfs && *vnfs ? vnfs : "none");
	else
		summary = xasprintf("%s on %s: %s", w->name, node_name(e,
		    w->node), w->step && w->step->message ? w->step->message :
		    "go on with the procedure");
	u->st = UNIT_APPROVAL;
	if (kind != APPROVAL_UNKNOWN_OUTCOME && w->step != NULL &&
	    w->step->timeout_ms > 0) {
		u->approval = ask_timed(e, u, kind, vnfs, summary);
		if (u->approval == NO_APPROVAL)
			unit_question_expired(e, u);
	} else {
		u->approval = approval_open(e, kind, u - e->units,
		    node_name(e, w->node), w->name, vnfs, summary);
		e->approvals[e->napprovals - 1].old_jid = old_jid;
	}
	free(vnfs);
	free(summary);
}

/* A question with a deadline: the step's timeout from when it was first
 * asked (the journal remembers that across a crash). */
static uint32_t
ask_timed(struct engine *e, struct unit *u, enum approval_kind kind,
    const char *vnfs, const char *summary)
{
	const struct work *w = &u->works[u->next];
	char *wk = work_key(phase_of(e), w);
	char *key = xasprintf("deadline.%s", wk);
	uint32_t id;

	id = approval_open_timed(e, kind, u - e->units, node_name(e, w->node),
	    w->name, vnfs, summary, key, w->step->timeout_ms);
	free(key);
	free(wk);
	return id;
}

/* A step that fails without having run, with a step record saying why
 * (a resumed run applies its policy). */
static void
unit_failed_unrun(struct engine *e, struct unit *u, enum step_status st,
    const char *why)
{
	const struct work *w = &u->works[u->next];
	struct journal_step js;
	int64_t now = clock_now(e->clock);

	u->approval = NO_APPROVAL;
	step_intent_fill(e, u, w, now, &js);
	u->started_ms = now;
	if ((u->jid = journal_step_intent(e->j, &js)) != -1)
		record_outcome(e, u, w, st, -1, why, now);
	unit_failed(e, u, why);
}

/* Nobody answered by the deadline: the step fails as a hang does. */
void
unit_question_expired(struct engine *e, struct unit *u)
{
	unit_failed_unrun(e, u, STEP_STATUS_TIMEOUT,
	    "no answer before the deadline");
}

void
unit_denied(struct engine *e, struct unit *u, const char *why)
{
	u->denied = true;	/* no retry: nothing changed */
	unit_failed_unrun(e, u, STEP_STATUS_FAILED, why);
}

/* A decision that needs no action: journal it as a step of its own. */
static void
record_decision(struct engine *e, struct unit *u, const struct work *w)
{
	struct journal_step js;

	step_intent_fill(e, u, w, clock_now(e->clock), &js);
	u->started_ms = js.started_ms;
	if ((u->jid = journal_step_intent(e->j, &js)) != -1)
		record_outcome(e, u, w, STEP_STATUS_OK, 0, "approved",
		    js.started_ms);
}

void
unit_approval_done(struct engine *e, struct unit *u, bool approved,
    int64_t old_jid)
{
	const struct work *w = &u->works[u->next];

	u->approval = NO_APPROVAL;
	if (old_jid > 0) {
		/* Unknown outcome: approved means it took effect. */
		journal_step_outcome(e->j, old_jid, approved ?
		    STEP_STATUS_OK : STEP_STATUS_UNKNOWN, 0, approved ?
		    "took effect (operator)" : "did not (operator)",
		    clock_now(e->clock));
		if (approved)
			work_done(e, u);
		else
			u->st = UNIT_READY;
		u->approved = false;
		return;
	}
	if (!approved) {
		u->denied = true;	/* no retry: the operator said no */
		emit_step_finished(e, w, STEP_STATUS_FAILED, "denied");
		unit_failed(e, u, "denied by the operator");
		return;
	}
	u->approved = true;
	u->st = UNIT_READY;
	if (w->step != NULL && w->step->action == STEP_APPROVAL) {
		record_decision(e, u, w);
		work_done(e, u);
	}
}

/* A work the journal already knows from before a crash. */
static bool
work_recorded(struct engine *e, struct unit *u, const struct work *w)
{
	struct record *r = records_find(e, phase_of(e), w);
	struct transport_action a;
	char *cmd, *url;
	enum transport_probe p;

	if (r == NULL || r->consumed || r->status == STEP_STATUS_UNKNOWN)
		return false;
	if (r->status == STEP_STATUS_FAILED ||
	    r->status == STEP_STATUS_TIMEOUT) {
		/* It failed before the stop. Unless the operator has seen it,
		 * its policy never ran: run it now, as the unbroken run did. */
		r->consumed = true;
		if (e->retry_failed)
			return false;
		u->attempt = r->attempt;
		unit_failed(e, u, "failed before the restart");
		return true;
	}
	if (r->status == STEP_STATUS_OK || r->status == STEP_STATUS_SKIPPED) {
		work_succeeded(e, w);
		u->next++;
		return true;
	}
	/* An intent without an outcome: ask the cluster. */
	a = work_action(e, u, w, r->id, &cmd, &url);
	p = e->tp->ops->probe(e->tp, &a);
	free(cmd);
	free(url);
	if (p == PROBE_DONE) {
		journal_step_outcome(e->j, r->id, STEP_STATUS_OK, 0,
		    "took effect (probed after a restart)", clock_now(e->clock));
		work_succeeded(e, w);
		u->next++;
		return true;
	}
	if (p == PROBE_UNKNOWN) {
		r->status = STEP_STATUS_UNKNOWN;
		ask(e, u, APPROVAL_UNKNOWN_OUTCOME, r->id);
		return true;
	}
	journal_step_outcome(e->j, r->id, STEP_STATUS_UNKNOWN, 0,
	    "did not take effect (probed after a restart)",
	    clock_now(e->clock));
	r->status = STEP_STATUS_UNKNOWN;
	return false;
}

static void
unit_advance(struct engine *e, size_t idx)
{
	/* Starting or finishing may add units and move the array: look the
	 * unit up again after each work. */
	for (struct unit *u = &e->units[idx]; u->st == UNIT_READY &&
	    may_start(e); u = &e->units[idx]) {
		const struct work *w;

		if (u->next == u->nworks) {
			u->st = UNIT_DONE;
			unit_finished(e, u);
			return;
		}
		w = &u->works[u->next];
		/* A skipped node is left as it is: nothing more runs on it
		 * but a rollback's undo. */
		if (u->role != ROLE_ROLLBACK && w->node != NO_NODE &&
		    node_skipped(e, w->node)) {
			u->next++;
			continue;
		}
		if (u->role == ROLE_TASK && !u->window_ok) {
			int64_t at = window_next_start(e->c,
			    clock_now(e->clock), e->plan.procs[u->pick.pproc]
			    .node_ms);

			if (at != 0) {
				u->st = UNIT_WINDOW;
				u->deadline_ms = at;
				return;
			}
			u->window_ok = true;
			node_put(e, w->node, "running");
		}
		if (work_recorded(e, u, w))
			continue;
		if (w->step != NULL && !u->approved &&
		    (w->step->action == STEP_APPROVAL ||
		    w->step->action == STEP_VNF_COORDINATION)) {
			/* Asked, or closed at once for a deadline that passed
			 * before a restart (then maybe asked again). */
			ask(e, u, w->step->action == STEP_APPROVAL ?
			    APPROVAL_GATE : APPROVAL_VNF, 0);
			continue;
		}
		if (work_on_node(e, u, w) && hostkey_hold(e, u))
			return;
		work_start(e, u, w);
	}
}

void
units_progress(struct engine *e)
{
	for (size_t i = 0; i < e->nunits; i++)
		unit_advance(e, i);
}
