/*
 * treestat FILE COMMAND [ARG...]: run COMMAND and write to FILE
 * "WALL_MS PEAK_KB EXIT": its wall time and the peak of the summed
 * resident memory of every process it started, daemons included.
 *
 * A process belongs to the run when its environment carries the mark
 * this sets for COMMAND: ssh's ControlPersist masters and Ansible's
 * workers leave the process tree, not the environment they inherited.
 * Memory is sampled every 20 ms; a process is checked for the mark once
 * (its environment is fixed at exec).
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmdstat.h"

#define MARK_VAR	"ESCALATOR_BENCH_TREE"
#define SAMPLE_NS	20000000L

enum seen {
	UNSEEN,
	OTHER,
	MARKED,
};

static unsigned char	*seen;		/* by pid */
static long		 pid_max;
static char		 mark[64];	/* "VAR=VALUE" */

static long
read_pid_max(void)
{
	FILE *f = fopen("/proc/sys/kernel/pid_max", "re");
	long n = 0;

	if (f != NULL) {
		if (fscanf(f, "%ld", &n) != 1)
			n = 0;
		fclose(f);
	}
	return n > 0 ? n : 4194304;
}

/* Whether the process's environment holds our mark. */
static int
has_mark(long pid)
{
	char path[64], buf[65536];
	size_t len = strlen(mark);
	ssize_t n;
	int fd, found = 0;

	snprintf(path, sizeof path, "/proc/%ld/environ", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	/* The mark is the first entry we set; a large environment is
	 * read whole before looking, variables end with NUL. */
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (char *p = buf; p < buf + n && !found; p += strlen(p) + 1)
		found = strncmp(p, mark, len) == 0 && p[len] == '\0';
	return found;
}

static long
rss_kb(long pid)
{
	char path[64];
	long size, resident = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/statm", pid);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	if (fscanf(f, "%ld %ld", &size, &resident) != 2)
		resident = 0;
	fclose(f);
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* The child is looked at until its exec shows the mark. */
static long
sample(pid_t child)
{
	struct dirent *d;
	long total = 0, pid;
	char *end;
	DIR *proc;

	if ((proc = opendir("/proc")) == NULL)
		return 0;
	while ((d = readdir(proc)) != NULL) {
		pid = strtol(d->d_name, &end, 10);
		if (*end != '\0' || pid <= 0 || pid >= pid_max)
			continue;
		if (seen[pid] == UNSEEN || (pid == child && seen[pid] != MARKED))
			seen[pid] = has_mark(pid) ? MARKED : OTHER;
		if (seen[pid] == MARKED)
			total += rss_kb(pid);
	}
	closedir(proc);
	return total;
}

/* Sample until the child exits; its status, or -1. */
static int
watch(pid_t child, long *peak)
{
	struct timespec step = { 0, SAMPLE_NS };
	sigset_t chld;
	int status;
	long kb;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (;;) {
		if ((kb = sample(child)) > *peak)
			*peak = kb;
		if (waitpid(child, &status, WNOHANG) == child)
			return status;
		/* Wakes at once when the child ends. */
		if (sigtimedwait(&chld, NULL, &step) == -1 && errno != EAGAIN &&
		    errno != EINTR)
			return -1;
	}
}

/* SIG_BLOCK: SIGCHLD waits for watch() to take it. */
static void
sigchld_mask(int how)
{
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(how, &chld, NULL);
}

/* The command: SIGCHLD as it was, and our mark. */
static void
child_prep(void)
{
	sigchld_mask(SIG_UNBLOCK);
	putenv(mark);
}

int
main(int argc, char **argv)
{
	long start, peak = 0;
	pid_t pid;
	int status;

	if (argc < 3) {
		fputs("usage: treestat FILE COMMAND [ARG...]\n", stderr);
		return 2;
	}
	pid_max = read_pid_max();
	if ((seen = calloc((size_t)pid_max, 1)) == NULL) {
		perror("treestat");
		return 1;
	}
	snprintf(mark, sizeof mark, MARK_VAR "=%ld", (long)getpid());
	sigchld_mask(SIG_BLOCK);
	start = cmdstat_now_ms();
	if ((pid = cmdstat_spawn(argv + 2, child_prep)) == -1)
		return 1;
	if ((status = watch(pid, &peak)) == -1) {
		perror("treestat: wait");
		return 1;
	}
	free(seen);
	return cmdstat_write(argv[1], cmdstat_now_ms() - start, peak, status);
}
