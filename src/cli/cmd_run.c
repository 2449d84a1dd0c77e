/*
 * escalator run and resume: start the engine on the simulator or on
 * real nodes over SSH and follow it, answering its questions from
 * --yes, a --policy, or (without --batch) the operator at the terminal,
 * line by line.
 */
#include "config.h"

/* Before <stdlib.h>: its EXIT_FAILURE macro would break the enum. */
#include "escalator/cli.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escalator/campaign.h"
#include "escalator/engine.h"
#include "escalator/inventory.h"
#include "escalator/journal.h"
#include "escalator/sim.h"
#include "escalator/util.h"


enum decision {
	DECIDE_NONE,	/* nobody answers: stop at a safe point */
	DECIDE_APPROVE,
	DECIDE_DENY,
	DECIDE_DEFER,
};

/* What batch mode answers, per approval kind and on an error. */
struct policy {
	enum decision		 approval[APPROVAL_KIND_COUNT];
	enum engine_cmd_type	 on_error;	/* QUIT: nobody answers */
};

struct run_opts {
	bool			 batch;
	bool			 interactive;
	bool			 yes;
	const char		*policy;
	const char		*state_dir;
	const char		*inventory;
	const char		*operator;
	enum clock_mode		 mode;
	double			 speed;
	uint64_t		 seed;
	bool			 have_seed;
	struct strv		 faults;
	struct strv		 skip_nodes;	/* resume --skip-node */
	struct cli_transport	 transport;
};

static volatile sig_atomic_t interrupted;

/* --- help ------------------------------------------------------------------- */

static void
common_help(FILE *out)
{
	fputs("  --batch           no questions at the terminal: answers come\n"
	    "                    from --yes or --policy; without one the run\n"
	    "                    stops at a safe point and exits 4\n"
	    "  --yes             approve every approval\n"
	    "  --policy SPEC     answers per kind, e.g.\n"
	    "                    phase=approve,gate=approve,vnf=deny,unknown=defer,\n"
	    "                    error=rollback (error: retry, rollback, restore,\n"
	    "                    abort); kinds: phase, gate, vnf, unknown,\n"
	    "                    hostkey (deny or defer only: --yes leaves it\n"
	    "                    unanswered, --accept-new-host-keys accepts);\n"
	    "                    defer, like no answer, stops the run at a\n"
	    "                    safe point (exit 4) and resume asks again\n"
	    "  --operator NAME   who decides (default: $USER); the campaign's\n"
	    "                    operators list says what each may do\n", out);
}

static void
run_usage(FILE *out)
{
	fputs("usage: escalator run FILE [--batch] [--yes] [--policy SPEC]\n"
	    "           [--state-dir DIR] [--sim] [--speed N] [--virtual-time]\n"
	    "           [--seed N] [--fault SPEC]... [--operator NAME]\n"
	    "           [--inventory FILE]\n"
	    "       escalator run FILE --ssh [--identity FILE]\n"
	    "           [--known-hosts FILE] [--accept-new-host-keys]\n"
	    "           [--haproxy-socket PATH --haproxy-backend NAME]\n"
	    "           [--jump [USER@]HOST[:PORT]] [--batch] [--yes] ...\n"
	    "\n"
	    "Run a campaign through its phases (preparation, validation,\n"
	    "backup, execution, testing, commit) on the built-in simulated\n"
	    "cluster or, with --ssh, on the inventory's nodes over SSH,\n"
	    "journaling every step in the state directory (default\n"
	    "./escalator-state/CAMPAIGN-NAME) so that resume carries on after\n"
	    "a stop or a crash. Without --batch every question is asked at\n"
	    "the terminal; Ctrl-C stops at the next safe point.\n\n", out);
	common_help(out);
	fputs("  --state-dir DIR   where the journal, log and sim.db live\n"
	    "  --sim             run on the simulator (the default)\n"
	    "  --speed N         simulated time runs N times faster\n"
	    "  --virtual-time    simulated time jumps to the next event: the\n"
	    "                    whole campaign runs at once, deterministically\n"
	    "  --seed N          seed of the simulator's jitter and faults\n"
	    "  --fault SPEC      inject a fault (repeatable)\n"
	    "  --inventory FILE  instead of the campaign's inventory\n", out);
	cli_transport_help(out);
	fputs("\n", out);
	sim_fault_help(out);
	fputs("\nexit: 0 committed, 1 failed/rolled back/aborted, 2 usage,\n"
	    "3 invalid campaign or state, 4 stopped for a decision, 5 denied\n",
	    out);
}

