/*
 * An unknown SSH host key through the engine, against a real OpenSSH
 * server on a loopback port: it becomes an approval with the key's
 * type and fingerprint (as ssh-keygen -lf shows it), not a failed step;
 * accepting records it in known_hosts and the step runs as if for the
 * first time (no retry spent, no new attempt); denying fails the step;
 * a key that changed before the acceptance is refused; a changed key is
 * never put to the operator. With a second sshd for a later node, a
 * session opened ahead of need asks (or cries a changed key) while the
 * first node's batch still runs; a node with nothing left to do is not
 * asked; a denial outlives a restart (and known_hosts takes it back);
 * a key that changes to another unknown one while asked replaces the
 * question, loudly. Skipped (77) only when sshd is not installed.
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
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "escalator/campaign.h"
#include "escalator/cli.h"
#include "escalator/engine.h"
#include "escalator/inventory.h"
#include "escalator/journal.h"
#include "escalator/ssh_transport.h"
#include "escalator/util.h"
#include "net_util.h"

/* A safety net against a hang, not a timing assertion. */
#define GIVE_UP_MS	120000

/* How long a gate waits for news of the later node before it is
 * answered all the same (and the test fails). */
#define AHEAD_WAIT_MS	20000

struct fixture {
	struct net_sshd	 s;
	int		 port2;		/* the second sshd: host_key2 */
	pid_t		 pid2;
};

static struct fixture fx;

/* What one run saw and did. */
struct run {
	const char		*campaign;	/* NULL: hostkey.cfg */
	const char		*known_hosts;	/* file name in fx.s.dir */
	enum engine_cmd_type	 answer;	/* to the host-key question */
	bool			 swap_key;	/* change it before answering */
	bool			 no_ahead;	/* sessions only when needed */
	bool			 resume;	/* carry on the run in state */
	/* Change the key when asked, and leave that question open. */
	bool			 swap_unanswered;
	uint32_t		 left_open;	/* that question */
	int64_t			 left_ms;	/* since */
	const char		*quit_at;	/* quit at this node's gate */
	bool			 quit;
	/* Hold the first gate until the later node's key is news (or for
	 * hold_ms, when set). */
	bool			 hold_gate;
	int64_t			 hold_ms;
	uint32_t		 gate;		/* held, not yet answered */
	int64_t			 gate_ms;	/* held since */
	bool			 news_at_gate;	/* came while it was held */
	int			 hostkey_asked;
	struct engine_approval	 hostkey;	/* the question */
	int			 unknown_finished; /* steps ended "unknown" */
	bool			 bob_refused;
	bool			 changed_logged;
	enum engine_state	 final;
};

static char *
path(const char *name)
{
	return net_sshd_path(&fx.s, name);
}

static char *
fingerprint(const char *key)
{
	return net_sshd_fingerprint(&fx.s, key);
}

static int
write_campaign(const char *user)
{
	char *cfg = path("hostkey.cfg"), *inv = path("hostkey.inventory");
	FILE *f;

	if ((f = fopen(inv, "w")) == NULL)
		return -1;
	fprintf(f, "nodes = ( { name = \"n1\"; address = \"127.0.0.1\"; "
	    "port = %d; user = \"%s\"; version = \"1.0\"; roles = "
	    "[ \"web\" ]; } );\n", fx.s.port, user);
	fclose(f);
	if ((f = fopen(cfg, "w")) == NULL)
		return -1;
	fprintf(f, "name = \"hostkey\";\n"
	    "version = { from = \"1.0\"; to = \"2.0\"; };\n"
	    "inventory = \"hostkey.inventory\";\n"
	    "operators = ( { name = \"alice\"; role = \"admin\"; },\n"
	    "  { name = \"bob\"; role = \"approver\"; } );\n"
	    "procedures = ( { name = \"web\"; target = { roles = "
	    "[ \"web\" ]; };\n"
	    "  method = \"rolling\"; batch = 1;\n"
	    "  steps = ( { name = \"upgrade\"; action = \"run\";\n"
	    "    command = \"touch %s/ran\"; sets_version = true;\n"
	    "    timeout = \"30s\"; expected = \"1s\"; on_failure = \"abort\"; }"
	    " ); } );\n", fx.s.dir);
	fclose(f);
	free(cfg);
	free(inv);
	return 0;
}

