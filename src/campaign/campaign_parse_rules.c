/* What the campaign must respect and keep: availability constraints,
 * component impact, and backup items. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Calls each(cfg, element, index, arg) for every group of a list, and
 * reports the elements that are not groups. */
static void
each_group(struct cfg *cfg, const config_setting_t *list, const char *what,
    void (*each)(struct cfg *, const config_setting_t *, int, void *),
    void *arg)
{
	int n = config_setting_length(list);

	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(list, i);

		if (config_setting_is_group(e))
			each(cfg, e, i, arg);
		else
			cfg_error(cfg, e, NULL, "%s %d must be a group { }",
			    what, i + 1);
	}
}

/* The name every rule starts with; the context for its messages. */
static char *
rule_name(struct cfg *cfg, const config_setting_t *g, const char *key,
    const char *what, char *ctx, size_t len)
{
	char *name = NULL;

	cfg_string(cfg, g, key, what, &name);
	if (name != NULL)
		snprintf(ctx, len, "%s \"%.64s\"", what, name);
	else {
		snprintf(ctx, len, "%s", what);
		cfg_require(cfg, g, key, ctx);
	}
	return name;
}

static void
parse_ha_rule(struct cfg *cfg, const config_setting_t *g, int i, void *arg)
{
	static const char *const keys[] = { "group", "max_unavailable",
	    "quorum", NULL };
	struct campaign *c = arg;
	struct ha_rule *r = &c->ha_rules[c->nha_rules];
	char ctx[96];
	long long v;

	(void)i;
	if ((r->group = rule_name(cfg, g, "group", "HA group", ctx,
	    sizeof ctx)) == NULL)
		return;
	r->line = cfg_line(g);
	cfg_check_keys(cfg, g, ctx, keys);
	r->max_unavailable = 1;
	if (cfg_int(cfg, g, "max_unavailable", ctx, 1, 1000000, &v))
		r->max_unavailable = (int)v;
	if (cfg_int(cfg, g, "quorum", ctx, 0, 1000000, &v))
		r->quorum = (int)v;
	c->nha_rules++;
}

static void
parse_vnf_rule(struct cfg *cfg, const config_setting_t *g, int i, void *arg)
{
	static const char *const keys[] = { "vnf", "max_impacted_members",
	    "anti_affinity_group", NULL };
	struct campaign *c = arg;
	struct vnf_rule *r = &c->vnf_rules[c->nvnf_rules];
	char ctx[96];
	long long v;

	(void)i;
	if ((r->vnf = rule_name(cfg, g, "vnf", "VNF", ctx, sizeof ctx)) ==
	    NULL)
		return;
	r->line = cfg_line(g);
	cfg_check_keys(cfg, g, ctx, keys);
	r->max_impacted_members = 1;
	if (cfg_int(cfg, g, "max_impacted_members", ctx, 1, 1000000, &v))
		r->max_impacted_members = (int)v;
	cfg_string(cfg, g, "anti_affinity_group", ctx,
	    &r->anti_affinity_group);
	c->nvnf_rules++;
}

void
parse_constraints(struct cfg *cfg, const config_setting_t *g,
    struct campaign *c)
{
	static const char *const keys[] = { "ha_groups", "vnfs", NULL };
	config_setting_t *list;
	struct named *names;

	cfg_check_keys(cfg, g, "constraints", keys);
	if (cfg_list(cfg, g, "ha_groups", "constraints", &list)) {
		c->ha_rules = xcalloc((size_t)config_setting_length(list),
		    sizeof *c->ha_rules);
		each_group(cfg, list, "HA group", parse_ha_rule, c);
	}
	if (cfg_list(cfg, g, "vnfs", "constraints", &list)) {
		c->vnf_rules = xcalloc((size_t)config_setting_length(list),
		    sizeof *c->vnf_rules);
		each_group(cfg, list, "VNF rule", parse_vnf_rule, c);
	}
	names = xcalloc(c->nha_rules + c->nvnf_rules, sizeof *names);
	for (size_t i = 0; i < c->nha_rules; i++)
		names[i] = (struct named){ c->ha_rules[i].group,
		    c->ha_rules[i].line, i };
	check_unique(cfg, "HA group", names, c->nha_rules);
	for (size_t i = 0; i < c->nvnf_rules; i++)
		names[i] = (struct named){ c->vnf_rules[i].vnf,
		    c->vnf_rules[i].line, i };
	check_unique(cfg, "VNF rule", names, c->nvnf_rules);
	free(names);
}

