/*
 * A node's unknown SSH host key becomes the operator's decision rather
 * than a failure: the steps that met it wait, the rest of the campaign
 * goes on. Accepting records the key (the transport checks it is still
 * the one shown) and runs the steps again on a fresh connection, which
 * must present that very key; denying fails them and their policy
 * applies. A changed key never gets here: the transport refuses it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "escalator/util.h"
#include "engine_impl.h"

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

void
hostkey_ask(struct engine *e, struct unit *u,
    const struct transport_hostkey *k)
{
	const struct work *w = &u->works[u->next];
	const struct node *n = &e->inv->nodes[w->node];
	char *summary;

	u->st = UNIT_APPROVAL;
	/* Steps that meet the same key share one question. */
	if ((u->approval = hostkey_asked(e, n->name, k)) != NO_APPROVAL)
		return;
	summary = xasprintf("%s (%s, port %d) offers an unknown %s host key "
	    "%s: accept it if that is the node's key (it is recorded in "
	    "known_hosts and %s runs), deny to fail %s", n->name,
	    n->address ? n->address : n->name, n->port > 0 ? n->port : 22,
	    k->type, k->fingerprint, w->name, w->name);
	u->approval = approval_open_hostkey(e, u - e->units, n->name,
	    w->name, summary, k);
	free(summary);
}

void
hostkey_decided(struct engine *e, const struct engine_approval *a,
    bool accepted)
{
	long node = inventory_find(e->inv, a->node);
	char *err = NULL, *why;

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
	why = err != NULL ? err : xstrdup("host key denied by the operator");
	/* Failing a unit may add units and move the array: by index. */
	for (size_t i = 0; i < e->nunits; i++) {
		struct unit *u = &e->units[i];

		if (u->st != UNIT_APPROVAL || u->approval != a->id)
			continue;
		u->approval = NO_APPROVAL;
		if (accepted) {
			u->attempt++;
			u->st = UNIT_READY;
			continue;
		}
		u->denied = true;	/* no retry: nothing changed */
		emit_step_finished(e, &u->works[u->next], STEP_STATUS_FAILED,
		    why);
		unit_failed(e, u, why);
	}
	free(why);
}
