/*
 * The phases: each asks to be entered (an approval at every boundary),
 * builds its units, and is done when they are. Execution is driven by
 * the scheduler, live, the same code that lays out the plan on paper.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escalator/util.h"
#include "engine_impl.h"

#define DEFAULT_TIMEOUT_MS	(10 * 60 * 1000)

/* --- works from the campaign --------------------------------------------- */

static enum transport_kind
kind_of(const struct step *s)
{
	switch (s->action) {
	case STEP_RUN:
		return TRANSPORT_RUN;
	case STEP_HTTP:
		return TRANSPORT_HTTP;
	case STEP_MAINTENANCE_ON:
		return TRANSPORT_MAINTENANCE_ON;
	case STEP_MAINTENANCE_OFF:
		return TRANSPORT_MAINTENANCE_OFF;
	case STEP_BACKUP:
		return TRANSPORT_BACKUP;
	case STEP_TEST:
		return TRANSPORT_TEST;
	case STEP_VNF_COORDINATION:
		return TRANSPORT_VNFM;
	default:
		return TRANSPORT_WAIT;
	}
}

struct work
work_of(const struct step *s, uint32_t node, const char *proc, int batch)
{
	struct work w = {
		.step = s,
		.node = node,
		.kind = kind_of(s),
		.name = s->name,
		.item = s->action == STEP_TEST ? s->test : s->item,
		.proc = proc,
		.batch = batch,
	};

	return w;
}

/* The engine's own steps: the alarm query, backing up and restoring
 * each backup item, and copying each version file. */
static void
synthetic_build(struct engine *e)
{
	const struct campaign *c = e->c;
	struct step *s;

	e->nsynthetic = 1 + 2 * c->nbackups + c->nversion_files;
	e->synthetic = xcalloc(e->nsynthetic, sizeof *e->synthetic);
	s = &e->synthetic[0];
	s->name = xstrdup("alarms");
	s->action = STEP_HTTP;
	s->timeout_ms = 60000;
	s->expected_ms = PLAN_ALARMS_EXPECTED_MS;
	s->on_failure = ON_FAILURE_PAUSE;
	for (size_t i = 0; i < c->nbackups; i++) {
		for (int r = 0; r < 2; r++) {
			s = &e->synthetic[1 + 2 * i + r];
			s->name = xasprintf("%s:%s", r ? "restore" : "backup",
			    c->backups[i].name);
			s->action = STEP_BACKUP;
			s->item = c->backups[i].name;
			s->timeout_ms = DEFAULT_TIMEOUT_MS;
			s->expected_ms = PLAN_BACKUP_EXPECTED_MS;
			s->on_failure = ON_FAILURE_PAUSE;
		}
	}
	for (size_t i = 0; i < c->nversion_files; i++) {
		s = &e->synthetic[1 + 2 * c->nbackups + i];
		s->name = xasprintf("copy:%s", c->version_files[i].dest ?
		    c->version_files[i].dest : c->version_files[i].path);
		s->action = STEP_RUN;
		s->timeout_ms = DEFAULT_TIMEOUT_MS;
		s->expected_ms = PLAN_COPY_EXPECTED_MS;
		s->on_failure = ON_FAILURE_PAUSE;
	}
}

const struct step *
backup_step(const struct engine *e, size_t item, bool restore)
{
	return &e->synthetic[1 + 2 * item + restore];
}

/* --- building each phase's units -------------------------------------------- */

/* Preparation: each version file with a dest to each of its nodes, a
 * unit per node so that nodes are served at once. */
