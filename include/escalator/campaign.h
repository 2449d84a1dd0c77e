/*
 * The campaign model: what to upgrade, in what order, how, and how to
 * recover. Parsed from a libconfig file; every object keeps the line it
 * came from so the validator can point at it. doc/campaign.md is the
 * reference of the file format.
 */
#ifndef ESCALATOR_CAMPAIGN_H
#define ESCALATOR_CAMPAIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "escalator/diag.h"
#include "escalator/inventory.h"
#include "escalator/util.h"

/* X(ENUM, "name in the file", "help") */
#define STEP_ACTION_LIST(X)						\
	X(RUN, "run", "run a command on the node (undo: its inverse)")	\
	X(HTTP, "http", "HTTP request or health probe")			\
	X(WAIT, "wait", "wait for a fixed time")			\
	X(MAINTENANCE_ON, "maintenance_on",				\
	    "hand the node's load over and put it into maintenance")	\
	X(MAINTENANCE_OFF, "maintenance_off",				\
	    "take the node out of maintenance and give its load back")	\
	X(BACKUP, "backup", "back up a named backup item")		\
	X(TEST, "test", "run a named test")				\
	X(APPROVAL, "approval", "manual approval gate")			\
	X(VNF_COORDINATION, "vnf_coordination",				\
	    "wait until the VNF manager says the node's VNFs are ready")

enum step_action {
#define X(e, s, h) STEP_##e,
	STEP_ACTION_LIST(X)
#undef X
	STEP_ACTION_COUNT
};

#define ON_FAILURE_LIST(X)						\
	X(RETRY, "retry", "run the step again, up to retries times")	\
	X(PAUSE, "pause", "suspend the campaign for the operator")	\
	X(ROLLBACK, "rollback", "undo executed steps in reverse order")	\
	X(RESTORE, "restore", "restore from the campaign backup")	\
	X(CONTINUE, "continue", "mark the node failed and go on")	\
	X(ABORT, "abort", "stop the campaign where it is")

enum on_failure {
#define X(e, s, h) ON_FAILURE_##e,
	ON_FAILURE_LIST(X)
#undef X
	ON_FAILURE_COUNT
};

#define METHOD_LIST(X)							\
	X(ROLLING, "rolling", "batches of nodes in turn, in free slots")	\
	X(SINGLE_STEP, "single-step", "every node at once, as one unit")	\
	X(PARALLEL, "parallel", "every node at once, each on its own")

enum method {
#define X(e, s, h) METHOD_##e,
	METHOD_LIST(X)
#undef X
	METHOD_COUNT
};

const char	*step_action_name(enum step_action);
const char	*on_failure_name(enum on_failure);
const char	*method_name(enum method);
/* The value called s in the file; false when there is none. */
bool		 step_action_parse(const char *, enum step_action *);
bool		 on_failure_parse(const char *, enum on_failure *);
bool		 method_parse(const char *, enum method *);

struct selector {
	struct strv	 roles;		/* any of these roles (empty: any) */
	struct label	*labels;	/* and every one of these labels */
	size_t		 nlabels;
	int		 line;
};

struct step {
	char			*name;
	enum step_action	 action;
	int			 line;
	char			*command;	/* run */
	char			*undo;		/* run: inverse command */
	char			*url;		/* http; "{address}" etc. expand */
	char			*http_method;	/* default GET */
	char			*body;
	int			 expect_status;	/* default 200 */
	struct label		*expect_json;	/* "field.path" = "value" */
	size_t			 nexpect_json;
	char			*handover;	/* maintenance: "lb", "vim", "none" */
	char			*item;		/* backup: item name */
	char			*test;		/* test: test name */
	char			*message;	/* approval, vnf_coordination */
	bool			 sets_version;	/* success: node runs to_version */
	int64_t			 timeout_ms;	/* expected duration; past it: hang */
	int64_t			 expected_ms;	/* for the timeline; <= timeout */
	int			 retries;
	enum on_failure		 on_failure;
};

struct batch_spec {
	int	value;		/* count, or percent when percent is set */
	bool	percent;
};

struct procedure {
	char			*name;
	int			 line;
	struct selector		 target;
	struct strv		 depends_on;
	int			 level;		/* execution level, 0: unset */
	enum method		 method;
	/* Rolling: [1, 5, "25%"] means a canary of 1, then 5, both gated
	 * by their tests, then 25% at a time in free slots. A single value
	 * is free slots throughout. */
	struct batch_spec	*batches;
	size_t			 nbatches;
	int			 max_failure_percent;
	struct strv		 components;	/* impact metadata, by name */
	struct strv		 tests;		/* after each batch and at the end */
	struct step		*steps;
	size_t			 nsteps;
};

struct ha_rule {
	char	*group;		/* value of the ha_group label */
	int	 max_unavailable;
	int	 quorum;	/* members that must stay up, 0: none */
	int	 line;
};

struct vnf_rule {
	char	*vnf;
	int	 max_impacted_members;	/* instances down at once */
	char	*anti_affinity_group;	/* instances must be on distinct hosts */
	int	 line;
};

