/*
 * Themes: styles named by meaning, read from libconfig files over the
 * built-in default, every mistake reported with its file and line.
 */
#include "config.h"

#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escalator/ui_theme.h"
#include "escalator/util.h"

#define NO_COLOR_NAME	(-2)
#define D		UI_COLOR_DEFAULT
#define A(e)		UI_ATTR(e)
/* What stands out without colour: failures, and what needs a look. */
#define LOUD		(A(BOLD) | A(REVERSE))
#define MARKED		(A(BOLD) | A(UNDERLINE))

static const char *const style_names[] = {
#define X(e, s, h) s,
	UI_STYLE_LIST(X)
#undef X
};

static const char *const attr_names[] = {
#define X(e, s) s,
	UI_ATTR_LIST(X)
#undef X
};

/* Colour numbers are the curses ones: black, red, green, yellow, blue,
 * magenta, cyan, white; "bright-" adds 8. */
static const char *const color_names[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

/* What the default theme says; themes/default.theme is its twin, and a
 * test checks that they agree. */
static const struct ui_style default_styles[UI_STYLE_COUNT] = {
	[UI_STYLE_NORMAL] = { D, D, D, D, 0, 0 },
	[UI_STYLE_BORDER] = { 4, D, 67, D, 0, 0 },
	[UI_STYLE_BORDER_FOCUS] = { 6, D, 45, D, A(BOLD), A(BOLD) },
	[UI_STYLE_TITLE] = { D, D, D, D, A(BOLD), A(BOLD) },
	[UI_STYLE_HEADER] = { D, D, D, D, A(BOLD), A(BOLD) },
	[UI_STYLE_HEADER_KEY] = { 6, D, 74, D, 0, A(UNDERLINE) },
	[UI_STYLE_SELECTED] = { D, D, D, D, A(REVERSE), A(REVERSE) },
	[UI_STYLE_FOOTER] = { 6, D, 74, D, 0, 0 },
	[UI_STYLE_WAIT] = { 3, D, 214, D, A(BOLD), A(BOLD) },
	[UI_STYLE_GROUP] = { D, D, D, D, A(BOLD), A(BOLD) },
	[UI_STYLE_NODE_PENDING] = { D, D, 245, D, 0, 0 },
	[UI_STYLE_NODE_RUNNING] = { 6, D, 39, D, A(BOLD), A(BOLD) },
	[UI_STYLE_NODE_HUNG] = { 3, D, 214, D, A(BOLD), MARKED },
	[UI_STYLE_NODE_DONE] = { 2, D, 34, D, 0, 0 },
	[UI_STYLE_NODE_COMMITTED] = { 2, D, 40, D, A(BOLD), A(BOLD) },
	[UI_STYLE_NODE_FAILED] = { 1, D, 196, D, A(BOLD), LOUD },
	[UI_STYLE_NODE_ROLLED_BACK] = { 5, D, 170, D, 0, A(UNDERLINE) },
	[UI_STYLE_BAR_EXPECTED] = { 4, D, 61, D, 0, A(DIM) },
	[UI_STYLE_BAR_ACTUAL] = { 2, D, 34, D, A(BOLD), A(BOLD) },
	[UI_STYLE_BAR_FAILED] = { 1, D, 196, D, A(BOLD), LOUD },
	[UI_STYLE_NOW] = { 3, D, 220, D, A(BOLD), A(BOLD) },
	[UI_STYLE_EVENT_INFO] = { D, D, D, D, 0, 0 },
	[UI_STYLE_EVENT_WARN] = { 3, D, 214, D, 0, A(BOLD) },
	[UI_STYLE_EVENT_ERROR] = { 1, D, 196, D, A(BOLD), LOUD },
	[UI_STYLE_CHECK_OK] = { 2, D, 34, D, 0, 0 },
	[UI_STYLE_CHECK_FAILED] = { 1, D, 196, D, A(BOLD), LOUD },
	[UI_STYLE_DIALOG] = { D, D, D, D, 0, 0 },
	[UI_STYLE_DIALOG_TITLE] = { D, D, D, D, A(BOLD), MARKED },
	[UI_STYLE_DANGER] = { 1, D, 196, D, A(BOLD), LOUD },
	[UI_STYLE_MATCH] = { 3, D, 220, D, A(UNDERLINE), A(UNDERLINE) },
};

const char *
ui_style_name(enum ui_style_id id)
{
	return id < UI_STYLE_COUNT ? style_names[id] : "";
}

void
ui_theme_default(struct ui_theme *t)
{
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "default");
	memcpy(t->style, default_styles, sizeof t->style);
}

