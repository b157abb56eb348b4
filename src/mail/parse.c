/*
 * parse.c — one raw RFC 5322 message (GMime 3) into a struct desk_email: see mail.h.
 *
 * What it promises (tests/unit/mail/parse.c, tests/unit/mail/corpus.c, tests/fuzz/mail.c):
 *   - it never fails on content, only on OOM: broken MIME, unknown or lying charsets and limits
 *     degrade to "content kept, some dropped, truncated = true";
 *   - every string handed out is valid UTF-8 without NULs (invalid bytes become U+FFFD);
 *   - addresses are parsed as structures (internet_address_list_parse) before display names
 *     are decoded, so an RFC 2047 word in a name never becomes an address;
 *   - bodies are converted to UTF-8 from their declared charset with iconv; text that is valid
 *     UTF-8 is taken as UTF-8 whatever is declared (the common lie), an unknown charset falls
 *     back to windows-1252, undecodable bytes become U+FFFD;
 *   - UTF-7 is decoded to text and only ever used as plain text: a UTF-7 text/html part is not
 *     handed out as HTML (its decoded source becomes the plain text);
 *   - HTML is passed on unsanitized (desk sanitizes before storing);
 *   - attachment file names are decoded (RFC 2231/2047) and reduced to a display-safe base
 *     name (no directories, no control or bidi-override characters);
 *   - message/rfc822 parts become .eml attachments; their text is never the message's text;
 *   - limits: header block HELPO_MAX_MAIL_HEADER_BYTES (whole fields past it are dropped
 *     before GMime sees them), MIME depth HELPO_MAX_MIME_DEPTH, parts HELPO_MAX_MIME_PARTS,
 *     attachments HELPO_MAX_ATTACHMENTS of HELPO_MAX_ATTACHMENT_BYTES each, subject
 *     HELPO_MAX_SUBJECT_BYTES, text and html HELPO_MAX_COMMENT_BYTES each (what desk accepts
 *     as one comment), addresses HELPO_MAX_MAIL_ADDRESSES, references HELPO_MAX_REFERENCES
 *     (the first plus the newest ones, which are the ones that thread).
 *
 * auto_submitted: Auto-Submitted other than "no", Precedence bulk/junk/list, List-Id,
 * Return-Path "<>", X-Autoreply / X-Autorespond, a delivery status report, or an X-Loop header
 * that contains "helpo". The parser does not see the configuration (mail_hostname), so any
 * X-Loop naming Helpo is taken as ours: a loop between two Helpo installs is throttled too.
 *
 * Ownership: everything lives in struct priv (pointer lists freed by mail_msg_free).
 */
#include "mail/mail.h"
#include "util/buf.h"
#include "util/crypto.h"
#include "util/html.h"
#include "util/limits.h"
#include "util/text.h"

#include <gmime/gmime.h>
#include <errno.h>
#include <iconv.h>
#include <pthread.h>

#define REPLACEMENT         "\xef\xbf\xbd" /* U+FFFD */
#define MAX_ID_BYTES        998            /* a Message-ID we keep */
#define MAX_FILE_NAME_BYTES 255
#define MAX_CONVERT_IN      (4 * HELPO_MAX_COMMENT_BYTES) /* body bytes converted at most */

struct priv {
	void **mem; /* free() */
	size_t nmem, capmem;
	void **gmem; /* g_free() */
	size_t ngmem, capgmem;
	bool oom;
	int parts;
	struct desk_email_addr to[HELPO_MAX_MAIL_ADDRESSES], cc[HELPO_MAX_MAIL_ADDRESSES];
	const char *refs[HELPO_MAX_REFERENCES];
	struct desk_email_att atts[HELPO_MAX_ATTACHMENTS];
	struct buf text, html; /* body parts gathered while walking */
	bool have_text, have_html;
	struct buf utf7text; /* UTF-7 HTML, decoded, used only as plain text */
};

