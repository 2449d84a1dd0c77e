/*
 * Handover "vim" on real nodes: the engine runs a campaign over the SSH
 * transport against a real sshd that this test starts, and the VIM is a
 * real HTTP server on loopback (vim_server.h). Each node goes into
 * maintenance through the VIM, is polled until its host is empty, and
 * comes back, in order, with a token read from the environment that
 * ends up in no file of the run; a VIM error fails its step; rollback
 * sends the opposite requests. Skipped (77) only when sshd is missing.
 */
#include "config.h"

#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "escalator/campaign.h"
#include "escalator/engine.h"
#include "escalator/ssh_transport.h"
#include "escalator/util.h"
#include "campaign_util.h"
#include "engine_util.h"
#include "net_util.h"
#include "tmpdir.h"
#include "vim_server.h"

#define NODES		3
#define TOKEN_ENV	"ESCALATOR_TEST_VIM_TOKEN"
#define TOKEN		"tok-5f3a9c1e77d2"
#define RUN_MS		60000

struct fixture {
	struct net_sshd		 s;
	char			*id;
	char			*known_hosts;
	/* per test */
	struct vim_server	*vim;
	char			*dir;
	struct campaign		 c;
	char			*finished;	/* the steps' result lines */
};

static struct fixture fx;

static int
group_setup(void **state)
{
	*state = &fx.s;
	if (net_sshd_setup(&fx.s, "host_key id", "cp id.pub authorized_keys",
	    NODES) == -1 || net_sshd_known_hosts(&fx.s, "known_hosts",
	    "host_key.pub") == -1)
		return -1;
	fx.id = net_sshd_path(&fx.s, "id");
	fx.known_hosts = net_sshd_path(&fx.s, "known_hosts");
	return 0;
}

static int
group_teardown(void **state)
{
	free(fx.id);
	free(fx.known_hosts);
	return net_sshd_group_teardown(state);
}

static int
setup(void **state)
{
	(void)state;
	setenv(TOKEN_ENV, TOKEN, 1);
	if ((fx.vim = vim_server_start(TOKEN)) == NULL)
		return -1;
	fx.dir = tmpdir_make();
	memset(&fx.c, 0, sizeof fx.c);
	fx.finished = xstrdup("");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	vim_server_stop(fx.vim);
	tmpdir_remove(fx.dir);
	campaign_free(&fx.c);
	free(fx.finished);
	return 0;
}

/* The campaign: every node into maintenance through the VIM, waiting
 * until its host is empty, an upgrade, and back. */
static char *
campaign_text(bool with_vim, const char *upgrade, const char *on_fail)
{
	int port = vim_server_port(fx.vim);
	char *vim = xasprintf(
	    "vim = {\n"
	    "  maintenance_on = {\n"
	    "    url = \"http://127.0.0.1:%d/hosts/{name}/maintenance\";\n"
	    "    body = \"{\\\"state\\\":\\\"on\\\"}\"; expect_status = 202;\n"
	    "    expect_json = [ \"state=on\" ]; timeout = \"5s\";\n"
	    "    ready = { url = \"http://127.0.0.1:%d/hosts/{name}\";\n"
	    "      expect_json = [ \"state=maintenance\" ];\n"
	    "      interval = \"100ms\"; }; };\n"
	    "  maintenance_off = {\n"
	    "    url = \"http://127.0.0.1:%d/hosts/{name}/maintenance\";\n"
	    "    expect_status = 204; };\n"
	    "  headers = [ \"X-Auth-Token: {env:" TOKEN_ENV "}\" ];\n"
	    "};\n", port, port, port);
	char *text = xasprintf(
	    "name = \"vim\";\n"
	    "version = { from = \"1.0\"; to = \"2.0\"; };\n"
	    "inventory = \"vim.inventory\";\n"
	    "max_failure_percent = 100;\n"
	    "%s"
	    "procedures = ( { name = \"hosts\"; target = { };\n"
	    "  method = \"rolling\"; batch = 1;\n"
	    "  steps = (\n"
	    "    { name = \"evacuate\"; action = \"maintenance_on\";\n"
	    "      handover = \"vim\"; timeout = \"10s\";\n"
	    "      on_failure = \"%s\"; },\n"
	    "    { name = \"upgrade\"; action = \"run\"; command = \"%s\";\n"
	    "      undo = \"true\"; sets_version = true; timeout = \"10s\";\n"
	    "      on_failure = \"rollback\"; },\n"
	    "    { name = \"give-back\"; action = \"maintenance_off\";\n"
	    "      handover = \"vim\"; timeout = \"10s\"; }\n"
	    "  ); } );\n", with_vim ? vim : "", on_fail, upgrade);

	free(vim);
	return text;
}

