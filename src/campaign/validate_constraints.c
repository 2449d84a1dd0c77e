/*
 * Plans that cannot keep their own promises: HA groups that would lose
 * quorum, procedures that take more down at once than a constraint
 * allows, VNF instances packed onto one host, an outage budget spent on
 * paper, a maintenance window too short for the work.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* At most this many nodes are named per rule; the rest are counted. */
#define REPORT_NODES	5

/* Rules sorted by name, so a node's rules are found in log time. */
struct rule_ref {
	const char	*name;
	size_t		 rule;
};

static int
rule_ref_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rule_ref *)a)->name,
	    ((const struct rule_ref *)b)->name);
}

/* Position of name in refs, or -1. */
static long
rule_pos(const struct rule_ref *refs, size_t n, const char *name)
{
	struct rule_ref key = { name, 0 };
	const struct rule_ref *r;

	if (name == NULL || n == 0)
		return -1;
	r = bsearch(&key, refs, n, sizeof *refs, rule_ref_cmp);
	return r != NULL ? r - refs : -1;
}

static long
rule_find(const struct rule_ref *refs, size_t n, const char *name)
{
	long pos = rule_pos(refs, n, name);

	return pos < 0 ? -1 : (long)refs[pos].rule;
}

struct rules {
	struct rule_ref	*ha;		/* HA group -> rule */
	struct rule_ref	*vnf;		/* VNF -> rule */
	struct rule_ref	*aa;		/* anti-affinity group -> first rule */
	size_t		 naa;
	long		*vnf_aa;	/* VNF rule -> its group in aa, or -1 */
};

static void
rules_index(const struct campaign *c, struct rules *r)
{
	size_t n = 0;

	r->ha = xcalloc(c->nha_rules, sizeof *r->ha);
	for (size_t i = 0; i < c->nha_rules; i++)
		r->ha[i] = (struct rule_ref){ c->ha_rules[i].group, i };
	qsort(r->ha, c->nha_rules, sizeof *r->ha, rule_ref_cmp);
	r->vnf = xcalloc(c->nvnf_rules, sizeof *r->vnf);
	r->aa = xcalloc(c->nvnf_rules, sizeof *r->aa);
	for (size_t i = 0; i < c->nvnf_rules; i++) {
		r->vnf[i] = (struct rule_ref){ c->vnf_rules[i].vnf, i };
		if (c->vnf_rules[i].anti_affinity_group != NULL)
			r->aa[n++] = (struct rule_ref){
			    c->vnf_rules[i].anti_affinity_group, i };
	}
	qsort(r->vnf, c->nvnf_rules, sizeof *r->vnf, rule_ref_cmp);
	qsort(r->aa, n, sizeof *r->aa, rule_ref_cmp);
	r->naa = 0;
	for (size_t i = 0; i < n; i++)
		if (r->naa == 0 || strcmp(r->aa[r->naa - 1].name,
		    r->aa[i].name) != 0)
			r->aa[r->naa++] = r->aa[i];
	r->vnf_aa = xcalloc(c->nvnf_rules, sizeof *r->vnf_aa);
	for (size_t i = 0; i < c->nvnf_rules; i++)
		r->vnf_aa[i] = rule_pos(r->aa, r->naa,
		    c->vnf_rules[i].anti_affinity_group);
}

static void
rules_free_index(struct rules *r)
{
	free(r->ha);
	free(r->vnf);
	free(r->aa);
	free(r->vnf_aa);
}

/* Counts per rule while scanning the nodes, one node at a time. */
struct counts {
	size_t	*vnf;		/* instances of the VNF on this node */
	size_t	*aa;		/* instances of the group on this node */
	size_t	*vnf_reported;	/* nodes reported per VNF rule */
	size_t	*aa_reported;
	size_t	*ha_members;
};

static void
check_host_vnf(struct validation *v, struct counts *k, const struct node *n,
    size_t rule)
{
	const struct vnf_rule *vr = &v->c->vnf_rules[rule];

	if (k->vnf[rule] <= (size_t)vr->max_impacted_members ||
	    ++k->vnf_reported[rule] > REPORT_NODES)
		return;
	invalid(v, vr->line, "taking the node down impacts them all: spread "
	    "the instances over more hosts or raise max_impacted_members",
	    "VNF \"%s\": node \"%s\" hosts %zu instances, more than "
	    "max_impacted_members %d", vr->vnf, n->name, k->vnf[rule],
	    vr->max_impacted_members);
}

