/* The command line of the commands that read a state directory. */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>

#include "escalator/cli.h"

static int state_usage_error(const char *, const char *, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
state_usage_error(const char *name, const char *usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "escalator: %s: ", name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(usage, stderr);
	return EXIT_USAGE;
}

int
cli_state_dir_options(const char *name, const char *usage, int argc,
    char **argv, const struct option *opts,
    void (*option)(int, const char *, void *), void *ctx, const char **dir)
{
	int c;

	*dir = NULL;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			*dir = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		case ':':
			return state_usage_error(name, usage,
			    "%s needs a value", argv[optind - 1]);
		case '?':
			return state_usage_error(name, usage,
			    "unknown option %s", argv[optind - 1]);
		default:
			option(c, optarg, ctx);
		}
	}
	if (*dir == NULL)
		return state_usage_error(name, usage,
		    "--state-dir is required");
	if (optind != argc)
		return state_usage_error(name, usage, "too many arguments");
	return -1;
}
