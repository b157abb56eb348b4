/*
 * tests/unit/live/queue.c — unit tests for the subscriber queue in src/live/live.c: bytes come
 * out in order, the cap holds (HELPO_ETOOBIG and the queue unchanged), space freed by reading
 * is reused, and a drained queue gives its memory back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "live/live_int.h"

static void test_fifo(void **state)
{
	struct live_queue q;
	char out[64];
	(void)state;
	live_queue_init(&q, 64);
	assert_int_equal(live_queue_len(&q), 0);
	assert_int_equal(live_queue_read(&q, out, sizeof out), 0);
	assert_int_equal(live_queue_push(&q, "hello ", 6), 0);
	assert_int_equal(live_queue_push(&q, "world", 5), 0);
	assert_int_equal(live_queue_len(&q), 11);
	assert_int_equal(live_queue_read(&q, out, 3), 3);
	assert_memory_equal(out, "hel", 3);
	assert_int_equal(live_queue_len(&q), 8);
	assert_int_equal(live_queue_read(&q, out, sizeof out), 8);
	assert_memory_equal(out, "lo world", 8);
	assert_int_equal(live_queue_len(&q), 0);
	live_queue_release(&q);
}

static void test_cap(void **state)
{
	struct live_queue q;
	char big[40], out[64];
	(void)state;
	memset(big, 'x', sizeof big);
	live_queue_init(&q, 64);
	assert_int_equal(live_queue_push(&q, big, 40), 0);
	assert_int_equal(live_queue_push(&q, big, 24), 0); /* exactly full */
	assert_int_equal(live_queue_push(&q, "y", 1), HELPO_ETOOBIG);
	assert_int_equal(live_queue_len(&q), 64);
	/* reading makes room again: the unread bytes move to the front, order kept */
	assert_int_equal(live_queue_read(&q, out, 60), 60);
	assert_int_equal(live_queue_push(&q, "abcdefghij", 10), 0);
	assert_int_equal(live_queue_len(&q), 14);
	assert_int_equal(live_queue_read(&q, out, sizeof out), 14);
	assert_memory_equal(out, "xxxxabcdefghij", 14);
	/* a message larger than the cap never fits */
	assert_int_equal(live_queue_push(&q, big, 40), 0);
	assert_int_equal(live_queue_push(&q, big, 40), HELPO_ETOOBIG);
	live_queue_clear(&q);
	assert_int_equal(live_queue_len(&q), 0);
	assert_int_equal(live_queue_push(&q, "z", 1), 0);
	assert_int_equal(live_queue_read(&q, out, sizeof out), 1);
	live_queue_release(&q);
}

static void test_drain_gives_memory_back(void **state)
{
	struct live_queue q;
	static char big[20000], out[20000];
	(void)state;
	memset(big, 'm', sizeof big);
	live_queue_init(&q, 64 * 1024);
	assert_int_equal(live_queue_push(&q, big, sizeof big), 0);
	assert_true(q.b.cap >= sizeof big);
	assert_int_equal(live_queue_read(&q, out, sizeof out), sizeof big);
	assert_true(q.b.cap <= 4096); /* an idle stream keeps no large buffer */
	assert_int_equal(live_queue_push(&q, "k", 1), 0);
	assert_int_equal(live_queue_read(&q, out, 1), 1);
	assert_int_equal(out[0], 'k');
	live_queue_release(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fifo),
	    cmocka_unit_test(test_cap),
	    cmocka_unit_test(test_drain_gives_memory_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
