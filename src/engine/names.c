/* Names and help of the engine's states, phases, approvals and waits. */
#include "config.h"

#include <string.h>

#include "escalator/engine.h"

static const struct {
	const char	*name;
	bool		 final;
	const char	*help;
} states[] = {
#define X(e, s, f, h) { s, f, h },
	ENGINE_STATE_LIST(X)
#undef X
};

static const char *const phases[] = {
#define X(e, s, h) s,
	ENGINE_PHASE_LIST(X)
#undef X
};

static const char *const approval_kinds[] = {
#define X(e, s, h) s,
	APPROVAL_KIND_LIST(X)
#undef X
};

static const char *const wait_reasons[] = {
#define X(e, s, h) s,
	WAIT_REASON_LIST(X)
#undef X
};

const char *
engine_state_name(enum engine_state s)
{
	return (unsigned)s < ENGINE_STATE_COUNT ? states[s].name : "?";
}

const char *
engine_state_help(enum engine_state s)
{
	return (unsigned)s < ENGINE_STATE_COUNT ? states[s].help : "?";
}

bool
engine_state_final(enum engine_state s)
{
	return (unsigned)s < ENGINE_STATE_COUNT && states[s].final;
}

int
engine_state_parse(const char *name, enum engine_state *s)
{
	for (size_t i = 0; i < ENGINE_STATE_COUNT; i++)
		if (strcmp(states[i].name, name) == 0) {
			*s = (enum engine_state)i;
			return 0;
		}
	return -1;
}

const char *
engine_phase_name(enum engine_phase p)
{
	return (unsigned)p < ENGINE_PHASE_COUNT ? phases[p] : "?";
}

int
engine_phase_parse(const char *name, enum engine_phase *p)
{
	for (size_t i = 0; i < ENGINE_PHASE_COUNT; i++)
		if (strcmp(phases[i], name) == 0) {
			*p = (enum engine_phase)i;
			return 0;
		}
	return -1;
}

const char *
approval_kind_name(enum approval_kind k)
{
	return (unsigned)k < APPROVAL_KIND_COUNT ? approval_kinds[k] : "?";
}

const char *
wait_reason_name(enum wait_reason w)
{
	return (unsigned)w < WAIT_REASON_COUNT ? wait_reasons[w] : "?";
}
