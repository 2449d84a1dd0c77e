/*
 * Approvals: phase boundaries, gates, VNF coordination points, unknown
 * outcomes and unknown host keys wait here for an operator's decision.
 * Every decision is journaled with the operator's name. A gate or VNF
 * question of a step with a timeout has a deadline: unanswered by then it
 * closes and the step fails, so a forgotten question cannot hold nodes
 * half upgraded for ever; a defer pushes the deadline.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escalator/util.h"
#include "engine_impl.h"

/* The time left goes first: a long summary is cut on a narrow screen. */
char *
engine_approval_line(const struct engine_approval *a, int64_t now_ms)
{
	char left[32];

	if (a->deadline_ms == 0)
		return xasprintf("approval #%u: %s", a->id,
		    a->summary ? a->summary : "");
	duration_format(a->deadline_ms - now_ms, left, sizeof left);
	return xasprintf("approval #%u (answer within %s): %s", a->id, left,
	    a->summary ? a->summary : "");
}

static struct open_approval *
approval_new(struct engine *e, enum approval_kind kind, long unit,
    const char *node, const char *object, const char *affected,
    const char *summary)
{
	struct open_approval *a;

	e->approvals = xreallocarray(e->approvals, e->napprovals + 1,
	    sizeof *e->approvals);
	a = &e->approvals[e->napprovals++];
	memset(a, 0, sizeof *a);
	a->unit = unit;
	a->info.id = ++e->last_approval;
	a->info.kind = kind;
	a->info.node = node != NULL && *node ? xstrdup(node) : NULL;
	a->info.object = xstrdup(object);
	a->info.affected = affected != NULL && *affected ? xstrdup(affected) :
	    NULL;
	a->info.summary = xstrdup(summary);
	return a;
}

static uint32_t
approval_announce(struct engine *e, const struct open_approval *a)
{
	journal_event(e->j, NULL, "approval-requested", a->info.object,
	    a->info.summary);
	emit_approval(e, &a->info);
	view_approvals(e);
	return a->info.id;
}

uint32_t
approval_open(struct engine *e, enum approval_kind kind, long unit,
    const char *node, const char *object, const char *affected,
    const char *summary)
{
	return approval_announce(e, approval_new(e, kind, unit, node, object,
	    affected, summary));
}

/* A node's question, not a unit's: every unit on the node may wait
 * for it. */
uint32_t
approval_open_hostkey(struct engine *e, const char *node, const char *object,
    const char *summary, const struct transport_hostkey *key)
{
	struct open_approval *a = approval_new(e, APPROVAL_HOSTKEY, -1, node,
	    object, NULL, summary);

	a->info.hostkey = *key;
	return approval_announce(e, a);
}

/* The journal keeps a question's deadline (fact KEY, ms on the engine
 * clock; "" once closed), so a crash neither grants a fresh timeout nor
 * forgets one that passed meanwhile. */
static int64_t
deadline_recall(struct engine *e, const char *key, int64_t timeout_ms)
{
	char *v = journal_fact_get(e->j, key), *end, buf[32];
	int64_t d = 0;

	if (v != NULL && *v != '\0') {
		d = strtoll(v, &end, 10);
		if (*end != '\0' || d <= 0)
			d = 0;
	}
	free(v);
	if (d != 0)
		return d;
	d = clock_now(e->clock) + timeout_ms;
	snprintf(buf, sizeof buf, "%" PRId64, d);
	journal_fact_put(e->j, key, buf);
	return d;
}

static void
deadline_forget(struct engine *e, struct open_approval *a)
{
	if (a->fact != NULL && e->j != NULL)
		journal_fact_put(e->j, a->fact, "");
	free(a->fact);
	a->fact = NULL;
}

/* The journal and the log say why the step is about to fail. */
static void
expired_note(struct engine *e, const char *node, const char *object,
    int64_t deadline)
{
	char iso[32];

	clock_format_iso(deadline, iso, sizeof iso);
	journal_event(e->j, NULL, "expired", object,
	    "no answer before the deadline");
	note(e, node != NULL ? node : "", "approval", "expired", "%s: no "
	    "answer before the deadline (%s)", object, iso);
}

