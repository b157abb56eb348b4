/*
 * tests/unit/util/conf.c — unit tests for src/util/conf.c: defaults, loading a helpo.conf
 * (comments, blank lines, bad lines, unknown keys, out-of-range values), conf_set errors and
 * conf_print.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/conf.h"
#include "../testutil.h"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_defaults(void **state)
{
	struct conf c;
	(void)state;
	memset(&c, 0x5a, sizeof c);
	conf_defaults(&c);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_int_equal(c.http_threads, 4);
	assert_int_equal(c.db_synchronous_full, 1); /* durable by default */
	assert_int_equal(c.db_busy_timeout_ms, 5000);
	assert_int_equal(c.connection_timeout_s, 30);
	assert_int_equal(c.session_hours, 12);
	assert_int_equal(c.login_max_failures, 5);
	assert_string_equal(c.log_level, "info");
}

static void test_load_file(void **state)
{
	struct conf c;
	char dir[256], path[300], err[256] = "";
	(void)state;
	t_mkdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/helpo.conf", dir);
	conf_defaults(&c);
	/* no file: defaults stay, not an error */
	assert_int_equal(conf_load_file(&c, path, err, sizeof err), 0);
	assert_int_equal(c.http_threads, 4);

	write_file(path, "# Helpo settings\n"
	                 "\n"
	                 "   # indented comment\n"
	                 "listen = 0.0.0.0:9090\n"
	                 "http_threads=8\n"
	                 "\tdb_synchronous_full =  no \n"
	                 "log_level = debug\r\n"
	                 "session_hours = 8760\n");
	assert_int_equal(conf_load_file(&c, path, err, sizeof err), 0);
	assert_string_equal(c.listen, "0.0.0.0:9090");
	assert_int_equal(c.http_threads, 8);
	assert_int_equal(c.db_synchronous_full, 0);
	assert_string_equal(c.log_level, "debug");
	assert_int_equal(c.session_hours, 8760);
	assert_int_equal(c.db_busy_timeout_ms, 5000); /* untouched settings keep defaults */
	t_rmdir(dir);
}

static void expect_file_error(const char *text, const char *needle)
{
	struct conf c;
	char dir[256], path[300], err[256] = "";
	t_mkdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/helpo.conf", dir);
	write_file(path, text);
	conf_defaults(&c);
	assert_int_equal(conf_load_file(&c, path, err, sizeof err), HELPO_EINVAL);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not mention '%s'", err, needle);
	t_rmdir(dir);
}

static void test_load_errors(void **state)
{
	(void)state;
	/* the message names the file line */
	expect_file_error("# ok\nhttp_threads 8\n", ":2:");
	expect_file_error("http_threads\n", "expected 'name = value'");
	expect_file_error("no_such_setting = 1\n", "no_such_setting");
	expect_file_error("http_threads = 0\n", "http_threads");
	expect_file_error("http_threads = 65\n", "from 1 to 64");
	expect_file_error("http_threads = 99999999999999999999\n", "http_threads");
	expect_file_error("http_threads = 4x\n", "http_threads");
	expect_file_error("http_threads = \n", "http_threads");
	expect_file_error("db_synchronous_full = maybe\n", "yes or no");
	expect_file_error("log_level = loud\n", "log_level");
	expect_file_error("listen = 1.2.3.4:1\nsession_hours = -1\n", ":2:");
}

static void test_set(void **state)
{
	struct conf c;
	char err[256];
	char longv[300];
	(void)state;
	conf_defaults(&c);
	assert_int_equal(conf_set(&c, "db_busy_timeout_ms", "0", err, sizeof err), 0);
	assert_int_equal(c.db_busy_timeout_ms, 0);
	assert_int_equal(conf_set(&c, "db_busy_timeout_ms", "600000", err, sizeof err), 0);
	assert_int_equal(c.db_busy_timeout_ms, 600000);
	assert_int_equal(conf_set(&c, "db_busy_timeout_ms", "600001", err, sizeof err),
	                 HELPO_EINVAL);
	assert_int_equal(c.db_busy_timeout_ms, 600000); /* unchanged on failure */
	assert_int_equal(conf_set(&c, "db_synchronous_full", "off", err, sizeof err), 0);
	assert_int_equal(c.db_synchronous_full, 0);
	assert_int_equal(conf_set(&c, "db_synchronous_full", "true", err, sizeof err), 0);
	assert_int_equal(c.db_synchronous_full, 1);
	assert_int_equal(conf_set(&c, "db_synchronous_full", "", err, sizeof err), HELPO_EINVAL);
	assert_int_equal(c.db_synchronous_full, 1);

	err[0] = '\0';
	assert_int_equal(conf_set(&c, "nope", "1", err, sizeof err), HELPO_EINVAL);
	assert_non_null(strstr(err, "unknown setting"));
	assert_int_equal(conf_set(&c, "", "1", err, sizeof err), HELPO_EINVAL);

	/* strings: the length cap, and an invalid log level leaves the old value */
	memset(longv, 'a', sizeof longv);
	longv[128] = '\0';
	assert_int_equal(conf_set(&c, "listen", longv, err, sizeof err), HELPO_EINVAL);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	longv[127] = '\0';
	assert_int_equal(conf_set(&c, "listen", longv, err, sizeof err), 0);
	assert_int_equal(strlen(c.listen), 127);
	assert_int_equal(conf_set(&c, "log_level", "verbose", err, sizeof err), HELPO_EINVAL);
	assert_string_equal(c.log_level, "info");
	assert_int_equal(conf_set(&c, "log_level", "warn", err, sizeof err), 0);
	assert_string_equal(c.log_level, "warn");

	/* a tiny error buffer is truncated, never overrun */
	char tiny[8];
	memset(tiny, 'z', sizeof tiny);
	assert_int_equal(conf_set(&c, "http_threads", "0", tiny, sizeof tiny), HELPO_EINVAL);
	assert_int_equal(strlen(tiny), sizeof tiny - 1);
}

static void test_print(void **state)
{
	struct conf c;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	char err[128];
	(void)state;
	conf_defaults(&c);
	assert_int_equal(conf_set(&c, "http_threads", "16", err, sizeof err), 0);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	conf_print(&c, f);
	fclose(f);
	assert_non_null(strstr(text, "http_threads"));
	assert_non_null(strstr(text, "16"));
	assert_non_null(strstr(text, "db_synchronous_full"));
	assert_non_null(strstr(text, "log_level"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),    cmocka_unit_test(test_load_file),
	    cmocka_unit_test(test_load_errors), cmocka_unit_test(test_set),
	    cmocka_unit_test(test_print),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
