/* Themes: the shipped ones load, default.theme says what the built-in
 * default says, and every mistake in a file is reported at its line
 * with the default theme kept. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "escalator/ui_theme.h"
#include "escalator/util.h"
#include "../ui/ui_config.h"

static char *
theme_file(const char *text)
{
	char *path = xstrdup("/tmp/escalator-theme-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* Load text as a theme; expect exactly one error, on line, saying msg. */
static void
expect_error(const char *text, int line, const char *msg)
{
	struct ui_theme t, def;
	struct diag_list d = { 0 };
	char *path = theme_file(text);

	assert_int_equal(ui_theme_load(&t, path, &d), -1);
	if (d.count != 1 || d.items[0].line != line ||
	    strcmp(d.items[0].message, msg) != 0) {
		diag_print(&d, stderr);
		fail_msg("expected %d: %s", line, msg);
	}
	assert_string_equal(d.items[0].file, path);
	/* and the theme is the default one */
	ui_theme_default(&def);
	assert_memory_equal(&t, &def, sizeof t);
	diag_list_free(&d);
	unlink(path);
	free(path);
}

static void
test_shipped_themes_load(void **state)
{
	static const char *const names[] = { "default", "dark", "light",
		"high-contrast", "mono" };

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct diag_list d = { 0 };
		struct ui_theme t;
		char *path = ui_theme_path(names[i]);

		assert_non_null(path);
		if (ui_theme_load(&t, path, &d) != 0) {
			diag_print(&d, stderr);
			fail_msg("%s does not load", path);
		}
		assert_string_equal(t.name, names[i]);
		free(path);
		diag_list_free(&d);
	}
	assert_null(ui_theme_path("no-such-theme"));
}

static void
test_default_file_is_builtin(void **state)
{
	struct diag_list d = { 0 };
	struct ui_theme file, builtin;
	char *path = ui_theme_path("default");

	(void)state;
	assert_int_equal(ui_theme_load(&file, path, &d), 0);
	ui_theme_default(&builtin);
	for (int i = 0; i < UI_STYLE_COUNT; i++)
		if (memcmp(&file.style[i], &builtin.style[i],
		    sizeof file.style[i]) != 0)
			fail_msg("style %s differs", ui_style_name(i));
	free(path);
}

static void
test_mono_has_no_colour(void **state)
{
	struct diag_list d = { 0 };
	struct ui_theme t;
	char *path = ui_theme_path("mono");

	(void)state;
	assert_int_equal(ui_theme_load(&t, path, &d), 0);
	for (int i = 0; i < UI_STYLE_COUNT; i++) {
		assert_int_equal(t.style[i].fg, UI_COLOR_DEFAULT);
		assert_int_equal(t.style[i].fg256, UI_COLOR_DEFAULT);
	}
	/* failures still stand out without colour */
	assert_true(t.style[UI_STYLE_NODE_FAILED].mono & UI_ATTR(REVERSE));
	free(path);
}

static void
test_partial_theme(void **state)
{
	struct diag_list d = { 0 };
	struct ui_theme t;
	char *path = theme_file("name = \"mine\";\nstyles = {\n"
	    "  node_failed = { fg = \"bright-magenta\"; fg256 = 201;\n"
	    "    mono = [ \"blink\" ]; };\n};\n");

	(void)state;
	assert_int_equal(ui_theme_load(&t, path, &d), 0);
	assert_string_equal(t.name, "mine");
	assert_int_equal(t.style[UI_STYLE_NODE_FAILED].fg, 13);
	assert_int_equal(t.style[UI_STYLE_NODE_FAILED].fg256, 201);
	assert_int_equal(t.style[UI_STYLE_NODE_FAILED].mono, UI_ATTR(BLINK));
	/* what the file leaves out is the default's */
	assert_int_equal(t.style[UI_STYLE_NODE_FAILED].attrs, UI_ATTR(BOLD));
	assert_int_equal(t.style[UI_STYLE_NODE_DONE].fg, 2);
	unlink(path);
	free(path);
}