/* What one parse is working on. */
struct ctx {
	struct mail_msg *m;
	struct priv *p;
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static GMimeParserOptions *popts;

static void init_gmime(void)
{
	static const char *fallback[] = {"utf-8", "windows-1252", NULL};
	g_mime_init();
	popts = g_mime_parser_options_new();
	g_mime_parser_options_set_address_compliance_mode(popts, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(popts, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_rfc2047_compliance_mode(popts, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_allow_addresses_without_domain(popts, FALSE);
	g_mime_parser_options_set_fallback_charsets(popts, fallback);
}

void mail_init(void)
{
	pthread_once(&init_once, init_gmime);
}

/* ---- storage ---- */

/* Records ptr (malloc'd) to be freed with the message; returns it, or NULL (oom set). */
static void *keep(struct priv *p, void *ptr)
{
	if (!ptr) {
		p->oom = true;
		return NULL;
	}
	if (p->nmem == p->capmem) {
		size_t cap = p->capmem ? p->capmem * 2 : 32;
		void **n = realloc(p->mem, cap * sizeof *n);
		if (!n) {
			free(ptr);
			p->oom = true;
			return NULL;
		}
		p->mem = n;
		p->capmem = cap;
	}
	p->mem[p->nmem++] = ptr;
	return ptr;
}

/* Same for memory GLib allocated (freed with g_free). */
static void *gkeep(struct priv *p, void *ptr)
{
	if (!ptr)
		return NULL;
	if (p->ngmem == p->capgmem) {
		size_t cap = p->capgmem ? p->capgmem * 2 : 16;
		void **n = realloc(p->gmem, cap * sizeof *n);
		if (!n) {
			g_free(ptr);
			p->oom = true;
			return NULL;
		}
		p->gmem = n;
		p->capgmem = cap;
	}
	p->gmem[p->ngmem++] = ptr;
	return ptr;
}

/* ---- UTF-8 cleaning ---- */

/* Length of a valid UTF-8 sequence at s (n bytes left), 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t len;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (n < len || !text_utf8_valid((const char *)s, len))
		return 0;
	return len;
}

enum clean_mode {
	CLEAN_BODY, /* keep \n and \t; CRLF and bare CR become \n; NUL becomes U+FFFD */
	CLEAN_LINE, /* one line: controls removed, whitespace runs become one space, trimmed */
};

/* Bidi overrides and isolates (U+202A..U+202E, U+2066..U+2069): they disguise file names. */
static bool is_bidi_control(const unsigned char *s, size_t len)
{
	if (len != 3 || s[0] != 0xe2)
		return false;
	return (s[1] == 0x80 && s[2] >= 0xaa && s[2] <= 0xae) ||
	       (s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9);
}

/*
 * Appends len bytes of s to b as valid UTF-8: invalid sequences and NULs become U+FFFD, other
 * controls are dropped (see enum clean_mode). Stops quietly at b's cap (returns 1 then).
 */
static int clean_into(struct buf *b, const char *str, size_t len, enum clean_mode mode)
{
	const unsigned char *s = (const unsigned char *)str, *e = s + len;
	bool space = mode == CLEAN_LINE && b->len == 0; /* drop leading spaces in a line */
	while (s < e) {
		size_t n = utf8_seq(s, (size_t)(e - s));
		int rc = 0;
		if (n == 0 || *s == 0) {
			rc = buf_adds(b, REPLACEMENT);
			space = false;
			s++;
		} else if (n == 1 && (*s < 0x20 || *s == 0x7f)) {
			if (mode == CLEAN_BODY) {
				if (*s == '\r') {
					rc = buf_addc(b, '\n');
					if (s + 1 < e && s[1] == '\n')
						s++;
				} else if (*s == '\n' || *s == '\t')
					rc = buf_addc(b, (char)*s);
			} else if ((*s == '\t' || *s == '\n' || *s == '\r') && !space) {
				rc = buf_addc(b, ' ');
				space = true;
			}
			s++;
		} else if (n == 2 && s[0] == 0xc2 && s[1] < 0xa0) {
			s += 2; /* C1 controls */
		} else if (mode == CLEAN_LINE && is_bidi_control(s, n)) {
			s += n;
		} else if (mode == CLEAN_LINE && *s == ' ') {
			if (!space)
				rc = buf_addc(b, ' ');
			space = true;
			s++;
		} else {
			/* never cut a character in half at the cap */
			if (b->len + n > b->max)
				return 1;
			rc = buf_add(b, s, n);
			space = false;
			s += n;
		}
		if (rc == HELPO_ETOOBIG)
			return 1;
		if (rc)
			return rc;
	}
	if (mode == CLEAN_LINE)
		while (b->len && b->data[b->len - 1] == ' ')
			b->data[--b->len] = '\0';
	return 0;
}

/* A kept, cleaned copy of s (NULL stays NULL; "" when s is empty). */
static const char *clean(struct ctx *c, const char *s, size_t len, enum clean_mode mode, size_t max)
{
	struct buf b = BUF_INIT(max);
	int rc;
	if (!s)
		return NULL;
	rc = clean_into(&b, s, len, mode);
	if (rc < 0) {
		buf_release(&b);
		c->p->oom = true;
		return NULL;
	}
	if (rc == 1)
		c->m->email.truncated = true;
	if (b.cap == 0) /* still the shared empty string */
		return "";
	return keep(c->p, buf_detach(&b, NULL));
}

static const char *clean_line(struct ctx *c, const char *s, size_t max)
{
	return s ? clean(c, s, strlen(s), CLEAN_LINE, max) : NULL;
}

/* ---- charsets ---- */

static bool cs_is(const char *cs, const char *const *names)
{
	for (; *names; names++)
		if (!g_ascii_strcasecmp(cs, *names))
			return true;
	return false;
}

static bool cs_utf7(const char *cs)
{
	static const char *const n[] = {"utf-7", "utf7", "unicode-1-1-utf-7", "x-utf-7", NULL};
	return cs && cs_is(cs, n);
}

/* Charsets whose bytes cannot be mistaken for UTF-8 (or vice versa). */
static bool cs_wide(const char *cs)
{
	return cs && (!g_ascii_strncasecmp(cs, "utf-16", 6) ||
	              !g_ascii_strncasecmp(cs, "utf-32", 6) || !g_ascii_strncasecmp(cs, "ucs", 3));
}

/* Converts with iconv into out; undecodable bytes become U+FFFD. HELPO_EINVAL when iconv does
 * not know the charset. */
static int iconv_into(struct buf *out, const char *charset, const char *in, size_t len)
{
	iconv_t cd = iconv_open("UTF-8", charset);
	char ob[8192], *ip = (char *)in, *op;
	size_t il = len, ol;
	int rc = 0;
	if (cd == (iconv_t)-1)
		return HELPO_EINVAL;
	while (il > 0 && rc == 0) {
		size_t r;
		op = ob;
		ol = sizeof ob;
		r = iconv(cd, &ip, &il, &op, &ol);
		rc = buf_add(out, ob, (size_t)(op - ob));
		if (r == (size_t)-1 && rc == 0) {
			if (errno == E2BIG)
				continue;
			/* EILSEQ, EINVAL (truncated sequence): one replacement, skip a byte */
			rc = buf_adds(out, REPLACEMENT);
			ip++;
			il--;
			iconv(cd, NULL, NULL, NULL, NULL);
		}
	}
	op = ob;
	ol = sizeof ob;
	if (rc == 0 && iconv(cd, NULL, NULL, &op, &ol) != (size_t)-1)
		rc = buf_add(out, ob, (size_t)(op - ob));
	iconv_close(cd);
	return rc == HELPO_ETOOBIG ? 0 : rc;
}

/*
 * Raw body bytes in `charset` (may be NULL) to UTF-8 in out (not yet cleaned). Valid UTF-8 is
 * taken as UTF-8 whatever is declared (except wide charsets and UTF-7); an unknown charset
 * falls back to windows-1252.
 */
static int to_utf8(struct buf *out, const char *charset, const char *in, size_t len)
{
	const char *ic;
	int rc;
	if (!cs_wide(charset) && !cs_utf7(charset) && text_utf8_valid(in, len))
		return buf_add(out, in, len) == HELPO_ENOMEM ? HELPO_ENOMEM : 0;
	if (!charset || !*charset)
		return iconv_into(out, "WINDOWS-1252", in, len);
	ic = g_mime_charset_iconv_name(charset);
	if (!g_ascii_strcasecmp(charset, "us-ascii") || !g_ascii_strcasecmp(charset, "ascii"))
		ic = "WINDOWS-1252"; /* 8-bit bytes under "us-ascii": the usual lie */
	rc = iconv_into(out, ic ? ic : charset, in, len);
	if (rc == HELPO_EINVAL)
		rc = iconv_into(out, "WINDOWS-1252", in, len);
	return rc;
}

/* ---- GMime helpers ---- */

/* The decoded content of a leaf part. Caller frees with g_byte_array_free. */
static GByteArray *part_bytes(GMimePart *part)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *s = g_mime_stream_mem_new();
	GByteArray *a;
	if (w)
		g_mime_data_wrapper_write_to_stream(w, s);
	a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(s), FALSE);
	g_object_unref(s);
	return a;
}

/* Lower-case "type/subtype" of an object, kept; "application/octet-stream" when odd. */
static const char *mime_type(struct ctx *c, GMimeObject *o)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	char *t = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
	size_t len;
	bool ok = t != NULL;
	if (t) {
		len = strlen(t);
		for (size_t i = 0; i < len; i++) {
			unsigned char ch = (unsigned char)t[i];
			if (ch <= ' ' || ch >= 0x7f || strchr("()<>@,;:\\\"[]?=", ch))
				ok = false;
			t[i] = (char)g_ascii_tolower(t[i]);
		}
		if (len > 127 || !strchr(t, '/'))
			ok = false;
	}
	if (!ok) {
		g_free(t);
		return "application/octet-stream";
	}
	return gkeep(c->p, t) ? t : "application/octet-stream";
}

