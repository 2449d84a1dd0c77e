/* Fuzz target: both inventory parsers on every input, and the choice
 * between them. */
#include "config.h"

#include <stdlib.h>

#include "escalator/inventory.h"
#include "fuzz.h"

typedef int (*loader)(struct inventory *, const char *, struct diag_list *);

static void
load(loader fn, const char *path)
{
	struct diag_list diags = { NULL, 0, 0 };
	struct inventory inv;

	if (fn(&inv, path, &diags) != 0 && diag_errors(&diags) == 0)
		abort();
	/* What loads is indexed: every node is found by its name. */
	for (size_t i = 0; i < inv.count && diag_errors(&diags) == 0; i++)
		if (inventory_find(&inv, inv.nodes[i].name) != (long)i)
			abort();
	inventory_free(&inv);
	diag_list_free(&diags);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("input.inventory", data, size);

	load(inventory_load, path);
	load(inventory_load_config, path);
	load(inventory_load_ansible, path);
	return 0;
}
