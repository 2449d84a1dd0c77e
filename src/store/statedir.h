/*
 * The state directory and the files in it hold operational details
 * (addresses, versions, operator names): only their owner may read them.
 * Private to the store module.
 */
#ifndef ESCALATOR_STORE_STATEDIR_H
#define ESCALATOR_STORE_STATEDIR_H

#include <stdbool.h>

/* Check DIR is a directory nobody else can access; with create, make it
 * 0700 when missing. 0, or -1 and *err (malloc'd). */
int	statedir_check(const char *dir, bool create, char **err);

/* Check PATH, when it exists, is a regular file nobody else can access.
 * 0 when it is safe, 1 when it does not exist, -1 and *err otherwise. */
int	statefile_check(const char *path, char **err);

#endif