/* retry.cfg: the step fails once, then succeeds; one retry.
 * ahead.cfg: n1 then n2 (on the second sshd), a gate before each
 * upgrade.
 * monitor.cfg: hostkey.cfg with n1's health probed every second. */
static int
write_more_campaigns(const char *user)
{
	char *retry = path("retry.cfg"), *ahead = path("ahead.cfg"),
	    *inv = path("ahead.inventory"), *monitor = path("monitor.cfg");
	FILE *f;
	int rc = -1;

	if ((f = fopen(monitor, "w")) == NULL)
		goto out;
	fprintf(f, "name = \"monitor\";\n"
	    "version = { from = \"1.0\"; to = \"2.0\"; };\n"
	    "inventory = \"hostkey.inventory\";\n"
	    "health = ( { name = \"up\"; action = \"run\"; command = "
	    "\"true\"; timeout = \"10s\"; expected = \"1s\"; } );\n"
	    "monitor = { interval = \"1s\"; checks = [ \"up\" ]; "
	    "on_failure = \"continue\"; };\n"
	    "procedures = ( { name = \"web\"; target = { roles = "
	    "[ \"web\" ]; };\n"
	    "  method = \"rolling\"; batch = 1;\n"
	    "  steps = ( { name = \"upgrade\"; action = \"run\";\n"
	    "    command = \"touch %s/ran\"; sets_version = true;\n"
	    "    timeout = \"30s\"; expected = \"1s\"; on_failure = \"abort\"; }"
	    " ); } );\n", fx.s.dir);
	fclose(f);

	if ((f = fopen(retry, "w")) == NULL)
		goto out;
	fprintf(f, "name = \"retry\";\n"
	    "version = { from = \"1.0\"; to = \"2.0\"; };\n"
	    "inventory = \"hostkey.inventory\";\n"
	    "procedures = ( { name = \"web\"; target = { roles = "
	    "[ \"web\" ]; };\n"
	    "  method = \"rolling\"; batch = 1;\n"
	    "  steps = ( { name = \"upgrade\"; action = \"run\";\n"
	    "    command = \"test -e %s/failed || { touch %s/failed; exit 1; };"
	    " touch %s/ran\"; sets_version = true; retries = 1;\n"
	    "    timeout = \"30s\"; expected = \"1s\"; on_failure = \"abort\"; }"
	    " ); } );\n", fx.s.dir, fx.s.dir, fx.s.dir);
	fclose(f);
	if ((f = fopen(inv, "w")) == NULL)
		goto out;
	fprintf(f, "nodes = ( { name = \"n1\"; address = \"127.0.0.1\"; "
	    "port = %d; user = \"%s\"; version = \"1.0\"; roles = "
	    "[ \"web\" ]; },\n  { name = \"n2\"; address = \"127.0.0.1\"; "
	    "port = %d; user = \"%s\"; version = \"1.0\"; roles = "
	    "[ \"web\" ]; } );\n", fx.s.port, user, fx.port2, user);
	fclose(f);
	if ((f = fopen(ahead, "w")) == NULL)
		goto out;
	fprintf(f, "name = \"ahead\";\n"
	    "version = { from = \"1.0\"; to = \"2.0\"; };\n"
	    "inventory = \"ahead.inventory\";\n"
	    "procedures = ( { name = \"web\"; target = { roles = "
	    "[ \"web\" ]; };\n"
	    "  method = \"rolling\"; batch = 1;\n"
	    "  steps = ( { name = \"go\"; action = \"approval\"; },\n"
	    "    { name = \"upgrade\"; action = \"run\";\n"
	    "    command = \"touch %s/ran.{name}\"; sets_version = true;\n"
	    "    timeout = \"30s\"; expected = \"1s\"; on_failure = \"abort\"; }"
	    " ); } );\n", fx.s.dir);
	fclose(f);
	rc = 0;
out:
	free(monitor);
	free(retry);
	free(ahead);
	free(inv);
	return rc;
}

