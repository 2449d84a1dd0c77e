/* The run's options, kept in the journal as JSON so that resume runs
 * the same cluster with the same seed, speed and faults, or reopens the
 * same transport with the same options. */
#include "config.h"

#include <string.h>

#include <json-c/json.h>

#include "escalator/engine.h"
#include "escalator/util.h"

char *
engine_options_format(const struct engine_config *cfg, const char *transport)
{
	struct json_object *o = json_object_new_object(), *faults;
	char *s;

	json_object_object_add(o, "transport",
	    json_object_new_string(transport));
	json_object_object_add(o, "seed", json_object_new_int64(
	    (int64_t)cfg->seed));
	json_object_object_add(o, "speed", json_object_new_double(cfg->speed));
	json_object_object_add(o, "virtual_time", json_object_new_boolean(
	    cfg->clock_mode == CLOCK_MODE_VIRTUAL));
	faults = json_object_new_array();
	for (size_t i = 0; cfg->faults != NULL && i < cfg->faults->count; i++)
		json_object_array_add(faults, json_object_new_string(
		    cfg->faults->items[i]));
	json_object_object_add(o, "faults", faults);
	if (cfg->transport_options != NULL)
		json_object_object_add(o, "transport_options",
		    json_tokener_parse(cfg->transport_options));
	s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return s;
}

int
engine_options_parse(const char *text, struct engine_config *cfg,
    struct strv *faults, char **err)
{
	struct json_object *o = json_tokener_parse(text ? text : ""), *v;

	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		*err = xstrdup("the run's options are not a JSON object");
		return -1;
	}
	if (json_object_object_get_ex(o, "seed", &v))
		cfg->seed = (uint64_t)json_object_get_int64(v);
	if (json_object_object_get_ex(o, "speed", &v))
		cfg->speed = json_object_get_double(v);
	if (json_object_object_get_ex(o, "virtual_time", &v))
		cfg->clock_mode = json_object_get_boolean(v) ?
		    CLOCK_MODE_VIRTUAL : CLOCK_MODE_REAL;
	if (json_object_object_get_ex(o, "faults", &v) &&
	    json_object_is_type(v, json_type_array))
		for (size_t i = 0; i < json_object_array_length(v); i++)
			strv_push(faults, json_object_get_string(
			    json_object_array_get_idx(v, i)));
	cfg->faults = faults;
	json_object_put(o);
	return 0;
}

char *
engine_options_transport(const char *text)
{
	struct json_object *o = json_tokener_parse(text ? text : ""), *v;
	char *name;

	name = xstrdup(o != NULL && json_object_is_type(o, json_type_object) &&
	    json_object_object_get_ex(o, "transport", &v) &&
	    json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : "sim");
	json_object_put(o);
	return name;
}

char *
engine_options_transport_options(const char *text)
{
	struct json_object *o = json_tokener_parse(text ? text : ""), *v;
	char *opts = NULL;

	if (o != NULL && json_object_is_type(o, json_type_object) &&
	    json_object_object_get_ex(o, "transport_options", &v) &&
	    json_object_is_type(v, json_type_object))
		opts = xstrdup(json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return opts;
}
