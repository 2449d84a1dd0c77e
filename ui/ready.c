/*
 * A hook for tests that drive the console from outside: with
 * ESCALATOR_READY_FILE set, the console writes "COUNT KEYS COLS ROWS"
 * there each time it comes to rest (its input read, the engine's events
 * taken, the screen drawn, and the engine idle: waiting for a decision,
 * suspended, stopped or finished). COUNT grows by one each time, KEYS
 * counts the keys read so far, COLS ROWS is the size drawn. A test then
 * waits for the screen it sent keys for instead of guessing with sleeps.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escalator/util.h"
#include "ui_impl.h"

void
ready_init(struct ui *ui)
{
	const char *f = getenv("ESCALATOR_READY_FILE");

	ui->ready_file = f != NULL && *f != '\0' ? xstrdup(f) : NULL;
}

static bool
at_rest(const struct ui *ui)
{
	if (ui->dirty != 0)
		return false;
	if (ui->finished)
		return true;
	return !ui->cmd_unseen && ui->m.snap.idle;
}

/* Written aside and renamed, so a reader never sees half a line. */
static int
ready_write(const struct ui *ui)
{
	char *tmp = xasprintf("%s.tmp", ui->ready_file);
	FILE *f;
	int rc = -1, saved;

	if ((f = fopen(tmp, "w")) != NULL) {
		fprintf(f, "%lu %lu %d %d\n", ui->ready_count, ui->keys_read,
		    ui->scr.layout.cols, ui->scr.layout.rows);
		if (fclose(f) == 0 && rename(tmp, ui->ready_file) == 0)
			rc = 0;
	}
	saved = errno;
	free(tmp);
	errno = saved;
	return rc;
}

void
ready_mark(struct ui *ui)
{
	if (ui->ready_file == NULL || !ui->ready_due || !at_rest(ui))
		return;
	ui->ready_due = false;
	ui->ready_count++;
	if (ready_write(ui) == 0)
		return;
	ui_status(ui, "ESCALATOR_READY_FILE %s: %s", ui->ready_file,
	    strerror(errno));
	free(ui->ready_file);
	ui->ready_file = NULL;
}
