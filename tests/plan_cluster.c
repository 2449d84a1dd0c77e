/* Clusters and campaigns for the planner's tests, built in C. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escalator/util.h"
#include "plan_cluster.h"

/* Make room for element n: capacity doubles whenever n reaches a power
 * of two, so that 10,000 nodes do not cost 10,000 copies. */
#define GROW(arr, n) do {						\
	if (((n) & ((n) - 1)) == 0)					\
		(arr) = xreallocarray((arr), (n) ? 2 * (n) : 1,		\
		    sizeof *(arr));					\
} while (0)

void
cl_campaign_init(struct campaign *c)
{
	memset(c, 0, sizeof *c);
	c->file = xstrdup("test.cfg");
	c->name = xstrdup("test");
	c->from_version = xstrdup("1.0");
	c->to_version = xstrdup("2.0");
	c->outage_budget_ms = -1;
}

static void
add_label(struct node *n, const char *key, const char *value)
{
	GROW(n->labels, n->nlabels);
	n->labels[n->nlabels].key = xstrdup(key);
	n->labels[n->nlabels++].value = xstrdup(value);
}

uint32_t
cl_node(struct inventory *inv, const char *name, const char *role,
    const char *ha_group)
{
	struct node *n;

	GROW(inv->nodes, inv->count);
	n = &inv->nodes[inv->count];
	memset(n, 0, sizeof *n);
	n->name = xstrdup(name);
	n->address = xstrdup(name);
	n->user = xstrdup("root");
	n->port = 22;
	strv_push(&n->roles, role);
	add_label(n, LABEL_SITE, "site-a");
	if (ha_group != NULL)
		add_label(n, LABEL_HA_GROUP, ha_group);
	return (uint32_t)inv->count++;
}

void
cl_vnf(struct inventory *inv, uint32_t node, const char *vnf,
    const char *instance)
{
	struct node *n = &inv->nodes[node];

	GROW(n->vnfs, n->nvnfs);
	n->vnfs[n->nvnfs].vnf = xstrdup(vnf);
	n->vnfs[n->nvnfs++].instance = xstrdup(instance);
}

void
cl_ha_rule(struct campaign *c, const char *group, int max_unavailable,
    int quorum)
{
	GROW(c->ha_rules, c->nha_rules);
	c->ha_rules[c->nha_rules++] = (struct ha_rule){ xstrdup(group),
	    max_unavailable, quorum, 1 };
}

void
cl_vnf_rule(struct campaign *c, const char *vnf, int max_impacted)
{
	GROW(c->vnf_rules, c->nvnf_rules);
	c->vnf_rules[c->nvnf_rules++] = (struct vnf_rule){ xstrdup(vnf),
	    max_impacted, NULL, 1 };
}

static struct step *
new_step(struct step **steps, size_t *n, const char *name, int64_t ms)
{
	struct step *s;

	GROW(*steps, *n);
	s = &(*steps)[(*n)++];
	memset(s, 0, sizeof *s);
	s->name = xstrdup(name);
	s->action = STEP_RUN;
	s->command = xstrdup("true");
	s->expected_ms = ms;
	s->timeout_ms = 2 * ms;
	return s;
}

void
cl_test(struct campaign *c, const char *name, int64_t expected_ms)
{
	new_step(&c->tests, &c->ntests, name, expected_ms);
}

void
cl_component(struct campaign *c, const char *name, const char *service,
    int64_t outage_ms)
{
	struct component *m;

	GROW(c->components, c->ncomponents);
	m = &c->components[c->ncomponents++];
	memset(m, 0, sizeof *m);
	m->name = xstrdup(name);
	m->service = xstrdup(service);
	m->function_lost = xstrdup(service);
	m->outage_ms = outage_ms;
}

static void
parse_batches(struct procedure *p, const char *spec)
{
	char *copy = xstrdup(spec), *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t != NULL;
	    t = strtok_r(NULL, ",", &save)) {
		GROW(p->batches, p->nbatches);
		p->batches[p->nbatches].value = atoi(t);
		p->batches[p->nbatches++].percent = strchr(t, '%') != NULL;
	}
	free(copy);
}

struct procedure *
cl_procedure(struct campaign *c, const char *name, const char *role,
    enum method method, const char *batches)
{
	struct procedure *p;

	GROW(c->procedures, c->nprocedures);
	p = &c->procedures[c->nprocedures++];
	memset(p, 0, sizeof *p);
	p->name = xstrdup(name);
	p->line = (int)c->nprocedures;
	p->method = method;
	if (role != NULL)
		strv_push(&p->target.roles, role);
	if (batches != NULL)
		parse_batches(p, batches);
	return p;
}

