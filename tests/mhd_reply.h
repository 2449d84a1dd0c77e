/* The answer of the tests' HTTP servers (libmicrohttpd). */
#ifndef ESCALATOR_TESTS_MHD_REPLY_H
#define ESCALATOR_TESTS_MHD_REPLY_H

#include <microhttpd.h>

/* Queue status with a copy of body, of the given Content-Type. */
enum MHD_Result	 mhd_reply(struct MHD_Connection *, unsigned int status,
		    const char *type, const char *body);

#endif
