/*
 * The scheduler. Each procedure keeps its waiting nodes in a min-heap of
 * their positions, so nodes start in inventory order. A node that the
 * constraints refuse is parked on the object that refused it (an HA group,
 * a VNF, or the node itself when another procedure has it down) and goes
 * back to its heap only when a node touching that object is released:
 * taking nodes down never unblocks anyone, so a parked node need not be
 * looked at before then. That keeps 10,000 nodes from being rescanned at
 * every completion.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "escalator/sched.h"
#include "escalator/util.h"

#define NO_ENTRY	UINT32_MAX

enum task_state {
	TASK_WAITING,
	TASK_RUNNING,
	TASK_OK,
	TASK_FAILED,
};

struct sched_batch {
	uint32_t	started;
	uint32_t	finished;
	uint32_t	failed;
	bool		passed;		/* its tests passed */
};

struct sched_proc {
	const struct plan_procedure	*pp;
	const char			*name;
	int				 max_failure_percent;
	uint32_t			 first;		/* its first entry */
	uint32_t			*heap;		/* waiting positions */
	uint32_t			 nheap;
	struct sched_batch		*batches;
	uint32_t			 filling;	/* batch filling */
	uint32_t			 running;
	uint32_t			 finished;
	uint32_t			 passed;	/* batches passed */
	uint32_t			 cursor;	/* none waits before */
	bool				 open;		/* dependencies done */
	bool				 done;
	bool				 failed_out;
};

/* An entry is one node in one procedure: procs[p].first + position. */
struct sched {
	const struct plan		*plan;
	struct constraints		*cons;
	struct sched_proc		*procs;
	uint32_t			 nprocs;
	uint32_t			 ndone;
	uint32_t			 running;
	uint8_t				*state;
	uint32_t			*batch_of;
	uint32_t			*proc_of;
	uint32_t			*park_next;
	uint8_t				*park_reason;
	uint32_t			*park_object;
	uint32_t			*park_head;	/* per object */
	struct sched_completion		*queue;
	size_t				 qhead, qlen, qcap;
};

static void
heap_push(struct sched_proc *sp, uint32_t v)
{
	uint32_t i = sp->nheap++;

	while (i > 0 && sp->heap[(i - 1) / 2] > v) {
		sp->heap[i] = sp->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	sp->heap[i] = v;
}

static uint32_t
heap_pop(struct sched_proc *sp)
{
	uint32_t top = sp->heap[0], v = sp->heap[--sp->nheap], i = 0;

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= sp->nheap)
			break;
		if (c + 1 < sp->nheap && sp->heap[c + 1] < sp->heap[c])
			c++;
		if (sp->heap[c] >= v)
			break;
		sp->heap[i] = sp->heap[c];
		i = c;
	}
	if (sp->nheap > 0)
		sp->heap[i] = v;
	return top;
}

static void
init_proc(struct sched *s, uint32_t p, uint32_t first)
{
	struct sched_proc *sp = &s->procs[p];
	const struct plan_procedure *pp = &s->plan->procs[p];

	sp->pp = pp;
	sp->name = s->plan->campaign->procedures[pp->proc].name;
	sp->max_failure_percent =
	    s->plan->campaign->procedures[pp->proc].max_failure_percent;
	sp->first = first;
	sp->heap = xcalloc(pp->nnodes, sizeof *sp->heap);
	/* Positions in order already form a heap. */
	for (uint32_t i = 0; i < pp->nnodes; i++) {
		sp->heap[i] = i;
		s->proc_of[first + i] = p;
	}
	sp->nheap = pp->nnodes;
	sp->batches = xcalloc(pp->nbatches, sizeof *sp->batches);
	if (pp->nbatches == 0) {
		sp->done = true;
		s->ndone++;
	}
}