static void
copy_units(struct engine *e)
{
	const struct campaign *c = e->c;

	for (uint32_t n = 0; n < e->inv->count; n++) {
		struct unit *u = NULL;

		for (size_t i = 0; i < c->nversion_files; i++) {
			const struct version_file *v = &c->version_files[i];
			struct work w;

			if (v->dest == NULL ||
			    !selector_match(&v->target, &e->inv->nodes[n]))
				continue;
			if (u == NULL)
				u = unit_add(e, ROLE_PLAIN);
			w = work_of(&e->synthetic[1 + 2 * c->nbackups + i], n,
			    "", -1);
			w.kind = TRANSPORT_COPY;
			w.item = v->path;
			w.vfile = v;
			unit_push(u, &w);
		}
	}
}

static void
validation_units(struct engine *e)
{
	for (uint32_t n = 0; n < e->inv->count; n++) {
		struct unit *u = unit_add(e, ROLE_PLAIN);
		struct work w;

		for (size_t i = 0; i < e->c->nhealth; i++) {
			w = work_of(&e->c->health[i], n, "", -1);
			w.kind = TRANSPORT_HEALTH;
			unit_push(u, &w);
		}
		w = work_of(&e->synthetic[0], n, "", -1);
		w.kind = TRANSPORT_ALARMS;
		unit_push(u, &w);
	}
}

/* The nodes backup item b is taken on, in turn, into nodes (one slot
 * per inventory node); returns how many. The boundary's summary counts
 * them here too, so it says what the phase will do. */
static size_t
backup_nodes(const struct engine *e, size_t b, uint32_t *nodes)
{
	const struct backup_item *bi = &e->c->backups[b];
	size_t k = 0;

	for (uint32_t n = 0; n < e->inv->count; n++) {
		/* A skipped node is out: `once` takes the next. */
		if (node_skipped(e, n) ||
		    !selector_match(&bi->target, &e->inv->nodes[n]))
			continue;
		nodes[k++] = n;
		if (bi->once)
			break;
	}
	return k;
}

static void
backup_units(struct engine *e)
{
	uint32_t *nodes = xcalloc(e->inv->count, sizeof *nodes);

	for (size_t b = 0; b < e->c->nbackups; b++) {
		struct unit *u = unit_add(e, ROLE_PLAIN);
		size_t k = backup_nodes(e, b, nodes);

		for (size_t i = 0; i < k; i++) {
			struct work w = work_of(backup_step(e, b, false),
			    nodes[i], "", -1);

			w.kind = TRANSPORT_BACKUP;
			w.item = e->c->backups[b].name;
			unit_push(u, &w);
		}
	}
	free(nodes);
}

static void
testing_units(struct engine *e)
{
	if (e->c->ntests == 0)
		return;
	for (uint32_t n = 0; n < e->inv->count; n++) {
		struct unit *u = unit_add(e, ROLE_PLAIN);

		for (size_t i = 0; i < e->c->ntests; i++) {
			struct work w = work_of(&e->c->tests[i], n, "", -1);

			w.kind = TRANSPORT_TEST;
			w.item = e->c->tests[i].name;
			unit_push(u, &w);
		}
	}
}

void
task_unit(struct engine *e, const struct sched_pick *pick)
{
	const struct procedure *p =
	    &e->c->procedures[e->plan.procs[pick->pproc].proc];
	struct unit *u = unit_add(e, ROLE_TASK);

	u->pick = *pick;
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct step *s = &p->steps[i];
		const struct step *t = s->action == STEP_TEST ?
		    campaign_test(e->c, s->test) : NULL;
		struct work w = work_of(s, pick->node, p->name,
		    (int)pick->batch);

		if (t != NULL)	/* the named test's command, the step's name */
			w.step = t;
		unit_push(u, &w);
	}
}

/* Where a finished procedure's tests run once more: its first node
 * still in the campaign; NO_NODE when every one was skipped. */
static uint32_t
closing_node(const struct engine *e, const struct plan_procedure *pp)
{
	for (uint32_t i = 0; i < pp->nnodes; i++)
		if (!node_skipped(e, pp->nodes[i]))
			return pp->nodes[i];
	return NO_NODE;
}

