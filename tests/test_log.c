/* The run log: JSON lines written whole, read back, filtered. */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "escalator/log.h"
#include "escalator/util.h"
#include "tmpdir.h"

struct fixture {
	char		*dir;
	char		*path;		/* DIR/log.jsonl */
	struct log	*log;
};

static const struct log_entry entries[] = {
	{ 1795630320123, "r1", "procedure:computes", "start", "ok", 0, 0,
	    NULL },
	{ 1795630321000, "r1", "node:compute-1", "maintenance_on", "ok", 0,
	    1500, "handed over" },
	{ 1795630323200, "r1", "step:computes/compute-1/upgrade", "upgrade",
	    "failed", 1, 3200, "dpkg: error" },
	{ 1795630324000, "r1", "step:computes/compute-10/upgrade", "upgrade",
	    "ok", 0, 61000, NULL },
	{ 1795630325000, "r1", "step:computes/compute-1x/upgrade", "upgrade",
	    "timeout", 124, 900000, "hang" },
	{ 1795630326000, "r1", "compute-1/reboot", "run", "ok", 0, 100,
	    NULL },
	{ 1795630327000, "r1", "procedure:compute-1", "start", "ok", 0, 0,
	    NULL },
};
#define NENTRIES	(sizeof entries / sizeof entries[0])

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	char *err;

	f->dir = tmpdir_make();
	f->path = xasprintf("%s/%s", f->dir, LOG_FILE);
	if (log_open(&f->log, f->dir, &err) == -1) {
		print_error("%s\n", err);
		free(err);
		return -1;
	}
	for (size_t i = 0; i < NENTRIES; i++)
		if (log_write(f->log, &entries[i]) == -1)
			return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	log_close(f->log);
	free(f->path);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* What log_print or log_print_json writes, and what goes to stderr. */
struct printed {
	char	*out;
	char	*errors;
	int	 rc;
};

static char *
read_fd(int fd)
{
	char *buf = xmalloc(65536);
	ssize_t n;

	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	n = read(fd, buf, 65535);
	assert_true(n >= 0);
	buf[n] = '\0';
	return buf;
}

static struct printed
print_log(const char *dir, const char *node, bool errors, bool json)
{
	struct printed p = { NULL, NULL, 0 };
	char *err = NULL, *errpath;
	size_t len;
	FILE *out = open_memstream(&p.out, &len);
	int saved, fd;

	errpath = xasprintf("%s/stderr", dir);
	fd = open(errpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	p.rc = json ? log_print_json(dir, node, errors, out, &err) :
	    log_print(dir, node, errors, out, &err);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	fclose(out);
	p.errors = read_fd(fd);
	close(fd);
	unlink(errpath);
	free(errpath);
	if (err != NULL) {
		free(p.errors);
		p.errors = err;
	}
	return p;
}

static void
printed_free(struct printed *p)
{
	free(p->out);
	free(p->errors);
}

static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

static void
test_file_mode(void **state)
{
	struct fixture *f = *state;
	struct stat st;

	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
}

static void
test_json_lines(void **state)
{
	struct fixture *f = *state;
	struct json_object *o, *v;
	char *text, *line, *save;
	size_t i = 0;
	int fd;

	fd = open(f->path, O_RDONLY);
	text = read_fd(fd);
	close(fd);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save), i++) {
		assert_true(i < NENTRIES);
		o = json_tokener_parse(line);
		assert_non_null(o);
		assert_true(json_object_object_get_ex(o, "object", &v));
		assert_string_equal(json_object_get_string(v),
		    entries[i].object);
		assert_true(json_object_object_get_ex(o, "code", &v));
		assert_int_equal(json_object_get_int(v), entries[i].code);
		assert_true(json_object_object_get_ex(o, "duration_ms", &v));
		assert_int_equal(json_object_get_int64(v),
		    entries[i].duration_ms);
		assert_true(json_object_object_get_ex(o, "run", &v));
		assert_true(json_object_object_get_ex(o, "action", &v));
		assert_true(json_object_object_get_ex(o, "result", &v));
		assert_int_equal(json_object_object_get_ex(o, "message", &v),
		    entries[i].message != NULL);
		json_object_put(o);
	}
	assert_int_equal(i, NENTRIES);
	assert_non_null(strstr(text, "\"ts\":\"2026-11-25T18:12:00.123Z\""));
	free(text);
}

