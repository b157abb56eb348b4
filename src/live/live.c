/*
 * live.c — realtime fan-out: event-log tail, presence, SSE subscribers (see live.h,
 * live_int.h and docs/internals/live.md).
 *
 * One tail thread owns a DB connection and calls live_hub_tick() every ~100 ms (sooner when
 * poked): it reads `events` with id > head, authorizes each ticket event per distinct
 * subscriber actor with authz_ticket_visible (the same rule as GET /tickets/:id, evaluated at
 * delivery time), and appends formatted messages to each subscriber's bounded queue, resuming
 * its suspended connection. New subscribers are activated by the tail thread itself, replaying
 * (resume point, head] before the next batch, so replay and live delivery never overlap or
 * leave a gap. Locks: hub->mu (subscriber list, pending presence changes) is never held while
 * taking a subscriber's mu for long; a subscriber's mu guards its queue and flags and is held
 * while calling the sink (order: sub->mu, then the HTTP library's own locks).
 */
#include "live/live_int.h"
#include "desk/authz.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/timeutil.h"
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

/* ---- queue ---- */

void live_queue_init(struct live_queue *q, size_t max)
{
	buf_init(&q->b, max);
	q->off = 0;
}

void live_queue_release(struct live_queue *q)
{
	buf_release(&q->b);
	q->off = 0;
}

size_t live_queue_len(const struct live_queue *q)
{
	return q->b.len - q->off;
}

void live_queue_clear(struct live_queue *q)
{
	size_t max = q->b.max;
	buf_release(&q->b);
	buf_init(&q->b, max);
	q->off = 0;
}

int live_queue_push(struct live_queue *q, const char *data, size_t len)
{
	if (live_queue_len(q) + len > q->b.max)
		return HELPO_ETOOBIG;
	if (q->off && q->b.len + len > q->b.max) {
		/* the bytes already read make room: move the unread ones to the front */
		memmove(q->b.data, q->b.data + q->off, q->b.len - q->off);
		q->b.len -= q->off;
		q->b.data[q->b.len] = '\0';
		q->off = 0;
	}
	return buf_add(&q->b, data, len);
}

size_t live_queue_read(struct live_queue *q, char *out, size_t max)
{
	size_t n = live_queue_len(q);
	if (n > max)
		n = max;
	memcpy(out, q->b.data + q->off, n);
	q->off += n;
	if (q->off == q->b.len) {
		/* drained: keep at most a small working buffer (idle streams stay cheap) */
		if (q->b.cap > 4096)
			live_queue_clear(q);
		else
			buf_reset(&q->b);
		q->off = 0;
	}
	return n;
}

/* ---- messages ---- */

static int add_data(struct buf *out, json_t *data)
{
	char *text = data ? json_dumps(data, JSON_COMPACT) : NULL;
	int rc;
	json_decref(data);
	if (!text)
		return HELPO_ENOMEM;
	rc = buf_addf(out, "data: %s\n\n", text); /* compact JSON holds no newline */
	free(text);
	return rc;
}

int live_format_event(struct buf *out, int64_t id, const char *kind, int64_t ticket_id,
		      int64_t actor_id, int64_t created_ms)
{
	char at[32];
	int rc;
	time_iso8601(created_ms, at);
	if ((rc = buf_addf(out, "id: %lld\nevent: ticket\n", (long long)id)))
		return rc;
	return add_data(out, json_pack("{s:I,s:s,s:I,s:o,s:s}", "id", (json_int_t)id, "kind", kind,
				       "ticket_id", (json_int_t)ticket_id, "actor_id",
				       actor_id ? json_integer(actor_id) : json_null(),
				       "created_at", at));
}

int live_format_presence(struct buf *out, int64_t ticket_id, json_t *viewers)
{
	int rc;
	if ((rc = buf_adds(out, "event: presence\n")))
		return rc;
	return add_data(out, json_pack("{s:I,s:O}", "ticket_id", (json_int_t)ticket_id, "viewers",
				       viewers));
}

int live_format_reset(struct buf *out, int64_t head)
{
	if (head >= 0)
		return buf_addf(out, "id: %lld\nevent: reset\ndata: {}\n\n", (long long)head);
	return buf_adds(out, "event: reset\ndata: {}\n\n");
}

/* ---- presence ---- */

struct viewer {
	int64_t user_id;
	char name[HELPO_MAX_NAME_BYTES + 1];
	bool typing;
	int64_t expires;
};

