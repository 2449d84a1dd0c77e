/* Procedures: which nodes, in what order and how many at once, and the
 * steps every node goes through. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define BATCH_MAX	1000000

static const char *const procedure_keys[] = {
	"name", "target", "depends_on", "level", "method", "batch",
	"max_failure_percent", "components", "tests", "steps", NULL
};

static const char batch_hint[] =
    "a count (1), a percentage (\"25%\") or a list ((1, 5, \"25%\"))";

/* One entry of batch: 3, or "25%". */
static bool
parse_batch_entry(struct cfg *cfg, const config_setting_t *e, const char *ctx,
    struct batch_spec *b)
{
	const char *s;
	char *end;
	long v;

	switch (config_setting_type(e)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		if (config_setting_get_int64(e) < 1 ||
		    config_setting_get_int64(e) > BATCH_MAX)
			break;
		b->value = (int)config_setting_get_int64(e);
		b->percent = false;
		return true;
	case CONFIG_TYPE_STRING:
		s = config_setting_get_string(e);
		errno = 0;
		v = strtol(s, &end, 10);
		/* libconfig arrays hold one type: [ "1", "25%" ] is allowed
		 * as well as ( 1, "25%" ). */
		b->percent = *end == '%';
		if (errno != 0 || end == s || end[b->percent] != '\0' ||
		    v < 1 || v > (b->percent ? 100 : BATCH_MAX))
			break;
		b->value = (int)v;
		return true;
	default:
		break;
	}
	cfg_error(cfg, e, batch_hint, "%s: bad batch size (counts run from 1, "
	    "percentages from 1%% to 100%%)", ctx);
	return false;
}

static void
parse_batch(struct cfg *cfg, const config_setting_t *g, const char *ctx,
    struct procedure *p)
{
	config_setting_t *s = config_setting_get_member(g, "batch");
	int n;

	p->batches = xcalloc(1, sizeof *p->batches);
	p->batches[0].value = 1;
	p->nbatches = 1;
	if (s == NULL)
		return;
	if (p->method != METHOD_ROLLING)
		cfg_warning(cfg, s, NULL, "%s: batch is ignored by method "
		    "\"%s\"", ctx, method_name(p->method));
	if (!config_setting_is_aggregate(s)) {
		parse_batch_entry(cfg, s, ctx, &p->batches[0]);
		return;
	}
	if ((n = config_setting_length(s)) == 0 ||
	    config_setting_is_group(s)) {
		cfg_error(cfg, s, batch_hint, "%s: bad batch", ctx);
		return;
	}
	p->batches = xreallocarray(p->batches, (size_t)n, sizeof *p->batches);
	p->nbatches = 0;
	for (int i = 0; i < n; i++)
		if (parse_batch_entry(cfg, config_setting_get_elem(s, i), ctx,
		    &p->batches[p->nbatches]))
			p->nbatches++;
	if (p->nbatches == 0) {
		p->batches[0].value = 1;
		p->batches[0].percent = false;
		p->nbatches = 1;
	}
}

static void
parse_method(struct cfg *cfg, const config_setting_t *g, const char *ctx,
    struct procedure *p)
{
	char *v = NULL, *hint;

	p->method = METHOD_ROLLING;
	if (!cfg_string(cfg, g, "method", ctx, &v))
		return;
	if (!method_parse(v, &p->method)) {
		hint = name_hint(method_names, v);
		cfg_error(cfg, config_setting_get_member(g, "method"), hint,
		    "%s: unknown method \"%s\"", ctx, v);
		free(hint);
	}
	free(v);
}

static void
parse_procedure(struct cfg *cfg, const config_setting_t *g, size_t index,
    const struct campaign *c, struct procedure *p)
{
	char ctx[96];
	long long v;
	config_setting_t *steps;

	p->line = cfg_line(g);
	cfg_string(cfg, g, "name", "procedure", &p->name);
	if (p->name != NULL)
		snprintf(ctx, sizeof ctx, "procedure \"%.64s\"", p->name);
	else
		snprintf(ctx, sizeof ctx, "procedure %zu", index + 1);
	cfg_check_keys(cfg, g, ctx, procedure_keys);
	cfg_require(cfg, g, "name", ctx);
	if (cfg_require(cfg, g, "target", ctx))
		parse_selector(cfg, g, ctx, &p->target);
	cfg_strv(cfg, g, "depends_on", ctx, &p->depends_on);
	if (cfg_int(cfg, g, "level", ctx, 1, 1000, &v))
		p->level = (int)v;
	parse_method(cfg, g, ctx, p);
	parse_batch(cfg, g, ctx, p);
	p->max_failure_percent = c->max_failure_percent;
	if (cfg_int(cfg, g, "max_failure_percent", ctx, 0, 100, &v))
		p->max_failure_percent = (int)v;
	cfg_strv(cfg, g, "components", ctx, &p->components);
	cfg_strv(cfg, g, "tests", ctx, &p->tests);
	if (cfg_require(cfg, g, "steps", ctx) &&
	    cfg_list(cfg, g, "steps", ctx, &steps)) {
		parse_steps(cfg, steps, "step", ACTION_ANY, &p->steps,
		    &p->nsteps);
		if (config_setting_length(steps) == 0)
			cfg_error(cfg, steps, NULL, "%s: no steps", ctx);
	}
}

static void
procedure_free(struct procedure *p)
{
	free(p->name);
	selector_free(&p->target);
	strv_free(&p->depends_on);
	free(p->batches);
	strv_free(&p->components);
	strv_free(&p->tests);
	for (size_t i = 0; i < p->nsteps; i++)
		step_free(&p->steps[i]);
	free(p->steps);
}

void
parse_procedures(struct cfg *cfg, const config_setting_t *list,
    struct campaign *c)
{
	int n = config_setting_length(list);
	struct named *names;

	c->procedures = xcalloc((size_t)n, sizeof *c->procedures);
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(list, i);
		struct procedure *p = &c->procedures[c->nprocedures];

		if (!config_setting_is_group(e)) {
			cfg_error(cfg, e, NULL, "procedure %d must be a group "
			    "{ name = ...; target = ...; steps = ...; }",
			    i + 1);
			continue;
		}
		parse_procedure(cfg, e, (size_t)i, c, p);
		if (p->name == NULL) {
			procedure_free(p);
			memset(p, 0, sizeof *p);
		} else
			c->nprocedures++;
	}
	if (n == 0)
		cfg_error(cfg, list, NULL, "no procedures");
	names = xcalloc(c->nprocedures, sizeof *names);
	for (size_t i = 0; i < c->nprocedures; i++)
		names[i] = (struct named){ c->procedures[i].name,
		    c->procedures[i].line, i };
	check_unique(cfg, "procedure", names, c->nprocedures);
	free(names);
}

void
procedures_free(struct campaign *c)
{
	for (size_t i = 0; i < c->nprocedures; i++)
		procedure_free(&c->procedures[i]);
	free(c->procedures);
}
