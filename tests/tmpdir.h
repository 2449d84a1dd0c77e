/* Scratch directories for the tests. */
#ifndef ESCALATOR_TESTS_TMPDIR_H
#define ESCALATOR_TESTS_TMPDIR_H

/* $TMPDIR, or /tmp when it is unset or empty. */
const char	*tmpdir_base(void);
/* A new private directory under $TMPDIR; malloc'd path. */
char		*tmpdir_make(void);
/* Remove the directory and all below it; frees the path. */
void		 tmpdir_remove(char *);

#endif
