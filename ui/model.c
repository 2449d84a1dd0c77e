/*
 * The console's model: the topology tree and what the engine told us,
 * kept so that every pane draws from memory and never waits.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escalator/ui_model.h"
#include "escalator/util.h"

/* How a node state or a severity shows. */
struct glyph {
	const char		*name;
	const char		*utf8;
	const char		*ascii;
	enum ui_style_id	 style;
};

#define X(e, s, u, a, st) { s, u, a, UI_STYLE_##st },
static const struct glyph node_states[] = { UI_NODE_STATE_LIST(X) };
static const struct glyph severities[] = { UI_SEVERITY_LIST(X) };
#undef X

static const char *
symbol(const struct glyph *g, bool utf8)
{
	return utf8 ? g->utf8 : g->ascii;
}

const char *
ui_node_state_name(enum ui_node_state s)
{
	return node_states[s].name;
}

const char *
ui_node_state_symbol(enum ui_node_state s, bool utf8)
{
	return symbol(&node_states[s], utf8);
}

enum ui_style_id
ui_node_state_style(enum ui_node_state s)
{
	return node_states[s].style;
}

enum ui_node_state
ui_node_state_of(const struct engine_node_view *v)
{
	if (v->status == NULL)
		return UI_NODE_UNKNOWN;
	if (v->step != NULL && v->expected_ms > 0 &&
	    v->elapsed_ms > v->expected_ms)
		return UI_NODE_HUNG;
	for (int s = 0; s < UI_NODE_STATE_COUNT; s++)
		if (s != UI_NODE_HUNG && strcmp(v->status,
		    node_states[s].name) == 0)
			return (enum ui_node_state)s;
	return UI_NODE_UNKNOWN;
}

/* --- the tree --------------------------------------------------------- */

#define LEVELS	3

/* A node's place: site, zone/rack, HA group; NULL where it has none. */
struct place {
	char	*level[LEVELS];
};

static void
place_of(const struct node *n, struct place *p)
{
	const char *site = node_label(n, LABEL_SITE);
	const char *zone = node_label(n, LABEL_ZONE);
	const char *rack = node_label(n, LABEL_RACK);
	const char *ha = node_label(n, LABEL_HA_GROUP);

	p->level[0] = site ? xasprintf("site %s", site) : NULL;
	if (zone && rack)
		p->level[1] = xasprintf("zone %s/%s", zone, rack);
	else if (zone || rack)
		p->level[1] = xasprintf("%s %s", zone ? "zone" : "rack",
		    zone ? zone : rack);
	else
		p->level[1] = NULL;
	p->level[2] = ha ? xasprintf("ha %s", ha) : NULL;
}

static void
place_free(struct place *p)
{
	for (int i = 0; i < LEVELS; i++)
		free(p->level[i]);
}

static int
str_cmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

struct sorted_node {
	uint32_t	node;
	struct place	place;
};

static int
sorted_cmp(const void *va, const void *vb)
{
	const struct sorted_node *a = va, *b = vb;
	int c;

	for (int i = 0; i < LEVELS; i++)
		if ((c = str_cmp(a->place.level[i], b->place.level[i])) != 0)
			return c;
	return (a->node > b->node) - (a->node < b->node);
}

static uint32_t
group_add(struct ui_model *m, const char *label, uint32_t parent, int depth)
{
	struct ui_group *g;
	struct ui_item *it;

	m->groups = xreallocarray(m->groups, m->ngroups + 1,
	    sizeof *m->groups);
	g = &m->groups[m->ngroups];
	memset(g, 0, sizeof *g);
	g->label = xstrdup(label);
	g->parent = parent;
	g->depth = depth;
	it = &m->items[m->nitems++];
	it->index = (uint32_t)m->ngroups;
	it->parent = parent;
	it->group = true;
	it->depth = depth;
	return (uint32_t)m->ngroups++;
}

