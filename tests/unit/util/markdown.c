/*
 * tests/unit/util/markdown.c — unit tests for src/util/markdown.c: Markdown with the GFM
 * extensions renders to HTML, and nothing active in the source (raw HTML, javascript: links,
 * event handlers) survives the sanitizer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/markdown.h"

static char *md(const char *in)
{
	char *out = NULL;
	assert_int_equal(markdown_to_html(in, strlen(in), &out), 0);
	assert_non_null(out);
	return out;
}

static void has(const char *in, const char *needle)
{
	char *out = md(in);
	if (!strstr(out, needle))
		fail_msg("markdown(%s) = %s lacks '%s'", in, out, needle);
	free(out);
}

static void lacks(const char *in, const char *needle)
{
	char *out = md(in);
	if (strcasestr(out, needle))
		fail_msg("markdown(%s) = %s still contains '%s'", in, out, needle);
	free(out);
}

static void test_basic(void **s)
{
	(void)s;
	has("# Title\n\nHello *world*", "<h1>Title</h1>");
	has("# Title\n\nHello *world*", "<em>world</em>");
	has("1. one\n2. two\n", "<ol>");
	has("`code`", "<code>code</code>");
	has("```\nint x;\n```\n", "<pre><code>int x;");
	has("Kā nomainīt paroli? Ёлка", "Kā nomainīt paroli? Ёлка");
}

static void test_gfm(void **s)
{
	(void)s;
	has("| a | b |\n|---|---|\n| 1 | 2 |\n", "<table>");
	has("| a | b |\n|---|---|\n| 1 | 2 |\n", "<td>2</td>");
	has("~~gone~~", "<del>gone</del>");
	has("see https://example.com/x now", "href=\"https://example.com/x\"");
	has("- [ ] todo\n- [x] done\n", "\xe2\x98\x90 todo");
	has("- [ ] todo\n- [x] done\n", "\xe2\x98\x91 done");
	lacks("- [ ] todo\n", "<input");
	/* links get the sanitizer's rel */
	has("[site](https://example.com)", "rel=\"noopener noreferrer nofollow\"");
}

static void test_hostile(void **s)
{
	(void)s;
	lacks("<script>alert(1)</script>", "<script");
	lacks("hi <img src=x onerror=alert(1)>", "onerror");
	lacks("[x](javascript:alert(1))", "javascript:");
	lacks("[x](JaVaScRiPt:alert(1))", "javascript:");
	lacks("<a href=\"javascript:alert(1)\">x</a>", "javascript:");
	lacks("<iframe src=\"https://evil\"></iframe>", "<iframe");
	lacks("<div style=\"background:url(javascript:x)\">x</div>", "url(");
	lacks("![x](https://evil.example/track.png)", "evil.example");
	lacks("<svg onload=alert(1)>", "onload");
	lacks("<<script>script>alert(1)<</script>/script>", "<script");
	lacks("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:");
	/* harmless raw HTML survives */
	has("Press <kbd>Ctrl</kbd>", "<kbd>Ctrl</kbd>");
}

static void test_limits(void **s)
{
	char *out = (char *)1;
	size_t n = MARKDOWN_MAX_BYTES + 1;
	char *big = malloc(n + 1);
	(void)s;
	assert_non_null(big);
	memset(big, 'a', n);
	big[n] = 0;
	assert_int_equal(markdown_to_html(big, n, &out), HELPO_ETOOBIG);
	assert_null(out);
	free(big);
	assert_int_equal(markdown_to_html("", 0, &out), 0);
	assert_string_equal(out, "");
	free(out);
	/* invalid UTF-8 does not survive as such */
	out = md("bad \xff\xfe bytes");
	assert_null(strstr(out, "\xff"));
	free(out);
	/* deep nesting is bounded and still renders */
	{
		struct {
			char s[4000];
		} deep;
		memset(deep.s, '>', sizeof deep.s - 2);
		deep.s[sizeof deep.s - 2] = 'x';
		deep.s[sizeof deep.s - 1] = 0;
		out = md(deep.s);
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basic),
	    cmocka_unit_test(test_gfm),
	    cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
