/*
 * kb_pages.c — the public knowledge-base pages, server-rendered (no script needed):
 *
 *   /hc                                   → 303 /hc/{page language}
 *   /hc/{locale}                          home: search box, categories → sections, promoted
 *   /hc/{locale}/categories/{id}-{slug}   sections of a category with their articles
 *   /hc/{locale}/sections/{id}-{slug}     articles of a section (paged)
 *   /hc/{locale}/articles/{id}-{slug}     an article (counts a view; ?deflect=TOKEN records a
 *                                         deflection open), "Was this article helpful?"
 *   POST /hc/{locale}/articles/{id}/vote  value=up|down (see vote_post)
 *   /hc/{locale}/search?query=            results with snippets (paged)
 *   /hc/sitemap.xml                       every published translation
 *
 * The page language is the URL's locale; ?lang=xx (the footer's switcher) redirects to the same
 * page in xx. A missing or wrong slug redirects (301) to the canonical URL; unknown ids and
 * drafts are 404 (signed-in staff see drafts, marked). Each page links its translations with
 * <link rel="alternate" hreflang> and has a title and a meta description. Everything is
 * escaped (page_text) except article bodies, which are sanitizer output.
 */
#include "desk/kb.h"
#include "portal/page.h"
#include "util/crypto.h"
#include "util/html.h"
#include "util/i18n.h"
#include "util/limits.h"
#include "util/timeutil.h"

#define VOTER_COOKIE      "helpo_kbv"
#define SEARCH_PAGE_SIZE  20
#define SECTION_PAGE_SIZE 50
#define DESC_CHARS        155

static const char *const locales[] = {"en", "lv", "lt", "ru", "eo", NULL};

/* ---- small helpers ---- */

static const char *js(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static long long ji(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/* A meta description: the first DESC_CHARS characters of a text, cut at a word, "…" added. */
static void describe(const char *text, char *out, size_t cap)
{
	size_t n = 0, chars = 0, last_space = 0;
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	while (p[n] && chars < DESC_CHARS && n + 4 < cap) {
		if (p[n] == ' ' || p[n] == '\n')
			last_space = n;
		n++;
		while ((p[n] & 0xc0) == 0x80)
			n++;
		chars++;
	}
	if (p[n] && last_space)
		n = last_space;
	memcpy(out, p, n);
	out[n] = 0;
	for (char *c = out; *c; c++)
		if (*c == '\n' || *c == '\t')
			*c = ' ';
	if (p[n] && n + 4 < cap)
		memcpy(out + n, "\xe2\x80\xa6", 4);
}

/* Plain text of an HTML fragment, for descriptions. Caller frees. */
static char *plain(const char *html)
{
	return html_to_text(html, strlen(html));
}

static void url_escape(struct page *p, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char one[4];
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.' || *c == '~') {
			one[0] = (char)*c;
			one[1] = 0;
		} else {
			one[0] = '%';
			one[1] = hex[*c >> 4];
			one[2] = hex[*c & 15];
			one[3] = 0;
		}
		page_raw(p, one);
	}
}

/* A language's own name ("latviešu"), from the catalog of that language. */
static void lang_name(struct page *p, const char *locale)
{
	struct buf b = BUF_INIT(128);
	i18n_text(locale, "kb.language_name", 0, &b);
	page_text(p, b.data);
	buf_release(&b);
}

/* ---- layout ---- */

struct alt {
	const char *locale;
	char path[200];
};

/*
 * Starts a KB page in `locale` (the URL's): like page_begin, with the language fixed, the KB
 * stylesheet, a canonical link and hreflang alternates (paths relative to the site root).
 */
static void kb_begin(struct page *p, struct http_req *r, const char *locale, const char *title,
                     const char *description, const char *canonical, const struct alt *alts,
                     int nalts)
{
	struct buf t = BUF_INIT(512), full = BUF_INIT(1024);
	i18n_text(locale, "kb.title", 0, &t);
	buf_adds(&full, title);
	if (strcmp(title, t.data)) {
		buf_adds(&full, " \xe2\x80\x93 ");
		buf_adds(&full, t.data);
	}
	page_head(p, r, locale, full.data, description);
	buf_release(&full);
	if (canonical) {
		page_raw(p, "<link rel=\"canonical\" href=\"");
		page_text(p, r->base_url);
		page_text(p, canonical);
		page_raw(p, "\">");
	}
	for (int i = 0; i < nalts; i++) {
		page_raw(p, "<link rel=\"alternate\" hreflang=\"");
		page_text(p, alts[i].locale);
		page_raw(p, "\" href=\"");
		page_text(p, r->base_url);
		page_text(p, alts[i].path);
		page_raw(p, "\">");
	}
	page_body(p, "/assets/kb.css", "kb");
	buf_release(&t);
}

