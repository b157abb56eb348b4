/*
 * kb.h — the knowledge base (Zendesk Help Center): categories → sections → articles, each with
 * per-locale translations (en, lv, lt, ru, eo); Markdown article bodies rendered to sanitized
 * HTML; search; votes; view counts; deflection records.
 *
 * Who may do what:
 *   anyone (signed in or not)  reads categories, sections and published article translations,
 *                              searches published articles, votes (pages: anonymous visitors
 *                              by voter key), opens articles (view counts, deflection);
 *   agents and admins          also read drafts, create and edit articles and translations;
 *   admins                     also create, edit and delete categories and sections, and
 *                              delete articles and translations.
 * An object the actor may not read is HELPO_ENOTFOUND. The anonymous actor is {0, end-user}.
 *
 * Records are Zendesk's: article = {id, html_url, title, body, body_markdown, locale,
 * source_locale, section_id, author_id, draft, outdated, label_names, vote_sum, vote_count,
 * view_count, position, promoted, created_at, updated_at, edited_at}; category = {id, html_url,
 * name, description, locale, source_locale, position, outdated, created_at, updated_at}
 * (sections add category_id); translation = {id, source_id, source_type, locale, title, body,
 * body_markdown, draft, outdated, created_by_id, created_at, updated_at}. html_url is a local
 * path ("/hc/lv/articles/7-ka-nomainit-paroli"); the API makes it absolute.
 * Every json_t ** out is a new reference the caller releases.
 */
#ifndef HELPO_KB_H
#define HELPO_KB_H

#include "desk/desk.h"

enum kb_kind { KB_CATEGORY = 0, KB_SECTION = 1, KB_ARTICLE = 2 };

#define KB_MAX_TITLE_BYTES       255
#define KB_MAX_LABELS            50
#define KB_MAX_LABEL_BYTES       80
#define KB_MAX_SLUG_BYTES        80
#define KB_MAX_ANON_VOTES_PER_IP 5   /* anonymous votes on one article from one address per day */
#define KB_MAX_TOKEN_BYTES       128 /* deflection token */

/* Which rows a list returns. locale NULL: each object in its source locale (categories and
 * sections fall back to it when a locale has no translation; articles never do). */
struct kb_filter {
	const char *locale;
	int64_t category_id; /* sections of / articles in this category; 0 = any */
	int64_t section_id;  /* articles of this section; 0 = any */
	const char *label;   /* articles with this label */
	bool brief;          /* articles without body / body_markdown (listing pages) */
	bool fallback;       /* categories/sections: list untranslated ones in their source
	                        locale instead of leaving them out (the public pages) */
};

/* "category" / "section" / "article" → kind; -1 if none. */
int desk_kb_kind(const char *name);
/* Canonical locale ("lv") for a tag ("lv", "LV", "lv-lv"), NULL when not one of the five. */
const char *desk_kb_locale(const char *tag);
/* URL slug of a title: ASCII lower-case words joined by '-', Latin diacritics stripped, Cyrillic
 * transliterated; "" for a title with no letters. out holds KB_MAX_SLUG_BYTES + 1. */
void desk_kb_slug(const char *title, char out[KB_MAX_SLUG_BYTES + 1]);

/* Create: `in` is the body under "category"/"section"/"article" (name|title, description|body
 * or body_markdown, locale, position, category_id / section_id, draft, label_names, promoted).
 * The object and its first translation (in `locale`, default "en") are created together. */
int desk_kb_create(struct db *db, const struct desk_actor *a, enum kb_kind k, json_t *in,
                   json_t **out, struct desk_err *err);
/* Read one object in `locale` (NULL = its source locale). */
int desk_kb_get(struct db *db, const struct desk_actor *a, enum kb_kind k, int64_t id,
                const char *locale, json_t **out);
/* Update the object's fields and, when given, the text of its translation in `locale` (NULL =
 * source locale; created if it does not exist yet). */
int desk_kb_update(struct db *db, const struct desk_actor *a, enum kb_kind k, int64_t id,
                   const char *locale, json_t *in, json_t **out, struct desk_err *err);
/* Delete with everything below it (sections, articles, translations, votes). */
int desk_kb_delete(struct db *db, const struct desk_actor *a, enum kb_kind k, int64_t id,
                   struct desk_err *err);
