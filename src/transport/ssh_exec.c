/*
 * Commands on a node: one channel each on the node's session. The
 * command runs in a session and process group of its own, whose id it
 * announces first on stderr, so that a timeout or a cancel kills all
 * of it (closing the channel alone leaves it running on the node).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "escalator/util.h"
#include "ssh_impl.h"

#define PGID_MARK		"escalator-pgid="
#define READ_CHUNK		16384
/* Reads per stream per turn: one chatty command must not starve the
 * other nodes. */
#define READS_PER_TURN		64
#define REAPER_TIMEOUT_MS	10000

/* --- the command line ---------------------------------------------------- */

char *
shell_quote(const char *s)
{
	size_t len = 2;
	char *out, *o;

	for (const char *p = s; *p != '\0'; p++)
		len += *p == '\'' ? 4 : 1;
	out = o = xmalloc(len + 1);
	*o++ = '\'';
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else
			*o++ = *p;
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

char *
ssh_command_wrap(const char *cmd)
{
	char *q = shell_quote(cmd), *w;

	/* setsid -w: a new session (so a process group to kill) whose
	 * exit status is the command's. */
	w = xasprintf("exec setsid -w sh -c 'echo " PGID_MARK "$$ >&2; "
	    "exec sh -c \"$1\"' escalator-step %s", q);
	free(q);
	return w;
}

/* --- the output log ------------------------------------------------------- */

char *
safe_name(const char *s)
{
	char *out = xstrdup(s != NULL && *s != '\0' ? s : "step");

	for (char *p = out; *p != '\0'; p++)
		if (*p == '/' || (p == out && *p == '.'))
			*p = '_';
	return out;
}

int
mkdir_one(const char *path, char **err)
{
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* STATE_DIR/output/NODE/STEP[.undo][.N].log, created 0600. */
int
step_log_open(struct ssh_transport *t, struct job *j,
    const struct transport_action *a, char **err)
{
	char *node = safe_name(node_name(t, j->node)), *step =
	    safe_name(a->name), *dir = xasprintf("%s/" SSH_OUTPUT_DIR,
	    t->state_dir), *ndir = xasprintf("%s/%s", dir, node), num[24] = "";
	mode_t old;
	int rc = -1;

	if (a->attempt > 1)
		snprintf(num, sizeof num, ".%d", a->attempt);
	j->log_path = xasprintf("%s/%s%s%s.log", ndir, step, a->undo ?
	    ".undo" : "", num);
	if (mkdir_one(dir, err) == 0 && mkdir_one(ndir, err) == 0) {
		old = umask(077);
		if ((j->log = fopen(j->log_path, "we")) == NULL)
			*err = xasprintf("%s: %s", j->log_path,
			    strerror(errno));
		else
			rc = 0;
		umask(old);
	}
	free(node);
	free(step);
	free(dir);
	free(ndir);
	return rc;
}

static void
tail_add(struct line_tail *t, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			if (t->len > 0) {
				t->cur[t->len] = '\0';
				memcpy(t->last, t->cur, t->len + 1);
			}
			t->len = 0;
		} else if (s[i] != '\r' && t->len < sizeof t->cur - 1)
			t->cur[t->len++] = s[i];
	}
}

static const char *
tail_line(struct line_tail *t)
{
	if (t->len > 0) {
		t->cur[t->len] = '\0';
		return t->cur;
	}
	return t->last;
}

static void
output_add(struct job *j, const char *s, size_t n, int is_stderr)
{
	/* A backup's output may hold secrets (a dump, keys): its file
	 * alone gets it, not the log nor the result line. */
	if (!is_stderr && j->stdout_copy != NULL) {
		fwrite(s, 1, n, j->stdout_copy);
		return;
	}
	if (j->log != NULL)
		fwrite(s, 1, n, j->log);
	tail_add(&j->tail[is_stderr], s, n);
}

/* Until the first stderr line is complete it may be our pgid line;
 * anything else is the command's and goes through. */
