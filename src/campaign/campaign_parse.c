/* The campaign file: top-level settings, then each part in turn. Every
 * problem is reported; reading goes on after each. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const top_keys[] = {
	"name", "description", "version", "inventory", "outage_budget",
	"max_failure_percent", "window", "constraints", "components",
	"backup", "version_files", "health", "tests", "operators",
	"simulation", "procedures", "monitor", "vim", NULL
};

static const char *const operator_roles[] = {
	"viewer", "operator", "approver", "admin", NULL
};

/* "HH:MM" into minutes of the day, or -1. */
static int
parse_hhmm(const char *s)
{
	int h, m;

	if (strlen(s) != 5 || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || s[2] != ':' ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return -1;
	h = (s[0] - '0') * 10 + s[1] - '0';
	m = (s[3] - '0') * 10 + s[4] - '0';
	return h < 24 && m < 60 ? h * 60 + m : -1;
}

static int
window_time(struct cfg *cfg, const config_setting_t *g, const char *key)
{
	char *v = NULL;
	int min = -1;

	if (!cfg_require(cfg, g, key, "window") ||
	    !cfg_string(cfg, g, key, "window", &v))
		return -1;
	if ((min = parse_hhmm(v)) < 0)
		cfg_error(cfg, config_setting_get_member(g, key),
		    "\"HH:MM\", UTC, e.g. \"01:00\"", "window: bad %s time "
		    "\"%s\"", key, v);
	free(v);
	return min;
}

static void
parse_window(struct cfg *cfg, const config_setting_t *root, struct campaign *c)
{
	static const char *const keys[] = { "start", "end", NULL };
	config_setting_t *g;
	int start, end;

	if (!cfg_group(cfg, root, "window", NULL, &g))
		return;
	cfg_check_keys(cfg, g, "window", keys);
	start = window_time(cfg, g, "start");
	end = window_time(cfg, g, "end");
	if (start < 0 || end < 0)
		return;
	if (start == end) {
		cfg_error(cfg, g, "a window that wraps midnight is fine: "
		    "start = \"22:00\"; end = \"04:00\"", "window: start and "
		    "end are the same time");
		return;
	}
	c->has_window = true;
	c->window_start_min = start;
	c->window_end_min = end;
	c->window_line = cfg_line(g);
}

static void
parse_version(struct cfg *cfg, const config_setting_t *root,
    struct campaign *c)
{
	static const char *const keys[] = { "from", "to", NULL };
	config_setting_t *g;

	if (!cfg_require(cfg, root, "version", NULL) ||
	    !cfg_group(cfg, root, "version", NULL, &g))
		return;
	cfg_check_keys(cfg, g, "version", keys);
	if (cfg_require(cfg, g, "from", "version"))
		cfg_string(cfg, g, "from", "version", &c->from_version);
	if (cfg_require(cfg, g, "to", "version"))
		cfg_string(cfg, g, "to", "version", &c->to_version);
	if (c->from_version != NULL && c->to_version != NULL &&
	    strcmp(c->from_version, c->to_version) == 0)
		cfg_error(cfg, g, NULL, "version: from and to are both \"%s\"",
		    c->to_version);
}

static void
parse_inventory(struct cfg *cfg, const config_setting_t *root,
    struct campaign *c)
{
	char *path = NULL;

	if (!cfg_require(cfg, root, "inventory", NULL) ||
	    !cfg_string(cfg, root, "inventory", NULL, &path))
		return;
	c->inventory_line = cfg_line(config_setting_get_member(root,
	    "inventory"));
	if (path[0] == '/' || strcmp(c->dir, ".") == 0)
		c->inventory_path = path;
	else {
		c->inventory_path = xasprintf("%s/%s", c->dir, path);
		free(path);
	}
}

static bool
is_sha256(const char *s)
{
	size_t i = 0;

	for (; s[i] != '\0'; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return i == 64;
}

/* Where a version file goes: an absolute path, to the target's nodes. */
static void
version_dest(struct cfg *cfg, const config_setting_t *e, struct version_file *v)
{
	char ctx[96];

	snprintf(ctx, sizeof ctx, "version file \"%s\"", v->path);
	parse_selector(cfg, e, ctx, &v->target);
	if (!cfg_string(cfg, e, "dest", ctx, &v->dest)) {
		if (config_setting_get_member(e, "target") != NULL)
			cfg_error(cfg, e, "dest = \"/opt/app/app.tar\"", "%s: "
			    "a target but no dest to copy it to", ctx);
		return;
	}
	if (v->dest[0] != '/' || v->dest[strlen(v->dest) - 1] == '/')
		cfg_error(cfg, config_setting_get_member(e, "dest"),
		    "the file's absolute path on the node, e.g. "
		    "\"/opt/app/app.tar\"", "%s: bad dest \"%s\"", ctx,
		    v->dest);
}

static void
version_files_unique(struct cfg *cfg, const config_setting_t *list,
    const struct campaign *c)
{
	for (size_t i = 0; i < c->nversion_files; i++)
		for (size_t j = 0; j < i; j++) {
			const struct version_file *a = &c->version_files[j];
			const struct version_file *b = &c->version_files[i];

			if (a->dest == NULL || b->dest == NULL ||
			    strcmp(a->dest, b->dest) != 0)
				continue;
			cfg_error(cfg, list, NULL, "version files at lines %d "
			    "and %d: both copied to %s", a->line, b->line,
			    b->dest);
			break;
		}
}

static void
parse_version_files(struct cfg *cfg, const config_setting_t *list,
    struct campaign *c)
{
	static const char *const keys[] = { "path", "sha256", "dest",
	    "target", NULL };
	int n = config_setting_length(list);

	c->version_files = xcalloc((size_t)n, sizeof *c->version_files);
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(list, i);
		struct version_file *v = &c->version_files[c->nversion_files];

		if (!config_setting_is_group(e)) {
			cfg_error(cfg, e, "{ path = \"...\"; sha256 = "
			    "\"...\"; }", "version file %d must be a group",
			    i + 1);
			continue;
		}
		cfg_check_keys(cfg, e, "version file", keys);
		if (!cfg_require(cfg, e, "path", "version file") ||
		    !cfg_require(cfg, e, "sha256", "version file") ||
		    !cfg_string(cfg, e, "path", "version file", &v->path) ||
		    !cfg_string(cfg, e, "sha256", "version file", &v->sha256)) {
			free(v->path);
			free(v->sha256);
			memset(v, 0, sizeof *v);
			continue;
		}
		if (!is_sha256(v->sha256))
			cfg_error(cfg, e, "64 hexadecimal digits, as "
			    "sha256sum prints", "version file \"%s\": bad "
			    "sha256", v->path);
		v->source = v->path[0] == '/' ? xstrdup(v->path) :
		    xasprintf("%s/%s", c->dir, v->path);
		version_dest(cfg, e, v);
		v->line = cfg_line(e);
		c->nversion_files++;
	}
	version_files_unique(cfg, list, c);
}

static void
parse_operators(struct cfg *cfg, const config_setting_t *list,
    struct campaign *c)
{
	static const char *const keys[] = { "name", "role", NULL };
	int n = config_setting_length(list);
	char *hint;

	c->operators = xcalloc((size_t)n, sizeof *c->operators);
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(list, i);
		struct operator_def *o = &c->operators[c->noperators];

		if (!config_setting_is_group(e)) {
			cfg_error(cfg, e, NULL, "operator %d must be a group "
			    "{ name = ...; role = ...; }", i + 1);
			continue;
		}
		cfg_check_keys(cfg, e, "operator", keys);
		if (!cfg_require(cfg, e, "name", "operator") ||
		    !cfg_require(cfg, e, "role", "operator") ||
		    !cfg_string(cfg, e, "name", "operator", &o->name) ||
		    !cfg_string(cfg, e, "role", "operator", &o->role) ||
		    name_index(operator_roles, o->role) < 0) {
			if (o->role != NULL) {
				hint = name_hint(operator_roles, o->role);
				cfg_error(cfg, e, hint, "operator \"%s\": "
				    "unknown role \"%s\"", o->name, o->role);
				free(hint);
			}
			free(o->name);
			free(o->role);
			memset(o, 0, sizeof *o);
			continue;
		}
		o->line = cfg_line(e);
		c->noperators++;
	}
}