static bool type_is(GMimeObject *o, const char *type, const char *subtype)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	const char *t, *s;
	if (!ct)
		return false;
	t = g_mime_content_type_get_media_type(ct);
	s = g_mime_content_type_get_media_subtype(ct);
	return t && s && !g_ascii_strcasecmp(t, type) &&
	       (!subtype || !g_ascii_strcasecmp(s, subtype));
}

/* A display-safe file name: decoded, cleaned, no directories or drive, never "." or "..". */
static const char *file_name(struct ctx *c, const char *raw)
{
	const char *base, *s;
	char *dup;
	size_t len;
	if (!raw)
		return "";
	base = raw;
	for (s = raw; *s; s++)
		if (*s == '/' || *s == '\\')
			base = s + 1;
	if (g_ascii_isalpha(base[0]) && base[1] == ':')
		base += 2;
	dup = g_strdup(base);
	len = strlen(dup);
	while (len && (dup[len - 1] == '.' || dup[len - 1] == ' '))
		dup[--len] = '\0';
	s = clean_line(c, dup, MAX_FILE_NAME_BYTES);
	g_free(dup);
	if (!s)
		return "";
	while (*s == '.') /* no hidden files or "..": display names only */
		s++;
	return s;
}

/* Adds an attachment; past the count or size limit the part is dropped (truncated). The byte
 * array is consumed. */
