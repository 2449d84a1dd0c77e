/*
 * Node: the selected node: roles, version from and to, the step it is
 * in against its expected time, maintenance, its health as the monitor
 * last found it, hosted VNF instances, its checks and its last lines
 * of output. A selected group shows its
 * counts instead.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "escalator/util.h"
#include "ui_impl.h"

/* The action of a step name in the campaign's procedures. */
static bool
step_action_of(const struct campaign *c, const char *name,
    enum step_action *out)
{
	for (size_t p = 0; p < c->nprocedures; p++)
		for (size_t s = 0; s < c->procedures[p].nsteps; s++)
			if (strcmp(c->procedures[p].steps[s].name, name) == 0) {
				*out = c->procedures[p].steps[s].action;
				return true;
			}
	return false;
}

static const char *
maintenance_of(const struct ui *ui, long node)
{
	const struct ui_node_runs *r = &ui->m.runs[node];
	const char *m = "off";
	enum step_action act;

	for (size_t i = 0; i < r->count; i++) {
		if (r->runs[i].status != STEP_STATUS_OK ||
		    !step_action_of(&ui->c, r->runs[i].step, &act))
			continue;
		/* undoing one is doing the other */
		if (act == STEP_MAINTENANCE_ON)
			m = r->runs[i].undo ? "off" : "on";
		else if (act == STEP_MAINTENANCE_OFF)
			m = r->runs[i].undo ? "on" : "off";
	}
	return m;
}

static void
line_roles(struct ui *ui, WINDOW *w, int y, int wd, long n)
{
	const struct node *nd = &ui->inv.nodes[n];
	const struct engine_node_view *v = n < (long)ui->m.snap.nnodes ?
	    &ui->m.snap.nodes[n] : NULL;
	enum ui_node_state s = ui->m.state[n];
	char roles[128] = "";
	size_t used = 0;
	int x = 1;

	for (size_t i = 0; i < nd->roles.count && used < sizeof roles; i++)
		used += (size_t)snprintf(roles + used, sizeof roles - used,
		    "%s%s", i ? "," : "", nd->roles.items[i]);
	x += putf(w, y, x, wd - x - 1, sty(ui, ui_node_state_style(s)) |
	    A_BOLD, "%s %s ", ui_node_state_symbol(s, ui->scr.utf8),
	    nd->name);
	x += putf(w, y, x, wd - x - 1, sty(ui, ui_node_state_style(s)),
	    "%s ", ui_node_state_name(s));
	putf(w, y, x, wd - x - 1, sty(ui, UI_STYLE_NORMAL),
	    "%s %s  %s %s %s  maintenance %s", roles, nd->address,
	    v && v->version ? v->version : "?", ui->scr.utf8 ? "\u2192" :
	    "->", ui->c.to_version ? ui->c.to_version : "?",
	    maintenance_of(ui, n));
}

static void
line_step(struct ui *ui, WINDOW *w, int y, int wd, long n)
{
	const struct engine_node_view *v = &ui->m.snap.nodes[n];
	char a[32], b[32];

	if (v->step == NULL) {
		const struct ui_node_runs *r = &ui->m.runs[n];

		if (r->count > 0)
			putf(w, y, 1, wd - 2, sty(ui, UI_STYLE_NORMAL),
			    "last step: %s%s %s", r->runs[r->count - 1].undo ?
			    "undo " : "", r->runs[r->count - 1].step,
			    step_status_name(r->runs[r->count - 1].status));
		else
			put(w, y, 1, wd - 2, sty(ui, UI_STYLE_NORMAL),
			    "no step yet");
		return;
	}
	putf(w, y, 1, wd - 2, sty(ui, ui_node_state_style(ui->m.state[n])),
	    "step %s: %s of %s expected%s", v->step, duration_format(
	    v->elapsed_ms, a, sizeof a), duration_format(v->expected_ms, b,
	    sizeof b), ui->m.state[n] == UI_NODE_HUNG ? "  HUNG" : "");
}

/* The health monitor's verdict on the node, once it has one, then
 * hosted VNF instances and the checks this node ran. */
