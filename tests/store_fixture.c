/*
 * store_fixture DIR: write a small journal and run log into DIR through
 * the real store code, for the status and log command tests.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "escalator/journal.h"
#include "escalator/log.h"

static const struct journal_node nodes[] = {
	{ "controller-1", "2.0", "commit", "ok", false, "upgraded", 0 },
	{ "compute-2", "1.0", "execution", "ok", false, "pending", 0 },
	{ "compute-1", "1.0", "execution", "degraded", true, "running", 0 },
};

static const struct log_entry entries[] = {
	{ 1795630320123, "r1", "procedure:computes", "start", "ok", 0, 0,
	    NULL },
	{ 1795630321000, "r1", "node:compute-1", "maintenance_on", "ok", 0,
	    1500, NULL },
	{ 1795630323200, "r1", "step:computes/compute-1/upgrade", "upgrade",
	    "failed", 1, 3200, "dpkg: error" },
	{ 1795630324000, "r1", "step:computes/compute-2/upgrade", "upgrade",
	    "ok", 0, 2000, NULL },
};

static int
write_journal(const char *dir)
{
	struct journal_run run = {
		.id = "20261125T181200Z-4f2a",
		.campaign_file = "campaigns/minimal-testbed.cfg",
		.operator = "alice",
		.state = "initial",
		.phase = "preparation",
		.started_ms = 1795630320123,
		.updated_ms = 1795630320123,
	};
	struct journal_step step = { .phase = "execution",
	    .procedure = "computes", .batch = 0, .node = "compute-1",
	    .step = "upgrade", .attempt = 1, .started_ms = 1795630320123 };
	struct journal *j;
	char *err;
	int rc = 0;

	if (journal_open(&j, dir, true, &err) == -1) {
		fprintf(stderr, "store_fixture: %s\n", err);
		free(err);
		return -1;
	}
	rc |= journal_run_begin(j, &run);
	rc |= journal_run_set_state(j, "executing", "execution");
	for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++)
		rc |= journal_node_put(j, &nodes[i]);
	rc |= journal_step_intent(j, &step) > 0 ? 0 : -1;
	rc |= journal_event(j, "alice", "approval", "phase:execution",
	    "approved");
	if (rc != 0)
		fprintf(stderr, "store_fixture: %s\n", journal_error(j));
	journal_close(j);
	return rc;
}

static int
write_log(const char *dir)
{
	struct log *l;
	char *err;
	int rc = 0;

	if (log_open(&l, dir, &err) == -1) {
		fprintf(stderr, "store_fixture: %s\n", err);
		free(err);
		return -1;
	}
	for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++)
		rc |= log_write(l, &entries[i]);
	if (rc != 0)
		fprintf(stderr, "store_fixture: %s\n", log_error(l));
	log_close(l);
	return rc;
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: store_fixture DIR\n", stderr);
		return 2;
	}
	if (write_journal(argv[1]) == -1 || write_log(argv[1]) == -1)
		return 1;
	return 0;
}
