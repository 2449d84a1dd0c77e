/* Field checks on a JSON response: "a.b" = "value", "items.0.id" = "7". */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "escalator/http_probe.h"
#include "escalator/util.h"

/* Step into obj by one path segment, a key or an array index: false
 * when there is no such member (a JSON null is a member, *child NULL). */
static bool
segment(json_object *obj, const char *seg, json_object **child)
{
	char *end;
	long i;

	*child = NULL;
	if (json_object_is_type(obj, json_type_object))
		return json_object_object_get_ex(obj, seg, child);
	if (!json_object_is_type(obj, json_type_array))
		return false;
	errno = 0;
	i = strtol(seg, &end, 10);
	if (*seg == '\0' || *end != '\0' || errno != 0 || i < 0 ||
	    (size_t)i >= json_object_array_length(obj))
		return false;
	*child = json_object_array_get_idx(obj, (size_t)i);
	return true;
}

/* The field at a dotted path: false when there is none. */
static bool
field(json_object *root, const char *path, json_object **out)
{
	char *copy = xstrdup(path), *seg, *save = NULL;
	json_object *obj = root;
	bool found = true;

	for (seg = strtok_r(copy, ".", &save); found && seg != NULL;
	    seg = strtok_r(NULL, ".", &save))
		found = obj != NULL && segment(obj, seg, &obj);
	free(copy);
	*out = obj;
	return found;
}

const char *
http_json_check(const char *body, size_t len, const struct label *expect,
    size_t n, char *buf, size_t buflen)
{
	json_tokener *tok;
	json_object *root;
	enum json_tokener_error jerr;

	if (n == 0)
		return NULL;
	if (body == NULL || len == 0) {
		snprintf(buf, buflen, "empty body, expected JSON");
		return buf;
	}
	tok = json_tokener_new();
	root = json_tokener_parse_ex(tok, body, (int)len);
	jerr = json_tokener_get_error(tok);
	json_tokener_free(tok);
	if (jerr != json_tokener_success) {
		json_object_put(root);
		snprintf(buf, buflen, "bad JSON: %s",
		    jerr == json_tokener_continue ? "truncated" :
		    json_tokener_error_desc(jerr));
		return buf;
	}
	for (size_t i = 0; i < n; i++) {
		json_object *f;
		bool found = field(root, expect[i].key, &f);
		const char *got = f != NULL ? json_object_get_string(f) :
		    "null";

		if (!found) {
			snprintf(buf, buflen, "no field %s", expect[i].key);
			json_object_put(root);
			return buf;
		}
		if (strcmp(got, expect[i].value) != 0) {
			snprintf(buf, buflen, "%s is \"%.40s\", expected "
			    "\"%.40s\"", expect[i].key, got, expect[i].value);
			json_object_put(root);
			return buf;
		}
	}
	json_object_put(root);
	return NULL;
}
