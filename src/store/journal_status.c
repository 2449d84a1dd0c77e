/*
 * The status report (escalator status): the run, counts and every node,
 * read in one snapshot so that a run writing meanwhile cannot tear it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "escalator/log.h"
#include "escalator/util.h"
#include "journal_impl.h"

/* The recent events the report shows. */
#define STATUS_EVENTS	10

struct tally {
	char	*name;
	int64_t	 n;
};

struct status {
	bool			 have_run;
	struct journal_run	 run;
	struct journal_node	*nodes;
	size_t			 nnodes;
	struct tally		*node_counts;
	size_t			 nnode_counts;
	struct tally		*step_counts;
	size_t			 nstep_counts;
	struct journal_event	*events;
	size_t			 nevents;
};

static void
tally_add(struct tally **v, size_t *n, const char *name, int64_t count)
{
	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*v)[i].name, name) == 0) {
			(*v)[i].n += count;
			return;
		}
	}
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[*n].name = xstrdup(name);
	(*v)[*n].n = count;
	(*n)++;
}

static int
tally_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tally *)a)->name,
	    ((const struct tally *)b)->name);
}

static void
tally_free(struct tally *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

static int
status_load_step_counts(struct journal *j, struct status *st)
{
	sqlite3_stmt *s = journal_stmt(j, JOURNAL_STMT_STEP_COUNTS);
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		tally_add(&st->step_counts, &st->nstep_counts,
		    (const char *)sqlite3_column_text(s, 0),
		    sqlite3_column_int64(s, 1));
	return journal_read_done(j, s, rc, "counting the steps");
}

static void
status_free(struct status *st)
{
	journal_run_free(&st->run);
	journal_nodes_free(st->nodes, st->nnodes);
	tally_free(st->node_counts, st->nnode_counts);
	tally_free(st->step_counts, st->nstep_counts);
	journal_events_free(st->events, st->nevents);
}

static int
status_load(struct journal *j, struct status *st)
{
	int rc;

	memset(st, 0, sizeof *st);
	if (journal_read_begin(j) == -1)
		return -1;
	rc = journal_run_load(j, &st->run);
	st->have_run = rc == 0;
	if (rc != -1)
		rc = journal_nodes_load(j, &st->nodes, &st->nnodes);
	if (rc != -1)
		rc = status_load_step_counts(j, st);
	if (rc != -1)
		rc = journal_events_load(j, STATUS_EVENTS, &st->events,
		    &st->nevents);
	journal_read_end(j);
	if (rc == -1) {
		status_free(st);
		return -1;
	}
	for (size_t i = 0; i < st->nnodes; i++)
		tally_add(&st->node_counts, &st->nnode_counts,
		    st->nodes[i].status, 1);
	if (st->nnode_counts > 1)
		qsort(st->node_counts, st->nnode_counts,
		    sizeof *st->node_counts, tally_cmp);
	return 0;
}

/* The campaign's name, or its file's base name for runs without one. */
static const char *
status_campaign(const struct journal_run *r)
{
	const char *slash;

	if (r->campaign_name != NULL && *r->campaign_name != '\0')
		return r->campaign_name;
	slash = strrchr(r->campaign_file, '/');
	return slash != NULL ? slash + 1 : r->campaign_file;
}

static struct json_object *
json_string_or_null(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

static struct json_object *
json_time(int64_t ms)
{
	char buf[LOG_TIME_LEN];

	return json_object_new_string(log_time_format(ms, buf, sizeof buf));
}

static struct json_object *
json_tally(const struct tally *v, size_t n)
{
	struct json_object *o = json_object_new_object();

	for (size_t i = 0; i < n; i++)
		json_object_object_add(o, v[i].name,
		    json_object_new_int64(v[i].n));
	return o;
}

static struct json_object *
json_node(const struct journal_node *nd)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(nd->name));
	json_object_object_add(o, "version",
	    json_object_new_string(nd->version));
	json_object_object_add(o, "status", json_object_new_string(nd->status));
	json_object_object_add(o, "phase", json_object_new_string(nd->phase));
	json_object_object_add(o, "health", json_object_new_string(nd->health));
	json_object_object_add(o, "maintenance",
	    json_object_new_boolean(nd->maintenance));
	json_object_object_add(o, "updated", json_time(nd->updated_ms));
	return o;
}

static struct json_object *
json_event(const struct journal_event *e)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "ts", json_time(e->ts_ms));
	json_object_object_add(o, "operator",
	    json_object_new_string(e->operator));
	json_object_object_add(o, "kind", json_object_new_string(e->kind));
	json_object_object_add(o, "object", json_object_new_string(e->object));
	json_object_object_add(o, "message",
	    json_object_new_string(e->message));
	return o;
}

static void
json_add_run(struct json_object *o, const struct status *st)
{
	const struct journal_run *r = &st->run;

	json_object_object_add(o, "campaign", st->have_run ?
	    json_object_new_string(status_campaign(r)) : NULL);
	json_object_object_add(o, "campaign_file",
	    json_string_or_null(r->campaign_file));
	json_object_object_add(o, "run", json_string_or_null(r->id));
	json_object_object_add(o, "state", json_string_or_null(r->state));
	json_object_object_add(o, "phase", json_string_or_null(r->phase));
	json_object_object_add(o, "operator", json_string_or_null(r->operator));
	json_object_object_add(o, "started", st->have_run ?
	    json_time(r->started_ms) : NULL);
	json_object_object_add(o, "updated", st->have_run ?
	    json_time(r->updated_ms) : NULL);
}

