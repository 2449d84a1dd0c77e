/*
 * A node's unknown SSH host key is a question for the operator, not a
 * failed step. It is asked as soon as the transport meets the key: when
 * a session opened ahead of need finds it (the operator hears of it at
 * the start, not at 3 a.m. when the node's batch comes) or when a step's
 * own connection does (that action was never sent: its intent is taken
 * back). Meanwhile the node's steps that need a session with it wait
 * (a request to a URL does not) and the rest of the campaign goes on.
 * Accepting records the key (the transport checks it is still the one
 * shown) and the steps run as if for the first time, on a fresh
 * connection that must present that very key; denying fails them and
 * their policy applies; the denial is a journal fact, so a resumed run
 * keeps it. A changed key is never a question: the transport refuses
 * it, and news of one is an error in the log at once. Nor is the key of
 * a node with nothing left to do, until something needs it after all.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "escalator/util.h"
#include "engine_impl.h"

/* What a question found by a session opened ahead of need is about. */
#define AHEAD	"connecting ahead"

bool
hostkey_unknown(const struct engine *e, const struct transport_result *r)
{
	return r->status != TRANSPORT_OK && r->hostkey.type[0] != '\0' &&
	    e->tp->ops->hostkey_accept != NULL;
}

/* The open question about this key of this node, if any. */
static uint32_t
hostkey_asked(const struct engine *e, const char *node,
    const struct transport_hostkey *k)
{
	for (size_t i = 0; i < e->napprovals; i++) {
		const struct engine_approval *a = &e->approvals[i].info;

		if (a->kind == APPROVAL_HOSTKEY && a->node != NULL &&
		    strcmp(a->node, node) == 0 &&
		    strcmp(a->hostkey.fingerprint, k->fingerprint) == 0)
			return a->id;
	}
	return NO_APPROVAL;
}

/* The question about the key the node offers, asked now unless it is
 * open: one per node and key, whoever met it. */
static uint32_t
hostkey_question(struct engine *e, uint32_t node, const char *object)
{
	const struct node *n = &e->inv->nodes[node];
	const struct transport_hostkey *k = &e->hostkeys[node].offered;
	uint32_t id;
	char *summary;

	if ((id = hostkey_asked(e, n->name, k)) != NO_APPROVAL)
		return id;
	summary = xasprintf("%s (%s, port %d) offers an unknown %s host key "
	    "%s: accept it if that is the node's key (it is recorded in "
	    "known_hosts and the node's steps run), deny to fail them",
	    n->name, n->address ? n->address : n->name, n->port > 0 ?
	    n->port : 22, k->type, k->fingerprint);
	id = approval_open_hostkey(e, n->name, object, summary, k);
	free(summary);
	return id;
}

static bool
hostkey_denied(const struct engine *e, uint32_t node,
    const struct transport_hostkey *k)
{
	const struct node_hostkey *h = &e->hostkeys[node];

	return h->denied && strcmp(h->offered.fingerprint,
	    k->fingerprint) == 0;
}

/* A key that changes between two connections, both unknown, is
 * suspicious: said loudly, and the question about the first one is
 * withdrawn; its units go on and ask about the new one. */
static void
hostkey_replaced(struct engine *e, uint32_t node, uint32_t old,
    const struct transport_hostkey *k)
{
	const char *name = e->inv->nodes[node].name;
	char *msg;

	msg = xasprintf("%s now offers another unknown %s host key %s, not "
	    "%s as asked: that question is withdrawn and the new key put to "
	    "the operator; check it out of band", name, k->type,
	    k->fingerprint, e->hostkeys[node].offered.fingerprint);
	journal_event(e->j, NULL, "hostkey-changed", name, msg);
	note(e, name, "hostkey", "failed", "%s", msg);
	free(msg);
	approval_retract(e, old);
}

/* The node offers k: the operator's to decide, unless already denied. */
static void
hostkey_offered(struct engine *e, uint32_t node,
    const struct transport_hostkey *k)
{
	struct node_hostkey *h = &e->hostkeys[node];
	uint32_t old;

	if (hostkey_denied(e, node, k))
		return;
	if (h->offered.type[0] != '\0' && !h->denied &&
	    strcmp(h->offered.fingerprint, k->fingerprint) != 0 &&
	    (old = hostkey_asked(e, e->inv->nodes[node].name, &h->offered)) !=
	    NO_APPROVAL)
		hostkey_replaced(e, node, old, k);
	h->offered = *k;
	h->denied = false;
}

void
hostkey_met(struct engine *e, struct unit *u,
    const struct transport_hostkey *k)
{
	const struct work *w = &u->works[u->next];

	/* Never sent: not an attempt, and nothing to probe after a crash. */
	journal_step_withdraw(e->j, u->jid);
	view_node(e, w->node, NULL, 0, "unknown host key: waits for the "
	    "operator");
	if (hostkey_denied(e, w->node, k)) {
		unit_denied(e, u, "host key denied by the operator");
		return;
	}
	hostkey_offered(e, w->node, k);
	u->st = UNIT_APPROVAL;
	u->approval = hostkey_question(e, w->node, w->name);
}

