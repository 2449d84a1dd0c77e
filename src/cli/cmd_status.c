/* escalator status: the journal's run, phase and every node, read-only. */
#include "config.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "escalator/cli.h"
#include "escalator/journal.h"

static const char status_usage[] =
    "usage: escalator status --state-dir DIR [--json]\n"
    "\n"
    "Print the state and phase of the run recorded in DIR, the count\n"
    "of nodes and steps per status, every node's version, status,\n"
    "phase, health and maintenance, and the recent events. It only\n"
    "reads, and may be used while the run is going on.\n"
    "\n"
    "  --state-dir DIR  the run's state directory\n"
    "  --json           print one JSON object instead\n"
    "  --help           print this help\n";

/* --json is the only option of status's own. */
static void
status_option(int opt, const char *arg, void *ctx)
{
	bool *json = ctx;

	(void)arg;
	if (opt == 'j')
		*json = true;
}

int
cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state-dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir;
	struct journal *j;
	bool json = false;
	char *err, *text;
	int rc;

	if ((rc = cli_state_dir_options("status", status_usage, argc, argv,
	    opts, status_option, &json, &dir)) != -1)
		return rc;
	if (journal_open_readonly(&j, dir, &err) == -1) {
		fprintf(stderr, "escalator: status: %s\n", err);
		free(err);
		return EXIT_INVALID;
	}
	if (json) {
		if ((text = journal_status_json(j)) != NULL)
			printf("%s\n", text);
		rc = text != NULL ? 0 : -1;
		free(text);
	} else
		rc = journal_status_print(j, stdout);
	if (rc == -1)
		fprintf(stderr, "escalator: status: %s\n", journal_error(j));
	journal_close(j);
	return rc == 0 ? EXIT_OK : EXIT_INVALID;
}
