/*
 * The health monitor: on the simulator in virtual time, its checks run
 * on every tick on the nodes that should be up and a failure suspends
 * the campaign or is only logged; with the SSH transport's HTTP prober
 * against real servers, every node's probe is out at once, and the
 * engine tells a node's health (events, journal, log file) only when it
 * changes, however many ticks it stays the same.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "escalator/campaign.h"
#include "escalator/engine.h"
#include "escalator/inventory.h"
#include "escalator/journal.h"
#include "escalator/log.h"
#include "escalator/sim.h"
#include "escalator/ssh_transport.h"
#include "escalator/util.h"
#include "net_util.h"
#include "campaign_util.h"
#include "engine_util.h"
#include "tmpdir.h"

#define INTERVAL_MS	10000

struct fixture {
	char			*dir;
	struct campaign		 c;
	struct inventory	 inv;
	const char		*fault;		/* injected entering execution */
	bool			 defer_commit;	/* suspend at the commit boundary */
	bool			 suspended;
	bool			 warned;	/* a check was found failing */
	char			*warned_node;
	char			*warned_result;	/* its result: as on_failure */
	size_t			 health[8];	/* health events per node */
	size_t			 failing[8];	/* ... of a failing check */
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);

	if (tu_testbed(&f->dir, &f->c, &f->inv) == -1)
		return -1;
	/* monitor = { interval = "10s"; checks = [ "ping" ]; } */
	f->c.monitor.enabled = true;
	f->c.monitor.interval_ms = INTERVAL_MS;
	f->c.monitor.checks = xcalloc(1, sizeof *f->c.monitor.checks);
	f->c.monitor.nchecks = 1;
	f->c.monitor.on_failure = ON_FAILURE_PAUSE;
	*state = f;
	return 0;
}

static void
fixture_clear(struct fixture *f)
{
	tu_testbed_free(f->dir, &f->c, &f->inv);
	free(f->warned_node);
	free(f->warned_result);
}

static int
teardown(void **state)
{
	fixture_clear(*state);
	free(*state);
	return 0;
}

static struct engine *
start(struct fixture *f, bool resume)
{
	struct engine_config cfg = {
		.campaign = &f->c,
		.inventory = &f->inv,
		.state_dir = f->dir,
		.operator = "alice",
		.resume = resume,
		.clock_mode = CLOCK_MODE_VIRTUAL,
		.speed = 1,
		.seed = 1,
	};

	return te_start(&cfg);
}

static void
health_seen(struct fixture *f, const struct engine_event *ev)
{
	long n = inventory_find(&f->inv, ev->node);

	assert_true(n >= 0 && (size_t)n < sizeof f->health /
	    sizeof *f->health);
	assert_string_equal(ev->action, "monitor");
	f->health[n]++;
	if (ev->healthy)
		return;
	f->failing[n]++;
	if (!f->warned) {
		f->warned = true;
		f->warned_node = xstrdup(ev->node);
		f->warned_result = xstrdup(ev->result);
	}
}

/* Every question is approved; the fault goes in, while the clock holds
 * still, just before the execution phase. */
static void
seen(void *arg, struct engine *e, const struct engine_event *ev)
{
	struct fixture *f = arg;
	struct engine_command cmd = { .operator = "alice" };

	if (ev->type == ENGINE_EVENT_APPROVAL) {
		if (f->fault != NULL && ev->approval.kind == APPROVAL_PHASE &&
		    strcmp(ev->approval.object, "execution") == 0) {
			cmd.type = ENGINE_CMD_FAULT;
			cmd.fault = f->fault;
			engine_command(e, &cmd);
		}
		cmd.type = f->defer_commit && ev->approval.kind ==
		    APPROVAL_PHASE && strcmp(ev->approval.object, "commit") ==
		    0 ? ENGINE_CMD_DEFER : ENGINE_CMD_APPROVE;
		cmd.approval = ev->approval.id;
		engine_command(e, &cmd);
	} else if (ev->type == ENGINE_EVENT_HEALTH)
		health_seen(f, ev);
	else if (ev->type == ENGINE_EVENT_STATE &&
	    ev->state == ENGINE_STATE_SUSPENDED)
		f->suspended = true;
}

