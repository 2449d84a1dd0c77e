/* Functions shared by the files of src/campaign, and nothing else. */
#ifndef ESCALATOR_CAMPAIGN_INTERNAL_H
#define ESCALATOR_CAMPAIGN_INTERNAL_H

#include "escalator/campaign.h"
#include "escalator/inventory.h"
#include "cfg.h"

/* After loading: the by-name index, and an error for every duplicate
 * node name and VNF instance. */
int	inventory_finish(struct inventory *, struct diag_list *);
void	node_free(struct node *);
int	inventory_parse_ansible(struct inventory *, const char *path,
	    const char *text, size_t len, struct diag_list *);

/* Campaign parts, each reading one top-level setting into c. */
void	parse_selector(struct cfg *, const config_setting_t *, const char *ctx,
	    struct selector *);
/* A list of steps; what names them ("step", "test"); allowed is a mask
 * of 1 << action. */
void	parse_steps(struct cfg *, const config_setting_t *list,
	    const char *what, unsigned allowed, struct step **, size_t *);
#define ACTION_BIT(a)	(1u << (a))
#define ACTION_ANY	((1u << STEP_ACTION_COUNT) - 1)
/* expect_json = [ "a.b=value" ] of g into *out, appended to *nout. */
void	parse_expect_json(struct cfg *, const config_setting_t *g,
	    const char *ctx, struct label **out, size_t *nout);
void	expect_json_free(struct label *, size_t);
void	parse_monitor(struct cfg *, const config_setting_t *,
	    struct campaign *);
/* vim = { ... }: the requests of handover "vim". */
void	parse_vim(struct cfg *, const config_setting_t *, struct campaign *);
void	vim_free(struct vim_def *);
void	parse_procedures(struct cfg *, const config_setting_t *,
	    struct campaign *);
void	parse_constraints(struct cfg *, const config_setting_t *,
	    struct campaign *);
void	parse_components(struct cfg *, const config_setting_t *,
	    struct campaign *);
void	parse_backups(struct cfg *, const config_setting_t *,
	    struct campaign *);
void	step_free(struct step *);
void	procedures_free(struct campaign *);
void	rules_free(struct campaign *);
void	selector_free(struct selector *);
/* "roles [compute], labels site=a": malloc'd, for hints. */
char	*selector_describe(const struct selector *);

/* Report every name that appears twice in a list of named objects; what
 * says what they are ("step"). Sorts the array. */
struct named {
	const char	*name;
	int		 line;
	size_t		 seq;
};
void	check_unique(struct cfg *, const char *what, struct named *, size_t);

/* Validator parts. */
struct validation {
	const struct campaign	*c;
	const struct inventory	*inv;
	struct diag_list	*diags;
	/* per procedure: its matching nodes, inventory order */
	size_t			**proc_nodes;
	size_t			 *proc_nnodes;
};
/* An error at line of the campaign file. */
void	invalid(struct validation *, int line, const char *hint,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void	validate_constraints(struct validation *);
void	validate_window(struct validation *);
void	validate_budget(struct validation *);

#endif
