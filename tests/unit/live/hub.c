/*
 * tests/unit/live/hub.c — unit tests for the fan-out hub in src/live/live.c, driven by
 * live_hub_tick with a fake clock and a fake connection: the message formats, authorization
 * per subscriber (groups, membership removed, deleted tickets), presence pushes, the slow
 * subscriber cut off with `reset`, heartbeats, role re-checks, suspend/resume bookkeeping and
 * close_all.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "livetest.h"

static struct live_sub *sub(struct lfx *f, const struct desk_actor *a, int64_t last,
			    struct fake_conn *c, size_t max)
{
	struct live_sink sink = {c, fake_suspend, fake_resume};
	struct live_sub *s = NULL;
	assert_int_equal(live_hub_subscribe(f->hub, a, last, &sink, max, &s), 0);
	return s;
}

static void test_format(void **state)
{
	struct buf b = BUF_INIT(4096);
	json_t *v = json_pack("[{s:i,s:s,s:s}]", "user_id", 3, "name", "Ann \"A\"\n", "state",
			      "typing");
	(void)state;
	assert_int_equal(live_format_event(&b, 42, "comment.added", 7, 3, 1700000000000), 0);
	assert_string_equal(b.data, "id: 42\nevent: ticket\ndata: {\"id\":42,\"kind\":"
				    "\"comment.added\",\"ticket_id\":7,\"actor_id\":3,"
				    "\"created_at\":\"2023-11-14T22:13:20Z\"}\n\n");
	buf_reset(&b);
	assert_int_equal(live_format_event(&b, 43, "ticket.updated", 7, 0, 1700000000000), 0);
	assert_non_null(strstr(b.data, "\"actor_id\":null"));
	buf_reset(&b);
	/* names are JSON-escaped: a newline can never end the data line early */
	assert_int_equal(live_format_presence(&b, 7, v), 0);
	assert_string_equal(b.data, "event: presence\ndata: {\"ticket_id\":7,\"viewers\":["
				    "{\"user_id\":3,\"name\":\"Ann \\\"A\\\"\\n\","
				    "\"state\":\"typing\"}]}\n\n");
	buf_reset(&b);
	assert_int_equal(live_format_reset(&b, 99), 0);
	assert_string_equal(b.data, "id: 99\nevent: reset\ndata: {}\n\n");
	buf_reset(&b);
	assert_int_equal(live_format_reset(&b, -1), 0);
	assert_string_equal(b.data, "event: reset\ndata: {}\n\n");
	json_decref(v);
	buf_release(&b);
}

static void test_fanout_authz(void **state)
{
	struct lfx *f = *state;
	struct fake_conn cad = {0}, c1 = {0}, c2 = {0};
	struct live_sub *sad = sub(f, &f->admin, -1, &cad, 0), *s1 = sub(f, &f->a1, -1, &c1, 0),
			*s2 = sub(f, &f->a2, -1, &c2, 0);
	char *o, id[64];
	bool end;
	int64_t t1, t2;
	assert_int_equal(live_hub_count(f->hub), 3);
	/* the first bytes are there before any event (so the response starts at once) */
	o = drain(s1, &c1, &end);
	assert_string_equal(o, "retry: 2000\n\n");
	assert_false(end);
	assert_true(c1.suspended);
	free(o);
	free(drain(sad, &cad, &end));
	free(drain(s2, &c2, &end));
	assert_int_equal(live_hub_tick(f->hub, 1000), 0);
	t1 = lfx_ticket(f, f->g1); /* a1's group */
	t2 = lfx_ticket(f, 0);     /* no group: admin only */
	assert_int_equal(live_hub_tick(f->hub, 1100), 0);
	assert_false(c1.suspended); /* data queued: resumed */
	assert_int_equal(c1.resumes, 1);
	o = drain(s1, &c1, &end);
	snprintf(id, sizeof id, "\"ticket_id\":%lld", (long long)t1);
	assert_int_equal(count_of(o, id), 2); /* ticket.created + comment.added */
	assert_non_null(strstr(o, "\"kind\":\"ticket.created\""));
	assert_non_null(strstr(o, "\"kind\":\"comment.added\""));
	snprintf(id, sizeof id, "\"ticket_id\":%lld", (long long)t2);
	assert_int_equal(count_of(o, id), 0);
	free(o);
	o = drain(s2, &c2, &end);
	assert_string_equal(o, ""); /* a2 sees neither */
	assert_true(c2.suspended);
	assert_int_equal(c2.resumes, 0);
	free(o);
	o = drain(sad, &cad, &end);
	assert_int_equal(count_of(o, "event: ticket\n"), 4);
	free(o);
	/* a1 leaves the group: the next event of t1 is not delivered */
	assert_int_equal(db_exec(f->db, "DELETE FROM group_memberships WHERE user_id = ?", "i",
				 f->a1.id),
			 0);
	lfx_event(f, t1, "ticket.updated");
	assert_int_equal(live_hub_tick(f->hub, 1200), 0);
	o = drain(s1, &c1, &end);
	assert_string_equal(o, "");
	free(o);
	/* deleted tickets: admins only */
	lfx_event(f, 987654, "ticket.deleted");
	lfx_event(f, 987655, "ticket.updated"); /* not a ticket (any more): nobody */
	lfx_event(f, 0, "user.created");        /* not about a ticket: nobody */
	assert_int_equal(live_hub_tick(f->hub, 1300), 0);
	o = drain(sad, &cad, &end);
	assert_int_equal(count_of(o, "event: ticket\n"), 2); /* t1's update + the deletion */
	assert_non_null(strstr(o, "\"kind\":\"ticket.deleted\",\"ticket_id\":987654"));
	assert_null(strstr(o, "987655"));
	free(o);
	live_sub_free(sad);
	live_sub_free(s1);
	live_sub_free(s2);
	assert_int_equal(live_hub_count(f->hub), 0);
}

