/* Helpers for the campaign, inventory and validation tests. */
#ifndef TESTS_CAMPAIGN_UTIL_H
#define TESTS_CAMPAIGN_UTIL_H

#include "escalator/campaign.h"
#include "escalator/diag.h"
#include "escalator/inventory.h"

/* Write text to a new temporary file; returns its malloc'd path. */
char	*tu_write(const char *text, size_t len);
/* Remove and free a path from tu_write. */
void	 tu_remove(char *path);
/* The line of text on which needle first appears, or 0. */
int	 tu_line(const char *text, const char *needle);
/* The source tree (campaigns/, tests/data/); malloc'd "SRCDIR/rel". */
char	*tu_src(const char *rel);

/* Fails the test unless diags holds an error or warning (severity) on
 * that line with exactly that message, and, when hint is not NULL, a
 * hint that starts with it. Prints every diagnostic when it fails. */
void	 tu_expect(const struct diag_list *, enum diag_severity, int line,
	    const char *message, const char *hint);
/* Fails the test when diags holds anything at all. */
void	 tu_expect_clean(const struct diag_list *);

/* Load a campaign or inventory from text, through a temporary file. */
int	 tu_campaign(struct campaign *, const char *text, struct diag_list *);
int	 tu_inventory(struct inventory *, const char *text, struct diag_list *);
/* Load a campaign of the source tree (rel: "tests/data/...") and its
 * inventory; -1, with the diagnostics printed, when either fails. */
int	 tu_load_data(struct campaign *, struct inventory *, const char *rel);
/* The engine tests' cluster (tests/data/engine/testbed.cfg) loaded, and
 * a new scratch directory for a run's state in *dir; -1 when it does not
 * load. tu_testbed_free removes the directory and frees the rest. */
int	 tu_testbed(char **dir, struct campaign *, struct inventory *);
void	 tu_testbed_free(char *dir, struct campaign *, struct inventory *);

#endif
