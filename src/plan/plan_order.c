/*
 * The order of procedures: depends_on and execution levels make a graph;
 * the procedures run in a topological order of it, level by level, and a
 * cycle is reported with the procedures on it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "escalator/util.h"
#include "internal.h"

static long
procedure_index(const struct campaign *c, const char *name)
{
	for (size_t i = 0; i < c->nprocedures; i++)
		if (c->procedures[i].name != NULL &&
		    strcmp(c->procedures[i].name, name) == 0)
			return (long)i;
	return -1;
}

static void
graph_add(struct plan_order *g, size_t from, uint32_t to)
{
	for (uint32_t i = 0; i < g->ndeps[from]; i++)
		if (g->deps[from][i] == to)
			return;
	g->deps[from] = xreallocarray(g->deps[from], g->ndeps[from] + 1,
	    sizeof **g->deps);
	g->deps[from][g->ndeps[from]++] = to;
}

void
plan_order_free(struct plan_order *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->deps[i]);
	free(g->deps);
	free(g->ndeps);
	free(g->level);
	free(g->order);
	memset(g, 0, sizeof *g);
}

/* depends_on, and levels: a procedure runs after every lower level. */
static int
graph_build(struct plan_order *g, const struct campaign *c,
    struct diag_list *d)
{
	int rc = 0;

	g->n = c->nprocedures;
	g->deps = xcalloc(g->n, sizeof *g->deps);
	g->ndeps = xcalloc(g->n, sizeof *g->ndeps);
	g->level = xcalloc(g->n, sizeof *g->level);
	g->order = xcalloc(g->n, sizeof *g->order);
	for (size_t i = 0; i < g->n; i++) {
		const struct procedure *p = &c->procedures[i];

		if (p->name == NULL) {
			diag_error(d, c->file, p->line, NULL,
			    "procedure %zu has no name", i + 1);
			rc = -1;
			continue;
		}
		for (size_t k = 0; k < p->depends_on.count; k++) {
			long j = procedure_index(c, p->depends_on.items[k]);

			if (j == -1) {
				diag_error(d, c->file, p->line, NULL,
				    "procedure '%s' depends on unknown "
				    "procedure '%s'", p->name,
				    p->depends_on.items[k]);
				rc = -1;
			} else
				graph_add(g, i, (uint32_t)j);
		}
		for (size_t j = 0; j < g->n; j++)
			if (p->level > 0 && c->procedures[j].level > 0 &&
			    c->procedures[j].level < p->level)
				graph_add(g, i, (uint32_t)j);
	}
	return rc;
}

/* Name the cycle through the procedures left unordered. */
static void
report_cycle(const struct campaign *c, const struct plan_order *g,
    const bool *placed, struct diag_list *d)
{
	long *seen = xmalloc(g->n * sizeof *seen);
	uint32_t *path = xmalloc((g->n + 1) * sizeof *path);
	size_t len = 0, v = 0, from;
	char *text, *more;

	for (size_t i = 0; i < g->n; i++)
		seen[i] = -1;
	while (placed[v])
		v++;
	while (seen[v] == -1) {
		seen[v] = (long)len;
		path[len++] = (uint32_t)v;
		for (uint32_t k = 0; k < g->ndeps[v]; k++) {
			if (!placed[g->deps[v][k]]) {
				v = g->deps[v][k];
				break;
			}
		}
	}
	from = (size_t)seen[v];
	text = xstrdup(c->procedures[path[from]].name);
	for (size_t i = from + 1; i <= len; i++) {
		more = xasprintf("%s -> %s", text,
		    c->procedures[path[i < len ? i : from]].name);
		free(text);
		text = more;
	}
	diag_error(d, c->file, c->procedures[path[from]].line,
	    "a procedure runs after those it depends on and those of lower "
	    "levels; break the cycle", "dependency cycle: %s", text);
	free(text);
	free(seen);
	free(path);
}

/* Topological order by level, then file order: of the procedures whose
 * dependencies are all placed, the one of lowest level goes first, so the
 * timeline reads level by level. */
static int
order_procedures(const struct campaign *c, struct plan_order *g,
    struct diag_list *d)
{
	bool *placed = xcalloc(g->n, sizeof *placed);
	size_t done = 0;
	int rc = 0;

	while (done < g->n) {
		size_t best = g->n;

		for (size_t i = 0; i < g->n; i++) {
			uint32_t k;
			int l = 1;

			if (placed[i])
				continue;
			for (k = 0; k < g->ndeps[i] && placed[g->deps[i][k]];
			    k++)
				if (g->level[g->deps[i][k]] >= l)
					l = g->level[g->deps[i][k]] + 1;
			if (k < g->ndeps[i])
				continue;
			g->level[i] = l;
			if (best == g->n || l < g->level[best])
				best = i;
		}
		if (best == g->n) {
			report_cycle(c, g, placed, d);
			rc = -1;
			break;
		}
		placed[best] = true;
		g->order[done++] = (uint32_t)best;
	}
	free(placed);
	return rc;
}

int
plan_order(struct plan_order *g, const struct campaign *c,
    struct diag_list *d)
{
	if (graph_build(g, c, d) == -1)
		return -1;
	return order_procedures(c, g, d);
}
