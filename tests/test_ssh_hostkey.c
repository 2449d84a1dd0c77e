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
#include "engine_util.h"
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
	bool		 swapped;	/* n1's sshd has another key */
};

static struct fixture fx;

/* What one run saw and did. */
struct run {
	const char		*campaign;	/* NULL: hostkey.cfg */
	enum engine_cmd_type	 answer;	/* to the host-key question */
	bool			 swap_key;	/* change it before answering */
	bool			 no_ahead;	/* sessions only when needed */
	bool			 resume;	/* carry on the run in state */
	/* Change the key when asked, and leave that question open. */
	bool			 swap_unanswered;
	/* Leave the question open until a gate comes. */
	bool			 leave_open;
	bool			 gate_while_open;	/* one came */
	uint32_t		 left_open;	/* that question */
	int64_t			 left_ms;	/* since */
	const char		*quit_at;	/* quit at this node's gate */
	bool			 quit;
	/* Hold the first gate until the later node's key is news (or for
	 * hold_ms, when set); the first phase boundary instead, with
	 * hold_phase. */
	bool			 hold_gate;
	bool			 hold_phase;
	int64_t			 hold_ms;
	uint32_t		 gate;		/* held, not yet answered */
	int64_t			 gate_ms;	/* held since */
	bool			 news_at_gate;	/* came while it was held */
	int			 hostkey_asked;
	/* the last of them: its node, object and key */
	char			 asked_node[16];
	char			 asked_object[32];
	struct transport_hostkey asked_key;
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

/* name.inventory: n1 on the first sshd and, of two nodes, n2 on the
 * second, logging in as user. */
static int
inventory_write(const char *name, const char *user, int nodes)
{
	const int ports[] = { fx.s.port, fx.port2 };
	char *file = xasprintf("%s/%s.inventory", fx.s.dir, name);
	FILE *f = fopen(file, "w");

	free(file);
	if (f == NULL)
		return -1;
	fprintf(f, "nodes = (");
	for (int i = 0; i < nodes; i++)
		fprintf(f, "%s { name = \"n%d\"; address = \"127.0.0.1\"; "
		    "port = %d; user = \"%s\"; version = \"1.0\"; roles = "
		    "[ \"web\" ]; }", i > 0 ? ",\n " : "", i + 1, ports[i],
		    user);
	fprintf(f, " );\n");
	return fclose(f);
}

/* name.cfg: on inventory's nodes one at a time, the steps in gate (if
 * any) then an upgrade running command, with more of its settings;
 * extra says what else the campaign holds (operators, health). */
static int
campaign_write(const char *name, const char *inventory, const char *extra,
    const char *gate, const char *command, const char *more)
{
	char *file = xasprintf("%s/%s.cfg", fx.s.dir, name);
	FILE *f = fopen(file, "w");

	free(file);
	if (f == NULL)
		return -1;
	fprintf(f, "name = \"%s\";\n"
	    "version = { from = \"1.0\"; to = \"2.0\"; };\n"
	    "inventory = \"%s.inventory\";\n%s"
	    "procedures = ( { name = \"web\"; target = { roles = "
	    "[ \"web\" ]; };\n"
	    "  method = \"rolling\"; batch = 1;\n"
	    "  steps = ( %s{ name = \"upgrade\"; action = \"run\";\n"
	    "    command = \"%s\"; sets_version = true;%s\n"
	    "    timeout = \"30s\"; expected = \"1s\"; on_failure = \"abort\"; }"
	    " ); } );\n", name, inventory, extra, gate, command, more);
	return fclose(f);
}

/* hostkey.cfg: n1 upgraded, alice an admin and bob an approver.
 * monitor.cfg: no operators, n1's health probed every second.
 * retry.cfg: the step fails once, then succeeds; one retry.
 * ahead.cfg: n1 then n2 (on the second sshd), a gate before each
 * upgrade. */
static int
write_campaigns(const char *user)
{
	const char *d = fx.s.dir;
	char *touch = xasprintf("touch %s/ran", d), *each =
	    xasprintf("touch %s/ran.{name}", d), *fail_once =
	    xasprintf("test -e %s/failed || { touch %s/failed; exit 1; }; "
	    "touch %s/ran", d, d, d);
	int rc = -1;

	if (inventory_write("hostkey", user, 1) == -1 ||
	    inventory_write("ahead", user, 2) == -1 ||
	    campaign_write("hostkey", "hostkey",
	    "operators = ( { name = \"alice\"; role = \"admin\"; },\n"
	    "  { name = \"bob\"; role = \"approver\"; } );\n", "", touch,
	    "") == -1 ||
	    campaign_write("monitor", "hostkey",
	    "health = ( { name = \"up\"; action = \"run\"; command = "
	    "\"true\"; timeout = \"10s\"; expected = \"1s\"; } );\n"
	    "monitor = { interval = \"1s\"; checks = [ \"up\" ]; "
	    "on_failure = \"continue\"; };\n", "", touch, "") == -1 ||
	    campaign_write("retry", "hostkey", "", "", fail_once,
	    " retries = 1;") == -1 ||
	    campaign_write("ahead", "ahead", "",
	    "{ name = \"go\"; action = \"approval\"; },\n    ", each,
	    "") == -1)
		goto out;
	rc = 0;
out:
	free(touch);
	free(each);
	free(fail_once);
	return rc;
}

static int
group_setup(void **state)
{
	char *dir2;

	*state = &fx;
	if (net_sshd_setup(&fx.s, "host_key host_key2 id",
	    "cp id.pub authorized_keys && mkdir second && "
	    "cp host_key2 authorized_keys second/", 0) == -1)
		return -1;
	/* A second node, another sshd with a key of its own. */
	dir2 = path("second");
	fx.port2 = net_sshd_start(dir2, 0, "host_key2", &fx.pid2);
	free(dir2);
	return fx.port2 == -1 ? -1 : write_campaigns(fx.s.user);
}

static int
group_teardown(void **state)
{
	(void)state;
	net_stop(fx.pid2);
	net_sshd_teardown(&fx.s);
	return 0;
}

/* As if the node were reinstalled: same address, another host key. */
static void
sshd_restart(const char *host_key)
{
	net_stop(fx.s.pid);
	assert_int_equal(net_sshd_start(fx.s.dir, fx.s.port, host_key,
	    &fx.s.pid), fx.s.port);
	fx.swapped = strcmp(host_key, "host_key") != 0;
}

/* Each test starts from no run, no known host, nothing done, n1 with
 * its own key. */
static int
setup(void **state)
{
	(void)state;
	if (fx.swapped)
		sshd_restart("host_key");
	return net_sh("cd %s && rm -rf state ran ran.* failed known_hosts*",
	    fx.s.dir) == 0 ? 0 : -1;
}

static void
on_approval(struct engine *e, struct run *r, const struct engine_approval *a)
{
	if (r->hold_gate && a->kind == (r->hold_phase ? APPROVAL_PHASE :
	    APPROVAL_GATE)) {
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
	if (a->kind == APPROVAL_GATE && r->left_open != 0) {
		r->gate_while_open = true;
		te_send(e, r->answer, r->left_open, "alice");
		r->left_open = 0;
	}
	if (a->kind != APPROVAL_HOSTKEY) {
		te_send(e, ENGINE_CMD_APPROVE, a->id, "alice");
		return;
	}
	r->hostkey_asked++;
	snprintf(r->asked_node, sizeof r->asked_node, "%s", a->node);
	snprintf(r->asked_object, sizeof r->asked_object, "%s", a->object);
	r->asked_key = a->hostkey;
	if (r->swap_key)
		sshd_restart("host_key2");
	if (r->swap_unanswered || r->leave_open) {
		if (r->swap_unanswered)
			sshd_restart("host_key2");
		r->swap_unanswered = r->leave_open = false;
		r->left_open = a->id;
		r->left_ms = time_mono_ms();
		return;
	}
	/* An approver may not trust a host key; an admin may. */
	te_send(e, r->answer, a->id, "bob");
	te_send(e, r->answer, a->id, "alice");
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
	te_send(e, ENGINE_CMD_APPROVE, r->gate, "alice");
	r->gate = 0;
}

/* The question left open is answered after a while all the same, for
 * the test to fail rather than wait for ever if no other comes. */
static void
open_release(struct engine *e, struct run *r)
{
	if (r->left_open == 0 || time_mono_ms() - r->left_ms < AHEAD_WAIT_MS)
		return;
	te_send(e, r->answer, r->left_open, "alice");
	r->left_open = 0;
}

/* The campaign over SSH, opened as the command line opens it. */
static void
run_campaign(struct run *r)
{
	char *file = path(r->campaign ? r->campaign : "hostkey.cfg");
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
	t.known_hosts = path("known_hosts");
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
	e = te_start(&cfg);
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

/* The known_hosts line that knows 127.0.0.1:port by the public key in
 * key (a file name in fx.s.dir); malloc'd. */
static char *
entry_of(int port, const char *key)
{
	char *pub = path(key), *text = net_slurp(pub), *entry;

	assert_non_null(text);
	/* "TYPE BASE64 COMMENT": keep TYPE BASE64 */
	*strchr(strchr(text, ' ') + 1, ' ') = '\0';
	entry = xasprintf("[127.0.0.1]:%d %s", port, text);
	free(pub);
	free(text);
	return entry;
}

/* known_hosts knowing n1 by the public key in n1_key and n2 by n2_key,
 * each NULL for not at all. */
static void
known_hosts_write(const char *n1_key, const char *n2_key)
{
	const char *keys[] = { n1_key, n2_key };
	const int ports[] = { fx.s.port, fx.port2 };
	char *kh = path("known_hosts"), *entry;
	FILE *f = fopen(kh, "w");

	assert_non_null(f);
	for (size_t i = 0; i < 2; i++) {
		if (keys[i] == NULL)
			continue;
		entry = entry_of(ports[i], keys[i]);
		fprintf(f, "%s\n", entry);
		free(entry);
	}
	fclose(f);
	free(kh);
}

/* Whether known_hosts knows n1 by the public key in key. */
static bool
known_hosts_has(const char *key)
{
	char *kh = path("known_hosts"), *text = net_slurp(kh),
	    *entry = entry_of(fx.s.port, key);
	bool found;

	assert_non_null(text);
	found = strstr(text, entry) != NULL;
	free(entry);
	free(text);
	free(kh);
	return found;
}

/* Fails the test unless fp is the fingerprint of the public key in key. */
static void
assert_fingerprint(const char *fp, const char *key)
{
	char *want = net_sshd_fingerprint(&fx.s, key);

	assert_string_equal(fp, want);
	free(want);
}

/* Whether the journal holds a decision of operator about the public
 * key in key. */
static bool
journaled(const char *operator, const char *kind, const char *key)
{
	char *dir = path("state"), *fp = net_sshd_fingerprint(&fx.s, key),
	    *err = NULL;
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
	free(fp);
	free(dir);
	return found;
}

/* Fails the test unless the step's records on node are want,
 * "ATTEMPT:STATUS" each, in order. */
static void
assert_records(const char *node, const char *step, const char *want)
{
	char *dir = path("state"), *err = NULL, *got = xstrdup(""), *more;
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
		more = xasprintf("%s%s%d:%s", got, *got ? " " : "",
		    st[i].attempt, step_status_name(st[i].status));
		free(got);
		got = more;
	}
	journal_steps_free(st, n);
	journal_close(j);
	assert_string_equal(got, want);
	free(got);
	free(dir);
}

/* Whether the file name in fx.s.dir exists. */
static bool
exists(const char *name)
{
	char *p = path(name);
	bool found = net_exists(p);

	free(p);
	return found;
}

static void
test_unknown_key_accepted(void **state)
{
	struct run r = { .answer = ENGINE_CMD_APPROVE };

	(void)state;
	run_campaign(&r);
	assert_int_equal(r.hostkey_asked, 1);
	assert_string_equal(r.asked_node, "n1");
	assert_string_equal(r.asked_key.type, "ssh-ed25519");
	assert_fingerprint(r.asked_key.fingerprint, "host_key.pub");
	assert_true(r.bob_refused);
	/* Recorded, and the step ran on the node. */
	assert_true(known_hosts_has("host_key.pub"));
	assert_true(exists("ran"));
	assert_int_equal(r.final, ENGINE_STATE_COMMITTED);
	assert_true(journaled("alice", "approve", "host_key.pub"));
	/* A question, not a step that ended: one record, the first try. */
	assert_int_equal(r.unknown_finished, 0);
	assert_records("n1", "upgrade", "1:ok");
}

/* The step's own connection meets the key (no session ahead): the
 * question is no attempt. Accepted, the step fails once as it would
 * have, and its one retry is still there: attempts 1 and 2, each with
 * its log. */
static void
test_accept_spends_no_retry(void **state)
{
	struct run r = { .campaign = "retry.cfg",
	    .answer = ENGINE_CMD_APPROVE, .no_ahead = true };

	(void)state;
	run_campaign(&r);
	assert_int_equal(r.hostkey_asked, 1);
	assert_string_equal(r.asked_object, "upgrade");
	assert_int_equal(r.unknown_finished, 0);
	assert_int_equal(r.final, ENGINE_STATE_COMMITTED);
	assert_true(exists("ran"));
	assert_records("n1", "upgrade", "1:failed 2:ok");
	assert_true(exists("state/output/n1/upgrade.log"));
	assert_true(exists("state/output/n1/upgrade.2.log"));
	assert_false(exists("state/output/n1/upgrade.3.log"));
}

/* ahead.cfg with n1 known and n2 by n2_key (NULL: not), n1's gate held
 * until n2's key is news: which it must be by then, asked or cried out
 * ahead of need. */
static void
run_ahead(struct run *r, const char *n2_key)
{
	r->campaign = "ahead.cfg";
	r->hold_gate = true;
	known_hosts_write("host_key.pub", n2_key);
	run_campaign(r);
	assert_true(r->news_at_gate);
}

/* n2's key is asked about while n1's batch still runs, not when n2's
 * turn comes; accepted then, n2's steps run without another question,
 * their first attempt. */
static void
test_asked_ahead_of_need(void **state)
{
	struct run r = { .answer = ENGINE_CMD_APPROVE };

	(void)state;
	run_ahead(&r, NULL);
	assert_int_equal(r.hostkey_asked, 1);
	assert_string_equal(r.asked_node, "n2");
	assert_string_equal(r.asked_object, "connecting ahead");
	assert_fingerprint(r.asked_key.fingerprint, "host_key2.pub");
	assert_int_equal(r.final, ENGINE_STATE_COMMITTED);
	assert_true(exists("ran.n1"));
	assert_true(exists("ran.n2"));
	assert_records("n2", "upgrade", "1:ok");
}

/* Asked before validation and left open: what needs no session with n2
 * (its alarm query, with no alarm source) does not wait for the answer,
 * and n1's gate comes while the question is still open. */
static void
test_open_question_holds_sessions_only(void **state)
{
	struct run r = { .answer = ENGINE_CMD_APPROVE, .hold_phase = true,
	    .leave_open = true };

	(void)state;
	run_ahead(&r, NULL);
	assert_true(r.gate_while_open);
	assert_int_equal(r.hostkey_asked, 1);
	assert_string_equal(r.asked_object, "connecting ahead");
	assert_int_equal(r.final, ENGINE_STATE_COMMITTED);
	assert_records("n2", "upgrade", "1:ok");
}

/* Denied ahead of need: n2's step fails when its turn comes, without
 * asking again; n1 was upgraded meanwhile. */
static void
test_denied_ahead_of_need(void **state)
{
	struct run r = { .answer = ENGINE_CMD_DENY };

	(void)state;
	run_ahead(&r, NULL);
	assert_int_equal(r.hostkey_asked, 1);
	assert_int_equal(r.final, ENGINE_STATE_ABORTED);
	assert_true(exists("ran.n1"));
	assert_false(exists("ran.n2"));
	assert_records("n2", "upgrade", "1:failed");
}

/* A changed key on n2 is cried out while n1's batch still runs, and
 * never asked about. */
static void
test_changed_ahead_of_need(void **state)
{
	struct run r = { .answer = ENGINE_CMD_APPROVE };

	(void)state;
	run_ahead(&r, "host_key.pub");
	assert_true(r.changed_logged);
	assert_int_equal(r.hostkey_asked, 0);
	assert_int_equal(r.final, ENGINE_STATE_ABORTED);
	assert_false(exists("ran.n2"));
}

/* n1 upgraded, the run quit at n2's gate; resumed, n1 offers a key
 * nobody knows but has nothing left to do: no question about it, while
 * the gate is held long enough for the session ahead to meet it. */
static void
test_done_node_not_asked(void **state)
{
	struct run first = { .campaign = "ahead.cfg",
	    .answer = ENGINE_CMD_APPROVE, .quit_at = "n2" };
	struct run r = { .campaign = "ahead.cfg",
	    .answer = ENGINE_CMD_APPROVE, .resume = true, .hold_gate = true,
	    .hold_ms = 3000 };

	(void)state;
	known_hosts_write("host_key.pub", "host_key2.pub");
	run_campaign(&first);
	assert_true(first.quit);
	assert_false(exists("ran.n2"));
	known_hosts_write(NULL, "host_key2.pub");
	run_campaign(&r);
	assert_int_equal(r.hostkey_asked, 0);
	assert_int_equal(r.final, ENGINE_STATE_COMMITTED);
	assert_true(exists("ran.n2"));
}

/* n2's key denied ahead of need, then the run quits at n2's gate. */
static void
deny_then_quit(void)
{
	struct run r = { .answer = ENGINE_CMD_DENY, .quit_at = "n2" };

	run_ahead(&r, NULL);
	assert_true(r.quit);
	assert_int_equal(r.hostkey_asked, 1);
	/* no operators list: bob decides first */
	assert_true(journaled("bob", "deny", "host_key2.pub"));
}

/* The denial is journaled: the resumed run does not ask again, and
 * n2's step fails with it. */
static void
test_denial_survives_resume(void **state)
{
	struct run r = { .campaign = "ahead.cfg",
	    .answer = ENGINE_CMD_APPROVE, .resume = true };

	(void)state;
	deny_then_quit();
	run_campaign(&r);
	assert_int_equal(r.hostkey_asked, 0);
	assert_int_equal(r.final, ENGINE_STATE_ABORTED);
	assert_false(exists("ran.n2"));
	assert_records("n2", "upgrade", "1:failed");
}

/* Taken back: the operator checked the key and put it in known_hosts;
 * the resumed run trusts it like any known key. */
static void
test_denial_taken_back(void **state)
{
	struct run r = { .campaign = "ahead.cfg",
	    .answer = ENGINE_CMD_DENY, .resume = true };

	(void)state;
	deny_then_quit();
	known_hosts_write("host_key.pub", "host_key2.pub");
	run_campaign(&r);
	assert_int_equal(r.hostkey_asked, 0);
	assert_int_equal(r.final, ENGINE_STATE_COMMITTED);
	assert_true(exists("ran.n2"));
}

/* The key changes to another unknown one while its question is open
 * (a health probe meets it): said loudly, and the question is asked
 * again about the new key, whose acceptance records it. */
static void
test_unknown_key_changes_while_asked(void **state)
{
	struct run r = { .campaign = "monitor.cfg",
	    .answer = ENGINE_CMD_APPROVE, .swap_unanswered = true };

	(void)state;
	run_campaign(&r);
	assert_int_equal(r.hostkey_asked, 2);
	assert_fingerprint(r.asked_key.fingerprint, "host_key2.pub");
	assert_true(journaled("", "hostkey-changed", "host_key.pub"));
	assert_true(journaled("", "hostkey-changed", "host_key2.pub"));
	assert_int_equal(r.final, ENGINE_STATE_COMMITTED);
	assert_true(exists("ran"));
	assert_true(known_hosts_has("host_key2.pub"));
	assert_false(known_hosts_has("host_key.pub"));
}

static void
test_unknown_key_denied(void **state)
{
	struct run r = { .answer = ENGINE_CMD_DENY };

	(void)state;
	run_campaign(&r);
	assert_int_equal(r.hostkey_asked, 1);
	/* The step failed and its policy (abort) applied; nothing trusted. */
	assert_int_equal(r.final, ENGINE_STATE_ABORTED);
	assert_false(exists("ran"));
	assert_false(exists("known_hosts"));
}

/* Accepted, but the node offers another key when connected again:
 * refused as a changed key, never run. */
static void
test_key_changed_before_acceptance(void **state)
{
	struct run r = { .answer = ENGINE_CMD_APPROVE, .swap_key = true };

	(void)state;
	run_campaign(&r);
	assert_int_equal(r.hostkey_asked, 1);
	assert_true(r.changed_logged);
	assert_int_equal(r.final, ENGINE_STATE_ABORTED);
	assert_false(exists("ran"));
	assert_true(known_hosts_has("host_key.pub"));
	assert_false(known_hosts_has("host_key2.pub"));
}

static void
test_changed_key_refused(void **state)
{
	struct run r = { .answer = ENGINE_CMD_APPROVE };
	char *kh = path("known_hosts"), *before, *after;

	(void)state;
	known_hosts_write("host_key2.pub", NULL);
	before = net_slurp(kh);
	run_campaign(&r);
	/* Never a question: refused, loudly. */
	assert_int_equal(r.hostkey_asked, 0);
	assert_true(r.changed_logged);
	assert_int_equal(r.final, ENGINE_STATE_ABORTED);
	assert_false(exists("ran"));
	after = net_slurp(kh);
	assert_string_equal(before, after);
	free(before);
	free(after);
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
		cmocka_unit_test_setup(test_open_question_holds_sessions_only,
		    setup),
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
