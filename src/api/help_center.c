/*
 * help_center.c — /api/v2/help_center/... (Zendesk's Help Center API): categories, sections,
 * articles, their translations, locale variants (/api/v2/help_center/lv/articles), votes,
 * article search and deflection statistics. Handlers only translate HTTP to desk_kb_* calls;
 * the rules (who reads drafts, who writes) live in src/desk/kb.c.
 *
 * Reads of published content are public (AUTH_NONE; a signed-in caller is still known, so
 * staff see drafts); writes are AUTH_STAFF and kb.c narrows categories, sections and deletes
 * to admins; votes need a signed-in user (the public pages let anonymous visitors vote).
 */
#include "api/api.h"
#include "desk/kb.h"
#include "util/limits.h"
#include "util/timeutil.h"

#define HC "/api/v2/help_center"

static const char *const hc_sorts[] = {"position", "id", "created_at", "updated_at", NULL};
static const char *const root_keys[] = {"category", "section", "article"};
static const char *const list_keys[] = {"categories", "sections", "articles"};
static const char *const url_fmts[] = {HC "/categories/%lld.json", HC "/sections/%lld.json",
                                       HC "/articles/%lld.json"};

/* The locale of a variant path "/api/v2/help_center/lv/..." or NULL. */
static const char *variant_locale(struct http_req *r)
{
	const char *p = r->path + strlen(HC);
	char tag[8];
	size_t n;
	if (strncmp(r->path, HC "/", strlen(HC) + 1))
		return NULL;
	p++;
	n = strcspn(p, "/");
	if (n < 2 || n >= sizeof tag)
		return NULL;
	memcpy(tag, p, n);
	tag[n] = 0;
	return desk_kb_locale(tag);
}

/* The last path segment (".../translations/lv"). */
static const char *last_segment(struct http_req *r)
{
	const char *s = strrchr(r->path, '/');
	return s ? s + 1 : r->path;
}

/* Which kind a path is about: the first of categories/sections/articles after the prefix,
 * counted from the end for nested list paths (/categories/1/sections → sections). */
static enum kb_kind path_kind(struct http_req *r, bool last)
{
	const char *names[] = {"/categories", "/sections", "/articles"};
	const char *best = NULL;
	enum kb_kind k = KB_ARTICLE;
	for (int i = 0; i < 3; i++) {
		const char *s = r->path, *hit = NULL;
		while ((s = strstr(s, names[i]))) {
			hit = s;
			s++;
		}
		if (hit && (!best || (last ? hit > best : hit < best))) {
			best = hit;
			k = (enum kb_kind)i;
		}
	}
	return k;
}

static void absolute_html_url(struct http_req *r, json_t *rec)
{
	const char *u = json_string_value(json_object_get(rec, "html_url"));
	char buf[512];
	if (u && u[0] == '/') {
		snprintf(buf, sizeof buf, "%s%s", r->base_url, u);
		json_object_set_new(rec, "html_url", json_string(buf));
	}
}

static void reply_one(struct http_req *r, int status, enum kb_kind k, json_t *o)
{
	api_add_url(r, o, url_fmts[k]);
	absolute_html_url(r, o);
	api_reply(r, status, json_pack("{s:o}", root_keys[k], o));
}

static void reply_list(struct http_req *r, enum kb_kind k, struct desk_list *l,
                       const struct desk_page *p)
{
	json_t *row;
	size_t i;
	json_array_foreach(l->rows, i, row) absolute_html_url(r, row);
	api_list_reply(r, list_keys[k], l, p, url_fmts[k]);
}

/* ---- lists ---- */

