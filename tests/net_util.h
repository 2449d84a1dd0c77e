/* What the SSH and HTTP tests share: scratch dirs, real servers. */
#ifndef ESCALATOR_TESTS_NET_UTIL_H
#define ESCALATOR_TESTS_NET_UTIL_H

#include <stdbool.h>
#include <sys/types.h>

/* A new private directory under $TMPDIR; malloc'd path. */
char	*net_tmpdir(void);
/* Remove a directory tree; frees the path. */
void	 net_rmtree(char *);
/* Run a shell command line; its exit status, -1 if it did not exit. */
int	 net_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A TCP port on 127.0.0.1 that nobody listens on right now. */
int	 net_free_port(void);
/* Whether 127.0.0.1:port accepts connections within ms. */
bool	 net_port_open(int port, int ms);
/* Start the test service (tests/node_httpd) on a free port; its port,
 * or -1. */
int	 net_httpd_start(pid_t *, const char *version);
#define NET_SSHD	"/usr/sbin/sshd"
/* OpenSSH's sshd on 127.0.0.1:port, in the foreground, with dir's
 * host_key (a file name in dir) and dir/authorized_keys, logging to
 * dir/sshd.log; 0 once it listens, else -1. */
int	 net_sshd_start(const char *dir, int port, const char *host_key,
	    pid_t *);
/* SIGTERM, then SIGKILL after a second; reaps it. */
void	 net_stop(pid_t);
/* Read a whole small file; malloc'd, NULL if it cannot. */
char	*net_slurp(const char *path);
bool	 net_exists(const char *path);

#endif
