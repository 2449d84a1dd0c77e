/* The answer of the tests' HTTP servers. */
#include "config.h"

#include <string.h>

#include "mhd_reply.h"

enum MHD_Result
mhd_reply(struct MHD_Connection *c, unsigned int status, const char *type,
    const char *body)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	r = MHD_create_response_from_buffer(strlen(body), (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", type);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}
