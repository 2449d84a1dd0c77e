/*
 * HTTP probes on a libcurl multi handle: every request of every node
 * shares one set of sockets that the caller polls with its own.
 */
#include "config.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "escalator/http_probe.h"
#include "escalator/util.h"

#define DEFAULT_TIMEOUT_MS	30000
#define CONNECT_TIMEOUT_MS	10000

struct http_transfer {
	uint64_t		 id;
	CURL			*easy;
	struct curl_slist	*headers;
	char			*body;		/* received */
	size_t			 len;
	bool			 truncated;
	int			 expect_status;
	struct label		*expect;	/* copies */
	size_t			 nexpect;
	struct http_transfer	*next;
};

struct http_prober {
	CURLM			*multi;
	char			*ca_file;
	struct http_transfer	*transfers;
	size_t			 active;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void
curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct http_prober *
http_prober_new(const char *ca_file)
{
	struct http_prober *p = xcalloc(1, sizeof *p);

	pthread_once(&curl_once, curl_init_once);
	if ((p->multi = curl_multi_init()) == NULL)
		abort();	/* out of memory, as xmalloc would */
	p->ca_file = ca_file != NULL ? xstrdup(ca_file) : NULL;
	return p;
}

static void
transfer_free(struct http_prober *p, struct http_transfer *t)
{
	curl_multi_remove_handle(p->multi, t->easy);
	curl_easy_cleanup(t->easy);
	curl_slist_free_all(t->headers);
	for (size_t i = 0; i < t->nexpect; i++) {
		free(t->expect[i].key);
		free(t->expect[i].value);
	}
	free(t->expect);
	free(t->body);
	free(t);
}

/* Unlink the transfer for id and return it, or NULL. */
static struct http_transfer *
transfer_take(struct http_prober *p, uint64_t id)
{
	for (struct http_transfer **tp = &p->transfers; *tp != NULL;
	    tp = &(*tp)->next) {
		struct http_transfer *t = *tp;

		if (t->id == id) {
			*tp = t->next;
			p->active--;
			return t;
		}
	}
	return NULL;
}

void
http_prober_free(struct http_prober *p)
{
	if (p == NULL)
		return;
	while (p->transfers != NULL)
		transfer_free(p, transfer_take(p, p->transfers->id));
	curl_multi_cleanup(p->multi);
	free(p->ca_file);
	free(p);
}

static size_t
body_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_transfer *t = arg;
	size_t n = size * nmemb, room = HTTP_BODY_MAX - t->len;

	if (n > room) {
		t->truncated = true;
		n = room;
	}
	t->body = xrealloc(t->body, t->len + n + 1);
	memcpy(t->body + t->len, data, n);
	t->len += n;
	t->body[t->len] = '\0';
	return size * nmemb;
}

static void
expectations_copy(struct http_transfer *t, const struct http_request *r)
{
	t->expect_status = r->expect_status > 0 ? r->expect_status : 200;
	t->nexpect = r->nexpect_json;
	t->expect = xcalloc(t->nexpect, sizeof *t->expect);
	for (size_t i = 0; i < t->nexpect; i++) {
		t->expect[i].key = xstrdup(r->expect_json[i].key);
		t->expect[i].value = xstrdup(r->expect_json[i].value ?
		    r->expect_json[i].value : "");
	}
}

static bool
has_header(const struct http_request *r, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < r->nheaders; i++)
		if (strncasecmp(r->headers[i], name, len) == 0 &&
		    r->headers[i][len] == ':')
			return true;
	return false;
}

static void
header_add(struct http_transfer *t, const char *h)
{
	struct curl_slist *l = curl_slist_append(t->headers, h);

	if (l == NULL)
		abort();	/* out of memory, as xmalloc would */
	t->headers = l;
}

/* The caller's headers, and a body's type unless they give it. */
static void
headers_set(struct http_transfer *t, const struct http_request *r)
{
	for (size_t i = 0; i < r->nheaders; i++)
		header_add(t, r->headers[i]);
	/* Notifications are JSON; anything else goes as text. */
	if (r->body != NULL && !has_header(r, "Content-Type"))
		header_add(t, r->body[0] == '{' || r->body[0] == '[' ?
		    "Content-Type: application/json" :
		    "Content-Type: text/plain");
}