static void
check_host_aa(struct validation *v, const struct rules *r, struct counts *k,
    const struct node *n, size_t group)
{
	const struct vnf_rule *vr = &v->c->vnf_rules[r->aa[group].rule];

	if (k->aa[group] <= 1 || ++k->aa_reported[group] > REPORT_NODES)
		return;
	invalid(v, vr->line, "instances of an anti-affinity group must be on "
	    "distinct hosts", "anti-affinity group \"%s\": node \"%s\" "
	    "hosts %zu of its instances", r->aa[group].name, n->name,
	    k->aa[group]);
}

static void
scan_node(struct validation *v, const struct rules *r, struct counts *k,
    const struct node *n)
{
	const struct campaign *c = v->c;
	long ha = rule_find(r->ha, c->nha_rules, node_label(n, LABEL_HA_GROUP));

	if (ha >= 0)
		k->ha_members[ha]++;
	for (size_t i = 0; i < n->nvnfs; i++) {
		long rule = rule_find(r->vnf, c->nvnf_rules, n->vnfs[i].vnf);

		if (rule < 0)
			continue;
		k->vnf[rule]++;
		if (r->vnf_aa[rule] >= 0)
			k->aa[r->vnf_aa[rule]]++;
	}
	/* Report and reset in one more pass over the node's instances. */
	for (size_t i = 0; i < n->nvnfs; i++) {
		long rule = rule_find(r->vnf, c->nvnf_rules, n->vnfs[i].vnf);

		if (rule < 0 || k->vnf[rule] == 0)
			continue;
		check_host_vnf(v, k, n, (size_t)rule);
		k->vnf[rule] = 0;
		if (r->vnf_aa[rule] >= 0 && k->aa[r->vnf_aa[rule]] > 0) {
			check_host_aa(v, r, k, n, (size_t)r->vnf_aa[rule]);
			k->aa[r->vnf_aa[rule]] = 0;
		}
	}
}

static void
check_ha_groups(struct validation *v, const size_t *members)
{
	for (size_t i = 0; i < v->c->nha_rules; i++) {
		const struct ha_rule *h = &v->c->ha_rules[i];
		size_t m = members[i];

		if (m == 0)
			diag_warning(v->diags, v->c->file, h->line, NULL,
			    "HA group \"%s\": no node has label "
			    "ha_group=%s", h->group, h->group);
		else if ((size_t)h->quorum > m)
			invalid(v, h->line, NULL, "HA group \"%s\": quorum %d, "
			    "but it has only %zu members", h->group,
			    h->quorum, m);
		else if (m - (size_t)h->quorum < (size_t)h->max_unavailable) {
			char hint[96];

			snprintf(hint, sizeof hint, "lower max_unavailable "
			    "to %zu", m - (size_t)h->quorum);
			invalid(v, h->line, m > (size_t)h->quorum ? hint : NULL,
			    "HA group \"%s\": max_unavailable %d of %zu "
			    "members would break quorum %d", h->group,
			    h->max_unavailable, m, h->quorum);
		}
	}
}

/* All at once: every node of the procedure is down together. */
static void
check_all_at_once(struct validation *v, const struct rules *r, size_t proc)
{
	const struct campaign *c = v->c;
	const struct procedure *p = &c->procedures[proc];
	size_t *ha = xcalloc(c->nha_rules, sizeof *ha);
	size_t *vnf = xcalloc(c->nvnf_rules, sizeof *vnf);

	for (size_t i = 0; i < v->proc_nnodes[proc]; i++) {
		const struct node *n = &v->inv->nodes[v->proc_nodes[proc][i]];
		long k = rule_find(r->ha, c->nha_rules,
		    node_label(n, LABEL_HA_GROUP));

		if (k >= 0)
			ha[k]++;
		for (size_t j = 0; j < n->nvnfs; j++)
			if ((k = rule_find(r->vnf, c->nvnf_rules,
			    n->vnfs[j].vnf)) >= 0)
				vnf[k]++;
	}
	for (size_t i = 0; i < c->nha_rules; i++)
		if (ha[i] > (size_t)c->ha_rules[i].max_unavailable)
			invalid(v, p->line, "use method = \"rolling\"",
			    "procedure \"%s\": method %s takes %zu nodes of "
			    "HA group \"%s\" down at once, but "
			    "max_unavailable is %d", p->name,
			    method_name(p->method), ha[i],
			    c->ha_rules[i].group,
			    c->ha_rules[i].max_unavailable);
	for (size_t i = 0; i < c->nvnf_rules; i++)
		if (vnf[i] > (size_t)c->vnf_rules[i].max_impacted_members)
			invalid(v, p->line, "use method = \"rolling\"",
			    "procedure \"%s\": method %s impacts %zu "
			    "instances of VNF \"%s\" at once, but "
			    "max_impacted_members is %d", p->name,
			    method_name(p->method), vnf[i],
			    c->vnf_rules[i].vnf,
			    c->vnf_rules[i].max_impacted_members);
	free(ha);
	free(vnf);
}

