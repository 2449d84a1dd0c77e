/* HAProxy's admin socket: one command per connection, read to EOF. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "escalator/handover.h"
#include "escalator/util.h"

/* A local socket answers at once; a stuck HAProxy must not stall the
 * caller's event loop for long. */
#define ADMIN_TIMEOUT_MS	2000
#define REPLY_MAX		(4 * 1024 * 1024)

static int
admin_connect(const char *path, char **err)
{
	struct sockaddr_un sun;
	struct timeval tv = { ADMIN_TIMEOUT_MS / 1000,
	    (ADMIN_TIMEOUT_MS % 1000) * 1000 };
	int fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		*err = xasprintf("%s: socket path too long", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		*err = xasprintf("socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		*err = xasprintf("HAProxy admin socket %s: %s", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int
write_all(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, s, len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

int
haproxy_command(const char *path, const char *command, char **reply,
    char **err)
{
	char *line = xasprintf("%s\n", command), *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd;

	*reply = NULL;
	if ((fd = admin_connect(path, err)) == -1) {
		free(line);
		return -1;
	}
	if (write_all(fd, line, strlen(line)) == -1) {
		*err = xasprintf("HAProxy admin socket %s: %s", path,
		    strerror(errno));
		free(line);
		close(fd);
		return -1;
	}
	free(line);
	buf = xmalloc(4096);
	for (;;) {
		n = read(fd, buf + len, 4095);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len > REPLY_MAX)
			break;
		buf = xrealloc(buf, len + 4096);
	}
	close(fd);
	buf[len] = '\0';
	if (n == -1) {
		*err = xasprintf("HAProxy admin socket %s: no answer (%s)",
		    path, strerror(errno));
		free(buf);
		return -1;
	}
	*reply = buf;
	return 0;
}

int
haproxy_set_state(const char *path, const char *backend, const char *server,
    const char *state, char **err)
{
	char *cmd = xasprintf("set server %s/%s state %s", backend, server,
	    state), *reply;
	int rc;

	rc = haproxy_command(path, cmd, &reply, err);
	free(cmd);
	if (rc == -1)
		return -1;
	/* Success is an empty answer; anything else says what is wrong. */
	if (strspn(reply, "\r\n") != strlen(reply)) {
		reply[strcspn(reply, "\r\n")] = '\0';
		*err = xasprintf("HAProxy: %s/%s: %s", backend, server, reply);
		free(reply);
		return -1;
	}
	free(reply);
	return 0;
}

/* The index of name in a CSV header line, or -1. */
static int
column(const char *header, const char *name)
{
	size_t nlen = strlen(name);
	int i = 0;

	for (const char *p = header; *p != '\0' && *p != '\n'; i++) {
		size_t len = strcspn(p, ",\n");

		if (len == nlen && strncmp(p, name, nlen) == 0)
			return i;
		p += len;
		if (*p == ',')
			p++;
	}
	return -1;
}

/* Field i of a CSV line into buf. */
static void
field(const char *line, int i, char *buf, size_t buflen)
{
	const char *p = line;
	size_t len;

	for (; i > 0 && *p != '\0' && *p != '\n'; i--)
		p += strcspn(p, ",\n") + (p[strcspn(p, ",\n")] == ',');
	len = strcspn(p, ",\n");
	if (len >= buflen)
		len = buflen - 1;
	memcpy(buf, p, len);
	buf[len] = '\0';
}

static int
row_find(const char *csv, const char *backend, const char *server,
    struct haproxy_server *out)
{
	const char *header = strncmp(csv, "# ", 2) == 0 ? csv + 2 : csv;
	int scur = column(header, "scur"), status = column(header, "status");
	int px = column(header, "pxname"), sv = column(header, "svname");
	char a[256], b[256], v[32];

	if (scur < 0 || status < 0 || px < 0 || sv < 0)
		return -1;
	for (const char *l = strchr(csv, '\n'); l != NULL && l[1] != '\0';
	    l = strchr(l + 1, '\n')) {
		field(l + 1, px, a, sizeof a);
		field(l + 1, sv, b, sizeof b);
		if (strcmp(a, backend) != 0 || strcmp(b, server) != 0)
			continue;
		field(l + 1, scur, v, sizeof v);
		out->sessions = strtol(v, NULL, 10);
		field(l + 1, status, out->status, sizeof out->status);
		return 0;
	}
	return 1;
}

int
haproxy_server_get(const char *path, const char *backend, const char *server,
    struct haproxy_server *out, char **err)
{
	char *reply;
	int rc;

	if (haproxy_command(path, "show stat", &reply, err) == -1)
		return -1;
	rc = row_find(reply, backend, server, out);
	free(reply);
	if (rc == -1)
		*err = xasprintf("HAProxy admin socket %s: unexpected "
		    "\"show stat\" answer", path);
	else if (rc == 1)
		*err = xasprintf("HAProxy has no server %s/%s", backend,
		    server);
	return rc == 0 ? 0 : -1;
}

bool
haproxy_server_serving(const struct haproxy_server *s)
{
	return strcmp(s->status, "UP") == 0 ||
	    strcmp(s->status, "no check") == 0;
}
