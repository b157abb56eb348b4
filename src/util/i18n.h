/*
 * i18n.h — UI string catalogs (locale/AREA/{en,lv,lt,ru,eo}.json, merged per language and
 * compiled into the binary), CLDR cardinal plural rules and Accept-Language negotiation for the
 * workspace, portal and KB.
 *
 * Catalog shape: {"key": "text"} or {"key": {"one": "...", "other": "..."}} for a plural
 * message, whose forms are the CLDR categories of the language (see i18n_plural_forms).
 * The only placeholder is {count}; any other {...} is copied as-is. scripts/check-locales
 * checks that every catalog has every key of en.json, the right plural forms and the same
 * placeholders.
 *
 * Ownership: every `const char *` returned here is static (string literals or
 * process-lifetime catalog data): borrowed, never freed, valid for the whole process.
 * Output text is plain text: callers escape it for HTML/attributes/JSON themselves.
 * All functions are thread-safe; the catalogs are parsed once (pthread_once) on first use.
 */
#ifndef HELPO_I18N_H
#define HELPO_I18N_H

#include "util/common.h"
#include "util/buf.h"
#include "util/limits.h"

/* Accept-Language bytes and language ranges examined; the rest of a longer header is ignored.
 * (Candidates for util/limits.h.) */

#define I18N_DEFAULT_LANG "en"

/* The supported languages, NULL-terminated: {"en", "lv", "lt", "ru", "eo", NULL}. */
extern const char *const i18n_langs[];

/*
 * Canonical code ("en", "lv", ...) for a language tag such as "lv", "LV", "lv-LV" or "ru_RU",
 * or NULL when the primary subtag is not supported (or tag is NULL). Static string.
 */
const char *i18n_lang(const char *tag);

/*
 * Ordered CLDR cardinal plural categories used by the language's catalog (integers only),
 * NULL-terminated; i18n_plural_index() indexes into this list:
 *   en, eo: {"one", "other"}
 *   lv:     {"zero", "one", "other"}
 *   lt:     {"one", "few", "other"}   ("many" is for fractions only, never used here)
 *   ru:     {"one", "few", "many"}    ("other" is for fractions only, never used here)
 * An unsupported or NULL lang gets the English list. Static.
 */
const char *const *i18n_plural_forms(const char *lang);

/*
 * Index into i18n_plural_forms(lang) of the CLDR cardinal category of the integer n
 * (negative n uses |n|, as CLDR's operand n does). Unsupported/NULL lang: English rules.
 *   en/eo: one n=1; other.
 *   lv: zero n%10=0 or n%100=11..19; one n%10=1 and n%100!=11; other.
 *   lt: one n%10=1 and n%100!=11..19; few n%10=2..9 and n%100!=11..19; other.
 *   ru: one n%10=1 and n%100!=11; few n%10=2..4 and n%100!=12..14; many.
 */
int i18n_plural_index(const char *lang, long n);

/*
 * Best supported language for an Accept-Language header value: the range with the highest
 * q wins (ties: the earlier one); region subtags are ignored ("lv-LV" -> "lv"); q=0 ranges
 * are never chosen; "*" stands for the default; malformed ranges are skipped. Only the first
 * HELPO_MAX_ACCEPT_LANGUAGE_BYTES bytes / _RANGES ranges are read. NULL, empty, garbage or
 * nothing supported -> "en". Returns a static string, never NULL.
 */
const char *i18n_negotiate(const char *accept_language);

/*
 * Append the message `key` in `lang` to out. Lookup: lang's catalog, then English, then the
 * key itself (so a missing string shows up visibly rather than as an error). A plural
 * message picks the form of `count` (if the catalog lacks that form: its "other"/"many",
 * then English). {count} is replaced by count in decimal; other braces are copied. `lang`
 * may be any tag i18n_lang() accepts; unsupported/NULL means English.
 * Returns 0, HELPO_EINVAL (key or out NULL) or HELPO_ETOOBIG (past out's cap); on failure
 * out is left unchanged.
 */
int i18n_text(const char *lang, const char *key, long count, struct buf *out);

/* 1 when `key` exists in lang's own catalog (no fallback), else 0. For tests and tools. */
int i18n_has(const char *lang, const char *key);

/*
 * As i18n_text, then also replaces named placeholders: vars is NULL or a NULL-terminated
 * list of name/value pairs {"name", "Ana", "id", "42", NULL}; "{name}" becomes "Ana".
 * Values are inserted verbatim (plain text: escape the result for its output context).
 * Placeholders not listed are copied as-is.
 */
int i18n_format(const char *lang, const char *key, long count, const char *const *vars,
		struct buf *out);

/*
 * The whole merged catalog of a language (all areas, English filling missing keys) as
 * compact JSON, for the browser (the agent app fetches /agent/locale/LANG.json). Static,
 * built once per language; NULL only on OOM. *len gets its length.
 */
const char *i18n_catalog_json(const char *lang, size_t *len);

#endif
