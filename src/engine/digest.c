/* sha256 of files: version files against the campaign, and the campaign
 * itself against the run record on resume. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "escalator/engine.h"
#include "escalator/util.h"

int
engine_sha256_file(const char *path, char out[65], char **err)
{
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;
	FILE *f;
	size_t n;
	int rc = 0;

	if ((f = fopen(path, "rb")) == NULL) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		rc = -1;
	while (rc == 0 && (n = fread(buf, 1, sizeof buf, f)) > 0)
		if (EVP_DigestUpdate(ctx, buf, n) != 1)
			rc = -1;
	if (rc == 0 && (ferror(f) || EVP_DigestFinal_ex(ctx, md, &mdlen) != 1))
		rc = -1;
	EVP_MD_CTX_free(ctx);
	fclose(f);
	if (rc == -1) {
		*err = xasprintf("%s: cannot compute its sha256", path);
		return -1;
	}
	for (unsigned int i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = '\0';
	return 0;
}
