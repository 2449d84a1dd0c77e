/* The command-line front end: one function per subcommand. */
#ifndef ESCALATOR_CLI_H
#define ESCALATOR_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

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

/*
 * The transport options of run, resume and the console, in one place:
 * the long options (values from CLI_OPT_SSH on, for a command's option
 * table), their help, the check against the simulator's options, what
 * a run records of them and how a resumed run gets them back, and the
 * engine configuration that opens the transport.
 */
#define CLI_TRANSPORT_OPTIONS						\
	{ "ssh", no_argument, NULL, CLI_OPT_SSH },			\
	{ "identity", required_argument, NULL, CLI_OPT_IDENTITY },	\
	{ "known-hosts", required_argument, NULL, CLI_OPT_KNOWN_HOSTS }, \
	{ "accept-new-host-keys", no_argument, NULL, CLI_OPT_ACCEPT_NEW }, \
	{ "haproxy-socket", required_argument, NULL,			\
	    CLI_OPT_HAPROXY_SOCKET },					\
	{ "haproxy-backend", required_argument, NULL,			\
	    CLI_OPT_HAPROXY_BACKEND },					\
	{ "jump", required_argument, NULL, CLI_OPT_JUMP }

enum cli_transport_opt {
	CLI_OPT_SSH = 1024, CLI_OPT_IDENTITY, CLI_OPT_KNOWN_HOSTS,
	CLI_OPT_ACCEPT_NEW, CLI_OPT_HAPROXY_SOCKET, CLI_OPT_HAPROXY_BACKEND,
	CLI_OPT_JUMP,
	CLI_OPT_TRANSPORT_END,	/* past the last: keep it last */
};

struct cli_transport {
	bool		 ssh;		/* else the simulator */
	char		*identity_file;	/* paths made absolute */
	char		*known_hosts;
	bool		 accept_new_host_keys;
	char		*haproxy_socket;
	char		*haproxy_backend;
	char		*jump;		/* [user@]host[:port] */
	const char	*ssh_only;	/* an option given that needs --ssh */
	void		*config;	/* what cli_transport_setup opens */
	char		*recorded;	/* what the run keeps of it (JSON) */
};

/* Take one option; false when ch is not a transport option. */
bool	cli_transport_option(struct cli_transport *, int ch, const char *arg);
/* sim_opt: a simulator option given (NULL: none). 0, or -1 reported. */
int	cli_transport_check(const struct cli_transport *, const char *sim_opt);
void	cli_transport_help(FILE *);
/* From a run's recorded options (the journal's JSON): 0, or -1 when its
 * transport cannot be reopened (reported, naming dir). */
int	cli_transport_recorded(struct cli_transport *, const char *options,
	    const char *dir);
/* Point cfg (campaign, inventory and state_dir set) at the transport:
 * nothing for the simulator; over SSH in real time, connecting to every
 * node ahead. t must outlive the engine. */
struct engine_config;
void	cli_transport_setup(struct cli_transport *, struct engine_config *);
void	cli_transport_free(struct cli_transport *);

/*
 * The health lines of run and resume: failures and recoveries as they
 * come, first healthy results as one line per check ("health api-up:
 * 40 of 40 nodes ok") once every node has reported or an interval has
 * passed since the check's first result.
 */
struct campaign;
struct inventory;
struct engine_event;
struct cli_health;
struct cli_health *cli_health_new(const struct campaign *,
	    const struct inventory *);
void	cli_health_free(struct cli_health *);
/* Take a health event: whether its own line is to be printed. */
bool	cli_health_event(struct cli_health *, const struct engine_event *);
/* A check's summary due at now_ms (campaign clock), any pending one
 * with all; malloc'd, NULL when none is. */
char	*cli_health_due(struct cli_health *, int64_t now_ms, bool all);
/* A summary waits for nodes or for time to pass. */
bool	cli_health_pending(const struct cli_health *);

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
