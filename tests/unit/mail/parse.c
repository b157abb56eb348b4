/*
 * tests/unit/mail/parse.c — unit tests for src/mail/parse.c (mail_parse): small inline
 * messages, one feature each. Every parse also checks the global promises: each string handed
 * out is valid UTF-8 without NUL, counts are within their limits.
 *
 * Covers: ingest id, mailbox, From parsed as a structure before the name is decoded, To/Cc
 * with groups and the address cap, subject decoding and control characters, Message-ID /
 * In-Reply-To / References, Date, charsets (Baltic, Cyrillic, unknown, lying, UTF-7), HTML
 * passed through and text derived from it, reply trimming in several languages, attachments
 * (RFC 2231/2047 names, path traversal, inline cid, count and size caps), message/rfc822,
 * bounces, auto-submitted signals, header/depth limits, NULs and bare CR/LF, empty input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "mail/mail.h"
#include "util/buf.h"
#include "util/crypto.h"
#include "util/limits.h"
#include "util/text.h"

/* ---- helpers ---- */

static void check_str(const char *s)
{
	if (s)
		assert_true(text_utf8_valid(s, strlen(s)));
}

/* The promises every parse keeps. */
static void check_email(const struct desk_email *e)
{
	assert_int_equal(strlen(e->ingest_id), 64);
	check_str(e->mailbox);
	check_str(e->from.name);
	check_str(e->from.email);
	check_str(e->subject);
	check_str(e->message_id);
	check_str(e->in_reply_to);
	check_str(e->text);
	check_str(e->text_trimmed);
	check_str(e->html);
	check_str(e->bounce_message_id);
	check_str(e->bounce_status);
	assert_non_null(e->text);
	assert_non_null(e->text_trimmed);
	assert_true(e->nto >= 0 && e->nto <= HELPO_MAX_MAIL_ADDRESSES);
	assert_true(e->ncc >= 0 && e->ncc <= HELPO_MAX_MAIL_ADDRESSES);
	assert_true(e->nrefs >= 0 && e->nrefs <= HELPO_MAX_REFERENCES);
	assert_true(e->natts >= 0 && e->natts <= HELPO_MAX_ATTACHMENTS);
	for (int i = 0; i < e->nto; i++) {
		check_str(e->to[i].name);
		check_str(e->to[i].email);
		assert_non_null(e->to[i].email);
	}
	for (int i = 0; i < e->ncc; i++) {
		check_str(e->cc[i].name);
		check_str(e->cc[i].email);
	}
	for (int i = 0; i < e->nrefs; i++) {
		check_str(e->references[i]);
		assert_null(strchr(e->references[i], '<'));
	}
	for (int i = 0; i < e->natts; i++) {
		check_str(e->atts[i].file_name);
		check_str(e->atts[i].content_type);
		check_str(e->atts[i].content_id);
		assert_non_null(e->atts[i].file_name);
		assert_null(strchr(e->atts[i].file_name, '/'));
		assert_null(strchr(e->atts[i].file_name, '\\'));
		assert_true(e->atts[i].size <= HELPO_MAX_ATTACHMENT_BYTES);
	}
}

static struct mail_msg *parse_len(const char *raw, size_t len)
{
	struct mail_msg *m = NULL;
	assert_int_equal(mail_parse(raw, len, "Support@Helpo.Test", &m), 0);
	assert_non_null(m);
	check_email(&m->email);
	return m;
}

static struct mail_msg *P(const char *raw)
{
	return parse_len(raw, strlen(raw));
}

/* ---- tests ---- */