static void
resume_usage(FILE *out)
{
	fputs("usage: escalator resume --state-dir DIR [--batch] [--yes]\n"
	    "           [--policy SPEC] [--operator NAME] [--skip-node NODE]...\n"
	    "\n"
	    "Carry on the run recorded in DIR after a stop or a crash, with\n"
	    "the campaign file (refused if it changed), inventory, seed, speed\n"
	    "and faults, or SSH options, it was started with. A completed\n"
	    "step is never run again; a step interrupted without an outcome\n"
	    "is probed on its node, and put to the operator when the probe\n"
	    "cannot tell.\n\n",
	    out);
	common_help(out);
	fputs("  --skip-node NODE  before anything runs, take NODE out of the\n"
	    "                    campaign as it is (a failed node, or one not\n"
	    "                    started): its remaining steps do not run, it\n"
	    "                    counts as failed in its batch (repeatable)\n",
	    out);
	fputs("\nexit codes as for run.\n", out);
}

/* --- options ------------------------------------------------------------------ */

static int
policy_decision(const char *v, enum decision *d)
{
	if (strcmp(v, "approve") == 0)
		*d = DECIDE_APPROVE;
	else if (strcmp(v, "deny") == 0)
		*d = DECIDE_DENY;
	else if (strcmp(v, "defer") == 0)
		*d = DECIDE_DEFER;
	else
		return -1;
	return 0;
}

static int
policy_error_action(const char *v, enum engine_cmd_type *t)
{
	static const struct {
		const char		*name;
		enum engine_cmd_type	 type;
	} actions[] = {
		{ "retry", ENGINE_CMD_RETRY },
		{ "rollback", ENGINE_CMD_ROLLBACK },
		{ "restore", ENGINE_CMD_RESTORE },
		{ "abort", ENGINE_CMD_ABORT },
	};

	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (strcmp(v, actions[i].name) == 0) {
			*t = actions[i].type;
			return 0;
		}
	return -1;
}

static int
policy_item(struct policy *p, char *item)
{
	char *v = strchr(item, '=');

	if (v == NULL)
		return -1;
	*v++ = '\0';
	if (strcmp(item, "error") == 0)
		return policy_error_action(v, &p->on_error);
	for (size_t k = 0; k < APPROVAL_KIND_COUNT; k++)
		if (strcmp(item, approval_kind_name(k)) == 0)
			return policy_decision(v, &p->approval[k]) == -1 ||
			    (k == APPROVAL_HOSTKEY &&
			    p->approval[k] == DECIDE_APPROVE) ? -1 : 0;
	return -1;
}

static int
policy_parse(const struct run_opts *o, struct policy *p)
{
	char *spec, *item, *save = NULL;
	int rc = 0;

	memset(p, 0, sizeof *p);
	p->on_error = ENGINE_CMD_QUIT;
	for (size_t k = 0; o->yes && k < APPROVAL_KIND_COUNT; k++)
		/* A host key is trusted with --accept-new-host-keys only. */
		if (k != APPROVAL_HOSTKEY)
			p->approval[k] = DECIDE_APPROVE;
	if (o->policy == NULL)
		return 0;
	spec = xstrdup(o->policy);
	for (item = strtok_r(spec, ",", &save); item != NULL && rc == 0;
	    item = strtok_r(NULL, ",", &save))
		if (policy_item(p, item) == -1) {
			fprintf(stderr, "escalator: bad --policy item '%s': "
			    "KIND=approve|deny|defer (hostkey=deny|defer) or "
			    "error=retry|rollback|restore|abort\n", item);
			rc = -1;
		}
	free(spec);
	return rc;
}

