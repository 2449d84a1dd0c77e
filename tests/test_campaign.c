/* The campaign parser: values and defaults, every error with its exact
 * message and line, and bad input of every kind. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "escalator/campaign.h"
#include "escalator/util.h"
#include "campaign_util.h"

#define HEAD								\
	"name = \"t\";\n"						\
	"version = { from = \"1.0\"; to = \"2.0\"; };\n"		\
	"inventory = \"t.inventory\";\n"
#define PROC								\
	"procedures = ( { name = \"p\"; target = { roles = "		\
	"[\"compute\"]; };\n steps = (\n"
#define END	");\n} );\n"
#define STEP_OK	"{ name = \"ok\"; action = \"run\"; command = \"true\"; " \
	"timeout = 5; }"

/* Load text; it must fail with the given error among its diagnostics. */
static void
expect_error(const char *text, const char *marker, const char *message,
    const char *hint)
{
	struct diag_list diags = { NULL, 0, 0 };
	struct campaign c;

	assert_int_equal(tu_campaign(&c, text, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, marker ? tu_line(text, marker) : 0,
	    message, hint);
	campaign_free(&c);
	diag_list_free(&diags);
}

static void
load_example(const char *name, struct campaign *c)
{
	struct diag_list diags = { NULL, 0, 0 };
	char *path = tu_src(name);

	assert_int_equal(campaign_load(c, path, &diags), 0);
	tu_expect_clean(&diags);
	free(path);
}

static void
test_minimal_values(void **state)
{
	struct campaign c;
	const struct procedure *p;
	const struct step *s;
	char *inv = tu_src("campaigns/minimal-testbed.inventory");

	(void)state;
	load_example("campaigns/minimal-testbed.cfg", &c);
	assert_string_equal(c.name, "minimal-testbed");
	assert_string_equal(c.from_version, "1.0");
	assert_string_equal(c.to_version, "2.0");
	assert_string_equal(c.inventory_path, inv);
	assert_int_equal(c.outage_budget_ms, 30000);
	assert_int_equal(c.nprocedures, 2);
	assert_int_equal(c.nbackups, 2);
	assert_true(c.backups[0].once);
	assert_int_equal(c.ntests, 2);
	assert_int_equal(c.nhealth, 1);
	assert_int_equal(c.noperators, 2);
	assert_int_equal(c.sim_seed, 42);
	assert_string_equal(c.sim_start, "2026-01-01T01:00:00Z");
	assert_false(c.has_window);
	p = campaign_procedure(&c, "computes");
	assert_non_null(p);
	assert_int_equal(p->method, METHOD_ROLLING);
	assert_int_equal(p->nbatches, 1);
	assert_int_equal(p->batches[0].value, 1);
	assert_false(p->batches[0].percent);
	assert_string_equal(p->depends_on.items[0], "controllers");
	assert_string_equal(p->target.roles.items[0], "compute");
	assert_int_equal(p->steps[0].action, STEP_VNF_COORDINATION);
	s = &campaign_procedure(&c, "controllers")->steps[2];
	assert_string_equal(s->name, "upgrade");
	assert_int_equal(s->action, STEP_RUN);
	assert_true(s->sets_version);
	assert_int_equal(s->timeout_ms, 120000);
	assert_int_equal(s->expected_ms, 30000);
	assert_int_equal(s->retries, 1);
	assert_int_equal(s->on_failure, ON_FAILURE_ROLLBACK);
	assert_non_null(s->undo);
	s = &campaign_procedure(&c, "controllers")->steps[3];
	assert_int_equal(s->nexpect_json, 1);
	assert_string_equal(s->expect_json[0].key, "status");
	assert_string_equal(s->expect_json[0].value, "ok");
	assert_string_equal(s->http_method, "GET");
	assert_int_equal(s->expect_status, 200);
	assert_non_null(campaign_test(&c, "boot-vm"));
	assert_null(campaign_test(&c, "nope"));
	assert_non_null(campaign_component(&c, "nova-api"));
	assert_non_null(campaign_backup(&c, "db"));
	assert_null(campaign_procedure(&c, "nope"));
	campaign_free(&c);
	free(inv);
}

#define SUM64	"0123456789abcdef0123456789abcdef" \
		"0123456789abcdef0123456789abcdef"

static void
test_ha_values(void **state)
{
	struct campaign c;
	const struct procedure *p;

	(void)state;
	load_example("campaigns/ha-openstack.cfg", &c);
	assert_true(c.has_window);
	assert_int_equal(c.window_start_min, 60);
	assert_int_equal(c.window_end_min, 300);
	assert_int_equal(c.nha_rules, 2);
	assert_int_equal(c.ha_rules[0].quorum, 2);
	assert_int_equal(c.ha_rules[0].max_unavailable, 1);
	assert_int_equal(c.nvnf_rules, 8);
	assert_string_equal(c.vnf_rules[0].anti_affinity_group, "vFW");
	assert_int_equal(c.nversion_files, 1);
	p = campaign_procedure(&c, "computes");
	assert_int_equal(p->nbatches, 2);
	assert_int_equal(p->batches[0].value, 1);
	assert_false(p->batches[0].percent);
	assert_int_equal(p->batches[1].value, 25);
	assert_true(p->batches[1].percent);
	assert_int_equal(p->max_failure_percent, 25);
	/* A wait lasts its expected time; the timeout follows. */
	p = campaign_procedure(&c, "controllers");
	assert_int_equal(p->steps[5].action, STEP_WAIT);
	assert_int_equal(p->steps[5].expected_ms, 20000);
	assert_int_equal(p->steps[5].timeout_ms, 20000);
	campaign_free(&c);
}

static void
test_defaults_and_durations(void **state)
{
	static const char text[] = HEAD
	    "max_failure_percent = 10;\n"
	    "window = { start = \"22:30\"; end = \"04:00\"; };\n"
	    PROC
	    "{ name = \"a\"; action = \"run\"; command = \"x\"; timeout = "
	    "\"1m30s\"; },\n"
	    "{ name = \"b\"; action = \"http\"; url = \"u\"; timeout = 1.5; "
	    "expected = \"500ms\"; method = \"POST\"; },\n"
	    "{ name = \"c\"; action = \"maintenance_on\"; "
	    "timeout = \"1h\"; },\n"
	    "{ name = \"d\"; action = \"approval\"; }\n"
	    END;
	struct diag_list diags = { NULL, 0, 0 };
	struct campaign c;
	const struct procedure *p;

	(void)state;
	assert_int_equal(tu_campaign(&c, text, &diags), 0);
	tu_expect_clean(&diags);
	assert_int_equal(c.outage_budget_ms, -1);
	assert_int_equal(c.window_start_min, 22 * 60 + 30);
	assert_int_equal(c.window_end_min, 240);
	p = &c.procedures[0];
	assert_int_equal(p->max_failure_percent, 10);
	assert_int_equal(p->method, METHOD_ROLLING);
	assert_int_equal(p->steps[0].timeout_ms, 90000);
	assert_int_equal(p->steps[0].expected_ms, 90000);
	assert_int_equal(p->steps[0].on_failure, ON_FAILURE_PAUSE);
	assert_int_equal(p->steps[0].retries, 0);
	assert_int_equal(p->steps[1].timeout_ms, 1500);
	assert_int_equal(p->steps[1].expected_ms, 500);
	assert_string_equal(p->steps[1].http_method, "POST");
	assert_int_equal(p->steps[2].timeout_ms, 3600000);
	assert_string_equal(p->steps[2].handover, "none");
	assert_int_equal(p->steps[3].timeout_ms, 0);
	campaign_free(&c);
	diag_list_free(&diags);
}

static void
test_names(void **state)
{
	enum step_action a;
	enum on_failure f;
	enum method m;

	(void)state;
	for (int i = 0; i < STEP_ACTION_COUNT; i++) {
		assert_true(step_action_parse(step_action_name(i), &a));
		assert_int_equal(a, i);
	}
	for (int i = 0; i < ON_FAILURE_COUNT; i++) {
		assert_true(on_failure_parse(on_failure_name(i), &f));
		assert_int_equal(f, i);
	}
	for (int i = 0; i < METHOD_COUNT; i++) {
		assert_true(method_parse(method_name(i), &m));
		assert_int_equal(m, i);
	}
	assert_string_equal(step_action_name(STEP_VNF_COORDINATION),
	    "vnf_coordination");
	assert_string_equal(method_name(METHOD_SINGLE_STEP), "single-step");
	assert_false(step_action_parse("rnu", &a));
}

static void
test_unknown_action(void **state)
{
	static const char text[] = HEAD PROC STEP_OK ",\n"
	    "{ name = \"upgrade\"; action = \"rnu\"; command = \"x\"; "
	    "timeout = 5; }\n" END;

	(void)state;
	expect_error(text, "\"rnu\"", "step \"upgrade\": unknown action "
	    "\"rnu\"", "did you mean \"run\"? one of run, http, wait, "
	    "maintenance_on, maintenance_off, backup, test, approval, "
	    "vnf_coordination");
}

static void
test_unknown_keys(void **state)
{
	static const char text[] = HEAD "procedure = 1;\n"
	    "procedures = ( { name = \"p\"; nmae = 1; target = { rols = "
	    "[\"compute\"]; };\n steps = (\n"
	    "{ name = \"s\"; action = \"run\"; command = \"x\"; timout = 5; "
	    "zzzzzz = 1; }\n" END;

	(void)state;
	expect_error(text, "procedure = 1", "unknown key \"procedure\"",
	    "did you mean \"procedures\"?");
	expect_error(text, "nmae", "procedure \"p\": unknown key \"nmae\"",
	    "did you mean \"name\"?");
	expect_error(text, "rols", "procedure \"p\": unknown key \"rols\"",
	    "did you mean \"roles\"?");
	expect_error(text, "timout", "step \"s\": unknown key \"timout\"",
	    "did you mean \"timeout\"?");
	expect_error(text, "zzzzzz", "step \"s\": unknown key \"zzzzzz\"",
	    "one of name, action, command");
}

static void
test_wrong_types(void **state)
{
	static const char text[] = HEAD "description = 5;\n"
	    "outage_budget = true;\n"
	    PROC
	    "{ name = \"s\"; action = \"run\"; command = [\"x\"]; "
	    "timeout = true; retries = \"2\"; sets_version = 1; }\n" END;

	(void)state;
	expect_error(text, "description", "description must be a string, "
	    "not an integer", NULL);
	expect_error(text, "outage_budget", "outage_budget must be a "
	    "duration, not a boolean", NULL);
	expect_error(text, "command = [", "step \"s\": command must be a "
	    "string, not an array [ ]", NULL);
	expect_error(text, "command = [", "step \"s\": timeout must be a "
	    "duration, not a boolean", NULL);
	expect_error(text, "command = [", "step \"s\": retries must be an "
	    "integer, not a string", NULL);
	expect_error(text, "command = [", "step \"s\": sets_version must be "
	    "true or false, not an integer", NULL);
}

static void
test_huge_and_negative(void **state)
{
	static const char text[] = HEAD "max_failure_percent = 101;\n"
	    PROC
	    "{ name = \"s\"; action = \"run\"; command = \"x\"; "
	    "timeout = 99999999999999999999999; }, \n"
	    "{ name = \"t\"; action = \"run\"; command = \"x\"; "
	    "timeout = 5; retries = -1; },\n"
	    "{ name = \"u\"; action = \"run\"; command = \"x\"; "
	    "timeout = \"31d\"; expected = -3; },\n"
	    "{ name = \"v\"; action = \"run\"; command = \"x\"; "
	    "timeout = 1e999; },\n"
	    "{ name = \"w\"; action = \"run\"; command = \"x\"; "
	    "timeout = 5; retries = 3000000000; }\n" END;
	struct diag_list diags = { NULL, 0, 0 };
	struct campaign c;
	int huge = tu_line(text, "99999");

	(void)state;
	assert_int_equal(tu_campaign(&c, text, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "max_failure"),
	    "max_failure_percent must be between 0 and 100, not 101", NULL);
	tu_expect(&diags, DIAG_ERROR, huge, "integer "
	    "99999999999999999999999 is out of range",
	    "the largest integer is 2147483647");
	/* The wrapped value libconfig read is not reported again. */
	for (size_t i = 0; i < diags.count; i++)
		if (diags.items[i].line == huge)
			assert_non_null(strstr(diags.items[i].message,
			    "out of range"));
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "retries = -1"),
	    "step \"t\": retries must be between 0 and 100, not -1", NULL);
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "31d"),
	    "step \"u\": timeout: duration out of range",
	    "durations run from 0 to 30 days");
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "31d"),
	    "step \"u\": expected: duration out of range", NULL);
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "1e999"),
	    "step \"v\": timeout: duration out of range", NULL);
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "3000000000"),
	    "integer 3000000000 is out of range", NULL);
	campaign_free(&c);
	diag_list_free(&diags);
}

