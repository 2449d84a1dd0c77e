/* Writing the run log: JSON lines appended to DIR/log.jsonl. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "escalator/log.h"
#include "escalator/util.h"
#include "statedir.h"

struct log {
	int	 fd;
	char	*path;
	char	*error;
};

const char *
log_time_format(int64_t ms, char *buf, size_t len)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	char day[24];

	if (ms < 0 || gmtime_r(&secs, &tm) == NULL ||
	    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%s.%03dZ", day, (int)(ms % 1000));
	return buf;
}

int
log_open(struct log **lp, const char *state_dir, char **err)
{
	struct log *l;
	char *path;
	int fd;

	*lp = NULL;
	*err = NULL;
	if (statedir_check(state_dir, true, err) == -1)
		return -1;
	path = xasprintf("%s/%s", state_dir, LOG_FILE);
	if (statefile_check(path, err) == -1) {
		free(path);
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd == -1) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	l = xcalloc(1, sizeof *l);
	l->fd = fd;
	l->path = path;
	*lp = l;
	return 0;
}

static void
log_add_string(struct json_object *o, const char *key, const char *value)
{
	json_object_object_add(o, key, json_object_new_string(value != NULL ?
	    value : ""));
}

static char *
log_line(const struct log_entry *e)
{
	struct json_object *o = json_object_new_object();
	char ts[LOG_TIME_LEN];
	char *line;

	log_add_string(o, "ts", log_time_format(e->ts_ms, ts, sizeof ts));
	log_add_string(o, "run", e->run);
	log_add_string(o, "object", e->object);
	log_add_string(o, "action", e->action);
	log_add_string(o, "result", e->result);
	json_object_object_add(o, "code", json_object_new_int(e->code));
	json_object_object_add(o, "duration_ms",
	    json_object_new_int64(e->duration_ms));
	if (e->message != NULL)
		log_add_string(o, "message", e->message);
	/* json-c escapes control characters: a message never breaks the
	 * line. */
	line = xasprintf("%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return line;
}

int
log_write(struct log *l, const struct log_entry *e)
{
	char *line = log_line(e);
	size_t len = strlen(line);
	ssize_t n;

	n = write(l->fd, line, len);
	free(line);
	if (n == (ssize_t)len)
		return 0;
	free(l->error);
	if (n == -1)
		l->error = xasprintf("%s: %s", l->path, strerror(errno));
	else
		l->error = xasprintf("%s: short write (disk full?)", l->path);
	return -1;
}

const char *
log_error(struct log *l)
{
	return l->error != NULL ? l->error : "no error";
}

void
log_close(struct log *l)
{
	if (l == NULL)
		return;
	close(l->fd);
	free(l->path);
	free(l->error);
	free(l);
}
