/*
 * A backup item's files fetched from the node into
 * STATE_DIR/backup/NODE/ITEM: each path under files/ as on the node,
 * directories recursively, symbolic links as links. Local copies are
 * private (files 0600, directories 0700: backups hold secrets); the
 * node's types, modes and owners are in ENTRIES, and MANIFEST.sha256,
 * in sha256sum's format, covers every file, the command's output and
 * ENTRIES, so that a restore can tell a backup that changed. Sockets,
 * pipes and devices are runtime objects: ENTRIES and the step's log
 * name them, skipped. It is all written into ITEM.partial.TAG and
 * renamed: a backup is whole or absent.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escalator/util.h"
#include "ssh_sftp.h"

struct backup {
	struct sftp_conn	*c;
	char			*dir;		/* ITEM.partial.TAG */
	FILE			*entries;
	FILE			*manifest;
	size_t			 nfiles, ndirs, nlinks;
	struct strv		 skipped;	/* sockets, pipes, devices */
};

static int	fetch(struct backup *, const char *path, sftp_attributes);

static void
manifest_add(struct backup *b, const char *sum, const char *rel)
{
	fprintf(b->manifest, "%s  %s\n", sum, rel);
}

static char *
local_of(const struct backup *b, const char *path)
{
	return xasprintf("%s/" BACKUP_FILES "%s", b->dir, path);
}

static int
local_failed(struct backup *b, const char *path)
{
	transfer_failed(b->c->x, 1, "%s: %s", path, strerror(errno));
	return -1;
}

/* A directory of the backup, made or already there as a directory: a
 * link the backup itself holds (a node's "current -> rel/42") must not
 * lead later files out of the backup directory. */
