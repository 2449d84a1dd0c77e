#include "config.h"
#include <stdio.h>
#include "escalator/cli.h"
int
cmd_check(int argc, char **argv)
{
	(void)argc; (void)argv;
	fputs("escalator: check: not built yet\n", stderr);
	return EXIT_USAGE;
}