static int
group_setup(void **state)
{
	char *dir2;
	int rc;

	*state = &fx;
	if (net_sshd_setup(&fx.s, "host_key host_key2 id",
	    "cp id.pub authorized_keys && mkdir second && "
	    "cp host_key2 authorized_keys second/", 0) == -1)
		return -1;
	/* A second node, another sshd with a key of its own. */
	dir2 = path("second");
	fx.port2 = net_free_port();
	rc = net_sshd_start(dir2, fx.port2, "host_key2", &fx.pid2);
	free(dir2);
	if (rc == -1 || write_campaign(fx.s.user) == -1)
		return -1;
	return write_more_campaigns(fx.s.user);
}

static int
group_teardown(void **state)
{
	(void)state;
	net_stop(fx.pid2);
	net_sshd_teardown(&fx.s);
	return 0;
}

/* Each test starts from no run, no known host, nothing done. */
static int
setup(void **state)
{
	(void)state;
	return net_sh("cd %s && rm -rf state ran ran.* failed known_hosts*",
	    fx.s.dir) == 0 ? 0 : -1;
}

/* As if the node were reinstalled: same address, another host key. */
static void
sshd_restart(const char *host_key)
{
	net_stop(fx.s.pid);
	assert_int_equal(net_sshd_start(fx.s.dir, fx.s.port, host_key,
	    &fx.s.pid), 0);
}

static void
send(struct engine *e, enum engine_cmd_type type, uint32_t id,
    const char *operator)
{
	struct engine_command cmd = { .type = type, .approval = id,
	    .operator = operator };

	engine_command(e, &cmd);
}

static void
on_approval(struct engine *e, struct run *r, const struct engine_approval *a)
{
	if (a->kind == APPROVAL_GATE && r->hold_gate) {
		r->hold_gate = false;
		r->gate = a->id;
		r->gate_ms = time_mono_ms();
		return;
	}
	if (a->kind == APPROVAL_GATE && r->quit_at != NULL &&
	    strcmp(a->node, r->quit_at) == 0) {
		r->quit = true;
		return;
	}
	if (a->kind != APPROVAL_HOSTKEY) {
		send(e, ENGINE_CMD_APPROVE, a->id, "alice");
		return;
	}
	r->hostkey_asked++;
	free(r->hostkey.node);
	free(r->hostkey.object);
	r->hostkey = *a;
	r->hostkey.node = a->node ? xstrdup(a->node) : NULL;
	r->hostkey.object = a->object ? xstrdup(a->object) : NULL;
	r->hostkey.affected = r->hostkey.summary = NULL;
	if (r->swap_key)
		sshd_restart("host_key2");
	if (r->swap_unanswered) {
		r->swap_unanswered = false;
		sshd_restart("host_key2");
		r->left_open = a->id;
		r->left_ms = time_mono_ms();
		return;
	}
	/* An approver may not trust a host key; an admin may. */
	send(e, r->answer, a->id, "bob");
	send(e, r->answer, a->id, "alice");
}

static void
seen(struct engine *e, struct run *r, const struct engine_event *ev)
{
	switch (ev->type) {
	case ENGINE_EVENT_APPROVAL:
		on_approval(e, r, &ev->approval);
		break;
	case ENGINE_EVENT_LOG:
		if (ev->text && strstr(ev->text, "bob may not decide on host "
		    "keys"))
			r->bob_refused = true;
		if (ev->text && strstr(ev->text, "HAS CHANGED"))
			r->changed_logged = true;
		break;
	case ENGINE_EVENT_STEP_FINISHED:
		if (ev->text && strstr(ev->text, "HAS CHANGED"))
			r->changed_logged = true;
		if (ev->status == STEP_STATUS_UNKNOWN)
			r->unknown_finished++;
		break;
	default:
		break;
	}
}

/* The held gate goes once the later node's key is news (or never
 * comes): whether it came first says it was asked ahead of need. */
