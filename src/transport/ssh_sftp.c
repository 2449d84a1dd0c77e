/*
 * One transfer on a worker thread: its own SSH session to the node,
 * set up, checked and authenticated by the same code as the node's
 * command session (blocking here, which is why it has a thread), then
 * SFTP. Files reach the node whole or not at all: written beside
 * their place, read back and checked against their sha256, renamed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escalator/util.h"
#include "ssh_sftp.h"

#define DEFAULT_TIMEOUT_S	60
#define CONNECT_TIMEOUT_S	15	/* as the node's own session */

static const char *const fx_text[] = {
	"ok", "end of file", "no such file", "permission denied", "failure",
	"bad message", "no connection", "connection lost",
	"operation unsupported", "invalid handle", "no such path",
	"file already exists", "write-protected", "no media",
};

const char *
sftp_error_text(const struct sftp_conn *c)
{
	int code = c->sftp != NULL ? sftp_get_error(c->sftp) : 0;

	if (!ssh_is_connected(c->session))
		return ssh_get_error(c->session);
	if (code > 0 && (size_t)code < sizeof fx_text / sizeof *fx_text)
		return fx_text[code];
	return ssh_get_error(c->session);
}

void
sftp_fail(struct sftp_conn *c, const char *what, const char *path)
{
	bool lost = !ssh_is_connected(c->session);

	transfer_failed(c->x, lost ? 255 : 1, "%s: %s %s: %s%s", c->node,
	    what, path, lost ? "connection lost: " : "", sftp_error_text(c));
}

EVP_MD_CTX *
sha256_new(void)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		abort();
	return ctx;
}

void
sha256_hex(EVP_MD_CTX *ctx, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;

	EVP_DigestFinal_ex(ctx, md, &len);
	EVP_MD_CTX_free(ctx);
	for (unsigned i = 0; i < len && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = '\0';
}

int
file_sha256(const char *path, char out[65])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), error;
	EVP_MD_CTX *ctx;
	char buf[CHUNK];
	ssize_t n;

	if (fd == -1)
		return -1;
	ctx = sha256_new();
	while ((n = read(fd, buf, sizeof buf)) > 0)
		EVP_DigestUpdate(ctx, buf, (size_t)n);
	error = errno;
	sha256_hex(ctx, out);
	close(fd);
	errno = error;
	return n < 0 ? -1 : 0;
}

int
fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* --- the session ----------------------------------------------------------- */

static int
host_key_check(struct sftp_conn *c)
{
	ssh_key key = NULL;
	int same;

	if (ssh_get_server_publickey(c->session, &key) != SSH_OK) {
		transfer_failed(c->x, 255, "%s: no host key", c->node);
		return -1;
	}
	same = ssh_key_cmp(key, c->x->host_key, SSH_KEY_CMP_PUBLIC) == 0;
	ssh_key_free(key);
	if (!same) {
		transfer_failed(c->x, 255, "HOST KEY OF %s HAS CHANGED since "
		    "its command session checked it: transfer refused",
		    c->node);
		return -1;
	}
	return 0;
}

static int
conn_open(struct ssh_transport *t, struct sftp_conn *c)
{
	struct transfer *x = c->x;
	long timeout = x->timeout_ms > 0 ? (long)((x->timeout_ms + 999) /
	    1000) : DEFAULT_TIMEOUT_S;
	/* Connecting cannot be cut short (the socket is not ours yet):
	 * it gets the connect timeout, not the step's. */
	long connect = t->cfg.connect_timeout_ms > 0 ?
	    (t->cfg.connect_timeout_ms + 999) / 1000 : CONNECT_TIMEOUT_S;

	if ((c->session = ssh_new()) == NULL)
		abort();
	if (session_options_set(t, x->node, c->session) == -1 ||
	    ssh_options_set(c->session, SSH_OPTIONS_TIMEOUT, &connect) < 0) {
		transfer_failed(x, 1, "%s: bad SSH options: %s", c->node,
		    ssh_get_error(c->session));
		return -1;
	}
	if (ssh_connect(c->session) != SSH_OK) {
		transfer_failed(x, 255, "%s: transfer: cannot connect: %s",
		    c->node, ssh_get_error(c->session));
		return -1;
	}
	if (!transfer_fd_set(t, x, ssh_get_fd(c->session))) {
		transfer_failed(x, 1, "cancelled");
		return -1;
	}
	ssh_options_set(c->session, SSH_OPTIONS_TIMEOUT, &timeout);
	if (host_key_check(c) == -1)
		return -1;
	if (session_authenticate(t, c->session) != SSH_AUTH_SUCCESS) {
		transfer_failed(x, 255, "%s: transfer: authentication "
		    "failed: %s", c->node, ssh_get_error(c->session));
		return -1;
	}
	if ((c->sftp = sftp_new(c->session)) == NULL ||
	    sftp_init(c->sftp) != SSH_OK) {
		transfer_failed(x, 255, "%s: no SFTP: %s", c->node,
		    ssh_get_error(c->session));
		return -1;
	}
	return 0;
}

