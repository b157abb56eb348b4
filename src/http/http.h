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
	/* response */
	int status;
	json_t *resp;          /* owned: serialized and freed by the server */
	char *raw;             /* owned: non-JSON body (freed by the server) */
	size_t raw_len;
	const char *content_type; /* for raw */
	struct buf headers;    /* extra "Name: value\n" lines */
};

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

/* Routing (router.c): finds the route, fills r->params. 0, HELPO_ENOTFOUND (no path), or
 * HELPO_EINVAL (path exists, method does not: 405). */
int router_match(struct http_req *r, const struct route **out);

/* Server lifecycle (server.c). http_serve blocks until SIGINT/SIGTERM, then stops accepting,
 * lets in-flight requests finish, and returns 0. */
int http_serve(const struct conf *conf, const char *db_path);

#endif
