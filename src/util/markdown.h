/*
 * markdown.h — Markdown (CommonMark + the GFM extensions table, strikethrough, autolink and
 * tasklist) rendered to HTML by cmark-gfm and then passed through the HTML sanitizer
 * (util/sanitize.h), so nothing from the source — raw HTML included — reaches a page without
 * being sanitized. Raw HTML inside Markdown is allowed through cmark and then filtered like
 * customer HTML: <kbd> survives, <script>, event handlers and javascript: links do not.
 * Task list items get a ☐/☑ mark (the sanitizer drops form controls).
 */
#ifndef HELPO_MARKDOWN_H
#define HELPO_MARKDOWN_H

#include "util/common.h"

#define MARKDOWN_MAX_BYTES (256 * 1024) /* one Markdown source (an article body) */

/*
 * Renders md (len bytes, valid UTF-8 expected; invalid bytes become U+FFFD) into *out, a new
 * NUL-terminated sanitized HTML fragment the caller frees. HELPO_ETOOBIG past
 * MARKDOWN_MAX_BYTES, HELPO_ENOMEM on allocation failure (*out NULL then). Thread-safe.
 */
int markdown_to_html(const char *md, size_t len, char **out);

#endif
