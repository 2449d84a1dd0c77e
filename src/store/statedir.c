/* Checks that the state directory and its files stay private. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "escalator/util.h"
#include "statedir.h"

/* mkdir -p, every directory made 0700. */
static int
make_dirs(const char *dir)
{
	char *parent, *slash;
	int rc;

	if (mkdir(dir, 0700) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -1;
	parent = xstrdup(dir);
	slash = strrchr(parent, '/');
	while (slash != NULL && slash > parent && slash[-1] == '/')
		slash--;
	if (slash == NULL || slash == parent) {
		free(parent);
		errno = ENOENT;
		return -1;
	}
	*slash = '\0';
	rc = make_dirs(parent);
	free(parent);
	if (rc == -1)
		return -1;
	return mkdir(dir, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

int
statedir_check(const char *dir, bool create, char **err)
{
	struct stat st;

	if (stat(dir, &st) == -1) {
		if (errno != ENOENT || !create) {
			*err = xasprintf("%s: %s", dir, strerror(errno));
			return -1;
		}
		if (make_dirs(dir) == -1) {
			*err = xasprintf("%s: cannot create the state "
			    "directory: %s", dir, strerror(errno));
			return -1;
		}
		if (stat(dir, &st) == -1) {
			*err = xasprintf("%s: %s", dir, strerror(errno));
			return -1;
		}
	}
	if (!S_ISDIR(st.st_mode)) {
		*err = xasprintf("%s: not a directory", dir);
		return -1;
	}
	if ((st.st_mode & 077) != 0) {
		*err = xasprintf("%s: mode %04o lets other users into the "
		    "state directory; fix it with: chmod 700 %s", dir,
		    (unsigned)(st.st_mode & 07777), dir);
		return -1;
	}
	return 0;
}

int
statefile_check(const char *path, char **err)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		if (errno == ENOENT)
			return 1;
		*err = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		*err = xasprintf("%s: not a regular file", path);
		return -1;
	}
	if ((st.st_mode & 077) != 0) {
		*err = xasprintf("%s: mode %04o lets other users read the "
		    "state; fix it with: chmod 600 %s", path,
		    (unsigned)(st.st_mode & 07777), path);
		return -1;
	}
	return 0;
}
