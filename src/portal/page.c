/*
 * page.c — the shared layout and escaping helpers of server-rendered pages (see page.h).
 */
#include "portal/page.h"
#include "util/html.h"
#include "util/i18n.h"
#include <stdarg.h>
#include <time.h>

#define PAGE_MAX_BYTES (4u << 20)

const char *page_lang(struct http_req *r)
{
	const char *l;
	/* an explicit choice (the language links set the cookie) wins over the stored setting */
	if ((l = i18n_lang(http_query(r, "lang"))) || (l = i18n_lang(http_cookie(r, "helpo_lang"))))
		return l;
	if (r->authed && r->db) {
		struct db_stmt *st;
		if (!db_query(r->db, &st, "SELECT locale FROM users WHERE id = ?", "i", r->actor.id)) {
			const char *v = db_step(st) == DB_ROW ? db_col_text(st, 0) : NULL;
			l = v ? i18n_lang(v) : NULL;
			db_done(st);
			if (l)
				return l;
		}
	}
	return i18n_negotiate(http_header(r, "Accept-Language"));
}

void page_raw(struct page *p, const char *html)
{
	if (!p->err)
		p->err = buf_adds(&p->out, html);
}

void page_text(struct page *p, const char *text)
{
	if (!p->err && text)
		p->err = html_escape(&p->out, text);
}

void page_textf(struct page *p, const char *fmt, ...)
{
	struct buf tmp = BUF_INIT(PAGE_MAX_BYTES);
	va_list ap;
	va_start(ap, fmt);
	if (!p->err)
		p->err = buf_vaddf(&tmp, fmt, ap);
	va_end(ap);
	page_text(p, tmp.data);
	buf_release(&tmp);
}

void page_tv(struct page *p, const char *key, long count, const char *const *vars)
{
	struct buf tmp = BUF_INIT(PAGE_MAX_BYTES);
	if (!p->err)
		p->err = i18n_format(p->lang, key, count, vars, &tmp);
	page_text(p, tmp.data);
	buf_release(&tmp);
}

void page_t(struct page *p, const char *key, long count)
{
	page_tv(p, key, count, NULL);
}

void page_date(struct page *p, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char day[16], year[16], hm[16], mkey[32];
	struct buf month = BUF_INIT(64);
	gmtime_r(&t, &tm);
	snprintf(day, sizeof day, "%d", tm.tm_mday);
	snprintf(year, sizeof year, "%d", tm.tm_year + 1900);
	snprintf(hm, sizeof hm, "%02d:%02d", tm.tm_hour, tm.tm_min);
	snprintf(mkey, sizeof mkey, "date.month_short.%d", tm.tm_mon + 1);
	if (!i18n_text(p->lang, mkey, 0, &month)) {
		const char *vars[] = {"day", day, "month", month.data, "year", year, "time", hm, NULL};
		page_tv(p, "date.format", 0, vars);
	}
	buf_release(&month);
}