static void attach(struct ctx *c, const char *name, const char *type, const char *cid,
                   bool is_inline, GByteArray *a)
{
	struct desk_email *e = &c->m->email;
	struct desk_email_att *at;
	size_t size = a->len;
	void *data;
	if (e->natts >= HELPO_MAX_ATTACHMENTS || size > HELPO_MAX_ATTACHMENT_BYTES) {
		e->truncated = true;
		g_byte_array_free(a, TRUE);
		return;
	}
	data = g_byte_array_free(a, FALSE);
	if (data && !gkeep(c->p, data))
		return;
	at = &c->p->atts[e->natts++];
	at->file_name = name ? name : "";
	at->content_type = type;
	at->content_id = cid && *cid ? cid : NULL;
	at->is_inline = is_inline;
	at->data = data ? data : "";
	at->size = size;
}

/* ---- bounces ---- */

/* The first Status: field of a message/delivery-status body, e.g. "5.1.1". */
static void bounce_status(struct ctx *c, const char *s, size_t len)
{
	const char *e = s + len, *line = s;
	while (line < e && !c->m->email.bounce_status) {
		const char *nl = memchr(line, '\n', (size_t)(e - line));
		const char *end = nl ? nl : e;
		if (end - line > 7 && !g_ascii_strncasecmp(line, "Status:", 7)) {
			const char *v = line + 7, *w;
			char st[32];
			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			for (w = v; w < end && (g_ascii_isdigit(*w) || *w == '.'); w++)
				;
			if (w - v >= 5 && w - v < (ptrdiff_t)sizeof st && strchr("245", *v) &&
			    v[1] == '.') {
				snprintf(st, sizeof st, "%.*s", (int)(w - v), v);
				c->m->email.bounce_status = clean_line(c, st, sizeof st);
			}
		}
		line = nl ? nl + 1 : e;
	}
}

static const char *clean_id(struct ctx *c, const char *id);

/* Message-ID of returned headers (text/rfc822-headers). */
static void bounce_headers(struct ctx *c, GByteArray *a)
{
	GMimeStream *s;
	GMimeParser *parser;
	GMimeMessage *msg;
	if (c->m->email.bounce_message_id)
		return;
	g_byte_array_append(a, (const guint8 *)"\n\n", 2);
	s = g_mime_stream_mem_new_with_buffer((const char *)a->data, a->len);
	parser = g_mime_parser_new_with_stream(s);
	msg = g_mime_parser_construct_message(parser, popts);
	if (msg) {
		c->m->email.bounce_message_id = clean_id(c, g_mime_message_get_message_id(msg));
		g_object_unref(msg);
	}
	g_object_unref(parser);
	g_object_unref(s);
}

/* ---- walking the MIME tree ---- */

/* Appends a text or html body part (converted, cleaned) to dst. */
static void add_body(struct ctx *c, struct buf *dst, bool *have, GByteArray *a, const char *cs)
{
	struct buf u = BUF_INIT(HELPO_MAX_COMMENT_BYTES * 4 + 16);
	size_t len = a->len;
	int rc;
	if (len > MAX_CONVERT_IN) {
		len = MAX_CONVERT_IN;
		c->m->email.truncated = true;
	}
	rc = to_utf8(&u, cs, a->data ? (const char *)a->data : "", len);
	if (rc == HELPO_ENOMEM) {
		c->p->oom = true;
		buf_release(&u);
		return;
	}
	if (*have && dst->len && buf_addc(dst, '\n') == HELPO_ETOOBIG)
		c->m->email.truncated = true;
	rc = clean_into(dst, u.data, u.len, CLEAN_BODY);
	if (rc == 1)
		c->m->email.truncated = true;
	else if (rc)
		c->p->oom = true;
	*have = true;
	buf_release(&u);
}