enum opt_id {
	OPT_BATCH = 256, OPT_YES, OPT_POLICY, OPT_STATE_DIR, OPT_SIM,
	OPT_SPEED, OPT_VIRTUAL, OPT_SEED, OPT_FAULT, OPT_OPERATOR,
	OPT_INVENTORY, OPT_SKIP_NODE, OPT_HELP,
};

static const struct option run_options[] = {
	{ "batch", no_argument, NULL, OPT_BATCH },
	{ "yes", no_argument, NULL, OPT_YES },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
	{ "sim", no_argument, NULL, OPT_SIM },
	{ "speed", required_argument, NULL, OPT_SPEED },
	{ "virtual-time", no_argument, NULL, OPT_VIRTUAL },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "fault", required_argument, NULL, OPT_FAULT },
	CLI_TRANSPORT_OPTIONS,
	{ "operator", required_argument, NULL, OPT_OPERATOR },
	{ "inventory", required_argument, NULL, OPT_INVENTORY },
	{ "skip-node", required_argument, NULL, OPT_SKIP_NODE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static int
number(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return errno != 0 || end == s || *end != '\0' ? -1 : 0;
}

/* 0: parsed; 1: --help given; -1: bad usage (reported). */
static int
opts_parse(int argc, char **argv, struct run_opts *o, bool resume)
{
	const char *sim_opt = NULL;
	double v;
	int ch, idx = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", run_options, &idx)) != -1) {
		const char *name = run_options[idx].name;
		bool run_only = (ch >= OPT_SIM && ch <= OPT_FAULT) ||
		    (ch >= CLI_OPT_SSH && ch < CLI_OPT_TRANSPORT_END);

		if (resume && (run_only || ch == OPT_INVENTORY)) {
			fprintf(stderr, "escalator: resume takes the run's own "
			    "options; --%s is for run\n", name);
			return -1;
		}
		if (ch >= OPT_SIM && ch <= OPT_FAULT && ch != OPT_SEED)
			sim_opt = name;
		if (cli_transport_option(&o->transport, ch, optarg))
			continue;
		switch (ch) {
		case OPT_BATCH:
			o->batch = true;
			break;
		case OPT_YES:
			o->yes = true;
			break;
		case OPT_POLICY:
			o->policy = optarg;
			break;
		case OPT_STATE_DIR:
			o->state_dir = optarg;
			break;
		case OPT_SIM:
			break;
		case OPT_SPEED:
			if (number(optarg, &v) == -1 || v <= 0 || v > 1e6) {
				fprintf(stderr, "escalator: --speed %s: a number "
				    "above 0 expected\n", optarg);
				return -1;
			}
			o->speed = v;
			break;
		case OPT_VIRTUAL:
			o->mode = CLOCK_MODE_VIRTUAL;
			break;
		case OPT_SEED:
			if (number(optarg, &v) == -1 || v < 0) {
				fprintf(stderr, "escalator: --seed %s: a number "
				    "expected\n", optarg);
				return -1;
			}
			o->seed = strtoull(optarg, NULL, 10);
			o->have_seed = true;
			break;
		case OPT_FAULT:
			strv_push(&o->faults, optarg);
			break;
		case OPT_OPERATOR:
			o->operator = optarg;
			break;
		case OPT_INVENTORY:
			o->inventory = optarg;
			break;
		case OPT_SKIP_NODE:
			if (!resume) {
				fprintf(stderr, "escalator: --skip-node is for "
				    "resume, once a node has failed\n");
				return -1;
			}
			strv_push(&o->skip_nodes, optarg);
			break;
		case OPT_HELP:
			return 1;
		default:
			return -1;
		}
	}
	o->interactive = !o->batch;
	if (o->operator == NULL)
		o->operator = getenv("USER") ? getenv("USER") : "unknown";
	return cli_transport_check(&o->transport, sim_opt);
}

