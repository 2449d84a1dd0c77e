/*
 * node_httpd: the small real HTTP service of the test bed's nodes and
 * of the HTTP probe tests (libmicrohttpd, a thread per connection so a
 * slow answer holds up nobody else).
 *
 *   GET  /  /health  /version  {"status":"ok","version":V,"node":N}
 *   GET  /hits                 how many GET /health it answered
 *   GET  /status/NNN           answers with status NNN
 *   GET  /json                 a nested document for field checks
 *   GET  /slow?ms=N            answers after N ms
 *   GET  /badjson              a truncated JSON document
 *   POST /notify               keeps the body; GET /notified returns it
 *
 * It prints "listening on ADDR:PORT" once it accepts connections (port
 * 0 picks a free one) and stops cleanly on SIGTERM or SIGINT: requests
 * in flight are answered, new connections are refused.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "mhd_reply.h"

#define BODY_MAX	65536

struct service {
	char		 version[128];
	const char	*node;
	pthread_mutex_t	 lock;
	char		*notified;	/* last POST /notify body */
	unsigned long	 hits;		/* GET /health answered */
};

struct upload {
	char	*data;
	size_t	 len;
};

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static enum MHD_Result
get(struct service *s, struct MHD_Connection *c, const char *url)
{
	char body[512];
	const char *arg;
	long n;

	if (strcmp(url, "/health") == 0) {
		pthread_mutex_lock(&s->lock);
		s->hits++;
		pthread_mutex_unlock(&s->lock);
	}
	if (strcmp(url, "/hits") == 0) {
		pthread_mutex_lock(&s->lock);
		snprintf(body, sizeof body, "%lu\n", s->hits);
		pthread_mutex_unlock(&s->lock);
		return mhd_reply(c, MHD_HTTP_OK, "text/plain", body);
	}
	if (strcmp(url, "/") == 0 || strcmp(url, "/health") == 0 ||
	    strcmp(url, "/version") == 0) {
		snprintf(body, sizeof body, "{\"status\":\"ok\",\"version\":"
		    "\"%s\",\"node\":\"%s\"}\n", s->version, s->node);
		return mhd_reply(c, MHD_HTTP_OK, "application/json", body);
	}
	if (strncmp(url, "/status/", 8) == 0) {
		n = strtol(url + 8, NULL, 10);
		if (n < 100 || n > 599)
			n = 400;
		snprintf(body, sizeof body, "status %ld\n", n);
		return mhd_reply(c, (unsigned)n, "text/plain", body);
	}
	if (strcmp(url, "/json") == 0)
		return mhd_reply(c, MHD_HTTP_OK, "application/json",
		    "{\"status\":\"ok\",\"cluster\":{\"nodes\":3,"
		    "\"healthy\":true,\"name\":\"lab\"},\"items\":"
		    "[{\"id\":7},{\"id\":8}],\"nothing\":null}\n");
	if (strcmp(url, "/slow") == 0) {
		arg = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
		    "ms");
		n = arg != NULL ? strtol(arg, NULL, 10) : 1000;
		sleep_ms(n > 0 && n < 600000 ? n : 1000);
		return mhd_reply(c, MHD_HTTP_OK, "application/json",
		    "{\"status\":\"ok\",\"slow\":true}\n");
	}
	if (strcmp(url, "/badjson") == 0)
		return mhd_reply(c, MHD_HTTP_OK, "application/json",
		    "{\"status\": \"ok\", \"cluster\": {\"nodes\": 3,");
	if (strcmp(url, "/notified") == 0) {
		enum MHD_Result rc;

		pthread_mutex_lock(&s->lock);
		rc = mhd_reply(c, MHD_HTTP_OK, "application/json",
		    s->notified != NULL ? s->notified : "");
		pthread_mutex_unlock(&s->lock);
		return rc;
	}
	return mhd_reply(c, MHD_HTTP_NOT_FOUND, "text/plain", "not found\n");
}

