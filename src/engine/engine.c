/*
 * The link between the engine thread and its front end: the command
 * queue, the event queue with its self-pipe, the view behind
 * engine_snapshot(), and starting and stopping the thread.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escalator/engine.h"
#include "escalator/journal.h"
#include "escalator/sim.h"
#include "escalator/util.h"
#include "engine_impl.h"

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
pipe_poke(int fd)
{
	char c = 1;

	/* Full pipe: the reader is already due to wake up. */
	while (write(fd, &c, 1) == -1 && errno == EINTR)
		;
}

static void
pipe_drain(int fd)
{
	char buf[256];

	while (read(fd, buf, sizeof buf) > 0)
		;
}

static int
pipe_open(int p[2])
{
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) == -1)
		return -1;
	return 0;
}

/* --- events ------------------------------------------------------------- */

void
approval_info_free(struct engine_approval *a)
{
	free(a->node);
	free(a->object);
	free(a->affected);
	free(a->summary);
	memset(a, 0, sizeof *a);
}

static void
approval_info_copy(struct engine_approval *to, const struct engine_approval *a)
{
	*to = *a;
	to->node = dup_or_null(a->node);
	to->object = dup_or_null(a->object);
	to->affected = dup_or_null(a->affected);
	to->summary = dup_or_null(a->summary);
}

static struct engine_event *
event_push(struct engine *e, enum engine_event_type type)
{
	struct engine_event *ev;

	e->events = xreallocarray(e->events, e->nevents + 1,
	    sizeof *e->events);
	ev = &e->events[e->nevents++];
	memset(ev, 0, sizeof *ev);
	ev->type = type;
	ev->ts_ms = clock_now(e->clock);
	ev->state = e->state;
	ev->phase = e->phase;
	return ev;
}

void
emit(struct engine *e, enum engine_event_type type, const char *node,
    const char *step, const char *fmt, ...)
{
	struct engine_event *ev;
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) == -1)
		abort();
	va_end(ap);
	pthread_mutex_lock(&e->lock);
	ev = event_push(e, type);
	ev->node = dup_or_null(node);
	ev->step = dup_or_null(step);
	ev->text = text;
	if (type == ENGINE_EVENT_WAITING) {
		ev->wait = e->view.wait;
		ev->wait.text = dup_or_null(e->view.wait.text);
	}
	pthread_mutex_unlock(&e->lock);
	pipe_poke(e->event_pipe[1]);
}

void
emit_step_finished(struct engine *e, const struct work *w,
    enum step_status status, const char *output)
{
	const char *node = w->node == NO_NODE ? NULL :
	    e->inv->nodes[w->node].name;
	struct engine_event *ev;

	pthread_mutex_lock(&e->lock);
	ev = event_push(e, ENGINE_EVENT_STEP_FINISHED);
	ev->node = dup_or_null(node);
	ev->step = xstrdup(w->name);
	ev->status = status;
	ev->text = xasprintf("%s%s%s: %s%s %s%s%s", node ? node : "",
	    node ? ": " : "", w->name, w->undo ? "undo " : "",
	    step_status_name(status), output ? "(" : "", output ? output : "",
	    output ? ")" : "");
	pthread_mutex_unlock(&e->lock);
	pipe_poke(e->event_pipe[1]);
}

void
emit_note(struct engine *e, const char *node, const char *action,
    const char *result, const char *text)
{
	struct engine_event *ev;

	pthread_mutex_lock(&e->lock);
	ev = event_push(e, ENGINE_EVENT_LOG);
	ev->node = dup_or_null(node);
	ev->action = xstrdup(action);
	ev->result = xstrdup(result);
	ev->text = xstrdup(text);
	pthread_mutex_unlock(&e->lock);
	pipe_poke(e->event_pipe[1]);
}

void
emit_health(struct engine *e, const char *node, const char *check,
    bool healthy, const char *result, const char *text)
{
	struct engine_event *ev;

	pthread_mutex_lock(&e->lock);
	ev = event_push(e, ENGINE_EVENT_HEALTH);
	ev->node = xstrdup(node);
	ev->step = xstrdup(check);
	ev->healthy = healthy;
	ev->action = xstrdup("monitor");
	ev->result = xstrdup(result);
	ev->text = xstrdup(text);
	pthread_mutex_unlock(&e->lock);
	pipe_poke(e->event_pipe[1]);
}

