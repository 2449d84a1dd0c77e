/*
 * monitor = { interval; checks; on_failure; }: which of the campaign's
 * health checks the engine polls on every node while the campaign runs,
 * how often, and whether a failure suspends it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MONITOR_INTERVAL_MIN_MS	1000

static const char *const monitor_policies[] = { "pause", "continue", NULL };

/* A named check, else an error at the element's line with a hint. */
static void
monitor_check(struct cfg *cfg, const config_setting_t *elem,
    struct campaign *c)
{
	const char *name = config_setting_get_string(elem);
	const char **names;
	char *hint;

	for (size_t i = 0; i < c->nhealth; i++)
		if (strcmp(c->health[i].name, name) == 0) {
			c->monitor.checks = xreallocarray(c->monitor.checks,
			    c->monitor.nchecks + 1, sizeof *c->monitor.checks);
			c->monitor.checks[c->monitor.nchecks++] = i;
			return;
		}
	names = xcalloc(c->nhealth + 1, sizeof *names);
	for (size_t i = 0; i < c->nhealth; i++)
		names[i] = c->health[i].name;
	hint = c->nhealth > 0 ? name_hint(names, name) :
	    xstrdup("define it in health = ( ... )");
	cfg_error(cfg, elem, hint, "monitor: unknown health check \"%s\"",
	    name);
	free(hint);
	free(names);
}

static void
monitor_checks(struct cfg *cfg, const config_setting_t *g,
    struct campaign *c)
{
	const config_setting_t *list = config_setting_get_member(g, "checks");
	struct strv names = { NULL, 0 };

	/* cfg_strv reports a wrong type; the names are checked one by one
	 * so that each error has its own line */
	if (!cfg_strv(cfg, g, "checks", "monitor", &names)) {
		strv_free(&names);
		return;
	}
	strv_free(&names);
	if (config_setting_type(list) == CONFIG_TYPE_STRING) {
		monitor_check(cfg, list, c);
		return;
	}
	for (int i = 0; i < config_setting_length(list); i++)
		monitor_check(cfg, config_setting_get_elem(list, i), c);
	if (config_setting_length(list) == 0)
		cfg_error(cfg, list, "name one of the health checks",
		    "monitor: checks is empty");
}

static void
monitor_policy(struct cfg *cfg, const config_setting_t *g,
    struct campaign *c)
{
	int i;

	c->monitor.on_failure = ON_FAILURE_PAUSE;
	if (cfg_choice(cfg, g, "on_failure", "monitor", monitor_policies,
	    "on_failure must be \"pause\" or \"continue\", not", &i))
		on_failure_parse(monitor_policies[i], &c->monitor.on_failure);
}

void
parse_monitor(struct cfg *cfg, const config_setting_t *root,
    struct campaign *c)
{
	static const char *const keys[] = { "interval", "checks",
		"on_failure", NULL };
	config_setting_t *g;

	if (!cfg_group(cfg, root, "monitor", NULL, &g))
		return;
	cfg_check_keys(cfg, g, "monitor", keys);
	c->monitor.enabled = true;
	c->monitor.line = cfg_line(g);
	if (cfg_require(cfg, g, "interval", "monitor") &&
	    cfg_duration(cfg, g, "interval", "monitor",
	    &c->monitor.interval_ms) &&
	    c->monitor.interval_ms < MONITOR_INTERVAL_MIN_MS)
		cfg_error(cfg, config_setting_get_member(g, "interval"),
		    "e.g. \"10s\"", "monitor: interval must be at least 1s");
	if (cfg_require(cfg, g, "checks", "monitor"))
		monitor_checks(cfg, g, c);
	monitor_policy(cfg, g, c);
}