struct component {
	char	*name;
	char	*service;	/* end-user service it belongs to */
	char	*function_lost;
	int64_t	 outage_ms;	/* expected outage per node upgraded */
	int	 line;
};

struct backup_item {
	char		*name;
	struct selector	 target;
	bool		 once;		/* on one matching node only (db dump) */
	struct strv	 files;		/* files and directories */
	char		*command;	/* its output is saved */
	char		*restore;	/* command that restores it */
	int		 line;
};

struct version_file {
	char		*path;		/* relative to the campaign file */
	char		*source;	/* path resolved against its directory */
	char		*sha256;
	char		*dest;		/* absolute path on the nodes; NULL: none */
	struct selector	 target;	/* the nodes it goes to (empty: all) */
	int		 line;
};

struct operator_def {
	char	*name;
	char	*role;		/* viewer, operator, approver, admin */
	int	 line;
};

/* monitor { interval; checks; on_failure }: health checks polled on
 * every node from validation to the end of testing. */
struct monitor_def {
	bool		 enabled;
	int64_t		 interval_ms;
	size_t		*checks;	/* indices into campaign.health */
	size_t		 nchecks;
	enum on_failure	 on_failure;	/* pause or continue */
	int		 line;
};

/* One request to the VIM, and the poll that waits for its effect. */
struct vim_request {
	char			*method;
	char			*url;		/* "{name}" etc. expand */
	char			*body;		/* NULL: none */
	int			 expect_status;	/* default 200 */
	struct label		*expect_json;
	size_t			 nexpect_json;
	int64_t			 timeout_ms;	/* its own; 0: the step's */
	int			 line;
	/* A GET repeated every interval_ms until it answers as expected,
	 * within the step's timeout; NULL: the request is enough. */
	struct vim_request	*ready;
	int64_t			 interval_ms;	/* ready only */
};

/* vim { maintenance_on; maintenance_off; headers; ca_file }: how
 * handover "vim" asks the VIM to take a host out of service and to
 * give it back. */
struct vim_def {
	bool			 enabled;
	struct vim_request	 on, off;
	/* "Name: value"; {env:NAME} is read from the controller's
	 * environment at request time. They may hold tokens: never shown,
	 * logged or journaled. */
	struct strv		 headers;
	char			*ca_file;	/* resolved; NULL: the system's */
	int			 line;
};

struct campaign {
	char			*file;
	char			*dir;		/* directory of file */
	char			*name;
	char			*description;
	char			*from_version;
	char			*to_version;
	char			*inventory_path; /* resolved against dir */
	int			 inventory_line;
	int64_t			 outage_budget_ms; /* -1: none */
	int			 outage_budget_line;
	int			 max_failure_percent;

	bool			 has_window;	/* daily, UTC, minutes of day */
	int			 window_start_min;
	int			 window_end_min;
	int			 window_line;

	struct ha_rule		*ha_rules;
	size_t			 nha_rules;
	struct vnf_rule		*vnf_rules;
	size_t			 nvnf_rules;
	struct component	*components;
	size_t			 ncomponents;
	struct backup_item	*backups;
	size_t			 nbackups;
	struct step		*tests;		/* named tests, action run/http */
	size_t			 ntests;
	struct step		*health;	/* validation-phase checks */
	size_t			 nhealth;
	struct monitor_def	 monitor;
	struct vim_def		 vim;
	struct version_file	*version_files;
	size_t			 nversion_files;
	struct operator_def	*operators;
	size_t			 noperators;
	struct procedure	*procedures;
	size_t			 nprocedures;

	/* simulation { seed; start; faults } for the built-in simulator */
	uint64_t		 sim_seed;
	char			*sim_start;	/* ISO 8601 UTC, may be NULL */
	struct strv		 sim_faults;
};

/* Parse a campaign file. Reports every syntax, key and type error.
 * Returns 0, or -1 when anything was added as an error. */
int	campaign_load(struct campaign *, const char *path, struct diag_list *);
void	campaign_free(struct campaign *);

/* Semantic checks against the inventory: cycles, empty selectors,
 * missing undo and timeouts, unsatisfiable constraints, budget. */
int	campaign_validate(const struct campaign *, const struct inventory *,
	    struct diag_list *);

/* Planned end-user outage per service: for every procedure, each of its
 * components' outage times the nodes it upgrades. *out is malloc'd, one
 * entry per service, in order of first appearance; returns the count. */
struct service_outage {
	const char	*service;	/* points into the campaign */
	int64_t		 outage_ms;
};
size_t	campaign_service_outages(const struct campaign *,
	    const struct inventory *, struct service_outage **out);

bool	selector_match(const struct selector *, const struct node *);

const struct procedure	*campaign_procedure(const struct campaign *,
			    const char *name);
const struct step	*campaign_test(const struct campaign *, const char *);
const struct component	*campaign_component(const struct campaign *,
			    const char *);
const struct backup_item *campaign_backup(const struct campaign *,
			    const char *);
/* What a backup can save and put back: an absolute path without "." or
 * ".." steps, tabs, newlines or backslashes. */
bool	backup_path_valid(const char *);

#endif
