/*
 * The SSH transport against a real OpenSSH server that this test starts
 * on a loopback port, with its own host key and an authorized key in a
 * scratch directory: host key checks, key refusal, exit codes, large
 * outputs, timeouts and cancels that kill the remote command, a
 * connection dropped mid-step, many nodes at once on one thread; HTTP
 * requests against the test service, libcurl set up by the first.
 * Skipped (77) only when sshd is not installed.
 */
#include "config.h"

#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
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
#include <curl/curl.h>

#include "escalator/ssh_transport.h"
#include "escalator/util.h"
#include "net_util.h"

#define MAX_NODES	8

static struct net_sshd sshd;

static char *
path(const char *name)
{
	return net_sshd_path(&sshd, name);
}

static int
group_setup(void **state)
{
	*state = &sshd;
	return net_sshd_setup(&sshd, "host_key host_key2 id id_wrong",
	    "cp id.pub authorized_keys && mkdir state", MAX_NODES);
}

/* known_hosts with the server's real key, as after a first accept. */
static char *
known_hosts_good(void)
{
	assert_int_equal(net_sshd_known_hosts(&sshd, "known_hosts.good",
	    "host_key.pub"), 0);
	return path("known_hosts.good");
}

static struct transport *
tp_open_ahead(const char *identity, const char *known_hosts, bool accept,
    bool ahead)
{
	char *id = path(identity);
	struct ssh_transport_config cfg = {
		.inventory = &sshd.inv,
		.state_dir = NULL,
		.identity_file = id,
		.known_hosts = known_hosts,
		.accept_new_host_keys = accept,
		.connect_timeout_ms = 5000,
		.connect_ahead = ahead,
	};
	char *state = path("state"), *err = NULL;
	struct transport *t;

	cfg.state_dir = state;
	t = ssh_transport_open(&cfg, &err);
	if (t == NULL)
		fail_msg("ssh_transport_open: %s", err);
	free(id);
	free(state);
	return t;
}

static struct transport *
tp_open(const char *identity, const char *known_hosts, bool accept)
{
	return tp_open_ahead(identity, known_hosts, accept, false);
}

static uint64_t
start(struct transport *t, uint32_t node, const char *name, const char *cmd,
    const struct step *s)
{
	struct transport_action a = {
		.kind = TRANSPORT_RUN, .node = node, .step = s, .name = name,
		.command = cmd, .attempt = 1,
	};

	return net_action_start(t, &a);
}

/* Wait for the result of id, at most ms. */
static struct transport_result
result_of(struct transport *t, uint64_t id, int64_t ms)
{
	struct transport_result r;
	int64_t until = time_now_ms() + ms;

	memset(&r, 0, sizeof r);
	while (time_now_ms() < until)
		if (t->ops->wait(t, until, -1, &r, 1) == 1 && r.id == id)
			return r;
	fail_msg("no result for action %llu in %lld ms",
	    (unsigned long long)id, (long long)ms);
	return r;
}

static struct transport_result
run(struct transport *t, uint32_t node, const char *name, const char *cmd,
    int64_t timeout_ms)
{
	struct step s = { .timeout_ms = timeout_ms };

	return result_of(t, start(t, node, name, cmd, &s), timeout_ms + 10000);
}

/* Let the transport work (kill commands, close channels) for ms. */
static void
idle(struct transport *t, int64_t ms)
{
	struct transport_result r;
	int64_t until = time_now_ms() + ms;

	while (time_now_ms() < until)
		assert_int_equal(t->ops->wait(t, until, -1, &r, 1), 0);
}

static char *
fingerprint(const char *key)
{
	return net_sshd_fingerprint(&sshd, key);
}

/* --- host keys and user keys ------------------------------------------------- */

