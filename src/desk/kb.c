/*
 * kb.c — the knowledge base domain: categories, sections, articles and their per-locale
 * translations (Markdown rendered to sanitized HTML, indexed for search), votes, view counts
 * and deflection records. Rules and record shapes: see kb.h. The demo content lives in
 * kb_demo.h (included at the end).
 */
#include "desk/kb.h"
#include "desk/desk_int.h"
#include "util/crypto.h"
#include "util/html.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/markdown.h"
#include "util/text.h"
#include "util/timeutil.h"
#include <pthread.h>

#define DAY_MS (24 * 3600 * 1000LL)

static const char *const kind_names[] = {"category", "section", "article"};
static const char *const kind_tables[] = {"kb_categories", "kb_sections", "kb_articles"};

int desk_kb_kind(const char *name)
{
	for (int k = 0; k < 3; k++)
		if (name && !strcmp(name, kind_names[k]))
			return k;
	return -1;
}

const char *desk_kb_locale(const char *tag)
{
	return tag ? i18n_lang(tag) : NULL;
}

/* ---- slugs ---- */

/* Two-byte UTF-8 letters with an ASCII spelling: Latin letters of lv, lt, eo (and common
 * Western ones), and Cyrillic (transliterated). */
static const struct {
	unsigned cp;
	const char *ascii;
} slug_map[] = {
    {0xe0, "a"},  {0xe1, "a"},   {0xe2, "a"},   {0xe4, "a"},   {0xe5, "a"},   {0xe7, "c"},
    {0xe8, "e"},  {0xe9, "e"},   {0xea, "e"},   {0xeb, "e"},   {0xec, "i"},   {0xed, "i"},
    {0xee, "i"},  {0xef, "i"},   {0xf1, "n"},   {0xf2, "o"},   {0xf3, "o"},   {0xf4, "o"},
    {0xf5, "o"},  {0xf6, "o"},   {0xf8, "o"},   {0xf9, "u"},   {0xfa, "u"},   {0xfb, "u"},
    {0xfc, "u"},  {0xfd, "y"},   {0xdf, "ss"},  {0x101, "a"},  {0x105, "a"},  {0x10d, "c"},
    {0x109, "c"}, {0x113, "e"},  {0x117, "e"},  {0x119, "e"},  {0x11d, "g"},  {0x123, "g"},
    {0x125, "h"}, {0x12b, "i"},  {0x12f, "i"},  {0x135, "j"},  {0x137, "k"},  {0x13c, "l"},
    {0x146, "n"}, {0x14d, "o"},  {0x157, "r"},  {0x15d, "s"},  {0x161, "s"},  {0x16b, "u"},
    {0x16d, "u"}, {0x173, "u"},  {0x17e, "z"},  {0x430, "a"},  {0x431, "b"},  {0x432, "v"},
    {0x433, "g"}, {0x434, "d"},  {0x435, "e"},  {0x451, "e"},  {0x436, "zh"}, {0x437, "z"},
    {0x438, "i"}, {0x439, "i"},  {0x43a, "k"},  {0x43b, "l"},  {0x43c, "m"},  {0x43d, "n"},
    {0x43e, "o"}, {0x43f, "p"},  {0x440, "r"},  {0x441, "s"},  {0x442, "t"},  {0x443, "u"},
    {0x444, "f"}, {0x445, "kh"}, {0x446, "ts"}, {0x447, "ch"}, {0x448, "sh"}, {0x449, "shch"},
    {0x44a, ""},  {0x44b, "y"},  {0x44c, ""},   {0x44d, "e"},  {0x44e, "iu"}, {0x44f, "ia"},
};

/* Lower-cases a two-byte code point of the ranges above (Latin-1, Latin Extended-A, Cyrillic). */
static unsigned slug_lower(unsigned cp)
{
	if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7)
		return cp + 0x20;
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e))
		return (cp & 1) ? cp + 1 : cp; /* odd = capital in these runs */
	if (cp >= 0x100 && cp <= 0x177 && !(cp & 1) && cp != 0x130 && cp != 0x138)
		return cp + 1;
	if (cp >= 0x410 && cp <= 0x42f)
		return cp + 0x20;
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 0x50;
	return cp;
}

void desk_kb_slug(const char *title, char out[KB_MAX_SLUG_BYTES + 1])
{
	const unsigned char *p = (const unsigned char *)(title ? title : "");
	size_t n = 0;
	bool dash = false;
	while (*p && n < KB_MAX_SLUG_BYTES) {
		const char *piece = NULL;
		char one[2] = {0, 0};
		if (*p < 0x80) {
			if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
				one[0] = (char)*p;
			else if (*p >= 'A' && *p <= 'Z')
				one[0] = (char)(*p - 'A' + 'a');
			piece = one[0] ? one : NULL;
			p++;
		} else if ((*p & 0xe0) == 0xc0 && (p[1] & 0xc0) == 0x80) {
			unsigned cp = slug_lower(((unsigned)(*p & 0x1f) << 6) | (p[1] & 0x3f));
			for (size_t i = 0; i < ARRAY_SIZE(slug_map); i++)
				if (slug_map[i].cp == cp) {
					piece = slug_map[i].ascii;
					break;
				}
			p += 2;
			if (piece && !*piece)
				continue; /* ъ, ь: no letter, no separator */
		} else {
			p++;
			while ((*p & 0xc0) == 0x80)
				p++;
		}
		if (!piece) {
			dash = n > 0;
			continue;
		}
		if (dash && n + 1 < KB_MAX_SLUG_BYTES)
			out[n++] = '-';
		dash = false;
		for (; *piece && n < KB_MAX_SLUG_BYTES; piece++)
			out[n++] = *piece;
	}
	out[n] = 0;
}

/* "/hc/lv/articles/7-ka-nomainit-paroli" */
static json_t *html_url(enum kb_kind k, int64_t id, const char *locale, const char *title)
{
	char slug[KB_MAX_SLUG_BYTES + 1], url[200];
	desk_kb_slug(title, slug);
	snprintf(url, sizeof url, "/hc/%s/%s/%lld%s%s", locale,
	         k == KB_ARTICLE   ? "articles"
	         : k == KB_SECTION ? "sections"
	                           : "categories",
	         (long long)id, *slug ? "-" : "", slug);
	return json_string(url);
}

/* ---- rows ---- */

/* Categories and sections: x = the object, t = translation in the wanted locale (may be
 * missing), s = translation in the source locale (always there). */
#define BOX_COLS                                                                                   \
	"x.id, x.position, x.source_locale, x.created_at, x.updated_at, %s, "                      \
	"coalesce(t.locale, s.locale), coalesce(t.title, s.title), "                               \
	"coalesce(t.body_html, s.body_html), coalesce(t.outdated, s.outdated), "                   \
	"coalesce(t.body_markdown, s.body_markdown)"
#define BOX_FROM                                                                                   \
	" FROM %s x LEFT JOIN kb_translations t ON t.kind = '%s' AND t.source_id = x.id AND "      \
	"t.locale = ? JOIN kb_translations s ON s.kind = '%s' AND s.source_id = x.id AND "         \
	"s.locale = x.source_locale"

static json_t *box_row(struct db_stmt *st, int o, enum kb_kind k)
{
	json_t *r = json_object();
	int64_t id = db_col_int(st, o);
	const char *locale = db_col_text(st, o + 6), *title = db_col_text(st, o + 7);
	json_object_set_new(r, "id", json_integer(id));
	json_object_set_new(r, "html_url", html_url(k, id, locale, title));
	json_object_set_new(r, "name", json_string(title));
	json_object_set_new(r, "description", json_string(db_col_text(st, o + 8)));
	json_object_set_new(r, "description_markdown", json_string(db_col_text(st, o + 10)));
	json_object_set_new(r, "locale", json_string(locale));
	json_object_set_new(r, "source_locale", json_string(db_col_text(st, o + 2)));
	json_object_set_new(r, "position", json_integer(db_col_int(st, o + 1)));
	json_object_set_new(r, "outdated", json_boolean(db_col_int(st, o + 9)));
	if (k == KB_SECTION)
		json_object_set_new(r, "category_id", json_integer(db_col_int(st, o + 5)));
	json_object_set_new(r, "created_at", jtime(db_col_int(st, o + 3)));
	json_object_set_new(r, "updated_at", jtime(db_col_int(st, o + 4)));
	return r;
}

