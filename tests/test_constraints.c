/* Availability constraints: HA groups, quorum, VNF impact, release. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "escalator/constraints.h"
#include "plan_cluster.h"

struct fixture {
	struct campaign		c;
	struct inventory	inv;
	struct constraints	*cons;
};

static void
fixture_done(struct fixture *f)
{
	constraints_free(f->cons);
	campaign_free(&f->c);
	inventory_free(&f->inv);
}

static void
test_ha_max_unavailable(void **state)
{
	struct fixture f = { 0 };
	struct block why;
	uint32_t a, b, c, other;

	(void)state;
	cl_campaign_init(&f.c);
	a = cl_node(&f.inv, "ctl-1", "controller", "ctl");
	b = cl_node(&f.inv, "ctl-2", "controller", "ctl");
	c = cl_node(&f.inv, "ctl-3", "controller", "ctl");
	other = cl_node(&f.inv, "cmp-1", "compute", NULL);
	cl_ha_rule(&f.c, "ctl", 2, 0);
	f.cons = constraints_new(&f.c, &f.inv);

	assert_true(constraints_admit(f.cons, a, &why));
	assert_int_equal(why.reason, BLOCK_NONE);
	constraints_take(f.cons, a);
	assert_true(constraints_admit(f.cons, b, NULL));
	constraints_take(f.cons, b);
	assert_false(constraints_admit(f.cons, c, &why));
	assert_int_equal(why.reason, BLOCK_HA_GROUP);
	assert_string_equal(why.object, "ctl");
	assert_int_equal(why.node, c);
	/* A node outside any group is unconstrained. */
	assert_true(constraints_admit(f.cons, other, NULL));
	/* A node already down may not go down twice. */
	assert_false(constraints_admit(f.cons, a, &why));
	assert_int_equal(why.reason, BLOCK_BUSY);
	assert_string_equal(why.object, "ctl-1");
	fixture_done(&f);
}

static void
test_ha_quorum(void **state)
{
	struct fixture f = { 0 };
	struct block why;
	uint32_t n[5];

	(void)state;
	cl_campaign_init(&f.c);
	for (int i = 0; i < 5; i++) {
		char name[16];

		snprintf(name, sizeof name, "db-%d", i);
		n[i] = cl_node(&f.inv, name, "db", "galera");
	}
	cl_ha_rule(&f.c, "galera", 4, 3);
	f.cons = constraints_new(&f.c, &f.inv);
	constraints_take(f.cons, n[0]);
	constraints_take(f.cons, n[1]);
	/* 5 members, 2 down: a third would leave 2 < quorum 3. */
	assert_false(constraints_admit(f.cons, n[2], &why));
	assert_int_equal(why.reason, BLOCK_QUORUM);
	assert_string_equal(why.object, "galera");
	constraints_release(f.cons, n[1]);
	assert_true(constraints_admit(f.cons, n[2], NULL));
	fixture_done(&f);
}

static void
test_vnf_max_impacted(void **state)
{
	struct fixture f = { 0 };
	struct block why;
	uint32_t a, b, c, d;

	(void)state;
	cl_campaign_init(&f.c);
	a = cl_node(&f.inv, "cmp-1", "compute", NULL);
	b = cl_node(&f.inv, "cmp-2", "compute", NULL);
	c = cl_node(&f.inv, "cmp-3", "compute", NULL);
	d = cl_node(&f.inv, "cmp-4", "compute", NULL);
	cl_vnf(&f.inv, a, "vFW", "fw-1");
	cl_vnf(&f.inv, b, "vFW", "fw-2");
	cl_vnf(&f.inv, c, "vFW", "fw-3");
	cl_vnf(&f.inv, c, "vFW", "fw-4");
	cl_vnf(&f.inv, d, "vLB", "lb-1");
	cl_vnf_rule(&f.c, "vFW", 2);
	f.cons = constraints_new(&f.c, &f.inv);

	/* Two instances on one host count twice. */
	assert_true(constraints_admit(f.cons, c, NULL));
	constraints_take(f.cons, a);
	assert_false(constraints_admit(f.cons, c, &why));
	assert_int_equal(why.reason, BLOCK_VNF);
	assert_string_equal(why.object, "vFW");
	assert_true(constraints_admit(f.cons, b, NULL));
	constraints_take(f.cons, b);
	/* A VNF without a rule constrains nothing. */
	assert_true(constraints_admit(f.cons, d, NULL));
	constraints_release(f.cons, a);
	assert_false(constraints_admit(f.cons, c, NULL));
	constraints_release(f.cons, b);
	assert_true(constraints_admit(f.cons, c, NULL));
	fixture_done(&f);
}

static void
test_release_is_exact(void **state)
{
	struct fixture f = { 0 };
	uint32_t a, b;

	(void)state;
	cl_campaign_init(&f.c);
	a = cl_node(&f.inv, "ctl-1", "controller", "ctl");
	b = cl_node(&f.inv, "ctl-2", "controller", "ctl");
	cl_ha_rule(&f.c, "ctl", 1, 0);
	f.cons = constraints_new(&f.c, &f.inv);
	/* Taking twice or releasing a node that is up changes nothing. */
	constraints_take(f.cons, a);
	constraints_take(f.cons, a);
	constraints_release(f.cons, a);
	assert_false(constraints_down(f.cons, a));
	constraints_release(f.cons, a);
	constraints_take(f.cons, b);
	assert_false(constraints_admit(f.cons, a, NULL));
	constraints_release(f.cons, b);
	assert_true(constraints_admit(f.cons, a, NULL));
	fixture_done(&f);
}

static void
test_node_objects(void **state)
{
	struct fixture f = { 0 };
	const uint32_t *ids;
	uint32_t a, count;

	(void)state;
	cl_campaign_init(&f.c);
	a = cl_node(&f.inv, "ctl-1", "controller", "ctl");
	cl_vnf(&f.inv, a, "vDNS", "dns-1");
	cl_vnf(&f.inv, a, "vDNS", "dns-2");
	cl_vnf(&f.inv, a, "unruled", "x-1");
	cl_ha_rule(&f.c, "ctl", 1, 0);
	cl_vnf_rule(&f.c, "vDNS", 3);
	f.cons = constraints_new(&f.c, &f.inv);
	/* The group, the VNF once, and the node itself. */
	ids = constraints_node_objects(f.cons, a, &count);
	assert_int_equal(count, 3);
	assert_string_equal(constraints_object_name(f.cons, ids[0]), "ctl");
	assert_string_equal(constraints_object_name(f.cons, ids[1]), "vDNS");
	assert_string_equal(constraints_object_name(f.cons, ids[2]), "ctl-1");
	assert_int_equal(constraints_nobjects(f.cons), 3);
	assert_string_equal(block_reason_text(BLOCK_QUORUM),
	    "HA group would lose quorum");
	fixture_done(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ha_max_unavailable),
		cmocka_unit_test(test_ha_quorum),
		cmocka_unit_test(test_vnf_max_impacted),
		cmocka_unit_test(test_release_is_exact),
		cmocka_unit_test(test_node_objects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