static void hc_list(struct http_req *r)
{
	enum kb_kind k = path_kind(r, true), parent = path_kind(r, false);
	struct kb_filter f = {.locale = variant_locale(r)};
	struct desk_page p;
	struct desk_list l;
	int rc;
	if (api_page(r, &p, hc_sorts))
		return;
	if (r->nparams && parent == KB_CATEGORY)
		f.category_id = r->params[0];
	else if (r->nparams && parent == KB_SECTION)
		f.section_id = r->params[0];
	if (k == KB_ARTICLE && (f.label = http_query(r, "label_names")) &&
	    (strchr(f.label, ',') || strlen(f.label) > KB_MAX_LABEL_BYTES)) {
		api_error(r, 400, "InvalidParameter", "label_names: one label");
		return;
	}
	if (r->nparams) { /* the parent must exist (and be visible) */
		json_t *o = NULL;
		if ((rc = desk_kb_get(r->db, &r->actor, parent, r->params[0], NULL, &o))) {
			api_desk_error(r, rc, NULL);
			return;
		}
		json_decref(o);
	}
	if ((rc = desk_kb_list(r->db, &r->actor, k, &f, &p, &l))) {
		api_desk_error(r, rc, NULL);
		return;
	}
	reply_list(r, k, &l, &p);
	desk_list_release(&l);
}

/* ---- one object ---- */

static void hc_show(struct http_req *r)
{
	enum kb_kind k = path_kind(r, true);
	json_t *o;
	int rc = desk_kb_get(r->db, &r->actor, k, r->params[0], variant_locale(r), &o);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	reply_one(r, 200, k, o);
}

static void hc_create(struct http_req *r)
{
	enum kb_kind k = path_kind(r, true), parent = path_kind(r, false);
	struct desk_err err = {0};
	json_t *in = api_body(r, root_keys[k]), *o = NULL;
	const char *loc = variant_locale(r);
	char where[300];
	int rc;
	if (!in)
		return;
	if (r->nparams) /* POST /categories/:id/sections, /sections/:id/articles */
		json_object_set_new(in, parent == KB_CATEGORY ? "category_id" : "section_id",
		                    json_integer(r->params[0]));
	if (loc && !json_object_get(in, "locale"))
		json_object_set_new(in, "locale", json_string(loc));
	rc = desk_kb_create(r->db, &r->actor, k, in, &o, &err);
	json_decref(in);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	snprintf(where, sizeof where, "%s" HC "/%s/%lld.json", r->base_url, list_keys[k],
	         (long long)json_integer_value(json_object_get(o, "id")));
	http_add_header(r, "Location", where);
	reply_one(r, 201, k, o);
}

static void hc_update(struct http_req *r)
{
	enum kb_kind k = path_kind(r, true);
	struct desk_err err = {0};
	json_t *in = api_body(r, root_keys[k]), *o = NULL;
	int rc;
	if (!in)
		return;
	rc = desk_kb_update(r->db, &r->actor, k, r->params[0], variant_locale(r), in, &o, &err);
	json_decref(in);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	reply_one(r, 200, k, o);
}

static void hc_delete(struct http_req *r)
{
	struct desk_err err = {0};
	int rc = desk_kb_delete(r->db, &r->actor, path_kind(r, true), r->params[0], &err);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	r->status = 204;
}

/* ---- translations ---- */

static void reply_translation(struct http_req *r, int status, json_t *t)
{
	api_add_url(r, t, HC "/translations/%lld.json");
	absolute_html_url(r, t);
	api_reply(r, status, json_pack("{s:o}", "translation", t));
}

static void hc_translations(struct http_req *r)
{
	json_t *arr, *row;
	size_t i;
	int rc = desk_kb_translations(r->db, &r->actor, path_kind(r, false), r->params[0], &arr);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	json_array_foreach(arr, i, row)
	{
		api_add_url(r, row, HC "/translations/%lld.json");
		absolute_html_url(r, row);
	}
	api_reply(r, 200,
	          json_pack("{s:o,s:n,s:n,s:I}", "translations", arr, "next_page", "previous_page",
	                    "count", (json_int_t)json_array_size(arr)));
}

static void hc_translation_show(struct http_req *r)
{
	json_t *t;
	int rc = desk_kb_translation_get(r->db, &r->actor, path_kind(r, false), r->params[0],
	                                 last_segment(r), &t);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	reply_translation(r, 200, t);
}

