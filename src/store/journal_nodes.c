/* The status table: one row per node, replaced as the node moves on. */
#include "config.h"

#include <stdlib.h>

#include "journal_impl.h"

int
journal_node_put(struct journal *j, const struct journal_node *nd)
{
	sqlite3_stmt *s = journal_stmt(j, JOURNAL_STMT_NODE_PUT);

	if (s == NULL)
		return -1;
	journal_bind_text(s, 1, nd->name);
	journal_bind_text(s, 2, nd->version);
	journal_bind_text(s, 3, nd->phase);
	journal_bind_text(s, 4, nd->health);
	sqlite3_bind_int(s, 5, nd->maintenance);
	journal_bind_text(s, 6, nd->status);
	sqlite3_bind_int64(s, 7, journal_time(nd->updated_ms));
	return journal_write(j, s, "recording a node's status");
}

static int
node_read(struct journal *j, sqlite3_stmt *s, void *elem)
{
	struct journal_node *nd = elem;

	(void)j;
	nd->name = journal_column_text(s, 0);
	nd->version = journal_column_text(s, 1);
	nd->phase = journal_column_text(s, 2);
	nd->health = journal_column_text(s, 3);
	nd->maintenance = sqlite3_column_int(s, 4) != 0;
	nd->status = journal_column_text(s, 5);
	nd->updated_ms = sqlite3_column_int64(s, 6);
	return 0;
}

static void
node_clear(void *elem)
{
	struct journal_node *nd = elem;

	free(nd->name);
	free(nd->version);
	free(nd->phase);
	free(nd->health);
	free(nd->status);
}

static const struct journal_rows node_rows = {
	sizeof(struct journal_node), "loading the nodes", node_read, node_clear
};

int
journal_nodes_load(struct journal *j, struct journal_node **nodes,
    size_t *count)
{
	void *v;
	int rc;

	rc = journal_rows_load(j, journal_stmt(j, JOURNAL_STMT_NODES_LOAD),
	    &node_rows, &v, count);
	*nodes = v;
	return rc;
}

void
journal_nodes_free(struct journal_node *v, size_t count)
{
	journal_rows_free(v, count, &node_rows);
}