static int
faults_check(const struct strv *faults)
{
	for (size_t i = 0; i < faults->count; i++) {
		struct sim_fault f;
		char *err = NULL;

		if (sim_fault_parse(faults->items[i], &f, &err) == -1) {
			fprintf(stderr, "escalator: %s\n", err);
			free(err);
			return -1;
		}
		sim_fault_free(&f);
	}
	return 0;
}

/* --- loading ------------------------------------------------------------------ */

static int
load(const char *file, const char *inv_path, struct campaign *c,
    struct inventory *inv)
{
	struct diag_list diags = { NULL, 0, 0 };
	int rc = EXIT_OK;

	if (campaign_load(c, file, &diags) == -1)
		rc = EXIT_INVALID;
	else if (inv_path == NULL && (inv_path = c->inventory_path) == NULL) {
		diag_error(&diags, file, 0, "name one with inventory = "
		    "\"FILE\" or --inventory FILE",
		    "the campaign names no inventory");
		rc = EXIT_INVALID;
	} else if (inventory_load(inv, inv_path, &diags) == -1 ||
	    campaign_validate(c, inv, &diags) == -1 || diag_errors(&diags) > 0)
		rc = EXIT_INVALID;
	diag_print(&diags, stderr);
	diag_list_free(&diags);
	return rc;
}

/* --- following the engine ---------------------------------------------------------- */

static void
on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* "HH:MM:SS  text", the time on the campaign clock. */
static void
print_line(int64_t ts_ms, const char *text)
{
	char ts[32];

	clock_format_iso(ts_ms, ts, sizeof ts);
	printf("%s  %s\n", ts + 11, text != NULL ? text : "");
}

static void
print_event(const struct engine_event *ev)
{
	char ts[32];

	if (ev->type == ENGINE_EVENT_NODE || ev->type == ENGINE_EVENT_STATE ||
	    ev->type == ENGINE_EVENT_PHASE || (ev->type ==
	    ENGINE_EVENT_WAITING && ev->wait.reason == WAIT_APPROVAL))
		return;	/* another line about it says more */
	print_line(ev->ts_ms, ev->text);
	if (ev->type == ENGINE_EVENT_APPROVAL && ev->approval.affected)
		printf("          affects %s\n", ev->approval.affected);
	if (ev->type == ENGINE_EVENT_APPROVAL && ev->approval.deadline_ms > 0)
		printf("          answer by %s, or the step fails\n",
		    clock_format_iso(ev->approval.deadline_ms, ts, sizeof ts));
}

/* The choice line starts, if only one does ("a", "den", "def"). */
static long
choice_match(const char *line, const char *const *choices, size_t n)
{
	size_t len = strlen(line);
	long found = -1;

	for (size_t i = 0; len > 0 && i < n; i++)
		if (strncmp(choices[i], line, len) == 0) {
			if (found != -1)
				return -1;
			found = (long)i;
		}
	return found;
}

static enum decision
ask_terminal(const char *question, const char *const *choices, size_t n)
{
	char line[64];
	long picked;

	for (;;) {
		printf("%s [", question);
		for (size_t i = 0; i < n; i++)
			printf("%s%s", i ? "/" : "", choices[i]);
		printf("]? ");
		fflush(stdout);
		if (fgets(line, sizeof line, stdin) == NULL)
			return DECIDE_NONE;
		line[strcspn(line, "\n")] = '\0';
		if ((picked = choice_match(line, choices, n)) != -1)
			return (enum decision)(picked + 1);
	}
}