/* Follow the engine until it finishes or reaches until. */
static enum engine_state
follow(struct fixture *f, struct engine *e, enum engine_state until)
{
	return te_follow(e, until, seen, f);
}

/* --- what the simulated cluster saw ----------------------------------- */

struct act {
	char	node[32];
	char	name[32];
	int64_t	start_ms, end_ms;
	bool	monitor;
};

static struct act *
actions(const struct fixture *f, size_t *n)
{
	char *path = xasprintf("%s/%s", f->dir, SIM_FILE);
	struct act *a = NULL;
	sqlite3 *db;
	sqlite3_stmt *st;

	*n = 0;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT node, name, "
	    "start_ms, end_ms, id >= 4611686018427387904 FROM action "
	    "ORDER BY start_ms, id", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		a = xreallocarray(a, *n + 1, sizeof *a);
		snprintf(a[*n].node, sizeof a[*n].node, "%s",
		    (const char *)sqlite3_column_text(st, 0));
		snprintf(a[*n].name, sizeof a[*n].name, "%s",
		    (const char *)sqlite3_column_text(st, 1));
		a[*n].start_ms = sqlite3_column_int64(st, 2);
		a[*n].end_ms = sqlite3_column_int64(st, 3);
		a[*n].monitor = sqlite3_column_int(st, 4) != 0;
		(*n)++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);
	return a;
}

static const struct act *
act_find(const struct act *a, size_t n, const char *node, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!a[i].monitor && strcmp(a[i].node, node) == 0 &&
		    strcmp(a[i].name, name) == 0)
			return &a[i];
	return NULL;
}

/* No probe of a node from its drain until it is back in service. */
static void
assert_not_probed_in_maintenance(const struct act *a, size_t n,
    const char *node)
{
	const struct act *on = act_find(a, n, node, "drain");
	const struct act *off = act_find(a, n, node, "undrain");

	assert_non_null(on);
	assert_non_null(off);
	for (size_t i = 0; i < n; i++)
		if (a[i].monitor && strcmp(a[i].node, node) == 0 &&
		    a[i].start_ms >= on->start_ms && a[i].start_ms <
		    off->end_ms)
			fail_msg("%s probed at %lld, in maintenance", node,
			    (long long)a[i].start_ms);
}

static size_t
probes_of(const struct act *a, size_t n, const char *node)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += a[i].monitor && strcmp(a[i].node, node) == 0;
	return k;
}

