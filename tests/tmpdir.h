/* Scratch state directories for the store tests. */
#ifndef ESCALATOR_TESTS_TMPDIR_H
#define ESCALATOR_TESTS_TMPDIR_H

/* A new private directory under $TMPDIR; malloc'd path. */
char	*tmpdir_make(void);
/* Remove the directory and the files in it; frees the path. */
void	 tmpdir_remove(char *);

#endif