static void
gate_release(struct engine *e, struct run *r)
{
	bool news = r->hold_ms == 0 && (r->hostkey_asked > 0 ||
	    r->changed_logged);

	if (r->gate == 0 || (!news && time_mono_ms() - r->gate_ms <
	    (r->hold_ms > 0 ? r->hold_ms : AHEAD_WAIT_MS)))
		return;
	r->news_at_gate = news;
	send(e, ENGINE_CMD_APPROVE, r->gate, "alice");
	r->gate = 0;
}

/* The question left open is answered after a while all the same, for
 * the test to fail rather than wait for ever if no other comes. */
static void
open_release(struct engine *e, struct run *r)
{
	if (r->left_open == 0 || time_mono_ms() - r->left_ms < AHEAD_WAIT_MS)
		return;
	send(e, r->answer, r->left_open, "alice");
	r->left_open = 0;
}

/* The campaign over SSH, opened as the command line opens it. */
static void
run_campaign(struct run *r)
{
	char *file = path(r->campaign ? r->campaign : "hostkey.cfg"),
	    *err = NULL;
	struct diag_list d = { NULL, 0, 0 };
	struct campaign c;
	struct inventory inv;
	struct cli_transport t;
	struct engine_config cfg;
	struct engine *e;
	bool done = false;
	int64_t until = time_mono_ms() + GIVE_UP_MS;

	memset(&c, 0, sizeof c);
	memset(&inv, 0, sizeof inv);
	memset(&t, 0, sizeof t);
	if (campaign_load(&c, file, &d) == -1 ||
	    inventory_load(&inv, c.inventory_path, &d) == -1) {
		diag_print(&d, stderr);
		fail_msg("cannot load %s", file);
	}
	t.ssh = true;
	t.identity_file = path("id");
	t.known_hosts = path(r->known_hosts);
	memset(&cfg, 0, sizeof cfg);
	cfg.campaign = &c;
	cfg.inventory = &inv;
	cfg.state_dir = path("state");
	cfg.operator = "alice";
	cfg.resume = r->resume;
	cli_transport_setup(&t, &cfg);
	if (r->no_ahead)
		((struct ssh_transport_config *)t.config)->connect_ahead =
		    false;
	if ((e = engine_start(&cfg, &err)) == NULL)
		fail_msg("engine_start: %s", err);
	send(e, ENGINE_CMD_START, 0, "alice");
	while (!done && !r->quit && time_mono_ms() < until) {
		struct pollfd p = { .fd = engine_event_fd(e), .events = POLLIN };
		struct engine_event *ev;
		size_t n;

		poll(&p, 1, 200);
		gate_release(e, r);
		open_release(e, r);
		ev = engine_events_take(e, &n);
		for (size_t i = 0; i < n; i++) {
			seen(e, r, &ev[i]);
			if (ev[i].type == ENGINE_EVENT_FINISHED) {
				r->final = ev[i].state;
				done = true;
			}
		}
		engine_events_free(ev, n);
	}
	engine_free(e);
	assert_true(done || r->quit);
	free((char *)cfg.state_dir);
	cli_transport_free(&t);
	diag_list_free(&d);
	campaign_free(&c);
	inventory_free(&inv);
	free(file);
}

static void
run_free(struct run *r)
{
	free(r->hostkey.node);
	free(r->hostkey.object);
}

/* The known_hosts line of dir/key.pub for the server's address. */
static char *
entry_of(const char *key)
{
	char *pub = path(key), *text = net_slurp(pub), *entry;

	assert_non_null(text);
	/* "TYPE BASE64 COMMENT": keep TYPE BASE64 */
	*strchr(strchr(text, ' ') + 1, ' ') = '\0';
	entry = xasprintf("[127.0.0.1]:%d %s", fx.s.port, text);
	free(pub);
	free(text);
	return entry;
}

