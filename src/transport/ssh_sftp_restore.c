/*
 * A backup item put back on its node. Everything the backup holds is
 * checked against its manifest first, before the node is even
 * connected to: a file missing or changed refuses the restore with
 * nothing written. Then directories are made where missing, each file
 * is written beside its place, checked and renamed over it, links are
 * made the same way, and directories get their modes last (a
 * read-only one would refuse its own files otherwise). Each gets its
 * owner back where the node lets the SSH user set it; where not, the
 * restore goes on and says so. Files made on the node since the backup
 * are left alone; sockets, pipes and devices were never saved.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escalator/util.h"
#include "ssh_sftp.h"

/* What ENTRIES may hold: a directory, file or link to put back; a
 * socket, pipe, device or unknown type skipped by the backup. */
#define ENTRY_TYPES	"dflspcb?"

struct entry {
	char		 type;		/* one of ENTRY_TYPES */
	unsigned	 mode;
	struct owner	 owner;
	char		*path;		/* on the node */
	char		*target;	/* l */
	const char	*sha256;	/* f: from the manifest */
};

struct restore_plan {
	struct strv	 rels;		/* manifest: paths in the item */
	struct strv	 sums;		/* ... and their sha256 */
	struct entry	*entries;
	size_t		 nentries;
	const char	*output_sha256;	/* the command's output, if saved */
	char		*text;		/* ENTRIES, split in place */
};

void
restore_plan_free(struct restore_plan *p)
{
	if (p == NULL)
		return;
	strv_free(&p->rels);
	strv_free(&p->sums);
	free(p->entries);
	free(p->text);
	free(p);
}

/* A whole local file, NUL-terminated; NULL with errno set. */
static char *
slurp(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), error;
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	ssize_t n = 0;

	if (fd == -1)
		return NULL;
	if (fstat(fd, &st) == 0) {
		buf = xmalloc((size_t)st.st_size + 1);
		while (len < (size_t)st.st_size && (n = read(fd, buf + len,
		    (size_t)st.st_size - len)) > 0)
			len += (size_t)n;
		buf[len] = '\0';
	}
	error = errno;
	close(fd);
	if (buf == NULL || n < 0 || strlen(buf) != len) {
		free(buf);
		errno = n < 0 || buf == NULL ? error : EINVAL;
		return NULL;
	}
	return buf;
}

/* A path inside the item: relative, without "." or "..". */
static bool
rel_ok(const char *rel)
{
	const char *s = rel;

	if (*rel == '\0' || *rel == '/')
		return false;
	for (;;) {
		size_t n = strcspn(s, "/");

		if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 &&
		    s[0] == '.' && s[1] == '.'))
			return false;
		if (s[n] == '\0')
			return true;
		s += n + 1;
	}
}

static const char *
sum_of(const struct restore_plan *p, const char *rel)
{
	for (size_t i = 0; i < p->rels.count; i++)
		if (strcmp(p->rels.items[i], rel) == 0)
			return p->sums.items[i];
	return NULL;
}

static bool
is_hex64(const char *s)
{
	size_t i = 0;

	while (s[i] != '\0' && strchr("0123456789abcdef", s[i]) != NULL)
		i++;
	return i == 64;
}

/* Every line of the manifest names a file of the item that hashes to
 * what it says; *why says what does not. */
static int
manifest_check(struct restore_plan *p, const char *dir, char **why)
{
	char *path = xasprintf("%s/" BACKUP_MANIFEST, dir);
	char *text = slurp(path), *line, *save = NULL, sum[65];
	int rc = 0;

	if (text == NULL) {
		*why = xasprintf("no readable " BACKUP_MANIFEST ": %s",
		    strerror(errno));
		free(path);
		return -1;
	}
	for (line = strtok_r(text, "\n", &save); line != NULL && rc == 0;
	    line = strtok_r(NULL, "\n", &save)) {
		char *rel = line + 66, *file;

		if (strlen(line) < 67 || line[64] != ' ' || line[65] != ' ' ||
		    (line[64] = '\0', !is_hex64(line)) || !rel_ok(rel)) {
			*why = xstrdup("a malformed manifest line");
			rc = -1;
			break;
		}
		file = xasprintf("%s/%s", dir, rel);
		if (file_sha256(file, sum) == -1) {
			*why = xasprintf("%s: %s", rel, strerror(errno));
			rc = -1;
		} else if (strcmp(sum, line) != 0) {
			*why = xasprintf("%s has changed since the backup",
			    rel);
			rc = -1;
		}
		free(file);
		strv_push(&p->rels, rel);
		strv_push(&p->sums, line);
	}
	free(text);
	free(path);
	return rc;
}