/* A batch's tests on its nodes; a finished procedure's on its first. */
static void
batch_tests(struct engine *e, const struct sched_completion *sc)
{
	const struct plan_procedure *pp = &e->plan.procs[sc->pproc];
	const struct procedure *p = &e->c->procedures[pp->proc];
	uint32_t last = closing_node(e, pp);
	struct unit *u = NULL;

	for (size_t t = 0; t < p->tests.count; t++) {
		const struct step *ts = campaign_test(e->c, p->tests.items[t]);

		for (size_t m = 0; ts != NULL && m <= e->nmembers; m++) {
			bool closing = m == e->nmembers;
			uint32_t node;
			struct work w;

			if (closing && (!sc->procedure_done || last == NO_NODE))
				continue;
			if (!closing && (e->members[m].pproc != sc->pproc ||
			    e->members[m].batch != sc->batch ||
			    !e->members[m].ok))
				continue;
			node = closing ? last : e->members[m].node;
			if (u == NULL) {
				u = unit_add(e, ROLE_TESTS);
				u->pick.pproc = sc->pproc;
				u->pick.batch = sc->batch;
			}
			w = work_of(ts, node, p->name, closing ? -1 :
			    (int)sc->batch);
			w.kind = TRANSPORT_TEST;
			w.item = ts->name;
			unit_push(u, &w);
		}
	}
	if (u == NULL)
		sched_gate_open(e->sched, sc->pproc, sc->batch);
}

static void
member_add(struct engine *e, uint32_t pproc, uint32_t batch, uint32_t node,
    bool ok)
{
	e->members = xreallocarray(e->members, e->nmembers + 1,
	    sizeof *e->members);
	e->members[e->nmembers++] = (struct batch_member){ pproc, batch, node,
	    ok };
}

/* "what.PROCEDURE.NODE": the key of a fact about a node's task. */
char *
task_key(const struct engine *e, const char *what, uint32_t pproc,
    uint32_t node)
{
	return xasprintf("%s.%s.%s", what,
	    e->c->procedures[e->plan.procs[pproc].proc].name,
	    e->inv->nodes[node].name);
}

/* A finished task ("ok", "failed", "skipped") and its batch, for the
 * batch's tests and for resume. */
void
task_record(struct engine *e, const struct sched_pick *pick,
    const char *outcome)
{
	char *key = task_key(e, "task", pick->pproc, pick->node), value[32];

	snprintf(value, sizeof value, "%s %u", outcome, pick->batch);
	journal_fact_put(e->j, key, value);
	free(key);
	member_add(e, pick->pproc, pick->batch, pick->node,
	    strcmp(outcome, "ok") == 0);
}

/* A node's task is over: upgraded, failed, or skipped by the operator
 * (whose status was written when it was skipped). */
static void
task_finished(struct engine *e, const struct unit *u)
{
	bool skipped = node_skipped(e, u->pick.node);
	bool ok = !u->failed && !skipped;

	/* The node's status first: a crash between the two writes then
	 * redoes the task, whose steps are all journaled. */
	if (!skipped)
		node_put(e, u->pick.node, ok ? "upgraded" : "failed");
	task_record(e, &u->pick, skipped ? "skipped" : ok ? "ok" : "failed");
	sched_finish(e->sched, &u->pick, ok);
}

void
unit_finished(struct engine *e, struct unit *u)
{
	struct sched_pick pick = u->pick;

	switch (u->role) {
	case ROLE_TASK:
		task_finished(e, u);
		break;
	case ROLE_TESTS:
		sched_gate_open(e->sched, pick.pproc, pick.batch);
		break;
	default:
		break;
	}
}

/* Resume: tasks finished before the stop are never run again. Skipped
 * batch by batch, the scheduler counts them into the same batches. */