struct pticket {
	int64_t ticket_id;
	int n;
	struct viewer v[LIVE_MAX_VIEWERS];
};

struct live_presence {
	struct pticket **t; /* tickets with at least one viewer (unordered) */
	int n, cap;
};

struct live_presence *live_presence_new(void)
{
	return calloc(1, sizeof(struct live_presence));
}

void live_presence_free(struct live_presence *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->n; i++)
		free(p->t[i]);
	free(p->t);
	free(p);
}

static int pfind(struct live_presence *p, int64_t ticket_id)
{
	for (int i = 0; i < p->n; i++)
		if (p->t[i]->ticket_id == ticket_id)
			return i;
	return -1;
}

static void pdrop(struct live_presence *p, int i)
{
	free(p->t[i]);
	p->t[i] = p->t[--p->n];
}

static void vdrop(struct pticket *t, int j)
{
	memmove(&t->v[j], &t->v[j + 1], (size_t)(t->n - j - 1) * sizeof t->v[0]);
	t->n--;
}

int live_presence_set(struct live_presence *p, int64_t ticket_id, int64_t user_id,
		      const char *name, const char *state, int64_t now_ms)
{
	bool left = !strcmp(state, "left"), typing = !strcmp(state, "typing");
	int i = pfind(p, ticket_id), j;
	struct pticket *t;
	if (!left && !typing && strcmp(state, "viewing"))
		return HELPO_EINVAL;
	if (i < 0) {
		if (left)
			return 0;
		if (p->n >= LIVE_MAX_PRESENCE_TICKETS)
			return HELPO_ETOOBIG;
		if (p->n == p->cap) {
			int cap = p->cap ? p->cap * 2 : 16;
			struct pticket **nt = realloc(p->t, (size_t)cap * sizeof *nt);
			if (!nt)
				return HELPO_ENOMEM;
			p->t = nt;
			p->cap = cap;
		}
		if (!(t = calloc(1, sizeof *t)))
			return HELPO_ENOMEM;
		t->ticket_id = ticket_id;
		i = p->n++;
		p->t[i] = t;
	}
	t = p->t[i];
	for (j = 0; j < t->n && t->v[j].user_id != user_id; j++)
		;
	if (left) {
		if (j == t->n)
			return 0;
		vdrop(t, j);
		if (!t->n)
			pdrop(p, i);
		return 1;
	}
	if (j == t->n) {
		if (t->n >= LIVE_MAX_VIEWERS)
			return HELPO_ETOOBIG;
		t->n++;
		t->v[j].user_id = user_id;
		t->v[j].typing = typing;
		t->v[j].expires = now_ms + LIVE_PRESENCE_TTL_MS;
		snprintf(t->v[j].name, sizeof t->v[j].name, "%s", name ? name : "");
		return 1;
	}
	t->v[j].expires = now_ms + LIVE_PRESENCE_TTL_MS;
	snprintf(t->v[j].name, sizeof t->v[j].name, "%s", name ? name : "");
	if (t->v[j].typing == typing)
		return 0;
	t->v[j].typing = typing;
	return 1;
}

json_t *live_presence_viewers(struct live_presence *p, int64_t ticket_id, int64_t now_ms)
{
	json_t *a = json_array();
	int i = pfind(p, ticket_id);
	if (i < 0)
		return a;
	for (int j = 0; j < p->t[i]->n; j++) {
		struct viewer *v = &p->t[i]->v[j];
		if (v->expires <= now_ms)
			continue;
		json_array_append_new(a, json_pack("{s:I,s:s,s:s}", "user_id",
						   (json_int_t)v->user_id, "name", v->name, "state",
						   v->typing ? "typing" : "viewing"));
	}
	return a;
}

int live_presence_expire(struct live_presence *p, int64_t now_ms, int64_t *changed, int max)
{
	int n = 0;
	for (int i = 0; i < p->n && n < max;) {
		struct pticket *t = p->t[i];
		bool hit = false;
		for (int j = 0; j < t->n;) {
			if (t->v[j].expires <= now_ms) {
				vdrop(t, j);
				hit = true;
			} else
				j++;
		}
		if (hit)
			changed[n++] = t->ticket_id;
		if (!t->n)
			pdrop(p, i);
		else
			i++;
	}
	return n;
}

/* ---- hub ---- */