/* A gate or VNF question answered by the deadline under fact key, or
 * closed: NO_APPROVAL when that deadline passed already (a resumed run),
 * journaled as for one that passes while open. */
uint32_t
approval_open_timed(struct engine *e, enum approval_kind kind, long unit,
    const char *node, const char *object, const char *affected,
    const char *summary, const char *key, int64_t timeout_ms)
{
	int64_t deadline = deadline_recall(e, key, timeout_ms);
	struct open_approval *a;

	if (clock_now(e->clock) >= deadline) {
		journal_fact_put(e->j, key, "");
		expired_note(e, node, object, deadline);
		return NO_APPROVAL;
	}
	a = approval_new(e, kind, unit, node, object, affected, summary);
	a->fact = xstrdup(key);
	a->info.deadline_ms = deadline;
	a->info.extend_ms = timeout_ms;
	return approval_announce(e, a);
}

/* Every unit waiting on the approval may go on (and ask again). */
static void
units_release(struct engine *e, uint32_t id)
{
	for (size_t i = 0; i < e->nunits; i++)
		if (e->units[i].st == UNIT_APPROVAL &&
		    e->units[i].approval == id) {
			e->units[i].st = UNIT_READY;
			e->units[i].approval = NO_APPROVAL;
		}
}

static void
approval_drop(struct engine *e, size_t i)
{
	free(e->approvals[i].fact);
	approval_info_free(&e->approvals[i].info);
	memmove(&e->approvals[i], &e->approvals[i + 1],
	    (e->napprovals - i - 1) * sizeof *e->approvals);
	e->napprovals--;
}

/* Closed for good: its deadline goes with it. */
static void
approval_remove(struct engine *e, size_t i)
{
	deadline_forget(e, &e->approvals[i]);
	approval_drop(e, i);
}

/* Its waiting units go on (and ask again), or the phase is asked
 * again. */
static void
approval_release(struct engine *e, const struct engine_approval *a)
{
	if (a->kind == APPROVAL_PHASE)
		e->phase_asked = false;
	else
		units_release(e, a->id);
}

/* Deferred or suspended: every open question is asked again later, with
 * a fresh deadline: the operator stopped the campaign on purpose. The
 * engine stopping (a quit, a hang-up) is no decision: the deadlines stay
 * journaled. */
void
approvals_withdraw(struct engine *e, bool keep_deadlines)
{
	while (e->napprovals > 0) {
		approval_release(e, &e->approvals[0].info);
		if (keep_deadlines)
			approval_drop(e, 0);
		else
			approval_remove(e, 0);
	}
	free(e->approvals);
	e->approvals = NULL;
	if (e->thread_started)
		view_approvals(e);
}

void
approval_retract(struct engine *e, uint32_t id)
{
	for (size_t i = 0; i < e->napprovals; i++)
		if (e->approvals[i].info.id == id) {
			approval_release(e, &e->approvals[i].info);
			approval_remove(e, i);
			view_approvals(e);
			return;
		}
}

/* A defer of a question with a deadline: another timeout to answer, and
 * the campaign goes on waiting for it rather than suspend. */
static void
approval_extend(struct engine *e, struct open_approval *a, const char *op)
{
	char buf[32], iso[32], *msg;

	a->info.deadline_ms += a->info.extend_ms;
	snprintf(buf, sizeof buf, "%" PRId64, a->info.deadline_ms);
	journal_fact_put(e->j, a->fact, buf);
	clock_format_iso(a->info.deadline_ms, iso, sizeof iso);
	msg = xasprintf("deadline %s", iso);
	journal_event(e->j, op, "defer", a->info.object, msg);
	free(msg);
	note(e, a->info.node ? a->info.node : "", "defer", "ok",
	    "#%u %s deferred by %s: answer by %s", a->info.id,
	    a->info.object, op, iso);
	view_approvals(e);
}

/* The earliest deadline of an open question, or CLOCK_NEVER. */
int64_t
approvals_deadline(const struct engine *e)
{
	int64_t d = CLOCK_NEVER;

	for (size_t i = 0; i < e->napprovals; i++)
		if (e->approvals[i].info.deadline_ms > 0 &&
		    e->approvals[i].info.deadline_ms < d)
			d = e->approvals[i].info.deadline_ms;
	return d;
}