void
cl_step(struct procedure *p, const char *name, int64_t expected_ms)
{
	new_step(&p->steps, &p->nsteps, name, expected_ms);
}

/* Deterministic, so that a failing size can be replayed. */
static uint32_t
next_random(uint64_t *state)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*state >> 33);
}

/* Nodes of one role in HA groups of size members. */
static void
add_grouped(struct campaign *c, struct inventory *inv, const char *role,
    uint32_t count, uint32_t members, int max_unavailable, int quorum)
{
	char name[64], group[64];

	for (uint32_t i = 0; i < count; i++) {
		uint32_t size = count - i < members ? count - i : members;

		snprintf(group, sizeof group, "%s-%u", role, i / members);
		/* The last group may be short: keep its quorum reachable. */
		if (i % members == 0)
			cl_ha_rule(c, group, max_unavailable,
			    quorum < (int)size ? quorum : (int)size - 1);
		snprintf(name, sizeof name, "%s-%05u", role, i);
		cl_node(inv, name, role, group);
	}
}

/* Five instances per node of the cluster, in VNFs of up to 5 instances
 * on distinct computes; most VNFs have a rule. */
static void
add_vnfs(struct campaign *c, struct inventory *inv, uint32_t first,
    uint32_t ncomputes, uint32_t nnodes, uint64_t *rng)
{
	uint32_t per = ncomputes < 5 ? ncomputes : 5;
	uint32_t nvnfs = 5 * nnodes / per;
	char vnf[32], inst[48];

	for (uint32_t v = 0; v < nvnfs; v++) {
		uint32_t hosts[5];

		snprintf(vnf, sizeof vnf, "vnf-%05u", v);
		if (v % 10 != 9)
			cl_vnf_rule(c, vnf, 1 + (int)(v % 2));
		for (uint32_t k = 0; k < per; k++) {
			uint32_t h, j;

			do {
				h = first + next_random(rng) % ncomputes;
				for (j = 0; j < k && hosts[j] != h; j++)
					continue;
			} while (j < k);
			hosts[k] = h;
			snprintf(inst, sizeof inst, "%s-%u", vnf, k);
			cl_vnf(inv, h, vnf, inst);
		}
	}
}

static void
add_procedures(struct campaign *c)
{
	struct procedure *p;

	cl_test(c, "api", 120000);
	cl_test(c, "smoke", 60000);
	cl_component(c, "neutron-agent", "network", 2000);
	p = cl_procedure(c, "controllers", "controller", METHOD_ROLLING, "1");
	p->level = 1;
	cl_step(p, "drain", 60000);
	cl_step(p, "upgrade", 600000);
	strv_push(&p->tests, "api");
	p = cl_procedure(c, "network", "network", METHOD_ROLLING, "1,25%");
	strv_push(&p->depends_on, "controllers");
	strv_push(&p->components, "neutron-agent");
	cl_step(p, "upgrade", 300000);
	strv_push(&p->tests, "smoke");
	p = cl_procedure(c, "storage", "storage", METHOD_ROLLING, "2");
	strv_push(&p->depends_on, "controllers");
	cl_step(p, "upgrade", 400000);
	p = cl_procedure(c, "computes", "compute", METHOD_ROLLING, "1,5,10%");
	strv_push(&p->depends_on, "network");
	cl_step(p, "evacuate", 120000);
	cl_step(p, "upgrade", 240000);
	strv_push(&p->tests, "smoke");
	p = cl_procedure(c, "agents", "compute", METHOD_PARALLEL, NULL);
	p->level = 2;
	cl_step(p, "restart", 30000);
}

void
cl_generate(struct campaign *c, struct inventory *inv, uint32_t nnodes,
    uint64_t seed)
{
	uint32_t nctl = 3 * (1 + nnodes / 300), nnet = 2 + nnodes / 50;
	uint32_t nsto = 3 + nnodes / 25, ncomp, first;
	uint64_t rng = seed;

	if (nctl + nnet + nsto + 1 > nnodes)
		nctl = 3, nnet = 2, nsto = 3;
	ncomp = nnodes > nctl + nnet + nsto ? nnodes - nctl - nnet - nsto : 1;
	add_grouped(c, inv, "controller", nctl, 3, 1, 2);
	add_grouped(c, inv, "network", nnet, 4, 2, 1);
	add_grouped(c, inv, "storage", nsto, 5, 1, 3);
	first = (uint32_t)inv->count;
	for (uint32_t i = 0; i < ncomp; i++) {
		char name[64];

		snprintf(name, sizeof name, "compute-%05u", i);
		cl_node(inv, name, "compute", NULL);
	}
	add_vnfs(c, inv, first, ncomp, nnodes, &rng);
	add_procedures(c);
}