static void
answer_approval(struct engine *e, const struct run_opts *o,
    const struct policy *p, const struct engine_approval *a)
{
	static const char *const choices[] = { "approve", "deny", "defer" };
	static const enum engine_cmd_type types[] = { ENGINE_CMD_QUIT,
	    ENGINE_CMD_APPROVE, ENGINE_CMD_DENY, ENGINE_CMD_DEFER };
	struct engine_command cmd = { .approval = a->id,
	    .operator = o->operator };
	enum decision d = o->interactive ? ask_terminal("approval", choices,
	    3) : p->approval[a->kind];

	/* Here a defer leaves the question for a person: nobody would
	 * answer a pushed deadline, so stop and let resume ask again. */
	if (d == DECIDE_NONE || d == DECIDE_DEFER) {
		printf("          %s approval #%u: stopping at a safe point; "
		    "resume asks again\n", d == DECIDE_NONE ? "no answer for" :
		    "deferred", a->id);
		if (a->kind == APPROVAL_HOSTKEY)
			printf("          check the fingerprint, then accept it "
			    "in the console or add the key to known_hosts, and "
			    "resume\n");
		cmd.type = ENGINE_CMD_DEFER;
		engine_command(e, &cmd);
		cmd.type = ENGINE_CMD_QUIT;
	} else
		cmd.type = types[d];
	engine_command(e, &cmd);
}

static void
answer_error(struct engine *e, const struct run_opts *o,
    const struct policy *p)
{
	static const char *const choices[] = { "retry", "rollback", "restore",
	    "abort", "quit" };
	static const enum engine_cmd_type types[] = { ENGINE_CMD_QUIT,
	    ENGINE_CMD_RETRY, ENGINE_CMD_ROLLBACK, ENGINE_CMD_RESTORE,
	    ENGINE_CMD_ABORT, ENGINE_CMD_QUIT };
	struct engine_command cmd = { .operator = o->operator };

	cmd.type = o->interactive ? types[ask_terminal("error detected",
	    choices, 5)] : p->on_error;
	engine_command(e, &cmd);
}

static int
exit_code(enum engine_state s)
{
	switch (s) {
	case ENGINE_STATE_COMMITTED:
		return EXIT_OK;
	case ENGINE_STATE_ROLLED_BACK:
	case ENGINE_STATE_ROLLBACK_FAILED:
	case ENGINE_STATE_ABORTED:
		return EXIT_FAILURE;
	default:
		return EXIT_WAITING;
	}
}

/* The health summaries due at now_ms, or every pending one. */
static void
summaries_print(struct cli_health *h, int64_t now_ms, bool all)
{
	char *line;

	while ((line = cli_health_due(h, now_ms, all)) != NULL) {
		print_line(now_ms, line);
		free(line);
	}
}

/* Nothing more may come for a while: a question, or the end. */
static bool
asks_or_ends(const struct engine_event *ev)
{
	return ev->type == ENGINE_EVENT_APPROVAL ||
	    ev->type == ENGINE_EVENT_FINISHED ||
	    (ev->type == ENGINE_EVENT_STATE &&
	    ev->state == ENGINE_STATE_ERROR_DETECTED);
}

/* React to one event; returns true when the engine has finished. */
static bool
handle_event(struct engine *e, const struct run_opts *o,
    const struct policy *p, struct cli_health *h,
    const struct engine_event *ev, int *rc)
{
	bool show = ev->type != ENGINE_EVENT_HEALTH ||
	    cli_health_event(h, ev);

	if (asks_or_ends(ev))
		summaries_print(h, ev->ts_ms, true);
	if (show)
		print_event(ev);
	summaries_print(h, ev->ts_ms, false);
	switch (ev->type) {
	case ENGINE_EVENT_APPROVAL:
		answer_approval(e, o, p, &ev->approval);
		break;
	case ENGINE_EVENT_STATE:
		if (ev->state == ENGINE_STATE_ERROR_DETECTED)
			answer_error(e, o, p);
		break;
	case ENGINE_EVENT_FINISHED:
		*rc = exit_code(ev->state);
		return true;
	default:
		break;
	}
	fflush(stdout);
	return false;
}

/* No event for a while: a summary may be due on the engine's clock. */
static void
summaries_at_engine_clock(struct engine *e, struct cli_health *h)
{
	struct engine_snapshot snap;

	if (!cli_health_pending(h))
		return;
	engine_snapshot(e, &snap);
	summaries_print(h, snap.now_ms, false);
	engine_snapshot_free(&snap);
	fflush(stdout);
}