/* The innermost group at or above level l, UI_NO_GROUP at the top. */
static uint32_t
group_above(const char *const path[LEVELS], const uint32_t gid[LEVELS], int l,
    int *depth)
{
	*depth = 0;
	for (int k = 0; k < l; k++)
		if (path[k] != NULL)
			(*depth)++;
	for (int k = l - 1; k >= 0; k--)
		if (path[k] != NULL)
			return gid[k];
	return UI_NO_GROUP;
}

static void
tree_build(struct ui_model *m)
{
	size_t n = m->inv->count;
	struct sorted_node *s = xcalloc(n ? n : 1, sizeof *s);
	const char *path[LEVELS] = { NULL };
	uint32_t gid[LEVELS] = { 0 };
	int depth;

	for (size_t i = 0; i < n; i++) {
		s[i].node = (uint32_t)i;
		place_of(&m->inv->nodes[i], &s[i].place);
	}
	qsort(s, n, sizeof *s, sorted_cmp);
	/* at most one group per level per node, plus the nodes */
	m->items = xcalloc(n * (LEVELS + 1) + 1, sizeof *m->items);
	for (size_t i = 0; i < n; i++) {
		int keep = 0;
		uint32_t parent;

		/* the groups this node shares with the previous one */
		while (i > 0 && keep < LEVELS && str_cmp(path[keep],
		    s[i].place.level[keep]) == 0)
			keep++;
		for (int l = keep; l < LEVELS; l++) {
			path[l] = s[i].place.level[l];
			if (path[l] == NULL)
				continue;
			parent = group_above(path, gid, l, &depth);
			gid[l] = group_add(m, path[l], parent, depth);
		}
		parent = group_above(path, gid, LEVELS, &depth);
		m->items[m->nitems].index = s[i].node;
		m->items[m->nitems].parent = parent;
		m->items[m->nitems].depth = depth;
		m->nitems++;
	}
	for (size_t i = 0; i < n; i++)
		place_free(&s[i].place);
	free(s);
}

/* Per group: how many of its nodes are in each state. */
static void
recount(struct ui_model *m)
{
	for (size_t g = 0; g < m->ngroups; g++) {
		memset(m->groups[g].count, 0, sizeof m->groups[g].count);
		m->groups[g].total = 0;
	}
	for (size_t i = 0; i < m->inv->count; i++)
		for (uint32_t g = m->items[m->node_item[i]].parent;
		    g != UI_NO_GROUP; g = m->groups[g].parent) {
			m->groups[g].count[m->state[i]]++;
			m->groups[g].total++;
		}
}

static bool
node_passes(const struct ui_model *m, uint32_t node)
{
	const struct node *n = &m->inv->nodes[node];
	const char *site;

	switch (m->filter) {
	case UI_FILTER_FAILED:
		return m->state[node] == UI_NODE_FAILED ||
		    m->state[node] == UI_NODE_SKIPPED ||
		    m->state[node] == UI_NODE_HUNG;
	case UI_FILTER_RUNNING:
		return m->state[node] == UI_NODE_RUNNING ||
		    m->state[node] == UI_NODE_HUNG;
	case UI_FILTER_ROLE:
		return node_has_role(n, m->filter_value);
	case UI_FILTER_SITE:
		site = node_label(n, LABEL_SITE);
		return site != NULL && strcmp(site, m->filter_value) == 0;
	default:
		return true;
	}
}

/* Rebuild the visible lines: what is under a closed group is hidden, and
 * under a filter, so is every group without a node that passes it. The
 * selection stays on its item, or the nearest one before it. */
