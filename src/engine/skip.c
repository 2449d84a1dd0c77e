/*
 * Skipping a node: the operator takes a node out of the campaign and
 * leaves it as it is, nothing undone. Its remaining steps do not run,
 * the nodes after it go on, and it counts as failed in its batch, so a
 * batch's max_failure_percent still holds. The status "skipped" in the
 * journal's node table is what keeps it out after a restart.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "escalator/util.h"
#include "engine_impl.h"

bool
node_skipped(const struct engine *e, uint32_t node)
{
	return strcmp(e->view.nodes[node].status, "skipped") == 0;
}

/* A node is skipped at rest or between two of its steps, never while
 * the campaign changes state or rolls back. */
static bool
state_allows_skip(enum engine_state s)
{
	return s == ENGINE_STATE_EXECUTING || s == ENGINE_STATE_SUSPENDED ||
	    s == ENGINE_STATE_ERROR_DETECTED ||
	    s == ENGINE_STATE_EXECUTION_COMPLETED;
}

static bool
status_is_final(const char *st)
{
	return strcmp(st, "upgraded") == 0 || strcmp(st, "committed") == 0 ||
	    strcmp(st, "rolled-back") == 0 || strcmp(st, "skipped") == 0;
}

/* Why the node may not be skipped now (malloc'd), or NULL. */
static char *
skip_refusal(const struct engine *e, uint32_t node)
{
	const char *name = e->inv->nodes[node].name;
	const char *st = e->view.nodes[node].status;

	if (!state_allows_skip(e->state))
		return xasprintf("not while the campaign is %s",
		    engine_state_name(e->state));
	if (status_is_final(st))
		return xasprintf("%s is already %s", name, st);
	for (size_t i = 0; i < e->nunits; i++) {
		const struct unit *u = &e->units[i];

		if (u->next >= u->nworks || u->works[u->next].node != node)
			continue;
		if (u->st == UNIT_RUNNING)
			return xasprintf("a step runs on %s: wait for its end, "
			    "or pause", name);
		if (u->st == UNIT_APPROVAL)
			return xasprintf("%s waits for decision #%u: answer it "
			    "first", name, u->approval);
	}
	return NULL;
}

/* Units stopped on the node: its task ends as skipped; the others go
 * on past its works. */
static void
units_skip(struct engine *e, uint32_t node)
{
	for (size_t i = 0; i < e->nunits; i++) {
		struct unit *u = &e->units[i];

		if (u->st == UNIT_DONE || u->next >= u->nworks ||
		    u->works[u->next].node != node)
			continue;
		u->attempt = 1;
		if (u->role == ROLE_TASK) {
			u->st = UNIT_DONE;
			unit_finished(e, u);
		} else
			u->st = UNIT_READY;
	}
}

/* Tasks of the node the scheduler has not started: done, as failed. */
static void
tasks_skip_waiting(struct engine *e, uint32_t node)
{
	for (uint32_t p = 0; p < e->plan.nprocs; p++) {
		struct sched_pick pick = { p, node, 0 };

		if (sched_batch_of(e->sched, p, node) != UINT32_MAX)
			continue;	/* started, done, or not of it */
		sched_skip(e->sched, p, node, false);
		pick.batch = sched_batch_of(e->sched, p, node);
		if (pick.batch != UINT32_MAX)
			task_record(e, &pick, "skipped");
	}
}

void
command_skip(struct engine *e, const struct engine_command *cmd)
{
	const char *op = cmd->operator ? cmd->operator : e->operator;
	long n = cmd->node ? inventory_find(e->inv, cmd->node) : -1;
	char *why, *object;

	why = n < 0 ? xasprintf("no node %s in the inventory", cmd->node ?
	    cmd->node : "named") : skip_refusal(e, (uint32_t)n);
	object = xasprintf("node:%s", cmd->node ? cmd->node : "");
	if (why != NULL) {
		journal_event(e->j, op, "refused", object, why);
		note(e, n < 0 ? "" : cmd->node, "skip", "refused", "skip: %s",
		    why);
		free(why);
		free(object);
		return;
	}
	why = xasprintf("left as it is (%s, version %s); its remaining steps "
	    "do not run", e->view.nodes[n].status, e->node_version[n]);
	journal_event(e->j, op, "skip", object, why);
	/* The status first: after a crash it alone keeps the node out. */
	node_put(e, (uint32_t)n, "skipped");
	units_skip(e, (uint32_t)n);
	tasks_skip_waiting(e, (uint32_t)n);
	note(e, cmd->node, "skip", "ok", "%s skipped by %s: %s; it counts as "
	    "failed in its batch", cmd->node, op, why);
	free(why);
	free(object);
}

/* Resume with nodes to skip: before anything runs, so that a failed
 * step on one is not tried again first. */
void
skips_configured(struct engine *e)
{
	struct engine_command cmd = { .type = ENGINE_CMD_SKIP_NODE,
	    .operator = e->operator };

	if (e->cfg.skip_nodes == NULL || !operator_may_run(e, &cmd))
		return;
	for (size_t i = 0; i < e->cfg.skip_nodes->count; i++) {
		cmd.node = e->cfg.skip_nodes->items[i];
		command_skip(e, &cmd);
	}
}

/* "a, b, c": the skipped nodes, *count of them. */
char *
skipped_list(const struct engine *e, size_t *count)
{
	char *list = xstrdup(""), *longer;

	*count = 0;
	for (uint32_t n = 0; n < e->inv->count; n++) {
		if (!node_skipped(e, n))
			continue;
		longer = xasprintf("%s%s%s", list, *count ? ", " : "",
		    e->inv->nodes[n].name);
		free(list);
		list = longer;
		(*count)++;
	}
	return list;
}

/* The commit names what it leaves behind. */
void
skipped_report(struct engine *e)
{
	size_t count;
	char *list = skipped_list(e, &count), *msg;

	if (count > 0) {
		msg = xasprintf("committed with %zu node%s skipped, left as "
		    "they are: %s", count, count == 1 ? "" : "s", list);
		journal_event(e->j, NULL, "commit", "campaign", msg);
		note(e, "", "commit", "warning", "%s", msg);
		free(msg);
	}
	free(list);
}
