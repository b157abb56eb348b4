/*
 * tests/unit/util/i18n.c — unit tests for src/util/i18n.c: CLDR cardinal plural rules for
 * en/eo/lv/lt/ru over many integers, Accept-Language negotiation (q-values, region subtags,
 * "*", q=0, garbage, huge headers), catalog lookups with fallback to English and to the key,
 * every key of every embedded catalog rendered with several counts, and bad input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/i18n.h"
#include <limits.h>

/* The category name of n in lang, via the documented form list. */
static const char *cat(const char *lang, long n)
{
	const char *const *forms = i18n_plural_forms(lang);
	int i = i18n_plural_index(lang, n), count = 0;
	while (forms[count])
		count++;
	assert_true(i >= 0 && i < count);
	return forms[i];
}

struct plural_case {
	long n;
	const char *cat;
};

static void check_cases(const char *lang, const struct plural_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *got = cat(lang, c[i].n);
		if (!got || strcmp(got, c[i].cat))
			fail_msg("%s: n=%ld gave %s, want %s", lang, c[i].n, got ? got : "(none)",
			         c[i].cat);
	}
}

static void test_plural_en_eo(void **state)
{
	static const struct plural_case c[] = {
	    {0, "other"},  {1, "one"},     {2, "other"},    {5, "other"}, {11, "other"},
	    {21, "other"}, {101, "other"}, {1001, "other"}, {-1, "one"},  {-2, "other"},
	};
	(void)state;
	check_cases("en", c, ARRAY_SIZE(c));
	check_cases("eo", c, ARRAY_SIZE(c));
	/* unknown and NULL languages use the English rules and forms */
	check_cases("de", c, ARRAY_SIZE(c));
	check_cases(NULL, c, ARRAY_SIZE(c));
	assert_string_equal(i18n_plural_forms("xx")[1], "other");
	assert_null(i18n_plural_forms("en")[2]);
}

static void test_plural_lv(void **state)
{
	static const struct plural_case c[] = {
	    {0, "zero"},   {1, "one"},     {2, "other"},  {5, "other"},        {10, "zero"},
	    {11, "zero"},  {12, "zero"},   {19, "zero"},  {20, "zero"},        {21, "one"},
	    {22, "other"}, {25, "other"},  {30, "zero"},  {31, "one"},         {100, "zero"},
	    {101, "one"},  {110, "zero"},  {111, "zero"}, {112, "zero"},       {121, "one"},
	    {1001, "one"}, {1011, "zero"}, {-21, "one"},  {LONG_MAX, "other"},
	};
	(void)state;
	check_cases("lv", c, ARRAY_SIZE(c));
	check_cases("lv-LV", c, ARRAY_SIZE(c));
	assert_string_equal(i18n_plural_forms("lv")[0], "zero");
	assert_string_equal(i18n_plural_forms("lv")[2], "other");
	assert_null(i18n_plural_forms("lv")[3]);
}

static void test_plural_lt(void **state)
{
	static const struct plural_case c[] = {
	    {0, "other"},    {1, "one"},    {2, "few"},     {5, "few"},     {9, "few"},
	    {10, "other"},   {11, "other"}, {12, "other"},  {19, "other"},  {20, "other"},
	    {21, "one"},     {22, "few"},   {25, "few"},    {29, "few"},    {30, "other"},
	    {101, "one"},    {102, "few"},  {111, "other"}, {112, "other"}, {1001, "one"},
	    {1011, "other"}, {-22, "few"},
	};
	(void)state;
	check_cases("lt", c, ARRAY_SIZE(c));
	assert_null(i18n_plural_forms("lt")[3]);
}

static void test_plural_ru(void **state)
{
	static const struct plural_case c[] = {
	    {0, "many"},   {1, "one"},     {2, "few"},         {4, "few"},    {5, "many"},
	    {10, "many"},  {11, "many"},   {12, "many"},       {14, "many"},  {15, "many"},
	    {21, "one"},   {22, "few"},    {24, "few"},        {25, "many"},  {101, "one"},
	    {102, "few"},  {111, "many"},  {112, "many"},      {114, "many"}, {121, "one"},
	    {1001, "one"}, {1012, "many"}, {LONG_MIN, "many"},
	};
	(void)state;
	check_cases("ru", c, ARRAY_SIZE(c));
	check_cases("RU", c, ARRAY_SIZE(c));
	assert_string_equal(i18n_plural_forms("ru")[2], "many");
}