static void
test_print_all(void **state)
{
	struct fixture *f = *state;
	struct printed p = print_log(f->dir, NULL, false, false);

	assert_int_equal(p.rc, 0);
	assert_string_equal(p.errors, "");
	assert_int_equal(count_lines(p.out), NENTRIES);
	assert_non_null(strstr(p.out, "2026-11-25T18:12:03.200Z  "
	    "step:computes/compute-1/upgrade  upgrade  failed  code=1  3.2s  "
	    "dpkg: error\n"));
	assert_non_null(strstr(p.out, "2026-11-25T18:12:00.123Z  "
	    "procedure:computes  start  ok  code=0  0.0s\n"));
	assert_non_null(strstr(p.out, "  1m01s\n"));
	printed_free(&p);
}

static void
test_filter_node(void **state)
{
	struct fixture *f = *state;
	struct printed p = print_log(f->dir, "compute-1", false, false);

	assert_int_equal(p.rc, 0);
	/* node:compute-1 and its steps, not compute-10 nor compute-1x, nor
	 * a procedure of that name. */
	assert_int_equal(count_lines(p.out), 3);
	assert_non_null(strstr(p.out, "node:compute-1  "));
	assert_non_null(strstr(p.out, "step:computes/compute-1/upgrade"));
	assert_non_null(strstr(p.out, "  compute-1/reboot  "));
	printed_free(&p);
	p = print_log(f->dir, "computes", false, false);
	assert_int_equal(count_lines(p.out), 0);
	printed_free(&p);
}

static void
test_filter_errors(void **state)
{
	struct fixture *f = *state;
	struct printed p = print_log(f->dir, NULL, true, false);

	assert_int_equal(count_lines(p.out), 2);
	assert_non_null(strstr(p.out, "  failed  "));
	assert_non_null(strstr(p.out, "  timeout  code=124  15m00s  hang\n"));
	printed_free(&p);
	p = print_log(f->dir, "compute-1", true, true);
	assert_int_equal(count_lines(p.out), 1);
	assert_non_null(strstr(p.out, "{\"ts\":\"2026-11-25T18:12:03.200Z\""));
	assert_non_null(strstr(p.out, "\"result\":\"failed\""));
	printed_free(&p);
}

/* A crash cuts the last line short: it is reported and skipped, and a
 * run resumed afterwards appends after it. */
static void
test_truncated_line(void **state)
{
	struct fixture *f = *state;
	struct printed p;
	int fd = open(f->path, O_WRONLY | O_APPEND);
	static const char cut[] = "{\"ts\":\"2026-11-25T18:13:00.000Z\",\"ru";
	char expected[64];

	assert_true(fd >= 0);
	assert_int_equal(write(fd, cut, sizeof cut - 1), sizeof cut - 1);
	close(fd);
	snprintf(expected, sizeof expected, "%s:%zu: malformed line skipped",
	    LOG_FILE, NENTRIES + 1);
	p = print_log(f->dir, NULL, false, false);
	assert_int_equal(p.rc, 0);
	assert_int_equal(count_lines(p.out), NENTRIES);
	assert_non_null(strstr(p.errors, expected));
	printed_free(&p);

	/* The next write lands on the cut line, still one bad line. */
	assert_int_equal(log_write(f->log, &entries[0]), 0);
	assert_int_equal(log_write(f->log, &entries[0]), 0);
	p = print_log(f->dir, NULL, false, true);
	assert_int_equal(count_lines(p.out), NENTRIES + 1);
	assert_non_null(strstr(p.errors, expected));
	printed_free(&p);
}

/* Junk, NUL bytes, a long line and a JSON value that is not an object
 * are each reported and skipped. */
