/*
 * Actions the controller carries out itself, on the same event loop:
 * waits, steps with nothing to run on the node, the load-balancer
 * handover through HAProxy's admin socket, and the VIM's (ssh_vim.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "escalator/handover.h"
#include "escalator/util.h"
#include "ssh_impl.h"

/* How often a drain or an enable asks HAProxy how it is going: the
 * admin socket answers in well under a millisecond, and every poll
 * period is added, half of it on average, to each node's handover. */
#define HANDOVER_POLL_MS	20

static int64_t
wait_ms(const struct step *s)
{
	if (s == NULL)
		return 1000;
	if (s->expected_ms > 0)
		return s->expected_ms;
	return s->timeout_ms > 0 ? s->timeout_ms / 2 : 1000;
}

static int
handover_start(struct ssh_transport *t, struct job *j,
    const struct transport_action *a, char **err)
{
	bool on = a->kind == TRANSPORT_MAINTENANCE_ON;

	if (t->haproxy_socket == NULL) {
		*err = xasprintf("%s: handover \"lb\" needs HAProxy's admin "
		    "socket and backend, and none is configured",
		    node_name(t, j->node));
		return -1;
	}
	/* Undoing maintenance on gives the load back, and the reverse. */
	j->kind = on != a->undo ? JOB_DRAIN : JOB_ENABLE;
	j->next = time_mono_ms();
	return 0;
}

int
local_start(struct ssh_transport *t, struct job *j,
    const struct transport_action *a, char **err)
{
	const char *handover = a->step != NULL ? a->step->handover : NULL;

	if ((a->kind == TRANSPORT_MAINTENANCE_ON ||
	    a->kind == TRANSPORT_MAINTENANCE_OFF) && handover != NULL) {
		if (strcmp(handover, "lb") == 0)
			return handover_start(t, j, a, err);
		if (strcmp(handover, "vim") == 0)
			return vim_start(t, j, a, err);
		if (strcmp(handover, "none") != 0) {
			*err = xasprintf("handover \"%s\" is not supported by "
			    "the ssh transport", handover);
			return -1;
		}
	}
	j->kind = JOB_TIMER;
	if (a->kind == TRANSPORT_WAIT) {
		j->next = time_mono_ms() + wait_ms(a->step);
		j->text = xasprintf("waited %lld ms",
		    (long long)wait_ms(a->step));
		return 0;
	}
	switch (a->kind) {
	case TRANSPORT_ALARMS:
		j->text = xstrdup("no alarm source in the campaign");
		break;
	case TRANSPORT_VNFM:
		j->text = xstrdup("no VNF manager in the campaign");
		break;
	case TRANSPORT_MAINTENANCE_ON:
	case TRANSPORT_MAINTENANCE_OFF:
		j->text = xstrdup("handover none: nothing to hand over");
		break;
	default:
		*err = xasprintf("%s on %s: no command or URL to run",
		    transport_kind_name(a->kind), node_name(t, j->node));
		return -1;
	}
	j->next = time_mono_ms();
	return 0;
}

static void
handover_advance(struct ssh_transport *t, struct job *j, int64_t now)
{
	const char *name = node_name(t, j->node);
	bool drain = j->kind == JOB_DRAIN;
	struct haproxy_server srv;
	char *err = NULL;

	if (!j->requested) {
		if (haproxy_set_state(t->haproxy_socket, t->haproxy_backend,
		    name, drain ? "drain" : "ready", &err) == -1)
			goto failed;
		j->requested = true;
	}
	if (haproxy_server_get(t->haproxy_socket, t->haproxy_backend, name,
	    &srv, &err) == -1)
		goto failed;
	if (drain && srv.sessions == 0) {
		job_finish(t, j, true, 0, "drained in %s: no session left",
		    t->haproxy_backend);
		return;
	}
	if (!drain && haproxy_server_serving(&srv)) {
		job_finish(t, j, true, 0, "serving again in %s (%s)",
		    t->haproxy_backend, srv.status);
		return;
	}
	j->next = now + HANDOVER_POLL_MS;
	return;
failed:
	job_finish(t, j, false, 1, "%s", err);
	free(err);
}

void
local_advance(struct ssh_transport *t, struct job *j, int64_t now)
{
	if (j->done || now < j->next)
		return;
	if (j->kind == JOB_TIMER)
		job_finish(t, j, true, 0, "%s", j->text);
	else if (j->kind == JOB_VIM)
		vim_advance(t, j, now);
	else
		handover_advance(t, j, now);
}
