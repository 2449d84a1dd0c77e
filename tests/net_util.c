/* Real local servers for the network tests. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "escalator/util.h"
#include "net_util.h"
#include "tmpdir.h"

int
net_sh(const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	int st;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) == -1)
		abort();
	va_end(ap);
	st = system(cmd);
	free(cmd);
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A socket bound to a port of 127.0.0.1 the kernel chose, not
 * listening; its port in *port, -1 when it cannot. */
static int
port_bound(int *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	*port = -1;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		*port = ntohs(sin.sin_port);
	return fd;
}

int
net_free_port(void)
{
	int port, fd = port_bound(&port);

	if (fd >= 0)
		close(fd);
	return port;
}

int
net_refusing_port(int *fd)
{
	int port;

	*fd = port_bound(&port);
	return port;
}

bool
net_port_open(int port, int ms)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct timespec pause = { 0, 20 * 1000000L };

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	for (int waited = 0; waited <= ms; waited += 20) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		int rc = connect(fd, (struct sockaddr *)&sin, sizeof sin);

		close(fd);
		if (rc == 0)
			return true;
		nanosleep(&pause, NULL);
	}
	return false;
}

int
net_httpd_start(pid_t *pid, const char *version)
{
	const char *build = getenv("BUILDDIR");
	char *prog = xasprintf("%s/tests/node_httpd", build ? build : ".");
	char line[128];
	int fds[2];
	unsigned port = 0;
	FILE *f;

	if (pipe(fds) == -1)
		abort();
	if ((*pid = fork()) == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execl(prog, "node_httpd", "--port", "0", "--version", version,
		    (char *)NULL);
		perror(prog);
		_exit(127);
	}
	free(prog);
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (fgets(line, sizeof line, f) == NULL ||
	    sscanf(line, "listening on %*[^:]:%u", &port) != 1)
		port = 0;
	fclose(f);
	return port > 0 ? (int)port : -1;
}

/* sshd writes its pid file once it listens, and exits if it cannot
 * bind: the port is its own, not another server's; 0, or -1 with sshd
 * gone. */
static int
sshd_listening(const char *dir, pid_t *pid)
{
	char *file = xasprintf("%s/sshd.pid", dir), *text;
	struct timespec pause = { 0, 20 * 1000000L };
	int64_t until = time_mono_ms() + 60000;
	bool up = false;

	while (!up && time_mono_ms() < until) {
		if (waitpid(*pid, NULL, WNOHANG) == *pid) {
			*pid = 0;	/* reaped: nothing left to stop */
			break;
		}
		text = net_slurp(file);
		up = text != NULL && strtol(text, NULL, 10) == *pid;
		free(text);
		if (!up)
			nanosleep(&pause, NULL);
	}
	if (!up) {
		net_stop(*pid);
		*pid = 0;
	}
	free(file);
	return up ? 0 : -1;
}

/* sshd on port; 0 once it listens there, else -1. */
static int
sshd_run(const char *dir, int port, const char *host_key, pid_t *pid)
{
	char *cfg = xasprintf("%s/sshd_config", dir);
	char *log = xasprintf("%s/sshd.log", dir);
	FILE *f = fopen(cfg, "w");
	int fd;

	if (f == NULL) {
		free(cfg);
		free(log);
		return -1;
	}
	fprintf(f, "Port %d\nListenAddress 127.0.0.1\nHostKey %s/%s\n"
	    "AuthorizedKeysFile %s/authorized_keys\nPidFile %s/sshd.pid\n"
	    "StrictModes no\nUsePAM no\nPasswordAuthentication no\n"
	    "KbdInteractiveAuthentication no\nPermitRootLogin yes\n"
	    "MaxSessions 50\nMaxStartups 100:30:200\nLogLevel ERROR\n"
	    "Subsystem sftp internal-sftp\n", port, dir, host_key, dir, dir);
	fclose(f);
	if ((*pid = fork()) == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		dup2(fd, 2);
		execl(NET_SSHD, NET_SSHD, "-D", "-e", "-f", cfg, (char *)NULL);
		_exit(127);
	}
	free(cfg);
	free(log);
	return sshd_listening(dir, pid);
}