static void
stderr_add(struct job *j, const char *s, size_t n)
{
	size_t take;
	const char *nl;

	if (j->pgid != 0 || j->nhead == SIZE_MAX) {
		output_add(j, s, n, 1);
		return;
	}
	nl = memchr(s, '\n', n);
	take = nl != NULL ? (size_t)(nl - s) + 1 : n;
	if (j->nhead + take >= sizeof j->head) {
		output_add(j, j->head, j->nhead, 1);
		j->nhead = SIZE_MAX;
		output_add(j, s, n, 1);
		return;
	}
	memcpy(j->head + j->nhead, s, take);
	j->nhead += take;
	if (nl == NULL)
		return;
	j->head[j->nhead] = '\0';
	if (strncmp(j->head, PGID_MARK, strlen(PGID_MARK)) == 0)
		j->pgid = strtol(j->head + strlen(PGID_MARK), NULL, 10);
	else
		output_add(j, j->head, j->nhead, 1);
	if (j->pgid <= 0) {
		j->pgid = 0;
		j->nhead = SIZE_MAX;
	}
	if (take < n)
		output_add(j, s + take, n - take, 1);
}

/* --- starting, running, stopping ------------------------------------------- */

int
exec_start(struct ssh_transport *t, struct job *j,
    const struct transport_action *a, char **err)
{
	/* A transfer's step may have opened it: one log for the step. */
	if (j->log == NULL && step_log_open(t, j, a, err) == -1)
		return -1;
	j->kind = JOB_EXEC;
	j->command = ssh_command_wrap(a->command);
	j->st = EXEC_SESSION;
	session_want(t, j->node);
	return 0;
}

static void
job_channel_close(struct job *j)
{
	if (j->channel != NULL)
		ssh_channel_free(j->channel);
	j->channel = NULL;
}

/* A failure on the channel: the whole session when it is gone. */
static void
channel_failed(struct ssh_transport *t, struct job *j, const char *what)
{
	ssh_session s = t->nodes[j->node].session;
	char *why;

	if (!ssh_is_connected(s)) {
		why = xasprintf("%s: connection lost: %s", node_name(t,
		    j->node), ssh_get_error(s));
		session_drop(t, j->node, why);
		free(why);
		return;
	}
	exec_stop(t, j, false);
	job_finish(t, j, false, 255, "%s: %s: %s", node_name(t, j->node),
	    what, ssh_get_error(s));
}

static void
finish_with_status(struct ssh_transport *t, struct job *j, int status)
{
	const char *out = tail_line(&j->tail[0]), *err = tail_line(&j->tail[1]);
	const char *line = (status != 0 && *err != '\0') || *out == '\0' ?
	    err : out;

	job_channel_close(j);
	if (j->log != NULL)
		fclose(j->log);
	j->log = NULL;
	if (status == 0)
		job_finish(t, j, true, 0, "%s", *line == '\0' &&
		    j->text != NULL ? j->text : line);
	else if (*line != '\0')
		job_finish(t, j, false, status, "%s", line);
	else if (j->text != NULL)	/* a restore's command, silent */
		job_finish(t, j, false, status, "restore failed: its command "
		    "ended with exit status %d", status);
	else
		job_finish(t, j, false, status, "exit status %d", status);
}

/* Read what is there; -1 when the channel or its session failed. */
static int
output_drain(struct job *j)
{
	char buf[READ_CHUNK];
	int n = 0;

	j->busy = false;
	for (int is_err = 0; is_err < 2; is_err++) {
		for (int i = 0; i < READS_PER_TURN; i++) {
			n = ssh_channel_read_nonblocking(j->channel, buf,
			    sizeof buf, is_err);
			if (n <= 0)
				break;
			if (is_err)
				stderr_add(j, buf, (size_t)n);
			else
				output_add(j, buf, (size_t)n, 0);
			if (i == READS_PER_TURN - 1)
				j->busy = true;
		}
		if (n == SSH_ERROR)
			return -1;
	}
	return 0;
}

static void
running_advance(struct ssh_transport *t, struct job *j)
{
	int status;

	if (output_drain(j) == -1) {
		channel_failed(t, j, "reading the output");
		return;
	}
	if (j->busy || !ssh_channel_is_eof(j->channel))
		return;
	/* In non-blocking mode this only takes the packets already there:
	 * the exit status follows the end of the output. */
	status = ssh_channel_get_exit_status(j->channel);
	if (status >= 0)
		finish_with_status(t, j, status);
	else if (!ssh_is_connected(t->nodes[j->node].session))
		channel_failed(t, j, "waiting for the exit status");
	else if (ssh_channel_is_closed(j->channel))
		finish_with_status(t, j, 255);
}

