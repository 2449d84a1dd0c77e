/*
 * Reading libconfig files with diagnostics: every wrong type, unknown key
 * and out-of-range value becomes an error with FILE:LINE, and reading goes
 * on so that one run reports every problem. Private to src/campaign.
 */
#ifndef ESCALATOR_CAMPAIGN_CFG_H
#define ESCALATOR_CAMPAIGN_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libconfig.h>

#include "escalator/diag.h"
#include "escalator/inventory.h"
#include "escalator/util.h"

#define DURATION_MAX_MS	(30LL * 24 * 3600 * 1000)

struct cfg {
	config_t		 config;
	const char		*file;
	struct diag_list	*diags;
	bool			 parsed;
	/* Lines with an out-of-range integer, already reported: libconfig
	 * read a wrapped value there, which the getters ignore. */
	int			*bad_lines;
	size_t			 nbad_lines;
};

/* Read and parse path; what ("campaign", "inventory") names it in
 * messages. Returns 0, or -1 with the error reported; cfg_close() either
 * way. */
int		 cfg_open(struct cfg *, const char *path, const char *what,
		    struct diag_list *);
void		 cfg_close(struct cfg *);
int		 cfg_line(const config_setting_t *);
const config_setting_t *cfg_root(const struct cfg *);

void		 cfg_error(struct cfg *, const config_setting_t *at,
		    const char *hint, const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));
void		 cfg_warning(struct cfg *, const config_setting_t *at,
		    const char *hint, const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));

/*
 * The getters below take the group, the key and ctx, the object named in
 * messages ("step \"upgrade\"", NULL at the top level). They return true
 * when the key is present with a usable value; a missing key is not an
 * error (see cfg_require), a wrong one is reported.
 */
void	cfg_check_keys(struct cfg *, const config_setting_t *group,
	    const char *ctx, const char *const *keys);
bool	cfg_require(struct cfg *, const config_setting_t *group,
	    const char *key, const char *ctx);
bool	cfg_group(struct cfg *, const config_setting_t *, const char *key,
	    const char *ctx, config_setting_t **);
bool	cfg_list(struct cfg *, const config_setting_t *, const char *key,
	    const char *ctx, config_setting_t **);
bool	cfg_string(struct cfg *, const config_setting_t *, const char *key,
	    const char *ctx, char **);
bool	cfg_int(struct cfg *, const config_setting_t *, const char *key,
	    const char *ctx, long long min, long long max, long long *);
bool	cfg_bool(struct cfg *, const config_setting_t *, const char *key,
	    const char *ctx, bool *);
bool	cfg_duration(struct cfg *, const config_setting_t *, const char *key,
	    const char *ctx, int64_t *ms);
bool	cfg_strv(struct cfg *, const config_setting_t *, const char *key,
	    const char *ctx, struct strv *);
/* A string that must be one of names (NULL-terminated): true with its
 * index. Another is reported as "CTX: RULE \"value\"" with a hint. */
bool	cfg_choice(struct cfg *, const config_setting_t *, const char *key,
	    const char *ctx, const char *const *names, const char *rule,
	    int *index);
/* A group of key = "string" pairs. */
bool	cfg_labels(struct cfg *, const config_setting_t *, const char *key,
	    const char *ctx, struct label **, size_t *);

/* The one of names (NULL-terminated) that is s, or -1 when none is. */
int		 name_index(const char *const *names, const char *s);
/* "did you mean ...?" when a name is close enough to be meant, and
 * "one of a, b, c" unless the list is long: malloc'd. */
char		*name_hint(const char *const *names, const char *s);

extern const char *const step_action_names[];
extern const char *const on_failure_names[];
extern const char *const method_names[];

/* Read a whole file, NUL-terminated; NULL with errno set on failure. */
char	*file_slurp(const char *path, size_t *len);

#endif
