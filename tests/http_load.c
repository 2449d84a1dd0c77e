/*
 * http_load URL [CLIENTS]: a steady client load (libcurl multi) until
 * SIGTERM or SIGINT, then a report on stdout:
 *
 *   requests N failed F
 *   version V COUNT          (one line per version served)
 *
 * A request fails when it gets no answer or a status other than 200.
 * Each client sends its next request as soon as the last one ends, on
 * a fresh connection, as independent end users would.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#define MAX_CLIENTS	64
#define MAX_VERSIONS	8

struct client {
	CURL	*easy;
	char	 body[512];
	size_t	 len;
};

struct tally {
	long	 requests;
	long	 failed;
	char	 version[MAX_VERSIONS][32];
	long	 count[MAX_VERSIONS];
	size_t	 nversions;
};

static volatile sig_atomic_t stopping;

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static size_t
body_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct client *c = arg;
	size_t n = size * nmemb, room = sizeof c->body - 1 - c->len;

	memcpy(c->body + c->len, data, n < room ? n : room);
	c->len += n < room ? n : room;
	c->body[c->len] = '\0';
	return size * nmemb;
}

static void
version_count(struct tally *t, const char *body)
{
	const char *v = strstr(body, "\"version\":\"");
	char name[32];
	size_t len, i;

	if (v == NULL)
		return;
	v += strlen("\"version\":\"");
	len = strcspn(v, "\"");
	if (len >= sizeof name)
		len = sizeof name - 1;
	memcpy(name, v, len);
	name[len] = '\0';
	for (i = 0; i < t->nversions; i++)
		if (strcmp(t->version[i], name) == 0)
			break;
	if (i == t->nversions) {
		if (t->nversions == MAX_VERSIONS)
			return;
		memcpy(t->version[t->nversions++], name, len + 1);
	}
	t->count[i]++;
}

static void
client_send(CURLM *multi, struct client *c)
{
	c->len = 0;
	c->body[0] = '\0';
	curl_multi_remove_handle(multi, c->easy);
	curl_multi_add_handle(multi, c->easy);
}

static void
finished(struct tally *t, CURLMsg *m)
{
	struct client *c = NULL;
	long status = 0;

	curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&c);
	curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &status);
	t->requests++;
	if (m->data.result != CURLE_OK || status != 200) {
		t->failed++;
		if (t->failed <= 5)
			fprintf(stderr, "http_load: failed: %s, status %ld\n",
			    curl_easy_strerror(m->data.result), status);
	} else
		version_count(t, c->body);
}

int
main(int argc, char **argv)
{
	struct client clients[MAX_CLIENTS];
	struct tally t = { 0 };
	CURLM *multi;
	CURLMsg *m;
	int n = argc > 2 ? atoi(argv[2]) : 4, running, left;

	if (argc < 2 || n < 1 || n > MAX_CLIENTS) {
		fprintf(stderr, "usage: http_load URL [CLIENTS]\n");
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	/* A test that dies must not leave its load running. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	multi = curl_multi_init();
	for (int i = 0; i < n; i++) {
		struct client *c = &clients[i];

		c->easy = curl_easy_init();
		curl_easy_setopt(c->easy, CURLOPT_URL, argv[1]);
		curl_easy_setopt(c->easy, CURLOPT_WRITEFUNCTION, body_write);
		curl_easy_setopt(c->easy, CURLOPT_WRITEDATA, c);
		curl_easy_setopt(c->easy, CURLOPT_PRIVATE, c);
		curl_easy_setopt(c->easy, CURLOPT_TIMEOUT_MS, 5000L);
		curl_easy_setopt(c->easy, CURLOPT_FORBID_REUSE, 1L);
		curl_easy_setopt(c->easy, CURLOPT_NOSIGNAL, 1L);
		client_send(multi, c);
	}
	printf("started\n");
	fflush(stdout);
	while (!stopping) {
		curl_multi_perform(multi, &running);
		while ((m = curl_multi_info_read(multi, &left)) != NULL) {
			struct client *c = NULL;

			if (m->msg != CURLMSG_DONE)
				continue;
			finished(&t, m);
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
			    (char **)&c);
			client_send(multi, c);
		}
		curl_multi_poll(multi, NULL, 0, 100, NULL);
	}
	printf("requests %ld failed %ld\n", t.requests, t.failed);
	for (size_t i = 0; i < t.nversions; i++)
		printf("version %s %ld\n", t.version[i], t.count[i]);
	for (int i = 0; i < n; i++) {
		curl_multi_remove_handle(multi, clients[i].easy);
		curl_easy_cleanup(clients[i].easy);
	}
	curl_multi_cleanup(multi);
	curl_global_cleanup();
	return 0;
}