static void
test_unknown_host_key_refused(void **state)
{
	char *kh = path("known_hosts.unknown"), *fp = fingerprint(
	    "host_key.pub");
	struct transport *t = tp_open("id", kh, false);
	struct transport_result r;

	(void)state;
	r = run(t, 0, "unknown", "true", 10000);
	assert_int_equal(r.status, TRANSPORT_FAILED);
	assert_non_null(strstr(r.output, "unknown host key"));
	/* The operator is shown what to check. */
	assert_non_null(strstr(r.output, fp));
	assert_false(net_exists(kh));
	t->ops->destroy(t);
	free(fp);
	free(kh);
}

static void
test_accept_new_records_it(void **state)
{
	char *kh = path("known_hosts.new"), *text, *entry;
	struct transport *t = tp_open("id", kh, true);
	struct transport_result r;

	(void)state;
	r = run(t, 0, "accept", "echo accepted", 10000);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_string_equal(r.output, "accepted");
	t->ops->destroy(t);
	text = net_slurp(kh);
	assert_non_null(text);
	entry = xasprintf("[127.0.0.1]:%d ", sshd.port);
	assert_non_null(strstr(text, entry));
	/* Recorded: known now, without accepting anything new. */
	t = tp_open("id", kh, false);
	r = run(t, 1, "known", "true", 10000);
	assert_int_equal(r.status, TRANSPORT_OK);
	t->ops->destroy(t);
	free(entry);
	free(text);
	free(kh);
}

static void
test_changed_host_key_refused(void **state)
{
	char *kh = path("known_hosts.changed"), *before, *after;
	struct transport *t;
	struct transport_result r;

	(void)state;
	assert_int_equal(net_sshd_known_hosts(&sshd, "known_hosts.changed",
	    "host_key2.pub"), 0);
	before = net_slurp(kh);
	/* Accepting new keys never accepts a changed one. */
	t = tp_open("id", kh, true);
	r = run(t, 0, "changed", "touch changed-ran", 10000);
	assert_int_equal(r.status, TRANSPORT_FAILED);
	assert_non_null(strstr(r.output, "HOST KEY OF n1 HAS CHANGED"));
	after = net_slurp(kh);
	assert_string_equal(before, after);
	t->ops->destroy(t);
	free(before);
	free(after);
	free(kh);
}

static void
test_wrong_user_key_refused(void **state)
{
	char *kh = known_hosts_good();
	struct transport *t = tp_open("id_wrong", kh, false);
	struct transport_result r;

	(void)state;
	r = run(t, 0, "wrongkey", "true", 10000);
	assert_int_equal(r.status, TRANSPORT_FAILED);
	assert_non_null(strstr(r.output, "refused our key"));
	t->ops->destroy(t);
	free(kh);
}

/* No identity file: the keys come from ssh-agent, and an agent that
 * holds none of the node's keys gets the node refused. */
static void
test_agent_authentication(void **state)
{
	char *kh = known_hosts_good(), *sock = path("agent.sock");
	char *st = path("state"), *err = NULL;
	struct ssh_transport_config cfg = { .inventory = &sshd.inv,
	    .state_dir = st, .known_hosts = kh, .connect_timeout_ms = 5000 };
	struct transport *t;
	struct transport_result r;

	(void)state;
	assert_int_equal(net_sh("cd %s && rm -f agent.sock && "
	    "eval $(ssh-agent -a agent.sock) >/dev/null && "
	    "echo $SSH_AGENT_PID >agent.pid && "
	    "SSH_AUTH_SOCK=agent.sock ssh-add -q id 2>/dev/null",
	    sshd.dir), 0);
	setenv("SSH_AUTH_SOCK", sock, 1);
	if ((t = ssh_transport_open(&cfg, &err)) == NULL)
		fail_msg("ssh_transport_open: %s", err);
	r = run(t, 0, "agent", "echo through the agent", 10000);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_string_equal(r.output, "through the agent");
	t->ops->destroy(t);
	assert_int_equal(net_sh("SSH_AUTH_SOCK=%s ssh-add -q -D 2>/dev/null",
	    sock), 0);
	if ((t = ssh_transport_open(&cfg, &err)) == NULL)
		fail_msg("ssh_transport_open: %s", err);
	r = run(t, 0, "agent", "echo through the agent", 10000);
	assert_int_equal(r.status, TRANSPORT_FAILED);
	t->ops->destroy(t);
	net_sh("kill $(cat %s/agent.pid)", sshd.dir);
	unsetenv("SSH_AUTH_SOCK");
	free(sock);
	free(st);
	free(kh);
}