struct sched *
sched_new(const struct plan *pl)
{
	struct sched *s = xcalloc(1, sizeof *s);
	uint32_t nentries = 0, nobjects;

	s->plan = pl;
	s->cons = constraints_new(pl->campaign, pl->inventory);
	s->nprocs = pl->nprocs;
	s->procs = xcalloc(pl->nprocs, sizeof *s->procs);
	for (uint32_t p = 0; p < pl->nprocs; p++)
		nentries += pl->procs[p].nnodes;
	s->state = xcalloc(nentries, sizeof *s->state);
	s->batch_of = xcalloc(nentries, sizeof *s->batch_of);
	s->proc_of = xcalloc(nentries, sizeof *s->proc_of);
	s->park_next = xcalloc(nentries, sizeof *s->park_next);
	s->park_reason = xcalloc(nentries, sizeof *s->park_reason);
	s->park_object = xcalloc(nentries, sizeof *s->park_object);
	nobjects = constraints_nobjects(s->cons);
	s->park_head = xmalloc(((size_t)nobjects + 1) * sizeof *s->park_head);
	for (uint32_t i = 0; i < nobjects; i++)
		s->park_head[i] = NO_ENTRY;
	nentries = 0;
	for (uint32_t p = 0; p < pl->nprocs; p++) {
		init_proc(s, p, nentries);
		nentries += pl->procs[p].nnodes;
	}
	return s;
}

void
sched_free(struct sched *s)
{
	if (s == NULL)
		return;
	for (uint32_t p = 0; p < s->nprocs; p++) {
		free(s->procs[p].heap);
		free(s->procs[p].batches);
	}
	free(s->procs);
	constraints_free(s->cons);
	free(s->state);
	free(s->batch_of);
	free(s->proc_of);
	free(s->park_next);
	free(s->park_reason);
	free(s->park_object);
	free(s->park_head);
	free(s->queue);
	free(s);
}

/* Position of node in the procedure (nodes are in inventory order). */
static long
position(const struct sched_proc *sp, uint32_t node)
{
	uint32_t lo = 0, hi = sp->pp->nnodes;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (sp->pp->nodes[mid] < node)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < sp->pp->nnodes && sp->pp->nodes[lo] == node)
		return lo;
	return -1;
}

/* The first waiting position, or nnodes: nodes never wait again. */
static uint32_t
first_waiting(const struct sched *s, struct sched_proc *sp)
{
	while (sp->cursor < sp->pp->nnodes &&
	    s->state[sp->first + sp->cursor] != TASK_WAITING)
		sp->cursor++;
	return sp->cursor;
}

static bool
block(struct block *why, enum block_reason reason, const char *object,
    uint32_t node)
{
	memset(why, 0, sizeof *why);
	why->reason = reason;
	why->object = object;
	why->node = node;
	return false;
}

static bool
proc_open(struct sched *s, struct sched_proc *sp, const char **waiting_for)
{
	if (sp->open)
		return true;
	for (uint32_t i = 0; i < sp->pp->ndeps; i++) {
		if (!s->procs[sp->pp->deps[i]].done) {
			*waiting_for = s->procs[sp->pp->deps[i]].name;
			return false;
		}
	}
	sp->open = true;
	return true;
}

static void
park(struct sched *s, uint32_t entry, const struct block *why)
{
	s->park_reason[entry] = (uint8_t)why->reason;
	s->park_object[entry] = why->object_id;
	s->park_next[entry] = s->park_head[why->object_id];
	s->park_head[why->object_id] = entry;
}

/* A node of these objects came back: their parked nodes may start. */
static void
wake(struct sched *s, uint32_t node)
{
	uint32_t count;
	const uint32_t *ids = constraints_node_objects(s->cons, node, &count);

	for (uint32_t i = 0; i < count; i++) {
		uint32_t e = s->park_head[ids[i]];

		s->park_head[ids[i]] = NO_ENTRY;
		while (e != NO_ENTRY) {
			uint32_t next = s->park_next[e];
			struct sched_proc *sp = &s->procs[s->proc_of[e]];

			if (s->state[e] == TASK_WAITING)
				heap_push(sp, e - sp->first);
			e = next;
		}
	}
}

/* Count a start in batch b; the batch being filled is the first one with
 * room (resume may fill a later one first). */
static void
fill(struct sched *s, struct sched_proc *sp, uint32_t e, uint32_t b)
{
	s->batch_of[e] = b;
	sp->batches[b].started++;
	while (sp->filling < sp->pp->nbatches &&
	    sp->batches[sp->filling].started ==
	    sp->pp->batches[sp->filling].ntasks)
		sp->filling++;
}

