/*
 * sanitize.c — see sanitize.h. gumbo parses; this file walks the tree and writes only what
 * the allowlists below permit.
 */
#include "util/sanitize.h"
#include "util/buf.h"
#include "util/html.h"
#include "util/limits.h"
#include <ctype.h>
#include <gumbo.h>
#include <strings.h>

enum action { DROP, UNWRAP, KEEP };

/* Elements removed with everything inside them. */
static bool dropped(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_HEAD: case GUMBO_TAG_TITLE:
	case GUMBO_TAG_IFRAME: case GUMBO_TAG_FRAME: case GUMBO_TAG_FRAMESET:
	case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED: case GUMBO_TAG_APPLET: case GUMBO_TAG_PARAM:
	case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_NOFRAMES: case GUMBO_TAG_TEMPLATE:
	case GUMBO_TAG_SVG: case GUMBO_TAG_MATH: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_SELECT:
	case GUMBO_TAG_OPTION: case GUMBO_TAG_BUTTON: case GUMBO_TAG_INPUT: case GUMBO_TAG_BASE:
	case GUMBO_TAG_META: case GUMBO_TAG_LINK: case GUMBO_TAG_AUDIO: case GUMBO_TAG_VIDEO:
	case GUMBO_TAG_SOURCE: case GUMBO_TAG_TRACK: case GUMBO_TAG_CANVAS: case GUMBO_TAG_MAP:
	case GUMBO_TAG_AREA: case GUMBO_TAG_KEYGEN: case GUMBO_TAG_XMP: case GUMBO_TAG_PLAINTEXT:
	case GUMBO_TAG_DATALIST: case GUMBO_TAG_OPTGROUP: case GUMBO_TAG_MENUITEM:
		return true;
	default:
		return false;
	}
}

static bool kept(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_P: case GUMBO_TAG_BR: case GUMBO_TAG_DIV: case GUMBO_TAG_SPAN:
	case GUMBO_TAG_B: case GUMBO_TAG_STRONG: case GUMBO_TAG_I: case GUMBO_TAG_EM:
	case GUMBO_TAG_U: case GUMBO_TAG_S: case GUMBO_TAG_STRIKE: case GUMBO_TAG_DEL:
	case GUMBO_TAG_INS: case GUMBO_TAG_SUB: case GUMBO_TAG_SUP: case GUMBO_TAG_SMALL:
	case GUMBO_TAG_BIG: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_PRE: case GUMBO_TAG_CODE:
	case GUMBO_TAG_KBD: case GUMBO_TAG_SAMP: case GUMBO_TAG_TT: case GUMBO_TAG_Q:
	case GUMBO_TAG_CITE: case GUMBO_TAG_ABBR: case GUMBO_TAG_MARK:
	case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_LI: case GUMBO_TAG_DL:
	case GUMBO_TAG_DT: case GUMBO_TAG_DD: case GUMBO_TAG_H1: case GUMBO_TAG_H2:
	case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
	case GUMBO_TAG_HR: case GUMBO_TAG_A: case GUMBO_TAG_IMG: case GUMBO_TAG_TABLE:
	case GUMBO_TAG_THEAD: case GUMBO_TAG_TBODY: case GUMBO_TAG_TFOOT: case GUMBO_TAG_TR:
	case GUMBO_TAG_TH: case GUMBO_TAG_TD: case GUMBO_TAG_CAPTION: case GUMBO_TAG_CENTER:
	case GUMBO_TAG_FONT:
		return true;
	default:
		return false;
	}
}

static bool is_void(GumboTag t)
{
	return t == GUMBO_TAG_BR || t == GUMBO_TAG_HR || t == GUMBO_TAG_IMG;
}