static json_t *cat_row_at(struct db_stmt *st, int o)
{
	return box_row(st, o, KB_CATEGORY);
}

static json_t *sec_row_at(struct db_stmt *st, int o)
{
	return box_row(st, o, KB_SECTION);
}

#define ART_COLS_HEAD                                                                              \
	"a.id, a.section_id, coalesce(a.author_id, 0), a.source_locale, a.position, a.promoted, "  \
	"a.label_names, a.vote_sum, a.vote_count, a.view_count, a.created_at, a.updated_at, "      \
	"t.locale, t.title, t.draft, t.outdated, t.updated_at, "
#define ART_COLS       ART_COLS_HEAD "t.body_html, t.body_markdown"
#define ART_COLS_BRIEF ART_COLS_HEAD "'', ''"
#define ART_FROM                                                                                   \
	" FROM kb_articles a JOIN kb_translations t ON t.kind = 'article' AND t.source_id = a.id " \
	"AND t.locale = coalesce(?, a.source_locale)"

static json_t *art_row_at(struct db_stmt *st, int o)
{
	json_t *r = json_object();
	int64_t id = db_col_int(st, o);
	const char *locale = db_col_text(st, o + 12), *title = db_col_text(st, o + 13);
	json_object_set_new(r, "id", json_integer(id));
	json_object_set_new(r, "html_url", html_url(KB_ARTICLE, id, locale, title));
	json_object_set_new(r, "title", json_string(title));
	json_object_set_new(r, "body", json_string(db_col_text(st, o + 17)));
	json_object_set_new(r, "body_markdown", json_string(db_col_text(st, o + 18)));
	json_object_set_new(r, "locale", json_string(locale));
	json_object_set_new(r, "source_locale", json_string(db_col_text(st, o + 3)));
	json_object_set_new(r, "section_id", json_integer(db_col_int(st, o + 1)));
	json_object_set_new(r, "author_id", jid(db_col_int(st, o + 2)));
	json_object_set_new(r, "draft", json_boolean(db_col_int(st, o + 14)));
	json_object_set_new(r, "outdated", json_boolean(db_col_int(st, o + 15)));
	json_object_set_new(r, "promoted", json_boolean(db_col_int(st, o + 5)));
	json_object_set_new(r, "label_names", jparse_or(db_col_text(st, o + 6), json_array()));
	json_object_set_new(r, "vote_sum", json_integer(db_col_int(st, o + 7)));
	json_object_set_new(r, "vote_count", json_integer(db_col_int(st, o + 8)));
	json_object_set_new(r, "view_count", json_integer(db_col_int(st, o + 9)));
	json_object_set_new(r, "position", json_integer(db_col_int(st, o + 4)));
	json_object_set_new(r, "created_at", jtime(db_col_int(st, o + 10)));
	json_object_set_new(r, "updated_at", jtime(db_col_int(st, o + 11)));
	json_object_set_new(r, "edited_at", jtime(db_col_int(st, o + 16)));
	return r;
}

#define TR_COLS                                                                                    \
	"t.id, t.kind, t.source_id, t.locale, t.title, t.body_html, t.body_markdown, t.draft, "    \
	"t.outdated, coalesce(t.author_id, 0), t.created_at, t.updated_at"

static json_t *tr_row_at(struct db_stmt *st, int o)
{
	json_t *r = json_object();
	const char *kind = db_col_text(st, o + 1), *locale = db_col_text(st, o + 3);
	int k = desk_kb_kind(kind);
	int64_t sid = db_col_int(st, o + 2);
	json_object_set_new(r, "id", json_integer(db_col_int(st, o)));
	json_object_set_new(r, "source_id", json_integer(sid));
	json_object_set_new(r, "source_type", json_string(kind));
	json_object_set_new(r, "locale", json_string(locale));
	json_object_set_new(
	    r, "html_url",
	    html_url((enum kb_kind)(k < 0 ? 0 : k), sid, locale, db_col_text(st, o + 4)));
	json_object_set_new(r, "title", json_string(db_col_text(st, o + 4)));
	json_object_set_new(r, "body", json_string(db_col_text(st, o + 5)));
	json_object_set_new(r, "body_markdown", json_string(db_col_text(st, o + 6)));
	json_object_set_new(r, "draft", json_boolean(db_col_int(st, o + 7)));
	json_object_set_new(r, "outdated", json_boolean(db_col_int(st, o + 8)));
	json_object_set_new(r, "created_by_id", jid(db_col_int(st, o + 9)));
	json_object_set_new(r, "created_at", jtime(db_col_int(st, o + 10)));
	json_object_set_new(r, "updated_at", jtime(db_col_int(st, o + 11)));
	return r;
}

/* Loads one object in locale (NULL = source). Articles: drafts only for staff. */
static int kb_load(struct db *db, const struct desk_actor *a, enum kb_kind k, int64_t id,
                   const char *locale, json_t **out)
{
	struct buf sql = BUF_INIT(2048);
	struct db_stmt *st;
	int rc;
	*out = NULL;
	if (k == KB_ARTICLE)
		buf_addf(&sql, "SELECT " ART_COLS ART_FROM " WHERE a.id = ?%s",
		         desk_is_staff(a) ? "" : " AND t.draft = 0");
	else {
		buf_addf(&sql, "SELECT " BOX_COLS, k == KB_SECTION ? "x.category_id" : "0");
		buf_addf(&sql, BOX_FROM " WHERE x.id = ?", kind_tables[k], kind_names[k],
		         kind_names[k]);
		if (locale) /* a locale variant: the translation must exist */
			buf_adds(&sql, " AND t.id IS NOT NULL");
	}
	if ((rc = db_query(db, &st, sql.data, "si", locale, id)))
		goto out;
	rc = db_step(st);
	if (rc == DB_ROW) {
		*out = k == KB_ARTICLE ? art_row_at(st, 0) : box_row(st, 0, k);
		rc = 0;
	} else if (rc == DB_DONE)
		rc = HELPO_ENOTFOUND;
	db_done(st);
out:
	buf_release(&sql);
	return rc;
}

static int kb_exists(struct db *db, enum kb_kind k, int64_t id)
{
	char sql[80];
	int64_t one;
	snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE id = ?", kind_tables[k]);
	return db_int(db, &one, sql, "i", id);
}

/* ---- input ---- */

static const char *const cat_keys[] = {
    "name", "description", "description_markdown", "locale", "position",
    /* accepted, ignored */
    "id", "url", "html_url", "source_locale", "outdated", "created_at", "updated_at", NULL};
static const char *const sec_keys[] = {
    "name", "description", "description_markdown", "locale", "position", "category_id",
    /* accepted, ignored */
    "id", "url", "html_url", "source_locale", "outdated", "created_at", "updated_at", "sorting",
    "theme_template", "manageable_by", "user_segment_id", "parent_section_id", NULL};
static const char *const art_keys[] = {
    "title", "body", "body_markdown", "locale", "draft", "outdated", "section_id", "position",
    "promoted", "label_names",
    /* accepted, ignored */
    "id", "url", "html_url", "author_id", "comments_disabled", "user_segment_id",
    "permission_group_id", "content_tag_ids", "created_at", "updated_at", "edited_at",
    "source_locale", "vote_sum", "vote_count", "view_count", "notify_subscribers", NULL};
static const char *const tr_keys[] = {
    "title", "body", "body_markdown", "locale", "draft", "outdated",
    /* accepted, ignored */
    "id", "url", "html_url", "source_id", "source_type", "created_at", "updated_at",
    "created_by_id", "updated_by_id", NULL};

/* The text part of an input: title and Markdown source (either may be absent). */
struct tr_in {
	const char *title, *md;
	bool has_draft, draft, has_outdated, outdated;
};

static int blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

/* Reads title/name and body/description (Markdown; "body" is taken as Markdown too, so
 * Zendesk clients sending HTML get it sanitized), draft, outdated. */
