/* Names of actions, failure policies and methods: one table each, made
 * from the X-macro lists in campaign.h; lookups and typo hints. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escalator/campaign.h"
#include "cfg.h"

const char *const step_action_names[] = {
#define X(e, s, h) s,
	STEP_ACTION_LIST(X)
#undef X
	NULL
};

const char *const on_failure_names[] = {
#define X(e, s, h) s,
	ON_FAILURE_LIST(X)
#undef X
	NULL
};

const char *const method_names[] = {
#define X(e, s, h) s,
	METHOD_LIST(X)
#undef X
	NULL
};

static const char *
name_or_unknown(const char *const *names, int count, int i)
{
	return i >= 0 && i < count ? names[i] : "unknown";
}

const char *
step_action_name(enum step_action a)
{
	return name_or_unknown(step_action_names, STEP_ACTION_COUNT, (int)a);
}

const char *
on_failure_name(enum on_failure f)
{
	return name_or_unknown(on_failure_names, ON_FAILURE_COUNT, (int)f);
}

const char *
method_name(enum method m)
{
	return name_or_unknown(method_names, METHOD_COUNT, (int)m);
}

bool
step_action_parse(const char *s, enum step_action *out)
{
	int i = name_index(step_action_names, s);

	if (i >= 0)
		*out = (enum step_action)i;
	return i >= 0;
}

bool
on_failure_parse(const char *s, enum on_failure *out)
{
	int i = name_index(on_failure_names, s);

	if (i >= 0)
		*out = (enum on_failure)i;
	return i >= 0;
}

bool
method_parse(const char *s, enum method *out)
{
	int i = name_index(method_names, s);

	if (i >= 0)
		*out = (enum method)i;
	return i >= 0;
}

int
name_index(const char *const *names, const char *s)
{
	for (int i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

/* Levenshtein distance, capped: names are short. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[64], cur[64];

	if (la >= 64 || lb >= 64)
		return 64;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? sub : del;
			if (ins < cur[j])
				cur[j] = ins;
		}
		memcpy(prev, cur, (lb + 1) * sizeof *prev);
	}
	return prev[lb];
}

/* The name closest to s when it is close enough to be a typo, or NULL. */
static const char *
name_suggest(const char *const *names, const char *s)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, len = strlen(s);
	/* A typo is a third of the word at most: "rnu" is "run", "x" is
	 * nothing in particular. */
	size_t limit = len < 3 ? 1 : len / 3 + 1;

	for (int i = 0; names[i] != NULL; i++) {
		size_t d = edit_distance(names[i], s);

		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	return best_d <= limit ? best : NULL;
}

char *
name_hint(const char *const *names, const char *s)
{
	const char *near = name_suggest(names, s);
	size_t len = 32, n = 0;
	char *hint;

	for (; names[n] != NULL; n++)
		len += strlen(names[n]) + 2;
	/* Long lists (the keys of a step) only get the suggestion. */
	if (near != NULL && n > 10)
		return xasprintf("did you mean \"%s\"?", near);
	if (near != NULL)
		len += strlen(near);
	hint = xmalloc(len);
	hint[0] = '\0';
	if (near != NULL)
		snprintf(hint, len, "did you mean \"%s\"? ", near);
	strcat(hint, "one of ");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			strcat(hint, ", ");
		strcat(hint, names[i]);
	}
	return hint;
}
