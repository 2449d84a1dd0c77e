/*
 * Transports carry the engine's actions to the nodes. The engine runs
 * in one thread and drives many nodes at once, so a transport never
 * blocks in start(): it starts an action and reports its completion
 * later from wait(), which sleeps until something completes, a deadline
 * passes or the engine's wake fd (its command pipe) becomes readable.
 * An SSH or HTTP transport fits the same shape with its sockets in
 * wait()'s poll set. The simulator (sim.h) is the first transport.
 */
#ifndef ESCALATOR_TRANSPORT_H
#define ESCALATOR_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "escalator/campaign.h"
#include "escalator/inventory.h"

/* X(ENUM, "name", "help") */
#define TRANSPORT_KIND_LIST(X)						\
	X(RUN, "run", "run a command on the node")			\
	X(HTTP, "http", "HTTP request or probe")			\
	X(WAIT, "wait", "let time pass")				\
	X(MAINTENANCE_ON, "maintenance_on", "put the node into maintenance") \
	X(MAINTENANCE_OFF, "maintenance_off", "take it out of maintenance") \
	X(BACKUP, "backup", "save a backup item")			\
	X(RESTORE, "restore", "restore a backup item")			\
	X(TEST, "test", "run a test")					\
	X(HEALTH, "health", "health check")				\
	X(ALARMS, "alarms", "query active alarms")			\
	X(VNFM, "vnfm", "ask the VNF manager to release the node's VNFs") \
	X(COPY, "copy", "copy a version file to the node")

enum transport_kind {
#define X(e, s, h) TRANSPORT_##e,
	TRANSPORT_KIND_LIST(X)
#undef X
	TRANSPORT_KIND_COUNT
};

const char	*transport_kind_name(enum transport_kind);

struct transport_action {
	uint64_t		 id;	/* unique in the run: the journal id */
	enum transport_kind	 kind;
	uint32_t		 node;	/* index in the inventory */
	const struct step	*step;	/* its timing and parameters */
	const char		*name;	/* step, test or item name */
	const char		*command; /* expanded; NULL when none */
	const char		*url;	/* expanded; NULL when none */
	const char		*item;	/* backup item or test name */
	bool			 undo;	/* the inverse of the step */
	int			 attempt; /* 1.. */
	/* copy: the version file; backup, restore: the item */
	const struct version_file *version_file;
	const struct backup_item *backup;
};

enum transport_status {
	TRANSPORT_OK,
	TRANSPORT_FAILED,
};

/* A host key the node offered that nobody has accepted yet. */
struct transport_hostkey {
	char			 type[32];	/* "ssh-ed25519" */
	char			 fingerprint[64]; /* "SHA256:..." */
};

struct transport_result {
	/* 0: no action's but news of node, found connecting ahead of
	 * need: an unknown host key (hostkey set), or a refused one
	 * (output says why). */
	uint64_t		 id;
	enum transport_status	 status;
	int			 exit_code;
	char			 output[160];	/* last line of output */
	int64_t			 ended_ms;
	/* Failed because the node's host key is unknown (type set): the
	 * operator may accept it with hostkey_accept() and try again. */
	struct transport_hostkey hostkey;
	uint32_t		 node;		/* id 0: which node */
};

/* After a crash: did an action whose outcome was never recorded take
 * effect on the node? */
enum transport_probe {
	PROBE_DONE,
	PROBE_NOT_DONE,
	PROBE_UNKNOWN,
};

struct transport;

struct transport_ops {
	const char	*name;
	/* Start an action; its result comes from wait(). 0, or -1 with
	 * *err set (malloc'd) when it could not even be started. */
	int	(*start)(struct transport *, const struct transport_action *,
		    char **err);
	/* Stop a running action (a hang); no result follows. */
	void	(*cancel)(struct transport *, uint64_t id);
	/* Wait until an action completes (or there is news of a node),
	 * the clock reaches deadline (CLOCK_NEVER: no deadline) or wake_fd
	 * is readable. Returns the
	 * number of results stored (0: deadline or wake-up), -1 on error. */
	int	(*wait)(struct transport *, int64_t deadline, int wake_fd,
		    struct transport_result *, size_t max);
	enum transport_probe (*probe)(struct transport *,
		    const struct transport_action *);
	/* Record the unknown host key the node offered, which the operator
	 * accepted after checking its fingerprint; the next connection must
	 * present that key. 0, or -1 with *err (malloc'd). NULL: nodes have
	 * no host keys. */
	int	(*hostkey_accept)(struct transport *, uint32_t node,
		    const char *fingerprint, char **err);
	void	(*destroy)(struct transport *);
};

/* Implementations embed this as their first member. */
struct transport {
	const struct transport_ops	*ops;
};

/* Expand {name} {address} {port} {user} in a command, URL or body;
 * other braces stay as they are. Returns a malloc'd string. */
char	*transport_expand(const char *tmpl, const struct node *);
/* Append s's first n bytes to the malloc'd string *out of length *len,
 * keeping it NUL-terminated: how the expansions build their result. */
void	 transport_append(char **out, size_t *len, const char *s, size_t n);
/* How an action reaches its node: one decision for every transport
 * that carries actions to real nodes, and for the engine. */
enum transport_route {
	TRANSPORT_ROUTE_TRANSFER,	/* a copy, backup or restore (files) */
	TRANSPORT_ROUTE_EXEC,		/* a command on the node */
	TRANSPORT_ROUTE_HTTP,		/* a request to a URL from here */
	TRANSPORT_ROUTE_LOCAL,		/* a timer, a handover, nothing to do */
};
enum transport_route transport_route(const struct transport_action *);
/* Whether the action is carried out on the node itself, over a session
 * with it, not by a request to a URL or on this machine: what the
 * node's host key stands in the way of. */
bool	 transport_on_node(const struct transport_action *);

#endif
