/* escalator log: the run log, for people, filtered by node or errors. */
#include "config.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "escalator/cli.h"
#include "escalator/log.h"

static const char log_usage[] =
    "usage: escalator log --state-dir DIR [--node N] [--errors] [--json]\n"
    "\n"
    "Print the run log of DIR, one entry a line: time, object,\n"
    "action, result, error code, duration and message.\n"
    "\n"
    "  --state-dir DIR  the run's state directory\n"
    "  --node N         only node N and the steps run on it\n"
    "  --errors         only entries whose result is not ok\n"
    "  --json           print the selected JSON lines as they are\n"
    "  --help           print this help\n";

struct log_filter {
	const char	*node;
	bool		 errors;
	bool		 json;
};

static void
log_option(int opt, const char *arg, void *ctx)
{
	struct log_filter *f = ctx;

	switch (opt) {
	case 'n':
		f->node = arg;
		break;
	case 'e':
		f->errors = true;
		break;
	case 'j':
		f->json = true;
		break;
	}
}

int
cmd_log(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state-dir", required_argument, NULL, 'd' },
		{ "node", required_argument, NULL, 'n' },
		{ "errors", no_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct log_filter f = { NULL, false, false };
	const char *dir;
	char *err;
	int rc;

	if ((rc = cli_state_dir_options("log", log_usage, argc, argv, opts,
	    log_option, &f, &dir)) != -1)
		return rc;
	rc = f.json ? log_print_json(dir, f.node, f.errors, stdout, &err) :
	    log_print(dir, f.node, f.errors, stdout, &err);
	if (rc == -1) {
		fprintf(stderr, "escalator: log: %s\n", err);
		free(err);
		return EXIT_INVALID;
	}
	return EXIT_OK;
}
