/*
 * escalator [FILE]: the console. Loads the campaign (the minimal test
 * bed by default), starts the engine on the simulator, and runs one
 * loop that polls the terminal, the engine's event pipe and a signal
 * pipe, folds what arrived into the model and repaints dirty panes. It
 * never waits on the engine: quitting asks the engine to stop at a safe
 * point and goes on drawing until it has.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escalator/cli.h"
#include "escalator/journal.h"
#include "escalator/sim.h"
#include "escalator/ui.h"
#include "escalator/util.h"
#include "ui_config.h"
#include "ui_impl.h"

/* Training runs faster than life unless told otherwise. */
#define DEFAULT_SPEED	20.0
/* How often running steps' times move on screen. */
#define TICK_MS		250
/* Journal events shown again when the console reopens a run. */
#define UI_HISTORY_EVENTS	50

static void
usage(FILE *out)
{
	fputs("usage: escalator [FILE] [--theme NAME] [--operator NAME]\n"
	    "                 [--state-dir DIR] [--speed N] [--virtual-time]\n"
	    "                 [--seed N] [--fault SPEC]... [--no-mouse]\n"
	    "       escalator FILE --ssh [--identity FILE] [--known-hosts FILE]\n"
	    "                 [--accept-new-host-keys] [--haproxy-socket PATH\n"
	    "                 --haproxy-backend NAME] [--theme NAME] ...\n"
	    "\nThe console: runs the campaign FILE (default: the minimal "
	    "test bed)\non the built-in simulated cluster, or with --ssh on "
	    "its nodes.\nReopening it with the same state directory carries "
	    "on the run,\nwith the transport it was started with.\n\n"
	    "  --theme NAME      default, dark, light, high-contrast, mono, "
	    "or a file\n"
	    "  --operator NAME   who decides (default: $USER)\n"
	    "  --state-dir DIR   default: escalator-state/CAMPAIGN-NAME\n"
	    "  --speed N         simulated time runs N times faster "
	    "(default 20)\n"
	    "  --virtual-time    time jumps to the next event (tests)\n"
	    "  --seed N          the simulator's seed\n"
	    "  --fault SPEC      inject a fault from the start:\n", out);
	sim_fault_help(out);
	cli_transport_help(out);
	fputs("  --no-mouse        leave the mouse to the terminal\n"
	    "\ndoc/console.md describes the screen and the keys; h shows "
	    "them.\n", out);
}

/* The minimal test bed, from the source tree first, as the CLI finds
 * it, then from the installed data. */
static char *
default_campaign(void)
{
	char *p = xasprintf("%s/campaigns/minimal-testbed.cfg",
	    ESCALATOR_SRCDIR);

	if (access(p, R_OK) == 0)
		return p;
	free(p);
	return xasprintf("%s/campaigns/minimal-testbed.cfg", ESCALATOR_DATADIR);
}

enum { OPT_THEME = 256, OPT_OPERATOR, OPT_STATE_DIR, OPT_SPEED,
	OPT_VIRTUAL, OPT_SEED, OPT_FAULT, OPT_NO_MOUSE, OPT_HELP };

static int
options_parse(struct ui_options *o, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "theme", required_argument, NULL, OPT_THEME },
		{ "operator", required_argument, NULL, OPT_OPERATOR },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "speed", required_argument, NULL, OPT_SPEED },
		{ "virtual-time", no_argument, NULL, OPT_VIRTUAL },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "fault", required_argument, NULL, OPT_FAULT },
		{ "no-mouse", no_argument, NULL, OPT_NO_MOUSE },
		{ "help", no_argument, NULL, OPT_HELP },
		CLI_TRANSPORT_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	const char *sim_opt = NULL;
	char *end;
	int c, idx = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longs, &idx)) != -1) {
		if (c == OPT_SPEED || c == OPT_VIRTUAL || c == OPT_FAULT)
			sim_opt = longs[idx].name;
		if (cli_transport_option(&o->transport, c, optarg))
			continue;
		switch (c) {
		case OPT_THEME:
			o->theme = optarg;
			break;
		case OPT_OPERATOR:
			o->operator = optarg;
			break;
		case OPT_STATE_DIR:
			o->state_dir = optarg;
			break;
		case OPT_SPEED:
			o->speed = strtod(optarg, &end);
			if (*end != '\0' || !(o->speed > 0 && o->speed < 1e6))
				return -1;
			break;
		case OPT_VIRTUAL:
			o->virtual_time = true;
			break;
		case OPT_SEED:
			errno = 0;
			o->seed = strtoull(optarg, &end, 10);
			if (*end != '\0' || errno != 0)
				return -1;
			o->have_seed = true;
			break;
		case OPT_FAULT:
			strv_push(&o->faults, optarg);
			break;
		case OPT_NO_MOUSE:
			o->mouse = false;
			break;
		case OPT_HELP:
			return 1;
		default:
			return -1;
		}
	}
	if (argc - optind > 1 || cli_transport_check(&o->transport,
	    sim_opt) == -1)
		return -1;
	o->file = argc - optind == 1 ? xstrdup(argv[optind]) :
	    default_campaign();
	return 0;
}

