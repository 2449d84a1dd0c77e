/*
 * The key table and what is generated from it: the footer and the names
 * of keys on the help screen.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "escalator/ui_keys.h"

static const struct ui_binding bindings[] = {
#define X(e, k1, k2, k3, c, l, h) \
	{ UI_ACT_##e, #e, l, { k1, k2, k3 }, c, h },
	UI_KEY_LIST(X)
#undef X
};

#define NBINDINGS	(sizeof bindings / sizeof bindings[0])

const struct ui_binding *
ui_bindings(size_t *count)
{
	*count = NBINDINGS;
	return bindings;
}

const struct ui_binding *
ui_binding(enum ui_action a)
{
	for (size_t i = 0; i < NBINDINGS; i++)
		if (bindings[i].action == a)
			return &bindings[i];
	return NULL;
}

enum ui_action
ui_key_action(int key)
{
	if (key == 0)
		return UI_ACT_NONE;
	/* Terminals send either for Enter. */
	if (key == '\n' || key == '\r')
		key = UI_K_ENTER;
	for (size_t i = 0; i < NBINDINGS; i++)
		for (int k = 0; k < 3; k++)
			if (bindings[i].keys[k] == key)
				return bindings[i].action;
	return UI_ACT_NONE;
}

static const struct {
	int		 key;
	const char	*name;
} special[] = {
	{ UI_K_UP, "Up" }, { UI_K_DOWN, "Down" }, { UI_K_LEFT, "Left" },
	{ UI_K_RIGHT, "Right" }, { UI_K_PGUP, "PgUp" },
	{ UI_K_PGDN, "PgDn" }, { UI_K_HOME, "Home" }, { UI_K_END, "End" },
	{ UI_K_BTAB, "S-Tab" }, { UI_K_ENTER, "Enter" }, { '\t', "Tab" },
	{ ' ', "Space" }, { UI_K_ESC, "Esc" }, { UI_K_MOUSE, "mouse" },
	{ UI_K_RESIZE, "resize" },
};

const char *
ui_key_name(int key, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
		if (special[i].key == key) {
			snprintf(buf, len, "%s", special[i].name);
			return buf;
		}
	if (key >= UI_K_F(1) && key <= UI_K_F(12))
		snprintf(buf, len, "F%d", key - UI_K_F(0));
	else if (key > 0 && key < 0x20)
		snprintf(buf, len, "C-%c", key + 'a' - 1);
	else if (key > 0x20 && key < 0x7f)
		snprintf(buf, len, "%c", key);
	else
		snprintf(buf, len, "#%x", (unsigned)key);
	return buf;
}

const char *
ui_binding_keys(const struct ui_binding *b, char *buf, size_t len)
{
	char name[16];
	size_t n = 0;

	buf[0] = '\0';
	for (int k = 0; k < 3 && b->keys[k] != 0; k++) {
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s",
		    k > 0 ? "/" : "", ui_key_name(b->keys[k], name,
		    sizeof name));
		if (n >= len)
			break;
	}
	return buf;
}

static size_t
footer_item(const struct ui_binding *b, bool first, char *item, size_t len)
{
	char key[16];

	return (size_t)snprintf(item, len, "%s%s %s", first ? "" : "  ",
	    ui_key_name(b->keys[0], key, sizeof key), b->label);
}

/* Keys that always matter are kept; the others fill what is left, in
 * table order, so that "q quit" never falls off a narrow screen. */
void
ui_footer_text(unsigned ctx, int width, char *buf, size_t len)
{
	char item[64];
	size_t used = 0, reserved = 0, n, room;

	room = width > 0 ? (size_t)width : 0;
	if (room >= len)
		room = len - 1;
	for (size_t i = 0; i < NBINDINGS; i++)
		if (bindings[i].ctx & ctx & UI_CTX_ALWAYS)
			reserved += footer_item(&bindings[i], false, item,
			    sizeof item);
	buf[0] = '\0';
	for (size_t i = 0; i < NBINDINGS; i++) {
		const struct ui_binding *b = &bindings[i];
		bool always = (b->ctx & ctx & UI_CTX_ALWAYS) != 0;

		if ((b->ctx & ctx) == 0)
			continue;
		if (always)
			reserved -= footer_item(b, false, item, sizeof item);
		n = footer_item(b, used == 0, item, sizeof item);
		if (used + n + (always ? 0 : reserved) > room)
			continue;
		memcpy(buf + used, item, n + 1);
		used += n;
	}
}
