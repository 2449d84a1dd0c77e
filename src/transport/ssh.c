/*
 * The SSH transport's event loop: every node's session, every running
 * command, every HTTP probe and the engine's wake fd in one poll, in
 * the engine's thread. Actions are jobs; a job ends with a result that
 * wait() hands back, or is cancelled without one.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "escalator/util.h"
#include "ssh_impl.h"

/* While a session is being set up, look at it at least this often:
 * libssh's handshake states are not all visible in its poll flags. */
#define HANDSHAKE_POLL_MS	250
#define HTTP_RESULTS		16
#define REAPERS_FLUSH_MS	3000
#define VICTIM_POLL_MS		100

const char *
node_name(const struct ssh_transport *t, uint32_t node)
{
	return t->cfg.inventory->nodes[node].name;
}

static int64_t
clock_ms(const struct ssh_transport *t)
{
	return t->cfg.clock != NULL ? clock_now(t->cfg.clock) : time_now_ms();
}

void
job_finish(struct ssh_transport *t, struct job *j, bool ok, int exit_code,
    const char *fmt, ...)
{
	va_list ap;

	if (j->done)
		return;
	j->done = true;
	j->result.id = j->id;
	j->result.status = ok ? TRANSPORT_OK : TRANSPORT_FAILED;
	j->result.exit_code = exit_code;
	j->result.ended_ms = clock_ms(t);
	va_start(ap, fmt);
	vsnprintf(j->result.output, sizeof j->result.output, fmt, ap);
	va_end(ap);
}

struct http_prober *
http_prober(struct ssh_transport *t)
{
	if (t->http == NULL)
		t->http = http_prober_new(t->cfg.ca_file);
	return t->http;
}

/* kill: the job was given up, its command must not go on. */
static void
job_free(struct ssh_transport *t, struct job *j, bool kill)
{
	if (j->kind == JOB_EXEC)
		exec_stop(t, j, kill);
	else if ((j->kind == JOB_HTTP || j->kind == JOB_VIM) && !j->done)
		http_probe_cancel(t->http, j->id);
	transfer_release(t, j, kill);
	free(j->command);
	free(j->log_path);
	free(j->text);
	free(j);
}

static struct job *
job_unlink(struct ssh_transport *t, uint64_t id)
{
	for (struct job **jp = &t->jobs; *jp != NULL; jp = &(*jp)->next_job)
		if ((*jp)->id == id) {
			struct job *j = *jp;

			*jp = j->next_job;
			return j;
		}
	return NULL;
}

static struct job *
job_find(struct ssh_transport *t, uint64_t id)
{
	for (struct job *j = t->jobs; j != NULL; j = j->next_job)
		if (j->id == id)
			return j;
	return NULL;
}

/* --- starting --------------------------------------------------------------- */

static int
http_start(struct ssh_transport *t, struct job *j,
    const struct transport_action *a, char **err)
{
	const struct step *s = a->step;
	struct http_request r = {
		.url = a->url,
		.method = s != NULL ? s->http_method : NULL,
		.expect_status = s != NULL ? s->expect_status : 0,
		.expect_json = s != NULL ? s->expect_json : NULL,
		.nexpect_json = s != NULL ? s->nexpect_json : 0,
		.timeout_ms = s != NULL ? s->timeout_ms : 0,
	};
	char *body = NULL;
	int rc;

	/* The engine expands the URL; the body, which only a request
	 * needs, is expanded here, as the VIM's are. */
	if (s != NULL && s->body != NULL)
		r.body = body = transport_expand(s->body,
		    &t->cfg.inventory->nodes[a->node]);
	j->kind = JOB_HTTP;
	rc = http_probe_start(http_prober(t), j->id, &r, err);
	free(body);
	return rc;
}