/* --- loading ---------------------------------------------------------- */

static int
load(struct ui *ui)
{
	struct diag_list d = { NULL, 0, 0 };
	int rc = EXIT_OK;

	if (campaign_load(&ui->c, ui->opt.file, &d) == -1)
		rc = EXIT_INVALID;
	else if (ui->c.inventory_path == NULL) {
		diag_error(&d, ui->opt.file, 0, "inventory = \"FILE\";",
		    "the campaign names no inventory");
		rc = EXIT_INVALID;
	} else if (inventory_load(&ui->inv, ui->c.inventory_path, &d) == -1 ||
	    campaign_validate(&ui->c, &ui->inv, &d) == -1 ||
	    diag_errors(&d) > 0)
		rc = EXIT_INVALID;
	else if (plan_build(&ui->plan, &ui->c, &ui->inv, &d) == 0)
		ui->have_plan = true;
	diag_print(&d, stderr);
	diag_list_free(&d);
	return rc;
}

static const char *
role_of(const struct campaign *c, const char *op)
{
	for (size_t i = 0; i < c->noperators; i++)
		if (strcmp(c->operators[i].name, op) == 0)
			return c->operators[i].role;
	return NULL;
}

/* Who is at the keyboard. On the simulator, someone the campaign does
 * not list trains as its first admin rather than watching a console
 * that refuses every key; they are told so. */
static void
operator_choose(struct ui *ui, bool *stand_in)
{
	const char *user = getenv("USER");

	*stand_in = false;
	ui->operator = ui->opt.operator ? ui->opt.operator :
	    user && *user ? user : "unknown";
	ui->role = role_of(&ui->c, ui->operator);
	if (ui->opt.operator != NULL || ui->opt.transport.ssh ||
	    engine_operator_allowed(&ui->c, ui->operator, RIGHT_RUN))
		return;
	for (size_t i = 0; i < ui->c.noperators; i++)
		if (strcmp(ui->c.operators[i].role, "admin") == 0) {
			ui->operator = ui->c.operators[i].name;
			ui->role = ui->c.operators[i].role;
			*stand_in = true;
			return;
		}
}

static void
theme_choose(struct ui *ui, const char *name)
{
	char *path;

	if (name == NULL)
		name = "default";
	if ((path = ui_theme_path(name)) == NULL) {
		diag_error(&ui->theme_diags, name, 0, "default, dark, light, "
		    "high-contrast, mono, or a file", "no such theme");
		ui_theme_default(&ui->theme);
		return;
	}
	ui_theme_load(&ui->theme, path, &ui->theme_diags);
	free(path);
}

/* What the run did before this console: its steps for the panes, its
 * last events and decisions for the log. */