static void
test_open_key_file_refused(void **state)
{
	char *id = path("id_open"), *err = NULL, *st = path("state");
	struct ssh_transport_config cfg = { .inventory = &sshd.inv,
	    .state_dir = st, .identity_file = id };

	(void)state;
	assert_int_equal(net_sh("cp %s/id %s && chmod 644 %s", sshd.dir, id,
	    id), 0);
	assert_null(ssh_transport_open(&cfg, &err));
	assert_non_null(err);
	assert_non_null(strstr(err, "open to group or others"));
	free(err);
	free(id);
	free(st);
}

/* --- commands ---------------------------------------------------------------- */

static void
test_exit_codes_and_output(void **state)
{
	char *kh = known_hosts_good(), *log, *text;
	struct transport *t = tp_open("id", kh, false);
	struct transport_result r;

	(void)state;
	r = run(t, 0, "hello", "echo hello; echo world", 10000);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_int_equal(r.exit_code, 0);
	assert_string_equal(r.output, "world");
	log = path("state/output/n1/hello.log");
	text = net_slurp(log);
	assert_non_null(text);
	assert_string_equal(text, "hello\nworld\n");
	free(text);
	free(log);
	r = run(t, 0, "fails", "echo fine; echo oops >&2; exit 3", 10000);
	assert_int_equal(r.status, TRANSPORT_FAILED);
	assert_int_equal(r.exit_code, 3);
	assert_string_equal(r.output, "oops");
	r = run(t, 0, "silent", "exit 7", 10000);
	assert_int_equal(r.exit_code, 7);
	assert_string_equal(r.output, "exit status 7");
	/* Quotes and the shell's own syntax reach the node intact. */
	r = run(t, 0, "quotes", "a='it'\"'\"'s'; echo \"$a {x}\" | tr a-z A-Z",
	    10000);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_string_equal(r.output, "IT'S {X}");
	t->ops->destroy(t);
	free(kh);
}

static void
test_large_output(void **state)
{
	char *kh = known_hosts_good(), *log = path("state/output/n2/seq.log");
	struct transport *t = tp_open("id", kh, false);
	struct transport_result r;
	struct stat st;

	(void)state;
	r = run(t, 1, "seq", "seq 1 1000000", 60000);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_string_equal(r.output, "1000000");
	assert_int_equal(stat(log, &st), 0);
	assert_int_equal(st.st_size, 6888896);
	assert_int_equal(st.st_mode & 077, 0);
	t->ops->destroy(t);
	free(log);
	free(kh);
}

static void
test_timeout_kills_remote_command(void **state)
{
	char *kh = known_hosts_good(), *done = path("timeout-done"),
	    *control = path("control-done"), *cmd;
	struct transport *t = tp_open("id", kh, false);
	struct transport_result r;
	int64_t t0;

	(void)state;
	cmd = xasprintf("sleep 0.2; touch %s", control);
	r = run(t, 0, "control", cmd, 10000);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_true(net_exists(control));
	free(cmd);
	/* A pipeline and a child of a child: the whole group goes. */
	cmd = xasprintf("(sleep 2; touch %s) & sleep 2 | cat; wait", done);
	t0 = time_mono_ms();
	r = run(t, 0, "hangs", cmd, 700);
	assert_int_equal(r.status, TRANSPORT_FAILED);
	assert_non_null(strstr(r.output, "timed out"));
	assert_true(time_mono_ms() - t0 < 3000);
	idle(t, 2800);
	assert_false(net_exists(done));
	t->ops->destroy(t);
	free(cmd);
	free(done);
	free(control);
	free(kh);
}