/* Whether the journal holds a decision of operator about the key. */
static bool
journaled(const char *operator, const char *kind, const char *fp)
{
	char *dir = path("state"), *err = NULL;
	struct journal *j;
	struct journal_event *ev;
	size_t n;
	bool found = false;

	if (journal_open_readonly(&j, dir, &err) == -1)
		fail_msg("%s", err);
	assert_int_equal(journal_events_load(j, 1000, &ev, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(ev[i].operator, operator) == 0 &&
		    strcmp(ev[i].kind, kind) == 0 &&
		    strstr(ev[i].message, fp) != NULL)
			found = true;
	journal_events_free(ev, n);
	journal_close(j);
	free(dir);
	return found;
}

/* The step's records on node, "ATTEMPT:STATUS" each, in order. */
static char *
records(const char *node, const char *step)
{
	char *dir = path("state"), *err = NULL, *out = xstrdup(""), *more;
	struct journal *j;
	struct journal_step *st;
	size_t n;

	if (journal_open_readonly(&j, dir, &err) == -1)
		fail_msg("%s", err);
	assert_int_equal(journal_steps_load(j, &st, &n), 0);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(st[i].node, node) != 0 ||
		    strcmp(st[i].step, step) != 0)
			continue;
		more = xasprintf("%s%s%d:%s", out, *out ? " " : "",
		    st[i].attempt, step_status_name(st[i].status));
		free(out);
		out = more;
	}
	journal_steps_free(st, n);
	journal_close(j);
	free(dir);
	return out;
}

/* Whether STATE/output/n1/name exists. */
static bool
step_log(const char *name)
{
	char *rel = xasprintf("state/output/n1/%s", name), *p = path(rel);
	bool found = net_exists(p);

	free(p);
	free(rel);
	return found;
}

static void
test_unknown_key_accepted(void **state)
{
	struct run r = { .known_hosts = "known_hosts",
	    .answer = ENGINE_CMD_APPROVE };
	char *fp = fingerprint("host_key.pub"), *kh = path("known_hosts"),
	    *ran = path("ran"), *entry = entry_of("host_key.pub"), *text;

	(void)state;
	run_campaign(&r);
	assert_int_equal(r.hostkey_asked, 1);
	assert_string_equal(r.hostkey.node, "n1");
	assert_string_equal(r.hostkey.hostkey.type, "ssh-ed25519");
	assert_string_equal(r.hostkey.hostkey.fingerprint, fp);
	assert_true(r.bob_refused);
	/* Recorded, and the step ran on the node. */
	text = net_slurp(kh);
	assert_non_null(text);
	assert_non_null(strstr(text, entry));
	assert_true(net_exists(ran));
	assert_int_equal(r.final, ENGINE_STATE_COMMITTED);
	assert_true(journaled("alice", "approve", fp));
	/* A question, not a step that ended: one record, the first try. */
	assert_int_equal(r.unknown_finished, 0);
	free(text);
	text = records("n1", "upgrade");
	assert_string_equal(text, "1:ok");
	run_free(&r);
	free(text);
	free(entry);
	free(ran);
	free(kh);
	free(fp);
}

/* The step's own connection meets the key (no session ahead): the
 * question is no attempt. Accepted, the step fails once as it would
 * have, and its one retry is still there: attempts 1 and 2, each with
 * its log. */
static void
test_accept_spends_no_retry(void **state)
{
	struct run r = { .campaign = "retry.cfg", .known_hosts = "known_hosts",
	    .answer = ENGINE_CMD_APPROVE, .no_ahead = true };
	char *ran = path("ran"), *text;

	(void)state;
	run_campaign(&r);
	assert_int_equal(r.hostkey_asked, 1);
	assert_string_equal(r.hostkey.object, "upgrade");
	assert_int_equal(r.unknown_finished, 0);
	assert_int_equal(r.final, ENGINE_STATE_COMMITTED);
	assert_true(net_exists(ran));
	text = records("n1", "upgrade");
	assert_string_equal(text, "1:failed 2:ok");
	assert_true(step_log("upgrade.log"));
	assert_true(step_log("upgrade.2.log"));
	assert_false(step_log("upgrade.3.log"));
	run_free(&r);
	free(text);
	free(ran);
}

