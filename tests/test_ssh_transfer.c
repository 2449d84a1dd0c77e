/*
 * Files over SFTP against a real OpenSSH server on a loopback port:
 * version files copied and checked on the node, a backup of a tree
 * with a link and a command's output with its manifest, a restore
 * after the node's files changed, a tampered backup refused with the
 * node untouched, transfers whose connection drops or hangs. Owners
 * recorded and put back, or said not to be; the command's output kept
 * out of the log. Transfers given up, on a node whose SFTP is slow:
 * their temporaries go, a newer attempt's stay. Then the same through
 * `escalator run --ssh`: a wrong sha256 stops preparation with nothing
 * copied; a failing step restores the backup.
 * The node is this machine, as the user running the test: its "remote"
 * files live in the scratch directory. Skipped (77) without sshd.
 */
#include "config.h"

#include <fcntl.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "escalator/ssh_transport.h"
#include "escalator/util.h"
#include "net_util.h"

#define NODES		2
#define RESULT_MS	60000	/* a guard against a hang, not a timing */

struct fixture {
	struct net_sshd	 s;
	pid_t		 jump_sshd;	/* the jump host's, while it runs */
	bool		 slow;		/* id_slow's node can be had */
};

static struct fixture fx;

static char *
path(const char *name)
{
	return net_sshd_path(&fx.s, name);
}

/* id_slow's node: its SFTP server behind a pipe that passes 8 KB per
 * 10 ms each way, and a restore's command refused (as if it could not
 * start) while the file refuse-restore exists. Commands otherwise run. */
static const char slow_node[] =
    "t='$|=1; while (sysread STDIN, $b, 8192) { syswrite STDOUT, $b; "
    "select undef, undef, undef, 0.01 }'\n"
    "case $SSH_ORIGINAL_COMMAND in\n"
    "internal-sftp) perl -e \"$t\" | \"$SFTP_SERVER\" | perl -e \"$t\"; "
    "exit ;;\n"
    "'exec setsid '*escalator-restore-input*) "
    "[ -e \"$DIR/refuse-restore\" ] && exit 126 ;;\n"
    "esac\n"
    "exec sh -c \"$SSH_ORIGINAL_COMMAND\"\n";

static void
slow_node_setup(void)
{
	char *script = path("slow-node");
	FILE *f;

	fx.slow = net_sh("command -v perl >/dev/null && "
	    "test -x /usr/lib/openssh/sftp-server") == 0;
	if (!fx.slow)
		return;
	assert_non_null(f = fopen(script, "w"));
	fprintf(f, "SFTP_SERVER=/usr/lib/openssh/sftp-server\nDIR=%s\n%s",
	    fx.s.dir, slow_node);
	fclose(f);
	assert_int_equal(net_sh("cd %s && { printf 'command=\"sh %s\" ' && "
	    "cat id_slow.pub; } >> authorized_keys", fx.s.dir, script), 0);
	free(script);
}

static int
group_setup(void **state)
{
	(void)state;
	/* id_drop's sessions kill their own server process: the connection
	 * drops; id_hang's never answer. */
	if (net_sshd_setup(&fx.s, "host_key id id_drop id_hang id_slow",
	    "{ cat id.pub; printf 'command=\"kill -9 $PPID\" '; "
	    "cat id_drop.pub; printf 'command=\"sleep 600\" '; "
	    "cat id_hang.pub; } > authorized_keys && mkdir state node",
	    NODES) == -1)
		return -1;
	slow_node_setup();
	return net_sshd_known_hosts(&fx.s, "known_hosts", "host_key.pub") ==
	    0 ? 0 : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	if (fx.jump_sshd > 0)
		net_stop(fx.jump_sshd);
	net_sshd_teardown(&fx.s);
	return 0;
}

static struct transport *
tp_open_on(const char *identity, const char *known_hosts,
    const struct inventory *inv)
{
	char *id = path(identity), *kh = path(known_hosts),
	    *state = path("state"), *err = NULL;
	struct ssh_transport_config cfg = {
		.inventory = inv,
		.state_dir = state,
		.identity_file = id,
		.known_hosts = kh,
		.connect_timeout_ms = 10000,
	};
	struct transport *t = ssh_transport_open(&cfg, &err);

	if (t == NULL)
		fail_msg("ssh_transport_open: %s", err);
	free(id);
	free(kh);
	free(state);
	return t;
}

static struct transport *
tp_open(const char *identity)
{
	return tp_open_on(identity, "known_hosts", &fx.s.inv);
}

/* a started with a step of timeout_ms (s, which must outlive it). */
static void
start(struct transport *t, struct transport_action *a, struct step *s,
    int64_t timeout_ms)
{
	memset(s, 0, sizeof *s);
	s->timeout_ms = timeout_ms;
	a->step = s;
	a->attempt = 1;
	net_action_start(t, a);
}

/* Run the transport until the shell condition cond holds (NULL: until
 * id's result comes); id's result, if it comes, into *r. */
static void
pump_until(struct transport *t, const char *cond, uint64_t id,
    struct transport_result *r)
{
	int64_t until = time_now_ms() + RESULT_MS;
	struct transport_result got;

	while (time_now_ms() < until) {
		if (t->ops->wait(t, time_now_ms() + 100, -1, &got, 1) == 1 &&
		    got.id == id) {
			*r = got;
			if (cond == NULL)
				return;
		}
		if (cond != NULL && net_sh("%s", cond) == 0)
			return;
	}
	fail_msg("still not: %s", cond != NULL ? cond : "a result");
}