static void
revisible(struct ui_model *m)
{
	uint32_t keep = m->nvisible > 0 ? m->visible[m->sel] : 0;
	uint32_t *shown = xcalloc(m->ngroups + 1, sizeof *shown);
	int hide_below = -1;

	for (size_t i = 0; i < m->inv->count; i++)
		if (node_passes(m, (uint32_t)i))
			for (uint32_t g = m->items[m->node_item[i]].parent;
			    g != UI_NO_GROUP; g = m->groups[g].parent)
				shown[g]++;
	m->nvisible = 0;
	m->sel = 0;
	for (size_t i = 0; i < m->nitems; i++) {
		const struct ui_item *it = &m->items[i];

		if (hide_below >= 0 && it->depth > hide_below)
			continue;
		hide_below = -1;
		if (it->group ? shown[it->index] == 0 :
		    !node_passes(m, it->index))
			continue;
		if (i <= keep)
			m->sel = m->nvisible;
		m->visible[m->nvisible++] = (uint32_t)i;
		if (it->group && m->groups[it->index].collapsed)
			hide_below = it->depth;
	}
	free(shown);
}

void
ui_model_init(struct ui_model *m, const struct campaign *c,
    const struct inventory *inv, const struct plan *plan)
{
	memset(m, 0, sizeof *m);
	m->c = c;
	m->inv = inv;
	m->plan = plan;
	m->event_node = -1;
	if (plan != NULL) {
		struct plan_phases ph;

		plan_phases(plan, &ph);
		m->expected_ms = ph.total_ms;
	}
	m->state = xcalloc(inv->count + 1, sizeof *m->state);
	m->runs = xcalloc(inv->count + 1, sizeof *m->runs);
	m->node_item = xcalloc(inv->count + 1, sizeof *m->node_item);
	tree_build(m);
	for (size_t i = 0; i < m->nitems; i++)
		if (!m->items[i].group)
			m->node_item[m->items[i].index] = (uint32_t)i;
	m->visible = xcalloc(m->nitems + 1, sizeof *m->visible);
	m->checks = xcalloc(c->nhealth + c->ntests + 1, sizeof *m->checks);
	m->health_failing = xcalloc(inv->count * c->nhealth + 1,
	    sizeof *m->health_failing);
	for (size_t i = 0; i < c->nhealth; i++)
		m->checks[m->nchecks++].name = c->health[i].name;
	for (size_t i = 0; i < c->ntests; i++) {
		m->checks[m->nchecks].post = true;
		m->checks[m->nchecks++].name = c->tests[i].name;
	}
	recount(m);
	revisible(m);
	/* start on the first node, not on a group */
	for (size_t i = 0; i < m->nvisible; i++)
		if (!m->items[m->visible[i]].group) {
			m->sel = i;
			break;
		}
}

void
ui_model_free(struct ui_model *m)
{
	for (size_t g = 0; g < m->ngroups; g++)
		free(m->groups[g].label);
	free(m->groups);
	free(m->items);
	free(m->node_item);
	free(m->visible);
	free(m->state);
	for (size_t i = 0; i < m->inv->count; i++) {
		for (size_t r = 0; r < m->runs[i].count; r++)
			free(m->runs[i].runs[r].step);
		free(m->runs[i].runs);
	}
	free(m->runs);
	free(m->checks);
	free(m->health_failing);
	for (size_t i = 0; i < UI_EVENTS_MAX && i < m->nevents; i++)
		free(m->events[i].text);
	free(m->filter_value);
	free(m->search);
	engine_snapshot_free(&m->snap);
	memset(m, 0, sizeof *m);
}

/* --- what the engine says --------------------------------------------- */

static bool
str_changed(const char *a, const char *b)
{
	return str_cmp(a, b) != 0;
}

