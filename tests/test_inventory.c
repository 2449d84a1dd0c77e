/* Inventories: the libconfig form, the Ansible JSON form, their errors,
 * and the size they must handle. */
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
#include "escalator/inventory.h"
#include "campaign_util.h"

static const struct node *
find(const struct inventory *inv, const char *name)
{
	long i = inventory_find(inv, name);

	assert_true(i >= 0);
	return &inv->nodes[i];
}

/* Load a file of the source tree: clean, with count nodes. */
static void
load_clean(struct inventory *inv, const char *rel, size_t count)
{
	struct diag_list diags = { NULL, 0, 0 };
	char *path = tu_src(rel);

	assert_int_equal(inventory_load(inv, path, &diags), 0);
	tu_expect_clean(&diags);
	assert_int_equal(inv->count, count);
	free(path);
}

/* How escalator reaches node n; version may be NULL: none known. */
static void
expect_access(const struct node *n, const char *address, int port,
    const char *user, const char *version)
{
	assert_string_equal(n->address, address);
	assert_int_equal(n->port, port);
	assert_string_equal(n->user, user);
	if (version != NULL)
		assert_string_equal(n->version, version);
	else
		assert_null(n->version);
}

/* Load text; it must fail with the given error among its diagnostics. */
static void
expect_error(const char *text, int line, const char *message,
    const char *hint)
{
	struct diag_list diags = { NULL, 0, 0 };
	struct inventory inv;

	assert_int_equal(tu_inventory(&inv, text, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, line, message, hint);
	inventory_free(&inv);
	diag_list_free(&diags);
}

static void
test_config_values(void **state)
{
	struct inventory inv;
	const struct node *n;

	(void)state;
	load_clean(&inv, "campaigns/minimal-testbed.inventory", 3);
	n = find(&inv, "ctl-1");
	expect_access(n, "127.0.0.1", 22, "root", "1.0");
	assert_true(node_has_role(n, "controller"));
	assert_false(node_has_role(n, "compute"));
	assert_string_equal(node_label(n, LABEL_RACK), "r1");
	assert_null(node_label(n, LABEL_HA_GROUP));
	n = find(&inv, "compute-2");
	assert_int_equal(n->nvnfs, 1);
	assert_string_equal(n->vnfs[0].vnf, "vFW");
	assert_string_equal(n->vnfs[0].instance, "fw-2");
	assert_int_equal(n->line, 21);
	assert_int_equal(inventory_find(&inv, "compute-3"), -1);
	assert_int_equal(inventory_find(&inv, "compute-1"), 1);
	inventory_free(&inv);
}

/* A jump host for every node, one of them with its own; bad ones. */
static void
test_config_jump(void **state)
{
	static const char good[] =
	    "jump = \"ops@bastion:2222\";\n"
	    "nodes = ( { name = \"a\"; address = \"x\"; },\n"
	    "{ name = \"b\"; address = \"y\"; jump = \"gw\"; } );\n";
	static const char bad[] =
	    "jump = \"a b\";\n"
	    "nodes = ( { name = \"a\"; address = \"x\"; jump = \"h:0\"; },\n"
	    "{ name = \"b\"; address = \"y\"; jump = \"-oProxy@h\"; } );\n";
	struct diag_list diags = { NULL, 0, 0 };
	struct inventory inv;
	struct jump_host j;

	(void)state;
	assert_int_equal(tu_inventory(&inv, good, &diags), 0);
	assert_string_equal(inv.nodes[0].jump, "ops@bastion:2222");
	assert_string_equal(inv.nodes[1].jump, "gw");
	assert_true(jump_parse(inv.nodes[0].jump, &j));
	assert_string_equal(j.user, "ops");
	assert_string_equal(j.host, "bastion");
	assert_int_equal(j.port, 2222);
	assert_true(jump_parse("gw", &j));
	assert_string_equal(j.user, "");
	assert_int_equal(j.port, 22);
	inventory_free(&inv);
	assert_int_equal(tu_inventory(&inv, bad, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, 1, "bad jump host \"a b\"",
	    "\"[user@]host[:port]\"");
	tu_expect(&diags, DIAG_ERROR, 2, "node \"a\": bad jump host \"h:0\"",
	    NULL);
	tu_expect(&diags, DIAG_ERROR, 3, "node \"b\": bad jump host "
	    "\"-oProxy@h\"", NULL);
	inventory_free(&inv);
	diag_list_free(&diags);
}

static void
test_config_errors(void **state)
{
	static const char text[] =
	    "nodes = (\n"
	    "{ name = \"a\"; address = \"x\"; },\n"
	    "{ name = \"b\"; address = \"x\"; port = 70000; "
	    "rols = [\"c\"]; },\n"
	    "{ name = \"a\"; address = \"y\"; },\n"
	    "{ address = \"z\"; },\n"
	    "{ name = \"c\"; roles = 5; port = \"22\"; },\n"
	    "{ name = \"d\"; address = \"x\"; labels = { site = 1; }; "
	    "vnfs = ( 1, { vnf = \"v\"; } ); },\n"
	    "{ name = \"e\"; address = \"x\"; vnfs = ( { vnf = \"v\"; "
	    "instance = \"1\"; } ); },\n"
	    "{ name = \"f\"; address = \"x\"; vnfs = ( { vnf = \"v\"; "
	    "instance = \"1\"; } ); },\n"
	    "\"g\" );\n"
	    "hosts = 1;\n";
	struct diag_list diags = { NULL, 0, 0 };
	struct inventory inv;

	(void)state;
	assert_int_equal(tu_inventory(&inv, text, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, 3, "node \"b\": port must be between 1 "
	    "and 65535, not 70000", NULL);
	tu_expect(&diags, DIAG_ERROR, 3, "node \"b\": unknown key \"rols\"",
	    "did you mean \"roles\"?");
	tu_expect(&diags, DIAG_ERROR, 4, "duplicate node \"a\" (first defined "
	    "on line 2)", NULL);
	tu_expect(&diags, DIAG_ERROR, 5, "node 4: missing \"name\"", NULL);
	tu_expect(&diags, DIAG_ERROR, 6, "node \"c\": missing \"address\"",
	    NULL);
	tu_expect(&diags, DIAG_ERROR, 6, "node \"c\": roles must be a list of "
	    "strings, not an integer", NULL);
	tu_expect(&diags, DIAG_ERROR, 6, "node \"c\": port must be an "
	    "integer, not a string", NULL);
	tu_expect(&diags, DIAG_ERROR, 7, "node \"d\": label \"site\" must be "
	    "a string, not an integer", NULL);
	tu_expect(&diags, DIAG_ERROR, 7, "node \"d\": every entry of vnfs "
	    "must be a group", NULL);
	tu_expect(&diags, DIAG_ERROR, 7, "node \"d\": a VNF instance needs "
	    "\"vnf\" and \"instance\"", NULL);
	tu_expect(&diags, DIAG_ERROR, 9, "VNF \"v\" instance \"1\" is on node "
	    "\"e\" and again on node \"f\"", "an instance id is unique");
	tu_expect(&diags, DIAG_ERROR, 10, "node 9 must be a group { name = "
	    "...; address = ...; }", NULL);
	tu_expect(&diags, DIAG_ERROR, 11, "unknown key \"hosts\"",
	    "one of nodes");
	inventory_free(&inv);
	diag_list_free(&diags);
}

static void
test_config_bad_files(void **state)
{
	struct diag_list diags = { NULL, 0, 0 };
	struct inventory inv;

	(void)state;
	expect_error("", 0, "empty inventory: no settings", NULL);
	expect_error("nodes = ();\n", 0, "inventory has no nodes", NULL);
	assert_int_equal(tu_inventory(&inv, "nodes = ( { name = \"a\" \n\n",
	    &diags), -1);
	assert_int_equal(diags.count, 1);
	assert_string_equal(diags.items[0].message, "syntax error");
	inventory_free(&inv);
	diag_list_free(&diags);
	assert_int_equal(inventory_load(&inv, "/nonexistent", &diags), -1);
	tu_expect(&diags, DIAG_ERROR, 0, "cannot read inventory: No such file "
	    "or directory", NULL);
	inventory_free(&inv);
	diag_list_free(&diags);
}

static void
test_ansible_values(void **state)
{
	struct inventory inv;
	const struct node *n;

	(void)state;
	load_clean(&inv, "tests/data/campaign/ansible-children.json", 4);
	n = find(&inv, "ctl-1");
	expect_access(n, "192.0.2.1", 2222, "admin", "1.0");
	/* escalator_labels wins over the plain host variable. */
	assert_string_equal(node_label(n, LABEL_SITE), "b");
	assert_string_equal(node_label(n, LABEL_ZONE), "z9");
	assert_string_equal(node_label(n, LABEL_HA_GROUP), "ctl");
	assert_true(node_has_role(n, "controller"));
	assert_true(node_has_role(n, "openstack"));
	assert_false(node_has_role(n, "all"));
	assert_int_equal(n->roles.count, 2);
	n = find(&inv, "compute-1");
	expect_access(n, "compute-1", 2200, "root", NULL);
	assert_string_equal(node_label(n, LABEL_RACK), "r7");
	assert_int_equal(n->nvnfs, 2);
	assert_string_equal(n->vnfs[1].vnf, "vLB");
	assert_string_equal(n->vnfs[1].instance, "lb-1");
	n = find(&inv, "compute-2");
	assert_true(node_has_role(n, "compute"));
	assert_true(node_has_role(n, "openstack"));
	assert_true(node_has_role(n, "loop-a"));
	assert_true(node_has_role(n, "loop-b"));
	n = find(&inv, "spare-1");
	assert_int_equal(n->roles.count, 0);
	inventory_free(&inv);
}

static void
test_ansible_errors(void **state)
{
	static const char text[] = "{\n"
	    " \"_meta\": { \"hostvars\": {\n"
	    "  \"a\": { \"ansible_port\": 0, \"escalator_vnfs\": {},\n"
	    "         \"escalator_labels\": [], \"ansible_user\": 5 },\n"
	    "  \"b\": { \"escalator_vnfs\": [ { \"vnf\": \"v\" } ],\n"
	    "         \"escalator_labels\": { \"site\": 1 } },\n"
	    "  \"c\": 7 } },\n"
	    " \"web\": [ \"a\" ],\n"
	    " \"db\": { \"hosts\": \"a\", \"children\": [ 1 ] }\n"
	    "}\n";
	struct diag_list diags = { NULL, 0, 0 };
	struct inventory inv;

	(void)state;
	assert_int_equal(tu_inventory(&inv, text, &diags), -1);
	tu_expect(&diags, DIAG_ERROR, 0, "host \"a\": bad ansible_port",
	    "a port between 1 and 65535");
	tu_expect(&diags, DIAG_ERROR, 0, "host \"a\": escalator_vnfs must be "
	    "an array", NULL);
	tu_expect(&diags, DIAG_ERROR, 0, "host \"a\": escalator_labels must "
	    "be an object", NULL);
	tu_expect(&diags, DIAG_ERROR, 0, "host \"a\": ansible_user must be a "
	    "string", NULL);
	tu_expect(&diags, DIAG_ERROR, 0, "host \"b\": every entry of "
	    "escalator_vnfs needs string \"vnf\" and \"instance\"", NULL);
	tu_expect(&diags, DIAG_ERROR, 0, "host \"b\": label \"site\" must be "
	    "a string", NULL);
	tu_expect(&diags, DIAG_ERROR, 0, "host \"c\": its variables must be "
	    "an object", NULL);
	tu_expect(&diags, DIAG_ERROR, 0, "group \"web\" must be an object",
	    NULL);
	tu_expect(&diags, DIAG_ERROR, 0, "group \"db\": hosts must be an "
	    "array of names", NULL);
	tu_expect(&diags, DIAG_ERROR, 0, "group \"db\": children must be an "
	    "array of names", NULL);
	inventory_free(&inv);
	diag_list_free(&diags);
}

static void
test_ansible_bad_json(void **state)
{
	(void)state;
	expect_error("{\n \"a\": {\n  \"hosts\": [ \"x\" ]\n },\n"
	    " \"b\": ]\n}\n", 5, "JSON syntax error: unexpected character",
	    NULL);
	expect_error("  {\n \"a\": {\n", 3, "unexpected end of JSON",
	    "the file ends in the middle");
	expect_error("{}\n{}\n", 2, "trailing data after the JSON object",
	    NULL);
	expect_error("{}", 0, "inventory has no nodes", NULL);
}

static void
expect_same_labels(const struct node *a, const struct node *b)
{
	assert_int_equal(a->nlabels, b->nlabels);
	for (size_t i = 0; i < a->nlabels; i++)
		assert_string_equal(node_label(b, a->labels[i].key),
		    a->labels[i].value);
}

/* The libconfig and the Ansible form of the ha-openstack cluster. */
static void
test_both_forms_same(void **state)
{
	struct diag_list diags = { NULL, 0, 0 };
	struct inventory a, b;
	char *pa = tu_src("campaigns/ha-openstack.inventory");
	char *pb = tu_src("campaigns/ha-openstack.inventory.json");

	(void)state;
	assert_int_equal(inventory_load(&a, pa, &diags), 0);
	assert_int_equal(inventory_load_ansible(&b, pb, &diags), 0);
	tu_expect_clean(&diags);
	assert_int_equal(a.count, 14);
	assert_int_equal(a.count, b.count);
	for (size_t i = 0; i < a.count; i++) {
		const struct node *x = &a.nodes[i];
		const struct node *y = find(&b, x->name);

		assert_string_equal(x->address, y->address);
		assert_int_equal(x->port, y->port);
		assert_string_equal(x->user, y->user);
		assert_string_equal(x->version, y->version);
		assert_int_equal(x->roles.count, y->roles.count);
		for (size_t j = 0; j < x->roles.count; j++)
			assert_true(node_has_role(y, x->roles.items[j]));
		expect_same_labels(x, y);
		assert_int_equal(x->nvnfs, y->nvnfs);
		for (size_t j = 0; j < x->nvnfs; j++) {
			assert_string_equal(x->vnfs[j].vnf, y->vnfs[j].vnf);
			assert_string_equal(x->vnfs[j].instance,
			    y->vnfs[j].instance);
		}
	}
	inventory_free(&a);
	inventory_free(&b);
	free(pa);
	free(pb);
}

/* 10,000 nodes, 50,000 VNF instances, one duplicate name at the end. */
static char *
big_inventory(size_t nodes, bool json)
{
	size_t cap = nodes * 400 + 1024, len = 0;
	char *t = malloc(cap);

	assert_non_null(t);
	len += (size_t)sprintf(t + len, json ? "{ \"_meta\": { \"hostvars\": "
	    "{\n" : "nodes = (\n");
	for (size_t i = 0; i < nodes; i++) {
		len += (size_t)sprintf(t + len, json ? "%s\"n%zu\": { "
		    "\"ansible_host\": \"10.0.%zu.%zu\", "
		    "\"escalator_vnfs\": [" :
		    "%s{ name = \"n%zu\"; address = \"10.0.%zu.%zu\"; "
		    "roles = [\"compute\"]; vnfs = (", i ? ",\n" : "", i,
		    i / 250, i % 250);
		for (int v = 0; v < 5; v++)
			len += (size_t)sprintf(t + len, json ?
			    "%s{ \"vnf\": \"v%d\", \"instance\": \"i%zu\" }" :
			    "%s{ vnf = \"v%d\"; instance = \"i%zu\"; }",
			    v ? ", " : "", v, i);
		len += (size_t)sprintf(t + len, json ? "] }" : "); }");
	}
	len += (size_t)sprintf(t + len, json ? " } },\n"
	    "\"compute\": { \"hosts\": [ \"n1\", \"n2\" ] } }\n" :
	    ",\n{ name = \"n7\"; address = \"x\"; }\n);\n");
	assert_true(len < cap);
	return t;
}

static void
test_scale(void **state)
{
	for (int json = 0; json < 2; json++) {
		struct diag_list diags = { NULL, 0, 0 };
		struct inventory inv;
		char *text = big_inventory(10000, json);
		clock_t t0 = clock();
		size_t nvnfs = 0;

		(void)state;
		assert_int_equal(tu_inventory(&inv, text, &diags),
		    json ? 0 : -1);
		/* Under sanitizers this is several times slower: the bound
		 * catches quadratic work, not a slow machine. */
		assert_true(clock() - t0 < 5 * CLOCKS_PER_SEC);
		assert_int_equal(inv.count, json ? 10000 : 10001);
		for (size_t i = 0; i < inv.count; i++)
			nvnfs += inv.nodes[i].nvnfs;
		assert_int_equal(nvnfs, 50000);
		if (!json) {
			assert_int_equal(diag_errors(&diags), 1);
			tu_expect(&diags, DIAG_ERROR, 10002, "duplicate node "
			    "\"n7\" (first defined on line 9)", NULL);
		}
		assert_int_equal(inventory_find(&inv, "n9999"), 9999);
		inventory_free(&inv);
		diag_list_free(&diags);
		free(text);
	}
}

static void
test_selector_match(void **state)
{
	struct node n = { 0 };
	struct label nl[] = { { "site", "a" }, { "zone", "z1" } };
	struct label sl[] = { { "site", "a" }, { "zone", "z2" } };
	struct selector s = { 0 };

	(void)state;
	strv_push(&n.roles, "compute");
	n.labels = nl;
	n.nlabels = 2;
	assert_true(selector_match(&s, &n));
	strv_push(&s.roles, "controller");
	assert_false(selector_match(&s, &n));
	strv_push(&s.roles, "compute");
	assert_true(selector_match(&s, &n));
	s.labels = sl;
	s.nlabels = 1;
	assert_true(selector_match(&s, &n));
	s.nlabels = 2;
	assert_false(selector_match(&s, &n));
	strv_free(&s.roles);
	strv_free(&n.roles);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_values),
		cmocka_unit_test(test_config_jump),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_bad_files),
		cmocka_unit_test(test_ansible_values),
		cmocka_unit_test(test_ansible_errors),
		cmocka_unit_test(test_ansible_bad_json),
		cmocka_unit_test(test_both_forms_same),
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_selector_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
