/*
 * Availability constraints, counted incrementally. Every HA group and VNF
 * that has a rule becomes an object with a limit and a count in use; each
 * node lists the objects it touches with its weight (1 for an HA group, its
 * instance count for a VNF). Admitting a node then costs one look at each
 * of its objects, whatever the size of the cluster.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escalator/constraints.h"
#include "escalator/util.h"

enum object_kind {
	OBJ_HA,
	OBJ_VNF,
};

struct object {
	enum object_kind	 kind;
	const char		*name;		/* points into the campaign */
	int			 limit;		/* <= 0: no limit */
	int			 quorum;	/* HA: members to keep up */
	int			 members;	/* HA: nodes in the group */
	int			 used;		/* HA: down; VNF: impacted */
};

struct constraints {
	const struct inventory	*inv;
	struct object		*objects;
	uint32_t		 nobjects;	/* rule objects only */
	/* Per node, objects [start[n], start[n + 1]) with their weights;
	 * the last one of each node is the node itself. */
	uint32_t		*start;
	uint32_t		*ids;
	uint32_t		*weights;
	uint8_t			*down;
};

/* Rule names to object ids: open addressing, FNV-1a. */
struct name_index {
	const char	**keys;
	uint32_t	 *ids;
	size_t		  mask;
};

static const char *block_texts[] = {
#define X(e, s) s,
	BLOCK_LIST(X)
#undef X
};

const char *
block_reason_text(enum block_reason r)
{
	return (unsigned)r < BLOCK_COUNT ? block_texts[r] : "unknown";
}

static uint64_t
name_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void
name_index_init(struct name_index *x, size_t n)
{
	size_t cap = 8;

	while (cap < 2 * n)
		cap *= 2;
	x->keys = xcalloc(cap, sizeof *x->keys);
	x->ids = xcalloc(cap, sizeof *x->ids);
	x->mask = cap - 1;
}

static size_t
name_index_slot(const struct name_index *x, const char *key)
{
	size_t i = name_hash(key) & x->mask;

	while (x->keys[i] != NULL && strcmp(x->keys[i], key) != 0)
		i = (i + 1) & x->mask;
	return i;
}

/* The first rule for a name wins; the validator reports duplicates. */
static void
name_index_put(struct name_index *x, const char *key, uint32_t id)
{
	size_t i = name_index_slot(x, key);

	if (x->keys[i] == NULL) {
		x->keys[i] = key;
		x->ids[i] = id;
	}
}

static long
name_index_get(const struct name_index *x, const char *key)
{
	size_t i = name_index_slot(x, key);

	return x->keys[i] == NULL ? -1 : (long)x->ids[i];
}

static void
name_index_free(struct name_index *x)
{
	free(x->keys);
	free(x->ids);
}

static void
add_objects(struct constraints *c, const struct campaign *camp,
    struct name_index *ha, struct name_index *vnf)
{
	size_t n = camp->nha_rules + camp->nvnf_rules;

	c->objects = xcalloc(n, sizeof *c->objects);
	name_index_init(ha, camp->nha_rules);
	name_index_init(vnf, camp->nvnf_rules);
	for (size_t i = 0; i < camp->nha_rules; i++) {
		const struct ha_rule *r = &camp->ha_rules[i];
		struct object *o = &c->objects[c->nobjects];

		if (r->group == NULL || name_index_get(ha, r->group) != -1)
			continue;
		o->kind = OBJ_HA;
		o->name = r->group;
		o->limit = r->max_unavailable;
		o->quorum = r->quorum;
		name_index_put(ha, r->group, c->nobjects++);
	}
	for (size_t i = 0; i < camp->nvnf_rules; i++) {
		const struct vnf_rule *r = &camp->vnf_rules[i];
		struct object *o = &c->objects[c->nobjects];

		if (r->vnf == NULL || name_index_get(vnf, r->vnf) != -1)
			continue;
		o->kind = OBJ_VNF;
		o->name = r->vnf;
		o->limit = r->max_impacted_members;
		name_index_put(vnf, r->vnf, c->nobjects++);
	}
}

/* Add weight to the node's entry for object id, appending it if new. */
static void
node_add(struct constraints *c, size_t *len, size_t *cap, uint32_t first,
    uint32_t id, uint32_t weight)
{
	for (size_t i = first; i < *len; i++) {
		if (c->ids[i] == id) {
			if (c->objects[id].kind == OBJ_VNF)
				c->weights[i] += weight;
			return;
		}
	}
	if (*len == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		c->ids = xreallocarray(c->ids, *cap, sizeof *c->ids);
		c->weights = xreallocarray(c->weights, *cap,
		    sizeof *c->weights);
	}
	c->ids[*len] = id;
	c->weights[*len] = weight;
	(*len)++;
}