unsigned
ui_model_snapshot(struct ui_model *m, struct engine_snapshot *s)
{
	unsigned dirty = UI_DIRTY(HEADER) | UI_DIRTY(FOOTER) |
	    UI_DIRTY(TIMELINE);
	bool states = false;
	long sel = ui_model_selected(m);

	if (m->start_ms == 0)
		m->start_ms = s->now_ms;
	/* the checks' ages move with the clock */
	if (s->now_ms != m->snap.now_ms)
		dirty |= UI_DIRTY(HEALTH);
	for (size_t i = 0; i < s->nnodes && i < m->inv->count; i++) {
		enum ui_node_state st = ui_node_state_of(&s->nodes[i]);

		/* the monitor's line counts the nodes' verdicts */
		if (i >= m->snap.nnodes || str_changed(s->nodes[i].health,
		    m->snap.nodes[i].health))
			dirty |= UI_DIRTY(HEALTH);
		if (st != m->state[i]) {
			m->state[i] = st;
			states = true;
		}
		if ((long)i == sel && (i >= m->snap.nnodes ||
		    str_changed(s->nodes[i].step, m->snap.nodes[i].step) ||
		    str_changed(s->nodes[i].version,
		    m->snap.nodes[i].version) ||
		    str_changed(s->nodes[i].output, m->snap.nodes[i].output) ||
		    str_changed(s->nodes[i].health, m->snap.nodes[i].health) ||
		    s->nodes[i].step != NULL))
			dirty |= UI_DIRTY(NODE);
	}
	if (states) {
		recount(m);
		if (m->filter == UI_FILTER_FAILED ||
		    m->filter == UI_FILTER_RUNNING)
			revisible(m);
		dirty |= UI_DIRTY(TOPOLOGY) | UI_DIRTY(NODE);
	}
	engine_snapshot_free(&m->snap);
	m->snap = *s;
	memset(s, 0, sizeof *s);
	return dirty;
}

static long
node_index(const struct ui_model *m, const char *name)
{
	return name != NULL ? inventory_find(m->inv, name) : -1;
}

static void
event_add(struct ui_model *m, int64_t ts, enum ui_severity sev, long node,
    const char *text)
{
	struct ui_event *e = &m->events[m->nevents % UI_EVENTS_MAX];

	if (m->nevents >= UI_EVENTS_MAX)
		free(e->text);
	e->ts_ms = ts;
	e->sev = sev;
	e->node = node;
	e->text = xstrdup(text);
	m->nevents++;
	/* someone reading back keeps their place */
	if (m->event_back > 0)
		m->event_back++;
}

void
ui_model_note(struct ui_model *m, enum ui_severity sev, int64_t ts_ms,
    const char *text)
{
	event_add(m, ts_ms, sev, -1, text);
}

const char *
ui_severity_name(enum ui_severity s)
{
	return severities[s].name;
}

const char *
ui_severity_symbol(enum ui_severity s, bool utf8)
{
	return symbol(&severities[s], utf8);
}

enum ui_style_id
ui_severity_style(enum ui_severity s)
{
	return severities[s].style;
}

static bool
word_in(const char *w, const char *const *list)
{
	for (; w != NULL && *list != NULL; list++)
		if (strcmp(w, *list) == 0)
			return true;
	return false;
}

static enum ui_severity
state_severity(enum engine_state s)
{
	switch (s) {
	case ENGINE_STATE_ERROR_DETECTED:
	case ENGINE_STATE_ROLLBACK_FAILED:
		return UI_SEV_ERROR;
	case ENGINE_STATE_ROLLING_BACK:
	case ENGINE_STATE_ROLLED_BACK:
	case ENGINE_STATE_ABORTED:
		return UI_SEV_WARN;
	default:
		return UI_SEV_INFO;
	}
}

/* The engine's notes carry the log file's action and result; its
 * notes of a new state are graded as the state itself. */
static enum ui_severity
note_severity(const struct engine_event *ev)
{
	static const char *const failed[] = { "failed", "late", NULL };
	static const char *const refused[] = { "refused", "ignored",
		"warning", "expired", NULL };
	static const char *const pressing[] = { "deny", "fault", "skip",
		"force", NULL };

	if (ev->action != NULL && strcmp(ev->action, "state") == 0)
		return state_severity(ev->state);
	if (word_in(ev->result, failed))
		return UI_SEV_ERROR;
	if (word_in(ev->result, refused) || word_in(ev->action, pressing))
		return UI_SEV_WARN;
	return UI_SEV_INFO;
}