/* Attribute names kept (besides href/src/style, which get their own checks). */
static bool attr_ok(GumboTag t, const char *name)
{
	static const char *const global[] = {"title", "dir", "lang", "align", "valign", NULL};
	for (const char *const *g = global; *g; g++)
		if (!strcmp(*g, name))
			return true;
	switch (t) {
	case GUMBO_TAG_TD: case GUMBO_TAG_TH:
		return !strcmp(name, "colspan") || !strcmp(name, "rowspan") ||
		       !strcmp(name, "width") || !strcmp(name, "height") ||
		       !strcmp(name, "bgcolor");
	case GUMBO_TAG_TABLE:
		return !strcmp(name, "width") || !strcmp(name, "border") ||
		       !strcmp(name, "cellpadding") || !strcmp(name, "cellspacing") ||
		       !strcmp(name, "bgcolor");
	case GUMBO_TAG_IMG:
		return !strcmp(name, "alt") || !strcmp(name, "width") || !strcmp(name, "height");
	case GUMBO_TAG_OL:
		return !strcmp(name, "start") || !strcmp(name, "type");
	case GUMBO_TAG_FONT:
		return !strcmp(name, "color") || !strcmp(name, "size") || !strcmp(name, "face");
	default:
		return false;
	}
}

/* Values of plain attributes: printable, no markup or script-ish characters. */
static bool value_ok(const char *v)
{
	size_t n = strlen(v);
	if (n > 200)
		return false;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < ' ' || *p == '<' || *p == '>' || *p == '"' || *p == '`' || *p == '\\')
			return false;
	return true;
}

/* An URL with an allowed scheme: http, https, mailto (links) or cid (inline images). Control
 * characters and spaces anywhere make it invalid (browsers strip them: "java\tscript:"). */
static bool url_ok(const char *u, bool image)
{
	size_t n = strlen(u);
	if (!n || n > 2048)
		return false;
	for (const unsigned char *p = (const unsigned char *)u; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '"' || *p == '<' || *p == '>' || *p == '`' ||
		    *p == '\\')
			return false;
	if (image)
		return !strncasecmp(u, "cid:", 4);
	return !strncasecmp(u, "http://", 7) || !strncasecmp(u, "https://", 8) ||
	       !strncasecmp(u, "mailto:", 7);
}

static bool css_prop_ok(const char *p)
{
	static const char *const props[] = {
		"color", "background-color", "font-weight", "font-style", "font-size",
		"font-family", "text-decoration", "text-align", "vertical-align", "white-space",
		"margin", "margin-left", "margin-right", "margin-top", "margin-bottom", "padding",
		"padding-left", "padding-right", "padding-top", "padding-bottom", "border",
		"border-left", "border-right", "border-top", "border-bottom", "border-color",
		"border-style", "border-width", "border-collapse", "width", "height", "max-width",
		"list-style-type", "line-height", "text-indent", NULL};
	for (const char *const *a = props; *a; a++)
		if (!strcmp(*a, p))
			return true;
	return false;
}

/* CSS values: letters, digits, spaces, # % . , - only (so no url(), expression(), quotes,
 * escapes, comments or at-rules), or one rgb()/rgba() of numbers. */
static bool css_value_ok(const char *v)
{
	const char *p = v;
	if (!strncasecmp(p, "rgb(", 4) || !strncasecmp(p, "rgba(", 5)) {
		p = strchr(p, '(') + 1;
		while (*p && (isdigit((unsigned char)*p) || strchr(" ,.%", *p)))
			p++;
		return *p == ')' && p[1] == '\0';
	}
	if (!*p)
		return false;
	for (; *p; p++)
		if (!(isalnum((unsigned char)*p) || strchr(" #%.,-", *p)))
			return false;
	return true;
}