static int parse_text(json_t *in, enum kb_kind k, bool is_translation, struct tr_in *t,
                      struct desk_err *err)
{
	const char *tkey = (k == KB_ARTICLE || is_translation) ? "title" : "name";
	const char *bkey = (k == KB_ARTICLE || is_translation) ? "body" : "description";
	const char *mkey =
	    (k == KB_ARTICLE || is_translation) ? "body_markdown" : "description_markdown";
	const char *body = NULL;
	int rc, f;
	memset(t, 0, sizeof *t);
	if ((f = rc = jget_str(in, tkey, KB_MAX_TITLE_BYTES, &t->title, err)) < 0)
		return rc;
	if (f == JF_NULL || (f == JF_VALUE && blank(t->title)))
		return desk_fail(err, HELPO_EINVAL, tkey, "cannot be blank");
	if ((rc = jget_str(in, mkey, MARKDOWN_MAX_BYTES, &t->md, err)) < 0 ||
	    (rc = jget_str(in, bkey, MARKDOWN_MAX_BYTES, &body, err)) < 0)
		return rc;
	if (!t->md)
		t->md = body;
	if ((t->title && !text_utf8_valid(t->title, strlen(t->title))) ||
	    (t->md && !text_utf8_valid(t->md, strlen(t->md))))
		return desk_fail(err, HELPO_EINVAL, t->title ? tkey : bkey, "must be valid UTF-8");
	if ((rc = jget_bool(in, "draft", &t->draft, err)) < 0)
		return rc;
	t->has_draft = rc == JF_VALUE;
	if ((rc = jget_bool(in, "outdated", &t->outdated, err)) < 0)
		return rc;
	t->has_outdated = rc == JF_VALUE;
	return 0;
}

static int parse_locale(json_t *in, const char **out, struct desk_err *err)
{
	const char *s;
	int rc = jget_str(in, "locale", 16, &s, err);
	*out = NULL;
	if (rc < 0)
		return rc;
	if (rc == JF_VALUE && !(*out = desk_kb_locale(s)))
		return desk_fail(err, HELPO_EINVAL, "locale", "must be one of: en, lv, lt, ru, eo");
	return 0;
}

static int parse_position(json_t *in, bool *has, int64_t *pos, struct desk_err *err)
{
	json_t *v = json_object_get(in, "position");
	*has = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1000000)
		return desk_fail(err, HELPO_EINVAL, "position", "must be an integer 0..1000000");
	*has = true;
	*pos = json_integer_value(v);
	return 0;
}

/* label_names → new normalized JSON array text (trimmed, deduplicated, in order). */
static int parse_labels(json_t *v, char **text, struct desk_err *err)
{
	json_t *arr, *e;
	size_t i, j;
	*text = NULL;
	if (json_is_null(v)) {
		*text = strdup("[]");
		return *text ? 0 : HELPO_ENOMEM;
	}
	if (!json_is_array(v) || json_array_size(v) > KB_MAX_LABELS)
		return desk_fail(err, HELPO_EINVAL, "label_names",
		                 "must be an array of at most %d strings", KB_MAX_LABELS);
	arr = json_array();
	json_array_foreach(v, i, e)
	{
		const char *s = json_string_value(e);
		json_t *w;
		bool dup = false;
		size_t n;
		if (!s || blank(s) || (n = json_string_length(e)) > KB_MAX_LABEL_BYTES ||
		    strlen(s) != n || !text_utf8_valid(s, n) || strpbrk(s, "\r\n\t,")) {
			json_decref(arr);
			return desk_fail(err, HELPO_EINVAL, "label_names",
			                 "labels are non-empty strings of at most %d bytes "
			                 "without commas",
			                 KB_MAX_LABEL_BYTES);
		}
		json_array_foreach(arr, j, w) if (!strcmp(json_string_value(w), s)) dup = true;
		if (!dup)
			json_array_append_new(arr, json_string(s));
	}
	*text = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return *text ? 0 : HELPO_ENOMEM;
}

static int set_labels(struct db *db, int64_t id, const char *text)
{
	json_t *arr = json_loads(text, 0, NULL), *e;
	size_t i;
	int rc;
	if (!arr)
		return HELPO_ENOMEM;
	rc = db_exec(db, "DELETE FROM kb_labels WHERE article_id = ?", "i", id);
	json_array_foreach(arr, i, e) if (!rc) rc =
	    db_exec(db, "INSERT OR IGNORE INTO kb_labels (article_id, name) VALUES (?, ?)", "is",
	            id, json_string_value(e));
	if (!rc)
		rc = db_exec(db, "UPDATE kb_articles SET label_names = ? WHERE id = ?", "si", text,
		             id);
	json_decref(arr);
	return rc;
}

/* ---- translation storage ---- */

/*
 * Creates or updates the translation (k, id, locale) from t: fields absent from t keep their
 * stored value (a new translation needs a title). Renders the Markdown, keeps the search index
 * of article translations in step. *created tells which it was.
 */
static int tr_store(struct db *db, enum kb_kind k, int64_t id, const char *locale,
                    const struct tr_in *t, int64_t author, int64_t now, bool *created,
                    struct desk_err *err)
{
	struct db_stmt *st;
	char *title = NULL, *md = NULL, *html = NULL, *text = NULL;
	int64_t tid = 0, draft = 0, outdated = 0;
	int rc;
	*created = false;
	if ((rc = db_query(db, &st,
	                   "SELECT id, title, body_markdown, draft, outdated FROM kb_translations "
	                   "WHERE kind = ? AND source_id = ? AND locale = ?",
	                   "sis", kind_names[k], id, locale)))
		return rc;
	if ((rc = db_step(st)) == DB_ROW) {
		tid = db_col_int(st, 0);
		title = strdup(db_col_text(st, 1));
		md = strdup(db_col_text(st, 2));
		draft = db_col_int(st, 3);
		outdated = db_col_int(st, 4);
		rc = (title && md) ? 0 : HELPO_ENOMEM;
	}
	db_done(st);
	if (rc < 0)
		goto out;
	if (!tid && !t->title) {
		rc = desk_fail(err, HELPO_EINVAL, k == KB_ARTICLE ? "title" : "name",
		               "cannot be blank");
		goto out;
	}
	if (t->title) {
		free(title);
		if (!(title = strdup(t->title)))
			goto nomem;
	}
	if (t->md || !md) {
		free(md);
		if (!(md = strdup(t->md ? t->md : "")))
			goto nomem;
	}
	if (t->has_draft)
		draft = t->draft;
	if (t->has_outdated)
		outdated = t->outdated;
	if ((rc = markdown_to_html(md, strlen(md), &html)))
		goto out;
	if (!(text = html_to_text(html, strlen(html))))
		goto nomem;
	if (tid)
		rc = db_exec(
		    db,
		    "UPDATE kb_translations SET title = ?, body_markdown = ?, body_html = ?, "
		    "body_text = ?, draft = ?, outdated = ?, updated_at = ? WHERE id = ?",
		    "ssssiiii", title, md, html, text, draft, outdated, now, tid);
	else {
		rc = db_int(db, &tid,
		            "INSERT INTO kb_translations (kind, source_id, locale, title, "
		            "body_markdown, body_html, body_text, draft, outdated, author_id, "
		            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
		            "RETURNING id",
		            "sisssssiiIii", kind_names[k], id, locale, title, md, html, text, draft,
		            outdated, author, now, now);
		*created = true;
	}
	if (!rc && k == KB_ARTICLE) {
		text_fold_yo(title);
		text_fold_yo(text);
		if (!(rc = db_exec(db, "DELETE FROM kb_fts WHERE rowid = ?", "i", tid)))
			rc = db_exec(db, "INSERT INTO kb_fts (rowid, title, body) VALUES (?, ?, ?)",
			             "iss", tid, title, text);
	}
	goto out;
nomem:
	rc = HELPO_ENOMEM;
out:
	free(title);
	free(md);
	free(html);
	free(text);
	return rc;
}

static int tr_delete_all(struct db *db, enum kb_kind k, int64_t id)
{
	int rc = 0;
	if (k == KB_ARTICLE)
		rc = db_exec(db,
		             "DELETE FROM kb_fts WHERE rowid IN (SELECT id FROM kb_translations "
		             "WHERE kind = 'article' AND source_id = ?)",
		             "i", id);
	if (!rc)
		rc = db_exec(db, "DELETE FROM kb_translations WHERE kind = ? AND source_id = ?",
		             "si", kind_names[k], id);
	return rc;
}

/* ---- authorization ---- */

static int may_write(const struct desk_actor *a, enum kb_kind k, bool destroy, struct desk_err *err)
{
	if (a->role == DESK_ADMIN)
		return 0;
	if (a->role == DESK_AGENT && k == KB_ARTICLE && !destroy)
		return 0;
	if (!desk_is_staff(a))
		return HELPO_EFORBIDDEN;
	return desk_fail(err, HELPO_EFORBIDDEN, "",
	                 k == KB_ARTICLE ? "only admins may delete articles"
	                                 : "only admins may change categories and sections");
}