static void
test_step_errors(void **state)
{
	static const char text[] = HEAD PROC
	    "{ name = \"a\"; action = \"run\"; command = \"x\"; "
	    "timeout = \"5x\"; },\n"
	    "{ name = \"b\"; action = \"run\"; command = \"x\"; timeout = 5; "
	    "expected = 10; },\n"
	    "{ name = \"c\"; action = \"run\"; command = \"x\"; timeout = 5; "
	    "on_failure = \"retry\"; },\n"
	    "{ name = \"d\"; action = \"run\"; command = \"x\"; timeout = 5; "
	    "on_failure = \"rolback\"; },\n"
	    "{ name = \"e\"; action = \"run\"; timeout = 5; },\n"
	    "{ name = \"f\"; action = \"http\"; url = \"u\"; timeout = 5; "
	    "method = \"FETCH\"; expect_json = [\"novalue\"]; },\n"
	    "{ name = \"g\"; action = \"maintenance_on\"; timeout = 5; "
	    "handover = \"dns\"; },\n"
	    "{ action = \"wait\"; expected = 5; },\n"
	    "{ name = \"a\"; action = \"wait\"; },\n"
	    "{ name = \"h\"; action = \"http\"; url = \"u\"; timeout = 5; "
	    "undo = \"x\"; },\n"
	    "{ name = \"i\"; action = \"http\"; url = \"u\"; timeout = 5; "
	    "expect_status = 700; }\n" END;
	struct diag_list diags = { NULL, 0, 0 };
	struct campaign c;

	(void)state;
	assert_int_equal(tu_campaign(&c, text, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "\"5x\""),
	    "step \"a\": timeout: bad duration \"5x\"",
	    "a number of seconds, or a string such as \"500ms\"");
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "expected = 10"),
	    "step \"b\": expected 10s is longer than timeout 5s", NULL);
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "\"retry\""),
	    "step \"c\": on_failure \"retry\" needs retries",
	    "set retries = N");
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "rolback"),
	    "step \"d\": unknown on_failure \"rolback\"",
	    "did you mean \"rollback\"? one of retry, pause, rollback, "
	    "restore, continue, abort");
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "name = \"e\""),
	    "step \"e\": missing \"command\"", NULL);
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "FETCH"),
	    "step \"f\": unknown method \"FETCH\"",
	    "did you mean \"PATCH\"? one of GET, HEAD");
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "novalue"),
	    "step \"f\": bad expect_json \"novalue\"", NULL);
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "\"dns\""),
	    "step \"g\": unknown handover \"dns\"", "one of none, lb, vim");
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "{ action = \"wait\""),
	    "step 8: missing \"name\"", NULL);
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "name = \"a\"; action = "
	    "\"wait\""), "step \"a\": missing \"expected\"", NULL);
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "name = \"a\"; action = "
	    "\"wait\""), "duplicate step \"a\" (first defined on line 6)",
	    NULL);
	tu_expect(&diags, DIAG_WARNING, tu_line(text, "undo = \"x\""),
	    "step \"h\": \"undo\" is ignored by action \"http\"", NULL);
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "700"),
	    "step \"i\": expect_status must be between 100 and 599, not 700",
	    NULL);
	/* The nameless step is dropped; the others stay. */
	assert_int_equal(c.procedures[0].nsteps, 10);
	campaign_free(&c);
	diag_list_free(&diags);
}