struct live_sub {
	pthread_mutex_t mu;
	atomic_int refs;
	struct live_hub *hub;
	struct live_sink sink;
	struct live_queue q;
	/* under mu */
	bool suspended, closing, dead;
	/* tail thread only */
	struct desk_actor actor;
	int64_t last_id; /* resume point asked for (-1: none) */
	int64_t cursor;  /* every event <= cursor has been delivered or skipped */
	bool active;     /* replay done; takes live events */
	/* under hub->mu */
	bool linked;
	struct live_sub *prev, *next;
};

#define MAX_DIRTY 1024

struct live_hub {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool poked, closed;
	struct live_sub *subs; /* list under mu */
	int nsubs;
	struct live_presence *presence; /* under mu */
	int64_t dirty[MAX_DIRTY];       /* tickets whose presence changed, under mu */
	int ndirty;
	/* tail thread only */
	struct db *db;
	int64_t head; /* newest event id seen */
	int64_t last_ping, last_recheck;
};

int live_hub_new(struct db *db, struct live_hub **out)
{
	struct live_hub *h = calloc(1, sizeof *h);
	int rc;
	*out = NULL;
	if (!h || !(h->presence = live_presence_new())) {
		free(h);
		return HELPO_ENOMEM;
	}
	h->db = db;
	if ((rc = db_int(db, &h->head, "SELECT coalesce(max(id), 0) FROM events", ""))) {
		live_presence_free(h->presence);
		free(h);
		return rc;
	}
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	*out = h;
	return 0;
}

void live_hub_free(struct live_hub *h)
{
	if (!h)
		return;
	helpo_assert(!h->subs);
	live_presence_free(h->presence);
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	free(h);
}

static void poke_locked(struct live_hub *h)
{
	h->poked = true;
	pthread_cond_signal(&h->cv);
}

void live_hub_wait(struct live_hub *h, int ms)
{
	struct timespec ts;
	pthread_mutex_lock(&h->mu);
	if (!h->poked) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += (long)ms * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&h->cv, &h->mu, &ts);
	}
	h->poked = false;
	pthread_mutex_unlock(&h->mu);
}

int live_hub_count(struct live_hub *h)
{
	int n;
	pthread_mutex_lock(&h->mu);
	n = h->nsubs;
	pthread_mutex_unlock(&h->mu);
	return n;
}