static struct transport_result
act(struct transport *t, struct transport_action *a, int64_t timeout_ms)
{
	struct step s;
	struct transport_result r;
	int64_t until = time_now_ms() + RESULT_MS;

	start(t, a, &s, timeout_ms);
	memset(&r, 0, sizeof r);
	while (time_now_ms() < until)
		if (t->ops->wait(t, until, -1, &r, 1) == 1 && r.id == a->id) {
			fprintf(stderr, "%s: %s, %d: %s\n", a->name,
			    r.status == TRANSPORT_OK ? "ok" : "failed",
			    r.exit_code, r.output);
			return r;
		}
	fail_msg("no result for %s in %d ms", a->name, RESULT_MS);
	return r;
}

/* The sha256 of a file, as sha256sum prints it; malloc'd. */
static char *
sha256_of(const char *file)
{
	char *out = path("sum.out"), *text, *sum;

	assert_int_equal(net_sh("sha256sum '%s' | cut -c1-64 > %s", file,
	    out), 0);
	text = net_slurp(out);
	assert_non_null(text);
	sum = xasprintf("%.64s", text);
	free(text);
	free(out);
	return sum;
}

static unsigned
mode_of(const char *file)
{
	struct stat st;

	assert_int_equal(lstat(file, &st), 0);
	return st.st_mode & 07777;
}

static void
assert_file_is(const char *file, const char *want)
{
	char *text = net_slurp(file);

	if (text == NULL)
		fail_msg("%s: cannot read", file);
	assert_string_equal(text, want);
	free(text);
}

/* --- version files ------------------------------------------------------- */

static void
test_copy_version_file(void **state)
{
	struct transport *t = tp_open("id");
	char *src = path("app.tar"), *dest = path("node/app.tar");
	struct version_file v = { .path = "app.tar", .source = src,
	    .dest = dest };
	struct transport_action a = { .kind = TRANSPORT_COPY, .node = 1,
	    .name = "copy:app", .version_file = &v };
	struct transport_result r;
	char *tmp = xasprintf("ls %s.escalator-tmp* 2>/dev/null | grep -q .",
	    dest);

	(void)state;
	assert_int_equal(net_sh("head -c 300000 /dev/urandom > %s && "
	    "chmod 750 %s", src, src), 0);
	v.sha256 = sha256_of(src);
	r = act(t, &a, 30000);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_non_null(strstr(r.output, "sha256 checked"));
	assert_int_equal(net_sh("cmp -s %s %s", src, dest), 0);
	assert_int_equal(mode_of(dest), 0750);
	assert_int_equal(net_sh("%s", tmp), 1);

	/* A file that is not what the campaign says never takes the place
	 * of the one there. */
	free(v.sha256);
	v.sha256 = xstrdup("00000000000000000000000000000000"
	    "00000000000000000000000000000000");
	assert_int_equal(net_sh("echo older > %s", dest), 0);
	r = act(t, &a, 30000);
	assert_int_equal(r.status, TRANSPORT_FAILED);
	assert_non_null(strstr(r.output, "not put in place"));
	assert_file_is(dest, "older\n");
	assert_int_equal(net_sh("%s", tmp), 1);
	t->ops->destroy(t);
	free(v.sha256);
	free(tmp);
	free(src);
	free(dest);
}

/* --- backup and restore ---------------------------------------------------- */

struct item {
	char			*root;		/* the node's tree */
	char			*dump;		/* what the command prints */
	char			*restored;	/* where restore writes it */
	struct backup_item	 b;
	char			*backup;	/* its local directory */
};

static void
item_make(struct item *it, const char *name)
{
	memset(it, 0, sizeof *it);
	it->root = xasprintf("%s/node/%s", fx.s.dir, name);
	it->dump = xasprintf("%s/node/%s.db", fx.s.dir, name);
	it->restored = xasprintf("%s/node/%s.restored", fx.s.dir, name);
	it->backup = xasprintf("%s/state/backup/n1/%s", fx.s.dir, name);
	it->b.name = xstrdup(name);
	strv_push(&it->b.files, it->root);
	it->b.command = xasprintf("cat %s; echo noise >&2", it->dump);
	it->b.restore = xasprintf("cat > %s", it->restored);
	assert_int_equal(net_sh("mkdir -p %s/sub && cd %s && "
	    "printf 'key = 1\\n' > conf && chmod 640 conf && "
	    "printf data > sub/data && chmod 751 sub && ln -s conf link && "
	    "printf 'row 1\\nrow 2\\n' > %s", it->root, it->root, it->dump),
	    0);
}

static void
item_free(struct item *it)
{
	free(it->root);
	free(it->dump);
	free(it->restored);
	free(it->backup);
	free(it->b.name);
	strv_free(&it->b.files);
	free(it->b.command);
	free(it->b.restore);
}

static struct transport_result
backup_run(struct transport *t, struct item *it, bool restore)
{
	struct transport_action a = {
		.kind = restore ? TRANSPORT_RESTORE : TRANSPORT_BACKUP,
		.node = 0, .name = restore ? "restore:x" : "backup:x",
		.item = it->b.name, .backup = &it->b,
		.command = restore ? it->b.restore : it->b.command,
	};

	return act(t, &a, 30000);
}