/* Cancelled while it runs, and cancelled before the node has even
 * started it: in both cases it never finishes. */
static void
test_cancel_kills_remote_command(void **state)
{
	char *kh = known_hosts_good(), *done = path("cancel-done"),
	    *early = path("cancel-early"), *cmd, *cmd2;
	struct transport *t = tp_open("id", kh, false);
	struct step s = { .timeout_ms = 60000 };
	struct transport_result r;
	uint64_t id;

	(void)state;
	r = run(t, 2, "warm", "true", 10000);
	assert_int_equal(r.status, TRANSPORT_OK);
	cmd = xasprintf("sleep 1.5; touch %s", done);
	id = start(t, 2, "cancelled", cmd, &s);
	idle(t, 600);
	t->ops->cancel(t, id);
	cmd2 = xasprintf("sleep 1.5; touch %s", early);
	id = start(t, 2, "cancelled-early", cmd2, &s);
	idle(t, 150);
	t->ops->cancel(t, id);
	idle(t, 2500);
	assert_false(net_exists(done));
	assert_false(net_exists(early));
	t->ops->destroy(t);
	free(cmd);
	free(cmd2);
	free(done);
	free(early);
	free(kh);
}

/* Kill sshd's children: every session it serves drops at once. */
static void
sessions_kill(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char *stat_path, *text, *close_paren;
		long pid = strtol(e->d_name, NULL, 10), ppid = 0;

		if (pid <= 0)
			continue;
		stat_path = xasprintf("/proc/%ld/stat", pid);
		text = net_slurp(stat_path);
		if (text != NULL && (close_paren = strrchr(text, ')')) != NULL)
			sscanf(close_paren + 2, "%*c %ld", &ppid);
		if (ppid == sshd.pid)
			kill((pid_t)pid, SIGKILL);
		free(text);
		free(stat_path);
	}
	closedir(d);
}

static void
test_connection_dropped_mid_step(void **state)
{
	char *kh = known_hosts_good();
	struct transport *t = tp_open("id", kh, false);
	struct step s = { .timeout_ms = 60000 };
	struct transport_result r;
	uint64_t id;
	int64_t t0;

	(void)state;
	id = start(t, 3, "dropped", "sleep 4", &s);
	idle(t, 800);
	t0 = time_mono_ms();
	sessions_kill();
	r = result_of(t, id, 10000);
	assert_int_equal(r.status, TRANSPORT_FAILED);
	assert_non_null(strstr(r.output, "n4"));
	assert_true(time_mono_ms() - t0 < 3000);
	/* The next step on the node connects again. */
	r = run(t, 3, "after", "echo back", 10000);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_string_equal(r.output, "back");
	/* Closed by the server while idle: the next step does not fail for
	 * it, it gets a new session. */
	sessions_kill();
	idle(t, 300);
	r = run(t, 3, "again", "echo again", 10000);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_string_equal(r.output, "again");
	t->ops->destroy(t);
	free(kh);
}

static void
test_many_nodes_one_thread(void **state)
{
	char *kh = known_hosts_good();
	struct transport *t = tp_open("id", kh, false);
	struct step s = { .timeout_ms = 20000 };
	struct transport_result r, first, second;
	int64_t t0 = time_mono_ms();
	uint64_t ids[MAX_NODES];
	int ok = 0;

	(void)state;
	for (uint32_t i = 0; i < MAX_NODES; i++)
		ids[i] = start(t, i, "parallel", "sleep 3", &s);
	while (ok < MAX_NODES && time_mono_ms() - t0 < 30000)
		if (t->ops->wait(t, time_now_ms() + 1000, -1, &r, 1) == 1) {
			assert_int_equal(r.status, TRANSPORT_OK);
			assert_true(r.id >= ids[0] && r.id <= ids[MAX_NODES - 1]);
			ok++;
		}
	assert_int_equal(ok, MAX_NODES);
	/* One after the other would take 24 s. */
	assert_true(time_mono_ms() - t0 < 12000);
	/* One session per node, reused: the same client port each time. */
	first = run(t, 0, "conn1", "echo $SSH_CLIENT", 10000);
	second = run(t, 0, "conn2", "echo $SSH_CLIENT", 10000);
	assert_int_equal(first.status, TRANSPORT_OK);
	assert_string_equal(first.output, second.output);
	t->ops->destroy(t);
	free(kh);
}

