/*
 * markdown.c — Markdown (CommonMark + GFM tables, strikethrough, autolinks, task lists) to
 * sanitized HTML via cmark-gfm and html_sanitize (see markdown.h).
 */
#include "util/markdown.h"
#include "util/sanitize.h"
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <pthread.h>

static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void md_register(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

static const char *const md_extensions[] = {"table", "strikethrough", "autolink", "tasklist", NULL};

/* Puts a visible ☐/☑ in front of each task list item's text (the <input> cmark renders is
 * dropped by the sanitizer, like every form control). */
static int md_mark_tasks(cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	int rc = 0;
	if (!it)
		return HELPO_ENOMEM;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it), *first, *text;
		const char *type;
		if (ev != CMARK_EVENT_EXIT || cmark_node_get_type(n) != CMARK_NODE_ITEM)
			continue;
		type = cmark_node_get_type_string(n);
		if (!type || strcmp(type, "tasklist"))
			continue;
		if (!(text = cmark_node_new(CMARK_NODE_TEXT))) {
			rc = HELPO_ENOMEM;
			break;
		}
		cmark_node_set_literal(text, cmark_gfm_extensions_get_tasklist_item_checked(n)
		                                 ? "\xe2\x98\x91 "
		                                 : "\xe2\x98\x90 ");
		first = cmark_node_first_child(n);
		if (first && cmark_node_get_type(first) == CMARK_NODE_PARAGRAPH)
			cmark_node_prepend_child(first, text);
		else
			cmark_node_prepend_child(n, text);
	}
	cmark_iter_free(it);
	return rc;
}

int markdown_to_html(const char *md, size_t len, char **out)
{
	int opts = CMARK_OPT_UNSAFE | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_SMART;
	cmark_parser *parser;
	cmark_node *doc = NULL;
	char *html = NULL;
	int rc = HELPO_ENOMEM;
	*out = NULL;
	if (len > MARKDOWN_MAX_BYTES)
		return HELPO_ETOOBIG;
	pthread_once(&md_once, md_register);
	if (!(parser = cmark_parser_new(opts)))
		return HELPO_ENOMEM;
	for (const char *const *e = md_extensions; *e; e++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(*e);
		if (ext)
			cmark_parser_attach_syntax_extension(parser, ext);
	}
	cmark_parser_feed(parser, md ? md : "", md ? len : 0);
	if (!(doc = cmark_parser_finish(parser)) || (rc = md_mark_tasks(doc)))
		goto out;
	/* raw HTML is rendered (CMARK_OPT_UNSAFE) only to be filtered by html_sanitize below */
	if (!(html = cmark_render_html(doc, opts, cmark_parser_get_syntax_extensions(parser)))) {
		rc = HELPO_ENOMEM;
		goto out;
	}
	*out = html_sanitize(html, strlen(html));
	rc = *out ? 0 : HELPO_ENOMEM;
out:
	free(html);
	if (doc)
		cmark_node_free(doc);
	cmark_parser_free(parser);
	return rc;
}