/* A file of the backup, by its path on the node under the item's root. */
static char *
saved(const struct item *it, const char *rel)
{
	return xasprintf("%s/files%s/%s", it->backup, it->root, rel);
}

/* The output may be a database dump: the item's file has it, the
 * step's log and result line only its size and sha256. */
static void
assert_output_private(const struct item *it, const char *result,
    const char *content)
{
	char *out = xasprintf("%s/output", it->backup), *sum = sha256_of(out);
	char *log = path("state/output/n1/backup:x.log"), *line;

	assert_null(strstr(result, content));
	line = xasprintf("the command's output (%zu bytes, sha256 %.12s...)",
	    strlen(content), sum);
	assert_non_null(strstr(result, line));
	free(line);
	assert_int_equal(mode_of(out), 0600);
	assert_int_equal(net_sh("grep -q '%.10s' %s", content, log), 1);
	assert_int_equal(net_sh("grep -q \"output: %zu bytes, sha256 %s\" %s",
	    strlen(content), sum, log), 0);
	free(out);
	free(sum);
	free(log);
}

static void
test_backup_tree_and_output(void **state)
{
	struct transport *t = tp_open("id");
	struct transport_result r;
	struct item it;
	char *conf, *link, *data, *target, *entries, *manifest, *line;
	ssize_t n;
	char buf[64];

	(void)state;
	item_make(&it, "tree");
	/* A pipe is a runtime object: skipped, and said to be. */
	assert_int_equal(net_sh("mkfifo %s/pipe", it.root), 0);
	r = backup_run(t, &it, false);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_non_null(strstr(r.output, "backed up: 2 files, 2 directories, "
	    "1 link, the command's output"));
	assert_non_null(strstr(r.output, "; skipped 1 socket, pipe or device "
	    "file (see the log)"));
	conf = saved(&it, "conf");
	link = saved(&it, "link");
	data = saved(&it, "sub/data");
	assert_file_is(conf, "key = 1\n");
	assert_file_is(data, "data");
	/* Private here; the node's modes are in ENTRIES. */
	assert_int_equal(mode_of(conf), 0600);
	assert_int_equal(mode_of(it.backup), 0700);
	n = readlink(link, buf, sizeof buf - 1);
	assert_int_equal(n, 4);
	buf[n] = '\0';
	assert_string_equal(buf, "conf");
	/* stdout alone is the output; stderr went to the step's log. */
	target = xasprintf("%s/output", it.backup);
	assert_file_is(target, "row 1\nrow 2\n");
	free(target);
	assert_output_private(&it, r.output, "row 1\nrow 2\n");
	/* stderr is no secret: it is the command's word on what it did. */
	target = path("state/output/n1/backup:x.log");
	assert_int_equal(net_sh("grep -qx noise %s && grep -q '^skipped "
	    "%s/pipe, a named pipe' %s", target, it.root, target), 0);
	free(target);
	entries = xasprintf("%s/ENTRIES", it.backup);
	line = xasprintf("o=%lu:%lu; grep -qx \"f	0640	$o	%s/conf\" %s && "
	    "grep -qx \"d	0751	$o	%s/sub\" %s && grep -qx \"l	0777	$o	"
	    "%s/link	conf\" %s && grep -qx \"p	0644	$o	%s/pipe\" %s",
	    (unsigned long)getuid(), (unsigned long)getgid(), it.root,
	    entries, it.root, entries, it.root, entries, it.root, entries);
	assert_int_equal(net_sh("%s", line), 0);
	free(line);
	assert_false(net_exists(target = saved(&it, "pipe")));
	free(target);
	/* The manifest is sha256sum's and covers every file. */
	manifest = xasprintf("%s/MANIFEST.sha256", it.backup);
	assert_int_equal(mode_of(manifest), 0600);
	assert_int_equal(net_sh("cd %s && sha256sum --quiet -c "
	    "MANIFEST.sha256 && test $(wc -l < MANIFEST.sha256) -eq 4 && "
	    "grep -q '  output$' MANIFEST.sha256 && grep -q '  ENTRIES$' "
	    "MANIFEST.sha256 && grep -q '  files%s/sub/data$' "
	    "MANIFEST.sha256", it.backup, it.root), 0);
	assert_int_equal(net_sh("ls -d %s.* 2>/dev/null | grep -q .",
	    it.backup), 1);
	t->ops->destroy(t);
	free(conf);
	free(link);
	free(data);
	free(entries);
	free(manifest);
	item_free(&it);
}

/* A command's output alone, and back on the restore's stdin; a
 * restore command that fails says so, if not why. */
static void
test_backup_command_only(void **state)
{
	struct transport *t = tp_open("id");
	struct transport_result r;
	struct item it;

	(void)state;
	item_make(&it, "dump");
	strv_free(&it.b.files);
	assert_int_equal(backup_run(t, &it, false).status, TRANSPORT_OK);
	assert_int_equal(net_sh("cd %s && sha256sum --quiet -c "
	    "MANIFEST.sha256 && test $(wc -l < MANIFEST.sha256) -eq 2 && "
	    "test ! -e files", it.backup), 0);
	r = backup_run(t, &it, true);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_string_equal(r.output, "restored from the command's saved "
	    "output");
	assert_file_is(it.restored, "row 1\nrow 2\n");
	free(it.b.restore);
	it.b.restore = xstrdup("cat >/dev/null; exit 4");
	r = backup_run(t, &it, true);
	assert_int_equal(r.status, TRANSPORT_FAILED);
	assert_int_equal(r.exit_code, 4);
	assert_string_equal(r.output, "restore failed: its command ended "
	    "with exit status 4");
	t->ops->destroy(t);
	item_free(&it);
}

