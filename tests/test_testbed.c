/*
 * The test bed end to end through the SSH transport: scripts/testbed
 * brings up four real nodes (sshd, the node service) behind a real
 * HAProxy; the steps of campaigns/testbed.cfg, run node by node, upgrade
 * them under a steady client load without one failed request, while
 * the same upgrade done everywhere at once without draining makes
 * clients fail, and a failing upgrade rolled back leaves its node on
 * the old version, serving. Skipped (77) when sshd or HAProxy is not
 * installed.
 */
#include "config.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "escalator/campaign.h"
#include "escalator/handover.h"
#include "escalator/ssh_transport.h"
#include "escalator/util.h"
#include "net_util.h"
#include "tmpdir.h"


struct fixture {
	int			 net;	/* the bed is on 127.0.NET.0/24 */
	char			*lb_url;
	pid_t			 load;	/* killed at the end whatever happens */
	char			*tmp;
	char			*bed;
	struct campaign		 c;
	struct inventory	 inv;
	struct transport	*t;
};

static struct fixture fx;

static const char *
env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v != NULL ? v : dflt;
}

static int
testbed(const char *args)
{
	return net_sh("sh %s/scripts/testbed --dir %s --net %d %s",
	    env_or("SRCDIR", ".."), fx.bed, fx.net, args);
}

static int
group_setup(void **state)
{
	struct diag_list diags = { 0 };
	struct ssh_transport_config cfg = { 0 };
	char *path, *err = NULL, *id, *kh, *sock, *st;

	(void)state;
	if (access("/usr/sbin/sshd", X_OK) != 0 ||
	    net_sh("command -v haproxy >/dev/null") != 0) {
		fprintf(stderr, "sshd or haproxy is not installed: skipped\n");
		exit(77);
	}
	fx.tmp = tmpdir_make();
	fx.bed = xasprintf("%s/bed", fx.tmp);
	/* Builds may run their checks at the same time: a bed each. */
	fx.net = 110 + getpid() % 140;
	fx.lb_url = xasprintf("http://127.0.%d.254:18080/", fx.net);
	if (testbed("up 4") != 0)
		return -1;
	path = xasprintf("%s/testbed.cfg", fx.bed);
	if (campaign_load(&fx.c, path, &diags) == -1 ||
	    inventory_load(&fx.inv, fx.c.inventory_path, &diags) == -1) {
		diag_print(&diags, stderr);
		return -1;
	}
	diag_list_free(&diags);
	free(path);
	id = xasprintf("%s/id", fx.bed);
	kh = xasprintf("%s/known_hosts", fx.bed);
	sock = xasprintf("%s/haproxy.sock", fx.bed);
	st = xasprintf("%s/state", fx.tmp);
	mkdir(st, 0700);
	cfg.inventory = &fx.inv;
	cfg.state_dir = st;
	cfg.identity_file = id;
	cfg.known_hosts = kh;
	cfg.haproxy_socket = sock;
	cfg.haproxy_backend = "nodes";
	cfg.connect_ahead = true;
	if ((fx.t = ssh_transport_open(&cfg, &err)) == NULL)
		fprintf(stderr, "ssh_transport_open: %s\n", err);
	free(id);
	free(kh);
	free(sock);
	free(st);
	return fx.t != NULL ? 0 : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	if (fx.load > 0) {
		kill(fx.load, SIGTERM);
		waitpid(fx.load, NULL, 0);
	}
	if (fx.t != NULL)
		fx.t->ops->destroy(fx.t);
	inventory_free(&fx.inv);
	campaign_free(&fx.c);
	testbed("down");
	free(fx.bed);
	free(fx.lb_url);
	tmpdir_remove(fx.tmp);
	return 0;
}

/* --- the client load ------------------------------------------------------- */

struct load {
	pid_t	 pid;
	FILE	*out;
};

