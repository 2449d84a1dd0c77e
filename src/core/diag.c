/* Diagnostics collected by loaders and validators, printed GNU style. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "escalator/diag.h"
#include "escalator/util.h"

void
diag_add(struct diag_list *l, enum diag_severity sev, const char *file,
    int line, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(l, sev, file, line, hint, fmt, ap);
	va_end(ap);
}

void
diag_vadd(struct diag_list *l, enum diag_severity sev, const char *file,
    int line, const char *hint, const char *fmt, va_list ap)
{
	struct diag *d;
	char *msg;

	if (vasprintf(&msg, fmt, ap) == -1)
		abort();
	if (l->count == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->items = xreallocarray(l->items, l->cap, sizeof *l->items);
	}
	d = &l->items[l->count++];
	d->file = xstrdup(file ? file : "-");
	d->line = line;
	d->severity = sev;
	d->message = msg;
	d->hint = hint ? xstrdup(hint) : NULL;
	d->seq = l->count - 1;
}

size_t
diag_errors(const struct diag_list *l)
{
	size_t n = 0;

	for (size_t i = 0; i < l->count; i++)
		if (l->items[i].severity == DIAG_ERROR)
			n++;
	return n;
}

static int
diag_cmp(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;
	int c = strcmp(x->file, y->file);

	if (c != 0)
		return c;
	if (x->line != y->line)
		return (x->line > y->line) - (x->line < y->line);
	/* Stable: errors on one line keep the order they were found in. */
	return (x->seq > y->seq) - (x->seq < y->seq);
}

void
diag_print(struct diag_list *l, FILE *out)
{
	if (l->count > 1)
		qsort(l->items, l->count, sizeof *l->items, diag_cmp);
	for (size_t i = 0; i < l->count; i++) {
		const struct diag *d = &l->items[i];
		const char *sev = d->severity == DIAG_ERROR ? "error" :
		    "warning";

		if (d->line > 0)
			fprintf(out, "%s:%d: %s: %s\n", d->file, d->line, sev,
			    d->message);
		else
			fprintf(out, "%s: %s: %s\n", d->file, sev, d->message);
		if (d->hint != NULL)
			fprintf(out, "  hint: %s\n", d->hint);
	}
}

void
diag_list_free(struct diag_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free(l->items[i].file);
		free(l->items[i].message);
		free(l->items[i].hint);
	}
	free(l->items);
	memset(l, 0, sizeof *l);
}