/* Questions nobody answered in time close, and their steps fail. */
void
approvals_expire(struct engine *e)
{
	int64_t now = clock_now(e->clock);
	size_t i = 0;

	while (i < e->napprovals) {
		struct open_approval *a = &e->approvals[i];
		long unit = a->unit;

		if (a->info.deadline_ms == 0 || now < a->info.deadline_ms) {
			i++;
			continue;
		}
		expired_note(e, a->info.node, a->info.object,
		    a->info.deadline_ms);
		approval_remove(e, i);
		view_approvals(e);
		unit_question_expired(e, &e->units[unit]);
	}
}

static void
phase_decided(struct engine *e, enum engine_cmd_type how)
{
	char *key = xasprintf("approval.%s", engine_phase_name(e->phase));

	e->phase_asked = false;
	if (how == ENGINE_CMD_APPROVE)
		journal_fact_put(e->j, key, "approved");
	else if (e->phase <= ENGINE_PHASE_EXECUTION)
		/* Nothing on the nodes changed yet: stop here. */
		stop_at_safe_point(e, AFTER_ABORT);
	else
		stop_at_safe_point(e, AFTER_ROLLBACK);
	free(key);
}

void
approval_command(struct engine *e, const struct engine_command *cmd)
{
	const char *op = cmd->operator ? cmd->operator : e->operator;
	struct open_approval a;
	enum engine_right need;
	size_t i;

	for (i = 0; i < e->napprovals; i++)
		if (e->approvals[i].info.id == cmd->approval)
			break;
	if (i == e->napprovals) {
		note(e, "", "approval", "ignored", "no open approval #%u",
		    cmd->approval);
		return;
	}
	/* Trusting a host key is running things on it: not an approver's. */
	need = e->approvals[i].info.kind == APPROVAL_HOSTKEY ? RIGHT_RUN :
	    RIGHT_APPROVE;
	if (!engine_operator_allowed(e->c, op, need)) {
		journal_event(e->j, op, "refused", e->approvals[i].info.object,
		    need == RIGHT_RUN ? "not allowed to accept host keys" :
		    "not allowed to decide approvals");
		note(e, "", "approval", "refused", "%s may not decide %s", op,
		    need == RIGHT_RUN ? "on host keys" : "approvals");
		return;
	}
	if (cmd->type == ENGINE_CMD_DEFER &&
	    e->approvals[i].info.deadline_ms > 0) {
		approval_extend(e, &e->approvals[i], op);
		return;
	}
	a = e->approvals[i];
	e->approvals[i].info = (struct engine_approval){ 0 };
	approval_remove(e, i);
	view_approvals(e);
	journal_event(e->j, op, cmd->type == ENGINE_CMD_APPROVE ? "approve" :
	    cmd->type == ENGINE_CMD_DENY ? "deny" : "defer", a.info.object,
	    a.info.summary);
	note(e, a.info.node ? a.info.node : "",
	    cmd->type == ENGINE_CMD_APPROVE ? "approve" :
	    cmd->type == ENGINE_CMD_DENY ? "deny" : "defer", "ok",
	    "#%u %s %s by %s", a.info.id, a.info.object,
	    cmd->type == ENGINE_CMD_APPROVE ? "approved" :
	    cmd->type == ENGINE_CMD_DENY ? "denied" : "deferred", op);
	if (cmd->type == ENGINE_CMD_DEFER) {
		approval_release(e, &a.info);
		stop_at_safe_point(e, AFTER_SUSPEND);
	} else if (a.info.kind == APPROVAL_HOSTKEY)
		hostkey_decided(e, &a.info, cmd->type == ENGINE_CMD_APPROVE);
	else if (a.unit < 0)
		phase_decided(e, cmd->type);
	else
		unit_approval_done(e, &e->units[a.unit],
		    cmd->type == ENGINE_CMD_APPROVE, a.old_jid);
	approval_info_free(&a.info);
}
