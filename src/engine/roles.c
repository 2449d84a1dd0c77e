/* Who may do what: the campaign's operators and their roles. */
#include "config.h"

#include <string.h>

#include "escalator/engine.h"

bool
engine_operator_allowed(const struct campaign *c, const char *operator,
    enum engine_right right)
{
	if (c->noperators == 0)
		return true;
	for (size_t i = 0; operator != NULL && i < c->noperators; i++) {
		const char *role = c->operators[i].role;

		if (strcmp(c->operators[i].name, operator) != 0 || role == NULL)
			continue;
		if (strcmp(role, "admin") == 0 || strcmp(role, "operator") == 0)
			return true;
		return right == RIGHT_APPROVE && strcmp(role, "approver") == 0;
	}
	return false;
}
