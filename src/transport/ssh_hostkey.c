/*
 * Host keys against the known_hosts file: a known key passes, a new
 * one is refused unless the operator accepted new keys (then it is
 * recorded) or accepts this one after seeing its fingerprint, a changed
 * one is always refused, loudly: it is what a man in the middle looks
 * like.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escalator/util.h"
#include "ssh_impl.h"

/* The server's key type and "SHA256:..." fingerprint; "?" for what
 * cannot be had. */
static void
key_describe(ssh_session s, struct transport_hostkey *k)
{
	ssh_key key = NULL;
	unsigned char *hash = NULL;
	size_t hlen = 0;
	char *fp;

	snprintf(k->type, sizeof k->type, "?");
	snprintf(k->fingerprint, sizeof k->fingerprint, "?");
	if (ssh_get_server_publickey(s, &key) != SSH_OK)
		return;
	snprintf(k->type, sizeof k->type, "%s",
	    ssh_key_type_to_char(ssh_key_type(key)));
	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash,
	    &hlen) == SSH_OK) {
		fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash,
		    hlen);
		if (fp != NULL)
			snprintf(k->fingerprint, sizeof k->fingerprint, "%s",
			    fp);
		ssh_string_free_char(fp);
		ssh_clean_pubkey_hash(&hash);
	}
	ssh_key_free(key);
}

static void
unknown_forget(struct ssh_node *sn)
{
	free(sn->unknown_entry);
	sn->unknown_entry = NULL;
	memset(&sn->unknown, 0, sizeof sn->unknown);
}

/* Keep the unknown key for the operator: what to show, what to write. */
static void
unknown_keep(struct ssh_node *sn, const struct transport_hostkey *k)
{
	char *entry = NULL;

	if (ssh_session_export_known_hosts_entry(sn->session, &entry) !=
	    SSH_OK)
		return;
	sn->unknown = *k;
	sn->unknown_entry = xstrdup(entry);
	sn->unknown_entry[strcspn(sn->unknown_entry, "\n")] = '\0';
	ssh_string_free_char(entry);
}

int
hostkey_verify(struct ssh_transport *t, uint32_t node, char **err)
{
	struct ssh_node *sn = &t->nodes[node];
	ssh_session s = sn->session;
	const char *name = node_name(t, node);
	struct transport_hostkey k;
	int rc = -1;

	key_describe(s, &k);
	unknown_forget(sn);
	switch (ssh_session_is_known_server(s)) {
	case SSH_KNOWN_HOSTS_OK:
		rc = 0;
		break;
	case SSH_KNOWN_HOSTS_CHANGED:
	case SSH_KNOWN_HOSTS_OTHER:
		*err = xasprintf("HOST KEY OF %s HAS CHANGED: it now offers %s"
		    " %s, not the key in %s. Someone may be impersonating the"
		    " node (or it was reinstalled): refused; check the key out"
		    " of band and edit %s", name, k.type, k.fingerprint,
		    t->known_hosts, t->known_hosts);
		break;
	case SSH_KNOWN_HOSTS_UNKNOWN:
	case SSH_KNOWN_HOSTS_NOT_FOUND:
		if (!t->cfg.accept_new_host_keys) {
			unknown_keep(sn, &k);
			*err = xasprintf("%s: unknown host key %s %s, not in %s:"
			    " refused (accept it after checking the "
			    "fingerprint, or --accept-new-host-keys)", name,
			    k.type, k.fingerprint, t->known_hosts);
			break;
		}
		if (ssh_session_update_known_hosts(s) != SSH_OK) {
			*err = xasprintf("%s: cannot record its host key in "
			    "%s: %s", name, t->known_hosts, ssh_get_error(s));
			break;
		}
		rc = 0;
		break;
	default:
		*err = xasprintf("%s: cannot check its host key against %s: %s",
		    name, t->known_hosts, ssh_get_error(s));
		break;
	}
	return rc;
}

/* Append a line to known_hosts, making its directory if need be. */
static int
known_hosts_append(const char *path, const char *line, char **err)
{
	char *dir = xstrdup(path);
	int fd, rc = 0;

	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) == -1 && errno == ENOENT &&
	    mkdir(dirname(dir), 0700) == 0)
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		    0600);
	free(dir);
	if (fd == -1 || dprintf(fd, "%s\n", line) < 0 || fsync(fd) == -1) {
		*err = xasprintf("cannot record the host key in %s: %s", path,
		    strerror(errno));
		rc = -1;
	}
	if (fd != -1 && close(fd) == -1 && rc == 0) {
		*err = xasprintf("cannot record the host key in %s: %s", path,
		    strerror(errno));
		rc = -1;
	}
	return rc;
}

int
hostkey_accept(struct transport *tp, uint32_t node, const char *fingerprint,
    char **err)
{
	struct ssh_transport *t = (struct ssh_transport *)tp;
	struct ssh_node *sn;

	if (node >= t->cfg.inventory->count) {
		*err = xasprintf("no node %u in the inventory", node);
		return -1;
	}
	sn = &t->nodes[node];
	/* Only the very key that was shown: another one since is a new
	 * question, or a change. */
	if (sn->unknown_entry == NULL ||
	    strcmp(sn->unknown.fingerprint, fingerprint) != 0) {
		*err = xasprintf("%s: no unknown host key %s waits to be "
		    "accepted%s%s", node_name(t, node), fingerprint,
		    sn->unknown_entry != NULL ? "; it now offers " : "",
		    sn->unknown_entry != NULL ? sn->unknown.fingerprint : "");
		return -1;
	}
	if (known_hosts_append(t->known_hosts, sn->unknown_entry, err) == -1)
		return -1;
	unknown_forget(sn);
	return 0;
}

size_t
hostkey_news_collect(struct ssh_transport *t, struct transport_result *out,
    size_t max)
{
	size_t n = 0;

	for (uint32_t i = 0; i < t->cfg.inventory->count && n < max; i++) {
		struct ssh_node *sn = &t->nodes[i];

		if (!sn->news)
			continue;
		sn->news = false;
		memset(&out[n], 0, sizeof out[n]);
		out[n].status = TRANSPORT_FAILED;
		out[n].exit_code = 255;
		out[n].node = i;
		out[n].hostkey = sn->unknown;
		snprintf(out[n].output, sizeof out[n].output, "%s",
		    sn->news_text);
		n++;
	}
	return n;
}

void
hostkeys_free(struct ssh_transport *t)
{
	for (uint32_t i = 0; t->nodes != NULL && i < t->cfg.inventory->count;
	    i++)
		unknown_forget(&t->nodes[i]);
}
