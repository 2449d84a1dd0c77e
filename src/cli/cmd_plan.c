#include "config.h"
#include <stdio.h>
#include "escalator/cli.h"
int
cmd_plan(int argc, char **argv)
{
	(void)argc; (void)argv;
	fputs("escalator: plan: not built yet\n", stderr);
	return EXIT_USAGE;
}
