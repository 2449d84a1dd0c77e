/*
 * Host keys against the known_hosts file: a known key passes, a new
 * one is refused unless the operator accepted new keys (then it is
 * recorded), a changed one is always refused, loudly: it is what a
 * man in the middle looks like.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "escalator/util.h"
#include "ssh_impl.h"

/* "SHA256:..." of the server's key, malloc'd; "?" when unavailable. */
static char *
fingerprint(ssh_session s)
{
	ssh_key key = NULL;
	unsigned char *hash = NULL;
	size_t hlen = 0;
	char *fp, *out;

	if (ssh_get_server_publickey(s, &key) != SSH_OK)
		return xstrdup("?");
	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash,
	    &hlen) != SSH_OK) {
		ssh_key_free(key);
		return xstrdup("?");
	}
	fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	out = xasprintf("%s %s", ssh_key_type_to_char(ssh_key_type(key)),
	    fp != NULL ? fp : "?");
	ssh_string_free_char(fp);
	ssh_clean_pubkey_hash(&hash);
	ssh_key_free(key);
	return out;
}

int
hostkey_verify(struct ssh_transport *t, uint32_t node, char **err)
{
	ssh_session s = t->nodes[node].session;
	const char *name = node_name(t, node);
	char *fp = fingerprint(s);
	int rc = -1;

	switch (ssh_session_is_known_server(s)) {
	case SSH_KNOWN_HOSTS_OK:
		rc = 0;
		break;
	case SSH_KNOWN_HOSTS_CHANGED:
	case SSH_KNOWN_HOSTS_OTHER:
		*err = xasprintf("HOST KEY OF %s HAS CHANGED: it now offers %s,"
		    " not the key in %s. Someone may be impersonating the node"
		    " (or it was reinstalled): refused; check the key out of"
		    " band and edit %s", name, fp, t->known_hosts,
		    t->known_hosts);
		break;
	case SSH_KNOWN_HOSTS_UNKNOWN:
	case SSH_KNOWN_HOSTS_NOT_FOUND:
		if (!t->cfg.accept_new_host_keys) {
			*err = xasprintf("%s: unknown host key %s, not in %s: "
			    "refused (accept it after checking the fingerprint,"
			    " or --accept-new-host-keys)", name, fp,
			    t->known_hosts);
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
	free(fp);
	return rc;
}
