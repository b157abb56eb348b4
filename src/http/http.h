/*
 * http.h — the HTTP door: one request struct that every handler gets, routes as data, and the
 * server lifecycle (libmicrohttpd, a thread pool; each worker thread owns one DB connection).
 *
 * A handler fills r->status and r->resp (a JSON body it hands over) through the api_* helpers
 * in api/api.h; it never writes to the socket. The server adds security headers, serializes
 * JSON, and logs one line per request (method, path, status, ms — never bodies or secrets).
 */
#ifndef HELPO_HTTP_H
#define HELPO_HTTP_H

#include "util/common.h"
#include "util/buf.h"
#include "util/conf.h"
#include "db/db.h"
#include "desk/desk.h"
#include <jansson.h>
#include <sys/types.h>

struct MHD_Connection;

enum http_auth {
	AUTH_NONE,  /* anyone (sign-in, health) */
	AUTH_USER,  /* any signed-in user, end-users included */
	AUTH_STAFF, /* agents and admins */
	AUTH_ADMIN, /* admins only */
};

#define HTTP_MAX_PARAMS 4

struct http_req {
	/* request */
	const char *method;
	const char *path;      /* decoded path, ".json" suffix removed */
	const char *body;      /* raw body (may contain NULs), body_len bytes */
	size_t body_len;
	int64_t params[HTTP_MAX_PARAMS]; /* ":id" path parameters, in order */
	int nparams;
	struct MHD_Connection *conn;
	const char *ip;        /* client address, for rate limits */
	char base_url[256];    /* e.g. "http://127.0.0.1:8080", from the Host header */
	/* context */
	struct db *db;         /* this worker thread's connection */
	const struct conf *conf;
	struct desk_actor actor;
	bool authed;
	bool via_session;      /* authenticated by cookie (CSRF applies) */
	char csrf[64];         /* the session's CSRF token when via_session (pages embed it in
				* forms and check the posted "csrf_token" field themselves) */
	/* response */
	int status;
	json_t *resp;          /* owned: serialized and freed by the server */
	char *raw;             /* owned: non-JSON body (freed by the server) */
	size_t raw_len;
	const char *content_type; /* for raw */
	const char *csp;       /* Content-Security-Policy; NULL = HTTP_CSP_API (sandbox) */
	const char *cache_control; /* NULL = "no-store" */
	struct buf headers;    /* extra "Name: value\n" lines */
	/* Streaming response (Server-Sent Events): a handler sets stream_fn instead of resp/raw.
	 * The server answers r->status (200) with content_type and hands stream_fn to MHD as the
	 * content reader (MHD_create_response_from_callback semantics: return bytes written,
	 * MHD_CONTENT_READER_END_OF_STREAM, or 0 only after suspending the connection r->conn,
	 * which the stream owner resumes when data is ready). stream_free(stream_cls) runs when
	 * the response is destroyed. The owner must not touch r after the handler returns. */
	ssize_t (*stream_fn)(void *cls, uint64_t pos, char *buf, size_t max);
	void (*stream_free)(void *cls);
	void *stream_cls;
};

/* Content-Security-Policy values. API answers (JSON, downloads) may never run anything; HTML
 * pages (portal, KB, agent app) run only our own scripts and styles, never inline code. */
#define HTTP_CSP_API "default-src 'none'; frame-ancestors 'none'; sandbox"
#define HTTP_CSP_PAGE                                                                      \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "  \
	"connect-src 'self'; font-src 'self'; media-src 'self'; frame-src 'self'; "        \
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

typedef void (*http_handler)(struct http_req *r);

struct route {
	const char *method;  /* "GET", "POST", "PUT", "PATCH", "DELETE" */
	const char *pattern; /* "/api/v2/tickets/:id/comments" */
	http_handler fn;
	enum http_auth auth;
};

/* Request helpers (server.c) */
const char *http_query(struct http_req *r, const char *name); /* query-string value or NULL */
const char *http_header(struct http_req *r, const char *name);
const char *http_cookie(struct http_req *r, const char *name);
void http_add_header(struct http_req *r, const char *name, const char *value);

/* Pages outside /api/v2 (the server tries them in this order for GET/HEAD/POST on any path
 * not under /api/): each returns true when it answered r (status + raw body), false when the
 * path is not its own. static.c serves the embedded web/ tree (/agent, /assets/, /widget.js);
 * portal/ serves the customer portal (/, /requests, /login, ...) and the knowledge base
 * (/hc/...). Authentication by session cookie has run (r->authed, r->actor, r->csrf); pages
 * check CSRF on their own forms. */
bool http_static_serve(struct http_req *r);
bool portal_serve(struct http_req *r);
bool kb_pages_serve(struct http_req *r);

/* Routing (router.c): finds the route, fills r->params. 0, HELPO_ENOTFOUND (no path), or
 * HELPO_EINVAL (path exists, method does not: 405). */
int router_match(struct http_req *r, const struct route **out);

/* Server lifecycle (server.c). http_serve blocks until SIGINT/SIGTERM, then stops accepting,
 * lets in-flight requests finish, and returns 0. */
int http_serve(const struct conf *conf, const char *db_path);

#endif
