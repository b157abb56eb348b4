/*
 * tests/unit/live/replay.c — unit tests for resuming a stream (Last-Event-ID) in
 * src/live/live.c: no resume point starts at the newest event; a resume point replays exactly
 * the missed events, authorized; exactly LIVE_REPLAY_MAX events are replayed, one more is a
 * `reset`; events written between subscribing and the tail's next round arrive once, in
 * order; a resume point ahead of the log skips up to it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "livetest.h"

static struct live_sub *sub(struct lfx *f, const struct desk_actor *a, int64_t last,
			    struct fake_conn *c)
{
	struct live_sink sink = {c, fake_suspend, fake_resume};
	struct live_sub *s = NULL;
	assert_int_equal(live_hub_subscribe(f->hub, a, last, &sink, 0, &s), 0);
	return s;
}

/* The ids of "id: N" lines, in order, into ids (max n); returns how many. */
static int ids_of(const char *o, int64_t *ids, int n)
{
	int k = 0;
	for (const char *p = o; (p = strstr(p, "\nid: ")) && k < n; p += 5)
		ids[k++] = strtoll(p + 5, NULL, 10);
	if (!strncmp(o, "id: ", 4) && k < n) {
		memmove(ids + 1, ids, (size_t)k * sizeof *ids);
		ids[0] = strtoll(o + 4, NULL, 10);
		k++;
	}
	return k;
}

static void test_no_resume_point(void **state)
{
	struct lfx *f = *state;
	struct fake_conn c = {0};
	int64_t t = lfx_ticket(f, 0), e;
	struct live_sub *s;
	char *o;
	bool end;
	/* the hub was made before these events: it must not replay them to a fresh stream */
	lfx_event(f, t, "ticket.updated");
	assert_int_equal(live_hub_tick(f->hub, 1000), 0); /* no subscribers: head moves on */
	s = sub(f, &f->admin, -1, &c);
	assert_int_equal(live_hub_tick(f->hub, 1100), 0);
	o = drain(s, &c, &end);
	assert_string_equal(o, "retry: 2000\n\n");
	free(o);
	e = lfx_event(f, t, "ticket.updated");
	assert_int_equal(live_hub_tick(f->hub, 1200), 0);
	o = drain(s, &c, &end);
	{
		int64_t ids[4];
		assert_int_equal(ids_of(o, ids, 4), 1);
		assert_int_equal(ids[0], e);
	}
	free(o);
	live_sub_free(s);
}

static void test_replay_exact_and_authorized(void **state)
{
	struct lfx *f = *state;
	struct fake_conn c1 = {0}, c2 = {0};
	int64_t mine = lfx_ticket(f, f->g1), other = lfx_ticket(f, 0), mark, want[8], got[16];
	struct live_sub *s1, *s2;
	char *o;
	bool end;
	assert_int_equal(live_hub_tick(f->hub, 1000), 0);
	mark = lfx_head(f);
	want[0] = lfx_event(f, mine, "ticket.updated");
	lfx_event(f, other, "ticket.updated"); /* not a1's */
	want[1] = lfx_event(f, mine, "comment.added");
	assert_int_equal(live_hub_tick(f->hub, 1100), 0); /* the head is past them now */
	s1 = sub(f, &f->a1, mark, &c1);
	s2 = sub(f, &f->a2, mark, &c2);
	assert_int_equal(live_hub_tick(f->hub, 1200), 0);
	o = drain(s1, &c1, &end);
	assert_int_equal(ids_of(o, got, 16), 2);
	assert_memory_equal(got, want, 2 * sizeof *got);
	free(o);
	o = drain(s2, &c2, &end);
	assert_string_equal(o, "retry: 2000\n\n"); /* a2 sees none of them */
	free(o);
	/* later events: once each */
	want[2] = lfx_event(f, mine, "ticket.updated");
	assert_int_equal(live_hub_tick(f->hub, 1300), 0);
	assert_int_equal(live_hub_tick(f->hub, 1400), 0);
	o = drain(s1, &c1, &end);
	assert_int_equal(ids_of(o, got, 16), 1);
	assert_int_equal(got[0], want[2]);
	free(o);
	live_sub_free(s1);
	live_sub_free(s2);
}