/* The journal's node table, as `escalator status` reads it. */
static void
assert_journal_health(const struct fixture *f, const char *node,
    const char *want)
{
	struct journal *j;
	struct journal_node *jn;
	size_t n;
	char *err = NULL;
	bool found = false;

	assert_int_equal(journal_open_readonly(&j, f->dir, &err), 0);
	assert_int_equal(journal_nodes_load(j, &jn, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(jn[i].name, node) == 0) {
			assert_string_equal(jn[i].health, want);
			found = true;
		}
	assert_true(found);
	journal_nodes_free(jn, n);
	journal_close(j);
}

/* --- the tests ----------------------------------------------------------- */

static void
test_ticks_on_watched_nodes(void **state)
{
	struct fixture *f = *state;
	struct engine *e = start(f, false);
	const struct act *first_exec;
	struct act *a;
	int64_t t0 = -1, last = 0;
	size_t n, ticks = 0;

	assert_int_equal(follow(f, e, ENGINE_STATE_COUNT),
	    ENGINE_STATE_COMMITTED);
	engine_free(e);
	assert_false(f->warned);
	a = actions(f, &n);
	for (size_t i = 0; i < n; i++) {
		if (!a[i].monitor)
			continue;
		assert_string_equal(a[i].name, "ping");
		if (t0 == -1)
			t0 = a[i].start_ms;
		/* only on the interval's ticks, each tick once per node */
		assert_int_equal((a[i].start_ms - t0) % INTERVAL_MS, 0);
		if (a[i].start_ms != last)
			ticks++;
		last = a[i].start_ms;
	}
	/* one probe per node per tick: none started twice */
	assert_true(t0 >= 0);
	assert_int_equal(ticks, (size_t)((last - t0) / INTERVAL_MS + 1));
	/* from validation on: before the first upgrade step */
	first_exec = act_find(a, n, "ctl-1", "drain");
	assert_non_null(first_exec);
	assert_true(t0 < first_exec->start_ms);
	for (size_t i = 0; i < f->inv.count; i++) {
		assert_true(probes_of(a, n, f->inv.nodes[i].name) >= 3);
		assert_not_probed_in_maintenance(a, n, f->inv.nodes[i].name);
		/* healthy on every tick: told once */
		assert_int_equal(f->health[i], 1);
	}
	free(a);
}

static void
test_failure_pauses(void **state)
{
	struct fixture *f = *state;
	struct engine_snapshot s;
	struct engine *e;

	f->fault = "flap:cmp-2";
	e = start(f, false);
	assert_int_equal(follow(f, e, ENGINE_STATE_SUSPENDED),
	    ENGINE_STATE_SUSPENDED);
	assert_true(f->warned);
	assert_string_equal(f->warned_node, "cmp-2");
	/* the campaign stops for it: an error */
	assert_string_equal(f->warned_result, "failed");
	engine_snapshot(e, &s);
	assert_int_equal(s.wait.reason, WAIT_OPERATOR);
	assert_non_null(strstr(s.wait.text, "cmp-2"));
	assert_non_null(strstr(s.wait.text, "ping"));
	assert_string_equal(s.nodes[2].name, "cmp-2");
	assert_string_equal(s.nodes[2].health, "failed: ping");
	assert_true(s.nodes[2].health_ms > 0);
	engine_snapshot_free(&s);
	assert_journal_health(f, "cmp-2", "failed: ping");
	assert_journal_health(f, "cmp-1", "ok");
	/* the flap was once: resumed, the campaign goes on to the end */
	te_send(e, ENGINE_CMD_RESUME, 0, "alice");
	assert_int_equal(follow(f, e, ENGINE_STATE_COUNT),
	    ENGINE_STATE_COMMITTED);
	engine_snapshot(e, &s);
	assert_string_equal(s.nodes[2].health, "ok");
	engine_snapshot_free(&s);
	engine_free(e);
	/* ok, failing, passing again: three changes, one of them a failure */
	assert_int_equal(f->health[2], 3);
	assert_int_equal(f->failing[2], 1);
	assert_int_equal(f->health[0], 1);
	assert_int_equal(f->health[1], 1);
}

/* Take the events, answering nothing, until the engine waits for a
 * command. */
static void
settle(struct engine *e)
{
	struct pollfd p = { .fd = engine_event_fd(e), .events = POLLIN };
	struct engine_snapshot s;
	bool idle = false;

	for (int i = 0; !idle && i < 1000; i++) {
		struct engine_event *ev;
		size_t n;

		(void)poll(&p, 1, 10);
		ev = engine_events_take(e, &n);
		engine_events_free(ev, n);
		engine_snapshot(e, &s);
		idle = s.idle;
		engine_snapshot_free(&s);
	}
	assert_true(idle);
}

/* The journal writes a node's health only when it changes, so a resumed
 * run takes the last failure from it: the node stays failing, in the
 * snapshot and in the node table, until a probe says otherwise. */
static void
test_resume_keeps_health(void **state)
{
	struct fixture *f = *state;
	struct engine_snapshot s;
	struct engine *e;
	uint32_t commit;

	/* cmp-2 fails every probe from execution on; the run goes on */
	f->fault = "flap:cmp-2x100000";
	f->c.monitor.on_failure = ON_FAILURE_CONTINUE;
	f->defer_commit = true;
	e = start(f, false);
	assert_int_equal(follow(f, e, ENGINE_STATE_SUSPENDED),
	    ENGINE_STATE_SUSPENDED);
	engine_free(e);
	assert_journal_health(f, "cmp-2", "failed: ping");
	/* resumed at the commit boundary, where nothing is probed */
	e = start(f, true);
	settle(e);
	engine_snapshot(e, &s);
	assert_string_equal(s.nodes[2].name, "cmp-2");
	assert_non_null(s.nodes[2].health);
	assert_string_equal(s.nodes[2].health, "failed: ping");
	assert_true(s.nodes[2].health_ms > 0);
	/* never probed in this run, last found healthy: no verdict */
	assert_null(s.nodes[1].health);
	assert_int_equal(s.napprovals, 1);
	commit = s.approvals[0].id;
	engine_snapshot_free(&s);
	te_send(e, ENGINE_CMD_APPROVE, commit, "alice");
	assert_int_equal(follow(f, e, ENGINE_STATE_COUNT),
	    ENGINE_STATE_COMMITTED);
	engine_free(e);
	/* committing the nodes rewrote their rows, not their health */
	assert_journal_health(f, "cmp-2", "failed: ping");
	assert_journal_health(f, "cmp-1", "ok");
}

static void
test_failure_continues(void **state)
{
	struct fixture *f = *state;
	struct engine *e;

	f->fault = "flap:cmp-2";
	f->c.monitor.on_failure = ON_FAILURE_CONTINUE;
	e = start(f, false);
	assert_int_equal(follow(f, e, ENGINE_STATE_COUNT),
	    ENGINE_STATE_COMMITTED);
	engine_free(e);
	assert_true(f->warned);
	assert_string_equal(f->warned_node, "cmp-2");
	/* the campaign goes on: a warning */
	assert_string_equal(f->warned_result, "warning");
	assert_int_equal(f->failing[2], 1);
	assert_false(f->suspended);
}

/* --- real servers -------------------------------------------------------- */

#define NSERVERS	3
#define SLOW_MS		3000

/* The monitor's probes through the SSH transport's HTTP prober: one
 * server answers slowly, and the others' results come before its own,
 * so every node's probe was out at once. */
static void
test_http_nodes_at_once(void **state)
{
	struct node nodes[NSERVERS];
	struct inventory inv = { .nodes = nodes, .count = NSERVERS };
	struct step check = { .name = "api-up", .timeout_ms = 30000 };
	struct ssh_transport_config cfg = { .inventory = &inv };
	struct transport_result res[NSERVERS];
	char *urls[NSERVERS], *err = NULL, *dir = tmpdir_make(), *id;
	pid_t pids[NSERVERS];
	int64_t t0, done[NSERVERS] = { 0 };
	struct transport *tp;
	size_t ndone = 0;

	(void)state;
	cfg.state_dir = dir;
	/* HTTP needs no SSH connection, but the transport wants a key */
	cfg.identity_file = id = xasprintf("%s/id", dir);
	assert_int_equal(net_sh("ssh-keygen -q -t ed25519 -N '' -f %s", id),
	    0);
	memset(nodes, 0, sizeof nodes);
	if ((tp = ssh_transport_open(&cfg, &err)) == NULL)
		fail_msg("ssh_transport_open: %s", err);
	for (size_t i = 0; i < NSERVERS; i++) {
		int port = net_httpd_start(&pids[i], "2.0");

		assert_true(port > 0);
		nodes[i].name = xasprintf("node-%zu", i);
		nodes[i].address = xstrdup("127.0.0.1");
		urls[i] = i == 0 ? xasprintf("http://127.0.0.1:%d/slow?ms=%d",
		    port, SLOW_MS) : xasprintf("http://127.0.0.1:%d/health",
		    port);
	}
	t0 = time_mono_ms();
	for (size_t i = 0; i < NSERVERS; i++) {
		struct transport_action a = { .id = 100 + i,
		    .kind = TRANSPORT_HEALTH, .node = (uint32_t)i,
		    .step = &check, .name = check.name, .url = urls[i],
		    .attempt = 1 };

		assert_int_equal(tp->ops->start(tp, &a, &err), 0);
	}
	while (ndone < NSERVERS && time_mono_ms() - t0 < 60000) {
		int n = tp->ops->wait(tp, CLOCK_NEVER, -1, res, NSERVERS);

		assert_true(n >= 0);
		for (int k = 0; k < n; k++) {
			assert_int_equal(res[k].status, TRANSPORT_OK);
			done[res[k].id - 100] = (int64_t)++ndone;
		}
	}
	assert_int_equal(ndone, NSERVERS);
	/* By order, not by the clock: the slow one's answer comes last. */
	assert_int_equal(done[0], NSERVERS);
	tp->ops->destroy(tp);
	for (size_t i = 0; i < NSERVERS; i++) {
		net_stop(pids[i]);
		free(nodes[i].name);
		free(nodes[i].address);
		free(urls[i]);
	}
	free(id);
	tmpdir_remove(dir);
}

/* --- real servers through the engine ------------------------------------- */

/* A node's probe goes to its own node_httpd: the nodes are reached by
 * HTTP only, so their port is their service's. The campaign waits at
 * the validation boundary, unanswered, while the monitor ticks. */
static const char http_campaign[] =
    "name = \"monitor-http\";\n"
    "inventory = \"nodes.inventory\";\n"
    "version = { from = \"1.0\"; to = \"2.0\"; };\n"
    "health = ( { name = \"api-up\"; action = \"http\";\n"
    "    url = \"http://{address}:{port}/health\"; timeout = \"1s\"; } );\n"
    "monitor = { interval = \"1s\"; checks = [ \"api-up\" ]; };\n"
    "procedures = ( { name = \"web\"; target = { roles = [ \"web\" ]; };\n"
    "    method = \"rolling\"; batch = 1; steps = (\n"
    "    { name = \"upgrade\"; action = \"run\"; command = \"true\";\n"
    "      timeout = \"10s\"; } ); } );\n";

#define HTTP_INTERVAL_MS	200
/* Far beyond a loaded machine's answer from a live server: only the
 * frozen one times out. */
#define HTTP_TIMEOUT_MS		2000
#define HTTP_TICKS		5
#define HTTP_WAIT_MS		20000

struct bed {
	struct fixture	 f;
	char		*id;
	pid_t		 pids[NSERVERS];
	int		 ports[NSERVERS];
};

static void	servers_stop(struct bed *);

static int
setup_http(void **state)
{
	struct bed *b = xcalloc(1, sizeof *b);
	struct diag_list diags = { 0 };
	char *text = xstrdup(""), *nodes;

	b->f.dir = tmpdir_make();
	for (size_t i = 0; i < NSERVERS; i++) {
		if ((b->ports[i] = net_httpd_start(&b->pids[i], "1.0")) < 0) {
			servers_stop(b);
			return -1;
		}
		nodes = xasprintf("%s%s{ name = \"node-%zu\"; address = "
		    "\"127.0.0.1\"; port = %d; version = \"1.0\"; roles = "
		    "[ \"web\" ]; }\n", text, i ? "," : "", i, b->ports[i]);
		free(text);
		text = nodes;
	}
	nodes = xasprintf("nodes = (\n%s);\n", text);
	free(text);
	if (tu_campaign(&b->f.c, http_campaign, &diags) == -1 ||
	    tu_inventory(&b->f.inv, nodes, &diags) == -1) {
		servers_stop(b);
		tu_expect_clean(&diags);
		return -1;
	}
	free(nodes);
	diag_list_free(&diags);
	/* faster than a campaign may ask, to see many ticks soon */
	b->f.c.monitor.interval_ms = HTTP_INTERVAL_MS;
	b->f.c.health[0].timeout_ms = HTTP_TIMEOUT_MS;
	/* HTTP needs no SSH connection, but the transport wants a key */
	b->id = xasprintf("%s/id", b->f.dir);
	if (net_sh("ssh-keygen -q -t ed25519 -N '' -f %s", b->id) != 0) {
		servers_stop(b);
		return -1;
	}
	*state = b;
	return 0;
}

/* Those started, stopped or not. */
static void
servers_stop(struct bed *b)
{
	for (size_t i = 0; i < NSERVERS; i++)
		if (b->pids[i] > 0) {
			kill(b->pids[i], SIGCONT);
			net_stop(b->pids[i]);
			b->pids[i] = 0;
		}
}

static int
teardown_http(void **state)
{
	struct bed *b = *state;

	servers_stop(b);
	free(b->id);
	fixture_clear(&b->f);
	free(b);
	return 0;
}

static struct transport *
http_transport(void *arg, struct clock *clock, char **err)
{
	struct bed *b = arg;
	struct ssh_transport_config cfg = {
		.inventory = &b->f.inv,
		.state_dir = b->f.dir,
		.clock = clock,
		.identity_file = b->id,
	};

	return ssh_transport_open(&cfg, err);
}

/* Every write of a node's row in the validation phase goes to a table
 * of the test's own: while the phase waits for its approval, nothing
 * but the monitor writes there. */
static void
journal_watch(const struct bed *b)
{
	char *path = xasprintf("%s/%s", b->f.dir, JOURNAL_FILE);
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	assert_int_equal(sqlite3_exec(db,
	    "CREATE TABLE node_writes (name TEXT, health TEXT);"
	    "CREATE TRIGGER node_insert AFTER INSERT ON nodes"
	    " WHEN new.phase = 'validation' BEGIN"
	    " INSERT INTO node_writes VALUES (new.name, new.health); END;"
	    "CREATE TRIGGER node_update AFTER UPDATE ON nodes"
	    " WHEN new.phase = 'validation' BEGIN"
	    " INSERT INTO node_writes VALUES (new.name, new.health); END;",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	free(path);
}

/* The healths written for node, in order: "ok,failed: api-up,ok". */
static void
assert_writes(const struct bed *b, const char *node, const char *want)
{
	char *path = xasprintf("%s/%s", b->f.dir, JOURNAL_FILE);
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT coalesce("
	    "group_concat(health, ','), '') FROM (SELECT health FROM "
	    "node_writes WHERE name = ? ORDER BY rowid)", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(st, 1, node, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), want);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);
}

/* The run log's monitor lines about node. */
static size_t
log_lines(const struct bed *b, const char *node)
{
	char *path = xasprintf("%s/%s", b->f.dir, LOG_FILE);
	char *log = net_slurp(path), *obj = xasprintf("\"object\":\"node:%s\"",
	    node);
	size_t n = 0;

	assert_non_null(log);
	for (char *line = strtok(log, "\n"); line != NULL;
	    line = strtok(NULL, "\n"))
		n += strstr(line, obj) != NULL &&
		    strstr(line, "\"action\":\"monitor\"") != NULL;
	free(obj);
	free(log);
	free(path);
	return n;
}

/* How many GET /health the server of node i answered. */
static long
hits(const struct bed *b, size_t i)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)b->ports[i]) };
	static const char req[] = "GET /hits HTTP/1.0\r\n\r\n";
	char buf[512], *body;
	size_t len = 0;
	ssize_t r;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(write(fd, req, sizeof req - 1), sizeof req - 1);
	while (len < sizeof buf - 1 &&
	    (r = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)r;
	close(fd);
	buf[len] = '\0';
	assert_non_null(body = strstr(buf, "\r\n\r\n"));
	return strtol(body + 4, NULL, 10);
}