static void test_presence_push(void **state)
{
	struct lfx *f = *state;
	struct fake_conn c1 = {0}, c2 = {0};
	struct live_sub *s1 = sub(f, &f->a1, -1, &c1, 0), *s2 = sub(f, &f->a2, -1, &c2, 0);
	int64_t t = lfx_ticket(f, f->g1);
	json_t *v = NULL;
	char *o;
	bool end;
	assert_int_equal(live_hub_tick(f->hub, 1000), 0);
	free(drain(s1, &c1, &end));
	free(drain(s2, &c2, &end));
	assert_int_equal(live_hub_presence_set(f->hub, t, f->admin.id, "Ad", "viewing", 1000, &v),
			 0);
	assert_int_equal(json_array_size(v), 1);
	json_decref(v);
	assert_int_equal(live_hub_presence_set(f->hub, t, f->admin.id, "Ad", "sleeping", 1000, &v),
			 HELPO_EINVAL);
	assert_null(v);
	assert_int_equal(live_hub_tick(f->hub, 1100), 0);
	o = drain(s1, &c1, &end);
	assert_int_equal(count_of(o, "event: presence\n"), 1);
	assert_non_null(strstr(o, "\"state\":\"viewing\""));
	free(o);
	o = drain(s2, &c2, &end);
	assert_string_equal(o, "");
	free(o);
	/* a refresh is not a change: nothing pushed */
	assert_int_equal(live_hub_presence_set(f->hub, t, f->admin.id, "Ad", "viewing", 2000, &v),
			 0);
	json_decref(v);
	assert_int_equal(live_hub_tick(f->hub, 2100), 0);
	assert_true(c1.suspended);
	/* expiry 30 s after the last PUT is pushed as an empty list */
	assert_int_equal(live_hub_tick(f->hub, 31999), 0);
	o = drain(s1, &c1, &end);
	assert_null(strstr(o, "event: presence")); /* (a heartbeat went out meanwhile) */
	free(o);
	assert_int_equal(live_hub_tick(f->hub, 32000), 0);
	o = drain(s1, &c1, &end);
	assert_non_null(strstr(o, "\"viewers\":[]"));
	free(o);
	v = live_hub_presence_get(f->hub, t, 32000);
	assert_int_equal(json_array_size(v), 0);
	json_decref(v);
	live_sub_free(s1);
	live_sub_free(s2);
}

static void test_slow_subscriber_reset(void **state)
{
	struct lfx *f = *state;
	struct fake_conn c = {0};
	struct live_sub *s = sub(f, &f->admin, -1, &c, 1024);
	char *o;
	bool end;
	int64_t t = lfx_ticket(f, 0);
	assert_int_equal(live_hub_tick(f->hub, 1000), 0);
	/* the client reads nothing while 20 events (~2.6 KB) arrive */
	for (int i = 0; i < 20; i++)
		lfx_event(f, t, "ticket.updated");
	assert_int_equal(live_hub_tick(f->hub, 1100), 0);
	o = drain(s, &c, &end);
	assert_string_equal(o, "event: reset\ndata: {}\n\n"); /* the backlog is dropped */
	assert_true(end);                                     /* and the stream ends */
	free(o);
	/* nothing more is queued for it */
	lfx_event(f, t, "ticket.updated");
	assert_int_equal(live_hub_tick(f->hub, 1200), 0);
	o = drain(s, &c, &end);
	assert_string_equal(o, "");
	assert_true(end);
	free(o);
	live_sub_free(s);
}

