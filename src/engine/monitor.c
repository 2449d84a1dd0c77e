/*
 * The health monitor: from validation to the end of testing, every
 * interval on the engine's clock, the campaign's monitored health checks
 * start on every node that should be up, all at once through the
 * transport. Results come back with the engine's other results and
 * never hold it up. A probe changes nothing on the node, so it is not
 * a step: the journal keeps the node's health, not the probes, and a
 * resumed run has nothing of the monitor's to redo. A verdict that
 * stays the same tick after tick is told once: the journal, the log
 * file and the front end hear of changes only.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "escalator/util.h"
#include "engine_impl.h"

/* Far above the journal's ids, which identify the steps' actions: a
 * result is the monitor's when this bit is set. */
#define MONITOR_ID_BIT		(1ULL << 62)
#define MONITOR_TIMEOUT_MS	30000

enum verdict {
	VERDICT_NONE,		/* no result yet */
	VERDICT_OK,
	VERDICT_FAILING,
};

struct probe {
	uint64_t	 id;
	int64_t		 deadline_ms;
	bool		 running;
	enum verdict	 verdict;	/* its last result */
};

struct monitor {
	int64_t		 next_ms;	/* next tick; 0: not ticking */
	uint64_t	 seq;
	struct probe	*probes;	/* node * nchecks + check */
	char		*reason;	/* why it suspended the campaign */
};

static const struct monitor_def *
def(const struct engine *e)
{
	return &e->c->monitor;
}

static struct monitor *
monitor_of(struct engine *e)
{
	if (e->mon == NULL) {
		e->mon = xcalloc(1, sizeof *e->mon);
		e->mon->probes = xcalloc(e->inv->count * def(e)->nchecks + 1,
		    sizeof *e->mon->probes);
	}
	return e->mon;
}

void
monitor_free(struct engine *e)
{
	if (e->mon == NULL)
		return;
	free(e->mon->probes);
	free(e->mon->reason);
	free(e->mon);
	e->mon = NULL;
}

/* Results are still wanted while the campaign stops at a safe point;
 * new probes start only while it runs. */
static bool
watching(const struct engine *e)
{
	return def(e)->enabled && def(e)->nchecks > 0 &&
	    e->phase >= ENGINE_PHASE_VALIDATION &&
	    e->phase <= ENGINE_PHASE_TESTING &&
	    (e->state == ENGINE_STATE_EXECUTING ||
	    e->state == ENGINE_STATE_SUSPENDING);
}

/* A node in the middle of its own upgrade is expected to be down. */
static bool
upgrading(const struct engine *e, uint32_t node)
{
	for (size_t i = 0; i < e->nunits; i++) {
		const struct unit *u = &e->units[i];

		if (u->role == ROLE_TASK && u->st != UNIT_DONE &&
		    u->pick.node == node)
			return true;
	}
	return false;
}

static bool
node_watched(const struct engine *e, uint32_t node)
{
	return !e->node_maintenance[node] && !node_skipped(e, node) &&
	    !upgrading(e, node);
}

static const struct step *
check_of(const struct engine *e, size_t k)
{
	return &e->c->health[def(e)->checks[k]];
}

/* --- the node's health --------------------------------------------------- */

static void
view_health(struct engine *e, uint32_t node, const char *health,
    int64_t at)
{
	struct engine_node_view *v = &e->view.nodes[node];

	pthread_mutex_lock(&e->lock);
	free(v->health);
	v->health = xstrdup(health);
	v->health_ms = at;
	pthread_mutex_unlock(&e->lock);
}

/* The node table as node_put() writes it, with the probe's verdict as
 * its health; the view's running step is left alone. */
static void
health_put(struct engine *e, uint32_t node, const char *health, int64_t at)
{
	struct journal_node jn;

	view_health(e, node, health, at);
	memset(&jn, 0, sizeof jn);
	jn.name = e->inv->nodes[node].name;
	jn.version = e->node_version[node];
	jn.phase = (char *)engine_phase_name(e->phase);
	jn.health = (char *)health;
	jn.maintenance = e->node_maintenance[node];
	jn.status = e->view.nodes[node].status;
	jn.updated_ms = at;
	journal_node_put(e->j, &jn);
}

static struct probe *
probe_of(struct engine *e, uint32_t node, size_t k)
{
	return &e->mon->probes[node * def(e)->nchecks + k];
}

/* One failing check makes the node unhealthy; the first one names it.
 * The journal is written only when that changes. */