static void
conn_close(struct ssh_transport *t, struct sftp_conn *c)
{
	/* Nobody may shut the socket down once it is closed: its number
	 * may be someone else's next. */
	transfer_fd_set(t, c->x, -1);
	if (c->sftp != NULL)
		sftp_free(c->sftp);
	if (c->session != NULL) {
		ssh_disconnect(c->session);
		ssh_free(c->session);
	}
	strv_free(&c->unowned);
}

/* --- writing a file to the node ------------------------------------------ */

/* A command on the transfer's session; its exit status, -1 if none. */
static int
remote_run(struct sftp_conn *c, const char *cmd)
{
	ssh_channel ch = ssh_channel_new(c->session);
	char buf[256];
	int status = -1;

	if (ch != NULL && ssh_channel_open_session(ch) == SSH_OK &&
	    ssh_channel_request_exec(ch, cmd) == SSH_OK) {
		ssh_channel_send_eof(ch);
		for (int err = 0; err < 2; err++)
			while (ssh_channel_read(ch, buf, sizeof buf, err) > 0)
				;
		status = ssh_channel_get_exit_status(ch);
	}
	if (ch != NULL)
		ssh_channel_free(ch);
	return status;
}

/* mv -f on the node: rename(2), atomic; its exit status. */
static int
remote_mv(struct sftp_conn *c, const char *tmp, const char *dest)
{
	char *qt = shell_quote(tmp), *qd = shell_quote(dest);
	char *cmd = xasprintf("mv -f -- %s %s", qt, qd);
	int status = remote_run(c, cmd);

	free(cmd);
	free(qt);
	free(qd);
	return status;
}

int
sftp_owner_set(struct sftp_conn *c, const char *path, const char *shown,
    const struct owner *o, bool link)
{
	char *q, *cmd, *note;
	bool set;

	if (link) {
		/* SFTP's setstat follows links: chown -h does not. */
		q = shell_quote(path);
		cmd = xasprintf("chown -h %lu:%lu -- %s", (unsigned long)o->uid,
		    (unsigned long)o->gid, q);
		set = remote_run(c, cmd) == 0;
		free(cmd);
		free(q);
	} else
		set = sftp_chown(c->sftp, path, o->uid, o->gid) == 0;
	if (set)
		return 0;
	if (!ssh_is_connected(c->session)) {
		sftp_fail(c, "cannot set the owner of", shown);
		return -1;
	}
	note = xasprintf("owner not set on %s (uid %lu, gid %lu): %s", shown,
	    (unsigned long)o->uid, (unsigned long)o->gid, link ?
	    "chown -h failed on the node" : sftp_error_text(c));
	strv_push(&c->x->report, note);
	strv_push(&c->unowned, shown);
	free(note);
	return 0;
}

void
sftp_temp_drop(struct sftp_conn *c, const char *tmp)
{
	if (!ssh_is_connected(c->session) || sftp_unlink(c->sftp, tmp) != 0)
		strv_push(&c->x->leftovers, tmp);
}

void
names_append(char *buf, size_t size, const struct strv *names)
{
	size_t len = strlen(buf);
	const char *more = " (see the log)";

	for (size_t i = 0; i < names->count; i++) {
		const char *sep = i > 0 ? ", " : "";

		/* This one, and room left for ", ..." and the rest. */
		if (len + strlen(sep) + strlen(names->items[i]) + 5 +
		    strlen(more) >= size) {
			snprintf(buf + len, size - len, "%s...", sep);
			len = strlen(buf);
			break;
		}
		snprintf(buf + len, size - len, "%s%s", sep, names->items[i]);
		len = strlen(buf);
	}
	snprintf(buf + len, size - len, "%s", more);
}

int
tree_counts(char *buf, size_t size, size_t files, size_t dirs, size_t links)
{
	return snprintf(buf, size, "%zu file%s, %zu director%s, %zu link%s",
	    files, files == 1 ? "" : "s", dirs, dirs == 1 ? "y" : "ies",
	    links, links == 1 ? "" : "s");
}

int
sftp_replace(struct sftp_conn *c, const char *tmp, const char *dest)
{
	sftp_attributes a;

	if (sftp_rename(c->sftp, tmp, dest) == 0)
		return 0;
	if ((a = sftp_lstat(c->sftp, dest)) == NULL) {
		sftp_fail(c, "cannot rename into place", dest);
		return -1;
	}
	sftp_attributes_free(a);
	if (remote_mv(c, tmp, dest) != 0) {
		transfer_failed(c->x, ssh_is_connected(c->session) ? 1 : 255,
		    "%s: cannot rename %s into place: mv failed", c->node,
		    dest);
		return -1;
	}
	return 0;
}