static int kb_event(struct db *db, const struct desk_actor *a, enum kb_kind k, const char *verb,
                    int64_t id, const char *locale)
{
	char kind[48];
	json_t *payload =
	    json_pack("{s:s,s:I}", "source_type", kind_names[k], "id", (json_int_t)id);
	int rc;
	if (locale)
		json_object_set_new(payload, "locale", json_string(locale));
	snprintf(kind, sizeof kind, "kb.%s.%s", kind_names[k], verb);
	rc = desk_event_add(db, 0, a->id, kind, payload);
	json_decref(payload);
	return rc;
}

/* ---- create / read / update / delete ---- */

int desk_kb_create(struct db *db, const struct desk_actor *a, enum kb_kind k, json_t *in,
                   json_t **out, struct desk_err *err)
{
	const char *const *keys = k == KB_ARTICLE   ? art_keys
	                          : k == KB_SECTION ? sec_keys
	                                            : cat_keys;
	struct tr_in t;
	const char *locale;
	char *labels = NULL;
	int64_t parent = 0, pos = 0, id, now = time_now_ms();
	bool has_pos, created, promoted = false;
	json_t *v;
	int rc;
	*out = NULL;
	if ((rc = may_write(a, k, false, err)) ||
	    (rc = jcheck_keys(in, kind_names[k], keys, err)) ||
	    (rc = parse_text(in, k, false, &t, err)) || (rc = parse_locale(in, &locale, err)) ||
	    (rc = parse_position(in, &has_pos, &pos, err)))
		return rc;
	if (!t.title)
		return desk_fail(err, HELPO_EINVAL, k == KB_ARTICLE ? "title" : "name",
		                 "cannot be blank");
	if (!locale)
		locale = "en";
	if (k != KB_CATEGORY) {
		const char *pkey = k == KB_ARTICLE ? "section_id" : "category_id";
		if ((rc = jget_id(in, pkey, &parent, err)) < 0)
			return rc;
		if (rc != JF_VALUE)
			return desk_fail(err, HELPO_EINVAL, pkey, "is required");
	}
	if (k == KB_ARTICLE) {
		if ((rc = jget_bool(in, "promoted", &promoted, err)) < 0)
			return rc;
		if ((v = json_object_get(in, "label_names")) &&
		    (rc = parse_labels(v, &labels, err)))
			return rc;
	}
	if ((rc = db_begin(db)))
		goto out;
	if (k != KB_CATEGORY && kb_exists(db, k == KB_ARTICLE ? KB_SECTION : KB_CATEGORY, parent)) {
		rc = desk_fail(err, HELPO_EINVAL, k == KB_ARTICLE ? "section_id" : "category_id",
		               "no such %s", k == KB_ARTICLE ? "section" : "category");
		goto rollback;
	}
	if (k == KB_CATEGORY)
		rc = db_int(db, &id,
		            "INSERT INTO kb_categories (position, source_locale, created_at, "
		            "updated_at) VALUES (?, ?, ?, ?) RETURNING id",
		            "isii", pos, locale, now, now);
	else if (k == KB_SECTION)
		rc = db_int(db, &id,
		            "INSERT INTO kb_sections (category_id, position, source_locale, "
		            "created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
		            "iisii", parent, pos, locale, now, now);
	else
		rc = db_int(
		    db, &id,
		    "INSERT INTO kb_articles (section_id, author_id, source_locale, position, "
		    "promoted, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
		    "RETURNING id",
		    "iIsiiii", parent, a->id, locale, pos, (int64_t)promoted, now, now);
	if (rc || (rc = tr_store(db, k, id, locale, &t, a->id, now, &created, err)) ||
	    (labels && (rc = set_labels(db, id, labels))) ||
	    (rc = kb_event(db, a, k, "created", id, locale)) ||
	    (rc = kb_load(db, a, k, id, NULL, out)) || (rc = db_commit(db)))
		goto rollback;
	goto out;
rollback:
	json_decref(*out);
	*out = NULL;
	db_rollback(db);
out:
	free(labels);
	return rc;
}

int desk_kb_get(struct db *db, const struct desk_actor *a, enum kb_kind k, int64_t id,
                const char *locale, json_t **out)
{
	int rc;
	*out = NULL;
	if ((rc = db_begin_read(db)))
		return rc;
	rc = kb_load(db, a, k, id, locale, out);
	db_rollback(db);
	return rc;
}

int desk_kb_update(struct db *db, const struct desk_actor *a, enum kb_kind k, int64_t id,
                   const char *locale, json_t *in, json_t **out, struct desk_err *err)
{
	const char *const *keys = k == KB_ARTICLE   ? art_keys
	                          : k == KB_SECTION ? sec_keys
	                                            : cat_keys;
	struct tr_in t;
	const char *in_locale, *src = NULL;
	char *labels = NULL, src_buf[8] = "";
	int64_t parent = 0, pos = 0, now = time_now_ms();
	bool has_pos, created, promoted = false;
	int f_parent = JF_ABSENT, f_promoted = JF_ABSENT;
	json_t *v;
	int rc;
	*out = NULL;
	if ((rc = db_begin_read(db)))
		return rc;
	rc = kb_load(db, a, k, id, NULL, out); /* not visible: 404 before 403 */
	db_rollback(db);
	json_decref(*out);
	*out = NULL;
	if (rc || (rc = may_write(a, k, false, err)) ||
	    (rc = jcheck_keys(in, kind_names[k], keys, err)) ||
	    (rc = parse_text(in, k, false, &t, err)) || (rc = parse_locale(in, &in_locale, err)) ||
	    (rc = parse_position(in, &has_pos, &pos, err)))
		return rc;
	if (k != KB_CATEGORY) {
		const char *pkey = k == KB_ARTICLE ? "section_id" : "category_id";
		if ((f_parent = rc = jget_id(in, pkey, &parent, err)) < 0)
			return rc;
		if (f_parent == JF_NULL)
			return desk_fail(err, HELPO_EINVAL, pkey, "cannot be null");
	}
	if (k == KB_ARTICLE) {
		if ((f_promoted = rc = jget_bool(in, "promoted", &promoted, err)) < 0)
			return rc;
		if ((v = json_object_get(in, "label_names")) &&
		    (rc = parse_labels(v, &labels, err)))
			return rc;
	}
	if ((rc = db_begin(db)))
		goto out;
	{
		struct db_stmt *st;
		char sql[80];
		snprintf(sql, sizeof sql, "SELECT source_locale FROM %s WHERE id = ?",
		         kind_tables[k]);
		if ((rc = db_query(db, &st, sql, "i", id)))
			goto rollback;
		if ((rc = db_step(st)) == DB_ROW)
			snprintf(src_buf, sizeof src_buf, "%s", db_col_text(st, 0));
		db_done(st);
		if (rc != DB_ROW) {
			rc = rc < 0 ? rc : HELPO_ENOTFOUND;
			goto rollback;
		}
		src = src_buf;
	}
	if (!locale)
		locale = in_locale ? in_locale : src;
	if (f_parent == JF_VALUE &&
	    kb_exists(db, k == KB_ARTICLE ? KB_SECTION : KB_CATEGORY, parent)) {
		rc = desk_fail(err, HELPO_EINVAL, k == KB_ARTICLE ? "section_id" : "category_id",
		               "no such %s", k == KB_ARTICLE ? "section" : "category");
		goto rollback;
	}
	{
		char sql[200];
		snprintf(
		    sql, sizeof sql,
		    "UPDATE %s SET updated_at = ?, position = coalesce(?, position)%s WHERE id = ?",
		    kind_tables[k],
		    k == KB_ARTICLE
		        ? ", section_id = coalesce(?, section_id), promoted = coalesce(?, promoted)"
		    : k == KB_SECTION ? ", category_id = coalesce(?, category_id)"
		                      : "");
		if (k == KB_ARTICLE)
			rc = db_exec(db, sql, "iIIsi", now, has_pos ? pos : 0, parent,
			             f_promoted == JF_VALUE ? (promoted ? "1" : "0") : NULL, id);
		else if (k == KB_SECTION)
			rc = db_exec(db, sql, "iIIi", now, has_pos ? pos : 0, parent, id);
		else
			rc = db_exec(db, sql, "iIi", now, has_pos ? pos : 0, id);
		if (rc)
			goto rollback;
		if (has_pos && pos == 0) { /* 'I' binds 0 as NULL: set an explicit 0 */
			snprintf(sql, sizeof sql, "UPDATE %s SET position = 0 WHERE id = ?",
			         kind_tables[k]);
			if ((rc = db_exec(db, sql, "i", id)))
				goto rollback;
		}
	}
	if ((t.title || t.md || t.has_draft || t.has_outdated) &&
	    (rc = tr_store(db, k, id, locale, &t, a->id, now, &created, err)))
		goto rollback;
	if ((labels && (rc = set_labels(db, id, labels))) ||
	    (rc = kb_event(db, a, k, "updated", id, locale)) ||
	    (rc = kb_load(db, a, k, id, strcmp(locale, src) ? locale : NULL, out)) ||
	    (rc = db_commit(db)))
		goto rollback;
	goto out;
rollback:
	json_decref(*out);
	*out = NULL;
	db_rollback(db);
out:
	free(labels);
	return rc;
}

