/*
 * tests/unit/util/buf.c — unit tests for src/util/buf.c: the size cap (HELPO_ETOOBIG, buffer
 * unchanged on failure), growth through buf_addf, detach, reset and the empty state.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/buf.h"

static void test_init_empty(void **state)
{
	struct buf b = BUF_INIT(16);
	struct buf c;
	(void)state;
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	assert_int_equal(b.len, 0);
	buf_init(&c, 8);
	assert_ptr_equal(c.data, buf_empty);
	assert_int_equal(c.max, 8);
	/* releasing a never-grown buffer is fine and keeps it usable */
	buf_release(&c);
	assert_string_equal(c.data, "");
	assert_int_equal(buf_adds(&c, "ok"), 0);
	assert_string_equal(c.data, "ok");
	buf_release(&c);
	assert_int_equal(c.len, 0);
	assert_string_equal(c.data, "");
	/* the shared empty string must never be written */
	buf_reset(&b);
	assert_int_equal(buf_empty[0], '\0');
}

static void test_cap(void **state)
{
	struct buf b = BUF_INIT(5);
	(void)state;
	assert_int_equal(buf_adds(&b, "abc"), 0);
	assert_int_equal(buf_adds(&b, "def"), HELPO_ETOOBIG);
	assert_string_equal(b.data, "abc");
	assert_int_equal(b.len, 3);
	assert_int_equal(buf_addf(&b, "%d", 123), HELPO_ETOOBIG);
	assert_string_equal(b.data, "abc");
	assert_int_equal(b.len, 3);
	assert_int_equal(buf_addc(&b, 'd'), 0);
	assert_int_equal(buf_addc(&b, 'e'), 0);
	assert_string_equal(b.data, "abcde");
	assert_int_equal(buf_addc(&b, 'f'), HELPO_ETOOBIG);
	assert_string_equal(b.data, "abcde");
	/* adding nothing at the cap is fine */
	assert_int_equal(buf_add(&b, "", 0), 0);
	assert_int_equal(b.len, 5);
	/* a huge extra must not wrap around */
	assert_int_equal(buf_grow(&b, SIZE_MAX), HELPO_ETOOBIG);
	assert_int_equal(buf_grow(&b, SIZE_MAX - 2), HELPO_ETOOBIG);
	assert_string_equal(b.data, "abcde");
	buf_release(&b);

	/* a zero-cap buffer accepts only nothing */
	struct buf z = BUF_INIT(0);
	assert_int_equal(buf_addc(&z, 'x'), HELPO_ETOOBIG);
	assert_string_equal(z.data, "");
	buf_release(&z);
}

static void test_addf_growth(void **state)
{
	struct buf b = BUF_INIT(1 << 20);
	char expect[32];
	(void)state;
	for (int i = 0; i < 10000; i++)
		assert_int_equal(buf_addf(&b, "%d,", i), 0);
	assert_true(b.cap > b.len);
	assert_int_equal(strlen(b.data), b.len);
	assert_memory_equal(b.data, "0,1,2,3,", 8);
	snprintf(expect, sizeof expect, "%d,", 9999);
	assert_string_equal(b.data + b.len - strlen(expect), expect);
	/* one formatted string far larger than the first allocation */
	buf_reset(&b);
	assert_int_equal(buf_addf(&b, "%0500d|%s", 7, "end"), 0);
	assert_int_equal(b.len, 504);
	assert_string_equal(b.data + 500, "|end");
	assert_int_equal(b.data[498], '0');
	assert_int_equal(b.data[499], '7');
	/* an empty format adds nothing and keeps the string terminated */
	assert_int_equal(buf_addf(&b, "%s", ""), 0);
	assert_int_equal(b.len, 504);
	buf_release(&b);

	struct buf e = BUF_INIT(10);
	assert_int_equal(buf_addf(&e, "%s", ""), 0);
	assert_int_equal(e.len, 0);
	assert_string_equal(e.data, "");
	buf_release(&e);
}

static void test_binary(void **state)
{
	struct buf b = BUF_INIT(100);
	(void)state;
	assert_int_equal(buf_add(&b, "a\0b", 3), 0);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "a\0b", 4);
	buf_release(&b);
}

static void test_detach(void **state)
{
	struct buf b = BUF_INIT(100);
	size_t len = 99;
	char *s;
	(void)state;
	/* detaching an empty buffer still gives a freeable empty string */
	s = buf_detach(&b, &len);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);

	assert_int_equal(buf_adds(&b, "hello"), 0);
	s = buf_detach(&b, &len);
	assert_string_equal(s, "hello");
	assert_int_equal(len, 5);
	/* the buffer is empty again, keeps its cap and can be reused */
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(b.max, 100);
	assert_int_equal(buf_adds(&b, "again"), 0);
	assert_string_equal(b.data, "again");
	assert_string_equal(s, "hello");
	free(s);
	s = buf_detach(&b, NULL);
	assert_string_equal(s, "again");
	free(s);
}

static void test_reset(void **state)
{
	struct buf b = BUF_INIT(100);
	char *mem;
	size_t cap;
	(void)state;
	assert_int_equal(buf_adds(&b, "something"), 0);
	mem = b.data;
	cap = b.cap;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_ptr_equal(b.data, mem); /* memory kept */
	assert_int_equal(b.cap, cap);
	assert_int_equal(buf_adds(&b, "x"), 0);
	assert_string_equal(b.data, "x");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init_empty),  cmocka_unit_test(test_cap),
	    cmocka_unit_test(test_addf_growth), cmocka_unit_test(test_binary),
	    cmocka_unit_test(test_detach),      cmocka_unit_test(test_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
