/*
 * portal.c — the customer portal: home (/), submit a request (/requests/new), my requests
 * (/requests, /requests/:id with reply and "mark as solved"), sign-in by password (/login) or
 * by a one-time link e-mailed to the customer (/login/link), and sign-out (POST /logout).
 * Server-rendered on page.h (escaping by default, HTTP_CSP_PAGE); works without JavaScript.
 *
 * Decisions (docs/portal.md):
 *   - Reads and writes go through the desk's request functions (desk/request.c) as the
 *     signed-in customer, so a customer sees exactly what the requests API shows them; anything
 *     not visible is a 404 page.
 *   - Forms post application/x-www-form-urlencoded or multipart/form-data (GMime parses the
 *     latter); files are stored like e-mail attachments (same caps, display names only).
 *   - CSRF: a signed-in form carries the session's csrf_token. Anonymous forms (submit, sign
 *     in, e-mail me a link) carry form_token, which must equal the helpo_form cookie
 *     (HttpOnly, SameSite=Strict, random per browser: a double submit that a cross-site page
 *     can neither read nor send); every POST is also refused when Sec-Fetch-Site says
 *     cross-site or Origin names another host.
 *   - Anonymous submission finds or creates the end-user by e-mail (as inbound mail does) but
 *     never signs the submitter in: the answer is always "check your e-mail", whether or not
 *     the address was known, and the confirmation mail carries a one-time sign-in link. An
 *     address that belongs to staff, or to a suspended or deleted account, stores nothing
 *     (same answer). A filled honeypot field stores nothing (same answer).
 *   - Sign-in links: 256-bit random tokens, stored as SHA-256, valid once for
 *     PORTAL_LINK_TTL_MS, only for active end-users; the session is made as POST
 *     /api/v2/sessions makes it (desk_session_create, helpo_session cookie).
 *   - Abuse: per-IP and per-address fixed-window counters (in memory, PORTAL_WINDOW_MS) on
 *     submissions and link requests; password failures share the API's progressive limiter
 *     (http/ratelimit.h); at most one portal mail per address per PORTAL_WINDOW_MS
 *     (portal_mail_log). Over a limit: a 429 page with Retry-After.
 */
#include "portal/page.h"
#include "http/ratelimit.h"
#include "mail/mail.h"
#include "util/crypto.h"
#include "util/i18n.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/text.h"
#include "util/timeutil.h"
#include <ctype.h>
#include <gmime/gmime.h>
#include <pthread.h>

#if defined(__has_include)
#if __has_include("desk/kb.h")
#include "desk/kb.h"
#define HAVE_KB_H 1
#pragma weak desk_kb_deflection_submitted
#endif
#endif

#define PORTAL_WINDOW_MS          (10 * 60 * 1000) /* rate-limit and mail window */
#define PORTAL_SUBMIT_PER_IP      20               /* requests submitted per IP per window */
#define PORTAL_SUBMIT_PER_ADDRESS 5                /* per e-mail address per window */
#define PORTAL_LINK_PER_IP        10               /* sign-in link requests per IP per window */
#define PORTAL_LINK_PER_ADDRESS   5                /* per address per window (mails: 1) */
#define PORTAL_MAILS_PER_WINDOW   1                /* portal mails per address per window */
#define PORTAL_LINK_TTL_MS        (20 * 60 * 1000) /* sign-in link lifetime */
#define PORTAL_MAX_FIELDS         64               /* form fields read from one POST */
#define PORTAL_MAX_FILES          10               /* files attached in one form */
#define PORTAL_PAGE_SIZE          25               /* requests per list page */
#define PORTAL_MAX_LIST_PAGE      1000

/* ---- forms ---- */

struct field {
	char *name, *value; /* value: NUL-terminated, len bytes (files may hold NULs) */
	size_t len;
	char *filename; /* file parts only (may be "") */
	char *ctype;    /* file parts only */
};

struct form {
	struct field f[PORTAL_MAX_FIELDS];
	int n;
};

static void form_release(struct form *f)
{
	for (int i = 0; i < f->n; i++) {
		free(f->f[i].name);
		free(f->f[i].value);
		free(f->f[i].filename);
		free(f->f[i].ctype);
	}
	f->n = 0;
}

/* A text field's value (the first one of that name), or NULL. */
static const char *form_get(const struct form *f, const char *name)
{
	for (int i = 0; i < f->n; i++)
		if (!f->f[i].filename && !strcmp(f->f[i].name, name))
			return f->f[i].value;
	return NULL;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                              : -1;
}

/* Decodes application/x-www-form-urlencoded text ('+' is a space) into a new string. */
static char *url_decode(const char *s, size_t n, size_t *outlen)
{
	char *out = malloc(n + 1);
	size_t o = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+')
			out[o++] = ' ';
		else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		         hexval(s[i + 2]) >= 0) {
			out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	if (outlen)
		*outlen = o;
	return out;
}

static int parse_urlencoded(const char *body, size_t len, struct form *f)
{
	size_t i = 0;
	while (i < len) {
		size_t end = i, eq;
		struct field *fl;
		while (end < len && body[end] != '&')
			end++;
		for (eq = i; eq < end && body[eq] != '='; eq++)
			;
		if (end > i) {
			if (f->n == PORTAL_MAX_FIELDS)
				return HELPO_ETOOBIG;
			fl = &f->f[f->n];
			memset(fl, 0, sizeof *fl);
			fl->name = url_decode(body + i, eq - i, NULL);
			fl->value = eq < end ? url_decode(body + eq + 1, end - eq - 1, &fl->len)
			                     : strdup("");
			f->n++;
			if (!fl->name || !fl->value)
				return HELPO_ENOMEM;
		}
		i = end + 1;
	}
	return 0;
}

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_setup(void)
{
	mail_init(); /* g_mime_init and the parser options of src/mail */
}

/* A parameter of a form-data Content-Disposition as browsers write it (HTML's rules: quoted,
 * with '"' as %22 and backslashes literal, so RFC 2045 unquoting would eat path separators),
 * read from the raw header; a new string or NULL. */
static char *disp_param(const char *h, const char *param)
{
	size_t n = strlen(param);
	for (const char *p = h; p && (p = strstr(p, param)); p += n) {
		const char *q = p + n, *e;
		struct buf v = BUF_INIT(4096);
		if ((p > h && !strchr("; \t", p[-1])) || *q != '=')
			continue;
		q++;
		if (*q == '"') {
			if (!(e = strchr(++q, '"')))
				return NULL;
		} else
			e = q + strcspn(q, "; \t\r\n");
		for (; q < e; q++) {
			if (!strncmp(q, "%22", 3)) {
				buf_addc(&v, '"');
				q += 2;
			} else
				buf_addc(&v, *q);
		}
		return v.data ? buf_detach(&v, NULL) : strdup("");
	}
	return NULL;
}

/* One multipart/form-data part into the form. */
static int multipart_field(GMimeObject *part, struct form *f)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(part);
	GMimeHeader *hd = hl ? g_mime_header_list_get_header(hl, "Content-Disposition") : NULL;
	const char *raw = hd ? g_mime_header_get_raw_value(hd) : NULL;
	char *name = raw ? disp_param(raw, "name") : NULL;
	char *fname = raw ? disp_param(raw, "filename") : NULL;
	GMimeDataWrapper *w;
	GMimeStream *ms;
	GByteArray *ba;
	struct field *fl;
	if (!GMIME_IS_PART(part) || !name || f->n == PORTAL_MAX_FIELDS) {
		free(name);
		free(fname);
		return !name || !GMIME_IS_PART(part) ? 0 : HELPO_ETOOBIG;
	}
	fl = &f->f[f->n++];
	memset(fl, 0, sizeof *fl);
	fl->name = name;
	fl->filename = fname;
	if (fname) {
		GMimeContentType *ct = g_mime_object_get_content_type(part);
		char *mt = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
		fl->ctype = strdup(mt ? mt : "application/octet-stream");
		g_free(mt);
		if (!fl->ctype)
			return HELPO_ENOMEM;
	}
	ms = g_mime_stream_mem_new();
	w = g_mime_part_get_content(GMIME_PART(part));
	if (w)
		g_mime_data_wrapper_write_to_stream(w, ms);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(ms));
	fl->len = ba ? ba->len : 0;
	fl->value = malloc(fl->len + 1);
	if (fl->value) {
		if (fl->len)
			memcpy(fl->value, ba->data, fl->len);
		fl->value[fl->len] = '\0';
	}
	g_object_unref(ms);
	return fl->name && fl->value ? 0 : HELPO_ENOMEM;
}

