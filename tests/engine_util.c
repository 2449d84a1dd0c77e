/* Helpers for the tests that drive the engine. */
#include "config.h"

#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "engine_util.h"

struct engine *
te_start(const struct engine_config *cfg)
{
	struct engine *e;
	char *err = NULL;

	if ((e = engine_start(cfg, &err)) == NULL)
		fail_msg("engine_start: %s", err);
	te_send(e, ENGINE_CMD_START, 0, NULL);
	return e;
}

void
te_send(struct engine *e, enum engine_cmd_type type, uint32_t id,
    const char *operator)
{
	struct engine_command cmd = { .type = type, .approval = id,
	    .operator = operator };

	engine_command(e, &cmd);
}

enum engine_state
te_follow(struct engine *e, enum engine_state until, te_seen_fn *seen,
    void *arg)
{
	struct pollfd p = { .fd = engine_event_fd(e), .events = POLLIN };

	for (;;) {
		struct engine_event *ev;
		enum engine_state got = ENGINE_STATE_COUNT;
		size_t n;

		if (poll(&p, 1, 10000) != 1)
			fail_msg("the engine went silent");
		ev = engine_events_take(e, &n);
		for (size_t i = 0; i < n && got == ENGINE_STATE_COUNT; i++) {
			seen(arg, e, &ev[i]);
			if (ev[i].type == ENGINE_EVENT_FINISHED ||
			    (ev[i].type == ENGINE_EVENT_STATE &&
			    ev[i].state == until))
				got = ev[i].state;
		}
		engine_events_free(ev, n);
		if (got != ENGINE_STATE_COUNT)
			return got;
	}
}
