/*
 * Handover "vim": the campaign's VIM is asked to take the node's host
 * out of service (or to give it back) with one HTTP request through
 * the transport's prober, then, when the campaign says how, polled
 * until it reports the host ready. Nothing here blocks: answers come
 * back through wait()'s poll like any probe's. Headers may carry
 * tokens: their {env:NAME} are read for each request and the result
 * never holds them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "escalator/util.h"
#include "ssh_impl.h"

#define ENV_NAME_MAX	64

/* s with every {env:NAME} replaced by the variable's value; NULL with
 * *err naming the variable (never a value) when it cannot be. */
static char *
env_expand(const char *s, char **err)
{
	char *out = xstrdup(""), name[ENV_NAME_MAX + 1];
	const char *open, *close, *val;
	size_t len = 0, n;

	while ((open = strstr(s, "{env:")) != NULL &&
	    (close = strchr(open, '}')) != NULL) {
		n = (size_t)(close - open) - strlen("{env:");
		snprintf(name, sizeof name, "%.*s", (int)n, open + 5);
		if (n > ENV_NAME_MAX || (val = getenv(name)) == NULL ||
		    *val == '\0') {
			*err = xasprintf("%s is not set in the controller's "
			    "environment", name);
			goto fail;
		}
		if (strpbrk(val, "\r\n") != NULL) {
			*err = xasprintf("%s holds a line break: not a header "
			    "value", name);
			goto fail;
		}
		transport_append(&out, &len, s, (size_t)(open - s));
		transport_append(&out, &len, val, strlen(val));
		s = close + 1;
	}
	transport_append(&out, &len, s, strlen(s));
	return out;
fail:
	free(out);
	return NULL;
}

static void
headers_free(char **h, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(h[i]);
	free(h);
}

/* The campaign's headers for this node, the environment's values in. */
static char **
headers_expand(const struct ssh_transport *t, const struct node *n,
    char **err)
{
	const struct strv *hv = &t->cfg.vim->headers;
	char **h = xcalloc(hv->count + 1, sizeof *h), *tmpl;

	for (size_t i = 0; i < hv->count; i++) {
		tmpl = transport_expand(hv->items[i], n);
		h[i] = env_expand(tmpl, err);
		free(tmpl);
		if (h[i] == NULL) {
			headers_free(h, i);
			return NULL;
		}
	}
	return h;
}

static int
vim_send(struct ssh_transport *t, struct job *j, const struct vim_request *q,
    char **err)
{
	const struct node *n = &t->cfg.inventory->nodes[j->node];
	char **headers, *url, *body, *why = NULL;
	struct http_request r = {
		.method = q->method,
		.expect_status = q->expect_status,
		.expect_json = q->expect_json,
		.nexpect_json = q->nexpect_json,
		.timeout_ms = q->timeout_ms > 0 ? q->timeout_ms : j->timeout_ms,
		.nheaders = t->cfg.vim->headers.count,
		.ca_file = t->cfg.vim->ca_file,
	};
	int rc;

	if ((headers = headers_expand(t, n, &why)) == NULL) {
		*err = xasprintf("%s: VIM request not sent: %s",
		    node_name(t, j->node), why);
		free(why);
		return -1;
	}
	r.headers = headers;
	r.url = url = transport_expand(q->url, n);
	r.body = body = q->body != NULL ? transport_expand(q->body, n) : NULL;
	rc = http_probe_start(http_prober(t), j->id, &r, err);
	free(url);
	free(body);
	headers_free(headers, r.nheaders);
	j->next = INT64_MAX;	/* until its answer */
	return rc;
}

int
vim_start(struct ssh_transport *t, struct job *j,
    const struct transport_action *a, char **err)
{
	const struct vim_def *v = t->cfg.vim;
	/* Undoing maintenance on gives the host back, and the reverse. */
	bool on = (a->kind == TRANSPORT_MAINTENANCE_ON) != a->undo;

	if (v == NULL || !v->enabled) {
		*err = xasprintf("%s: handover \"vim\" needs the campaign's "
		    "vim block: add vim = { maintenance_on = { url = ...; }; "
		    "maintenance_off = { url = ...; }; } (doc/campaign.md)",
		    node_name(t, j->node));
		return -1;
	}
	j->kind = JOB_VIM;
	j->vim = on ? &v->on : &v->off;
	return vim_send(t, j, j->vim, err);
}

void
vim_advance(struct ssh_transport *t, struct job *j, int64_t now)
{
	char *err = NULL;

	if (!j->polling || now < j->next)
		return;
	j->polls++;
	if (vim_send(t, j, j->vim->ready, &err) == -1) {
		job_finish(t, j, false, 1, "%s", err);
		free(err);
	}
}

void
vim_answer(struct ssh_transport *t, struct job *j,
    const struct http_result *r)
{
	if (j->done)	/* timed out while the answer was on its way */
		return;
	if (!j->polling && (!r->ok || j->vim->ready == NULL)) {
		job_finish(t, j, r->ok, r->ok ? 0 : 1, "VIM: %s", r->message);
		return;
	}
	if (j->polling && r->ok) {
		job_finish(t, j, true, 0, "VIM: ready after %d poll%s: %s",
		    j->polls, j->polls == 1 ? "" : "s", r->message);
		return;
	}
	/* Accepted, or not ready yet: ask again (at once the first time:
	 * a VIM that did it all in the request says so). A timeout shows
	 * the last answer. */
	free(j->text);
	j->text = xasprintf("VIM: %s %s", j->polling ? "not ready:" :
	    "accepted:", r->message);
	j->next = j->polling ? time_mono_ms() + j->vim->ready->interval_ms :
	    time_mono_ms();
	j->polling = true;
}
