/* The command-line front end: one function per subcommand. */
#ifndef ESCALATOR_CLI_H
#define ESCALATOR_CLI_H

/* Exit codes, documented in README.md and escalator --help. */
#define EXIT_CODE_LIST(X)						\
	X(OK, 0, "success; the campaign reached its goal")		\
	X(FAILED, 1, "the campaign failed, was rolled back or aborted")	\
	X(USAGE, 2, "bad command line")					\
	X(INVALID, 3, "the campaign, inventory or state is invalid")	\
	X(WAITING, 4, "stopped for a decision nobody gave (batch mode)")	\
	X(DENIED, 5, "the operator's role does not allow this")

enum exit_code {
#define X(e, n, h) EXIT_##e = n,
	EXIT_CODE_LIST(X)
#undef X
};

int	cmd_check(int argc, char **argv);
int	cmd_plan(int argc, char **argv);
int	cmd_run(int argc, char **argv);
int	cmd_resume(int argc, char **argv);
int	cmd_status(int argc, char **argv);
int	cmd_log(int argc, char **argv);
/*
 * The options of a command NAME that reads a state directory: --state-dir
 * (val 'd') and --help ('h') are handled here, the others of opts go to
 * option(val, optarg, ctx); bad usage is reported with usage. -1 to go on
 * with *dir set, else the exit code to return.
 */
struct option;
int	cli_state_dir_options(const char *name, const char *usage, int argc,
	    char **argv, const struct option *opts,
	    void (*option)(int, const char *, void *), void *ctx,
	    const char **dir);

#endif
