/* Steps: one action each, with its duration, retries and failure policy.
 * Tests and health checks are steps too. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define A(x)	ACTION_BIT(STEP_##x)
#define HTTP_ONLY	A(HTTP)
#define MAINTENANCE	(A(MAINTENANCE_ON) | A(MAINTENANCE_OFF))

/* Every key a step may have, and the actions that read it. */
static const char *const step_keys[] = {
	"name", "action", "command", "undo", "url", "method", "body",
	"expect_status", "expect_json", "handover", "item", "test", "message",
	"sets_version", "timeout", "expected", "retries", "on_failure", NULL
};
static const unsigned step_key_actions[] = {
	ACTION_ANY, ACTION_ANY, A(RUN), A(RUN), HTTP_ONLY, HTTP_ONLY, HTTP_ONLY,
	HTTP_ONLY, HTTP_ONLY, MAINTENANCE, A(BACKUP), A(TEST),
	A(APPROVAL) | A(VNF_COORDINATION),
	ACTION_ANY, ACTION_ANY, ACTION_ANY, ACTION_ANY, ACTION_ANY
};
_Static_assert(sizeof step_keys / sizeof step_keys[0] ==
    sizeof step_key_actions / sizeof step_key_actions[0] + 1,
    "one action mask per step key");

static const char *const http_methods[] = {
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", NULL
};
static const char *const handovers[] = { "none", "lb", "vim", NULL };

void
step_free(struct step *s)
{
	free(s->name);
	free(s->command);
	free(s->undo);
	free(s->url);
	free(s->http_method);
	free(s->body);
	expect_json_free(s->expect_json, s->nexpect_json);
	free(s->handover);
	free(s->item);
	free(s->test);
	free(s->message);
}

void
expect_json_free(struct label *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].key);
		free(e[i].value);
	}
	free(e);
}

static void
parse_action(struct cfg *cfg, const config_setting_t *g, const char *ctx,
    const char *what, unsigned allowed, struct step *s)
{
	char *v = NULL, *hint;

	s->action = STEP_ACTION_COUNT;
	if (!cfg_require(cfg, g, "action", ctx) ||
	    !cfg_string(cfg, g, "action", ctx, &v))
		return;
	if (!step_action_parse(v, &s->action)) {
		hint = name_hint(step_action_names, v);
		cfg_error(cfg, config_setting_get_member(g, "action"), hint,
		    "%s: unknown action \"%s\"", ctx, v);
		free(hint);
	} else if ((allowed & ACTION_BIT(s->action)) == 0) {
		cfg_error(cfg, config_setting_get_member(g, "action"),
		    "a test or health check runs a command or makes an HTTP "
		    "request", "%s: action \"%s\" is not allowed in a %s", ctx,
		    v, what);
		s->action = STEP_ACTION_COUNT;
	}
	free(v);
}

/* Keys the action does not read are most likely a mistake. */
static void
warn_ignored_keys(struct cfg *cfg, const config_setting_t *g, const char *ctx,
    const struct step *s)
{
	int n = config_setting_length(g);

	if (s->action == STEP_ACTION_COUNT)
		return;
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(g, i);
		int k = name_index(step_keys, config_setting_name(e));

		if (k >= 0 &&
		    (step_key_actions[k] & ACTION_BIT(s->action)) == 0)
			cfg_warning(cfg, e, NULL, "%s: \"%s\" is ignored by "
			    "action \"%s\"", ctx, step_keys[k],
			    step_action_name(s->action));
	}
}

void
parse_expect_json(struct cfg *cfg, const config_setting_t *g, const char *ctx,
    struct label **out, size_t *nout)
{
	struct strv v = { NULL, 0 };

	if (!cfg_strv(cfg, g, "expect_json", ctx, &v))
		return;
	*out = xcalloc(v.count, sizeof **out);
	for (size_t i = 0; i < v.count; i++) {
		char *eq = strchr(v.items[i], '=');

		if (eq == NULL || eq == v.items[i]) {
			cfg_error(cfg, config_setting_get_member(g,
			    "expect_json"), "\"field.path=value\", e.g. "
			    "\"status=ok\"", "%s: bad expect_json \"%s\"", ctx,
			    v.items[i]);
			continue;
		}
		*eq = '\0';
		(*out)[*nout].key = xstrdup(v.items[i]);
		(*out)[(*nout)++].value = xstrdup(eq + 1);
	}
	strv_free(&v);
}

static void
parse_policy(struct cfg *cfg, const config_setting_t *g, const char *ctx,
    struct step *s)
{
	long long retries = 0;
	char *v = NULL, *hint;

	s->on_failure = ON_FAILURE_PAUSE;
	if (cfg_int(cfg, g, "retries", ctx, 0, 100, &retries))
		s->retries = (int)retries;
	if (!cfg_string(cfg, g, "on_failure", ctx, &v))
		return;
	if (!on_failure_parse(v, &s->on_failure)) {
		hint = name_hint(on_failure_names, v);
		cfg_error(cfg, config_setting_get_member(g, "on_failure"), hint,
		    "%s: unknown on_failure \"%s\"", ctx, v);
		free(hint);
	} else if (s->on_failure == ON_FAILURE_RETRY && s->retries == 0)
		cfg_error(cfg, config_setting_get_member(g, "on_failure"),
		    "set retries = N (N >= 1)", "%s: on_failure \"retry\" "
		    "needs retries", ctx);
	free(v);
}