static void test_lang(void **state)
{
	(void)state;
	assert_string_equal(i18n_lang("lv"), "lv");
	assert_string_equal(i18n_lang("LT-lt"), "lt");
	assert_string_equal(i18n_lang("ru_RU"), "ru");
	assert_string_equal(i18n_lang("eo"), "eo");
	assert_null(i18n_lang("lvx"));
	assert_null(i18n_lang("l"));
	assert_null(i18n_lang("de"));
	assert_null(i18n_lang(""));
	assert_null(i18n_lang(NULL));
	assert_null(i18n_lang("en;"));
}

static void test_negotiate(void **state)
{
	static const struct {
		const char *header, *want;
	} c[] = {
	    {"lv", "lv"},
	    {"lv-LV,lv;q=0.9,en-US;q=0.8,en;q=0.7", "lv"},
	    {"de-DE,de;q=0.9,ru;q=0.8,en;q=0.5", "ru"},
	    {"en;q=0.5, lt;q=0.9", "lt"},
	    {"en;q=0.5 , lt ; q=0.9", "lt"},
	    {"EO", "eo"},
	    {"fr, ru;q=0.1", "ru"},
	    {"ru;q=0, lv;q=0.001", "lv"},
	    {"ru;q=0", "en"},
	    {"*", "en"},
	    {"*;q=0.5, lt;q=0.6", "lt"},
	    {"lt;q=0.4, *;q=0.5", "en"},
	    {"lv;q=1.0, ru;q=1", "lv"}, /* tie: the earlier one */
	    {"ru;q=0.8, lv;q=0.80", "ru"},
	    {"lv;q=2, ru;q=0.1", "ru"},      /* malformed q: the range is skipped */
	    {"lv;q=0.5555, ru;q=0.1", "ru"}, /* more than three decimals */
	    {"lv;foo=bar, ru;q=0.1", "ru"},
	    {"lv;q=, eo", "eo"},
	    {"", "en"},
	    {",,,;;;===", "en"},
	    {"\xff\xfe garbage \x01", "en"},
	    {"l*v, ru", "ru"},
	    {"x-klingon, zh-Hant-TW;q=0.9", "en"},
	    {"lvv, lv-", "lv"},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(c); i++)
		if (strcmp(i18n_negotiate(c[i].header), c[i].want))
			fail_msg("\"%s\" gave %s, want %s", c[i].header,
			         i18n_negotiate(c[i].header), c[i].want);
	assert_string_equal(i18n_negotiate(NULL), "en");
}

static void test_negotiate_huge(void **state)
{
	size_t n = 1024 * 1024;
	char *h = malloc(n + 1);
	(void)state;
	assert_non_null(h);
	/* a megabyte of "de," then "ru": past the caps, so ru is never seen */
	for (size_t i = 0; i + 3 <= n; i += 3)
		memcpy(h + i, "de,", 3);
	memcpy(h + n - 3, ",ru", 3);
	h[n] = '\0';
	assert_string_equal(i18n_negotiate(h), "en");
	/* a supported range early in a huge header is still found */
	memcpy(h, "lt,", 3);
	assert_string_equal(i18n_negotiate(h), "lt");
	/* one giant range with no commas */
	memset(h, 'a', n);
	assert_string_equal(i18n_negotiate(h), "en");
	/* a range cut by the byte cap is not trusted */
	memset(h, ' ', n);
	memcpy(h + HELPO_MAX_ACCEPT_LANGUAGE_BYTES - 2, "lvx", 3);
	assert_string_equal(i18n_negotiate(h), "en");
	/* more ranges than the cap: the ones after it are ignored */
	h[0] = '\0';
	{
		struct buf b = BUF_INIT(HELPO_MAX_ACCEPT_LANGUAGE_BYTES - 1);
		for (int i = 0; i < HELPO_MAX_ACCEPT_LANGUAGE_RANGES; i++)
			assert_int_equal(buf_adds(&b, "x,"), 0);
		assert_int_equal(buf_adds(&b, "ru"), 0);
		assert_string_equal(i18n_negotiate(b.data), "en");
		b.len -= 4;
		b.data[b.len] = '\0';
		assert_int_equal(buf_adds(&b, "ru"), 0);
		assert_string_equal(i18n_negotiate(b.data), "ru");
		buf_release(&b);
	}
	free(h);
}