static void test_ping(void **state)
{
	struct lfx *f = *state;
	struct fake_conn c = {0};
	struct live_sub *s = sub(f, &f->a2, -1, &c, 0);
	char *o;
	bool end;
	free(drain(s, &c, &end));
	assert_int_equal(live_hub_tick(f->hub, 100000), 0);
	assert_int_equal(live_hub_tick(f->hub, 114999), 0);
	assert_true(c.suspended);
	assert_int_equal(live_hub_tick(f->hub, 115000), 0);
	o = drain(s, &c, &end);
	assert_string_equal(o, ": ping\n\n");
	free(o);
	assert_int_equal(live_hub_tick(f->hub, 129999), 0);
	assert_true(c.suspended);
	assert_int_equal(live_hub_tick(f->hub, 130000), 0);
	o = drain(s, &c, &end);
	assert_string_equal(o, ": ping\n\n");
	free(o);
	live_sub_free(s);
}

static void test_recheck_role(void **state)
{
	struct lfx *f = *state;
	struct fake_conn c1 = {0}, c2 = {0};
	struct live_sub *s1 = sub(f, &f->a1, -1, &c1, 0), *s2 = sub(f, &f->a2, -1, &c2, 0);
	char *o;
	bool end;
	free(drain(s1, &c1, &end));
	free(drain(s2, &c2, &end));
	assert_int_equal(live_hub_tick(f->hub, 1000), 0);
	/* a1 becomes an end-user, a2 is deactivated */
	assert_int_equal(db_exec(f->db, "UPDATE users SET role = 'end-user' WHERE id = ?", "i",
				 f->a1.id),
			 0);
	assert_int_equal(db_exec(f->db, "UPDATE users SET active = 0 WHERE id = ?", "i", f->a2.id),
			 0);
	assert_int_equal(live_hub_tick(f->hub, 1000 + LIVE_RECHECK_MS - 1), 0);
	assert_true(c1.suspended);
	assert_int_equal(live_hub_tick(f->hub, 1000 + LIVE_RECHECK_MS), 0);
	o = drain(s1, &c1, &end);
	assert_true(end);
	free(o);
	o = drain(s2, &c2, &end);
	assert_true(end);
	free(o);
	live_sub_free(s1);
	live_sub_free(s2);
}

static void test_close_all(void **state)
{
	struct lfx *f = *state;
	struct fake_conn c = {0}, c2 = {0};
	struct live_sink sink = {&c2, fake_suspend, fake_resume};
	struct live_sub *s = sub(f, &f->admin, -1, &c, 0), *s2 = NULL;
	char *o;
	bool end;
	free(drain(s, &c, &end));
	assert_true(c.suspended);
	live_hub_close_all(f->hub);
	assert_false(c.suspended); /* woken to end its stream */
	o = drain(s, &c, &end);
	assert_string_equal(o, "");
	assert_true(end);
	free(o);
	assert_int_equal(live_hub_subscribe(f->hub, &f->admin, -1, &sink, 0, &s2), HELPO_EBUSY);
	assert_null(s2);
	live_sub_free(s);
	live_sub_free(NULL);
}

static void test_streams_per_user(void **state)
{
	struct lfx *f = *state;
	struct fake_conn c[LIVE_MAX_STREAMS_PER_USER + 1];
	struct live_sink sink = {&c[0], fake_suspend, fake_resume};
	struct live_sub *s[LIVE_MAX_STREAMS_PER_USER + 1] = {0}, *other;
	memset(c, 0, sizeof c);
	for (int i = 0; i < LIVE_MAX_STREAMS_PER_USER; i++)
		s[i] = sub(f, &f->a1, -1, &c[i], 0);
	assert_int_equal(live_hub_subscribe(f->hub, &f->a1, -1, &sink, 0, &other), HELPO_ETOOBIG);
	assert_null(other);
	other = sub(f, &f->a2, -1, &c[LIVE_MAX_STREAMS_PER_USER], 0); /* others are not affected */
	live_sub_free(s[0]);
	s[0] = sub(f, &f->a1, -1, &c[0], 0); /* a closed stream frees its place */
	for (int i = 0; i < LIVE_MAX_STREAMS_PER_USER; i++)
		live_sub_free(s[i]);
	live_sub_free(other);
	assert_int_equal(live_hub_count(f->hub), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, lfx_setup, lfx_teardown)
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format), T(test_fanout_authz), T(test_presence_push),
	    T(test_slow_subscriber_reset), T(test_ping),         T(test_recheck_role),
	    T(test_close_all),       T(test_streams_per_user),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
