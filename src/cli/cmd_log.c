#include "config.h"
#include <stdio.h>
#include "escalator/cli.h"
int
cmd_log(int argc, char **argv)
{
	(void)argc; (void)argv;
	fputs("escalator: log: not built yet\n", stderr);
	return EXIT_USAGE;
}