static int
follow(struct engine *e, const struct run_opts *o, const struct policy *p,
    struct cli_health *h)
{
	struct engine_command cmd = { .operator = o->operator };
	struct pollfd pfd = { .fd = engine_event_fd(e), .events = POLLIN };
	bool done = false, asked_stop = false;
	int rc = EXIT_WAITING;

	cmd.type = ENGINE_CMD_START;
	engine_command(e, &cmd);
	while (!done) {
		struct engine_event *ev;
		size_t n;

		if (interrupted && !asked_stop) {
			printf("interrupted: stopping at the next safe point\n");
			cmd.type = ENGINE_CMD_QUIT;
			engine_command(e, &cmd);
			asked_stop = true;
		}
		if (poll(&pfd, 1, 200) == -1 && errno != EINTR)
			break;
		ev = engine_events_take(e, &n);
		for (size_t i = 0; i < n && !done; i++)
			done = handle_event(e, o, p, h, &ev[i], &rc);
		engine_events_free(ev, n);
		if (n == 0)
			summaries_at_engine_clock(e, h);
	}
	return rc;
}

static int
drive(const struct engine_config *cfg, const struct run_opts *o)
{
	struct sigaction sa, old;
	struct policy p;
	struct engine *e;
	struct cli_health *h;
	char *err = NULL;
	int rc;

	if (policy_parse(o, &p) == -1)
		return EXIT_USAGE;
	if ((e = engine_start(cfg, &err)) == NULL) {
		fprintf(stderr, "escalator: %s\n", err);
		free(err);
		return EXIT_INVALID;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, &old);
	h = cli_health_new(cfg->campaign, cfg->inventory);
	rc = follow(e, o, &p, h);
	cli_health_free(h);
	engine_free(e);
	sigaction(SIGINT, &old, NULL);
	printf("state directory: %s\n", cfg->state_dir);
	return rc;
}

static bool
has_run(const char *state_dir)
{
	char *path = xasprintf("%s/%s", state_dir, JOURNAL_FILE);
	bool exists = access(path, F_OK) == 0;

	free(path);
	return exists;
}

/* --- the commands ---------------------------------------------------------------- */

static int
run_new(const char *file, struct run_opts *o)
{
	struct campaign c;
	struct inventory inv;
	struct engine_config cfg;
	char *dir = NULL;
	int rc;

	memset(&c, 0, sizeof c);
	memset(&inv, 0, sizeof inv);
	if ((rc = load(file, o->inventory, &c, &inv)) != EXIT_OK)
		goto out;
	if (!engine_operator_allowed(&c, o->operator, RIGHT_RUN)) {
		fprintf(stderr, "escalator: %s may not run this campaign: the "
		    "campaign's operators give no operator or admin role to "
		    "that name\n", o->operator);
		rc = EXIT_DENIED;
		goto out;
	}
	dir = o->state_dir ? xstrdup(o->state_dir) :
	    xasprintf("escalator-state/%s", c.name ? c.name : "campaign");
	if (has_run(dir)) {
		fprintf(stderr, "escalator: %s already holds a run: 'escalator "
		    "resume --state-dir %s' carries it on\n", dir, dir);
		rc = EXIT_INVALID;
		goto out;
	}
	memset(&cfg, 0, sizeof cfg);
	cfg.campaign = &c;
	cfg.inventory = &inv;
	cfg.state_dir = dir;
	cfg.operator = o->operator;
	cfg.clock_mode = o->mode;
	cfg.speed = o->speed;
	cfg.seed = o->have_seed ? o->seed : c.sim_seed;
	cfg.faults = &o->faults;
	cli_transport_setup(&o->transport, &cfg);
	rc = drive(&cfg, o);
out:
	free(dir);
	campaign_free(&c);
	inventory_free(&inv);
	return rc;
}