void
emit_approval(struct engine *e, const struct engine_approval *a)
{
	struct engine_event *ev;

	pthread_mutex_lock(&e->lock);
	ev = event_push(e, ENGINE_EVENT_APPROVAL);
	approval_info_copy(&ev->approval, a);
	ev->node = dup_or_null(a->node);
	ev->text = xasprintf("approval #%u (%s) %s", a->id,
	    approval_kind_name(a->kind), a->summary ? a->summary : "");
	pthread_mutex_unlock(&e->lock);
	pipe_poke(e->event_pipe[1]);
}

int
engine_event_fd(const struct engine *e)
{
	return e->event_pipe[0];
}

struct engine_event *
engine_events_take(struct engine *e, size_t *count)
{
	struct engine_event *ev;

	pipe_drain(e->event_pipe[0]);
	pthread_mutex_lock(&e->lock);
	ev = e->events;
	*count = e->nevents;
	e->events = NULL;
	e->nevents = 0;
	pthread_mutex_unlock(&e->lock);
	return ev;
}

void
engine_events_free(struct engine_event *ev, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(ev[i].node);
		free(ev[i].step);
		free(ev[i].text);
		free(ev[i].action);
		free(ev[i].result);
		free(ev[i].wait.text);
		approval_info_free(&ev[i].approval);
	}
	free(ev);
}

/* --- commands ------------------------------------------------------------- */

void
engine_command(struct engine *e, const struct engine_command *cmd)
{
	struct cmd_item *it;

	pthread_mutex_lock(&e->lock);
	e->cmds = xreallocarray(e->cmds, e->ncmds + 1, sizeof *e->cmds);
	it = &e->cmds[e->ncmds++];
	it->cmd = *cmd;
	it->cmd.operator = dup_or_null(cmd->operator);
	it->cmd.fault = dup_or_null(cmd->fault);
	it->cmd.node = dup_or_null(cmd->node);
	pthread_mutex_unlock(&e->lock);
	pipe_poke(e->cmd_pipe[1]);
}

bool
commands_take(struct engine *e, struct engine_command *out)
{
	bool got = false;

	pipe_drain(e->cmd_pipe[0]);
	pthread_mutex_lock(&e->lock);
	if (e->ncmds > 0) {
		*out = e->cmds[0].cmd;
		memmove(e->cmds, e->cmds + 1, --e->ncmds * sizeof *e->cmds);
		got = true;
	}
	pthread_mutex_unlock(&e->lock);
	return got;
}

void
command_release(struct engine_command *cmd)
{
	free((char *)cmd->operator);
	free((char *)cmd->fault);
	free((char *)cmd->node);
}

/* --- the view ------------------------------------------------------------- */

void
view_set_state(struct engine *e)
{
	pthread_mutex_lock(&e->lock);
	e->view.state = e->state;
	e->view.phase = e->phase;
	pthread_mutex_unlock(&e->lock);
}

void
view_status(struct engine *e, uint32_t node, const char *status)
{
	pthread_mutex_lock(&e->lock);
	free(e->view.nodes[node].status);
	e->view.nodes[node].status = xstrdup(status);
	pthread_mutex_unlock(&e->lock);
}

void
view_node(struct engine *e, uint32_t node, const char *step,
    int64_t expected_ms, const char *output)
{
	struct engine_node_view *v = &e->view.nodes[node];

	pthread_mutex_lock(&e->lock);
	free(v->version);
	v->version = xstrdup(e->node_version[node]);
	free(v->step);
	v->step = dup_or_null(step);
	v->expected_ms = expected_ms;
	e->view_started[node] = clock_now(e->clock);
	if (output != NULL) {
		free(v->output);
		v->output = xstrdup(output);
	}
	pthread_mutex_unlock(&e->lock);
}

void
view_wait(struct engine *e, enum wait_reason reason, const struct block *b,
    const char *fmt, ...)
{
	va_list ap;
	char *text;
	bool changed;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) == -1)
		abort();
	va_end(ap);
	pthread_mutex_lock(&e->lock);
	changed = e->view.wait.reason != reason || e->view.wait.text == NULL ||
	    strcmp(e->view.wait.text, text) != 0;
	if (changed) {
		free(e->view.wait.text);
		e->view.wait.reason = reason;
		e->view.wait.text = text;
		memset(&e->view.wait.block, 0, sizeof e->view.wait.block);
		if (b != NULL)
			e->view.wait.block = *b;
	} else
		free(text);
	pthread_mutex_unlock(&e->lock);
	if (changed && reason != WAIT_NONE && reason != WAIT_RUNNING)
		emit(e, ENGINE_EVENT_WAITING, NULL, NULL, "waiting for %s",
		    e->view.wait.text);
}

