/* What every transport shares: action names and template expansion. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "escalator/transport.h"
#include "escalator/util.h"

static const char *const kind_names[] = {
#define X(e, s, h) s,
	TRANSPORT_KIND_LIST(X)
#undef X
};

const char *
transport_kind_name(enum transport_kind k)
{
	return (unsigned)k < TRANSPORT_KIND_COUNT ? kind_names[k] : "?";
}

void
transport_append(char **out, size_t *len, const char *s, size_t n)
{
	*out = xrealloc(*out, *len + n + 1);
	memcpy(*out + *len, s, n);
	*len += n;
	(*out)[*len] = '\0';
}

/* The value of {key}, or NULL when key is not one we expand. */
static const char *
node_field(const struct node *n, const char *key, size_t klen, char *port,
    size_t portlen)
{
	if (klen == 4 && strncmp(key, "name", 4) == 0)
		return n->name;
	if (klen == 7 && strncmp(key, "address", 7) == 0)
		return n->address ? n->address : n->name;
	if (klen == 4 && strncmp(key, "user", 4) == 0)
		return n->user ? n->user : "root";
	if (klen == 4 && strncmp(key, "port", 4) == 0) {
		snprintf(port, portlen, "%d", n->port > 0 ? n->port : 22);
		return port;
	}
	return NULL;
}

char *
transport_expand(const char *tmpl, const struct node *n)
{
	char *out = xstrdup(""), port[16];
	size_t len = 0;
	const char *p = tmpl, *open, *close, *val;

	while ((open = strchr(p, '{')) != NULL &&
	    (close = strchr(open, '}')) != NULL) {
		val = node_field(n, open + 1, (size_t)(close - open - 1), port,
		    sizeof port);
		/* Not ours: the brace stays, and a key may follow inside
		 * it, as in a JSON body's {"host":"{name}"}. */
		transport_append(&out, &len, p, (size_t)(open - p) +
		    (val == NULL));
		if (val != NULL)
			transport_append(&out, &len, val, strlen(val));
		p = val != NULL ? close + 1 : open + 1;
	}
	transport_append(&out, &len, p, strlen(p));
	return out;
}

/* A maintenance action carried out by a handover (the load balancer,
 * the VIM), not on the node. */
static bool
is_handover(const struct transport_action *a)
{
	return (a->kind == TRANSPORT_MAINTENANCE_ON ||
	    a->kind == TRANSPORT_MAINTENANCE_OFF) && a->step != NULL &&
	    a->step->handover != NULL && strcmp(a->step->handover, "none");
}

enum transport_route
transport_route(const struct transport_action *a)
{
	if (a->kind == TRANSPORT_COPY || a->backup != NULL)
		return TRANSPORT_ROUTE_TRANSFER;
	if (a->kind == TRANSPORT_WAIT || is_handover(a))
		return TRANSPORT_ROUTE_LOCAL;
	if (a->url != NULL)
		return TRANSPORT_ROUTE_HTTP;
	if (a->command != NULL)
		return TRANSPORT_ROUTE_EXEC;
	return TRANSPORT_ROUTE_LOCAL;
}

bool
transport_on_node(const struct transport_action *a)
{
	enum transport_route r = transport_route(a);

	return r == TRANSPORT_ROUTE_TRANSFER || r == TRANSPORT_ROUTE_EXEC;
}
