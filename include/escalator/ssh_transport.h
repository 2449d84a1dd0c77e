/*
 * The SSH transport: real nodes over OpenSSH-compatible servers
 * (libssh, non-blocking). One thread drives every node: one session per
 * node, opened on first use (or ahead) and reused by every step, one
 * channel per running command. Commands run in their own process group
 * on the node so that a step past its timeout, or cancelled, is killed
 * whole. HTTP steps and probes go through the HTTP prober (http_probe.h)
 * in the same poll; maintenance with handover "lb" drains and enables
 * the node's server through HAProxy's admin socket (handover.h), and
 * with handover "vim" asks the campaign's VIM over HTTP, in that poll.
 *
 * Files go over SFTP on a few worker threads, each transfer on a
 * session of its own: version files to the nodes (checked there),
 * backups to STATE_DIR/backup/NODE/ITEM with a sha256 manifest and
 * back. A node may be reached through a jump host.
 *
 * Output: the last line of each action in its result, the whole of it
 * (stdout and stderr as they came) in STATE_DIR/output/NODE/STEP.log.
 * doc/transports.md says what each action does on this transport.
 */
#ifndef ESCALATOR_SSH_TRANSPORT_H
#define ESCALATOR_SSH_TRANSPORT_H

#include <stdbool.h>

#include "escalator/campaign.h"
#include "escalator/clock.h"
#include "escalator/inventory.h"
#include "escalator/transport.h"

#define SSH_OUTPUT_DIR	"output"

struct ssh_transport_config {
	const struct inventory	*inventory;	/* outlives the transport */
	const char		*state_dir;	/* output/ goes here */
	/* The engine's clock (real mode: nodes live in real time), for
	 * wait()'s deadline and results' ended_ms; NULL: the wall clock. */
	struct clock		*clock;
	/* Private key file (refused if group or others may read it);
	 * NULL: ssh-agent. */
	const char		*identity_file;
	/* NULL: ~/.ssh/known_hosts. */
	const char		*known_hosts;
	/* Record the key of a host never seen before instead of refusing
	 * it (batch mode's --accept-new-host-keys). A changed key is
	 * always refused. */
	bool			 accept_new_host_keys;
	int			 connect_timeout_ms;	/* 0: 15 s */
	/* Connect to the nodes ahead of need, a few at a time in
	 * inventory order, a window ahead of the nodes at work; close
	 * idle sessions beyond it (ssh_ahead.c). */
	bool			 connect_ahead;
	/* Handover "lb": HAProxy's admin socket and the backend whose
	 * servers are named after the nodes. NULL: "lb" is refused. */
	const char		*haproxy_socket;
	const char		*haproxy_backend;
	const char		*ca_file;	/* HTTPS: extra CA bundle */
	/* Handover "vim": the campaign's VIM requests (outlive the
	 * transport). NULL or not enabled: "vim" is refused. */
	const struct vim_def	*vim;
	/* Jump host "[user@]host[:port]" for nodes without their own
	 * (inventory `jump`); NULL: none. */
	const char		*jump;
};

/* NULL with *err (malloc'd) when it cannot be opened. */
struct transport *ssh_transport_open(const struct ssh_transport_config *,
	    char **err);

/* The shell command a node runs for cmd: in its own session and
 * process group, whose id it prints first on stderr. malloc'd. */
char	*ssh_command_wrap(const char *cmd);

#endif
