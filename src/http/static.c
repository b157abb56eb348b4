/*
 * static.c — serves the web/ tree compiled into the binary (scripts/embed-web.py): the agent
 * app under /agent (web/agent/), portal and KB assets under /assets/ (web/portal/), the chat
 * widget at /widget.js (web/widget/widget.js), and the UI string catalogs the browser needs
 * at /agent/locale/LANG.json (from util/i18n; web/ itself holds no .json: the server cuts that
 * suffix off paths for the API's sake). Paths are looked up in the embedded table,
 * never on disk, so no request can reach another file. Answers carry an ETag (304 on
 * If-None-Match), "Cache-Control: no-cache" (revalidate: a new binary shows at once), a gzip
 * copy when the client accepts it, and the page CSP (HTTP_CSP_PAGE) for HTML.
 */
#include "http/http.h"
#include "util/i18n.h"
#include "util/crypto.h"
#include "web_files.h" /* generated: web_files[] */

static const struct web_file *find(const char *path)
{
	for (const struct web_file *f = web_files; f->path; f++)
		if (!strcmp(f->path, path))
			return f;
	return NULL;
}

static bool accepts_gzip(struct http_req *r)
{
	const char *ae = http_header(r, "Accept-Encoding");
	return ae && strstr(ae, "gzip") != NULL;
}

static bool answer(struct http_req *r, const char *type, const char *etag, const char *data,
		   size_t len, const char *gz, size_t gz_len)
{
	const char *inm = http_header(r, "If-None-Match");
	r->cache_control = "no-cache";
	r->csp = HTTP_CSP_PAGE;
	http_add_header(r, "ETag", etag);
	http_add_header(r, "Vary", "Accept-Encoding");
	if (inm && !strcmp(inm, etag)) {
		r->status = 304;
		return true;
	}
	if (gz && accepts_gzip(r)) {
		data = gz;
		len = gz_len;
		http_add_header(r, "Content-Encoding", "gzip");
	}
	r->raw = malloc(len ? len : 1);
	if (!r->raw) {
		r->status = 503;
		return true;
	}
	memcpy(r->raw, data, len);
	r->raw_len = len;
	r->content_type = type;
	r->status = 200;
	return true;
}

static bool serve_file(struct http_req *r, const char *rel)
{
	const struct web_file *f = find(rel);
	if (!f)
		return false;
	return answer(r, f->type, f->etag, f->data, f->len, f->gz, f->gz_len);
}

/* file: "LANG" (the server has already cut the ".json" suffix off the path) */
static bool serve_catalog(struct http_req *r, const char *file)
{
	char etag[CRYPTO_SHA256_HEX + 2];
	const char *lang = i18n_lang(file), *json;
	size_t len = 0;
	if (!lang || strcmp(lang, file))
		return false;
	json = i18n_catalog_json(lang, &len);
	if (!json)
		return false;
	etag[0] = '"';
	crypto_sha256_hex(json, len, etag + 1);
	etag[25] = '"';
	etag[26] = '\0';
	return answer(r, "application/json; charset=utf-8", etag, json, len, NULL, 0);
}

bool http_static_serve(struct http_req *r)
{
	char rel[512];
	const char *p = r->path;
	if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD"))
		return false;
	if (!strcmp(p, "/agent"))
		return serve_file(r, "agent/index.html");
	if (!strncmp(p, "/agent/locale/", 14))
		return serve_catalog(r, p + 14);
	if (!strncmp(p, "/agent/", 7))
		snprintf(rel, sizeof rel, "agent/%s", p + 7);
	else if (!strncmp(p, "/assets/", 8))
		snprintf(rel, sizeof rel, "portal/%s", p + 8);
	else if (!strcmp(p, "/widget.js"))
		snprintf(rel, sizeof rel, "widget/widget.js");
	else
		return false;
	if (strstr(rel, ".."))
		return false;
	return serve_file(r, rel);
}
