/*
 * HTTP requests and health probes for many nodes at once (libcurl
 * multi). A prober never blocks: requests are started, the caller
 * sleeps in http_prober_wait() on the prober's sockets and its own fds
 * together, then collects what completed. TLS peers are verified.
 */
#ifndef ESCALATOR_HTTP_PROBE_H
#define ESCALATOR_HTTP_PROBE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "escalator/inventory.h"

/* Bodies beyond this are cut: a probe reads status pages, not files. */
#define HTTP_BODY_MAX	(1024 * 1024)

struct http_request {
	const char		*url;
	const char		*method;	/* NULL: GET, or POST with a body */
	const char		*body;		/* NULL: none */
	int			 expect_status;	/* 0: 200 */
	const struct label	*expect_json;	/* "a.b" = "value" */
	size_t			 nexpect_json;
	int64_t			 timeout_ms;	/* 0: 30 s */
	/* "Name: value" each; they may carry tokens: never in a result */
	char *const		*headers;
	size_t			 nheaders;
	const char		*ca_file;	/* NULL: the prober's */
};

struct http_result {
	uint64_t	 id;
	bool		 ok;		/* status and every field as expected */
	long		 status;	/* 0: no response */
	char		 message[160];	/* what went wrong, or "HTTP 200" */
};

struct http_prober;

/* ca_file: extra CA bundle for TLS, NULL for the system's. */
struct http_prober	*http_prober_new(const char *ca_file);
void			 http_prober_free(struct http_prober *);

/* Start a request, known afterwards by id. 0, or -1 with *err. */
int	http_probe_start(struct http_prober *, uint64_t id,
	    const struct http_request *, char **err);
/* Forget a request; no result follows. */
void	http_probe_cancel(struct http_prober *, uint64_t id);
/* Requests started and not yet collected or cancelled. */
size_t	http_prober_active(const struct http_prober *);

/* Sleep until a socket of the prober or one of extra is ready, or
 * timeout_ms passes (-1: no limit but the prober's own timers). The
 * revents of extra are set. 0, or -1 on error. */
int	http_prober_wait(struct http_prober *, struct pollfd *extra,
	    size_t nextra, int timeout_ms);
/* Move the transfers along; store up to max finished results. */
size_t	http_prober_collect(struct http_prober *, struct http_result *,
	    size_t max);

/* Check a response body against expectations: NULL when every field
 * matches, else why not, in buf. Fields are dotted paths; a number in
 * a path indexes an array. */
const char *http_json_check(const char *body, size_t len,
	    const struct label *expect, size_t n, char *buf, size_t buflen);

#endif