static int parse_multipart(const char *ctype, const char *body, size_t len, struct form *f)
{
	struct buf hdr = BUF_INIT(4096);
	GMimeStream *s;
	GMimeParser *parser;
	GMimeObject *o;
	int rc = 0;
	pthread_once(&gmime_once, gmime_setup);
	if (strpbrk(ctype, "\r\n") || buf_addf(&hdr, "Content-Type: %s\r\n\r\n", ctype)) {
		buf_release(&hdr);
		return HELPO_EINVAL;
	}
	s = g_mime_stream_mem_new();
	g_mime_stream_write(s, hdr.data, hdr.len);
	g_mime_stream_write(s, body, len);
	g_mime_stream_seek(s, 0, GMIME_STREAM_SEEK_SET);
	buf_release(&hdr);
	parser = g_mime_parser_new_with_stream(s);
	o = g_mime_parser_construct_part(parser, NULL);
	if (!o || !GMIME_IS_MULTIPART(o))
		rc = HELPO_EINVAL;
	else {
		GMimeMultipart *mp = GMIME_MULTIPART(o);
		int n = g_mime_multipart_get_count(mp);
		for (int i = 0; i < n && !rc; i++)
			rc = multipart_field(g_mime_multipart_get_part(mp, i), f);
	}
	if (o)
		g_object_unref(o);
	g_object_unref(parser);
	g_object_unref(s);
	return rc;
}

/* Reads the POST body by its Content-Type. Text fields must be UTF-8. */
static int read_form(struct http_req *r, struct form *f)
{
	const char *ct = http_header(r, "Content-Type");
	int rc;
	memset(f, 0, sizeof *f);
	if (!ct)
		return HELPO_EINVAL;
	if (!strncasecmp(ct, "application/x-www-form-urlencoded", 33))
		rc = parse_urlencoded(r->body ? r->body : "", r->body_len, f);
	else if (!strncasecmp(ct, "multipart/form-data", 19))
		rc = parse_multipart(ct, r->body ? r->body : "", r->body_len, f);
	else
		rc = HELPO_EINVAL;
	for (int i = 0; !rc && i < f->n; i++)
		if (!text_utf8_valid(f->f[i].name, strlen(f->f[i].name)) ||
		    (!f->f[i].filename && (strlen(f->f[i].value) != f->f[i].len ||
		                           !text_utf8_valid(f->f[i].value, f->f[i].len))))
			rc = HELPO_EINVAL;
	return rc;
}

/* ---- abuse limits: fixed-window counters shared by the worker threads ---- */

#define RL_SLOTS 4096
#define RL_PROBE 8

struct rl_slot {
	char key[300];
	int64_t start;
	int count;
};

static struct rl_slot rl_tab[RL_SLOTS];
static pthread_mutex_t rl_mu = PTHREAD_MUTEX_INITIALIZER;

/* Counts one hit on key; 0 while within limit, else the seconds until the window ends. */
static int rl_hit(const char *key, int limit, int64_t now)
{
	uint32_t h = 2166136261u;
	struct rl_slot *s = NULL, *victim = NULL;
	int wait = 0;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 16777619u;
	pthread_mutex_lock(&rl_mu);
	for (int i = 0; i < RL_PROBE; i++) {
		struct rl_slot *c = &rl_tab[(h + (uint32_t)i) % RL_SLOTS];
		bool free_c = !c->key[0] || now - c->start >= PORTAL_WINDOW_MS;
		bool free_v =
		    victim && (!victim->key[0] || now - victim->start >= PORTAL_WINDOW_MS);
		if (!strcmp(c->key, key)) {
			s = c;
			break;
		}
		/* reuse an empty or expired slot, else the one whose window started first */
		if (!victim || (free_c && !free_v) ||
		    (!free_c && !free_v && c->start < victim->start))
			victim = c;
	}
	if (!s) {
		s = victim;
		snprintf(s->key, sizeof s->key, "%s", key);
		s->start = now;
		s->count = 0;
	} else if (now - s->start >= PORTAL_WINDOW_MS) {
		s->start = now;
		s->count = 0;
	}
	if (++s->count > limit) {
		wait = (int)((s->start + PORTAL_WINDOW_MS - now + 999) / 1000);
		wait = wait > 0 ? wait : 1;
	}
	pthread_mutex_unlock(&rl_mu);
	return wait;
}

static void too_many(struct http_req *r, int wait_s)
{
	char ra[16];
	snprintf(ra, sizeof ra, "%d", wait_s > 0 ? wait_s : 1);
	page_error(r, 429, "portal.error.too_many");
	http_add_header(r, "Retry-After", ra);
}

/* ---- cookies, CSRF ---- */

static void set_cookie(struct http_req *r, const char *name, const char *value, int64_t max_age_s,
                       const char *samesite)
{
	char c[400];
	const char *proto = http_header(r, "X-Forwarded-Proto");
	snprintf(c, sizeof c, "%s=%s; Path=/; HttpOnly; SameSite=%s; Max-Age=%lld%s", name, value,
	         samesite, (long long)max_age_s,
	         proto && !strcmp(proto, "https") ? "; Secure" : "");
	http_add_header(r, "Set-Cookie", c);
}

static bool token_shape(const char *t)
{
	size_t n = t ? strlen(t) : 0;
	if (n != CRYPTO_TOKEN_CHARS)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') ||
		      (t[i] >= '0' && t[i] <= '9') || t[i] == '-' || t[i] == '_'))
			return false;
	return true;
}

/* The anonymous form token: the helpo_form cookie, made (and set) when absent. */
static const char *form_token(struct http_req *r, char buf[CRYPTO_TOKEN_CHARS + 1])
{
	const char *c = http_cookie(r, "helpo_form");
	if (token_shape(c))
		return c;
	crypto_token(buf);
	set_cookie(r, "helpo_form", buf, 7 * 24 * 3600, "Strict");
	return buf;
}

/* Hidden fields that prove a form came from our page. */
static void form_proof(struct page *p, const char *anon_token)
{
	struct http_req *r = p->r;
	page_raw(p, "<input type=\"hidden\" name=\"");
	if (r->authed) {
		page_raw(p, "csrf_token\" value=\"");
		page_text(p, r->csrf);
	} else {
		page_raw(p, "form_token\" value=\"");
		page_text(p, anon_token);
	}
	page_raw(p, "\">");
}

/* A POST comes from our own pages: not cross-site by Fetch Metadata or Origin. */
/* (An opaque "Origin: null", which browsers send under strict referrer policies, proves
 * nothing either way: the form token decides.) */
static bool same_origin(struct http_req *r)
{
	const char *sfs = http_header(r, "Sec-Fetch-Site");
	const char *origin = http_header(r, "Origin"), *host = http_header(r, "Host"), *h;
	if (sfs && strcmp(sfs, "same-origin") && strcmp(sfs, "none"))
		return false;
	if (!origin || !strcmp(origin, "null"))
		return true;
	h = strstr(origin, "://");
	return h && host && !strcasecmp(h + 3, host);
}

static bool csrf_ok(struct http_req *r, const struct form *f)
{
	const char *t;
	if (!same_origin(r))
		return false;
	if (r->authed) {
		t = form_get(f, "csrf_token");
		return t && r->csrf[0] && crypto_equal(t, r->csrf);
	}
	t = form_get(f, "form_token");
	return t && token_shape(http_cookie(r, "helpo_form")) &&
	       crypto_equal(t, http_cookie(r, "helpo_form"));
}

static bool form_open(struct http_req *r, struct form *f,
		      bool (*check)(struct http_req *r, const struct form *f));

static void session_cookie(struct http_req *r, const char *value, int64_t max_age_s)
{
	set_cookie(r, "helpo_session", value, max_age_s, "Lax");
}

/* Signs user_id in: a new web session exactly as POST /api/v2/sessions makes it. */
static int sign_in(struct http_req *r, int64_t user_id, bool remember)
{
	char cookie[64], csrf[64];
	int64_t life = (int64_t)r->conf->session_hours * 3600 * 1000 * (remember ? 30 : 1);
	int rc = desk_session_create(r->db, user_id, life, cookie, csrf);
	if (!rc)
		session_cookie(r, cookie, life / 1000);
	return rc;
}