static void
history_load(struct ui *ui, struct journal *j)
{
	struct journal_step *steps;
	struct journal_event *ev;
	size_t n;

	enum engine_phase ph;

	if (journal_steps_load(j, &steps, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			const struct journal_step *st = &steps[i];

			/* the timeline counts from the first step of a phase */
			if (engine_phase_parse(st->phase, &ph) == 0 &&
			    (ui->m.phase_ms[ph] == 0 ||
			    st->started_ms < ui->m.phase_ms[ph]))
				ui->m.phase_ms[ph] = st->started_ms;
			ui_model_history(&ui->m, st->node, st->step, st->undo,
			    st->started_ms, st->status == STEP_STATUS_INTENT ?
			    0 : st->ended_ms, st->status);
		}
		journal_steps_free(steps, n);
	}
	if (journal_events_load(j, UI_HISTORY_EVENTS, &ev, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			char *text = xasprintf("%s%s%s %s: %s", ev[i].operator,
			    *ev[i].operator ? ": " : "", ev[i].kind,
			    ev[i].object, ev[i].message);

			ui_model_note(&ui->m, UI_SEV_INFO, ev[i].ts_ms, text);
			free(text);
		}
		journal_events_free(ev, n);
	}
}

/* A run already in the state directory: carry it on, with the options
 * it was started with, if it is this campaign's. */
static int
resume_check(struct ui *ui, struct engine_config *cfg, struct strv *faults)
{
	struct journal *j;
	struct journal_run run;
	char *err = NULL, sum[65];
	int rc = EXIT_OK;

	if (journal_open_readonly(&j, ui->state_dir, &err) == -1) {
		free(err);
		return EXIT_OK;		/* no run yet */
	}
	memset(&run, 0, sizeof run);
	if (journal_run_load(j, &run) == 0) {
		ui->resumed = true;
		cfg->resume = true;
		if (engine_sha256_file(ui->opt.file, sum, &err) == -1 ||
		    (run.campaign_sha256[0] != '\0' &&
		    strcmp(sum, run.campaign_sha256) != 0)) {
			fprintf(stderr, "escalator: %s holds a run of %s, "
			    "not of this campaign file%s%s\n", ui->state_dir,
			    run.campaign_file, err ? ": " : "", err ? err : "");
			rc = EXIT_INVALID;
		} else if (engine_options_parse(run.options, cfg, faults,
		    &err) == -1) {
			fprintf(stderr, "escalator: %s: %s\n", ui->state_dir,
			    err);
			rc = EXIT_INVALID;
		} else if (cli_transport_recorded(&ui->opt.transport,
		    run.options, ui->state_dir) == -1)
			rc = EXIT_INVALID;
		ui->m.start_ms = run.started_ms;
		history_load(ui, j);
		journal_run_free(&run);
	}
	free(err);
	journal_close(j);
	return rc;
}

static int
engine_begin(struct ui *ui, struct strv *faults)
{
	struct engine_config cfg;
	char *err = NULL;
	int rc;

	memset(&cfg, 0, sizeof cfg);
	cfg.campaign = &ui->c;
	cfg.inventory = &ui->inv;
	cfg.state_dir = ui->state_dir;
	cfg.operator = ui->operator;
	cfg.clock_mode = ui->opt.virtual_time ? CLOCK_MODE_VIRTUAL :
	    CLOCK_MODE_REAL;
	cfg.speed = ui->opt.speed;
	cfg.seed = ui->opt.have_seed ? ui->opt.seed : ui->c.sim_seed;
	cfg.faults = &ui->opt.faults;
	if ((rc = resume_check(ui, &cfg, faults)) != EXIT_OK)
		return rc;
	cli_transport_setup(&ui->opt.transport, &cfg);
	ui->opt.virtual_time = cfg.clock_mode == CLOCK_MODE_VIRTUAL;
	ui->opt.speed = cfg.speed;
	if ((ui->eng = engine_start(&cfg, &err)) == NULL) {
		fprintf(stderr, "escalator: %s\n", err);
		free(err);
		return EXIT_INVALID;
	}
	return EXIT_OK;
}

/* --- talking to the engine -------------------------------------------- */

void
ui_status(struct ui *ui, const char *fmt, ...)
{
	va_list ap;

	free(ui->status);
	va_start(ap, fmt);
	if (vasprintf(&ui->status, fmt, ap) == -1)
		abort();
	va_end(ap);
	ui->dirty |= UI_DIRTY(FOOTER);
}