static void leaf(struct ctx *c, GMimeObject *o, bool in_report)
{
	GMimePart *part = GMIME_PART(o);
	const char *disp = g_mime_object_get_disposition(o);
	const char *fname = g_mime_part_get_filename(part);
	const char *cid = g_mime_object_get_content_id(o);
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	const char *cs = ct ? g_mime_content_type_get_parameter(ct, "charset") : NULL;
	bool is_attachment = disp && !g_ascii_strcasecmp(disp, "attachment");
	bool is_inline = !is_attachment && ((disp && !g_ascii_strcasecmp(disp, "inline")) || cid);
	GByteArray *a = part_bytes(part);

	if (in_report && (type_is(o, "message", "delivery-status") ||
	                  type_is(o, "message", "global-delivery-status")))
		bounce_status(c, (const char *)a->data, a->len);
	if (in_report &&
	    (type_is(o, "text", "rfc822-headers") || type_is(o, "message", "global-headers")))
		bounce_headers(c, a);

	if (!is_attachment && !fname && type_is(o, "text", "plain")) {
		add_body(c, &c->p->text, &c->p->have_text, a, cs);
		g_byte_array_free(a, TRUE);
		return;
	}
	if (!is_attachment && !fname && type_is(o, "text", "html")) {
		if (cs_utf7(cs)) /* UTF-7 HTML: decoded to text and shown only as text */
			add_body(c, &c->p->utf7text, &(bool){false}, a, cs);
		else
			add_body(c, &c->p->html, &c->p->have_html, a, cs);
		g_byte_array_free(a, TRUE);
		return;
	}
	attach(c, file_name(c, fname), mime_type(c, o), clean_line(c, cid, MAX_ID_BYTES), is_inline,
	       a);
}

/* A message/rfc822 part: kept as an .eml attachment (its text is not this message's text). */
static void message_part(struct ctx *c, GMimeObject *o, bool in_report)
{
	GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));
	GMimeStream *s;
	GByteArray *a;
	const char *name = NULL;
	if (in_report && inner && !c->m->email.bounce_message_id)
		c->m->email.bounce_message_id = clean_id(c, g_mime_message_get_message_id(inner));
	s = g_mime_stream_mem_new();
	if (inner)
		g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, s);
	a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(s), FALSE);
	g_object_unref(s);
	{
		const char *fn = g_mime_object_get_content_disposition(o)
		                     ? g_mime_content_disposition_get_parameter(
		                           g_mime_object_get_content_disposition(o), "filename")
		                     : NULL;
		name = fn ? file_name(c, fn) : "message.eml";
		if (!name || !*name)
			name = "message.eml";
	}
	attach(c, name, "message/rfc822", NULL, false, a);
}

static void walk(struct ctx *c, GMimeObject *o, int depth, bool in_report)
{
	struct desk_email *e = &c->m->email;
	if (!o || c->p->oom)
		return;
	if (c->p->parts >= HELPO_MAX_MIME_PARTS || depth > HELPO_MAX_MIME_DEPTH) {
		e->truncated = true;
		return;
	}
	c->p->parts++;
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = GMIME_MULTIPART(o);
		int n = g_mime_multipart_get_count(mp);
		bool report = false;
		if (type_is(o, "multipart", "report")) {
			const char *rt = g_mime_content_type_get_parameter(
			    g_mime_object_get_content_type(o), "report-type");
			if (rt && (!g_ascii_strcasecmp(rt, "delivery-status") ||
			           !g_ascii_strcasecmp(rt, "global-delivery-status"))) {
				report = true;
				e->is_bounce = true;
			}
		}
		for (int i = 0; i < n && !c->p->oom; i++)
			walk(c, g_mime_multipart_get_part(mp, i), depth + 1, report);
	} else if (GMIME_IS_MESSAGE_PART(o)) {
		message_part(c, o, in_report);
	} else if (GMIME_IS_PART(o)) {
		leaf(c, o, in_report);
	}
}

/* ---- headers ---- */

/* A Message-ID without <>, cleaned; NULL when empty or unusable. */
static const char *clean_id(struct ctx *c, const char *id)
{
	const char *s;
	if (!id)
		return NULL;
	while (*id == '<' || *id == ' ' || *id == '\t')
		id++;
	for (s = id; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == '<' || *s == '>' || *s == 0x7f)
			break;
	if (s == id || s - id > MAX_ID_BYTES)
		return NULL;
	{
		char tmp[MAX_ID_BYTES + 1];
		snprintf(tmp, sizeof tmp, "%.*s", (int)(s - id), id);
		return clean_line(c, tmp, MAX_ID_BYTES);
	}
}

/* Adds the mailboxes of one parsed list (groups flattened) to arr, which holds cap. */
static void add_addresses(struct ctx *c, InternetAddressList *l, struct desk_email_addr *arr,
                          int *n, int cap, int depth)
{
	int count = l ? internet_address_list_length(l) : 0;
	for (int i = 0; i < count; i++) {
		InternetAddress *ia = internet_address_list_get_address(l, i);
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			if (depth < 4)
				add_addresses(
				    c,
				    internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)),
				    arr, n, cap, depth + 1);
			continue;
		}
		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		if (*n >= cap) {
			c->m->email.truncated = true;
			return;
		}
		{
			const char *addr =
			    internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
			char *lc;
			if (!addr || strlen(addr) > HELPO_MAX_EMAIL_BYTES ||
			    !text_utf8_valid(addr, strlen(addr)))
				continue;
			lc = keep(c->p, strdup(addr));
			if (!lc || text_email_normalize(lc))
				continue;
			for (int j = 0; j < *n; j++)
				if (!strcmp(arr[j].email, lc))
					goto next;
			arr[*n].email = lc;
			arr[*n].name =
			    clean_line(c, internet_address_get_name(ia), HELPO_MAX_NAME_BYTES);
			if (!arr[*n].name)
				arr[*n].name = "";
			(*n)++;
		}
	next:;
	}
}