/* A local path for return_to, else "/" (page_redirect checks it again). */
static const char *local_path(const char *p)
{
	return p && p[0] == '/' && p[1] != '/' && p[1] != '\\' && !strpbrk(p, "\r\n") &&
	               strlen(p) < 512
	           ? p
	           : "/";
}

/* ---- small page pieces ---- */

static void t_raw(struct page *p, const char *open, const char *key, const char *close)
{
	page_raw(p, open);
	page_t(p, key, 0);
	page_raw(p, close);
}

static void hidden(struct page *p, const char *name, const char *value)
{
	page_raw(p, "<input type=\"hidden\" name=\"");
	page_text(p, name);
	page_raw(p, "\" value=\"");
	page_text(p, value);
	page_raw(p, "\">");
}

static void title_of(struct http_req *r, const char *key, struct buf *out)
{
	i18n_text(page_lang(r), key, 0, out);
}

static void begin(struct page *p, struct http_req *r, const char *title_key)
{
	struct buf t = BUF_INIT(1024);
	title_of(r, title_key, &t);
	page_begin(p, r, t.data ? t.data : "", NULL);
	buf_release(&t);
}

static void status_badge(struct page *p, const char *status)
{
	char key[40];
	static const char *const ok[] = {"new",    "open",   "pending", "hold",
	                                 "solved", "closed", NULL};
	bool known = false;
	for (int i = 0; ok[i]; i++)
		known = known || (status && !strcmp(status, ok[i]));
	if (!known)
		status = "open";
	snprintf(key, sizeof key, "status.%s", status);
	page_raw(p, "<span class=\"status status-");
	page_text(p, status);
	page_raw(p, "\">");
	page_t(p, key, 0);
	page_raw(p, "</span>");
}

static void iso_date(struct page *p, json_t *v)
{
	int64_t ms = 0;
	const char *s = json_string_value(v);
	if (s && !time_parse_iso8601(s, &ms)) {
		char iso[32];
		time_iso8601(ms, iso);
		page_raw(p, "<time datetime=\"");
		page_text(p, iso);
		page_raw(p, "\">");
		page_date(p, ms);
		page_raw(p, "</time>");
	}
}

/* The table of requests (rows of desk_request_list). */
static void request_table(struct page *p, json_t *rows, int64_t me)
{
	size_t i;
	json_t *q;
	page_raw(p, "<table class=\"requests\"><thead><tr>");
	t_raw(p, "<th scope=\"col\">", "portal.col.id", "</th>");
	t_raw(p, "<th scope=\"col\">", "ticket.subject", "</th>");
	t_raw(p, "<th scope=\"col\">", "ticket.status", "</th>");
	t_raw(p, "<th scope=\"col\">", "portal.col.updated", "</th>");
	page_raw(p, "</tr></thead><tbody>");
	json_array_foreach (rows, i, q) {
		json_int_t id = json_integer_value(json_object_get(q, "id"));
		const char *subj = json_string_value(json_object_get(q, "subject"));
		page_raw(p, "<tr data-testid=\"request-row\"><td>");
		page_textf(p, "#%lld", (long long)id);
		page_raw(p, "</td><td><a href=\"/requests/");
		page_textf(p, "%lld", (long long)id);
		page_raw(p, "\">");
		if (subj && *subj)
			page_text(p, subj);
		else
			page_t(p, "portal.no_subject", 0);
		page_raw(p, "</a>");
		if (json_integer_value(json_object_get(q, "requester_id")) != (json_int_t)me)
			t_raw(p, " <span class=\"badge org\">", "portal.requests.org", "</span>");
		page_raw(p, "</td><td>");
		status_badge(p, json_string_value(json_object_get(q, "status")));
		page_raw(p, "</td><td>");
		iso_date(p, json_object_get(q, "updated_at"));
		page_raw(p, "</td></tr>");
	}
	page_raw(p, "</tbody></table>");
}

/* ---- home ---- */

static void home(struct http_req *r)
{
	struct page p;
	begin(&p, r, "portal.home.title");
	page_raw(&p, "<section class=\"hero\"><h1>");
	page_t(&p, "portal.home.heading", 0);
	page_raw(&p, "</h1><form class=\"search\" method=\"get\" role=\"search\" action=\"/hc/");
	page_text(&p, p.lang);
	page_raw(&p, "/search\"><label for=\"hc-query\">");
	page_t(&p, "portal.home.search_label", 0);
	page_raw(&p, "</label><div class=\"row\"><input id=\"hc-query\" type=\"search\" "
	             "name=\"query\" maxlength=\"200\" required><button type=\"submit\">");
	page_t(&p, "nav.search", 0);
	page_raw(&p, "</button></div></form></section><section class=\"actions\">"
	             "<a class=\"button primary\" href=\"/requests/new\">");
	page_t(&p, "portal.submit_request", 0);
	page_raw(&p, "</a> <a class=\"button\" href=\"/hc/");
	page_text(&p, p.lang);
	page_raw(&p, "\">");
	page_t(&p, "portal.home.browse_kb", 0);
	page_raw(&p, "</a></section>");
	if (r->authed) {
		struct desk_page pg = {.size = 5, .page = 1, .sort = "updated_at", .desc = true};
		struct desk_list l = {0};
		page_raw(&p, "<section><h2>");
		page_t(&p, "portal.your_requests", 0);
		page_raw(&p, "</h2>");
		if (!desk_request_list(r->db, &r->actor, NULL, &pg, &l) &&
		    json_array_size(l.rows)) {
			request_table(&p, l.rows, r->actor.id);
			page_raw(&p, "<p><a href=\"/requests\">");
			page_t(&p, "portal.home.all_requests", 0);
			page_raw(&p, "</a></p>");
		} else
			t_raw(&p, "<p>", "portal.requests.none", "</p>");
		desk_list_release(&l);
		page_raw(&p, "</section>");
	} else {
		page_raw(&p, "<section><p>");
		page_t(&p, "portal.home.sign_in_hint", 0);
		page_raw(&p, " <a href=\"/login\">");
		page_t(&p, "auth.sign_in", 0);
		page_raw(&p, "</a></p></section>");
	}
	page_end(&p, 200);
}

/* ---- submit a request ---- */

struct submit_form {
	const char *name, *email, *subject, *description, *deflection;
	const char *error_key; /* shown above the form */
	const char *error_field;
};

static void input(struct page *p, const char *id, const char *type, const char *label_key,
                  const char *value, const char *extra, const char *error_field)
{
	page_raw(p, "<p class=\"field\"><label for=\"");
	page_text(p, id);
	page_raw(p, "\">");
	page_t(p, label_key, 0);
	page_raw(p, "</label><input id=\"");
	page_text(p, id);
	page_raw(p, "\" name=\"");
	page_text(p, id);
	page_raw(p, "\" type=\"");
	page_text(p, type);
	page_raw(p, "\" value=\"");
	page_text(p, value ? value : "");
	page_raw(p, "\" ");
	page_raw(p, extra);
	if (error_field && !strcmp(error_field, id))
		page_raw(p, " aria-invalid=\"true\" aria-describedby=\"form-error\"");
	page_raw(p, "></p>");
}

static void error_box(struct page *p, const char *key)
{
	if (!key)
		return;
	page_raw(p, "<p class=\"error\" id=\"form-error\" role=\"alert\">");
	page_t(p, key, 0);
	page_raw(p, "</p>");
}

