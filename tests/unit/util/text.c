/*
 * tests/unit/util/text.c — unit tests for src/util/text.c: UTF-8 validity (overlongs,
 * surrogates, truncated sequences, code points past U+10FFFF), e-mail normalisation, ё→е
 * folding and tag normalisation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/text.h"
#include "util/limits.h"

static bool valid(const char *s)
{
	return text_utf8_valid(s, strlen(s));
}

static void test_utf8_valid(void **state)
{
	(void)state;
	assert_true(valid(""));
	assert_true(valid("plain ascii"));
	assert_true(valid("Ārija Šķēle"));               /* Latvian */
	assert_true(valid("Ąžuolas ėjo"));               /* Lithuanian */
	assert_true(valid("Ёжик в тумане"));             /* Russian */
	assert_true(valid("Ĉu vi parolas Esperanton?")); /* Esperanto */
	assert_true(valid("\xc2\x80"));                  /* U+0080, smallest 2-byte */
	assert_true(valid("\xdf\xbf"));                  /* U+07FF */
	assert_true(valid("\xe0\xa0\x80"));              /* U+0800, smallest 3-byte */
	assert_true(valid("\xed\x9f\xbf"));              /* U+D7FF, just below surrogates */
	assert_true(valid("\xee\x80\x80"));              /* U+E000, just above surrogates */
	assert_true(valid("\xef\xbf\xbf"));              /* U+FFFF */
	assert_true(valid("\xf0\x90\x80\x80"));          /* U+10000 */
	assert_true(valid("\xf0\x9f\x98\x80"));          /* emoji */
	assert_true(valid("\xf4\x8f\xbf\xbf"));          /* U+10FFFF, the last code point */
	/* embedded NUL is a valid code point when the length says so */
	assert_true(text_utf8_valid("a\0b", 3));
}

static void test_utf8_invalid(void **state)
{
	(void)state;
	/* overlong forms */
	assert_false(valid("\xc0\x80"));
	assert_false(valid("\xc0\xaf"));
	assert_false(valid("\xc1\xbf"));
	assert_false(valid("\xe0\x80\xaf"));
	assert_false(valid("\xe0\x9f\xbf"));
	assert_false(valid("\xf0\x80\x80\xaf"));
	assert_false(valid("\xf0\x8f\xbf\xbf"));
	/* UTF-16 surrogates */
	assert_false(valid("\xed\xa0\x80"));
	assert_false(valid("\xed\xbf\xbf"));
	assert_false(valid("\xed\xa0\xbd\xed\xb8\x80")); /* CESU-8 pair */
	/* beyond U+10FFFF */
	assert_false(valid("\xf4\x90\x80\x80"));
	assert_false(valid("\xf5\x80\x80\x80"));
	assert_false(valid("\xf7\xbf\xbf\xbf"));
	assert_false(valid("\xf8\x88\x80\x80\x80"));
	assert_false(valid("\xfc\x84\x80\x80\x80\x80"));
	assert_false(valid("\xfe"));
	assert_false(valid("\xff"));
	/* truncated sequences, at the end and in the middle */
	assert_false(valid("\xc3"));
	assert_false(valid("\xe2\x82"));
	assert_false(valid("\xf0\x9f\x98"));
	assert_false(valid("ab\xe2\x82"));
	assert_false(valid("\xe2\x82x"));
	assert_false(valid("\xf0\x9f\x98 "));
	/* the length cuts a valid sequence */
	assert_false(text_utf8_valid("\xc3\xa9", 1));
	assert_false(text_utf8_valid("\xf0\x9f\x98\x80", 3));
	/* lone continuation bytes */
	assert_false(valid("\x80"));
	assert_false(valid("a\xbf"));
	/* a lead byte followed by another lead byte */
	assert_false(valid("\xc3\xc3\xa9"));
}

static int norm(const char *in, char *out, size_t len)
{
	snprintf(out, len, "%s", in);
	return text_email_normalize(out);
}