static void
health_update(struct engine *e, uint32_t node, int64_t at)
{
	const char *was = e->view.nodes[node].health;
	char *health = xstrdup("ok");

	for (size_t k = 0; k < def(e)->nchecks; k++)
		if (probe_of(e, node, k)->verdict == VERDICT_FAILING) {
			free(health);
			health = xasprintf(ENGINE_HEALTH_FAILED "%s",
			    check_of(e, k)->name);
			break;
		}
	if (was == NULL || strcmp(was, health) != 0)
		health_put(e, node, health, at);
	free(health);
}

/* As the log file grades it: a failure the campaign stops for is an
 * error, one it goes on after a warning. */
static const char *
verdict_result(const struct engine *e, enum verdict v)
{
	if (v == VERDICT_OK)
		return "ok";
	return def(e)->on_failure == ON_FAILURE_PAUSE ? "failed" : "warning";
}

/* A check's verdict on a node changed: a line in the log file and an
 * event, once, however many ticks it stays so. */
static void
verdict_changed(struct engine *e, uint32_t node, size_t k,
    enum verdict was, const char *why, int64_t at)
{
	enum verdict v = probe_of(e, node, k)->verdict;
	const char *name = e->inv->nodes[node].name;
	const char *check = check_of(e, k)->name;
	const char *result = verdict_result(e, v);
	struct log_entry le;
	char *object, *text;

	if (v == VERDICT_FAILING)
		text = xasprintf("%s: health check %s failed: %s", name, check,
		    why != NULL && *why != '\0' ? why : "no output");
	else
		text = xasprintf("%s: health check %s %s", name, check,
		    was == VERDICT_FAILING ? "passes again" : "ok");
	object = xasprintf("node:%s", name);
	memset(&le, 0, sizeof le);
	le.ts_ms = at;
	le.run = e->run_id;
	le.object = object;
	le.action = "monitor";
	le.result = result;
	le.code = v != VERDICT_OK;
	le.message = text;
	log_write(e->log, &le);
	emit_health(e, name, check, v == VERDICT_OK, result, text);
	free(object);
	free(text);
}

static void
on_failure(struct engine *e, uint32_t node, size_t k)
{
	const char *name = e->inv->nodes[node].name;

	if (def(e)->on_failure != ON_FAILURE_PAUSE ||
	    e->state != ENGINE_STATE_EXECUTING)
		return;
	free(e->mon->reason);
	e->mon->reason = xasprintf("health check %s failed on %s",
	    check_of(e, k)->name, name);
	note(e, name, "monitor", "pause", "suspending the campaign: %s",
	    e->mon->reason);
	stop_at_safe_point(e, AFTER_SUSPEND);
}

/* Every result counts for on_failure; only a change is told. */
static void
probe_verdict(struct engine *e, uint32_t node, size_t k, bool ok,
    const char *why, int64_t at)
{
	struct probe *p = probe_of(e, node, k);
	enum verdict was = p->verdict;

	p->verdict = ok ? VERDICT_OK : VERDICT_FAILING;
	if (p->verdict != was) {
		health_update(e, node, at);
		verdict_changed(e, node, k, was, why, at);
	}
	if (!ok)
		on_failure(e, node, k);
}

void
monitor_restore(struct engine *e, uint32_t node, const char *health,
    int64_t at)
{
	/* "ok" is also what a node never probed has: only a failure is
	 * a verdict to keep until a probe says otherwise */
	if (health != NULL && strncmp(health, ENGINE_HEALTH_FAILED,
	    strlen(ENGINE_HEALTH_FAILED)) == 0)
		view_health(e, node, health, at);
}

/* --- probes -------------------------------------------------------------- */

static void
probe_start(struct engine *e, uint32_t node, size_t k)
{
	struct probe *p = probe_of(e, node, k);
	const struct step *s = check_of(e, k);
	const struct node *n = &e->inv->nodes[node];
	struct transport_action a;
	char *cmd, *url, *err = NULL;
	int64_t now = clock_now(e->clock);

	cmd = s->command ? transport_expand(s->command, n) : NULL;
	url = s->url ? transport_expand(s->url, n) : NULL;
	memset(&a, 0, sizeof a);
	a.id = MONITOR_ID_BIT | ++e->mon->seq;
	a.kind = TRANSPORT_HEALTH;
	a.node = node;
	a.step = s;
	a.name = s->name;
	a.command = cmd;
	a.url = url;
	a.attempt = 1;
	if (e->tp->ops->start(e->tp, &a, &err) == -1) {
		probe_verdict(e, node, k, false, err ? err : "cannot start",
		    now);
		free(err);
	} else {
		p->id = a.id;
		p->running = true;
		p->deadline_ms = now + (s->timeout_ms > 0 ? s->timeout_ms :
		    MONITOR_TIMEOUT_MS);
	}
	free(cmd);
	free(url);
}