/* Parses every header called name as an address list (structure first, names decoded after). */
static void addresses(struct ctx *c, GMimeHeaderList *hl, const char *name,
                      struct desk_email_addr *arr, int *n, int cap)
{
	int count = g_mime_header_list_get_count(hl);
	for (int i = 0; i < count; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *raw;
		InternetAddressList *l;
		if (g_ascii_strcasecmp(g_mime_header_get_name(h), name))
			continue;
		raw = g_mime_header_get_raw_value(h);
		if (!raw)
			continue;
		l = internet_address_list_parse(popts, raw);
		if (l) {
			add_addresses(c, l, arr, n, cap, 0);
			g_object_unref(l);
		}
	}
}

static const char *header(GMimeObject *o, const char *name)
{
	return g_mime_object_get_header(o, name);
}

/* Trimmed, lower-cased first token of a header value ("auto-replied; x" → "auto-replied"). */
static void header_token(GMimeObject *o, const char *name, char *out, size_t cap)
{
	const char *v = header(o, name);
	size_t n = 0;
	out[0] = '\0';
	if (!v)
		return;
	while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
		v++;
	while (*v && *v != ';' && *v != ' ' && *v != '\t' && *v != '\r' && *v != '\n' &&
	       n + 1 < cap)
		out[n++] = (char)g_ascii_tolower(*v++);
	out[n] = '\0';
}

static bool auto_submitted(GMimeObject *o)
{
	char t[64];
	const char *v;
	header_token(o, "Auto-Submitted", t, sizeof t);
	if (header(o, "Auto-Submitted") && strcmp(t, "no"))
		return true;
	header_token(o, "Precedence", t, sizeof t);
	if (!strcmp(t, "bulk") || !strcmp(t, "junk") || !strcmp(t, "list"))
		return true;
	if (header(o, "List-Id") || header(o, "X-Autoreply") || header(o, "X-Autorespond"))
		return true;
	if ((v = header(o, "Return-Path"))) {
		char compact[8];
		size_t n = 0;
		for (; *v && n < sizeof compact - 1; v++)
			if (*v != ' ' && *v != '\t' && *v != '\r' && *v != '\n')
				compact[n++] = *v;
		compact[n] = '\0';
		if (!strcmp(compact, "<>"))
			return true;
	}
	{
		GMimeHeaderList *hl = g_mime_object_get_header_list(o);
		int count = g_mime_header_list_get_count(hl);
		for (int i = 0; i < count; i++) {
			GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
			const char *val = g_mime_header_get_value(h);
			if (!g_ascii_strcasecmp(g_mime_header_get_name(h), "X-Loop") && val) {
				char *lc = g_ascii_strdown(val, -1);
				bool ours = strstr(lc, "helpo") != NULL;
				g_free(lc);
				if (ours)
					return true;
			}
		}
	}
	return false;
}

/* In-Reply-To (first id) and References (the first and the newest, HELPO_MAX_REFERENCES). */
static void references(struct ctx *c, GMimeObject *o)
{
	struct desk_email *e = &c->m->email;
	const char *v = header(o, "In-Reply-To");
	GMimeReferences *r;
	if (v && (r = g_mime_references_parse(popts, v))) {
		if (g_mime_references_length(r) > 0)
			e->in_reply_to = clean_id(c, g_mime_references_get_message_id(r, 0));
		g_mime_references_free(r);
	}
	v = header(o, "References");
	if (v && (r = g_mime_references_parse(popts, v))) {
		int n = g_mime_references_length(r), start = 0;
		if (n > HELPO_MAX_REFERENCES)
			start = n - (HELPO_MAX_REFERENCES - 1);
		for (int i = 0; i < n && e->nrefs < HELPO_MAX_REFERENCES; i++) {
			const char *id;
			if (i > 0 && i < start)
				continue;
			id = clean_id(c, g_mime_references_get_message_id(r, i));
			if (id)
				c->p->refs[e->nrefs++] = id;
		}
		g_mime_references_free(r);
	}
}

/* ---- header block limit ---- */

/*
 * When the header block is larger than HELPO_MAX_MAIL_HEADER_BYTES, returns a malloc'd copy of
 * the message whose header block keeps the whole fields that fit, followed by the body.
 * Returns NULL when nothing needs cutting (or on OOM, with *oom set).
 */
