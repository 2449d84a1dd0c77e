/*
 * HTTP probes against a real local server (tests/node_httpd): status,
 * JSON field checks, bad JSON, a slow server and time limits, many
 * requests at once without blocking, POST, and TLS verification
 * against a real TLS server (openssl s_server).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "escalator/http_probe.h"
#include "escalator/util.h"
#include "net_util.h"
#include "tmpdir.h"

struct fixture {
	pid_t	 pid;
	int	 port;
};

static struct fixture fx;

static int
group_setup(void **state)
{
	(void)state;
	fx.port = net_httpd_start(&fx.pid, "2.1");
	return fx.port > 0 ? 0 : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	net_stop(fx.pid);
	return 0;
}

static char *
url(const char *path)
{
	return xasprintf("http://127.0.0.1:%d%s", fx.port, path);
}

/* Run one request to its end; the time it took in *ms. */
static struct http_result
probe(struct http_prober *p, const struct http_request *r, int64_t *ms)
{
	struct http_result res;
	int64_t t0 = time_mono_ms();
	char *err = NULL;
	size_t n = 0;

	memset(&res, 0, sizeof res);
	assert_int_equal(http_probe_start(p, 1, r, &err), 0);
	while (n == 0 && time_mono_ms() - t0 < 20000) {
		assert_int_equal(http_prober_wait(p, NULL, 0, 1000), 0);
		n = http_prober_collect(p, &res, 1);
	}
	assert_int_equal(n, 1);
	assert_int_equal(res.id, 1);
	if (ms != NULL)
		*ms = time_mono_ms() - t0;
	return res;
}

static struct http_result
get(const char *path, int expect, const struct label *fields, size_t n)
{
	struct http_prober *p = http_prober_new(NULL);
	char *u = url(path);
	struct http_request r = { .url = u, .expect_status = expect,
	    .expect_json = fields, .nexpect_json = n, .timeout_ms = 5000 };
	struct http_result res = probe(p, &r, NULL);

	free(u);
	http_prober_free(p);
	return res;
}

static void
test_status(void **state)
{
	struct http_result r;

	(void)state;
	r = get("/health", 0, NULL, 0);
	assert_true(r.ok);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.message, "HTTP 200");
	r = get("/status/503", 0, NULL, 0);
	assert_false(r.ok);
	assert_int_equal(r.status, 503);
	assert_string_equal(r.message, "HTTP 503, expected 200");
	r = get("/status/503", 503, NULL, 0);
	assert_true(r.ok);
	r = get("/nowhere", 200, NULL, 0);
	assert_false(r.ok);
	assert_int_equal(r.status, 404);
}

static void
test_json_fields(void **state)
{
	struct label good[] = {
		{ "status", "ok" }, { "cluster.nodes", "3" },
		{ "cluster.healthy", "true" }, { "items.1.id", "8" },
		{ "nothing", "null" },
	};
	struct label wrong[] = { { "status", "ok" }, { "cluster.nodes", "4" } };
	struct label missing[] = { { "cluster.zones", "2" } };
	struct label version[] = { { "version", "2.1" } };
	struct http_result r;

	(void)state;
	r = get("/json", 200, good, 5);
	assert_true(r.ok);
	r = get("/json", 200, wrong, 2);
	assert_false(r.ok);
	assert_string_equal(r.message,
	    "HTTP 200: cluster.nodes is \"3\", expected \"4\"");
	r = get("/json", 200, missing, 1);
	assert_false(r.ok);
	assert_string_equal(r.message, "HTTP 200: no field cluster.zones");
	r = get("/version", 200, version, 1);
	assert_true(r.ok);
}

static void
test_bad_json(void **state)
{
	struct label f[] = { { "status", "ok" } };
	struct http_result r;

	(void)state;
	r = get("/badjson", 200, f, 1);
	assert_false(r.ok);
	assert_non_null(strstr(r.message, "bad JSON"));
	/* Without field checks the body is not judged. */
	r = get("/badjson", 200, NULL, 0);
	assert_true(r.ok);
}

static void
test_slow_times_out(void **state)
{
	struct http_prober *p = http_prober_new(NULL);
	char *u = url("/slow?ms=4000");
	struct http_request r = { .url = u, .timeout_ms = 500 };
	struct http_result res;
	int64_t ms;

	(void)state;
	res = probe(p, &r, &ms);
	assert_false(res.ok);
	assert_int_equal(res.status, 0);
	assert_non_null(strstr(res.message, "imeout"));
	assert_true(ms >= 450 && ms < 5000);
	free(u);
	http_prober_free(p);
}

/* A slow node holds up nobody: 30 quick probes end while it sleeps,
 * and the caller's own fd wakes the wait at once. */
