/* What runstat and treestat share: the command run, its figures written. */
#define _GNU_SOURCE
#include <sys/wait.h>

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cmdstat.h"

long
cmdstat_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

pid_t
cmdstat_spawn(char **argv, void (*prep)(void))
{
	pid_t pid;

	if ((pid = fork()) == -1) {
		perror("fork");
		return -1;
	}
	if (pid == 0) {
		if (prep != NULL)
			prep();
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	return pid;
}

int
cmdstat_write(const char *file, long wall_ms, long kb, int status)
{
	FILE *out;

	if ((out = fopen(file, "w")) == NULL) {
		perror(file);
		return 1;
	}
	fprintf(out, "%ld %ld %d\n", wall_ms, kb, WIFEXITED(status) ?
	    WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return fclose(out) == 0 ? 0 : 1;
}
