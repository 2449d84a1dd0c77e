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
	/* The unknown host key it offered last (type "" if none), kept
	 * for the operator's decision with its known_hosts line. */
	struct transport_hostkey unknown;
	char			*unknown_entry;
	/* A refusal no step was waiting for (a session opened ahead of
	 * need), for the engine to hear of now: wait() hands it back. */
	bool			 news;
	char			 news_text[160];
	/* connect_ahead: a step has had the node, last at used_ms
	 * (monotonic) as sessions_ahead() saw it. */
	bool			 used;
	int64_t			 used_ms;
};

enum job_kind {
	JOB_EXEC,	/* a command over SSH */
	JOB_HTTP,	/* a request through the prober */
	JOB_TIMER,	/* a wait step, or a step with nothing to do */
	JOB_DRAIN,	/* HAProxy: drain, then wait for no sessions */
	JOB_ENABLE,	/* HAProxy: ready, then wait until it serves */
	JOB_SFTP,	/* files on the transfer pool (ssh_transfer.c) */
	JOB_VIM,	/* the VIM's request, then its ready poll */
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
	char			*text;		/* a timer's result; the VIM's
						 * last answer; what a restore
						 * put back, before its
						 * command */
	bool			 requested;	/* HAProxy was told */
	const struct vim_request *vim;		/* the request, its poll */
	bool			 polling;	/* the request went through */
	int			 polls;

	/* transfers: a backup runs its command, then fetches its files; a
	 * restore puts them back, then runs its command */
	struct transfer		*xfer;		/* to do or on the pool */
	bool			 queued;	/* xfer is the pool's now */
	bool			 exec_after;	/* the command comes second */
	FILE			*stdout_copy;	/* backup: the command's output */
	char			*restore_input;	/* on the node until the
						 * command has taken it */
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
	char				*identity_file;	/* for a jump host */
	char				*jump;
	ssh_key				 key;		/* NULL: the agent */
	struct ssh_node			*nodes;
	struct job			*jobs;
	struct reaper			*reapers;
	struct http_prober		*http;	/* from the first request */
	struct transfer_pool		*pool;	/* from the first transfer */
	uint32_t			 ahead;	/* next node to connect ahead */
	uint32_t			 max_busy; /* most nodes busy at once */
};

/* ssh_session.c */
/* A session's options and authentication, for the node's own session
 * and the transfer sessions alike. */
int	session_options_set(struct ssh_transport *, uint32_t node,
	    ssh_session);
int	session_authenticate(struct ssh_transport *, ssh_session);
void	session_want(struct ssh_transport *, uint32_t node);
/* ssh_ahead.c: with connect_ahead, start the next handshakes and close
 * idle sessions beyond the window (see there). */
void	sessions_ahead(struct ssh_transport *);
void	session_advance(struct ssh_transport *, uint32_t node);
void	session_drop(struct ssh_transport *, uint32_t node, const char *why);
short	session_poll_events(const struct ssh_node *, bool busy);
/* ssh_jump.c: into *cmd (malloc'd), the ProxyCommand that reaches the
 * node through its jump host (its own, else the configured one), NULL
 * when it has none; -1 when the jump host is not "[user@]host[:port]". */
int	jump_command(const struct ssh_transport *, const struct node *,
	    char **cmd);
/* ssh_hostkey.c: 0 when the server's key is the one we know (or was
 * just recorded), else -1 with *err saying why, loudly for a change;
 * an unknown key is kept in the node's unknown and unknown_entry. */
int	hostkey_verify(struct ssh_transport *, uint32_t node, char **err);
int	hostkey_accept(struct transport *, uint32_t node,
	    const char *fingerprint, char **err);
/* The nodes' news as results of no action (id 0); how many. */
size_t	hostkey_news_collect(struct ssh_transport *,
	    struct transport_result *, size_t max);
void	hostkeys_free(struct ssh_transport *);

/* ssh_exec.c */
/* s in single quotes for sh; malloc'd. */
char	*shell_quote(const char *s);
/* A node, step or item name as one file name (no '/', no leading
 * '.'); malloc'd. */
