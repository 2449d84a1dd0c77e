/* The journal: files and modes, records, schema, readers and crashes. */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <sqlite3.h>

#include "escalator/journal.h"
#include "escalator/util.h"
#include "tmpdir.h"

struct fixture {
	char		*dir;		/* the scratch directory */
	char		*state;		/* DIR/state, journal_open makes it */
	struct journal	*j;
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	char *err;

	f->dir = tmpdir_make();
	f->state = xasprintf("%s/state", f->dir);
	if (journal_open(&f->j, f->state, true, &err) == -1) {
		print_error("%s\n", err);
		free(err);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	journal_close(f->j);
	free(f->state);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static char *
state_file(const struct fixture *f, const char *name)
{
	return xasprintf("%s/%s", f->state, name);
}

static mode_t
file_mode(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

static void
begin_run(struct journal *j)
{
	struct journal_run r = {
		.id = "20261125T181200Z-4f2a",
		.campaign_name = "minimal-testbed",
		.campaign_file = "/srv/campaigns/minimal-testbed.cfg",
		.campaign_sha256 = "ab12",
		.inventory_file = "/srv/inventory.cfg",
		.inventory_sha256 = "cd34",
		.options = "{\"transport\":\"sim\"}",
		.operator = "alice",
		.state = "initial",
		.phase = "preparation",
		.started_ms = 1795630320123,
		.updated_ms = 1795630320123,
	};

	assert_int_equal(journal_run_begin(j, &r), 0);
}

static void
put_node(struct journal *j, const char *name, const char *version,
    const char *status)
{
	struct journal_node n = {
		.name = (char *)name,
		.version = (char *)version,
		.phase = "execution",
		.health = "ok",
		.maintenance = strcmp(status, "running") == 0,
		.status = (char *)status,
		.updated_ms = 1795630330000,
	};

	assert_int_equal(journal_node_put(j, &n), 0);
}

static void
test_create_modes_and_reopen(void **state)
{
	struct fixture *f = *state;
	struct journal_run r;
	char *db = state_file(f, JOURNAL_FILE);
	char *wal = state_file(f, JOURNAL_FILE "-wal");
	char *err;

	begin_run(f->j);
	assert_int_equal(file_mode(f->state), 0700);
	assert_int_equal(file_mode(db), 0600);
	assert_int_equal(file_mode(wal), 0600);
	journal_close(f->j);
	assert_int_equal(journal_open(&f->j, f->state, false, &err), 0);
	assert_int_equal(journal_run_load(f->j, &r), 0);
	assert_string_equal(r.id, "20261125T181200Z-4f2a");
	assert_string_equal(r.campaign_name, "minimal-testbed");
	assert_string_equal(r.campaign_file,
	    "/srv/campaigns/minimal-testbed.cfg");
	assert_string_equal(r.options, "{\"transport\":\"sim\"}");
	assert_string_equal(r.operator, "alice");
	assert_string_equal(r.state, "initial");
	assert_string_equal(r.phase, "preparation");
	assert_int_equal(r.started_ms, 1795630320123);
	journal_run_free(&r);
	free(db);
	free(wal);
}

static void
test_create_parents(void **state)
{
	struct fixture *f = *state;
	char *nested = xasprintf("%s/runs/today/state", f->dir);
	char *parent = xasprintf("%s/runs", f->dir);
	struct journal *j;
	char *err;

	assert_int_equal(journal_open(&j, nested, true, &err), 0);
	journal_close(j);
	assert_int_equal(file_mode(nested), 0700);
	assert_int_equal(file_mode(parent), 0700);
	free(nested);
	free(parent);
}

static void
test_run_state(void **state)
{
	struct fixture *f = *state;
	struct journal_run r;

	assert_int_equal(journal_run_load(f->j, &r), 1);
	assert_int_equal(journal_run_set_state(f->j, "executing",
	    "execution"), -1);
	assert_non_null(strstr(journal_error(f->j), "no run"));
	begin_run(f->j);
	assert_int_equal(journal_run_begin(f->j, &(struct journal_run){
	    .id = "second", .campaign_file = "x", .state = "initial",
	    .phase = "preparation" }), -1);
	assert_non_null(strstr(journal_error(f->j), "already holds a run"));
	assert_int_equal(journal_run_set_state(f->j, "executing",
	    "execution"), 0);
	assert_int_equal(journal_run_load(f->j, &r), 0);
	assert_string_equal(r.id, "20261125T181200Z-4f2a");
	assert_string_equal(r.state, "executing");
	assert_string_equal(r.phase, "execution");
	assert_true(r.updated_ms > r.started_ms);
	journal_run_free(&r);
}

static void
test_open_without_journal(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	char *missing = xasprintf("%s/missing", f->dir);
	char *err;

	/* The scratch directory itself is 0700 but holds no journal. */
	assert_int_equal(journal_open(&j, f->dir, false, &err), -1);
	assert_null(j);
	assert_non_null(strstr(err, "no journal"));
	free(err);
	assert_int_equal(journal_open_readonly(&j, missing, &err), -1);
	assert_non_null(strstr(err, "No such file"));
	free(err);
	free(missing);
}

static void
test_refuse_readable_db(void **state)
{
	struct fixture *f = *state;
	char *db = state_file(f, JOURNAL_FILE);
	char *wal = state_file(f, JOURNAL_FILE "-wal");
	struct journal *j;
	char *err;

	assert_int_equal(chmod(db, 0644), 0);
	assert_int_equal(journal_open(&j, f->state, false, &err), -1);
	assert_non_null(strstr(err, JOURNAL_FILE));
	assert_non_null(strstr(err, "0644"));
	assert_non_null(strstr(err, "chmod 600"));
	free(err);
	assert_int_equal(journal_open_readonly(&j, f->state, &err), -1);
	free(err);
	assert_int_equal(chmod(db, 0600), 0);
	assert_int_equal(journal_open_readonly(&j, f->state, &err), 0);
	journal_close(j);
	/* The write-ahead log holds the same records. */
	assert_int_equal(chmod(wal, 0604), 0);
	assert_int_equal(journal_open(&j, f->state, false, &err), -1);
	assert_non_null(strstr(err, JOURNAL_FILE "-wal"));
	assert_non_null(strstr(err, "0604"));
	free(err);
	assert_int_equal(chmod(wal, 0600), 0);
	free(db);
	free(wal);
}

static void
test_refuse_readable_dir(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	char *err;

	assert_int_equal(chmod(f->state, 0755), 0);
	assert_int_equal(journal_open(&j, f->state, true, &err), -1);
	assert_non_null(strstr(err, f->state));
	assert_non_null(strstr(err, "0755"));
	assert_non_null(strstr(err, "chmod 700"));
	free(err);
	assert_int_equal(chmod(f->state, 0700), 0);
}

static void
test_step_round_trip(void **state)
{
	struct fixture *f = *state;
	struct journal_step in = {
		.phase = "execution",
		.procedure = "computes",
		.batch = 2,
		.node = "compute-1",
		.step = "upgrade",
		.attempt = 1,
		.undo = false,
		.started_ms = 1000,
	};
	struct journal_step *v;
	size_t n;
	int64_t a, b;

	assert_true((a = journal_step_intent(f->j, &in)) > 0);
	in.step = "restart";
	in.undo = true;
	in.procedure = NULL;	/* a campaign-level step */
	in.batch = -1;
	assert_true((b = journal_step_intent(f->j, &in)) > a);
	assert_int_equal(journal_steps_load(f->j, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].status, STEP_STATUS_INTENT);
	assert_int_equal(v[0].ended_ms, 0);
	assert_null(v[0].output);
	journal_steps_free(v, n);

	assert_int_equal(journal_step_outcome(f->j, a, STEP_STATUS_FAILED, 7,
	    "E: dpkg was interrupted", 4200), 0);
	assert_int_equal(journal_step_outcome(f->j, 999, STEP_STATUS_OK, 0,
	    NULL, 1), -1);
	assert_non_null(strstr(journal_error(f->j), "no step 999"));
	assert_int_equal(journal_steps_load(f->j, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, a);
	assert_string_equal(v[0].phase, "execution");
	assert_string_equal(v[0].procedure, "computes");
	assert_int_equal(v[0].batch, 2);
	assert_string_equal(v[0].node, "compute-1");
	assert_string_equal(v[0].step, "upgrade");
	assert_int_equal(v[0].attempt, 1);
	assert_false(v[0].undo);
	assert_int_equal(v[0].status, STEP_STATUS_FAILED);
	assert_int_equal(v[0].exit_code, 7);
	assert_string_equal(v[0].output, "E: dpkg was interrupted");
	assert_int_equal(v[0].started_ms, 1000);
	assert_int_equal(v[0].ended_ms, 4200);
	assert_int_equal(v[1].id, b);
	assert_string_equal(v[1].procedure, "");
	assert_int_equal(v[1].batch, -1);
	assert_true(v[1].undo);
	assert_int_equal(v[1].status, STEP_STATUS_INTENT);
	journal_steps_free(v, n);

	/* Only an intent is taken back: an outcome stays. */
	assert_int_equal(journal_step_withdraw(f->j, a), -1);
	assert_non_null(strstr(journal_error(f->j), "no intent"));
	assert_int_equal(journal_step_withdraw(f->j, b), 0);
	assert_int_equal(journal_steps_load(f->j, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, a);
	journal_steps_free(v, n);
}

static void
test_step_rejects_bad_records(void **state)
{
	struct fixture *f = *state;
	struct journal_step in = { .phase = "execution", .node = "n",
	    .step = "s", .attempt = 0 };

	assert_int_equal(journal_step_intent(f->j, &in), -1);
	assert_non_null(strstr(journal_error(f->j), "attempt"));
	in.attempt = 1;
	in.step = NULL;
	assert_int_equal(journal_step_intent(f->j, &in), -1);
	assert_non_null(strstr(journal_error(f->j), "steps.step"));
	assert_int_equal(journal_step_outcome(f->j, 1, STEP_STATUS_COUNT, 0,
	    NULL, 0), -1);
}

static void
test_step_status_names(void **state)
{
	enum step_status st;

	(void)state;
	for (int i = 0; i < STEP_STATUS_COUNT; i++) {
		assert_int_equal(step_status_parse(step_status_name(i), &st),
		    0);
		assert_int_equal(st, i);
	}
	assert_string_equal(step_status_name(STEP_STATUS_UNKNOWN), "unknown");
	assert_int_equal(step_status_parse("done", &st), -1);
}

static void
test_nodes(void **state)
{
	struct fixture *f = *state;
	struct journal_node *v;
	size_t n;

	put_node(f->j, "compute-2", "1.0", "pending");
	put_node(f->j, "controller-1", "2.0", "upgraded");
	put_node(f->j, "compute-1", "1.0", "pending");
	put_node(f->j, "compute-1", "2.0", "running");
	assert_int_equal(journal_nodes_load(f->j, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].name, "compute-1");
	assert_string_equal(v[0].version, "2.0");
	assert_string_equal(v[0].status, "running");
	assert_string_equal(v[0].phase, "execution");
	assert_string_equal(v[0].health, "ok");
	assert_true(v[0].maintenance);
	assert_int_equal(v[0].updated_ms, 1795630330000);
	assert_string_equal(v[1].name, "compute-2");
	assert_false(v[1].maintenance);
	assert_string_equal(v[2].name, "controller-1");
	journal_nodes_free(v, n);
}

static void
test_facts(void **state)
{
	struct fixture *f = *state;
	char *v;

	assert_null(journal_fact_get(f->j, "phase.validation"));
	assert_int_equal(journal_fact_put(f->j, "phase.validation", "passed"),
	    0);
	assert_int_equal(journal_fact_put(f->j, "gate.execution", "alice"), 0);
	assert_int_equal(journal_fact_put(f->j, "phase.validation", "again"),
	    0);
	v = journal_fact_get(f->j, "phase.validation");
	assert_string_equal(v, "again");
	free(v);
	v = journal_fact_get(f->j, "gate.execution");
	assert_string_equal(v, "alice");
	free(v);
	/* A key made to look like SQL is only ever a value. */
	assert_int_equal(journal_fact_put(f->j, "k'); DROP TABLE facts; --",
	    "v"), 0);
	v = journal_fact_get(f->j, "k'); DROP TABLE facts; --");
	assert_string_equal(v, "v");
	free(v);
	assert_int_equal(journal_fact_put(f->j, "null", NULL), -1);
}

static void
test_events(void **state)
{
	struct fixture *f = *state;
	struct journal_event *v;
	size_t n;
	char msg[32];

	for (int i = 0; i < 5; i++) {
		snprintf(msg, sizeof msg, "decision %d", i);
		assert_int_equal(journal_event(f->j, i % 2 ? "bob" : NULL,
		    "approval", "phase:execution", msg), 0);
	}
	assert_int_equal(journal_events_load(f->j, 0, &v, &n), 0);
	assert_int_equal(n, 5);
	assert_string_equal(v[0].operator, "");
	assert_string_equal(v[1].operator, "bob");
	assert_string_equal(v[0].kind, "approval");
	assert_string_equal(v[0].object, "phase:execution");
	assert_string_equal(v[4].message, "decision 4");
	assert_true(v[0].ts_ms > 0);
	journal_events_free(v, n);
	/* The most recent two, oldest first. */
	assert_int_equal(journal_events_load(f->j, 2, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].message, "decision 3");
	assert_string_equal(v[1].message, "decision 4");
	journal_events_free(v, n);
}

static void
set_user_version(const char *db, int version)
{
	sqlite3 *s;
	char sql[64];

	assert_int_equal(sqlite3_open(db, &s), SQLITE_OK);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", version);
	assert_int_equal(sqlite3_exec(s, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(s);
}

static void
test_newer_schema_refused(void **state)
{
	struct fixture *f = *state;
	char *db = state_file(f, JOURNAL_FILE);
	struct journal *j;
	char *err;

	journal_close(f->j);
	f->j = NULL;
	set_user_version(db, JOURNAL_SCHEMA_VERSION + 1);
	assert_int_equal(journal_open(&f->j, f->state, true, &err), -1);
	assert_non_null(strstr(err, "schema version 2 is newer"));
	free(err);
	assert_int_equal(journal_open_readonly(&j, f->state, &err), -1);
	assert_non_null(strstr(err, "newer"));
	free(err);
	set_user_version(db, JOURNAL_SCHEMA_VERSION);
	assert_int_equal(journal_open(&f->j, f->state, false, &err), 0);
	free(db);
}

static void
test_reader_while_writer(void **state)
{
	struct fixture *f = *state;
	struct journal_node *v;
	struct journal_run r;
	struct journal *rd;
	size_t n;
	char *err;

	begin_run(f->j);
	put_node(f->j, "compute-1", "1.0", "running");
	assert_int_equal(journal_open_readonly(&rd, f->state, &err), 0);
	assert_int_equal(journal_nodes_load(rd, &v, &n), 0);
	assert_int_equal(n, 1);
	journal_nodes_free(v, n);
	put_node(f->j, "compute-2", "1.0", "pending");
	assert_int_equal(journal_run_set_state(f->j, "executing",
	    "execution"), 0);
	assert_int_equal(journal_nodes_load(rd, &v, &n), 0);
	assert_int_equal(n, 2);
	journal_nodes_free(v, n);
	assert_int_equal(journal_run_load(rd, &r), 0);
	assert_string_equal(r.state, "executing");
	journal_run_free(&r);
	/* The reader cannot write. */
	assert_int_equal(journal_event(rd, NULL, "x", "y", "z"), -1);
	assert_non_null(strstr(journal_error(rd), "readonly"));
	journal_close(rd);
}

/* The status report's JSON: what status --json prints. */
static void
test_status_json(void **state)
{
	struct fixture *f = *state;
	struct json_object *o, *nodes, *nd, *v;
	char *text;

	text = journal_status_json(f->j);
	o = json_tokener_parse(text);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "state", &v));
	assert_true(json_object_is_type(v, json_type_null));
	json_object_put(o);
	free(text);

	begin_run(f->j);
	assert_int_equal(journal_run_set_state(f->j, "executing",
	    "execution"), 0);
	put_node(f->j, "compute-2", "1.0", "pending");
	put_node(f->j, "compute-1", "2.0", "upgraded");
	put_node(f->j, "controller-1", "2.0", "upgraded");
	assert_int_equal(journal_event(f->j, "alice", "approval",
	    "phase:execution", "approved"), 0);
	text = journal_status_json(f->j);
	assert_non_null(text);
	o = json_tokener_parse(text);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "state", &v));
	assert_string_equal(json_object_get_string(v), "executing");
	assert_true(json_object_object_get_ex(o, "phase", &v));
	assert_string_equal(json_object_get_string(v), "execution");
	assert_true(json_object_object_get_ex(o, "run", &v));
	assert_string_equal(json_object_get_string(v), "20261125T181200Z-4f2a");
	assert_true(json_object_object_get_ex(o, "campaign", &v));
	assert_string_equal(json_object_get_string(v), "minimal-testbed");
	assert_true(json_object_object_get_ex(o, "started", &v));
	assert_string_equal(json_object_get_string(v),
	    "2026-11-25T18:12:00.123Z");
	assert_true(json_object_object_get_ex(o, "node_counts", &v));
	assert_true(json_object_object_get_ex(v, "upgraded", &v));
	assert_int_equal(json_object_get_int(v), 2);
	assert_true(json_object_object_get_ex(o, "nodes", &nodes));
	assert_int_equal(json_object_array_length(nodes), 3);
	nd = json_object_array_get_idx(nodes, 0);
	assert_true(json_object_object_get_ex(nd, "name", &v));
	assert_string_equal(json_object_get_string(v), "compute-1");
	assert_true(json_object_object_get_ex(nd, "version", &v));
	assert_string_equal(json_object_get_string(v), "2.0");
	assert_true(json_object_object_get_ex(nd, "status", &v));
	assert_string_equal(json_object_get_string(v), "upgraded");
	assert_true(json_object_object_get_ex(nd, "health", &v));
	assert_string_equal(json_object_get_string(v), "ok");
	assert_true(json_object_object_get_ex(nd, "maintenance", &v));
	assert_true(json_object_is_type(v, json_type_boolean));
	assert_true(json_object_object_get_ex(o, "events", &v));
	assert_int_equal(json_object_array_length(v), 1);
	json_object_put(o);
	free(text);
}

/* A child that would write n + 1 events with the hook set at n. */
static void
crash_child(const char *state_dir, int n)
{
	struct journal *j;
	char *err, at[16];

	snprintf(at, sizeof at, "%d", n);
	setenv(JOURNAL_CRASH_ENV, at, 1);
	if (journal_open(&j, state_dir, true, &err) == -1)
		_exit(2);
	for (int i = 0; i <= n; i++)
		if (journal_event(j, NULL, "test", "crash", "write") == -1)
			_exit(3);
	_exit(0);
}

static void
test_crash_hook(void **state)
{
	struct fixture *f = *state;
	struct journal_event *v;
	struct journal *j;
	size_t n;
	char *err;
	int status;
	pid_t pid;

	/* The parent's own writes must not count in the child. */
	assert_int_equal(journal_event(f->j, NULL, "test", "parent", "w"), 0);
	journal_close(f->j);
	f->j = NULL;
	for (int at = 1; at <= 3; at++) {
		char *dir = xasprintf("%s/crash-%d", f->dir, at);

		if ((pid = fork()) == 0)
			crash_child(dir, at);
		assert_true(pid > 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGKILL);
		assert_int_equal(journal_open(&j, dir, false, &err), 0);
		assert_int_equal(journal_events_load(j, 0, &v, &n), 0);
		assert_int_equal(n, (size_t)at);
		journal_events_free(v, n);
		journal_close(j);
		free(dir);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		T(test_create_modes_and_reopen),
		T(test_create_parents),
		T(test_run_state),
		T(test_open_without_journal),
		T(test_refuse_readable_db),
		T(test_refuse_readable_dir),
		T(test_step_round_trip),
		T(test_step_rejects_bad_records),
		cmocka_unit_test(test_step_status_names),
		T(test_nodes),
		T(test_facts),
		T(test_events),
		T(test_newer_schema_refused),
		T(test_reader_while_writer),
		T(test_status_json),
		T(test_crash_hook),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
