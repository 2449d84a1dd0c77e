/*
 * Inventory: the cluster as it is. Nodes carry roles, labels and the VNF
 * instances they host. Campaigns select nodes by role and label only.
 */
#ifndef ESCALATOR_INVENTORY_H
#define ESCALATOR_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "escalator/diag.h"
#include "escalator/util.h"

/* Labels the planner and console know by meaning; others are free-form. */
#define LABEL_SITE	"site"
#define LABEL_ZONE	"zone"
#define LABEL_RACK	"rack"
#define LABEL_HA_GROUP	"ha_group"

struct label {
	char	*key;
	char	*value;
};

struct vnf_instance {
	char	*vnf;		/* VNF name, e.g. "vFW" */
	char	*instance;	/* instance id, unique within the VNF */
};

struct node {
	char			*name;
	char			*address;
	int			 port;		/* default 22 */
	char			*user;		/* default "root" */
	/* SSH jump host, "[user@]host[:port]"; NULL: none. The
	 * inventory's top-level jump is every node's default. */
	char			*jump;
	char			*version;	/* installed version, may be NULL */
	struct strv		 roles;
	struct label		*labels;
	size_t			 nlabels;
	struct vnf_instance	*vnfs;
	size_t			 nvnfs;
	int			 line;		/* where it was defined, 0 for JSON */
};

struct inventory {
	char		*file;
	struct node	*nodes;
	size_t		 count;
	/* Node indices sorted by name, for inventory_find(); NULL in an
	 * inventory built by hand, which is then searched in order. */
	size_t		*by_name;
};

/*
 * Load an inventory: a libconfig file, or the JSON printed by
 * `ansible-inventory --list` (chosen by content: JSON starts with '{').
 * Returns 0, or -1 with every problem added to diags.
 */
int	inventory_load(struct inventory *, const char *path, struct diag_list *);
int	inventory_load_config(struct inventory *, const char *path,
	    struct diag_list *);
int	inventory_load_ansible(struct inventory *, const char *path,
	    struct diag_list *);
void	inventory_free(struct inventory *);

/* A jump host spec, "[user@]host[:port]", in parts. */
struct jump_host {
	char	user[64];	/* "": the node's user */
	char	host[256];
	int	port;		/* 22 when not given */
};
bool		 jump_parse(const char *spec, struct jump_host *);

const char	*node_label(const struct node *, const char *key);
bool		 node_has_role(const struct node *, const char *role);
/* Index of the node called name, or -1. */
long		 inventory_find(const struct inventory *, const char *name);

#endif