static bool
options_set(struct http_prober *p, struct http_transfer *t,
    const struct http_request *r)
{
	CURL *c = t->easy;
	const char *method = r->method != NULL ? r->method :
	    (r->body != NULL ? "POST" : "GET");
	int64_t timeout = r->timeout_ms > 0 ? r->timeout_ms :
	    DEFAULT_TIMEOUT_MS;
	bool ok = true;

#define SET(opt, val) ok = ok && curl_easy_setopt(c, opt, val) == CURLE_OK
	SET(CURLOPT_URL, r->url);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_TIMEOUT_MS, (long)(timeout < LONG_MAX ? timeout :
	    LONG_MAX));
	SET(CURLOPT_CONNECTTIMEOUT_MS, (long)(timeout < CONNECT_TIMEOUT_MS ?
	    timeout : CONNECT_TIMEOUT_MS));
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_WRITEFUNCTION, body_write);
	SET(CURLOPT_WRITEDATA, t);
	SET(CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
	SET(CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		SET(CURLOPT_NOBODY, 1L);
	if (r->ca_file != NULL || p->ca_file != NULL)
		SET(CURLOPT_CAINFO, r->ca_file != NULL ? r->ca_file :
		    p->ca_file);
	headers_set(t, r);
	if (t->headers != NULL)
		SET(CURLOPT_HTTPHEADER, t->headers);
	if (r->body != NULL) {
		SET(CURLOPT_POSTFIELDSIZE, (long)strlen(r->body));
		SET(CURLOPT_COPYPOSTFIELDS, r->body);
	}
#undef SET
	return ok;
}

int
http_probe_start(struct http_prober *p, uint64_t id,
    const struct http_request *r, char **err)
{
	struct http_transfer *t;

	if (r->url == NULL || *r->url == '\0') {
		*err = xstrdup("no URL to request");
		return -1;
	}
	t = xcalloc(1, sizeof *t);
	t->id = id;
	if ((t->easy = curl_easy_init()) == NULL)
		abort();
	expectations_copy(t, r);
	if (!options_set(p, t, r) ||
	    curl_multi_add_handle(p->multi, t->easy) != CURLM_OK) {
		*err = xasprintf("%s: cannot set up the request", r->url);
		transfer_free(p, t);
		return -1;
	}
	curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
	t->next = p->transfers;
	p->transfers = t;
	p->active++;
	return 0;
}

void
http_probe_cancel(struct http_prober *p, uint64_t id)
{
	struct http_transfer *t = transfer_take(p, id);

	if (t != NULL)
		transfer_free(p, t);
}

size_t
http_prober_active(const struct http_prober *p)
{
	return p->active;
}

int
http_prober_wait(struct http_prober *p, struct pollfd *extra, size_t nextra,
    int timeout_ms)
{
	struct curl_waitfd wfd[nextra > 0 ? nextra : 1];

	for (size_t i = 0; i < nextra; i++) {
		wfd[i].fd = extra[i].fd;
		wfd[i].events = (short)(((extra[i].events & POLLIN) ?
		    CURL_WAIT_POLLIN : 0) | ((extra[i].events & POLLOUT) ?
		    CURL_WAIT_POLLOUT : 0));
		wfd[i].revents = 0;
	}
	/* -1 means "until something happens": a minute, then the caller
	 * simply waits again. */
	if (timeout_ms < 0)
		timeout_ms = 60000;
	if (curl_multi_poll(p->multi, wfd, (unsigned)nextra, timeout_ms,
	    NULL) != CURLM_OK)
		return -1;
	for (size_t i = 0; i < nextra; i++)
		extra[i].revents = (short)(((wfd[i].revents &
		    CURL_WAIT_POLLIN) ? POLLIN : 0) | ((wfd[i].revents &
		    CURL_WAIT_POLLOUT) ? POLLOUT : 0));
	return 0;
}

static void
result_fill(struct http_transfer *t, CURLcode code, struct http_result *r)
{
	char why[128];
	const char *bad;

	memset(r, 0, sizeof *r);
	r->id = t->id;
	if (code != CURLE_OK) {
		snprintf(r->message, sizeof r->message, "%s",
		    curl_easy_strerror(code));
		return;
	}
	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &r->status);
	if (r->status != t->expect_status) {
		snprintf(r->message, sizeof r->message,
		    "HTTP %ld, expected %d", r->status, t->expect_status);
		return;
	}
	if (t->nexpect > 0 && t->truncated) {
		snprintf(r->message, sizeof r->message, "HTTP %ld: body over "
		    "%d bytes, fields not checked", r->status, HTTP_BODY_MAX);
		return;
	}
	if ((bad = http_json_check(t->body, t->len, t->expect, t->nexpect,
	    why, sizeof why)) != NULL) {
		snprintf(r->message, sizeof r->message, "HTTP %ld: %s",
		    r->status, bad);
		return;
	}
	r->ok = true;
	snprintf(r->message, sizeof r->message, "HTTP %ld", r->status);
}

size_t
http_prober_collect(struct http_prober *p, struct http_result *out,
    size_t max)
{
	CURLMsg *m;
	int running, left;
	size_t n = 0;

	curl_multi_perform(p->multi, &running);
	while (n < max && (m = curl_multi_info_read(p->multi, &left)) != NULL) {
		struct http_transfer *t = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &t);
		if (t == NULL)
			continue;
		result_fill(t, m->data.result, &out[n++]);
		transfer_free(p, transfer_take(p, t->id));
	}
	return n;
}