void
ui_command(struct ui *ui, enum engine_cmd_type type, uint32_t approval,
    const char *arg)
{
	static const char *const names[] = {
#define X(e, s) s,
		ENGINE_CMD_LIST(X)
#undef X
	};
	bool on_node = type == ENGINE_CMD_SKIP_NODE ||
	    type == ENGINE_CMD_FORCE;
	struct engine_command cmd = { .type = type, .approval = approval,
	    .operator = ui->operator, .fault = on_node ? NULL : arg,
	    .node = on_node ? arg : NULL };
	char *text;

	engine_command(ui->eng, &cmd);
	ui->cmd_unseen = true;
	text = approval ? xasprintf("%s: %s #%u", ui->operator, names[type],
	    approval) : xasprintf("%s: %s%s%s", ui->operator, names[type],
	    arg ? " " : "", arg ? arg : "");
	ui_model_note(&ui->m, UI_SEV_INFO, ui->m.snap.now_ms, text);
	if (type != ENGINE_CMD_START)
		ui_status(ui, "sent %s", text + strlen(ui->operator) + 2);
	free(text);
	ui->dirty |= UI_DIRTY(EVENTS);
}

void
ui_quit(struct ui *ui)
{
	if (ui->finished) {
		ui->done = true;
		return;
	}
	if (!ui->quitting)
		ui_command(ui, ENGINE_CMD_QUIT, 0, NULL);
	ui->quitting = true;
}

static bool
approval_open(const struct engine_snapshot *s, uint32_t id)
{
	for (size_t i = 0; i < s->napprovals; i++)
		if (s->approvals[i].id == id)
			return true;
	return false;
}

/* A decision the engine waits for opens its dialog, unless the
 * operator put it off; a dialog whose question went away closes. */
static void
approvals_follow(struct ui *ui)
{
	const struct engine_snapshot *s = &ui->m.snap;

	if (ui->dlg.kind == UI_DLG_APPROVAL &&
	    !approval_open(s, ui->dlg.approval.id))
		dialog_close(ui);
	if (ui->dlg.kind == UI_DLG_NONE && !ui->prompt.active &&
	    !ui->quitting && s->napprovals > 0 &&
	    s->approvals[0].id != ui->dismissed)
		dialog_open_approval(ui, &s->approvals[0]);
}

static void
engine_pump(struct ui *ui)
{
	struct engine_snapshot snap;
	struct engine_event *ev;
	size_t n;

	ev = engine_events_take(ui->eng, &n);
	for (size_t i = 0; i < n; i++) {
		ui->dirty |= ui_model_event(&ui->m, &ev[i]);
		if (ev[i].type == ENGINE_EVENT_FINISHED)
			ui->finished = true;
	}
	engine_events_free(ev, n);
	ui->cmd_unseen = false;
	ui->ready_due = true;
	engine_snapshot(ui->eng, &snap);
	ui->dirty |= ui_model_snapshot(&ui->m, &snap);
	if (ui->finished && ui->quitting)
		ui->done = true;
	approvals_follow(ui);
}

static void
signal_take(struct ui *ui)
{
	char buf[16];

	while (read(screen_signal_fd(), buf, sizeof buf) > 0)
		;
	screen_signal = 0;
	/* a second signal while stopping: leave now, stop after endwin */
	if (ui->quitting)
		ui->done = true;
	else
		ui_quit(ui);
}

static void
loop(struct ui *ui)
{
	struct pollfd fds[3];
	int n;

	while (!ui->done) {
		if (ui->dirty)
			screen_draw(ui);
		ready_mark(ui);
		/* a hung-up terminal is polled no more */
		fds[0] = (struct pollfd){ ui->tty_gone ? -1 : STDIN_FILENO,
		    POLLIN, 0 };
		fds[1] = (struct pollfd){ engine_event_fd(ui->eng), POLLIN, 0 };
		fds[2] = (struct pollfd){ screen_signal_fd(), POLLIN, 0 };
		n = poll(fds, 3, TICK_MS);
		if (n == -1 && errno != EINTR)
			break;
		if (screen_signal != 0 || (n > 0 && fds[2].revents))
			signal_take(ui);
		if ((n > 0 && fds[1].revents) || (n == 0 &&
		    !ui->opt.virtual_time && !ui->finished))
			engine_pump(ui);
		if (n > 0 && (fds[0].revents & (POLLHUP | POLLERR |
		    POLLNVAL))) {
			ui->tty_gone = true;
			ui_quit(ui);
		}
		for (int key; (key = screen_key(ui)) != ERR;) {
			if (key != UI_K_RESIZE && key != UI_K_MOUSE)
				ui->keys_read++;
			ui->ready_due = true;
			input_key(ui, key);
		}
	}
}