int desk_kb_delete(struct db *db, const struct desk_actor *a, enum kb_kind k, int64_t id,
                   struct desk_err *err)
{
	json_t *cur = NULL;
	int rc;
	if ((rc = db_begin_read(db)))
		return rc;
	rc = kb_load(db, a, k, id, NULL, &cur);
	db_rollback(db);
	json_decref(cur);
	if (rc || (rc = may_write(a, k, true, err)) || (rc = db_begin(db)))
		return rc;
	/* translations (and index rows) of everything below, then the rows (cascades) */
	if (k == KB_CATEGORY)
		rc =
		    db_exec(db,
		            "DELETE FROM kb_fts WHERE rowid IN (SELECT t.id FROM kb_translations t "
		            "JOIN kb_articles a ON t.kind = 'article' AND t.source_id = a.id JOIN "
		            "kb_sections s ON s.id = a.section_id WHERE s.category_id = ?)",
		            "i", id);
	if (!rc && k == KB_CATEGORY)
		rc = db_exec(db,
		             "DELETE FROM kb_translations WHERE (kind = 'article' AND source_id IN "
		             "(SELECT a.id FROM kb_articles a JOIN kb_sections s ON s.id = "
		             "a.section_id WHERE s.category_id = ?)) OR (kind = 'section' AND "
		             "source_id IN (SELECT id FROM kb_sections WHERE category_id = ?))",
		             "ii", id, id);
	if (!rc && k == KB_SECTION)
		rc =
		    db_exec(db,
		            "DELETE FROM kb_fts WHERE rowid IN (SELECT t.id FROM kb_translations t "
		            "JOIN kb_articles a ON t.kind = 'article' AND t.source_id = a.id WHERE "
		            "a.section_id = ?)",
		            "i", id);
	if (!rc && k == KB_SECTION)
		rc = db_exec(db,
		             "DELETE FROM kb_translations WHERE kind = 'article' AND source_id IN "
		             "(SELECT id FROM kb_articles WHERE section_id = ?)",
		             "i", id);
	if (!rc)
		rc = tr_delete_all(db, k, id);
	if (!rc) {
		char sql[80];
		snprintf(sql, sizeof sql, "DELETE FROM %s WHERE id = ?", kind_tables[k]);
		rc = db_exec(db, sql, "i", id);
	}
	if (rc || (rc = kb_event(db, a, k, "deleted", id, NULL)) || (rc = db_commit(db)))
		db_rollback(db);
	return rc;
}

int desk_kb_list(struct db *db, const struct desk_actor *a, enum kb_kind k,
                 const struct kb_filter *f, const struct desk_page *p, struct desk_list *out)
{
	struct buf sql = BUF_INIT(4096);
	struct db_args args = {0};
	const char *key, *x = k == KB_ARTICLE ? "a" : "x";
	char keybuf[32];
	int rc;
	memset(out, 0, sizeof *out);
	out->count = -1;
	if (!p->sort || !strcmp(p->sort, "position"))
		snprintf(keybuf, sizeof keybuf, "%s.position", x);
	else if (!strcmp(p->sort, "id") || !strcmp(p->sort, "created_at") ||
	         !strcmp(p->sort, "updated_at"))
		snprintf(keybuf, sizeof keybuf, "%s.%s", x, p->sort);
	else
		return HELPO_EINVAL;
	key = keybuf;
	if (k == KB_ARTICLE) {
		buf_addf(&sql, "SELECT %s, %s" ART_FROM, key, f->brief ? ART_COLS_BRIEF : ART_COLS);
		db_args_text(&args, f->locale);
		if (f->category_id)
			buf_adds(&sql, " JOIN kb_sections sc ON sc.id = a.section_id");
		buf_adds(&sql, " WHERE 1");
		if (!desk_is_staff(a))
			buf_adds(&sql, " AND t.draft = 0");
		if (f->section_id) {
			buf_adds(&sql, " AND a.section_id = ?");
			db_args_int(&args, f->section_id);
		}
		if (f->category_id) {
			buf_adds(&sql, " AND sc.category_id = ?");
			db_args_int(&args, f->category_id);
		}
		if (f->label) {
			buf_adds(&sql,
			         " AND a.id IN (SELECT article_id FROM kb_labels WHERE name = ?)");
			db_args_text(&args, f->label);
		}
		rc = page_run(db, &sql, &args, p, key, "a.id", art_row_at, out);
	} else {
		buf_addf(&sql, "SELECT %s, " BOX_COLS, key,
		         k == KB_SECTION ? "x.category_id" : "0");
		buf_addf(&sql, BOX_FROM " WHERE 1", kind_tables[k], kind_names[k], kind_names[k]);
		db_args_text(&args, f->locale);
		if (f->locale && !f->fallback) /* a variant lists what is translated into it */
			buf_adds(&sql, " AND t.id IS NOT NULL");
		if (k == KB_SECTION && f->category_id) {
			buf_adds(&sql, " AND x.category_id = ?");
			db_args_int(&args, f->category_id);
		}
		rc = page_run(db, &sql, &args, p, key, "x.id",
		              k == KB_SECTION ? sec_row_at : cat_row_at, out);
	}
	buf_release(&sql);
	if (rc)
		desk_list_release(out);
	return rc;
}

/* ---- translations ---- */

int desk_kb_translations(struct db *db, const struct desk_actor *a, enum kb_kind k, int64_t id,
                         json_t **out)
{
	struct db_stmt *st;
	json_t *cur = NULL;
	int rc;
	*out = NULL;
	if ((rc = db_begin_read(db)))
		return rc;
	if ((rc = kb_load(db, a, k, id, NULL, &cur)) && rc != HELPO_ENOTFOUND)
		goto out;
	if (rc == HELPO_ENOTFOUND && (k != KB_ARTICLE || (rc = kb_exists(db, k, id))))
		goto out; /* an article whose source translation is a draft may have others */
	if ((rc = db_query(db, &st,
	                   desk_is_staff(a)
	                       ? "SELECT " TR_COLS " FROM kb_translations t WHERE t.kind = ? AND "
	                         "t.source_id = ? ORDER BY t.id"
	                       : "SELECT " TR_COLS " FROM kb_translations t WHERE t.kind = ? AND "
	                         "t.source_id = ? AND t.draft = 0 ORDER BY t.id",
	                   "si", kind_names[k], id)))
		goto out;
	*out = json_array();
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(*out, tr_row_at(st, 0));
	db_done(st);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		goto out;
	}
	rc = 0;
	if (!json_array_size(*out) && k == KB_ARTICLE) {
		json_decref(*out);
		*out = NULL;
		rc = HELPO_ENOTFOUND;
	}
out:
	json_decref(cur);
	db_rollback(db);
	return rc;
}

static int tr_load(struct db *db, const struct desk_actor *a, enum kb_kind k, int64_t id,
                   const char *locale, json_t **out)
{
	struct db_stmt *st;
	int rc = db_query(db, &st,
	                  "SELECT " TR_COLS " FROM kb_translations t WHERE t.kind = ? AND "
	                  "t.source_id = ? AND t.locale = ? AND (t.draft = 0 OR ?)",
	                  "sisi", kind_names[k], id, locale, (int64_t)desk_is_staff(a));
	*out = NULL;
	if (rc)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW) {
		*out = tr_row_at(st, 0);
		rc = 0;
	} else if (rc == DB_DONE)
		rc = HELPO_ENOTFOUND;
	db_done(st);
	return rc;
}