static void
index_node(struct constraints *c, uint32_t n, const struct name_index *ha,
    const struct name_index *vnf, size_t *len, size_t *cap)
{
	const struct node *node = &c->inv->nodes[n];
	uint32_t first = (uint32_t)*len;
	long id;

	c->start[n] = first;
	for (size_t i = 0; i < node->nlabels; i++) {
		if (strcmp(node->labels[i].key, LABEL_HA_GROUP) != 0 ||
		    (id = name_index_get(ha, node->labels[i].value)) == -1)
			continue;
		node_add(c, len, cap, first, (uint32_t)id, 1);
	}
	for (size_t i = 0; i < node->nvnfs; i++) {
		if ((id = name_index_get(vnf, node->vnfs[i].vnf)) == -1)
			continue;
		node_add(c, len, cap, first, (uint32_t)id, 1);
	}
	for (size_t i = first; i < *len; i++)
		if (c->objects[c->ids[i]].kind == OBJ_HA)
			c->objects[c->ids[i]].members++;
	node_add(c, len, cap, first, c->nobjects + n, 0);
}

struct constraints *
constraints_new(const struct campaign *camp, const struct inventory *inv)
{
	struct constraints *c = xcalloc(1, sizeof *c);
	struct name_index ha, vnf;
	size_t len = 0, cap = 0;

	c->inv = inv;
	add_objects(c, camp, &ha, &vnf);
	c->start = xcalloc(inv->count + 1, sizeof *c->start);
	c->down = xcalloc(inv->count, sizeof *c->down);
	for (uint32_t n = 0; n < inv->count; n++)
		index_node(c, n, &ha, &vnf, &len, &cap);
	c->start[inv->count] = (uint32_t)len;
	name_index_free(&ha);
	name_index_free(&vnf);
	return c;
}

static bool
block_on(const struct constraints *c, struct block *why,
    enum block_reason reason, uint32_t id, uint32_t node)
{
	if (why != NULL) {
		why->reason = reason;
		why->object = constraints_object_name(c, id);
		why->object_id = id;
		why->node = node;
	}
	return false;
}

bool
constraints_admit(const struct constraints *c, uint32_t n, struct block *why)
{
	uint32_t last = c->start[n + 1] - 1;

	if (why != NULL)
		memset(why, 0, sizeof *why);
	if (c->down[n])
		return block_on(c, why, BLOCK_BUSY, c->ids[last], n);
	for (uint32_t i = c->start[n]; i < last; i++) {
		const struct object *o = &c->objects[c->ids[i]];
		int64_t after = (int64_t)o->used + c->weights[i];

		if (o->kind == OBJ_HA && o->limit > 0 && after > o->limit)
			return block_on(c, why, BLOCK_HA_GROUP, c->ids[i], n);
		if (o->kind == OBJ_HA && o->quorum > 0 &&
		    o->members - after < o->quorum)
			return block_on(c, why, BLOCK_QUORUM, c->ids[i], n);
		if (o->kind == OBJ_VNF && o->limit > 0 && after > o->limit)
			return block_on(c, why, BLOCK_VNF, c->ids[i], n);
	}
	return true;
}

static void
count_node(struct constraints *c, uint32_t n, int sign)
{
	for (uint32_t i = c->start[n]; i < c->start[n + 1] - 1; i++)
		c->objects[c->ids[i]].used += sign * (int)c->weights[i];
}

void
constraints_take(struct constraints *c, uint32_t n)
{
	if (c->down[n])
		return;
	c->down[n] = 1;
	count_node(c, n, 1);
}

void
constraints_release(struct constraints *c, uint32_t n)
{
	if (!c->down[n])
		return;
	c->down[n] = 0;
	count_node(c, n, -1);
}

const char *
constraints_describe(const struct constraints *c, const struct block *why,
    char *buf, size_t len)
{
	const struct object *o = why->object_id < c->nobjects ?
	    &c->objects[why->object_id] : NULL;

	if (why->reason == BLOCK_HA_GROUP && o != NULL)
		snprintf(buf, len, "HA group %s already at max_unavailable %d",
		    o->name, o->limit);
	else if (why->reason == BLOCK_QUORUM && o != NULL)
		snprintf(buf, len, "HA group %s would lose quorum %d (%d "
		    "members)", o->name, o->quorum, o->members);
	else if (why->reason == BLOCK_VNF && o != NULL)
		snprintf(buf, len, "VNF %s already at max_impacted_members %d",
		    o->name, o->limit);
	else if (why->reason == BLOCK_BUSY && why->object != NULL)
		snprintf(buf, len, "node %s is down in another procedure",
		    why->object);
	else if (why->object != NULL)
		snprintf(buf, len, "%s (%s)", block_reason_text(why->reason),
		    why->object);
	else
		snprintf(buf, len, "%s", block_reason_text(why->reason));
	return buf;
}

bool
constraints_down(const struct constraints *c, uint32_t n)
{
	return c->down[n] != 0;
}

uint32_t
constraints_nobjects(const struct constraints *c)
{
	return c->nobjects + (uint32_t)c->inv->count;
}

const char *
constraints_object_name(const struct constraints *c, uint32_t id)
{
	if (id < c->nobjects)
		return c->objects[id].name;
	return c->inv->nodes[id - c->nobjects].name;
}

const uint32_t *
constraints_node_objects(const struct constraints *c, uint32_t n,
    uint32_t *count)
{
	*count = c->start[n + 1] - c->start[n];
	return &c->ids[c->start[n]];
}

void
constraints_free(struct constraints *c)
{
	if (c == NULL)
		return;
	free(c->objects);
	free(c->start);
	free(c->ids);
	free(c->weights);
	free(c->down);
	free(c);
}
