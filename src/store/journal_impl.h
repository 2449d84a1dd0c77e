/*
 * Inside the journal: the connection, its cached statements and the
 * helpers the journal's files share. Private to the store module.
 */
#ifndef ESCALATOR_STORE_JOURNAL_IMPL_H
#define ESCALATOR_STORE_JOURNAL_IMPL_H

#include <sqlite3.h>

#include "escalator/journal.h"

/* Every statement, prepared on first use and kept. */
enum journal_stmt {
	JOURNAL_STMT_RUN_BEGIN,
	JOURNAL_STMT_RUN_LOAD,
	JOURNAL_STMT_RUN_SET_STATE,
	JOURNAL_STMT_STEP_INTENT,
	JOURNAL_STMT_STEP_OUTCOME,
	JOURNAL_STMT_STEP_WITHDRAW,
	JOURNAL_STMT_STEPS_LOAD,
	JOURNAL_STMT_STEP_COUNTS,
	JOURNAL_STMT_NODE_PUT,
	JOURNAL_STMT_NODES_LOAD,
	JOURNAL_STMT_EVENT_ADD,
	JOURNAL_STMT_EVENTS_LOAD,
	JOURNAL_STMT_FACT_PUT,
	JOURNAL_STMT_FACT_GET,
	JOURNAL_STMT_COUNT
};

/* journal_sql.c */
extern const char *const journal_schema_sql;
extern const char *const journal_stmt_sql[JOURNAL_STMT_COUNT];

struct journal {
	sqlite3		*db;
	char		*path;
	char		*error;
	sqlite3_stmt	*stmts[JOURNAL_STMT_COUNT];
};

/* The statement, prepared once, reset and with no bindings; NULL with
 * the error set when it cannot be prepared. */
sqlite3_stmt	*journal_stmt(struct journal *, enum journal_stmt);
/* Record "PATH: what: sqlite's message" as the error; returns -1. */
int		 journal_fail(struct journal *, const char *what);
void		 journal_set_error(struct journal *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/* Run a bound write statement as its own transaction: one journal
 * point. 0, or -1 with the error set. */
int		 journal_write(struct journal *, sqlite3_stmt *,
		    const char *what);
/* Finish a read: SQLITE_DONE is success; 0 or -1 with the error set. */
int		 journal_read_done(struct journal *, sqlite3_stmt *, int rc,
		    const char *what);

/* A caller's time: 0 stands for now. */
int64_t		 journal_time(int64_t ms);

/* Bind a string, NULL as SQL NULL. */
int		 journal_bind_text(sqlite3_stmt *, int, const char *);
/* A column as a malloc'd string, "" for NULL. */
char		*journal_column_text(sqlite3_stmt *, int);

/* Room for element n of an array loaded row by row. */
void		*journal_grow(void *, size_t n, size_t *cap, size_t size);

/* How to load one kind of record, a row each, into an array. */
struct journal_rows {
	size_t		  size;		/* of one element */
	const char	 *what;		/* "loading the nodes", for errors */
	/* Fill a zeroed element from the current row: 0, or -1 with the
	 * error set and nothing kept in the element. */
	int		(*read)(struct journal *, sqlite3_stmt *, void *);
	/* Free what read() kept in an element. */
	void		(*clear)(void *);
};
/* Every row of s (NULL: not prepared, the error is set) into a new
 * array: 0, or -1 with the error set and nothing kept. */
int		 journal_rows_load(struct journal *, sqlite3_stmt *s,
		    const struct journal_rows *, void **rows, size_t *count);
void		 journal_rows_free(void *rows, size_t count,
		    const struct journal_rows *);

/* Read transactions give the status report one consistent snapshot. */
int		 journal_read_begin(struct journal *);
void		 journal_read_end(struct journal *);

#endif
