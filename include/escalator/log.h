/*
 * The run log: one JSON object per line in DIR/log.jsonl, for people and
 * for tools. Fields: ts, run, object, action, result, code, duration_ms,
 * message. Never carries secrets: commands are logged by step name.
 *
 * Objects are named "node:NAME", "procedure:NAME" or
 * "step:PROCEDURE/NODE/STEP" (the "step:" prefix and the procedure may be
 * left out: "NODE/STEP"); the node filter matches "node:NAME" and the
 * steps run on NAME. doc/state.md describes the format.
 */
#ifndef ESCALATOR_LOG_H
#define ESCALATOR_LOG_H

#include <stdbool.h>
#include <stddef.h>
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
	const char	*message;	/* may be NULL: left out */
};

/* "2026-11-25T18:12:00.123Z" */
#define LOG_TIME_LEN	32

struct log;

int	log_open(struct log **, const char *state_dir, char **err);
/* Append one line with a single write(), so that lines never
 * interleave. 0, or -1 and log_error() says why. */
int	log_write(struct log *, const struct log_entry *);
const char *log_error(struct log *);
void	log_close(struct log *);

/* Print entries of DIR/log.jsonl to out, filtered by node (NULL: all)
 * and errors only (result other than "ok"). A malformed line (one a
 * crash cut short) is reported on stderr with its number and skipped.
 * 0, or -1 and *err (malloc'd) when the log cannot be read. */
int	log_print(const char *state_dir, const char *node, bool errors_only,
	    FILE *out, char **err);
/* The same, printing the selected lines as they are (JSON). */
int	log_print_json(const char *state_dir, const char *node,
	    bool errors_only, FILE *out, char **err);

/* ms since the epoch as ISO 8601 UTC with milliseconds; returns buf. */
const char *log_time_format(int64_t ms, char *buf, size_t len);

#endif
