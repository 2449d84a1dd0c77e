/* Step records: an intent before each action, its outcome after. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "journal_impl.h"

static const char *const step_status_names[] = {
#define X(e, s, h) s,
	STEP_STATUS_LIST(X)
#undef X
};

const char *
step_status_name(enum step_status st)
{
	if ((unsigned)st >= STEP_STATUS_COUNT)
		return "?";
	return step_status_names[st];
}

int
step_status_parse(const char *name, enum step_status *st)
{
	for (size_t i = 0; i < STEP_STATUS_COUNT; i++) {
		if (strcmp(name, step_status_names[i]) == 0) {
			*st = (enum step_status)i;
			return 0;
		}
	}
	return -1;
}

int64_t
journal_step_intent(struct journal *j, const struct journal_step *st)
{
	sqlite3_stmt *s = journal_stmt(j, JOURNAL_STMT_STEP_INTENT);

	if (s == NULL)
		return -1;
	journal_bind_text(s, 1, st->phase);
	journal_bind_text(s, 2, st->procedure != NULL ? st->procedure : "");
	sqlite3_bind_int(s, 3, st->batch);
	journal_bind_text(s, 4, st->node != NULL ? st->node : "");
	journal_bind_text(s, 5, st->step);
	sqlite3_bind_int(s, 6, st->attempt);
	sqlite3_bind_int(s, 7, st->undo);
	sqlite3_bind_int64(s, 8, journal_time(st->started_ms));
	if (journal_write(j, s, "recording a step's intent") == -1)
		return -1;
	return sqlite3_last_insert_rowid(j->db);
}

int
journal_step_outcome(struct journal *j, int64_t id, enum step_status st,
    int exit_code, const char *output, int64_t ended_ms)
{
	sqlite3_stmt *s;

	if ((unsigned)st >= STEP_STATUS_COUNT) {
		journal_set_error(j, "%s: step %lld: no such status %d",
		    j->path, (long long)id, (int)st);
		return -1;
	}
	if ((s = journal_stmt(j, JOURNAL_STMT_STEP_OUTCOME)) == NULL)
		return -1;
	journal_bind_text(s, 1, step_status_name(st));
	sqlite3_bind_int(s, 2, exit_code);
	journal_bind_text(s, 3, output);
	sqlite3_bind_int64(s, 4, journal_time(ended_ms));
	sqlite3_bind_int64(s, 5, id);
	if (journal_write(j, s, "recording a step's outcome") == -1)
		return -1;
	if (sqlite3_changes(j->db) == 0) {
		journal_set_error(j, "%s: no step %lld to record the outcome "
		    "of", j->path, (long long)id);
		return -1;
	}
	return 0;
}

int
journal_step_withdraw(struct journal *j, int64_t id)
{
	sqlite3_stmt *s = journal_stmt(j, JOURNAL_STMT_STEP_WITHDRAW);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (journal_write(j, s, "withdrawing a step's intent") == -1)
		return -1;
	if (sqlite3_changes(j->db) == 0) {
		journal_set_error(j, "%s: no intent of step %lld to withdraw",
		    j->path, (long long)id);
		return -1;
	}
	return 0;
}

static int
step_read(struct journal *j, sqlite3_stmt *s, void *elem)
{
	const unsigned char *status = sqlite3_column_text(s, 8);
	struct journal_step *st = elem;

	st->id = sqlite3_column_int64(s, 0);
	if (status == NULL ||
	    step_status_parse((const char *)status, &st->status) == -1) {
		journal_set_error(j, "%s: step %lld has an unknown status "
		    "'%s'", j->path, (long long)st->id,
		    status != NULL ? (const char *)status : "");
		return -1;
	}
	st->phase = journal_column_text(s, 1);
	st->procedure = journal_column_text(s, 2);
	st->batch = sqlite3_column_int(s, 3);
	st->node = journal_column_text(s, 4);
	st->step = journal_column_text(s, 5);
	st->attempt = sqlite3_column_int(s, 6);
	st->undo = sqlite3_column_int(s, 7) != 0;
	st->exit_code = sqlite3_column_int(s, 9);
	if (sqlite3_column_type(s, 10) != SQLITE_NULL)
		st->output = journal_column_text(s, 10);
	st->started_ms = sqlite3_column_int64(s, 11);
	st->ended_ms = sqlite3_column_int64(s, 12);
	return 0;
}

static void
step_clear(void *elem)
{
	struct journal_step *st = elem;

	free(st->phase);
	free(st->procedure);
	free(st->node);
	free(st->step);
	free(st->output);
}

static const struct journal_rows step_rows = {
	sizeof(struct journal_step), "loading the steps", step_read,
	step_clear
};

int
journal_steps_load(struct journal *j, struct journal_step **steps,
    size_t *count)
{
	void *v;
	int rc;

	rc = journal_rows_load(j, journal_stmt(j, JOURNAL_STMT_STEPS_LOAD),
	    &step_rows, &v, count);
	*steps = v;
	return rc;
}

void
journal_steps_free(struct journal_step *v, size_t count)
{
	journal_rows_free(v, count, &step_rows);
}
