/*
 * runstat FILE COMMAND [ARG...]: run COMMAND and write its wall time and
 * peak resident memory to FILE as "WALL_MS MAXRSS_KB EXIT". Portable
 * where GNU time is not installed; getrusage of the one child we wait for.
 */
#define _GNU_SOURCE
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <stdio.h>

#include "cmdstat.h"

int
main(int argc, char **argv)
{
	struct rusage ru;
	long start;
	pid_t pid;
	int status;

	if (argc < 3) {
		fputs("usage: runstat FILE COMMAND [ARG...]\n", stderr);
		return 2;
	}
	start = cmdstat_now_ms();
	if ((pid = cmdstat_spawn(argv + 2, NULL)) == -1)
		return 1;
	if (wait4(pid, &status, 0, &ru) == -1) {
		perror("wait4");
		return 1;
	}
	/* ru_maxrss is in kilobytes on Linux. */
	return cmdstat_write(argv[1], cmdstat_now_ms() - start, ru.ru_maxrss,
	    status);
}