static void test_basic(void **state)
{
	const char *raw = "From: Ūna Lietotāja <Una@Example.COM>\r\n"
	                  "To: support@helpo.test, \"Bob\" <bob@example.com>\r\n"
	                  "Cc: carol@example.com\r\n"
	                  "Subject: Printer is broken\r\n"
	                  "Message-ID: <abc.123@mail.example.com>\r\n"
	                  "Date: Mon, 02 Mar 2026 10:00:00 +0200\r\n"
	                  "Content-Type: text/plain; charset=utf-8\r\n"
	                  "\r\n"
	                  "Hello,\r\nthe printer is broken.\r\n";
	struct mail_msg *m = P(raw);
	const struct desk_email *e = &m->email;
	char hex[65];
	(void)state;
	crypto_sha256_hex(raw, strlen(raw), hex);
	assert_string_equal(e->ingest_id, hex);
	assert_string_equal(e->mailbox, "support@helpo.test");
	assert_string_equal(e->from.email, "una@example.com");
	assert_string_equal(e->from.name, "Ūna Lietotāja");
	assert_int_equal(e->nto, 2);
	assert_string_equal(e->to[0].email, "support@helpo.test");
	assert_string_equal(e->to[1].email, "bob@example.com");
	assert_string_equal(e->to[1].name, "Bob");
	assert_int_equal(e->ncc, 1);
	assert_string_equal(e->cc[0].email, "carol@example.com");
	assert_string_equal(e->subject, "Printer is broken");
	assert_string_equal(e->message_id, "abc.123@mail.example.com");
	assert_int_equal(e->date, (int64_t)1772438400 * 1000);
	assert_string_equal(e->text, "Hello,\nthe printer is broken.");
	assert_string_equal(e->text_trimmed, "Hello,\nthe printer is broken.");
	assert_null(e->html);
	assert_false(e->auto_submitted);
	assert_false(e->is_bounce);
	assert_false(e->truncated);
	assert_int_equal(e->natts, 0);
	mail_msg_free(m);
}

static void test_from_encoded_name_is_not_address(void **state)
{
	struct mail_msg *m = P("From: \"=?utf-8?q?evil@x.test?=\" <real@y.test>\n"
	                       "Subject: x\n\nbody\n");
	(void)state;
	assert_string_equal(m->email.from.email, "real@y.test");
	assert_string_equal(m->email.from.name, "evil@x.test");
	mail_msg_free(m);
	m = P("From: =?utf-8?b?ZXZpbEB4LnRlc3QgPGV2aWxAeC50ZXN0Pg==?= <real@y.test>\n\nb\n");
	assert_string_equal(m->email.from.email, "real@y.test");
	mail_msg_free(m);
	/* an encoded word alone is not an address that decodes into one */
	m = P("From: =?utf-8?q?evil=40x=2Etest?=\n\nb\n");
	assert_true(m->email.from.email == NULL || strcmp(m->email.from.email, "evil@x.test"));
	mail_msg_free(m);
}

static void test_from_invalid(void **state)
{
	struct mail_msg *m = P("From: not an address\nSubject: x\n\nb\n");
	(void)state;
	assert_null(m->email.from.email);
	mail_msg_free(m);
	m = P("Sender: s@example.org\n\nb\n");
	assert_string_equal(m->email.from.email, "s@example.org");
	mail_msg_free(m);
}

static void test_groups_and_cap(void **state)
{
	struct buf b = BUF_INIT(1 << 20);
	struct mail_msg *m;
	(void)state;
	m = P("From: a@example.com\n"
	      "To: Team: x@example.com, \"Y\" <y@example.com>;, z@example.com\n"
	      "Cc: undisclosed-recipients:;\n\nb\n");
	assert_int_equal(m->email.nto, 3);
	assert_string_equal(m->email.to[0].email, "x@example.com");
	assert_string_equal(m->email.to[1].email, "y@example.com");
	assert_string_equal(m->email.to[2].email, "z@example.com");
	assert_int_equal(m->email.ncc, 0);
	assert_false(m->email.truncated);
	mail_msg_free(m);

	buf_adds(&b, "From: a@example.com\nTo: ");
	for (int i = 0; i < 150; i++)
		buf_addf(&b, "%su%d@example.com", i ? ", " : "", i);
	buf_adds(&b, "\n\nbody\n");
	m = P(b.data);
	assert_int_equal(m->email.nto, HELPO_MAX_MAIL_ADDRESSES);
	assert_true(m->email.truncated);
	mail_msg_free(m);
	buf_release(&b);
}

