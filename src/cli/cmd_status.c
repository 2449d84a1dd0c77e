#include "config.h"
#include <stdio.h>
#include "escalator/cli.h"
int
cmd_status(int argc, char **argv)
{
	(void)argc; (void)argv;
	fputs("escalator: status: not built yet\n", stderr);
	return EXIT_USAGE;
}
