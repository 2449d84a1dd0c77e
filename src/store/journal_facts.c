/* Facts: small durable key/value records the engine resumes from. */
#include "config.h"

#include "journal_impl.h"
#include "escalator/util.h"

int
journal_fact_put(struct journal *j, const char *key, const char *value)
{
	sqlite3_stmt *s = journal_stmt(j, JOURNAL_STMT_FACT_PUT);

	if (s == NULL)
		return -1;
	journal_bind_text(s, 1, key);
	journal_bind_text(s, 2, value);
	sqlite3_bind_int64(s, 3, time_now_ms());
	return journal_write(j, s, "recording a fact");
}

char *
journal_fact_get(struct journal *j, const char *key)
{
	sqlite3_stmt *s = journal_stmt(j, JOURNAL_STMT_FACT_GET);
	char *value;
	int rc;

	if (s == NULL)
		return NULL;
	journal_bind_text(s, 1, key);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		journal_read_done(j, s, rc, "reading a fact");
		return NULL;
	}
	value = journal_column_text(s, 0);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return value;
}