static struct load
load_start(void)
{
	char *prog = xasprintf("%s/tests/http_load", env_or("BUILDDIR", "."));
	struct load l;
	char line[64];
	int fds[2];

	if (fx.load > 0) {	/* left by a test that failed */
		kill(fx.load, SIGTERM);
		waitpid(fx.load, NULL, 0);
	}
	assert_int_equal(pipe(fds), 0);
	if ((l.pid = fork()) == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execl(prog, "http_load", fx.lb_url, "4", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	free(prog);
	fx.load = l.pid;
	l.out = fdopen(fds[0], "r");
	assert_non_null(fgets(line, sizeof line, l.out));
	assert_string_equal(line, "started\n");
	return l;
}

/* Stop the load; the number of failed requests, *total the requests
 * and *versions what versions were served, as "1.0 2.0 ". */
static long
load_stop(struct load *l, long *total, char *versions, size_t len)
{
	char line[128], v[32];
	long failed = -1, count;

	kill(l->pid, SIGTERM);
	versions[0] = '\0';
	while (fgets(line, sizeof line, l->out) != NULL) {
		if (sscanf(line, "requests %ld failed %ld", total, &failed) ==
		    2)
			continue;
		if (sscanf(line, "version %31s %ld", v, &count) == 2 &&
		    strlen(versions) + strlen(v) + 2 < len) {
			strcat(versions, v);
			strcat(versions, " ");
		}
	}
	fclose(l->out);
	waitpid(l->pid, NULL, 0);
	fx.load = 0;
	return failed;
}

/* --- steps ----------------------------------------------------------------- */

static enum transport_kind
kind_of(const struct step *s)
{
	switch (s->action) {
	case STEP_RUN:
		return TRANSPORT_RUN;
	case STEP_MAINTENANCE_ON:
		return TRANSPORT_MAINTENANCE_ON;
	case STEP_MAINTENANCE_OFF:
		return TRANSPORT_MAINTENANCE_OFF;
	default:
		return TRANSPORT_HTTP;
	}
}

static uint64_t
step_start(uint32_t node, const struct step *s, bool undo)
{
	const struct node *n = &fx.inv.nodes[node];
	const char *tmpl = undo ? s->undo : s->command;
	char *cmd = tmpl != NULL ? transport_expand(tmpl, n) : NULL;
	char *url = s->url != NULL ? transport_expand(s->url, n) : NULL;
	struct transport_action a = {
		.kind = kind_of(s), .node = node, .step = s, .name = s->name,
		.command = cmd, .url = url, .undo = undo, .attempt = 1,
	};
	uint64_t id = net_action_start(fx.t, &a);

	free(cmd);
	free(url);
	return id;
}

static struct transport_result
result_of(uint64_t id)
{
	struct transport_result r;
	int64_t until = time_now_ms() + 60000;

	while (time_now_ms() < until)
		if (fx.t->ops->wait(fx.t, until, -1, &r, 1) == 1 && r.id == id)
			return r;
	fail_msg("no result for action %llu", (unsigned long long)id);
	return r;
}

static struct transport_result
step_run(uint32_t node, const struct step *s, bool undo)
{
	return result_of(step_start(node, s, undo));
}

static const struct procedure *
web(void)
{
	assert_int_equal(fx.c.nprocedures, 1);
	assert_int_equal(fx.c.procedures[0].nsteps, 4);
	return &fx.c.procedures[0];
}

/* The node's version as its service reports it, through the campaign's
 * own test. */
static bool
serves_version(uint32_t node, const char *version)
{
	const struct step *test = campaign_test(&fx.c, "new-version");
	struct step s = *test;
	struct label want = { "version", (char *)version };
	struct transport_result r;

	s.expect_json = &want;
	s.nexpect_json = 1;
	r = step_run(node, &s, false);
	return r.status == TRANSPORT_OK;
}

static bool
lb_serving(uint32_t node)
{
	struct haproxy_server srv;
	char *sock = xasprintf("%s/haproxy.sock", fx.bed), *err = NULL;
	int rc = haproxy_server_get(sock, "nodes", fx.inv.nodes[node].name,
	    &srv, &err);

	free(sock);
	free(err);
	return rc == 0 && haproxy_server_serving(&srv);
}

/* --- the proofs ------------------------------------------------------------- */

static void
test_rolling_upgrade_is_smooth(void **state)
{
	const struct procedure *p = web();
	struct load l = load_start();
	struct transport_result r;
	char versions[64], *log, *text;
	long total = 0, failed;

	(void)state;
	usleep(300000);
	for (uint32_t n = 0; n < fx.inv.count; n++)
		for (size_t i = 0; i < p->nsteps; i++) {
			r = step_run(n, &p->steps[i], false);
			if (r.status != TRANSPORT_OK)
				fail_msg("%s on %s: %s", p->steps[i].name,
				    fx.inv.nodes[n].name, r.output);
		}
	usleep(300000);
	failed = load_stop(&l, &total, versions, sizeof versions);
	printf("rolling: %ld requests, %ld failed, versions %s\n", total,
	    failed, versions);
	assert_int_equal(failed, 0);
	assert_true(total > 100);
	assert_non_null(strstr(versions, "1.0 "));
	assert_non_null(strstr(versions, "2.0 "));
	for (uint32_t n = 0; n < fx.inv.count; n++) {
		assert_true(serves_version(n, "2.0"));
		assert_true(lb_serving(n));
	}
	log = xasprintf("%s/state/output/node3/upgrade.log", fx.tmp);
	text = net_slurp(log);
	assert_non_null(text);
	assert_non_null(strstr(text, "node3: now on 2.0"));
	free(text);
	free(log);
}

/* The same upgrade on every node at once, without a drain. */
static void
test_all_at_once_fails_requests(void **state)
{
	const struct step *upgrade = &web()->steps[1];
	uint64_t ids[16];
	struct load l = load_start();
	struct transport_result r;
	char versions[64];
	long total = 0, failed;

	(void)state;
	usleep(300000);
	for (uint32_t n = 0; n < fx.inv.count; n++)
		ids[n] = step_start(n, upgrade, true);
	for (size_t done = 0; done < fx.inv.count;) {
		assert_int_equal(fx.t->ops->wait(fx.t, time_now_ms() + 60000,
		    -1, &r, 1), 1);
		assert_true(r.id >= ids[0] && r.id <= ids[fx.inv.count - 1]);
		assert_int_equal(r.status, TRANSPORT_OK);
		done++;
	}
	usleep(300000);
	failed = load_stop(&l, &total, versions, sizeof versions);
	printf("all at once: %ld requests, %ld failed\n", total, failed);
	assert_true(failed > 0);
	for (uint32_t n = 0; n < fx.inv.count; n++)
		assert_true(serves_version(n, "1.0"));
}

/* A node whose upgrade fails: its done steps undone in reverse order
 * (the drain given back), it stays on 1.0 and serves, nobody notices. */
static void
test_failed_upgrade_rolls_back(void **state)
{
	const struct procedure *p = web();
	struct load l = load_start();
	struct transport_result r;
	char versions[64];
	long total = 0, failed;

	(void)state;
	/* Every node back in the pool after the last test's outage. */
	for (uint32_t n = 0; n < fx.inv.count; n++) {
		r = step_run(n, &p->steps[3], false);
		assert_int_equal(r.status, TRANSPORT_OK);
	}
	assert_int_equal(testbed("fail node2"), 0);
	r = step_run(1, &p->steps[0], false);
	assert_int_equal(r.status, TRANSPORT_OK);
	r = step_run(1, &p->steps[1], false);
	assert_int_equal(r.status, TRANSPORT_FAILED);
	assert_int_equal(r.exit_code, 1);
	assert_string_equal(r.output,
	    "node2: upgrade to 2.0 failed (injected fault)");
	assert_false(lb_serving(1));
	r = step_run(1, &p->steps[0], true);
	assert_int_equal(r.status, TRANSPORT_OK);
	usleep(300000);
	failed = load_stop(&l, &total, versions, sizeof versions);
	assert_int_equal(failed, 0);
	assert_string_equal(versions, "1.0 ");
	assert_true(serves_version(1, "1.0"));
	assert_true(lb_serving(1));
	assert_int_equal(testbed("unfail node2"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rolling_upgrade_is_smooth),
		cmocka_unit_test(test_all_at_once_fails_requests),
		cmocka_unit_test(test_failed_upgrade_rolls_back),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
