/*
 * One SSH session per node, opened when a step first needs it and kept
 * for every later step. Connecting, checking the host key and
 * authenticating all happen without blocking: session_advance() takes
 * each as far as it can go whenever its socket is ready.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escalator/util.h"
#include "ssh_impl.h"

#define DEFAULT_CONNECT_TIMEOUT_MS	15000

int
session_options_set(struct ssh_transport *t, uint32_t node, ssh_session s)
{
	const struct node *n = &t->cfg.inventory->nodes[node];
	int port = n->port > 0 ? n->port : 22;
	char *jump;
	bool no = false;
	int rc;

	if (jump_command(t, n, &jump) == -1)
		return -1;
	if (jump != NULL) {
		rc = ssh_options_set(s, SSH_OPTIONS_PROXYCOMMAND, jump);
		free(jump);
		if (rc < 0)
			return -1;
	}
	return ssh_options_set(s, SSH_OPTIONS_HOST, n->address != NULL ?
	    n->address : n->name) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PORT, &port) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_USER, n->user != NULL ? n->user :
	    "root") < 0 ||
	    /* Only our known_hosts decides, and no ~/.ssh/config changes
	     * what the inventory says. */
	    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, t->known_hosts) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS,
	    t->known_hosts) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no) < 0 ? -1 : 0;
}

void
session_want(struct ssh_transport *t, uint32_t node)
{
	struct ssh_node *sn = &t->nodes[node];
	int64_t timeout = t->cfg.connect_timeout_ms > 0 ?
	    t->cfg.connect_timeout_ms : DEFAULT_CONNECT_TIMEOUT_MS;

	if (sn->state != SESSION_NONE)
		return;
	if ((sn->session = ssh_new()) == NULL)
		abort();
	if (session_options_set(t, node, sn->session) == -1) {
		char *why = xasprintf("%s: bad SSH options: %s",
		    node_name(t, node), ssh_get_error(sn->session));

		session_drop(t, node, why);
		free(why);
		return;
	}
	ssh_set_blocking(sn->session, 0);
	sn->state = SESSION_CONNECTING;
	sn->deadline = time_mono_ms() + timeout;
	session_advance(t, node);
}

/* Fail every action that needs the node's session, then close it. */
void
session_drop(struct ssh_transport *t, uint32_t node, const char *why)
{
	struct ssh_node *sn = &t->nodes[node];
	bool was_ready = sn->state == SESSION_READY, again = false;

	for (struct job *j = t->jobs; j != NULL; j = j->next_job)
		if (j->node == node && j->kind == JOB_EXEC && !j->done &&
		    exec_session_lost(t, j, was_ready, why))
			again = true;
		else if (j->node == node && j->kind == JOB_SFTP && !j->done &&
		    transfer_session_lost(t, j, was_ready, why))
			again = true;
	reapers_drop(t, node);
	if (sn->session != NULL) {
		ssh_disconnect(sn->session);
		ssh_free(sn->session);
	}
	sn->session = NULL;
	sn->state = SESSION_NONE;
	if (again)
		session_want(t, node);
}

static void
session_fail(struct ssh_transport *t, uint32_t node, const char *what)
{
	char *why = xasprintf("%s: %s: %s", node_name(t, node), what,
	    ssh_get_error(t->nodes[node].session));

	session_drop(t, node, why);
	free(why);
}

/* A refused host key fails the node's commands; an unknown one goes
 * with their results, for the operator to accept. Met ahead of need,
 * either is news at once: the operator hears of it now, not when the
 * node's batch comes. */
static void
session_refuse(struct ssh_transport *t, uint32_t node, const char *why)
{
	struct ssh_node *sn = &t->nodes[node];
	bool needed = false;

	/* The jobs that session_drop() fails: those on this session. */
	for (struct job *j = t->jobs; j != NULL; j = j->next_job)
		if (j->node == node && !j->done && (j->kind == JOB_EXEC ||
		    (j->kind == JOB_SFTP && !j->queued))) {
			needed = true;
			if (sn->unknown.type[0] != '\0')
				j->result.hostkey = sn->unknown;
		}
	if (!needed) {
		sn->news = true;
		snprintf(sn->news_text, sizeof sn->news_text, "%s", why);
	}
	session_drop(t, node, why);
}

int
session_authenticate(struct ssh_transport *t, ssh_session s)
{
	if (t->key != NULL)
		return ssh_userauth_publickey(s, NULL, t->key);
	return ssh_userauth_agent(s, NULL);
}

void
session_advance(struct ssh_transport *t, uint32_t node)
{
	struct ssh_node *sn = &t->nodes[node];
	char *err = NULL;
	int rc;

	if (sn->state == SESSION_CONNECTING) {
		if ((rc = ssh_connect(sn->session)) == SSH_AGAIN)
			goto pending;
		if (rc != SSH_OK) {
			session_fail(t, node, "cannot connect");
			return;
		}
		if (hostkey_verify(t, node, &err) == -1) {
			session_refuse(t, node, err);
			free(err);
			return;
		}
		sn->state = SESSION_AUTH;
	}
	if (sn->state == SESSION_AUTH) {
		if ((rc = session_authenticate(t, sn->session)) ==
		    SSH_AUTH_AGAIN)
			goto pending;
		if (rc != SSH_AUTH_SUCCESS) {
			session_fail(t, node, rc == SSH_AUTH_ERROR ?
			    "authentication failed" : t->key != NULL ?
			    "the server refused our key" :
			    "the server refused every key of the agent");
			return;
		}
		sn->state = SESSION_READY;
	}
	return;
pending:
	if (time_mono_ms() >= sn->deadline) {
		char *why = xasprintf("%s: no SSH session after %d ms: timed "
		    "out", node_name(t, node), t->cfg.connect_timeout_ms > 0 ?
		    t->cfg.connect_timeout_ms : DEFAULT_CONNECT_TIMEOUT_MS);

		session_drop(t, node, why);
		free(why);
	}
}

/* An idle session is left alone: what its server may say (closing it)
 * is read when a step needs it again, and it does not wake us. */
short
session_poll_events(const struct ssh_node *sn, bool busy)
{
	int flags;

	if (sn->session == NULL || ssh_get_fd(sn->session) < 0 ||
	    (sn->state == SESSION_READY && !busy))
		return 0;
	flags = ssh_get_poll_flags(sn->session);
	return (short)(POLLIN | ((flags & SSH_WRITE_PENDING) ? POLLOUT : 0));
}