/* Paged list (sorts: position (default), id, created_at, updated_at, title). */
int desk_kb_list(struct db *db, const struct desk_actor *a, enum kb_kind k,
                 const struct kb_filter *f, const struct desk_page *p, struct desk_list *out);

/* Translations of one object ("translations" array, oldest first); end-users see only
 * published ones. */
int desk_kb_translations(struct db *db, const struct desk_actor *a, enum kb_kind k, int64_t id,
                         json_t **out);
int desk_kb_translation_get(struct db *db, const struct desk_actor *a, enum kb_kind k, int64_t id,
                            const char *locale, json_t **out);
/* create: true = POST (HELPO_ECONFLICT when the locale exists), false = PUT (upsert). The
 * locale comes from `locale` or, when NULL, from in.locale. */
int desk_kb_translation_put(struct db *db, const struct desk_actor *a, enum kb_kind k, int64_t id,
                            const char *locale, json_t *in, bool create, json_t **out,
                            struct desk_err *err);
/* Deleting the source-locale translation is HELPO_ECONFLICT (delete the object instead). */
int desk_kb_translation_delete(struct db *db, const struct desk_actor *a, enum kb_kind k,
                               int64_t id, const char *locale, struct desk_err *err);

/* Search published article translations (staff: drafts too). Diacritics and case ignored,
 * ё = е, every word a prefix. locale NULL = every locale. Rows: {id, title, snippet (plain
 * text), html_url, locale, section_id, vote_sum, view_count, draft, result_type "article"},
 * best match first; out->count is the total. HELPO_EINVAL (field "query") without a word. */
int desk_kb_search(struct db *db, const struct desk_actor *a, const char *query, const char *locale,
                   const struct desk_page *p, struct desk_list *out, struct desk_err *err);

/* A vote (+1 / -1) on an article the actor can read. Signed-in actors (a->id != 0) vote as
 * themselves; anonymous ones need voter_key (an opaque visitor id, stored hashed) and are
 * capped at KB_MAX_ANON_VOTES_PER_IP per article, address and day (HELPO_EFORBIDDEN past it).
 * Voting again replaces the earlier vote. value 0 removes it. *out: {vote:{...}} fields
 * {id, article_id, user_id, value, created_at, updated_at} — may be NULL when not wanted. */
int desk_kb_vote(struct db *db, const struct desk_actor *a, int64_t article_id, int value,
                 const char *voter_key, const char *ip, json_t **out, struct desk_err *err);
/* The value (+1/-1, 0 = none) of this voter's vote on an article. */
int desk_kb_my_vote(struct db *db, const struct desk_actor *a, int64_t article_id,
                    const char *voter_key, int *value);
/* Counts one view of an article. Views are buffered in memory and written together every few
 * seconds or few hundred views (a view costs no commit); desk_kb_view_flush writes the buffer
 * now. */
int desk_kb_view(struct db *db, int64_t article_id);
int desk_kb_view_flush(struct db *db);

/* Deflection: an article opened from the request form's suggestions. The token is the form's
 * random deflection_token ([A-Za-z0-9_-], 8..KB_MAX_TOKEN_BYTES). Unknown articles and bad
 * tokens are ignored (0). */
int desk_kb_deflection_open(struct db *db, const char *token, int64_t article_id,
                            const char *query);
/* The request form with this token was submitted as ticket_id: its opens are not deflections.
 * 0 also when nothing matched. */
int desk_kb_deflection_submitted(struct db *db, const char *token, int64_t ticket_id);
/* {deflection_stats: {opened, submitted, deflected, articles: [{article_id, title, opened,
 * deflected}]}} over [since_ms, now] (0 = all time); staff only. */
int desk_kb_deflection_stats(struct db *db, const struct desk_actor *a, int64_t since_ms,
                             json_t **out);

/* Published articles per section in a locale (staff: drafts too): {"<section id>": n, ...}. */
int desk_kb_section_counts(struct db *db, const struct desk_actor *a, const char *locale,
                           json_t **out);
/* Every public page for the sitemap: [{"loc": "/hc/lv/articles/7-slug", "lastmod": ISO}],
 * published article translations plus category and section translations. */
int desk_kb_sitemap(struct db *db, json_t **out);

/* Demo content (CLI `helpo demo`): 3 categories, 5 sections, 8 articles, each in en, lv, lt,
 * ru and eo. Does nothing when the knowledge base already has a category. */
int desk_kb_demo(struct db *db, int64_t author_id);

#endif