void
validate_constraints(struct validation *v)
{
	const struct campaign *c = v->c;
	struct rules r;
	struct counts k;

	rules_index(c, &r);
	k.vnf = xcalloc(c->nvnf_rules, sizeof *k.vnf);
	k.aa = xcalloc(c->nvnf_rules, sizeof *k.aa);
	k.vnf_reported = xcalloc(c->nvnf_rules, sizeof *k.vnf_reported);
	k.aa_reported = xcalloc(c->nvnf_rules, sizeof *k.aa_reported);
	k.ha_members = xcalloc(c->nha_rules, sizeof *k.ha_members);
	for (size_t i = 0; i < v->inv->count; i++)
		scan_node(v, &r, &k, &v->inv->nodes[i]);
	check_ha_groups(v, k.ha_members);
	for (size_t i = 0; i < c->nvnf_rules; i++)
		if (k.vnf_reported[i] > REPORT_NODES)
			invalid(v, c->vnf_rules[i].line, NULL, "VNF \"%s\": "
			    "and %zu more nodes like these",
			    c->vnf_rules[i].vnf,
			    k.vnf_reported[i] - REPORT_NODES);
	for (size_t i = 0; i < r.naa; i++)
		if (k.aa_reported[i] > REPORT_NODES)
			invalid(v, c->vnf_rules[r.aa[i].rule].line, NULL,
			    "anti-affinity group \"%s\": and %zu more nodes "
			    "like these", r.aa[i].name,
			    k.aa_reported[i] - REPORT_NODES);
	for (size_t i = 0; i < c->nprocedures; i++)
		if (c->procedures[i].method != METHOD_ROLLING)
			check_all_at_once(v, &r, i);
	free(k.vnf);
	free(k.aa);
	free(k.vnf_reported);
	free(k.aa_reported);
	free(k.ha_members);
	rules_free_index(&r);
}

void
validate_budget(struct validation *v)
{
	struct service_outage *o;
	size_t n = campaign_service_outages(v->c, v->inv, &o);
	char a[32], b[32];

	for (size_t i = 0; v->c->outage_budget_ms >= 0 && i < n; i++)
		if (o[i].outage_ms > v->c->outage_budget_ms)
			invalid(v, v->c->outage_budget_line, "fewer components "
			    "with an outage, shorter outages, or a larger "
			    "outage_budget", "service \"%s\": planned "
			    "outage %s exceeds the outage budget %s",
			    o[i].service,
			    duration_format(o[i].outage_ms, a, sizeof a),
			    duration_format(v->c->outage_budget_ms, b,
			    sizeof b));
	free(o);
}

static int64_t
steps_expected(const struct procedure *p)
{
	int64_t ms = 0;

	for (size_t i = 0; i < p->nsteps; i++)
		ms += p->steps[i].expected_ms;
	return ms;
}

void
validate_window(struct validation *v)
{
	const struct campaign *c = v->c;
	int64_t window, *chain, longest = 0;
	size_t worst = 0;
	char a[32], b[32];

	if (!c->has_window)
		return;
	window = (int64_t)((c->window_end_min - c->window_start_min + 1440) %
	    1440) * 60000;
	for (size_t i = 0; i < c->nprocedures; i++)
		for (size_t j = 0; j < c->procedures[i].nsteps; j++) {
			const struct step *s = &c->procedures[i].steps[j];

			if (s->expected_ms > window)
				invalid(v, s->line, "no step starts that "
				    "cannot end before the window closes",
				    "step \"%s\": expected %s is longer than "
				    "the maintenance window (%s)", s->name,
				    duration_format(s->expected_ms, a,
				    sizeof a), duration_format(window, b,
				    sizeof b));
		}
	chain = xcalloc(v->inv->count, sizeof *chain);
	for (size_t i = 0; i < c->nprocedures; i++) {
		int64_t ms = steps_expected(&c->procedures[i]);

		for (size_t j = 0; j < v->proc_nnodes[i]; j++)
			chain[v->proc_nodes[i][j]] += ms;
	}
	for (size_t i = 0; i < v->inv->count; i++)
		if (chain[i] > longest) {
			longest = chain[i];
			worst = i;
		}
	if (longest > window)
		diag_warning(v->diags, c->file, c->window_line, "the campaign "
		    "pauses when the window closes and resumes in the next",
		    "node \"%s\" needs %s of steps, longer than the "
		    "maintenance window (%s)", v->inv->nodes[worst].name,
		    duration_format(longest, a, sizeof a),
		    duration_format(window, b, sizeof b));
	free(chain);
}
