/*
 * libfloor [HOST PORT USER KEY KNOWN_HOSTS URL DIR]: the memory floor of
 * any controller built on the libraries escalator uses: libssh, libcurl
 * (OpenSSL) and SQLite, as the system ships them. Prints the resident
 * memory (kB) when linked and loaded, after each library's global
 * initialisation, and, given a node, after one SSH command on it, one
 * HTTP GET of URL and one journaled row in DIR/floor.db (WAL, synchronous
 * writes, as escalator's journal); then the peak, as
 * "peak KB". Run by bench/rolling; no escalator code here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <libssh/libssh.h>
#include <sqlite3.h>

static long
status_kb(const char *field)
{
	char line[256];
	size_t len = strlen(field);
	long kb = -1;
	FILE *f;

	if ((f = fopen("/proc/self/status", "re")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, field, len) == 0 && line[len] == ':')
			kb = strtol(line + len + 1, NULL, 10);
	fclose(f);
	return kb;
}

static void
report(const char *stage)
{
	printf("%-24s %ld\n", stage, status_kb("VmRSS"));
}

static int
ssh_command(const char *host, int port, const char *user, const char *key,
    const char *known_hosts)
{
	ssh_session s = ssh_new();
	ssh_channel c = NULL;
	ssh_key k = NULL;
	char buf[4096];
	int rc = -1;

	if (s == NULL)
		return -1;
	ssh_options_set(s, SSH_OPTIONS_HOST, host);
	ssh_options_set(s, SSH_OPTIONS_PORT, &port);
	ssh_options_set(s, SSH_OPTIONS_USER, user);
	ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, known_hosts);
	if (ssh_connect(s) != SSH_OK)
		goto out;
	if (ssh_session_is_known_server(s) != SSH_KNOWN_HOSTS_OK) {
		fprintf(stderr, "libfloor: %s: host key not in %s\n", host,
		    known_hosts);
		goto out;
	}
	if (ssh_pki_import_privkey_file(key, NULL, NULL, NULL, &k) != SSH_OK ||
	    ssh_userauth_publickey(s, NULL, k) != SSH_AUTH_SUCCESS ||
	    (c = ssh_channel_new(s)) == NULL ||
	    ssh_channel_open_session(c) != SSH_OK ||
	    ssh_channel_request_exec(c, "uname -a") != SSH_OK)
		goto out;
	while (ssh_channel_read(c, buf, sizeof buf, 0) > 0)
		;
	rc = ssh_channel_get_exit_status(c) == 0 ? 0 : -1;
out:
	if (rc == -1)
		fprintf(stderr, "libfloor: ssh %s failed: %s\n", host,
		    ssh_get_error(s));
	if (c != NULL)
		ssh_channel_free(c);
	ssh_key_free(k);
	ssh_disconnect(s);
	ssh_free(s);
	return rc;
}

static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

static int
http_get(CURLM *multi, const char *url)
{
	CURL *h = curl_easy_init();
	int running = 1, rc = -1;
	CURLMsg *m;
	int left;

	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
	curl_multi_add_handle(multi, h);
	while (running > 0) {
		if (curl_multi_perform(multi, &running) != CURLM_OK ||
		    curl_multi_poll(multi, NULL, 0, 1000, NULL) != CURLM_OK)
			break;
	}
	while ((m = curl_multi_info_read(multi, &left)) != NULL)
		if (m->msg == CURLMSG_DONE && m->data.result == CURLE_OK)
			rc = 0;
	curl_multi_remove_handle(multi, h);
	curl_easy_cleanup(h);
	if (rc == -1)
		fprintf(stderr, "libfloor: GET %s failed\n", url);
	return rc;
}

static int
journal_row(const char *dir)
{
	char path[4096];
	sqlite3 *db;
	int rc;

	snprintf(path, sizeof path, "%s/floor.db", dir);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	rc = sqlite3_exec(db, "PRAGMA journal_mode = WAL; "
	    "PRAGMA synchronous = FULL; "
	    "CREATE TABLE IF NOT EXISTS events (ts INTEGER, what TEXT); "
	    "INSERT INTO events VALUES (1, 'floor')", NULL, NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

int
main(int argc, char **argv)
{
	CURLM *multi;

	if (argc != 1 && argc != 8) {
		fprintf(stderr, "usage: libfloor [HOST PORT USER KEY "
		    "KNOWN_HOSTS URL DIR]\n");
		return 2;
	}
	report("linked");
	if (ssh_init() != SSH_OK)
		return 1;
	report("libssh initialised");
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (multi = curl_multi_init()) == NULL)
		return 1;
	report("libcurl initialised");
	if (sqlite3_initialize() != SQLITE_OK)
		return 1;
	report("sqlite initialised");
	if (argc == 8) {
		if (ssh_command(argv[1], atoi(argv[2]), argv[3], argv[4],
		    argv[5]) == -1)
			return 1;
		report("one ssh command");
		if (http_get(multi, argv[6]) == -1)
			return 1;
		report("one http get");
		if (journal_row(argv[7]) == -1)
			return 1;
		report("one journal row");
	}
	printf("peak %ld\n", status_kb("VmHWM"));
	curl_multi_cleanup(multi);
	curl_global_cleanup();
	ssh_finalize();
	return 0;
}
