/*
 * The journal's step records as they were when the run (re)started: a
 * resumed run looks every work up here first, so a step that completed
 * is never run again and one that was left without an outcome is probed.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "escalator/util.h"
#include "engine_impl.h"

/* A batch's tests and a procedure's closing tests may run on the same
 * node: in-batch or not is part of the key, the batch number (which a
 * resumed scheduler may count differently) is not. */
char *
work_key(const char *phase, const struct work *w)
{
	return xasprintf("%s|%s|%u|%s|%d|%d", phase, w->proc, w->node, w->name,
	    w->undo, w->batch >= 0);
}

static int
record_cmp(const void *a, const void *b)
{
	const struct record *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	return (x->id > y->id) - (x->id < y->id);
}

void
records_load(struct engine *e)
{
	struct journal_step *steps;
	size_t n;

	if (journal_steps_load(e->j, &steps, &n) == -1)
		return;
	e->records = xcalloc(n, sizeof *e->records);
	for (size_t i = 0; i < n; i++) {
		const struct journal_step *s = &steps[i];
		long node = s->node[0] ? inventory_find(e->inv, s->node) : -1;
		struct work w = {
			.node = node < 0 ? NO_NODE : (uint32_t)node,
			.undo = s->undo,
			.name = s->step,
			.proc = s->procedure,
			.batch = s->batch,
		};
		struct record *r = &e->records[e->nrecords++];

		r->key = work_key(s->phase, &w);
		r->id = s->id;
		r->attempt = s->attempt;
		r->status = s->status;
	}
	journal_steps_free(steps, n);
	qsort(e->records, e->nrecords, sizeof *e->records, record_cmp);
}

void
records_free(struct engine *e)
{
	for (size_t i = 0; i < e->nrecords; i++)
		free(e->records[i].key);
	free(e->records);
	e->records = NULL;
	e->nrecords = 0;
}

static int
key_cmp(const void *k, const void *r)
{
	return strcmp(k, ((const struct record *)r)->key);
}

/* The latest record of this work, or NULL. */
struct record *
records_find(const struct engine *e, const char *phase, const struct work *w)
{
	char *key;
	struct record *r;

	if (e->nrecords == 0)
		return NULL;
	key = work_key(phase, w);
	r = bsearch(key, e->records, e->nrecords, sizeof *e->records, key_cmp);
	while (r != NULL && r + 1 < e->records + e->nrecords &&
	    strcmp(r[1].key, key) == 0)
		r++;
	free(key);
	return r;
}
