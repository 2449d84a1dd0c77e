/*
 * The simulated cluster. Its nodes and every action it ever started
 * live in DIR/sim.db; an action takes effect on the node when it
 * completes, exactly once, whether or not the controller is alive to
 * see it (a crash leaves it to be resolved when the cluster is opened
 * again, as a real node would have finished the command alone).
 */
#include "config.h"

#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "escalator/sim.h"
#include "escalator/util.h"

enum planned {
	PLANNED_OK,
	PLANNED_FAIL,
	PLANNED_HANG,
};

struct sim_node {
	char	*version;
	bool	 alive;
	bool	 maintenance;
};

struct flight {
	uint64_t		 id;
	uint32_t		 node;
	enum transport_kind	 kind;
	enum planned		 planned;
	bool			 undo;
	bool			 sets_version;
	char			*item;
	int64_t			 end_ms;
	char			 output[160];
};

struct sim {
	struct transport	 base;
	const struct campaign	*campaign;
	const struct inventory	*inventory;
	struct clock		*clock;
	sqlite3			*db;
	uint64_t		 seed;
	struct sim_fault	*faults;
	size_t			 nfaults;
	struct sim_node		*nodes;
	struct flight		*flights;
	size_t			 nflights;
};

static const char *const sim_schema =
	"CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);"
	"CREATE TABLE IF NOT EXISTS node (name TEXT PRIMARY KEY,"
	" version TEXT, alive INTEGER, maintenance INTEGER);"
	"CREATE TABLE IF NOT EXISTS action (id INTEGER PRIMARY KEY,"
	" node TEXT, name TEXT, kind INTEGER, undo INTEGER,"
	" sets_version INTEGER, item TEXT, planned INTEGER, state TEXT,"
	" start_ms INTEGER, end_ms INTEGER, output TEXT);"
	"CREATE TABLE IF NOT EXISTS fault_hit (fault INTEGER, node TEXT,"
	" hits INTEGER, PRIMARY KEY (fault, node));"
	"CREATE TABLE IF NOT EXISTS backup (node TEXT, item TEXT,"
	" PRIMARY KEY (node, item));";

/* --- SQLite helpers ---------------------------------------------------- */

static int
sql_exec(sqlite3 *db, const char *sql, char **err)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	if (err != NULL)
		*err = xasprintf("sim.db: %s", sqlite3_errmsg(db));
	return -1;
}