static void new_form(struct http_req *r, const struct submit_form *v, int status)
{
	struct page p;
	char tokbuf[CRYPTO_TOKEN_CHARS + 1], defl[CRYPTO_TOKEN_CHARS + 1];
	const char *tok = r->authed ? "" : form_token(r, tokbuf);
	begin(&p, r, "portal.submit_request");
	page_raw(&p, "<h1>");
	page_t(&p, "portal.submit_request", 0);
	page_raw(&p, "</h1>");
	error_box(&p, v->error_key);
	page_raw(&p, "<form class=\"request-form\" method=\"post\" action=\"/requests/new\" "
	             "enctype=\"multipart/form-data\" data-suggest>");
	form_proof(&p, tok);
	if (v->deflection && token_shape(v->deflection))
		snprintf(defl, sizeof defl, "%s", v->deflection);
	else
		crypto_token(defl);
	hidden(&p, "deflection_token", defl);
	if (!r->authed) {
		input(&p, "name", "text", "portal.form.name", v->name,
		      "maxlength=\"255\" autocomplete=\"name\" required", v->error_field);
		input(&p, "email", "email", "auth.email", v->email,
		      "maxlength=\"254\" autocomplete=\"email\" required", v->error_field);
	}
	input(&p, "subject", "text", "ticket.subject", v->subject,
	      "maxlength=\"1024\" autocomplete=\"off\" required", v->error_field);
	page_raw(&p, "<div id=\"suggestions\" class=\"suggestions\" aria-live=\"polite\" hidden "
	             "data-title=\"");
	page_t(&p, "portal.suggest.title", 0);
	page_raw(&p, "\"></div><p class=\"field\"><label for=\"description\">");
	page_t(&p, "ticket.description", 0);
	page_raw(&p, "</label><textarea id=\"description\" name=\"description\" rows=\"8\" "
	             "required");
	if (v->error_field && !strcmp(v->error_field, "description"))
		page_raw(&p, " aria-invalid=\"true\" aria-describedby=\"form-error\"");
	page_raw(&p, ">");
	page_text(&p, v->description ? v->description : "");
	page_raw(&p, "</textarea></p><p class=\"field\"><label for=\"attachments\">");
	page_t(&p, "portal.form.attachments", 0);
	page_raw(&p, "</label><input id=\"attachments\" name=\"attachments\" type=\"file\" "
	             "multiple><span class=\"hint\">");
	page_t(&p, "portal.form.attachments_hint", 0);
	/* the honeypot: hidden from people (CSS, aria-hidden, no tab stop), filled by bots */
	page_raw(&p, "</span></p><div class=\"hp\" aria-hidden=\"true\"><label for=\"website\">");
	page_t(&p, "portal.form.website", 0);
	page_raw(&p, "</label><input id=\"website\" name=\"website\" type=\"text\" tabindex=\"-1\" "
	             "autocomplete=\"off\"></div><p><button class=\"primary\" type=\"submit\">");
	page_t(&p, "portal.form.submit", 0);
	page_raw(&p, "</button></p></form><script src=\"/assets/suggest.js\" defer></script>");
	page_end(&p, status);
}

/* The "check your e-mail" page, the same whatever happened to the address. */
static void check_email(struct http_req *r, const char *title_key, const char *body_key)
{
	struct page p;
	begin(&p, r, title_key);
	page_raw(&p, "<h1>");
	page_t(&p, title_key, 0);
	page_raw(&p, "</h1><p class=\"notice\" role=\"status\">");
	page_t(&p, body_key, 0);
	page_raw(&p, "</p><p><a href=\"/\">");
	page_t(&p, "portal.back_home", 0);
	page_raw(&p, "</a></p>");
	page_end(&p, 200);
}

/* A file field worth storing (browsers send an empty part when no file was chosen). */
static bool is_file(const struct field *fl)
{
	return fl->filename && !strcmp(fl->name, "attachments") && (fl->len || *fl->filename);
}

/* Checks the files of a form against the limits; the error key or NULL. */
static const char *files_check(const struct form *f)
{
	int n = 0;
	for (int i = 0; i < f->n; i++) {
		if (!is_file(&f->f[i]))
			continue;
		if (++n > PORTAL_MAX_FILES)
			return "portal.error.too_many_files";
		if (f->f[i].len > HELPO_MAX_ATTACHMENT_BYTES)
			return "portal.error.file_too_big";
	}
	return NULL;
}