static void search_form(struct page *p, const char *query)
{
	page_raw(p, "<form class=\"kb-search\" role=\"search\" method=\"get\" action=\"/hc/");
	page_text(p, p->lang);
	page_raw(p, "/search\"><label for=\"kb-q\">");
	page_t(p, "kb.search.label", 0);
	page_raw(p, "</label> <input id=\"kb-q\" type=\"search\" name=\"query\" maxlength=\"200\" "
	            "value=\"");
	page_text(p, query ? query : "");
	page_raw(p, "\"> <button type=\"submit\">");
	page_t(p, "kb.search.button", 0);
	page_raw(p, "</button></form>");
}

/* Breadcrumbs: KB home › category › section (each may be NULL). */
static void crumbs(struct page *p, json_t *cat, json_t *sec)
{
	page_raw(p, "<nav class=\"kb-crumbs\" aria-label=\"");
	page_t(p, "kb.breadcrumbs", 0);
	page_raw(p, "\"><ol><li><a href=\"/hc/");
	page_text(p, p->lang);
	page_raw(p, "\">");
	page_t(p, "kb.title", 0);
	page_raw(p, "</a></li>");
	json_t *levels[2] = {cat, sec};
	for (int i = 0; i < 2; i++) {
		if (!levels[i])
			continue;
		page_raw(p, "<li><a href=\"");
		page_text(p, js(levels[i], "html_url"));
		page_raw(p, "\">");
		page_text(p, js(levels[i], "name"));
		page_raw(p, "</a></li>");
	}
	page_raw(p, "</ol></nav>");
}

static void article_link_list(struct page *p, json_t *arts, int64_t section_id, int max)
{
	json_t *a;
	size_t i;
	int n = 0;
	page_raw(p, "<ul class=\"kb-articles\">");
	json_array_foreach(arts, i, a)
	{
		if (section_id && ji(a, "section_id") != section_id)
			continue;
		if (max && n++ >= max)
			break;
		page_raw(p, "<li><a href=\"");
		page_text(p, js(a, "html_url"));
		page_raw(p, "\">");
		page_text(p, js(a, "title"));
		page_raw(p, "</a>");
		if (json_is_true(json_object_get(a, "draft"))) {
			page_raw(p, " <span class=\"kb-badge\">");
			page_t(p, "kb.draft", 0);
			page_raw(p, "</span>");
		}
		page_raw(p, "</li>");
	}
	page_raw(p, "</ul>");
}

/* Alternates for a list page that exists in every locale ("/hc/%s/..." pattern). */
static int all_alts(struct alt *alts, const char *fmt_suffix)
{
	int n = 0;
	for (int i = 0; locales[i]; i++) {
		alts[n].locale = locales[i];
		snprintf(alts[n].path, sizeof alts[n].path, "/hc/%s%s", locales[i], fmt_suffix);
		n++;
	}
	return n;
}

/* A category or section in locale, else in its source locale (untranslated). */
static int get_box(struct http_req *r, enum kb_kind k, int64_t id, const char *locale, json_t **out)
{
	int rc = desk_kb_get(r->db, &r->actor, k, id, locale, out);
	if (rc == HELPO_ENOTFOUND)
		rc = desk_kb_get(r->db, &r->actor, k, id, NULL, out);
	return rc;
}

static void not_found(struct http_req *r)
{
	page_error(r, 404, "kb.not_found");
}

/* Redirects to path with status (301 for canonical URLs, 303 after POST). */
static void redirect(struct http_req *r, const char *path, int status)
{
	page_redirect(r, path);
	r->status = status;
}

/* ---- pages ---- */