static void
test_many_at_once(void **state)
{
	struct http_prober *p = http_prober_new(NULL);
	char *slow = url("/slow?ms=3000"), *fast = url("/health");
	struct http_request rs = { .url = slow, .timeout_ms = 10000 };
	struct http_request rf = { .url = fast, .timeout_ms = 10000 };
	struct http_result res[8];
	int64_t t0 = time_mono_ms(), fast_done = 0, slow_done = 0, t1;
	size_t nfast = 0, n;
	char *err = NULL, c;
	int pipefd[2];
	struct pollfd pfd;

	(void)state;
	assert_int_equal(pipe(pipefd), 0);
	assert_int_equal(http_probe_start(p, 100, &rs, &err), 0);
	for (uint64_t i = 0; i < 30; i++)
		assert_int_equal(http_probe_start(p, i, &rf, &err), 0);
	assert_int_equal(http_prober_active(p), 31);
	while ((nfast < 30 || slow_done == 0) && time_mono_ms() - t0 < 10000) {
		assert_int_equal(http_prober_wait(p, NULL, 0, 1000), 0);
		n = http_prober_collect(p, res, 8);
		for (size_t i = 0; i < n; i++) {
			assert_true(res[i].ok);
			if (res[i].id == 100)
				slow_done = time_mono_ms() - t0;
			else if (++nfast == 30)
				fast_done = time_mono_ms() - t0;
		}
		if (nfast == 30 && slow_done == 0 && fast_done > 0) {
			/* The slow one still runs: an fd of ours wakes us. */
			pfd = (struct pollfd){ .fd = pipefd[0],
			    .events = POLLIN };
			assert_int_equal(write(pipefd[1], "x", 1), 1);
			t1 = time_mono_ms();
			assert_int_equal(http_prober_wait(p, &pfd, 1, 5000), 0);
			assert_true(pfd.revents & POLLIN);
			assert_true(time_mono_ms() - t1 < 500);
			assert_int_equal(read(pipefd[0], &c, 1), 1);
			fast_done = -fast_done;
		}
	}
	/* Every quick one was done while the slow one still ran. */
	assert_int_equal(nfast, 30);
	assert_true(fast_done < 0);
	assert_true(slow_done >= 2900 && slow_done < 8000);
	assert_int_equal(http_prober_active(p), 0);
	close(pipefd[0]);
	close(pipefd[1]);
	free(slow);
	free(fast);
	http_prober_free(p);
}

static void
test_post_notification(void **state)
{
	struct http_prober *p = http_prober_new(NULL);
	char *u = url("/notify"), *back = url("/notified");
	struct http_request r = { .url = u, .body =
	    "{\"event\":\"upgrade\",\"node\":\"c1\"}", .expect_status = 202,
	    .timeout_ms = 5000 };
	struct label f[] = { { "event", "upgrade" }, { "node", "c1" } };
	struct http_request check = { .url = back, .expect_json = f,
	    .nexpect_json = 2, .timeout_ms = 5000 };
	struct http_result res;

	(void)state;
	res = probe(p, &r, NULL);
	assert_true(res.ok);
	assert_int_equal(res.status, 202);
	res = probe(p, &check, NULL);
	assert_true(res.ok);
	free(u);
	free(back);
	http_prober_free(p);
}

static void
test_cancel(void **state)
{
	struct http_prober *p = http_prober_new(NULL);
	char *u = url("/slow?ms=3000");
	struct http_request r = { .url = u, .timeout_ms = 10000 };
	struct http_result res;
	char *err = NULL;

	(void)state;
	assert_int_equal(http_probe_start(p, 5, &r, &err), 0);
	assert_int_equal(http_prober_wait(p, NULL, 0, 100), 0);
	http_probe_cancel(p, 5);
	assert_int_equal(http_prober_active(p), 0);
	assert_int_equal(http_prober_wait(p, NULL, 0, 100), 0);
	assert_int_equal(http_prober_collect(p, &res, 1), 0);
	/* Nothing to request is an error, not a crash. */
	r.url = NULL;
	assert_int_equal(http_probe_start(p, 6, &r, &err), -1);
	assert_non_null(err);
	free(err);
	free(u);
	http_prober_free(p);
}

/* A real TLS server with a self-signed certificate: refused by
 * default, accepted with its certificate as the CA bundle. */
static void
test_tls_verified(void **state)
{
	char *dir, *cert, *u;
	struct http_prober *p;
	struct http_request r = { .timeout_ms = 5000 };
	struct http_result res;
	int port;

	(void)state;
	dir = tmpdir_make();
	cert = xasprintf("%s/cert.pem", dir);
	port = net_free_port();
	assert_int_equal(net_sh("cd %s && openssl req -x509 -newkey rsa:2048 "
	    "-nodes -keyout key.pem -out cert.pem -days 2 -subj /CN=127.0.0.1 "
	    "-addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 && "
	    "(openssl s_server -quiet -www -accept 127.0.0.1:%d -cert cert.pem"
	    " -key key.pem </dev/null >/dev/null 2>&1 & echo $! > pid)", dir,
	    port), 0);
	assert_true(net_port_open(port, 5000));
	u = xasprintf("https://127.0.0.1:%d/", port);
	r.url = u;
	p = http_prober_new(NULL);
	res = probe(p, &r, NULL);
	assert_false(res.ok);
	assert_int_equal(res.status, 0);
	http_prober_free(p);
	p = http_prober_new(cert);
	res = probe(p, &r, NULL);
	assert_true(res.ok);
	http_prober_free(p);
	net_sh("kill $(cat %s/pid)", dir);
	free(u);
	free(cert);
	tmpdir_remove(dir);
}

static void
test_json_check_direct(void **state)
{
	struct label f[] = { { "a.0", "x" } };
	char buf[128];

	(void)state;
	assert_null(http_json_check("{\"a\":[\"x\"]}", 11, f, 1, buf,
	    sizeof buf));
	assert_non_null(http_json_check("{\"a\":[]}", 8, f, 1, buf,
	    sizeof buf));
	assert_string_equal(buf, "no field a.0");
	assert_non_null(http_json_check("", 0, f, 1, buf, sizeof buf));
	assert_non_null(http_json_check("\x01\x02", 2, f, 1, buf,
	    sizeof buf));
	assert_non_null(http_json_check("[1]", 3, f, 1, buf, sizeof buf));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_json_fields),
		cmocka_unit_test(test_bad_json),
		cmocka_unit_test(test_slow_times_out),
		cmocka_unit_test(test_many_at_once),
		cmocka_unit_test(test_post_notification),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_tls_verified),
		cmocka_unit_test(test_json_check_direct),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
