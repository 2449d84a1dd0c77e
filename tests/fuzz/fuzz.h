/* Fuzz targets: the libFuzzer entry point, and the file every input is
 * written to, since the loaders read files. */
#ifndef TESTS_FUZZ_H
#define TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);
/* Write the input to this process's scratch file; returns its path. */
const char	*fuzz_file(const char *name, const uint8_t *, size_t);

#endif
