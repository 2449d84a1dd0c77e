/*
 * The JSON that `ansible-inventory --list` prints: groups become roles
 * (a host in a child group is in its parents too), host variables give
 * the address, port, user, version, labels and VNF instances.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"

struct ansible {
	struct inventory	*inv;
	struct diag_list	*diags;
	json_object		*root;
	json_object		*index;	/* host name -> node index */
	size_t			 cap;
};

static bool
is_type(json_object *o, json_type t)
{
	return o != NULL && json_object_get_type(o) == t;
}

static void aerror(struct ansible *, const char *, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/* JSON errors carry no line: json-c keeps none once parsed. */
static void
aerror(struct ansible *a, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(a->diags, DIAG_ERROR, a->inv->file, 0, hint, fmt, ap);
	va_end(ap);
}

static struct node *
host(struct ansible *a, const char *name)
{
	json_object *idx;
	struct node *n;

	if (json_object_object_get_ex(a->index, name, &idx))
		return &a->inv->nodes[json_object_get_int64(idx)];
	if (a->inv->count == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->inv->nodes = xreallocarray(a->inv->nodes, a->cap,
		    sizeof *a->inv->nodes);
	}
	json_object_object_add(a->index, name,
	    json_object_new_int64((int64_t)a->inv->count));
	n = &a->inv->nodes[a->inv->count++];
	memset(n, 0, sizeof *n);
	n->name = xstrdup(name);
	n->address = xstrdup(name);
	n->user = xstrdup("root");
	n->port = 22;
	return n;
}

static void
set_label(struct node *n, const char *key, const char *value)
{
	for (size_t i = 0; i < n->nlabels; i++)
		if (strcmp(n->labels[i].key, key) == 0) {
			free(n->labels[i].value);
			n->labels[i].value = xstrdup(value);
			return;
		}
	n->labels = xreallocarray(n->labels, n->nlabels + 1,
	    sizeof *n->labels);
	n->labels[n->nlabels].key = xstrdup(key);
	n->labels[n->nlabels++].value = xstrdup(value);
}

static void
hostvar_string(struct ansible *a, struct node *n, json_object *vars,
    const char *key, char **out)
{
	json_object *v;

	if (!json_object_object_get_ex(vars, key, &v))
		return;
	if (!is_type(v, json_type_string)) {
		aerror(a, NULL, "host \"%s\": %s must be a string", n->name,
		    key);
		return;
	}
	free(*out);
	*out = xstrdup(json_object_get_string(v));
}

static void
hostvar_port(struct ansible *a, struct node *n, json_object *vars)
{
	json_object *v;
	char *end;
	long port = -1;

	if (!json_object_object_get_ex(vars, "ansible_port", &v))
		return;
	if (is_type(v, json_type_int)) {
		int64_t p = json_object_get_int64(v);

		port = p >= 1 && p <= 65535 ? (long)p : -1;
	} else if (is_type(v, json_type_string)) {
		errno = 0;
		port = strtol(json_object_get_string(v), &end, 10);
		if (errno != 0 || *end != '\0' || end ==
		    json_object_get_string(v) || port < 1 || port > 65535)
			port = -1;
	}
	if (port < 0) {
		aerror(a, "a port between 1 and 65535",
		    "host \"%s\": bad ansible_port", n->name);
		return;
	}
	n->port = (int)port;
}

static void
hostvar_labels(struct ansible *a, struct node *n, json_object *vars)
{
	static const char *const plain[] = { LABEL_SITE, LABEL_ZONE,
	    LABEL_RACK, LABEL_HA_GROUP };
	json_object *v;

	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
		if (json_object_object_get_ex(vars, plain[i], &v) &&
		    is_type(v, json_type_string))
			set_label(n, plain[i], json_object_get_string(v));
	if (!json_object_object_get_ex(vars, "escalator_labels", &v))
		return;
	if (!is_type(v, json_type_object)) {
		aerror(a, NULL, "host \"%s\": escalator_labels must be an "
		    "object", n->name);
		return;
	}
	json_object_object_foreach(v, key, val) {
		if (!is_type(val, json_type_string)) {
			aerror(a, NULL, "host \"%s\": label \"%s\" must be a "
			    "string", n->name, key);
			continue;
		}
		set_label(n, key, json_object_get_string(val));
	}
}

static bool
hostvar_vnf(struct node *n, json_object *e)
{
	json_object *vnf, *inst;

	if (!is_type(e, json_type_object) ||
	    !json_object_object_get_ex(e, "vnf", &vnf) ||
	    !json_object_object_get_ex(e, "instance", &inst) ||
	    !is_type(vnf, json_type_string) || !is_type(inst, json_type_string))
		return false;
	n->vnfs = xreallocarray(n->vnfs, n->nvnfs + 1, sizeof *n->vnfs);
	n->vnfs[n->nvnfs].vnf = xstrdup(json_object_get_string(vnf));
	n->vnfs[n->nvnfs++].instance = xstrdup(json_object_get_string(inst));
	return true;
}

static void
hostvar_vnfs(struct ansible *a, struct node *n, json_object *vars)
{
	static const char hint[] = "[ { \"vnf\": \"vFW\", \"instance\": "
	    "\"fw-1\" } ]";
	json_object *v;
	size_t count;

	if (!json_object_object_get_ex(vars, "escalator_vnfs", &v))
		return;
	if (!is_type(v, json_type_array)) {
		aerror(a, hint, "host \"%s\": escalator_vnfs must be an "
		    "array", n->name);
		return;
	}
	count = json_object_array_length(v);
	for (size_t i = 0; i < count; i++)
		if (!hostvar_vnf(n, json_object_array_get_idx(v, i))) {
			aerror(a, hint, "host \"%s\": every entry of "
			    "escalator_vnfs needs string \"vnf\" and "
			    "\"instance\"", n->name);
			return;
		}
}

static void
parse_hostvars(struct ansible *a)
{
	json_object *meta, *hostvars;

	if (!json_object_object_get_ex(a->root, "_meta", &meta))
		return;
	if (!is_type(meta, json_type_object) ||
	    !json_object_object_get_ex(meta, "hostvars", &hostvars))
		return;
	if (!is_type(hostvars, json_type_object)) {
		aerror(a, NULL, "_meta.hostvars must be an object");
		return;
	}
	json_object_object_foreach(hostvars, name, vars) {
		struct node *n = host(a, name);

		if (!is_type(vars, json_type_object)) {
			aerror(a, NULL, "host \"%s\": its variables must be "
			    "an object", name);
			continue;
		}
		hostvar_string(a, n, vars, "ansible_host", &n->address);
		hostvar_port(a, n, vars);
		hostvar_string(a, n, vars, "ansible_user", &n->user);
		hostvar_string(a, n, vars, "escalator_version", &n->version);
		hostvar_labels(a, n, vars);
		hostvar_vnfs(a, n, vars);
	}
}

static bool
is_role_group(const char *name)
{
	return strcmp(name, "all") != 0 && strcmp(name, "ungrouped") != 0 &&
	    strcmp(name, "_meta") != 0;
}

/* The "hosts" or "children" array of a group, checked. */
static json_object *
group_names(struct ansible *a, const char *group, json_object *g,
    const char *key)
{
	json_object *v;
	size_t n;

	if (!json_object_object_get_ex(g, key, &v))
		return NULL;
	if (!is_type(v, json_type_array)) {
		aerror(a, NULL, "group \"%s\": %s must be an array of names",
		    group, key);
		return NULL;
	}
	n = json_object_array_length(v);
	for (size_t i = 0; i < n; i++)
		if (!is_type(json_object_array_get_idx(v, i),
		    json_type_string)) {
			aerror(a, NULL, "group \"%s\": %s must be an array "
			    "of names", group, key);
			return NULL;
		}
	return v;
}

/* Every host of the group and of its descendants gets the role. The walk
 * keeps a set of visited groups: a cycle of children ends. */
static void
assign_role(struct ansible *a, const char *role)
{
	json_object *seen = json_object_new_object();
	const char **stack = xcalloc(1, sizeof *stack);
	size_t depth = 0, cap = 1;

	stack[depth++] = role;
	json_object_object_add(seen, role, NULL);
	while (depth > 0) {
		const char *name = stack[--depth];
		json_object *g, *hosts, *children;

		if (!json_object_object_get_ex(a->root, name, &g) ||
		    !is_type(g, json_type_object))
			continue;
		hosts = group_names(a, name, g, "hosts");
		for (size_t i = 0; hosts && i <
		    json_object_array_length(hosts); i++) {
			struct node *n = host(a, json_object_get_string(
			    json_object_array_get_idx(hosts, i)));

			if (!node_has_role(n, role))
				strv_push(&n->roles, role);
		}
		children = group_names(a, name, g, "children");
		for (size_t i = 0; children && i <
		    json_object_array_length(children); i++) {
			const char *child = json_object_get_string(
			    json_object_array_get_idx(children, i));

			if (json_object_object_get_ex(seen, child, NULL))
				continue;
			json_object_object_add(seen, child, NULL);
			if (depth == cap)
				stack = xreallocarray(stack, cap *= 2,
				    sizeof *stack);
			stack[depth++] = child;
		}
	}
	free(stack);
	json_object_put(seen);
}

static void
parse_groups(struct ansible *a)
{
	json_object_object_foreach(a->root, name, g) {
		if (strcmp(name, "_meta") == 0)
			continue;
		if (!is_type(g, json_type_object)) {
			aerror(a, "ansible-inventory --list prints an object "
			    "per group", "group \"%s\" must be an object",
			    name);
			continue;
		}
		if (is_role_group(name))
			assign_role(a, name);
		else
			(void)group_names(a, name, g, "hosts");
	}
	/* Hosts only in "all" or "ungrouped" still are nodes. */
	json_object_object_foreach(a->root, gname, group) {
		json_object *hosts;

		if (is_role_group(gname) || !is_type(group, json_type_object) ||
		    !json_object_object_get_ex(group, "hosts", &hosts) ||
		    !is_type(hosts, json_type_array))
			continue;
		for (size_t i = 0; i < json_object_array_length(hosts); i++) {
			json_object *h = json_object_array_get_idx(hosts, i);

			if (is_type(h, json_type_string))
				(void)host(a, json_object_get_string(h));
		}
	}
}

static int
offset_line(const char *text, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

static json_object *
parse_json(const char *path, const char *text, size_t len,
    struct diag_list *diags)
{
	json_tokener *tok = json_tokener_new();
	json_object *root;
	enum json_tokener_error err;
	size_t end;

	root = json_tokener_parse_ex(tok, text, (int)len);
	err = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (root == NULL && err == json_tokener_continue)
		diag_error(diags, path, offset_line(text, len),
		    "the file ends in the middle of the JSON (truncated?)",
		    "unexpected end of JSON");
	else if (root == NULL)
		diag_error(diags, path, offset_line(text, end), NULL,
		    "JSON syntax error: %s", json_tokener_error_desc(err));
	else if (!is_type(root, json_type_object))
		diag_error(diags, path, 1, "the output of ansible-inventory "
		    "--list is a JSON object", "inventory JSON must be an "
		    "object");
	else {
		while (end < len && strchr(" \t\r\n", text[end]) != NULL &&
		    text[end] != '\0')
			end++;
		if (end == len)
			return root;
		diag_error(diags, path, offset_line(text, end), NULL,
		    "trailing data after the JSON object");
	}
	json_object_put(root);
	return NULL;
}

int
inventory_parse_ansible(struct inventory *inv, const char *path,
    const char *text, size_t len, struct diag_list *diags)
{
	struct ansible a = { inv, diags, NULL, NULL, 0 };
	size_t before = diag_errors(diags);

	memset(inv, 0, sizeof *inv);
	inv->file = xstrdup(path);
	if ((a.root = parse_json(path, text, len, diags)) == NULL)
		return -1;
	a.index = json_object_new_object();
	parse_hostvars(&a);
	parse_groups(&a);
	json_object_put(a.index);
	json_object_put(a.root);
	inventory_finish(inv, diags);
	return diag_errors(diags) > before ? -1 : 0;
}