static void home(struct http_req *r, const char *locale)
{
	struct desk_page pg = {.size = HELPO_MAX_PAGE_SIZE, .page = 1};
	struct kb_filter f = {.locale = locale, .brief = true, .fallback = true};
	struct desk_list cats = {0}, secs = {0}, arts = {0};
	json_t *counts = NULL, *c, *s, *a;
	struct alt alts[5];
	struct buf title = BUF_INIT(256), desc = BUF_INIT(512);
	struct page p;
	size_t i, j;
	char self[32];
	int rc;
	if ((rc = desk_kb_list(r->db, &r->actor, KB_CATEGORY, &f, &pg, &cats)) ||
	    (rc = desk_kb_list(r->db, &r->actor, KB_SECTION, &f, &pg, &secs)) ||
	    (rc = desk_kb_section_counts(r->db, &r->actor, locale, &counts))) {
		page_error(r, 500, "kb.error");
		goto out;
	}
	{
		struct desk_page ap = {.size = 10, .page = 1};
		desk_kb_list(r->db, &r->actor, KB_ARTICLE, &f, &ap, &arts);
	}
	i18n_text(locale, "kb.title", 0, &title);
	i18n_text(locale, "kb.home.description", 0, &desc);
	snprintf(self, sizeof self, "/hc/%s", locale);
	kb_begin(&p, r, locale, title.data, desc.data, self, alts, all_alts(alts, ""));
	page_raw(&p, "<h1>");
	page_t(&p, "kb.home.heading", 0);
	page_raw(&p, "</h1>");
	search_form(&p, NULL);
	page_raw(&p, "<div class=\"kb-categories\">");
	json_array_foreach(cats.rows, i, c)
	{
		page_raw(&p, "<section class=\"kb-category\"><h2><a href=\"");
		page_text(&p, js(c, "html_url"));
		page_raw(&p, "\">");
		page_text(&p, js(c, "name"));
		page_raw(&p, "</a></h2><ul class=\"kb-sections\">");
		json_array_foreach(secs.rows, j, s)
		{
			char key[24];
			if (ji(s, "category_id") != ji(c, "id"))
				continue;
			snprintf(key, sizeof key, "%lld", ji(s, "id"));
			page_raw(&p, "<li><a href=\"");
			page_text(&p, js(s, "html_url"));
			page_raw(&p, "\">");
			page_text(&p, js(s, "name"));
			page_raw(&p, "</a> <span class=\"kb-count\">");
			page_t(&p, "kb.article_count",
			       (long)json_integer_value(json_object_get(counts, key)));
			page_raw(&p, "</span></li>");
		}
		page_raw(&p, "</ul></section>");
	}
	if (!json_array_size(cats.rows)) {
		page_raw(&p, "<p>");
		page_t(&p, "kb.empty", 0);
		page_raw(&p, "</p>");
	}
	page_raw(&p, "</div>");
	if (arts.rows && json_array_size(arts.rows)) {
		json_t *promoted = json_array();
		json_array_foreach(arts.rows, i,
		                   a) if (json_is_true(json_object_get(a, "promoted")))
		    json_array_append(promoted, a);
		if (json_array_size(promoted)) {
			page_raw(&p, "<section class=\"kb-promoted\"><h2>");
			page_t(&p, "kb.promoted", 0);
			page_raw(&p, "</h2>");
			article_link_list(&p, promoted, 0, 0);
			page_raw(&p, "</section>");
		}
		json_decref(promoted);
	}
	page_end(&p, 200);
out:
	json_decref(counts);
	desk_list_release(&cats);
	desk_list_release(&secs);
	desk_list_release(&arts);
	buf_release(&title);
	buf_release(&desc);
}

/* The canonical path of a record, and whether the request's slug part matches it. */
static bool canonical(json_t *rec, const char *tail)
{
	const char *u = js(rec, "html_url"), *slash = strrchr(u, '/');
	return slash && !strcmp(slash + 1, tail);
}

/* Alternates of one object: its translations (locale list from desk_kb_translations). */
static int object_alts(struct http_req *r, enum kb_kind k, int64_t id, struct alt *alts)
{
	json_t *trs = NULL, *t;
	size_t i;
	int n = 0;
	if (desk_kb_translations(r->db, &r->actor, k, id, &trs))
		return 0;
	json_array_foreach(trs, i, t)
	{
		if (n >= 5 || (json_is_true(json_object_get(t, "draft")) && k == KB_ARTICLE))
			continue;
		alts[n].locale = desk_kb_locale(js(t, "locale"));
		if (!alts[n].locale)
			continue;
		snprintf(alts[n].path, sizeof alts[n].path, "%s", js(t, "html_url"));
		n++;
	}
	json_decref(trs);
	return n;
}

