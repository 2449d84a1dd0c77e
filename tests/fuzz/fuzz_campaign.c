/* Fuzz target: the campaign parser, then the validator against a small
 * inventory whenever the campaign parses. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "escalator/campaign.h"
#include "fuzz.h"

static const char inventory_text[] =
    "nodes = (\n"
    "{ name = \"ctl-1\"; address = \"a\"; version = \"1.0\"; roles = "
    "[\"controller\"]; labels = { ha_group = \"ctl\"; site = \"a\"; }; },\n"
    "{ name = \"ctl-2\"; address = \"a\"; roles = [\"controller\"]; "
    "labels = { ha_group = \"ctl\"; site = \"b\"; }; },\n"
    "{ name = \"compute-1\"; address = \"a\"; roles = [\"compute\"]; "
    "vnfs = ( { vnf = \"vFW\"; instance = \"fw-1\"; }, "
    "{ vnf = \"vLB\"; instance = \"lb-1\"; } ); },\n"
    "{ name = \"compute-2\"; address = \"a\"; roles = [\"compute\"]; "
    "labels = { site = \"a\"; }; vnfs = ( { vnf = \"vFW\"; instance = "
    "\"fw-2\"; } ); }\n"
    ");\n";

static struct inventory *
inventory(void)
{
	static struct inventory inv;
	static int loaded;
	struct diag_list diags = { NULL, 0, 0 };

	if (!loaded) {
		const char *path = fuzz_file("cluster.inventory",
		    (const uint8_t *)inventory_text, strlen(inventory_text));

		if (inventory_load(&inv, path, &diags) != 0)
			abort();
		diag_list_free(&diags);
		loaded = 1;
	}
	return &inv;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list diags = { NULL, 0, 0 };
	struct campaign c;
	struct inventory *inv = inventory();
	int rc;

	rc = campaign_load(&c, fuzz_file("input.cfg", data, size), &diags);
	/* A campaign that loads always says why not when it does not. */
	if (rc != 0 && diag_errors(&diags) == 0)
		abort();
	campaign_validate(&c, inv, &diags);
	campaign_free(&c);
	diag_list_free(&diags);
	return 0;
}
