/* Reading the run log back for people (escalator log). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "escalator/log.h"
#include "escalator/util.h"
#include "statedir.h"

struct log_filter {
	const char	*node;		/* NULL: every object */
	bool		 errors_only;
	bool		 raw;	/* print the JSON line itself */
};

static const char *
log_field(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/*
 * "node:NAME", or a step path "step:PROCEDURE/NAME/STEP" whose node is
 * the component before the step's name (the prefix and the procedure
 * may be left out: "NAME/STEP").
 */
static bool
log_object_names_node(const char *object, const char *node)
{
	const char *step, *start;
	size_t len = strlen(node);

	if (strncmp(object, "node:", 5) == 0)
		return strcmp(object + 5, node) == 0;
	if (strncmp(object, "step:", 5) == 0)
		object += 5;
	else if (strchr(object, ':') != NULL)
		return false;
	if ((step = strrchr(object, '/')) == NULL)
		return false;
	for (start = step; start > object && start[-1] != '/'; start--)
		continue;
	return (size_t)(step - start) == len &&
	    strncmp(start, node, len) == 0;
}

static bool
log_selected(struct json_object *o, const struct log_filter *f)
{
	const char *object = log_field(o, "object");
	const char *result = log_field(o, "result");

	if (f->node != NULL &&
	    (object == NULL || !log_object_names_node(object, f->node)))
		return false;
	if (f->errors_only && result != NULL && strcmp(result, "ok") == 0)
		return false;
	return true;
}

/* Under a minute with a tenth of a second, as people read step times. */
static const char *
log_duration(int64_t ms, char *buf, size_t len)
{
	if (ms >= 0 && ms < 60000)
		snprintf(buf, len, "%" PRId64 ".%" PRId64 "s", ms / 1000,
		    ms % 1000 / 100);
	else
		duration_format(ms, buf, len);
	return buf;
}

static void
log_print_entry(struct json_object *o, FILE *out)
{
	const char *msg = log_field(o, "message");
	struct json_object *v;
	int64_t duration = -1;
	int code = 0;
	char dur[32];

	if (json_object_object_get_ex(o, "code", &v))
		code = json_object_get_int(v);
	if (json_object_object_get_ex(o, "duration_ms", &v))
		duration = json_object_get_int64(v);
	fprintf(out, "%s  %s  %s  %s  code=%d  %s",
	    log_field(o, "ts") ? log_field(o, "ts") : "-",
	    log_field(o, "object") ? log_field(o, "object") : "-",
	    log_field(o, "action") ? log_field(o, "action") : "-",
	    log_field(o, "result") ? log_field(o, "result") : "-",
	    code, log_duration(duration, dur, sizeof dur));
	if (msg != NULL && *msg != '\0')
		fprintf(out, "  %s", msg);
	fputc('\n', out);
}

/* The line as one JSON object, or NULL when a crash cut it short. */
static struct json_object *
log_parse_line(struct json_tokener *tok, const char *line, size_t len)
{
	struct json_object *o;

	json_tokener_reset(tok);
	o = json_tokener_parse_ex(tok, line, (int)len);
	if (o != NULL && json_tokener_get_error(tok) == json_tokener_success &&
	    json_tokener_get_parse_end(tok) == len &&
	    json_object_is_type(o, json_type_object))
		return o;
	json_object_put(o);
	return NULL;
}

static void
log_print_lines(FILE *in, const char *path, const struct log_filter *f,
    FILE *out)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;

	while ((len = getline(&line, &cap, in)) != -1) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len == 0)
			continue;
		if (len > INT32_MAX ||
		    (o = log_parse_line(tok, line, (size_t)len)) == NULL) {
			fprintf(stderr, "escalator: %s:%zu: malformed line "
			    "skipped\n", path, lineno);
			continue;
		}
		if (log_selected(o, f)) {
			if (f->raw)
				fprintf(out, "%s\n", line);
			else
				log_print_entry(o, out);
		}
		json_object_put(o);
	}
	free(line);
	json_tokener_free(tok);
}

static int
log_read(const char *state_dir, const struct log_filter *f, FILE *out,
    char **err)
{
	char *path;
	FILE *in;
	int rc;

	*err = NULL;
	if (statedir_check(state_dir, false, err) == -1)
		return -1;
	path = xasprintf("%s/%s", state_dir, LOG_FILE);
	rc = statefile_check(path, err);
	if (rc == 1)
		*err = xasprintf("%s: no log in this state directory", path);
	if (rc != 0 || (in = fopen(path, "re")) == NULL) {
		if (*err == NULL)
			*err = xasprintf("%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	log_print_lines(in, path, f, out);
	rc = ferror(in) ? -1 : 0;
	if (rc == -1)
		*err = xasprintf("%s: read error", path);
	fclose(in);
	free(path);
	return rc;
}

int
log_print(const char *state_dir, const char *node, bool errors_only,
    FILE *out, char **err)
{
	struct log_filter f = { node, errors_only, false };

	return log_read(state_dir, &f, out, err);
}

int
log_print_json(const char *state_dir, const char *node, bool errors_only,
    FILE *out, char **err)
{
	struct log_filter f = { node, errors_only, true };

	return log_read(state_dir, &f, out, err);
}
