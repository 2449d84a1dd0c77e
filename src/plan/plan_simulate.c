/*
 * The plan on paper: the scheduler driven in simulated time, every node
 * taking its steps' expected durations and every batch its tests'. A
 * binary heap of events (a node's end, a batch's tests' end) moves the
 * clock from one instant to the next.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "escalator/sched.h"
#include "escalator/util.h"
#include "internal.h"

enum event_kind {
	EV_NODE_DONE,
	EV_TESTS_DONE,
};

struct event {
	int64_t			 time;
	uint64_t		 seq;	/* ties: first scheduled first */
	enum event_kind		 kind;
	struct sched_pick	 pick;	/* batch for EV_TESTS_DONE */
};

struct event_queue {
	struct event	*items;
	size_t		 len, cap;
	uint64_t	 seq;
};

static bool
event_before(const struct event *a, const struct event *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static void
event_push(struct event_queue *q, int64_t time, enum event_kind kind,
    const struct sched_pick *pick)
{
	struct event ev = { time, q->seq++, kind, *pick };
	size_t i;

	if (q->len == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 64;
		q->items = xreallocarray(q->items, q->cap, sizeof *q->items);
	}
	for (i = q->len++; i > 0 && event_before(&ev, &q->items[(i - 1) / 2]);
	    i = (i - 1) / 2)
		q->items[i] = q->items[(i - 1) / 2];
	q->items[i] = ev;
}

static struct event
event_pop(struct event_queue *q)
{
	struct event top = q->items[0], last = q->items[--q->len];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= q->len)
			break;
		if (c + 1 < q->len && event_before(&q->items[c + 1],
		    &q->items[c]))
			c++;
		if (!event_before(&q->items[c], &last))
			break;
		q->items[i] = q->items[c];
		i = c;
	}
	if (q->len > 0)
		q->items[i] = last;
	return top;
}

static void
start_task(struct plan *pl, struct event_queue *q, const struct sched_pick *pk,
    int64_t now)
{
	struct plan_procedure *pp = &pl->procs[pk->pproc];
	struct plan_batch *pb = &pp->batches[pk->batch];
	struct plan_task *t = &pl->tasks[pl->ntasks++];

	t->node = pk->node;
	t->proc = pp->proc;
	t->batch = pk->batch;
	t->start_ms = now;
	t->end_ms = now + pp->node_ms;
	if (pb->start_ms < 0)
		pb->start_ms = now;
	if (pp->start_ms < 0)
		pp->start_ms = now;
	event_push(q, t->end_ms, EV_NODE_DONE, pk);
}

/* Batches whose nodes all finished now: their tests take tests_ms. */
static void
run_tests(struct plan *pl, struct sched *s, struct event_queue *q,
    int64_t now)
{
	struct sched_completion c;

	while (sched_completion(s, &c)) {
		struct plan_procedure *pp = &pl->procs[c.pproc];
		struct sched_pick pk = { c.pproc, 0, c.batch };
		int64_t end = now + pp->tests_ms;

		pp->batches[c.batch].end_ms = end;
		if (end > pp->end_ms)
			pp->end_ms = end;
		if (end > pl->total_ms)
			pl->total_ms = end;
		event_push(q, end, EV_TESTS_DONE, &pk);
	}
}

/* On paper every node that starts finishes: when nothing runs and a node
 * still waits, it breaks a rule on its own and never will start. */
static void
deadlock(const struct plan *pl, const struct sched *s, const struct block *why,
    struct diag_list *d)
{
	const struct campaign *c = pl->campaign;
	char text[256];

	if (why->reason == BLOCK_NONE) {
		diag_error(d, c->file, 0, NULL, "the plan cannot finish");
		return;
	}
	diag_error(d, c->file, 0, "nothing else is down by then: this node "
	    "alone breaks the rule; loosen it, or check the node's HA group "
	    "and VNF instances in the inventory", "the plan cannot finish: "
	    "node %s can never be taken down: %s",
	    pl->inventory->nodes[why->node].name,
	    sched_describe(s, why, text, sizeof text));
}

int
plan_simulate(struct plan *pl, struct diag_list *d)
{
	struct sched *s = sched_new(pl);
	struct event_queue q = { 0 };
	struct sched_pick pk;
	struct block why;
	uint32_t total = 0;
	int64_t now = 0;
	int rc = 0;

	for (uint32_t p = 0; p < pl->nprocs; p++) {
		pl->procs[p].start_ms = -1;
		for (uint32_t b = 0; b < pl->procs[p].nbatches; b++)
			pl->procs[p].batches[b].start_ms = -1;
		total += pl->procs[p].nnodes;
	}
	pl->tasks = xcalloc(total, sizeof *pl->tasks);
	for (;;) {
		while (sched_next(s, &pk, &why))
			start_task(pl, &q, &pk, now);
		if (q.len == 0)
			break;
		now = q.items[0].time;
		while (q.len > 0 && q.items[0].time == now) {
			struct event ev = event_pop(&q);

			if (ev.kind == EV_NODE_DONE)
				sched_finish(s, &ev.pick, true);
			else
				sched_gate_open(s, ev.pick.pproc,
				    ev.pick.batch);
		}
		run_tests(pl, s, &q, now);
	}
	if (!sched_done(s)) {
		deadlock(pl, s, &why, d);
		rc = -1;
	}
	free(q.items);
	sched_free(s);
	return rc;
}

