/* Shared by the planner's files; not an interface for other modules. */
#ifndef ESCALATOR_PLAN_INTERNAL_H
#define ESCALATOR_PLAN_INTERNAL_H

#include "escalator/plan.h"

/* The procedure graph, by campaign index: deps[i] are the procedures i
 * runs after (depends_on and lower levels), level[i] its resolved level,
 * order[k] the k-th procedure to run. */
struct plan_order {
	uint32_t	**deps;
	uint32_t	 *ndeps;
	int		 *level;
	uint32_t	 *order;
	size_t		  n;
};

int	plan_order(struct plan_order *, const struct campaign *,
	    struct diag_list *);
void	plan_order_free(struct plan_order *);

/* Run the scheduler on paper: fill the times of the plan's tasks,
 * batches and procedures, or report the node that can never start. */
int	plan_simulate(struct plan *, struct diag_list *);

#endif