int desk_kb_translation_get(struct db *db, const struct desk_actor *a, enum kb_kind k, int64_t id,
                            const char *locale, json_t **out)
{
	int rc;
	*out = NULL;
	if (!(locale = desk_kb_locale(locale)))
		return HELPO_ENOTFOUND;
	if ((rc = db_begin_read(db)))
		return rc;
	rc = tr_load(db, a, k, id, locale, out);
	db_rollback(db);
	return rc;
}

int desk_kb_translation_put(struct db *db, const struct desk_actor *a, enum kb_kind k, int64_t id,
                            const char *locale, json_t *in, bool create, json_t **out,
                            struct desk_err *err)
{
	struct tr_in t;
	const char *in_locale;
	bool created;
	int64_t now = time_now_ms();
	int rc;
	*out = NULL;
	if ((rc = db_begin_read(db)))
		return rc;
	rc = kb_exists(db, k, id);
	db_rollback(db);
	if (rc)
		return rc;
	if (!desk_is_staff(a))
		return k == KB_ARTICLE ? HELPO_ENOTFOUND : HELPO_EFORBIDDEN;
	if ((rc = may_write(a, k, false, err)) ||
	    (rc = jcheck_keys(in, "translation", tr_keys, err)) ||
	    (rc = parse_text(in, k, true, &t, err)) || (rc = parse_locale(in, &in_locale, err)))
		return rc;
	if (locale && !(locale = desk_kb_locale(locale)))
		return desk_fail(err, HELPO_EINVAL, "locale", "must be one of: en, lv, lt, ru, eo");
	if (!locale && !(locale = in_locale))
		return desk_fail(err, HELPO_EINVAL, "locale", "is required");
	if ((rc = db_begin(db)))
		return rc;
	if (create) {
		int64_t one;
		rc = db_int(db, &one,
		            "SELECT 1 FROM kb_translations WHERE kind = ? AND source_id = ? AND "
		            "locale = ?",
		            "sis", kind_names[k], id, locale);
		if (!rc) {
			rc = desk_fail(err, HELPO_ECONFLICT, "locale",
			               "a translation into %s exists already", locale);
			goto rollback;
		}
		if (rc != HELPO_ENOTFOUND)
			goto rollback;
	}
	if ((rc = tr_store(db, k, id, locale, &t, a->id, now, &created, err)) ||
	    (rc = kb_event(db, a, k, created ? "translation_created" : "translation_updated", id,
	                   locale)) ||
	    (rc = tr_load(db, a, k, id, locale, out)) || (rc = db_commit(db)))
		goto rollback;
	return 0;
rollback:
	json_decref(*out);
	*out = NULL;
	db_rollback(db);
	return rc;
}

int desk_kb_translation_delete(struct db *db, const struct desk_actor *a, enum kb_kind k,
                               int64_t id, const char *locale, struct desk_err *err)
{
	json_t *cur = NULL;
	int64_t tid, one;
	int rc;
	if (!(locale = desk_kb_locale(locale)))
		return HELPO_ENOTFOUND;
	if ((rc = db_begin_read(db)))
		return rc;
	rc = tr_load(db, a, k, id, locale, &cur);
	db_rollback(db);
	json_decref(cur);
	if (rc || (rc = may_write(a, k, true, err)) || (rc = db_begin(db)))
		return rc;
	{
		char sql[100];
		snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE id = ? AND source_locale = ?",
		         kind_tables[k]);
		rc = db_int(db, &one, sql, "is", id, locale);
	}
	if (!rc) {
		rc = desk_fail(err, HELPO_ECONFLICT, "locale",
		               "the source-locale translation cannot be deleted");
		goto rollback;
	}
	if (rc != HELPO_ENOTFOUND ||
	    (rc = db_int(db, &tid,
	                 "DELETE FROM kb_translations WHERE kind = ? AND source_id = ? AND "
	                 "locale = ? RETURNING id",
	                 "sis", kind_names[k], id, locale)) ||
	    (k == KB_ARTICLE &&
	     (rc = db_exec(db, "DELETE FROM kb_fts WHERE rowid = ?", "i", tid))) ||
	    (rc = kb_event(db, a, k, "translation_deleted", id, locale)) || (rc = db_commit(db)))
		goto rollback;
	return 0;
rollback:
	db_rollback(db);
	return rc;
}

/* ---- search ---- */

/* A snippet on one line: runs of white space become one space. */
static json_t *squeeze(const char *s)
{
	size_t n = 0;
	char *t = strdup(s ? s : "");
	json_t *j;
	bool space = false;
	if (!t)
		return json_string("");
	for (const char *c = t; *c; c++) {
		if (*c == ' ' || *c == '\n' || *c == '\t' || *c == '\r') {
			space = n > 0;
			continue;
		}
		if (space)
			t[n++] = ' ';
		space = false;
		t[n++] = *c;
	}
	t[n] = 0;
	j = json_string(t);
	free(t);
	return j ? j : json_string("");
}

/* Light stemming for the KB's search words: Latvian, Lithuanian and Russian inflect heavily
 * ("paroles", "paroli", "parole"), and the index does no stemming, so each purely alphabetic
 * word of 5+ letters loses its last letter (6+ letters: its last two) and is matched as a
 * prefix: "paroles mainas" finds "Paroles maiņa". Other words pass unchanged. */