void
hostkey_probed(struct engine *e, uint32_t node,
    const struct transport_result *r)
{
	if (hostkey_unknown(e, r) && !node_skipped(e, node))
		hostkey_offered(e, node, &r->hostkey);
}

void
hostkey_news(struct engine *e, const struct transport_result *r)
{
	const char *name;

	if (r->node >= e->inv->count || node_skipped(e, r->node))
		return;
	if (hostkey_unknown(e, r)) {
		hostkey_offered(e, r->node, &r->hostkey);
		return;		/* asked by hostkeys_ask() */
	}
	/* A changed key: as loud now as when a step meets it. */
	name = e->inv->nodes[r->node].name;
	journal_event(e->j, NULL, "hostkey-refused", name, r->output);
	note(e, name, "hostkey", "failed", "%s", r->output);
}

bool
hostkey_hold(struct engine *e, struct unit *u)
{
	const struct work *w = &u->works[u->next];
	const struct node_hostkey *h;

	if (w->node == NO_NODE)
		return false;
	h = &e->hostkeys[w->node];
	/* A denied key is tried again: known_hosts may have it by now. */
	if (h->offered.type[0] == '\0' || h->denied)
		return false;
	u->st = UNIT_APPROVAL;
	u->approval = hostkey_question(e, w->node, w->name);
	return true;
}

/* A unit of the phase has works left on the node. */
static bool
units_work_on(const struct engine *e, uint32_t node)
{
	for (size_t i = 0; i < e->nunits; i++) {
		const struct unit *u = &e->units[i];

		if (u->st == UNIT_DONE)
			continue;
		for (size_t k = u->next; k < u->nworks; k++)
			if (u->works[k].node == node)
				return true;
	}
	return false;
}

/* Whether the run still has steps for the node: validation and the
 * testing phase run on every node, a procedure on those not through. */
static bool
work_left(const struct engine *e, uint32_t node)
{
	const char *status = e->view.nodes[node].status;

	if (node_skipped(e, node))
		return false;
	if (units_work_on(e, node))
		return true;
	switch (e->phase) {
	case ENGINE_PHASE_PREPARATION:
	case ENGINE_PHASE_VALIDATION:
	case ENGINE_PHASE_BACKUP:
		return true;
	case ENGINE_PHASE_EXECUTION:
		return e->c->ntests > 0 || status == NULL ||
		    strcmp(status, "pending") == 0 ||
		    strcmp(status, "running") == 0;
	default:
		return false;
	}
}

void
hostkeys_ask(struct engine *e)
{
	for (uint32_t i = 0; i < e->inv->count; i++)
		if (e->hostkeys[i].offered.type[0] != '\0' &&
		    !e->hostkeys[i].denied && work_left(e, i))
			hostkey_question(e, i, AHEAD);
}

static char *
denied_key(const char *node)
{
	return xasprintf("hostkey-denied.%s", node);
}

/* The keys denied before a restart stay denied. */
void
hostkeys_restore(struct engine *e)
{
	for (uint32_t i = 0; i < e->inv->count; i++) {
		struct node_hostkey *h = &e->hostkeys[i];
		char *key = denied_key(e->inv->nodes[i].name);
		char *v = journal_fact_get(e->j, key);

		if (v != NULL && sscanf(v, "%31s %63s", h->offered.type,
		    h->offered.fingerprint) == 2)
			h->denied = true;
		free(v);
		free(key);
	}
}

static void
denial_record(struct engine *e, const struct engine_approval *a)
{
	char *key = denied_key(a->node), *v;

	v = xasprintf("%s %s", a->hostkey.type, a->hostkey.fingerprint);
	journal_fact_put(e->j, key, v);
	free(v);
	free(key);
}

void
hostkey_decided(struct engine *e, const struct engine_approval *a,
    bool accepted)
{
	long node = inventory_find(e->inv, a->node);
	struct node_hostkey *h;
	char *err = NULL, *why;

	if (node < 0)
		return;
	h = &e->hostkeys[node];
	if (!accepted)
		denial_record(e, a);
	if (accepted && e->tp->ops->hostkey_accept(e->tp, (uint32_t)node,
	    a->hostkey.fingerprint, &err) == -1) {
		if (err == NULL)
			err = xstrdup("cannot record the host key");
		note(e, a->node, "hostkey", "failed", "%s", err);
		accepted = false;
	} else if (accepted)
		note(e, a->node, "hostkey", "ok", "%s: %s host key %s recorded "
		    "in known_hosts", a->node, a->hostkey.type,
		    a->hostkey.fingerprint);
	if (strcmp(h->offered.fingerprint, a->hostkey.fingerprint) == 0) {
		if (accepted)
			memset(&h->offered, 0, sizeof h->offered);
		h->denied = !accepted;
	}
	why = err != NULL ? err : xstrdup("host key denied by the operator");
	/* Failing a unit may add units and move the array: by index. */
	for (size_t i = 0; i < e->nunits; i++) {
		struct unit *u = &e->units[i];

		if (u->st != UNIT_APPROVAL || u->approval != a->id)
			continue;
		u->approval = NO_APPROVAL;
		/* The same attempt: the step never ran. */
		if (accepted)
			u->st = UNIT_READY;
		else
			unit_denied(e, u, why);
	}
	free(why);
}
