/* The daily maintenance window (UTC): when may a task start? */
#include "config.h"

#include "escalator/engine.h"
#include "engine_impl.h"

#define DAY_MS		(24LL * 3600 * 1000)
#define MIN_MS		(60LL * 1000)

/*
 * 0 when a task expected to take duration_ms may start now and end
 * before the window closes; otherwise the first instant it may. A task
 * longer than the window itself starts when a window opens: waiting
 * would never help.
 */
int64_t
window_next_start(const struct campaign *c, int64_t now, int64_t duration_ms)
{
	int64_t day = now - ((now % DAY_MS) + DAY_MS) % DAY_MS;
	int64_t len = ((c->window_end_min - c->window_start_min + 1440) %
	    1440) * MIN_MS;
	bool fits;

	if (!c->has_window)
		return 0;
	if (len == 0)
		len = DAY_MS;
	fits = duration_ms <= len;
	/* The window that opened yesterday may still be open today. */
	for (int k = -1; k <= 2; k++) {
		int64_t open = day + k * DAY_MS + c->window_start_min * MIN_MS;
		int64_t close = open + len;

		if (now >= open && now < close &&
		    (!fits || now + duration_ms <= close))
			return 0;
		if (open > now)
			return open;
	}
	return 0;
}
