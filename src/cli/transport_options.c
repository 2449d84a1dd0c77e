/*
 * The transport options shared by escalator run, resume and the
 * console: the simulator by default, or the inventory's nodes over SSH
 * with a user key, a known_hosts file and HAProxy for the handover. A
 * run records them (paths, never a key) so that whoever carries it on
 * reopens the same transport.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "escalator/cli.h"
#include "escalator/engine.h"
#include "escalator/ssh_transport.h"
#include "escalator/util.h"

/* Absolute, so that resume from another directory finds the same file;
 * as given when it does not exist (yet). */
static void
path_set(char **slot, const char *path)
{
	char *abs = realpath(path, NULL);

	free(*slot);
	*slot = abs != NULL ? abs : xstrdup(path);
}

bool
cli_transport_option(struct cli_transport *t, int ch, const char *arg)
{
	switch (ch) {
	case CLI_OPT_SSH:
		t->ssh = true;
		return true;
	case CLI_OPT_IDENTITY:
		path_set(&t->identity_file, arg);
		t->ssh_only = "identity";
		break;
	case CLI_OPT_KNOWN_HOSTS:
		path_set(&t->known_hosts, arg);
		t->ssh_only = "known-hosts";
		break;
	case CLI_OPT_ACCEPT_NEW:
		t->accept_new_host_keys = true;
		t->ssh_only = "accept-new-host-keys";
		break;
	case CLI_OPT_HAPROXY_SOCKET:
		path_set(&t->haproxy_socket, arg);
		t->ssh_only = "haproxy-socket";
		break;
	case CLI_OPT_HAPROXY_BACKEND:
		free(t->haproxy_backend);
		t->haproxy_backend = xstrdup(arg);
		t->ssh_only = "haproxy-backend";
		break;
	case CLI_OPT_JUMP:
		free(t->jump);
		t->jump = xstrdup(arg);
		t->ssh_only = "jump";
		break;
	default:
		return false;
	}
	return true;
}

/* The simulator's options and the SSH transport's exclude each other. */
int
cli_transport_check(const struct cli_transport *t, const char *sim_opt)
{
	if (t->ssh && sim_opt != NULL) {
		fprintf(stderr, "escalator: --%s is for the simulator; --ssh "
		    "runs on the real nodes in real time\n", sim_opt);
		return -1;
	}
	if (!t->ssh && t->ssh_only != NULL) {
		fprintf(stderr, "escalator: --%s needs --ssh\n", t->ssh_only);
		return -1;
	}
	if ((t->haproxy_socket == NULL) != (t->haproxy_backend == NULL)) {
		fprintf(stderr, "escalator: --haproxy-socket and "
		    "--haproxy-backend go together\n");
		return -1;
	}
	return 0;
}

void
cli_transport_help(FILE *out)
{
	fputs("  --ssh             run on the real nodes over SSH, in real time\n"
	    "                    (not with --virtual-time, --speed or --fault);\n"
	    "                    resuming reopens SSH with the same options\n"
	    "  --identity FILE   private key (mode 600 or stricter: one open to\n"
	    "                    group or others is refused); default: ssh-agent\n"
	    "  --known-hosts FILE  the nodes' host keys (default\n"
	    "                    ~/.ssh/known_hosts); an unknown key waits for\n"
	    "                    the operator to accept its fingerprint\n"
	    "  --accept-new-host-keys  record the key of a node never seen\n"
	    "                    before without asking (a changed key is\n"
	    "                    always refused)\n"
	    "  --haproxy-socket PATH, --haproxy-backend NAME  HAProxy's admin\n"
	    "                    socket and the backend whose servers are the\n"
	    "                    nodes: the handover \"lb\" drains them there\n"
	    "  --jump [USER@]HOST[:PORT]  reach the nodes through this SSH jump\n"
	    "                    host (a node's own inventory jump wins)\n",
	    out);
}

static char *
json_get_string(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_string) ?
	    xstrdup(json_object_get_string(v)) : NULL;
}