static struct engine *
http_start(struct bed *b)
{
	struct engine_config cfg = {
		.campaign = &b->f.c,
		.inventory = &b->f.inv,
		.state_dir = b->f.dir,
		.operator = "alice",
		.clock_mode = CLOCK_MODE_REAL,
		.speed = 1,
		.seed = 1,
		.transport_open = http_transport,
		.transport_arg = b,
	};
	struct engine *e;
	char *err = NULL;

	if ((e = engine_start(&cfg, &err)) == NULL)
		fail_msg("engine_start: %s", err);
	journal_watch(b);
	te_send(e, ENGINE_CMD_START, 0, NULL);
	return e;
}

/* Take the engine's events, answering nothing, until done says so or
 * ms have passed; whether done. */
static bool
pump(struct bed *b, struct engine *e, bool (*done)(struct bed *), int ms)
{
	struct pollfd p = { .fd = engine_event_fd(e), .events = POLLIN };
	int64_t end = time_mono_ms() + ms;

	while (time_mono_ms() < end) {
		struct engine_event *ev;
		size_t n;

		if (done != NULL && done(b))
			return true;
		(void)poll(&p, 1, 50);
		ev = engine_events_take(e, &n);
		for (size_t i = 0; i < n; i++) {
			if (ev[i].type == ENGINE_EVENT_HEALTH)
				health_seen(&b->f, &ev[i]);
			if (ev[i].type == ENGINE_EVENT_STATE &&
			    ev[i].state == ENGINE_STATE_SUSPENDED)
				b->f.suspended = true;
		}
		engine_events_free(ev, n);
	}
	return done != NULL && done(b);
}

