/*
 * The footer: what the engine waits for and why, the console's last
 * word, and the keys that matter now, generated from the key table.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_impl.h"

unsigned
key_context(const struct ui *ui)
{
	enum engine_state s = ui->m.snap.state;
	unsigned ctx = UI_CTX_ALWAYS | UI_CTX_TRAINING;

	if (ui->m.snap.napprovals > 0)
		ctx |= UI_CTX_DECISION;
	if (engine_state_final(s))
		return ctx & ~UI_CTX_TRAINING;
	if (s == ENGINE_STATE_EXECUTING || s == ENGINE_STATE_ROLLING_BACK ||
	    s == ENGINE_STATE_EXECUTION_COMPLETED)
		ctx |= UI_CTX_RUNNING;
	if (s == ENGINE_STATE_SUSPENDED || s == ENGINE_STATE_ERROR_DETECTED ||
	    s == ENGINE_STATE_ROLLBACK_SUSPENDED)
		ctx |= UI_CTX_STOPPED;
	if (s == ENGINE_STATE_ERROR_DETECTED || s == ENGINE_STATE_SUSPENDED)
		ctx |= UI_CTX_RECOVER;
	if (s == ENGINE_STATE_ERROR_DETECTED)
		ctx |= UI_CTX_FAILED;
	if (s == ENGINE_STATE_EXECUTING &&
	    ui->m.snap.wait.reason == WAIT_CONSTRAINT)
		ctx |= UI_CTX_CONSTRAINT;
	return ctx;
}

/* A question with a deadline: the time left now, not when the engine
 * last said why it waits (it sleeps until the deadline). */
static bool
deadline_line(struct ui *ui, WINDOW *w, int wd)
{
	const struct engine_snapshot *s = &ui->m.snap;
	char *line;

	if (s->wait.reason != WAIT_APPROVAL || s->napprovals == 0 ||
	    s->approvals[0].deadline_ms == 0)
		return false;
	line = engine_approval_line(&s->approvals[0], s->now_ms);
	putf(w, 0, 1, wd - 2, sty(ui, UI_STYLE_WAIT), "waiting for approval: "
	    "%s", line);
	free(line);
	return true;
}

static void
wait_line(struct ui *ui, WINDOW *w, int wd)
{
	const struct engine_wait *wt = &ui->m.snap.wait;

	if (!ui->quitting && !ui->finished && deadline_line(ui, w, wd))
		return;
	if (ui->quitting)
		put(w, 0, 1, wd - 2, sty(ui, UI_STYLE_WAIT),
		    "quitting: the engine stops at the next safe point...");
	else if (ui->finished)
		putf(w, 0, 1, wd - 2, sty(ui, UI_STYLE_WAIT),
		    "campaign %s: the engine has stopped",
		    engine_state_name(ui->m.snap.state));
	else if (wt->reason == WAIT_RUNNING && wt->text != NULL)
		putf(w, 0, 1, wd - 2, sty(ui, UI_STYLE_NORMAL),
		    "working: %s", wt->text);
	else if (wt->reason != WAIT_NONE && wt->text != NULL)
		putf(w, 0, 1, wd - 2, sty(ui, UI_STYLE_WAIT),
		    "waiting for %s: %s", wait_reason_name(wt->reason),
		    wt->text);
	else
		put(w, 0, 1, wd - 2, sty(ui, UI_STYLE_WAIT),
		    "engine busy");
}

void
footer_draw(struct ui *ui, WINDOW *w, int h, int wd)
{
	char keys[512];

	(void)h;
	werase(w);
	wait_line(ui, w, wd);
	if (ui->prompt.active) {
		putf(w, 1, 1, wd - 2, sty(ui, UI_STYLE_NORMAL),
		    "search node: %s_  (Enter finds, Esc cancels)",
		    ui->prompt.text);
		return;
	}
	/* the console's last word stands until the next key */
	if (ui->status != NULL) {
		put(w, 1, 1, wd - 2, sty(ui, UI_STYLE_NORMAL), ui->status);
		return;
	}
	ui_footer_text(key_context(ui), wd - 2, keys, sizeof keys);
	put(w, 1, 1, wd - 2, sty(ui, UI_STYLE_FOOTER), keys);
}