/* ahead.cfg with known_hosts knowing n1, and n2 by key (NULL: not). */
static void
known_hosts_ahead(const char *n2_key)
{
	assert_int_equal(net_sshd_known_hosts(&fx.s, "known_hosts.ahead",
	    "host_key.pub"), 0);
	if (n2_key != NULL)
		assert_int_equal(net_sh("cd %s && printf '[127.0.0.1]:%d ' >> "
		    "known_hosts.ahead && cut -d' ' -f1,2 %s >> "
		    "known_hosts.ahead", fx.s.dir, fx.port2, n2_key), 0);
}

/* n2's key is asked about while n1's batch still runs (its gate held),
 * not when n2's turn comes; accepted then, n2's steps run without
 * another question, their first attempt. */
static void
test_asked_ahead_of_need(void **state)
{
	struct run r = { .campaign = "ahead.cfg",
	    .known_hosts = "known_hosts.ahead", .answer = ENGINE_CMD_APPROVE,
	    .hold_gate = true };
	char *fp = fingerprint("host_key2.pub"), *ran1 = path("ran.n1"),
	    *ran2 = path("ran.n2"), *text;

	(void)state;
	known_hosts_ahead(NULL);
	run_campaign(&r);
	assert_true(r.news_at_gate);
	assert_int_equal(r.hostkey_asked, 1);
	assert_string_equal(r.hostkey.node, "n2");
	assert_string_equal(r.hostkey.object, "connecting ahead");
	assert_string_equal(r.hostkey.hostkey.fingerprint, fp);
	assert_int_equal(r.final, ENGINE_STATE_COMMITTED);
	assert_true(net_exists(ran1));
	assert_true(net_exists(ran2));
	text = records("n2", "upgrade");
	assert_string_equal(text, "1:ok");
	run_free(&r);
	free(text);
	free(ran1);
	free(ran2);
	free(fp);
}

/* Denied ahead of need: n2's step fails when its turn comes, without
 * asking again; n1 was upgraded meanwhile. */
static void
test_denied_ahead_of_need(void **state)
{
	struct run r = { .campaign = "ahead.cfg",
	    .known_hosts = "known_hosts.ahead", .answer = ENGINE_CMD_DENY,
	    .hold_gate = true };
	char *ran1 = path("ran.n1"), *ran2 = path("ran.n2"), *text;

	(void)state;
	known_hosts_ahead(NULL);
	run_campaign(&r);
	assert_true(r.news_at_gate);
	assert_int_equal(r.hostkey_asked, 1);
	assert_int_equal(r.final, ENGINE_STATE_ABORTED);
	assert_true(net_exists(ran1));
	assert_false(net_exists(ran2));
	text = records("n2", "upgrade");
	assert_string_equal(text, "1:failed");
	run_free(&r);
	free(text);
	free(ran1);
	free(ran2);
}

/* A changed key on n2 is cried out while n1's batch still runs, and
 * never asked about. */
static void
test_changed_ahead_of_need(void **state)
{
	struct run r = { .campaign = "ahead.cfg",
	    .known_hosts = "known_hosts.ahead", .answer = ENGINE_CMD_APPROVE,
	    .hold_gate = true };
	char *ran2 = path("ran.n2");

	(void)state;
	known_hosts_ahead("host_key.pub");
	run_campaign(&r);
	assert_true(r.news_at_gate);
	assert_true(r.changed_logged);
	assert_int_equal(r.hostkey_asked, 0);
	assert_int_equal(r.final, ENGINE_STATE_ABORTED);
	assert_false(net_exists(ran2));
	free(ran2);
}

/* known_hosts.ahead knowing n2 alone. */
static void
known_hosts_n2_only(void)
{
	assert_int_equal(net_sh("cd %s && printf '[127.0.0.1]:%d ' > "
	    "known_hosts.ahead && cut -d' ' -f1,2 host_key2.pub >> "
	    "known_hosts.ahead", fx.s.dir, fx.port2), 0);
}

