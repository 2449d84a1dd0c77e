/*
 * The journal's connection: opening a state directory safely, creating
 * the schema, cached statements, errors and the journal points.
 */
#include "config.h"

#include <sys/stat.h>

#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escalator/util.h"
#include "journal_impl.h"
#include "statedir.h"

enum open_mode {
	OPEN_CREATE,
	OPEN_EXISTING,
	OPEN_READONLY,
};

/*
 * The crash-resume tests kill the process right after each durable
 * write in turn; counting here, once per committed transaction, keeps
 * the hook in one place. The count is per process: a forked child
 * starts again from zero.
 */
static void
journal_point(void)
{
	static _Atomic pid_t counting;
	static atomic_long points;
	const char *at = getenv(JOURNAL_CRASH_ENV);
	pid_t self = getpid(), seen = atomic_load(&counting);
	long n;

	if (seen != self &&
	    atomic_compare_exchange_strong(&counting, &seen, self))
		atomic_store(&points, 0);
	n = atomic_fetch_add(&points, 1) + 1;
	if (at != NULL && strtol(at, NULL, 10) == n)
		kill(self, SIGKILL);
}

void
journal_set_error(struct journal *j, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		abort();
	va_end(ap);
	free(j->error);
	j->error = msg;
}

int
journal_fail(struct journal *j, const char *what)
{
	journal_set_error(j, "%s: %s: %s", j->path, what,
	    sqlite3_errmsg(j->db));
	return -1;
}

const char *
journal_error(struct journal *j)
{
	return j->error != NULL ? j->error : "no error";
}

sqlite3_stmt *
journal_stmt(struct journal *j, enum journal_stmt which)
{
	sqlite3_stmt **s = &j->stmts[which];

	if (*s == NULL) {
		if (sqlite3_prepare_v3(j->db, journal_stmt_sql[which], -1,
		    SQLITE_PREPARE_PERSISTENT, s, NULL) != SQLITE_OK) {
			journal_fail(j, "preparing a statement");
			return NULL;
		}
	}
	return *s;
}

int
journal_write(struct journal *j, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	if (rc != SQLITE_DONE)
		journal_fail(j, what);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE)
		return -1;
	journal_point();
	return 0;
}

int
journal_read_done(struct journal *j, sqlite3_stmt *s, int rc,
    const char *what)
{
	if (rc != SQLITE_DONE)
		journal_fail(j, what);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int64_t
journal_time(int64_t ms)
{
	return ms != 0 ? ms : time_now_ms();
}

int
journal_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		return sqlite3_bind_null(s, i);
	return sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

char *
journal_column_text(sqlite3_stmt *s, int i)
{
	const unsigned char *v = sqlite3_column_text(s, i);

	return xstrdup(v != NULL ? (const char *)v : "");
}

void *
journal_grow(void *v, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap != 0 ? *cap * 2 : 16;
	return xreallocarray(v, *cap, size);
}

int
journal_rows_load(struct journal *j, sqlite3_stmt *s,
    const struct journal_rows *how, void **rows, size_t *count)
{
	char *v = NULL, *elem;
	size_t n = 0, cap = 0;
	int rc;

	*rows = NULL;
	*count = 0;
	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = journal_grow(v, n, &cap, how->size);
		elem = v + n * how->size;
		memset(elem, 0, how->size);
		if (how->read(j, s, elem) == -1)
			break;
		n++;
	}
	/* A row read() refused has its error set already. */
	if (rc == SQLITE_ROW) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
	} else if (journal_read_done(j, s, rc, how->what) == 0) {
		*rows = v;
		*count = n;
		return 0;
	}
	journal_rows_free(v, n, how);
	return -1;
}

void
journal_rows_free(void *rows, size_t count, const struct journal_rows *how)
{
	char *v = rows;

	for (size_t i = 0; i < count; i++)
		how->clear(v + i * how->size);
	free(rows);
}

