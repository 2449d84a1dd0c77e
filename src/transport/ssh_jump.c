/*
 * Reaching a node through a jump host: libssh runs OpenSSH's client as
 * its ProxyCommand (`ssh -W node:port jump`), which carries the session
 * over the jump host's own SSH connection. That client checks the jump
 * host's key against the same known_hosts file, strictly (an unknown or
 * changed key fails the connection), authenticates with the same
 * identity (or the agent) and reads no ssh_config. The node's own host
 * key is still checked by us, end to end, through the tunnel.
 */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escalator/util.h"
#include "ssh_impl.h"

#define JUMP_CONNECT_TIMEOUT_S	15
#define JUMP_LOG		"jump.log"

int
jump_command(const struct ssh_transport *t, const struct node *n, char **out)
{
	const char *spec = n->jump != NULL ? n->jump : t->jump;
	const char *addr = n->address != NULL ? n->address : n->name;
	struct jump_host j;
	char *kh, *id = NULL, *user, *log, *path, *target;
	int fd;

	*out = NULL;
	if (spec == NULL)
		return 0;
	/* libssh expands %-sequences in the command it runs */
	if (!jump_parse(spec, &j) || strchr(addr, '%') != NULL)
		return -1;
	kh = shell_quote(t->known_hosts);
	path = xasprintf("%s/" JUMP_LOG, t->state_dir);
	/* Private, as everything in the state directory: made here, the
	 * shell's ">>" keeps its mode. */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600)) >= 0)
		close(fd);
	log = shell_quote(path);
	free(path);
	if (t->identity_file != NULL) {
		char *q = shell_quote(t->identity_file);

		id = xasprintf("-i %s -o IdentitiesOnly=yes ", q);
		free(q);
	}
	user = shell_quote(j.user[0] != '\0' ? j.user : n->user != NULL ?
	    n->user : "root");
	/* The node's address quoted here, not libssh's %h: an inventory's
	 * address must never reach the shell as words. The client's
	 * complaints go to a log, not to the operator's terminal. */
	path = xasprintf("%s:%d", addr, n->port > 0 ? n->port : 22);
	target = shell_quote(path);
	free(path);
	*out = xasprintf("exec ssh -F /dev/null -o BatchMode=yes "
	    "-o StrictHostKeyChecking=yes -o UserKnownHostsFile=%s "
	    "-o GlobalKnownHostsFile=/dev/null -o ConnectTimeout=%d %s"
	    "-l %s -p %d -W %s %s 2>>%s", kh, JUMP_CONNECT_TIMEOUT_S,
	    id != NULL ? id : "", user, j.port, target, j.host, log);
	free(target);
	free(kh);
	free(log);
	free(id);
	free(user);
	return 0;
}