static char *cut_headers(const char *raw, size_t len, size_t *outlen, bool *oom)
{
	size_t pos = 0, end, keep_to = 0;
	struct buf b = BUF_INIT(len);
	bool blank = false;
	/* find the end of the header block: the first empty line */
	while (pos < len) {
		const char *nl = memchr(raw + pos, '\n', len - pos);
		size_t next = nl ? (size_t)(nl - raw) + 1 : len;
		if (next - pos == 1 || (next - pos == 2 && raw[pos] == '\r')) {
			blank = true;
			break;
		}
		pos = next;
	}
	end = pos; /* header block is raw[0, end) */
	if (end <= HELPO_MAX_MAIL_HEADER_BYTES)
		return NULL;
	/* keep_to: the end of the last whole field (line + continuation lines) that fits */
	pos = 0;
	while (pos < end) {
		const char *nl = memchr(raw + pos, '\n', end - pos);
		size_t next = nl ? (size_t)(nl - raw) + 1 : end;
		pos = next;
		if (next < end && (raw[next] == ' ' || raw[next] == '\t'))
			continue; /* the field continues */
		if (next > HELPO_MAX_MAIL_HEADER_BYTES)
			break;
		keep_to = next;
	}
	if (buf_add(&b, raw, keep_to) ||
	    (blank ? buf_add(&b, raw + end, len - end) : buf_add(&b, "\n", 1))) {
		buf_release(&b);
		*oom = true;
		return NULL;
	}
	if (b.cap == 0) {
		*outlen = 0;
		return strdup("");
	}
	return buf_detach(&b, outlen);
}

/* ---- text_trimmed ---- */

static bool ends_with_marker(const char *s, size_t len)
{
	static const char *const m[] = {
	    "wrote:",      "rakstīja:",  "rašė:",    "написал:",  "написала:",
	    "написал(а):", "skribis:",   "schrieb:", "a écrit :", "a écrit:",
	    "escribió:",   "kirjoitti:", "napisał:", "пишет:",    NULL};
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	for (const char *const *p = m; *p; p++) {
		size_t n = strlen(*p);
		if (len >= n && !memcmp(s + len - n, *p, n))
			return true;
	}
	return false;
}

static bool starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && !memcmp(s, prefix, n);
}

/* Offset where the quoted reply or signature starts in text, or len when none. */
static size_t quote_start(const char *text, size_t len)
{
	size_t pos = 0, prev = (size_t)-1, quote_run = (size_t)-1;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t next = nl ? (size_t)(nl - text) + 1 : len;
		const char *l = text + pos;
		size_t ll = (nl ? (size_t)(nl - text) : len) - pos, t = 0;
		while (t < ll && (l[t] == ' ' || l[t] == '\t'))
			t++;
		if (ll == 3 && !memcmp(l, "-- ", 3))
			return pos;
		if ((ll == 2 && !memcmp(l, "--", 2)))
			return pos;
		if (starts_with(l + t, ll - t, "-----Original Message-----") ||
		    starts_with(l + t, ll - t, "----- Original Message -----") ||
		    starts_with(l + t, ll - t, "-----Ursprüngliche Nachricht-----") ||
		    starts_with(l + t, ll - t, "-------- Forwarded Message --------") ||
		    starts_with(l + t, ll - t, "-------- Original Message --------"))
			return pos;
		if (ll - t >= 20 && starts_with(l + t, ll - t, "____________________") &&
		    next < len && starts_with(text + next, len - next, "From:"))
			return pos;
		if (ll > t && l[t] != '>' && ends_with_marker(l, ll)) {
			/* "On Mon, ... <a@b>\nwrote:" wraps: the header starts on the line before
			 */
			if (prev != (size_t)-1 &&
			    (ll - t <= 14 || starts_with(text + prev, pos - prev, "On ") ||
			     starts_with(text + prev, pos - prev, "Am ") ||
			     starts_with(text + prev, pos - prev, "Le ")))
				return prev;
			return pos;
		}
		if (ll > t && l[t] == '>') {
			if (quote_run == (size_t)-1)
				quote_run = pos;
		} else if (ll > t) {
			quote_run = (size_t)-1;
		}
		prev = ll > t ? pos : (size_t)-1; /* the line just before, when not blank */
		pos = next;
	}
	return quote_run != (size_t)-1 ? quote_run : len;
}

static const char *trim_text(struct ctx *c, const char *text)
{
	size_t len = strlen(text), cut = quote_start(text, len);
	char *t;
	while (cut > 0 && (text[cut - 1] == '\n' || text[cut - 1] == ' ' || text[cut - 1] == '\t'))
		cut--;
	{
		size_t lead = 0;
		while (lead < cut &&
		       (text[lead] == '\n' || text[lead] == ' ' || text[lead] == '\t'))
			lead++;
		if (lead == cut) /* trimming would leave nothing: keep it whole */
			return text;
	}
	if (cut == len)
		return text;
	t = keep(c->p, strndup(text, cut));
	return t ? t : text;
}

/* ---- the message ---- */