static int
ssh_start(struct transport *tp, const struct transport_action *a, char **err)
{
	struct ssh_transport *t = (struct ssh_transport *)tp;
	struct job *j;
	int rc;

	if (a->node >= t->cfg.inventory->count) {
		*err = xasprintf("no node %u in the inventory", a->node);
		return -1;
	}
	if (job_find(t, a->id) != NULL) {
		*err = xasprintf("action %llu is already running",
		    (unsigned long long)a->id);
		return -1;
	}
	j = xcalloc(1, sizeof *j);
	j->id = a->id;
	j->node = a->node;
	j->timeout_ms = a->step != NULL ? a->step->timeout_ms : 0;
	j->deadline = j->timeout_ms > 0 ? time_mono_ms() + j->timeout_ms :
	    INT64_MAX;
	j->next_job = t->jobs;
	t->jobs = j;
	switch (transport_route(a)) {
	case TRANSPORT_ROUTE_TRANSFER:
		rc = transfer_start(t, j, a, err);
		break;
	case TRANSPORT_ROUTE_EXEC:
		rc = exec_start(t, j, a, err);
		break;
	case TRANSPORT_ROUTE_HTTP:
		rc = http_start(t, j, a, err);
		break;
	default:
		rc = local_start(t, j, a, err);
		break;
	}
	if (rc == -1) {
		job_unlink(t, j->id);
		j->done = true;
		job_free(t, j, false);
	}
	return rc;
}

static void
ssh_cancel(struct transport *tp, uint64_t id)
{
	struct ssh_transport *t = (struct ssh_transport *)tp;
	struct job *j = job_unlink(t, id);

	if (j != NULL)
		job_free(t, j, true);
}

/* --- moving things along ------------------------------------------------------- */

static void
http_results(struct ssh_transport *t)
{
	struct http_result r[HTTP_RESULTS];
	size_t n;

	if (t->http == NULL)
		return;
	do {
		n = http_prober_collect(t->http, r, HTTP_RESULTS);
		for (size_t i = 0; i < n; i++) {
			struct job *j = job_find(t, r[i].id);

			if (j != NULL && j->kind == JOB_VIM)
				vim_answer(t, j, &r[i]);
			else if (j != NULL)
				job_finish(t, j, r[i].ok, r[i].ok ? 0 : 1,
				    "%s", r[i].message);
		}
	} while (n == HTTP_RESULTS);
}

static void
timed_out(struct ssh_transport *t, struct job *j)
{
	char d[32];

	duration_format(j->timeout_ms, d, sizeof d);
	switch (j->kind) {
	case JOB_EXEC:
		if (j->st == EXEC_RUNNING)
			job_finish(t, j, false, 124, "timed out after %s: "
			    "command killed on %s", d, node_name(t, j->node));
		else
			job_finish(t, j, false, 124, "timed out after %s "
			    "before the command started on %s", d,
			    node_name(t, j->node));
		exec_stop(t, j, true);
		break;
	case JOB_HTTP:
		http_probe_cancel(t->http, j->id);
		job_finish(t, j, false, 1, "timed out after %s: no answer", d);
		break;
	case JOB_VIM:
		http_probe_cancel(t->http, j->id);
		job_finish(t, j, false, 1, "timed out after %s: %s", d,
		    j->text != NULL ? j->text : "no answer from the VIM");
		break;
	case JOB_SFTP:
		job_finish(t, j, false, 124, "timed out after %s: transfer "
		    "to or from %s stopped", d, node_name(t, j->node));
		transfer_release(t, j, true);
		break;
	default:
		job_finish(t, j, false, 1, "timed out after %s", d);
		break;
	}
}

/* Output to take in, or an error to handle (the socket may be closed
 * already, with no event left to wake us). */
static bool
channel_ready(ssh_channel c, int is_stderr)
{
	int n = ssh_channel_poll(c, is_stderr);

	return n > 0 || n == SSH_ERROR;
}

/* Whether libssh holds something for a running command that no socket
 * event will announce: packets taken in while serving another channel. */