/* A link the backup holds leads no later file elsewhere: "current ->
 * rel" saved, "current/cfg" must not land in the copy of rel. */
static void
test_backup_through_saved_link_refused(void **state)
{
	struct transport *t = tp_open("id");
	struct transport_result r;
	struct item it;

	(void)state;
	item_make(&it, "linked");
	strv_free(&it.b.files);
	assert_int_equal(net_sh("cd %s && mkdir rel && echo x > rel/cfg && "
	    "echo y > rel/other && ln -s rel current", it.root), 0);
	for (size_t i = 0; i < 3; i++) {
		static const char *const rel[] = { "rel/other", "current",
		    "current/cfg" };
		char *f = xasprintf("%s/%s", it.root, rel[i]);

		strv_push(&it.b.files, f);
		free(f);
	}
	r = backup_run(t, &it, false);
	assert_int_equal(r.status, TRANSPORT_FAILED);
	assert_non_null(strstr(r.output, "Not a directory"));
	t->ops->destroy(t);
	item_free(&it);
}

static void
test_restore_after_change(void **state)
{
	struct transport *t = tp_open("id");
	struct transport_result r;
	struct item it;
	char *f;

	(void)state;
	item_make(&it, "changed");
	r = backup_run(t, &it, false);
	assert_int_equal(r.status, TRANSPORT_OK);
	/* The upgrade changes, removes and adds. */
	assert_int_equal(net_sh("cd %s && printf 'key = 2\\n' > conf && "
	    "chmod 600 conf && rm -r link sub && touch new", it.root), 0);
	r = backup_run(t, &it, true);
	assert_int_equal(r.status, TRANSPORT_OK);
	f = xasprintf("%s/conf", it.root);
	assert_file_is(f, "key = 1\n");
	assert_int_equal(mode_of(f), 0640);
	free(f);
	f = xasprintf("%s/sub/data", it.root);
	assert_file_is(f, "data");
	free(f);
	f = xasprintf("%s/sub", it.root);
	assert_int_equal(mode_of(f), 0751);
	free(f);
	assert_int_equal(net_sh("test \"$(readlink %s/link)\" = conf && "
	    "test -e %s/new", it.root, it.root), 0);
	/* The restore command had the saved output on its stdin. */
	assert_file_is(it.restored, "row 1\nrow 2\n");
	/* Nothing of this controller's (other tests may share the home). */
	assert_int_equal(net_sh("ls -a ~ | grep -q "
	    "'escalator-restore-input\\.%ld\\.'", (long)getpid()), 1);
	assert_int_equal(net_sh("find %s -name '*.escalator-tmp*' | grep -q .",
	    it.root), 1);
	t->ops->destroy(t);
	item_free(&it);
}

static void
test_restore_refuses_tampered_backup(void **state)
{
	struct transport *t = tp_open("id");
	struct transport_result r;
	struct item it;
	char *conf, *copy, *node_conf, *node_data = NULL;

	(void)state;
	item_make(&it, "tampered");
	r = backup_run(t, &it, false);
	assert_int_equal(r.status, TRANSPORT_OK);
	node_conf = xasprintf("%s/conf", it.root);
	assert_int_equal(net_sh("printf 'key = 2\\n' > %s && rm %s/sub/data",
	    node_conf, it.root), 0);
	conf = saved(&it, "conf");
	copy = xasprintf("%s.good", conf);
	assert_int_equal(net_sh("cp -p %s %s && echo x >> %s", conf, copy,
	    conf), 0);
	r = backup_run(t, &it, true);
	assert_int_equal(r.status, TRANSPORT_FAILED);
	assert_non_null(strstr(r.output, "restore refused"));
	assert_file_is(node_conf, "key = 2\n");
	assert_false(net_exists(it.restored));
	assert_int_equal(net_sh("test -e %s/sub/data", it.root), 1);

	/* A file of the backup gone: refused the same way. */
	free(node_data);
	node_data = saved(&it, "sub/data");
	assert_int_equal(net_sh("mv %s %s && rm %s", copy, conf, node_data),
	    0);
	r = backup_run(t, &it, true);
	assert_int_equal(r.status, TRANSPORT_FAILED);
	assert_non_null(strstr(r.output, "restore refused"));
	assert_file_is(node_conf, "key = 2\n");
	assert_false(net_exists(it.restored));
	t->ops->destroy(t);
	free(conf);
	free(copy);
	free(node_conf);
	free(node_data);
	item_free(&it);
}

/* A failing backup command's stdout stays out of the result line; its
 * stderr is the error and may show. Nothing half made is kept. */
static void
test_backup_command_fails_privately(void **state)
{
	struct transport *t = tp_open("id");
	struct transport_result r;
	struct item it;

	(void)state;
	item_make(&it, "failing");
	free(it.b.command);
	it.b.command = xstrdup("echo secret-key-material; exit 3");
	r = backup_run(t, &it, false);
	assert_int_equal(r.status, TRANSPORT_FAILED);
	assert_int_equal(r.exit_code, 3);
	assert_string_equal(r.output, "exit status 3");
	assert_int_equal(net_sh("grep -rq secret-key-material %s/state",
	    fx.s.dir), 1);
	free(it.b.command);
	it.b.command = xstrdup("echo secret-key-material; echo no database "
	    ">&2; exit 3");
	r = backup_run(t, &it, false);
	assert_string_equal(r.output, "no database");
	assert_int_equal(net_sh("grep -rq secret-key-material %s/state",
	    fx.s.dir), 1);
	assert_int_equal(net_sh("ls -d %s* 2>/dev/null | grep -q .",
	    it.backup), 1);
	t->ops->destroy(t);
	item_free(&it);
}

