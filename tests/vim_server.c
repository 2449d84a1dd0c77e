/* The handover tests' VIM (libmicrohttpd, one internal thread). */
#include "config.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "escalator/util.h"
#include "mhd_reply.h"
#include "vim_server.h"

#define BODY_MAX	4096
#define HOSTS_MAX	16
#define POLLS_MIGRATING	2

struct host {
	char	name[64];
	char	state[16];
	int	polls_left;	/* migrating: polls before it is done */
	int	fail;
};

struct vim_server {
	struct MHD_Daemon	*d;
	int			 port;
	char			*token;
	pthread_mutex_t		 lock;
	struct host		 hosts[HOSTS_MAX];
	size_t			 nhosts;
	char			*log;
	size_t			 loglen;
};

struct upload {
	char	data[BODY_MAX + 1];
	size_t	len;
};

/* Under the lock: the host called name, made on first use. */
static struct host *
host_get(struct vim_server *s, const char *name, size_t len)
{
	struct host *h;

	for (size_t i = 0; i < s->nhosts; i++)
		if (strlen(s->hosts[i].name) == len &&
		    strncmp(s->hosts[i].name, name, len) == 0)
			return &s->hosts[i];
	if (s->nhosts == HOSTS_MAX || len >= sizeof h->name)
		return NULL;
	h = &s->hosts[s->nhosts++];
	snprintf(h->name, sizeof h->name, "%.*s", (int)len, name);
	snprintf(h->state, sizeof h->state, "active");
	return h;
}

static void
log_add(struct vim_server *s, const char *line)
{
	size_t n = strlen(line);

	s->log = xrealloc(s->log, s->loglen + n + 2);
	memcpy(s->log + s->loglen, line, n);
	s->loglen += n;
	s->log[s->loglen++] = '\n';
	s->log[s->loglen] = '\0';
}

/* Under the lock: what the VIM does with an authenticated request. */
static unsigned int
answer(struct vim_server *s, const char *method, const char *url,
    char *body, size_t len)
{
	const char *name = url + strlen("/hosts/"), *slash;
	bool maint;
	struct host *h;

	if (strncmp(url, "/hosts/", 7) != 0)
		return MHD_HTTP_NOT_FOUND;
	slash = strchr(name, '/');
	maint = slash != NULL && strcmp(slash, "/maintenance") == 0;
	if ((slash != NULL && !maint) || (h = host_get(s, name, slash ?
	    (size_t)(slash - name) : strlen(name))) == NULL)
		return MHD_HTTP_NOT_FOUND;
	if (!maint && strcmp(method, "GET") == 0) {
		if (strcmp(h->state, "migrating") == 0 && h->polls_left-- == 0)
			snprintf(h->state, sizeof h->state, "maintenance");
		snprintf(body, len, "{\"host\":\"%s\",\"state\":\"%s\"}",
		    h->name, h->state);
		return MHD_HTTP_OK;
	}
	if (!maint || h->fail) {
		snprintf(body, len, "{\"error\":\"cannot\"}");
		return maint ? MHD_HTTP_INTERNAL_SERVER_ERROR :
		    MHD_HTTP_METHOD_NOT_ALLOWED;
	}
	if (strcmp(method, "POST") == 0) {
		snprintf(h->state, sizeof h->state, "migrating");
		h->polls_left = POLLS_MIGRATING;
		snprintf(body, len, "{\"state\":\"on\"}");
		return MHD_HTTP_ACCEPTED;
	}
	if (strcmp(method, "DELETE") == 0) {
		snprintf(h->state, sizeof h->state, "active");
		return MHD_HTTP_NO_CONTENT;
	}
	return MHD_HTTP_METHOD_NOT_ALLOWED;
}

static enum MHD_Result
request(struct vim_server *s, struct MHD_Connection *c, const char *url,
    const char *method, const struct upload *u)
{
	const char *tok = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "X-Auth-Token");
	bool authed = tok != NULL && strcmp(tok, s->token) == 0;
	char line[BODY_MAX + 128], body[256] = "";
	unsigned int status = MHD_HTTP_UNAUTHORIZED;

	pthread_mutex_lock(&s->lock);
	snprintf(line, sizeof line, "%s %s%s%.*s%s", method, url,
	    u->len > 0 ? " " : "", (int)u->len, u->data, authed ? "" :
	    " 401");
	log_add(s, line);
	if (authed)
		status = answer(s, method, url, body, sizeof body);
	pthread_mutex_unlock(&s->lock);
	return mhd_reply(c, status, "application/json", body);
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data,
    size_t *size, void **state)
{
	struct upload *u = *state;

	(void)version;
	if (u == NULL) {	/* the headers: a body may come next */
		if ((u = calloc(1, sizeof *u)) == NULL)
			return MHD_NO;
		*state = u;
		return MHD_YES;
	}
	if (*size > 0) {
		if (u->len + *size > BODY_MAX)
			return MHD_NO;
		memcpy(u->data + u->len, data, *size);
		u->len += *size;
		*size = 0;
		return MHD_YES;
	}
	return request(cls, c, url, method, u);
}

static void
completed(void *cls, struct MHD_Connection *c, void **state,
    enum MHD_RequestTerminationCode code)
{
	(void)cls;
	(void)c;
	(void)code;
	free(*state);
	*state = NULL;
}

struct vim_server *
vim_server_start(const char *token)
{
	struct vim_server *s = xcalloc(1, sizeof *s);
	struct sockaddr_in sin = { .sin_family = AF_INET };
	const union MHD_DaemonInfo *info;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->token = xstrdup(token);
	pthread_mutex_init(&s->lock, NULL);
	s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_ERROR_LOG, 0, NULL, NULL, handle, s,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_END);
	if (s->d == NULL ||
	    (info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT)) ==
	    NULL) {
		vim_server_stop(s);
		return NULL;
	}
	s->port = info->port;
	return s;
}

int
vim_server_port(const struct vim_server *s)
{
	return s->port;
}

void
vim_server_fail(struct vim_server *s, const char *name)
{
	struct host *h;

	pthread_mutex_lock(&s->lock);
	if ((h = host_get(s, name, strlen(name))) != NULL)
		h->fail = 1;
	pthread_mutex_unlock(&s->lock);
}

char *
vim_server_log(struct vim_server *s)
{
	char *log;

	pthread_mutex_lock(&s->lock);
	log = xstrdup(s->log != NULL ? s->log : "");
	pthread_mutex_unlock(&s->lock);
	return log;
}

void
vim_server_stop(struct vim_server *s)
{
	if (s == NULL)
		return;
	if (s->d != NULL)
		MHD_stop_daemon(s->d);
	pthread_mutex_destroy(&s->lock);
	free(s->token);
	free(s->log);
	free(s);
}
