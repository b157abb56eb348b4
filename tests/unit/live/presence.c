/*
 * tests/unit/live/presence.c — unit tests for the presence map in src/live/live.c: who views or
 * types on a ticket, which calls count as a change (to be pushed), "left", expiry exactly
 * 30 s after the last PUT, bad states and the per-ticket cap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "live/live_int.h"
#include "util/limits.h"

static const char *state_of(json_t *v, size_t i)
{
	return json_string_value(json_object_get(json_array_get(v, i), "state"));
}

static int64_t user_of(json_t *v, size_t i)
{
	return json_integer_value(json_object_get(json_array_get(v, i), "user_id"));
}

static void test_set_and_changes(void **state)
{
	struct live_presence *p = live_presence_new();
	json_t *v;
	(void)state;
	assert_int_equal(live_presence_set(p, 7, 1, "Ann", "viewing", 1000), 1); /* came */
	assert_int_equal(live_presence_set(p, 7, 1, "Ann", "viewing", 2000), 0); /* refresh */
	assert_int_equal(live_presence_set(p, 7, 1, "Ann", "typing", 3000), 1);  /* state */
	assert_int_equal(live_presence_set(p, 7, 2, "Bob", "viewing", 3000), 1);
	assert_int_equal(live_presence_set(p, 8, 2, "Bob", "viewing", 3000), 1); /* other ticket */
	v = live_presence_viewers(p, 7, 3000);
	assert_int_equal(json_array_size(v), 2);
	assert_int_equal(user_of(v, 0), 1);
	assert_string_equal(state_of(v, 0), "typing");
	assert_string_equal(json_string_value(json_object_get(json_array_get(v, 0), "name")),
			    "Ann");
	assert_int_equal(user_of(v, 1), 2);
	assert_string_equal(state_of(v, 1), "viewing");
	json_decref(v);
	assert_int_equal(live_presence_set(p, 7, 1, "Ann", "left", 4000), 1);
	assert_int_equal(live_presence_set(p, 7, 1, "Ann", "left", 4000), 0); /* already gone */
	assert_int_equal(live_presence_set(p, 9, 1, "Ann", "left", 4000), 0); /* never there */
	v = live_presence_viewers(p, 7, 4000);
	assert_int_equal(json_array_size(v), 1);
	assert_int_equal(user_of(v, 0), 2);
	json_decref(v);
	v = live_presence_viewers(p, 12345, 4000);
	assert_true(json_is_array(v));
	assert_int_equal(json_array_size(v), 0);
	json_decref(v);
	live_presence_free(p);
}

static void test_bad_state(void **state)
{
	struct live_presence *p = live_presence_new();
	json_t *v;
	(void)state;
	assert_int_equal(live_presence_set(p, 7, 1, "Ann", "sleeping", 0), HELPO_EINVAL);
	assert_int_equal(live_presence_set(p, 7, 1, "Ann", "", 0), HELPO_EINVAL);
	assert_int_equal(live_presence_set(p, 7, 1, "Ann", "Viewing", 0), HELPO_EINVAL);
	v = live_presence_viewers(p, 7, 0);
	assert_int_equal(json_array_size(v), 0);
	json_decref(v);
	live_presence_free(p);
}

static void test_expiry(void **state)
{
	struct live_presence *p = live_presence_new();
	int64_t changed[8];
	json_t *v;
	(void)state;
	assert_int_equal(live_presence_set(p, 7, 1, "Ann", "viewing", 0), 1);
	assert_int_equal(live_presence_set(p, 7, 2, "Bob", "viewing", 10000), 1);
	assert_int_equal(live_presence_set(p, 8, 3, "Cy", "viewing", 0), 1);
	/* a re-PUT at 20 s keeps Ann until 50 s */
	assert_int_equal(live_presence_set(p, 7, 1, "Ann", "viewing", 20000), 0);
	assert_int_equal(live_presence_expire(p, 29999, changed, 8), 0);
	/* Cy's entry ends exactly 30 s after its PUT */
	assert_int_equal(live_presence_expire(p, 30000, changed, 8), 1);
	assert_int_equal(changed[0], 8);
	v = live_presence_viewers(p, 8, 30000);
	assert_int_equal(json_array_size(v), 0);
	json_decref(v);
	/* Bob at 40 s, Ann at 50 s */
	assert_int_equal(live_presence_expire(p, 39999, changed, 8), 0);
	assert_int_equal(live_presence_expire(p, 40000, changed, 8), 1);
	assert_int_equal(changed[0], 7);
	v = live_presence_viewers(p, 7, 40000);
	assert_int_equal(json_array_size(v), 1);
	assert_int_equal(user_of(v, 0), 1);
	json_decref(v);
	/* an entry past its time is not listed even before the sweep */
	v = live_presence_viewers(p, 7, 50000);
	assert_int_equal(json_array_size(v), 0);
	json_decref(v);
	assert_int_equal(live_presence_expire(p, 50000, changed, 8), 1);
	assert_int_equal(live_presence_expire(p, 90000, changed, 8), 0);
	/* coming back after expiry is a change again */
	assert_int_equal(live_presence_set(p, 7, 1, "Ann", "viewing", 90000), 1);
	live_presence_free(p);
}

static void test_limits(void **state)
{
	struct live_presence *p = live_presence_new();
	int64_t changed[4];
	(void)state;
	for (int i = 0; i < LIVE_MAX_VIEWERS; i++)
		assert_int_equal(live_presence_set(p, 7, 100 + i, "X", "viewing", 0), 1);
	assert_int_equal(live_presence_set(p, 7, 999, "X", "viewing", 0), HELPO_ETOOBIG);
	/* a long name is cut, not refused */
	{
		char name[600];
		json_t *v;
		memset(name, 'n', sizeof name - 1);
		name[sizeof name - 1] = '\0';
		assert_int_equal(live_presence_set(p, 9, 1, name, "viewing", 0), 1);
		v = live_presence_viewers(p, 9, 0);
		assert_int_equal(strlen(json_string_value(
					 json_object_get(json_array_get(v, 0), "name"))),
				 HELPO_MAX_NAME_BYTES);
		json_decref(v);
	}
	/* more changed tickets than the caller's array: the rest come on the next call */
	for (int t = 20; t < 26; t++)
		assert_int_equal(live_presence_set(p, t, 1, "A", "viewing", 0), 1);
	assert_int_equal(live_presence_expire(p, 30000, changed, 4), 4);
	assert_int_equal(live_presence_expire(p, 30000, changed, 4), 4);
	assert_int_equal(live_presence_expire(p, 30000, changed, 4), 0);
	live_presence_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_set_and_changes),
	    cmocka_unit_test(test_bad_state),
	    cmocka_unit_test(test_expiry),
	    cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