int
ui_color_parse(const char *name)
{
	int bright = 0;

	if (strcmp(name, "default") == 0)
		return UI_COLOR_DEFAULT;
	if (strncmp(name, "bright-", 7) == 0) {
		bright = 8;
		name += 7;
	}
	for (int i = 0; i < 8; i++)
		if (strcmp(name, color_names[i]) == 0)
			return i + bright;
	return NO_COLOR_NAME;
}

/* --- loading ---------------------------------------------------------- */

struct loader {
	const char		*file;
	struct diag_list	*diags;
	size_t			 errors;
};

static void fail(struct loader *, const config_setting_t *, const char *,
    const char *, ...) __attribute__((format(printf, 4, 5)));

static void
fail(struct loader *ld, const config_setting_t *s, const char *hint,
    const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		abort();
	va_end(ap);
	diag_error(ld->diags, ld->file, s ? config_setting_source_line(s) : 0,
	    hint, "%s", msg);
	free(msg);
	ld->errors++;
}

static int
style_id(const char *name)
{
	for (int i = 0; i < UI_STYLE_COUNT; i++)
		if (strcmp(name, style_names[i]) == 0)
			return i;
	return -1;
}

static void
load_color(struct loader *ld, const config_setting_t *s, short *out)
{
	const char *name = config_setting_get_string(s);
	int c;

	if (name == NULL) {
		fail(ld, s, "a name: black, red, ..., bright-white, default",
		    "%s: a colour must be a string", config_setting_name(s));
		return;
	}
	if ((c = ui_color_parse(name)) == NO_COLOR_NAME) {
		fail(ld, s, "black, red, green, yellow, blue, magenta, cyan, "
		    "white, bright-NAME or default", "unknown colour \"%s\"",
		    name);
		return;
	}
	*out = (short)c;
}

static void
load_color256(struct loader *ld, const config_setting_t *s, short *out)
{
	const char *name;
	int v;

	if ((name = config_setting_get_string(s)) != NULL &&
	    strcmp(name, "default") == 0) {
		*out = UI_COLOR_DEFAULT;
		return;
	}
	if (config_setting_type(s) != CONFIG_TYPE_INT ||
	    (v = config_setting_get_int(s)) < 0 || v > 255) {
		fail(ld, s, "a number from 0 to 255, or \"default\"",
		    "%s: not a 256-colour number", config_setting_name(s));
		return;
	}
	*out = (short)v;
}

static void
load_attrs(struct loader *ld, const config_setting_t *s, unsigned *out)
{
	unsigned bits = 0;
	int n = config_setting_length(s);

	if (!config_setting_is_aggregate(s) || config_setting_is_group(s)) {
		fail(ld, s, "a list such as [ \"bold\", \"reverse\" ]",
		    "%s: attributes must be a list", config_setting_name(s));
		return;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s,
		    (unsigned)i);
		const char *name = config_setting_get_string(e);
		size_t k;

		for (k = 0; name != NULL && k < sizeof attr_names /
		    sizeof attr_names[0]; k++)
			if (strcmp(name, attr_names[k]) == 0)
				break;
		if (name == NULL || k == sizeof attr_names /
		    sizeof attr_names[0]) {
			fail(ld, e, "bold, dim, underline, reverse, blink or "
			    "standout", "unknown attribute \"%s\"",
			    name ? name : "(not a string)");
			continue;
		}
		bits |= 1u << k;
	}
	*out = bits;
}

