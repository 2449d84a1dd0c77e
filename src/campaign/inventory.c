/* The inventory model: lookups, the by-name index, and the checks every
 * loader shares (duplicate nodes and VNF instances). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void
node_free(struct node *n)
{
	free(n->name);
	free(n->address);
	free(n->user);
	free(n->jump);
	free(n->version);
	strv_free(&n->roles);
	for (size_t i = 0; i < n->nlabels; i++) {
		free(n->labels[i].key);
		free(n->labels[i].value);
	}
	free(n->labels);
	for (size_t i = 0; i < n->nvnfs; i++) {
		free(n->vnfs[i].vnf);
		free(n->vnfs[i].instance);
	}
	free(n->vnfs);
}

void
inventory_free(struct inventory *inv)
{
	for (size_t i = 0; i < inv->count; i++)
		node_free(&inv->nodes[i]);
	free(inv->nodes);
	free(inv->by_name);
	free(inv->file);
	memset(inv, 0, sizeof *inv);
}

const char *
node_label(const struct node *n, const char *key)
{
	for (size_t i = 0; i < n->nlabels; i++)
		if (strcmp(n->labels[i].key, key) == 0)
			return n->labels[i].value;
	return NULL;
}

bool
node_has_role(const struct node *n, const char *role)
{
	return strv_contains(&n->roles, role);
}

long
inventory_find(const struct inventory *inv, const char *name)
{
	size_t lo = 0, hi = inv->count;

	if (inv->by_name == NULL) {
		for (size_t i = 0; i < inv->count; i++)
			if (strcmp(inv->nodes[i].name, name) == 0)
				return (long)i;
		return -1;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(inv->nodes[inv->by_name[mid]].name, name);

		if (c == 0)
			return (long)inv->by_name[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* qsort has no context argument in C11: the nodes being sorted. */
static const struct node *sort_nodes;

static int
by_name_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(sort_nodes[x].name, sort_nodes[y].name);

	/* Equal names keep file order, so the first one is "defined". */
	return c != 0 ? c : (x > y) - (x < y);
}

struct instance_ref {
	const struct vnf_instance	*vi;
	size_t				 node;
};

static int
instance_cmp(const void *a, const void *b)
{
	const struct instance_ref *x = a, *y = b;
	int c = strcmp(x->vi->vnf, y->vi->vnf);

	if (c == 0)
		c = strcmp(x->vi->instance, y->vi->instance);
	return c != 0 ? c : (x->node > y->node) - (x->node < y->node);
}

static void
check_instances(struct inventory *inv, struct diag_list *diags)
{
	struct instance_ref *refs;
	size_t n = 0;

	for (size_t i = 0; i < inv->count; i++)
		n += inv->nodes[i].nvnfs;
	refs = xcalloc(n, sizeof *refs);
	n = 0;
	for (size_t i = 0; i < inv->count; i++)
		for (size_t j = 0; j < inv->nodes[i].nvnfs; j++) {
			refs[n].vi = &inv->nodes[i].vnfs[j];
			refs[n++].node = i;
		}
	qsort(refs, n, sizeof *refs, instance_cmp);
	for (size_t i = 1; i < n; i++) {
		const struct node *a = &inv->nodes[refs[i - 1].node];
		const struct node *b = &inv->nodes[refs[i].node];

		if (strcmp(refs[i].vi->vnf, refs[i - 1].vi->vnf) != 0 ||
		    strcmp(refs[i].vi->instance, refs[i - 1].vi->instance) != 0)
			continue;
		diag_error(diags, inv->file, b->line,
		    "an instance id is unique within its VNF",
		    "VNF \"%s\" instance \"%s\" is on node \"%s\" and again "
		    "on node \"%s\"", refs[i].vi->vnf, refs[i].vi->instance,
		    a->name, b->name);
	}
	free(refs);
}

int
inventory_finish(struct inventory *inv, struct diag_list *diags)
{
	size_t before = diag_errors(diags);

	if (inv->count == 0)
		diag_error(diags, inv->file, 0, NULL, "inventory has no nodes");
	inv->by_name = xcalloc(inv->count, sizeof *inv->by_name);
	for (size_t i = 0; i < inv->count; i++)
		inv->by_name[i] = i;
	sort_nodes = inv->nodes;
	qsort(inv->by_name, inv->count, sizeof *inv->by_name, by_name_cmp);
	for (size_t i = 1; i < inv->count; i++) {
		const struct node *a = &inv->nodes[inv->by_name[i - 1]];
		const struct node *b = &inv->nodes[inv->by_name[i]];

		if (strcmp(a->name, b->name) == 0)
			diag_error(diags, inv->file, b->line, NULL,
			    "duplicate node \"%s\" (first defined on line %d)",
			    b->name, a->line);
	}
	check_instances(inv, diags);
	return diag_errors(diags) > before ? -1 : 0;
}

/* An empty inventory and the whole file, or NULL with the error
 * reported. */
static char *
inventory_read(struct inventory *inv, const char *path, size_t *len,
    struct diag_list *diags)
{
	char *text;

	memset(inv, 0, sizeof *inv);
	if ((text = file_slurp(path, len)) == NULL) {
		inv->file = xstrdup(path);
		diag_error(diags, path, 0, NULL, "cannot read inventory: %s",
		    strerror(errno));
	}
	return text;
}

int
inventory_load_ansible(struct inventory *inv, const char *path,
    struct diag_list *diags)
{
	char *text;
	size_t len;
	int rc;

	if ((text = inventory_read(inv, path, &len, diags)) == NULL)
		return -1;
	rc = inventory_parse_ansible(inv, path, text, len, diags);
	free(text);
	return rc;
}

int
inventory_load(struct inventory *inv, const char *path,
    struct diag_list *diags)
{
	char *text;
	size_t len, i = 0;
	int rc;

	if ((text = inventory_read(inv, path, &len, diags)) == NULL)
		return -1;
	while (i < len && (text[i] == ' ' || text[i] == '\t' ||
	    text[i] == '\r' || text[i] == '\n'))
		i++;
	if (i < len && text[i] == '{')
		rc = inventory_parse_ansible(inv, path, text, len, diags);
	else
		rc = inventory_load_config(inv, path, diags);
	free(text);
	return rc;
}

/* Letters, digits and ".-_": nothing a shell or ssh would read more in. */
static bool
jump_word(const char *s, size_t len, size_t max)
{
	if (len == 0 || len >= max || s[0] == '-')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    strchr("._-", s[i]) != NULL))
			return false;
	return true;
}

bool
jump_parse(const char *spec, struct jump_host *j)
{
	const char *at = strchr(spec, '@'), *host = at != NULL ? at + 1 : spec;
	const char *colon = strchr(host, ':');
	size_t hlen = colon != NULL ? (size_t)(colon - host) : strlen(host);
	char *end;
	long port = 22;

	memset(j, 0, sizeof *j);
	if ((at != NULL && !jump_word(spec, (size_t)(at - spec),
	    sizeof j->user)) || !jump_word(host, hlen, sizeof j->host))
		return false;
	if (colon != NULL) {
		errno = 0;
		port = strtol(colon + 1, &end, 10);
		if (colon[1] == '\0' || *end != '\0' || errno != 0 ||
		    port < 1 || port > 65535)
			return false;
	}
	if (at != NULL)
		memcpy(j->user, spec, (size_t)(at - spec));
	memcpy(j->host, host, hlen);
	j->port = (int)port;
	return true;
}