static void
campaign_load_vim(bool with_vim, const char *upgrade, const char *on_fail)
{
	struct diag_list diags = { NULL, 0, 0 };
	char *text = campaign_text(with_vim, upgrade, on_fail);

	if (tu_campaign(&fx.c, text, &diags) == -1) {
		diag_print(&diags, stderr);
		fail_msg("the test's campaign does not load");
	}
	diag_list_free(&diags);
	free(text);
}

/* --- the engine over SSH ------------------------------------------------- */

static struct transport *
ssh_open(void *arg, struct clock *clock, char **err)
{
	struct ssh_transport_config cfg = {
		.inventory = &fx.s.inv,
		.state_dir = fx.dir,
		.clock = clock,
		.identity_file = fx.id,
		.known_hosts = fx.known_hosts,
		.connect_timeout_ms = 5000,
		.vim = arg,
	};

	return ssh_transport_open(&cfg, err);
}

static void
seen(struct engine *e, const struct engine_event *ev)
{
	char *line;

	if (ev->type == ENGINE_EVENT_APPROVAL)
		te_send(e, ENGINE_CMD_APPROVE, ev->approval.id, "alice");
	else if (ev->type == ENGINE_EVENT_STEP_FINISHED &&
	    ev->node != NULL && ev->step != NULL) {
		line = xasprintf("%s%s\n", fx.finished, ev->text ? ev->text :
		    "");
		free(fx.finished);
		fx.finished = line;
	}
	/* what the console would show: never the token */
	if (ev->text != NULL && strstr(ev->text, TOKEN) != NULL)
		fail_msg("the token in an event: %s", ev->text);
}

/* Run the campaign to its end; its final state. */
static enum engine_state
run(void)
{
	struct engine_config cfg = {
		.campaign = &fx.c,
		.inventory = &fx.s.inv,
		.state_dir = fx.dir,
		.operator = "alice",
		.clock_mode = CLOCK_MODE_REAL,
		.speed = 1,
		.transport_open = ssh_open,
		.transport_arg = &fx.c.vim,
	};
	enum engine_state last = ENGINE_STATE_COUNT;
	int64_t until = time_mono_ms() + RUN_MS;
	struct engine *e = te_start(&cfg);
	bool done = false;

	while (!done && time_mono_ms() < until) {
		struct pollfd p = { .fd = engine_event_fd(e),
		    .events = POLLIN };
		struct engine_event *ev;
		size_t n;

		if (poll(&p, 1, 1000) != 1)
			continue;
		ev = engine_events_take(e, &n);
		for (size_t i = 0; i < n; i++) {
			seen(e, &ev[i]);
			if (ev[i].type == ENGINE_EVENT_STATE)
				last = ev[i].state;
			done = done || ev[i].type == ENGINE_EVENT_FINISHED;
		}
		engine_events_free(ev, n);
	}
	engine_free(e);
	if (!done)
		fail_msg("the campaign did not finish; steps:\n%s",
		    fx.finished);
	return last;
}

/* What the VIM was asked, with the polls of each host folded into one
 * "GET /hosts/NAME xN" line so that the order is plain to read. */