/* Run one statement with text/int64 arguments: 's' and 'i' in types. */
static int
sql_run(sqlite3 *db, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc, i = 1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	va_start(ap, types);
	for (const char *t = types; *t != '\0'; t++, i++)
		if (*t == 's')
			sqlite3_bind_text(st, i, va_arg(ap, const char *), -1,
			    SQLITE_TRANSIENT);
		else
			sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
	va_end(ap);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static sqlite3 *
sim_db_open(const char *state_dir, bool create, char **err)
{
	char *path = xasprintf("%s/%s", state_dir, SIM_FILE);
	sqlite3 *db = NULL;
	int fd;

	if (create) {
		/* Created 0600 before SQLite sees it: it names nodes. */
		if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
			*err = xasprintf("%s: cannot create", path);
			free(path);
			return NULL;
		}
		close(fd);
	}
	if (sqlite3_open_v2(path, &db, create ? SQLITE_OPEN_READWRITE :
	    SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		*err = xasprintf("%s: %s", path, db ? sqlite3_errmsg(db) :
		    "cannot open");
		sqlite3_close(db);
		free(path);
		return NULL;
	}
	free(path);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

/* --- deterministic chance ---------------------------------------------- */

static uint64_t
mix(uint64_t h, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	h ^= h >> 31;
	h *= 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

/* A number fixed by the seed and what the action is, not by the order
 * things happen in: a resumed run draws the same as an unbroken one. */
static uint64_t
draw(const struct sim *s, const struct transport_action *a, uint64_t salt)
{
	uint64_t h = s->seed * 0x9e3779b97f4a7c15ULL + salt;

	h = mix(h, s->inventory->nodes[a->node].name);
	h = mix(h, a->name);
	return mix(h + (uint64_t)a->attempt * 2 + a->undo, "");
}

/* --- faults ------------------------------------------------------------ */

static int
fault_hits(struct sim *s, size_t f, const char *node)
{
	sqlite3_stmt *st;
	int hits = 0;

	if (sqlite3_prepare_v2(s->db, "SELECT hits FROM fault_hit WHERE "
	    "fault = ? AND node = ?", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, (int64_t)f);
	sqlite3_bind_text(st, 2, node, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		hits = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return hits;
}

static bool
fault_targets(const struct sim_fault *f, const struct transport_action *a,
    const char *node)
{
	if (f->node != NULL && strcmp(f->node, node) != 0)
		return false;
	if (f->step != NULL && (a->name == NULL || strcmp(f->step, a->name)))
		return false;
	switch (f->kind) {
	case SIM_FAULT_FLAP:
		return a->kind == TRANSPORT_HEALTH;
	case SIM_FAULT_VNFM_DENY:
		return a->kind == TRANSPORT_VNFM;
	case SIM_FAULT_ALARM:
		return a->kind == TRANSPORT_ALARMS;
	case SIM_FAULT_DIE:
		return f->step != NULL || a->kind == TRANSPORT_RUN;
	case SIM_FAULT_UNKNOWN:
		return false;	/* only probe() asks about it */
	default:
		return true;
	}
}

/* The first fault that fires for this action, counted; -1 for none. */
static long
fault_fire(struct sim *s, const struct transport_action *a)
{
	const char *node = s->inventory->nodes[a->node].name;

	for (size_t i = 0; i < s->nfaults; i++) {
		const struct sim_fault *f = &s->faults[i];
		int hits;

		if (!fault_targets(f, a, node))
			continue;
		if (f->percent < 100 && draw(s, a, i + 1) % 100 >=
		    (uint64_t)f->percent)
			continue;
		hits = fault_hits(s, i, node);
		if (f->times > 0 && hits >= f->times)
			continue;
		sql_run(s->db, "INSERT OR REPLACE INTO fault_hit VALUES "
		    "(?, ?, ?)", "isi", (int64_t)i, node, (int64_t)hits + 1);
		return (long)i;
	}
	return -1;
}

/* --- the nodes --------------------------------------------------------- */

static void
node_save(struct sim *s, uint32_t i)
{
	const struct sim_node *n = &s->nodes[i];

	sql_run(s->db, "INSERT OR REPLACE INTO node VALUES (?, ?, ?, ?)",
	    "ssii", s->inventory->nodes[i].name, n->version,
	    (int64_t)n->alive, (int64_t)n->maintenance);
}

static int
nodes_load(struct sim *s)
{
	const struct inventory *inv = s->inventory;
	sqlite3_stmt *st;

	s->nodes = xcalloc(inv->count, sizeof *s->nodes);
	if (sqlite3_prepare_v2(s->db, "SELECT version, alive, maintenance "
	    "FROM node WHERE name = ?", -1, &st, NULL) != SQLITE_OK)
		return -1;
	for (size_t i = 0; i < inv->count; i++) {
		struct sim_node *n = &s->nodes[i];
		const char *v;

		sqlite3_bind_text(st, 1, inv->nodes[i].name, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			v = (const char *)sqlite3_column_text(st, 0);
			n->version = xstrdup(v ? v : "");
			n->alive = sqlite3_column_int(st, 1);
			n->maintenance = sqlite3_column_int(st, 2);
		} else {
			v = inv->nodes[i].version ? inv->nodes[i].version :
			    s->campaign->from_version;
			n->version = xstrdup(v ? v : "unknown");
			n->alive = true;
			node_save(s, (uint32_t)i);
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return 0;
}

/* What a completed action changes on its node. */
static void
effect_apply(struct sim *s, uint32_t node, enum transport_kind kind,
    bool undo, bool sets_version, const char *item)
{
	struct sim_node *n = &s->nodes[node];
	const char *v;

	switch (kind) {
	case TRANSPORT_RUN:
		if (!sets_version)
			return;
		v = undo ? s->campaign->from_version : s->campaign->to_version;
		free(n->version);
		n->version = xstrdup(v ? v : "unknown");
		break;
	case TRANSPORT_MAINTENANCE_ON:
	case TRANSPORT_MAINTENANCE_OFF:
		n->maintenance = (kind == TRANSPORT_MAINTENANCE_ON) != undo;
		break;
	case TRANSPORT_BACKUP:
		sql_run(s->db, "INSERT OR IGNORE INTO backup VALUES (?, ?)",
		    "ss", s->inventory->nodes[node].name, item ? item : "");
		return;
	default:
		return;
	}
	node_save(s, node);
}

static void
clock_save(struct sim *s)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%lld", (long long)clock_now(s->clock));
	sql_run(s->db, "INSERT OR REPLACE INTO meta VALUES ('clock_ms', ?)",
	    "s", buf);
}

/* --- starting an action ------------------------------------------------ */

static bool
has_backup(struct sim *s, uint32_t node, const char *item)
{
	sqlite3_stmt *st;
	bool found = false;

	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM backup WHERE node = ? "
	    "AND item = ?", -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, s->inventory->nodes[node].name, -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 2, item ? item : "", -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

static int64_t
duration(const struct sim *s, const struct transport_action *a)
{
	int64_t ms = 1000;

	if (a->step != NULL && a->step->expected_ms > 0)
		ms = a->step->expected_ms;
	else if (a->step != NULL && a->step->timeout_ms > 0)
		ms = a->step->timeout_ms / 2;
	if (a->kind == TRANSPORT_WAIT)
		return ms;
	/* +-10%: nodes of a batch do not all finish on the same tick. */
	return ms - ms / 10 + (int64_t)(draw(s, a, 0) % (uint64_t)(ms / 5 + 1));
}

static void
plan_outcome(struct sim *s, const struct transport_action *a,
    struct flight *f)
{
	struct sim_node *n = &s->nodes[a->node];
	long fault;

	f->planned = PLANNED_OK;
	snprintf(f->output, sizeof f->output, "%s: ok",
	    transport_kind_name(a->kind));
	if (!n->alive) {
		f->planned = PLANNED_FAIL;
		f->end_ms = clock_now(s->clock) + 5000;
		snprintf(f->output, sizeof f->output, "node unreachable");
		return;
	}
	if (a->kind == TRANSPORT_RESTORE && !has_backup(s, a->node, a->item)) {
		f->planned = PLANNED_FAIL;
		snprintf(f->output, sizeof f->output, "no backup of %s",
		    a->name);
		return;
	}
	if ((fault = fault_fire(s, a)) == -1)
		return;
	switch (s->faults[fault].kind) {
	case SIM_FAULT_HANG:
		f->planned = PLANNED_HANG;
		snprintf(f->output, sizeof f->output, "no answer");
		return;
	case SIM_FAULT_DIE:
		n->alive = false;
		node_save(s, a->node);
		snprintf(f->output, sizeof f->output, "node died");
		break;
	case SIM_FAULT_FLAP:
		snprintf(f->output, sizeof f->output, "health check failed");
		break;
	case SIM_FAULT_VNFM_DENY:
		snprintf(f->output, sizeof f->output,
		    "VNF manager refused to release the node's VNFs");
		break;
	case SIM_FAULT_ALARM:
		snprintf(f->output, sizeof f->output, "1 active alarm");
		break;
	default:
		snprintf(f->output, sizeof f->output, "exit status 1 "
		    "(injected fault)");
		break;
	}
	f->planned = PLANNED_FAIL;
}

static int
sim_start(struct transport *t, const struct transport_action *a, char **err)
{
	struct sim *s = (struct sim *)t;
	struct flight *f;
	int64_t now = clock_now(s->clock);

	if (a->node >= s->inventory->count) {
		*err = xasprintf("no node %u in the simulated cluster",
		    a->node);
		return -1;
	}
	s->flights = xreallocarray(s->flights, s->nflights + 1,
	    sizeof *s->flights);
	f = &s->flights[s->nflights++];
	memset(f, 0, sizeof *f);
	f->id = a->id;
	f->node = a->node;
	f->kind = a->kind;
	f->undo = a->undo;
	f->sets_version = a->step != NULL && a->step->sets_version;
	f->item = a->item ? xstrdup(a->item) : NULL;
	f->end_ms = now + duration(s, a);
	sql_exec(s->db, "BEGIN", NULL);
	plan_outcome(s, a, f);
	sql_run(s->db, "INSERT OR REPLACE INTO action VALUES (?, ?, ?, ?, ?, "
	    "?, ?, ?, 'running', ?, ?, ?)", "issiiisiiis", (int64_t)a->id,
	    s->inventory->nodes[a->node].name, a->name ? a->name : "",
	    (int64_t)a->kind, (int64_t)a->undo, (int64_t)f->sets_version,
	    a->item ? a->item : "", (int64_t)f->planned, now, f->end_ms,
	    f->output);
	clock_save(s);
	return sql_exec(s->db, "COMMIT", err);
}

/* --- completing actions ------------------------------------------------ */

static void
flight_remove(struct sim *s, size_t i)
{
	free(s->flights[i].item);
	s->flights[i] = s->flights[--s->nflights];
}

static void
flight_complete(struct sim *s, size_t i, struct transport_result *r)
{
	struct flight *f = &s->flights[i];
	bool ok = f->planned == PLANNED_OK;

	sql_exec(s->db, "BEGIN", NULL);
	if (ok)
		effect_apply(s, f->node, f->kind, f->undo, f->sets_version,
		    f->item);
	sql_run(s->db, "UPDATE action SET state = ? WHERE id = ?", "si",
	    ok ? "done" : "failed", (int64_t)f->id);
	clock_save(s);
	sql_exec(s->db, "COMMIT", NULL);
	memset(r, 0, sizeof *r);
	r->id = f->id;
	r->status = ok ? TRANSPORT_OK : TRANSPORT_FAILED;
	r->exit_code = ok ? 0 : (s->nodes[f->node].alive ? 1 : 255);
	r->ended_ms = f->end_ms;
	snprintf(r->output, sizeof r->output, "%s", f->output);
	flight_remove(s, i);
}

/* The flight that ends first (ties: lowest id), or -1. */
static long
flight_next(const struct sim *s)
{
	long best = -1;

	for (size_t i = 0; i < s->nflights; i++) {
		const struct flight *f = &s->flights[i];

		if (f->planned == PLANNED_HANG)
			continue;
		if (best == -1 || f->end_ms < s->flights[best].end_ms ||
		    (f->end_ms == s->flights[best].end_ms &&
		    f->id < s->flights[best].id))
			best = (long)i;
	}
	return best;
}

static int
complete_due(struct sim *s, struct transport_result *out, size_t max)
{
	size_t n = 0;
	long i;

	while (n < max && (i = flight_next(s)) != -1 &&
	    s->flights[i].end_ms <= clock_now(s->clock))
		flight_complete(s, (size_t)i, &out[n++]);
	return (int)n;
}

static bool
readable(int fd, int timeout)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return fd >= 0 && poll(&p, 1, timeout) > 0;
}

static int
sim_wait(struct transport *t, int64_t deadline, int wake_fd,
    struct transport_result *out, size_t max)
{
	struct sim *s = (struct sim *)t;
	long next;
	int64_t until;
	int n;

	if ((n = complete_due(s, out, max)) > 0 ||
	    clock_now(s->clock) >= deadline)
		return n;
	next = flight_next(s);
	until = next == -1 ? deadline :
	    (s->flights[next].end_ms < deadline ? s->flights[next].end_ms :
	    deadline);
	if (clock_virtual(s->clock)) {
		/* Nothing happens in virtual time until the next event, but
		 * a command from the operator comes first. */
		if (readable(wake_fd, until == CLOCK_NEVER ? -1 : 0))
			return 0;
		clock_advance(s->clock, until);
	} else
		readable(wake_fd, clock_sleep_ms(s->clock, until));
	return complete_due(s, out, max);
}

static void
sim_cancel(struct transport *t, uint64_t id)
{
	struct sim *s = (struct sim *)t;

	for (size_t i = 0; i < s->nflights; i++)
		if (s->flights[i].id == id) {
			sql_run(s->db, "UPDATE action SET state = 'cancelled' "
			    "WHERE id = ?", "i", (int64_t)id);
			flight_remove(s, i);
			return;
		}
}

static enum transport_probe
sim_probe(struct transport *t, const struct transport_action *a)
{
	struct sim *s = (struct sim *)t;
	const char *node = s->inventory->nodes[a->node].name;
	enum transport_probe p = PROBE_NOT_DONE;
	sqlite3_stmt *st;
	const char *state;

	for (size_t i = 0; i < s->nfaults; i++)
		if (s->faults[i].kind == SIM_FAULT_UNKNOWN &&
		    (s->faults[i].node == NULL ||
		    strcmp(s->faults[i].node, node) == 0) &&
		    a->name != NULL && strcmp(s->faults[i].step, a->name) == 0)
			return PROBE_UNKNOWN;
	if (sqlite3_prepare_v2(s->db, "SELECT state FROM action WHERE id = ?",
	    -1, &st, NULL) != SQLITE_OK)
		return PROBE_UNKNOWN;
	sqlite3_bind_int64(st, 1, (int64_t)a->id);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (state = (const char *)sqlite3_column_text(st, 0)) != NULL) {
		if (strcmp(state, "done") == 0)
			p = PROBE_DONE;
		else if (strcmp(state, "running") == 0)
			p = PROBE_UNKNOWN;	/* still hung */
	}
	sqlite3_finalize(st);
	return p;
}

/* Actions the controller never saw end: the node finished them anyway
 * (a hung one is still hanging). */
static void
resolve_interrupted(struct sim *s)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(s->db, "SELECT id, node, kind, undo, "
	    "sets_version, item, planned FROM action WHERE state = "
	    "'running' AND planned <> ?", -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int(st, 1, PLANNED_HANG);
	sql_exec(s->db, "BEGIN", NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		long node = inventory_find(s->inventory,
		    (const char *)sqlite3_column_text(st, 1));
		bool ok = sqlite3_column_int(st, 6) == PLANNED_OK;

		if (ok && node >= 0)
			effect_apply(s, (uint32_t)node,
			    (enum transport_kind)sqlite3_column_int(st, 2),
			    sqlite3_column_int(st, 3), sqlite3_column_int(st, 4),
			    (const char *)sqlite3_column_text(st, 5));
		sql_run(s->db, "UPDATE action SET state = ? WHERE id = ?", "si",
		    ok ? "done" : "failed", sqlite3_column_int64(st, 0));
	}
	sqlite3_finalize(st);
	sql_exec(s->db, "COMMIT", NULL);
}

static void
sim_destroy(struct transport *t)
{
	struct sim *s = (struct sim *)t;

	if (s == NULL)
		return;
	while (s->nflights > 0)
		flight_remove(s, 0);
	free(s->flights);
	for (size_t i = 0; s->nodes != NULL && i < s->inventory->count; i++)
		free(s->nodes[i].version);
	free(s->nodes);
	for (size_t i = 0; i < s->nfaults; i++)
		sim_fault_free(&s->faults[i]);
	free(s->faults);
	sqlite3_close(s->db);
	free(s);
}

static const struct transport_ops sim_ops = {
	.name = "sim",
	.start = sim_start,
	.cancel = sim_cancel,
	.wait = sim_wait,
	.probe = sim_probe,
	.destroy = sim_destroy,
};

static int
faults_add(struct sim *s, const struct strv *specs, char **err)
{
	for (size_t i = 0; specs != NULL && i < specs->count; i++) {
		s->faults = xreallocarray(s->faults, s->nfaults + 1,
		    sizeof *s->faults);
		if (sim_fault_parse(specs->items[i], &s->faults[s->nfaults],
		    err) == -1)
			return -1;
		s->nfaults++;
	}
	return 0;
}

int
sim_inject(struct transport *t, const char *spec, char **err)
{
	struct strv one = { (char **)&spec, 1 };

	if (t->ops != &sim_ops) {
		*err = xasprintf("faults go to the simulator, not to %s",
		    t->ops->name);
		return -1;
	}
	return faults_add((struct sim *)t, &one, err);
}

struct transport *
sim_open(const struct sim_config *cfg, char **err)
{
	struct sim *s = xcalloc(1, sizeof *s);

	s->base.ops = &sim_ops;
	s->campaign = cfg->campaign;
	s->inventory = cfg->inventory;
	s->clock = cfg->clock;
	s->seed = cfg->seed;
	if (faults_add(s, &cfg->campaign->sim_faults, err) == -1 ||
	    faults_add(s, cfg->faults, err) == -1 ||
	    (s->db = sim_db_open(cfg->state_dir, true, err)) == NULL ||
	    sql_exec(s->db, "PRAGMA journal_mode = WAL;"
	    /* Surviving the controller's death is the point, not a power
	     * cut: the OS keeps what was written without an fsync. */
	    "PRAGMA synchronous = NORMAL;", err) == -1 ||
	    sql_exec(s->db, sim_schema, err) == -1 || nodes_load(s) == -1) {
		sim_destroy(&s->base);
		return NULL;
	}
	resolve_interrupted(s);
	return &s->base;
}

/* --- reading a cluster's record ------------------------------------------ */

int
sim_saved_clock(const char *state_dir, int64_t *ms)
{
	char *path = xasprintf("%s/%s", state_dir, SIM_FILE), *err = NULL;
	sqlite3 *db;
	sqlite3_stmt *st;
	int rc = 1;

	if (access(path, F_OK) == -1) {
		free(path);
		return 1;
	}
	free(path);
	if ((db = sim_db_open(state_dir, false, &err)) == NULL) {
		free(err);
		return -1;
	}
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = "
	    "'clock_ms'", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			*ms = sqlite3_column_int64(st, 0);
			rc = 0;
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return rc;
}

int
sim_history(const char *state_dir, struct sim_exec **out, size_t *count,
    char **err)
{
	sqlite3 *db = sim_db_open(state_dir, false, err);
	sqlite3_stmt *st;

	*out = NULL;
	*count = 0;
	if (db == NULL)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT node, name, undo, state FROM "
	    "action ORDER BY id", -1, &st, NULL) != SQLITE_OK) {
		*err = xasprintf("sim.db: %s", sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct sim_exec *e;

		*out = xreallocarray(*out, *count + 1, sizeof **out);
		e = &(*out)[(*count)++];
		e->node = xstrdup((const char *)sqlite3_column_text(st, 0));
		e->name = xstrdup((const char *)sqlite3_column_text(st, 1));
		e->undo = sqlite3_column_int(st, 2);
		e->state = xstrdup((const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return 0;
}

void
sim_history_free(struct sim_exec *e, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(e[i].node);
		free(e[i].name);
		free(e[i].state);
	}
	free(e);
}

char *
sim_node_version(const char *state_dir, const char *node)
{
	char *err = NULL, *v = NULL;
	sqlite3 *db = sim_db_open(state_dir, false, &err);
	sqlite3_stmt *st;

	free(err);
	if (db == NULL)
		return NULL;
	if (sqlite3_prepare_v2(db, "SELECT version FROM node WHERE name = ?",
	    -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, node, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_text(st, 0) != NULL)
			v = xstrdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return v;
}
