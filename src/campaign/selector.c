/* Selectors: campaigns pick nodes by role and label, never by name. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

bool
selector_match(const struct selector *sel, const struct node *n)
{
	bool role = sel->roles.count == 0;

	for (size_t i = 0; !role && i < sel->roles.count; i++)
		role = node_has_role(n, sel->roles.items[i]);
	if (!role)
		return false;
	for (size_t i = 0; i < sel->nlabels; i++) {
		const char *v = node_label(n, sel->labels[i].key);

		if (v == NULL || strcmp(v, sel->labels[i].value) != 0)
			return false;
	}
	return true;
}

void
parse_selector(struct cfg *cfg, const config_setting_t *parent,
    const char *ctx, struct selector *sel)
{
	static const char *const keys[] = { "roles", "labels", NULL };
	config_setting_t *g;

	if (!cfg_group(cfg, parent, "target", ctx, &g))
		return;
	sel->line = cfg_line(g);
	cfg_check_keys(cfg, g, ctx, keys);
	cfg_strv(cfg, g, "roles", ctx, &sel->roles);
	cfg_labels(cfg, g, "labels", ctx, &sel->labels, &sel->nlabels);
}

void
selector_free(struct selector *sel)
{
	strv_free(&sel->roles);
	for (size_t i = 0; i < sel->nlabels; i++) {
		free(sel->labels[i].key);
		free(sel->labels[i].value);
	}
	free(sel->labels);
	sel->labels = NULL;
	sel->nlabels = 0;
}

char *
selector_describe(const struct selector *sel)
{
	size_t len = 32;
	char *s;

	for (size_t i = 0; i < sel->roles.count; i++)
		len += strlen(sel->roles.items[i]) + 2;
	for (size_t i = 0; i < sel->nlabels; i++)
		len += strlen(sel->labels[i].key) +
		    strlen(sel->labels[i].value) + 4;
	s = xmalloc(len);
	strcpy(s, sel->roles.count ? "role " : "any role");
	for (size_t i = 0; i < sel->roles.count; i++) {
		if (i > 0)
			strcat(s, "|");
		strcat(s, sel->roles.items[i]);
	}
	for (size_t i = 0; i < sel->nlabels; i++) {
		strcat(s, i == 0 ? " with " : ", ");
		strcat(s, sel->labels[i].key);
		strcat(s, "=");
		strcat(s, sel->labels[i].value);
	}
	return s;
}
