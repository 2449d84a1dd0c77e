/*
 * Files over SFTP: version files to the nodes, backups to the state
 * directory and back. libssh's SFTP blocks, and the engine's thread
 * must not, so transfers run on a small pool of worker threads (not
 * one per node), each on an SFTP session of its own; a finished one
 * goes on a list and a byte down a pipe that wait() polls with
 * everything else. A transfer starts only once its node's command
 * session is up: its host key is then verified, and the transfer's
 * session must meet the very same key. Every temporary a transfer
 * makes, here or on the node, carries its tag (action id and a random
 * part): a transfer given up removes its own, never a newer attempt's.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escalator/util.h"
#include "ssh_impl.h"

#define TRANSFER_THREADS	4
#define BACKUP_DIR		"backup"
#define RESTORE_INPUT		".escalator-restore-input"

struct transfer_pool {
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	pthread_t		 threads[TRANSFER_THREADS];
	size_t			 nthreads;
	struct ssh_transport	*t;
	struct transfer		*queue;		/* first in, first out */
	struct transfer		*running;
	struct transfer		*done;
	int			 pipe[2];	/* a byte per finished one */
	bool			 stopping;
};

/* --- the pool ------------------------------------------------------------ */

char *
transfer_temp(const struct transfer *x, const char *path, const char *what)
{
	return xasprintf("%s.%s.%s", path, what, x->tag);
}

/* What the transfer left on the node goes, through the node's own
 * session; a restore's input too when no job will run its command. */
static void
leftovers_remove(struct ssh_transport *t, struct transfer *x, bool abandoned)
{
	if (abandoned && x->op == TRANSFER_RESTORE && x->ok &&
	    x->remote != NULL)
		strv_push(&x->leftovers, x->remote);
	reaper_remove(t, x->node, &x->leftovers);
}

static void
transfer_free(struct transfer *x)
{
	if (x == NULL)
		return;
	free(x->local);
	free(x->remote);
	free(x->sha256);
	free(x->tag);
	strv_free(&x->files);
	strv_free(&x->report);
	strv_free(&x->leftovers);
	ssh_key_free(x->host_key);
	free(x);
}

static void
list_remove(struct transfer **head, struct transfer *x)
{
	for (struct transfer **p = head; *p != NULL; p = &(*p)->next)
		if (*p == x) {
			*p = x->next;
			return;
		}
}

static void *
worker_main(void *arg)
{
	struct transfer_pool *p = arg;
	struct transfer *x, **tail;
	bool cancelled;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->queue == NULL && !p->stopping)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->stopping)
			break;
		x = p->queue;
		p->queue = x->next;
		x->next = p->running;
		p->running = x;
		cancelled = x->cancelled;	/* written under the lock */
		pthread_mutex_unlock(&p->lock);
		if (cancelled)
			transfer_failed(x, 1, "cancelled");
		else
			sftp_transfer_run(p->t, x);
		pthread_mutex_lock(&p->lock);
		list_remove(&p->running, x);
		x->next = NULL;
		for (tail = &p->done; *tail != NULL; tail = &(*tail)->next)
			;
		*tail = x;
		/* Non-blocking: the list is what counts, the byte wakes. */
		(void)!write(p->pipe[1], "x", 1);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static struct transfer_pool *
