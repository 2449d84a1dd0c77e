/*
 * The user's console settings: $XDG_CONFIG_HOME/escalator/config (or
 * ~/.config/escalator/config), libconfig: theme = "NAME"; mouse = BOOL.
 * Command-line options win. Mistakes are reported like a bad theme's,
 * with the file and line, and the defaults are kept.
 */
#include "config.h"

#include <libconfig.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escalator/util.h"
#include "ui_config.h"

char *
ui_config_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg != NULL && *xdg != '\0')
		return xasprintf("%s/escalator/config", xdg);
	if (home != NULL && *home != '\0')
		return xasprintf("%s/.config/escalator/config", home);
	return NULL;
}

static void
setting(config_setting_t *s, const char *path, struct ui_config *out,
    struct diag_list *diags)
{
	const char *key = config_setting_name(s);
	int line = config_setting_source_line(s);

	if (strcmp(key, "theme") == 0) {
		const char *v = config_setting_get_string(s);

		if (v == NULL)
			diag_error(diags, path, line, "theme = \"dark\";",
			    "theme must be a string");
		else {
			free(out->theme);
			out->theme = xstrdup(v);
		}
	} else if (strcmp(key, "mouse") == 0) {
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			diag_error(diags, path, line, "mouse = false;",
			    "mouse must be true or false");
		else
			out->mouse = config_setting_get_bool(s);
	} else
		diag_error(diags, path, line, "the console reads theme and "
		    "mouse", "unknown setting \"%s\"", key);
}

int
ui_config_load(struct ui_config *out, struct diag_list *diags)
{
	char *path = ui_config_path();
	config_setting_t *root;
	config_t cfg;
	size_t before = diag_errors(diags);

	out->theme = NULL;
	out->mouse = true;
	if (path == NULL || access(path, F_OK) != 0) {
		free(path);
		return 0;
	}
	config_init(&cfg);
	if (config_read_file(&cfg, path) != CONFIG_TRUE)
		diag_error(diags, path, config_error_line(&cfg), NULL, "%s",
		    config_error_text(&cfg));
	else {
		root = config_root_setting(&cfg);
		for (int i = 0; i < config_setting_length(root); i++)
			setting(config_setting_get_elem(root, (unsigned)i),
			    path, out, diags);
	}
	config_destroy(&cfg);
	free(path);
	if (diag_errors(diags) == before)
		return 0;
	ui_config_free(out);
	out->mouse = true;
	return -1;
}

void
ui_config_free(struct ui_config *c)
{
	free(c->theme);
	c->theme = NULL;
}
