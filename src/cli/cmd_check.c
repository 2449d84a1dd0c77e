/* escalator check FILE [--inventory FILE]: every error, or "ok". */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "escalator/campaign.h"
#include "escalator/cli.h"
#include "escalator/diag.h"
#include "escalator/inventory.h"

static void
check_usage(FILE *out)
{
	fputs("usage: escalator check FILE [--inventory FILE]\n"
	    "\n"
	    "Validate a campaign and its inventory: syntax, keys, types,\n"
	    "references, dependency cycles, selectors, timeouts, undo for\n"
	    "graceful rollback, constraints, outage budget and window.\n"
	    "Every problem is printed as FILE:LINE: error: MESSAGE.\n"
	    "\n"
	    "  --inventory FILE  use this inventory instead of the one the\n"
	    "                    campaign names (libconfig or Ansible JSON)\n"
	    "\n"
	    "exit: 0 when clean, 3 when anything is wrong, 2 on bad usage\n",
	    out);
}

int
cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "inventory", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct diag_list diags = { NULL, 0, 0 };
	struct campaign c;
	struct inventory inv;
	const char *inv_path = NULL;
	int ch, rc = EXIT_OK;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "i:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'i':
			inv_path = optarg;
			break;
		case 'h':
			check_usage(stdout);
			return EXIT_OK;
		default:
			check_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		check_usage(stderr);
		return EXIT_USAGE;
	}
	campaign_load(&c, argv[optind], &diags);
	if (inv_path == NULL)
		inv_path = c.inventory_path;
	memset(&inv, 0, sizeof inv);
	/* Validate even a campaign with errors: the inventory-side problems
	 * are worth knowing in the same run. */
	if (inv_path != NULL && inventory_load(&inv, inv_path, &diags) == 0)
		campaign_validate(&c, &inv, &diags);
	diag_print(&diags, stderr);
	if (diag_errors(&diags) > 0)
		rc = EXIT_INVALID;
	else
		printf("%s: ok (%zu procedures, %zu nodes)\n", argv[optind],
		    c.nprocedures, inv.count);
	inventory_free(&inv);
	campaign_free(&c);
	diag_list_free(&diags);
	return rc;
}