static bool
exec_pending(struct job *j)
{
	if (j->kind != JOB_EXEC || j->done || j->st != EXEC_RUNNING)
		return false;
	return j->busy || channel_ready(j->channel, 0) ||
	    channel_ready(j->channel, 1) ||
	    (ssh_channel_is_eof(j->channel) &&
	    (ssh_channel_get_exit_status(j->channel) >= 0 ||
	    ssh_channel_is_closed(j->channel)));
}

/* Advance everything; true when a command has more to take in
 * without waiting. */
static bool
advance_all(struct ssh_transport *t)
{
	int64_t now = time_mono_ms();
	bool pending = false;

	/* First: a restore whose files are back runs its command now. */
	transfer_results(t);
	for (uint32_t i = 0; i < t->cfg.inventory->count; i++)
		if (t->nodes[i].state == SESSION_CONNECTING ||
		    t->nodes[i].state == SESSION_AUTH)
			session_advance(t, i);
	sessions_ahead(t);
	for (struct job *j = t->jobs; j != NULL; j = j->next_job) {
		if (j->done)
			continue;
		if (j->kind == JOB_EXEC)
			exec_advance(t, j);
		else if (j->kind != JOB_HTTP && j->kind != JOB_SFTP)
			local_advance(t, j, now);
		transfer_advance(t, j);
	}
	http_results(t);
	now = time_mono_ms();
	for (struct job *j = t->jobs; j != NULL; j = j->next_job)
		if (!j->done && now >= j->deadline)
			timed_out(t, j);
	reapers_advance(t);
	for (struct job *j = t->jobs; j != NULL; j = j->next_job)
		if (exec_pending(j))
			pending = true;
	return pending;
}

static int
collect(struct ssh_transport *t, struct transport_result *out, size_t max)
{
	size_t n = hostkey_news_collect(t, out, max);

	for (struct job **jp = &t->jobs; *jp != NULL && n < max;) {
		struct job *j = *jp;

		if (!j->done) {
			jp = &j->next_job;
			continue;
		}
		out[n++] = j->result;
		*jp = j->next_job;
		job_free(t, j, false);
	}
	return (int)n;
}

static int64_t
min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* Milliseconds poll may sleep: the engine's deadline, our timers. */
static int
poll_timeout(struct ssh_transport *t, int64_t deadline)
{
	int64_t now = time_mono_ms(), ms = INT64_MAX;

	if (deadline != CLOCK_NEVER)
		ms = t->cfg.clock != NULL ? clock_sleep_ms(t->cfg.clock,
		    deadline) : deadline - time_now_ms();
	for (struct job *j = t->jobs; j != NULL; j = j->next_job) {
		ms = min64(ms, j->deadline - now);
		if (j->kind != JOB_EXEC && j->kind != JOB_HTTP &&
		    j->kind != JOB_SFTP)
			ms = min64(ms, j->next - now);
	}
	for (uint32_t i = 0; i < t->cfg.inventory->count; i++)
		if (t->nodes[i].state == SESSION_CONNECTING ||
		    t->nodes[i].state == SESSION_AUTH)
			ms = min64(ms, min64(HANDSHAKE_POLL_MS,
			    t->nodes[i].deadline - now));
	for (struct reaper *r = t->reapers; r != NULL; r = r->next)
		/* A victim's id may sit in libssh's buffers unannounced. */
		ms = min64(ms, r->victim != NULL ? VICTIM_POLL_MS :
		    r->deadline - now);
	if (ms == INT64_MAX)
		return -1;
	return ms < 0 ? 0 : (int)min64(ms, 60000);
}

/* With the HTTP prober's sockets once it exists; -1 on error. */
static int
fds_wait(struct ssh_transport *t, struct pollfd *fds, size_t n, int ms)
{
	if (t->http != NULL)
		return http_prober_wait(t->http, fds, n, ms);
	return poll(fds, n, ms) == -1 ? -1 : 0;
}

