/* Reading libconfig files with a diagnostic for every problem. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

#define FILE_MAX_BYTES	(256L * 1024 * 1024)

char *
file_slurp(const char *path, size_t *lenp)
{
	FILE *f;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	do {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 65536;
			if (cap > FILE_MAX_BYTES) {
				free(buf);
				fclose(f);
				errno = EFBIG;
				return NULL;
			}
			buf = xrealloc(buf, cap + 1);
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

void
cfg_error(struct cfg *c, const config_setting_t *at, const char *hint,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(c->diags, DIAG_ERROR, c->file, cfg_line(at), hint, fmt, ap);
	va_end(ap);
}

void
cfg_warning(struct cfg *c, const config_setting_t *at, const char *hint,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(c->diags, DIAG_WARNING, c->file, cfg_line(at), hint, fmt,
	    ap);
	va_end(ap);
}

int
cfg_line(const config_setting_t *s)
{
	return s != NULL ? (int)config_setting_source_line(s) : 0;
}

const config_setting_t *
cfg_root(const struct cfg *c)
{
	return config_root_setting(&c->config);
}

/*
 * libconfig 1.5 silently wraps integers that do not fit (3000000000
 * reads as -1294967296), so huge values are found in the text itself:
 * every integer literal outside strings and comments must fit in 32 bits,
 * or in 64 bits with an L suffix.
 */
struct scan {
	const char	*p;
	int		 line;
};

/* isalnum is a table lookup; the program stays in the C locale. */
static inline bool
is_name_char(int ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '*' ||
	    ch == '-';
}

static void
scan_skip_string(struct scan *s)
{
	/* strcspn skips the plain run of a string in one vectorised pass. */
	for (s->p++; *(s->p += strcspn(s->p, "\"\\\n")) != '\0' &&
	    *s->p != '"'; s->p++) {
		if (*s->p == '\\' && s->p[1] != '\0')
			s->p++;
		if (*s->p == '\n')
			s->line++;
	}
	if (*s->p == '"')
		s->p++;
}

static void
scan_skip_comment(struct scan *s)
{
	if (*s->p == '/' && s->p[1] == '*') {
		for (s->p += 2; *s->p != '\0' &&
		    !(*s->p == '*' && s->p[1] == '/'); s->p++)
			if (*s->p == '\n')
				s->line++;
		if (*s->p != '\0')
			s->p += 2;
		return;
	}
	while (*s->p != '\0' && *s->p != '\n')
		s->p++;
}

/* Checks the integer literal at s->p and moves past it. */
static void
scan_number(struct cfg *c, struct scan *s)
{
	const char *start = s->p, *q = s->p;
	bool neg = false, overflow = false, hex = false, wide;
	unsigned long long v = 0, limit;

	if (*q == '-' || *q == '+')
		neg = *q++ == '-';
	if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) {
		hex = true;
		for (q += 2; strchr("0123456789abcdefABCDEF", *q) != NULL &&
		    *q != '\0'; q++) {
			int d = *q <= '9' ? *q - '0' : (*q | 0x20) - 'a' + 10;

			overflow |= v > (ULLONG_MAX >> 4);
			v = v << 4 | (unsigned)d;
		}
	} else {
		for (; *q >= '0' && *q <= '9'; q++) {
			overflow |= v > (ULLONG_MAX - 9) / 10;
			v = v * 10 + (unsigned)(*q - '0');
		}
		if (*q == '.' || *q == 'e' || *q == 'E') {
			/* A float: strtod copes, and the getters reject inf. */
			while (*q != '\0' && strchr("0123456789.eE+-", *q))
				q++;
			s->p = q;
			return;
		}
	}
	wide = *q == 'L';
	while (*q == 'L')
		q++;
	s->p = q;
	if (hex)
		limit = wide ? ULLONG_MAX : UINT_MAX;
	else
		limit = (wide ? (unsigned long long)LLONG_MAX :
		    (unsigned long long)INT_MAX) + (neg ? 1 : 0);
	if (overflow || v > limit) {
		c->bad_lines = xreallocarray(c->bad_lines, c->nbad_lines + 1,
		    sizeof *c->bad_lines);
		c->bad_lines[c->nbad_lines++] = s->line;
		diag_error(c->diags, c->file, s->line,
		    "the largest integer is 2147483647, or "
		    "9223372036854775807 with an L suffix",
		    "integer %.*s is out of range", (int)(q - start), start);
	}
}

