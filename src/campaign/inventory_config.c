/* The libconfig inventory: nodes = ( { name; address; ... } ). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const node_keys[] = {
	"name", "address", "port", "user", "jump", "version", "roles",
	"labels", "vnfs", NULL
};

static const char *const vnf_keys[] = { "vnf", "instance", NULL };

static void
parse_vnfs(struct cfg *cfg, const config_setting_t *g, const char *ctx,
    struct node *n)
{
	config_setting_t *list;
	int count;

	if (!cfg_list(cfg, g, "vnfs", ctx, &list))
		return;
	count = config_setting_length(list);
	n->vnfs = xcalloc((size_t)count, sizeof *n->vnfs);
	for (int i = 0; i < count; i++) {
		config_setting_t *e = config_setting_get_elem(list, i);
		struct vnf_instance *vi = &n->vnfs[n->nvnfs];

		if (!config_setting_is_group(e)) {
			cfg_error(cfg, e, "{ vnf = \"vFW\"; instance = "
			    "\"fw-1\"; }", "%s: every entry of vnfs must be "
			    "a group", ctx);
			continue;
		}
		cfg_check_keys(cfg, e, ctx, vnf_keys);
		cfg_string(cfg, e, "vnf", ctx, &vi->vnf);
		cfg_string(cfg, e, "instance", ctx, &vi->instance);
		if (vi->vnf == NULL || vi->instance == NULL) {
			cfg_error(cfg, e, NULL, "%s: a VNF instance needs "
			    "\"vnf\" and \"instance\"", ctx);
			free(vi->vnf);
			free(vi->instance);
			memset(vi, 0, sizeof *vi);
			continue;
		}
		n->nvnfs++;
	}
}

/* "[user@]host[:port]"; false (reported) when it is not one. */
static bool
parse_jump(struct cfg *cfg, const config_setting_t *g, const char *ctx,
    char **out)
{
	struct jump_host j;

	if (!cfg_string(cfg, g, "jump", ctx, out))
		return false;
	if (jump_parse(*out, &j))
		return true;
	cfg_error(cfg, config_setting_get_member(g, "jump"),
	    "\"[user@]host[:port]\", e.g. \"ops@bastion:2222\"", "%s%sbad "
	    "jump host \"%s\"", ctx != NULL ? ctx : "", ctx != NULL ? ": " :
	    "", *out);
	free(*out);
	*out = NULL;
	return false;
}

static void
parse_node(struct cfg *cfg, const config_setting_t *g, size_t index,
    struct node *n)
{
	char ctx[64];
	long long port = 22;

	n->line = cfg_line(g);
	cfg_string(cfg, g, "name", "node", &n->name);
	if (n->name != NULL)
		snprintf(ctx, sizeof ctx, "node \"%.48s\"", n->name);
	else
		snprintf(ctx, sizeof ctx, "node %zu", index + 1);
	cfg_check_keys(cfg, g, ctx, node_keys);
	cfg_require(cfg, g, "name", ctx);
	if (cfg_require(cfg, g, "address", ctx))
		cfg_string(cfg, g, "address", ctx, &n->address);
	cfg_int(cfg, g, "port", ctx, 1, 65535, &port);
	n->port = (int)port;
	cfg_string(cfg, g, "user", ctx, &n->user);
	if (n->user == NULL)
		n->user = xstrdup("root");
	parse_jump(cfg, g, ctx, &n->jump);
	cfg_string(cfg, g, "version", ctx, &n->version);
	cfg_strv(cfg, g, "roles", ctx, &n->roles);
	cfg_labels(cfg, g, "labels", ctx, &n->labels, &n->nlabels);
	parse_vnfs(cfg, g, ctx, n);
}

static void
parse_nodes(struct cfg *cfg, struct inventory *inv)
{
	static const char *const top_keys[] = { "nodes", "jump", NULL };
	const config_setting_t *root = cfg_root(cfg);
	config_setting_t *list;
	char *jump = NULL;
	int count;

	cfg_check_keys(cfg, root, NULL, top_keys);
	if (!cfg_require(cfg, root, "nodes", NULL) ||
	    !cfg_list(cfg, root, "nodes", NULL, &list))
		return;
	parse_jump(cfg, root, NULL, &jump);
	count = config_setting_length(list);
	inv->nodes = xcalloc((size_t)count, sizeof *inv->nodes);
	for (int i = 0; i < count; i++) {
		config_setting_t *e = config_setting_get_elem(list, i);
		struct node *n = &inv->nodes[inv->count];

		if (!config_setting_is_group(e)) {
			cfg_error(cfg, e, NULL, "node %d must be a group "
			    "{ name = ...; address = ...; }", i + 1);
			continue;
		}
		parse_node(cfg, e, (size_t)i, n);
		if (n->name == NULL) {
			node_free(n);
			memset(n, 0, sizeof *n);
			continue;
		}
		if (n->address == NULL)
			n->address = xstrdup(n->name);
		if (n->jump == NULL && jump != NULL)
			n->jump = xstrdup(jump);
		inv->count++;
	}
	free(jump);
}

int
inventory_load_config(struct inventory *inv, const char *path,
    struct diag_list *diags)
{
	struct cfg cfg;
	size_t before = diag_errors(diags);

	memset(inv, 0, sizeof *inv);
	inv->file = xstrdup(path);
	if (cfg_open(&cfg, path, "inventory", diags) == 0 || cfg.parsed) {
		if (config_setting_length(cfg_root(&cfg)) > 0) {
			parse_nodes(&cfg, inv);
			inventory_finish(inv, diags);
		}
	}
	cfg_close(&cfg);
	return diag_errors(diags) > before ? -1 : 0;
}