/* "UID:GID", numbers and nothing else. */
static bool
owner_parse(const char *s, struct owner *o)
{
	unsigned long uid, gid;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	uid = strtoul(s, &end, 10);
	if (*end != ':' || end[1] < '0' || end[1] > '9')
		return false;
	gid = strtoul(end + 1, &end, 10);
	if (*end != '\0' || uid > UINT32_MAX || gid > UINT32_MAX)
		return false;
	o->uid = (uid_t)uid;
	o->gid = (gid_t)gid;
	return true;
}

static int
entry_parse(struct restore_plan *p, const char *dir, char *line, char **why)
{
	struct entry e = { .type = line[0] };
	char *mode, *owner, *rel, *local, link[4096], *save = NULL;
	ssize_t n;

	if (strlen(line) < 2 || line[1] != '\t' || strchr(ENTRY_TYPES,
	    line[0]) == NULL || (mode = strtok_r(line + 2, "\t", &save)) ==
	    NULL || (owner = strtok_r(NULL, "\t", &save)) == NULL ||
	    !owner_parse(owner, &e.owner) || (e.path = strtok_r(NULL, "\t",
	    &save)) == NULL || !backup_path_valid(e.path) ||
	    ((e.target = strtok_r(NULL, "\t", &save)) == NULL) !=
	    (e.type != 'l')) {
		*why = xstrdup("a malformed line in " BACKUP_ENTRIES);
		return -1;
	}
	e.mode = (unsigned)strtoul(mode, NULL, 8) & 07777;
	rel = xasprintf(BACKUP_FILES "%s", e.path);
	local = xasprintf("%s/%s", dir, rel);
	if (e.type == 'f' && (e.sha256 = sum_of(p, rel)) == NULL)
		*why = xasprintf("%s is not in the manifest", rel);
	else if (e.type == 'l' && ((n = readlink(local, link,
	    sizeof link - 1)) < 0 || (link[n] = '\0', strcmp(link,
	    e.target) != 0)))
		*why = xasprintf("the link %s has changed or is missing", rel);
	free(rel);
	free(local);
	if (*why != NULL)
		return -1;
	p->entries = xreallocarray(p->entries, p->nentries + 1,
	    sizeof *p->entries);
	p->entries[p->nentries++] = e;
	return 0;
}

static int
entries_read(struct restore_plan *p, const char *dir, char **why)
{
	char *path = xasprintf("%s/" BACKUP_ENTRIES, dir), *line, *save = NULL;
	int rc = 0;

	if (sum_of(p, BACKUP_ENTRIES) == NULL) {
		*why = xstrdup(BACKUP_ENTRIES " is not in the manifest");
		free(path);
		return -1;
	}
	/* Verified above: what it says is what the backup wrote. */
	p->text = slurp(path);
	free(path);
	if (p->text == NULL) {
		*why = xasprintf(BACKUP_ENTRIES ": %s", strerror(errno));
		return -1;
	}
	for (line = strtok_r(p->text, "\n", &save); line != NULL && rc == 0;
	    line = strtok_r(NULL, "\n", &save))
		rc = entry_parse(p, dir, line, why);
	return rc;
}

struct restore_plan *
restore_verify(struct transfer *x, const char *node)
{
	struct restore_plan *p = xcalloc(1, sizeof *p);
	char *why = NULL;

	if (manifest_check(p, x->local, &why) == 0 &&
	    entries_read(p, x->local, &why) == 0 && x->remote != NULL &&
	    (p->output_sha256 = sum_of(p, BACKUP_OUTPUT)) == NULL)
		why = xstrdup("the command's output is not in the manifest");
	if (why == NULL)
		return p;
	transfer_failed(x, 1, "%s: restore refused, nothing written to the "
	    "node: the backup does not match its manifest: %s", node, why);
	free(why);
	restore_plan_free(p);
	return NULL;
}

