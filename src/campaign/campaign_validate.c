/*
 * Checks of a parsed campaign against the inventory, before anything
 * runs: references, dependency cycles and levels, selectors that match
 * nothing, timeouts, undo for graceful rollback. Constraints, budget and
 * window are in validate_constraints.c.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The names of an array of named objects, NULL-terminated, for hints. */
static const char **
names_of(const void *base, size_t n, size_t stride, size_t offset)
{
	const char **names = xcalloc(n + 1, sizeof *names);

	for (size_t i = 0; i < n; i++)
		names[i] = *(char *const *)((const char *)base + i * stride +
		    offset);
	return names;
}

/* An error in the campaign file, from its checks against the inventory. */
void
invalid(struct validation *v, int line, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(v->diags, DIAG_ERROR, v->c->file, line, hint, fmt, ap);
	va_end(ap);
}

static void
check_ref(struct validation *v, int line, const char *ctx, const char *kind,
    const char *name, const char *const *names)
{
	char *hint;

	if (name == NULL || name_index(names, name) >= 0)
		return;
	hint = names[0] != NULL ? name_hint(names, name) :
	    xasprintf("the campaign defines no %s", kind);
	invalid(v, line, hint, "%s: unknown %s \"%s\"", ctx, kind, name);
	free(hint);
}

struct refs {
	const char	**procedures;
	const char	**tests;
	const char	**components;
	const char	**backups;
};

static void
check_step_refs(struct validation *v, const struct refs *r,
    const struct step *s, const char *what)
{
	char ctx[96];

	snprintf(ctx, sizeof ctx, "%s \"%.64s\"", what, s->name);
	if (s->action == STEP_TEST)
		check_ref(v, s->line, ctx, "test", s->test, r->tests);
	if (s->action == STEP_BACKUP)
		check_ref(v, s->line, ctx, "backup item", s->item, r->backups);
}

static void
validate_references(struct validation *v)
{
	const struct campaign *c = v->c;
	struct refs r;
	char ctx[96];

	r.procedures = names_of(c->procedures, c->nprocedures,
	    sizeof *c->procedures, offsetof(struct procedure, name));
	r.tests = names_of(c->tests, c->ntests, sizeof *c->tests,
	    offsetof(struct step, name));
	r.components = names_of(c->components, c->ncomponents,
	    sizeof *c->components, offsetof(struct component, name));
	r.backups = names_of(c->backups, c->nbackups, sizeof *c->backups,
	    offsetof(struct backup_item, name));
	for (size_t i = 0; i < c->nprocedures; i++) {
		const struct procedure *p = &c->procedures[i];

		snprintf(ctx, sizeof ctx, "procedure \"%.64s\"", p->name);
		for (size_t j = 0; j < p->depends_on.count; j++)
			check_ref(v, p->line, ctx, "procedure",
			    p->depends_on.items[j], r.procedures);
		for (size_t j = 0; j < p->tests.count; j++)
			check_ref(v, p->line, ctx, "test", p->tests.items[j],
			    r.tests);
		for (size_t j = 0; j < p->components.count; j++)
			check_ref(v, p->line, ctx, "component",
			    p->components.items[j], r.components);
		for (size_t j = 0; j < p->nsteps; j++)
			check_step_refs(v, &r, &p->steps[j], "step");
	}
	free(r.procedures);
	free(r.tests);
	free(r.components);
	free(r.backups);
}

/* Index of the procedure called name, or -1. */
static long
proc_index(const struct campaign *c, const char *name)
{
	const struct procedure *p = campaign_procedure(c, name);

	return p != NULL ? p - c->procedures : -1;
}

enum { WHITE, GREY, BLACK };

struct dfs {
	struct validation	*v;
	unsigned char		*colour;
	size_t			*path;
	size_t			 depth;
};

static void
report_cycle(struct dfs *d, size_t from)
{
	const struct campaign *c = d->v->c;
	size_t start = 0, len = 32;
	char *msg;

	while (d->path[start] != from)
		start++;
	for (size_t i = start; i < d->depth; i++)
		len += strlen(c->procedures[d->path[i]].name) + 4;
	len += strlen(c->procedures[from].name);
	msg = xcalloc(1, len);
	for (size_t i = start; i < d->depth; i++) {
		strcat(msg, c->procedures[d->path[i]].name);
		strcat(msg, " -> ");
	}
	strcat(msg, c->procedures[from].name);
	invalid(d->v, c->procedures[from].line, "a procedure cannot wait for "
	    "itself: remove one of these depends_on", "dependency cycle: %s",
	    msg);
	free(msg);
}