static int kb_stem_query(const char *query, struct buf *out)
{
	const char *p = query;
	int rc = 0;
	while (!rc && *p) {
		size_t n = strcspn(p, " \t\r\n"), cps = 0, keep = n;
		bool alpha = n > 0;
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)p[i];
			if ((c & 0xc0) != 0x80)
				cps++;
			if (c < 0x80 && !((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
				alpha = false;
		}
		if (alpha && cps >= 5) {
			size_t drop = cps >= 6 ? 2 : 1;
			while (drop && keep > 0) {
				keep--;
				if (((unsigned char)p[keep] & 0xc0) != 0x80)
					drop--;
			}
		}
		rc = buf_add(out, p, keep);
		p += n;
		while (!rc && *p && strchr(" \t\r\n", *p))
			rc = buf_addc(out, *p++);
	}
	return rc;
}

int desk_kb_search(struct db *db, const struct desk_actor *a, const char *query, const char *locale,
                   const struct desk_page *p, struct desk_list *out, struct desk_err *err)
{
	struct buf cond = BUF_INIT(512), match = BUF_INIT(HELPO_MAX_QUERY_BYTES * 2 + 64);
	struct buf stemmed = BUF_INIT(HELPO_MAX_QUERY_BYTES + 1);
	struct db_stmt *st;
	int64_t staff = desk_is_staff(a), size = p->size > 0 ? p->size : 25;
	int64_t offset = p->page > 1 ? (int64_t)(p->page - 1) * size : 0;
	int rc;
	memset(out, 0, sizeof *out);
	out->count = 0;
	out->rows = json_array();
	if (!query || strlen(query) > HELPO_MAX_QUERY_BYTES) {
		rc = desk_fail(err, HELPO_EINVAL, "query", "must be 1..%d bytes",
		               HELPO_MAX_QUERY_BYTES);
		goto out;
	}
	/* db_fts_match turns the words into a safe FTS5 query (quoted prefix terms, ё→е); the
	 * condition it writes is for the ticket index, so only its parameter is used here */
	if ((rc = kb_stem_query(query, &stemmed)) ||
	    (rc = db_fts_match(db, &cond, "x", stemmed.data, false, &match))) {
		if (rc == HELPO_EINVAL)
			desk_fail(err, HELPO_EINVAL, "query", "needs at least one word");
		goto out;
	}
	if ((rc = db_begin_read(db)))
		goto out;
	/* the MATCH runs once in a subquery (joined FTS5 scans are evaluated per row otherwise);
	 * snippets are made for the page's rows only */
	rc = db_int(db, &out->count,
	            "WITH m AS MATERIALIZED (SELECT rowid AS rid FROM kb_fts WHERE kb_fts MATCH ?) "
	            "SELECT count(*) FROM m JOIN kb_translations t ON t.id = m.rid WHERE t.kind = "
	            "'article' AND "
	            "(? IS NULL OR t.locale = ?) AND (t.draft = 0 OR ?)",
	            "sssi", match.data, locale, locale, staff);
	if (!rc)
		rc = db_query(
		    db, &st,
		    "WITH m AS MATERIALIZED (SELECT rowid AS rid, bm25(kb_fts, 10.0, 1.0) "
		    "AS rank FROM kb_fts WHERE kb_fts MATCH ?) SELECT t.source_id, t.title, "
		    "t.id, t.locale, a.section_id, a.vote_sum, a.view_count, t.draft, "
		    "t.updated_at FROM m JOIN kb_translations t ON t.id = m.rid JOIN kb_articles a "
		    "ON a.id = "
		    "t.source_id WHERE t.kind = 'article' AND (? IS NULL OR t.locale = ?) "
		    "AND (t.draft = 0 OR ?) ORDER BY m.rank, t.id LIMIT ? OFFSET ?",
		    "sssiii", match.data, locale, locale, staff, size, offset);
	if (!rc) {
		while ((rc = db_step(st)) == DB_ROW) {
			int64_t id = db_col_int(st, 0);
			const char *title = db_col_text(st, 1), *loc = db_col_text(st, 3);
			json_t *r = json_object();
			json_object_set_new(r, "id", json_integer(id));
			json_object_set_new(r, "result_type", json_string("article"));
			json_object_set_new(r, "title", json_string(title));
			json_object_set_new(r, "snippet", json_integer(db_col_int(st, 2)));
			json_object_set_new(r, "html_url", html_url(KB_ARTICLE, id, loc, title));
			json_object_set_new(r, "locale", json_string(loc));
			json_object_set_new(r, "section_id", json_integer(db_col_int(st, 4)));
			json_object_set_new(r, "vote_sum", json_integer(db_col_int(st, 5)));
			json_object_set_new(r, "view_count", json_integer(db_col_int(st, 6)));
			json_object_set_new(r, "draft", json_boolean(db_col_int(st, 7)));
			json_object_set_new(r, "updated_at", jtime(db_col_int(st, 8)));
			json_array_append_new(out->rows, r);
		}
		db_done(st);
		if (rc > 0)
			rc = 0;
	}
	/* "snippet" holds the translation id until here */
	for (size_t i = 0; !rc && i < json_array_size(out->rows); i++) {
		json_t *r = json_array_get(out->rows, i);
		int64_t tid = json_integer_value(json_object_get(r, "snippet"));
		if ((rc = db_query(
		         db, &st,
		         "SELECT snippet(kb_fts, 1, '', '', '\xe2\x80\xa6', 24) FROM kb_fts "
		         "WHERE kb_fts MATCH ? AND rowid = ?",
		         "si", match.data, tid)))
			break;
		rc = db_step(st);
		json_object_set_new(r, "snippet", squeeze(rc == DB_ROW ? db_col_text(st, 0) : ""));
		db_done(st);
		rc = rc < 0 ? rc : 0;
	}
	db_rollback(db);
	out->has_more = offset + (int64_t)json_array_size(out->rows) < out->count;
out:
	buf_release(&cond);
	buf_release(&match);
	buf_release(&stemmed);
	if (rc)
		desk_list_release(out);
	return rc;
}

/* ---- votes and views ---- */

static int vote_event(struct db *db, const struct desk_actor *a, int64_t article_id, int value)
{
	json_t *p = json_pack("{s:I,s:i}", "id", (json_int_t)article_id, "value", value);
	int rc = desk_event_add(db, 0, a->id, "kb.article.voted", p);
	json_decref(p);
	return rc;
}

int desk_kb_vote(struct db *db, const struct desk_actor *a, int64_t article_id, int value,
                 const char *voter_key, const char *ip, json_t **out, struct desk_err *err)
{
	char key[CRYPTO_SHA256_HEX] = "";
	int64_t vid = 0, n, now = time_now_ms();
	json_t *cur = NULL;
	bool anon = a->id == 0;
	int rc;
	if (out)
		*out = NULL;
	if (value < -1 || value > 1)
		return desk_fail(err, HELPO_EINVAL, "value", "must be 1 (up) or -1 (down)");
	if (anon && (!voter_key || strlen(voter_key) < 16 || strlen(voter_key) > 128))
		return desk_fail(err, HELPO_EINVAL, "voter", "a visitor key is required");
	if (anon)
		crypto_sha256_hex(voter_key, strlen(voter_key), key);
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = kb_load(db, a, KB_ARTICLE, article_id, NULL, &cur)))
		goto rollback;
	rc = anon ? db_int(db, &vid,
	                   "SELECT id FROM kb_votes WHERE article_id = ? AND voter_key = ?", "is",
	                   article_id, key)
	          : db_int(db, &vid, "SELECT id FROM kb_votes WHERE article_id = ? AND user_id = ?",
	                   "ii", article_id, a->id);
	if (rc == HELPO_ENOTFOUND)
		vid = 0;
	else if (rc)
		goto rollback;
	if (!vid && anon && value) {
		if ((rc =
		         db_int(db, &n,
		                "SELECT count(*) FROM kb_votes WHERE article_id = ? AND ip = ? AND "
		                "voter_key IS NOT NULL AND created_at > ?",
		                "isi", article_id, ip ? ip : "", now - DAY_MS)))
			goto rollback;
		if (n >= KB_MAX_ANON_VOTES_PER_IP) {
			rc = desk_fail(err, HELPO_EFORBIDDEN, "value",
			               "too many votes from this address");
			goto rollback;
		}
	}
	if (vid && !value)
		rc = db_exec(db, "DELETE FROM kb_votes WHERE id = ?", "i", vid);
	else if (vid)
		rc = db_exec(db, "UPDATE kb_votes SET value = ?, updated_at = ? WHERE id = ?",
		             "iii", (int64_t)value, now, vid);
	else if (value)
		rc = db_int(db, &vid,
		            "INSERT INTO kb_votes (article_id, user_id, voter_key, ip, value, "
		            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
		            "iIssiii", article_id, anon ? 0 : a->id, anon ? key : NULL,
		            ip ? ip : "", (int64_t)value, now, now);
	if (rc ||
	    (rc = db_exec(db,
	                  "UPDATE kb_articles SET vote_sum = (SELECT coalesce(sum(value), 0) FROM "
	                  "kb_votes WHERE article_id = ?1), vote_count = (SELECT count(*) FROM "
	                  "kb_votes WHERE article_id = ?1) WHERE id = ?1",
	                  "i", article_id)) ||
	    (rc = vote_event(db, a, article_id, value)))
		goto rollback;
	if (out) {
		char t[32];
		time_iso8601(now, t);
		*out = json_pack("{s:o,s:I,s:o,s:i,s:s,s:s}", "id", jid(value ? vid : 0),
		                 "article_id", (json_int_t)article_id, "user_id", jid(a->id),
		                 "value", value, "created_at", t, "updated_at", t);
	}
	if ((rc = db_commit(db)))
		goto rollback;
	json_decref(cur);
	return 0;
rollback:
	if (out) {
		json_decref(*out);
		*out = NULL;
	}
	json_decref(cur);
	db_rollback(db);
	return rc;
}

int desk_kb_my_vote(struct db *db, const struct desk_actor *a, int64_t article_id,
                    const char *voter_key, int *value)
{
	char key[CRYPTO_SHA256_HEX];
	int64_t v = 0;
	int rc;
	*value = 0;
	if (a->id)
		rc = db_int(db, &v,
		            "SELECT value FROM kb_votes WHERE article_id = ? AND user_id = ?", "ii",
		            article_id, a->id);
	else if (voter_key && *voter_key) {
		crypto_sha256_hex(voter_key, strlen(voter_key), key);
		rc = db_int(db, &v,
		            "SELECT value FROM kb_votes WHERE article_id = ? AND voter_key = ?",
		            "is", article_id, key);
	} else
		return 0;
	if (rc == HELPO_ENOTFOUND)
		return 0;
	*value = (int)v;
	return rc;
}

/*
 * View counts are buffered in memory and written in one transaction every
 * VIEW_FLUSH_COUNT views or VIEW_FLUSH_MS, whichever comes first, so that an article page
 * does not pay a durable commit per view (the render budget). Up to that many views are
 * lost if the process dies.
 */
#define VIEW_SLOTS       256
#define VIEW_FLUSH_COUNT 200
#define VIEW_FLUSH_MS    5000

static pthread_mutex_t view_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	int64_t id, n;
} view_pending[VIEW_SLOTS];
static int view_slots, view_total;
static int64_t view_last_flush;