static void
scan_numbers(struct cfg *c, const char *buf)
{
	struct scan s = { buf, 1 };

	while (*s.p != '\0') {
		char ch = *s.p;

		if (ch == '\n') {
			s.line++;
			s.p++;
		} else if (ch == '"')
			scan_skip_string(&s);
		else if (ch == '#' || (ch == '/' &&
		    (s.p[1] == '/' || s.p[1] == '*')))
			scan_skip_comment(&s);
		else if ((ch >= '0' && ch <= '9') || ((ch == '-' ||
		    ch == '+') && s.p[1] >= '0' && s.p[1] <= '9'))
			scan_number(c, &s);
		else if (is_name_char(ch)) {
			while (is_name_char(*s.p))
				s.p++;
		} else
			s.p++;
	}
}

static int
line_of(const char *buf, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off; i++)
		if (buf[i] == '\n')
			line++;
	return line;
}

int
cfg_open(struct cfg *c, const char *path, const char *what,
    struct diag_list *diags)
{
	char *buf, *dir, *slash;
	size_t len, nul;
	size_t before = diag_errors(diags);

	memset(c, 0, sizeof *c);
	c->file = path;
	c->diags = diags;
	config_init(&c->config);
	if ((buf = file_slurp(path, &len)) == NULL) {
		diag_error(diags, path, 0, NULL, "cannot read %s: %s", what,
		    strerror(errno));
		return -1;
	}
	if ((nul = strlen(buf)) < len) {
		diag_error(diags, path, line_of(buf, nul),
		    "a campaign or inventory is a libconfig text file",
		    "binary data (a NUL byte at offset %zu)", nul);
		free(buf);
		return -1;
	}
	scan_numbers(c, buf);
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		config_set_include_dir(&c->config, dir);
	}
	free(dir);
	if (config_read_string(&c->config, buf) != CONFIG_TRUE) {
		const char *text = config_error_text(&c->config);

		diag_error(diags, path, config_error_line(&c->config),
		    "nothing after a syntax error is read: fix it and "
		    "check again", "%s%s", strcmp(text, "syntax error") == 0 ?
		    "" : "syntax error: ", text);
		free(buf);
		return -1;
	}
	free(buf);
	c->parsed = true;
	if (config_setting_length(config_root_setting(&c->config)) == 0) {
		diag_error(diags, path, 0, NULL, "empty %s: no settings",
		    what);
		return -1;
	}
	return diag_errors(diags) > before ? -1 : 0;
}

void
cfg_close(struct cfg *c)
{
	config_destroy(&c->config);
	free(c->bad_lines);
	c->bad_lines = NULL;
	c->nbad_lines = 0;
}

/* The scan found lines in order, so the list is sorted. */
static bool
on_bad_line(const struct cfg *c, const config_setting_t *s)
{
	size_t lo = 0, hi = c->nbad_lines;
	int line = cfg_line(s);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->bad_lines[mid] == line)
			return true;
		if (c->bad_lines[mid] < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static const char *
type_name(const config_setting_t *s)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_GROUP:
		return "a group { }";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a float";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array [ ]";
	case CONFIG_TYPE_LIST:
		return "a list ( )";
	default:
		return "nothing";
	}
}

static const char *
ctx_sep(const char *ctx)
{
	return ctx != NULL ? ": " : "";
}

#define CTX(ctx)	(ctx) != NULL ? (ctx) : "", ctx_sep(ctx)

static void
wrong_type(struct cfg *c, const config_setting_t *s, const char *key,
    const char *ctx, const char *want)
{
	cfg_error(c, s, NULL, "%s%s%s must be %s, not %s", CTX(ctx), key,
	    want, type_name(s));
}

