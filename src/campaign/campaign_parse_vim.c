/*
 * vim = { maintenance_on; maintenance_off; headers; ca_file; }: the
 * requests handover "vim" sends the VIM to take a host out of service
 * and to give it back, each optionally followed by a poll that waits
 * until the VIM says it is done.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

#define READY_INTERVAL_MS	10000
#define READY_INTERVAL_MIN_MS	100
#define ENV_NAME_MAX		64

/* Requests that change the host's state. */
static const char *const vim_methods[] = {
	"POST", "PUT", "PATCH", "DELETE", NULL
};

static void
request_free(struct vim_request *r)
{
	free(r->method);
	free(r->url);
	free(r->body);
	expect_json_free(r->expect_json, r->nexpect_json);
	if (r->ready != NULL) {
		request_free(r->ready);
		free(r->ready);
	}
}

void
vim_free(struct vim_def *v)
{
	request_free(&v->on);
	request_free(&v->off);
	strv_free(&v->headers);
	free(v->ca_file);
}

/* Tokens go in headers only: a URL or a body is shown in messages. */
static void
no_env(struct cfg *cfg, const config_setting_t *g, const char *key,
    const char *ctx, const char *v)
{
	if (v != NULL && strstr(v, "{env:") != NULL)
		cfg_error(cfg, config_setting_get_member(g, key), "put the "
		    "token in headers = [ \"X-Auth-Token: {env:NAME}\" ]",
		    "%s: {env:...} in %s: only headers may read the "
		    "environment", ctx, key);
}

static void
url_check(struct cfg *cfg, const config_setting_t *g, const char *ctx,
    const char *url)
{
	if (strncmp(url, "http://", 7) != 0 &&
	    strncmp(url, "https://", 8) != 0)
		cfg_error(cfg, config_setting_get_member(g, "url"),
		    "e.g. \"https://vim.example:8774/hosts/{name}\"",
		    "%s: url must start with http:// or https://", ctx);
	no_env(cfg, g, "url", ctx, url);
}

static void
expect_status(struct cfg *cfg, const config_setting_t *g, const char *ctx,
    struct vim_request *r)
{
	long long status;

	r->expect_status = 200;
	if (cfg_int(cfg, g, "expect_status", ctx, 100, 599, &status))
		r->expect_status = (int)status;
}

static void
parse_ready(struct cfg *cfg, const config_setting_t *g, const char *parent,
    struct vim_request *req)
{
	static const char *const keys[] = { "url", "expect_status",
		"expect_json", "interval", NULL };
	config_setting_t *rg;
	struct vim_request *r;
	char ctx[96];

	snprintf(ctx, sizeof ctx, "%.64s: ready", parent);
	if (!cfg_group(cfg, g, "ready", parent, &rg))
		return;
	cfg_check_keys(cfg, rg, ctx, keys);
	r = req->ready = xcalloc(1, sizeof *r);
	r->line = cfg_line(rg);
	r->method = xstrdup("GET");
	if (cfg_require(cfg, rg, "url", ctx) &&
	    cfg_string(cfg, rg, "url", ctx, &r->url))
		url_check(cfg, rg, ctx, r->url);
	expect_status(cfg, rg, ctx, r);
	parse_expect_json(cfg, rg, ctx, &r->expect_json, &r->nexpect_json);
	r->interval_ms = READY_INTERVAL_MS;
	if (cfg_duration(cfg, rg, "interval", ctx, &r->interval_ms) &&
	    r->interval_ms < READY_INTERVAL_MIN_MS)
		cfg_error(cfg, config_setting_get_member(rg, "interval"),
		    "e.g. \"10s\"", "%s: interval must be at least 100ms",
		    ctx);
}

/* maintenance_on (on) or maintenance_off: POST, or DELETE for taking
 * a host out of maintenance with nothing to say in a body. */
static void
parse_request(struct cfg *cfg, const config_setting_t *vim, const char *key,
    bool on, struct vim_request *r)
{
	static const char *const keys[] = { "method", "url", "body",
		"expect_status", "expect_json", "timeout", "ready", NULL };
	config_setting_t *g;
	char ctx[64];
	int i;

	snprintf(ctx, sizeof ctx, "vim: %s", key);
	if (!cfg_require(cfg, vim, key, "vim") ||
	    !cfg_group(cfg, vim, key, "vim", &g))
		return;
	cfg_check_keys(cfg, g, ctx, keys);
	r->line = cfg_line(g);
	if (cfg_require(cfg, g, "url", ctx) &&
	    cfg_string(cfg, g, "url", ctx, &r->url))
		url_check(cfg, g, ctx, r->url);
	if (cfg_string(cfg, g, "body", ctx, &r->body))
		no_env(cfg, g, "body", ctx, r->body);
	if (cfg_choice(cfg, g, "method", ctx, vim_methods,
	    "method must change the host's state, not", &i))
		r->method = xstrdup(vim_methods[i]);
	else
		r->method = xstrdup(on || r->body != NULL ? "POST" : "DELETE");
	expect_status(cfg, g, ctx, r);
	parse_expect_json(cfg, g, ctx, &r->expect_json, &r->nexpect_json);
	cfg_duration(cfg, g, "timeout", ctx, &r->timeout_ms);
	parse_ready(cfg, g, ctx, r);
}

