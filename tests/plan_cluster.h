/*
 * Clusters and campaigns built in C for the planner's tests: a few nodes
 * by hand, or a generated cluster of any size with HA groups, VNFs spread
 * over the computes and several rolling procedures. Everything is
 * allocated the way the loaders do, so campaign_free and inventory_free
 * release it.
 */
#ifndef ESCALATOR_TESTS_PLAN_CLUSTER_H
#define ESCALATOR_TESTS_PLAN_CLUSTER_H

#include <stdint.h>

#include "escalator/campaign.h"
#include "escalator/inventory.h"

void	cl_campaign_init(struct campaign *);
/* A node with one role; ha_group may be NULL. Returns its index. */
uint32_t cl_node(struct inventory *, const char *name, const char *role,
	    const char *ha_group);
void	cl_vnf(struct inventory *, uint32_t node, const char *vnf,
	    const char *instance);
void	cl_ha_rule(struct campaign *, const char *group, int max_unavailable,
	    int quorum);
void	cl_vnf_rule(struct campaign *, const char *vnf, int max_impacted);
void	cl_test(struct campaign *, const char *name, int64_t expected_ms);
void	cl_component(struct campaign *, const char *name, const char *service,
	    int64_t outage_ms);
/* A procedure over one role; batches like "1,5,25%" (NULL: none). The
 * pointer is good until the next cl_procedure. */
struct procedure *cl_procedure(struct campaign *, const char *name,
	    const char *role, enum method, const char *batches);
void	cl_step(struct procedure *, const char *name, int64_t expected_ms);

/* A cluster of nnodes: controllers, network and storage nodes in HA
 * groups, computes hosting 5 VNF instances per node of the cluster on
 * distinct hosts, and five procedures (by depends_on and by level). */
void	cl_generate(struct campaign *, struct inventory *, uint32_t nnodes,
	    uint64_t seed);

#endif