/* A display name for an uploaded file: no path, valid UTF-8, capped; "attachment" if none. */
static char *file_name(const char *raw)
{
	const char *base = raw;
	char *out;
	size_t n;
	for (const char *q = raw; *q; q++)
		if (*q == '/' || *q == '\\')
			base = q + 1;
	n = strlen(base);
	if (!n || !text_utf8_valid(base, n))
		return strdup("attachment");
	if (n > HELPO_MAX_NAME_BYTES) {
		n = HELPO_MAX_NAME_BYTES;
		while (n > 0 && ((unsigned char)base[n] & 0xC0) == 0x80)
			n--;
	}
	out = malloc(n + 1);
	if (out) {
		memcpy(out, base, n);
		out[n] = '\0';
		for (char *c = out; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '_';
	}
	return out;
}

/* A content type worth recording: "type/subtype" of safe characters, else octet-stream. */
static const char *file_type(const char *ct)
{
	size_t n = ct ? strlen(ct) : 0;
	if (!n || n > 127 || !strchr(ct, '/'))
		return "application/octet-stream";
	for (size_t i = 0; i < n; i++)
		if (!((ct[i] >= 'a' && ct[i] <= 'z') || (ct[i] >= '0' && ct[i] <= '9') ||
		      strchr("/+-.", ct[i])))
			return "application/octet-stream";
	return ct;
}

/* Stores the form's files on comment_id of ticket_id (one transaction). */
static int store_files(struct db *db, const struct form *f, int64_t ticket_id, int64_t comment_id,
                       int64_t uploader)
{
	int64_t now = time_now_ms(), id;
	int rc;
	if ((rc = db_begin(db)))
		return rc;
	for (int i = 0; i < f->n && !rc; i++) {
		const struct field *fl = &f->f[i];
		char sha[CRYPTO_SHA256_HEX], *name;
		if (!is_file(fl))
			continue;
		if (!(name = file_name(fl->filename))) {
			rc = HELPO_ENOMEM;
			break;
		}
		crypto_sha256_hex(fl->value, fl->len, sha);
		rc = db_int(
		    db, &id,
		    "INSERT INTO attachments (ticket_id, comment_id, uploader_id, file_name, "
		    "content_type, size, sha256, is_inline, data, created_at) VALUES "
		    "(?, ?, ?, ?, ?, ?, ?, 0, ?, ?) RETURNING id",
		    "iiissisbi", ticket_id, comment_id, uploader, name, file_type(fl->ctype),
		    (int64_t)fl->len, sha, (const void *)fl->value, fl->len, now);
		free(name);
	}
	if (rc || (rc = db_commit(db)))
		db_rollback(db);
	return rc;
}

/* The newest comment by author on a ticket (the one just added). */
static int64_t last_comment(struct db *db, int64_t ticket_id, int64_t author_id)
{
	int64_t id = 0;
	if (db_int(db, &id, "SELECT max(id) FROM comments WHERE ticket_id = ? AND author_id = ?",
	           "ii", ticket_id, author_id))
		id = 0;
	return id;
}

/* ---- portal mail: confirmation and sign-in links ---- */

/* The absolute URL base for links in mail: the configured base_url, else the listen address
 * (never the request's Host header, which a client chooses). */
static void link_base(struct http_req *r, struct buf *out)
{
	char *base = NULL;
	if (!desk_setting_get(r->db, "base_url", &base) && base && *base) {
		size_t n = strlen(base);
		while (n && base[n - 1] == '/')
			base[--n] = '\0';
		buf_adds(out, base);
	} else
		buf_addf(out, "http://%s", r->conf->listen);
	free(base);
}

/* Queues one portal mail (kind portal_confirm | portal_signin) to address with a one-time
 * sign-in link for user_id that opens return_to; nothing when the address had its mail this
 * window or no mailbox exists. Runs in its own transaction. */
static int queue_mail(struct http_req *r, const char *kind, int64_t user_id, const char *address,
                      int64_t ticket_id, const char *return_to)
{
	struct db *db = r->db;
	char token[CRYPTO_TOKEN_CHARS + 1], hash[CRYPTO_SHA256_HEX], rnd[CRYPTO_TOKEN_CHARS + 1];
	char mid[400], *host = NULL, *name = NULL;
	struct buf link = BUF_INIT(2048);
	int64_t now = time_now_ms(), recent = 0, mailbox = 0;
	json_t *rcpt = NULL, *vars = NULL;
	char *rcpt_s = NULL, *vars_s = NULL;
	int rc;
	if ((rc = db_begin(db)))
		return rc;
	rc = db_int(db, &recent,
	            "SELECT count(*) FROM portal_mail_log WHERE address = ? AND sent_at > ?", "si",
	            address, now - PORTAL_WINDOW_MS);
	if (rc || recent >= PORTAL_MAILS_PER_WINDOW)
		goto out;
	rc = db_int(db, &mailbox, "SELECT id FROM mailboxes ORDER BY is_default DESC, id LIMIT 1",
	            "");
	if (rc == HELPO_ENOTFOUND) {
		log_info("portal: no mailbox configured; %s mail not queued", kind);
		rc = 0;
		goto out;
	}
	if (rc)
		goto out;
	crypto_token(token);
	crypto_sha256_hex(token, strlen(token), hash);
	if ((rc = db_exec(db,
	                  "INSERT INTO portal_login_tokens (token_hash, user_id, return_to, "
	                  "created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
	                  "sisii", hash, user_id, local_path(return_to), now,
	                  now + PORTAL_LINK_TTL_MS)))
		goto out;
	link_base(r, &link);
	buf_addf(&link, "/login/link?token=%s", token);
	if (desk_setting_get(db, "mail_hostname", &host) || !host || !*host ||
	    strpbrk(host, "<>@ \t\r\n")) {
		free(host);
		host = strdup("helpo.localhost");
	}
	crypto_token(rnd);
	snprintf(mid, sizeof mid, "helpo-portal-%.16s@%s", rnd, host ? host : "helpo.localhost");
	for (char *c = mid; *c && *c != '@'; c++)
		if (*c == '_')
			*c = '-';
	rcpt = json_pack("[s]", address);
	{
		struct db_stmt *st;
		if (!db_query(db, &st, "SELECT name FROM users WHERE id = ?", "i", user_id)) {
			if (db_step(st) == DB_ROW)
				name = strdup(db_col_text(st, 0) ? db_col_text(st, 0) : "");
			db_done(st);
		}
	}
	vars = json_pack("{s:s,s:s,s:s}", "link", link.data ? link.data : "", "locale",
	                 page_lang(r), "requester_name", name ? name : "");
	rcpt_s = rcpt ? json_dumps(rcpt, JSON_COMPACT) : NULL;
	vars_s = vars ? json_dumps(vars, JSON_COMPACT) : NULL;
	if (!rcpt_s || !vars_s) {
		rc = HELPO_ENOMEM;
		goto out;
	}
	if ((rc =
	         db_exec(db,
	                 "INSERT INTO outbox (kind, ticket_id, mailbox_id, recipients, message_id, "
	                 "automatic, status, next_attempt_at, created_at, vars) VALUES "
	                 "(?, ?, ?, ?, ?, 0, 'queued', ?, ?, ?)",
	                 "sIissiis", kind, ticket_id, mailbox, rcpt_s, mid, now, now, vars_s)) ||
	    (rc = db_exec(db,
	                  "INSERT INTO portal_mail_log (address, kind, sent_at) VALUES (?, ?, ?)",
	                  "ssi", address, kind, now)))
		goto out;
	if (ticket_id)
		rc = db_exec(db,
		             "INSERT INTO mail_threads (message_id, ticket_id, created_at) VALUES "
		             "(?, ?, ?) ON CONFLICT DO NOTHING",
		             "sii", mid, ticket_id, now);
out:
	if (!rc)
		rc = db_commit(db);
	if (rc)
		db_rollback(db);
	memset(token, 0, sizeof token);
	buf_release(&link);
	json_decref(rcpt);
	json_decref(vars);
	free(rcpt_s);
	free(vars_s);
	free(host);
	free(name);
	return rc;
}

/* Records that a submitted request followed (or not) suggested articles. */
static void deflection_done(struct http_req *r, const char *token, int64_t ticket_id)
{
	if (!token || !token_shape(token))
		return;
#ifdef HAVE_KB_H
	/* weak: the portal links and runs (recording nothing) before the KB defines it */
	if (desk_kb_deflection_submitted && desk_kb_deflection_submitted(r->db, token, ticket_id))
		log_warn("portal: cannot record the deflection outcome of ticket %lld",
		         (long long)ticket_id);
#else
	/* PORTAL-KB: once src/desk/kb.h exists this runs:
	 * desk_kb_deflection_submitted(r->db, token, ticket_id); */
	(void)r;
	(void)ticket_id;
#endif
}

static bool blank(const char *s)
{
	for (; s && *s; s++)
		if (!strchr(" \t\r\n", *s))
			return false;
	return true;
}

/* Checks the fields of the request form; the error key (and field) or NULL. */
static const char *submit_check(struct http_req *r, const struct form *f, struct submit_form *v,
                                char email[HELPO_MAX_EMAIL_BYTES + 1])
{
	const char *k;
	if (!r->authed) {
		if (!v->name || blank(v->name) || strlen(v->name) > HELPO_MAX_NAME_BYTES)
			return v->error_field = "name", "portal.error.name";
		if (!v->email || strlen(v->email) > HELPO_MAX_EMAIL_BYTES)
			return v->error_field = "email", "portal.error.email";
		snprintf(email, HELPO_MAX_EMAIL_BYTES + 1, "%s", v->email);
		if (text_email_normalize(email))
			return v->error_field = "email", "portal.error.email";
	}
	if (!v->subject || blank(v->subject) || strlen(v->subject) > HELPO_MAX_SUBJECT_BYTES)
		return v->error_field = "subject", "portal.error.subject";
	if (!v->description || blank(v->description) ||
	    strlen(v->description) > HELPO_MAX_COMMENT_BYTES)
		return v->error_field = "description", "portal.error.description";
	if ((k = files_check(f)))
		return v->error_field = "attachments", k;
	return NULL;
}

/* Creates the request as actor a, then its files and the deflection outcome; *id out. */
static int submit_as(struct http_req *r, const struct desk_actor *a, const struct form *f,
                     const struct submit_form *v, int64_t *id)
{
	struct desk_err err = {0};
	json_t *in = json_pack("{s:s,s:{s:s}}", "subject", v->subject, "comment", "body",
	                       v->description),
	       *out = NULL;
	int rc = in ? desk_request_create(r->db, a, in, &out, &err) : HELPO_ENOMEM;
	json_decref(in);
	if (rc)
		return rc;
	*id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	if ((rc = store_files(r->db, f, *id, last_comment(r->db, *id, a->id), a->id)))
		log_warn("portal: files of request %lld not stored: %s", (long long)*id,
		         helpo_strerror(rc));
	deflection_done(r, v->deflection, *id);
	return 0;
}

/* The anonymous path: the requester by address (found or created), never signed in. */
static int submit_anonymous(struct http_req *r, const struct form *f, const struct submit_form *v,
                            const char *email)
{
	struct desk_err err = {0};
	struct desk_actor a;
	int64_t uid = 0, id = 0;
	char role[16] = "";
	struct db_stmt *st;
	int rc;
	if ((rc = db_begin(r->db)))
		return rc;
	if ((rc = desk_user_find_or_create(r->db, email, v->name, &uid, &err)) ||
	    (rc = db_commit(r->db))) {
		db_rollback(r->db);
		return rc;
	}
	if (!db_query(r->db, &st,
	              "SELECT role FROM users WHERE id = ? AND active = 1 AND "
	              "suspended = 0",
	              "i", uid)) {
		if (db_step(st) == DB_ROW)
			snprintf(role, sizeof role, "%s", db_col_text(st, 0));
		db_done(st);
	}
	if (strcmp(role, "end-user")) {
		/* staff, suspended or deleted: nothing is stored, the answer is the same */
		log_info("portal: anonymous request for a non-customer address dropped");
		return 0;
	}
	if ((rc = desk_actor_load(r->db, uid, &a)) || (rc = submit_as(r, &a, f, v, &id)))
		return rc;
	{
		char back[64];
		snprintf(back, sizeof back, "/requests/%lld", (long long)id);
		if ((rc = queue_mail(r, "portal_confirm", uid, email, id, back)))
			log_warn("portal: confirmation mail not queued: %s", helpo_strerror(rc));
	}
	return 0;
}

static void new_post(struct http_req *r)
{
	struct form f;
	struct submit_form v = {0};
	char email[HELPO_MAX_EMAIL_BYTES + 1] = "", key[320];
	int64_t now = time_now_ms(), id = 0;
	int rc, wait;
	if (!form_open(r, &f, csrf_ok))
		return;
	snprintf(key, sizeof key, "portal-submit-ip:%s", r->ip);
	if ((wait = rl_hit(key, PORTAL_SUBMIT_PER_IP, now))) {
		form_release(&f);
		too_many(r, wait);
		return;
	}
	v.name = form_get(&f, "name");
	v.email = form_get(&f, "email");
	v.subject = form_get(&f, "subject");
	v.description = form_get(&f, "description");
	v.deflection = form_get(&f, "deflection_token");
	if (form_get(&f, "website") && *form_get(&f, "website")) {
		/* the honeypot was filled: pretend, store nothing */
		form_release(&f);
		if (r->authed)
			page_redirect(r, "/requests");
		else
			check_email(r, "portal.submitted.title", "portal.submitted.anon");
		return;
	}
	if ((v.error_key = submit_check(r, &f, &v, email))) {
		new_form(r, &v, 422);
		form_release(&f);
		return;
	}
	if (!r->authed) {
		snprintf(key, sizeof key, "portal-submit-addr:%s", email);
		if ((wait = rl_hit(key, PORTAL_SUBMIT_PER_ADDRESS, now))) {
			form_release(&f);
			too_many(r, wait);
			return;
		}
		rc = submit_anonymous(r, &f, &v, email);
	} else
		rc = submit_as(r, &r->actor, &f, &v, &id);
	if (rc) {
		log_warn("portal: request not created: %s", helpo_strerror(rc));
		v.error_key = rc == HELPO_EINVAL ? "portal.error.invalid" : "portal.error.internal";
		new_form(r, &v, rc == HELPO_EINVAL ? 422 : 500);
	} else if (r->authed) {
		char to[64];
		snprintf(to, sizeof to, "/requests/%lld", (long long)id);
		page_redirect(r, to);
	} else
		check_email(r, "portal.submitted.title", "portal.submitted.anon");
	form_release(&f);
}

/* ---- my requests ---- */

static void to_login(struct http_req *r, const char *back)
{
	struct buf to = BUF_INIT(1024);
	buf_adds(&to, "/login?return_to=");
	for (const unsigned char *c = (const unsigned char *)back; *c; c++)
		if (isalnum(*c) || strchr("/-_.", *c))
			buf_addc(&to, (char)*c);
		else
			buf_addf(&to, "%%%02X", *c);
	page_redirect(r, to.data ? to.data : "/login");
	buf_release(&to);
}

static void requests_list(struct http_req *r)
{
	struct page p;
	struct desk_list l = {0};
	const char *pg_s = http_query(r, "page");
	long pg = pg_s ? strtol(pg_s, NULL, 10) : 1;
	struct desk_page dp = {.size = PORTAL_PAGE_SIZE, .sort = "updated_at", .desc = true};
	int rc;
	if (!r->authed) {
		to_login(r, "/requests");
		return;
	}
	if (pg < 1 || pg > PORTAL_MAX_LIST_PAGE)
		pg = 1;
	dp.page = (int)pg;
	if ((rc = desk_request_list(r->db, &r->actor, NULL, &dp, &l))) {
		page_error(r, 500, "portal.error.internal");
		return;
	}
	begin(&p, r, "portal.your_requests");
	page_raw(&p, "<h1>");
	page_t(&p, "portal.your_requests", 0);
	page_raw(&p, "</h1><p class=\"count\">");
	{
		char n[24];
		const char *vars[] = {"count", n, NULL};
		snprintf(n, sizeof n, "%lld", (long long)(l.count > 0 ? l.count : 0));
		page_tv(&p, "portal.requests.count", (long)(l.count > 0 ? l.count : 0), vars);
	}
	page_raw(&p, "</p>");
	if (json_array_size(l.rows))
		request_table(&p, l.rows, r->actor.id);
	else
		t_raw(&p, "<p>", "portal.requests.none", "</p>");
	page_raw(&p, "<nav class=\"pager\">");
	if (pg > 1) {
		page_raw(&p, "<a rel=\"prev\" href=\"/requests?page=");
		page_textf(&p, "%ld", pg - 1);
		page_raw(&p, "\">");
		page_t(&p, "portal.prev", 0);
		page_raw(&p, "</a> ");
	}
	if (l.has_more) {
		page_raw(&p, "<a rel=\"next\" href=\"/requests?page=");
		page_textf(&p, "%ld", pg + 1);
		page_raw(&p, "\">");
		page_t(&p, "portal.next", 0);
		page_raw(&p, "</a>");
	}
	page_raw(&p, "</nav><p><a class=\"button primary\" href=\"/requests/new\">");
	page_t(&p, "portal.submit_request", 0);
	page_raw(&p, "</a></p>");
	desk_list_release(&l);
	page_end(&p, 200);
}

/* The display name of a comment's author (staff names are shown to customers, as in mail). */
static void author_name(struct page *p, struct db *db, int64_t id)
{
	struct db_stmt *st;
	bool done = false;
	if (!db_query(db, &st, "SELECT name, role FROM users WHERE id = ?", "i", id)) {
		if (db_step(st) == DB_ROW) {
			page_raw(p, "<strong class=\"author\">");
			page_text(p, db_col_text(st, 0));
			page_raw(p, "</strong>");
			if (strcmp(db_col_text(st, 1), "end-user"))
				t_raw(p, " <span class=\"badge\">", "portal.thread.staff",
				      "</span>");
			done = true;
		}
		db_done(st);
	}
	if (!done)
		t_raw(p, "<strong class=\"author\">", "portal.thread.someone", "</strong>");
}

static void comment_files(struct page *p, json_t *atts)
{
	size_t i;
	json_t *a;
	if (!json_array_size(atts))
		return;
	page_raw(p, "<ul class=\"attachments\">");
	json_array_foreach (atts, i, a) {
		json_int_t id = json_integer_value(json_object_get(a, "id"));
		json_int_t size = json_integer_value(json_object_get(a, "size"));
		page_raw(p, "<li><a href=\"/api/v2/attachments/");
		page_textf(p, "%lld", (long long)id);
		page_raw(p, "/content\" download>");
		page_text(p, json_string_value(json_object_get(a, "file_name")));
		page_raw(p, "</a> <span class=\"size\">");
		if (size >= 1024 * 1024)
			page_textf(p, "%.1f MB", (double)size / (1024.0 * 1024.0));
		else
			page_textf(p, "%lld KB", (long long)((size + 1023) / 1024));
		page_raw(p, "</span></li>");
	}
	page_raw(p, "</ul>");
}

static void request_show(struct http_req *r, int64_t id, const char *error_key, int status)
{
	struct page p;
	json_t *q = NULL, *c;
	struct desk_list l = {0};
	struct desk_page dp = {.size = HELPO_MAX_PAGE_SIZE, .page = 1};
	const char *st, *subj;
	bool closed;
	size_t i;
	char action[64];
	if (!r->authed) {
		char back[64];
		snprintf(back, sizeof back, "/requests/%lld", (long long)id);
		to_login(r, back);
		return;
	}
	if (desk_request_get(r->db, &r->actor, id, &q)) {
		page_error(r, 404, "portal.error.not_found");
		return;
	}
	desk_comment_list(r->db, &r->actor, id, &dp, &l);
	st = json_string_value(json_object_get(q, "status"));
	subj = json_string_value(json_object_get(q, "subject"));
	closed = st && !strcmp(st, "closed");
	snprintf(action, sizeof action, "/requests/%lld", (long long)id);
	page_begin(&p, r, subj && *subj ? subj : "#", NULL);
	page_raw(&p, "<article class=\"request\"><h1>");
	if (subj && *subj)
		page_text(&p, subj);
	else
		page_t(&p, "portal.no_subject", 0);
	page_raw(&p, "</h1><p class=\"meta\">");
	page_textf(&p, "#%lld ", (long long)id);
	status_badge(&p, st);
	page_raw(&p, " ");
	iso_date(&p, json_object_get(q, "created_at"));
	page_raw(&p, "</p>");
	error_box(&p, error_key);
	page_raw(&p, "<ol class=\"thread\" data-testid=\"conversation\">");
	json_array_foreach (l.rows, i, c) {
		const char *html = json_string_value(json_object_get(c, "html_body"));
		if (!json_is_true(json_object_get(c, "public")))
			continue; /* staff browsing the portal: the customer's view, no notes */
		page_raw(&p, "<li class=\"comment\" data-testid=\"comment\"><div class=\"head\">");
		author_name(&p, r->db, json_integer_value(json_object_get(c, "author_id")));
		page_raw(&p, " ");
		iso_date(&p, json_object_get(c, "created_at"));
		page_raw(&p, "</div><div class=\"body\">");
		if (html && *html)
			page_raw(&p, html); /* sanitized when stored (desk_comment_insert) */
		else {
			page_raw(&p, "<p class=\"plain\">");
			page_text(&p, json_string_value(json_object_get(c, "body")));
			page_raw(&p, "</p>");
		}
		page_raw(&p, "</div>");
		comment_files(&p, json_object_get(c, "attachments"));
		page_raw(&p, "</li>");
	}
	page_raw(&p, "</ol>");
	if (!closed) {
		page_raw(&p,
		         "<form class=\"reply\" method=\"post\" enctype=\"multipart/form-data\" "
		         "action=\"");
		page_text(&p, action);
		page_raw(&p, "\">");
		form_proof(&p, "");
		hidden(&p, "action", "reply");
		page_raw(&p, "<p class=\"field\"><label for=\"body\">");
		page_t(&p, "portal.thread.reply_label", 0);
		page_raw(&p, "</label><textarea id=\"body\" name=\"body\" rows=\"6\" required>"
		             "</textarea></p><p class=\"field\"><label for=\"attachments\">");
		page_t(&p, "portal.form.attachments", 0);
		page_raw(&p, "</label><input id=\"attachments\" name=\"attachments\" type=\"file\" "
		             "multiple></p><p><button class=\"primary\" type=\"submit\">");
		page_t(&p, "portal.thread.send", 0);
		page_raw(&p, "</button></p></form>");
	}
	if (json_is_true(json_object_get(q, "can_be_solved_by_me"))) {
		page_raw(&p, "<form class=\"solve\" method=\"post\" action=\"");
		page_text(&p, action);
		page_raw(&p, "\">");
		form_proof(&p, "");
		hidden(&p, "action", "solve");
		page_raw(&p, "<button type=\"submit\">");
		page_t(&p, "portal.thread.mark_solved", 0);
		page_raw(&p, "</button></form>");
	}
	page_raw(&p, "</article>");
	desk_list_release(&l);
	json_decref(q);
	page_end(&p, status);
}

static void request_post(struct http_req *r, int64_t id)
{
	struct form f;
	struct desk_err err = {0};
	const char *action, *body, *k;
	json_t *in = NULL, *out = NULL;
	char back[64];
	int rc;
	if (!r->authed) {
		page_error(r, 403, "portal.error.csrf");
		return;
	}
	if (!form_open(r, &f, csrf_ok))
		return;
	action = form_get(&f, "action");
	body = form_get(&f, "body");
	snprintf(back, sizeof back, "/requests/%lld", (long long)id);
	if (action && !strcmp(action, "solve"))
		in = json_pack("{s:b}", "solved", 1);
	else if (body && !blank(body) && strlen(body) <= HELPO_MAX_COMMENT_BYTES) {
		if ((k = files_check(&f))) {
			form_release(&f);
			request_show(r, id, k, 422);
			return;
		}
		in = json_pack("{s:{s:s}}", "comment", "body", body);
	} else {
		form_release(&f);
		request_show(r, id, "portal.error.reply", 422);
		return;
	}
	rc = in ? desk_request_update(r->db, &r->actor, id, in, &out, &err) : HELPO_ENOMEM;
	json_decref(in);
	json_decref(out);
	if (rc == HELPO_ENOTFOUND)
		page_error(r, 404, "portal.error.not_found");
	else if (rc) {
		log_info("portal: request %lld not updated: %s %s", (long long)id,
		         helpo_strerror(rc), err.message);
		request_show(r, id, "portal.error.invalid", 422);
	} else {
		if (body && !(action && !strcmp(action, "solve")) &&
		    (rc = store_files(r->db, &f, id, last_comment(r->db, id, r->actor.id),
		                      r->actor.id)))
			log_warn("portal: reply files not stored: %s", helpo_strerror(rc));
		page_redirect(r, back);
	}
	form_release(&f);
}

/* ---- sign-in ---- */

static void login_page(struct http_req *r, const char *error_key, const char *email, int status)
{
	struct page p;
	char tokbuf[CRYPTO_TOKEN_CHARS + 1];
	const char *tok = form_token(r, tokbuf);
	const char *back = local_path(http_query(r, "return_to"));
	begin(&p, r, "auth.sign_in");
	page_raw(&p, "<h1>");
	page_t(&p, "auth.sign_in", 0);
	page_raw(&p, "</h1>");
	if (r->authed)
		t_raw(&p, "<p class=\"notice\">", "portal.login.already", "</p>");
	error_box(&p, error_key);
	page_raw(&p, "<div class=\"columns\"><section><h2>");
	page_t(&p, "portal.login.password_heading", 0);
	page_raw(&p, "</h2><form method=\"post\" action=\"/login\">");
	page_raw(&p, "<input type=\"hidden\" name=\"form_token\" value=\"");
	page_text(&p, tok);
	page_raw(&p, "\">");
	if (r->authed)
		hidden(&p, "csrf_token", r->csrf);
	hidden(&p, "return_to", back);
	input(&p, "email", "email", "auth.email", email,
	      "maxlength=\"254\" autocomplete=\"username\" required", NULL);
	input(&p, "password", "password", "auth.password", "",
	      "maxlength=\"1024\" autocomplete=\"current-password\" required", NULL);
	page_raw(&p, "<p class=\"check\"><input id=\"remember_me\" name=\"remember_me\" "
	             "type=\"checkbox\" value=\"1\"> <label for=\"remember_me\">");
	page_t(&p, "portal.login.remember", 0);
	page_raw(&p, "</label></p><p><button class=\"primary\" type=\"submit\">");
	page_t(&p, "auth.sign_in", 0);
	page_raw(&p, "</button></p></form></section><section><h2>");
	page_t(&p, "portal.login.link_heading", 0);
	page_raw(&p, "</h2><p>");
	page_t(&p, "portal.login.link_hint", 0);
	page_raw(&p, "</p><form method=\"post\" action=\"/login/link\">");
	page_raw(&p, "<input type=\"hidden\" name=\"form_token\" value=\"");
	page_text(&p, tok);
	page_raw(&p, "\">");
	if (r->authed)
		hidden(&p, "csrf_token", r->csrf);
	hidden(&p, "return_to", back);
	input(&p, "link-email", "email", "auth.email", email,
	      "maxlength=\"254\" autocomplete=\"email\" required", NULL);
	page_raw(&p, "<p><button type=\"submit\">");
	page_t(&p, "portal.login.link_button", 0);
	page_raw(&p, "</button></p></form></section></div>");
	page_end(&p, status);
}

/* Anonymous forms on the sign-in page: the form token (and the session's when signed in). */
static bool login_csrf_ok(struct http_req *r, const struct form *f)
{
	const char *t = form_get(f, "form_token");
	if (!same_origin(r) || !t || !token_shape(http_cookie(r, "helpo_form")) ||
	    !crypto_equal(t, http_cookie(r, "helpo_form")))
		return false;
	return !r->authed || csrf_ok(r, f);
}

/* Reads a posted form and checks its CSRF defence (check: csrf_ok for signed-in forms,
 * login_csrf_ok for the sign-in forms); false when it has answered 400/403 itself. */
static bool form_open(struct http_req *r, struct form *f,
		      bool (*check)(struct http_req *r, const struct form *f))
{
	if (read_form(r, f)) {
		form_release(f);
		page_error(r, 400, "portal.error.bad_form");
		return false;
	}
	if (!check(r, f)) {
		form_release(f);
		page_error(r, 403, "portal.error.csrf");
		return false;
	}
	return true;
}

static void lower_key(char *key, size_t n, const char *prefix, const char *email)
{
	snprintf(key, n, "%s%s", prefix, email);
	for (char *k = key; *k; k++)
		if (*k >= 'A' && *k <= 'Z')
			*k = (char)(*k + 32);
}

static void login_post(struct http_req *r)
{
	struct form f;
	const char *email, *password;
	char kip[300], kuser[300];
	int64_t now = time_now_ms();
	struct desk_actor a;
	int rc, w1, w2;
	if (!form_open(r, &f, login_csrf_ok))
		return;
	email = form_get(&f, "email");
	password = form_get(&f, "password");
	if (!email || !password || !*email || strlen(email) > HELPO_MAX_EMAIL_BYTES ||
	    strlen(password) > HELPO_MAX_PASSWORD_BYTES) {
		login_page(r, "auth.failed",
		           email && strlen(email) <= HELPO_MAX_EMAIL_BYTES ? email : "", 401);
		form_release(&f);
		return;
	}
	/* the API's progressive limiter, shared with POST /api/v2/sessions and HTTP Basic */
	snprintf(kip, sizeof kip, "ip:%s", r->ip);
	lower_key(kuser, sizeof kuser, "user:", email);
	w1 = ratelimit_wait_s(kip, now);
	w2 = ratelimit_wait_s(kuser, now);
	if (w1 || w2) {
		form_release(&f);
		too_many(r, w1 > w2 ? w1 : w2);
		return;
	}
	rc = desk_auth_password(r->db, email, password, &a);
	if (rc) {
		ratelimit_fail(kip, now);
		ratelimit_fail(kuser, now);
		login_page(r, rc == HELPO_EAUTH ? "auth.failed" : "portal.error.internal", email,
		           rc == HELPO_EAUTH ? 401 : 500);
		form_release(&f);
		return;
	}
	ratelimit_clear(kip);
	ratelimit_clear(kuser);
	if ((rc = sign_in(r, a.id, form_get(&f, "remember_me") != NULL)))
		page_error(r, 500, "portal.error.internal");
	else
		page_redirect(r, local_path(form_get(&f, "return_to")));
	form_release(&f);
}

/* POST /login/link: e-mails a one-time sign-in link to an active customer's address. The
 * answer is the same whether or not the address exists. */
static void link_post(struct http_req *r)
{
	struct form f;
	const char *in;
	char email[HELPO_MAX_EMAIL_BYTES + 1], key[320];
	int64_t now = time_now_ms(), uid = 0;
	int wait;
	if (!form_open(r, &f, login_csrf_ok))
		return;
	snprintf(key, sizeof key, "portal-link-ip:%s", r->ip);
	if ((wait = rl_hit(key, PORTAL_LINK_PER_IP, now))) {
		form_release(&f);
		too_many(r, wait);
		return;
	}
	in = form_get(&f, "email");
	if (!in || strlen(in) > HELPO_MAX_EMAIL_BYTES ||
	    (snprintf(email, sizeof email, "%s", in), text_email_normalize(email))) {
		login_page(r, "portal.error.email", "", 422);
		form_release(&f);
		return;
	}
	snprintf(key, sizeof key, "portal-link-addr:%s", email);
	if ((wait = rl_hit(key, PORTAL_LINK_PER_ADDRESS, now))) {
		form_release(&f);
		too_many(r, wait);
		return;
	}
	if (!db_int(r->db, &uid,
	            "SELECT id FROM users WHERE email = ? AND role = 'end-user' AND active = 1 AND "
	            "suspended = 0",
	            "s", email) &&
	    uid) {
		int rc = queue_mail(r, "portal_signin", uid, email, 0,
		                    local_path(form_get(&f, "return_to")));
		if (rc)
			log_warn("portal: sign-in mail not queued: %s", helpo_strerror(rc));
	}
	form_release(&f);
	check_email(r, "portal.link.sent_title", "portal.link.sent_body");
}

/* GET /login/link?token=: signs in once with an e-mailed token. */
static void link_get(struct http_req *r)
{
	const char *tok = http_query(r, "token");
	char hash[CRYPTO_SHA256_HEX], back[512] = "/";
	int64_t now = time_now_ms(), uid = 0, tid = 0;
	struct desk_actor a;
	struct db_stmt *st;
	int rc;
	if (!token_shape(tok)) {
		page_error(r, 400, "portal.link.invalid");
		return;
	}
	crypto_sha256_hex(tok, strlen(tok), hash);
	if ((rc = db_begin(r->db))) {
		page_error(r, 500, "portal.error.internal");
		return;
	}
	rc = db_query(r->db, &st,
	              "SELECT id, user_id, return_to FROM portal_login_tokens WHERE token_hash = ? "
	              "AND used_at IS NULL AND expires_at > ?",
	              "si", hash, now);
	if (!rc) {
		if ((rc = db_step(st)) == DB_ROW) {
			tid = db_col_int(st, 0);
			uid = db_col_int(st, 1);
			snprintf(back, sizeof back, "%s", local_path(db_col_text(st, 2)));
		}
		db_done(st);
		rc = rc < 0 ? rc : 0;
	}
	if (!rc && tid)
		rc = db_exec(r->db, "UPDATE portal_login_tokens SET used_at = ? WHERE id = ?", "ii",
		             now, tid);
	if (!rc && tid) /* the link proves the address */
		rc = db_exec(r->db, "UPDATE users SET verified = 1 WHERE id = ?", "i", uid);
	if (rc || (rc = db_commit(r->db))) {
		db_rollback(r->db);
		page_error(r, 500, "portal.error.internal");
		return;
	}
	if (!tid || desk_actor_load(r->db, uid, &a) || a.role != DESK_END_USER) {
		page_error(r, 400, "portal.link.invalid");
		return;
	}
	if (sign_in(r, uid, false))
		page_error(r, 500, "portal.error.internal");
	else
		page_redirect(r, back);
}

static void logout_post(struct http_req *r)
{
	struct form f;
	const char *cookie = http_cookie(r, "helpo_session");
	if (!r->authed) {
		page_redirect(r, "/");
		return;
	}
	if (read_form(r, &f) || !csrf_ok(r, &f)) {
		form_release(&f);
		page_error(r, 403, "portal.error.csrf");
		return;
	}
	form_release(&f);
	if (cookie && strlen(cookie) < 128)
		desk_session_delete(r->db, cookie);
	session_cookie(r, "", 0);
	page_redirect(r, "/");
}

/* ---- routing ---- */

static void not_allowed(struct http_req *r, const char *allow)
{
	page_error(r, 405, "portal.error.method");
	http_add_header(r, "Allow", allow);
}

/* "/requests/123" -> 123; 0 when the path is not that shape. */
static int64_t request_id(const char *path)
{
	const char *s = path + 10;
	char *end;
	long long v;
	if (strncmp(path, "/requests/", 10) || !*s || *s < '1' || *s > '9' || strlen(s) > 18)
		return 0;
	v = strtoll(s, &end, 10);
	return *end ? 0 : (int64_t)v;
}

bool portal_serve(struct http_req *r)
{
	const char *path = r->path, *lang;
	bool get = !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD");
	bool post = !strcmp(r->method, "POST");
	int64_t id;
	if (strcmp(path, "/") && strcmp(path, "/requests") && strcmp(path, "/requests/new") &&
	    strncmp(path, "/requests/", 10) && strcmp(path, "/login") &&
	    strcmp(path, "/login/link") && strcmp(path, "/logout"))
		return false;
	if (get && (lang = i18n_lang(http_query(r, "lang"))))
		set_cookie(r, "helpo_lang", lang, 365LL * 24 * 3600, "Lax");
	if (!strcmp(path, "/")) {
		if (get)
			home(r);
		else
			not_allowed(r, "GET, HEAD");
	} else if (!strcmp(path, "/requests/new")) {
		if (get) {
			struct submit_form v = {0};
			new_form(r, &v, 200);
		} else if (post)
			new_post(r);
		else
			not_allowed(r, "GET, HEAD, POST");
	} else if (!strcmp(path, "/requests")) {
		if (get)
			requests_list(r);
		else
			not_allowed(r, "GET, HEAD");
	} else if (!strncmp(path, "/requests/", 10)) {
		if (!(id = request_id(path)))
			page_error(r, 404, "portal.error.not_found");
		else if (get)
			request_show(r, id, NULL, 200);
		else if (post)
			request_post(r, id);
		else
			not_allowed(r, "GET, HEAD, POST");
	} else if (!strcmp(path, "/login")) {
		if (get)
			login_page(r, NULL, "", 200);
		else if (post)
			login_post(r);
		else
			not_allowed(r, "GET, HEAD, POST");
	} else if (!strcmp(path, "/login/link")) {
		if (!strcmp(r->method, "HEAD"))
			login_page(r, NULL, "",
			           200); /* a link checker's HEAD never uses the link */
		else if (get)
			link_get(r);
		else if (post)
			link_post(r);
		else
			not_allowed(r, "GET, HEAD, POST");
	} else {
		if (post)
			logout_post(r);
		else
			not_allowed(r, "POST");
	}
	return true;
}