static struct json_object *
status_json(const struct status *st)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a;

	json_add_run(o, st);
	json_object_object_add(o, "node_counts",
	    json_tally(st->node_counts, st->nnode_counts));
	json_object_object_add(o, "step_counts",
	    json_tally(st->step_counts, st->nstep_counts));
	a = json_object_new_array_ext((int)st->nnodes);
	for (size_t i = 0; i < st->nnodes; i++)
		json_object_array_add(a, json_node(&st->nodes[i]));
	json_object_object_add(o, "nodes", a);
	a = json_object_new_array_ext((int)st->nevents);
	for (size_t i = 0; i < st->nevents; i++)
		json_object_array_add(a, json_event(&st->events[i]));
	json_object_object_add(o, "events", a);
	return o;
}

char *
journal_status_json(struct journal *j)
{
	struct json_object *o;
	struct status st;
	char *text;

	if (status_load(j, &st) == -1)
		return NULL;
	o = status_json(&st);
	text = xstrdup(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	status_free(&st);
	return text;
}

static void
print_tally(FILE *out, const char *label, const struct tally *v, size_t n)
{
	int64_t total = 0;

	for (size_t i = 0; i < n; i++)
		total += v[i].n;
	fprintf(out, "%-10s %lld", label, (long long)total);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s %lld %s", i == 0 ? ":" : ",",
		    (long long)v[i].n, v[i].name);
	fputc('\n', out);
}

static void
print_run(FILE *out, const struct status *st)
{
	const struct journal_run *r = &st->run;
	char t1[LOG_TIME_LEN], t2[LOG_TIME_LEN];

	if (!st->have_run) {
		fputs("no run recorded yet\n", out);
		return;
	}
	fprintf(out, "%-10s %s (%s)\n", "campaign", status_campaign(r),
	    r->campaign_file);
	fprintf(out, "%-10s %s\n", "run", r->id);
	fprintf(out, "%-10s %s\n", "state", r->state);
	fprintf(out, "%-10s %s\n", "phase", r->phase);
	fprintf(out, "%-10s %s\n", "operator", r->operator);
	fprintf(out, "%-10s %s, updated %s\n", "started",
	    log_time_format(r->started_ms, t1, sizeof t1),
	    log_time_format(r->updated_ms, t2, sizeof t2));
}

/* Column widths: the widest of the heading and every value. */
static void
node_widths(const struct status *st, int w[5])
{
	static const char *const heads[] = { "NAME", "VERSION", "STATUS",
	    "PHASE", "HEALTH" };

	for (size_t c = 0; c < 5; c++)
		w[c] = (int)strlen(heads[c]);
	for (size_t i = 0; i < st->nnodes; i++) {
		const struct journal_node *nd = &st->nodes[i];
		const char *v[] = { nd->name, nd->version, nd->status,
		    nd->phase, nd->health };

		for (size_t c = 0; c < 5; c++)
			if ((int)strlen(v[c]) > w[c])
				w[c] = (int)strlen(v[c]);
	}
}

static void
print_nodes(FILE *out, const struct status *st)
{
	int w[5];

	if (st->nnodes == 0)
		return;
	node_widths(st, w);
	fprintf(out, "\n%-*s  %-*s  %-*s  %-*s  %-*s  %s\n", w[0], "NAME",
	    w[1], "VERSION", w[2], "STATUS", w[3], "PHASE", w[4], "HEALTH",
	    "MAINTENANCE");
	for (size_t i = 0; i < st->nnodes; i++) {
		const struct journal_node *nd = &st->nodes[i];

		fprintf(out, "%-*s  %-*s  %-*s  %-*s  %-*s  %s\n", w[0],
		    nd->name, w[1], nd->version, w[2], nd->status, w[3],
		    nd->phase, w[4], nd->health,
		    nd->maintenance ? "yes" : "no");
	}
}

static void
print_events(FILE *out, const struct status *st)
{
	char ts[LOG_TIME_LEN];

	if (st->nevents == 0)
		return;
	fputs("\nrecent events:\n", out);
	for (size_t i = 0; i < st->nevents; i++) {
		const struct journal_event *e = &st->events[i];

		fprintf(out, "  %s  %s  %s  %s  %s\n",
		    log_time_format(e->ts_ms, ts, sizeof ts),
		    *e->operator != '\0' ? e->operator : "engine", e->kind,
		    e->object, e->message);
	}
}

int
journal_status_print(struct journal *j, FILE *out)
{
	struct status st;

	if (status_load(j, &st) == -1)
		return -1;
	print_run(out, &st);
	print_tally(out, "nodes", st.node_counts, st.nnode_counts);
	print_tally(out, "steps", st.step_counts, st.nstep_counts);
	print_nodes(out, &st);
	print_events(out, &st);
	status_free(&st);
	return 0;
}