static bool
owner_is(const char *file, unsigned long uid, unsigned long gid)
{
	struct stat st;

	assert_int_equal(lstat(file, &st), 0);
	return st.st_uid == uid && st.st_gid == gid;
}

/* Owners are recorded and put back: the node's sshd runs as root here,
 * which may give a file away. chown before chmod: a set-user-id bit
 * survives. */
static void
test_restore_sets_owners(void **state)
{
	struct transport *t;
	struct transport_result r;
	struct item it;
	char *conf, *sub, *link;

	(void)state;
	if (getuid() != 0)
		skip();
	t = tp_open("id");
	item_make(&it, "owners");
	conf = xasprintf("%s/conf", it.root);
	sub = xasprintf("%s/sub", it.root);
	link = xasprintf("%s/link", it.root);
	assert_int_equal(net_sh("chown 4242:4343 %s %s && chmod 4750 %s && "
	    "chown -h 4244:4345 %s", conf, sub, conf, link), 0);
	r = backup_run(t, &it, false);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_int_equal(net_sh("e=%s/ENTRIES && grep -qx \"f	4750	4242:4343	"
	    "%s\" $e && grep -qx \"d	0751	4242:4343	%s\" $e && grep -q "
	    "\"^l	0777	4244:4345	%s	\" $e", it.backup, conf, sub, link), 0);
	/* The sha256 manifest is still sha256sum's own. */
	assert_int_equal(net_sh("cd %s && sha256sum --quiet -c "
	    "MANIFEST.sha256", it.backup), 0);
	assert_int_equal(net_sh("chown -R 0:0 %s && chown -h 0:0 %s",
	    it.root, link), 0);
	r = backup_run(t, &it, true);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_null(strstr(r.output, "owner"));
	assert_true(owner_is(conf, 4242, 4343));
	assert_int_equal(mode_of(conf), 04750);
	assert_true(owner_is(sub, 4242, 4343));
	assert_true(owner_is(link, 4244, 4345));
	t->ops->destroy(t);
	free(conf);
	free(sub);
	free(link);
	item_free(&it);
}

/* Who may not give a file away gets it restored all the same, and the
 * step says whose owner it could not set. The SSH user is nobody. */
static void
test_restore_owner_not_set(void **state)
{
	struct passwd *pw = getpwnam("nobody");
	struct node n = { .name = "n1", .address = "127.0.0.1",
	    .port = fx.s.port, .user = (char *)"nobody" };
	struct inventory inv = { .nodes = &n, .count = 1 };
	struct transport *t;
	struct transport_result r;
	struct item it;
	char *conf, *want, *log = path("state/output/n1/restore:x.log");

	(void)state;
	if (getuid() != 0 || pw == NULL)
		skip();
	memset(&it, 0, sizeof it);
	it.root = xasprintf("%s/node-nobody", fx.s.dir);
	it.backup = xasprintf("%s/state/backup/n1/nobody", fx.s.dir);
	it.b.name = xstrdup("nobody");
	strv_push(&it.b.files, it.root);
	conf = xasprintf("%s/conf", it.root);
	/* nobody reaches the tree and its authorized keys, owns the tree,
	 * not the file. */
	assert_int_equal(net_sh("chmod 711 %s && chmod 644 %s/authorized_keys "
	    "&& mkdir %s && echo v1 > %s && chown %lu:%lu %s", fx.s.dir,
	    fx.s.dir, it.root, conf, (unsigned long)pw->pw_uid,
	    (unsigned long)pw->pw_gid, it.root), 0);
	t = tp_open_on("id", "known_hosts", &inv);
	r = backup_run(t, &it, false);
	assert_int_equal(r.status, TRANSPORT_OK);
	/* Removed, not changed: replacing a file takes mv on the node, and
	 * nobody's shell runs nothing. */
	assert_int_equal(net_sh("rm %s", conf), 0);
	r = backup_run(t, &it, true);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_file_is(conf, "v1\n");
	assert_true(owner_is(conf, pw->pw_uid, pw->pw_gid));
	want = xasprintf("restored: 1 file, 1 directory, 0 links; owner "
	    "not set on 1: %s (see the log)", conf);
	assert_string_equal(r.output, want);
	assert_int_equal(net_sh("grep -q '^owner not set on %s (uid 0, gid 0): "
	    "' %s", conf, log), 0);
	t->ops->destroy(t);
	free(want);
	free(conf);
	free(log);
	item_free(&it);
}

/* --- transfers given up ------------------------------------------------------ */

/* How many of the transfer temporaries of what glob names there are. */
static char *
temps(const char *glob, int n)
{
	return xasprintf("test $(ls -d %s 2>/dev/null | wc -l) -eq %d", glob,
	    n);
}

/* A copy cancelled halfway while a newer attempt runs: each has its own
 * temporary; the cancelled one's goes, the newer one is put in place. */