static bool
all_told(struct bed *b)
{
	for (size_t i = 0; i < NSERVERS; i++)
		if (b->f.health[i] == 0)
			return false;
	return true;
}

static long	hits_from[NSERVERS];

/* Every server has answered HTTP_TICKS more probes since hits_from. */
static bool
ticked(struct bed *b)
{
	for (size_t i = 0; i < NSERVERS; i++)
		if (hits(b, i) < hits_from[i] + HTTP_TICKS)
			return false;
	return true;
}

static void
wait_ticks(struct bed *b, struct engine *e)
{
	for (size_t i = 0; i < NSERVERS; i++)
		hits_from[i] = hits(b, i);
	assert_true(pump(b, e, ticked, HTTP_WAIT_MS));
}

static bool
node1_failing(struct bed *b)
{
	return b->f.failing[1] > 0;
}

static bool
node1_recovered(struct bed *b)
{
	return b->f.health[1] >= 3;
}

static bool
suspended(struct bed *b)
{
	return b->f.suspended;
}

static void
assert_told(const struct bed *b, size_t n0, size_t n1, size_t n2)
{
	assert_int_equal(b->f.health[0], n0);
	assert_int_equal(b->f.health[1], n1);
	assert_int_equal(b->f.health[2], n2);
}

/* Many ticks of the same verdict: one event, one journal write and one
 * log line per node; a flip and a recovery: one of each more. */
