/* Simulated time: real (optionally faster) or virtual. */
#include "config.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "escalator/clock.h"
#include "escalator/util.h"

struct clock {
	enum clock_mode	 mode;
	double		 speed;
	int64_t		 start_ms;	/* what the clock showed at mono0 */
	int64_t		 mono0;
	/* Read by front ends (snapshots) while the engine moves it. */
	_Atomic int64_t	 virtual_ms;
};

struct clock *
clock_new(enum clock_mode mode, double speed, int64_t start_ms)
{
	struct clock *c = xcalloc(1, sizeof *c);

	c->mode = mode;
	c->speed = speed > 0 ? speed : 1;
	c->start_ms = start_ms;
	c->mono0 = time_mono_ms();
	atomic_init(&c->virtual_ms, start_ms);
	return c;
}

void
clock_free(struct clock *c)
{
	free(c);
}

bool
clock_virtual(const struct clock *c)
{
	return c->mode == CLOCK_MODE_VIRTUAL;
}

int64_t
clock_now(const struct clock *c)
{
	if (c->mode == CLOCK_MODE_VIRTUAL)
		return atomic_load(&c->virtual_ms);
	return c->start_ms +
	    (int64_t)((double)(time_mono_ms() - c->mono0) * c->speed);
}

void
clock_advance(struct clock *c, int64_t t)
{
	if (c->mode == CLOCK_MODE_VIRTUAL && t != CLOCK_NEVER &&
	    t > atomic_load(&c->virtual_ms))
		atomic_store(&c->virtual_ms, t);
}

int
clock_sleep_ms(const struct clock *c, int64_t t)
{
	int64_t now, real;

	if (t == CLOCK_NEVER)
		return -1;
	if (c->mode == CLOCK_MODE_VIRTUAL)
		return 0;
	now = clock_now(c);
	if (t <= now)
		return 0;
	/* Round up so a wake-up never comes a millisecond early. */
	real = (int64_t)((double)(t - now) / c->speed) + 1;
	return real > 60000 ? 60000 : (int)real;
}

int
clock_parse_iso(const char *s, int64_t *ms)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof tm);
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL &&
	    (end = strptime(s, "%Y-%m-%dT%H:%M", &tm)) == NULL)
		return -1;
	if (*end == 'Z')
		end++;
	if (*end != '\0')
		return -1;
	*ms = (int64_t)timegm(&tm) * 1000;
	return 0;
}

const char *
clock_format_iso(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "?");
	return buf;
}