static void
test_cancel_copy_spares_newer_attempt(void **state)
{
	struct transport *t;
	char *src = path("big"), *dest = path("node/big"), *glob, *cond;
	struct version_file v = { .path = "big", .source = src, .dest = dest };
	struct transport_action a = { .kind = TRANSPORT_COPY, .node = 0,
	    .name = "copy:big", .version_file = &v }, b = a;
	struct transport_result r = { 0 };
	struct step sa, sb;

	(void)state;
	if (!fx.slow)
		skip();
	t = tp_open("id_slow");
	assert_int_equal(net_sh("head -c 3000000 /dev/urandom > %s", src), 0);
	v.sha256 = sha256_of(src);
	glob = xasprintf("%s.escalator-tmp.*", dest);
	start(t, &a, &sa, 60000);
	pump_until(t, cond = temps(glob, 1), 0, &r);
	free(cond);
	start(t, &b, &sb, 60000);
	pump_until(t, cond = temps(glob, 2), 0, &r);
	free(cond);
	t->ops->cancel(t, a.id);
	pump_until(t, NULL, b.id, &r);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_int_equal(net_sh("cmp -s %s %s", src, dest), 0);
	pump_until(t, cond = temps(glob, 0), 0, &r);
	free(cond);
	t->ops->destroy(t);
	free(glob);
	free(v.sha256);
	free(src);
	free(dest);
}

/* A backup cancelled halfway leaves no half backup; a restore cancelled
 * halfway leaves no temporary on the node, nor its log open; one whose
 * command never starts leaves no input in the node's home. */
static void
test_cancel_backup_and_restore(void **state)
{
	struct transport *t;
	struct transport_action a;
	struct transport_result r = { 0 };
	struct step s;
	struct item it;
	char *glob, *cond;

	(void)state;
	if (!fx.slow)
		skip();
	t = tp_open("id_slow");
	item_make(&it, "slow");
	assert_int_equal(net_sh("head -c 3000000 /dev/urandom > %s/big",
	    it.root), 0);
	a = (struct transport_action){ .kind = TRANSPORT_BACKUP, .node = 0,
	    .name = "backup:x", .item = it.b.name, .backup = &it.b,
	    .command = it.b.command };
	glob = xasprintf("%s.partial.*/files%s/big", it.backup, it.root);
	start(t, &a, &s, 60000);
	pump_until(t, cond = temps(glob, 1), 0, &r);
	free(cond);
	t->ops->cancel(t, a.id);
	free(glob);
	glob = xasprintf("%s.*", it.backup);
	pump_until(t, cond = temps(glob, 0), 0, &r);
	free(cond);
	assert_false(net_exists(it.backup));

	assert_int_equal(backup_run(t, &it, false).status, TRANSPORT_OK);
	a.kind = TRANSPORT_RESTORE;
	a.name = "restore:x";
	a.command = it.b.restore;
	free(glob);
	glob = xasprintf("%s/big.escalator-tmp.*", it.root);
	start(t, &a, &s, 60000);
	pump_until(t, cond = temps(glob, 1), 0, &r);
	free(cond);
	t->ops->cancel(t, a.id);
	pump_until(t, cond = temps(glob, 0), 0, &r);
	free(cond);
	/* Nor its log, open between its files and its command. */
	assert_int_equal(net_sh("ls -l /proc/%ld/fd | grep -q 'restore:x.log'",
	    (long)getpid()), 1);

	/* Its files back, its command refused by the node. */
	assert_int_equal(net_sh("rm %s/big && touch %s/refuse-restore",
	    it.root, fx.s.dir), 0);
	strv_free(&it.b.files);
	r = backup_run(t, &it, false);
	assert_int_equal(r.status, TRANSPORT_OK);
	r = backup_run(t, &it, true);
	assert_int_equal(r.exit_code, 126);
	free(glob);
	glob = xasprintf("~/.escalator-restore-input.%ld.*", (long)getpid());
	pump_until(t, cond = temps(glob, 0), 0, &r);
	free(cond);
	assert_int_equal(net_sh("rm %s/refuse-restore", fx.s.dir), 0);
	t->ops->destroy(t);
	free(glob);
	item_free(&it);
}

/* --- connections that fail -------------------------------------------------- */

static void
test_transfer_connection_dropped(void **state)
{
	struct transport *t = tp_open("id_drop");
	char *src = path("small"), *dest = path("node/dropped");
	struct version_file v = { .path = "small", .source = src,
	    .dest = dest };
	struct transport_action a = { .kind = TRANSPORT_COPY, .node = 0,
	    .name = "copy:dropped", .version_file = &v };
	struct transport_result r;

	(void)state;
	assert_int_equal(net_sh("echo small > %s", src), 0);
	v.sha256 = sha256_of(src);
	r = act(t, &a, 30000);
	assert_int_equal(r.status, TRANSPORT_FAILED);
	assert_int_equal(r.exit_code, 255);
	assert_false(net_exists(dest));
	t->ops->destroy(t);
	free(v.sha256);
	free(src);
	free(dest);
}

static void
test_transfer_hang_times_out(void **state)
{
	struct transport *t = tp_open("id_hang");
	char *src = path("small2"), *dest = path("node/hung");
	struct version_file v = { .path = "small2", .source = src,
	    .dest = dest };
	struct transport_action a = { .kind = TRANSPORT_COPY, .node = 1,
	    .name = "copy:hung", .version_file = &v };
	struct transport_result r;

	(void)state;
	assert_int_equal(net_sh("echo small > %s", src), 0);
	v.sha256 = sha256_of(src);
	r = act(t, &a, 1500);
	assert_int_equal(r.status, TRANSPORT_FAILED);
	assert_int_equal(r.exit_code, 124);
	/* Closing the transport stops the worker stuck on the server. */
	t->ops->destroy(t);
	assert_false(net_exists(dest));
	free(v.sha256);
	free(src);
	free(dest);
}

