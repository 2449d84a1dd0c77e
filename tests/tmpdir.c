/* Scratch directories for the tests. */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "escalator/util.h"
#include "tmpdir.h"

const char *
tmpdir_base(void)
{
	const char *base = getenv("TMPDIR");

	return base != NULL && *base != '\0' ? base : "/tmp";
}

char *
tmpdir_make(void)
{
	char *path = xasprintf("%s/escalator-test-XXXXXX", tmpdir_base());

	if (mkdtemp(path) == NULL) {
		perror(path);
		abort();
	}
	return path;
}

static int
remove_one(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) == -1 && errno != ENOENT ? -1 : 0;
}

void
tmpdir_remove(char *path)
{
	if (path != NULL)
		nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	free(path);
}
