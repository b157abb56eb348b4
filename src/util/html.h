/*
 * html.h — HTML handled on a real HTML5 parser (gumbo): plain text of a fragment, and
 * escaping of text for HTML output.
 */
#ifndef HELPO_HTML_H
#define HELPO_HTML_H

#include "util/common.h"
#include "util/buf.h"

/* Text content of an HTML fragment: tags dropped, entities decoded, block elements and <br>
 * become line breaks, script/style content dropped. Caller frees; NULL on OOM. */
char *html_to_text(const char *html, size_t len);
/* Appends s to b with &, <, >, " and ' escaped. */
int html_escape(struct buf *b, const char *s);

#endif