int
journal_read_begin(struct journal *j)
{
	if (sqlite3_exec(j->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return journal_fail(j, "starting a read");
	return 0;
}

void
journal_read_end(struct journal *j)
{
	sqlite3_exec(j->db, "COMMIT", NULL, NULL, NULL);
}

static int
journal_exec(struct journal *j, const char *sql, const char *what)
{
	if (sqlite3_exec(j->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return journal_fail(j, what);
	return 0;
}

static int
journal_user_version(struct journal *j, int *version)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(j->db, "PRAGMA user_version", -1, &s,
	    NULL) != SQLITE_OK)
		return journal_fail(j, "reading the schema version");
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int(s, 0);
	else
		journal_fail(j, "reading the schema version");
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* WAL is what lets status read while a run writes: insist on it. */
static int
journal_set_wal(struct journal *j)
{
	sqlite3_stmt *s;
	int ok;

	if (sqlite3_prepare_v2(j->db, "PRAGMA journal_mode = WAL", -1, &s,
	    NULL) != SQLITE_OK)
		return journal_fail(j, "switching to WAL");
	ok = sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_text(s, 0) != NULL &&
	    strcmp((const char *)sqlite3_column_text(s, 0), "wal") == 0;
	if (!ok)
		journal_set_error(j, "%s: the file system does not support "
		    "SQLite's write-ahead log", j->path);
	sqlite3_finalize(s);
	return ok ? 0 : -1;
}

static int
journal_schema_check(struct journal *j, int version)
{
	if (version > JOURNAL_SCHEMA_VERSION) {
		journal_set_error(j, "%s: schema version %d is newer than "
		    "this escalator knows (%d); use a newer escalator", j->path,
		    version, JOURNAL_SCHEMA_VERSION);
		return -1;
	}
	if (version == 0) {
		journal_set_error(j, "%s: holds no journal", j->path);
		return -1;
	}
	return 0;
}

/* Create the tables once; the check runs inside the write transaction
 * so that two processes opening a new directory do not both create. */
static int
journal_schema_ensure(struct journal *j)
{
	int version;
	char *sql;
	int rc;

	if (journal_exec(j, "BEGIN IMMEDIATE", "creating the schema") == -1)
		return -1;
	if (journal_user_version(j, &version) == -1)
		goto fail;
	if (version == 0) {
		if (journal_exec(j, journal_schema_sql,
		    "creating the schema") == -1)
			goto fail;
		sql = xasprintf("PRAGMA user_version = %d",
		    JOURNAL_SCHEMA_VERSION);
		rc = journal_exec(j, sql, "setting the schema version");
		free(sql);
		if (rc == -1)
			goto fail;
		version = JOURNAL_SCHEMA_VERSION;
	}
	if (journal_schema_check(j, version) == -1)
		goto fail;
	return journal_exec(j, "COMMIT", "creating the schema");
fail:
	sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int
journal_configure(struct journal *j, enum open_mode mode)
{
	int version;

	if (sqlite3_busy_timeout(j->db, 10000) != SQLITE_OK)
		return journal_fail(j, "setting the busy timeout");
	if (mode == OPEN_READONLY) {
		if (journal_user_version(j, &version) == -1)
			return -1;
		return journal_schema_check(j, version);
	}
	if (journal_set_wal(j) == -1 ||
	    journal_exec(j, "PRAGMA synchronous = FULL; "
	    "PRAGMA foreign_keys = ON", "configuring") == -1)
		return -1;
	return journal_schema_ensure(j);
}

/* The database's companions hold the same data: check them too. */
static int
journal_files_check(const char *path, char **err)
{
	static const char *const suffixes[] = { "-wal", "-shm" };
	char *file;
	int rc;

	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		file = xasprintf("%s%s", path, suffixes[i]);
		rc = statefile_check(file, err);
		free(file);
		if (rc == -1)
			return -1;
	}
	return 0;
}

static void
journal_files_chmod(const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char *file;

	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		file = xasprintf("%s%s", path, suffixes[i]);
		(void)chmod(file, 0600);
		free(file);
	}
}

static int
journal_open_db(struct journal *j, enum open_mode mode, char **err)
{
	int flags = SQLITE_OPEN_NOMUTEX;
	mode_t mask;
	int rc;

	if (mode == OPEN_READONLY)
		flags |= SQLITE_OPEN_READONLY;
	else
		flags |= SQLITE_OPEN_READWRITE;
	if (mode == OPEN_CREATE)
		flags |= SQLITE_OPEN_CREATE;
	/* Files SQLite creates (the database, -wal, -shm) start private. */
	mask = umask(077);
	rc = sqlite3_open_v2(j->path, &j->db, flags, NULL);
	if (rc != SQLITE_OK)
		journal_fail(j, "opening");
	else
		rc = journal_configure(j, mode);
	umask(mask);
	if (mode != OPEN_READONLY)
		journal_files_chmod(j->path);
	if (rc != SQLITE_OK) {
		*err = xstrdup(journal_error(j));
		return -1;
	}
	return 0;
}

static int
journal_open_mode(struct journal **jp, const char *state_dir,
    enum open_mode mode, char **err)
{
	struct journal *j;
	char *path;
	int rc;

	*jp = NULL;
	*err = NULL;
	if (statedir_check(state_dir, mode == OPEN_CREATE, err) == -1)
		return -1;
	path = xasprintf("%s/%s", state_dir, JOURNAL_FILE);
	rc = statefile_check(path, err);
	if (rc == 1 && mode != OPEN_CREATE)
		*err = xasprintf("%s: no journal in this state directory "
		    "(no %s)", state_dir, JOURNAL_FILE);
	if (rc == -1 || (rc == 1 && mode != OPEN_CREATE) ||
	    journal_files_check(path, err) == -1) {
		free(path);
		return -1;
	}
	j = xcalloc(1, sizeof *j);
	j->path = path;
	if (journal_open_db(j, mode, err) == -1) {
		journal_close(j);
		return -1;
	}
	*jp = j;
	return 0;
}

int
journal_open(struct journal **jp, const char *state_dir, bool create,
    char **err)
{
	return journal_open_mode(jp, state_dir,
	    create ? OPEN_CREATE : OPEN_EXISTING, err);
}

int
journal_open_readonly(struct journal **jp, const char *state_dir,
    char **err)
{
	return journal_open_mode(jp, state_dir, OPEN_READONLY, err);
}

void
journal_close(struct journal *j)
{
	if (j == NULL)
		return;
	for (size_t i = 0; i < JOURNAL_STMT_COUNT; i++)
		sqlite3_finalize(j->stmts[i]);
	sqlite3_close(j->db);
	free(j->path);
	free(j->error);
	free(j);
}
