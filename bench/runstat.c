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
#include <time.h>
#include <unistd.h>

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int
main(int argc, char **argv)
{
	struct rusage ru;
	long start;
	pid_t pid;
	FILE *out;
	int status;

	if (argc < 3) {
		fputs("usage: runstat FILE COMMAND [ARG...]\n", stderr);
		return 2;
	}
	start = now_ms();
	if ((pid = fork()) == -1) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) == -1) {
		perror("wait4");
		return 1;
	}
	if ((out = fopen(argv[1], "w")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	/* ru_maxrss is in kilobytes on Linux. */
	fprintf(out, "%ld %ld %d\n", now_ms() - start, ru.ru_maxrss,
	    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return fclose(out) == 0 ? 0 : 1;
}