void
cfg_check_keys(struct cfg *c, const config_setting_t *group, const char *ctx,
    const char *const *keys)
{
	int n = config_setting_length(group);

	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(group, i);
		const char *name = config_setting_name(s);
		char *hint;

		if (name == NULL || name_index(keys, name) >= 0)
			continue;
		hint = name_hint(keys, name);
		cfg_error(c, s, hint, "%s%sunknown key \"%s\"", CTX(ctx), name);
		free(hint);
	}
}

bool
cfg_require(struct cfg *c, const config_setting_t *group, const char *key,
    const char *ctx)
{
	if (config_setting_get_member(group, key) != NULL)
		return true;
	cfg_error(c, group, NULL, "%s%smissing \"%s\"", CTX(ctx), key);
	return false;
}

static config_setting_t *
member(const config_setting_t *group, const char *key)
{
	return config_setting_get_member(group, key);
}

bool
cfg_group(struct cfg *c, const config_setting_t *g, const char *key,
    const char *ctx, config_setting_t **out)
{
	config_setting_t *s = member(g, key);

	if (s == NULL)
		return false;
	if (!config_setting_is_group(s)) {
		wrong_type(c, s, key, ctx, "a group { }");
		return false;
	}
	*out = s;
	return true;
}

bool
cfg_list(struct cfg *c, const config_setting_t *g, const char *key,
    const char *ctx, config_setting_t **out)
{
	config_setting_t *s = member(g, key);

	if (s == NULL)
		return false;
	if (!config_setting_is_list(s) && !config_setting_is_array(s)) {
		wrong_type(c, s, key, ctx, "a list ( )");
		return false;
	}
	*out = s;
	return true;
}

bool
cfg_string(struct cfg *c, const config_setting_t *g, const char *key,
    const char *ctx, char **out)
{
	config_setting_t *s = member(g, key);

	if (s == NULL)
		return false;
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		wrong_type(c, s, key, ctx, "a string");
		return false;
	}
	free(*out);
	*out = xstrdup(config_setting_get_string(s));
	return true;
}

bool
cfg_int(struct cfg *c, const config_setting_t *g, const char *key,
    const char *ctx, long long min, long long max, long long *out)
{
	config_setting_t *s = member(g, key);
	long long v;

	if (s == NULL)
		return false;
	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64) {
		wrong_type(c, s, key, ctx, "an integer");
		return false;
	}
	v = config_setting_get_int64(s);
	if (on_bad_line(c, s))
		return false;
	if (v < min || v > max) {
		cfg_error(c, s, NULL, "%s%s%s must be between %lld and %lld, "
		    "not %lld", CTX(ctx), key, min, max, v);
		return false;
	}
	*out = v;
	return true;
}

bool
cfg_bool(struct cfg *c, const config_setting_t *g, const char *key,
    const char *ctx, bool *out)
{
	config_setting_t *s = member(g, key);

	if (s == NULL)
		return false;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		wrong_type(c, s, key, ctx, "true or false");
		return false;
	}
	*out = config_setting_get_bool(s);
	return true;
}

/* "90s", "1m30s", "500ms", "1.5h": -1 when malformed. */
static int64_t
parse_duration(const char *str)
{
	const char *p = str;
	double total = 0;

	if (*p == '\0')
		return -1;
	while (*p != '\0') {
		char *end;
		double v;

		if (!(*p >= '0' && *p <= '9'))
			return -1;
		errno = 0;
		v = strtod(p, &end);
		if (errno != 0 || end == p)
			return -1;
		p = end;
		if (strncmp(p, "ms", 2) == 0) {
			p += 2;
		} else if (*p == 's' || *p == 'm' || *p == 'h' || *p == 'd') {
			v *= *p == 's' ? 1000 : *p == 'm' ? 60000 :
			    *p == 'h' ? 3600000 : 86400000;
			p++;
		} else
			return -1;
		total += v;
		if (total > (double)DURATION_MAX_MS)
			return DURATION_MAX_MS + 1;
	}
	return (int64_t)(total + 0.5);
}