enum ui_severity
ui_event_severity(const struct engine_event *ev)
{
	switch (ev->type) {
	case ENGINE_EVENT_STEP_STARTED:
		/* the engine's word for a retry */
		return ev->text && strstr(ev->text, "(again)") ? UI_SEV_WARN :
		    UI_SEV_INFO;
	case ENGINE_EVENT_STEP_FINISHED:
		return ev->status == STEP_STATUS_OK ? UI_SEV_INFO :
		    ev->status == STEP_STATUS_SKIPPED ? UI_SEV_WARN :
		    UI_SEV_ERROR;
	case ENGINE_EVENT_WAITING:
		return ev->wait.reason == WAIT_HUNG ? UI_SEV_ERROR :
		    ev->wait.reason == WAIT_CONSTRAINT ||
		    ev->wait.reason == WAIT_WINDOW ? UI_SEV_WARN : UI_SEV_INFO;
	case ENGINE_EVENT_STATE:
	case ENGINE_EVENT_FINISHED:
		return state_severity(ev->state);
	case ENGINE_EVENT_NODE:
		return ev->text && strstr(ev->text, ": failed") ?
		    UI_SEV_ERROR : UI_SEV_INFO;
	case ENGINE_EVENT_LOG:
		return note_severity(ev);
	case ENGINE_EVENT_APPROVAL:
		/* trusting a node is worth a second look; no step failed */
		return ev->approval.kind == APPROVAL_HOSTKEY ? UI_SEV_WARN :
		    UI_SEV_INFO;
	case ENGINE_EVENT_HEALTH:
		/* failing: as its on_failure makes it, in the result */
		return ev->healthy ? UI_SEV_INFO : note_severity(ev);
	default:
		return UI_SEV_INFO;
	}
}

/* The step's run on the node that has not ended, or NULL. */
static struct ui_step_run *
run_open(struct ui_model *m, long node, const char *step, bool undo)
{
	struct ui_node_runs *r = &m->runs[node];

	for (size_t i = r->count; i > 0; i--)
		if (r->runs[i - 1].end_ms == 0 && r->runs[i - 1].undo == undo &&
		    strcmp(r->runs[i - 1].step, step) == 0)
			return &r->runs[i - 1];
	return NULL;
}

/* A step runs once at a time on a node: one still open was never sent
 * (its node's host key became a question) and starts again now. */
static struct ui_step_run *
run_started(struct ui_model *m, long node, const char *step, bool undo,
    int64_t ts)
{
	struct ui_node_runs *r = &m->runs[node];
	struct ui_step_run *run = run_open(m, node, step, undo);

	if (run == NULL) {
		r->runs = xreallocarray(r->runs, r->count + 1,
		    sizeof *r->runs);
		run = &r->runs[r->count++];
		run->step = xstrdup(step);
		run->undo = undo;
		run->end_ms = 0;
		run->status = STEP_STATUS_INTENT;
	}
	run->start_ms = ts;
	return run;
}

static void
run_finished(struct ui_model *m, long node, const char *step, bool undo,
    enum step_status st, int64_t ts)
{
	struct ui_step_run *run = run_open(m, node, step, undo);

	if (run == NULL)
		run = run_started(m, node, step, undo, ts);
	run->end_ms = ts > run->start_ms ? ts : run->start_ms + 1;
	run->status = st;
}

/* A host-key question about the node: the step that met the key never
 * ran, it waits for the answer. */
static void
run_withdrawn(struct ui_model *m, long node, const char *step, bool undo)
{
	struct ui_node_runs *r = &m->runs[node];
	struct ui_step_run *run = run_open(m, node, step, undo);

	if (run == NULL)
		return;
	free(run->step);
	memmove(run, run + 1, (size_t)(&r->runs[r->count] - (run + 1)) *
	    sizeof *run);
	r->count--;
}

