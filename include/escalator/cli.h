/* The command-line front end: one function per subcommand. */
#ifndef ESCALATOR_CLI_H
#define ESCALATOR_CLI_H

/* Exit codes, documented in README.md and escalator --help. */
#define EXIT_CODE_LIST(X)						\
	X(OK, 0, "success; the campaign reached its goal")		\
	X(FAILURE, 1, "the campaign failed, was rolled back or aborted")	\
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
/* The console (ui/); without it, escalator [FILE] runs nothing. */
int	cmd_console(int argc, char **argv);

/* The default campaign: campaigns/minimal-testbed.cfg, looked up in the
 * source tree first, then in the installed data directory. */
const char *cli_default_campaign(void);

#endif