void
exec_advance(struct ssh_transport *t, struct job *j)
{
	struct ssh_node *sn = &t->nodes[j->node];
	int rc;

	if (j->done)
		return;
	if (j->st == EXEC_SESSION) {
		if (sn->state != SESSION_READY)
			return;
		if ((j->channel = ssh_channel_new(sn->session)) == NULL) {
			channel_failed(t, j, "cannot open a channel");
			return;
		}
		j->st = EXEC_OPEN;
	}
	if (j->st == EXEC_OPEN) {
		if ((rc = ssh_channel_open_session(j->channel)) == SSH_AGAIN)
			return;
		if (rc != SSH_OK) {
			channel_failed(t, j, "cannot open a channel");
			return;
		}
		j->st = EXEC_REQUEST;
	}
	if (j->st == EXEC_REQUEST) {
		if ((rc = ssh_channel_request_exec(j->channel, j->command)) ==
		    SSH_AGAIN)
			return;
		if (rc != SSH_OK) {
			channel_failed(t, j, "cannot run the command");
			return;
		}
		/* Nothing comes on stdin: a command reading it ends. */
		ssh_channel_send_eof(j->channel);
		j->st = EXEC_RUNNING;
	}
	running_advance(t, j);
}

/* --- killing --------------------------------------------------------------- */

static struct reaper *
reaper_new(struct ssh_transport *t, uint32_t node)
{
	struct reaper *r;

	if (t->nodes[node].state != SESSION_READY ||
	    !ssh_is_connected(t->nodes[node].session))
		return NULL;
	r = xcalloc(1, sizeof *r);
	r->node = node;
	r->deadline = time_mono_ms() + REAPER_TIMEOUT_MS;
	r->next = t->reapers;
	t->reapers = r;
	return r;
}

/* The kill command for a process group: TERM, two seconds to clean
 * up, then KILL. False when no channel could be had. */
static bool
reaper_aim(struct ssh_transport *t, struct reaper *r, long pgid)
{
	if ((r->channel = ssh_channel_new(t->nodes[r->node].session)) ==
	    NULL)
		return false;
	r->command = xasprintf("kill -TERM -%ld 2>/dev/null; i=0; while "
	    "[ $i -lt 20 ] && kill -0 -%ld 2>/dev/null; do sleep 0.1; "
	    "i=$((i+1)); done; kill -KILL -%ld 2>/dev/null; exit 0", pgid,
	    pgid, pgid);
	return true;
}

void
reaper_remove(struct ssh_transport *t, uint32_t node, const struct strv *paths)
{
	struct reaper *r;
	char *cmd, *q, *more;

	if (paths->count == 0 || (r = reaper_new(t, node)) == NULL)
		return;
	if ((r->channel = ssh_channel_new(t->nodes[node].session)) == NULL) {
		r->deadline = 0;	/* freed on its next turn */
		return;
	}
	cmd = xstrdup("rm -f --");
	for (size_t i = 0; i < paths->count; i++) {
		q = shell_quote(paths->items[i]);
		more = xasprintf("%s %s", cmd, q);
		free(q);
		free(cmd);
		cmd = more;
	}
	r->command = cmd;
}

void
exec_stop(struct ssh_transport *t, struct job *j, bool kill)
{
	struct reaper *r;

	if (kill && j->channel != NULL && !ssh_channel_is_closed(j->channel) &&
	    (j->st == EXEC_REQUEST || j->st == EXEC_RUNNING) &&
	    (r = reaper_new(t, j->node)) != NULL) {
		if (j->pgid > 0)
			reaper_aim(t, r, j->pgid);
		else {
			/* The command may be starting: its group id is
			 * on its way, keep listening for it. */
			r->victim = j->channel;
			memcpy(r->head, j->head, sizeof r->head);
			r->nhead = j->nhead == SIZE_MAX ? 0 : j->nhead;
			j->channel = NULL;
		}
	}
	job_channel_close(j);
	if (j->log != NULL)
		fclose(j->log);
	j->log = NULL;
}