static void sub_unref(struct live_sub *s)
{
	if (atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	live_queue_release(&s->q);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

int live_hub_subscribe(struct live_hub *h, const struct desk_actor *a, int64_t last_id,
		       const struct live_sink *sink, size_t queue_max, struct live_sub **out)
{
	struct live_sub *s = calloc(1, sizeof *s);
	int rc, mine = 0;
	*out = NULL;
	if (!s)
		return HELPO_ENOMEM;
	pthread_mutex_init(&s->mu, NULL);
	atomic_init(&s->refs, 2); /* the hub's list + the caller (live_sub_free) */
	s->hub = h;
	s->sink = *sink;
	s->actor = *a;
	s->last_id = last_id;
	live_queue_init(&s->q, queue_max ? queue_max : LIVE_QUEUE_MAX);
	/* something to send at once, so the client sees the response start */
	live_queue_push(&s->q, "retry: 2000\n\n", 13);
	pthread_mutex_lock(&h->mu);
	rc = h->closed ? HELPO_EBUSY : 0;
	for (struct live_sub *o = h->subs; !rc && o; o = o->next)
		if (o->actor.id == a->id && ++mine >= LIVE_MAX_STREAMS_PER_USER)
			rc = HELPO_ETOOBIG;
	if (rc) {
		pthread_mutex_unlock(&h->mu);
		live_queue_release(&s->q);
		pthread_mutex_destroy(&s->mu);
		free(s);
		return rc;
	}
	s->linked = true;
	s->next = h->subs;
	if (h->subs)
		h->subs->prev = s;
	h->subs = s;
	h->nsubs++;
	poke_locked(h);
	pthread_mutex_unlock(&h->mu);
	*out = s;
	return 0;
}

ssize_t live_sub_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct live_sub *s = cls;
	ssize_t n;
	(void)pos;
	pthread_mutex_lock(&s->mu);
	if (live_queue_len(&s->q)) {
		n = (ssize_t)live_queue_read(&s->q, buf, max);
	} else if (s->closing) {
		n = LIVE_END_OF_STREAM;
	} else {
		s->suspended = true;
		if (s->sink.suspend)
			s->sink.suspend(s->sink.conn);
		n = 0;
	}
	pthread_mutex_unlock(&s->mu);
	return n;
}

void live_sub_free(void *cls)
{
	struct live_sub *s = cls;
	struct live_hub *h;
	bool unlinked = false;
	if (!s)
		return;
	h = s->hub;
	pthread_mutex_lock(&h->mu);
	if (s->linked) {
		s->linked = false;
		if (s->prev)
			s->prev->next = s->next;
		else
			h->subs = s->next;
		if (s->next)
			s->next->prev = s->prev;
		h->nsubs--;
		unlinked = true;
	}
	pthread_mutex_unlock(&h->mu);
	pthread_mutex_lock(&s->mu);
	s->dead = true;
	pthread_mutex_unlock(&s->mu);
	if (unlinked)
		sub_unref(s);
	sub_unref(s);
}

/* Wakes a suspended reader; caller holds s->mu. */
static void wake_locked(struct live_sub *s)
{
	if (s->suspended && !s->dead) {
		s->suspended = false;
		if (s->sink.resume)
			s->sink.resume(s->sink.conn);
	}
}

/* Queues a message; on overflow the subscriber gets `reset` and its stream ends. */
static void sub_push(struct live_sub *s, const char *msg, size_t len)
{
	pthread_mutex_lock(&s->mu);
	if (!s->closing && !s->dead) {
		if (live_queue_push(&s->q, msg, len)) {
			struct buf r = BUF_INIT(128);
			live_queue_clear(&s->q);
			live_format_reset(&r, -1);
			live_queue_push(&s->q, r.data, r.len);
			buf_release(&r);
			s->closing = true;
			log_info("live: subscriber %lld too slow; reset and closed",
				 (long long)s->actor.id);
		}
		wake_locked(s);
	}
	pthread_mutex_unlock(&s->mu);
}

static void sub_close(struct live_sub *s)
{
	pthread_mutex_lock(&s->mu);
	s->closing = true;
	wake_locked(s);
	pthread_mutex_unlock(&s->mu);
}

void live_hub_close_all(struct live_hub *h)
{
	pthread_mutex_lock(&h->mu);
	h->closed = true;
	for (struct live_sub *s = h->subs; s; s = s->next)
		sub_close(s);
	poke_locked(h);
	pthread_mutex_unlock(&h->mu);
}

int live_hub_presence_set(struct live_hub *h, int64_t ticket_id, int64_t user_id,
			  const char *name, const char *state, int64_t now_ms, json_t **viewers)
{
	int rc;
	*viewers = NULL;
	pthread_mutex_lock(&h->mu);
	rc = live_presence_set(h->presence, ticket_id, user_id, name, state, now_ms);
	if (rc == 1) {
		int i;
		for (i = 0; i < h->ndirty && h->dirty[i] != ticket_id; i++)
			;
		if (i == h->ndirty && h->ndirty < MAX_DIRTY)
			h->dirty[h->ndirty++] = ticket_id;
		poke_locked(h);
	}
	if (rc >= 0) {
		*viewers = live_presence_viewers(h->presence, ticket_id, now_ms);
		rc = 0;
	}
	pthread_mutex_unlock(&h->mu);
	return rc;
}

json_t *live_hub_presence_get(struct live_hub *h, int64_t ticket_id, int64_t now_ms)
{
	json_t *v;
	pthread_mutex_lock(&h->mu);
	v = live_presence_viewers(h->presence, ticket_id, now_ms);
	pthread_mutex_unlock(&h->mu);
	return v;
}

/* ---- the tail's round of work ---- */

struct ev {
	int64_t id, ticket_id, actor_id, created;
	char kind[48];
};

/* A snapshot of the subscribers, each referenced, sorted by actor so that a visibility answer
 * is computed once per event per distinct actor. */
struct snap {
	struct live_sub **s;
	int n;
};

static int by_actor(const void *a, const void *b)
{
	const struct live_sub *x = *(struct live_sub *const *)a, *y = *(struct live_sub *const *)b;
	if (x->actor.id != y->actor.id)
		return x->actor.id < y->actor.id ? -1 : 1;
	return (int)x->actor.role - (int)y->actor.role;
}

static int snap_take(struct live_hub *h, struct snap *sn, int64_t *dirty, int *ndirty)
{
	int i = 0;
	pthread_mutex_lock(&h->mu);
	sn->n = 0;
	sn->s = h->nsubs ? malloc((size_t)h->nsubs * sizeof *sn->s) : NULL;
	if (h->nsubs && !sn->s) {
		pthread_mutex_unlock(&h->mu);
		return HELPO_ENOMEM;
	}
	for (struct live_sub *s = h->subs; s; s = s->next) {
		atomic_fetch_add(&s->refs, 1);
		sn->s[i++] = s;
	}
	sn->n = i;
	memcpy(dirty, h->dirty, (size_t)h->ndirty * sizeof *dirty);
	*ndirty = h->ndirty;
	h->ndirty = 0;
	pthread_mutex_unlock(&h->mu);
	if (sn->n > 1)
		qsort(sn->s, (size_t)sn->n, sizeof *sn->s, by_actor);
	return 0;
}

static void snap_release(struct snap *sn)
{
	for (int i = 0; i < sn->n; i++)
		sub_unref(sn->s[i]);
	free(sn->s);
	sn->s = NULL;
	sn->n = 0;
}

/* May this subscriber's actor see the event's ticket? Same rule as GET /tickets/:id, at
 * delivery time. A deleted ticket's event goes to admins only. */
static bool visible(struct db *db, const struct desk_actor *a, const struct ev *e)
{
	if (!strcmp(e->kind, "ticket.deleted"))
		return a->role == DESK_ADMIN;
	return authz_ticket_visible(db, a, e->ticket_id) == 0;
}

/* Reads events in (after, upto] (upto < 0: no bound), at most max, ticket events only in out;
 * *last gets the id of the last row read (ticket or not) and *nread how many rows were read. */
static int read_events(struct db *db, int64_t after, int64_t upto, int max, struct ev *out,
		       int *nout, int64_t *last, int *nread)
{
	struct db_stmt *st;
	int rc;
	*nout = 0;
	*nread = 0;
	rc = db_query(db, &st,
		      "SELECT id, coalesce(ticket_id, 0), coalesce(actor_id, 0), kind, created_at "
		      "FROM events WHERE id > ? AND (? < 0 OR id <= ?) ORDER BY id LIMIT ?",
		      "iiii", after, upto, upto, (int64_t)max);
	if (rc)
		return rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct ev *e = &out[*nout];
		const char *kind = db_col_text(st, 3);
		(*nread)++;
		*last = db_col_int(st, 0);
		if (!db_col_int(st, 1) || !kind)
			continue;
		e->id = *last;
		e->ticket_id = db_col_int(st, 1);
		e->actor_id = db_col_int(st, 2);
		e->created = db_col_int(st, 4);
		snprintf(e->kind, sizeof e->kind, "%s", kind);
		(*nout)++;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* Activates a new subscriber: replays (last_id, head] when asked, or `reset` when that is more
 * than LIVE_REPLAY_MAX events. Runs before the tick's new batch, so nothing is sent twice. */
static int activate(struct live_hub *h, struct live_sub *s)
{
	struct ev *evs = NULL;
	struct buf m = BUF_INIT(4096);
	int n = 0, nread = 0, rc = 0;
	int64_t last = 0;
	if (s->last_id < 0 || s->last_id >= h->head) {
		/* no resume point, or one at/after our head (another node ahead): live from here */
		s->cursor = s->last_id < 0 ? h->head : s->last_id;
		s->active = true;
		return 0;
	}
	if (!(evs = calloc(LIVE_REPLAY_MAX + 1, sizeof *evs)))
		return HELPO_ENOMEM;
	rc = read_events(h->db, s->last_id, h->head, LIVE_REPLAY_MAX + 1, evs, &n, &last, &nread);
	if (rc)
		goto out;
	if (nread > LIVE_REPLAY_MAX) {
		live_format_reset(&m, h->head);
		sub_push(s, m.data, m.len);
	} else {
		for (int i = 0; i < n; i++) {
			if (!visible(h->db, &s->actor, &evs[i]))
				continue;
			buf_reset(&m);
			live_format_event(&m, evs[i].id, evs[i].kind, evs[i].ticket_id,
					  evs[i].actor_id, evs[i].created);
			sub_push(s, m.data, m.len);
		}
	}
	s->cursor = h->head;
	s->active = true;
out:
	buf_release(&m);
	free(evs);
	return rc;
}

/* Pushes msg to every active subscriber of sn whose actor sees the event (e) or the ticket
 * (presence: e->kind empty). */
static void fan_out(struct live_hub *h, struct snap *sn, const struct ev *e, const char *msg,
		    size_t len)
{
	int64_t memo_actor = -1;
	int memo_role = -1;
	bool memo = false;
	for (int i = 0; i < sn->n; i++) {
		struct live_sub *s = sn->s[i];
		if (!s->active || (e->id && e->id <= s->cursor))
			continue;
		if (s->actor.id != memo_actor || (int)s->actor.role != memo_role) {
			memo_actor = s->actor.id;
			memo_role = (int)s->actor.role;
			memo = visible(h->db, &s->actor, e);
		}
		if (memo)
			sub_push(s, msg, len);
		if (e->id)
			s->cursor = e->id;
	}
}

/* Re-reads each distinct actor's role: a subscriber who is no longer active staff is closed;
 * a role change (agent <-> admin) applies to the following events. */
static void recheck(struct live_hub *h, struct snap *sn)
{
	int64_t prev = -1;
	int role = -1;
	bool ok = true;
	for (int i = 0; i < sn->n; i++) {
		struct live_sub *s = sn->s[i];
		if (s->actor.id != prev) {
			struct db_stmt *st;
			prev = s->actor.id;
			ok = false;
			if (db_query(h->db, &st, "SELECT role, active FROM users WHERE id = ?", "i",
				     s->actor.id))
				continue;
			if (db_step(st) == DB_ROW && db_col_int(st, 1)) {
				enum desk_role r;
				const char *rs = db_col_text(st, 0);
				if (rs && !desk_role_parse(rs, &r) && r != DESK_END_USER) {
					ok = true;
					role = (int)r;
				}
			}
			db_done(st);
		}
		if (!ok)
			sub_close(s);
		else
			s->actor.role = (enum desk_role)role;
	}
}

int live_hub_tick(struct live_hub *h, int64_t now_ms)
{
	struct ev *evs;
	struct snap sn = {0};
	struct buf m = BUF_INIT(4096);
	int64_t dirty[MAX_DIRTY + 64], last = h->head, t0 = time_mono_ms();
	int ndirty = 0, n = 0, nread = 0, rc;
	if (!(evs = calloc(LIVE_TAIL_BATCH, sizeof *evs)))
		return HELPO_ENOMEM;
	if (!h->last_ping)
		h->last_ping = h->last_recheck = now_ms; /* the clock starts at the first round */
	if ((rc = snap_take(h, &sn, dirty, &ndirty)))
		goto out;
	/* 1. new subscribers: replay up to the current head */
	for (int i = 0; i < sn.n; i++)
		if (!sn.s[i]->active && (rc = activate(h, sn.s[i])))
			goto out;
	/* 2. new events, in order (a burst is read in batches, up to 20 per round) */
	for (int batch = 0; batch < 20; batch++) {
		if ((rc = read_events(h->db, h->head, -1, LIVE_TAIL_BATCH, evs, &n, &last, &nread)))
			goto out;
		for (int i = 0; i < n; i++) {
			buf_reset(&m);
			live_format_event(&m, evs[i].id, evs[i].kind, evs[i].ticket_id,
					  evs[i].actor_id, evs[i].created);
			fan_out(h, &sn, &evs[i], m.data, m.len);
		}
		h->head = last;
		if (n)
			log_debug("live: %d events to %d subscribers in %lld ms", n, sn.n,
				  (long long)(time_mono_ms() - t0));
		if (nread < LIVE_TAIL_BATCH)
			break;
	}
	for (int i = 0; i < sn.n; i++)
		if (sn.s[i]->active && sn.s[i]->cursor < h->head)
			sn.s[i]->cursor = h->head;
	/* 3. presence: changes by PUT, and expiries */
	pthread_mutex_lock(&h->mu);
	ndirty += live_presence_expire(h->presence, now_ms, dirty + ndirty, 64);
	pthread_mutex_unlock(&h->mu);
	for (int i = 0; i < ndirty; i++) {
		struct ev e = {.ticket_id = dirty[i]};
		json_t *v = live_hub_presence_get(h, dirty[i], now_ms);
		buf_reset(&m);
		live_format_presence(&m, dirty[i], v);
		json_decref(v);
		fan_out(h, &sn, &e, m.data, m.len);
	}
	/* 4. heartbeat, and role re-checks */
	if (now_ms - h->last_ping >= LIVE_PING_MS) {
		h->last_ping = now_ms;
		for (int i = 0; i < sn.n; i++)
			sub_push(sn.s[i], ": ping\n\n", 8);
	}
	if (now_ms - h->last_recheck >= LIVE_RECHECK_MS) {
		h->last_recheck = now_ms;
		recheck(h, &sn);
	}
out:
	snap_release(&sn);
	buf_release(&m);
	free(evs);
	return rc;
}

/* ---- the process-wide feed: one hub, one tail thread ---- */

static struct {
	pthread_mutex_t mu; /* guards hub pointer and running */
	struct live_hub *hub;
	struct db *db;
	pthread_t thread;
	atomic_bool stop;
	bool running;
} feed = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void *tail_main(void *arg)
{
	struct live_hub *h = arg;
	int64_t failed_at = 0;
	while (!atomic_load(&feed.stop)) {
		int rc = live_hub_tick(h, time_mono_ms());
		if (rc && time_mono_ms() - failed_at > 10000) {
			failed_at = time_mono_ms();
			log_warn("live: tail: %s (retrying)", helpo_strerror(rc));
		}
		live_hub_wait(h, 100);
	}
	return NULL;
}

int live_start(const char *db_path, const struct conf *conf)
{
	struct db_options opt = {.readonly = true,
				 .busy_timeout_ms = conf ? conf->db_busy_timeout_ms : 5000};
	int rc;
	pthread_mutex_lock(&feed.mu);
	if (feed.running) {
		pthread_mutex_unlock(&feed.mu);
		return 0;
	}
	if ((rc = db_open(&feed.db, db_path, &opt)))
		goto fail;
	if ((rc = live_hub_new(feed.db, &feed.hub))) {
		db_close(feed.db);
		goto fail;
	}
	atomic_store(&feed.stop, false);
	if (pthread_create(&feed.thread, NULL, tail_main, feed.hub)) {
		live_hub_free(feed.hub);
		db_close(feed.db);
		feed.hub = NULL;
		rc = HELPO_ENOMEM;
		goto fail;
	}
	feed.running = true;
	pthread_mutex_unlock(&feed.mu);
	return 0;
fail:
	log_error("live: cannot start: %s", helpo_strerror(rc));
	pthread_mutex_unlock(&feed.mu);
	return rc;
}

void live_stop(void)
{
	pthread_mutex_lock(&feed.mu);
	if (!feed.running) {
		pthread_mutex_unlock(&feed.mu);
		return;
	}
	live_hub_close_all(feed.hub);
	atomic_store(&feed.stop, true);
	pthread_mutex_unlock(&feed.mu);
	pthread_join(feed.thread, NULL);
	/* The hub stays allocated: closed streams still hold it until the server frees their
	 * responses (after this returns). It is tiny and the process is ending. */
	pthread_mutex_lock(&feed.mu);
	db_close(feed.db);
	feed.db = NULL;
	feed.running = false;
	pthread_mutex_unlock(&feed.mu);
}

int live_subscribe(const struct desk_actor *a, int64_t last_id, const struct live_sink *sink,
		   struct live_sub **out)
{
	int rc;
	*out = NULL;
	pthread_mutex_lock(&feed.mu);
	rc = feed.running ? live_hub_subscribe(feed.hub, a, last_id, sink, 0, out) : HELPO_EBUSY;
	pthread_mutex_unlock(&feed.mu);
	return rc;
}

int live_presence_put(int64_t ticket_id, int64_t user_id, const char *name, const char *state,
		      json_t **viewers)
{
	int rc;
	*viewers = NULL;
	pthread_mutex_lock(&feed.mu);
	rc = feed.running ? live_hub_presence_set(feed.hub, ticket_id, user_id, name, state,
						  time_mono_ms(), viewers)
			  : HELPO_EBUSY;
	pthread_mutex_unlock(&feed.mu);
	return rc;
}

json_t *live_presence_get(int64_t ticket_id)
{
	json_t *v;
	pthread_mutex_lock(&feed.mu);
	v = feed.running ? live_hub_presence_get(feed.hub, ticket_id, time_mono_ms())
			 : json_array();
	pthread_mutex_unlock(&feed.mu);
	return v;
}