static void test_email(void **state)
{
	char e[400];
	(void)state;
	assert_int_equal(norm("anna@example.com", e, sizeof e), 0);
	assert_string_equal(e, "anna@example.com");
	assert_int_equal(norm("Anna.Berzina@Example.LV", e, sizeof e), 0);
	assert_string_equal(e, "anna.berzina@example.lv");
	assert_int_equal(norm("first+tag@sub.example.co.uk", e, sizeof e), 0);
	assert_string_equal(e, "first+tag@sub.example.co.uk");

	const char *bad[] = {
	    "",
	    "a",
	    "@",
	    "@example.com",      /* no local part */
	    "anna@",             /* no domain */
	    "anna",              /* no @ */
	    "anna@localhost",    /* no dot in the domain */
	    "anna@@example.com", /* two @ */
	    "a@b@example.com",
	    "anna @example.com", /* space */
	    "anna@exa mple.com",
	    "anna@example.com ",
	    "\tanna@example.com",
	    "anna@.example.com", /* domain starts with a dot */
	    "anna@example.com.", /* domain ends with a dot */
	    "<anna@example.com>",
	    "Anna <anna@example.com>",
	    "anna@example.com,bob@example.com",
	    "anna@example.com;",
	    "\"anna\"@example.com",
	    "anna\\x@example.com",
	    "anna(comment)@example.com",
	    "anna@[127.0.0.1]",
	    "anna\x7f@example.com",
	    "anna\r\n@example.com",
	    NULL,
	};
	for (int i = 0; bad[i]; i++) {
		if (norm(bad[i], e, sizeof e) != HELPO_EINVAL)
			fail_msg("accepted invalid e-mail '%s'", bad[i]);
	}

	/* the length limit: 254 bytes is fine, 255 is not */
	char longe[300];
	memset(longe, 'a', sizeof longe);
	memcpy(longe + HELPO_MAX_EMAIL_BYTES - 12, "@example.com", 12);
	longe[HELPO_MAX_EMAIL_BYTES] = '\0';
	assert_int_equal(text_email_normalize(longe), 0);
	memset(longe, 'a', sizeof longe);
	memcpy(longe + HELPO_MAX_EMAIL_BYTES + 1 - 12, "@example.com", 12);
	longe[HELPO_MAX_EMAIL_BYTES + 1] = '\0';
	assert_int_equal(text_email_normalize(longe), HELPO_EINVAL);
}

static void test_fold_yo(void **state)
{
	char s[64];
	(void)state;
	snprintf(s, sizeof s, "%s", "ёлка Ёлка ещё");
	text_fold_yo(s);
	assert_string_equal(s, "елка Елка еще");
	/* other Cyrillic letters and ASCII are untouched; same byte length */
	snprintf(s, sizeof s, "%s", "Жук ж abc");
	text_fold_yo(s);
	assert_string_equal(s, "Жук ж abc");
	snprintf(s, sizeof s, "%s", "");
	text_fold_yo(s);
	assert_string_equal(s, "");
	/* a lone lead byte at the end is left alone and not read past */
	snprintf(s, sizeof s, "%s", "x\xd1");
	text_fold_yo(s);
	assert_string_equal(s, "x\xd1");
	/* ё directly after another multibyte letter */
	snprintf(s, sizeof s, "%s", "жёё");
	text_fold_yo(s);
	assert_string_equal(s, "жее");
}

static int tag(const char *in, char *out, size_t len)
{
	snprintf(out, len, "%s", in);
	return text_tag_normalize(out);
}

static void test_tag(void **state)
{
	char t[200];
	(void)state;
	assert_int_equal(tag("VIP", t, sizeof t), 0);
	assert_string_equal(t, "vip");
	assert_int_equal(tag("billing_issue-2", t, sizeof t), 0);
	assert_string_equal(t, "billing_issue-2");
	assert_int_equal(tag("rēķins", t, sizeof t), 0); /* non-ASCII is allowed */
	assert_string_equal(t, "rēķins");
	assert_int_equal(tag("a:b", t, sizeof t), 0);

	assert_int_equal(tag("", t, sizeof t), HELPO_EINVAL);
	assert_int_equal(tag("two words", t, sizeof t), HELPO_EINVAL);
	assert_int_equal(tag("tab\there", t, sizeof t), HELPO_EINVAL);
	assert_int_equal(tag("line\n", t, sizeof t), HELPO_EINVAL);
	assert_int_equal(tag("a,b", t, sizeof t), HELPO_EINVAL);
	assert_int_equal(tag("del\x7f", t, sizeof t), HELPO_EINVAL);
	assert_int_equal(tag("bad\xc3", t, sizeof t), HELPO_EINVAL); /* invalid UTF-8 */
	assert_int_equal(tag("\xed\xa0\x80", t, sizeof t), HELPO_EINVAL);

	char longt[HELPO_MAX_TAG_BYTES + 2];
	memset(longt, 'x', sizeof longt);
	longt[HELPO_MAX_TAG_BYTES] = '\0';
	assert_int_equal(text_tag_normalize(longt), 0);
	memset(longt, 'x', sizeof longt);
	longt[HELPO_MAX_TAG_BYTES + 1] = '\0';
	assert_int_equal(text_tag_normalize(longt), HELPO_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_valid), cmocka_unit_test(test_utf8_invalid),
	    cmocka_unit_test(test_email),      cmocka_unit_test(test_fold_yo),
	    cmocka_unit_test(test_tag),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