static void
start(struct sched *s, struct sched_proc *sp, uint32_t pos,
    struct sched_pick *pick)
{
	uint32_t b = sp->filling, e = sp->first + pos;

	s->state[e] = TASK_RUNNING;
	fill(s, sp, e, b);
	sp->running++;
	s->running++;
	constraints_take(s->cons, sp->pp->nodes[pos]);
	pick->pproc = (uint32_t)(sp - s->procs);
	pick->node = sp->pp->nodes[pos];
	pick->batch = b;
}

/* Why nothing of this procedure may start: its first waiting node is
 * parked, and says on what. */
static bool
parked_block(const struct sched *s, const struct sched_proc *sp,
    uint32_t pos, struct block *why)
{
	uint32_t e = sp->first + pos;

	block(why, s->park_reason[e],
	    constraints_object_name(s->cons, s->park_object[e]),
	    sp->pp->nodes[pos]);
	why->object_id = s->park_object[e];
	return false;
}

/* May the procedure start one more node now, constraints aside? */
static bool
proc_admits(struct sched *s, struct sched_proc *sp, uint32_t node,
    struct block *why)
{
	uint32_t b = sp->filling;
	const char *dep = NULL;

	if (!proc_open(s, sp, &dep))
		return block(why, BLOCK_DEPENDENCY, dep, node);
	if (sp->failed_out)
		return block(why, BLOCK_FAILURES, sp->name, node);
	if (b > 0 && sp->pp->batches[b - 1].gated &&
	    !sp->batches[b - 1].passed)
		return block(why, BLOCK_GATE, sp->name, node);
	if (sp->running >= sp->pp->batches[b].cap)
		return block(why, BLOCK_SLOTS, sp->name, node);
	return true;
}

static bool
try_proc(struct sched *s, struct sched_proc *sp, struct sched_pick *pick,
    struct block *why)
{
	/* Parking changes no state: the first waiting node stays first. */
	uint32_t head = first_waiting(s, sp), node = sp->pp->nodes[head];

	for (;;) {
		uint32_t pos;
		struct block refused;

		if (!proc_admits(s, sp, node, why))
			return false;
		if (sp->nheap == 0)
			return parked_block(s, sp, head, why);
		pos = heap_pop(sp);
		if (s->state[sp->first + pos] != TASK_WAITING)
			continue;
		if (constraints_admit(s->cons, sp->pp->nodes[pos], &refused)) {
			start(s, sp, pos, pick);
			return true;
		}
		park(s, sp->first + pos, &refused);
	}
}

bool
sched_next(struct sched *s, struct sched_pick *pick, struct block *why)
{
	struct block first, b;

	memset(&first, 0, sizeof first);
	for (uint32_t p = 0; p < s->nprocs; p++) {
		struct sched_proc *sp = &s->procs[p];

		if (first_waiting(s, sp) == sp->pp->nnodes)
			continue;
		if (try_proc(s, sp, pick, &b))
			return true;
		if (first.reason == BLOCK_NONE)
			first = b;
	}
	if (why != NULL)
		*why = first;
	return false;
}

static void
complete(struct sched *s, uint32_t p, uint32_t b)
{
	struct sched_proc *sp = &s->procs[p];
	struct sched_completion *c;

	if (s->qlen == s->qcap) {
		s->qcap = s->qcap ? s->qcap * 2 : 16;
		s->queue = xreallocarray(s->queue, s->qcap, sizeof *s->queue);
	}
	c = &s->queue[s->qlen++];
	c->pproc = p;
	c->batch = b;
	c->procedure_done = sp->finished == sp->pp->nnodes;
	c->failed = sp->batches[b].failed;
	c->total = sp->batches[b].finished;
}

static void
account(struct sched *s, uint32_t p, uint32_t b, bool ok)
{
	struct sched_proc *sp = &s->procs[p];
	struct sched_batch *sb = &sp->batches[b];

	sb->finished++;
	sp->finished++;
	if (!ok && (uint64_t)++sb->failed * 100 >
	    (uint64_t)sp->max_failure_percent * sp->pp->batches[b].ntasks)
		sp->failed_out = true;
	if (sb->finished == sp->pp->batches[b].ntasks)
		complete(s, p, b);
}