/* --- through a jump host ------------------------------------------------------ */

static int	campaign_run(const char *, const char *, const char *,
		    const char *);

/* The jump's ssh writes its log as it exits, which may come a moment
 * after the connection it carried has failed: wait for the line. */
static int
log_says(const char *what, const char *fmt, ...)
{
	va_list ap;
	char *file;
	int rc;

	va_start(ap, fmt);
	if (vasprintf(&file, fmt, ap) == -1)
		abort();
	va_end(ap);
	rc = net_sh("for i in $(seq 100); do grep -q '%s' %s && exit 0; "
	    "sleep 0.1; done; exit 1", what, file);
	free(file);
	return rc;
}

/* The jump host lets its user forward to allowed alone. */
static void
jump_allow(const char *allowed)
{
	assert_int_equal(net_sh("cd %s && { printf 'permitopen=\"%s\" '; "
	    "cat id.pub; } > jump/authorized_keys", fx.s.dir, allowed), 0);
}

static void
test_jump_host(void **state)
{
	int jport;
	char *spec;
	char *allowed = xasprintf("127.0.0.1:%d", fx.s.port);
	char *src = path("via-jump"), *dest = path("node/via-jump");
	struct node n = { .name = "behind", .address = "127.0.0.1",
	    .port = fx.s.port, .user = fx.s.user };
	struct inventory inv = { .nodes = &n, .count = 1 };
	struct version_file v = { .path = "via-jump", .source = src,
	    .dest = dest };
	struct transport_action run = { .kind = TRANSPORT_RUN,
	    .name = "hello", .command = "echo through the jump" };
	struct transport_action copy = { .kind = TRANSPORT_COPY,
	    .name = "copy:via-jump", .version_file = &v };
	struct transport *t;
	struct transport_result r;
	char *jdir = path("jump"), *opt, *log;
	const char *step = "{ name = \"hello\"; action = \"run\"; "
	    "command = \"true\"; undo = \"true\"; timeout = \"30s\"; }";

	(void)state;
	assert_int_equal(net_sh("cd %s && mkdir jump && ssh-keygen -q -t "
	    "ed25519 -N '' -C jump -f jump/host_key && "
	    "echo payload > via-jump", fx.s.dir), 0);
	jump_allow(allowed);
	jport = net_sshd_start(jdir, 0, "host_key", &fx.jump_sshd);
	assert_true(jport > 0);
	n.jump = spec = xasprintf("%s@127.0.0.1:%d", fx.s.user, jport);
	assert_int_equal(net_sh("cd %s && cp known_hosts known_hosts.jump && "
	    "printf '[127.0.0.1]:%d ' >> known_hosts.jump && "
	    "cut -d' ' -f1,2 jump/host_key.pub >> known_hosts.jump",
	    fx.s.dir, jport), 0);
	v.sha256 = sha256_of(src);

	/* Commands and transfers both go through it. */
	t = tp_open_on("id", "known_hosts.jump", &inv);
	r = act(t, &run, 20000);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_string_equal(r.output, "through the jump");
	r = act(t, &copy, 20000);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_file_is(dest, "payload\n");
	t->ops->destroy(t);

	/* The proof that they do: the jump host no longer forwards to the
	 * node, and nothing reaches it. */
	jump_allow("127.0.0.1:1");
	t = tp_open_on("id", "known_hosts.jump", &inv);
	r = act(t, &run, 20000);
	assert_int_equal(r.status, TRANSPORT_FAILED);
	assert_int_equal(r.exit_code, 255);
	t->ops->destroy(t);
	assert_int_equal(log_says("administratively prohibited",
	    "%s/state/jump.log", fx.s.dir), 0);
	log = path("state/jump.log");
	assert_int_equal(mode_of(log), 0600);
	free(log);

	/* The jump host's own key is checked: unknown, refused. */
	jump_allow(allowed);
	t = tp_open_on("id", "known_hosts", &inv);
	r = act(t, &run, 20000);
	assert_int_equal(r.status, TRANSPORT_FAILED);
	t->ops->destroy(t);
	assert_int_equal(log_says("Host key verification failed",
	    "%s/state/jump.log", fx.s.dir), 0);

	/* escalator run --jump: the same way. */
	opt = xasprintf("--jump %s", spec);
	assert_int_equal(campaign_run("viajump", "", step, opt), 0);
	jump_allow("127.0.0.1:1");
	/* The failed step pauses the run for a decision (4); a write to
	 * the dead jump must not kill the process (SIGPIPE, 141). */
	assert_int_equal(campaign_run("blocked", "", step, opt), 4);
	assert_int_equal(log_says("administratively prohibited",
	    "%s/blocked.state/jump.log", fx.s.dir), 0);
	free(opt);

	net_stop(fx.jump_sshd);
	fx.jump_sshd = 0;
	free(v.sha256);
	free(src);
	free(dest);
	free(spec);
	free(allowed);
	free(jdir);
}

/* --- through escalator run --ssh ------------------------------------------ */

/* NAME.cfg with the given parts, on one node, n1; run to its end with
 * the options given. Its exit status. */
