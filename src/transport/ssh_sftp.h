/* The transfer workers' SFTP helpers, shared by ssh_sftp*.c. */
#ifndef ESCALATOR_SSH_SFTP_H
#define ESCALATOR_SSH_SFTP_H

#include <stdbool.h>
#include <sys/types.h>

#include <libssh/sftp.h>
#include <openssl/evp.h>

#include "ssh_impl.h"

/* What names the files of a backup inside its item directory. */
#define BACKUP_FILES	"files"		/* the node's paths under it */
#define BACKUP_OUTPUT	"output"	/* the command's stdout */
#define BACKUP_ENTRIES	"ENTRIES"	/* type, mode, owner, path, target */
#define BACKUP_MANIFEST	"MANIFEST.sha256"
/* Beside a file being written on the node, renamed over it when whole:
 * PATH.escalator-tmp.TAG (transfer_temp). */
#define TMP_SUFFIX	"escalator-tmp"
#define CHUNK		32768

struct sftp_conn {
	struct transfer	*x;
	const char	*node;		/* its name, for messages */
	ssh_session	 session;
	sftp_session	 sftp;
	struct strv	 unowned;	/* restore: owners not set */
};

/* A node's numeric owner of a file. */
struct owner {
	uid_t	uid;
	gid_t	gid;
};

/* What went wrong on the connection, for messages. */
const char	*sftp_error_text(const struct sftp_conn *);
/* Fail the transfer for path: 255 when the connection is gone. */
void	sftp_fail(struct sftp_conn *, const char *what, const char *path);

/* sha256 as 64 hex digits into out[65]. */
void	sha256_hex(EVP_MD_CTX *, char out[65]);
EVP_MD_CTX *sha256_new(void);

/* Rename tmp over dest, which may exist (SFTP's own rename refuses
 * that: then mv on the node does it). 0, or -1 with the transfer
 * failed. */
int	sftp_replace(struct sftp_conn *, const char *tmp, const char *dest);
/* Write local to remote atomically (its temporary, then a rename),
 * with mode and, unless NULL, owner; the copy on the node is read back
 * and must hash to sha256. 0, or -1 with the transfer failed. */
int	sftp_put_verified(struct sftp_conn *, const char *local,
	    const char *remote, mode_t mode, const struct owner *,
	    const char *sha256);
/* Set path's owner (a link's own with link), shown as shown. Where the
 * node refuses (only root may give a file away), that is noted in the
 * report and unowned and the transfer goes on: -1 only when the
 * connection is gone, the transfer failed. */
int	sftp_owner_set(struct sftp_conn *, const char *path, const char *shown,
	    const struct owner *, bool link);
/* A temporary given up: removed, or left for the engine to remove
 * when the connection is gone. */
void	sftp_temp_drop(struct sftp_conn *, const char *tmp);
/* "1 file, 2 directories, 0 links" into buf; snprintf's return. */
int	tree_counts(char *buf, size_t size, size_t files, size_t dirs,
	    size_t links);
/* names after what is in buf, as many as fit, then "(see the log)". */
void	names_append(char *buf, size_t size, const struct strv *names);

/* Local files: sha256 (-1 with errno), fsync by path. */
int	file_sha256(const char *path, char out[65]);
int	fsync_path(const char *path);

/* ssh_sftp_backup.c */
int	sftp_backup(struct sftp_conn *);

/* ssh_sftp_restore.c: what to put back, checked against the manifest
 * before anything is written (NULL: refused, the transfer failed). */
struct restore_plan;
struct restore_plan *restore_verify(struct transfer *, const char *node);
int	restore_apply(struct sftp_conn *, const struct restore_plan *);
void	restore_plan_free(struct restore_plan *);

#endif
