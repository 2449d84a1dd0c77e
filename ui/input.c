/*
 * Keys: a dialog or the search prompt takes them first; then the key
 * table says what a key means; a pane handles what is its own, the
 * rest is global. The mouse selects and focuses.
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "escalator/util.h"
#include "ui_impl.h"

static void
focus(struct ui *ui, enum ui_pane p)
{
	if (ui->focus != p)
		ui->dirty |= (1u << ui->focus) | (1u << p);
	ui->focus = p;
}

static void
prompt_key(struct ui *ui, int key)
{
	struct ui_prompt *p = &ui->prompt;
	size_t n = strlen(p->text);

	if (key == UI_K_ESC)
		p->active = false;
	else if (key == UI_K_ENTER) {
		p->active = false;
		free(ui->m.search);
		ui->m.search = xstrdup(p->text);
		if (!ui_model_search(&ui->m, p->text, 1))
			ui_status(ui, "no node matches \"%s\"", p->text);
		else
			ui_status(ui, "found %s (n next, N previous)",
			    ui->inv.nodes[ui_model_selected(&ui->m)].name);
		focus(ui, UI_PANE_TOPOLOGY);
		ui->dirty |= UI_DIRTY(TOPOLOGY) | UI_DIRTY(NODE) |
		    UI_DIRTY(TIMELINE);
	} else if (key == '\b' && n > 0)
		p->text[n - 1] = '\0';
	else if (key >= ' ' && key < 0x7f && n + 1 < sizeof p->text) {
		p->text[n] = (char)key;
		p->text[n + 1] = '\0';
	}
	ui->dirty |= UI_DIRTY(FOOTER);
}

static void
search_again(struct ui *ui, int dir)
{
	if (ui->m.search == NULL || *ui->m.search == '\0') {
		ui_status(ui, "no search yet: / starts one");
		return;
	}
	if (!ui_model_search(&ui->m, ui->m.search, dir))
		ui_status(ui, "no node matches \"%s\"", ui->m.search);
	ui->dirty |= UI_DIRTY(TOPOLOGY) | UI_DIRTY(NODE) | UI_DIRTY(TIMELINE);
}

static void
mouse_event(struct ui *ui)
{
	MEVENT ev;
	enum ui_pane p;
	const struct ui_rect *r;

	if (getmouse(&ev) != OK)
		return;
	p = ui_layout_hit(&ui->scr.layout, ev.y, ev.x);
	if (p >= UI_PANE_FOCUSABLE)
		return;
	focus(ui, p);
	if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		pane_ops_of(p)->key(ui, ev.bstate & BUTTON4_PRESSED ?
		    UI_ACT_UP : UI_ACT_DOWN);
		return;
	}
	r = &ui->scr.layout.pane[UI_PANE_TOPOLOGY];
	if (p == UI_PANE_TOPOLOGY && ev.y > r->y && ev.y < r->y + r->h - 1 &&
	    ui->m.top + (size_t)(ev.y - r->y - 1) < ui->m.nvisible) {
		ui->m.sel = ui->m.top + (size_t)(ev.y - r->y - 1);
		ui->dirty |= UI_DIRTY(TOPOLOGY) | UI_DIRTY(NODE) |
		    UI_DIRTY(TIMELINE);
	}
}

/* Skip or force the selected node; for force, with none selected, the
 * node the engine says a constraint holds back. */
static void
node_action(struct ui *ui, enum engine_cmd_type type)
{
	long sel = ui_model_selected(&ui->m);
	const struct engine_wait *wt = &ui->m.snap.wait;

	if (sel < 0 && type == ENGINE_CMD_FORCE &&
	    wt->reason == WAIT_CONSTRAINT && wt->block.node < ui->inv.count)
		sel = (long)wt->block.node;
	if (sel < 0)
		ui_status(ui, "select a node first");
	else
		dialog_open_confirm(ui, type, ui->inv.nodes[sel].name);
}

/* A destructive action, after the typed word; others at once. */
static void
engine_action(struct ui *ui, enum ui_action a)
{
	switch (a) {
	case UI_ACT_PAUSE:
		ui_command(ui, ENGINE_CMD_PAUSE, 0, NULL);
		break;
	case UI_ACT_RESUME:
		ui_command(ui, ui->m.snap.state == ENGINE_STATE_ERROR_DETECTED ?
		    ENGINE_CMD_RETRY : ENGINE_CMD_RESUME, 0, NULL);
		break;
	case UI_ACT_ROLLBACK:
		dialog_open_confirm(ui, ENGINE_CMD_ROLLBACK, NULL);
		break;
	case UI_ACT_RESTORE:
		dialog_open_confirm(ui, ENGINE_CMD_RESTORE, NULL);
		break;
	case UI_ACT_ABORT:
		dialog_open_confirm(ui, ENGINE_CMD_ABORT, NULL);
		break;
	case UI_ACT_SKIP:
	case UI_ACT_FORCE:
		node_action(ui, a == UI_ACT_SKIP ? ENGINE_CMD_SKIP_NODE :
		    ENGINE_CMD_FORCE);
		break;
	default:
		break;
	}
}