int
net_sshd_start(const char *dir, int port, const char *host_key, pid_t *pid)
{
	/* Another process may take a free port before sshd binds it: then
	 * another one, a few times. */
	for (int i = 0; i < (port == 0 ? 5 : 1); i++) {
		int p = port == 0 ? net_free_port() : port;

		if (sshd_run(dir, p, host_key, pid) == 0)
			return p;
	}
	return -1;
}

static void
sshd_nodes(struct net_sshd *s, size_t n)
{
	if (n == 0)
		return;
	s->inv.nodes = xcalloc(n, sizeof *s->inv.nodes);
	s->inv.count = n;
	for (size_t i = 0; i < n; i++) {
		s->inv.nodes[i].name = xasprintf("n%zu", i + 1);
		s->inv.nodes[i].address = xstrdup("127.0.0.1");
		s->inv.nodes[i].port = s->port;
		s->inv.nodes[i].user = xstrdup(s->user);
	}
}

int
net_sshd_setup(struct net_sshd *s, const char *keys, const char *prep,
    size_t nodes)
{
	struct passwd *pw = getpwuid(getuid());

	if (access(NET_SSHD, X_OK) != 0) {
		fprintf(stderr, "sshd is not installed: skipped\n");
		exit(77);
	}
	if (getuid() == 0)
		mkdir("/run/sshd", 0755);	/* privilege separation */
	s->dir = tmpdir_make();
	s->user = xstrdup(pw != NULL ? pw->pw_name : "root");
	if (net_sh("cd %s && for k in %s; do "
	    "ssh-keygen -q -t ed25519 -N '' -C test -f $k || exit 1; done && "
	    "%s", s->dir, keys, prep) != 0)
		return -1;
	if ((s->port = net_sshd_start(s->dir, 0, "host_key", &s->pid)) ==
	    -1)
		return -1;
	sshd_nodes(s, nodes);
	return 0;
}

void
net_sshd_teardown(struct net_sshd *s)
{
	net_stop(s->pid);
	for (size_t i = 0; i < s->inv.count; i++) {
		free(s->inv.nodes[i].name);
		free(s->inv.nodes[i].address);
		free(s->inv.nodes[i].user);
	}
	free(s->inv.nodes);
	free(s->user);
	tmpdir_remove(s->dir);
}

int
net_sshd_group_teardown(void **state)
{
	net_sshd_teardown(*state);
	return 0;
}

char *
net_sshd_path(const struct net_sshd *s, const char *name)
{
	return xasprintf("%s/%s", s->dir, name);
}

int
net_sshd_known_hosts(const struct net_sshd *s, const char *name,
    const char *key)
{
	return net_sh("cd %s && printf '[127.0.0.1]:%d ' > %s && "
	    "cut -d' ' -f1,2 %s >> %s", s->dir, s->port, name, key, name);
}

char *
net_sshd_fingerprint(const struct net_sshd *s, const char *name)
{
	char *cmd = xasprintf("ssh-keygen -lf %s/%s | cut -d' ' -f2", s->dir,
	    name), line[128] = "";
	FILE *p = popen(cmd, "r");

	assert_non_null(p);
	assert_non_null(fgets(line, sizeof line, p));
	pclose(p);
	free(cmd);
	line[strcspn(line, "\n")] = '\0';
	return xstrdup(line);
}

uint64_t
net_action_start(struct transport *t, struct transport_action *a)
{
	static uint64_t last_id;
	char *err = NULL;

	a->id = ++last_id;
	if (t->ops->start(t, a, &err) == -1)
		fail_msg("start on node %u: %s", a->node, err);
	return a->id;
}

void
net_stop(pid_t pid)
{
	struct timespec pause = { 0, 20 * 1000000L };

	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	for (int i = 0; i < 50; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		nanosleep(&pause, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

char *
net_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, n;

	if (f == NULL)
		return NULL;
	buf = xmalloc(4097);
	while ((n = fread(buf + len, 1, 4096, f)) > 0) {
		len += n;
		buf = xrealloc(buf, len + 4097);
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

bool
net_exists(const char *path)
{
	return access(path, F_OK) == 0;
}
