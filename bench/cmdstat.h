/* What runstat and treestat share: the command run, its figures written. */
#ifndef BENCH_CMDSTAT_H
#define BENCH_CMDSTAT_H

#include <sys/types.h>

/* Milliseconds on CLOCK_MONOTONIC. */
long	cmdstat_now_ms(void);
/* Forks; the child runs prep (when not NULL), then execs argv[0] with
 * argv. The child's pid, or -1 with the error printed. */
pid_t	cmdstat_spawn(char **argv, void (*prep)(void));
/* Writes "WALL_MS KB EXIT" to file, EXIT being the exit status, or 128
 * and the signal's number; the program's exit status, 0 or 1. */
int	cmdstat_write(const char *file, long wall_ms, long kb, int status);

#endif
