/*
 * A VIM for the handover tests, in the test's own process on a loopback
 * port: hosts go into maintenance and back over HTTP, and every request
 * is recorded in order.
 *
 *   POST   /hosts/NAME/maintenance   202 {"state":"on"}: migrating
 *   DELETE /hosts/NAME/maintenance   204: active
 *   GET    /hosts/NAME               {"state":"migrating"} for the first
 *                                    two polls, then "maintenance"
 *
 * Every request needs "X-Auth-Token: TOKEN" (else 401); a host in the
 * failing set gets 500 on POST and DELETE.
 */
#ifndef ESCALATOR_TESTS_VIM_SERVER_H
#define ESCALATOR_TESTS_VIM_SERVER_H

struct vim_server;

/* Started on 127.0.0.1, a free port; NULL if it cannot be. */
struct vim_server	*vim_server_start(const char *token);
int			 vim_server_port(const struct vim_server *);
/* Make the host's maintenance requests fail with 500 from now on. */
void			 vim_server_fail(struct vim_server *,
			    const char *host);
/* The requests so far, one line each: "METHOD PATH[ BODY]", with
 * " 401" at the end of one that came without the token; malloc'd. */
char			*vim_server_log(struct vim_server *);
void			 vim_server_stop(struct vim_server *);

#endif