static int
dir_ensure(const char *local)
{
	struct stat st;

	if (mkdir(local, 0700) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	if (lstat(local, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

static int
parents_make(struct backup *b, const char *path)
{
	char *local = local_of(b, path);
	int rc = 0;

	for (char *s = local + strlen(b->dir) + 1; (s = strchr(s, '/')) !=
	    NULL; s++) {
		*s = '\0';
		if (dir_ensure(local) == -1)
			rc = local_failed(b, local);
		*s = '/';
		if (rc == -1)
			break;
	}
	free(local);
	return rc;
}

static int
fetch_file(struct backup *b, const char *path, const char *local)
{
	struct sftp_conn *c = b->c;
	sftp_file f = sftp_open(c->sftp, path, O_RDONLY, 0);
	EVP_MD_CTX *ctx;
	char buf[CHUNK], sum[65], *rel;
	ssize_t n = 0;
	int fd, rc = -1;

	if (f == NULL) {
		sftp_fail(c, "cannot read", path);
		return -1;
	}
	if ((fd = open(local, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		sftp_close(f);
		return local_failed(b, local);
	}
	ctx = sha256_new();
	while ((n = sftp_read(f, buf, sizeof buf)) > 0) {
		EVP_DigestUpdate(ctx, buf, (size_t)n);
		if (write(fd, buf, (size_t)n) != n) {
			local_failed(b, local);
			break;
		}
	}
	sha256_hex(ctx, sum);
	if (n < 0)
		sftp_fail(c, "cannot read", path);
	else if (n == 0 && fsync(fd) == -1)
		local_failed(b, local);
	else if (n == 0)
		rc = 0;
	if (close(fd) == -1 && rc == 0)
		rc = local_failed(b, local);
	sftp_close(f);
	if (rc == 0) {
		rel = xasprintf(BACKUP_FILES "%s", path);
		manifest_add(b, sum, rel);
		free(rel);
		b->nfiles++;
	}
	return rc;
}

/* The start of its ENTRIES line: type, mode, owner. */
static void
entry_add(struct backup *b, char type, sftp_attributes a)
{
	fprintf(b->entries, "%c\t%04o\t%lu:%lu\t", type,
	    (unsigned)(a->permissions & 07777), (unsigned long)a->uid,
	    (unsigned long)a->gid);
}

static int
fetch_link(struct backup *b, const char *path, const char *local,
    sftp_attributes a)
{
	char *target = sftp_readlink(b->c->sftp, path);
	int rc = 0;

	if (target == NULL) {
		sftp_fail(b->c, "cannot read the link", path);
		return -1;
	}
	if (strpbrk(target, "\n\t") != NULL) {
		transfer_failed(b->c->x, 1, "%s: %s: a link target with a "
		    "newline or tab cannot be backed up", b->c->node, path);
		rc = -1;
	} else if (symlink(target, local) == -1)
		rc = local_failed(b, local);
	else {
		entry_add(b, 'l', a);
		fprintf(b->entries, "%s\t%s\n", path, target);
		b->nlinks++;
	}
	ssh_string_free_char(target);
	return rc;
}

static int
fetch_dir(struct backup *b, const char *path, const char *local)
{
	struct sftp_conn *c = b->c;
	sftp_dir d;
	sftp_attributes a;
	int rc = 0;

	if (dir_ensure(local) == -1)
		return local_failed(b, local);
	if ((d = sftp_opendir(c->sftp, path)) == NULL) {
		sftp_fail(c, "cannot list", path);
		return -1;
	}
	while (rc == 0 && (a = sftp_readdir(c->sftp, d)) != NULL) {
		if (strcmp(a->name, ".") != 0 && strcmp(a->name, "..") != 0) {
			char *child = xasprintf("%s%s%s", path,
			    path[strlen(path) - 1] == '/' ? "" : "/", a->name);

			rc = fetch(b, child, a);
			free(child);
		}
		sftp_attributes_free(a);
	}
	if (rc == 0 && !sftp_dir_eof(d)) {
		sftp_fail(c, "cannot list", path);
		rc = -1;
	}
	sftp_closedir(d);
	return rc;
}

/* A socket, pipe or device: a runtime object, nothing to restore. It
 * is skipped, not silently. */
static void
skip_special(struct backup *b, const char *path, sftp_attributes a)
{
	static const struct {
		unsigned	 fmt;
		char		 type;
		const char	*what;
	} kinds[] = {
		{ SSH_S_IFSOCK, 's', "a socket" },
		{ SSH_S_IFIFO, 'p', "a named pipe" },
		{ SSH_S_IFCHR, 'c', "a character device" },
		{ SSH_S_IFBLK, 'b', "a block device" },
	};
	char type = '?', *note;
	const char *what = "of an unknown type";

	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if ((a->permissions & SSH_S_IFMT) == kinds[i].fmt) {
			type = kinds[i].type;
			what = kinds[i].what;
		}
	entry_add(b, type, a);
	fprintf(b->entries, "%s\n", path);
	note = xasprintf("skipped %s, %s: not backed up", path, what);
	strv_push(&b->c->x->report, note);
	strv_push(&b->skipped, path);
	free(note);
}

/* Each path, given or found in a directory, is checked here: a name
 * on the node must not lead out of the backup directory. */
static bool
path_ok(struct backup *b, const char *path)
{
	if (backup_path_valid(path))
		return true;
	transfer_failed(b->c->x, 1, "%s: \"%s\": not an absolute path "
	    "without . or .. or special characters: not backed up",
	    b->c->node, path);
	return false;
}

static int
fetch(struct backup *b, const char *path, sftp_attributes a)
{
	char *local;
	int rc = 0;

	if (!path_ok(b, path))
		return -1;
	local = local_of(b, path);
	switch (a->type) {
	case SSH_FILEXFER_TYPE_DIRECTORY:
		entry_add(b, 'd', a);
		fprintf(b->entries, "%s\n", path);
		b->ndirs++;
		rc = fetch_dir(b, path, local);
		break;
	case SSH_FILEXFER_TYPE_SYMLINK:
		rc = fetch_link(b, path, local, a);
		break;
	case SSH_FILEXFER_TYPE_REGULAR:
		entry_add(b, 'f', a);
		fprintf(b->entries, "%s\n", path);
		rc = fetch_file(b, path, local);
		break;
	default:
		skip_special(b, path, a);
		break;
	}
	free(local);
	return rc;
}

/* The local file's sha256 into the manifest as rel, and into sum. */
static int
manifest_hash(struct backup *b, const char *rel, char sum[65])
{
	char *path = xasprintf("%s/%s", b->dir, rel);
	int rc = file_sha256(path, sum);

	if (rc == -1)
		local_failed(b, path);
	else
		manifest_add(b, sum, rel);
	free(path);
	return rc;
}

/* A new file of the backup, private. */
static FILE *
private_create(struct backup *b, const char *name)
{
	char *path = xasprintf("%s/%s", b->dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (f == NULL) {
		local_failed(b, path);
		if (fd >= 0)
			close(fd);
	}
	free(path);
	return f;
}

/* Closed and on disk; rc, or -1 when that failed. */
static int
private_close(struct backup *b, FILE *f, const char *name, int rc)
{
	char *path = xasprintf("%s/%s", b->dir, name);

	if ((fflush(f) != 0 || fsync(fileno(f)) == -1) && rc == 0)
		rc = local_failed(b, path);
	if (fclose(f) != 0 && rc == 0)
		rc = local_failed(b, path);
	free(path);
	return rc;
}

static int
dir_sync(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	return flag == FTW_DP ? fsync_path(path) : 0;
}

/* ITEM.partial.TAG becomes ITEM, every directory of it on disk first
 * (its files are already); an older ITEM goes once the new one is in
 * place. */
static int
backup_commit(struct backup *b)
{
	struct transfer *x = b->c->x;
	char *old = transfer_temp(x, x->local, "old"), *err = NULL;
	char *parent = xstrdup(x->local), *slash = strrchr(parent, '/');
	int rc = -1;

	if (slash != NULL)
		*slash = '\0';
	if (nftw(b->dir, dir_sync, 16, FTW_DEPTH | FTW_PHYS) != 0 ||
	    tree_remove(old, &err) == -1 ||
	    (rename(x->local, old) == -1 && errno != ENOENT))
		goto out;
	if (rename(b->dir, x->local) == -1 || fsync_path(parent) == -1)
		goto out;
	rc = tree_remove(old, &err);
out:
	if (rc == -1 && err != NULL)
		transfer_failed(x, 1, "%s", err);
	else if (rc == -1)
		transfer_failed(x, 1, "%s: %s", x->local, strerror(errno));
	free(err);
	free(old);
	free(parent);
	return rc;
}

static int
backup_fetch_all(struct backup *b)
{
	struct sftp_conn *c = b->c;
	sftp_attributes a;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < c->x->files.count; i++) {
		const char *path = c->x->files.items[i];

		/* Before its parents are made here. */
		if (!path_ok(b, path))
			return -1;
		if ((a = sftp_lstat(c->sftp, path)) == NULL) {
			sftp_fail(c, "cannot back up", path);
			return -1;
		}
		rc = parents_make(b, path);
		if (rc == 0)
			rc = fetch(b, path, a);
		sftp_attributes_free(a);
	}
	return rc;
}

/* What was saved, never what it holds: its size and sha256, in the
 * result line (short) and the step's log (whole). */
static int
output_saved(struct backup *b, char *said, size_t size)
{
	char *path = xasprintf("%s/" BACKUP_OUTPUT, b->dir), sum[65], *note;
	struct stat st;
	int rc = -1;

	if (stat(path, &st) == -1)
		local_failed(b, path);
	else if ((rc = manifest_hash(b, BACKUP_OUTPUT, sum)) == 0) {
		snprintf(said, size, "the command's output (%lld bytes, sha256 "
		    "%.12s...)", (long long)st.st_size, sum);
		note = xasprintf("the command's output: %lld bytes, sha256 "
		    "%s, saved as %s/" BACKUP_OUTPUT, (long long)st.st_size,
		    sum, b->c->x->local);
		strv_push(&b->c->x->report, note);
		free(note);
	}
	free(path);
	return rc;
}

static void
backup_said(struct backup *b, const char *output)
{
	struct transfer *x = b->c->x;
	char counts[96];
	int n;

	tree_counts(counts, sizeof counts, b->nfiles, b->ndirs, b->nlinks);
	if (x->files.count == 0)
		n = snprintf(x->message, sizeof x->message, "backed up %s; "
		    "manifest written", output);
	else
		n = snprintf(x->message, sizeof x->message, "backed up: %s%s%s",
		    counts, *output != '\0' ? ", " : "", output);
	/* Their names are in the log: paths do not fit here. */
	if (b->skipped.count > 0 && n > 0 && (size_t)n < sizeof x->message)
		snprintf(x->message + n, sizeof x->message - (size_t)n,
		    "; skipped %zu socket, pipe or device file%s (see the "
		    "log)", b->skipped.count, b->skipped.count > 1 ? "s" : "");
}

int
sftp_backup(struct sftp_conn *c)
{
	struct transfer *x = c->x;
	struct backup b = { .c = c,
	    .dir = transfer_temp(x, x->local, "partial") };
	char *output = xasprintf("%s/" BACKUP_OUTPUT, b.dir), sum[65],
	    said[96] = "", *err = NULL;
	bool has_output = access(output, F_OK) == 0;
	int rc = -1;

	if ((b.manifest = private_create(&b, BACKUP_MANIFEST)) == NULL)
		goto out;
	if ((b.entries = private_create(&b, BACKUP_ENTRIES)) != NULL) {
		rc = backup_fetch_all(&b);
		rc = private_close(&b, b.entries, BACKUP_ENTRIES, rc);
	}
	if (rc == 0 && has_output)
		rc = output_saved(&b, said, sizeof said);
	if (rc == 0)
		rc = manifest_hash(&b, BACKUP_ENTRIES, sum);
	rc = private_close(&b, b.manifest, BACKUP_MANIFEST, rc);
	if (rc == 0)
		rc = backup_commit(&b);
	if (rc == 0)
		backup_said(&b, said);
out:
	/* Half a backup is no backup, and it may hold secrets. */
	if (rc == -1 && tree_remove(b.dir, &err) == -1)
		free(err);
	strv_free(&b.skipped);
	free(b.dir);
	free(output);
	return rc;
}