static void
tasks_skip(struct engine *e)
{
	for (uint32_t batch = 0, more = 1; more; batch++) {
		more = 0;
		for (uint32_t p = 0; p < e->plan.nprocs; p++) {
			const struct plan_procedure *pp = &e->plan.procs[p];

			more |= batch + 1 < pp->nbatches;
			for (uint32_t i = 0; i < pp->nnodes; i++) {
				char *key = task_key(e, "task", p,
				    pp->nodes[i]);
				char *v = journal_fact_get(e->j, key);
				char st[8];
				unsigned b;

				free(key);
				if (v != NULL && sscanf(v, "%7s %u", st, &b) ==
				    2 && b == batch) {
					bool ok = strcmp(st, "ok") == 0;

					sched_skip(e->sched, p, pp->nodes[i],
					    ok);
					member_add(e, p, b, pp->nodes[i], ok);
				}
				free(v);
			}
		}
	}
}

/* --- what each phase boundary puts to the operator ------------------------ */

/* What a phase does, on how many nodes, and how long the plan expects
 * it to take: the same three things at every boundary. */
struct phase_brief {
	char	*what;
	size_t	 nodes;
	int64_t	 ms;
};

static const char *
plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* The operator weighs how many nodes a phase touches: a node that
 * several items or procedures go to counts once. */
static void
node_mark(bool *seen, uint32_t n, size_t *count)
{
	if (!seen[n]) {
		seen[n] = true;
		(*count)++;
	}
}

/* Nodes still in the campaign: a skipped one is left as it is. */
static size_t
nodes_left(const struct engine *e)
{
	size_t count = 0;

	for (uint32_t n = 0; n < e->inv->count; n++)
		count += !node_skipped(e, n);
	return count;
}

static size_t
backup_nodes_count(const struct engine *e)
{
	bool *seen = xcalloc(e->inv->count, sizeof *seen);
	uint32_t *nodes = xcalloc(e->inv->count, sizeof *nodes);
	size_t count = 0;

	for (size_t b = 0; b < e->c->nbackups; b++) {
		size_t k = backup_nodes(e, b, nodes);

		for (size_t i = 0; i < k; i++)
			node_mark(seen, nodes[i], &count);
	}
	free(nodes);
	free(seen);
	return count;
}

static size_t
execution_nodes(const struct engine *e)
{
	bool *seen = xcalloc(e->inv->count, sizeof *seen);
	size_t count = 0;

	for (uint32_t p = 0; p < e->plan.nprocs; p++) {
		const struct plan_procedure *pp = &e->plan.procs[p];

		for (uint32_t i = 0; i < pp->nnodes; i++)
			if (!node_skipped(e, pp->nodes[i]))
				node_mark(seen, pp->nodes[i], &count);
	}
	free(seen);
	return count;
}

/* The times come from the planner, which counts them the way this
 * engine runs each phase: one place to change. */
static void
phase_brief(const struct engine *e, struct phase_brief *b)
{
	const struct campaign *c = e->c;
	struct plan_phases ph;

	plan_phases(&e->plan, &ph);
	switch (e->phase) {
	case ENGINE_PHASE_VALIDATION:
		b->what = xstrdup("health checks and alarms");
		b->nodes = nodes_left(e);
		b->ms = ph.validation_ms;
		break;
	case ENGINE_PHASE_BACKUP:
		b->what = xasprintf("%zu item%s", c->nbackups,
		    plural(c->nbackups));
		b->nodes = backup_nodes_count(e);
		b->ms = ph.backup_ms;
		break;
	case ENGINE_PHASE_EXECUTION:
		b->what = xasprintf("%u procedure%s", e->plan.nprocs,
		    plural(e->plan.nprocs));
		b->nodes = execution_nodes(e);
		b->ms = ph.execution_ms;
		break;
	case ENGINE_PHASE_TESTING:
		b->what = xasprintf("%zu test%s", c->ntests, plural(c->ntests));
		/* No tests: no unit, nothing runs on any node. */
		b->nodes = c->ntests > 0 ? nodes_left(e) : 0;
		b->ms = ph.testing_ms;
		break;
	default:
		b->what = xasprintf("%s becomes final", c->to_version ?
		    c->to_version : "?");
		b->nodes = nodes_left(e);
		b->ms = 0;	/* it runs no steps: statuses change */
		break;
	}
}

