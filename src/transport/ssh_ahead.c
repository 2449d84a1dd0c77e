/*
 * connect_ahead: which node sessions are open while nothing needs them.
 * Sessions are opened ahead of need in inventory order, so that a node
 * finds its connection ready when its turn comes, but only a window
 * ahead: as many as the most nodes that have had work at once (the next
 * batch, about), at least as many as run handshakes together. A used
 * session left idle stays open while the idle ones number no more than
 * the most nodes busy at once (a batch's tests reuse theirs); beyond,
 * the least recently used closes, and a later step on its node connects
 * again. So a run holds about three batches of connections, not the
 * whole inventory: each costs a socket and some 25 kB of libssh and
 * crypto state.
 */
#include "config.h"

#include <stdlib.h>

#include "escalator/util.h"
#include "ssh_impl.h"

/* Handshakes ahead of need run a few at a time: a step that needs its
 * node now starts its own at once instead of queueing behind every
 * other node's key exchange for the CPU. */
#define AHEAD_HANDSHAKES	4

/* busy[i]: node i has a command, a transfer or a kill in progress. */
static uint32_t
nodes_busy(const struct ssh_transport *t, bool *busy)
{
	uint32_t n = 0;

	for (const struct job *j = t->jobs; j != NULL; j = j->next_job)
		if (!j->done && (j->kind == JOB_EXEC || j->kind == JOB_SFTP))
			busy[j->node] = true;
	for (const struct reaper *r = t->reapers; r != NULL; r = r->next)
		busy[r->node] = true;
	for (uint32_t i = 0; i < t->cfg.inventory->count; i++)
		n += busy[i];
	return n;
}

static bool
session_open(const struct ssh_node *sn)
{
	return sn->state != SESSION_NONE;
}

/* Close the least recently used idle sessions beyond keep. */
static void
idle_close(struct ssh_transport *t, const bool *busy, uint32_t keep)
{
	uint32_t count = t->cfg.inventory->count;

	for (;;) {
		uint32_t idle = 0, oldest = count;

		for (uint32_t i = 0; i < count; i++) {
			const struct ssh_node *sn = &t->nodes[i];

			if (!session_open(sn) || !sn->used || busy[i])
				continue;
			idle++;
			if (oldest == count ||
			    sn->used_ms < t->nodes[oldest].used_ms)
				oldest = i;
		}
		if (idle <= keep)
			return;
		session_drop(t, oldest, "idle");
	}
}

/* Start handshakes for the next nodes while fewer than window unused
 * sessions are open or opening. */
static void
ahead_open(struct ssh_transport *t, uint32_t window)
{
	uint32_t count = t->cfg.inventory->count, shaking = 0, unused = 0;

	for (uint32_t i = 0; i < count; i++) {
		const struct ssh_node *sn = &t->nodes[i];

		shaking += sn->state == SESSION_CONNECTING ||
		    sn->state == SESSION_AUTH;
		unused += session_open(sn) && !sn->used;
	}
	for (; t->ahead < count && shaking < AHEAD_HANDSHAKES &&
	    unused < window; t->ahead++)
		if (t->nodes[t->ahead].state == SESSION_NONE &&
		    !t->nodes[t->ahead].used) {
			session_want(t, t->ahead);
			shaking++;
			unused++;
		}
}

void
sessions_ahead(struct ssh_transport *t)
{
	uint32_t count = t->cfg.inventory->count, nbusy;
	int64_t now = time_mono_ms();
	bool *busy;

	if (!t->cfg.connect_ahead)
		return;
	busy = xcalloc(count, sizeof *busy);
	nbusy = nodes_busy(t, busy);
	for (uint32_t i = 0; i < count; i++)
		if (busy[i]) {
			t->nodes[i].used = true;
			t->nodes[i].used_ms = now;
		}
	if (nbusy > t->max_busy)
		t->max_busy = nbusy;
	idle_close(t, busy, t->max_busy);
	ahead_open(t, t->max_busy > AHEAD_HANDSHAKES ? t->max_busy :
	    AHEAD_HANDSHAKES);
	free(busy);
}
