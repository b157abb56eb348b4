/*
 * tests/unit/util/sanitize.c — unit tests for src/util/sanitize.c: the allowlist HTML
 * sanitizer. Hostile inputs lose every active part; harmless formatting survives; the output
 * is stable (S(S(x)) == S(x)) for every case, hostile ones included.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/sanitize.h"

static char *S(const char *in)
{
	char *out = html_sanitize(in, strlen(in));
	char *again;
	assert_non_null(out);
	again = html_sanitize(out, strlen(out));
	assert_non_null(again);
	if (strcmp(out, again))
		fail_msg("not idempotent for %s:\n  S(x)    = %s\n  S(S(x)) = %s", in, out, again);
	free(again);
	return out;
}

static void expect(const char *in, const char *want)
{
	char *out = S(in);
	if (strcmp(out, want))
		fail_msg("html_sanitize(%s)\n  got  %s\n  want %s", in, out, want);
	free(out);
}

/* None of the needles may appear (case-insensitive) in the sanitized output. */
static void expect_none(const char *in, const char *const *needles)
{
	char *out = S(in);
	for (const char *const *n = needles; *n; n++)
		if (strcasestr(out, *n))
			fail_msg("html_sanitize(%s) = %s still contains '%s'", in, out, *n);
	free(out);
}

static void test_keeps_formatting(void **state)
{
	(void)state;
	expect("<p>Hello <b>world</b></p>", "<p>Hello <b>world</b></p>");
	expect("plain & simple", "plain &amp; simple");
	expect("<ul><li>a</li><li>b</li></ul>", "<ul><li>a</li><li>b</li></ul>");
	expect("<table><tr><td colspan=\"2\">x</td></tr></table>",
	       "<table><tbody><tr><td colspan=\"2\">x</td></tr></tbody></table>");
	expect("<a href=\"https://example.org/a?b=1&amp;c=2\">x</a>",
	       "<a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"noopener noreferrer nofollow\" "
	       "target=\"_blank\">x</a>");
	expect("<span style=\"color: #ff0000; font-weight: bold\">r</span>",
	       "<span style=\"color: #ff0000; font-weight: bold\">r</span>");
	expect("<img src=\"cid:logo@x\" alt=\"logo\">", "<img src=\"cid:logo@x\" alt=\"logo\">");
	expect("<pre>\n\ncode</pre>", "<pre>\n\ncode</pre>");
	expect("Ūdens, ёлка, ĉiuj", "Ūdens, ёлка, ĉiuj");
}

static void test_removes_active_content(void **state)
{
	static const char *const bad[] = {"<script", "onerror", "onload", "onclick", "javascript:",
					  "vbscript:", "data:", "<iframe", "<form", "<base",
					  "<meta", "<object", "<embed", "<svg", "expression",
					  "url(", "@import", "<style", "<link", "<input", NULL};
	static const char *const cases[] = {
		"<script>alert(1)</script>",
		"<img src=x onerror=alert(1)>",
		"<img src=\"https://tracker.example/p.gif\">",
		"<a href=\"javascript:alert(1)\">x</a>",
		"<a href=\"JaVaScRiPt:alert(1)\">x</a>",
		"<a href=\"java\tscript:alert(1)\">x</a>",
		"<a href=\"&#106;avascript:alert(1)\">x</a>",
		"<a href=\" javascript:alert(1)\">x</a>",
		"<a href=\"vbscript:msgbox\">x</a>",
		"<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>",
		"<img src=\"data:image/png;base64,AAAA\">",
		"<iframe src=\"https://evil.example\"></iframe>",
		"<form action=\"https://evil.example\"><input name=p></form>",
		"<base href=\"https://evil.example/\">",
		"<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
		"<object data=\"x.swf\"></object><embed src=\"x.swf\">",
		"<svg onload=alert(1)><script>alert(1)</script></svg>",
		"<div style=\"width: expression(alert(1))\">x</div>",
		"<div style=\"background: url(https://evil.example/x.png)\">x</div>",
		"<div style=\"background-image: url(javascript:alert(1))\">x</div>",
		"<style>@import 'https://evil.example/x.css';</style>",
		"<link rel=stylesheet href=\"https://evil.example/x.css\">",
		"<p onclick=\"alert(1)\">x</p>",
		"<body onload=alert(1)>x</body>",
		"<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
		"<scr<script>ipt>alert(1)</scr</script>ipt>",
		"<<script>alert(1)//<</script>",
		"<!--<script>alert(1)</script>-->",
		"<div style=\"color: red; behavior: url(x.htc)\">x</div>",
		"<a href=\"https://ok.example\" onmouseover=\"alert(1)\">x</a>",
		"<textarea><script>alert(1)</script></textarea>",
		"<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
		NULL};
	(void)state;
	for (const char *const *c = cases; *c; c++)
		expect_none(*c, bad);
}

static void test_text_survives_unwrapping(void **state)
{
	char *out;
	(void)state;
	out = S("<custom-tag><blink>still here</blink></custom-tag>");
	assert_string_equal(out, "still here");
	free(out);
	out = S("<form>name <input value=x> kept</form>");
	assert_string_equal(out, "name  kept");
	free(out);
}

static void test_limits(void **state)
{
	struct buf { char *p; size_t n; } b;
	char *out;
	size_t depth = 5000;
	(void)state;
	/* deep nesting: the text is kept, the structure capped */
	b.n = depth * 5 + depth * 6 + 16;
	b.p = calloc(1, b.n);
	assert_non_null(b.p);
	for (size_t i = 0; i < depth; i++)
		memcpy(b.p + strlen(b.p), "<div>", 5);
	memcpy(b.p + strlen(b.p), "deep", 4);
	out = S(b.p);
	assert_non_null(strstr(out, "deep"));
	free(out);
	free(b.p);
	/* more tags than HTML_MAX_TAGS: not parsed, shown as escaped text */
	b.n = (HTML_MAX_TAGS + 10) * 3 + 1;
	b.p = calloc(1, b.n);
	assert_non_null(b.p);
	for (size_t i = 0; i < HTML_MAX_TAGS + 10; i++)
		memcpy(b.p + i * 3, "<b>", 3);
	out = html_sanitize(b.p, strlen(b.p));
	assert_non_null(out);
	assert_null(strchr(out, '<'));
	free(out);
	free(b.p);
	/* a NUL inside the input */
	out = html_sanitize("a\0<script>", 10);
	assert_non_null(out);
	assert_null(strstr(out, "<script"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keeps_formatting),
		cmocka_unit_test(test_removes_active_content),
		cmocka_unit_test(test_text_survives_unwrapping),
		cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
