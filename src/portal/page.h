/*
 * page.h — building server-rendered HTML pages for the customer portal and the knowledge base:
 * the shared layout (head, header with navigation and language switcher, footer), escaping by
 * default, and translated strings. Every text goes through page_text/page_t (HTML-escaped);
 * raw HTML only through page_raw, for our own markup or sanitizer output.
 *
 * Usage:
 *   struct page p;
 *   page_begin(&p, r, "Title", "meta description");   // lang from user, ?lang, cookie, header
 *   page_raw(&p, "<h1>"); page_t(&p, "portal.home.title", 0); page_raw(&p, "</h1>");
 *   page_end(&p, 200);                                 // hands the body to r (CSP: page)
 */
#ifndef HELPO_PORTAL_PAGE_H
#define HELPO_PORTAL_PAGE_H

#include "http/http.h"

struct page {
	struct http_req *r;
	const char *lang; /* canonical code: "en", "lv", ... */
	struct buf out;
	int err;          /* first append error; page_end answers 500 then */
};

/* The page language: ?lang=, then the helpo_lang cookie (set by the portal when ?lang= is
 * used: an explicit choice), then the signed-in user's locale, then Accept-Language, then
 * English. */
const char *page_lang(struct http_req *r);

/* Starts a page: doctype, <html lang>, <head> (title, description, CSS), header. */
void page_begin(struct page *p, struct http_req *r, const char *title, const char *description);
/* page_begin in two halves, for pages that need more in <head> (the KB: canonical and hreflang
 * links): page_head opens the page in `lang` (NULL: page_lang(r)) up to the meta
 * description; add head tags with page_raw; page_body closes <head> (linking `stylesheet`
 * after portal.css when given) and opens the header and <main class=main_class>. */
void page_head(struct page *p, struct http_req *r, const char *lang, const char *title,
	       const char *description);
void page_body(struct page *p, const char *stylesheet, const char *main_class);
/* Closes the page and hands it to r with status (200, 404, ...). */
void page_end(struct page *p, int status);
void page_raw(struct page *p, const char *html);           /* verbatim */
void page_text(struct page *p, const char *text);          /* HTML-escaped */
void page_textf(struct page *p, const char *fmt, ...) PRINTF_LIKE(2, 3); /* escaped */
void page_t(struct page *p, const char *key, long count);  /* translated, escaped */
/* Translated with named placeholders (i18n_format), escaped. */
void page_tv(struct page *p, const char *key, long count, const char *const *vars);
/* A whole error page (404 "not found", 403, 429 ...) with a translated message key. */
void page_error(struct http_req *r, int status, const char *message_key);
/* Redirect (303) to a local path; anything not starting with a single "/" becomes "/". */
void page_redirect(struct http_req *r, const char *local_path);
/* Localized date ("23 Nov 2026, 14:05" in the page language, UTC) from epoch ms. */
void page_date(struct page *p, int64_t ms);

#endif