static int view_write(struct db *db, const int64_t (*rows)[2], int n)
{
	int rc;
	if (!n)
		return 0;
	if ((rc = db_begin(db)))
		return rc;
	for (int i = 0; i < n && !rc; i++)
		rc = db_exec(db, "UPDATE kb_articles SET view_count = view_count + ? WHERE id = ?",
		             "ii", rows[i][1], rows[i][0]);
	if (rc || (rc = db_commit(db)))
		db_rollback(db);
	return rc;
}

/* Takes the buffered counts out (under the lock) into rows; returns how many. */
static int view_take(int64_t (*rows)[2])
{
	int n = view_slots;
	for (int i = 0; i < n; i++) {
		rows[i][0] = view_pending[i].id;
		rows[i][1] = view_pending[i].n;
	}
	view_slots = view_total = 0;
	view_last_flush = time_now_ms();
	return n;
}

int desk_kb_view(struct db *db, int64_t article_id)
{
	static int64_t rows[VIEW_SLOTS][2];
	static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;
	int64_t now = time_now_ms();
	int i, n = 0, rc;
	bool due;
	pthread_mutex_lock(&view_lock);
	if (!view_last_flush)
		view_last_flush = now;
	for (i = 0; i < view_slots && view_pending[i].id != article_id; i++)
		;
	if (i == view_slots && view_slots < VIEW_SLOTS) {
		view_pending[i].id = article_id;
		view_pending[i].n = 0;
		view_slots++;
	}
	if (i < view_slots)
		view_pending[i].n++;
	view_total++;
	due = view_total >= VIEW_FLUSH_COUNT || now - view_last_flush >= VIEW_FLUSH_MS ||
	      i == VIEW_SLOTS;
	if (!due) {
		pthread_mutex_unlock(&view_lock);
		return 0;
	}
	pthread_mutex_lock(&write_lock);
	n = view_take(rows);
	pthread_mutex_unlock(&view_lock);
	rc = view_write(db, (const int64_t(*)[2])rows, n);
	pthread_mutex_unlock(&write_lock);
	if (rc)
		log_warn("kb: %d view counts lost: %s", n, helpo_strerror(rc));
	return rc;
}

int desk_kb_view_flush(struct db *db)
{
	static int64_t rows[VIEW_SLOTS][2];
	int n, rc;
	pthread_mutex_lock(&view_lock);
	n = view_take(rows);
	rc = view_write(db, (const int64_t(*)[2])rows, n);
	pthread_mutex_unlock(&view_lock);
	return rc;
}

/* ---- deflection ---- */

static bool token_ok(const char *t)
{
	size_t n = t ? strlen(t) : 0;
	if (n < 8 || n > KB_MAX_TOKEN_BYTES)
		return false;
	for (; *t; t++)
		if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') ||
		      (*t >= '0' && *t <= '9') || *t == '-' || *t == '_'))
			return false;
	return true;
}

int desk_kb_deflection_open(struct db *db, const char *token, int64_t article_id, const char *query)
{
	char q[256];
	size_t n;
	int rc;
	if (!token_ok(token))
		return 0;
	/* the query is display-only: cut to a UTF-8 boundary */
	snprintf(q, sizeof q, "%s", query ? query : "");
	n = strlen(q);
	while (n && ((unsigned char)q[n - 1] & 0xc0) == 0x80)
		n--;
	if (n && (unsigned char)q[n - 1] >= 0xc0 && n == sizeof q - 1)
		n--;
	q[n] = 0;
	if (!text_utf8_valid(q, n))
		q[0] = 0;
	if ((rc = db_begin(db)))
		return rc;
	rc = db_exec(db,
	             "INSERT INTO kb_deflections (token, article_id, query, created_at) SELECT ?, "
	             "id, ?, ? FROM kb_articles WHERE id = ? ON CONFLICT (token, article_id) DO "
	             "NOTHING",
	             "ssii", token, q, time_now_ms(), article_id);
	if (rc || (rc = db_commit(db)))
		db_rollback(db);
	return rc;
}

int desk_kb_deflection_submitted(struct db *db, const char *token, int64_t ticket_id)
{
	int rc;
	if (!token_ok(token))
		return 0;
	if ((rc = db_begin(db)))
		return rc;
	rc =
	    db_exec(db,
	            "UPDATE kb_deflections SET ticket_id = ?, submitted_at = ? WHERE token = ? AND "
	            "ticket_id IS NULL",
	            "iis", ticket_id, time_now_ms(), token);
	if (rc || (rc = db_commit(db)))
		db_rollback(db);
	return rc;
}

int desk_kb_deflection_stats(struct db *db, const struct desk_actor *a, int64_t since_ms,
                             json_t **out)
{
	struct db_stmt *st;
	int64_t opened = 0, submitted = 0;
	json_t *arts;
	int rc;
	*out = NULL;
	if (!desk_is_staff(a))
		return HELPO_EFORBIDDEN;
	if ((rc = db_begin_read(db)))
		return rc;
	if ((rc = db_query(db, &st,
	                   "SELECT count(*), count(ticket_id) FROM kb_deflections WHERE "
	                   "created_at >= ?",
	                   "i", since_ms)))
		goto out;
	if ((rc = db_step(st)) == DB_ROW) {
		opened = db_col_int(st, 0);
		submitted = db_col_int(st, 1);
	}
	db_done(st);
	if (rc < 0)
		goto out;
	if ((rc = db_query(db, &st,
	                   "SELECT d.article_id, coalesce(t.title, ''), count(*), "
	                   "count(*) - count(d.ticket_id) FROM kb_deflections d JOIN kb_articles a "
	                   "ON a.id = d.article_id LEFT JOIN kb_translations t ON t.kind = "
	                   "'article' AND t.source_id = a.id AND t.locale = a.source_locale WHERE "
	                   "d.created_at >= ? GROUP BY d.article_id ORDER BY 4 DESC, 1 LIMIT 100",
	                   "i", since_ms)))
		goto out;
	arts = json_array();
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(arts, json_pack("{s:I,s:s,s:I,s:I}", "article_id",
		                                      (json_int_t)db_col_int(st, 0), "title",
		                                      db_col_text(st, 1), "opened",
		                                      (json_int_t)db_col_int(st, 2), "deflected",
		                                      (json_int_t)db_col_int(st, 3)));
	db_done(st);
	if (rc < 0) {
		json_decref(arts);
		goto out;
	}
	rc = 0;
	*out = json_pack("{s:{s:I,s:I,s:I,s:o}}", "deflection_stats", "opened", (json_int_t)opened,
	                 "submitted", (json_int_t)submitted, "deflected",
	                 (json_int_t)(opened - submitted), "articles", arts);
out:
	db_rollback(db);
	return rc;
}

/* ---- listings for the public pages ---- */

int desk_kb_section_counts(struct db *db, const struct desk_actor *a, const char *locale,
                           json_t **out)
{
	struct db_stmt *st;
	int rc;
	*out = NULL;
	if ((rc =
	         db_query(db, &st,
	                  "SELECT a.section_id, count(*) FROM kb_articles a JOIN kb_translations t "
	                  "ON t.kind = 'article' AND t.source_id = a.id AND t.locale = ? WHERE "
	                  "(t.draft = 0 OR ?) GROUP BY a.section_id",
	                  "si", locale ? locale : "en", (int64_t)desk_is_staff(a))))
		return rc;
	*out = json_object();
	while ((rc = db_step(st)) == DB_ROW) {
		char key[24];
		snprintf(key, sizeof key, "%lld", (long long)db_col_int(st, 0));
		json_object_set_new(*out, key, json_integer(db_col_int(st, 1)));
	}
	db_done(st);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

int desk_kb_sitemap(struct db *db, json_t **out)
{
	struct db_stmt *st;
	int rc;
	*out = NULL;
	if ((rc = db_query(db, &st,
	                   "SELECT kind, source_id, locale, title, updated_at FROM kb_translations "
	                   "WHERE draft = 0 ORDER BY kind, source_id, locale LIMIT 50000",
	                   "")))
		return rc;
	*out = json_array();
	while ((rc = db_step(st)) == DB_ROW) {
		int k = desk_kb_kind(db_col_text(st, 0));
		json_array_append_new(
		    *out,
		    json_pack("{s:o,s:o,s:s}", "loc",
		              html_url((enum kb_kind)(k < 0 ? 0 : k), db_col_int(st, 1),
		                       db_col_text(st, 2), db_col_text(st, 3)),
		              "lastmod", jtime(db_col_int(st, 4)), "locale", db_col_text(st, 2)));
	}
	db_done(st);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

#include "desk/kb_demo.h"