/* The SSH connections open to our server, as the kernel sees them:
 * established TCP connections to its port. */
static int
connections(void)
{
	FILE *f = fopen("/proc/net/tcp", "re");
	unsigned int rport, st;
	char line[256];
	int n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "%*d: %*x:%*x %*x:%x %x", &rport, &st) == 2 &&
		    rport == (unsigned int)sshd.port && st == 1)
			n++;
	fclose(f);
	return n;
}

/* Connections become established, or closed, within a few seconds. */
static int
connections_settle(struct transport *t, int want)
{
	int64_t until = time_mono_ms() + 5000;
	int n;

	while ((n = connections()) != want && time_mono_ms() < until)
		idle(t, 100);
	return n;
}

/* connect_ahead opens a window of sessions ahead of the nodes at work,
 * not the inventory, and keeps no more idle ones than nodes were ever
 * busy at once: here, one node at a time, four ahead, the last one
 * used. */
static void
test_connect_ahead_bounded(void **state)
{
	char *kh = known_hosts_good();
	struct transport_result first, again;
	struct transport *t;

	(void)state;
	assert_int_equal(connections(), 0);
	/* Four handshakes at once, from the start. */
	t = tp_open_ahead("id", kh, false, true);
	assert_int_equal(connections_settle(t, 4), 4);
	first = run(t, 0, "first", "echo $SSH_CLIENT", 10000);
	assert_int_equal(first.status, TRANSPORT_OK);
	/* Node 0 idle, nodes 1 to 4 ahead. */
	assert_int_equal(connections_settle(t, 5), 5);
	idle(t, 500);
	assert_int_equal(connections(), 5);
	for (uint32_t i = 1; i < MAX_NODES; i++) {
		assert_int_equal(run(t, i, "next", "true", 10000).status,
		    TRANSPORT_OK);
		assert_true(connections() <= 6);
	}
	assert_int_equal(connections_settle(t, 1), 1);
	/* The last node's session is reused; node 0 connects again. */
	first = run(t, MAX_NODES - 1, "last", "echo $SSH_CLIENT", 10000);
	again = run(t, MAX_NODES - 1, "last2", "echo $SSH_CLIENT", 10000);
	assert_string_equal(first.output, again.output);
	assert_int_equal(run(t, 0, "back", "true", 10000).status,
	    TRANSPORT_OK);
	assert_int_equal(connections_settle(t, 1), 1);
	t->ops->destroy(t);
	assert_int_equal(connections(), 0);
	free(kh);
}

static void
test_wake_fd_and_unreachable(void **state)
{
	char *kh = known_hosts_good();
	struct transport *t = tp_open("id", kh, false);
	struct step s = { .timeout_ms = 20000 };
	struct transport_result r;
	int fds[2], saved = sshd.inv.nodes[4].port, refusing;
	int64_t t0;
	uint64_t id;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	id = start(t, 0, "busy", "sleep 2", &s);
	assert_int_equal(write(fds[1], "x", 1), 1);
	t0 = time_mono_ms();
	assert_int_equal(t->ops->wait(t, CLOCK_NEVER, fds[0], &r, 1), 0);
	assert_true(time_mono_ms() - t0 < 500);
	t->ops->cancel(t, id);
	t->ops->destroy(t);
	/* Nobody listens there: the step fails, quickly. */
	sshd.inv.nodes[4].port = net_refusing_port(&refusing);
	t = tp_open("id", kh, false);
	t0 = time_mono_ms();
	r = run(t, 4, "unreachable", "true", 10000);
	assert_int_equal(r.status, TRANSPORT_FAILED);
	assert_non_null(strstr(r.output, "cannot connect"));
	assert_true(time_mono_ms() - t0 < 3000);
	t->ops->destroy(t);
	sshd.inv.nodes[4].port = saved;
	close(refusing);
	close(fds[0]);
	close(fds[1]);
	free(kh);
}

