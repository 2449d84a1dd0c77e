/* escalator: dispatch to a subcommand. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "escalator/cli.h"
#include "escalator/ui.h"

struct command {
	const char	*name;
	int		(*run)(int, char **);
	const char	*help;
};

static const struct command commands[] = {
	{ "check", cmd_check, "check FILE          validate a campaign" },
	{ "plan", cmd_plan, "plan FILE [--json]  print the expected timeline" },
	{ "run", cmd_run, "run FILE --batch    run a campaign without the console" },
	{ "resume", cmd_resume, "resume --state-dir DIR  carry on after a stop or crash" },
	{ "status", cmd_status, "status --state-dir DIR [--json]" },
	{ "log", cmd_log, "log --state-dir DIR [--node N] [--errors]" },
};

static void
usage(FILE *out)
{
	fputs("usage: escalator [FILE]\n", out);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "       escalator %s\n", commands[i].help);
	fputs("       escalator --version | --help\n"
	    "\nexit codes:\n", out);
#define X(e, n, h) fprintf(out, "  %d  %s\n", n, h);
	EXIT_CODE_LIST(X)
#undef X
	fputs("\n'escalator COMMAND --help' tells more.\n", out);
}

int
main(int argc, char **argv)
{
	/* A node's connection, a jump host's ssh or a reader of our output
	 * may go away while we write to it: that is an error to report
	 * (EPIPE), never a reason to die with a half-written journal. */
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
		printf("escalator %s\n", PACKAGE_VERSION);
		return EXIT_OK;
	}
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; argc >= 2 &&
	    i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	if (argc >= 2 && argv[1][0] == '-' && argv[1][1] != '\0' &&
	    strncmp(argv[1], "--", 2) != 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return ui_main(argc, argv);
}