static void category_page(struct http_req *r, const char *locale, int64_t id, const char *tail)
{
	struct desk_page pg = {.size = HELPO_MAX_PAGE_SIZE, .page = 1};
	struct kb_filter f = {.locale = locale, .category_id = id, .brief = true, .fallback = true};
	struct desk_list secs = {0}, arts = {0};
	json_t *cat = NULL, *s;
	struct alt alts[5];
	struct page p;
	size_t i;
	char desc[600];
	if (get_box(r, KB_CATEGORY, id, locale, &cat)) {
		not_found(r);
		return;
	}
	if (!canonical(cat, tail)) {
		redirect(r, js(cat, "html_url"), 301);
		goto out;
	}
	if (desk_kb_list(r->db, &r->actor, KB_SECTION, &f, &pg, &secs) ||
	    desk_kb_list(r->db, &r->actor, KB_ARTICLE, &f, &pg, &arts)) {
		page_error(r, 500, "kb.error");
		goto out;
	}
	{
		char *text = plain(js(cat, "description"));
		describe(text ? text : "", desc, sizeof desc);
		free(text);
	}
	kb_begin(&p, r, locale, js(cat, "name"), desc, js(cat, "html_url"), alts,
	         object_alts(r, KB_CATEGORY, id, alts));
	crumbs(&p, NULL, NULL);
	page_raw(&p, "<h1>");
	page_text(&p, js(cat, "name"));
	page_raw(&p, "</h1><div class=\"kb-description\">");
	page_raw(&p, js(cat, "description")); /* sanitized */
	page_raw(&p, "</div>");
	json_array_foreach(secs.rows, i, s)
	{
		page_raw(&p, "<section class=\"kb-section\"><h2><a href=\"");
		page_text(&p, js(s, "html_url"));
		page_raw(&p, "\">");
		page_text(&p, js(s, "name"));
		page_raw(&p, "</a></h2>");
		article_link_list(&p, arts.rows, (int64_t)ji(s, "id"), 10);
		page_raw(&p, "</section>");
	}
	page_end(&p, 200);
out:
	json_decref(cat);
	desk_list_release(&secs);
	desk_list_release(&arts);
}

static int page_number(struct http_req *r)
{
	const char *s = http_query(r, "page");
	long n = s ? strtol(s, NULL, 10) : 1;
	return n < 1 ? 1 : n > 1000 ? 1000 : (int)n;
}

static void pager(struct page *p, const char *base, const char *query, int page, bool more)
{
	if (page <= 1 && !more)
		return;
	page_raw(p, "<nav class=\"kb-pager\" aria-label=\"");
	page_t(p, "kb.pages", 0);
	page_raw(p, "\">");
	for (int d = -1; d <= 1; d += 2) {
		if ((d < 0 && page <= 1) || (d > 0 && !more))
			continue;
		page_raw(p, "<a rel=\"");
		page_raw(p, d < 0 ? "prev" : "next");
		page_raw(p, "\" href=\"");
		page_text(p, base);
		page_raw(p, "?");
		if (query) {
			page_raw(p, "query=");
			url_escape(p, query);
			page_raw(p, "&amp;");
		}
		page_textf(p, "page=%d", page + d);
		page_raw(p, "\">");
		page_t(p, d < 0 ? "kb.previous" : "kb.next", 0);
		page_raw(p, "</a> ");
	}
	page_raw(p, "</nav>");
}

static void section_page(struct http_req *r, const char *locale, int64_t id, const char *tail)
{
	int pn = page_number(r);
	struct desk_page pg = {.size = SECTION_PAGE_SIZE, .page = pn};
	struct kb_filter f = {.locale = locale, .section_id = id, .brief = true};
	struct desk_list arts = {0};
	json_t *sec = NULL, *cat = NULL;
	struct alt alts[5];
	struct page p;
	char desc[600];
	if (get_box(r, KB_SECTION, id, locale, &sec)) {
		not_found(r);
		return;
	}
	if (!canonical(sec, tail)) {
		redirect(r, js(sec, "html_url"), 301);
		goto out;
	}
	get_box(r, KB_CATEGORY, (int64_t)ji(sec, "category_id"), locale, &cat);
	if (desk_kb_list(r->db, &r->actor, KB_ARTICLE, &f, &pg, &arts)) {
		page_error(r, 500, "kb.error");
		goto out;
	}
	{
		char *text = plain(js(sec, "description"));
		describe(text && *text ? text : js(sec, "name"), desc, sizeof desc);
		free(text);
	}
	kb_begin(&p, r, locale, js(sec, "name"), desc, js(sec, "html_url"), alts,
	         object_alts(r, KB_SECTION, id, alts));
	crumbs(&p, cat, NULL);
	page_raw(&p, "<h1>");
	page_text(&p, js(sec, "name"));
	page_raw(&p, "</h1>");
	if (json_array_size(arts.rows))
		article_link_list(&p, arts.rows, 0, 0);
	else {
		page_raw(&p, "<p>");
		page_t(&p, "kb.no_articles", 0);
		page_raw(&p, "</p>");
	}
	pager(&p, js(sec, "html_url"), NULL, pn, arts.has_more);
	page_end(&p, 200);
out:
	json_decref(sec);
	json_decref(cat);
	desk_list_release(&arts);
}