/* "2026-01-01T01:00:00Z" */
static bool
is_utc_time(const char *s)
{
	static const char pattern[] = "dddd-dd-ddTdd:dd:ddZ";

	if (strlen(s) != sizeof pattern - 1)
		return false;
	for (size_t i = 0; pattern[i] != '\0'; i++)
		if (pattern[i] == 'd' ? !isdigit((unsigned char)s[i]) :
		    s[i] != pattern[i])
			return false;
	return true;
}

static void
parse_simulation(struct cfg *cfg, const config_setting_t *root,
    struct campaign *c)
{
	static const char *const keys[] = { "seed", "start", "faults", NULL };
	config_setting_t *g;
	long long seed;

	if (!cfg_group(cfg, root, "simulation", NULL, &g))
		return;
	cfg_check_keys(cfg, g, "simulation", keys);
	if (cfg_int(cfg, g, "seed", "simulation", 0, INT64_MAX, &seed))
		c->sim_seed = (uint64_t)seed;
	if (cfg_string(cfg, g, "start", "simulation", &c->sim_start) &&
	    !is_utc_time(c->sim_start))
		cfg_error(cfg, config_setting_get_member(g, "start"),
		    "e.g. \"2026-01-01T01:00:00Z\"", "simulation: start must "
		    "be an ISO 8601 UTC time");
	cfg_strv(cfg, g, "faults", "simulation", &c->sim_faults);
}