static char *trim(char *s)
{
	char *e;
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Filters a style attribute into "prop: value; prop: value" (lower-cased names). */
static void style_filter(const char *in, struct buf *out)
{
	char *copy = strdup(in), *decl, *save = NULL;
	if (!copy)
		return;
	for (decl = strtok_r(copy, ";", &save); decl; decl = strtok_r(NULL, ";", &save)) {
		char *colon = strchr(decl, ':'), *name, *val;
		if (!colon)
			continue;
		*colon = '\0';
		name = trim(decl);
		val = trim(colon + 1);
		for (char *q = name; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		if (!css_prop_ok(name) || !css_value_ok(val) || strlen(val) > 100)
			continue;
		buf_addf(out, "%s%s: %s", out->len ? "; " : "", name, val);
	}
	free(copy);
}

static void attr(struct buf *b, const char *name, const char *value)
{
	buf_addf(b, " %s=\"", name);
	html_escape(b, value);
	buf_addc(b, '"');
}

static void walk(const GumboNode *n, struct buf *b, int depth);

static void children(const GumboVector *v, struct buf *b, int depth)
{
	for (unsigned i = 0; i < v->length; i++)
		walk(v->data[i], b, depth);
}

static void element(const GumboNode *n, struct buf *b, int depth)
{
	const GumboElement *e = &n->v.element;
	GumboTag t = e->tag;
	const char *tag;
	struct buf style = BUF_INIT(1024);
	if (dropped(t))
		return;
	if (!kept(t) || depth > HTML_MAX_DEPTH) {
		children(&e->children, b, depth + 1); /* unwrap: keep the content */
		return;
	}
	if (t == GUMBO_TAG_IMG) { /* only inline (cid:) images; remote ones are blocked */
		GumboAttribute *src = gumbo_get_attribute(&e->attributes, "src");
		if (!src || !url_ok(src->value, true))
			return;
	}
	tag = gumbo_normalized_tagname(t);
	buf_addf(b, "<%s", tag);
	for (unsigned i = 0; i < e->attributes.length; i++) {
		const GumboAttribute *a = e->attributes.data[i];
		if (!strcmp(a->name, "style"))
			style_filter(a->value, &style);
		else if (!strcmp(a->name, "href") && t == GUMBO_TAG_A) {
			if (url_ok(a->value, false))
				attr(b, "href", a->value);
		} else if (!strcmp(a->name, "src") && t == GUMBO_TAG_IMG)
			attr(b, "src", a->value);
		else if (attr_ok(t, a->name) && value_ok(a->value))
			attr(b, a->name, a->value);
	}
	if (style.len)
		attr(b, "style", style.data);
	buf_release(&style);
	if (t == GUMBO_TAG_A) {
		attr(b, "rel", "noopener noreferrer nofollow");
		attr(b, "target", "_blank");
	}
	buf_addc(b, '>');
	if (is_void(t))
		return;
	if (t == GUMBO_TAG_PRE && e->children.length) {
		/* the parser drops one newline right after <pre>: keep a leading one */
		const GumboNode *first = e->children.data[0];
		if ((first->type == GUMBO_NODE_TEXT || first->type == GUMBO_NODE_WHITESPACE) &&
		    first->v.text.text[0] == '\n')
			buf_addc(b, '\n');
	}
	children(&e->children, b, depth + 1);
	buf_addf(b, "</%s>", tag);
}

static void walk(const GumboNode *n, struct buf *b, int depth)
{
	switch (n->type) {
	case GUMBO_NODE_TEXT:
	case GUMBO_NODE_WHITESPACE:
	case GUMBO_NODE_CDATA:
		html_escape(b, n->v.text.text);
		return;
	case GUMBO_NODE_ELEMENT:
	case GUMBO_NODE_TEMPLATE:
		element(n, b, depth);
		return;
	case GUMBO_NODE_DOCUMENT:
		children(&n->v.document.children, b, depth);
		return;
	default: /* comments */
		return;
	}
}

/* The <body> element of a parsed document (gumbo always makes one). */
static const GumboNode *body_of(const GumboNode *root)
{
	const GumboVector *c = &root->v.element.children;
	for (unsigned i = 0; i < c->length; i++) {
		const GumboNode *k = c->data[i];
		if (k->type == GUMBO_NODE_ELEMENT && k->v.element.tag == GUMBO_TAG_BODY)
			return k;
	}
	return NULL;
}

/*
 * Normalizes text the way the HTML parser would read it: CR LF and lone CR become LF; NUL,
 * control characters (C0 except TAB, LF, FF; DEL and C1), noncharacters and invalid UTF-8
 * become U+FFFD. out must hold 3 * len bytes. Returns the length written.
 */
static size_t gumbo_like_text(const char *in, size_t len, char *out)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, n = 0;
	while (i < len) {
		unsigned c = s[i], cp;
		size_t k, need;
		if (c == '\r') {
			out[n++] = '\n';
			i += (i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
			continue;
		}
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\f') || c == 0x7f)
				goto bad1;
			out[n++] = (char)c;
			i++;
			continue;
		}
		need = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 ? 1 : 0;
		if (!need || c > 0xf4 || i + need >= len)
			goto bad1;
		cp = c & (0x3f >> need);
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				goto bad1;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0x80 && cp <= 0x9f) || (cp >= 0xfdd0 && cp <= 0xfdef) ||
		    (cp & 0xfffe) == 0xfffe)
			goto bad1;
		memcpy(out + n, s + i, need + 1);
		n += need + 1;
		i += need + 1;
		continue;
bad1:
		memcpy(out + n, "\xef\xbf\xbd", 3);
		n += 3;
		i++;
	}
	return n;
}