static enum MHD_Result
post(struct service *s, struct MHD_Connection *c, const char *url,
    struct upload *u)
{
	if (strcmp(url, "/notify") != 0)
		return mhd_reply(c, MHD_HTTP_NOT_FOUND, "text/plain",
		    "not found\n");
	pthread_mutex_lock(&s->lock);
	free(s->notified);
	s->notified = u->data != NULL ? u->data : strdup("");
	u->data = NULL;
	pthread_mutex_unlock(&s->lock);
	return mhd_reply(c, MHD_HTTP_ACCEPTED, "application/json",
	    "{\"accepted\":true}\n");
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data,
    size_t *size, void **state)
{
	struct service *s = cls;
	struct upload *u = *state;

	(void)version;
	if (strcmp(method, "POST") != 0)
		return strcmp(method, "GET") == 0 || strcmp(method,
		    "HEAD") == 0 ? get(s, c, url) : mhd_reply(c,
		    MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", "no\n");
	if (u == NULL) {	/* the headers: the body comes next */
		if ((u = calloc(1, sizeof *u)) == NULL)
			return MHD_NO;
		*state = u;
		return MHD_YES;
	}
	if (*size > 0) {
		char *p;

		if (u->len + *size > BODY_MAX ||
		    (p = realloc(u->data, u->len + *size + 1)) == NULL)
			return MHD_NO;
		memcpy(p + u->len, data, *size);
		u->data = p;
		u->len += *size;
		u->data[u->len] = '\0';
		*size = 0;
		return MHD_YES;
	}
	return post(s, c, url, u);
}

static void
completed(void *cls, struct MHD_Connection *c, void **state,
    enum MHD_RequestTerminationCode code)
{
	struct upload *u = *state;

	(void)cls;
	(void)c;
	(void)code;
	if (u != NULL) {
		free(u->data);
		free(u);
	}
	*state = NULL;
}

static int
version_read(struct service *s, const char *path)
{
	FILE *f = fopen(path, "r");

	if (f == NULL || fgets(s->version, sizeof s->version, f) == NULL) {
		fprintf(stderr, "node_httpd: %s: cannot read a version\n",
		    path);
		if (f != NULL)
			fclose(f);
		return -1;
	}
	fclose(f);
	s->version[strcspn(s->version, "\r\n\"\\")] = '\0';
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: node_httpd [--listen ADDR] [--port PORT] "
	    "[--version V | --version-file FILE] [--node NAME] "
	    "[--pid-file FILE]\n");
	exit(2);
}

static int
pid_write(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f);
}

int
main(int argc, char **argv)
{
	struct service s = { .version = "1.0", .node = "node" };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	const char *addr = "127.0.0.1", *pidfile = NULL;
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *d;
	sigset_t set;
	int port = 0, sig;

	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--listen") == 0)
			addr = argv[++i];
		else if (strcmp(argv[i], "--port") == 0)
			port = atoi(argv[++i]);
		else if (strcmp(argv[i], "--version") == 0)
			snprintf(s.version, sizeof s.version, "%s", argv[++i]);
		else if (strcmp(argv[i], "--version-file") == 0) {
			if (version_read(&s, argv[++i]) == -1)
				return 1;
		} else if (strcmp(argv[i], "--node") == 0)
			s.node = argv[++i];
		else if (strcmp(argv[i], "--pid-file") == 0)
			pidfile = argv[++i];
		else
			usage();
	}
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1 || port < 0 ||
	    port > 65535)
		usage();
	sin.sin_port = htons((uint16_t)port);
	pthread_mutex_init(&s.lock, NULL);
	/* Signals are taken by sigwait below, not by the server's threads. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
	    handle, &s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "node_httpd: cannot listen on %s:%d\n", addr,
		    port);
		return 1;
	}
	if (pidfile != NULL && pid_write(pidfile) == -1) {
		fprintf(stderr, "node_httpd: %s: %s\n", pidfile,
		    strerror(errno));
		MHD_stop_daemon(d);
		return 1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	printf("listening on %s:%u\n", addr, info != NULL ?
	    (unsigned)info->port : (unsigned)port);
	fflush(stdout);
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	free(s.notified);
	return 0;
}
