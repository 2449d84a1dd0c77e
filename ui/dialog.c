/*
 * Dialogs over the panes: a decision the engine waits for (phase
 * boundary, approval gate, VNF coordination point, unknown outcome), a
 * typed word before a destructive action, quitting, the filter and
 * fault menus, and the help screen generated from the key table. The
 * panes go on updating underneath.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escalator/sim.h"
#include "escalator/util.h"
#include "ui_impl.h"

#define DLG_MAX_W	72
#define DLG_LINES	64

/* What a phase risks, for the boundary dialog. */
static const char *const phase_risk[ENGINE_PHASE_COUNT] = {
	[ENGINE_PHASE_PREPARATION] = "none: nothing touches the nodes",
	[ENGINE_PHASE_VALIDATION] = "none: checks only, nothing changes",
	[ENGINE_PHASE_BACKUP] = "low: reads the nodes, writes backups",
	[ENGINE_PHASE_EXECUTION] = "nodes go into maintenance and are "
	    "upgraded; outage counts against the budget",
	[ENGINE_PHASE_TESTING] = "low: tests on the upgraded nodes",
	[ENGINE_PHASE_COMMIT] = "final: after commit there is no rollback",
	[ENGINE_PHASE_ROLLBACK] = "undoes what ran",
};

/* The lines a dialog shows, built before drawing. */
struct text {
	char	*line[DLG_LINES];
	attr_t	 attr[DLG_LINES];
	int	 n;
	int	 width;
};

static void
text_add(struct text *t, attr_t a, const char *s)
{
	if (t->n < DLG_LINES) {
		t->attr[t->n] = a;
		t->line[t->n++] = xstrdup(s);
	}
}

/* Words wrapped to the dialog's width. */
static void
text_wrap(struct text *t, attr_t a, const char *s)
{
	char buf[DLG_MAX_W + 1];
	int w = t->width;

	while (*s != '\0') {
		int n = (int)strlen(s), cut = n;

		if (n > w) {
			for (cut = w; cut > 0 && s[cut] != ' '; cut--)
				;
			if (cut == 0)
				cut = w;
		}
		snprintf(buf, sizeof buf, "%.*s", cut, s);
		text_add(t, a, buf);
		s += cut;
		while (*s == ' ')
			s++;
	}
}