static void test_replay_limit(void **state)
{
	struct lfx *f = *state;
	struct fake_conn c = {0}, c2 = {0};
	int64_t t = lfx_ticket(f, 0), mark, head, *got = calloc(2000, sizeof *got);
	struct live_sub *s;
	char *o, line[64];
	bool end;
	assert_int_equal(live_hub_tick(f->hub, 1000), 0);
	mark = lfx_head(f);
	assert_int_equal(db_begin(f->db), 0);
	for (int i = 0; i < LIVE_REPLAY_MAX; i++)
		lfx_event(f, t, "ticket.updated");
	assert_int_equal(db_commit(f->db), 0);
	head = lfx_head(f);
	assert_int_equal(live_hub_tick(f->hub, 1100), 0);
	/* exactly LIVE_REPLAY_MAX missed: all replayed, in order */
	s = sub(f, &f->admin, mark, &c);
	assert_int_equal(live_hub_tick(f->hub, 1200), 0);
	o = drain(s, &c, &end);
	assert_int_equal(ids_of(o, got, 2000), LIVE_REPLAY_MAX);
	for (int i = 0; i < LIVE_REPLAY_MAX; i++)
		assert_int_equal(got[i], mark + 1 + i);
	assert_null(strstr(o, "reset"));
	free(o);
	live_sub_free(s);
	/* one more: a reset naming the head, then live events */
	s = sub(f, &f->admin, mark - 1, &c2);
	assert_int_equal(live_hub_tick(f->hub, 1300), 0);
	o = drain(s, &c2, &end);
	snprintf(line, sizeof line, "id: %lld\nevent: reset\ndata: {}\n\n", (long long)head);
	assert_non_null(strstr(o, line));
	assert_int_equal(count_of(o, "event: ticket"), 0);
	assert_false(end); /* the stream goes on */
	free(o);
	lfx_event(f, t, "ticket.updated");
	assert_int_equal(live_hub_tick(f->hub, 1400), 0);
	o = drain(s, &c2, &end);
	assert_int_equal(ids_of(o, got, 4), 1);
	assert_int_equal(got[0], head + 1);
	free(o);
	live_sub_free(s);
	free(got);
}

static void test_no_gap_no_duplicate(void **state)
{
	struct lfx *f = *state;
	struct fake_conn c = {0};
	int64_t t = lfx_ticket(f, 0), mark, got[64];
	struct live_sub *s;
	char *o;
	bool end;
	int n;
	assert_int_equal(live_hub_tick(f->hub, 1000), 0);
	mark = lfx_head(f);
	lfx_event(f, t, "ticket.updated"); /* missed */
	assert_int_equal(live_hub_tick(f->hub, 1100), 0);
	s = sub(f, &f->admin, mark, &c);
	/* written after the subscription, before the tail's next round */
	lfx_event(f, t, "ticket.updated");
	lfx_event(f, t, "ticket.updated");
	assert_int_equal(live_hub_tick(f->hub, 1200), 0);
	lfx_event(f, t, "ticket.updated");
	assert_int_equal(live_hub_tick(f->hub, 1300), 0);
	o = drain(s, &c, &end);
	n = ids_of(o, got, 64);
	assert_int_equal(n, 4);
	for (int i = 0; i < n; i++)
		assert_int_equal(got[i], mark + 1 + i);
	free(o);
	live_sub_free(s);
}

static void test_resume_point_ahead(void **state)
{
	struct lfx *f = *state;
	struct fake_conn c = {0};
	int64_t t = lfx_ticket(f, 0), head, got[8];
	struct live_sub *s;
	char *o;
	bool end;
	assert_int_equal(live_hub_tick(f->hub, 1000), 0);
	head = lfx_head(f);
	/* a client that saw up to head + 2 (say, from a node further along) */
	s = sub(f, &f->admin, head + 2, &c);
	assert_int_equal(live_hub_tick(f->hub, 1100), 0);
	lfx_event(f, t, "ticket.updated");
	lfx_event(f, t, "ticket.updated");
	lfx_event(f, t, "ticket.updated");
	assert_int_equal(live_hub_tick(f->hub, 1200), 0);
	o = drain(s, &c, &end);
	assert_int_equal(ids_of(o, got, 8), 1);
	assert_int_equal(got[0], head + 3);
	free(o);
	live_sub_free(s);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, lfx_setup, lfx_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_no_resume_point), T(test_replay_exact_and_authorized), T(test_replay_limit),
	    T(test_no_gap_no_duplicate), T(test_resume_point_ahead),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
