/* The run record: one row per state directory. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "escalator/util.h"
#include "journal_impl.h"

int
journal_run_begin(struct journal *j, const struct journal_run *r)
{
	sqlite3_stmt *s = journal_stmt(j, JOURNAL_STMT_RUN_BEGIN);
	const char *text[] = { r->id, r->campaign_name, r->campaign_file,
	    r->campaign_sha256, r->inventory_file, r->inventory_sha256,
	    r->options, r->operator, r->state, r->phase };
	int i, rc;

	if (s == NULL)
		return -1;
	for (i = 0; i < (int)(sizeof text / sizeof text[0]); i++)
		journal_bind_text(s, i + 1, text[i]);
	sqlite3_bind_int64(s, i + 1, journal_time(r->started_ms));
	sqlite3_bind_int64(s, i + 2, journal_time(r->updated_ms));
	rc = journal_write(j, s, "recording the run");
	if (rc == -1 && sqlite3_extended_errcode(j->db) ==
	    SQLITE_CONSTRAINT_PRIMARYKEY)
		journal_set_error(j, "%s: already holds a run; resume it or "
		    "use another state directory", j->path);
	return rc;
}

int
journal_run_load(struct journal *j, struct journal_run *r)
{
	sqlite3_stmt *s = journal_stmt(j, JOURNAL_STMT_RUN_LOAD);
	int rc;

	memset(r, 0, sizeof *r);
	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW)
		return journal_read_done(j, s, rc, "loading the run") == 0 ?
		    1 : -1;
	r->id = journal_column_text(s, 0);
	r->campaign_name = journal_column_text(s, 1);
	r->campaign_file = journal_column_text(s, 2);
	r->campaign_sha256 = journal_column_text(s, 3);
	r->inventory_file = journal_column_text(s, 4);
	r->inventory_sha256 = journal_column_text(s, 5);
	r->options = journal_column_text(s, 6);
	r->operator = journal_column_text(s, 7);
	r->state = journal_column_text(s, 8);
	r->phase = journal_column_text(s, 9);
	r->started_ms = sqlite3_column_int64(s, 10);
	r->updated_ms = sqlite3_column_int64(s, 11);
	sqlite3_reset(s);
	return 0;
}

int
journal_run_set_state(struct journal *j, const char *state,
    const char *phase)
{
	sqlite3_stmt *s = journal_stmt(j, JOURNAL_STMT_RUN_SET_STATE);

	if (s == NULL)
		return -1;
	journal_bind_text(s, 1, state);
	journal_bind_text(s, 2, phase);
	sqlite3_bind_int64(s, 3, time_now_ms());
	if (journal_write(j, s, "recording the run's state") == -1)
		return -1;
	if (sqlite3_changes(j->db) == 0) {
		journal_set_error(j, "%s: no run to set the state of",
		    j->path);
		return -1;
	}
	return 0;
}

void
journal_run_free(struct journal_run *r)
{
	free(r->id);
	free(r->campaign_name);
	free(r->campaign_file);
	free(r->campaign_sha256);
	free(r->inventory_file);
	free(r->inventory_sha256);
	free(r->options);
	free(r->operator);
	free(r->state);
	free(r->phase);
	memset(r, 0, sizeof *r);
}