static bool
check_result(struct ui_model *m, long node, const char *step,
    enum step_status st, int64_t ts)
{
	for (size_t i = 0; i < m->nchecks; i++) {
		struct ui_check *k = &m->checks[i];

		if (strcmp(k->name, step) != 0)
			continue;
		if (st == STEP_STATUS_OK)
			k->ok++;
		else
			k->failed++;
		k->last_ms = ts;
		k->last_node = node;
		return true;
	}
	return false;
}

/* The monitor's last word on a check of a node, NULL when the event
 * names no node or no health check of the campaign. */
static bool *
health_failing(const struct ui_model *m, long node, const char *check)
{
	for (size_t i = 0; node >= 0 && check != NULL && i < m->c->nhealth;
	    i++)
		if (strcmp(m->c->health[i].name, check) == 0)
			return &m->health_failing[(size_t)node *
			    m->c->nhealth + i];
	return NULL;
}

/* The monitor tells a check's first result on a node and its changes,
 * none of them a step: no timeline run, no count in Health (the node's
 * health is in the snapshot). A first healthy result is no news, and
 * at the first tick every node has one. */
static unsigned
health_event(struct ui_model *m, const struct engine_event *ev, long node)
{
	bool *failing = health_failing(m, node, ev->step);
	bool news = !ev->healthy || failing == NULL || *failing;

	if (failing != NULL)
		*failing = !ev->healthy;
	if (!news)
		return 0;
	event_add(m, ev->ts_ms, ui_event_severity(ev), node,
	    ev->text ? ev->text : "");
	return UI_DIRTY(EVENTS) | (node >= 0 && node == ui_model_selected(m) ?
	    UI_DIRTY(NODE) : 0);
}

unsigned
ui_model_event(struct ui_model *m, const struct engine_event *ev)
{
	unsigned dirty = UI_DIRTY(EVENTS);
	long node = node_index(m, ev->node);
	/* the engine's steps in the rollback phase are undo steps */
	bool undo = ev->phase == ENGINE_PHASE_ROLLBACK;

	if (ev->type == ENGINE_EVENT_HEALTH)
		return health_event(m, ev, node);
	event_add(m, ev->ts_ms, ui_event_severity(ev), node,
	    ev->text ? ev->text : "");
	if (ev->type == ENGINE_EVENT_PHASE && m->phase_ms[ev->phase] == 0)
		m->phase_ms[ev->phase] = ev->ts_ms;
	if (node >= 0 && ev->type == ENGINE_EVENT_APPROVAL &&
	    ev->approval.kind == APPROVAL_HOSTKEY && ev->approval.object) {
		run_withdrawn(m, node, ev->approval.object, undo);
		dirty |= UI_DIRTY(TIMELINE);
	}
	if (node >= 0 && ev->step != NULL &&
	    ev->type == ENGINE_EVENT_STEP_STARTED) {
		run_started(m, node, ev->step, undo, ev->ts_ms);
		dirty |= UI_DIRTY(TIMELINE);
	}
	if (ev->step != NULL && ev->type == ENGINE_EVENT_STEP_FINISHED) {
		if (node >= 0)
			run_finished(m, node, ev->step, undo, ev->status,
			    ev->ts_ms);
		if (!undo && check_result(m, node, ev->step, ev->status,
		    ev->ts_ms))
			dirty |= UI_DIRTY(HEALTH);
		dirty |= UI_DIRTY(TIMELINE);
	}
	if (node >= 0 && node == ui_model_selected(m))
		dirty |= UI_DIRTY(NODE);
	return dirty;
}

void
ui_model_history(struct ui_model *m, const char *node, const char *step,
    bool undo, int64_t start_ms, int64_t end_ms, enum step_status st)
{
	long n = node_index(m, node);

	if (n < 0)
		return;
	run_started(m, n, step, undo, start_ms);
	if (end_ms > 0) {
		run_finished(m, n, step, undo, st, end_ms);
		if (!undo)
			check_result(m, n, step, st, end_ms);
	}
}

/* --- moving around ---------------------------------------------------- */