/* i18n_text into a fresh buffer; returns the text in a static buffer. */
static const char *txt(const char *lang, const char *key, long count)
{
	static char out[512];
	struct buf b = BUF_INIT(4096);
	assert_int_equal(i18n_text(lang, key, count, &b), 0);
	snprintf(out, sizeof out, "%s", b.data);
	buf_release(&b);
	return out;
}

static void test_text(void **state)
{
	(void)state;
	assert_string_equal(txt("en", "auth.sign_in", 0), "Sign in");
	assert_string_equal(txt("lv", "ticket.reply", 0), "Atbildēt");
	assert_string_equal(txt("lt-LT", "kb.title", 0), "Žinių bazė");
	assert_string_equal(txt("ru", "common.no", 0), "Нет");
	assert_string_equal(txt("eo", "kb.helpful", 0), "Ĉu ĉi tiu artikolo estis utila?");

	assert_string_equal(txt("en", "count.tickets", 1), "1 ticket");
	assert_string_equal(txt("en", "count.tickets", 0), "0 tickets");
	assert_string_equal(txt("en", "time.minutes_ago", 21), "21 minutes ago");
	assert_string_equal(txt("ru", "count.tickets", 1), "1 заявка");
	assert_string_equal(txt("ru", "count.tickets", 3), "3 заявки");
	assert_string_equal(txt("ru", "count.tickets", 11), "11 заявок");
	assert_string_equal(txt("ru", "count.comments", 21), "21 комментарий");
	assert_string_equal(txt("ru", "count.comments", 114), "114 комментариев");
	assert_string_equal(txt("ru", "time.minutes_ago", 22), "22 минуты назад");
	assert_string_equal(txt("lv", "count.tickets", 0), "0 pieteikumu");
	assert_string_equal(txt("lv", "count.tickets", 21), "21 pieteikums");
	assert_string_equal(txt("lv", "count.tickets", 22), "22 pieteikumi");
	assert_string_equal(txt("lv", "time.minutes_ago", 1), "pirms 1 minūtes");
	assert_string_equal(txt("lt", "count.comments", 1), "1 komentaras");
	assert_string_equal(txt("lt", "count.comments", 5), "5 komentarai");
	assert_string_equal(txt("lt", "count.comments", 15), "15 komentarų");
	assert_string_equal(txt("lt", "time.minutes_ago", 2), "prieš 2 minutes");
	assert_string_equal(txt("eo", "count.tickets", 2), "2 petoj");
	assert_string_equal(txt("eo", "count.tickets", -1), "-1 peto");

	/* unknown language: English; unknown key: the key itself */
	assert_string_equal(txt("de", "auth.sign_out", 0), "Sign out");
	assert_string_equal(txt(NULL, "auth.sign_out", 0), "Sign out");
	assert_string_equal(txt("ru", "no.such.key", 5), "no.such.key");
	assert_string_equal(txt("ru", "", 5), "");
	/* a key with braces is copied, never substituted */
	assert_string_equal(txt("lv", "{count} {x}", 5), "{count} {x}");

	assert_int_equal(i18n_has("lv", "kb.title"), 1);
	assert_int_equal(i18n_has("lv", "no.such.key"), 0);
	assert_int_equal(i18n_has("de", "kb.title"), 0);
	assert_int_equal(i18n_has("lv", NULL), 0);
}

