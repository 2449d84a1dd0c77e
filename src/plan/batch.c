/*
 * Batch caps of a procedure: how many of its nodes may be down at once in
 * each batch, and whether the batch is a gate (a canary: the next batch
 * waits until it finished and its tests passed).
 */
#include "config.h"

#include "escalator/plan.h"

static uint32_t
spec_cap(const struct batch_spec *b, uint32_t nnodes)
{
	uint64_t cap;

	if (b->value <= 0)
		return 1;
	if (b->percent)
		cap = ((uint64_t)b->value * nnodes + 99) / 100;
	else
		cap = (uint64_t)b->value;
	if (cap > nnodes)
		cap = nnodes;
	return cap < 1 ? 1 : (uint32_t)cap;
}

uint32_t
plan_batch_cap(const struct procedure *p, uint32_t nnodes,
    uint32_t batch_index, bool *gated)
{
	size_t last;

	*gated = false;
	if (p->method != METHOD_ROLLING)
		return nnodes < 1 ? 1 : nnodes;
	/* Rolling without a batch spec: one node at a time. */
	if (p->nbatches == 0)
		return 1;
	last = p->nbatches - 1;
	if (batch_index < last) {
		*gated = true;
		return spec_cap(&p->batches[batch_index], nnodes);
	}
	return spec_cap(&p->batches[last], nnodes);
}