static void test_subject(void **state)
{
	struct mail_msg *m;
	(void)state;
	m = P("Subject: =?windows-1257?q?R=E7=EDins_Nr._5?=\n\nb\n");
	assert_string_equal(m->email.subject, "Rēķins Nr. 5");
	mail_msg_free(m);
	m = P("Subject: =?utf-8?b?0KHRh9GR0YIg4oSWIDc=?=\n\nb\n");
	assert_string_equal(m->email.subject, "Счёт № 7");
	mail_msg_free(m);
	/* control characters and NULs removed, folding becomes a space */
	m = P("Subject: a=?utf-8?q?=07=1B[31m?=b\n c\x7f"
	      "d\n\nb\n");
	assert_null(strchr(m->email.subject, '\x1b'));
	assert_null(strchr(m->email.subject, '\x07'));
	assert_null(strchr(m->email.subject, '\x7f'));
	assert_null(strchr(m->email.subject, '\n'));
	mail_msg_free(m);
	/* raw 8-bit windows-1257 in a header: valid UTF-8 out */
	m = P("Subject: R\xe7\xf0ins\n\nb\n");
	assert_non_null(m->email.subject);
	mail_msg_free(m);
}

static void test_subject_cap(void **state)
{
	struct buf b = BUF_INIT(1 << 20);
	struct mail_msg *m;
	(void)state;
	buf_adds(&b, "Subject: ");
	for (int i = 0; i < 800; i++)
		buf_adds(&b, "ā");
	buf_adds(&b, "\n\nb\n");
	m = P(b.data);
	assert_true(strlen(m->email.subject) <= HELPO_MAX_SUBJECT_BYTES);
	assert_true(strlen(m->email.subject) >= HELPO_MAX_SUBJECT_BYTES - 1);
	mail_msg_free(m);
	buf_release(&b);
}

static void test_ids(void **state)
{
	struct buf b = BUF_INIT(1 << 20);
	struct mail_msg *m;
	(void)state;
	m = P("Message-ID: <m1@x.test>\nIn-Reply-To: <helpo-T1-c2-aabbccdd@helpo.test>\n"
	      "References: <r1@x.test> <r2@x.test>\n\t<helpo-T1-c2-aabbccdd@helpo.test>\n\nb\n");
	assert_string_equal(m->email.message_id, "m1@x.test");
	assert_string_equal(m->email.in_reply_to, "helpo-T1-c2-aabbccdd@helpo.test");
	assert_int_equal(m->email.nrefs, 3);
	assert_string_equal(m->email.references[0], "r1@x.test");
	assert_string_equal(m->email.references[2], "helpo-T1-c2-aabbccdd@helpo.test");
	mail_msg_free(m);

	buf_adds(&b, "References:");
	for (int i = 0; i < 80; i++)
		buf_addf(&b, " <r%d@x.test>", i);
	buf_adds(&b, "\n\nb\n");
	m = P(b.data);
	assert_int_equal(m->email.nrefs, HELPO_MAX_REFERENCES);
	assert_string_equal(m->email.references[0], "r0@x.test"); /* the root */
	assert_string_equal(m->email.references[HELPO_MAX_REFERENCES - 1],
	                    "r79@x.test"); /* newest */
	mail_msg_free(m);
	buf_release(&b);

	m = P("Subject: none\n\nb\n");
	assert_null(m->email.message_id);
	assert_null(m->email.in_reply_to);
	assert_int_equal(m->email.nrefs, 0);
	assert_int_equal(m->email.date, 0);
	mail_msg_free(m);
	m = P("Date: not a date at all\n\nb\n");
	assert_int_equal(m->email.date, 0);
	mail_msg_free(m);
}