/* n1 upgraded, the run quit at n2's gate; resumed, n1 offers a key
 * nobody knows but has nothing left to do: no question about it, while
 * the gate is held long enough for the session ahead to meet it. */
static void
test_done_node_not_asked(void **state)
{
	struct run first = { .campaign = "ahead.cfg",
	    .known_hosts = "known_hosts.ahead", .answer = ENGINE_CMD_APPROVE,
	    .quit_at = "n2" };
	struct run r = { .campaign = "ahead.cfg",
	    .known_hosts = "known_hosts.ahead", .answer = ENGINE_CMD_APPROVE,
	    .resume = true, .hold_gate = true, .hold_ms = 3000 };
	char *ran2 = path("ran.n2");

	(void)state;
	known_hosts_ahead("host_key2.pub");
	run_campaign(&first);
	assert_true(first.quit);
	assert_false(net_exists(ran2));
	known_hosts_n2_only();
	run_campaign(&r);
	assert_int_equal(r.hostkey_asked, 0);
	assert_int_equal(r.final, ENGINE_STATE_COMMITTED);
	assert_true(net_exists(ran2));
	run_free(&first);
	run_free(&r);
	free(ran2);
}

/* n2's key denied ahead of need, then the run quits at n2's gate. */
static void
deny_then_quit(void)
{
	struct run r = { .campaign = "ahead.cfg",
	    .known_hosts = "known_hosts.ahead", .answer = ENGINE_CMD_DENY,
	    .hold_gate = true, .quit_at = "n2" };
	char *fp = fingerprint("host_key2.pub");

	known_hosts_ahead(NULL);
	run_campaign(&r);
	assert_true(r.quit);
	assert_int_equal(r.hostkey_asked, 1);
	/* no operators list: bob decides first */
	assert_true(journaled("bob", "deny", fp));
	run_free(&r);
	free(fp);
}

/* The denial is journaled: the resumed run does not ask again, and
 * n2's step fails with it. */
static void
test_denial_survives_resume(void **state)
{
	struct run r = { .campaign = "ahead.cfg",
	    .known_hosts = "known_hosts.ahead", .answer = ENGINE_CMD_APPROVE,
	    .resume = true };
	char *ran2 = path("ran.n2"), *text;

	(void)state;
	deny_then_quit();
	run_campaign(&r);
	assert_int_equal(r.hostkey_asked, 0);
	assert_int_equal(r.final, ENGINE_STATE_ABORTED);
	assert_false(net_exists(ran2));
	text = records("n2", "upgrade");
	assert_string_equal(text, "1:failed");
	run_free(&r);
	free(text);
	free(ran2);
}

/* Taken back: the operator checked the key and put it in known_hosts;
 * the resumed run trusts it like any known key. */
static void
test_denial_taken_back(void **state)
{
	struct run r = { .campaign = "ahead.cfg",
	    .known_hosts = "known_hosts.ahead", .answer = ENGINE_CMD_DENY,
	    .resume = true };
	char *ran2 = path("ran.n2");

	(void)state;
	deny_then_quit();
	known_hosts_ahead("host_key2.pub");
	run_campaign(&r);
	assert_int_equal(r.hostkey_asked, 0);
	assert_int_equal(r.final, ENGINE_STATE_COMMITTED);
	assert_true(net_exists(ran2));
	run_free(&r);
	free(ran2);
}

/* The key changes to another unknown one while its question is open
 * (a health probe meets it): said loudly, and the question is asked
 * again about the new key, whose acceptance records it. */