/* Leading whitespace is dropped, as the parser drops it before the first content (text that
 * was inside an unwrapped element can come first). */
static char *finish(struct buf *b)
{
	size_t n = strspn(b->data, " \t\n\f");
	if (n) {
		memmove(b->data, b->data + n, b->len - n + 1);
		b->len -= n;
	}
	return buf_detach(b, NULL);
}

/* One pass: parse, walk, serialize. Not always a fixpoint on its own: HTML5 tree
 * construction can turn a serialized tree into a different tree (mis-nested formatting
 * elements, the "mXSS" family), so html_sanitize repeats it until the output is stable. */
static char *sanitize_once(const char *html, size_t len, bool as_text)
{
	struct buf b = BUF_INIT((size_t)HELPO_MAX_COMMENT_BYTES * 8);
	size_t tags = 0;
	GumboOptions opt = kGumboDefaultOptions;
	GumboOutput *out;
	const GumboNode *body;
	for (size_t i = 0; i < len; i++)
		tags += html[i] == '<';
	if (as_text || tags > HTML_MAX_TAGS || memchr(html, '\0', len)) {
		/* not parsed: shown as escaped text, nothing lost */
		char *copy = malloc(len * 3 + 1);
		if (!copy)
			return NULL;
		size_t n = 0;
		/* the parser's own text rules, so that a second pass changes nothing */
		n = gumbo_like_text(html, len, copy);
		copy[n] = '\0';
		html_escape(&b, copy);
		free(copy);
		return finish(&b);
	}
	opt.max_errors = 100;
	out = gumbo_parse_with_options(&opt, html, len);
	if (!out)
		return NULL;
	body = body_of(out->root);
	if (body)
		children(&body->v.element.children, &b, 0);
	gumbo_destroy_output(&opt, out);
	return finish(&b);
}

char *html_sanitize(const char *html, size_t len)
{
	char *cur = sanitize_once(html, len, false), *next;
	for (int i = 0; cur && i < 4; i++) {
		next = sanitize_once(cur, strlen(cur), false);
		if (!next || !strcmp(next, cur)) {
			free(next);
			return cur; /* a fixpoint: sanitizing it again changes nothing */
		}
		free(cur);
		cur = next;
	}
	if (!cur)
		return NULL;
	/* no fixpoint in a few passes (hostile nesting): keep the text, drop the markup */
	next = html_to_text(cur, strlen(cur));
	free(cur);
	if (!next)
		return NULL;
	cur = sanitize_once(next, strlen(next), true);
	free(next);
	return cur;
}