static void
test_http_changes_only(void **state)
{
	struct bed *b = *state;
	struct engine *e;

	b->f.c.monitor.on_failure = ON_FAILURE_CONTINUE;
	e = http_start(b);
	assert_true(pump(b, e, all_told, HTTP_WAIT_MS));
	wait_ticks(b, e);
	assert_told(b, 1, 1, 1);
	for (size_t i = 0; i < NSERVERS; i++) {
		assert_writes(b, b->f.inv.nodes[i].name, "ok");
		assert_int_equal(log_lines(b, b->f.inv.nodes[i].name), 1);
	}
	/* node-1 stops answering: its probes time out, tick after tick */
	assert_int_equal(kill(b->pids[1], SIGSTOP), 0);
	assert_true(pump(b, e, node1_failing, HTTP_WAIT_MS));
	(void)pump(b, e, NULL, 3 * HTTP_TIMEOUT_MS);
	assert_told(b, 1, 2, 1);
	assert_int_equal(b->f.failing[1], 1);
	assert_string_equal(b->f.warned_result, "warning");
	assert_writes(b, "node-1", "ok,failed: api-up");
	assert_false(b->f.suspended);
	/* it answers again */
	assert_int_equal(kill(b->pids[1], SIGCONT), 0);
	assert_true(pump(b, e, node1_recovered, HTTP_WAIT_MS));
	wait_ticks(b, e);
	assert_told(b, 1, 3, 1);
	assert_int_equal(b->f.failing[1], 1);
	assert_writes(b, "node-0", "ok");
	assert_writes(b, "node-1", "ok,failed: api-up,ok");
	assert_writes(b, "node-2", "ok");
	assert_int_equal(log_lines(b, "node-1"), 3);
	assert_int_equal(log_lines(b, "node-2"), 1);
	engine_free(e);
}

