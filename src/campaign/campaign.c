/* The campaign model: lookups by name, planned outage, and freeing. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int
named_cmp(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c != 0 ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

void
check_unique(struct cfg *cfg, const char *what, struct named *names, size_t n)
{
	qsort(names, n, sizeof *names, named_cmp);
	for (size_t i = 1; i < n; i++)
		if (strcmp(names[i].name, names[i - 1].name) == 0)
			diag_error(cfg->diags, cfg->file, names[i].line, NULL,
			    "duplicate %s \"%s\" (first defined on line %d)",
			    what, names[i].name, names[i - 1].line);
}

static void
steps_free(struct step *steps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		step_free(&steps[i]);
	free(steps);
}

void
campaign_free(struct campaign *c)
{
	free(c->file);
	free(c->dir);
	free(c->name);
	free(c->description);
	free(c->from_version);
	free(c->to_version);
	free(c->inventory_path);
	rules_free(c);
	steps_free(c->tests, c->ntests);
	steps_free(c->health, c->nhealth);
	free(c->monitor.checks);
	vim_free(&c->vim);
	for (size_t i = 0; i < c->nversion_files; i++) {
		free(c->version_files[i].path);
		free(c->version_files[i].source);
		free(c->version_files[i].sha256);
		free(c->version_files[i].dest);
		selector_free(&c->version_files[i].target);
	}
	free(c->version_files);
	for (size_t i = 0; i < c->noperators; i++) {
		free(c->operators[i].name);
		free(c->operators[i].role);
	}
	free(c->operators);
	procedures_free(c);
	free(c->sim_start);
	strv_free(&c->sim_faults);
	memset(c, 0, sizeof *c);
}

const struct procedure *
campaign_procedure(const struct campaign *c, const char *name)
{
	for (size_t i = 0; i < c->nprocedures; i++)
		if (strcmp(c->procedures[i].name, name) == 0)
			return &c->procedures[i];
	return NULL;
}

const struct step *
campaign_test(const struct campaign *c, const char *name)
{
	for (size_t i = 0; i < c->ntests; i++)
		if (strcmp(c->tests[i].name, name) == 0)
			return &c->tests[i];
	return NULL;
}

const struct component *
campaign_component(const struct campaign *c, const char *name)
{
	for (size_t i = 0; i < c->ncomponents; i++)
		if (strcmp(c->components[i].name, name) == 0)
			return &c->components[i];
	return NULL;
}

const struct backup_item *
campaign_backup(const struct campaign *c, const char *name)
{
	for (size_t i = 0; i < c->nbackups; i++)
		if (strcmp(c->backups[i].name, name) == 0)
			return &c->backups[i];
	return NULL;
}

static size_t
count_matches(const struct selector *sel, const struct inventory *inv)
{
	size_t n = 0;

	for (size_t i = 0; i < inv->count; i++)
		if (selector_match(sel, &inv->nodes[i]))
			n++;
	return n;
}

size_t
campaign_service_outages(const struct campaign *c,
    const struct inventory *inv, struct service_outage **out)
{
	struct service_outage *o = xcalloc(c->ncomponents + 1, sizeof *o);
	size_t n = 0, k;

	for (size_t i = 0; i < c->nprocedures; i++) {
		const struct procedure *p = &c->procedures[i];
		size_t nodes = count_matches(&p->target, inv);

		for (size_t j = 0; j < p->components.count; j++) {
			const struct component *m = campaign_component(c,
			    p->components.items[j]);

			if (m == NULL)
				continue;
			for (k = 0; k < n; k++)
				if (strcmp(o[k].service, m->service) == 0)
					break;
			if (k == n) {
				o[n].service = m->service;
				o[n++].outage_ms = 0;
			}
			o[k].outage_ms += m->outage_ms * (int64_t)nodes;
		}
	}
	*out = o;
	return n;
}