/* Skipped nodes stay on what they run: the commit says so, and its
 * approval is the only confirmation there is. */
static char *
commit_skipped(const struct engine *e)
{
	size_t nskipped;
	char *skipped, *s;

	if (e->phase != ENGINE_PHASE_COMMIT)
		return xstrdup("");
	skipped = skipped_list(e, &nskipped);
	s = nskipped ? xasprintf("; skipped, left as they are: %s", skipped) :
	    xstrdup("");
	free(skipped);
	return s;
}

/* One line, short enough for the console's dialog at 80 columns:
 * "backup: 2 items on 3 nodes, expected 1m30s". */
static char *
phase_summary(const struct engine *e)
{
	struct phase_brief b;
	char d[32], *skipped = commit_skipped(e), *s;

	phase_brief(e, &b);
	s = xasprintf("%s: %s on %zu node%s, expected %s%s",
	    engine_phase_name(e->phase), b.what, b.nodes, plural(b.nodes),
	    duration_format(b.ms, d, sizeof d), skipped);
	free(b.what);
	free(skipped);
	return s;
}

/* --- entering and finishing phases ------------------------------------------ */

static char *
phase_fact(enum engine_phase p, const char *what)
{
	return xasprintf("%s.%s", what, engine_phase_name(p));
}

static bool
fact_is(struct engine *e, char *key, const char *value)
{
	char *v = journal_fact_get(e->j, key);
	bool is = v != NULL && strcmp(v, value) == 0;

	free(v);
	free(key);
	return is;
}

static bool	versions_check(struct engine *);

static bool
phase_enter(struct engine *e)
{
	char *summary;

	if (e->phase != ENGINE_PHASE_PREPARATION &&
	    !fact_is(e, phase_fact(e->phase, "approval"), "approved")) {
		if (!e->phase_asked) {
			e->phase_asked = true;
			summary = phase_summary(e);
			approval_open(e, APPROVAL_PHASE, -1, NULL,
			    engine_phase_name(e->phase), NULL, summary);
			free(summary);
		}
		return false;
	}
	units_clear(e);
	switch (e->phase) {
	case ENGINE_PHASE_PREPARATION:
		/* Nothing is copied unless every file is the right one. */
		if (!versions_check(e)) {
			set_state(e, ENGINE_STATE_ABORTED);
			return false;
		}
		copy_units(e);
		break;
	case ENGINE_PHASE_VALIDATION:
		validation_units(e);
		break;
	case ENGINE_PHASE_BACKUP:
		backup_units(e);
		break;
	case ENGINE_PHASE_TESTING:
		testing_units(e);
		break;
	default:
		break;
	}
	e->phase_entered = true;
	journal_run_set_state(e->j, engine_state_name(e->state),
	    engine_phase_name(e->phase));
	view_set_state(e);
	note(e, "", "phase-start", "ok", "phase %s",
	    engine_phase_name(e->phase));
	emit(e, ENGINE_EVENT_PHASE, NULL, NULL, "%s",
	    engine_phase_name(e->phase));
	return true;
}

/* Preparation: the version files must be what the campaign says. */
static bool
versions_check(struct engine *e)
{
	bool ok = true;

	for (size_t i = 0; i < e->c->nversion_files; i++) {
		const struct version_file *v = &e->c->version_files[i];
		const char *path = v->source;
		char sum[65], *err = NULL;

		if (engine_sha256_file(path, sum, &err) == -1) {
			note(e, "", "preparation", "failed", "%s", err);
			ok = false;
		} else if (v->sha256 == NULL ||
		    strcasecmp(sum, v->sha256) != 0) {
			note(e, "", "preparation", "failed", "%s: sha256 %s, "
			    "the campaign expects %s", path, sum,
			    v->sha256 ? v->sha256 : "none");
			ok = false;
		} else
			note(e, "", "preparation", "ok", "%s: sha256 matches",
			    path);
		free(err);
	}
	return ok;
}

