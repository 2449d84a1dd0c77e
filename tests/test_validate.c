/* The validator: every semantic error against the inventory, with its
 * exact message and line; the examples are clean; it scales. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "escalator/campaign.h"
#include "campaign_util.h"

static const char inventory_text[] =
    "nodes = (\n"
    "{ name = \"ctl-1\"; address = \"a\"; version = \"1.0\"; roles = "
    "[\"controller\"]; labels = { ha_group = \"ctl\"; site = \"a\"; }; },\n"
    "{ name = \"ctl-2\"; address = \"a\"; roles = [\"controller\"]; "
    "labels = { ha_group = \"ctl\"; site = \"a\"; }; },\n"
    "{ name = \"ctl-3\"; address = \"a\"; roles = [\"controller\"]; "
    "labels = { ha_group = \"ctl\"; site = \"b\"; }; },\n"
    "{ name = \"cmp-1\"; address = \"a\"; roles = [\"compute\"]; vnfs = ( "
    "{ vnf = \"vFW\"; instance = \"fw-1\"; }, "
    "{ vnf = \"vFW\"; instance = \"fw-2\"; } ); },\n"
    "{ name = \"cmp-2\"; address = \"a\"; roles = [\"compute\"]; vnfs = ( "
    "{ vnf = \"vLB\"; instance = \"lb-1\"; }, "
    "{ vnf = \"vDNS\"; instance = \"dns-1\"; } ); },\n"
    "{ name = \"cmp-3\"; address = \"a\"; roles = [\"compute\"]; vnfs = ( "
    "{ vnf = \"vLB\"; instance = \"lb-2\"; } ); }\n"
    ");\n";

#define HEAD								\
	"name = \"t\";\n"						\
	"version = { from = \"1.0\"; to = \"2.0\"; };\n"		\
	"inventory = \"t.inventory\";\n"
#define RUN	"steps = ( { name = \"u\"; action = \"run\"; command = " \
	"\"x\"; timeout = 5; } ); "
#define CTL	"target = { roles = [\"controller\"]; }; "
#define CMP	"target = { roles = [\"compute\"]; }; "

/* Parse (which must succeed) and validate text against the inventory. */
static int
validate(const char *text, struct diag_list *diags)
{
	struct campaign c;
	struct inventory inv;
	int rc;

	assert_int_equal(tu_inventory(&inv, inventory_text, diags), 0);
	if (tu_campaign(&c, text, diags) != 0) {
		tu_expect_clean(diags);
		fail();
	}
	rc = campaign_validate(&c, &inv, diags);
	campaign_free(&c);
	inventory_free(&inv);
	return rc;
}