/* --- HTTP -------------------------------------------------------------------- */

/* HTTP probers made in this process: libcurl's multi handles, the real
 * ones, counted on their way. */
static int multi_handles;

CURLM *
curl_multi_init(void)
{
	CURLM *(*real)(void) = (CURLM *(*)(void))dlsym(RTLD_NEXT,
	    "curl_multi_init");

	multi_handles++;
	return real();
}

static struct transport_result
request(struct transport *t, uint32_t node, const char *url,
    const struct step *s)
{
	struct transport_action a = {
		.kind = TRANSPORT_HTTP, .node = node, .step = s,
		.name = "request", .url = url, .attempt = 1,
	};

	return result_of(t, net_action_start(t, &a), s->timeout_ms + 10000);
}

/* Commands alone never set libcurl up (resident memory a campaign
 * without URLs does not need); the first request does, and an http
 * step's body names its node as its URL may. */
static void
test_http_from_first_request(void **state)
{
	char *kh = known_hosts_good(), *notify, *notified;
	struct transport *t = tp_open("id", kh, false);
	struct label node = { (char *)"node", (char *)"n2" };
	struct step post = { .timeout_ms = 10000, .expect_status = 202,
	    .body = (char *)"{\"event\":\"upgrade\",\"node\":\"{name}\"}" };
	struct step get = { .timeout_ms = 10000, .expect_status = 200,
	    .expect_json = &node, .nexpect_json = 1 };
	int before = multi_handles, port;
	pid_t pid;

	(void)state;
	assert_int_equal(run(t, 1, "hello", "echo hello", 10000).status,
	    TRANSPORT_OK);
	assert_int_equal(multi_handles, before);
	assert_true((port = net_httpd_start(&pid, "2.0")) > 0);
	notify = xasprintf("http://127.0.0.1:%d/notify", port);
	notified = xasprintf("http://127.0.0.1:%d/notified", port);
	assert_int_equal(request(t, 1, notify, &post).status, TRANSPORT_OK);
	assert_int_equal(multi_handles, before + 1);
	assert_int_equal(request(t, 1, notified, &get).status, TRANSPORT_OK);
	assert_int_equal(multi_handles, before + 1);
	t->ops->destroy(t);
	net_stop(pid);
	free(notify);
	free(notified);
	free(kh);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_host_key_refused),
		cmocka_unit_test(test_accept_new_records_it),
		cmocka_unit_test(test_changed_host_key_refused),
		cmocka_unit_test(test_wrong_user_key_refused),
		cmocka_unit_test(test_agent_authentication),
		cmocka_unit_test(test_open_key_file_refused),
		cmocka_unit_test(test_exit_codes_and_output),
		cmocka_unit_test(test_large_output),
		cmocka_unit_test(test_timeout_kills_remote_command),
		cmocka_unit_test(test_cancel_kills_remote_command),
		cmocka_unit_test(test_connection_dropped_mid_step),
		cmocka_unit_test(test_many_nodes_one_thread),
		cmocka_unit_test(test_connect_ahead_bounded),
		cmocka_unit_test(test_wake_fd_and_unreachable),
		cmocka_unit_test(test_http_from_first_request),
	};

	return cmocka_run_group_tests(tests, group_setup,
	    net_sshd_group_teardown);
}
