/*
 * livetest.h — shared by the hub and replay unit tests of src/live: a database with an admin,
 * two agents and a group, a fake connection (counts suspends and resumes like libmicrohttpd
 * would see them), and a reader that drains a subscriber into a string.
 *
 * Include after <cmocka.h>.
 */
#ifndef HELPO_LIVETEST_H
#define HELPO_LIVETEST_H

#include "live/live_int.h"
#include "desk/desk.h"
#include "../testutil.h"

struct fake_conn {
	int suspends, resumes;
	bool suspended;
};

static inline void fake_suspend(void *c)
{
	struct fake_conn *f = c;
	assert_false(f->suspended); /* MHD: never suspend twice */
	f->suspended = true;
	f->suspends++;
}

static inline void fake_resume(void *c)
{
	struct fake_conn *f = c;
	assert_true(f->suspended); /* MHD: resuming a running connection is undefined */
	f->suspended = false;
	f->resumes++;
}

struct lfx {
	struct tdb *t;
	struct db *db;
	struct live_hub *hub;
	struct desk_actor admin, a1, a2;
	int64_t g1;
};

static inline int lfx_setup(void **state)
{
	struct lfx *f = calloc(1, sizeof *f);
	f->t = t_db_open();
	f->db = f->t->db;
	f->g1 = t_group(f->db, "Support");
	f->admin.id = t_user(f->db, "admin", "Ad", "ad@example.com", 0);
	f->admin.role = DESK_ADMIN;
	f->a1.id = t_user(f->db, "agent", "A1", "a1@example.com", 0);
	f->a1.role = DESK_AGENT;
	f->a2.id = t_user(f->db, "agent", "A2", "a2@example.com", 0);
	f->a2.role = DESK_AGENT;
	t_member(f->db, f->a1.id, f->g1);
	assert_int_equal(live_hub_new(f->db, &f->hub), 0);
	*state = f;
	return 0;
}

static inline int lfx_teardown(void **state)
{
	struct lfx *f = *state;
	if (live_hub_count(f->hub) == 0) /* else a failed test left streams open: leak the hub */
		live_hub_free(f->hub);
	t_db_close(f->t);
	free(f);
	return 0;
}

/* Creates a ticket as admin (group 0 = none); returns its id. */
static inline int64_t lfx_ticket(struct lfx *f, int64_t group)
{
	char text[256];
	json_t *in, *out = NULL;
	struct desk_err err = {.field = ""};
	int64_t id;
	if (group)
		snprintf(text, sizeof text,
			 "{\"subject\": \"s\", \"comment\": \"c\", \"group_id\": %lld}",
			 (long long)group);
	else
		snprintf(text, sizeof text, "{\"subject\": \"s\", \"comment\": \"c\"}");
	in = json_loads(text, 0, NULL);
	assert_int_equal(desk_ticket_create(f->db, &f->admin, in, NULL, &out, &err), 0);
	id = json_integer_value(json_object_get(out, "id"));
	json_decref(in);
	json_decref(out);
	return id;
}

/* Appends one event row (as desk_event_add would); returns its id. */
static inline int64_t lfx_event(struct lfx *f, int64_t ticket, const char *kind)
{
	int64_t id = 0;
	int rc = db_int(f->db, &id,
			"INSERT INTO events (ticket_id, actor_id, kind, payload, created_at) "
			"VALUES (nullif(?, 0), ?, ?, '{}', ?) RETURNING id",
			"iisi", ticket, f->admin.id, kind, (int64_t)1700000000000);
	assert_int_equal(rc, 0);
	return id;
}

static inline int64_t lfx_head(struct lfx *f)
{
	int64_t id = 0;
	assert_int_equal(db_int(f->db, &id, "SELECT coalesce(max(id), 0) FROM events", ""), 0);
	return id;
}

/* Reads everything queued into a new string (caller frees); *end set when the stream ended.
 * Like the HTTP server, it does not call the reader of a suspended connection. */
static inline char *drain(struct live_sub *s, struct fake_conn *c, bool *end)
{
	struct buf b = BUF_INIT(16 * 1024 * 1024);
	char chunk[4096];
	ssize_t n;
	*end = false;
	if (c->suspended)
		return buf_detach(&b, NULL);
	while ((n = live_sub_read(s, b.len, chunk, sizeof chunk)) > 0)
		assert_int_equal(buf_add(&b, chunk, (size_t)n), 0);
	if (n == LIVE_END_OF_STREAM)
		*end = true;
	return buf_detach(&b, NULL);
}

/* Counts occurrences of needle in hay. */
static inline int count_of(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

#endif