static bool
poll_sleep(struct ssh_transport *t, int64_t deadline, int wake_fd)
{
	size_t n = 0, count = t->cfg.inventory->count;
	struct pollfd *fds = xcalloc(count + 2, sizeof *fds);
	bool woken, *busy = xcalloc(count, sizeof *busy);

	if (wake_fd >= 0)
		fds[n++] = (struct pollfd){ .fd = wake_fd, .events = POLLIN };
	if (transfer_poll_fd(t) >= 0)
		fds[n++] = (struct pollfd){ .fd = transfer_poll_fd(t),
		    .events = POLLIN };
	for (struct job *j = t->jobs; j != NULL; j = j->next_job)
		if (j->kind == JOB_EXEC && !j->done)
			busy[j->node] = true;
	for (struct reaper *r = t->reapers; r != NULL; r = r->next)
		busy[r->node] = true;
	for (uint32_t i = 0; i < count; i++) {
		short ev = session_poll_events(&t->nodes[i], busy[i]);

		if (ev != 0)
			fds[n++] = (struct pollfd){
			    .fd = ssh_get_fd(t->nodes[i].session),
			    .events = ev };
	}
	if (fds_wait(t, fds, n, poll_timeout(t, deadline)) == -1)
		fds[0].revents = 0;
	woken = wake_fd >= 0 && (fds[0].revents & POLLIN);
	free(fds);
	free(busy);
	return woken;
}

static int
ssh_wait(struct transport *tp, int64_t deadline, int wake_fd,
    struct transport_result *out, size_t max)
{
	struct ssh_transport *t = (struct ssh_transport *)tp;
	bool pending;
	int n;

	for (;;) {
		pending = advance_all(t);
		if ((n = collect(t, out, max)) > 0)
			return n;
		if (deadline != CLOCK_NEVER && clock_ms(t) >= deadline)
			return 0;
		if (pending)
			continue;
		if (poll_sleep(t, deadline, wake_fd)) {
			advance_all(t);
			return collect(t, out, max);
		}
	}
}

static enum transport_probe
ssh_probe(struct transport *tp, const struct transport_action *a)
{
	(void)tp;
	/* What only reads may simply run again; whether a command or a
	 * handover took effect on the node, only a person can tell. */
	switch (a->kind) {
	case TRANSPORT_WAIT:
	case TRANSPORT_HEALTH:
	case TRANSPORT_ALARMS:
	case TRANSPORT_TEST:
	case TRANSPORT_COPY:	/* the same file again: no harm */
		return PROBE_NOT_DONE;
	case TRANSPORT_HTTP:
		return a->step == NULL || a->step->body == NULL ?
		    PROBE_NOT_DONE : PROBE_UNKNOWN;
	default:
		return PROBE_UNKNOWN;
	}
}

/* Kill commands are on their way before the sessions close: a
 * cancelled command must not outlive the controller's exit. */
static void
reapers_flush(struct ssh_transport *t)
{
	int64_t until = time_mono_ms() + REAPERS_FLUSH_MS;

	while (reapers_pending(t) && time_mono_ms() < until) {
		poll_sleep(t, clock_ms(t) + 50, -1);
		reapers_advance(t);
	}
}

static void
ssh_destroy(struct transport *tp)
{
	struct ssh_transport *t = (struct ssh_transport *)tp;

	if (t == NULL)
		return;
	while (t->jobs != NULL) {
		struct job *j = t->jobs;

		t->jobs = j->next_job;
		/* Leaving is not cancelling: a command the controller no
		 * longer waits for finishes on the node, as after a crash. */
		job_free(t, j, false);
	}
	transfer_pool_free(t);
	if (t->nodes != NULL)
		reapers_flush(t);
	for (uint32_t i = 0; t->nodes != NULL && i < t->cfg.inventory->count;
	    i++)
		if (t->nodes[i].session != NULL)
			session_drop(t, i, "closing");
	hostkeys_free(t);
	free(t->nodes);
	http_prober_free(t->http);
	ssh_key_free(t->key);
	free(t->known_hosts);
	free(t->state_dir);
	free(t->haproxy_socket);
	free(t->haproxy_backend);
	free(t->identity_file);
	free(t->jump);
	free(t);
}

