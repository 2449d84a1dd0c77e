/*
 * The built-in simulated cluster: a transport whose nodes live in
 * DIR/sim.db, so the cluster survives a kill -9 of the controller the
 * way a real one would. Actions take their step's expected time (with
 * a small jitter fixed by the seed) on the shared clock; faults make
 * them fail, hang, flap, die or be refused, deterministically.
 */
#ifndef ESCALATOR_SIM_H
#define ESCALATOR_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "escalator/campaign.h"
#include "escalator/clock.h"
#include "escalator/inventory.h"
#include "escalator/transport.h"

#define SIM_FILE	"sim.db"

/* X(ENUM, "spec keyword", "help") */
#define SIM_FAULT_LIST(X)						\
	X(FAIL, "fail", "fail:STEP@NODE  the step fails on the node")	\
	X(HANG, "hang", "hang:STEP@NODE  the step never ends (a hang)")	\
	X(FLAP, "flap", "flap:NODE  its health checks fail (once by default)") \
	X(DIE, "die", "die:NODE[@STEP]  the node dies (at STEP, else at its first run step)") \
	X(VNFM_DENY, "vnfm-deny", "vnfm-deny:NODE  its VNF manager says no") \
	X(ALARM, "alarm", "alarm:NODE  the node has an active alarm")	\
	X(UNKNOWN, "unknown", "unknown:STEP@NODE  after a crash, the step's outcome cannot be probed")

enum sim_fault_kind {
#define X(e, s, h) SIM_FAULT_##e,
	SIM_FAULT_LIST(X)
#undef X
	SIM_FAULT_COUNT
};

/*
 * A fault spec: KIND:[STEP@]NODE[%P][xN]. NODE may be '*' (any node),
 * %P fires with probability P percent (decided by the seed), xN fires
 * N times per node (default: always; flap: once).
 */
struct sim_fault {
	enum sim_fault_kind	 kind;
	char			*step;	/* NULL: any step */
	char			*node;	/* NULL: any node */
	int			 percent;
	int			 times;	/* 0: always */
};

int	sim_fault_parse(const char *spec, struct sim_fault *, char **err);
void	sim_fault_free(struct sim_fault *);
/* The grammar, for --help. */
void	sim_fault_help(FILE *);

struct sim_config {
	const struct campaign	*campaign;
	const struct inventory	*inventory;
	const char		*state_dir;
	struct clock		*clock;		/* shared with the engine */
	uint64_t		 seed;
	const struct strv	*faults;	/* besides the campaign's: --fault */
};

/* Open (or create, on the first run) the simulated cluster. A bad fault
 * spec is an error here. Returns NULL with *err (malloc'd). */
struct transport *sim_open(const struct sim_config *, char **err);

/* Inject a fault into a running simulated cluster (the console's
 * "inject fault"); it lasts until the process ends. 0, or -1 and *err
 * (malloc'd) for a bad spec or a transport that is not the simulator. */
int	sim_inject(struct transport *, const char *spec, char **err);

/* The simulator's clock as last persisted, to resume time where it
 * stopped: 0 and *ms, 1 when there is no sim.db yet, -1 on error. */
int	sim_saved_clock(const char *state_dir, int64_t *ms);

/* Every action the cluster ever started, in order: what tests check to
 * prove no step ran twice and that undo went in reverse order. */
struct sim_exec {
	char	*node;
	char	*name;
	bool	 undo;
	char	*state;	/* "running", "done", "failed", "cancelled" */
};
int	sim_history(const char *state_dir, struct sim_exec **, size_t *count,
	    char **err);
void	sim_history_free(struct sim_exec *, size_t count);
/* A node's version as the cluster sees it; malloc'd, NULL if unknown. */
char	*sim_node_version(const char *state_dir, const char *node);

#endif
