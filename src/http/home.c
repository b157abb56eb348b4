/*
 * home.c — the two answers outside /api/v2: "/" (a small page telling a person where they
 * are, until the portal arrives) and "/healthz" (for load balancers and monitoring: 200 when
 * the database answers, 503 otherwise).
 */
#include "http/http.h"
#include "api/api.h"

static const char home_html[] =
	"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	"<title>Helpo</title></head><body>\n"
	"<h1>Helpo is running</h1>\n"
	"<p>This server answers the Zendesk-compatible REST API under <code>/api/v2</code>, "
	"for example <a href=\"/api/v2/tickets.json\">/api/v2/tickets.json</a> (sign in with "
	"the admin login that <code>make run</code> printed).</p>\n"
	"<p>The agent workspace and the customer portal are not part of this version yet. "
	"The API is described in <code>docs/api/openapi.yaml</code> in the source tree.</p>\n"
	"</body></html>\n";

static void home(struct http_req *r)
{
	r->raw = strdup(home_html);
	r->raw_len = r->raw ? strlen(r->raw) : 0;
	r->content_type = "text/html; charset=utf-8";
	r->status = r->raw ? 200 : 500;
}

static void healthz(struct http_req *r)
{
	int64_t one = 0;
	if (db_int(r->db, &one, "SELECT 1", "") || one != 1) {
		api_error(r, 503, "Unavailable", "The database does not answer");
		return;
	}
	api_reply(r, 200, json_pack("{s:s,s:s}", "status", "ok", "database", "ok"));
}

const struct route http_home_routes[] = {
	{"GET", "/", home, AUTH_NONE},
	{"GET", "/healthz", healthz, AUTH_NONE},
	{NULL, NULL, NULL, AUTH_NONE},
};
