/* The scratch files fuzz targets load their input from. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escalator/util.h"
#include "fuzz.h"

static char	*dir;

static void
cleanup(void)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	if (system(cmd) != 0)
		fprintf(stderr, "fuzz: cannot remove %s\n", dir);
	free(cmd);
	free(dir);
}

const char *
fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	static char *path;
	FILE *f;

	if (dir == NULL) {
		const char *tmp = getenv("TMPDIR");

		dir = xasprintf("%s/escalator-fuzz-XXXXXX", tmp ? tmp : "/tmp");
		if (mkdtemp(dir) == NULL) {
			perror("fuzz: mkdtemp");
			abort();
		}
		atexit(cleanup);
	}
	free(path);
	path = xasprintf("%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(data, 1, size, f) != size || fclose(f) != 0) {
		perror("fuzz: write");
		abort();
	}
	return path;
}