/* One text/plain message in charset cs with body bytes, checked for the expected UTF-8. */
static void charset_case(const char *cs, const char *body, const char *expect)
{
	char raw[4096];
	struct mail_msg *m;
	snprintf(raw, sizeof raw,
	         "From: a@example.com\nContent-Type: text/plain; charset=\"%s\"\n"
	         "Content-Transfer-Encoding: 8bit\n\n%s\n",
	         cs, body);
	m = P(raw);
	if (!strstr(m->email.text, expect))
		fail_msg("charset %s: got \"%s\", want \"%s\"", cs, m->email.text, expect);
	mail_msg_free(m);
}

static void test_charsets(void **state)
{
	(void)state;
	charset_case("windows-1257",
	             "R\xe7\xed"
	             "ins, l\xfb"
	             "dzu",
	             "Rēķins, lūdzu");
	charset_case("ISO-8859-13",
	             "R\xe7\xed"
	             "ins",
	             "Rēķins");
	charset_case("iso-8859-4",
	             "\xb9"
	             "ios",
	             "šios");
	charset_case("windows-1257",
	             "A\xe8i\xfb \xfe"
	             "ia",
	             "Ačiū žia");
	charset_case("koi8-r", "\xf3\xd0\xc1\xd3\xd4\xc9", "Спасти");
	charset_case("windows-1251", "\xcf\xf0\xe8\xe2\xe5\xf2", "Привет");
	charset_case("iso-8859-5", "\xbf\xe0\xd8\xd2\xd5\xe2", "Привет");
	charset_case("iso-8859-3",
	             "\xe6"
	             "u \xbc"
	             "auda",
	             "ĉu ĵauda");
	charset_case("utf-8", "Ĉu vi", "Ĉu vi");
	/* unknown charset: windows-1252 fallback, nothing lost */
	charset_case("x-no-such-charset", "caf\xe9", "café");
	/* declared latin1, really UTF-8: taken as UTF-8 */
	charset_case("iso-8859-1", "Rēķins", "Rēķins");
	/* declared UTF-8, really windows-1257: invalid bytes replaced, the rest kept */
	charset_case("utf-8", "R\xe7\xedins ok", "ins ok");
	/* no charset and 8-bit bytes */
	charset_case("", "na\xefve", "naïve");
}

static void test_utf7_html_is_text(void **state)
{
	struct mail_msg *m;
	(void)state;
	/* "+ADw-script+AD4-" decodes to "<script>" */
	m = P("Content-Type: text/html; charset=utf-7\n\n"
	      "+ADw-script+AD4-alert(1)+ADw-/script+AD4-\n");
	assert_null(m->email.html);
	assert_non_null(strstr(m->email.text, "<script>alert(1)</script>"));
	mail_msg_free(m);
	m = P("Content-Type: text/plain; charset=utf-7\n\nHi +AMk-mile\n");
	assert_null(m->email.html);
	assert_non_null(strstr(m->email.text, "Hi Émile"));
	mail_msg_free(m);
}

static void test_html(void **state)
{
	struct mail_msg *m;
	(void)state;
	m = P("Content-Type: text/html; charset=windows-1251\n\n"
	      "<p>\xcf\xf0\xe8\xe2\xe5\xf2</p><script>x()</script><p>two</p>\n");
	assert_non_null(m->email.html);
	assert_non_null(strstr(m->email.html, "<script>")); /* not sanitized here */
	assert_non_null(strstr(m->email.html, "Привет"));
	assert_non_null(strstr(m->email.text, "Привет"));
	assert_non_null(strstr(m->email.text, "two"));
	assert_null(strstr(m->email.text, "x()"));
	mail_msg_free(m);
	/* alternative: text/plain is the text, text/html the html */
	m = P("Content-Type: multipart/alternative; boundary=b\n\n--b\n"
	      "Content-Type: text/plain\n\nplain one\n--b\nContent-Type: text/html\n\n"
	      "<b>html one</b>\n--b--\n");
	assert_string_equal(m->email.text, "plain one");
	assert_non_null(strstr(m->email.html, "<b>html one</b>"));
	mail_msg_free(m);
}

