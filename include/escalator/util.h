/* Small allocation and string helpers shared by every module. */
#ifndef ESCALATOR_UTIL_H
#define ESCALATOR_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Allocation failures abort: a half-built campaign is worse than a crash
 * with a message, and it keeps every caller free of OOM paths. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

/* A growable array of owned strings. */
struct strv {
	char	**items;
	size_t	  count;
};
void	strv_push(struct strv *, const char *);
bool	strv_contains(const struct strv *, const char *);
void	strv_free(struct strv *);

/* Milliseconds on CLOCK_REALTIME / CLOCK_MONOTONIC. */
int64_t	time_now_ms(void);
int64_t	time_mono_ms(void);

/* "1m30s"-style human duration into buf; returns buf. */
const char *duration_format(int64_t ms, char *buf, size_t len);

#endif