static bool
execution_work(struct engine *e)
{
	struct sched_completion sc;
	struct sched_pick pick;
	struct block why;
	bool more = true;

	while (more) {
		more = false;
		units_progress(e);
		while (sched_completion(e->sched, &sc)) {
			batch_tests(e, &sc);
			more = true;
		}
		memset(&why, 0, sizeof why);
		while (e->state == ENGINE_STATE_EXECUTING &&
		    sched_next(e->sched, &pick, &why)) {
			task_unit(e, &pick);
			more = true;
		}
		more |= forces_start(e);
		e->sched_block = why;
	}
	if (sched_done(e->sched) && units_all_done(e))
		return true;
	if (why.reason == BLOCK_FAILURES && e->state == ENGINE_STATE_EXECUTING &&
	    units_running(e) == 0 && e->napprovals == 0) {
		note(e, why.object ? why.object : "", "batch", "failed",
		    "%s: %s", why.object ? why.object : "",
		    block_reason_text(why.reason));
		stop_at_safe_point(e, AFTER_ERROR);
	}
	return false;
}

/* Validation: with the nodes that passed, may each HA group still lose
 * one member and keep its quorum? (Validation units are one per node,
 * in inventory order.) */
static bool
redundancy_check(struct engine *e)
{
	bool ok = true;

	for (size_t r = 0; r < e->c->nha_rules; r++) {
		const struct ha_rule *h = &e->c->ha_rules[r];
		int healthy = 0;

		for (uint32_t n = 0; n < e->inv->count && n < e->nunits; n++) {
			const char *g = node_label(&e->inv->nodes[n],
			    LABEL_HA_GROUP);

			if (g != NULL && strcmp(g, h->group) == 0 &&
			    !e->units[n].failed && !node_skipped(e, n))
				healthy++;
		}
		if (healthy > 0 && healthy - 1 >= h->quorum)
			continue;
		note(e, "", "validation", "failed", "HA group %s: %d healthy "
		    "members, quorum %d: no redundancy to upgrade with",
		    h->group, healthy, h->quorum);
		ok = false;
	}
	return ok;
}

static bool
phase_work(struct engine *e)
{
	switch (e->phase) {
	case ENGINE_PHASE_VALIDATION:
		units_progress(e);
		if (!units_all_done(e))
			return false;
		if (redundancy_check(e))
			return true;
		stop_at_safe_point(e, AFTER_ERROR);
		return false;
	case ENGINE_PHASE_EXECUTION:
		return execution_work(e);
	case ENGINE_PHASE_COMMIT:
		for (uint32_t n = 0; n < e->inv->count; n++)
			if (strcmp(e->view.nodes[n].status, "upgraded") == 0)
				node_put(e, n, "committed");
		skipped_report(e);
		return true;
	default:
		units_progress(e);
		return units_all_done(e);
	}
}

static void
phase_finish(struct engine *e)
{
	char *key = phase_fact(e->phase, "phase");

	journal_fact_put(e->j, key, "done");
	free(key);
	note(e, "", "phase-done", "ok", "phase %s done",
	    engine_phase_name(e->phase));
	units_clear(e);
	memset(&e->sched_block, 0, sizeof e->sched_block);
	e->phase_entered = false;
	if (e->phase == ENGINE_PHASE_COMMIT) {
		set_state(e, ENGINE_STATE_COMMITTED);
		return;
	}
	e->phase++;
	if (e->phase == ENGINE_PHASE_COMMIT)
		set_state(e, ENGINE_STATE_EXECUTION_COMPLETED);
	journal_run_set_state(e->j, engine_state_name(e->state),
	    engine_phase_name(e->phase));
	view_set_state(e);
}