static void trim_case(const char *body, const char *expect)
{
	char raw[4096];
	struct mail_msg *m;
	snprintf(raw, sizeof raw, "Content-Type: text/plain; charset=utf-8\n\n%s", body);
	m = P(raw);
	if (strcmp(m->email.text_trimmed, expect))
		fail_msg("trim: got \"%s\", want \"%s\"", m->email.text_trimmed, expect);
	mail_msg_free(m);
}

static void test_trim(void **state)
{
	(void)state;
	trim_case("Thanks!\n\nOn Mon, 2 Mar 2026 at 10:00, Support <s@helpo.test> wrote:\n> old\n",
	          "Thanks!");
	trim_case("Paldies!\n\n2026. g. 2. marts 10:00, Atbalsts rakstīja:\n> vecs\n", "Paldies!");
	trim_case("Ačiū!\n\n2026-03-02, Pagalba rašė:\n> senas\n", "Ačiū!");
	trim_case("Спасибо!\n\n2 марта 2026 г., Поддержка написал(а):\n> старое\n", "Спасибо!");
	trim_case("Dankon!\n\nJe 2026-03-02, Subteno skribis:\n> malnova\n", "Dankon!");
	trim_case("Reply here\n\n-----Original Message-----\nFrom: x\n", "Reply here");
	trim_case("New text\n-- \nJohn\nACME\n", "New text");
	trim_case("Top\n> quoted\n> more\n", "Top");
	/* quote in the middle then new text: nothing after it is cut by the ">" rule */
	trim_case("> a\nanswer\n", "> a\nanswer");
	/* Gmail wraps the header line */
	trim_case(
	    "Ok\n\nOn Mon, 2 Mar 2026 at 10:00, Support Team <support@helpo.test>\nwrote:\n> x\n",
	    "Ok");
	/* trimming would leave nothing: whole text kept */
	trim_case("> only quoted\n> lines\n", "> only quoted\n> lines");
	trim_case("-- \nsig only\n", "-- \nsig only");
}

static void test_attachments(void **state)
{
	struct mail_msg *m;
	const struct desk_email *e;
	(void)state;
	m = P("Content-Type: multipart/mixed; boundary=\"b\"\n\n"
	      "--b\nContent-Type: text/plain\n\nsee attached\n"
	      "--b\nContent-Type: Application/PDF\n"
	      "Content-Disposition: attachment; filename*=UTF-8''R%C4%93%C4%B7ins.pdf\n"
	      "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n"
	      "--b\nContent-Type: text/plain; name=\"=?utf-8?q?z=C4=AB=C5=86a.txt?=\"\n"
	      "Content-Disposition: attachment\n\nnote\n"
	      "--b\nContent-Type: application/octet-stream\n"
	      "Content-Disposition: attachment; filename=\"../../etc/passwd\"\n\nroot\n"
	      "--b\nContent-Type: application/octet-stream\n"
	      "Content-Disposition: attachment; filename=\"C:\\\\Windows\\\\evil.exe\"\n\nMZ\n"
	      "--b\nContent-Type: application/octet-stream\n"
	      "Content-Disposition: attachment; filename=\"/abs/..\"\n\nx\n"
	      "--b\nContent-Type: image/png\nContent-ID: <img1@x.test>\n"
	      "Content-Disposition: inline\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
	      "--b--\n");
	e = &m->email;
	assert_string_equal(e->text, "see attached");
	assert_int_equal(e->natts, 6);
	assert_string_equal(e->atts[0].file_name, "Rēķins.pdf");
	assert_string_equal(e->atts[0].content_type, "application/pdf");
	assert_int_equal(e->atts[0].size, 9);
	assert_memory_equal(e->atts[0].data, "%PDF-1.4\n", 9);
	assert_false(e->atts[0].is_inline);
	assert_null(e->atts[0].content_id);
	assert_string_equal(e->atts[1].file_name, "zīņa.txt");
	assert_string_equal(e->atts[2].file_name, "passwd");
	assert_string_equal(e->atts[3].file_name, "evil.exe");
	assert_string_equal(e->atts[4].file_name, "");
	assert_string_equal(e->atts[5].content_type, "image/png");
	assert_string_equal(e->atts[5].content_id, "img1@x.test");
	assert_true(e->atts[5].is_inline);
	assert_int_equal(e->atts[5].size, 8);
	assert_false(e->truncated);
	mail_msg_free(m);
}