static void
test_junk_lines(void **state)
{
	struct fixture *f = *state;
	static const char junk[] = "\x01\xff{]\n{\"a\":\0\"b\"}\n[1,2]\n42\n\n";
	char *big = xmalloc(100000);
	struct printed p;
	int fd = open(f->path, O_WRONLY | O_APPEND);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, junk, sizeof junk - 1), sizeof junk - 1);
	memset(big, '{', 99999);
	big[99999] = '\n';
	assert_int_equal(write(fd, big, 100000), 100000);
	close(fd);
	free(big);
	assert_int_equal(log_write(f->log, &entries[0]), 0);
	p = print_log(f->dir, NULL, false, false);
	assert_int_equal(p.rc, 0);
	assert_int_equal(count_lines(p.out), NENTRIES + 1);
	assert_int_equal(count_lines(p.errors), 5);
	printed_free(&p);
}

static void
test_message_stays_on_its_line(void **state)
{
	struct fixture *f = *state;
	struct log_entry e = entries[1];
	struct printed p;

	e.message = "two\nlines \"quoted\"";
	assert_int_equal(log_write(f->log, &e), 0);
	p = print_log(f->dir, NULL, false, true);
	assert_int_equal(count_lines(p.out), NENTRIES + 1);
	assert_non_null(strstr(p.out, "two\\nlines \\\"quoted\\\""));
	printed_free(&p);
}

/* Two processes writing at once: every line stays whole. */
static void
test_concurrent_writers(void **state)
{
	struct fixture *f = *state;
	struct log_entry e = entries[2];
	char msg[2048];
	struct printed p;
	pid_t pid[2];
	int status;

	memset(msg, 'x', sizeof msg - 1);
	msg[sizeof msg - 1] = '\0';
	e.message = msg;
	for (int c = 0; c < 2; c++) {
		if ((pid[c] = fork()) == 0) {
			for (int i = 0; i < 200; i++)
				if (log_write(f->log, &e) == -1)
					_exit(1);
			_exit(0);
		}
		assert_true(pid[c] > 0);
	}
	for (int c = 0; c < 2; c++) {
		assert_int_equal(waitpid(pid[c], &status, 0), pid[c]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	p = print_log(f->dir, NULL, false, false);
	assert_string_equal(p.errors, "");
	assert_int_equal(count_lines(p.out), NENTRIES + 400);
	printed_free(&p);
}

static void
test_refusals(void **state)
{
	struct fixture *f = *state;
	struct log *l;
	struct printed p;
	char *err, *missing;

	assert_int_equal(chmod(f->path, 0640), 0);
	assert_int_equal(log_open(&l, f->dir, &err), -1);
	assert_non_null(strstr(err, "0640"));
	assert_non_null(strstr(err, "chmod 600"));
	free(err);
	p = print_log(f->dir, NULL, false, false);
	assert_int_equal(p.rc, -1);
	assert_non_null(strstr(p.errors, "chmod 600"));
	printed_free(&p);
	assert_int_equal(chmod(f->path, 0600), 0);
	missing = xasprintf("%s/empty", f->dir);
	assert_int_equal(mkdir(missing, 0700), 0);
	p = print_log(missing, NULL, false, false);
	assert_int_equal(p.rc, -1);
	assert_non_null(strstr(p.errors, "no log"));
	printed_free(&p);
	rmdir(missing);
	free(missing);
}

static void
test_time_format(void **state)
{
	char buf[LOG_TIME_LEN];

	(void)state;
	assert_string_equal(log_time_format(0, buf, sizeof buf),
	    "1970-01-01T00:00:00.000Z");
	assert_string_equal(log_time_format(1795630320123, buf, sizeof buf),
	    "2026-11-25T18:12:00.123Z");
	assert_string_equal(log_time_format(-5, buf, sizeof buf), "-");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		T(test_file_mode),
		T(test_json_lines),
		T(test_print_all),
		T(test_filter_node),
		T(test_filter_errors),
		T(test_truncated_line),
		T(test_junk_lines),
		T(test_message_stays_on_its_line),
		T(test_concurrent_writers),
		T(test_refusals),
		cmocka_unit_test(test_time_format),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