static int
campaign_run(const char *name, const char *parts, const char *steps,
    const char *options)
{
	char *cfg = xasprintf("%s/%s.cfg", fx.s.dir, name);
	char *inv = xasprintf("%s/nodes.inventory", fx.s.dir);
	const char *escalator = getenv("ESCALATOR");
	FILE *f;
	int rc;

	assert_non_null(f = fopen(inv, "w"));
	fprintf(f, "nodes = ( { name = \"n1\"; address = \"127.0.0.1\"; "
	    "port = %d; user = \"%s\"; version = \"1.0\"; "
	    "roles = [ \"web\" ]; } );\n", fx.s.port, fx.s.user);
	fclose(f);
	assert_non_null(f = fopen(cfg, "w"));
	fprintf(f, "name = \"%s\";\nversion = { from = \"1.0\"; "
	    "to = \"2.0\"; };\ninventory = \"nodes.inventory\";\n%s\n"
	    "procedures = ( { name = \"up\"; target = { roles = "
	    "[ \"web\" ]; }; method = \"rolling\"; batch = 1;\n"
	    "  steps = ( %s ); } );\n", name, parts, steps);
	fclose(f);
	rc = net_sh("%s run %s --ssh --identity %s/id --known-hosts "
	    "%s/%s --state-dir %s/%s.state --batch --yes %s "
	    ">%s/%s.out 2>&1", escalator != NULL ? escalator : "./escalator",
	    cfg, fx.s.dir, fx.s.dir, options != NULL ? "known_hosts.jump" :
	    "known_hosts", fx.s.dir, name, options != NULL ? options : "",
	    fx.s.dir, name);
	net_sh("sed 's/^/%s: /' %s/%s.out >&2", name, fx.s.dir, name);
	free(cfg);
	free(inv);
	return rc;
}

static void
test_run_wrong_sha256_copies_nothing(void **state)
{
	char *src = path("release.tar"), *dest = path("node/release.tar");
	char *sum, *parts;
	const char *step = "{ name = \"upgrade\"; action = \"run\"; "
	    "command = \"true\"; undo = \"true\"; timeout = \"30s\"; }";

	(void)state;
	assert_int_equal(net_sh("head -c 100000 /dev/urandom > %s", src), 0);
	parts = xasprintf("version_files = ( { path = \"release.tar\"; "
	    "sha256 = \"%064d\"; dest = \"%s\"; } );", 0, dest);
	assert_int_equal(campaign_run("wrongsum", parts, step, NULL), 1);
	assert_false(net_exists(dest));
	free(parts);
	sum = sha256_of(src);
	parts = xasprintf("version_files = ( { path = \"release.tar\"; "
	    "sha256 = \"%s\"; dest = \"%s\"; } );", sum, dest);
	assert_int_equal(campaign_run("rightsum", parts, step, NULL), 0);
	assert_int_equal(net_sh("cmp -s %s %s", src, dest), 0);
	free(parts);
	free(sum);
	free(src);
	free(dest);
}

static void
test_run_failure_restores_backup(void **state)
{
	struct item it;
	char *parts, *steps, *conf;

	(void)state;
	item_make(&it, "e2e");
	parts = xasprintf("backup = ( { name = \"conf\"; files = "
	    "[ \"%s\" ]; command = \"cat %s\"; restore = \"cat > %s\"; "
	    "} );", it.root, it.dump, it.restored);
	steps = xasprintf("{ name = \"change\"; action = \"run\"; command = "
	    "\"echo changed > %s/conf && rm %s/link\"; undo = \"true\"; "
	    "timeout = \"30s\"; on_failure = \"restore\"; }, "
	    "{ name = \"break\"; action = \"run\"; command = \"false\"; "
	    "undo = \"true\"; timeout = \"30s\"; on_failure = "
	    "\"restore\"; }", it.root, it.root);
	assert_int_equal(campaign_run("restore", parts, steps, NULL), 1);
	conf = xasprintf("%s/conf", it.root);
	assert_file_is(conf, "key = 1\n");
	assert_int_equal(net_sh("test \"$(readlink %s/link)\" = conf",
	    it.root), 0);
	assert_file_is(it.restored, "row 1\nrow 2\n");
	assert_int_equal(net_sh("cd %s/restore.state/backup/n1/conf && "
	    "sha256sum --quiet -c MANIFEST.sha256", fx.s.dir), 0);
	free(conf);
	free(parts);
	free(steps);
	item_free(&it);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_version_file),
		cmocka_unit_test(test_backup_tree_and_output),
		cmocka_unit_test(test_backup_command_only),
		cmocka_unit_test(test_backup_through_saved_link_refused),
		cmocka_unit_test(test_restore_after_change),
		cmocka_unit_test(test_restore_refuses_tampered_backup),
		cmocka_unit_test(test_backup_command_fails_privately),
		cmocka_unit_test(test_restore_sets_owners),
		cmocka_unit_test(test_restore_owner_not_set),
		cmocka_unit_test(test_cancel_copy_spares_newer_attempt),
		cmocka_unit_test(test_cancel_backup_and_restore),
		cmocka_unit_test(test_transfer_connection_dropped),
		cmocka_unit_test(test_transfer_hang_times_out),
		cmocka_unit_test(test_jump_host),
		cmocka_unit_test(test_run_wrong_sha256_copies_nothing),
		cmocka_unit_test(test_run_failure_restores_backup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
