/*
 * sanitize.h — customer HTML made safe to show, on a real HTML5 parser (gumbo).
 *
 * An allowlist of elements, attributes, URL schemes and CSS properties: no script, event
 * handlers, javascript:/data: URLs, forms, iframes, base, meta, or CSS that can run code or
 * fetch remote resources. Remote images are dropped (only cid: inline images are kept; the
 * caller rewrites them); links open in a new tab with rel="noopener noreferrer nofollow".
 * The output is serialized from the cleaned tree in one fixed form, so sanitizing twice
 * changes nothing: S(S(x)) == S(x) — enforced by re-sanitizing the output until it is a
 * fixpoint (text only if none is reached). Inputs with more than HTML_MAX_TAGS tags are not parsed as
 * HTML at all (their text is escaped), which bounds the tree depth.
 */
#ifndef HELPO_SANITIZE_H
#define HELPO_SANITIZE_H

#include "util/common.h"

#define HTML_MAX_TAGS 20000 /* '<' characters in one fragment */
#define HTML_MAX_DEPTH 100  /* deeper elements are unwrapped: their text is kept */

/* Returns a new NUL-terminated safe HTML fragment (caller frees), or NULL on OOM. */
char *html_sanitize(const char *html, size_t len);

#endif