static void
test_unknown_key_changes_while_asked(void **state)
{
	struct run r = { .campaign = "monitor.cfg",
	    .known_hosts = "known_hosts", .answer = ENGINE_CMD_APPROVE,
	    .swap_unanswered = true };
	char *fp = fingerprint("host_key.pub"), *fp2 =
	    fingerprint("host_key2.pub"), *kh = path("known_hosts"),
	    *first = entry_of("host_key.pub"), *second =
	    entry_of("host_key2.pub"), *ran = path("ran"), *text;

	(void)state;
	run_campaign(&r);
	sshd_restart("host_key");
	assert_int_equal(r.hostkey_asked, 2);
	assert_string_equal(r.hostkey.hostkey.fingerprint, fp2);
	assert_true(journaled("", "hostkey-changed", fp));
	assert_true(journaled("", "hostkey-changed", fp2));
	assert_int_equal(r.final, ENGINE_STATE_COMMITTED);
	assert_true(net_exists(ran));
	text = net_slurp(kh);
	assert_non_null(text);
	assert_non_null(strstr(text, second));
	assert_null(strstr(text, first));
	run_free(&r);
	free(text);
	free(ran);
	free(first);
	free(second);
	free(kh);
	free(fp2);
	free(fp);
}

static void
test_unknown_key_denied(void **state)
{
	struct run r = { .known_hosts = "known_hosts",
	    .answer = ENGINE_CMD_DENY };
	char *kh = path("known_hosts"), *ran = path("ran");

	(void)state;
	run_campaign(&r);
	assert_int_equal(r.hostkey_asked, 1);
	/* The step failed and its policy (abort) applied; nothing trusted. */
	assert_int_equal(r.final, ENGINE_STATE_ABORTED);
	assert_false(net_exists(ran));
	assert_false(net_exists(kh));
	run_free(&r);
	free(ran);
	free(kh);
}

/* Accepted, but the node offers another key when connected again:
 * refused as a changed key, never run. */
static void
test_key_changed_before_acceptance(void **state)
{
	struct run r = { .known_hosts = "known_hosts",
	    .answer = ENGINE_CMD_APPROVE, .swap_key = true };
	char *ran = path("ran"), *kh = path("known_hosts"), *text,
	    *accepted = entry_of("host_key.pub"),
	    *other = entry_of("host_key2.pub");

	(void)state;
	run_campaign(&r);
	sshd_restart("host_key");
	assert_int_equal(r.hostkey_asked, 1);
	assert_true(r.changed_logged);
	assert_int_equal(r.final, ENGINE_STATE_ABORTED);
	assert_false(net_exists(ran));
	text = net_slurp(kh);
	assert_non_null(text);
	assert_non_null(strstr(text, accepted));
	assert_null(strstr(text, other));
	run_free(&r);
	free(text);
	free(accepted);
	free(other);
	free(kh);
	free(ran);
}

static void
test_changed_key_refused(void **state)
{
	struct run r = { .known_hosts = "known_hosts.changed",
	    .answer = ENGINE_CMD_APPROVE };
	char *kh = path("known_hosts.changed"), *ran = path("ran"),
	    *entry = entry_of("host_key2.pub"), *before, *after;

	(void)state;
	assert_int_equal(net_sh("echo '%s' > %s", entry, kh), 0);
	before = net_slurp(kh);
	run_campaign(&r);
	/* Never a question: refused, loudly. */
	assert_int_equal(r.hostkey_asked, 0);
	assert_true(r.changed_logged);
	assert_int_equal(r.final, ENGINE_STATE_ABORTED);
	assert_false(net_exists(ran));
	after = net_slurp(kh);
	assert_string_equal(before, after);
	free(before);
	free(after);
	free(entry);
	free(ran);
	free(kh);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_unknown_key_accepted, setup),
		cmocka_unit_test_setup(test_unknown_key_denied, setup),
		cmocka_unit_test_setup(test_key_changed_before_acceptance,
		    setup),
		cmocka_unit_test_setup(test_changed_key_refused, setup),
		cmocka_unit_test_setup(test_accept_spends_no_retry, setup),
		cmocka_unit_test_setup(test_asked_ahead_of_need, setup),
		cmocka_unit_test_setup(test_denied_ahead_of_need, setup),
		cmocka_unit_test_setup(test_changed_ahead_of_need, setup),
		cmocka_unit_test_setup(test_done_node_not_asked, setup),
		cmocka_unit_test_setup(test_denial_survives_resume, setup),
		cmocka_unit_test_setup(test_denial_taken_back, setup),
		cmocka_unit_test_setup(test_unknown_key_changes_while_asked,
		    setup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