static char *
vim_requests(void)
{
	char *log = vim_server_log(fx.vim), *out = xstrdup(""), *line,
	    *save = NULL, prev[128] = "", *next;
	int count = 0;

	for (line = strtok_r(log, "\n", &save); ; line = strtok_r(NULL,
	    "\n", &save)) {
		if (line != NULL && strcmp(line, prev) == 0 &&
		    strncmp(line, "GET ", 4) == 0) {
			count++;
			continue;
		}
		if (prev[0] != '\0') {
			next = count > 1 ? xasprintf("%s%s x%d\n", out, prev,
			    count) : xasprintf("%s%s\n", out, prev);
			free(out);
			out = next;
		}
		if (line == NULL)
			break;
		snprintf(prev, sizeof prev, "%s", line);
		count = 1;
	}
	free(log);
	return out;
}

#define ON(n)	"POST /hosts/" n "/maintenance {\"state\":\"on\"}\n"
#define POLLS(n) "GET /hosts/" n " x3\n"
#define OFF(n)	"DELETE /hosts/" n "/maintenance\n"
#define EACH_IN_TURN							\
	ON("n1") POLLS("n1") OFF("n1")					\
	ON("n2") POLLS("n2") OFF("n2")					\
	ON("n3") POLLS("n3") OFF("n3")

/* The VIM was asked exactly want, in that order. */
static void
assert_requests(const char *want)
{
	char *req = vim_requests();

	assert_string_equal(req, want);
	free(req);
}

/* The token sits in no file of the run: journal, log, outputs. */
static void
assert_token_nowhere(void)
{
	assert_int_equal(net_sh("grep -rqF '%s' '%s'", TOKEN, fx.dir), 1);
}

/* A step finished with this line: "node: step: status (result)". */
static void
assert_finished(const char *line)
{
	if (strstr(fx.finished, line) == NULL)
		fail_msg("no \"%s\" in:\n%s", line, fx.finished);
}

/* --- the tests ----------------------------------------------------------- */

static void
test_each_node_in_order(void **state)
{
	(void)state;
	campaign_load_vim(true, "true", "pause");
	assert_int_equal(run(), ENGINE_STATE_COMMITTED);
	assert_requests(EACH_IN_TURN);
	assert_finished("n1: evacuate: ok (VIM: ready after 3 polls: HTTP "
	    "200)");
	assert_finished("n3: give-back: ok (VIM: HTTP 204)");
	assert_token_nowhere();
}

static void
test_vim_error_fails_the_step(void **state)
{
	(void)state;
	vim_server_fail(fx.vim, "n2");
	campaign_load_vim(true, "true", "continue");
	assert_int_equal(run(), ENGINE_STATE_COMMITTED);
	/* n2 failed and was left alone; the others went on */
	assert_requests(
	    ON("n1") POLLS("n1") OFF("n1")
	    ON("n2")
	    ON("n3") POLLS("n3") OFF("n3"));
	assert_finished("n2: evacuate: failed (VIM: HTTP 500, expected "
	    "202)");
	assert_null(strstr(fx.finished, "n2: upgrade"));
	assert_token_nowhere();
}

static void
test_rollback_sends_the_opposite(void **state)
{
	(void)state;
	campaign_load_vim(true, "test {name} != n2", "pause");
	assert_int_equal(run(), ENGINE_STATE_ROLLED_BACK);
	/* Last done, first undone: n2's maintenance ends, then n1 goes
	 * back into maintenance (undoing its give-back) and out again
	 * (undoing its evacuation). */
	assert_requests(
	    ON("n1") POLLS("n1") OFF("n1")
	    ON("n2") POLLS("n2")
	    OFF("n2")
	    ON("n1") POLLS("n1") OFF("n1"));
	assert_token_nowhere();
}

/* The same through `escalator run --ssh`: the campaign's block reaches
 * the transport, and neither the output nor the state holds the token. */
