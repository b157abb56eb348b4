/*
 * html.c — see html.h. Parsing is gumbo's; this file only walks the tree.
 */
#include "util/html.h"
#include "util/limits.h"
#include <gumbo.h>

static bool is_block(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_LI: case GUMBO_TAG_TR:
	case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
	case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_PRE:
	case GUMBO_TAG_TABLE: case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_HR:
		return true;
	default:
		return false;
	}
}

static void walk(const GumboNode *n, struct buf *b, int depth)
{
	if (depth > 200)
		return;
	switch (n->type) {
	case GUMBO_NODE_TEXT:
	case GUMBO_NODE_WHITESPACE:
	case GUMBO_NODE_CDATA:
		buf_adds(b, n->v.text.text);
		return;
	case GUMBO_NODE_ELEMENT:
	case GUMBO_NODE_TEMPLATE: {
		GumboTag t = n->v.element.tag;
		if (t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE || t == GUMBO_TAG_HEAD)
			return;
		if (t == GUMBO_TAG_BR) {
			buf_addc(b, '\n');
			return;
		}
		/* a block starts on its own line, and table cells are apart: text on either
		 * side of a tag boundary must never merge into one word */
		if (is_block(t) && b->len && b->data[b->len - 1] != '\n')
			buf_addc(b, '\n');
		else if ((t == GUMBO_TAG_TD || t == GUMBO_TAG_TH) && b->len &&
			 b->data[b->len - 1] != '\n')
			buf_addc(b, '\t');
		for (unsigned i = 0; i < n->v.element.children.length; i++)
			walk(n->v.element.children.data[i], b, depth + 1);
		if (is_block(t) && b->len && b->data[b->len - 1] != '\n')
			buf_addc(b, '\n');
		return;
	}
	case GUMBO_NODE_DOCUMENT:
		for (unsigned i = 0; i < n->v.document.children.length; i++)
			walk(n->v.document.children.data[i], b, depth + 1);
		return;
	default:
		return;
	}
}

char *html_to_text(const char *html, size_t len)
{
	struct buf b = BUF_INIT((size_t)HELPO_MAX_COMMENT_BYTES * 2);
	GumboOutput *out = gumbo_parse_with_options(&kGumboDefaultOptions, html, len);
	if (!out)
		return NULL;
	walk(out->root, &b, 0);
	gumbo_destroy_output(&kGumboDefaultOptions, out);
	while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == ' '))
		b.data[--b.len] = '\0';
	return buf_detach(&b, NULL);
}

int html_escape(struct buf *b, const char *s)
{
	int rc = 0;
	for (; *s && !rc; s++) {
		switch (*s) {
		case '<': rc = buf_adds(b, "&lt;"); break;
		case '>': rc = buf_adds(b, "&gt;"); break;
		case '&': rc = buf_adds(b, "&amp;"); break;
		case '"': rc = buf_adds(b, "&quot;"); break;
		case '\'': rc = buf_adds(b, "&#39;"); break;
		default: rc = buf_addc(b, *s);
		}
	}
	return rc;
}