static void test_attachment_caps(void **state)
{
	struct buf b = BUF_INIT(64 << 20);
	struct mail_msg *m;
	(void)state;
	buf_adds(&b, "Content-Type: multipart/mixed; boundary=b\n\n--b\n\ntext\n");
	for (int i = 0; i < HELPO_MAX_ATTACHMENTS + 5; i++)
		buf_addf(&b,
		         "--b\nContent-Type: text/csv\n"
		         "Content-Disposition: attachment; filename=f%d.csv\n\n%d\n",
		         i, i);
	buf_adds(&b, "--b--\n");
	m = P(b.data);
	assert_int_equal(m->email.natts, HELPO_MAX_ATTACHMENTS);
	assert_true(m->email.truncated);
	assert_string_equal(m->email.text, "text");
	mail_msg_free(m);

	/* one attachment past the size limit: dropped, message kept */
	buf_reset(&b);
	buf_adds(&b,
	         "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nbig one\n"
	         "--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: binary\n"
	         "Content-Disposition: attachment; filename=big.bin\n\n");
	assert_int_equal(buf_grow(&b, HELPO_MAX_ATTACHMENT_BYTES + 100), 0);
	memset(b.data + b.len, 'A', HELPO_MAX_ATTACHMENT_BYTES + 10);
	b.len += HELPO_MAX_ATTACHMENT_BYTES + 10;
	b.data[b.len] = '\0';
	buf_adds(&b, "\n--b\nContent-Type: text/plain\nContent-Disposition: attachment; "
	             "filename=small.txt\n\nsmall\n--b--\n");
	m = parse_len(b.data, b.len);
	assert_true(m->email.truncated);
	assert_int_equal(m->email.natts, 1);
	assert_string_equal(m->email.atts[0].file_name, "small.txt");
	assert_string_equal(m->email.text, "big one");
	mail_msg_free(m);
	buf_release(&b);
}

static void test_rfc822_part(void **state)
{
	struct mail_msg *m;
	(void)state;
	m = P("Content-Type: multipart/mixed; boundary=b\n\n--b\n\nforwarding this\n"
	      "--b\nContent-Type: message/rfc822\n\n"
	      "From: other@x.test\nSubject: inner\nMessage-ID: <inner@x.test>\n\ninner text\n"
	      "--b--\n");
	assert_string_equal(m->email.text, "forwarding this");
	assert_int_equal(m->email.natts, 1);
	assert_string_equal(m->email.atts[0].content_type, "message/rfc822");
	assert_string_equal(m->email.atts[0].file_name, "message.eml");
	assert_non_null(memmem(m->email.atts[0].data, m->email.atts[0].size, "inner text", 10));
	assert_false(m->email.is_bounce);
	assert_null(m->email.bounce_message_id);
	mail_msg_free(m);
}

