/* Events, with the operator behind each decision. */
#include "config.h"

#include <stdlib.h>

#include "escalator/util.h"
#include "journal_impl.h"

int
journal_event(struct journal *j, const char *operator, const char *kind,
    const char *object, const char *message)
{
	sqlite3_stmt *s = journal_stmt(j, JOURNAL_STMT_EVENT_ADD);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, time_now_ms());
	journal_bind_text(s, 2, operator);
	journal_bind_text(s, 3, kind);
	journal_bind_text(s, 4, object);
	journal_bind_text(s, 5, message);
	return journal_write(j, s, "recording an event");
}

static int
event_read(struct journal *j, sqlite3_stmt *s, void *elem)
{
	struct journal_event *e = elem;

	(void)j;
	e->id = sqlite3_column_int64(s, 0);
	e->ts_ms = sqlite3_column_int64(s, 1);
	e->operator = journal_column_text(s, 2);
	e->kind = journal_column_text(s, 3);
	e->object = journal_column_text(s, 4);
	e->message = journal_column_text(s, 5);
	return 0;
}

static void
event_clear(void *elem)
{
	struct journal_event *e = elem;

	free(e->operator);
	free(e->kind);
	free(e->object);
	free(e->message);
}

static const struct journal_rows event_rows = {
	sizeof(struct journal_event), "loading the events", event_read,
	event_clear
};

int
journal_events_load(struct journal *j, size_t limit,
    struct journal_event **events, size_t *count)
{
	sqlite3_stmt *s = journal_stmt(j, JOURNAL_STMT_EVENTS_LOAD);
	void *v;
	int rc;

	/* A negative LIMIT is no limit. */
	if (s != NULL)
		sqlite3_bind_int64(s, 1, limit == 0 ? -1 :
		    (sqlite3_int64)limit);
	rc = journal_rows_load(j, s, &event_rows, &v, count);
	*events = v;
	return rc;
}

void
journal_events_free(struct journal_event *v, size_t count)
{
	journal_rows_free(v, count, &event_rows);
}
