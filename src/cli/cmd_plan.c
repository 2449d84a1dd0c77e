/* escalator plan FILE [--json]: the expected timeline of a campaign. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "escalator/campaign.h"
#include "escalator/cli.h"
#include "escalator/diag.h"
#include "escalator/inventory.h"
#include "escalator/plan.h"

static void
plan_usage(FILE *out)
{
	fputs("usage: escalator plan FILE [--json] [--lock-step] "
	    "[--inventory FILE]\n"
	    "\n"
	    "Resolve the campaign's targets against the inventory, order its\n"
	    "procedures, split them into batches that honour every constraint\n"
	    "and print the expected timeline (per step, batch, procedure and\n"
	    "campaign) and the planned outage per service against the budget.\n"
	    "Nodes start in free slots: when one finishes, the next starts as\n"
	    "soon as the batch cap and every constraint allow.\n"
	    "\n"
	    "  --json            print the plan as one JSON object\n"
	    "  --lock-step       plan each batch to wait for its slowest node\n"
	    "                    and its tests (Ansible's serial), to compare\n"
	    "  --inventory FILE  use this inventory instead of the one the\n"
	    "                    campaign names (libconfig or Ansible JSON)\n"
	    "\n"
	    "exit: 0 with a plan, 3 when the campaign or inventory is invalid\n"
	    "or cannot finish under its constraints, 2 on bad usage\n", out);
}

/* Load, validate and plan; every problem goes to diags. */
static int
build(struct plan *pl, struct campaign *c, struct inventory *inv,
    const char *file, const char *inv_path, enum plan_mode mode,
    struct diag_list *diags)
{
	if (campaign_load(c, file, diags) == -1)
		return -1;
	if (inv_path == NULL)
		inv_path = c->inventory_path;
	if (inv_path == NULL) {
		diag_error(diags, file, 0, "name one with inventory = \"FILE\" "
		    "or --inventory FILE", "the campaign names no inventory");
		return -1;
	}
	if (inventory_load(inv, inv_path, diags) == -1 ||
	    campaign_validate(c, inv, diags) == -1 ||
	    diag_errors(diags) > 0)
		return -1;
	return plan_build_mode(pl, c, inv, mode, diags);
}

int
cmd_plan(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "lock-step", no_argument, NULL, 'l' },
		{ "inventory", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct diag_list diags = { NULL, 0, 0 };
	enum plan_mode mode = PLAN_FREE_SLOTS;
	const char *inv_path = NULL;
	struct campaign c;
	struct inventory inv;
	struct plan pl;
	bool json = false;
	int ch, rc = EXIT_OK;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "jli:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = true;
			break;
		case 'l':
			mode = PLAN_LOCK_STEP;
			break;
		case 'i':
			inv_path = optarg;
			break;
		case 'h':
			plan_usage(stdout);
			return EXIT_OK;
		default:
			plan_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		plan_usage(stderr);
		return EXIT_USAGE;
	}
	memset(&c, 0, sizeof c);
	memset(&inv, 0, sizeof inv);
	memset(&pl, 0, sizeof pl);
	if (build(&pl, &c, &inv, argv[optind], inv_path, mode, &diags) == -1)
		rc = EXIT_INVALID;
	diag_print(&diags, stderr);
	if (rc == EXIT_OK && json)
		plan_print_json(&pl, stdout);
	else if (rc == EXIT_OK)
		plan_print(&pl, stdout);
	plan_free(&pl);
	inventory_free(&inv);
	campaign_free(&c);
	diag_list_free(&diags);
	return rc;
}