static void
parse_durations(struct cfg *cfg, const config_setting_t *g, const char *ctx,
    struct step *s)
{
	char a[32], b[32];
	bool has_expected;

	cfg_duration(cfg, g, "timeout", ctx, &s->timeout_ms);
	has_expected = cfg_duration(cfg, g, "expected", ctx, &s->expected_ms);
	if (s->action == STEP_WAIT) {
		/* A wait takes what it says: expected is its length. */
		if (s->timeout_ms == 0)
			s->timeout_ms = s->expected_ms;
	} else if (!has_expected)
		s->expected_ms = s->timeout_ms;
	if (s->timeout_ms > 0 && s->expected_ms > s->timeout_ms)
		cfg_error(cfg, config_setting_get_member(g, "expected"),
		    "timeout is when a step counts as hung: it must not be "
		    "shorter than the expected duration",
		    "%s: expected %s is longer than timeout %s", ctx,
		    duration_format(s->expected_ms, a, sizeof a),
		    duration_format(s->timeout_ms, b, sizeof b));
}

/* The key each action cannot do without. */
static const char *
required_key(enum step_action a)
{
	switch (a) {
	case STEP_RUN:
		return "command";
	case STEP_HTTP:
		return "url";
	case STEP_BACKUP:
		return "item";
	case STEP_TEST:
		return "test";
	case STEP_WAIT:
		return "expected";
	default:
		return NULL;
	}
}

static void
parse_action_fields(struct cfg *cfg, const config_setting_t *g,
    const char *ctx, struct step *s)
{
	long long status;
	const char *req = required_key(s->action);
	int i;

	if (req != NULL)
		cfg_require(cfg, g, req, ctx);
	cfg_string(cfg, g, "command", ctx, &s->command);
	cfg_string(cfg, g, "undo", ctx, &s->undo);
	cfg_string(cfg, g, "url", ctx, &s->url);
	s->http_method = xstrdup(cfg_choice(cfg, g, "method", ctx,
	    http_methods, "unknown method", &i) ? http_methods[i] : "GET");
	cfg_string(cfg, g, "body", ctx, &s->body);
	s->expect_status = 200;
	if (cfg_int(cfg, g, "expect_status", ctx, 100, 599, &status))
		s->expect_status = (int)status;
	parse_expect_json(cfg, g, ctx, &s->expect_json, &s->nexpect_json);
	if (cfg_choice(cfg, g, "handover", ctx, handovers, "unknown handover",
	    &i))
		s->handover = xstrdup(handovers[i]);
	else if (s->action == STEP_MAINTENANCE_ON ||
	    s->action == STEP_MAINTENANCE_OFF)
		s->handover = xstrdup("none");
	cfg_string(cfg, g, "item", ctx, &s->item);
	cfg_string(cfg, g, "test", ctx, &s->test);
	cfg_string(cfg, g, "message", ctx, &s->message);
	cfg_bool(cfg, g, "sets_version", ctx, &s->sets_version);
}

static void
parse_step(struct cfg *cfg, const config_setting_t *g, const char *what,
    unsigned allowed, size_t index, struct step *s)
{
	char ctx[96];

	s->line = cfg_line(g);
	cfg_string(cfg, g, "name", what, &s->name);
	if (s->name != NULL)
		snprintf(ctx, sizeof ctx, "%s \"%.64s\"", what, s->name);
	else
		snprintf(ctx, sizeof ctx, "%s %zu", what, index + 1);
	cfg_check_keys(cfg, g, ctx, step_keys);
	cfg_require(cfg, g, "name", ctx);
	parse_action(cfg, g, ctx, what, allowed, s);
	warn_ignored_keys(cfg, g, ctx, s);
	parse_action_fields(cfg, g, ctx, s);
	parse_durations(cfg, g, ctx, s);
	parse_policy(cfg, g, ctx, s);
}

void
parse_steps(struct cfg *cfg, const config_setting_t *list, const char *what,
    unsigned allowed, struct step **out, size_t *nout)
{
	int n = config_setting_length(list);
	struct named *names;
	size_t nnames = 0;

	*out = xcalloc((size_t)n, sizeof **out);
	*nout = 0;
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(list, i);

		if (!config_setting_is_group(e)) {
			cfg_error(cfg, e, "{ name = \"...\"; action = "
			    "\"run\"; ... }", "%s %d must be a group", what,
			    i + 1);
			continue;
		}
		parse_step(cfg, e, what, allowed, (size_t)i, &(*out)[*nout]);
		/* Nameless steps are reported and dropped: everything after
		 * the parser may count on names. */
		if ((*out)[*nout].name == NULL) {
			step_free(&(*out)[*nout]);
			memset(&(*out)[*nout], 0, sizeof **out);
		} else
			(*nout)++;
	}
	names = xcalloc(*nout, sizeof *names);
	for (size_t i = 0; i < *nout; i++)
		if ((*out)[i].name != NULL)
			names[nnames++] = (struct named){ (*out)[i].name,
			    (*out)[i].line, i };
	check_unique(cfg, what, names, nnames);
	free(names);
}
