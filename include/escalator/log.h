/*
 * The run log: one JSON object per line in DIR/log.jsonl, for people and
 * for tools. Fields: ts, run, object, action, result, code, duration_ms,
 * message. Never carries secrets: commands are logged by step name.
 */
#ifndef ESCALATOR_LOG_H
#define ESCALATOR_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define LOG_FILE	"log.jsonl"

struct log_entry {
	int64_t		 ts_ms;
	const char	*run;
	const char	*object;	/* node, procedure or step path */
	const char	*action;
	const char	*result;	/* "ok", "failed", ... */
	int		 code;		/* error code, 0 on success */
	int64_t		 duration_ms;
	const char	*message;	/* may be NULL */
};

struct log;

int	log_open(struct log **, const char *state_dir, char **err);
int	log_write(struct log *, const struct log_entry *);
void	log_close(struct log *);

/* Print entries of DIR/log.jsonl to out, filtered by node (NULL: all)
 * and errors only. A malformed line is reported, not fatal. */
int	log_print(const char *state_dir, const char *node, bool errors_only,
	    FILE *out, char **err);

#endif