static void
visit(struct dfs *d, size_t i)
{
	const struct procedure *p = &d->v->c->procedures[i];

	d->colour[i] = GREY;
	d->path[d->depth++] = i;
	for (size_t j = 0; j < p->depends_on.count; j++) {
		long k = proc_index(d->v->c, p->depends_on.items[j]);

		if (k < 0)
			continue;
		if (d->colour[k] == GREY)
			report_cycle(d, (size_t)k);
		else if (d->colour[k] == WHITE)
			visit(d, (size_t)k);
	}
	d->depth--;
	d->colour[i] = BLACK;
}

static void
validate_dependencies(struct validation *v)
{
	const struct campaign *c = v->c;
	struct dfs d = { v, xcalloc(c->nprocedures, 1),
	    xcalloc(c->nprocedures, sizeof(size_t)), 0 };

	for (size_t i = 0; i < c->nprocedures; i++)
		if (d.colour[i] == WHITE)
			visit(&d, i);
	free(d.colour);
	free(d.path);
	for (size_t i = 0; i < c->nprocedures; i++) {
		const struct procedure *p = &c->procedures[i];

		for (size_t j = 0; p->level > 0 && j < p->depends_on.count;
		    j++) {
			const struct procedure *dep = campaign_procedure(c,
			    p->depends_on.items[j]);

			if (dep != NULL && dep->level >= p->level)
				invalid(v, p->line, "a procedure runs after "
				    "those it depends on: give it a higher "
				    "level", "procedure \"%s\": level %d, but "
				    "it depends on \"%s\" at level %d",
				    p->name, p->level, dep->name, dep->level);
		}
	}
}

static void
target_unmatched(struct validation *v, int line, const char *kind,
    const char *name, const struct selector *target)
{
	char *what = selector_describe(target);
	char *hint = xasprintf("no node of %s has %s", v->inv->file, what);

	invalid(v, line, hint, "%s \"%s\": target matches no node", kind,
	    name);
	free(hint);
	free(what);
}

static void
validate_selectors(struct validation *v)
{
	const struct campaign *c = v->c;

	for (size_t i = 0; i < c->nprocedures; i++)
		if (v->proc_nnodes[i] == 0)
			target_unmatched(v, c->procedures[i].line, "procedure",
			    c->procedures[i].name, &c->procedures[i].target);
	for (size_t i = 0; i < c->nbackups; i++) {
		size_t n = 0;

		for (size_t j = 0; j < v->inv->count && n == 0; j++)
			n += selector_match(&c->backups[i].target,
			    &v->inv->nodes[j]);
		if (n == 0)
			target_unmatched(v, c->backups[i].line, "backup",
			    c->backups[i].name, &c->backups[i].target);
	}
	for (size_t i = 0; i < c->nversion_files; i++) {
		const struct version_file *f = &c->version_files[i];
		size_t n = 0;

		for (size_t j = 0; j < v->inv->count && n == 0; j++)
			n += selector_match(&f->target, &v->inv->nodes[j]);
		if (f->dest != NULL && n == 0)
			target_unmatched(v, f->line, "version file", f->path,
			    &f->target);
	}
}

static void
check_timeout(struct validation *v, const struct step *s, const char *what)
{
	if (s->action == STEP_WAIT || s->action == STEP_APPROVAL ||
	    s->action == STEP_ACTION_COUNT || s->timeout_ms > 0)
		return;
	invalid(v, s->line, "every action but wait and approval needs "
	    "timeout = ..., when it counts as hung", "%s \"%s\": missing "
	    "timeout", what, s->name);
}

/*
 * Graceful rollback undoes the executed steps of the node in reverse
 * order, so every run step up to the last step that may roll back needs
 * its undo. Other actions undo themselves (maintenance) or change nothing.
 */
static void
check_undo(struct validation *v, const struct procedure *p)
{
	size_t last = p->nsteps, next;

	for (size_t i = 0; i < p->nsteps; i++)
		if (p->steps[i].on_failure == ON_FAILURE_ROLLBACK)
			last = i;
	for (size_t i = 0; last < p->nsteps && i <= last; i++) {
		const struct step *s = &p->steps[i];

		if (s->action != STEP_RUN || s->undo != NULL)
			continue;
		for (next = i; p->steps[next].on_failure !=
		    ON_FAILURE_ROLLBACK; next++)
			;
		if (next == i)
			invalid(v, s->line, "graceful rollback runs the undo "
			    "command of every executed step, in reverse order",
			    "step \"%s\": on_failure \"rollback\" needs undo",
			    s->name);
		else
			invalid(v, s->line, "graceful rollback runs the undo "
			    "command of every executed step, in reverse order",
			    "step \"%s\": no undo, but step \"%s\" after it "
			    "rolls back on failure", s->name,
			    p->steps[next].name);
	}
}