static void
test_procedure_errors(void **state)
{
	static const char text[] = HEAD
	    "procedures = (\n"
	    "{ name = \"p\"; target = { roles = [\"c\"]; }; method = "
	    "\"rollin\"; steps = ( " STEP_OK " ); },\n"
	    "{ name = \"q\"; target = { roles = [\"c\"]; }; batch = \"0%\"; "
	    "steps = ( " STEP_OK " ); },\n"
	    "{ name = \"r\"; target = { roles = [\"c\"]; }; batch = ( 1, "
	    "\"x\" ); steps = ( " STEP_OK " ); },\n"
	    "{ name = \"s\"; target = { roles = [\"c\"]; }; method = "
	    "\"parallel\"; batch = 2; steps = ( " STEP_OK " ); },\n"
	    "{ name = \"p\"; steps = (); level = 0; },\n"
	    "5\n"
	    ");\n";
	struct diag_list diags = { NULL, 0, 0 };
	struct campaign c;

	(void)state;
	assert_int_equal(tu_campaign(&c, text, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "rollin"),
	    "procedure \"p\": unknown method \"rollin\"",
	    "did you mean \"rolling\"? one of rolling, single-step, parallel");
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "0%"),
	    "procedure \"q\": bad batch size (counts run from 1, percentages "
	    "from 1% to 100%)", "a count (1), a percentage");
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "\"x\" )"),
	    "procedure \"r\": bad batch size (counts run from 1, percentages "
	    "from 1% to 100%)", NULL);
	tu_expect(&diags, DIAG_WARNING, tu_line(text, "batch = 2"),
	    "procedure \"s\": batch is ignored by method \"parallel\"", NULL);
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "steps = ();"),
	    "procedure \"p\": missing \"target\"", NULL);
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "steps = ();"),
	    "procedure \"p\": no steps", NULL);
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "steps = ();"),
	    "procedure \"p\": level must be between 1 and 1000, not 0", NULL);
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "steps = ();"),
	    "duplicate procedure \"p\" (first defined on line 5)", NULL);
	tu_expect(&diags, DIAG_ERROR, tu_line(text, "5\n)"),
	    "procedure 6 must be a group { name = ...; target = ...; steps "
	    "= ...; }", NULL);
	campaign_free(&c);
	diag_list_free(&diags);
}