static void
parse_component(struct cfg *cfg, const config_setting_t *g, int i, void *arg)
{
	static const char *const keys[] = { "name", "service",
	    "function_lost", "outage", NULL };
	struct campaign *c = arg;
	struct component *m = &c->components[c->ncomponents];
	char ctx[96];

	(void)i;
	if ((m->name = rule_name(cfg, g, "name", "component", ctx,
	    sizeof ctx)) == NULL)
		return;
	m->line = cfg_line(g);
	cfg_check_keys(cfg, g, ctx, keys);
	if (cfg_require(cfg, g, "service", ctx))
		cfg_string(cfg, g, "service", ctx, &m->service);
	if (m->service == NULL)
		m->service = xstrdup(m->name);
	cfg_string(cfg, g, "function_lost", ctx, &m->function_lost);
	cfg_duration(cfg, g, "outage", ctx, &m->outage_ms);
	c->ncomponents++;
}

void
parse_components(struct cfg *cfg, const config_setting_t *list,
    struct campaign *c)
{
	struct named *names;

	c->components = xcalloc((size_t)config_setting_length(list),
	    sizeof *c->components);
	each_group(cfg, list, "component", parse_component, c);
	names = xcalloc(c->ncomponents, sizeof *names);
	for (size_t i = 0; i < c->ncomponents; i++)
		names[i] = (struct named){ c->components[i].name,
		    c->components[i].line, i };
	check_unique(cfg, "component", names, c->ncomponents);
	free(names);
}

bool
backup_path_valid(const char *p)
{
	if (p[0] != '/' || strpbrk(p, "\t\n\\") != NULL)
		return false;
	for (const char *s = p; (s = strchr(s, '/')) != NULL; s++)
		if (strncmp(s, "/./", 3) == 0 || strcmp(s, "/.") == 0 ||
		    strncmp(s, "/../", 4) == 0 || strcmp(s, "/..") == 0)
			return false;
	return true;
}

static void
parse_backup(struct cfg *cfg, const config_setting_t *g, int i, void *arg)
{
	static const char *const keys[] = { "name", "target", "once",
	    "files", "command", "restore", NULL };
	struct campaign *c = arg;
	struct backup_item *b = &c->backups[c->nbackups];
	char ctx[96];

	(void)i;
	if ((b->name = rule_name(cfg, g, "name", "backup", ctx,
	    sizeof ctx)) == NULL)
		return;
	b->line = cfg_line(g);
	cfg_check_keys(cfg, g, ctx, keys);
	parse_selector(cfg, g, ctx, &b->target);
	cfg_bool(cfg, g, "once", ctx, &b->once);
	cfg_strv(cfg, g, "files", ctx, &b->files);
	for (size_t f = 0; f < b->files.count; f++)
		if (!backup_path_valid(b->files.items[f]))
			cfg_error(cfg, config_setting_get_member(g, "files"),
			    "an absolute path without . or .., e.g. "
			    "\"/etc/nova\"", "%s: cannot back up \"%s\"", ctx,
			    b->files.items[f]);
	cfg_string(cfg, g, "command", ctx, &b->command);
	cfg_string(cfg, g, "restore", ctx, &b->restore);
	if (b->files.count == 0 && b->command == NULL)
		cfg_error(cfg, g, "files = [ \"/etc/nova\" ] or command = "
		    "\"mysqldump --all-databases\"", "%s: nothing to back up",
		    ctx);
	c->nbackups++;
}

void
parse_backups(struct cfg *cfg, const config_setting_t *list,
    struct campaign *c)
{
	struct named *names;

	c->backups = xcalloc((size_t)config_setting_length(list),
	    sizeof *c->backups);
	each_group(cfg, list, "backup", parse_backup, c);
	names = xcalloc(c->nbackups, sizeof *names);
	for (size_t i = 0; i < c->nbackups; i++)
		names[i] = (struct named){ c->backups[i].name,
		    c->backups[i].line, i };
	check_unique(cfg, "backup", names, c->nbackups);
	free(names);
}

void
rules_free(struct campaign *c)
{
	for (size_t i = 0; i < c->nha_rules; i++)
		free(c->ha_rules[i].group);
	free(c->ha_rules);
	for (size_t i = 0; i < c->nvnf_rules; i++) {
		free(c->vnf_rules[i].vnf);
		free(c->vnf_rules[i].anti_affinity_group);
	}
	free(c->vnf_rules);
	for (size_t i = 0; i < c->ncomponents; i++) {
		free(c->components[i].name);
		free(c->components[i].service);
		free(c->components[i].function_lost);
	}
	free(c->components);
	for (size_t i = 0; i < c->nbackups; i++) {
		free(c->backups[i].name);
		selector_free(&c->backups[i].target);
		strv_free(&c->backups[i].files);
		free(c->backups[i].command);
		free(c->backups[i].restore);
	}
	free(c->backups);
}
