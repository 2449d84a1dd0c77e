/*
 * The load-balancer handover: before a node is upgraded its server is
 * drained in HAProxy (no new sessions, the open ones end on their own),
 * and after its health check passes it is enabled again. Each call is
 * one short exchange on HAProxy's local admin socket ("stats socket
 * PATH level admin"), so callers may poll them from an event loop.
 */
#ifndef ESCALATOR_HANDOVER_H
#define ESCALATOR_HANDOVER_H

#include <stdbool.h>

struct haproxy_server {
	long	sessions;	/* scur: open sessions */
	char	status[24];	/* "UP", "DOWN", "DRAIN", "MAINT", ... */
};

/* Send one admin command; *reply (malloc'd) is HAProxy's answer.
 * 0, or -1 with *err. */
int	haproxy_command(const char *socket_path, const char *command,
	    char **reply, char **err);
/* "set server BACKEND/SERVER state drain|ready|maint" */
int	haproxy_set_state(const char *socket_path, const char *backend,
	    const char *server, const char *state, char **err);
/* The server's row of "show stat". 0, or -1 with *err. */
int	haproxy_server_get(const char *socket_path, const char *backend,
	    const char *server, struct haproxy_server *, char **err);
/* Serving: up by its health checks (or unchecked) and not drained. */
bool	haproxy_server_serving(const struct haproxy_server *);

#endif