/* The visitor key for anonymous votes (cookie), or NULL. */
static const char *voter_key(struct http_req *r)
{
	const char *k = http_cookie(r, VOTER_COOKIE);
	return k && strlen(k) >= 16 && strlen(k) <= 128 ? k : NULL;
}

static void vote_box(struct page *p, struct http_req *r, json_t *art)
{
	int mine = 0;
	long total = (long)ji(art, "vote_count"), ups = (total + (long)ji(art, "vote_sum")) / 2;
	char tot[24];
	const char *vars[] = {"total", tot, NULL};
	const char *voted = http_query(r, "voted");
	desk_kb_my_vote(r->db, &r->actor, (int64_t)ji(art, "id"), voter_key(r), &mine);
	snprintf(tot, sizeof tot, "%ld", total);
	page_raw(p, "<section id=\"vote\" class=\"kb-vote\" aria-labelledby=\"kb-vote-h\">"
	            "<h2 id=\"kb-vote-h\">");
	page_t(p, "kb.helpful", 0);
	page_raw(p, "</h2><form method=\"post\" action=\"/hc/");
	page_text(p, p->lang);
	page_textf(p, "/articles/%lld/vote", ji(art, "id"));
	page_raw(p, "\">");
	if (r->authed) {
		page_raw(p, "<input type=\"hidden\" name=\"csrf_token\" value=\"");
		page_text(p, r->csrf);
		page_raw(p, "\">");
	}
	page_raw(p, "<button type=\"submit\" name=\"value\" value=\"up\" aria-pressed=\"");
	page_raw(p, mine > 0 ? "true" : "false");
	page_raw(p, "\">");
	page_t(p, "common.yes", 0);
	page_raw(p, "</button> <button type=\"submit\" name=\"value\" value=\"down\" "
	            "aria-pressed=\"");
	page_raw(p, mine < 0 ? "true" : "false");
	page_raw(p, "\">");
	page_t(p, "common.no", 0);
	page_raw(p, "</button></form>");
	if (voted && (!strcmp(voted, "1") || !strcmp(voted, "limited"))) {
		page_raw(p, "<p class=\"kb-thanks\" role=\"status\">");
		page_t(p, !strcmp(voted, "1") ? "kb.vote.thanks" : "kb.vote.limited", 0);
		page_raw(p, "</p>");
	}
	if (total) {
		page_raw(p, "<p class=\"kb-votes\">");
		page_tv(p, "kb.vote.summary", ups, vars);
		page_raw(p, "</p>");
	}
	page_raw(p, "</section>");
}

