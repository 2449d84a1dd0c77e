/* The user's console settings file. */
#ifndef ESCALATOR_UI_CONFIG_H
#define ESCALATOR_UI_CONFIG_H

#include <stdbool.h>

#include "escalator/diag.h"

struct ui_config {
	char	*theme;		/* NULL: default */
	bool	 mouse;
};

/* The file's path (malloc'd), or NULL without a home. */
char	*ui_config_path(void);
/* Read it if it exists; 0, or -1 with diags (defaults then kept). */
int	 ui_config_load(struct ui_config *, struct diag_list *);
void	 ui_config_free(struct ui_config *);

#endif