/* Version files go to the nodes when they have a dest; backups save
 * absolute paths. */
static void
test_version_file_dest(void **state)
{
	static const char text[] =
	    "version_files = (\n"
	    "  { path = \"a.tar\"; sha256 = \"" SUM64 "\";\n"
	    "    dest = \"/opt/a.tar\"; target = { roles = [ \"c\" ]; }; },\n"
	    "  { path = \"b.tar\"; sha256 = \"" SUM64 "\"; dest = \"b\"; },\n"
	    "  { path = \"c.tar\"; sha256 = \"" SUM64 "\";\n"
	    "    target = { roles = [ \"c\" ]; }; },\n"
	    "  { path = \"d.tar\"; sha256 = \"" SUM64 "\";\n"
	    "    dest = \"/opt/a.tar\"; }\n"
	    ");\n"
	    "backup = ( { name = \"b\"; files = [ \"/etc/../x\" ]; } );\n";
	struct diag_list diags = { NULL, 0, 0 };
	struct campaign c;
	const struct version_file *v;

	(void)state;
	assert_int_equal(tu_campaign(&c, text, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, 4, "version file \"b.tar\": bad dest "
	    "\"b\"", "the file's absolute path");
	tu_expect(&diags, DIAG_ERROR, 5, "version file \"c.tar\": a target "
	    "but no dest to copy it to", NULL);
	tu_expect(&diags, DIAG_ERROR, 1, "version files at lines 2 and 7: "
	    "both copied to /opt/a.tar", NULL);
	tu_expect(&diags, DIAG_ERROR, 10, "backup \"b\": cannot back up "
	    "\"/etc/../x\"", "an absolute path");
	assert_int_equal(c.nversion_files, 4);
	v = &c.version_files[0];
	assert_string_equal(v->dest, "/opt/a.tar");
	assert_string_equal(v->target.roles.items[0], "c");
	assert_non_null(strstr(v->source, "/a.tar"));
	assert_null(c.version_files[2].dest);
	campaign_free(&c);
	diag_list_free(&diags);
}

static void
test_top_level_errors(void **state)
{
	static const char text[] =
	    "version = { from = \"1.0\"; to = \"1.0\"; };\n"
	    "window = { start = \"25:00\"; end = \"5\"; };\n"
	    "operators = ( { name = \"eve\"; role = \"root\"; } );\n"
	    "version_files = ( { path = \"x\"; sha256 = \"abc\"; } );\n"
	    "simulation = { seed = -1; start = \"yesterday\"; faults = "
	    "[ 1 ]; };\n"
	    "tests = ( { name = \"t\"; action = \"wait\"; expected = 1; } );\n"
	    "backup = ( { name = \"b\"; } );\n"
	    "constraints = { ha_groups = ( { group = \"g\"; max_unavailable "
	    "= 0; quorum = \"2\"; } ); vnfs = ( { max_impacted_members = 1; "
	    "} ); };\n";
	struct diag_list diags = { NULL, 0, 0 };
	struct campaign c;

	(void)state;
	assert_int_equal(tu_campaign(&c, text, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, 0, "missing \"name\"", NULL);
	tu_expect(&diags, DIAG_ERROR, 0, "missing \"inventory\"", NULL);
	tu_expect(&diags, DIAG_ERROR, 0, "missing \"procedures\"", NULL);
	tu_expect(&diags, DIAG_ERROR, 1, "version: from and to are both "
	    "\"1.0\"", NULL);
	tu_expect(&diags, DIAG_ERROR, 2, "window: bad start time \"25:00\"",
	    "\"HH:MM\", UTC");
	tu_expect(&diags, DIAG_ERROR, 2, "window: bad end time \"5\"", NULL);
	tu_expect(&diags, DIAG_ERROR, 3, "operator \"eve\": unknown role "
	    "\"root\"", "one of viewer, operator, approver, admin");
	tu_expect(&diags, DIAG_ERROR, 4, "version file \"x\": bad sha256",
	    NULL);
	tu_expect(&diags, DIAG_ERROR, 5, "simulation: seed must be between 0 "
	    "and 9223372036854775807, not -1", NULL);
	tu_expect(&diags, DIAG_ERROR, 5, "simulation: start must be an ISO "
	    "8601 UTC time", NULL);
	tu_expect(&diags, DIAG_ERROR, 5, "simulation: faults must be a list "
	    "of strings, not an integer", NULL);
	tu_expect(&diags, DIAG_ERROR, 6, "test \"t\": action \"wait\" is not "
	    "allowed in a test", NULL);
	tu_expect(&diags, DIAG_ERROR, 7, "backup \"b\": nothing to back up",
	    NULL);
	tu_expect(&diags, DIAG_ERROR, 8, "HA group \"g\": max_unavailable "
	    "must be between 1 and 1000000, not 0", NULL);
	tu_expect(&diags, DIAG_ERROR, 8, "HA group \"g\": quorum must be an "
	    "integer, not a string", NULL);
	tu_expect(&diags, DIAG_ERROR, 8, "VNF: missing \"vnf\"", NULL);
	campaign_free(&c);
	diag_list_free(&diags);
}

static void
test_syntax_error(void **state)
{
	static const char text[] = HEAD "\n\nprocedures = ( { name = = "
	    "\"p\"; } );\nfoo = 1;\n";

	(void)state;
	expect_error(text, "procedures", "syntax error",
	    "nothing after a syntax error is read");
}

static void
test_empty_and_binary(void **state)
{
	static const char junk[] = "\x7f" "ELF\x02\x01\x01\x00\x00\x00\xff";
	struct diag_list diags = { NULL, 0, 0 };
	struct campaign c;
	char *path;

	(void)state;
	expect_error("", NULL, "empty campaign: no settings", NULL);
	expect_error("# only a comment\n\n", NULL,
	    "empty campaign: no settings", NULL);
	path = tu_write(junk, sizeof junk - 1);
	assert_int_equal(campaign_load(&c, path, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, 1, "binary data (a NUL byte at offset "
	    "7)", NULL);
	campaign_free(&c);
	diag_list_free(&diags);
	tu_remove(path);
	assert_int_equal(campaign_load(&c, "/nonexistent/x.cfg", &diags), -1);
	tu_expect(&diags, DIAG_ERROR, 0, "cannot read campaign: No such file "
	    "or directory", NULL);
	campaign_free(&c);
	diag_list_free(&diags);
}

/* Every 50th prefix of every example: reported, never a crash or leak. */
static void
test_truncated_examples(void **state)
{
	static const char *const examples[] = {
		"campaigns/minimal-testbed.cfg", "campaigns/ha-openstack.cfg",
		"campaigns/multisite.cfg",
	};
	size_t failed = 0, total = 0;

	(void)state;
	for (size_t e = 0; e < sizeof examples / sizeof examples[0]; e++) {
		char *src = tu_src(examples[e]), *text;
		size_t len;
		FILE *f = fopen(src, "rb");

		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		len = (size_t)ftell(f);
		rewind(f);
		text = malloc(len);
		assert_int_equal(fread(text, 1, len, f), len);
		fclose(f);
		for (size_t cut = 0; cut < len; cut += 50) {
			struct diag_list diags = { NULL, 0, 0 };
			struct campaign c;
			char *path = tu_write(text, cut);

			if (campaign_load(&c, path, &diags) != 0) {
				assert_true(diag_errors(&diags) > 0);
				failed++;
			}
			total++;
			campaign_free(&c);
			diag_list_free(&diags);
			tu_remove(path);
		}
		free(text);
		free(src);
	}
	/* Cut anywhere, a campaign misses its procedures at least. */
	assert_int_equal(failed, total);
	assert_true(total > 50);
}

static void
test_every_error_reported(void **state)
{
	static const char text[] = HEAD "nmae = 1;\n" PROC
	    "{ name = \"a\"; action = \"rnu\"; },\n"
	    "{ name = \"b\"; action = \"run\"; command = \"x\"; timeout = "
	    "\"x\"; }\n" END;
	struct diag_list diags = { NULL, 0, 0 };
	struct campaign c;

	(void)state;
	assert_int_equal(tu_campaign(&c, text, &diags), -1);
	assert_int_equal(diag_errors(&diags), 3);
	campaign_free(&c);
	diag_list_free(&diags);
}

/* monitor = { ... }: its checks by index, and every error at its line. */
static void
test_monitor_values(void **state)
{
	static const char text[] = HEAD
	    "health = ( { name = \"a\"; action = \"run\"; command = \"true\"; "
	    "timeout = 5; },\n { name = \"b\"; action = \"run\"; command = "
	    "\"true\"; timeout = 5; } );\n"
	    "monitor = { interval = \"10s\"; checks = [ \"b\", \"a\" ]; "
	    "on_failure = \"continue\"; };\n" PROC STEP_OK END;
	struct diag_list diags = { NULL, 0, 0 };
	struct campaign c;

	(void)state;
	assert_int_equal(tu_campaign(&c, text, &diags), 0);
	assert_true(c.monitor.enabled);
	assert_int_equal(c.monitor.interval_ms, 10000);
	assert_int_equal(c.monitor.nchecks, 2);
	assert_int_equal(c.monitor.checks[0], 1);
	assert_int_equal(c.monitor.checks[1], 0);
	assert_int_equal(c.monitor.on_failure, ON_FAILURE_CONTINUE);
	campaign_free(&c);
	diag_list_free(&diags);
}

static void
test_monitor_errors(void **state)
{
	static const char text[] = HEAD
	    "health = ( { name = \"api-up\"; action = \"run\"; command = "
	    "\"true\"; timeout = 5; } );\n"
	    "monitor = { interval = \"100ms\"; checks = [\n"
	    "  \"api-upp\" ];\n"
	    " on_failure = \"rollback\"; every = 1; };\n" PROC STEP_OK END;
	static const char types[] = HEAD
	    "monitor = { interval = \"soon\"; checks = 3; };\n" PROC STEP_OK
	    END;
	struct diag_list diags = { NULL, 0, 0 };
	struct campaign c;

	(void)state;
	assert_int_equal(tu_campaign(&c, text, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, 5, "monitor: interval must be at least "
	    "1s", NULL);
	tu_expect(&diags, DIAG_ERROR, 6, "monitor: unknown health check "
	    "\"api-upp\"", NULL);
	tu_expect(&diags, DIAG_ERROR, 7, "monitor: on_failure must be "
	    "\"pause\" or \"continue\", not \"rollback\"", NULL);
	campaign_free(&c);
	diag_list_free(&diags);
	assert_int_equal(tu_campaign(&c, types, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, 4, "monitor: checks must be a list of "
	    "strings, not an integer", NULL);
	campaign_free(&c);
	diag_list_free(&diags);
}

/* vim = { ... }: both requests with their defaults, the ready poll,
 * headers kept as written and ca_file beside the campaign. */
static void
test_vim_values(void **state)
{
	static const char text[] = HEAD
	    "vim = { maintenance_on = { url = \"https://v:8774/h/{name}\";\n"
	    "    expect_status = 202; expect_json = [ \"state=on\" ];\n"
	    "    timeout = \"10m\"; ready = { url = \"https://v/h/{name}\";\n"
	    "    expect_json = [ \"host.state=maintenance\" ]; }; };\n"
	    "  maintenance_off = { url = \"https://v:8774/h/{name}\"; };\n"
	    "  headers = [ \"X-Auth-Token: {env:OS_TOKEN}\" ];\n"
	    "  ca_file = \"vim-ca.pem\"; };\n" PROC STEP_OK END;
	struct diag_list diags = { NULL, 0, 0 };
	struct campaign c;
	char *ca;

	(void)state;
	assert_int_equal(tu_campaign(&c, text, &diags), 0);
	tu_expect_clean(&diags);
	assert_true(c.vim.enabled);
	assert_int_equal(c.vim.line, 4);
	assert_string_equal(c.vim.on.method, "POST");
	assert_int_equal(c.vim.on.expect_status, 202);
	assert_int_equal(c.vim.on.nexpect_json, 1);
	assert_string_equal(c.vim.on.expect_json[0].key, "state");
	assert_int_equal(c.vim.on.timeout_ms, 600000);
	assert_non_null(c.vim.on.ready);
	assert_string_equal(c.vim.on.ready->method, "GET");
	assert_int_equal(c.vim.on.ready->interval_ms, 10000);
	assert_int_equal(c.vim.on.ready->expect_status, 200);
	/* nothing to say: taken out of maintenance by DELETE */
	assert_string_equal(c.vim.off.method, "DELETE");
	assert_int_equal(c.vim.off.expect_status, 200);
	assert_int_equal(c.vim.off.timeout_ms, 0);
	assert_null(c.vim.off.ready);
	assert_int_equal(c.vim.headers.count, 1);
	assert_string_equal(c.vim.headers.items[0],
	    "X-Auth-Token: {env:OS_TOKEN}");
	ca = xasprintf("%s/vim-ca.pem", c.dir);
	assert_string_equal(c.vim.ca_file, ca);
	free(ca);
	campaign_free(&c);
	diag_list_free(&diags);
}

static void
test_vim_errors(void **state)
{
	static const char text[] = HEAD
	    "vim = { maintenance_on = { url = \"ftp://v/{name}\";\n"
	    "    method = \"GTE\";\n"
	    "    body = \"{\\\"token\\\":\\\"{env:T}\\\"}\";\n"
	    "    ready = { expect_json = [ \"state\" ];\n"
	    "      interval = \"10ms\"; }; };\n"
	    "  headers = [ \"X-Auth-Token: {env:OS TOKEN}\",\n"
	    "    \"no colon\",\n"
	    "    \"Authorization: Bearer s3cret\" ];\n"
	    "  timeout = 5; };\n" PROC STEP_OK END;
	static const char types[] = HEAD
	    "vim = { maintenance_on = \"POST\"; maintenance_off = {\n"
	    "  url = 7; }; headers = 3; };\n" PROC STEP_OK END;
	struct diag_list diags = { NULL, 0, 0 };
	struct campaign c;

	(void)state;
	assert_int_equal(tu_campaign(&c, text, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, 4, "vim: maintenance_on: url must "
	    "start with http:// or https://", "e.g. ");
	tu_expect(&diags, DIAG_ERROR, 5, "vim: maintenance_on: method must "
	    "change the host's state, not \"GTE\"", NULL);
	tu_expect(&diags, DIAG_ERROR, 6, "vim: maintenance_on: {env:...} in "
	    "body: only headers may read the environment", "put the token "
	    "in headers");
	tu_expect(&diags, DIAG_ERROR, 7, "vim: maintenance_on: ready: "
	    "missing \"url\"", NULL);
	tu_expect(&diags, DIAG_ERROR, 7, "vim: maintenance_on: ready: bad "
	    "expect_json \"state\"", NULL);
	tu_expect(&diags, DIAG_ERROR, 8, "vim: maintenance_on: ready: "
	    "interval must be at least 100ms", NULL);
	tu_expect(&diags, DIAG_ERROR, 4, "vim: missing \"maintenance_off\"",
	    NULL);
	tu_expect(&diags, DIAG_ERROR, 9, "vim: header 1: {env:NAME}: a name "
	    "is letters, digits and _, then }", NULL);
	tu_expect(&diags, DIAG_ERROR, 10, "vim: header 2: a header is "
	    "\"Name: value\"", NULL);
	/* a credential in the file is the operator's choice, but said */
	tu_expect(&diags, DIAG_WARNING, 11, "vim: header 3: a credential "
	    "written in the campaign file", "take it from the controller's "
	    "environment");
	tu_expect(&diags, DIAG_ERROR, 12, "vim: unknown key \"timeout\"",
	    NULL);
	for (size_t i = 0; i < diags.count; i++)
		if (strstr(diags.items[i].message, "s3cret") != NULL)
			fail_msg("a header value in a message");
	campaign_free(&c);
	diag_list_free(&diags);
	assert_int_equal(tu_campaign(&c, types, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, 4, "vim: maintenance_on must be a "
	    "group { }, not a string", NULL);
	tu_expect(&diags, DIAG_ERROR, 5, "vim: maintenance_off: url must be "
	    "a string, not an integer", NULL);
	tu_expect(&diags, DIAG_ERROR, 5, "vim: headers must be a list of "
	    "strings, not an integer", NULL);
	campaign_free(&c);
	diag_list_free(&diags);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_values),
		cmocka_unit_test(test_ha_values),
		cmocka_unit_test(test_defaults_and_durations),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_unknown_action),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_huge_and_negative),
		cmocka_unit_test(test_step_errors),
		cmocka_unit_test(test_procedure_errors),
		cmocka_unit_test(test_version_file_dest),
		cmocka_unit_test(test_top_level_errors),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_empty_and_binary),
		cmocka_unit_test(test_truncated_examples),
		cmocka_unit_test(test_every_error_reported),
		cmocka_unit_test(test_monitor_values),
		cmocka_unit_test(test_monitor_errors),
		cmocka_unit_test(test_vim_values),
		cmocka_unit_test(test_vim_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