static void article_page(struct http_req *r, const char *locale, int64_t id, const char *tail)
{
	struct desk_page pg = {.size = 11, .page = 1};
	struct desk_list rel = {0};
	json_t *art = NULL, *sec = NULL, *cat = NULL;
	struct alt alts[5];
	struct page p;
	const char *deflect = http_query(r, "deflect");
	char desc[600];
	int nalts;
	if (desk_kb_get(r->db, &r->actor, KB_ARTICLE, id, locale, &art)) {
		not_found(r);
		return;
	}
	if (strcmp(r->method, "HEAD")) {
		if (deflect) {
			const char *q = http_query(r, "query");
			desk_kb_deflection_open(r->db, deflect, id, q ? q : http_query(r, "q"));
		}
		if (!canonical(art, tail)) {
			redirect(r, js(art, "html_url"), 301);
			goto out;
		}
		desk_kb_view(r->db, id);
		json_object_set_new(art, "view_count", json_integer(ji(art, "view_count") + 1));
	} else if (!canonical(art, tail)) {
		redirect(r, js(art, "html_url"), 301);
		goto out;
	}
	if (!get_box(r, KB_SECTION, (int64_t)ji(art, "section_id"), locale, &sec))
		get_box(r, KB_CATEGORY, (int64_t)ji(sec, "category_id"), locale, &cat);
	{
		struct kb_filter f = {
		    .locale = locale, .section_id = (int64_t)ji(art, "section_id"), .brief = true};
		desk_kb_list(r->db, &r->actor, KB_ARTICLE, &f, &pg, &rel);
	}
	{
		char *text = plain(js(art, "body"));
		describe(text ? text : "", desc, sizeof desc);
		free(text);
	}
	nalts = object_alts(r, KB_ARTICLE, id, alts);
	kb_begin(&p, r, locale, js(art, "title"), desc, js(art, "html_url"), alts, nalts);
	crumbs(&p, cat, sec);
	page_raw(&p, "<article class=\"kb-article\"><h1>");
	page_text(&p, js(art, "title"));
	page_raw(&p, "</h1><p class=\"kb-meta\">");
	page_t(&p, "kb.updated", 0);
	page_raw(&p, " <time datetime=\"");
	page_text(&p, js(art, "updated_at"));
	page_raw(&p, "\">");
	{
		json_t *e = json_object_get(art, "edited_at");
		const char *iso =
		    json_string_value(e) ? json_string_value(e) : js(art, "updated_at");
		int64_t ms;
		if (!time_parse_iso8601(iso, &ms))
			page_date(&p, ms);
	}
	page_raw(&p, "</time> \xc2\xb7 ");
	page_t(&p, "kb.views", (long)ji(art, "view_count"));
	page_raw(&p, "</p>");
	if (json_is_true(json_object_get(art, "draft"))) {
		page_raw(&p, "<p class=\"kb-notice\">");
		page_t(&p, "kb.draft_notice", 0);
		page_raw(&p, "</p>");
	}
	if (json_is_true(json_object_get(art, "outdated"))) {
		page_raw(&p, "<p class=\"kb-notice\">");
		page_t(&p, "kb.outdated", 0);
		page_raw(&p, "</p>");
	}
	page_raw(&p, "<div class=\"kb-body\">");
	page_raw(&p, js(art, "body")); /* sanitized at write time (markdown.h) */
	page_raw(&p, "</div></article>");
	if (nalts > 1) {
		page_raw(&p, "<nav class=\"kb-langs\" aria-label=\"");
		page_t(&p, "kb.other_languages", 0);
		page_raw(&p, "\"><h2>");
		page_t(&p, "kb.other_languages", 0);
		page_raw(&p, "</h2><ul>");
		for (int i = 0; i < nalts; i++) {
			if (!strcmp(alts[i].locale, locale))
				continue;
			page_raw(&p, "<li><a rel=\"alternate\" hreflang=\"");
			page_text(&p, alts[i].locale);
			page_raw(&p, "\" lang=\"");
			page_text(&p, alts[i].locale);
			page_raw(&p, "\" href=\"");
			page_text(&p, alts[i].path);
			page_raw(&p, "\">");
			lang_name(&p, alts[i].locale);
			page_raw(&p, "</a></li>");
		}
		page_raw(&p, "</ul></nav>");
	}
	vote_box(&p, r, art);
	if (rel.rows && json_array_size(rel.rows) > 1) {
		json_t *others = json_array(), *a;
		size_t i;
		json_array_foreach(rel.rows, i, a) if (ji(a, "id") != id)
		    json_array_append(others, a);
		page_raw(&p, "<section class=\"kb-related\"><h2>");
		page_t(&p, "kb.related", 0);
		page_raw(&p, "</h2>");
		article_link_list(&p, others, 0, 10);
		page_raw(&p, "</section>");
		json_decref(others);
	}
	page_raw(&p, "<p class=\"kb-more-help\">");
	page_t(&p, "kb.still_need_help", 0);
	page_raw(&p, " <a href=\"/requests/new\">");
	page_t(&p, "portal.submit_request", 0);
	page_raw(&p, "</a></p>");
	page_end(&p, 200);
out:
	json_decref(art);
	json_decref(sec);
	json_decref(cat);
	desk_list_release(&rel);
}

/* The value of `name` in an application/x-www-form-urlencoded body, decoded into out. */
static bool form_value(struct http_req *r, const char *name, char *out, size_t cap)
{
	const char *b = r->body, *end = r->body + r->body_len;
	size_t nl = strlen(name);
	while (b && b < end) {
		const char *amp = memchr(b, '&', (size_t)(end - b)), *stop = amp ? amp : end;
		if ((size_t)(stop - b) > nl && !memcmp(b, name, nl) && b[nl] == '=') {
			size_t n = 0;
			for (const char *c = b + nl + 1; c < stop && n + 1 < cap; c++) {
				if (*c == '+')
					out[n++] = ' ';
				else if (*c == '%' && stop - c > 2) {
					char hx[3] = {c[1], c[2], 0};
					out[n++] = (char)strtol(hx, NULL, 16);
					c += 2;
				} else
					out[n++] = *c;
			}
			out[n] = 0;
			return true;
		}
		b = amp ? amp + 1 : end;
	}
	return false;
}