/* --- main ------------------------------------------------------------- */

static void
ui_free(struct ui *ui)
{
	/* a question may still be open: a quit at the commit boundary */
	dialog_close(ui);
	if (ui->eng != NULL)
		engine_free(ui->eng);
	if (ui->m.inv != NULL)
		ui_model_free(&ui->m);
	free(ui->status);
	free(ui->ready_file);
	if (ui->have_plan)
		plan_free(&ui->plan);
	campaign_free(&ui->c);
	inventory_free(&ui->inv);
	diag_list_free(&ui->theme_diags);
	free(ui->state_dir);
	free(ui->opt.file);
	strv_free(&ui->opt.faults);
	cli_transport_free(&ui->opt.transport);
}

/* After endwin: what the screen could only hint at. */
static void
farewell(struct ui *ui)
{
	enum engine_state s = ui->m.snap.state;

	diag_print(&ui->theme_diags, stderr);
	if (ui->eng == NULL)
		return;
	if (engine_state_final(s))
		printf("escalator: campaign %s %s; the journal is in %s\n",
		    ui->c.name ? ui->c.name : "", engine_state_name(s),
		    ui->state_dir);
	else
		printf("escalator: campaign %s stopped (%s); reopen the "
		    "console or run 'escalator resume --state-dir %s' to "
		    "carry on\n", ui->c.name ? ui->c.name : "",
		    engine_state_name(s), ui->state_dir);
}

static int
prepare(struct ui *ui, struct strv *faults, bool *stand_in)
{
	struct ui_config conf;
	int rc;

	if ((rc = load(ui)) != EXIT_OK)
		return rc;
	ui_config_load(&conf, &ui->theme_diags);
	if (ui->opt.mouse)
		ui->opt.mouse = conf.mouse;
	theme_choose(ui, ui->opt.theme ? ui->opt.theme : conf.theme);
	ui_config_free(&conf);
	operator_choose(ui, stand_in);
	ui->state_dir = ui->opt.state_dir ? xstrdup(ui->opt.state_dir) :
	    xasprintf("escalator-state/%s", ui->c.name ? ui->c.name :
	    "campaign");
	ui_model_init(&ui->m, &ui->c, &ui->inv, ui->have_plan ? &ui->plan :
	    NULL);
	return engine_begin(ui, faults);
}

int
ui_main(int argc, char **argv)
{
	struct ui ui;
	struct strv faults = { NULL, 0 };
	bool stand_in;
	int rc;

	memset(&ui, 0, sizeof ui);
	ui.opt.speed = DEFAULT_SPEED;
	ui.opt.mouse = true;
	if ((rc = options_parse(&ui.opt, argc, argv)) != 0) {
		usage(rc == 1 ? stdout : stderr);
		strv_free(&ui.opt.faults);
		cli_transport_free(&ui.opt.transport);
		free(ui.opt.file);
		return rc == 1 ? EXIT_OK : EXIT_USAGE;
	}
	if ((rc = prepare(&ui, &faults, &stand_in)) != EXIT_OK) {
		diag_print(&ui.theme_diags, stderr);
		ui_free(&ui);
		strv_free(&faults);
		return rc;
	}
	if (ui.theme_diags.count > 0)
		ui_status(&ui, "default theme used: %s:%d: %s",
		    ui.theme_diags.items[0].file, ui.theme_diags.items[0].line,
		    ui.theme_diags.items[0].message);
	if (stand_in)
		ui_model_note(&ui.m, UI_SEV_WARN, 0, "training: acting as the "
		    "campaign's admin; --operator NAME chooses");
	ready_init(&ui);
	ui_command(&ui, ENGINE_CMD_START, 0, NULL);
	if (screen_open(&ui) == -1) {
		fputs("escalator: cannot open the terminal\n", stderr);
		rc = EXIT_USAGE;
	} else {
		engine_pump(&ui);
		loop(&ui);
		screen_close(&ui);
	}
	farewell(&ui);
	ui_free(&ui);
	strv_free(&faults);
	return rc;
}