static int
remote_sha256(struct sftp_conn *c, const char *path, char out[65])
{
	sftp_file f = sftp_open(c->sftp, path, O_RDONLY, 0);
	EVP_MD_CTX *ctx;
	char buf[CHUNK];
	ssize_t n;

	if (f == NULL) {
		sftp_fail(c, "cannot read back", path);
		return -1;
	}
	ctx = sha256_new();
	while ((n = sftp_read(f, buf, sizeof buf)) > 0)
		EVP_DigestUpdate(ctx, buf, (size_t)n);
	sha256_hex(ctx, out);
	if (n < 0)
		sftp_fail(c, "cannot read back", path);
	sftp_close(f);
	return n < 0 ? -1 : 0;
}

static int
write_all(sftp_file f, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = sftp_write(f, buf, len);

		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* local into the open remote file; -1 with the transfer failed. */
static int
upload(struct sftp_conn *c, const char *local, sftp_file f, const char *tmp)
{
	char buf[CHUNK];
	ssize_t n;
	int fd;

	if ((fd = open(local, O_RDONLY | O_CLOEXEC)) == -1) {
		transfer_failed(c->x, 1, "%s: %s", local, strerror(errno));
		return -1;
	}
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (write_all(f, buf, (size_t)n) == -1) {
			sftp_fail(c, "cannot write", tmp);
			close(fd);
			return -1;
		}
	if (n < 0)
		transfer_failed(c->x, 1, "%s: %s", local, strerror(errno));
	close(fd);
	if (n == 0 && sftp_extension_supported(c->sftp, "fsync@openssh.com",
	    "1") && sftp_fsync(f) != 0) {
		sftp_fail(c, "cannot sync", tmp);
		return -1;
	}
	return n < 0 ? -1 : 0;
}

int
sftp_put_verified(struct sftp_conn *c, const char *local, const char *remote,
    mode_t mode, const struct owner *owner, const char *sha256)
{
	char *tmp = transfer_temp(c->x, remote, TMP_SUFFIX), sum[65];
	sftp_file f;
	int rc = -1;

	if ((f = sftp_open(c->sftp, tmp, O_WRONLY | O_CREAT | O_TRUNC,
	    mode & 07777)) == NULL) {
		sftp_fail(c, "cannot create", tmp);
		/* Cut off, it may have been made all the same. */
		if (!ssh_is_connected(c->session))
			strv_push(&c->x->leftovers, tmp);
		free(tmp);
		return -1;
	}
	if (upload(c, local, f, tmp) == -1) {
		sftp_close(f);
		goto out;
	}
	if (sftp_close(f) != SSH_NO_ERROR) {
		sftp_fail(c, "cannot write", tmp);
		goto out;
	}
	/* The owner first: chown may clear set-id bits the mode has. */
	if (owner != NULL && sftp_owner_set(c, tmp, remote, owner, false) ==
	    -1)
		goto out;
	/* The node's umask applied at creation. */
	if (sftp_chmod(c->sftp, tmp, mode & 07777) != 0) {
		sftp_fail(c, "cannot set the mode of", tmp);
		goto out;
	}
	if (remote_sha256(c, tmp, sum) == -1)
		goto out;
	if (strcasecmp(sum, sha256) != 0) {
		transfer_failed(c->x, 1, "%s: %s arrived with sha256 %.12s..., "
		    "not %.12s...: not put in place", c->node, remote, sum,
		    sha256);
		goto out;
	}
	if (sftp_replace(c, tmp, remote) == -1)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		sftp_temp_drop(c, tmp);
	free(tmp);
	return rc;
}

/* --- the transfers ----------------------------------------------------------- */

static int
copy_run(struct sftp_conn *c)
{
	struct transfer *x = c->x;
	struct stat st;

	if (stat(x->local, &st) == -1) {
		transfer_failed(x, 1, "%s: %s", x->local, strerror(errno));
		return -1;
	}
	if (sftp_put_verified(c, x->local, x->remote, st.st_mode, NULL,
	    x->sha256) == -1)
		return -1;
	snprintf(x->message, sizeof x->message, "copied to %s:%s, sha256 "
	    "checked on the node", c->node, x->remote);
	return 0;
}

void
sftp_transfer_run(struct ssh_transport *t, struct transfer *x)
{
	struct sftp_conn c = { .x = x, .node = node_name(t, x->node) };
	struct restore_plan *plan = NULL;
	int rc = -1;

	/* A backup that changed is refused before the node is touched. */
	if (x->op == TRANSFER_RESTORE &&
	    (plan = restore_verify(x, c.node)) == NULL) {
		x->ok = false;
		return;
	}
	/* A command's output alone needs no more of the node. */
	if (x->op == TRANSFER_BACKUP && x->files.count == 0)
		rc = sftp_backup(&c);
	else if (conn_open(t, &c) == 0) {
		switch (x->op) {
		case TRANSFER_COPY:
			rc = copy_run(&c);
			break;
		case TRANSFER_BACKUP:
			rc = sftp_backup(&c);
			break;
		case TRANSFER_RESTORE:
			rc = restore_apply(&c, plan);
			break;
		}
	}
	conn_close(t, &c);
	restore_plan_free(plan);
	x->ok = rc == 0;
}