static void
load_style(struct loader *ld, const config_setting_t *g, struct ui_style *st)
{
	int n = config_setting_length(g);

	if (!config_setting_is_group(g)) {
		fail(ld, g, "a group: { fg = \"red\"; attrs = [ \"bold\" ]; }",
		    "style %s must be a group", config_setting_name(g));
		return;
	}
	for (int i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *key = config_setting_name(s);

		if (strcmp(key, "fg") == 0)
			load_color(ld, s, &st->fg);
		else if (strcmp(key, "bg") == 0)
			load_color(ld, s, &st->bg);
		else if (strcmp(key, "fg256") == 0)
			load_color256(ld, s, &st->fg256);
		else if (strcmp(key, "bg256") == 0)
			load_color256(ld, s, &st->bg256);
		else if (strcmp(key, "attrs") == 0)
			load_attrs(ld, s, &st->attrs);
		else if (strcmp(key, "mono") == 0)
			load_attrs(ld, s, &st->mono);
		else
			fail(ld, s, "fg, bg, fg256, bg256, attrs or mono",
			    "unknown style setting \"%s\"", key);
	}
}

static void
load_styles(struct loader *ld, const config_setting_t *g, struct ui_theme *t)
{
	int n = config_setting_length(g);

	if (!config_setting_is_group(g)) {
		fail(ld, g, "styles = { node_failed = { ... }; };",
		    "%s must be a group", "styles");
		return;
	}
	for (int i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		int id = style_id(config_setting_name(s));

		if (id < 0) {
			fail(ld, s, "doc/console.md lists the styles",
			    "unknown style \"%s\"", config_setting_name(s));
			continue;
		}
		load_style(ld, s, &t->style[id]);
	}
}

static void
load_root(struct loader *ld, const config_setting_t *root, struct ui_theme *t)
{
	int n = config_setting_length(root);

	for (int i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(root,
		    (unsigned)i);
		const char *key = config_setting_name(s);

		if (strcmp(key, "name") == 0) {
			const char *v = config_setting_get_string(s);

			if (v == NULL)
				fail(ld, s, NULL, "%s must be a string", key);
			else
				snprintf(t->name, sizeof t->name, "%s", v);
		} else if (strcmp(key, "styles") == 0)
			load_styles(ld, s, t);
		else
			fail(ld, s, "a theme has name and styles",
			    "unknown setting \"%s\"", key);
	}
}

int
ui_theme_load(struct ui_theme *t, const char *path, struct diag_list *diags)
{
	struct loader ld = { path, diags, 0 };
	config_t cfg;

	ui_theme_default(t);
	config_init(&cfg);
	if (config_read_file(&cfg, path) != CONFIG_TRUE) {
		if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
			diag_error(diags, path, 0, NULL, "cannot read the "
			    "theme file");
		else
			diag_error(diags, path, config_error_line(&cfg), NULL,
			    "%s", config_error_text(&cfg));
		config_destroy(&cfg);
		return -1;
	}
	load_root(&ld, config_root_setting(&cfg), t);
	config_destroy(&cfg);
	if (ld.errors > 0) {
		ui_theme_default(t);
		return -1;
	}
	return 0;
}

/* --- finding ---------------------------------------------------------- */

static char *
existing(char *path)
{
	if (access(path, R_OK) == 0)
		return path;
	free(path);
	return NULL;
}

char *
ui_theme_path(const char *name)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *p;

	if (strchr(name, '/') != NULL)
		return xstrdup(name);
	if (xdg != NULL && *xdg != '\0')
		p = existing(xasprintf("%s/escalator/themes/%s.theme", xdg,
		    name));
	else if (home != NULL && *home != '\0')
		p = existing(xasprintf("%s/.config/escalator/themes/%s.theme",
		    home, name));
	else
		p = NULL;
	if (p == NULL)
		p = existing(xasprintf("%s/themes/%s.theme", ESCALATOR_SRCDIR,
		    name));
	if (p == NULL)
		p = existing(xasprintf("%s/themes/%s.theme", ESCALATOR_DATADIR,
		    name));
	return p;
}
