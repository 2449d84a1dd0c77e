/* The simulator's fault specs: KIND:[STEP@]NODE[%P][xN]. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "escalator/sim.h"
#include "escalator/util.h"

static const struct {
	const char	*keyword;
	const char	*help;
} fault_kinds[] = {
#define X(e, s, h) { s, h },
	SIM_FAULT_LIST(X)
#undef X
};

void
sim_fault_help(FILE *out)
{
	fputs("fault specs: KIND:[STEP@]NODE[%P][xN]  (NODE may be '*'; "
	    "%P: with P% probability;\n  xN: N times per node)\n", out);
	for (size_t i = 0; i < SIM_FAULT_COUNT; i++)
		fprintf(out, "  %s\n", fault_kinds[i].help);
}

/* Strip a trailing "<c>DIGITS" from s into *value; -1 if malformed. */
static int
take_suffix(char *s, char c, int *value, int max)
{
	char *p = strrchr(s, c), *end;
	long v;

	if (p == NULL || p == s || p[1] == '\0')
		return 0;
	for (const char *d = p + 1; *d != '\0'; d++)
		if (!isdigit((unsigned char)*d))
			return 0;
	v = strtol(p + 1, &end, 10);
	if (v < 1 || v > max)
		return -1;
	*value = (int)v;
	*p = '\0';
	return 0;
}

static bool
needs_step(enum sim_fault_kind k)
{
	return k == SIM_FAULT_FAIL || k == SIM_FAULT_HANG ||
	    k == SIM_FAULT_UNKNOWN;
}

static bool
takes_step(enum sim_fault_kind k)
{
	return needs_step(k) || k == SIM_FAULT_DIE;
}

static int
fault_kind_parse(const char *s, size_t len, enum sim_fault_kind *k)
{
	for (size_t i = 0; i < SIM_FAULT_COUNT; i++)
		if (strlen(fault_kinds[i].keyword) == len &&
		    strncmp(fault_kinds[i].keyword, s, len) == 0) {
			*k = (enum sim_fault_kind)i;
			return 0;
		}
	return -1;
}

static int
fault_fail(char **err, char *buf, const char *spec, const char *why)
{
	free(buf);
	*err = xasprintf("bad fault '%s': %s (see --help for the grammar)",
	    spec, why);
	return -1;
}

int
sim_fault_parse(const char *spec, struct sim_fault *f, char **err)
{
	const char *colon = strchr(spec, ':');
	char *target, *at;

	memset(f, 0, sizeof *f);
	f->percent = 100;
	if (colon == NULL || fault_kind_parse(spec, (size_t)(colon - spec),
	    &f->kind) == -1)
		return fault_fail(err, NULL, spec, "unknown kind; one of fail, "
		    "hang, flap, die, vnfm-deny, alarm, unknown");
	target = xstrdup(colon + 1);
	if (take_suffix(target, 'x', &f->times, 1000000) == -1)
		return fault_fail(err, target, spec, "xN needs 1 <= N");
	if (take_suffix(target, '%', &f->percent, 100) == -1)
		return fault_fail(err, target, spec, "%P needs 1 <= P <= 100");
	if (f->kind == SIM_FAULT_FLAP && f->times == 0)
		f->times = 1;
	if ((at = strchr(target, '@')) != NULL) {
		*at++ = '\0';
		if (!takes_step(f->kind))
			return fault_fail(err, target, spec,
			    "this kind takes no step");
		/* fail:STEP@NODE but die:NODE@STEP */
		if (f->kind == SIM_FAULT_DIE) {
			f->step = xstrdup(at);
			f->node = xstrdup(target);
		} else {
			f->step = xstrdup(target);
			f->node = xstrdup(at);
		}
	} else if (needs_step(f->kind))
		return fault_fail(err, target, spec, "STEP@NODE expected");
	else
		f->node = xstrdup(target);
	free(target);
	if (f->node[0] == '\0' || (f->step != NULL && f->step[0] == '\0')) {
		sim_fault_free(f);
		return fault_fail(err, NULL, spec, "empty step or node name");
	}
	if (strcmp(f->node, "*") == 0) {
		free(f->node);
		f->node = NULL;
	}
	return 0;
}

void
sim_fault_free(struct sim_fault *f)
{
	free(f->step);
	free(f->node);
	f->step = f->node = NULL;
}
