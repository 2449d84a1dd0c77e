/*
 * Simulated time. A real clock runs at wall-clock pace or N times faster;
 * a virtual clock only moves when the one waiting on it jumps to the next
 * deadline, so a whole campaign runs instantly and deterministically.
 * Every time is milliseconds since the Unix epoch, UTC.
 */
#ifndef ESCALATOR_CLOCK_H
#define ESCALATOR_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define CLOCK_NEVER	INT64_MAX

enum clock_mode {
	CLOCK_MODE_REAL,	/* wall-clock pace times speed */
	CLOCK_MODE_VIRTUAL,	/* jumps to the next deadline */
};

struct clock;

/* start_ms: the instant the clock shows now; speed > 0 (real mode). */
struct clock	*clock_new(enum clock_mode, double speed, int64_t start_ms);
void		 clock_free(struct clock *);
int64_t		 clock_now(const struct clock *);
bool		 clock_virtual(const struct clock *);
/* Virtual: move forward to t (never back). Real: nothing to do. */
void		 clock_advance(struct clock *, int64_t t);
/* Real milliseconds to sleep until the clock shows t: 0 when t has
 * passed or the clock is virtual, -1 (forever) for CLOCK_NEVER. */
int		 clock_sleep_ms(const struct clock *, int64_t t);

/* "2026-01-10T01:30:00Z" (seconds and Z optional) into ms; 0 or -1. */
int		 clock_parse_iso(const char *, int64_t *ms);
/* ms into "2026-01-10T01:30:00Z"; returns buf (at least 21 bytes). */
const char	*clock_format_iso(int64_t ms, char *buf, size_t len);

#endif