/* The options recorded with a run that went through SSH. */
static int
ssh_parse(struct cli_transport *t, const char *text)
{
	struct json_object *o = json_tokener_parse(text ? text : ""), *v;

	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return -1;
	}
	t->ssh = true;
	t->identity_file = json_get_string(o, "identity_file");
	t->known_hosts = json_get_string(o, "known_hosts");
	t->accept_new_host_keys = json_object_object_get_ex(o,
	    "accept_new_host_keys", &v) && json_object_get_boolean(v);
	t->haproxy_socket = json_get_string(o, "haproxy_socket");
	t->haproxy_backend = json_get_string(o, "haproxy_backend");
	t->jump = json_get_string(o, "jump");
	json_object_put(o);
	return 0;
}

int
cli_transport_recorded(struct cli_transport *t, const char *options,
    const char *dir)
{
	char *name = engine_options_transport(options);
	char *topts = engine_options_transport_options(options);
	int rc = 0;

	cli_transport_free(t);
	if (strcmp(name, "sim") != 0 && (strcmp(name, "ssh") != 0 ||
	    ssh_parse(t, topts) == -1)) {
		fprintf(stderr, "escalator: %s: the run went through the %s "
		    "transport, whose options are not recorded\n", dir, name);
		rc = -1;
	}
	free(name);
	free(topts);
	return rc;
}

static void
json_add_string(struct json_object *o, const char *key, const char *v)
{
	if (v != NULL)
		json_object_object_add(o, key, json_object_new_string(v));
}

/* Paths and names only: the key itself never goes into the journal. */
static char *
ssh_format(const struct cli_transport *t)
{
	struct json_object *o = json_object_new_object();
	char *text;

	json_add_string(o, "identity_file", t->identity_file);
	json_add_string(o, "known_hosts", t->known_hosts);
	json_object_object_add(o, "accept_new_host_keys",
	    json_object_new_boolean(t->accept_new_host_keys));
	json_add_string(o, "haproxy_socket", t->haproxy_socket);
	json_add_string(o, "haproxy_backend", t->haproxy_backend);
	json_add_string(o, "jump", t->jump);
	text = xstrdup(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return text;
}

static struct transport *
ssh_open(void *arg, struct clock *clock, char **err)
{
	struct ssh_transport_config *sc = arg;
	struct transport *tp;
	char *why = NULL;

	sc->clock = clock;
	if ((tp = ssh_transport_open(sc, &why)) == NULL) {
		*err = xasprintf("cannot open the ssh transport: %s", why);
		free(why);
	}
	return tp;
}

void
cli_transport_setup(struct cli_transport *t, struct engine_config *cfg)
{
	struct ssh_transport_config *sc;

	if (!t->ssh)
		return;
	free(t->config);
	free(t->recorded);
	t->config = sc = xcalloc(1, sizeof *sc);
	sc->inventory = cfg->inventory;
	sc->state_dir = cfg->state_dir;
	sc->identity_file = t->identity_file;
	sc->known_hosts = t->known_hosts;
	sc->accept_new_host_keys = t->accept_new_host_keys;
	sc->haproxy_socket = t->haproxy_socket;
	sc->haproxy_backend = t->haproxy_backend;
	sc->jump = t->jump;
	sc->vim = &cfg->campaign->vim;
	/* Open the next connections while the first steps run. */
	sc->connect_ahead = true;
	cfg->clock_mode = CLOCK_MODE_REAL;	/* nodes live in real time */
	cfg->speed = 1;
	cfg->transport_open = ssh_open;
	cfg->transport_arg = sc;
	cfg->transport_options = t->recorded = ssh_format(t);
}

void
cli_transport_free(struct cli_transport *t)
{
	free(t->identity_file);
	free(t->known_hosts);
	free(t->haproxy_socket);
	free(t->haproxy_backend);
	free(t->jump);
	free(t->config);
	free(t->recorded);
	memset(t, 0, sizeof *t);
}