bool
cfg_duration(struct cfg *c, const config_setting_t *g, const char *key,
    const char *ctx, int64_t *out)
{
	config_setting_t *s = member(g, key);
	double secs;
	int64_t ms;

	if (s == NULL)
		return false;
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
	case CONFIG_TYPE_FLOAT:
		secs = config_setting_type(s) == CONFIG_TYPE_FLOAT ?
		    config_setting_get_float(s) :
		    (double)config_setting_get_int64(s);
		if (!isfinite(secs) || secs * 1000 > (double)DURATION_MAX_MS)
			ms = DURATION_MAX_MS + 1;
		else
			ms = secs < 0 ? -1 : (int64_t)(secs * 1000 + 0.5);
		break;
	case CONFIG_TYPE_STRING:
		ms = parse_duration(config_setting_get_string(s));
		if (ms < 0) {
			cfg_error(c, s, "a number of seconds, or a string "
			    "such as \"500ms\", \"90s\", \"5m\", \"1h\"",
			    "%s%s%s: bad duration \"%s\"", CTX(ctx), key,
			    config_setting_get_string(s));
			return false;
		}
		break;
	default:
		wrong_type(c, s, key, ctx, "a duration");
		return false;
	}
	if (on_bad_line(c, s))
		return false;
	if (ms < 0 || ms > DURATION_MAX_MS) {
		cfg_error(c, s, "durations run from 0 to 30 days",
		    "%s%s%s: duration out of range", CTX(ctx), key);
		return false;
	}
	*out = ms;
	return true;
}

bool
cfg_strv(struct cfg *c, const config_setting_t *g, const char *key,
    const char *ctx, struct strv *out)
{
	config_setting_t *s = member(g, key);
	int n;

	if (s == NULL)
		return false;
	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		strv_push(out, config_setting_get_string(s));
		return true;
	}
	if (!config_setting_is_list(s) && !config_setting_is_array(s)) {
		wrong_type(c, s, key, ctx, "a list of strings");
		return false;
	}
	n = config_setting_length(s);
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, i);

		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			wrong_type(c, e, key, ctx, "a list of strings");
			return false;
		}
		strv_push(out, config_setting_get_string(e));
	}
	return true;
}

bool
cfg_choice(struct cfg *c, const config_setting_t *g, const char *key,
    const char *ctx, const char *const *names, const char *rule, int *index)
{
	char *v = NULL, *hint;

	if (!cfg_string(c, g, key, ctx, &v))
		return false;
	if ((*index = name_index(names, v)) < 0) {
		hint = name_hint(names, v);
		cfg_error(c, member(g, key), hint, "%s%s%s \"%s\"", CTX(ctx),
		    rule, v);
		free(hint);
	}
	free(v);
	return *index >= 0;
}

bool
cfg_labels(struct cfg *c, const config_setting_t *g, const char *key,
    const char *ctx, struct label **out, size_t *nout)
{
	config_setting_t *s;
	int n;

	if (!cfg_group(c, g, key, ctx, &s))
		return false;
	n = config_setting_length(s);
	*out = xcalloc((size_t)n, sizeof **out);
	*nout = 0;
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, i);
		struct label *l;

		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			cfg_error(c, e, NULL, "%s%slabel \"%s\" must be a "
			    "string, not %s", CTX(ctx), config_setting_name(e),
			    type_name(e));
			continue;
		}
		l = &(*out)[(*nout)++];
		l->key = xstrdup(config_setting_name(e));
		l->value = xstrdup(config_setting_get_string(e));
	}
	return true;
}

/*
 * libconfig 1.5 leaks the string it has just scanned when a syntax error
 * follows it: its grammar frees nothing on error. The memory is
 * libconfig's and unreachable from here, so LeakSanitizer, in builds that
 * have it, is told not to report it; every other leak still fails.
 */
const char	*__lsan_default_suppressions(void);

const char *
__lsan_default_suppressions(void)
{
	return "leak:libconfig_yylex\nleak:strbuf_append\n";
}