/* --- putting it back ----------------------------------------------------- */

static int
dir_make(struct sftp_conn *c, const struct entry *e)
{
	sftp_attributes a = sftp_lstat(c->sftp, e->path);
	bool is_dir = a != NULL && a->type == SSH_FILEXFER_TYPE_DIRECTORY;

	if (a != NULL)
		sftp_attributes_free(a);
	if (is_dir)
		return 0;
	if (a != NULL) {
		transfer_failed(c->x, 1, "%s: %s is no longer a directory: "
		    "not restored", c->node, e->path);
		return -1;
	}
	if (sftp_mkdir(c->sftp, e->path, 0700) != 0) {
		sftp_fail(c, "cannot make the directory", e->path);
		return -1;
	}
	return 0;
}

static int
link_make(struct sftp_conn *c, const struct entry *e)
{
	char *tmp = transfer_temp(c->x, e->path, TMP_SUFFIX);
	int rc = -1;

	if (sftp_symlink(c->sftp, e->target, tmp) != 0)
		sftp_fail(c, "cannot make the link", tmp);
	else if (sftp_owner_set(c, tmp, e->path, &e->owner, true) == 0 &&
	    sftp_replace(c, tmp, e->path) == 0)
		rc = 0;
	else
		sftp_temp_drop(c, tmp);
	free(tmp);
	return rc;
}

/* Owners, then modes, deepest first: a read-only directory would
 * refuse its own files otherwise. */
static int
dirs_finish(struct sftp_conn *c, const struct restore_plan *p)
{
	for (size_t i = p->nentries; i-- > 0;) {
		const struct entry *e = &p->entries[i];

		if (e->type != 'd')
			continue;
		if (sftp_owner_set(c, e->path, e->path, &e->owner, false) ==
		    -1)
			return -1;
		if (sftp_chmod(c->sftp, e->path, e->mode) != 0) {
			sftp_fail(c, "cannot set the mode of", e->path);
			return -1;
		}
	}
	return 0;
}

static void
restore_said(struct sftp_conn *c, const struct restore_plan *p,
    const size_t count[3])
{
	struct transfer *x = c->x;
	int n;

	if (p->nentries == 0)
		n = snprintf(x->message, sizeof x->message, "restored from "
		    "the command's saved output");
	else {
		n = snprintf(x->message, sizeof x->message, "restored: ");
		n += tree_counts(x->message + n, sizeof x->message - (size_t)n,
		    count[0], count[1], count[2]);
	}
	if (c->unowned.count > 0 && n > 0 && (size_t)n < sizeof x->message) {
		snprintf(x->message + n, sizeof x->message - (size_t)n,
		    "; owner not set on %zu: ", c->unowned.count);
		names_append(x->message, sizeof x->message, &c->unowned);
	}
}

int
restore_apply(struct sftp_conn *c, const struct restore_plan *p)
{
	struct transfer *x = c->x;
	size_t count[3] = { 0 };	/* files, directories, links */
	int rc = 0;

	for (size_t i = 0; i < p->nentries && rc == 0; i++) {
		const struct entry *e = &p->entries[i];
		char *local = xasprintf("%s/" BACKUP_FILES "%s", x->local,
		    e->path), *note;

		if (e->type == 'd' && (rc = dir_make(c, e)) == 0)
			count[1]++;
		else if (e->type == 'f' && (rc = sftp_put_verified(c, local,
		    e->path, e->mode, &e->owner, e->sha256)) == 0)
			count[0]++;
		else if (e->type == 'l' && (rc = link_make(c, e)) == 0)
			count[2]++;
		else if (strchr("dfl", e->type) == NULL) {
			note = xasprintf("not restored: %s, skipped by the "
			    "backup (not a file, directory or link)", e->path);
			strv_push(&x->report, note);
			free(note);
		}
		free(local);
	}
	if (rc == 0)
		rc = dirs_finish(c, p);
	if (rc == 0 && x->remote != NULL) {
		char *output = xasprintf("%s/" BACKUP_OUTPUT, x->local);

		rc = sftp_put_verified(c, output, x->remote, 0600, NULL,
		    p->output_sha256);
		free(output);
	}
	if (rc == 0)
		restore_said(c, p, count);
	return rc;
}