void
execution_progress(struct engine *e)
{
	while (e->state == ENGINE_STATE_EXECUTING ||
	    e->state == ENGINE_STATE_EXECUTION_COMPLETED) {
		if (!e->phase_entered && !phase_enter(e))
			return;
		if (!phase_work(e))
			return;
		phase_finish(e);
	}
}

/* --- the start of a run or a resumption -------------------------------------- */

static void
nodes_restore(struct engine *e)
{
	struct journal_node *nodes;
	size_t n;

	if (journal_nodes_load(e->j, &nodes, &n) == -1)
		return;
	for (size_t i = 0; i < n; i++) {
		long k = inventory_find(e->inv, nodes[i].name);

		if (k < 0)
			continue;
		free(e->node_version[k]);
		e->node_version[k] = xstrdup(nodes[i].version ?
		    nodes[i].version : "unknown");
		e->node_maintenance[k] = nodes[i].maintenance;
		e->node_down[k] = nodes[i].health != NULL &&
		    strcmp(nodes[i].health, "down") == 0;
		monitor_restore(e, (uint32_t)k, nodes[i].health,
		    nodes[i].updated_ms);
		view_status(e, (uint32_t)k, nodes[i].status);
		view_node(e, (uint32_t)k, NULL, 0, NULL);
	}
	journal_nodes_free(nodes, n);
}

/* Where a resumed run carries on from the state it stopped in. */
static void
resume_state(struct engine *e)
{
	char *stop = journal_fact_get(e->j, "stop");
	char *mode = journal_fact_get(e->j, "rollback");
	enum engine_state s = e->state;

	e->retry_failed = s == ENGINE_STATE_ERROR_DETECTED ||
	    (s == ENGINE_STATE_SUSPENDING && stop != NULL &&
	    strcmp(stop, "error") == 0);
	e->state = ENGINE_STATE_SUSPENDED;	/* so set_state records */
	if (s == ENGINE_STATE_ROLLING_BACK ||
	    s == ENGINE_STATE_ROLLBACK_SUSPENDED ||
	    (s == ENGINE_STATE_SUSPENDING && stop != NULL &&
	    (strcmp(stop, "rollback") == 0 || strcmp(stop, "restore") == 0)))
		rollback_begin(e, (mode != NULL && strcmp(mode, "restore") ==
		    0) || (stop != NULL && strcmp(stop, "restore") == 0));
	else if (s == ENGINE_STATE_SUSPENDING && stop != NULL &&
	    strcmp(stop, "abort") == 0)
		set_state(e, ENGINE_STATE_ABORTED);
	else if (engine_state_final(s))
		e->state = s;
	else
		set_state(e, e->phase == ENGINE_PHASE_COMMIT ?
		    ENGINE_STATE_EXECUTION_COMPLETED : ENGINE_STATE_EXECUTING);
	free(stop);
	free(mode);
}

int
phase_prepare(struct engine *e)
{
	struct diag_list diags = { 0 };

	if (plan_build(&e->plan, e->c, e->inv, &diags) == -1) {
		for (size_t i = 0; i < diags.count; i++)
			note(e, "", "plan", "failed", "%s",
			    diags.items[i].message);
		diag_list_free(&diags);
		set_state(e, ENGINE_STATE_ABORTED);
		return -1;
	}
	diag_list_free(&diags);
	e->have_plan = true;
	e->sched = sched_new(&e->plan);
	synthetic_build(e);
	if (e->cfg.resume) {
		nodes_restore(e);
		hostkeys_restore(e);
		tasks_skip(e);
		forces_resume(e);
		resume_state(e);
		return 0;
	}
	for (uint32_t n = 0; n < e->inv->count; n++)
		node_put(e, n, "pending");
	set_state(e, ENGINE_STATE_EXECUTING);
	return 0;
}