/* Validation of text must fail with this error among its diagnostics. */
static void
expect_invalid(const char *text, int line, const char *message,
    const char *hint)
{
	struct diag_list diags = { NULL, 0, 0 };

	assert_int_equal(validate(text, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, line, message, hint);
	diag_list_free(&diags);
}

static void
test_cycles_and_references(void **state)
{
	static const char text[] = HEAD
	    "procedures = (\n"
	    "{ name = \"a\"; " CTL RUN "depends_on = [\"b\"]; },\n"
	    "{ name = \"b\"; " CTL RUN "depends_on = [\"c\"]; },\n"
	    "{ name = \"c\"; " CTL RUN "depends_on = [\"a\"]; },\n"
	    "{ name = \"d\"; " CTL RUN "depends_on = [\"d\", \"zz\"]; },\n"
	    "{ name = \"e\"; " CTL RUN "level = 2; },\n"
	    "{ name = \"f\"; " CTL RUN "depends_on = [\"e\"]; level = 1; }\n"
	    ");\n";
	struct diag_list diags = { NULL, 0, 0 };

	(void)state;
	assert_int_equal(validate(text, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, 5, "dependency cycle: a -> b -> c -> a",
	    "a procedure cannot wait for itself");
	tu_expect(&diags, DIAG_ERROR, 8, "dependency cycle: d -> d", NULL);
	tu_expect(&diags, DIAG_ERROR, 8, "procedure \"d\": unknown procedure "
	    "\"zz\"", "one of a, b, c, d, e, f");
	tu_expect(&diags, DIAG_ERROR, 10, "procedure \"f\": level 1, but it "
	    "depends on \"e\" at level 2", "a procedure runs after those it "
	    "depends on");
	assert_int_equal(diag_errors(&diags), 4);
	diag_list_free(&diags);
}

static void
test_selectors(void **state)
{
	static const char text[] = HEAD
	    "backup = ( { name = \"b\"; target = { labels = { site = \"c\"; "
	    "}; }; files = [\"/etc\"]; } );\n"
	    "procedures = (\n"
	    "{ name = \"g\"; target = { roles = [\"gpu\"]; }; " RUN "},\n"
	    "{ name = \"h\"; target = { roles = [\"controller\"]; labels = { "
	    "site = \"b\"; }; }; " RUN "},\n"
	    "{ name = \"i\"; target = { roles = [\"controller\", "
	    "\"compute\"]; labels = { site = \"a\"; rack = \"r1\"; }; }; "
	    RUN "}\n"
	    ");\n";
	struct diag_list diags = { NULL, 0, 0 };

	(void)state;
	assert_int_equal(validate(text, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, 4, "backup \"b\": target matches no "
	    "node", "no node of ");
	tu_expect(&diags, DIAG_ERROR, 6, "procedure \"g\": target matches no "
	    "node", NULL);
	tu_expect(&diags, DIAG_ERROR, 8, "procedure \"i\": target matches no "
	    "node", NULL);
	assert_int_equal(diag_errors(&diags), 3);
	for (size_t i = 0; i < diags.count; i++)
		if (diags.items[i].line == 8)
			assert_non_null(strstr(diags.items[i].hint, " has role "
			    "controller|compute with site=a, rack=r1"));
	diag_list_free(&diags);
}

static void
test_undo_and_timeouts(void **state)
{
	static const char text[] = HEAD
	    "tests = ( { name = \"smoke\"; action = \"run\"; command = \"x\"; "
	    "} );\n"
	    "procedures = ( { name = \"p\"; " CTL "steps = (\n"
	    "{ name = \"s1\"; action = \"run\"; command = \"x\"; "
	    "timeout = 5; },\n"
	    "{ name = \"s2\"; action = \"http\"; url = \"u\"; timeout = 5; "
	    "on_failure = \"rollback\"; },\n"
	    "{ name = \"s3\"; action = \"run\"; command = \"x\"; timeout = 5; "
	    "on_failure = \"rollback\"; },\n"
	    "{ name = \"s4\"; action = \"run\"; command = \"x\"; undo = \"y\"; "
	    "timeout = 5; on_failure = \"rollback\"; },\n"
	    "{ name = \"s5\"; action = \"run\"; command = \"x\"; "
	    "timeout = 5; },\n"
	    "{ name = \"s6\"; action = \"http\"; url = \"u\"; },\n"
	    "{ name = \"s7\"; action = \"wait\"; expected = 5; },\n"
	    "{ name = \"s8\"; action = \"approval\"; }\n"
	    "); } );\n";
	struct diag_list diags = { NULL, 0, 0 };

	(void)state;
	assert_int_equal(validate(text, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, 4, "test \"smoke\": missing timeout",
	    "every action but wait and approval needs timeout");
	tu_expect(&diags, DIAG_ERROR, 6, "step \"s1\": no undo, but step "
	    "\"s2\" after it rolls back on failure", "graceful rollback runs "
	    "the undo command of every executed step, in reverse order");
	tu_expect(&diags, DIAG_ERROR, 8, "step \"s3\": on_failure "
	    "\"rollback\" needs undo", NULL);
	tu_expect(&diags, DIAG_ERROR, 11, "step \"s6\": missing timeout",
	    NULL);
	assert_int_equal(diag_errors(&diags), 4);
	diag_list_free(&diags);
}

static void
test_unknown_names(void **state)
{
	static const char text[] = HEAD
	    "tests = ( { name = \"smoke\"; action = \"run\"; command = \"x\"; "
	    "timeout = 5; } );\n"
	    "backup = ( { name = \"db\"; target = { roles = [\"controller\"]; "
	    "}; once = true; command = \"dump\"; } );\n"
	    "procedures = ( { name = \"p\"; " CTL "tests = [\"smok\"]; "
	    "components = [\"api\"]; steps = (\n"
	    "{ name = \"t\"; action = \"test\"; test = \"smoke-2\"; timeout = "
	    "5; },\n"
	    "{ name = \"b\"; action = \"backup\"; item = \"dv\"; timeout = 5; "
	    "on_failure = \"restore\"; }\n"
	    "); } );\n";
	struct diag_list diags = { NULL, 0, 0 };

	(void)state;
	assert_int_equal(validate(text, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, 6, "procedure \"p\": unknown test "
	    "\"smok\"", "did you mean \"smoke\"?");
	tu_expect(&diags, DIAG_ERROR, 6, "procedure \"p\": unknown component "
	    "\"api\"", "the campaign defines no component");
	tu_expect(&diags, DIAG_ERROR, 7, "step \"t\": unknown test "
	    "\"smoke-2\"", "did you mean \"smoke\"?");
	tu_expect(&diags, DIAG_ERROR, 8, "step \"b\": unknown backup item "
	    "\"dv\"", "did you mean \"db\"?");
	tu_expect(&diags, DIAG_ERROR, 5, "backup \"db\": no restore command, "
	    "but step \"b\" restores from backup on failure", NULL);
	assert_int_equal(diag_errors(&diags), 5);
	diag_list_free(&diags);
}

static void
test_restore_without_backup(void **state)
{
	static const char text[] = HEAD
	    "procedures = ( { name = \"p\"; " CTL "steps = (\n"
	    "{ name = \"s\"; action = \"run\"; command = \"x\"; timeout = 5; "
	    "on_failure = \"restore\"; }\n"
	    "); } );\n";

	(void)state;
	expect_invalid(text, 5, "step \"s\": on_failure \"restore\", but the "
	    "campaign has no backup", NULL);
}

static void
test_ha_constraints(void **state)
{
	static const char text[] = HEAD
	    "constraints = { ha_groups = (\n"
	    "{ group = \"ctl\"; max_unavailable = 1; quorum = 2; },\n"
	    "{ group = \"none\"; max_unavailable = 1; },\n"
	    "{ group = \"ctl-2\"; max_unavailable = 1; }\n"
	    "); };\n"
	    "procedures = (\n"
	    "{ name = \"p\"; " CTL RUN "method = \"single-step\"; },\n"
	    "{ name = \"q\"; " CTL RUN "method = \"parallel\"; },\n"
	    "{ name = \"r\"; " CTL RUN "method = \"rolling\"; batch = 3; }\n"
	    ");\n";
	static const char quorum[] = HEAD
	    "constraints = { ha_groups = (\n"
	    "{ group = \"ctl\"; max_unavailable = 2; quorum = 2; }\n"
	    "); };\n"
	    "procedures = ( { name = \"r\"; " CTL RUN "} );\n";
	static const char members[] = HEAD
	    "constraints = { ha_groups = (\n"
	    "{ group = \"ctl\"; max_unavailable = 1; quorum = 4; }\n"
	    "); };\n"
	    "procedures = ( { name = \"r\"; " CTL RUN "} );\n";
	struct diag_list diags = { NULL, 0, 0 };

	(void)state;
	assert_int_equal(validate(text, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, 10, "procedure \"p\": method "
	    "single-step takes 3 nodes of HA group \"ctl\" down at once, but "
	    "max_unavailable is 1", "use method = \"rolling\"");
	tu_expect(&diags, DIAG_ERROR, 11, "procedure \"q\": method parallel "
	    "takes 3 nodes of HA group \"ctl\" down at once, but "
	    "max_unavailable is 1", NULL);
	tu_expect(&diags, DIAG_WARNING, 6, "HA group \"none\": no node has "
	    "label ha_group=none", NULL);
	/* Rolling obeys the constraint whatever its batch: no error. */
	assert_int_equal(diag_errors(&diags), 2);
	diag_list_free(&diags);
	expect_invalid(quorum, 5, "HA group \"ctl\": max_unavailable 2 of 3 "
	    "members would break quorum 2", "lower max_unavailable to 1");
	expect_invalid(members, 5, "HA group \"ctl\": quorum 4, but it has "
	    "only 3 members", NULL);
}

static void
test_vnf_constraints(void **state)
{
	static const char text[] = HEAD
	    "constraints = { vnfs = (\n"
	    "{ vnf = \"vFW\"; max_impacted_members = 1; },\n"
	    "{ vnf = \"vLB\"; max_impacted_members = 1; anti_affinity_group = "
	    "\"edge\"; },\n"
	    "{ vnf = \"vDNS\"; max_impacted_members = 1; anti_affinity_group = "
	    "\"edge\"; }\n"
	    "); };\n"
	    "procedures = (\n"
	    "{ name = \"k\"; " CMP RUN "method = \"parallel\"; }\n"
	    ");\n";
	struct diag_list diags = { NULL, 0, 0 };

	(void)state;
	assert_int_equal(validate(text, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, 5, "VNF \"vFW\": node \"cmp-1\" hosts 2 "
	    "instances, more than max_impacted_members 1", "taking the node "
	    "down impacts them all");
	tu_expect(&diags, DIAG_ERROR, 6, "anti-affinity group \"edge\": node "
	    "\"cmp-2\" hosts 2 of its instances", "instances of an "
	    "anti-affinity group must be on distinct hosts");
	tu_expect(&diags, DIAG_ERROR, 10, "procedure \"k\": method parallel "
	    "impacts 2 instances of VNF \"vFW\" at once, but "
	    "max_impacted_members is 1", NULL);
	tu_expect(&diags, DIAG_ERROR, 10, "procedure \"k\": method parallel "
	    "impacts 2 instances of VNF \"vLB\" at once, but "
	    "max_impacted_members is 1", NULL);
	assert_int_equal(diag_errors(&diags), 4);
	diag_list_free(&diags);
}

static void
test_budget(void **state)
{
	static const char text[] = HEAD
	    "outage_budget = \"20s\";\n"
	    "components = ( { name = \"api\"; service = \"API\"; outage = 10; "
	    "},\n"
	    "{ name = \"vm\"; service = \"VM\"; outage = 1; } );\n"
	    "procedures = (\n"
	    "{ name = \"c\"; " CTL RUN "components = [\"api\", \"vm\"]; },\n"
	    "{ name = \"d\"; " CMP RUN "components = [\"vm\"]; }\n"
	    ");\n";
	struct diag_list diags = { NULL, 0, 0 };
	struct service_outage *o;
	struct campaign c;
	struct inventory inv;

	(void)state;
	assert_int_equal(validate(text, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, 4, "service \"API\": planned outage 30s "
	    "exceeds the outage budget 20s", NULL);
	assert_int_equal(diag_errors(&diags), 1);
	diag_list_free(&diags);
	assert_int_equal(tu_campaign(&c, text, &diags), 0);
	assert_int_equal(tu_inventory(&inv, inventory_text, &diags), 0);
	assert_int_equal(campaign_service_outages(&c, &inv, &o), 2);
	assert_string_equal(o[0].service, "API");
	assert_int_equal(o[0].outage_ms, 30000);
	assert_string_equal(o[1].service, "VM");
	assert_int_equal(o[1].outage_ms, 6000);
	free(o);
	campaign_free(&c);
	inventory_free(&inv);
}

static void
test_window(void **state)
{
	static const char text[] = HEAD
	    "window = { start = \"01:00\"; end = \"01:30\"; };\n"
	    "procedures = (\n"
	    "{ name = \"a\"; " CTL "steps = ( { name = \"long\"; action = "
	    "\"wait\"; expected = \"40m\"; } ); },\n"
	    "{ name = \"b\"; " CTL "steps = ( { name = \"w\"; action = "
	    "\"wait\"; expected = \"20m\"; } ); }\n"
	    ");\n";
	static const char wraps[] = HEAD
	    "window = { start = \"23:00\"; end = \"01:00\"; };\n"
	    "procedures = ( { name = \"a\"; " CTL "steps = ( { name = "
	    "\"w\"; action = \"wait\"; expected = \"90m\"; } ); } );\n";
	struct diag_list diags = { NULL, 0, 0 };

	(void)state;
	assert_int_equal(validate(text, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, 6, "step \"long\": expected 40m00s is "
	    "longer than the maintenance window (30m00s)", "no step starts "
	    "that cannot end before the window closes");
	tu_expect(&diags, DIAG_WARNING, 4, "node \"ctl-1\" needs 1h00m of "
	    "steps, longer than the maintenance window (30m00s)", NULL);
	assert_int_equal(diag_errors(&diags), 1);
	diag_list_free(&diags);
	assert_int_equal(validate(wraps, &diags), 0);
	tu_expect_clean(&diags);
}

static void
test_versions(void **state)
{
	static const char text[] =
	    "name = \"t\";\n"
	    "version = { from = \"0.8\"; to = \"2.0\"; };\n"
	    "inventory = \"t.inventory\";\n"
	    "procedures = ( { name = \"a\"; " CTL RUN "} );\n";
	struct diag_list diags = { NULL, 0, 0 };

	(void)state;
	assert_int_equal(validate(text, &diags), 0);
	tu_expect(&diags, DIAG_WARNING, 0, "1 node(s) run neither 0.8 nor "
	    "2.0, e.g. \"ctl-1\" runs 1.0", NULL);
	diag_list_free(&diags);
}

/* Handover "vim" without a vim block: the simulator plays the VIM, the
 * SSH transport cannot, so it is a warning at the step; with the block,
 * nothing to say. */
static void
test_vim_handover(void **state)
{
#define VIM_STEPS "steps = (\n" \
	"{ name = \"evacuate\"; action = \"maintenance_on\"; handover = " \
	"\"vim\"; timeout = 5; },\n" \
	"{ name = \"back\"; action = \"maintenance_off\"; handover = " \
	"\"vim\"; timeout = 5; } ); } );\n"
	static const char without[] = HEAD
	    "procedures = ( { name = \"a\"; " CMP VIM_STEPS;
	static const char with[] = HEAD
	    "vim = { maintenance_on = { url = \"https://v/{name}\"; };\n"
	    "  maintenance_off = { url = \"https://v/{name}\"; }; };\n"
	    "procedures = ( { name = \"a\"; " CMP VIM_STEPS;
#undef VIM_STEPS
	struct diag_list diags = { NULL, 0, 0 };

	(void)state;
	assert_int_equal(validate(without, &diags), 0);
	tu_expect(&diags, DIAG_WARNING, 5, "step \"evacuate\": handover "
	    "\"vim\" but no vim block: the simulator runs it, the ssh "
	    "transport refuses it", "add vim = { maintenance_on = ");
	tu_expect(&diags, DIAG_WARNING, 6, "step \"back\": handover \"vim\" "
	    "but no vim block: the simulator runs it, the ssh transport "
	    "refuses it", NULL);
	diag_list_free(&diags);
	assert_int_equal(validate(with, &diags), 0);
	tu_expect_clean(&diags);
	diag_list_free(&diags);
}

static void
check_example(const char *cfg, const char *inventory)
{
	struct diag_list diags = { NULL, 0, 0 };
	struct campaign c;
	struct inventory inv;
	char *path = tu_src(cfg), *ipath = NULL;

	assert_int_equal(campaign_load(&c, path, &diags), 0);
	if (inventory != NULL)
		ipath = tu_src(inventory);
	assert_int_equal(inventory_load(&inv, ipath ? ipath :
	    c.inventory_path, &diags), 0);
	assert_int_equal(campaign_validate(&c, &inv, &diags), 0);
	tu_expect_clean(&diags);
	campaign_free(&c);
	inventory_free(&inv);
	free(path);
	free(ipath);
}

static void
test_examples(void **state)
{
	(void)state;
	check_example("campaigns/minimal-testbed.cfg", NULL);
	check_example("campaigns/ha-openstack.cfg", NULL);
	check_example("campaigns/ha-openstack.cfg",
	    "campaigns/ha-openstack.inventory.json");
	check_example("campaigns/multisite.cfg", NULL);
}

/* 10,000 nodes with 50,000 instances, built in memory. */
static void
big_inventory(struct inventory *inv)
{
	static const char *const vnfs[] = { "v0", "v1", "v2", "v3", "v4" };
	char buf[64];

	memset(inv, 0, sizeof *inv);
	inv->file = xstrdup("big");
	inv->count = 10000;
	inv->nodes = xcalloc(inv->count, sizeof *inv->nodes);
	for (size_t i = 0; i < inv->count; i++) {
		struct node *n = &inv->nodes[i];

		snprintf(buf, sizeof buf, "n%zu", i);
		n->name = xstrdup(buf);
		n->address = xstrdup(buf);
		n->user = xstrdup("root");
		strv_push(&n->roles, "compute");
		n->labels = xcalloc(1, sizeof *n->labels);
		n->nlabels = 1;
		n->labels[0].key = xstrdup(LABEL_HA_GROUP);
		snprintf(buf, sizeof buf, "g%zu", i % 100);
		n->labels[0].value = xstrdup(buf);
		n->vnfs = xcalloc(5, sizeof *n->vnfs);
		n->nvnfs = 5;
		for (size_t v = 0; v < 5; v++) {
			n->vnfs[v].vnf = xstrdup(vnfs[(i + v) % 5]);
			snprintf(buf, sizeof buf, "i%zu", i);
			n->vnfs[v].instance = xstrdup(buf);
		}
	}
}

static void
test_scale(void **state)
{
	static const char text[] = HEAD
	    "window = { start = \"01:00\"; end = \"05:00\"; };\n"
	    "outage_budget = \"1h\";\n"
	    "components = ( { name = \"c\"; service = \"s\"; outage = 0; } );\n"
	    "constraints = {\n"
	    "ha_groups = ( { group = \"g1\"; max_unavailable = 10; quorum = "
	    "50; } );\n"
	    "vnfs = ( { vnf = \"v0\"; max_impacted_members = 100; "
	    "anti_affinity_group = \"x\"; },\n"
	    "{ vnf = \"v1\"; max_impacted_members = 100; } ); };\n"
	    "procedures = ( { name = \"p\"; " CMP RUN "batch = \"10%\"; "
	    "components = [\"c\"]; } );\n";
	struct diag_list diags = { NULL, 0, 0 };
	struct campaign c;
	struct inventory inv;
	clock_t t0;

	(void)state;
	big_inventory(&inv);
	assert_int_equal(tu_campaign(&c, text, &diags), 0);
	t0 = clock();
	assert_int_equal(campaign_validate(&c, &inv, &diags), 0);
	assert_true(clock() - t0 < 2 * CLOCKS_PER_SEC);
	tu_expect_clean(&diags);
	campaign_free(&c);
	inventory_free(&inv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cycles_and_references),
		cmocka_unit_test(test_selectors),
		cmocka_unit_test(test_undo_and_timeouts),
		cmocka_unit_test(test_unknown_names),
		cmocka_unit_test(test_restore_without_backup),
		cmocka_unit_test(test_ha_constraints),
		cmocka_unit_test(test_vnf_constraints),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_vim_handover),
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_scale),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