static void
check_restore(struct validation *v, const struct step *s)
{
	const struct campaign *c = v->c;

	if (s->on_failure != ON_FAILURE_RESTORE)
		return;
	if (c->nbackups == 0)
		invalid(v, s->line, "add backup = ( { name = ...; files = "
		    "[...]; restore = ...; } )", "step \"%s\": on_failure "
		    "\"restore\", but the campaign has no backup", s->name);
	for (size_t i = 0; i < c->nbackups; i++)
		if (c->backups[i].restore == NULL && c->backups[i].command !=
		    NULL)
			invalid(v, c->backups[i].line, "restore = \"command "
			    "that reads the saved output\"", "backup \"%s\": "
			    "no restore command, but step \"%s\" restores "
			    "from backup on failure", c->backups[i].name,
			    s->name);
}

/* The simulator plays any VIM; a real one must be told how to ask. */
static void
check_handover(struct validation *v, const struct step *s)
{
	if (s->handover == NULL || strcmp(s->handover, "vim") != 0 ||
	    v->c->vim.enabled)
		return;
	diag_warning(v->diags, v->c->file, s->line, "add vim = { "
	    "maintenance_on = { url = ...; }; maintenance_off = { url = ...; "
	    "}; } (doc/campaign.md)", "step \"%s\": handover \"vim\" but no "
	    "vim block: the simulator runs it, the ssh transport refuses it",
	    s->name);
}

static void
validate_steps(struct validation *v)
{
	const struct campaign *c = v->c;
	bool restore_checked = false;

	for (size_t i = 0; i < c->ntests; i++)
		check_timeout(v, &c->tests[i], "test");
	for (size_t i = 0; i < c->nhealth; i++)
		check_timeout(v, &c->health[i], "health check");
	for (size_t i = 0; i < c->nprocedures; i++) {
		const struct procedure *p = &c->procedures[i];

		for (size_t j = 0; j < p->nsteps; j++) {
			check_timeout(v, &p->steps[j], "step");
			check_handover(v, &p->steps[j]);
			/* One report per backup item is enough. */
			if (!restore_checked && p->steps[j].on_failure ==
			    ON_FAILURE_RESTORE) {
				check_restore(v, &p->steps[j]);
				restore_checked = true;
			}
		}
		check_undo(v, p);
	}
}

/* Nodes that run neither version: most likely the wrong inventory. */
static void
validate_versions(struct validation *v)
{
	const struct campaign *c = v->c;
	const struct node *first = NULL;
	size_t n = 0;

	if (c->from_version == NULL || c->to_version == NULL)
		return;
	for (size_t i = 0; i < v->inv->count; i++) {
		const char *ver = v->inv->nodes[i].version;

		if (ver == NULL || strcmp(ver, c->from_version) == 0 ||
		    strcmp(ver, c->to_version) == 0)
			continue;
		if (n++ == 0)
			first = &v->inv->nodes[i];
	}
	if (n > 0)
		diag_warning(v->diags, c->file, 0, NULL, "%zu node(s) run "
		    "neither %s nor %s, e.g. \"%s\" runs %s", n,
		    c->from_version, c->to_version, first->name,
		    first->version);
}

static void
resolve_targets(struct validation *v)
{
	const struct campaign *c = v->c;

	v->proc_nodes = xcalloc(c->nprocedures, sizeof *v->proc_nodes);
	v->proc_nnodes = xcalloc(c->nprocedures, sizeof *v->proc_nnodes);
	for (size_t i = 0; i < c->nprocedures; i++) {
		v->proc_nodes[i] = xcalloc(v->inv->count,
		    sizeof **v->proc_nodes);
		for (size_t j = 0; j < v->inv->count; j++)
			if (selector_match(&c->procedures[i].target,
			    &v->inv->nodes[j]))
				v->proc_nodes[i][v->proc_nnodes[i]++] = j;
	}
}

int
campaign_validate(const struct campaign *c, const struct inventory *inv,
    struct diag_list *diags)
{
	struct validation v = { c, inv, diags, NULL, NULL };
	size_t before = diag_errors(diags);

	resolve_targets(&v);
	validate_references(&v);
	validate_dependencies(&v);
	validate_selectors(&v);
	validate_steps(&v);
	validate_versions(&v);
	validate_constraints(&v);
	validate_budget(&v);
	validate_window(&v);
	for (size_t i = 0; i < c->nprocedures; i++)
		free(v.proc_nodes[i]);
	free(v.proc_nodes);
	free(v.proc_nnodes);
	return diag_errors(diags) > before ? -1 : 0;
}