char	*safe_name(const char *s);
/* A private directory (0700) unless there is one; 0, or -1 with *err. */
int	mkdir_one(const char *path, char **err);
/* The step's log, STATE_DIR/output/NODE/STEP[.undo][.N].log. */
int	step_log_open(struct ssh_transport *, struct job *,
	    const struct transport_action *, char **err);
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
/* rm -f the paths on the node, on a channel of its session if it is up:
 * what a transfer or restore given up left there. */
void	reaper_remove(struct ssh_transport *, uint32_t node,
	    const struct strv *paths);

/* ssh_local.c: what the controller does itself */
int	local_start(struct ssh_transport *, struct job *,
	    const struct transport_action *, char **err);
void	local_advance(struct ssh_transport *, struct job *, int64_t now);

/* ssh_vim.c: handover "vim", requests through the prober */
int	vim_start(struct ssh_transport *, struct job *,
	    const struct transport_action *, char **err);
/* The next poll, once its time has come. */
void	vim_advance(struct ssh_transport *, struct job *, int64_t now);
void	vim_answer(struct ssh_transport *, struct job *,
	    const struct http_result *);

/* ssh_transfer.c: files over SFTP. libssh's SFTP blocks, so each
 * transfer runs on one of a few worker threads, on a session of its
 * own; its end comes back through a pipe in wait()'s poll. */
enum transfer_op {
	TRANSFER_COPY,		/* a version file to the node */
	TRANSFER_BACKUP,	/* the item's files to the state directory */
	TRANSFER_RESTORE,	/* ... and back */
};

struct transfer {
	uint32_t		 node;
	enum transfer_op	 op;
	char			*local;		/* copy: the file; else the
						 * item's backup directory */
	char			*remote;	/* copy: dest; restore: where
						 * the saved output goes */
	char			*sha256;	/* copy: what dest must be */
	struct strv		 files;		/* backup: remote paths */
	/* "ACTION-ID.RANDOM": in the names of its temporaries, so that no
	 * two attempts share one. */
	char			*tag;
	/* The key the node's command session verified: the transfer's
	 * session must meet the same one. */
	ssh_key			 host_key;
	int64_t			 timeout_ms;
	/* the outcome */
	bool			 ok;
	int			 exit_code;
	char			 message[160];
	struct strv		 report;	/* lines for the step's log */
	struct strv		 leftovers;	/* its temporaries the node
						 * kept (the link was cut) */
	/* under the pool's lock */
	bool			 cancelled;
	int			 fd;		/* its socket; -1: none */
	struct transfer		*next;
};

int	transfer_start(struct ssh_transport *, struct job *,
	    const struct transport_action *, char **err);
/* Hand the job's transfer to the pool once its node's session is up;
 * after a backup's command, go on with its files. */
void	transfer_advance(struct ssh_transport *, struct job *);
/* The job's node session is gone: a transfer not yet handed over
 * fails, or waits for a new session (was_ready, once). */
bool	transfer_session_lost(struct ssh_transport *, struct job *,
	    bool was_ready, const char *why);
/* The job ends or is given up (kill): its transfer stops, its log
 * closes, what it left on the node is removed. */
void	transfer_release(struct ssh_transport *, struct job *, bool kill);
int	transfer_poll_fd(const struct ssh_transport *);
/* The transfer's temporary for path: PATH.WHAT.TAG; malloc'd. */
char	*transfer_temp(const struct transfer *, const char *path,
	    const char *what);
/* Remove a local tree if there is one; 0, or -1 with *err. */
int	tree_remove(const char *path, char **err);
void	transfer_results(struct ssh_transport *);
void	transfer_pool_free(struct ssh_transport *);
/* The worker's side: under the pool's lock, the socket to shut down
 * if the transfer is cancelled; false when it already is. */
bool	transfer_fd_set(struct ssh_transport *, struct transfer *, int fd);
void	transfer_failed(struct transfer *, int exit_code, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));

/* ssh_sftp.c: one transfer, start to end, on a worker thread */
void	sftp_transfer_run(struct ssh_transport *, struct transfer *);

/* ssh.c */
void	job_finish(struct ssh_transport *, struct job *, bool ok,
	    int exit_code, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
const char	*node_name(const struct ssh_transport *, uint32_t node);
/* The HTTP prober, made by the first request: libcurl's set-up costs
 * resident memory that a campaign without URLs never needs. */
struct http_prober *http_prober(struct ssh_transport *);

#endif