void page_head(struct page *p, struct http_req *r, const char *lang, const char *title,
	       const char *description)
{
	memset(p, 0, sizeof *p);
	p->r = r;
	p->lang = lang ? lang : page_lang(r);
	buf_init(&p->out, PAGE_MAX_BYTES);
	page_raw(p, "<!doctype html>\n<html lang=\"");
	page_text(p, p->lang);
	page_raw(p, "\"><head><meta charset=\"utf-8\">"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
	page_text(p, title);
	page_raw(p, "</title>");
	if (description && *description) {
		page_raw(p, "<meta name=\"description\" content=\"");
		page_text(p, description);
		page_raw(p, "\">");
	}
}

void page_body(struct page *p, const char *stylesheet, const char *main_class)
{
	struct http_req *r = p->r;
	page_raw(p, "<link rel=\"icon\" href=\"data:,\">" /* no /favicon.ico round trip */
		    "<link rel=\"stylesheet\" href=\"/assets/portal.css\">");
	if (stylesheet) {
		page_raw(p, "<link rel=\"stylesheet\" href=\"");
		page_text(p, stylesheet);
		page_raw(p, "\">");
	}
	page_raw(p, "</head>\n<body><a class=\"skip\" href=\"#main\">");
	page_t(p, "portal.skip", 0);
	page_raw(p, "</a><header class=\"top\"><a class=\"brand\" href=\"/\">Helpo</a><nav>"
		    "<a href=\"/hc/");
	page_text(p, p->lang);
	page_raw(p, "\">");
	page_t(p, "kb.title", 0);
	page_raw(p, "</a> <a href=\"/requests/new\">");
	page_t(p, "portal.submit_request", 0);
	page_raw(p, "</a> <a href=\"/requests\">");
	page_t(p, "portal.your_requests", 0);
	page_raw(p, "</a> ");
	if (r->authed) {
		/* sign-out is a POST with the session's CSRF token (no state change on GET) */
		page_raw(p, "<form class=\"logout\" method=\"post\" action=\"/logout\">"
			    "<input type=\"hidden\" name=\"csrf_token\" value=\"");
		page_text(p, r->csrf);
		page_raw(p, "\"><button type=\"submit\" class=\"link\">");
		page_t(p, "auth.sign_out", 0);
		page_raw(p, "</button></form>");
	} else {
		page_raw(p, "<a href=\"/login\">");
		page_t(p, "auth.sign_in", 0);
		page_raw(p, "</a>");
	}
	page_raw(p, "</nav></header>\n<main id=\"main\"");
	if (main_class) {
		page_raw(p, " class=\"");
		page_text(p, main_class);
		page_raw(p, "\"");
	}
	page_raw(p, ">");
}

void page_begin(struct page *p, struct http_req *r, const char *title, const char *description)
{
	page_head(p, r, NULL, title, description);
	page_body(p, NULL, NULL);
}

/* A language's own name, for the switcher (each shown in its language). */
static const char *lang_name(const char *code)
{
	static const char *const names[][2] = {{"en", "English"},  {"lv", "Latviešu"},
					       {"lt", "Lietuvių"}, {"ru", "Русский"},
					       {"eo", "Esperanto"}};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(names[i][0], code))
			return names[i][1];
	return code;
}

void page_end(struct page *p, int status)
{
	struct http_req *r = p->r;
	page_raw(p, "</main>\n<footer class=\"bottom\"><nav class=\"langs\">");
	for (int i = 0; i18n_langs[i]; i++) {
		page_raw(p, "<a hreflang=\"");
		page_text(p, i18n_langs[i]);
		page_raw(p, "\" lang=\"");
		page_text(p, i18n_langs[i]);
		page_raw(p, "\" href=\"?lang=");
		page_text(p, i18n_langs[i]);
		page_raw(p, strcmp(i18n_langs[i], p->lang) ? "\">" : "\" aria-current=\"true\">");
		page_text(p, lang_name(i18n_langs[i]));
		page_raw(p, "</a> ");
	}
	page_raw(p, "</nav></footer>\n</body></html>\n");
	if (p->err) {
		buf_release(&p->out);
		r->status = 500;
		r->raw = strdup("Internal error\n");
		r->raw_len = r->raw ? strlen(r->raw) : 0;
		r->content_type = "text/plain; charset=utf-8";
		return;
	}
	r->raw = buf_detach(&p->out, &r->raw_len);
	r->content_type = "text/html; charset=utf-8";
	r->csp = HTTP_CSP_PAGE;
	r->status = status;
}

void page_error(struct http_req *r, int status, const char *message_key)
{
	struct page p;
	struct buf title = BUF_INIT(512);
	i18n_text(page_lang(r), message_key, 0, &title);
	page_begin(&p, r, title.data, NULL);
	page_raw(&p, "<h1>");
	page_text(&p, title.data);
	page_raw(&p, "</h1>");
	page_end(&p, status);
	buf_release(&title);
}

void page_redirect(struct http_req *r, const char *local_path)
{
	bool ok = local_path && local_path[0] == '/' && local_path[1] != '/' &&
		  local_path[1] != '\\' && !strpbrk(local_path, "\r\n");
	http_add_header(r, "Location", ok ? local_path : "/");
	r->status = 303;
	r->csp = HTTP_CSP_PAGE;
}
