/* What the SSH and HTTP tests share: real servers (scratch dirs: tmpdir.h). */
#ifndef ESCALATOR_TESTS_NET_UTIL_H
#define ESCALATOR_TESTS_NET_UTIL_H

#include <stdbool.h>
#include <sys/types.h>

#include "escalator/inventory.h"
#include "escalator/transport.h"

/* Run a shell command line; its exit status, -1 if it did not exit. */
int	 net_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A TCP port on 127.0.0.1 that nobody listens on right now. */
int	 net_free_port(void);
/* A TCP port on 127.0.0.1 that refuses connections, and that nobody may
 * take while *fd (bound to it, not listening) stays open; -1. */
int	 net_refusing_port(int *fd);
/* Whether 127.0.0.1:port accepts connections within ms. */
bool	 net_port_open(int port, int ms);
/* Start the test service (tests/node_httpd) on a free port; its port,
 * or -1. */
int	 net_httpd_start(pid_t *, const char *version);
#define NET_SSHD	"/usr/sbin/sshd"
/* OpenSSH's sshd on 127.0.0.1:port (0: a free one), in the foreground,
 * with dir's host_key (a file name in dir) and dir/authorized_keys,
 * logging to dir/sshd.log; its port once it listens, else -1. */
int	 net_sshd_start(const char *dir, int port, const char *host_key,
	    pid_t *);

/* A real sshd for a group of tests, on a free loopback port, its files
 * in a scratch directory, logging in as the user running the tests. */
struct net_sshd {
	char			*dir;
	int			 port;
	pid_t			 pid;
	char			*user;
	struct inventory	 inv;	/* its nodes, if any */
};
/* Exits 77 when sshd is not installed. In a new scratch directory, makes
 * the ed25519 keys named in keys (space-separated, host_key among them),
 * runs the shell line prep there (authorized_keys and the like), starts
 * sshd with host_key and makes its inventory: nodes nodes, n1 to nN, all
 * on this sshd as this user. 0, or -1. */
int	 net_sshd_setup(struct net_sshd *, const char *keys,
	    const char *prep, size_t nodes);
/* Stops sshd, removes the scratch directory and frees the inventory. */
void	 net_sshd_teardown(struct net_sshd *);
/* The same as a cmocka group teardown, the group's state being the
 * struct net_sshd. */
int	 net_sshd_group_teardown(void **);
/* "dir/name" in its scratch directory; malloc'd. */
char	*net_sshd_path(const struct net_sshd *, const char *name);
/* Writes the file name in its scratch directory: known_hosts that knows
 * its address by the public key in key (host_key.pub: the server's real
 * key, as after a first accept). */
int	 net_sshd_known_hosts(const struct net_sshd *, const char *name,
	    const char *key);
/* The SHA256 fingerprint of the key file name in its scratch directory,
 * as ssh-keygen -lf shows it; malloc'd, fails the test if it cannot. */
char	*net_sshd_fingerprint(const struct net_sshd *, const char *name);

/* Starts a on t under a fresh id, one no other action of the process
 * has, and returns it; fails the test when t cannot start it. */
uint64_t net_action_start(struct transport *, struct transport_action *);

/* SIGTERM, then SIGKILL after a second; reaps it. */
void	 net_stop(pid_t);
/* Read a whole small file; malloc'd, NULL if it cannot. */
char	*net_slurp(const char *path);
bool	 net_exists(const char *path);

#endif
