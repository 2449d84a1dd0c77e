/* The SSH transport's insides, shared by its files. */
#ifndef ESCALATOR_SSH_IMPL_H
#define ESCALATOR_SSH_IMPL_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "escalator/http_probe.h"
#include "escalator/ssh_transport.h"

enum session_state {
	SESSION_NONE,		/* not connected */
	SESSION_CONNECTING,	/* TCP and key exchange */
	SESSION_AUTH,		/* host key accepted, authenticating */
	SESSION_READY,
};

struct ssh_node {
	ssh_session		 session;
	enum session_state	 state;
	int64_t			 deadline;	/* monotonic: connect timeout */
};

enum job_kind {
	JOB_EXEC,	/* a command over SSH */
	JOB_HTTP,	/* a request through the prober */
	JOB_TIMER,	/* a wait step, or a step with nothing to do */
	JOB_DRAIN,	/* HAProxy: drain, then wait for no sessions */
	JOB_ENABLE,	/* HAProxy: ready, then wait until it serves */
};

enum exec_state {
	EXEC_SESSION,	/* waiting for its node's session */
	EXEC_OPEN,	/* opening the channel */
	EXEC_REQUEST,	/* asking the server to run the command */
	EXEC_RUNNING,
};

/* One stream's line assembly: only its last line is kept. */
struct line_tail {
	char	cur[160];
	size_t	len;
	char	last[160];
};

struct job {
	uint64_t		 id;
	uint32_t		 node;
	enum job_kind		 kind;
	int64_t			 timeout_ms;	/* the step's; 0: none */
	int64_t			 deadline;	/* monotonic; INT64_MAX: none */
	int64_t			 next;		/* timers and handover polls */
	bool			 done;
	struct transport_result	 result;
	struct job		*next_job;

	/* exec */
	enum exec_state		 st;
	char			*command;	/* wrapped */
	ssh_channel		 channel;
	FILE			*log;
	char			*log_path;
	long			 pgid;		/* 0: not yet known */
	char			 head[32];	/* stderr until the pgid line */
	size_t			 nhead;
	struct line_tail	 tail[2];	/* stdout, stderr */
	bool			 retried;	/* on a fresh session, once */
	bool			 busy;		/* more output may be buffered */

	/* timers and handover */
	char			*text;		/* a timer's result */
	bool			 requested;	/* HAProxy was told */
};

/* A channel that kills a process group on a node; freed once closed.
 * Until the group's id is known, it listens for it on the command's
 * own channel, the victim. */
struct reaper {
	uint32_t	 node;
	ssh_channel	 victim;
	char		 head[32];	/* the victim's stderr so far */
	size_t		 nhead;
	ssh_channel	 channel;
	char		*command;
	bool		 requested;
	int64_t		 deadline;
	struct reaper	*next;
};

struct ssh_transport {
	struct transport		 base;
	struct ssh_transport_config	 cfg;
	char				*known_hosts;
	char				*state_dir;
	char				*haproxy_socket;
	char				*haproxy_backend;
	ssh_key				 key;		/* NULL: the agent */
	struct ssh_node			*nodes;
	struct job			*jobs;
	struct reaper			*reapers;
	struct http_prober		*http;
};

/* ssh_session.c */
void	session_want(struct ssh_transport *, uint32_t node);
void	session_advance(struct ssh_transport *, uint32_t node);
void	session_drop(struct ssh_transport *, uint32_t node, const char *why);
short	session_poll_events(const struct ssh_node *, bool busy);
/* ssh_hostkey.c: 0 when the server's key is the one we know (or was
 * just recorded), else -1 with *err saying why, loudly for a change. */
int	hostkey_verify(struct ssh_transport *, uint32_t node, char **err);

/* ssh_exec.c */
int	exec_start(struct ssh_transport *, struct job *,
	    const struct transport_action *, char **err);
void	exec_advance(struct ssh_transport *, struct job *);
/* Close the job's channel; with kill, its command's process group is
 * killed on the node. */
void	exec_stop(struct ssh_transport *, struct job *, bool kill);
bool	exec_session_lost(struct ssh_transport *, struct job *, bool was_ready,
	    const char *why);
void	reapers_advance(struct ssh_transport *);
void	reapers_drop(struct ssh_transport *, uint32_t node);
bool	reapers_pending(const struct ssh_transport *);

/* ssh_local.c: what the controller does itself */
int	local_start(struct ssh_transport *, struct job *,
	    const struct transport_action *, char **err);
void	local_advance(struct ssh_transport *, struct job *, int64_t now);

/* ssh.c */
void	job_finish(struct ssh_transport *, struct job *, bool ok,
	    int exit_code, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
const char	*node_name(const struct ssh_transport *, uint32_t node);

#endif
