/* Helpers for the campaign, inventory and validation tests. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "campaign_util.h"
#include "tmpdir.h"

char *
tu_write(const char *text, size_t len)
{
	char *path = xasprintf("%s/escalator-test-XXXXXX", tmpdir_base());
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

void
tu_remove(char *path)
{
	unlink(path);
	free(path);
}

int
tu_line(const char *text, const char *needle)
{
	const char *at = strstr(text, needle);
	int line = 1;

	if (at == NULL)
		return 0;
	for (const char *p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

char *
tu_src(const char *rel)
{
	const char *src = getenv("SRCDIR");

	return xasprintf("%s/%s", src != NULL ? src : ESCALATOR_SRCDIR, rel);
}

static void
dump(const struct diag_list *diags)
{
	for (size_t i = 0; i < diags->count; i++)
		fprintf(stderr, "  got %s:%d: %s: %s%s%s\n",
		    diags->items[i].file, diags->items[i].line,
		    diags->items[i].severity == DIAG_ERROR ? "error" :
		    "warning", diags->items[i].message,
		    diags->items[i].hint ? " | hint: " : "",
		    diags->items[i].hint ? diags->items[i].hint : "");
}

void
tu_expect(const struct diag_list *diags, enum diag_severity sev, int line,
    const char *message, const char *hint)
{
	for (size_t i = 0; i < diags->count; i++) {
		const struct diag *d = &diags->items[i];

		if (d->severity != sev || d->line != line ||
		    strcmp(d->message, message) != 0)
			continue;
		if (hint == NULL || (d->hint != NULL &&
		    strncmp(d->hint, hint, strlen(hint)) == 0))
			return;
	}
	dump(diags);
	fail_msg("expected line %d: %s (hint %s)", line, message,
	    hint ? hint : "-");
}

void
tu_expect_clean(const struct diag_list *diags)
{
	if (diags->count == 0)
		return;
	dump(diags);
	fail_msg("expected no diagnostics, got %zu", diags->count);
}

int
tu_campaign(struct campaign *c, const char *text, struct diag_list *diags)
{
	char *path = tu_write(text, strlen(text));
	int rc = campaign_load(c, path, diags);

	tu_remove(path);
	return rc;
}

int
tu_inventory(struct inventory *inv, const char *text, struct diag_list *diags)
{
	char *path = tu_write(text, strlen(text));
	int rc = inventory_load(inv, path, diags);

	tu_remove(path);
	return rc;
}

int
tu_load_data(struct campaign *c, struct inventory *inv, const char *rel)
{
	struct diag_list d = { NULL, 0, 0 };
	char *file = tu_src(rel);
	int rc = 0;

	if (campaign_load(c, file, &d) == -1 ||
	    inventory_load(inv, c->inventory_path, &d) == -1) {
		diag_print(&d, stderr);
		rc = -1;
	}
	diag_list_free(&d);
	free(file);
	return rc;
}

int
tu_testbed(char **dir, struct campaign *c, struct inventory *inv)
{
	*dir = tmpdir_make();
	return tu_load_data(c, inv, "tests/data/engine/testbed.cfg");
}

void
tu_testbed_free(char *dir, struct campaign *c, struct inventory *inv)
{
	tmpdir_remove(dir);
	campaign_free(c);
	inventory_free(inv);
}