static void test_text_appends_and_caps(void **state)
{
	struct buf b = BUF_INIT(12);
	(void)state;
	assert_int_equal(buf_adds(&b, "> "), 0);
	assert_int_equal(i18n_text("en", "common.yes", 0, &b), 0);
	assert_string_equal(b.data, "> Yes");
	/* past the cap: error, buffer unchanged */
	assert_int_equal(i18n_text("ru", "time.minutes_ago", 5, &b), HELPO_ETOOBIG);
	assert_string_equal(b.data, "> Yes");
	assert_int_equal(b.len, 5);
	assert_int_equal(i18n_text("en", "no.such.key.at.all", 5, &b), HELPO_ETOOBIG);
	assert_string_equal(b.data, "> Yes");
	assert_int_equal(i18n_text("en", NULL, 0, &b), HELPO_EINVAL);
	assert_int_equal(i18n_text("en", "common.yes", 0, NULL), HELPO_EINVAL);
	assert_string_equal(b.data, "> Yes");
	buf_release(&b);
	/* LONG_MIN/LONG_MAX counts are rendered in full */
	assert_string_equal(txt("en", "count.tickets", LONG_MIN), "-9223372036854775808 tickets");
	assert_string_equal(txt("ru", "count.tickets", LONG_MAX), "9223372036854775807 заявок");
}

/* Every English key exists in every catalog and renders without leftover braces. */
static void test_every_key_every_lang(void **state)
{
	static const long counts[] = {0, 1, 2, 5, 21, 22, 111};
	static const char *const keys[] = {
	    "auth.sign_in",
	    "auth.sign_out",
	    "auth.email",
	    "auth.password",
	    "status.new",
	    "status.open",
	    "status.pending",
	    "status.hold",
	    "status.solved",
	    "status.closed",
	    "priority.low",
	    "priority.normal",
	    "priority.high",
	    "priority.urgent",
	    "type.question",
	    "type.incident",
	    "type.problem",
	    "type.task",
	    "nav.search",
	    "nav.views",
	    "ticket.new",
	    "ticket.reply",
	    "ticket.internal_note",
	    "ticket.submit_as",
	    "ticket.subject",
	    "ticket.description",
	    "ticket.status",
	    "ticket.priority",
	    "ticket.type",
	    "ticket.assignee",
	    "ticket.group",
	    "ticket.requester",
	    "ticket.tags",
	    "count.tickets",
	    "count.comments",
	    "time.minutes_ago",
	    "portal.submit_request",
	    "portal.your_requests",
	    "kb.title",
	    "kb.helpful",
	    "common.yes",
	    "common.no",
	    "common.save",
	    "common.cancel",
	};
	(void)state;
	for (int l = 0; i18n_langs[l]; l++) {
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
			if (!i18n_has(i18n_langs[l], keys[k]))
				fail_msg("%s lacks %s", i18n_langs[l], keys[k]);
			for (size_t c = 0; c < ARRAY_SIZE(counts); c++) {
				const char *s = txt(i18n_langs[l], keys[k], counts[c]);
				char num[32];
				if (!*s || strchr(s, '{') || strchr(s, '}') || !strcmp(s, keys[k]))
					fail_msg("%s %s %ld: \"%s\"", i18n_langs[l], keys[k],
					         counts[c], s);
				snprintf(num, sizeof num, "%ld", counts[c]);
				/* plural messages show the number */
				if (!strncmp(keys[k], "count.", 6) || !strncmp(keys[k], "time.", 5))
					assert_non_null(strstr(s, num));
			}
		}
	}
	/* a non-English catalog really is translated, not an English copy */
	for (int l = 1; i18n_langs[l]; l++)
		assert_string_not_equal(txt(i18n_langs[l], "portal.submit_request", 0),
		                        "Submit a request");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plural_en_eo),
	    cmocka_unit_test(test_plural_lv),
	    cmocka_unit_test(test_plural_lt),
	    cmocka_unit_test(test_plural_ru),
	    cmocka_unit_test(test_lang),
	    cmocka_unit_test(test_negotiate),
	    cmocka_unit_test(test_negotiate_huge),
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_text_appends_and_caps),
	    cmocka_unit_test(test_every_key_every_lang),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