static void
global_action(struct ui *ui, enum ui_action a)
{
	switch (a) {
	case UI_ACT_HELP:
		dialog_open_help(ui);
		break;
	case UI_ACT_NEXT_PANE:
		focus(ui, (enum ui_pane)((ui->focus + 1) % UI_PANE_FOCUSABLE));
		break;
	case UI_ACT_PREV_PANE:
		focus(ui, (enum ui_pane)((ui->focus + UI_PANE_FOCUSABLE - 1) %
		    UI_PANE_FOCUSABLE));
		break;
	case UI_ACT_DECIDE:
		if (ui->m.snap.napprovals > 0)
			dialog_open_approval(ui, &ui->m.snap.approvals[0]);
		else
			ui_status(ui, "nothing waits for a decision");
		break;
	case UI_ACT_SEARCH:
		ui->prompt.active = true;
		ui->prompt.text[0] = '\0';
		ui->dirty |= UI_DIRTY(FOOTER);
		break;
	case UI_ACT_SEARCH_NEXT:
	case UI_ACT_SEARCH_PREV:
		search_again(ui, a == UI_ACT_SEARCH_NEXT ? 1 : -1);
		break;
	case UI_ACT_FILTER:
		dialog_open_filter(ui);
		break;
	case UI_ACT_FAULT:
		if (ui_model_selected(&ui->m) < 0)
			ui_status(ui, "select a node for the fault first");
		else
			dialog_open_fault(ui);
		break;
	case UI_ACT_MOUSE:
		screen_mouse(ui, !ui->scr.mouse);
		ui_status(ui, "mouse %s", ui->scr.mouse ? "on" : "off");
		break;
	case UI_ACT_REDRAW:
		clearok(curscr, TRUE);
		ui->dirty = UI_DIRTY_ALL;
		break;
	case UI_ACT_SUSPEND:
		/* curses' own SIGTSTP handler restores the terminal */
		raise(SIGTSTP);
		ui->dirty = UI_DIRTY_ALL;
		break;
	case UI_ACT_QUIT:
		if (ui->finished || ui->quitting)
			ui->done = ui->finished;
		else if (ui->m.snap.state == ENGINE_STATE_EXECUTING ||
		    ui->m.snap.state == ENGINE_STATE_ROLLING_BACK ||
		    ui->m.snap.state == ENGINE_STATE_SUSPENDING ||
		    ui->m.snap.state == ENGINE_STATE_EXECUTION_COMPLETED)
			dialog_open_quit(ui);
		else
			ui_quit(ui);
		break;
	default:
		engine_action(ui, a);
		break;
	}
}

void
input_key(struct ui *ui, int key)
{
	enum ui_action a;

	if (ui->status != NULL && key != UI_K_RESIZE) {
		free(ui->status);
		ui->status = NULL;
		ui->dirty |= UI_DIRTY(FOOTER);
	}
	if (key == UI_K_RESIZE) {
		screen_layout(ui);
		return;
	}
	/* no room for a dialog: q stops at a safe point without asking */
	if (ui->scr.layout.too_small) {
		if (key == 'q')
			ui_quit(ui);
		return;
	}
	if (ui->prompt.active) {
		prompt_key(ui, key);
		return;
	}
	if (dialog_key(ui, key))
		return;
	if (key == UI_K_MOUSE) {
		mouse_event(ui);
		return;
	}
	a = ui_key_action(key);
	if (a == UI_ACT_NONE)
		return;
	if (pane_ops_of(ui->focus)->key(ui, a))
		return;
	if (a == UI_ACT_UP || a == UI_ACT_DOWN || a == UI_ACT_PAGE_UP ||
	    a == UI_ACT_PAGE_DOWN || a == UI_ACT_HOME || a == UI_ACT_END ||
	    a == UI_ACT_ENTER || a == UI_ACT_COLLAPSE || a == UI_ACT_EXPAND)
		return;
	global_action(ui, a);
}
