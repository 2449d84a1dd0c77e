/*
 * Approvals: phase boundaries, gates, VNF coordination points, unknown
 * outcomes and unknown host keys wait here for an operator's decision.
 * Every decision is journaled with the operator's name.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "escalator/util.h"
#include "engine_impl.h"

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

uint32_t
approval_open_hostkey(struct engine *e, long unit, const char *node,
    const char *object, const char *summary,
    const struct transport_hostkey *key)
{
	struct open_approval *a = approval_new(e, APPROVAL_HOSTKEY, unit, node,
	    object, NULL, summary);

	a->info.hostkey = *key;
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
approval_remove(struct engine *e, size_t i)
{
	approval_info_free(&e->approvals[i].info);
	memmove(&e->approvals[i], &e->approvals[i + 1],
	    (e->napprovals - i - 1) * sizeof *e->approvals);
	e->napprovals--;
}

/* Deferred or suspended: every open question is asked again later. */
void
approvals_withdraw(struct engine *e)
{
	while (e->napprovals > 0) {
		struct open_approval *a = &e->approvals[0];

		if (a->unit >= 0 && (size_t)a->unit < e->nunits)
			units_release(e, a->info.id);
		else
			e->phase_asked = false;
		approval_remove(e, 0);
	}
	free(e->approvals);
	e->approvals = NULL;
	if (e->thread_started)
		view_approvals(e);
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
		if (a.unit >= 0)
			units_release(e, a.info.id);
		else
			e->phase_asked = false;
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