static void fill(struct ctx *c, GMimeMessage *msg)
{
	struct desk_email *e = &c->m->email;
	struct priv *p = c->p;
	GMimeObject *o = GMIME_OBJECT(msg);
	GMimeHeaderList *hl = g_mime_object_get_header_list(o);
	GDateTime *dt;
	struct desk_email_addr from[4];
	int nfrom = 0;

	addresses(c, hl, "From", from, &nfrom, (int)ARRAY_SIZE(from));
	if (nfrom == 0)
		addresses(c, hl, "Sender", from, &nfrom, (int)ARRAY_SIZE(from));
	if (nfrom > 0)
		e->from = from[0];
	addresses(c, hl, "To", p->to, &e->nto, HELPO_MAX_MAIL_ADDRESSES);
	addresses(c, hl, "Cc", p->cc, &e->ncc, HELPO_MAX_MAIL_ADDRESSES);
	e->to = p->to;
	e->cc = p->cc;

	e->subject = clean_line(c, g_mime_message_get_subject(msg), HELPO_MAX_SUBJECT_BYTES);
	e->message_id = clean_id(c, g_mime_message_get_message_id(msg));
	references(c, o);
	e->references = p->refs;
	if ((dt = g_mime_message_get_date(msg)))
		e->date = (int64_t)g_date_time_to_unix(dt) * 1000;

	walk(c, g_mime_message_get_mime_part(msg), 0, false);
	e->auto_submitted = e->is_bounce || auto_submitted(o);
}

static void finish_bodies(struct ctx *c)
{
	struct desk_email *e = &c->m->email;
	struct priv *p = c->p;
	if (p->have_html && p->html.len) {
		char *h = buf_detach(&p->html, NULL);
		e->html = keep(p, h);
	}
	if (p->have_text) {
		e->text = p->text.cap ? keep(p, buf_detach(&p->text, NULL)) : "";
	} else if (p->utf7text.len) {
		e->text = keep(p, buf_detach(&p->utf7text, NULL));
	} else if (e->html) {
		char *t = html_to_text(e->html, strlen(e->html));
		if (t) {
			e->text = clean(c, t, strlen(t), CLEAN_BODY, HELPO_MAX_COMMENT_BYTES);
			free(t);
		} else
			p->oom = true;
	}
	if (!e->text)
		e->text = "";
	else if (*e->text) { /* no trailing blank lines or spaces */
		char *t = (char *)e->text;
		size_t n = strlen(t);
		while (n && (t[n - 1] == '\n' || t[n - 1] == ' ' || t[n - 1] == '\t'))
			t[--n] = '\0';
	}
	e->text_trimmed = trim_text(c, e->text);
}

int mail_parse(const void *raw, size_t len, const char *mailbox, struct mail_msg **out)
{
	struct mail_msg *m;
	struct priv *p;
	struct ctx c;
	char *cut = NULL;
	size_t cutlen = 0;
	bool oom = false;
	GMimeStream *s;
	GMimeParser *parser;
	GMimeMessage *msg;

	*out = NULL;
	mail_init();
	m = calloc(1, sizeof *m);
	p = calloc(1, sizeof *p);
	if (!m || !p) {
		free(m);
		free(p);
		return HELPO_ENOMEM;
	}
	m->priv = p;
	buf_init(&p->text, HELPO_MAX_COMMENT_BYTES);
	buf_init(&p->html, HELPO_MAX_COMMENT_BYTES);
	buf_init(&p->utf7text, HELPO_MAX_COMMENT_BYTES);
	c.m = m;
	c.p = p;
	crypto_sha256_hex(raw, len, m->email.ingest_id);
	if (mailbox) {
		char *mb = keep(p, strdup(mailbox));
		if (mb && !text_email_normalize(mb))
			m->email.mailbox = mb;
	}

	cut = cut_headers(raw, len, &cutlen, &oom);
	if (oom)
		p->oom = true;
	if (cut) {
		m->email.truncated = true;
		keep(p, cut);
	}
	s = g_mime_stream_mem_new_with_buffer(cut ? cut : raw, cut ? cutlen : len);
	parser = g_mime_parser_new_with_stream(s);
	msg = g_mime_parser_construct_message(parser, popts);
	if (msg) {
		fill(&c, msg);
		g_object_unref(msg);
	}
	g_object_unref(parser);
	g_object_unref(s);
	finish_bodies(&c);
	m->email.references = p->refs;
	m->email.to = p->to;
	m->email.cc = p->cc;
	m->email.atts = p->atts;
	if (p->oom) {
		mail_msg_free(m);
		return HELPO_ENOMEM;
	}
	*out = m;
	return 0;
}

void mail_msg_free(struct mail_msg *m)
{
	struct priv *p;
	if (!m)
		return;
	p = m->priv;
	if (p) {
		for (size_t i = 0; i < p->nmem; i++)
			free(p->mem[i]);
		for (size_t i = 0; i < p->ngmem; i++)
			g_free(p->gmem[i]);
		free(p->mem);
		free(p->gmem);
		buf_release(&p->text);
		buf_release(&p->html);
		buf_release(&p->utf7text);
		free(p);
	}
	free(m);
}
