/*
 * The health lines of run and resume. The engine tells each check's
 * verdict on each node when it changes, its first result included: on
 * a large cluster a line per node at the start of the run is noise.
 * Failures and recoveries are printed as they come; first healthy
 * results make one line per check once every node has reported, or
 * one monitor interval after the check's first result.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "escalator/cli.h"
#include "escalator/engine.h"
#include "escalator/util.h"

enum seen {
	SEEN_NONE,
	SEEN_OK,
	SEEN_FAILING,
};

struct check_lines {
	const char	*name;
	enum seen	*nodes;		/* inventory order */
	int64_t		 first_ms;	/* -1: no result yet */
	bool		 told;		/* its summary is out */
};

struct cli_health {
	const struct inventory	*inv;
	int64_t			 interval_ms;
	struct check_lines	*checks;
	size_t			 nchecks;
};

struct cli_health *
cli_health_new(const struct campaign *c, const struct inventory *inv)
{
	struct cli_health *h = xcalloc(1, sizeof *h);
	const struct monitor_def *m = &c->monitor;

	h->inv = inv;
	h->interval_ms = m->interval_ms;
	h->nchecks = m->enabled ? m->nchecks : 0;
	h->checks = xcalloc(h->nchecks + 1, sizeof *h->checks);
	for (size_t k = 0; k < h->nchecks; k++) {
		h->checks[k].name = c->health[m->checks[k]].name;
		h->checks[k].nodes = xcalloc(inv->count + 1,
		    sizeof *h->checks[k].nodes);
		h->checks[k].first_ms = -1;
	}
	return h;
}

void
cli_health_free(struct cli_health *h)
{
	if (h == NULL)
		return;
	for (size_t k = 0; k < h->nchecks; k++)
		free(h->checks[k].nodes);
	free(h->checks);
	free(h);
}

static struct check_lines *
check_find(struct cli_health *h, const char *name)
{
	for (size_t k = 0; name != NULL && k < h->nchecks; k++)
		if (strcmp(h->checks[k].name, name) == 0)
			return &h->checks[k];
	return NULL;
}

bool
cli_health_event(struct cli_health *h, const struct engine_event *ev)
{
	struct check_lines *k = check_find(h, ev->step);
	long n = ev->node != NULL ? inventory_find(h->inv, ev->node) : -1;
	enum seen was;

	if (k == NULL || n < 0)
		return true;
	was = k->nodes[n];
	k->nodes[n] = ev->healthy ? SEEN_OK : SEEN_FAILING;
	if (k->first_ms < 0)
		k->first_ms = ev->ts_ms;
	/* A late first result, after the summary, is news of its own. */
	return !ev->healthy || was != SEEN_NONE || k->told;
}

static char *
summary(const struct cli_health *h, const struct check_lines *k)
{
	size_t count[3] = { 0 };	/* by enum seen */
	char *line, *more;

	for (size_t n = 0; n < h->inv->count; n++)
		count[k->nodes[n]]++;
	line = xasprintf("health %s: %zu of %zu node%s ok", k->name,
	    count[SEEN_OK], h->inv->count, h->inv->count == 1 ? "" : "s");
	if (count[SEEN_FAILING] > 0) {
		more = xasprintf("%s, %zu failing", line, count[SEEN_FAILING]);
		free(line);
		line = more;
	}
	if (count[SEEN_NONE] > 0) {
		more = xasprintf("%s, %zu not probed yet", line,
		    count[SEEN_NONE]);
		free(line);
		line = more;
	}
	return line;
}

static bool
all_reported(const struct cli_health *h, const struct check_lines *k)
{
	for (size_t n = 0; n < h->inv->count; n++)
		if (k->nodes[n] == SEEN_NONE)
			return false;
	return true;
}

char *
cli_health_due(struct cli_health *h, int64_t now_ms, bool all)
{
	for (size_t i = 0; i < h->nchecks; i++) {
		struct check_lines *k = &h->checks[i];

		if (k->told || k->first_ms < 0)
			continue;
		if (all || all_reported(h, k) ||
		    now_ms >= k->first_ms + h->interval_ms) {
			k->told = true;
			return summary(h, k);
		}
	}
	return NULL;
}

bool
cli_health_pending(const struct cli_health *h)
{
	for (size_t i = 0; i < h->nchecks; i++)
		if (!h->checks[i].told && h->checks[i].first_ms >= 0)
			return true;
	return false;
}