static const struct transport_ops ssh_ops = {
	.name = "ssh",
	.start = ssh_start,
	.cancel = ssh_cancel,
	.wait = ssh_wait,
	.probe = ssh_probe,
	.hostkey_accept = hostkey_accept,
	.destroy = ssh_destroy,
};

/* --- opening -------------------------------------------------------------------- */

static int
key_load(struct ssh_transport *t, const char *path, char **err)
{
	struct stat st;

	if (path == NULL) {
		if (getenv("SSH_AUTH_SOCK") == NULL) {
			*err = xstrdup("no identity file and no ssh-agent "
			    "(SSH_AUTH_SOCK is not set)");
			return -1;
		}
		return 0;
	}
	if (stat(path, &st) == -1) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (st.st_mode & 077) {
		*err = xasprintf("%s: private key open to group or others (mode "
		    "%03o): refused; chmod 600 it", path,
		    (unsigned)(st.st_mode & 0777));
		return -1;
	}
	if (ssh_pki_import_privkey_file(path, NULL, NULL, NULL, &t->key) !=
	    SSH_OK) {
		*err = xasprintf("%s: cannot read the private key (one with a "
		    "passphrase goes through ssh-agent)", path);
		return -1;
	}
	return 0;
}

static int
config_take(struct ssh_transport *t, const struct ssh_transport_config *cfg,
    char **err)
{
	const char *home = getenv("HOME");
	struct jump_host jump;

	if (cfg->inventory == NULL || cfg->state_dir == NULL) {
		*err = xstrdup("the ssh transport needs an inventory and a "
		    "state directory");
		return -1;
	}
	t->cfg = *cfg;
	t->state_dir = xstrdup(cfg->state_dir);
	if (cfg->known_hosts != NULL)
		t->known_hosts = xstrdup(cfg->known_hosts);
	else if (home != NULL)
		t->known_hosts = xasprintf("%s/.ssh/known_hosts", home);
	else {
		*err = xstrdup("no known_hosts file and no HOME to find one");
		return -1;
	}
	if (cfg->jump != NULL && !jump_parse(cfg->jump, &jump)) {
		*err = xasprintf("bad jump host \"%s\": [user@]host[:port]",
		    cfg->jump);
		return -1;
	}
	if (cfg->jump != NULL)
		t->jump = xstrdup(cfg->jump);
	if (cfg->identity_file != NULL)
		t->identity_file = xstrdup(cfg->identity_file);
	if ((cfg->haproxy_socket == NULL) != (cfg->haproxy_backend == NULL)) {
		*err = xstrdup("the HAProxy handover needs both the admin "
		    "socket and the backend");
		return -1;
	}
	if (cfg->haproxy_socket != NULL) {
		t->haproxy_socket = xstrdup(cfg->haproxy_socket);
		t->haproxy_backend = xstrdup(cfg->haproxy_backend);
	}
	return 0;
}

struct transport *
ssh_transport_open(const struct ssh_transport_config *cfg, char **err)
{
	struct ssh_transport *t = xcalloc(1, sizeof *t);

	t->base.ops = &ssh_ops;
	if (config_take(t, cfg, err) == -1 ||
	    key_load(t, cfg->identity_file, err) == -1) {
		t->cfg.inventory = NULL;
		ssh_destroy(&t->base);
		return NULL;
	}
	t->nodes = xcalloc(cfg->inventory->count, sizeof *t->nodes);
	sessions_ahead(t);
	return &t->base;
}