/*
 * POST /hc/{locale}/articles/{id}/vote. Signed-in users vote as themselves (CSRF token
 * checked). Anonymous visitors get a random key in the helpo_kbv cookie (HttpOnly,
 * SameSite=Lax, a year) and vote once per key; kb.c caps anonymous votes at
 * KB_MAX_ANON_VOTES_PER_IP per article, address and day, so clearing cookies does not
 * multiply votes. A cross-site Origin is refused. Answers 303 back to the article.
 */
static void vote_post(struct http_req *r, const char *locale, int64_t id)
{
	struct desk_err err = {0};
	const char *origin = http_header(r, "Origin"), *key = voter_key(r);
	char value[16] = "", token[80] = "", fresh[CRYPTO_TOKEN_CHARS + 1], back[200];
	json_t *art = NULL;
	int rc;
	if (origin && strcmp(origin, r->base_url)) {
		page_error(r, 403, "kb.forbidden");
		return;
	}
	if (desk_kb_get(r->db, &r->actor, KB_ARTICLE, id, locale, &art)) {
		not_found(r);
		return;
	}
	if (r->authed &&
	    (!form_value(r, "csrf_token", token, sizeof token) || !crypto_equal(token, r->csrf))) {
		json_decref(art);
		page_error(r, 403, "kb.forbidden");
		return;
	}
	if (!form_value(r, "value", value, sizeof value) ||
	    (strcmp(value, "up") && strcmp(value, "down"))) {
		json_decref(art);
		page_error(r, 400, "kb.bad_request");
		return;
	}
	if (!r->authed && !key) {
		char cookie[200];
		crypto_token(fresh);
		key = fresh;
		snprintf(cookie, sizeof cookie,
		         VOTER_COOKIE "=%s; Path=/hc; Max-Age=31536000; HttpOnly; SameSite=Lax",
		         key);
		http_add_header(r, "Set-Cookie", cookie);
	}
	rc = desk_kb_vote(r->db, r->authed ? &r->actor : &(struct desk_actor){0, DESK_END_USER, 0},
	                  id, !strcmp(value, "up") ? 1 : -1, r->authed ? NULL : key, r->ip, NULL,
	                  &err);
	snprintf(back, sizeof back, "%s?voted=%s#vote", js(art, "html_url"),
	         rc == 0 ? "1" : "limited");
	json_decref(art);
	if (rc && rc != HELPO_EFORBIDDEN) {
		page_error(r, rc == HELPO_ENOTFOUND ? 404 : 500, "kb.error");
		return;
	}
	redirect(r, back, 303);
}

static void search_page(struct http_req *r, const char *locale)
{
	const char *q = http_query(r, "query");
	int pn = page_number(r);
	struct desk_page pg = {.size = SEARCH_PAGE_SIZE, .page = pn};
	struct desk_list res = {0};
	struct desk_err err = {0};
	struct buf title = BUF_INIT(512);
	struct alt alts[5];
	struct page p;
	char base[40];
	int rc = HELPO_EINVAL;
	if (q && strlen(q) > HELPO_MAX_QUERY_BYTES)
		q = NULL;
	if (q && *q)
		rc = desk_kb_search(r->db, &r->actor, q, locale, &pg, &res, &err);
	i18n_text(locale, "kb.search.title", 0, &title);
	snprintf(base, sizeof base, "/hc/%s/search", locale);
	kb_begin(&p, r, locale, title.data, NULL, NULL, alts, 0);
	(void)alts;
	crumbs(&p, NULL, NULL);
	page_raw(&p, "<h1>");
	page_text(&p, title.data);
	page_raw(&p, "</h1>");
	search_form(&p, q);
	if (rc == 0) {
		const char *vars[] = {"query", q, NULL};
		json_t *row;
		size_t i;
		page_raw(&p, "<p class=\"kb-count\" role=\"status\">");
		page_tv(&p, "kb.search.results", (long)res.count, vars);
		page_raw(&p, "</p><ol class=\"kb-results\">");
		json_array_foreach(res.rows, i, row)
		{
			page_raw(&p, "<li><h2><a href=\"");
			page_text(&p, js(row, "html_url"));
			page_raw(&p, "\">");
			page_text(&p, js(row, "title"));
			page_raw(&p, "</a></h2><p>");
			page_text(&p, js(row, "snippet"));
			page_raw(&p, "</p></li>");
		}
		page_raw(&p, "</ol>");
		if (!res.count) {
			page_raw(&p, "<p>");
			page_t(&p, "kb.search.none", 0);
			page_raw(&p, " <a href=\"/requests/new\">");
			page_t(&p, "portal.submit_request", 0);
			page_raw(&p, "</a></p>");
		}
		pager(&p, base, q, pn, res.has_more);
	} else if (q && *q && rc != HELPO_EINVAL) {
		page_raw(&p, "<p>");
		page_t(&p, "kb.error", 0);
		page_raw(&p, "</p>");
	} else {
		page_raw(&p, "<p>");
		page_t(&p, "kb.search.empty", 0);
		page_raw(&p, "</p>");
	}
	page_end(&p, 200);
	desk_list_release(&res);
	buf_release(&title);
}

