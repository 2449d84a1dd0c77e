/* Scratch state directories for the store tests. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escalator/util.h"
#include "tmpdir.h"

char *
tmpdir_make(void)
{
	const char *base = getenv("TMPDIR");
	char *path;

	path = xasprintf("%s/escalator-store-XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp");
	if (mkdtemp(path) == NULL) {
		perror(path);
		abort();
	}
	return path;
}

static void
tmpdir_remove_dir(const char *path)
{
	struct dirent *de;
	DIR *d;
	char *file;

	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		file = xasprintf("%s/%s", path, de->d_name);
		if (unlink(file) == -1)
			tmpdir_remove_dir(file);
		free(file);
	}
	closedir(d);
	rmdir(path);
}

void
tmpdir_remove(char *path)
{
	tmpdir_remove_dir(path);
	free(path);
}
