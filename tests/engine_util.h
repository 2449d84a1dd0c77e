/* Helpers for the tests that drive the engine. */
#ifndef TESTS_ENGINE_UTIL_H
#define TESTS_ENGINE_UTIL_H

#include <stdint.h>

#include "escalator/engine.h"

/* engine_start on cfg, failing the test if it cannot, then START. */
struct engine	*te_start(const struct engine_config *);
/* A command about approval id (0: none) on behalf of operator (NULL:
 * the engine's). */
void		 te_send(struct engine *, enum engine_cmd_type, uint32_t id,
		    const char *operator);

/* What a test does with each event; arg is its own. */
typedef void	 te_seen_fn(void *arg, struct engine *,
		    const struct engine_event *);
/* Hand the engine's events to seen until it finishes or enters until;
 * the state it finished in or entered. Fails the test when the engine
 * stays silent for 10 seconds. */
enum engine_state te_follow(struct engine *, enum engine_state until,
		    te_seen_fn *seen, void *arg);

#endif
