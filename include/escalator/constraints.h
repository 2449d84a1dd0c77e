/*
 * Availability constraints: HA groups (max_unavailable, quorum) and VNFs
 * (max_impacted_members). One implementation serves the planner, which
 * simulates the campaign on paper, and the engine, which runs it; so the
 * plan and the run cannot disagree about what may go down together.
 */
#ifndef ESCALATOR_CONSTRAINTS_H
#define ESCALATOR_CONSTRAINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "escalator/campaign.h"
#include "escalator/inventory.h"

#define BLOCK_LIST(X)							\
	X(NONE, "nothing")						\
	X(SLOTS, "the batch has no free slot")				\
	X(GATE, "the previous batch and its tests must finish first")	\
	X(DEPENDENCY, "a procedure it depends on is not done")		\
	X(HA_GROUP, "HA group already at max_unavailable")		\
	X(QUORUM, "HA group would lose quorum")				\
	X(VNF, "VNF already at max_impacted_members")			\
	X(FAILURES, "the batch exceeded max_failure_percent")		\
	X(BUSY, "the node is being upgraded by another procedure")

enum block_reason {
#define X(e, s) BLOCK_##e,
	BLOCK_LIST(X)
#undef X
	BLOCK_COUNT
};

/* Why a node may not start now: the reason and the object (HA group,
 * VNF or procedure name) that blocks it. */
struct block {
	enum block_reason	 reason;
	const char		*object;
	uint32_t		 node;
	/* HA_GROUP, QUORUM, VNF, BUSY: the constraint object's id (below
	 * constraints_nobjects()), so that a scheduler can wait on it. */
	uint32_t		 object_id;
};

const char	*block_reason_text(enum block_reason);

struct constraints;

struct constraints	*constraints_new(const struct campaign *,
			    const struct inventory *);
/* May this node go down now, given those already down? */
bool	constraints_admit(const struct constraints *, uint32_t node,
	    struct block *why);
void	constraints_take(struct constraints *, uint32_t node);
void	constraints_release(struct constraints *, uint32_t node);
void	constraints_free(struct constraints *);
/* Why, in words, for the operator: "HA group ctl already at
 * max_unavailable 1". Returns buf. */
const char *constraints_describe(const struct constraints *,
	    const struct block *, char *buf, size_t len);

/*
 * Constraint objects, for a scheduler that parks a blocked node on the
 * object blocking it and wakes it when that object is released: ids
 * 0..k-1 are the HA groups and VNFs that have a rule, k + node is the
 * node itself (BUSY). A node's objects are those it touches.
 */
uint32_t	 constraints_nobjects(const struct constraints *);
const char	*constraints_object_name(const struct constraints *, uint32_t);
const uint32_t	*constraints_node_objects(const struct constraints *,
		    uint32_t node, uint32_t *count);
bool		 constraints_down(const struct constraints *, uint32_t node);

#endif
