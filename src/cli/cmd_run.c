#include "config.h"
#include <stdio.h>
#include "escalator/cli.h"
int cmd_run(int argc, char **argv) { (void)argc; (void)argv; return EXIT_USAGE; }
int cmd_resume(int argc, char **argv) { (void)argc; (void)argv; return EXIT_USAGE; }
int cmd_console(int argc, char **argv) { (void)argc; (void)argv; return EXIT_USAGE; }