void
view_approvals(struct engine *e)
{
	pthread_mutex_lock(&e->lock);
	for (size_t i = 0; i < e->view.napprovals; i++)
		approval_info_free(&e->view.approvals[i]);
	free(e->view.approvals);
	e->view.approvals = xcalloc(e->napprovals, sizeof *e->view.approvals);
	e->view.napprovals = e->napprovals;
	for (size_t i = 0; i < e->napprovals; i++)
		approval_info_copy(&e->view.approvals[i],
		    &e->approvals[i].info);
	pthread_mutex_unlock(&e->lock);
}

void
view_idle(struct engine *e, bool idle)
{
	bool was;

	pthread_mutex_lock(&e->lock);
	was = e->view.idle;
	e->view.idle = idle;
	pthread_mutex_unlock(&e->lock);
	/* no event may say so: a front end waiting for rest hears of it */
	if (idle && !was)
		pipe_poke(e->event_pipe[1]);
}

void
engine_snapshot(struct engine *e, struct engine_snapshot *s)
{
	pthread_mutex_lock(&e->lock);
	*s = e->view;
	s->idle = e->view.idle && e->ncmds == 0 && e->nevents == 0;
	s->now_ms = clock_now(e->clock);
	s->nodes = xcalloc(e->view.nnodes, sizeof *s->nodes);
	for (size_t i = 0; i < e->view.nnodes; i++) {
		const struct engine_node_view *v = &e->view.nodes[i];

		s->nodes[i] = *v;
		s->nodes[i].name = xstrdup(v->name);
		s->nodes[i].version = dup_or_null(v->version);
		s->nodes[i].status = dup_or_null(v->status);
		s->nodes[i].step = dup_or_null(v->step);
		s->nodes[i].output = dup_or_null(v->output);
		s->nodes[i].health = dup_or_null(v->health);
		s->nodes[i].elapsed_ms = v->step != NULL ?
		    s->now_ms - e->view_started[i] : 0;
	}
	s->approvals = xcalloc(e->view.napprovals, sizeof *s->approvals);
	for (size_t i = 0; i < e->view.napprovals; i++)
		approval_info_copy(&s->approvals[i], &e->view.approvals[i]);
	s->wait.text = dup_or_null(e->view.wait.text);
	pthread_mutex_unlock(&e->lock);
}

void
engine_snapshot_free(struct engine_snapshot *s)
{
	for (size_t i = 0; i < s->nnodes; i++) {
		free(s->nodes[i].name);
		free(s->nodes[i].version);
		free(s->nodes[i].status);
		free(s->nodes[i].step);
		free(s->nodes[i].output);
		free(s->nodes[i].health);
	}
	free(s->nodes);
	for (size_t i = 0; i < s->napprovals; i++)
		approval_info_free(&s->approvals[i]);
	free(s->approvals);
	free(s->wait.text);
	memset(s, 0, sizeof *s);
}

/* --- start and stop --------------------------------------------------------- */

static void
view_init(struct engine *e)
{
	e->node_version = xcalloc(e->inv->count, sizeof *e->node_version);
	e->node_maintenance = xcalloc(e->inv->count,
	    sizeof *e->node_maintenance);
	e->node_down = xcalloc(e->inv->count, sizeof *e->node_down);
	e->view.nodes = xcalloc(e->inv->count, sizeof *e->view.nodes);
	e->view.nnodes = e->inv->count;
	e->view_started = xcalloc(e->inv->count, sizeof *e->view_started);
	e->hostkeys = xcalloc(e->inv->count, sizeof *e->hostkeys);
	for (size_t i = 0; i < e->inv->count; i++) {
		const struct node *n = &e->inv->nodes[i];
		const char *v = n->version ? n->version : e->c->from_version;

		e->node_version[i] = xstrdup(v ? v : "unknown");
		e->view.nodes[i].name = xstrdup(n->name);
		e->view.nodes[i].version = xstrdup(e->node_version[i]);
		e->view.nodes[i].status = xstrdup("pending");
	}
}

/* Where the campaign clock starts: for the simulator, where its cluster
 * stopped, else the campaign's simulation start, else now. */