void
sched_finish(struct sched *s, const struct sched_pick *pick, bool ok)
{
	struct sched_proc *sp;
	long pos;
	uint32_t e;

	if (pick->pproc >= s->nprocs)
		return;
	sp = &s->procs[pick->pproc];
	if ((pos = position(sp, pick->node)) == -1)
		return;
	e = sp->first + (uint32_t)pos;
	if (s->state[e] != TASK_RUNNING)
		return;
	s->state[e] = ok ? TASK_OK : TASK_FAILED;
	sp->running--;
	s->running--;
	constraints_release(s->cons, pick->node);
	wake(s, pick->node);
	account(s, pick->pproc, s->batch_of[e], ok);
}

void
sched_skip_batch(struct sched *s, uint32_t pproc, uint32_t node,
    uint32_t batch, bool ok)
{
	struct sched_proc *sp;
	uint32_t e;
	long pos;

	if (pproc >= s->nprocs)
		return;
	sp = &s->procs[pproc];
	if ((pos = position(sp, node)) == -1)
		return;
	e = sp->first + (uint32_t)pos;
	if (s->state[e] != TASK_WAITING)
		return;
	if (batch >= sp->pp->nbatches || sp->batches[batch].started ==
	    sp->pp->batches[batch].ntasks)
		batch = sp->filling;
	s->state[e] = ok ? TASK_OK : TASK_FAILED;
	fill(s, sp, e, batch);
	account(s, pproc, batch, ok);
}

void
sched_skip(struct sched *s, uint32_t pproc, uint32_t node, bool ok)
{
	sched_skip_batch(s, pproc, node, UINT32_MAX, ok);
}

bool
sched_force(struct sched *s, uint32_t pproc, uint32_t node,
    struct sched_pick *pick, struct block *why)
{
	struct sched_proc *sp;
	long pos;

	memset(why, 0, sizeof *why);
	if (pproc >= s->nprocs)
		return false;
	sp = &s->procs[pproc];
	if ((pos = position(sp, node)) == -1 ||
	    s->state[sp->first + (uint32_t)pos] != TASK_WAITING ||
	    !proc_admits(s, sp, node, why))
		return false;
	/* Only an availability constraint may be overridden: a node down
	 * in another procedure is busy, and one nothing holds back just
	 * waits for its turn. */
	if (constraints_admit(s->cons, node, why) ||
	    why->reason == BLOCK_BUSY) {
		if (why->reason != BLOCK_BUSY)
			memset(why, 0, sizeof *why);
		return false;
	}
	start(s, sp, (uint32_t)pos, pick);
	return true;
}

uint32_t
sched_batch_of(const struct sched *s, uint32_t pproc, uint32_t node)
{
	const struct sched_proc *sp;
	long pos;
	uint32_t e;

	if (pproc >= s->nprocs)
		return UINT32_MAX;
	sp = &s->procs[pproc];
	if ((pos = position(sp, node)) == -1)
		return UINT32_MAX;
	e = sp->first + (uint32_t)pos;
	return s->state[e] == TASK_WAITING ? UINT32_MAX : s->batch_of[e];
}

bool
sched_completion(struct sched *s, struct sched_completion *out)
{
	if (s->qhead == s->qlen) {
		s->qhead = s->qlen = 0;
		return false;
	}
	*out = s->queue[s->qhead++];
	return true;
}

void
sched_gate_open(struct sched *s, uint32_t pproc, uint32_t batch)
{
	struct sched_proc *sp;

	if (pproc >= s->nprocs || batch >= s->procs[pproc].pp->nbatches)
		return;
	sp = &s->procs[pproc];
	if (sp->batches[batch].passed || sp->batches[batch].finished !=
	    sp->pp->batches[batch].ntasks)
		return;
	sp->batches[batch].passed = true;
	if (++sp->passed == sp->pp->nbatches) {
		sp->done = true;
		s->ndone++;
	}
}

const char *
sched_describe(const struct sched *s, const struct block *why, char *buf,
    size_t len)
{
	return constraints_describe(s->cons, why, buf, len);
}

bool
sched_done(const struct sched *s)
{
	return s->ndone == s->nprocs;
}

uint32_t
sched_running(const struct sched *s)
{
	return s->running;
}