/* Why the {env:NAME} at s is wrong, or NULL; *end past it. */
static const char *
env_ref_check(const char *s, const char **end)
{
	const char *name = s + strlen("{env:"), *p = name;

	if (!isalpha((unsigned char)*p) && *p != '_')
		return "{env:NAME} needs a variable name";
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	if (*p != '}')
		return "{env:NAME}: a name is letters, digits and _, then }";
	if (p - name > ENV_NAME_MAX)
		return "{env:NAME}: the name is too long";
	*end = p + 1;
	return NULL;
}

/* Why "Name: value" is not a header we can send, or NULL. */
static const char *
header_check(const char *h)
{
	const char *colon = strchr(h, ':'), *p, *env, *why;

	if (colon == NULL || colon == h)
		return "a header is \"Name: value\"";
	for (p = h; p < colon; p++)
		if (!isalnum((unsigned char)*p) && strchr("!#$%&'*+-.^_`|~",
		    *p) == NULL)
			return "a header name is letters, digits and -";
	for (p = colon; *p != '\0'; p++)
		if (iscntrl((unsigned char)*p) && *p != '\t')
			return "a header holds no line break or control "
			    "character";
	for (p = colon; (env = strstr(p, "{env:")) != NULL;)
		if ((why = env_ref_check(env, &p)) != NULL)
			return why;
	return NULL;
}

/* A credential written into the campaign file, which is copied,
 * shared and kept: it belongs in the environment. */
static bool
header_secret_inline(const char *h)
{
	static const char *const names[] = { "authorization",
		"proxy-authorization", "cookie", "x-auth-token", NULL };
	size_t len = (size_t)(strchr(h, ':') - h);

	if (strstr(h, "{env:") != NULL)
		return false;
	for (size_t i = 0; names[i] != NULL; i++)
		if (strlen(names[i]) == len && strncasecmp(h, names[i],
		    len) == 0)
			return true;
	return false;
}

static void
parse_headers(struct cfg *cfg, const config_setting_t *g, struct vim_def *v)
{
	const config_setting_t *list = config_setting_get_member(g, "headers");
	const config_setting_t *at;
	const char *why;

	if (!cfg_strv(cfg, g, "headers", "vim", &v->headers))
		return;
	/* A header may be a token: messages give its number, never it. */
	for (size_t i = 0; i < v->headers.count; i++) {
		at = config_setting_type(list) == CONFIG_TYPE_STRING ? list :
		    config_setting_get_elem(list, (unsigned)i);
		if ((why = header_check(v->headers.items[i])) != NULL)
			cfg_error(cfg, at, "e.g. \"X-Auth-Token: "
			    "{env:OS_TOKEN}\"", "vim: header %zu: %s", i + 1,
			    why);
		else if (header_secret_inline(v->headers.items[i]))
			cfg_warning(cfg, at, "take it from the controller's "
			    "environment: \"X-Auth-Token: {env:OS_TOKEN}\"",
			    "vim: header %zu: a credential written in the "
			    "campaign file", i + 1);
	}
}

static void
parse_ca_file(struct cfg *cfg, const config_setting_t *g, struct campaign *c)
{
	char *path = NULL;

	if (!cfg_string(cfg, g, "ca_file", "vim", &path))
		return;
	if (path[0] == '/' || strcmp(c->dir, ".") == 0)
		c->vim.ca_file = path;
	else {
		c->vim.ca_file = xasprintf("%s/%s", c->dir, path);
		free(path);
	}
}

void
parse_vim(struct cfg *cfg, const config_setting_t *root, struct campaign *c)
{
	static const char *const keys[] = { "maintenance_on",
		"maintenance_off", "headers", "ca_file", NULL };
	config_setting_t *g;

	if (!cfg_group(cfg, root, "vim", NULL, &g))
		return;
	cfg_check_keys(cfg, g, "vim", keys);
	c->vim.enabled = true;
	c->vim.line = cfg_line(g);
	parse_request(cfg, g, "maintenance_on", true, &c->vim.on);
	parse_request(cfg, g, "maintenance_off", false, &c->vim.off);
	parse_headers(cfg, g, &c->vim);
	parse_ca_file(cfg, g, c);
}
