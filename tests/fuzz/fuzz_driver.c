/*
 * Replays a fuzz corpus through a target in the normal build, so `make
 * check` runs every input found so far (with sanitizers when configured
 * with them). Arguments: files or directories; none: the corpus in the
 * source tree named at build time.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "escalator/util.h"
#include "fuzz.h"

static size_t	replayed;

static int
replay_file(const char *path)
{
	FILE *f;
	uint8_t *buf = NULL;
	size_t len = 0, n;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		return -1;
	}
	do {
		buf = xrealloc(buf, len + 65536);
		n = fread(buf + len, 1, 65536, f);
		len += n;
	} while (n > 0);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	replayed++;
	return 0;
}

static int
replay(const char *path)
{
	struct dirent **names;
	struct stat st;
	int n, rc = 0;

	if (stat(path, &st) != 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);
	/* Sorted, so a failure is reproducible by its position. */
	if ((n = scandir(path, &names, NULL, alphasort)) < 0) {
		perror(path);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char *p = xasprintf("%s/%s", path, names[i]->d_name);

		if (names[i]->d_name[0] != '.' && replay(p) != 0)
			rc = -1;
		free(p);
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *src = getenv("SRCDIR");
	char *corpus;
	int rc = 0;

	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			if (replay(argv[i]) != 0)
				rc = 1;
	} else {
		corpus = xasprintf("%s/tests/fuzz/corpus/%s",
		    src ? src : ESCALATOR_SRCDIR, FUZZ_CORPUS);
		rc = replay(corpus) != 0;
		free(corpus);
	}
	printf("replayed %zu inputs\n", replayed);
	return rc != 0 || replayed == 0;
}