static void
test_bad_files(void **state)
{
	(void)state;
	expect_error("name = \"x\";\nstyles = {\n  normal = { fg = \"red\" \n"
	    "};\n", 5, "syntax error");
	expect_error("styles = {\n  nodes_failed = { fg = \"red\"; };\n};\n",
	    2, "unknown style \"nodes_failed\"");
	expect_error("styles = {\n  node_failed = {\n    fg = \"purple\";\n"
	    "  };\n};\n", 3, "unknown colour \"purple\"");
	expect_error("styles = { node_done = { bg = 3; }; };\n", 1,
	    "bg: a colour must be a string");
	expect_error("\n\nstyles = { now = { fg256 = 300; }; };\n", 3,
	    "fg256: not a 256-colour number");
	expect_error("styles = {\n now = {\n  attrs = [ \"bold\", \"shiny\" ];"
	    "\n };\n};\n", 3, "unknown attribute \"shiny\"");
	expect_error("styles = { now = { mono = \"bold\"; }; };\n", 1,
	    "mono: attributes must be a list");
	expect_error("styles = { now = { colour = \"red\"; }; };\n", 1,
	    "unknown style setting \"colour\"");
	expect_error("styles = { now = \"red\"; };\n", 1,
	    "style now must be a group");
	expect_error("styles = ( 1 );\n", 1, "styles must be a group");
	expect_error("name = 3;\n", 1, "name must be a string");
	expect_error("# a theme\ncolours = { };\n", 2,
	    "unknown setting \"colours\"");
	expect_error("\x01\x02\xff garbage", 1, "syntax error");
}

static void
test_missing_file(void **state)
{
	struct diag_list d = { 0 };
	struct ui_theme t;

	(void)state;
	assert_int_equal(ui_theme_load(&t, "/nonexistent/x.theme", &d), -1);
	assert_int_equal(d.count, 1);
	assert_string_equal(d.items[0].message, "cannot read the theme file");
	assert_string_equal(t.name, "default");
	diag_list_free(&d);
}

static void
test_colour_names(void **state)
{
	(void)state;
	assert_int_equal(ui_color_parse("default"), UI_COLOR_DEFAULT);
	assert_int_equal(ui_color_parse("black"), 0);
	assert_int_equal(ui_color_parse("white"), 7);
	assert_int_equal(ui_color_parse("bright-black"), 8);
	assert_int_equal(ui_color_parse("bright-"), -2);
	assert_int_equal(ui_color_parse("Red"), -2);
}

/* A config file in a fresh $XDG_CONFIG_HOME; returns that directory. */
static char *
config_home(const char *text)
{
	char *home = xstrdup("/tmp/escalator-xdg-XXXXXX"), *dir, *path;
	FILE *f;

	assert_non_null(mkdtemp(home));
	dir = xasprintf("%s/escalator", home);
	assert_int_equal(mkdir(dir, 0700), 0);
	path = xasprintf("%s/config", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	setenv("XDG_CONFIG_HOME", home, 1);
	free(dir);
	free(path);
	return home;
}

static void
config_home_free(char *home)
{
	char *path = xasprintf("%s/escalator/config", home), *dir;

	dir = xasprintf("%s/escalator", home);
	unlink(path);
	rmdir(dir);
	rmdir(home);
	free(path);
	free(dir);
	free(home);
	setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
}

static void
test_config_file(void **state)
{
	struct diag_list d = { 0 };
	struct ui_config c;
	char *home;

	(void)state;
	/* none at all: the defaults */
	assert_int_equal(ui_config_load(&c, &d), 0);
	assert_null(c.theme);
	assert_true(c.mouse);
	home = config_home("# mine\ntheme = \"dark\";\nmouse = false;\n");
	assert_int_equal(ui_config_load(&c, &d), 0);
	assert_string_equal(c.theme, "dark");
	assert_false(c.mouse);
	assert_int_equal(d.count, 0);
	ui_config_free(&c);
	config_home_free(home);
	home = config_home("theme = \"dark\";\n\nmouse = 1;\ncolour = 2;\n");
	assert_int_equal(ui_config_load(&c, &d), -1);
	assert_int_equal(d.count, 2);
	assert_int_equal(d.items[0].line, 3);
	assert_string_equal(d.items[0].message, "mouse must be true or false");
	assert_int_equal(d.items[1].line, 4);
	assert_string_equal(d.items[1].message, "unknown setting \"colour\"");
	assert_non_null(strstr(d.items[0].file, "/escalator/config"));
	/* a config file with a mistake counts for nothing */
	assert_null(c.theme);
	assert_true(c.mouse);
	ui_config_free(&c);
	diag_list_free(&d);
	config_home_free(home);
	home = config_home("theme = ;\n");
	assert_int_equal(ui_config_load(&c, &d), -1);
	assert_int_equal(d.items[0].line, 1);
	ui_config_free(&c);
	diag_list_free(&d);
	config_home_free(home);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_themes_load),
		cmocka_unit_test(test_default_file_is_builtin),
		cmocka_unit_test(test_mono_has_no_colour),
		cmocka_unit_test(test_partial_theme),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_colour_names),
		cmocka_unit_test(test_config_file),
	};

	/* the shipped themes, not a user's */
	setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