static void test_bounce(void **state)
{
	struct mail_msg *m;
	(void)state;
	m = P("From: MAILER-DAEMON@mx.example.com\nReturn-Path: <>\n"
	      "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
	      "--b\nContent-Type: text/plain\n\nDelivery failed.\n"
	      "--b\nContent-Type: message/delivery-status\n\n"
	      "Reporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; gone@example.com\n"
	      "Action: failed\nStatus: 5.1.1\n"
	      "--b\nContent-Type: message/rfc822\n\n"
	      "From: support@helpo.test\nMessage-ID: <helpo-T7-c9-0011aabb@helpo.test>\n\nhi\n"
	      "--b--\n");
	assert_true(m->email.is_bounce);
	assert_true(m->email.auto_submitted);
	assert_string_equal(m->email.bounce_status, "5.1.1");
	assert_string_equal(m->email.bounce_message_id, "helpo-T7-c9-0011aabb@helpo.test");
	assert_string_equal(m->email.text, "Delivery failed.");
	mail_msg_free(m);
	/* the returned part may be headers only */
	m = P("Content-Type: multipart/report; report-type=\"delivery-status\"; boundary=b\n\n"
	      "--b\n\nfailed\n--b\nContent-Type: message/delivery-status\n\n"
	      "Final-Recipient: rfc822; x@y.test\nStatus: 4.4.7 (delayed)\n"
	      "--b\nContent-Type: text/rfc822-headers\n\n"
	      "Message-ID: <helpo-T8-c1-00000000@helpo.test>\nSubject: x\n--b--\n");
	assert_true(m->email.is_bounce);
	assert_string_equal(m->email.bounce_status, "4.4.7");
	assert_string_equal(m->email.bounce_message_id, "helpo-T8-c1-00000000@helpo.test");
	mail_msg_free(m);
	/* another report type is not a bounce */
	m = P("Content-Type: multipart/report; report-type=disposition-notification; boundary=b\n\n"
	      "--b\n\nread\n--b--\n");
	assert_false(m->email.is_bounce);
	mail_msg_free(m);
}

static void auto_case(const char *hdr, bool expect)
{
	char raw[1024];
	struct mail_msg *m;
	snprintf(raw, sizeof raw, "From: a@example.com\n%s\n\nbody\n", hdr);
	m = P(raw);
	if (m->email.auto_submitted != expect)
		fail_msg("auto_submitted for \"%s\": %d", hdr, m->email.auto_submitted);
	mail_msg_free(m);
}

static void test_auto_submitted(void **state)
{
	(void)state;
	auto_case("Auto-Submitted: auto-replied", true);
	auto_case("Auto-Submitted: auto-generated; x", true);
	auto_case("Auto-Submitted: No", false);
	auto_case("Precedence: bulk", true);
	auto_case("Precedence: JUNK", true);
	auto_case("Precedence: list", true);
	auto_case("Precedence: first-class", false);
	auto_case("List-Id: <news.example.com>", true);
	auto_case("Return-Path: < >", true);
	auto_case("Return-Path: <a@example.com>", false);
	auto_case("X-Loop: helpo.test", true);
	auto_case("X-Loop: Helpo@desk.example.org", true);
	auto_case("X-Loop: other-system", false);
	auto_case("X-Autoreply: yes", true);
	auto_case("Subject: hello", false);
}

static void test_header_limit(void **state)
{
	struct buf b = BUF_INIT(4 << 20);
	struct mail_msg *m;
	(void)state;
	buf_adds(&b, "From: a@example.com\nSubject: flood\n");
	for (int i = 0; (b.len < HELPO_MAX_MAIL_HEADER_BYTES + 100000); i++)
		buf_addf(&b, "X-Flood-%d: %d\n", i, i);
	buf_adds(&b, "\nthe body survives\n");
	m = parse_len(b.data, b.len);
	assert_true(m->email.truncated);
	assert_string_equal(m->email.subject, "flood");
	assert_string_equal(m->email.from.email, "a@example.com");
	assert_string_equal(m->email.text, "the body survives");
	mail_msg_free(m);
	/* one huge header line */
	buf_reset(&b);
	buf_adds(&b, "From: a@example.com\nX-Big: ");
	for (int i = 0; i < 1000000; i++)
		buf_addc(&b, 'x');
	buf_adds(&b, "\nSubject: after\n\nbody\n");
	m = parse_len(b.data, b.len);
	assert_true(m->email.truncated);
	assert_string_equal(m->email.text, "body");
	mail_msg_free(m);
	buf_release(&b);
}