/* The job's session is gone. A command never sent on a session that
 * worked (the server closed it while idle) waits for a new one, once;
 * anything else fails. True when it waits. */
bool
exec_session_lost(struct ssh_transport *t, struct job *j, bool was_ready,
    const char *why)
{
	if (was_ready && j->st <= EXEC_OPEN && !j->retried) {
		job_channel_close(j);
		j->st = EXEC_SESSION;
		j->retried = true;
		return true;
	}
	exec_stop(t, j, false);
	job_finish(t, j, false, 255, "%s", why);
	return false;
}

/* Read the abandoned command's stderr until its group id shows: 1
 * when it did (the kill is aimed), 0 not yet, -1 never will. */
static int
victim_listen(struct ssh_transport *t, struct reaper *r)
{
	char buf[READ_CHUNK], *nl;
	int n;

	while (ssh_channel_read_nonblocking(r->victim, buf, sizeof buf, 0) > 0)
		;	/* its output no longer matters */
	while ((n = ssh_channel_read_nonblocking(r->victim, buf,
	    sizeof buf, 1)) > 0 && r->nhead < sizeof r->head - 1) {
		size_t take = (size_t)n < sizeof r->head - 1 - r->nhead ?
		    (size_t)n : sizeof r->head - 1 - r->nhead;

		memcpy(r->head + r->nhead, buf, take);
		r->nhead += take;
		r->head[r->nhead] = '\0';
		if ((nl = strchr(r->head, '\n')) != NULL)
			break;
	}
	if (strchr(r->head, '\n') != NULL || r->nhead >= sizeof r->head - 1) {
		long pgid = strncmp(r->head, PGID_MARK, strlen(PGID_MARK)) ?
		    0 : strtol(r->head + strlen(PGID_MARK), NULL, 10);

		ssh_channel_free(r->victim);
		r->victim = NULL;
		return pgid > 0 && reaper_aim(t, r, pgid) ? 1 : -1;
	}
	if (n == SSH_ERROR || n == SSH_EOF || ssh_channel_is_closed(r->victim))
		return -1;
	return 0;
}

static bool
reaper_done(struct ssh_transport *t, struct reaper *r)
{
	int rc;

	if (time_mono_ms() >= r->deadline)
		return true;
	if (r->victim != NULL && (rc = victim_listen(t, r)) != 1)
		return rc == -1;
	if (!r->requested) {
		if ((rc = ssh_channel_open_session(r->channel)) == SSH_AGAIN)
			return false;
		if (rc == SSH_OK && (rc = ssh_channel_request_exec(r->channel,
		    r->command)) == SSH_AGAIN)
			return false;
		if (rc != SSH_OK)
			return true;
		r->requested = true;
	}
	return ssh_channel_get_exit_status(r->channel) >= 0 ||
	    ssh_channel_is_closed(r->channel);
}

static void
reaper_free(struct reaper *r)
{
	if (r->victim != NULL)
		ssh_channel_free(r->victim);
	if (r->channel != NULL)
		ssh_channel_free(r->channel);
	free(r->command);
	free(r);
}

void
reapers_advance(struct ssh_transport *t)
{
	for (struct reaper **rp = &t->reapers; *rp != NULL;) {
		struct reaper *r = *rp;

		if (reaper_done(t, r)) {
			*rp = r->next;
			reaper_free(r);
		} else
			rp = &r->next;
	}
}

/* Whether a kill command has yet to reach its node. */
bool
reapers_pending(const struct ssh_transport *t)
{
	for (const struct reaper *r = t->reapers; r != NULL; r = r->next)
		if (!r->requested)
			return true;
	return false;
}

void
reapers_drop(struct ssh_transport *t, uint32_t node)
{
	for (struct reaper **rp = &t->reapers; *rp != NULL;) {
		struct reaper *r = *rp;

		if (r->node == node) {
			*rp = r->next;
			reaper_free(r);
		} else
			rp = &r->next;
	}
}
