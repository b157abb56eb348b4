/*
 * tests/unit/util/html.c — unit tests for src/util/html.c: html_to_text (script/style dropped,
 * text kept, entities decoded, <br> and block elements as line breaks) and html_escape.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/html.h"

static void expect_text(const char *html, const char *want)
{
	char *t = html_to_text(html, strlen(html));
	assert_non_null(t);
	if (strcmp(t, want))
		fail_msg("html_to_text(%s) = '%s', want '%s'", html, t, want);
	free(t);
}

static void test_to_text(void **state)
{
	(void)state;
	expect_text("", "");
	expect_text("plain text", "plain text");
	expect_text("<p>Hello <b>world</b></p>", "Hello world");
	expect_text("<p>one</p><p>two</p>", "one\ntwo");
	expect_text("line1<br>line2<br/>line3", "line1\nline2\nline3");
	expect_text("<div>a</div><div>b</div>", "a\nb");
	expect_text("<ul><li>x</li><li>y</li></ul>", "x\ny");
	/* script, style and head content never becomes text */
	expect_text("<script>alert(1)</script>visible", "visible");
	expect_text("<style>p{color:red}</style><p>shown</p>", "shown");
	expect_text("<html><head><title>T</title></head><body>B</body></html>", "B");
	expect_text("a<script type=\"text/javascript\">var x = '<p>no</p>';</script>b", "ab");
	expect_text("<p>x<style>.a{}</style>y</p>", "xy");
	/* entities */
	expect_text("Tom &amp; Jerry &lt;3 &gt; &quot;q&quot; &#39;s&#39;",
	            "Tom & Jerry <3 > \"q\" 's'");
	expect_text("caf&eacute; &#x263A; &#9731; &nbsp;x", "café ☺ ☃ \xc2\xa0x");
	/* attributes and comments do not leak */
	expect_text("<a href=\"http://evil\" title=\"t\">link</a><!-- secret -->", "link");
	expect_text("<img src=x onerror=alert(1)>after", "after");
	/* broken markup is parsed like a browser would */
	expect_text("<p>unclosed <b>bold", "unclosed bold");
	expect_text("a < b and c > d", "a < b and c > d");
	/* UTF-8 passes through */
	expect_text("<p>Ёжик — Ārija</p>", "Ёжик — Ārija");
	/* text on either side of a block or a table cell never merges into one word */
	expect_text("a<p>b</p>c", "a\nb\nc");
	expect_text("<div>x<div>y</div></div>", "x\ny");
	expect_text("Hi,<blockquote>quoted</blockquote>bye", "Hi,\nquoted\nbye");
	expect_text("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a\tb\nc");
	expect_text("x<hr>y", "x\ny");
	/* inline elements do not break words */
	expect_text("in<b>line</b><i>text</i>", "inlinetext");
	/* trailing breaks are trimmed */
	expect_text("<p>end</p><br><br>", "end");
}

static void test_to_text_deep(void **state)
{
	/* very deep nesting must neither crash nor recurse without bound */
	size_t n = 5000, len = n * 5 + 16;
	char *html = malloc(len), *p = html, *t;
	(void)state;
	for (size_t i = 0; i < n; i++, p += 5)
		memcpy(p, "<div>", 5);
	memcpy(p, "deep", 5);
	t = html_to_text(html, strlen(html));
	assert_non_null(t);
	free(t);
	free(html);
}

static void test_to_text_len(void **state)
{
	/* only len bytes are read */
	char *t = html_to_text("<b>abc</b>def", 10);
	(void)state;
	assert_non_null(t);
	assert_string_equal(t, "abc");
	free(t);
}

static void test_escape(void **state)
{
	struct buf b = BUF_INIT(1024);
	(void)state;
	assert_int_equal(html_escape(&b, "<script>alert('x') & \"y\"</script>"), 0);
	assert_string_equal(b.data,
	                    "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
	buf_reset(&b);
	assert_int_equal(html_escape(&b, ""), 0);
	assert_string_equal(b.data, "");
	assert_int_equal(html_escape(&b, "Ārija &amp;"), 0);
	assert_string_equal(b.data, "Ārija &amp;amp;");
	buf_release(&b);

	/* past the cap: HELPO_ETOOBIG */
	struct buf small = BUF_INIT(6);
	assert_int_equal(html_escape(&small, "<<"), HELPO_ETOOBIG);
	buf_release(&small);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_to_text),
	    cmocka_unit_test(test_to_text_deep),
	    cmocka_unit_test(test_to_text_len),
	    cmocka_unit_test(test_escape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