/* One tick: every check on every watched node, unless the last tick's
 * probe of it is still out. */
static void
tick(struct engine *e)
{
	size_t nk = def(e)->nchecks;

	for (uint32_t n = 0; n < e->inv->count; n++) {
		if (!node_watched(e, n))
			continue;
		for (size_t k = 0; k < nk; k++)
			if (!e->mon->probes[n * nk + k].running)
				probe_start(e, n, k);
	}
}

static void
cancel_all(struct engine *e)
{
	size_t total = e->inv->count * def(e)->nchecks;

	for (size_t i = 0; i < total; i++)
		if (e->mon->probes[i].running) {
			e->tp->ops->cancel(e->tp, e->mon->probes[i].id);
			e->mon->probes[i].running = false;
		}
}

void
monitor_tick(struct engine *e)
{
	struct monitor *m;
	int64_t now, late;

	if (!def(e)->enabled || def(e)->nchecks == 0)
		return;
	m = monitor_of(e);
	if (e->state == ENGINE_STATE_EXECUTING) {
		free(m->reason);
		m->reason = NULL;
	}
	if (!watching(e)) {
		/* at rest nothing should run behind the operator's back */
		cancel_all(e);
		m->next_ms = 0;
		return;
	}
	now = clock_now(e->clock);
	if (m->next_ms == 0)
		m->next_ms = now;
	if (e->state != ENGINE_STATE_EXECUTING || now < m->next_ms)
		return;
	tick(e);
	/* ticks missed while the engine was busy are not made up */
	late = (now - m->next_ms) / def(e)->interval_ms;
	m->next_ms += (late + 1) * def(e)->interval_ms;
}

/* Probes past their check's timeout failed; they are not left out. */
void
monitor_timeouts(struct engine *e)
{
	size_t nk = def(e)->nchecks;
	int64_t now;

	if (e->mon == NULL)
		return;
	now = clock_now(e->clock);
	for (size_t i = 0; i < e->inv->count * nk; i++) {
		struct probe *p = &e->mon->probes[i];

		if (!p->running || now < p->deadline_ms)
			continue;
		e->tp->ops->cancel(e->tp, p->id);
		p->running = false;
		probe_verdict(e, (uint32_t)(i / nk), i % nk, false,
		    "no answer within its timeout", now);
	}
}

int64_t
monitor_deadline(const struct engine *e)
{
	const struct monitor *m = e->mon;
	int64_t d = CLOCK_NEVER;

	if (m == NULL || !watching(e))
		return CLOCK_NEVER;
	if (e->state == ENGINE_STATE_EXECUTING && m->next_ms > 0)
		d = m->next_ms;
	for (size_t i = 0; i < e->inv->count * def(e)->nchecks; i++)
		if (m->probes[i].running && m->probes[i].deadline_ms < d)
			d = m->probes[i].deadline_ms;
	return d;
}

bool
monitor_result(struct engine *e, const struct transport_result *r)
{
	size_t nk = def(e)->nchecks;

	if ((r->id & MONITOR_ID_BIT) == 0)
		return false;
	/* a probe cancelled or from before a restart: nobody waits */
	if (e->mon == NULL)
		return true;
	for (size_t i = 0; i < e->inv->count * nk; i++) {
		struct probe *p = &e->mon->probes[i];

		if (!p->running || p->id != r->id)
			continue;
		p->running = false;
		/* Started before the node's upgrade began: a verdict
		 * on a node expected to be down says nothing. */
		if (!node_watched(e, (uint32_t)(i / nk)))
			break;
		probe_verdict(e, (uint32_t)(i / nk), i % nk,
		    r->status == TRANSPORT_OK, r->output, r->ended_ms);
		hostkey_probed(e, (uint32_t)(i / nk), r);
		break;
	}
	return true;
}

const char *
monitor_reason(const struct engine *e)
{
	return e->mon != NULL ? e->mon->reason : NULL;
}
