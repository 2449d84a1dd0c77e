/*
 * test_engine_simdump DIR: every action the simulated cluster in DIR ever
 * started, one per line in order, "NODE STEP do|undo STATE", for the
 * shell tests that prove no step ran twice.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "escalator/sim.h"

int
main(int argc, char **argv)
{
	struct sim_exec *h;
	size_t n;
	char *err = NULL;

	if (argc != 2) {
		fputs("usage: test_engine_simdump STATE-DIR\n", stderr);
		return 2;
	}
	if (sim_history(argv[1], &h, &n, &err) == -1) {
		fprintf(stderr, "test_engine_simdump: %s\n", err);
		free(err);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		printf("%s %s %s %s\n", h[i].node, h[i].name,
		    h[i].undo ? "undo" : "do", h[i].state);
	sim_history_free(h, n);
	return 0;
}