static void
text_addf(struct text *t, attr_t a, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
text_addf(struct text *t, attr_t a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		abort();
	va_end(ap);
	text_wrap(t, a, s);
	free(s);
}

static void
text_free(struct text *t)
{
	for (int i = 0; i < t->n; i++)
		free(t->line[i]);
	t->n = 0;
}

/* --- opening and closing ---------------------------------------------- */

static void
items_free(struct ui_dialog *d)
{
	for (size_t i = 0; i < d->nitems; i++) {
		free(d->items[i].text);
		free(d->items[i].value);
	}
	free(d->items);
	d->items = NULL;
	d->nitems = 0;
}

static void
item_add(struct ui_dialog *d, int key, int kind, const char *value,
    const char *text)
{
	d->items = xreallocarray(d->items, d->nitems + 1, sizeof *d->items);
	d->items[d->nitems].key = key;
	d->items[d->nitems].kind = kind;
	d->items[d->nitems].value = value ? xstrdup(value) : NULL;
	d->items[d->nitems].text = xstrdup(text);
	d->nitems++;
}

void
dialog_close(struct ui *ui)
{
	struct ui_dialog *d = &ui->dlg;

	free(d->approval.node);
	free(d->approval.object);
	free(d->approval.affected);
	free(d->approval.summary);
	free(d->message);
	free(d->fault_kind);
	free(d->node);
	items_free(d);
	memset(d, 0, sizeof *d);
	if (ui->scr.dlg_win != NULL)
		delwin(ui->scr.dlg_win);
	ui->scr.dlg_win = NULL;
	ui->dirty = UI_DIRTY_ALL;
}

static void
dialog_open(struct ui *ui, enum ui_dialog_kind kind)
{
	dialog_close(ui);
	ui->dlg.kind = kind;
	ui->dirty |= UI_DIRTY(FOOTER);
}

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void
dialog_open_approval(struct ui *ui, const struct engine_approval *a)
{
	dialog_open(ui, UI_DLG_APPROVAL);
	ui->dlg.approval = *a;
	ui->dlg.approval.node = dup_or_null(a->node);
	ui->dlg.approval.object = dup_or_null(a->object);
	ui->dlg.approval.affected = dup_or_null(a->affected);
	ui->dlg.approval.summary = dup_or_null(a->summary);
}

void
dialog_open_confirm(struct ui *ui, enum engine_cmd_type type,
    const char *node)
{
	dialog_open(ui, UI_DLG_CONFIRM);
	ui->dlg.confirm = type;
	ui->dlg.node = dup_or_null(node);
}

void
dialog_open_quit(struct ui *ui)
{
	dialog_open(ui, UI_DLG_QUIT);
}

enum filter_item {
	F_NODES_ALL, F_NODES_FAILED, F_NODES_RUNNING, F_ROLE, F_SITE,
	F_EVENTS_ALL, F_EVENTS_WARN, F_EVENTS_ERROR, F_EVENTS_NODE,
};

/* Roles and sites of the inventory, each once, numbered 1-9. */
static void
filter_values(struct ui *ui)
{
	struct strv seen = { NULL, 0 };
	int key = '1';
	char buf[96];

	for (size_t i = 0; i < ui->inv.count && key <= '9'; i++) {
		const struct node *n = &ui->inv.nodes[i];
		const char *site = node_label(n, LABEL_SITE);

		for (size_t r = 0; r < n->roles.count && key <= '9'; r++) {
			snprintf(buf, sizeof buf, "role %s",
			    n->roles.items[r]);
			if (strv_contains(&seen, buf))
				continue;
			strv_push(&seen, buf);
			item_add(&ui->dlg, key++, F_ROLE, n->roles.items[r],
			    buf);
		}
		if (site == NULL || key > '9')
			continue;
		snprintf(buf, sizeof buf, "site %s", site);
		if (strv_contains(&seen, buf))
			continue;
		strv_push(&seen, buf);
		item_add(&ui->dlg, key++, F_SITE, site, buf);
	}
	strv_free(&seen);
}

void
dialog_open_filter(struct ui *ui)
{
	struct ui_dialog *d;

	dialog_open(ui, UI_DLG_FILTER);
	d = &ui->dlg;
	item_add(d, 'a', F_NODES_ALL, NULL, "every node");
	item_add(d, 'f', F_NODES_FAILED, NULL, "failed or hung nodes");
	item_add(d, 'r', F_NODES_RUNNING, NULL, "running nodes");
	filter_values(ui);
	item_add(d, 'e', F_EVENTS_ALL, NULL, "events: all");
	item_add(d, 'w', F_EVENTS_WARN, NULL, "events: warnings and errors");
	item_add(d, 'x', F_EVENTS_ERROR, NULL, "events: errors only");
	item_add(d, 'n', F_EVENTS_NODE, NULL,
	    "events: the selected node's only (again: every node's)");
}

/* The simulator's fault kinds a trainee may inject from the console. */
static const struct {
	int		 key;
	const char	*kind;
	bool		 step;
	const char	*text;
} faults[] = {
	{ 'f', "fail", true, "fail a step on the node" },
	{ 'h', "hang", true, "hang a step (runs past its expected time)" },
	{ 'l', "flap", false, "flap its health checks" },
	{ 'k', "die", false, "kill the node" },
	{ 'v', "vnfm-deny", false, "make its VNF manager refuse" },
};

void
dialog_open_fault(struct ui *ui)
{
	dialog_open(ui, UI_DLG_FAULT);
	for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
		item_add(&ui->dlg, faults[i].key, (int)i, faults[i].kind,
		    faults[i].text);
}

/* The steps of the procedures that take in the node, numbered. */
static void
dialog_open_fault_step(struct ui *ui, const char *kind, long node)
{
	const struct node *n = &ui->inv.nodes[node];
	int key = '1';

	dialog_open(ui, UI_DLG_FAULT_STEP);
	ui->dlg.fault_kind = xstrdup(kind);
	for (size_t p = 0; p < ui->c.nprocedures; p++) {
		const struct procedure *pr = &ui->c.procedures[p];

		if (!selector_match(&pr->target, n))
			continue;
		for (size_t s = 0; s < pr->nsteps && key <= '9'; s++)
			item_add(&ui->dlg, key++, 0, pr->steps[s].name,
			    pr->steps[s].name);
	}
}

void
dialog_open_help(struct ui *ui)
{
	dialog_open(ui, UI_DLG_HELP);
}

/* --- drawing ---------------------------------------------------------- */

/* The host's VNF instances and the constraints their VNFs carry. */
static void
vnf_lines(struct ui *ui, struct text *t, const char *host)
{
	long i = inventory_find(&ui->inv, host);
	const struct node *nd;

	if (i < 0)
		return;
	nd = &ui->inv.nodes[i];
	for (size_t v = 0; v < nd->nvnfs; v++) {
		const struct vnf_rule *rule = NULL;

		for (size_t r = 0; r < ui->c.nvnf_rules; r++)
			if (strcmp(ui->c.vnf_rules[r].vnf,
			    nd->vnfs[v].vnf) == 0)
				rule = &ui->c.vnf_rules[r];
		if (rule == NULL)
			text_addf(t, sty(ui, UI_STYLE_DIALOG), "  %s/%s: no "
			    "constraint", nd->vnfs[v].vnf,
			    nd->vnfs[v].instance);
		else
			text_addf(t, sty(ui, UI_STYLE_DIALOG), "  %s/%s: at "
			    "most %d instance(s) down at once%s%s",
			    nd->vnfs[v].vnf, nd->vnfs[v].instance,
			    rule->max_impacted_members,
			    rule->anti_affinity_group ? ", anti-affinity " :
			    "", rule->anti_affinity_group ?
			    rule->anti_affinity_group : "");
	}
}

/* An unknown host key: what to compare, and what accepting does. */
static void
hostkey_text(struct ui *ui, struct text *t)
{
	const struct engine_approval *a = &ui->dlg.approval;
	long i = a->node != NULL ? inventory_find(&ui->inv, a->node) : -1;
	const struct node *nd = i >= 0 ? &ui->inv.nodes[i] : NULL;
	attr_t n = sty(ui, UI_STYLE_DIALOG);

	text_addf(t, sty(ui, UI_STYLE_DIALOG_TITLE), "Unknown host key #%u: "
	    "%s", a->id, a->node ? a->node : "");
	text_addf(t, n, "host:        %s", a->node ? a->node : "");
	text_addf(t, n, "address:     %s port %d", nd != NULL &&
	    nd->address != NULL ? nd->address : a->node ? a->node : "",
	    nd != NULL && nd->port > 0 ? nd->port : 22);
	text_addf(t, n, "key type:    %s", a->hostkey.type);
	text_addf(t, sty(ui, UI_STYLE_SELECTED), "fingerprint: %s",
	    a->hostkey.fingerprint);
	/* the step that met it, or "connecting ahead" */
	text_addf(t, n, "found by:    %s", a->object ? a->object : "");
	text_add(t, n, "");
	text_wrap(t, n, "Compare the fingerprint with the node's own "
	    "(ssh-keygen -lf on its host key, from its console). Accepting "
	    "records the key in known_hosts and connects again, trusting "
	    "that key only; denying fails the node's steps, and their "
	    "failure policy applies. Meanwhile they wait; the rest of the "
	    "campaign goes on.");
	text_add(t, n, "");
	text_add(t, sty(ui, UI_STYLE_DANGER), "[a] accept  [d] deny  "
	    "[e] defer (suspend)  [Esc] later");
}

/* A question with a deadline: the time left on the engine's clock, and
 * a defer that buys another timeout instead of suspending. */
static void
deadline_text(struct ui *ui, struct text *t)
{
	const struct engine_approval *a = &ui->dlg.approval;
	char left[32], more[32];

	duration_format(a->deadline_ms - ui->m.snap.now_ms, left, sizeof left);
	duration_format(a->extend_ms, more, sizeof more);
	text_addf(t, sty(ui, UI_STYLE_SELECTED), "answer within %s, or the "
	    "step fails", left);
	text_addf(t, sty(ui, UI_STYLE_DANGER), "[a] approve  [d] deny  "
	    "[e] defer (+%s)  [Esc] later", more);
}

static void
approval_text(struct ui *ui, struct text *t)
{
	const struct engine_approval *a = &ui->dlg.approval;
	attr_t n = sty(ui, UI_STYLE_DIALOG), k = sty(ui, UI_STYLE_DANGER);
	enum engine_phase ph;

	if (a->kind == APPROVAL_PHASE &&
	    engine_phase_parse(a->object, &ph) == 0) {
		text_addf(t, sty(ui, UI_STYLE_DIALOG_TITLE),
		    "Phase boundary: enter %s?", a->object);
		text_addf(t, n, "next: %s", a->summary ? a->summary : "");
		text_addf(t, n, "risk: %s", phase_risk[ph]);
		text_add(t, n, "");
		text_add(t, k, "[y/Enter] confirm  [n] cancel (suspend; r asks "
		    "again)  [Esc] later");
		return;
	}
	if (a->kind == APPROVAL_HOSTKEY) {
		hostkey_text(ui, t);
		return;
	}
	text_addf(t, sty(ui, UI_STYLE_DIALOG_TITLE), "%s #%u: %s",
	    a->kind == APPROVAL_VNF ? "VNF coordination point" :
	    a->kind == APPROVAL_GATE ? "Approval gate" : "Unknown outcome",
	    a->id, a->object ? a->object : "");
	if (a->summary)
		text_wrap(t, n, a->summary);
	if (a->node) {
		text_addf(t, n, "host: %s", a->node);
		vnf_lines(ui, t, a->node);
	}
	if (a->affected)
		text_addf(t, n, "affected: %s", a->affected);
	text_add(t, n, "");
	if (a->deadline_ms > 0) {
		deadline_text(ui, t);
		return;
	}
	text_add(t, k, a->kind == APPROVAL_UNKNOWN_OUTCOME ?
	    "[a] it took effect  [d] it did not  [e] defer  [Esc] later" :
	    "[a] approve  [d] deny  [e] defer (suspend)  [Esc] later");
}

/* The destructive decisions: the word to type, and what happens. */
static const struct confirm {
	enum engine_cmd_type	 cmd;
	const char		*word;
	const char		*title;
	const char		*what;
} confirms[] = {
	{ ENGINE_CMD_ROLLBACK, "rollback", "Roll back the campaign",
	    "Executed steps are undone in reverse order, at the next safe "
	    "point." },
	{ ENGINE_CMD_RESTORE, "restore", "Restore from backup",
	    "The nodes are restored from the campaign's backup, at the next "
	    "safe point." },
	{ ENGINE_CMD_ABORT, "abort", "Abort the campaign",
	    "The campaign stops for good where it is; nodes stay as they "
	    "are." },
	{ ENGINE_CMD_SKIP_NODE, "skip", "Skip a node",
	    "The node is left as it is, nothing undone: its remaining steps "
	    "do not run and it counts as failed in its batch. The others go "
	    "on (r resumes); the commit names it." },
	{ ENGINE_CMD_FORCE, "force", "Force a node past its constraint",
	    "The node starts now although an availability constraint holds "
	    "it back: more goes down at once than the campaign allows. It "
	    "counts as down all the same." },
};

static const struct confirm *
confirm_of(enum engine_cmd_type t)
{
	for (size_t i = 0; i < sizeof confirms / sizeof confirms[0]; i++)
		if (confirms[i].cmd == t)
			return &confirms[i];
	return &confirms[0];
}

static const char *
confirm_word(enum engine_cmd_type t)
{
	return confirm_of(t)->word;
}

static void
confirm_text(struct ui *ui, struct text *t)
{
	enum engine_cmd_type c = ui->dlg.confirm;
	const struct engine_wait *wt = &ui->m.snap.wait;
	attr_t n = sty(ui, UI_STYLE_DIALOG);

	text_addf(t, sty(ui, UI_STYLE_DANGER), "%s", confirm_of(c)->title);
	if (ui->dlg.node != NULL)
		text_addf(t, n, "node: %s", ui->dlg.node);
	/* what holds it back, when the engine names this node */
	if (c == ENGINE_CMD_FORCE && wt->reason == WAIT_CONSTRAINT &&
	    wt->text != NULL && ui->dlg.node != NULL &&
	    wt->block.node < ui->inv.count &&
	    strcmp(ui->inv.nodes[wt->block.node].name, ui->dlg.node) == 0)
		text_wrap(t, n, wt->text);
	text_wrap(t, n, confirm_of(c)->what);
	text_addf(t, n, "This is journaled as decided by %s.", ui->operator);
	text_add(t, n, "");
	text_addf(t, n, "Type %s and press Enter (Esc cancels):",
	    confirm_word(c));
	text_addf(t, sty(ui, UI_STYLE_SELECTED), "> %s_", ui->dlg.input);
	if (ui->dlg.message)
		text_add(t, sty(ui, UI_STYLE_EVENT_ERROR), ui->dlg.message);
}

static void
menu_text(struct ui *ui, struct text *t, const char *title)
{
	text_add(t, sty(ui, UI_STYLE_DIALOG_TITLE), title);
	for (size_t i = 0; i < ui->dlg.nitems; i++)
		text_addf(t, sty(ui, UI_STYLE_DIALOG), "[%c] %s",
		    ui->dlg.items[i].key, ui->dlg.items[i].text);
	text_add(t, sty(ui, UI_STYLE_DIALOG), "[Esc] close");
}

static void
help_text(struct ui *ui, struct text *t)
{
	const struct ui_binding *b = NULL;
	size_t n;
	char keys[48];

	b = ui_bindings(&n);
	text_add(t, sty(ui, UI_STYLE_DIALOG_TITLE),
	    "Keys (j/k scroll, any other key closes)");
	for (size_t i = 0; i < n; i++)
		text_addf(t, sty(ui, UI_STYLE_DIALOG), "%-14s %s",
		    ui_binding_keys(&b[i], keys, sizeof keys), b[i].help);
	text_add(t, sty(ui, UI_STYLE_DIALOG), "");
	text_add(t, sty(ui, UI_STYLE_DIALOG_TITLE), "Node symbols");
	for (int i = 0; i < UI_NODE_STATE_COUNT; i++) {
		enum ui_node_state s = (enum ui_node_state)i;

		text_addf(t, sty(ui, ui_node_state_style(s)), "%s  %s",
		    ui_node_state_symbol(s, ui->scr.utf8),
		    ui_node_state_name(s));
	}
	text_add(t, sty(ui, UI_STYLE_DIALOG), "");
	text_add(t, sty(ui, UI_STYLE_DIALOG_TITLE), "Event symbols");
	for (int i = UI_SEV_COUNT - 1; i >= 0; i--) {
		enum ui_severity v = (enum ui_severity)i;

		text_addf(t, sty(ui, ui_severity_style(v)), "%s  %s",
		    ui_severity_symbol(v, ui->scr.utf8), ui_severity_name(v));
	}
}

static void
dialog_text(struct ui *ui, struct text *t)
{
	switch (ui->dlg.kind) {
	case UI_DLG_APPROVAL:
		approval_text(ui, t);
		break;
	case UI_DLG_CONFIRM:
		confirm_text(ui, t);
		break;
	case UI_DLG_QUIT:
		text_add(t, sty(ui, UI_STYLE_DIALOG_TITLE), "Quit?");
		text_wrap(t, sty(ui, UI_STYLE_DIALOG), "The campaign is "
		    "running. Quitting lets the engine stop at the next safe "
		    "point; reopening the console carries on from the "
		    "journal.");
		text_addf(t, sty(ui, UI_STYLE_DIALOG), "(escalator resume "
		    "--state-dir %s)", ui->state_dir);
		text_add(t, sty(ui, UI_STYLE_DIALOG), "");
		text_add(t, sty(ui, UI_STYLE_DANGER),
		    "[y] quit   [n/Enter/Esc] no, stay");
		break;
	case UI_DLG_FILTER:
		menu_text(ui, t, "Filter");
		break;
	case UI_DLG_FAULT:
		menu_text(ui, t, "Training: inject a fault on the node");
		break;
	case UI_DLG_FAULT_STEP:
		menu_text(ui, t, "Which step?");
		break;
	case UI_DLG_HELP:
		help_text(ui, t);
		break;
	default:
		break;
	}
}

void
dialog_draw(struct ui *ui)
{
	struct text t = { .n = 0 };
	int w, h, rows, first;

	w = COLS - 4 < DLG_MAX_W ? COLS - 4 : DLG_MAX_W;
	t.width = w - 4;
	dialog_text(ui, &t);
	h = t.n + 2 < LINES - 2 ? t.n + 2 : LINES - 2;
	rows = h - 2;
	if (ui->dlg.scroll > t.n - rows)
		ui->dlg.scroll = t.n - rows > 0 ? t.n - rows : 0;
	first = ui->dlg.kind == UI_DLG_HELP ? ui->dlg.scroll : 0;
	if (ui->scr.dlg_win != NULL)
		delwin(ui->scr.dlg_win);
	ui->scr.dlg_win = newwin(h, w, (LINES - h) / 2, (COLS - w) / 2);
	wbkgd(ui->scr.dlg_win, ' ' | sty(ui, UI_STYLE_DIALOG));
	wattr_set(ui->scr.dlg_win, sty(ui, UI_STYLE_BORDER_FOCUS),
	    PAIR_NUMBER(sty(ui, UI_STYLE_BORDER_FOCUS)), NULL);
	if (ui->scr.utf8)
		box_set(ui->scr.dlg_win, NULL, NULL);
	else
		wborder(ui->scr.dlg_win, '|', '|', '-', '-', '+', '+', '+',
		    '+');
	for (int i = 0; i < rows && first + i < t.n; i++)
		put(ui->scr.dlg_win, 1 + i, 2, w - 4, t.attr[first + i],
		    t.line[first + i]);
	text_free(&t);
}

/* --- keys ------------------------------------------------------------- */

static void
approval_key(struct ui *ui, int key)
{
	const struct engine_approval *a = &ui->dlg.approval;
	enum engine_cmd_type cmd;

	if (key == UI_K_ESC) {
		ui->dismissed = a->id;
		ui_status(ui, "decision #%u left for later: a answers it",
		    a->id);
		dialog_close(ui);
		return;
	}
	if (a->kind == APPROVAL_PHASE)
		cmd = key == 'y' || key == UI_K_ENTER ? ENGINE_CMD_APPROVE :
		    key == 'n' ? ENGINE_CMD_DEFER : ENGINE_CMD_QUIT;
	else
		cmd = key == 'a' ? ENGINE_CMD_APPROVE : key == 'd' ?
		    ENGINE_CMD_DENY : key == 'e' ? ENGINE_CMD_DEFER :
		    ENGINE_CMD_QUIT;
	if (cmd == ENGINE_CMD_QUIT)
		return;		/* not an answer: the dialog stays */
	ui_command(ui, cmd, a->id, NULL);
	/* Deferred with a deadline, the question stays open: put it off as
	 * Esc does, or it would come straight back. */
	if (cmd == ENGINE_CMD_DEFER && a->deadline_ms > 0) {
		ui->dismissed = a->id;
		ui_status(ui, "decision #%u deferred: a answers it", a->id);
	}
	dialog_close(ui);
}

static void
confirm_key(struct ui *ui, int key)
{
	struct ui_dialog *d = &ui->dlg;
	size_t n = strlen(d->input);

	if (key == UI_K_ESC) {
		dialog_close(ui);
		return;
	}
	if (key == UI_K_ENTER) {
		if (strcmp(d->input, confirm_word(d->confirm)) == 0) {
			ui_command(ui, d->confirm, 0, d->node);
			dialog_close(ui);
			return;
		}
		free(d->message);
		d->message = xasprintf("\"%s\" is not \"%s\": nothing done",
		    d->input, confirm_word(d->confirm));
		d->input[0] = '\0';
	} else if (key == '\b' && n > 0)
		d->input[n - 1] = '\0';
	else if (key > ' ' && key < 0x7f && n + 1 < sizeof d->input) {
		d->input[n] = (char)key;
		d->input[n + 1] = '\0';
	}
}

static void
filter_pick(struct ui *ui, const struct ui_menu_item *it)
{
	struct ui_model *m = &ui->m;
	long sel = ui_model_selected(m);

	switch ((enum filter_item)it->kind) {
	case F_NODES_ALL:
		ui_model_set_filter(m, UI_FILTER_ALL, NULL);
		break;
	case F_NODES_FAILED:
		ui_model_set_filter(m, UI_FILTER_FAILED, NULL);
		break;
	case F_NODES_RUNNING:
		ui_model_set_filter(m, UI_FILTER_RUNNING, NULL);
		break;
	case F_ROLE:
		ui_model_set_filter(m, UI_FILTER_ROLE, it->value);
		break;
	case F_SITE:
		ui_model_set_filter(m, UI_FILTER_SITE, it->value);
		break;
	case F_EVENTS_ALL:
		m->event_min = UI_SEV_INFO;
		break;
	case F_EVENTS_WARN:
		m->event_min = UI_SEV_WARN;
		break;
	case F_EVENTS_ERROR:
		m->event_min = UI_SEV_ERROR;
		break;
	case F_EVENTS_NODE:
		m->event_node = m->event_node >= 0 || sel < 0 ? -1 : sel;
		break;
	}
	m->event_back = 0;
}

static void
fault_send(struct ui *ui, const char *kind, const char *step, long node)
{
	char *spec = step ? xasprintf("%s:%s@%s", kind, step,
	    ui->inv.nodes[node].name) : xasprintf("%s:%s", kind,
	    ui->inv.nodes[node].name);
	struct sim_fault f;
	char *err = NULL;

	if (sim_fault_parse(spec, &f, &err) == -1) {
		ui_status(ui, "fault %s: %s", spec, err);
		free(err);
	} else {
		sim_fault_free(&f);
		ui_command(ui, ENGINE_CMD_FAULT, 0, spec);
	}
	free(spec);
}

static void
menu_key(struct ui *ui, int key)
{
	long node = ui_model_selected(&ui->m);
	const struct ui_menu_item *it = NULL;
	char *kind, *value;

	if (key == UI_K_ESC) {
		dialog_close(ui);
		return;
	}
	for (size_t i = 0; i < ui->dlg.nitems; i++)
		if (ui->dlg.items[i].key == key)
			it = &ui->dlg.items[i];
	if (it == NULL)
		return;
	if (ui->dlg.kind == UI_DLG_FILTER) {
		filter_pick(ui, it);
		dialog_close(ui);
		return;
	}
	if (node < 0) {
		ui_status(ui, "select a node first");
		dialog_close(ui);
		return;
	}
	kind = xstrdup(ui->dlg.kind == UI_DLG_FAULT ? it->value :
	    ui->dlg.fault_kind);
	value = xstrdup(it->value);
	if (ui->dlg.kind == UI_DLG_FAULT && faults[it->kind].step)
		dialog_open_fault_step(ui, kind, node);
	else {
		fault_send(ui, kind, ui->dlg.kind == UI_DLG_FAULT_STEP ?
		    value : NULL, node);
		dialog_close(ui);
	}
	free(kind);
	free(value);
}

/* A key while a dialog is open; false when no dialog took it. */
bool
dialog_key(struct ui *ui, int key)
{
	switch (ui->dlg.kind) {
	case UI_DLG_NONE:
		return false;
	case UI_DLG_APPROVAL:
		/* quitting puts the decision off: the quit key goes on */
		if (ui_key_action(key) == UI_ACT_QUIT) {
			ui->dismissed = ui->dlg.approval.id;
			dialog_close(ui);
			return false;
		}
		approval_key(ui, key);
		break;
	case UI_DLG_CONFIRM:
		confirm_key(ui, key);
		break;
	case UI_DLG_QUIT:
		if (key == 'y' || key == 'Y') {
			dialog_close(ui);
			ui_quit(ui);
		} else if (key == 'n' || key == 'N' || key == UI_K_ENTER ||
		    key == UI_K_ESC)
			dialog_close(ui);
		break;
	case UI_DLG_FILTER:
	case UI_DLG_FAULT:
	case UI_DLG_FAULT_STEP:
		menu_key(ui, key);
		break;
	case UI_DLG_HELP:
		if (key == 'j' || key == UI_K_DOWN || key == UI_K_PGDN ||
		    key == ' ')
			ui->dlg.scroll += key == 'j' || key == UI_K_DOWN ? 1 :
			    LINES / 2;
		else if (key == 'k' || key == UI_K_UP || key == UI_K_PGUP)
			ui->dlg.scroll -= key == UI_K_PGUP ? LINES / 2 : 1;
		else
			dialog_close(ui);
		if (ui->dlg.scroll < 0)
			ui->dlg.scroll = 0;
		break;
	}
	ui->dirty |= UI_DIRTY(FOOTER);
	return true;
}