static void test_depth_limit(void **state)
{
	struct buf b = BUF_INIT(4 << 20);
	struct mail_msg *m;
	int levels = 200;
	(void)state;
	buf_adds(&b, "Subject: deep\n");
	for (int i = 0; i < levels; i++)
		buf_addf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n", i, i);
	buf_adds(&b, "Content-Type: text/plain\n\ndeepest\n");
	for (int i = levels - 1; i >= 0; i--)
		buf_addf(&b, "--b%d--\n", i);
	m = parse_len(b.data, b.len);
	assert_true(m->email.truncated);
	assert_string_equal(m->email.subject, "deep");
	mail_msg_free(m);
	buf_release(&b);
}

static void test_nul_and_bare_cr(void **state)
{
	static const char raw[] = "Subject: a\0b\rc\n\nline1\rline2\0x\r\nline3\n\xff\xfe end\n";
	struct mail_msg *m = parse_len(raw, sizeof raw - 1);
	(void)state;
	assert_null(strchr(m->email.text, '\r'));
	assert_non_null(strstr(m->email.text, "line1\nline2"));
	assert_non_null(strstr(m->email.text, "line3"));
	assert_non_null(strstr(m->email.text, "end"));
	mail_msg_free(m);
}

static void test_broken_input(void **state)
{
	struct mail_msg *m;
	(void)state;
	m = parse_len("", 0);
	assert_string_equal(m->email.text, "");
	mail_msg_free(m);
	m = P("no headers at all, just text\n");
	mail_msg_free(m);
	/* broken base64 and quoted-printable */
	m = P("Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
	      "SGVsbG8g!!!d29y*bGQ\n");
	assert_non_null(m->email.text);
	mail_msg_free(m);
	m = P("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: "
	      "quoted-printable\n\n"
	      "R=C4=93=C4=B7ins =ZZ =\n=C4\n");
	assert_non_null(strstr(m->email.text, "Rēķins"));
	mail_msg_free(m);
	/* a multipart without its boundary */
	m = P("Content-Type: multipart/mixed\n\nwhatever\n");
	mail_msg_free(m);
	/* mailbox that is not an address */
	assert_int_equal(mail_parse("\n\nx", 3, "nonsense", &m), 0);
	assert_null(m->email.mailbox);
	mail_msg_free(m);
	mail_msg_free(NULL);
}

static void test_text_cap(void **state)
{
	struct buf b = BUF_INIT(4 << 20);
	struct mail_msg *m;
	(void)state;
	buf_adds(&b, "Content-Type: text/plain; charset=utf-8\n\n");
	for (int i = 0; i < 1000000; i++)
		buf_adds(&b, "ž");
	m = parse_len(b.data, b.len);
	assert_true(m->email.truncated);
	assert_true(strlen(m->email.text) <= HELPO_MAX_COMMENT_BYTES);
	mail_msg_free(m);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basic),
	    cmocka_unit_test(test_from_encoded_name_is_not_address),
	    cmocka_unit_test(test_from_invalid),
	    cmocka_unit_test(test_groups_and_cap),
	    cmocka_unit_test(test_subject),
	    cmocka_unit_test(test_subject_cap),
	    cmocka_unit_test(test_ids),
	    cmocka_unit_test(test_charsets),
	    cmocka_unit_test(test_utf7_html_is_text),
	    cmocka_unit_test(test_html),
	    cmocka_unit_test(test_trim),
	    cmocka_unit_test(test_attachments),
	    cmocka_unit_test(test_attachment_caps),
	    cmocka_unit_test(test_rfc822_part),
	    cmocka_unit_test(test_bounce),
	    cmocka_unit_test(test_auto_submitted),
	    cmocka_unit_test(test_header_limit),
	    cmocka_unit_test(test_depth_limit),
	    cmocka_unit_test(test_nul_and_bare_cr),
	    cmocka_unit_test(test_broken_input),
	    cmocka_unit_test(test_text_cap),
	};
	crypto_setup();
	mail_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