static void
parse_parts(struct cfg *cfg, const config_setting_t *root, struct campaign *c)
{
	config_setting_t *s;
	long long v;

	if (cfg_require(cfg, root, "name", NULL))
		cfg_string(cfg, root, "name", NULL, &c->name);
	cfg_string(cfg, root, "description", NULL, &c->description);
	parse_version(cfg, root, c);
	parse_inventory(cfg, root, c);
	c->outage_budget_ms = -1;
	if (cfg_duration(cfg, root, "outage_budget", NULL,
	    &c->outage_budget_ms))
		c->outage_budget_line = cfg_line(config_setting_get_member(
		    root, "outage_budget"));
	if (cfg_int(cfg, root, "max_failure_percent", NULL, 0, 100, &v))
		c->max_failure_percent = (int)v;
	parse_window(cfg, root, c);
	if (cfg_group(cfg, root, "constraints", NULL, &s))
		parse_constraints(cfg, s, c);
	if (cfg_list(cfg, root, "components", NULL, &s))
		parse_components(cfg, s, c);
	if (cfg_list(cfg, root, "backup", NULL, &s))
		parse_backups(cfg, s, c);
	if (cfg_list(cfg, root, "version_files", NULL, &s))
		parse_version_files(cfg, s, c);
	if (cfg_list(cfg, root, "health", NULL, &s))
		parse_steps(cfg, s, "health check", ACTION_BIT(STEP_RUN) |
		    ACTION_BIT(STEP_HTTP), &c->health, &c->nhealth);
	if (cfg_list(cfg, root, "tests", NULL, &s))
		parse_steps(cfg, s, "test", ACTION_BIT(STEP_RUN) |
		    ACTION_BIT(STEP_HTTP), &c->tests, &c->ntests);
	if (cfg_list(cfg, root, "operators", NULL, &s))
		parse_operators(cfg, s, c);
	/* after health: the monitor names its checks */
	parse_monitor(cfg, root, c);
	parse_vim(cfg, root, c);
	parse_simulation(cfg, root, c);
	if (cfg_require(cfg, root, "procedures", NULL) &&
	    cfg_list(cfg, root, "procedures", NULL, &s))
		parse_procedures(cfg, s, c);
}

int
campaign_load(struct campaign *c, const char *path, struct diag_list *diags)
{
	struct cfg cfg;
	size_t before = diag_errors(diags);
	const char *slash = strrchr(path, '/');

	memset(c, 0, sizeof *c);
	c->outage_budget_ms = -1;
	c->file = xstrdup(path);
	c->dir = slash == NULL ? xstrdup(".") : slash == path ? xstrdup("/") :
	    xasprintf("%.*s", (int)(slash - path), path);
	if (cfg_open(&cfg, path, "campaign", diags) == 0 || (cfg.parsed &&
	    config_setting_length(cfg_root(&cfg)) > 0)) {
		cfg_check_keys(&cfg, cfg_root(&cfg), NULL, top_keys);
		parse_parts(&cfg, cfg_root(&cfg), c);
	}
	cfg_close(&cfg);
	return diag_errors(diags) > before ? -1 : 0;
}