static void sitemap(struct http_req *r)
{
	struct buf b = BUF_INIT(32u << 20);
	json_t *urls = NULL, *u;
	size_t i;
	if (desk_kb_sitemap(r->db, &urls)) {
		page_error(r, 500, "kb.error");
		return;
	}
	buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	             "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	json_array_foreach(urls, i, u)
	{
		buf_adds(&b, "<url><loc>");
		html_escape(&b, r->base_url);
		html_escape(&b, js(u, "loc"));
		buf_adds(&b, "</loc><lastmod>");
		html_escape(&b, js(u, "lastmod"));
		buf_adds(&b, "</lastmod></url>\n");
	}
	buf_adds(&b, "</urlset>\n");
	json_decref(urls);
	r->raw = buf_detach(&b, &r->raw_len);
	r->content_type = "application/xml; charset=utf-8";
	r->csp = HTTP_CSP_API;
	r->cache_control = "public, max-age=300";
	r->status = 200;
}

/* "/hc/lv/articles/7-slug" → kind path segment, id, tail ("7-slug"); false when malformed. */
static bool parse_object(const char *rest, const char *what, int64_t *id, const char **tail,
                         const char **after)
{
	size_t n = strlen(what);
	char *end;
	long long v;
	if (strncmp(rest, what, n) || rest[n] != '/')
		return false;
	rest += n + 1;
	if (*rest < '1' || *rest > '9')
		return false;
	v = strtoll(rest, &end, 10);
	if (v <= 0 || (*end && *end != '-' && *end != '/'))
		return false;
	*id = v;
	*tail = rest;
	*after = strchr(rest, '/');
	return true;
}

bool kb_pages_serve(struct http_req *r)
{
	const char *path = r->path, *rest, *loc, *tail, *after;
	char seg[16], where[300];
	int64_t id;
	size_t n;
	bool post = !strcmp(r->method, "POST");
	if (strncmp(path, "/hc", 3) || (path[3] && path[3] != '/'))
		return false;
	if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD") && !post)
		return false;
	if (!path[3] || !path[4]) {
		snprintf(where, sizeof where, "/hc/%s", page_lang(r));
		redirect(r, where, 303);
		return true;
	}
	if (!strcmp(path, "/hc/sitemap.xml") && !post) {
		sitemap(r);
		return true;
	}
	rest = path + 4;
	n = strcspn(rest, "/");
	if (n >= sizeof seg) {
		not_found(r);
		return true;
	}
	memcpy(seg, rest, n);
	seg[n] = 0;
	rest += n;
	if (!(loc = i18n_lang(seg))) {
		not_found(r);
		return true;
	}
	/* "en-us" → "en"; ?lang=ru → the same page in ru */
	{
		const char *want = i18n_lang(http_query(r, "lang"));
		if (!post && (strcmp(loc, seg) || (want && strcmp(want, loc)))) {
			snprintf(where, sizeof where, "/hc/%s%s", want ? want : loc, rest);
			redirect(r, where, strcmp(loc, seg) ? 301 : 303);
			return true;
		}
	}
	if (!*rest && !post) {
		home(r, loc);
		return true;
	}
	rest++;
	if (!strcmp(rest, "search") && !post) {
		search_page(r, loc);
		return true;
	}
	if (parse_object(rest, "articles", &id, &tail, &after)) {
		if (post && after && !strcmp(after, "/vote"))
			vote_post(r, loc, id);
		else if (!post && !after)
			article_page(r, loc, id, tail);
		else
			not_found(r);
		return true;
	}
	if (!post && parse_object(rest, "sections", &id, &tail, &after) && !after) {
		section_page(r, loc, id, tail);
		return true;
	}
	if (!post && parse_object(rest, "categories", &id, &tail, &after) && !after) {
		category_page(r, loc, id, tail);
		return true;
	}
	not_found(r);
	return true;
}