static void translation_write(struct http_req *r, const char *locale, bool create)
{
	struct desk_err err = {0};
	json_t *in = api_body(r, "translation"), *t = NULL;
	int rc;
	if (!in)
		return;
	rc = desk_kb_translation_put(r->db, &r->actor, path_kind(r, false), r->params[0], locale,
	                             in, create, &t, &err);
	json_decref(in);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	reply_translation(r, create ? 201 : 200, t);
}

static void hc_translation_create(struct http_req *r)
{
	translation_write(r, NULL, true);
}

static void hc_translation_update(struct http_req *r)
{
	translation_write(r, last_segment(r), false);
}

static void hc_translation_delete(struct http_req *r)
{
	struct desk_err err = {0};
	int rc = desk_kb_translation_delete(r->db, &r->actor, path_kind(r, false), r->params[0],
	                                    last_segment(r), &err);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	r->status = 204;
}

/* ---- votes, search, deflection ---- */

static void vote(struct http_req *r, int value)
{
	struct desk_err err = {0};
	json_t *v = NULL;
	int rc = desk_kb_vote(r->db, &r->actor, r->params[0], value, NULL, r->ip, &v, &err);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	api_reply(r, 200, json_pack("{s:o}", "vote", v));
}

static void hc_vote_up(struct http_req *r)
{
	vote(r, 1);
}

static void hc_vote_down(struct http_req *r)
{
	vote(r, -1);
}

static void hc_search(struct http_req *r)
{
	struct desk_err err = {0};
	struct desk_page p;
	struct desk_list l;
	const char *loc = variant_locale(r), *q = http_query(r, "query");
	json_t *row;
	size_t i;
	int rc;
	if (api_page(r, &p, hc_sorts))
		return;
	if (p.cursor) { /* ranked results page by offset only */
		p.cursor = false;
		p.page = 1;
	}
	if (!loc && http_query(r, "locale") && !(loc = desk_kb_locale(http_query(r, "locale")))) {
		api_error(r, 400, "InvalidParameter", "locale: must be one of en, lv, lt, ru, eo");
		return;
	}
	if (!q || !*q) {
		api_error(r, 400, "InvalidParameter", "query: is required");
		return;
	}
	if ((rc = desk_kb_search(r->db, &r->actor, q, loc, &p, &l, &err))) {
		if (rc == HELPO_EINVAL)
			api_error(r, 400, "InvalidParameter", "query: needs at least one word");
		else
			api_desk_error(r, rc, &err);
		return;
	}
	json_array_foreach(l.rows, i, row) absolute_html_url(r, row);
	api_list_reply(r, "results", &l, &p, HC "/articles/%lld.json");
	desk_list_release(&l);
}

static void hc_deflection_stats(struct http_req *r)
{
	const char *since = http_query(r, "since");
	int64_t ms = 0;
	json_t *o;
	int rc;
	if (since && *since) {
		char *end;
		long long days = strtoll(since, &end, 10);
		if (*end || days < 1 || days > 3650) {
			api_error(r, 400, "InvalidParameter", "since: number of days, 1..3650");
			return;
		}
		ms = time_now_ms() - days * 86400000LL;
	}
	if ((rc = desk_kb_deflection_stats(r->db, &r->actor, ms, &o))) {
		api_desk_error(r, rc, NULL);
		return;
	}
	api_reply(r, 200, o);
}

/* ---- routes ---- */

/* Literal entries (scripts/check-openapi reads them): the base API, translations of each
 * kind in each locale, and the read (and article write) routes of each locale variant. */