static void
test_cli_run(void **state)
{
	const char *prog = getenv("ESCALATOR");
	char *text = campaign_text(true, "true", "pause"), *path;
	FILE *f;

	(void)state;
	path = xasprintf("%s/vim.cfg", fx.dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	free(path);
	path = xasprintf("%s/vim.inventory", fx.dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("nodes = (\n", f);
	for (size_t i = 0; i < fx.s.inv.count; i++)
		fprintf(f, "%s{ name = \"%s\"; address = \"127.0.0.1\"; "
		    "port = %d; user = \"%s\"; }\n", i ? "," : "",
		    fx.s.inv.nodes[i].name, fx.s.port, fx.s.user);
	fputs(");\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(net_sh("cd '%s' && '%s' run vim.cfg --ssh "
	    "--identity '%s' --known-hosts '%s' --state-dir state --batch "
	    "--yes >out 2>&1 || { cat out >&2; exit 1; }", fx.dir,
	    prog != NULL ? prog : "./escalator", fx.id, fx.known_hosts), 0);
	assert_requests(EACH_IN_TURN);
	assert_token_nowhere();
	free(path);
	free(text);
}

/* --- the transport alone -------------------------------------------------- */

static struct transport *
transport(const struct vim_def *vim)
{
	char *err = NULL;
	struct transport *t = ssh_open((void *)vim, NULL, &err);

	if (t == NULL)
		fail_msg("ssh_transport_open: %s", err);
	return t;
}

static int
maintenance_on(struct transport *t, const struct step *s, char **err)
{
	struct transport_action a = { .id = 1,
	    .kind = TRANSPORT_MAINTENANCE_ON, .node = 0, .step = s,
	    .name = s->name, .attempt = 1 };

	return t->ops->start(t, &a, err);
}

static void
test_no_vim_block_refused(void **state)
{
	struct transport *t;
	char *err = NULL;

	(void)state;
	campaign_load_vim(false, "true", "pause");
	t = transport(&fx.c.vim);
	assert_int_equal(maintenance_on(t, &fx.c.procedures[0].steps[0],
	    &err), -1);
	assert_non_null(strstr(err, "needs the campaign's vim block: add "
	    "vim = {"));
	free(err);
	t->ops->destroy(t);
	/* the simulator's campaign, as it is, on the wrong transport */
	t = transport(NULL);
	assert_int_equal(maintenance_on(t, &fx.c.procedures[0].steps[0],
	    &err), -1);
	free(err);
	t->ops->destroy(t);
}

static void
test_token_not_set(void **state)
{
	struct transport *t;
	char *err = NULL, *log;

	(void)state;
	campaign_load_vim(true, "true", "pause");
	unsetenv(TOKEN_ENV);
	t = transport(&fx.c.vim);
	assert_int_equal(maintenance_on(t, &fx.c.procedures[0].steps[0],
	    &err), -1);
	assert_string_equal(err, "n1: VIM request not sent: " TOKEN_ENV
	    " is not set in the controller's environment");
	free(err);
	t->ops->destroy(t);
	log = vim_server_log(fx.vim);
	assert_string_equal(log, "");
	free(log);
}

/* A host that never empties: the step's timeout, with the VIM's last
 * word on it. */
static void
test_never_ready_times_out(void **state)
{
	struct transport *t;
	struct transport_result r;
	struct step s;
	char *err = NULL;
	int64_t until;

	(void)state;
	campaign_load_vim(true, "true", "pause");
	free(fx.c.vim.on.ready->expect_json[0].value);
	fx.c.vim.on.ready->expect_json[0].value = xstrdup("gone");
	s = fx.c.procedures[0].steps[0];
	s.timeout_ms = 2000;
	t = transport(&fx.c.vim);
	assert_int_equal(maintenance_on(t, &s, &err), 0);
	until = time_now_ms() + 10000;
	while (t->ops->wait(t, until, -1, &r, 1) != 1)
		assert_true(time_now_ms() < until);
	assert_int_equal(r.status, TRANSPORT_FAILED);
	if (strstr(r.output, "timed out after 2s: VIM: not ready: HTTP 200: "
	    "state is \"maintenance\", expected \"gone\"") == NULL)
		fail_msg("%s", r.output);
	t->ops->destroy(t);
}

int
main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_each_node_in_order),
		T(test_vim_error_fails_the_step),
		T(test_rollback_sends_the_opposite),
		T(test_cli_run),
		T(test_no_vim_block_refused),
		T(test_token_not_set),
		T(test_never_ready_times_out),
	};
#undef T

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
