/*
 * An unknown SSH host key through the engine, against a real OpenSSH
 * server on a loopback port: it becomes an approval with the key's
 * type and fingerprint (as ssh-keygen -lf shows it); accepting records
 * it in known_hosts and the step runs; denying fails the step; a key
 * that changed before the acceptance is refused; a changed key is never
 * put to the operator. Skipped (77) only when sshd is not installed.
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
#include "escalator/util.h"
#include "net_util.h"

/* A safety net against a hang, not a timing assertion. */
#define GIVE_UP_MS	120000

struct fixture {
	struct net_sshd	 s;
};

static struct fixture fx;

/* What one run saw and did. */
struct run {
	const char		*known_hosts;	/* file name in fx.s.dir */
	enum engine_cmd_type	 answer;	/* to the host-key question */
	bool			 swap_key;	/* change it before answering */
	int			 hostkey_asked;
	struct engine_approval	 hostkey;	/* the question */
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

static int
group_setup(void **state)
{
	*state = &fx.s;
	if (net_sshd_setup(&fx.s, "host_key host_key2 id",
	    "cp id.pub authorized_keys", 0) == -1)
		return -1;
	return write_campaign(fx.s.user);
}

/* Each test starts from no run, no known host, nothing done. */
static int
setup(void **state)
{
	(void)state;
	return net_sh("cd %s && rm -rf state ran known_hosts*", fx.s.dir) ==
	    0 ? 0 : -1;
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
	if (a->kind != APPROVAL_HOSTKEY) {
		send(e, ENGINE_CMD_APPROVE, a->id, "alice");
		return;
	}
	r->hostkey_asked++;
	free(r->hostkey.node);
	r->hostkey = *a;
	r->hostkey.node = a->node ? xstrdup(a->node) : NULL;
	r->hostkey.object = r->hostkey.affected = r->hostkey.summary = NULL;
	if (r->swap_key)
		sshd_restart("host_key2");
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
		if (ev->text && strstr(ev->text, "HOST KEY OF n1 HAS CHANGED"))
			r->changed_logged = true;
		break;
	case ENGINE_EVENT_STEP_FINISHED:
		if (ev->text && strstr(ev->text, "HOST KEY OF n1 HAS CHANGED"))
			r->changed_logged = true;
		break;
	default:
		break;
	}
}

/* The campaign over SSH, opened as the command line opens it. */
static void
run_campaign(struct run *r)
{
	char *file = path("hostkey.cfg"), *err = NULL;
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
	cli_transport_setup(&t, &cfg);
	if ((e = engine_start(&cfg, &err)) == NULL)
		fail_msg("engine_start: %s", err);
	send(e, ENGINE_CMD_START, 0, "alice");
	while (!done && time_mono_ms() < until) {
		struct pollfd p = { .fd = engine_event_fd(e), .events = POLLIN };
		struct engine_event *ev;
		size_t n;

		poll(&p, 1, 1000);
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
	assert_true(done);
	free((char *)cfg.state_dir);
	cli_transport_free(&t);
	diag_list_free(&d);
	campaign_free(&c);
	inventory_free(&inv);
	free(file);
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
	free(r.hostkey.node);
	free(text);
	free(entry);
	free(ran);
	free(kh);
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
	free(r.hostkey.node);
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
	free(r.hostkey.node);
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
	};

	return cmocka_run_group_tests(tests, group_setup,
	    net_sshd_group_teardown);
}
