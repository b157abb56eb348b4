/*
 * tests/unit/util/timeutil.c — unit tests for src/util/timeutil.c: ISO-8601 formatting and
 * strict parsing (round trip, date only, fractional seconds, offsets, invalid input), clocks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/timeutil.h"

static int64_t parse(const char *s)
{
	int64_t ms = -12345;
	if (time_parse_iso8601(s, &ms))
		fail_msg("rejected valid time '%s'", s);
	return ms;
}

static void test_format(void **state)
{
	char out[32];
	(void)state;
	time_iso8601(0, out);
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	time_iso8601(1795160400000LL, out);
	assert_string_equal(out, "2026-11-20T07:40:00Z");
	/* milliseconds are dropped, not rounded */
	time_iso8601(1795160400999LL, out);
	assert_string_equal(out, "2026-11-20T07:40:00Z");
	/* before the epoch rounds down to the earlier second */
	time_iso8601(-1, out);
	assert_string_equal(out, "1969-12-31T23:59:59Z");
}

static void test_round_trip(void **state)
{
	char out[32];
	const int64_t samples[] = {0,
	                           1000,
	                           951782400000LL /* 2000-02-29 */,
	                           1709164800000LL,
	                           1795160400000LL,
	                           4102444799000LL /* 2099-12-31T23:59:59 */};
	(void)state;
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		time_iso8601(samples[i], out);
		assert_int_equal(parse(out), samples[i]);
	}
	/* and string → ms → string */
	time_iso8601(parse("2024-02-29T23:59:59Z"), out);
	assert_string_equal(out, "2024-02-29T23:59:59Z");
	/* now, to the second */
	int64_t now = time_now_ms();
	time_iso8601(now, out);
	assert_int_equal(parse(out), now / 1000 * 1000);
}

static void test_forms(void **state)
{
	(void)state;
	assert_int_equal(parse("2026-11-20"), 1795132800000LL);
	assert_int_equal(parse("2026-11-20T07:40:00Z"), 1795160400000LL);
	assert_int_equal(parse("2026-11-20T07:40Z"), 1795160400000LL);
	assert_int_equal(parse("2026-11-20T07:40:00+00:00"), 1795160400000LL);
	/* fractional seconds: milliseconds kept, further digits ignored */
	assert_int_equal(parse("2026-11-20T07:40:00.5Z"), 1795160400500LL);
	assert_int_equal(parse("2026-11-20T07:40:00.05Z"), 1795160400050LL);
	assert_int_equal(parse("2026-11-20T07:40:00.123Z"), 1795160400123LL);
	assert_int_equal(parse("2026-11-20T07:40:00.123456Z"), 1795160400123LL);
	assert_int_equal(parse("1970-01-01T00:00:00Z"), 0);
}

static void test_invalid(void **state)
{
	const char *bad[] = {
	    "",
	    "2026",
	    "2026-11",
	    "2026-1-20",
	    "26-11-20",
	    "2026/11/20",
	    "2026-11-20T",
	    "2026-11-20T07",
	    "2026-11-20T7:40Z",
	    "2026-11-20T07:4Z",
	    "2026-11-20T07:40:0Z",
	    "2026-11-20T07:40:00ZZ",
	    "2026-11-20T07:40:00+02:00", /* only UTC */
	    "2026-11-20T07:40:00-00:00",
	    "2026-11-20T07:40:00 junk",
	    "2026-11-20 trailing",
	    "2026-00-10",
	    "2026-13-10",
	    "2026-11-00",
	    "2026-11-32",
	    "2026-02-30", /* no such day */
	    "2026-02-29", /* not a leap year */
	    "2026-04-31",
	    "2026-11-20T24:00:00Z",
	    "2026-11-20T23:60:00Z",
	    "2026-11-20T23:59:61Z",
	    "1969-12-31",
	    "-026-11-20",
	    "+2026-11-20",
	    "２０２６-11-20",
	    "abcd-ef-gh",
	    "2026-11-20T07:40:00.Z",
	    NULL,
	};
	(void)state;
	for (int i = 0; bad[i]; i++) {
		int64_t ms = 42;
		if (time_parse_iso8601(bad[i], &ms) != HELPO_EINVAL)
			fail_msg("accepted invalid time '%s'", bad[i]);
	}
}

static void test_clocks(void **state)
{
	(void)state;
	int64_t a = time_now_ms(), m = time_mono_ms();
	assert_true(a > 1700000000000LL); /* after 2023 */
	assert_true(m >= 0);
	assert_true(time_mono_ms() >= m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format), cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_forms),  cmocka_unit_test(test_invalid),
	    cmocka_unit_test(test_clocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
