/* Diagnostics: every error a loader or validator finds, with file and line. */
#ifndef ESCALATOR_DIAG_H
#define ESCALATOR_DIAG_H

#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>

enum diag_severity {
	DIAG_ERROR,
	DIAG_WARNING,
};

struct diag {
	char			*file;
	int			 line;	/* 0 when the error is about the whole file */
	enum diag_severity	 severity;
	char			*message;
	char			*hint;	/* may be NULL */
	size_t			 seq;	/* order found, for a stable sort */
};

struct diag_list {
	struct diag	*items;
	size_t		 count;
	size_t		 cap;
};

/* Append a diagnostic; hint may be NULL. Never fails (aborts on OOM). */
void	diag_add(struct diag_list *, enum diag_severity, const char *file,
	    int line, const char *hint, const char *fmt, ...)
	    __attribute__((format(printf, 6, 7)));
/* The same with a va_list, for the reporting functions of modules. */
void	diag_vadd(struct diag_list *, enum diag_severity, const char *file,
	    int line, const char *hint, const char *fmt, va_list)
	    __attribute__((format(printf, 6, 0)));
#define diag_error(l, f, ln, h, ...) \
	diag_add((l), DIAG_ERROR, (f), (ln), (h), __VA_ARGS__)
#define diag_warning(l, f, ln, h, ...) \
	diag_add((l), DIAG_WARNING, (f), (ln), (h), __VA_ARGS__)

size_t	diag_errors(const struct diag_list *);
/* Sort by file and line, then print "FILE:LINE: error: MESSAGE" and
 * an indented "hint: ..." line. */
void	diag_print(struct diag_list *, FILE *);
void	diag_list_free(struct diag_list *);

#endif
