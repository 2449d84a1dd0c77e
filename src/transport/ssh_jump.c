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
	struct jump_host j;
	char *kh, *id = NULL, *user, *log, *path;
	int fd;

	*out = NULL;
	if (spec == NULL)
		return 0;
	if (!jump_parse(spec, &j))
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
	/* %h and %p: libssh puts the node's address and port there. Its
	 * complaints go to a log, not to the operator's terminal. */
	*out = xasprintf("exec ssh -F /dev/null -o BatchMode=yes "
	    "-o StrictHostKeyChecking=yes -o UserKnownHostsFile=%s "
	    "-o GlobalKnownHostsFile=/dev/null -o ConnectTimeout=%d %s"
	    "-l %s -p %d -W '%%h:%%p' %s 2>>%s", kh, JUMP_CONNECT_TIMEOUT_S,
	    id != NULL ? id : "", user, j.port, j.host, log);
	free(kh);
	free(log);
	free(id);
	free(user);
	return 0;
}