long
ui_model_selected(const struct ui_model *m)
{
	const struct ui_item *it;

	if (m->nvisible == 0)
		return -1;
	it = &m->items[m->visible[m->sel]];
	return it->group ? -1 : (long)it->index;
}

void
ui_model_select(struct ui_model *m, uint32_t node)
{
	uint32_t item = m->node_item[node];

	if (!node_passes(m, node))
		ui_model_set_filter(m, UI_FILTER_ALL, NULL);
	for (uint32_t g = m->items[item].parent; g != UI_NO_GROUP;
	    g = m->groups[g].parent)
		m->groups[g].collapsed = false;
	revisible(m);
	for (size_t i = 0; i < m->nvisible; i++)
		if (m->visible[i] == item)
			m->sel = i;
}

void
ui_model_move(struct ui_model *m, long delta)
{
	long s = (long)m->sel + delta;

	if (m->nvisible == 0)
		return;
	if (s < 0)
		s = 0;
	if (s >= (long)m->nvisible)
		s = (long)m->nvisible - 1;
	m->sel = (size_t)s;
}

bool
ui_model_toggle(struct ui_model *m, bool open)
{
	const struct ui_item *it;

	if (m->nvisible == 0)
		return false;
	it = &m->items[m->visible[m->sel]];
	if (!it->group) {
		/* closing from a node closes its group */
		if (open || it->parent == UI_NO_GROUP)
			return false;
		m->groups[it->parent].collapsed = true;
		revisible(m);
		return true;
	}
	m->groups[it->index].collapsed = !open;
	revisible(m);
	return true;
}

bool
ui_model_search(struct ui_model *m, const char *text, int dir)
{
	size_t n = m->nitems, at;
	long cur = m->nvisible > 0 ? (long)m->visible[m->sel] : 0;

	if (text == NULL || *text == '\0' || n == 0)
		return false;
	for (size_t k = 1; k <= n; k++) {
		const struct ui_item *it;

		at = (size_t)(((long)n + cur + dir * (long)k) % (long)n);
		it = &m->items[at];
		if (!it->group && strstr(m->inv->nodes[it->index].name,
		    text) != NULL) {
			ui_model_select(m, it->index);
			return true;
		}
	}
	return false;
}

void
ui_model_set_filter(struct ui_model *m, enum ui_filter f, const char *value)
{
	m->filter = f;
	free(m->filter_value);
	m->filter_value = value ? xstrdup(value) : NULL;
	revisible(m);
}

void
ui_model_scroll(struct ui_model *m, int height)
{
	if (height < 1)
		height = 1;
	if (m->sel < m->top)
		m->top = m->sel;
	if (m->sel >= m->top + (size_t)height)
		m->top = m->sel - (size_t)height + 1;
	if (m->top > 0 && m->top + (size_t)height > m->nvisible)
		m->top = m->nvisible > (size_t)height ?
		    m->nvisible - (size_t)height : 0;
}

/* --- the event log ---------------------------------------------------- */

static bool
event_shown(const struct ui_model *m, const struct ui_event *e)
{
	return e->sev >= m->event_min &&
	    (m->event_node < 0 || e->node == m->event_node);
}

const struct ui_event *
ui_model_event_back(const struct ui_model *m, size_t n)
{
	size_t kept = m->nevents < UI_EVENTS_MAX ? m->nevents : UI_EVENTS_MAX;

	for (size_t k = 0; k < kept; k++) {
		const struct ui_event *e =
		    &m->events[(m->nevents - 1 - k) % UI_EVENTS_MAX];

		if (event_shown(m, e) && n-- == 0)
			return e;
	}
	return NULL;
}

size_t
ui_model_events_shown(const struct ui_model *m)
{
	size_t kept = m->nevents < UI_EVENTS_MAX ? m->nevents : UI_EVENTS_MAX;
	size_t shown = 0;

	for (size_t k = 0; k < kept; k++)
		shown += event_shown(m, &m->events[k]);
	return shown;
}