static int64_t
clock_start(const struct engine *e)
{
	int64_t ms;

	if (e->cfg.transport_open != NULL)
		return time_now_ms();	/* real nodes live in real time */
	if (sim_saved_clock(e->state_dir, &ms) == 0)
		return ms;
	if (e->c->sim_start != NULL && clock_parse_iso(e->c->sim_start,
	    &ms) == 0)
		return ms;
	return time_now_ms();
}

static int
engine_open(struct engine *e, char **err)
{
	struct sim_config sc;

	if (pipe_open(e->cmd_pipe) == -1 || pipe_open(e->event_pipe) == -1) {
		*err = xasprintf("pipe: %s", strerror(errno));
		return -1;
	}
	e->clock = clock_new(e->cfg.clock_mode, e->cfg.speed, clock_start(e));
	/* Before the journal: a refused transport (a bad key, say) leaves
	 * no run behind that a corrected command would have to resume. */
	if (e->cfg.transport_open != NULL && (e->tp = e->cfg.transport_open(
	    e->cfg.transport_arg, e->clock, err)) == NULL)
		return -1;
	if (journal_open(&e->j, e->state_dir, !e->cfg.resume, err) == -1 ||
	    log_open(&e->log, e->state_dir, err) == -1)
		return -1;
	if (e->tp != NULL)
		return 0;
	memset(&sc, 0, sizeof sc);
	sc.campaign = e->c;
	sc.inventory = e->inv;
	sc.state_dir = e->state_dir;
	sc.clock = e->clock;
	sc.seed = e->cfg.seed;
	sc.faults = e->cfg.faults;
	if ((e->tp = sim_open(&sc, err)) == NULL)
		return -1;
	return 0;
}

struct engine *
engine_start(const struct engine_config *cfg, char **err)
{
	struct engine *e = xcalloc(1, sizeof *e);

	e->cmd_pipe[0] = e->cmd_pipe[1] = -1;
	e->event_pipe[0] = e->event_pipe[1] = -1;
	pthread_mutex_init(&e->lock, NULL);
	e->cfg = *cfg;
	e->c = cfg->campaign;
	e->inv = cfg->inventory;
	e->state_dir = xstrdup(cfg->state_dir);
	e->operator = xstrdup(cfg->operator ? cfg->operator : "unknown");
	e->cfg.state_dir = e->state_dir;
	e->cfg.operator = e->operator;
	view_init(e);
	if (engine_open(e, err) == -1) {
		engine_free(e);
		return NULL;
	}
	if (pthread_create(&e->thread, NULL, engine_main, e) != 0) {
		*err = xstrdup("cannot start the engine thread");
		engine_free(e);
		return NULL;
	}
	e->thread_started = true;
	return e;
}

void
engine_stop(struct engine *e)
{
	struct engine_command quit = { .type = ENGINE_CMD_QUIT };

	if (e == NULL || !e->thread_started)
		return;
	engine_command(e, &quit);
	pthread_join(e->thread, NULL);
	e->thread_started = false;
}

static void
close_fd(int *fd)
{
	if (*fd != -1)
		close(*fd);
	*fd = -1;
}

void
engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	engine_stop(e);
	units_clear(e);
	approvals_withdraw(e, true);
	records_free(e);
	monitor_free(e);
	free(e->members);
	if (e->sched != NULL)
		sched_free(e->sched);
	if (e->have_plan)
		plan_free(&e->plan);
	for (size_t i = 0; i < e->nsynthetic; i++)
		free(e->synthetic[i].name);
	free(e->synthetic);
	if (e->tp != NULL)
		e->tp->ops->destroy(e->tp);
	if (e->j != NULL)
		journal_close(e->j);
	if (e->log != NULL)
		log_close(e->log);
	clock_free(e->clock);
	for (size_t i = 0; i < e->ncmds; i++)
		command_release(&e->cmds[i].cmd);
	free(e->cmds);
	engine_events_free(e->events, e->nevents);
	for (size_t i = 0; i < e->inv->count; i++)
		free(e->node_version[i]);
	free(e->node_version);
	free(e->node_maintenance);
	free(e->node_down);
	free(e->forced);
	free(e->view_started);
	free(e->hostkeys);
	e->view.nnodes = e->inv->count;
	engine_snapshot_free(&e->view);
	close_fd(&e->cmd_pipe[0]);
	close_fd(&e->cmd_pipe[1]);
	close_fd(&e->event_pipe[0]);
	close_fd(&e->event_pipe[1]);
	free(e->run_id);
	free(e->state_dir);
	free(e->operator);
	pthread_mutex_destroy(&e->lock);
	free(e);
}