static void
line_vnfs_checks(struct ui *ui, WINDOW *w, int y, int wd, long n)
{
	const struct node *nd = &ui->inv.nodes[n];
	const struct ui_node_runs *r = &ui->m.runs[n];
	const char *health = ui->m.snap.nodes[n].health;
	int x = 1;

	if (health != NULL) {
		x += put(w, y, x, wd - x - 1, sty(ui, UI_STYLE_HEADER_KEY),
		    "health ");
		x += putf(w, y, x, wd - x - 1, sty(ui, strcmp(health, "ok") ==
		    0 ? UI_STYLE_CHECK_OK : UI_STYLE_CHECK_FAILED), "%s  ",
		    health);
	}
	x += put(w, y, x, wd - x - 1, sty(ui, UI_STYLE_HEADER_KEY), "vnfs ");
	if (nd->nvnfs == 0)
		x += put(w, y, x, wd - x - 1, 0, "none");
	for (size_t i = 0; i < nd->nvnfs; i++)
		x += putf(w, y, x, wd - x - 1, 0, "%s%s/%s", i ? "," : "",
		    nd->vnfs[i].vnf, nd->vnfs[i].instance);
	x += put(w, y, x, wd - x - 1, sty(ui, UI_STYLE_HEADER_KEY),
	    "  checks ");
	for (size_t k = 0; k < ui->m.nchecks; k++)
		for (size_t i = r->count; i > 0; i--) {
			const struct ui_step_run *sr = &r->runs[i - 1];

			if (strcmp(sr->step, ui->m.checks[k].name) != 0 ||
			    sr->end_ms == 0)
				continue;
			x += putf(w, y, x, wd - x - 1, sty(ui,
			    sr->status == STEP_STATUS_OK ? UI_STYLE_CHECK_OK :
			    UI_STYLE_CHECK_FAILED), "%s %s ", sr->step,
			    step_status_name(sr->status));
			break;
		}
}

/* The last output line, then the node's latest events, newest last. */
static void
lines_output(struct ui *ui, WINDOW *w, int y, int rows, int wd, long n)
{
	const struct engine_node_view *v = &ui->m.snap.nodes[n];
	const struct ui_event *shown[16];
	size_t kept = ui->m.nevents < UI_EVENTS_MAX ? ui->m.nevents :
	    UI_EVENTS_MAX;
	int count = 0;
	char t[16];

	if (v->output != NULL && rows > 0) {
		putf(w, y++, 1, wd - 2, sty(ui, UI_STYLE_NORMAL),
		    "output: %s", v->output);
		rows--;
	}
	for (size_t k = 0; k < kept && count < rows && count < 16; k++) {
		const struct ui_event *e =
		    &ui->m.events[(ui->m.nevents - 1 - k) % UI_EVENTS_MAX];

		if (e->node == n)
			shown[count++] = e;
	}
	for (int i = 0; i < count; i++) {
		const struct ui_event *e = shown[count - 1 - i];

		putf(w, y + i, 1, wd - 2, sty(ui, ui_severity_style(e->sev)),
		    "%s %s %s", clock_hms(e->ts_ms, t, sizeof t),
		    ui_severity_symbol(e->sev, ui->scr.utf8), e->text);
	}
}

static void
group_draw(struct ui *ui, WINDOW *w, int rows, int wd)
{
	const struct ui_model *m = &ui->m;
	const struct ui_group *g;
	int y = 1;

	if (m->nvisible == 0)
		return;
	g = &m->groups[m->items[m->visible[m->sel]].index];
	putf(w, y++, 1, wd - 2, sty(ui, UI_STYLE_GROUP), "%s: %u nodes",
	    g->label, g->total);
	for (int s = 0; s < UI_NODE_STATE_COUNT && y <= rows; s++)
		if (g->count[s] > 0)
			putf(w, y++, 3, wd - 4, sty(ui, ui_node_state_style(
			    (enum ui_node_state)s)), "%s %-12s %u",
			    ui_node_state_symbol((enum ui_node_state)s,
			    ui->scr.utf8), ui_node_state_name(
			    (enum ui_node_state)s), g->count[s]);
}

static void
node_draw(struct ui *ui, WINDOW *w, int h, int wd)
{
	long n = ui_model_selected(&ui->m);
	int rows = h - 2;

	frame(ui, w, UI_PANE_NODE, NULL);
	if (n < 0) {
		group_draw(ui, w, rows, wd);
		return;
	}
	if ((size_t)n >= ui->m.snap.nnodes)
		return;
	line_roles(ui, w, 1, wd, n);
	if (rows >= 2)
		line_step(ui, w, 2, wd, n);
	if (rows >= 3)
		line_vnfs_checks(ui, w, 3, wd, n);
	if (rows >= 4)
		lines_output(ui, w, 4, rows - 3, wd, n);
}

static bool
node_key(struct ui *ui, enum ui_action a)
{
	/* the node pane follows the topology's selection */
	if (a == UI_ACT_UP || a == UI_ACT_DOWN)
		return pane_topology.key(ui, a);
	return false;
}

const struct pane_ops pane_node = { node_draw, node_key };
