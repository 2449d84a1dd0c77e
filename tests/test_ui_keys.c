/* The key table: every binding documented, no key bound twice, a letter
 * beside every F-key, and a footer generated from the table. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "escalator/ui_keys.h"

static void
test_every_binding_has_help(void **state)
{
	const struct ui_binding *b;
	size_t n;

	(void)state;
	b = ui_bindings(&n);
	assert_int_equal(n, UI_ACT_COUNT - 1);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(b[i].help);
		assert_true(strlen(b[i].help) > 5);
		assert_non_null(b[i].label);
		assert_true(strlen(b[i].label) > 0);
		assert_null(strchr(b[i].label, ' '));
		assert_int_not_equal(b[i].keys[0], 0);
		assert_int_not_equal(b[i].ctx, 0);
		assert_ptr_equal(ui_binding(b[i].action), &b[i]);
	}
}

static void
test_no_key_twice(void **state)
{
	const struct ui_binding *b;
	size_t n;

	(void)state;
	b = ui_bindings(&n);
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 3 && b[i].keys[k] != 0; k++) {
			/* the key leads back to its own binding */
			assert_int_equal(ui_key_action(b[i].keys[k]),
			    b[i].action);
			for (size_t j = 0; j < n; j++)
				for (int l = 0; l < 3; l++)
					if (i != j || k != l)
						assert_int_not_equal(
						    b[i].keys[k], b[j].keys[l] ?
						    b[j].keys[l] : -1);
		}
	assert_int_equal(ui_key_action('\r'), UI_ACT_ENTER);
	assert_int_equal(ui_key_action('\n'), UI_ACT_ENTER);
	assert_int_equal(ui_key_action('Z'), UI_ACT_NONE);
}

static void
test_f_keys_have_letters(void **state)
{
	const struct ui_binding *b;
	size_t n;

	(void)state;
	b = ui_bindings(&n);
	for (size_t i = 0; i < n; i++) {
		bool fkey = false, letter = false;

		for (int k = 0; k < 3; k++) {
			fkey |= b[i].keys[k] >= UI_K_F(1) &&
			    b[i].keys[k] <= UI_K_F(12);
			letter |= b[i].keys[k] > ' ' && b[i].keys[k] < 0x7f;
		}
		if (fkey && !letter)
			fail_msg("%s: an F-key without a letter", b[i].name);
	}
}

static void
test_key_names(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(ui_key_name('q', buf, sizeof buf), "q");
	assert_string_equal(ui_key_name(UI_K_F(10), buf, sizeof buf), "F10");
	assert_string_equal(ui_key_name(UI_K_CTRL('l'), buf, sizeof buf),
	    "C-l");
	assert_string_equal(ui_key_name(UI_K_BTAB, buf, sizeof buf), "S-Tab");
	assert_string_equal(ui_key_name('\t', buf, sizeof buf), "Tab");
	assert_string_equal(ui_binding_keys(ui_binding(UI_ACT_QUIT), buf,
	    sizeof buf), "q/F10/C-c");
	assert_string_equal(ui_binding_keys(ui_binding(UI_ACT_HELP), buf,
	    sizeof buf), "h/?/F1");
}

static void
test_footer(void **state)
{
	char buf[256];

	(void)state;
	ui_footer_text(UI_CTX_ALWAYS | UI_CTX_RUNNING, 80, buf, sizeof buf);
	assert_string_equal(buf,
	    "h help  / search  f filter  p pause  q quit");
	ui_footer_text(UI_CTX_ALWAYS | UI_CTX_STOPPED | UI_CTX_RECOVER, 80,
	    buf, sizeof buf);
	assert_string_equal(buf, "h help  / search  f filter  r resume  "
	    "R rollback  B restore  X abort  q quit");
	/* narrow: the keys that always matter stay, quit among them */
	ui_footer_text(UI_CTX_ALWAYS | UI_CTX_STOPPED | UI_CTX_RECOVER, 50,
	    buf, sizeof buf);
	assert_true(strlen(buf) <= 50);
	assert_non_null(strstr(buf, "q quit"));
	assert_non_null(strstr(buf, "h help"));
	assert_null(strstr(buf, "X abort"));
	/* navigation keys are for the help screen only */
	assert_null(strstr(buf, "down"));
	ui_footer_text(UI_CTX_ALWAYS, 8, buf, 8);
	assert_true(strlen(buf) < 8);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_binding_has_help),
		cmocka_unit_test(test_no_key_twice),
		cmocka_unit_test(test_f_keys_have_letters),
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_footer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
