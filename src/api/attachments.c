/*
 * attachments.c — /api/v2/attachments/:id (Zendesk's attachment record) and
 * /api/v2/attachments/:id/content (the bytes). Visibility is desk_attachment_*'s: the ticket
 * must be visible and, for end-users, the comment public; anything else is 404.
 *
 * The bytes are always served as a download: Content-Type application/octet-stream (never the
 * stored type, which the sender chose), Content-Disposition: attachment with an ASCII
 * filename (CR, LF, quotes, backslashes, path separators and non-ASCII replaced) and an
 * RFC 5987 filename*, X-Content-Type-Options: nosniff and a sandboxing
 * Content-Security-Policy (both added to every response by the server).
 */
#include "api/api.h"

#define ATTACHMENT_URL "/api/v2/attachments/%lld.json"

/* Makes the record's URLs absolute. */
static void absolute_urls(struct http_req *r, json_t *a)
{
	char url[512];
	const char *content = json_string_value(json_object_get(a, "content_url"));
	api_add_url(r, a, ATTACHMENT_URL);
	if (content) {
		snprintf(url, sizeof url, "%s%s", r->base_url, content);
		json_object_set_new(a, "content_url", json_string(url));
		json_object_set_new(a, "mapped_content_url", json_string(url));
	}
}

static void attachments_show(struct http_req *r)
{
	json_t *a;
	int rc = desk_attachment_get(r->db, &r->actor, r->params[0], &a);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	absolute_urls(r, a);
	api_reply(r, 200, json_pack("{s:o}", "attachment", a));
}

/* Characters kept as they are in filename*= (RFC 5987 attr-char). */
static bool attr_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("!#$&+-.^_`|~", c);
}

/* Characters never allowed in a filename, in either form. */
static bool dropped(unsigned char c)
{
	return c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c == '/' || c == ';';
}

/* `attachment; filename="ascii"; filename*=UTF-8''pct` for a display name (untrusted). */
static void disposition(const char *name, struct buf *out)
{
	struct buf ascii = BUF_INIT(512), pct = BUF_INIT(2048);
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)name; *p && n < 255; p++, n++) {
		if (dropped(*p))
			continue;
		if (!ascii.len && *p == '.')
			continue; /* no hidden files, no ".." */
		buf_addc(&ascii, *p < 0x80 ? (char)*p : '_');
		if (attr_char(*p))
			buf_addc(&pct, (char)*p);
		else
			buf_addf(&pct, "%%%02X", *p);
	}
	if (!ascii.len)
		buf_adds(&ascii, "attachment");
	buf_addf(out, "attachment; filename=\"%s\"", ascii.data);
	if (pct.len)
		buf_addf(out, "; filename*=UTF-8''%s", pct.data);
	buf_release(&ascii);
	buf_release(&pct);
}

static void attachments_content(struct http_req *r)
{
	void *data;
	size_t size;
	char *type, *name;
	struct buf disp = BUF_INIT(4096);
	int rc = desk_attachment_data(r->db, &r->actor, r->params[0], &data, &size, &type, &name);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	disposition(name, &disp);
	http_add_header(r, "Content-Disposition", disp.data);
	buf_release(&disp);
	free(type); /* shown in the record, never used to render */
	free(name);
	r->status = 200;
	r->raw = data;
	r->raw_len = size;
	r->content_type = "application/octet-stream";
}

/* POST /api/v2/uploads?filename=NAME with the file as the raw body (Zendesk's shape). */
static void uploads_create(struct http_req *r)
{
	struct desk_err err = {0};
	const char *name = http_query(r, "filename");
	const char *type = http_header(r, "Content-Type");
	json_t *up;
	int rc = desk_upload_create(r->db, &r->actor, name, type, r->body, r->body_len, &up, &err);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	absolute_urls(r, json_object_get(up, "attachment"));
	api_reply(r, 201, json_pack("{s:o}", "upload", up));
}

const struct route api_attachment_routes[] = {
	{"POST", "/api/v2/uploads", uploads_create, AUTH_USER},
	{"GET", "/api/v2/attachments/:id", attachments_show, AUTH_USER},
	{"GET", "/api/v2/attachments/:id/content", attachments_content, AUTH_USER},
	{NULL, NULL, NULL, AUTH_NONE},
};