pool_get(struct ssh_transport *t, char **err)
{
	struct transfer_pool *p;

	if (t->pool != NULL)
		return t->pool;
	p = xcalloc(1, sizeof *p);
	p->t = t;
	if (pipe2(p->pipe, O_CLOEXEC | O_NONBLOCK) == -1) {
		*err = xasprintf("transfers: pipe: %s", strerror(errno));
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	t->pool = p;
	for (; p->nthreads < TRANSFER_THREADS; p->nthreads++)
		if (pthread_create(&p->threads[p->nthreads], NULL, worker_main,
		    p) != 0)
			break;
	if (p->nthreads == 0) {
		*err = xstrdup("transfers: cannot start a worker thread");
		transfer_pool_free(t);
		return NULL;
	}
	return p;
}

void
transfer_pool_free(struct ssh_transport *t)
{
	struct transfer_pool *p = t->pool;
	struct transfer *x;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	for (x = p->running; x != NULL; x = x->next) {
		x->cancelled = true;
		if (x->fd >= 0)
			shutdown(x->fd, SHUT_RDWR);
	}
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (size_t i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	while ((x = p->queue) != NULL) {
		p->queue = x->next;
		transfer_free(x);
	}
	while ((x = p->done) != NULL) {
		p->done = x->next;
		leftovers_remove(t, x, true);
		transfer_free(x);
	}
	close(p->pipe[0]);
	close(p->pipe[1]);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p);
	t->pool = NULL;
}

bool
transfer_fd_set(struct ssh_transport *t, struct transfer *x, int fd)
{
	bool live;

	pthread_mutex_lock(&t->pool->lock);
	x->fd = fd;
	live = !x->cancelled;
	pthread_mutex_unlock(&t->pool->lock);
	return live;
}

void
transfer_failed(struct transfer *x, int exit_code, const char *fmt, ...)
{
	va_list ap;

	x->ok = false;
	x->exit_code = exit_code;
	va_start(ap, fmt);
	vsnprintf(x->message, sizeof x->message, fmt, ap);
	va_end(ap);
}

int
transfer_poll_fd(const struct ssh_transport *t)
{
	return t->pool != NULL ? t->pool->pipe[0] : -1;
}

static struct job *
job_of(struct ssh_transport *t, const struct transfer *x)
{
	for (struct job *j = t->jobs; j != NULL; j = j->next_job)
		if (j->xfer == x)
			return j;
	return NULL;
}

/* What the transfer did, in the step's log: a backup's command has
 * closed it already, it is added to. */
static void
log_report(struct job *j, const struct transfer *x)
{
	FILE *f = j->log;

	if (f == NULL && j->log_path != NULL)
		f = fopen(j->log_path, "ae");
	if (f == NULL)
		return;
	for (size_t i = 0; i < x->report.count; i++)
		fprintf(f, "%s\n", x->report.items[i]);
	fprintf(f, "%s\n", x->message);
	if (f != j->log)
		fclose(f);
	else
		fflush(f);
}

/* A restore's files are back: now its command, if it has one. */
static void
transfer_finished(struct ssh_transport *t, struct job *j, struct transfer *x)
{
	j->xfer = NULL;
	j->queued = false;
	log_report(j, x);
	if (!x->ok) {
		job_finish(t, j, false, x->exit_code, "%s", x->message);
		exec_stop(t, j, false);
	} else if (j->exec_after) {
		/* The result line, unless the command prints one. */
		j->text = xstrdup(x->message);
		/* On the node now, until its command takes it. */
		j->restore_input = x->remote;
		x->remote = NULL;
		j->kind = JOB_EXEC;
		j->st = EXEC_SESSION;
		session_want(t, j->node);
	} else
		job_finish(t, j, true, 0, "%s", x->message);
}

void
transfer_results(struct ssh_transport *t)
{
	struct transfer *done, *x;
	char buf[64];
	struct job *j;
	bool abandoned;

	if (t->pool == NULL)
		return;
	while (read(t->pool->pipe[0], buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&t->pool->lock);
	done = t->pool->done;
	t->pool->done = NULL;
	pthread_mutex_unlock(&t->pool->lock);
	while ((x = done) != NULL) {
		done = x->next;
		/* No job: it was cancelled or timed out meanwhile. */
		j = job_of(t, x);
		abandoned = j == NULL || j->done;
		if (!abandoned)
			transfer_finished(t, j, x);
		else if (j != NULL)
			j->xfer = NULL;
		leftovers_remove(t, x, abandoned);
		transfer_free(x);
	}
}

/* --- the jobs' side -------------------------------------------------------- */

static void
queue(struct ssh_transport *t, struct job *j)
{
	struct transfer_pool *p = t->pool;
	struct transfer **tail;

	pthread_mutex_lock(&p->lock);
	for (tail = &p->queue; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = j->xfer;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	j->queued = true;
}

/* The backup's command is done: its output is the first file. */
static bool
stdout_close(struct ssh_transport *t, struct job *j)
{
	bool ok = fflush(j->stdout_copy) == 0 && !ferror(j->stdout_copy) &&
	    fsync(fileno(j->stdout_copy)) == 0;
	int error = errno;

	if (fclose(j->stdout_copy) != 0 && ok) {
		ok = false;
		error = errno;
	}
	j->stdout_copy = NULL;
	if (!ok) {
		j->done = false;
		job_finish(t, j, false, 1, "%s: cannot save the command's "
		    "output: %s", node_name(t, j->node), strerror(error));
	}
	return ok;
}

void
transfer_advance(struct ssh_transport *t, struct job *j)
{
	struct ssh_node *sn = &t->nodes[j->node];

	if (j->kind == JOB_EXEC && j->done && j->xfer != NULL &&
	    !j->queued) {
		if (j->stdout_copy != NULL && !stdout_close(t, j))
			return;
		if (j->result.status != TRANSPORT_OK)
			return;
		j->done = false;
		j->kind = JOB_SFTP;
	}
	if (j->kind != JOB_SFTP || j->done || j->queued || j->xfer == NULL ||
	    sn->state != SESSION_READY)
		return;
	if (ssh_get_server_publickey(sn->session, &j->xfer->host_key) !=
	    SSH_OK) {
		job_finish(t, j, false, 255, "%s: no host key to check the "
		    "transfer's session against", node_name(t, j->node));
		return;
	}
	queue(t, j);
}

bool
transfer_session_lost(struct ssh_transport *t, struct job *j, bool was_ready,
    const char *why)
{
	if (j->queued)
		return false;	/* it has a session of its own */
	if (was_ready && !j->retried) {
		j->retried = true;
		return true;
	}
	job_finish(t, j, false, 255, "%s", why);
	return false;
}

/* A backup's directory in the making, with whatever it holds. */
static void
partial_remove(const struct transfer *x)
{
	char *partial, *err = NULL;

	if (x->op != TRANSFER_BACKUP || x->local == NULL)
		return;
	partial = transfer_temp(x, x->local, "partial");
	if (tree_remove(partial, &err) == -1)
		free(err);	/* the next backup of the item tries again */
	free(partial);
}

/* The restore's input on the node: its command removes it first thing;
 * if the command never ran, or was given up, it goes now. A command
 * on its way when the controller leaves is left to take it. */
static void
input_remove(struct ssh_transport *t, struct job *j, bool kill)
{
	struct strv one = { 0 };

	if (j->restore_input == NULL)
		return;
	if (kill || j->done || j->kind != JOB_EXEC || j->st < EXEC_REQUEST) {
		strv_push(&one, j->restore_input);
		reaper_remove(t, j->node, &one);
		strv_free(&one);
	}
	free(j->restore_input);
	j->restore_input = NULL;
}

void
transfer_release(struct ssh_transport *t, struct job *j, bool kill)
{
	struct transfer *x = j->xfer;

	if (j->stdout_copy != NULL)
		fclose(j->stdout_copy);
	j->stdout_copy = NULL;
	/* A transfer's step has its log open between its parts. */
	if (j->log != NULL)
		fclose(j->log);
	j->log = NULL;
	input_remove(t, j, kill);
	if (x == NULL)
		return;
	j->xfer = NULL;
	if (!j->queued) {
		/* Never on the pool: a backup's output is all it made. */
		partial_remove(x);
		transfer_free(x);
		return;
	}
	/* The pool's: stop it where it is; its end frees it. */
	pthread_mutex_lock(&t->pool->lock);
	x->cancelled = true;
	if (x->fd >= 0)
		shutdown(x->fd, SHUT_RDWR);
	pthread_mutex_unlock(&t->pool->lock);
	j->queued = false;
}

/* --- starting ---------------------------------------------------------------- */

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

int
tree_remove(const char *path, char **err)
{
	if (access(path, F_OK) == -1 && errno == ENOENT)
		return 0;
	if (nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) == -1) {
		*err = xasprintf("%s: cannot remove: %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* STATE_DIR/backup/NODE/ITEM, its parents made; malloc'd. */
static char *
item_dir(struct ssh_transport *t, const struct job *j, const char *item,
    char **err)
{
	char *node = safe_name(node_name(t, j->node)), *name =
	    safe_name(item), *top = xasprintf("%s/" BACKUP_DIR, t->state_dir),
	    *ndir = xasprintf("%s/%s", top, node), *dir = NULL;

	if (mkdir_one(top, err) == 0 && mkdir_one(ndir, err) == 0)
		dir = xasprintf("%s/%s", ndir, name);
	free(node);
	free(name);
	free(top);
	free(ndir);
	return dir;
}

/* Whether a transfer not yet finished has this tag. */
static bool
tag_live(struct ssh_transport *t, const char *tag)
{
	struct transfer_pool *p = t->pool;
	bool live = false;

	for (struct job *j = t->jobs; j != NULL && !live; j = j->next_job)
		live = j->xfer != NULL && strcmp(j->xfer->tag, tag) == 0;
	pthread_mutex_lock(&p->lock);
	for (struct transfer *x = p->queue; x != NULL && !live; x = x->next)
		live = strcmp(x->tag, tag) == 0;
	for (struct transfer *x = p->running; x != NULL && !live; x = x->next)
		live = strcmp(x->tag, tag) == 0;
	pthread_mutex_unlock(&p->lock);
	return live;
}

/* The tag of ITEM.partial.TAG or ITEM.old.TAG, NULL for anything else
 * (another item's backup, whatever its name). */
static const char *
temp_tag(const char *name, const char *item)
{
	size_t n = strlen(item), id;
	const char *tag;

	if (strncmp(name, item, n) != 0)
		return NULL;
	if (strncmp(name + n, ".partial.", 9) == 0)
		tag = name + n + 9;
	else if (strncmp(name + n, ".old.", 5) == 0)
		tag = name + n + 5;
	else
		return NULL;
	id = strspn(tag, "0123456789");
	if (id == 0 || tag[id] != '.' || strlen(tag + id + 1) != 8 ||
	    strspn(tag + id + 1, "0123456789abcdef") != 8)
		return NULL;
	return tag;
}

/* An item's temporaries that no live transfer owns: a crash's, or one
 * that could not be removed. They may hold secrets. */
static void
stale_remove(struct ssh_transport *t, const char *item_path)
{
	char *dir = xstrdup(item_path), *item = strrchr(dir, '/'), *path,
	    *err = NULL;
	const char *tag;
	struct dirent *e;
	DIR *d;

	*item++ = '\0';
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if ((tag = temp_tag(e->d_name, item)) == NULL ||
		    tag_live(t, tag))
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if (tree_remove(path, &err) == -1)
			free(err);
		err = NULL;
		free(path);
	}
	closedir(d);
	free(dir);
}

/* The backup is fetched into ITEM.partial.TAG, renamed when complete;
 * the command's output, if any, is its first file. */
static int
backup_prepare(struct ssh_transport *t, struct job *j,
    const struct transport_action *a, char **err)
{
	struct transfer *x = j->xfer;
	char *partial, *out;
	mode_t old;
	int rc = -1;

	for (size_t i = 0; i < a->backup->files.count; i++)
		strv_push(&x->files, a->backup->files.items[i]);
	stale_remove(t, x->local);
	partial = transfer_temp(x, x->local, "partial");
	if (mkdir_one(partial, err) == -1)
		goto out;
	if (a->command == NULL) {
		rc = 0;
		goto out;
	}
	if (exec_start(t, j, a, err) == -1)
		goto out;
	out = xasprintf("%s/output", partial);
	old = umask(077);
	if ((j->stdout_copy = fopen(out, "wxe")) == NULL)
		*err = xasprintf("%s: %s", out, strerror(errno));
	else
		rc = 0;
	umask(old);
	free(out);
out:
	free(partial);
	return rc;
}

/* The files go back first; then the restore command, with the saved
 * output on its stdin when the item has one. */
static int
restore_prepare(struct ssh_transport *t, struct job *j,
    const struct transport_action *a, char **err)
{
	struct transport_action run = *a;
	char *out = xasprintf("%s/output", j->xfer->local), *cmd = NULL;
	int rc;

	if (a->command == NULL)
		rc = 0;
	else {
		if (access(out, F_OK) == 0) {
			/* Opened, then unlinked before the command proper
			 * runs: nothing stays behind (the job removes it if
			 * the command never gets that far). The pid and the
			 * tag keep two controllers (or two runs, or two
			 * attempts) restoring on one node apart. */
			j->xfer->remote = xasprintf(RESTORE_INPUT ".%ld.%s",
			    (long)getpid(), j->xfer->tag);
			cmd = xasprintf("exec <%s || exit 1; rm -f %s\n%s",
			    j->xfer->remote, j->xfer->remote, a->command);
			run.command = cmd;
		}
		rc = exec_start(t, j, &run, err);
		j->exec_after = true;
	}
	free(out);
	free(cmd);
	return rc;
}

int
transfer_start(struct ssh_transport *t, struct job *j,
    const struct transport_action *a, char **err)
{
	struct transfer *x;
	uint32_t token = 0;
	int rc = 0;

	if (a->kind == TRANSPORT_COPY && (a->version_file == NULL ||
	    a->version_file->dest == NULL)) {
		*err = xstrdup("copy: no version file with a dest");
		return -1;
	}
	if (pool_get(t, err) == NULL)
		return -1;
	x = xcalloc(1, sizeof *x);
	x->node = j->node;
	x->fd = -1;
	x->timeout_ms = j->timeout_ms;
	if (getrandom(&token, sizeof token, 0) != sizeof token)
		token = (uint32_t)time_mono_ms();
	x->tag = xasprintf("%llu.%08x", (unsigned long long)j->id,
	    (unsigned)token);
	j->xfer = x;
	if (a->kind == TRANSPORT_COPY) {
		x->op = TRANSFER_COPY;
		x->local = xstrdup(a->version_file->source);
		x->remote = xstrdup(a->version_file->dest);
		x->sha256 = xstrdup(a->version_file->sha256);
	} else {
		x->op = a->kind == TRANSPORT_BACKUP ? TRANSFER_BACKUP :
		    TRANSFER_RESTORE;
		/* Its log says what it saved or put back, and what not. */
		if ((x->local = item_dir(t, j, a->backup->name, err)) == NULL ||
		    step_log_open(t, j, a, err) == -1)
			return -1;
		rc = x->op == TRANSFER_BACKUP ? backup_prepare(t, j, a, err) :
		    restore_prepare(t, j, a, err);
	}
	if (rc == 0 && j->stdout_copy == NULL)
		j->kind = JOB_SFTP;
	session_want(t, j->node);
	return rc;
}