/* on_failure = "pause" still suspends the campaign on the failure. */
static void
test_http_failure_pauses(void **state)
{
	struct bed *b = *state;
	struct engine_snapshot s;
	struct engine *e = http_start(b);

	assert_true(pump(b, e, all_told, HTTP_WAIT_MS));
	assert_int_equal(kill(b->pids[1], SIGSTOP), 0);
	assert_true(pump(b, e, suspended, HTTP_WAIT_MS));
	assert_int_equal(b->f.failing[1], 1);
	assert_string_equal(b->f.warned_node, "node-1");
	assert_string_equal(b->f.warned_result, "failed");
	engine_snapshot(e, &s);
	assert_int_equal(s.state, ENGINE_STATE_SUSPENDED);
	assert_non_null(strstr(s.wait.text, "node-1"));
	assert_non_null(strstr(s.wait.text, "api-up"));
	assert_string_equal(s.nodes[1].health, "failed: api-up");
	assert_string_equal(s.nodes[0].health, "ok");
	engine_snapshot_free(&s);
	assert_writes(b, "node-1", "ok,failed: api-up");
	engine_free(e);
}

int
main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_ticks_on_watched_nodes),
		T(test_failure_pauses),
		T(test_failure_continues),
		T(test_resume_keeps_health),
		cmocka_unit_test(test_http_nodes_at_once),
		cmocka_unit_test_setup_teardown(test_http_changes_only,
		    setup_http, teardown_http),
		cmocka_unit_test_setup_teardown(test_http_failure_pauses,
		    setup_http, teardown_http),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