int
cmd_run(int argc, char **argv)
{
	struct run_opts o = { .speed = 1 };
	int rc;

	if ((rc = opts_parse(argc, argv, &o, false)) != 0 ||
	    argc - optind != 1) {
		run_usage(rc == 1 ? stdout : stderr);
		strv_free(&o.faults);
		cli_transport_free(&o.transport);
		return rc == 1 ? EXIT_OK : EXIT_USAGE;
	}
	if (faults_check(&o.faults) == -1)
		rc = EXIT_USAGE;
	else
		rc = run_new(argv[optind], &o);
	strv_free(&o.faults);
	cli_transport_free(&o.transport);
	return rc;
}

/* The run record: which campaign, unchanged, with which options. */
static int
run_load(const char *dir, struct journal_run *run)
{
	struct journal *j;
	char *err = NULL, sum[65];
	int rc;

	if (journal_open(&j, dir, false, &err) == -1) {
		fprintf(stderr, "escalator: %s\n", err);
		free(err);
		return EXIT_INVALID;
	}
	rc = journal_run_load(j, run);
	journal_close(j);
	if (rc != 0) {
		fprintf(stderr, "escalator: %s: no run to resume\n", dir);
		return EXIT_INVALID;
	}
	if (engine_sha256_file(run->campaign_file, sum, &err) == -1) {
		fprintf(stderr, "escalator: %s\n", err);
		free(err);
		return EXIT_INVALID;
	}
	if (run->campaign_sha256[0] != '\0' &&
	    strcmp(sum, run->campaign_sha256) != 0) {
		fprintf(stderr, "escalator: %s changed since the run started "
		    "(sha256 %s, was %s); resume refuses to mix two campaigns\n",
		    run->campaign_file, sum, run->campaign_sha256);
		return EXIT_INVALID;
	}
	return EXIT_OK;
}

static int
resume_run(const char *dir, struct run_opts *o)
{
	struct journal_run run;
	struct campaign c;
	struct inventory inv;
	struct engine_config cfg;
	struct strv faults = { NULL, 0 };
	char *err = NULL;
	int rc;

	memset(&run, 0, sizeof run);
	memset(&c, 0, sizeof c);
	memset(&inv, 0, sizeof inv);
	memset(&cfg, 0, sizeof cfg);
	if ((rc = run_load(dir, &run)) != EXIT_OK ||
	    (rc = load(run.campaign_file, run.inventory_file[0] ?
	    run.inventory_file : NULL, &c, &inv)) != EXIT_OK)
		goto out;
	if (!engine_operator_allowed(&c, o->operator, RIGHT_RUN)) {
		fprintf(stderr, "escalator: %s may not resume this campaign\n",
		    o->operator);
		rc = EXIT_DENIED;
		goto out;
	}
	if (cli_transport_recorded(&o->transport, run.options, dir) == -1) {
		rc = EXIT_INVALID;
		goto out;
	}
	if (engine_options_parse(run.options, &cfg, &faults, &err) == -1) {
		fprintf(stderr, "escalator: %s: %s\n", dir, err);
		free(err);
		rc = EXIT_INVALID;
		goto out;
	}
	cfg.campaign = &c;
	cfg.inventory = &inv;
	cfg.state_dir = dir;
	cfg.operator = o->operator;
	cfg.resume = true;
	cfg.skip_nodes = &o->skip_nodes;
	cli_transport_setup(&o->transport, &cfg);
	rc = drive(&cfg, o);
out:
	strv_free(&faults);
	journal_run_free(&run);
	campaign_free(&c);
	inventory_free(&inv);
	return rc;
}

int
cmd_resume(int argc, char **argv)
{
	struct run_opts o = { .speed = 1 };
	int rc;

	if ((rc = opts_parse(argc, argv, &o, true)) != 0 || argc != optind ||
	    o.state_dir == NULL) {
		resume_usage(rc == 1 ? stdout : stderr);
		strv_free(&o.skip_nodes);
		return rc == 1 ? EXIT_OK : EXIT_USAGE;
	}
	rc = resume_run(o.state_dir, &o);
	cli_transport_free(&o.transport);
	strv_free(&o.skip_nodes);
	return rc;
}