const struct route api_help_center_routes[] = {
    {"GET", "/api/v2/help_center/categories", hc_list, AUTH_NONE},
    {"POST", "/api/v2/help_center/categories", hc_create, AUTH_STAFF},
    {"GET", "/api/v2/help_center/categories/:id", hc_show, AUTH_NONE},
    {"PUT", "/api/v2/help_center/categories/:id", hc_update, AUTH_STAFF},
    {"DELETE", "/api/v2/help_center/categories/:id", hc_delete, AUTH_STAFF},
    {"GET", "/api/v2/help_center/categories/:id/sections", hc_list, AUTH_NONE},
    {"POST", "/api/v2/help_center/categories/:id/sections", hc_create, AUTH_STAFF},
    {"GET", "/api/v2/help_center/categories/:id/articles", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/sections", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/sections/:id", hc_show, AUTH_NONE},
    {"PUT", "/api/v2/help_center/sections/:id", hc_update, AUTH_STAFF},
    {"DELETE", "/api/v2/help_center/sections/:id", hc_delete, AUTH_STAFF},
    {"GET", "/api/v2/help_center/sections/:id/articles", hc_list, AUTH_NONE},
    {"POST", "/api/v2/help_center/sections/:id/articles", hc_create, AUTH_STAFF},
    {"GET", "/api/v2/help_center/articles", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/articles/search", hc_search, AUTH_NONE},
    {"GET", "/api/v2/help_center/articles/:id", hc_show, AUTH_NONE},
    {"PUT", "/api/v2/help_center/articles/:id", hc_update, AUTH_STAFF},
    {"DELETE", "/api/v2/help_center/articles/:id", hc_delete, AUTH_STAFF},
    {"POST", "/api/v2/help_center/articles/:id/up", hc_vote_up, AUTH_USER},
    {"POST", "/api/v2/help_center/articles/:id/down", hc_vote_down, AUTH_USER},
    {"GET", "/api/v2/help_center/deflections/stats", hc_deflection_stats, AUTH_STAFF},
    {"GET", "/api/v2/help_center/categories/:id/translations", hc_translations, AUTH_NONE},
    {"POST", "/api/v2/help_center/categories/:id/translations", hc_translation_create, AUTH_STAFF},
    {"GET", "/api/v2/help_center/categories/:id/translations/en", hc_translation_show, AUTH_NONE},
    {"PUT", "/api/v2/help_center/categories/:id/translations/en", hc_translation_update,
     AUTH_STAFF},
    {"DELETE", "/api/v2/help_center/categories/:id/translations/en", hc_translation_delete,
     AUTH_STAFF},
    {"GET", "/api/v2/help_center/categories/:id/translations/lv", hc_translation_show, AUTH_NONE},
    {"PUT", "/api/v2/help_center/categories/:id/translations/lv", hc_translation_update,
     AUTH_STAFF},
    {"DELETE", "/api/v2/help_center/categories/:id/translations/lv", hc_translation_delete,
     AUTH_STAFF},
    {"GET", "/api/v2/help_center/categories/:id/translations/lt", hc_translation_show, AUTH_NONE},
    {"PUT", "/api/v2/help_center/categories/:id/translations/lt", hc_translation_update,
     AUTH_STAFF},
    {"DELETE", "/api/v2/help_center/categories/:id/translations/lt", hc_translation_delete,
     AUTH_STAFF},
    {"GET", "/api/v2/help_center/categories/:id/translations/ru", hc_translation_show, AUTH_NONE},
    {"PUT", "/api/v2/help_center/categories/:id/translations/ru", hc_translation_update,
     AUTH_STAFF},
    {"DELETE", "/api/v2/help_center/categories/:id/translations/ru", hc_translation_delete,
     AUTH_STAFF},
    {"GET", "/api/v2/help_center/categories/:id/translations/eo", hc_translation_show, AUTH_NONE},
    {"PUT", "/api/v2/help_center/categories/:id/translations/eo", hc_translation_update,
     AUTH_STAFF},
    {"DELETE", "/api/v2/help_center/categories/:id/translations/eo", hc_translation_delete,
     AUTH_STAFF},
    {"GET", "/api/v2/help_center/sections/:id/translations", hc_translations, AUTH_NONE},
    {"POST", "/api/v2/help_center/sections/:id/translations", hc_translation_create, AUTH_STAFF},
    {"GET", "/api/v2/help_center/sections/:id/translations/en", hc_translation_show, AUTH_NONE},
    {"PUT", "/api/v2/help_center/sections/:id/translations/en", hc_translation_update, AUTH_STAFF},
    {"DELETE", "/api/v2/help_center/sections/:id/translations/en", hc_translation_delete,
     AUTH_STAFF},
    {"GET", "/api/v2/help_center/sections/:id/translations/lv", hc_translation_show, AUTH_NONE},
    {"PUT", "/api/v2/help_center/sections/:id/translations/lv", hc_translation_update, AUTH_STAFF},
    {"DELETE", "/api/v2/help_center/sections/:id/translations/lv", hc_translation_delete,
     AUTH_STAFF},
    {"GET", "/api/v2/help_center/sections/:id/translations/lt", hc_translation_show, AUTH_NONE},
    {"PUT", "/api/v2/help_center/sections/:id/translations/lt", hc_translation_update, AUTH_STAFF},
    {"DELETE", "/api/v2/help_center/sections/:id/translations/lt", hc_translation_delete,
     AUTH_STAFF},
    {"GET", "/api/v2/help_center/sections/:id/translations/ru", hc_translation_show, AUTH_NONE},
    {"PUT", "/api/v2/help_center/sections/:id/translations/ru", hc_translation_update, AUTH_STAFF},
    {"DELETE", "/api/v2/help_center/sections/:id/translations/ru", hc_translation_delete,
     AUTH_STAFF},
    {"GET", "/api/v2/help_center/sections/:id/translations/eo", hc_translation_show, AUTH_NONE},
    {"PUT", "/api/v2/help_center/sections/:id/translations/eo", hc_translation_update, AUTH_STAFF},
    {"DELETE", "/api/v2/help_center/sections/:id/translations/eo", hc_translation_delete,
     AUTH_STAFF},
    {"GET", "/api/v2/help_center/articles/:id/translations", hc_translations, AUTH_NONE},
    {"POST", "/api/v2/help_center/articles/:id/translations", hc_translation_create, AUTH_STAFF},
    {"GET", "/api/v2/help_center/articles/:id/translations/en", hc_translation_show, AUTH_NONE},
    {"PUT", "/api/v2/help_center/articles/:id/translations/en", hc_translation_update, AUTH_STAFF},
    {"DELETE", "/api/v2/help_center/articles/:id/translations/en", hc_translation_delete,
     AUTH_STAFF},
    {"GET", "/api/v2/help_center/articles/:id/translations/lv", hc_translation_show, AUTH_NONE},
    {"PUT", "/api/v2/help_center/articles/:id/translations/lv", hc_translation_update, AUTH_STAFF},
    {"DELETE", "/api/v2/help_center/articles/:id/translations/lv", hc_translation_delete,
     AUTH_STAFF},
    {"GET", "/api/v2/help_center/articles/:id/translations/lt", hc_translation_show, AUTH_NONE},
    {"PUT", "/api/v2/help_center/articles/:id/translations/lt", hc_translation_update, AUTH_STAFF},
    {"DELETE", "/api/v2/help_center/articles/:id/translations/lt", hc_translation_delete,
     AUTH_STAFF},
    {"GET", "/api/v2/help_center/articles/:id/translations/ru", hc_translation_show, AUTH_NONE},
    {"PUT", "/api/v2/help_center/articles/:id/translations/ru", hc_translation_update, AUTH_STAFF},
    {"DELETE", "/api/v2/help_center/articles/:id/translations/ru", hc_translation_delete,
     AUTH_STAFF},
    {"GET", "/api/v2/help_center/articles/:id/translations/eo", hc_translation_show, AUTH_NONE},
    {"PUT", "/api/v2/help_center/articles/:id/translations/eo", hc_translation_update, AUTH_STAFF},
    {"DELETE", "/api/v2/help_center/articles/:id/translations/eo", hc_translation_delete,
     AUTH_STAFF},
    {"GET", "/api/v2/help_center/en/categories", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/en/categories/:id", hc_show, AUTH_NONE},
    {"GET", "/api/v2/help_center/en/categories/:id/sections", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/en/categories/:id/articles", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/en/sections", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/en/sections/:id", hc_show, AUTH_NONE},
    {"GET", "/api/v2/help_center/en/sections/:id/articles", hc_list, AUTH_NONE},
    {"POST", "/api/v2/help_center/en/sections/:id/articles", hc_create, AUTH_STAFF},
    {"GET", "/api/v2/help_center/en/articles", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/en/articles/search", hc_search, AUTH_NONE},
    {"GET", "/api/v2/help_center/en/articles/:id", hc_show, AUTH_NONE},
    {"PUT", "/api/v2/help_center/en/articles/:id", hc_update, AUTH_STAFF},
    {"GET", "/api/v2/help_center/lv/categories", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/lv/categories/:id", hc_show, AUTH_NONE},
    {"GET", "/api/v2/help_center/lv/categories/:id/sections", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/lv/categories/:id/articles", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/lv/sections", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/lv/sections/:id", hc_show, AUTH_NONE},
    {"GET", "/api/v2/help_center/lv/sections/:id/articles", hc_list, AUTH_NONE},
    {"POST", "/api/v2/help_center/lv/sections/:id/articles", hc_create, AUTH_STAFF},
    {"GET", "/api/v2/help_center/lv/articles", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/lv/articles/search", hc_search, AUTH_NONE},
    {"GET", "/api/v2/help_center/lv/articles/:id", hc_show, AUTH_NONE},
    {"PUT", "/api/v2/help_center/lv/articles/:id", hc_update, AUTH_STAFF},
    {"GET", "/api/v2/help_center/lt/categories", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/lt/categories/:id", hc_show, AUTH_NONE},
    {"GET", "/api/v2/help_center/lt/categories/:id/sections", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/lt/categories/:id/articles", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/lt/sections", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/lt/sections/:id", hc_show, AUTH_NONE},
    {"GET", "/api/v2/help_center/lt/sections/:id/articles", hc_list, AUTH_NONE},
    {"POST", "/api/v2/help_center/lt/sections/:id/articles", hc_create, AUTH_STAFF},
    {"GET", "/api/v2/help_center/lt/articles", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/lt/articles/search", hc_search, AUTH_NONE},
    {"GET", "/api/v2/help_center/lt/articles/:id", hc_show, AUTH_NONE},
    {"PUT", "/api/v2/help_center/lt/articles/:id", hc_update, AUTH_STAFF},
    {"GET", "/api/v2/help_center/ru/categories", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/ru/categories/:id", hc_show, AUTH_NONE},
    {"GET", "/api/v2/help_center/ru/categories/:id/sections", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/ru/categories/:id/articles", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/ru/sections", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/ru/sections/:id", hc_show, AUTH_NONE},
    {"GET", "/api/v2/help_center/ru/sections/:id/articles", hc_list, AUTH_NONE},
    {"POST", "/api/v2/help_center/ru/sections/:id/articles", hc_create, AUTH_STAFF},
    {"GET", "/api/v2/help_center/ru/articles", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/ru/articles/search", hc_search, AUTH_NONE},
    {"GET", "/api/v2/help_center/ru/articles/:id", hc_show, AUTH_NONE},
    {"PUT", "/api/v2/help_center/ru/articles/:id", hc_update, AUTH_STAFF},
    {"GET", "/api/v2/help_center/eo/categories", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/eo/categories/:id", hc_show, AUTH_NONE},
    {"GET", "/api/v2/help_center/eo/categories/:id/sections", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/eo/categories/:id/articles", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/eo/sections", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/eo/sections/:id", hc_show, AUTH_NONE},
    {"GET", "/api/v2/help_center/eo/sections/:id/articles", hc_list, AUTH_NONE},
    {"POST", "/api/v2/help_center/eo/sections/:id/articles", hc_create, AUTH_STAFF},
    {"GET", "/api/v2/help_center/eo/articles", hc_list, AUTH_NONE},
    {"GET", "/api/v2/help_center/eo/articles/search", hc_search, AUTH_NONE},
    {"GET", "/api/v2/help_center/eo/articles/:id", hc_show, AUTH_NONE},
    {"PUT", "/api/v2/help_center/eo/articles/:id", hc_update, AUTH_STAFF},
    {NULL, NULL, NULL, AUTH_NONE},
};
