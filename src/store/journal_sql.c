/*
 * The journal's SQL: the schema (doc/state.md describes it) and every
 * statement, all constant text; values are only ever bound.
 */
#include "config.h"

#include "journal_impl.h"

const char *const journal_schema_sql =
	"CREATE TABLE run ("
	" singleton INTEGER PRIMARY KEY CHECK (singleton = 1),"
	" id TEXT NOT NULL, campaign_name TEXT,"
	" campaign_file TEXT NOT NULL, campaign_sha256 TEXT,"
	" inventory_file TEXT, inventory_sha256 TEXT,"
	" options TEXT, operator TEXT,"
	" state TEXT NOT NULL, phase TEXT NOT NULL,"
	" started_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL);"
	"CREATE TABLE steps ("
	" id INTEGER PRIMARY KEY, phase TEXT NOT NULL,"
	" procedure TEXT NOT NULL, batch INTEGER NOT NULL,"
	" node TEXT NOT NULL, step TEXT NOT NULL,"
	" attempt INTEGER NOT NULL CHECK (attempt >= 1),"
	" undo INTEGER NOT NULL, status TEXT NOT NULL,"
	" exit_code INTEGER NOT NULL, output TEXT,"
	" started_ms INTEGER NOT NULL, ended_ms INTEGER);"
	"CREATE TABLE nodes ("
	" name TEXT PRIMARY KEY, version TEXT, phase TEXT, health TEXT,"
	" maintenance INTEGER NOT NULL, status TEXT NOT NULL,"
	" updated_ms INTEGER NOT NULL);"
	"CREATE TABLE events ("
	" id INTEGER PRIMARY KEY, ts_ms INTEGER NOT NULL, operator TEXT,"
	" kind TEXT NOT NULL, object TEXT, message TEXT);"
	"CREATE TABLE facts ("
	" key TEXT PRIMARY KEY, value TEXT NOT NULL,"
	" updated_ms INTEGER NOT NULL);";

const char *const journal_stmt_sql[JOURNAL_STMT_COUNT] = {
	[JOURNAL_STMT_RUN_BEGIN] =
	    "INSERT INTO run (singleton, id, campaign_name,"
	    " campaign_file, campaign_sha256, inventory_file,"
	    " inventory_sha256, options, operator, state, phase,"
	    " started_ms, updated_ms)"
	    " VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[JOURNAL_STMT_RUN_LOAD] =
	    "SELECT id, campaign_name, campaign_file,"
	    " campaign_sha256, inventory_file, inventory_sha256, options,"
	    " operator, state, phase, started_ms, updated_ms FROM run",
	[JOURNAL_STMT_RUN_SET_STATE] =
	    "UPDATE run SET state = ?, phase = ?,"
	    " updated_ms = ?",
	[JOURNAL_STMT_STEP_INTENT] =
	    "INSERT INTO steps (phase, procedure, batch, node,"
	    " step, attempt, undo, status, exit_code, output, started_ms)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, 'intent', 0, NULL, ?)",
	[JOURNAL_STMT_STEP_OUTCOME] =
	    "UPDATE steps SET status = ?, exit_code = ?,"
	    " output = ?, ended_ms = ? WHERE id = ?",
	[JOURNAL_STMT_STEP_WITHDRAW] =
	    "DELETE FROM steps WHERE id = ? AND status = 'intent'",
	[JOURNAL_STMT_STEPS_LOAD] =
	    "SELECT id, phase, procedure, batch, node, step,"
	    " attempt, undo, status, exit_code, output, started_ms,"
	    " ended_ms FROM steps ORDER BY id",
	[JOURNAL_STMT_STEP_COUNTS] =
	    "SELECT status, count(*) FROM steps"
	    " GROUP BY status ORDER BY status",
	[JOURNAL_STMT_NODE_PUT] =
	    "INSERT INTO nodes (name, version, phase, health,"
	    " maintenance, status, updated_ms)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?)"
	    " ON CONFLICT (name) DO UPDATE SET version = excluded.version,"
	    " phase = excluded.phase, health = excluded.health,"
	    " maintenance = excluded.maintenance,"
	    " status = excluded.status, updated_ms = excluded.updated_ms",
	[JOURNAL_STMT_NODES_LOAD] =
	    "SELECT name, version, phase, health, maintenance,"
	    " status, updated_ms FROM nodes ORDER BY name",
	[JOURNAL_STMT_EVENT_ADD] =
	    "INSERT INTO events (ts_ms, operator, kind, object,"
	    " message) VALUES (?, ?, ?, ?, ?)",
	[JOURNAL_STMT_EVENTS_LOAD] =
	    "SELECT id, ts_ms, operator, kind, object, message"
	    " FROM (SELECT * FROM events ORDER BY id DESC LIMIT ?)"
	    " ORDER BY id",
	[JOURNAL_STMT_FACT_PUT] =
	    "INSERT INTO facts (key, value, updated_ms)"
	    " VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET"
	    " value = excluded.value, updated_ms = excluded.updated_ms",
	[JOURNAL_STMT_FACT_GET] =
	    "SELECT value FROM facts WHERE key = ?",
};
