/*
 * requests.c — /api/v2/requests: the end-user's door to tickets (Zendesk's Requests API).
 * Handlers translate HTTP to desk_request_* (src/desk/request.c), where the rules live:
 * a customer may open a request, read it and its public comments, reply, and mark it solved.
 * Staff may use these endpoints too and see what they may see; internal notes never appear
 * here, for anyone. Anonymous requests are not supported yet: every route needs a user.
 *
 *   GET  /api/v2/requests[?status=open,pending]   GET /api/v2/requests/open|solved|ccd
 *   GET  /api/v2/requests/:id                     POST /api/v2/requests
 *   PUT  /api/v2/requests/:id                     GET  /api/v2/requests/:id/comments
 *
 * "open" lists unsolved requests (new, open, pending, hold); "solved" lists solved and closed
 * ones; "ccd" is empty until CCs exist.
 */
#include "api/api.h"

#define REQUEST_URL "/api/v2/requests/%lld.json"

static const char *const request_sorts[] = {"created_at", "updated_at", "id", NULL};

static void reply_request(struct http_req *r, int status, json_t *req)
{
	api_add_url(r, req, REQUEST_URL);
	api_reply(r, status, json_pack("{s:o}", "request", req));
}

static void list_status(struct http_req *r, const char *status)
{
	struct desk_page p;
	struct desk_list l;
	int rc;
	if (api_page(r, &p, request_sorts))
		return;
	rc = desk_request_list(r->db, &r->actor, status, &p, &l);
	if (rc == HELPO_EINVAL) {
		api_error(r, 400, "InvalidParameter",
			  "status must be a comma-separated list of new, open, pending, hold, "
			  "solved, closed");
		return;
	}
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	api_list_reply(r, "requests", &l, &p, REQUEST_URL);
	desk_list_release(&l);
}

static void requests_list(struct http_req *r)
{
	list_status(r, http_query(r, "status"));
}

static void requests_open(struct http_req *r)
{
	list_status(r, "new,open,pending,hold");
}

static void requests_solved(struct http_req *r)
{
	list_status(r, "solved,closed");
}

static void requests_ccd(struct http_req *r)
{
	struct desk_page p;
	struct desk_list l = {0};
	if (api_page(r, &p, request_sorts))
		return;
	l.rows = json_array();
	l.count = 0;
	api_list_reply(r, "requests", &l, &p, NULL);
	desk_list_release(&l);
}

static void requests_show(struct http_req *r)
{
	json_t *req;
	int rc = desk_request_get(r->db, &r->actor, r->params[0], &req);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	reply_request(r, 200, req);
}

static void requests_create(struct http_req *r)
{
	struct desk_err err = {{0}, {0}};
	json_t *in = api_body(r, "request"), *req;
	int rc;
	if (!in)
		return;
	rc = desk_request_create(r->db, &r->actor, in, &req, &err);
	json_decref(in);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	reply_request(r, 201, req);
}

static void requests_update(struct http_req *r)
{
	struct desk_err err = {{0}, {0}};
	json_t *in = api_body(r, "request"), *req;
	int rc;
	if (!in)
		return;
	rc = desk_request_update(r->db, &r->actor, r->params[0], in, &req, &err);
	json_decref(in);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	reply_request(r, 200, req);
}

/* Public comments only, in the shape of Zendesk's request comments. */
static void requests_comments(struct http_req *r)
{
	static const char *const comment_sorts[] = {"id", NULL};
	struct desk_page p;
	struct desk_list l;
	json_t *pub;
	size_t i;
	json_t *c;
	int rc;
	if (api_page(r, &p, comment_sorts))
		return;
	if ((rc = desk_comment_list(r->db, &r->actor, r->params[0], &p, &l))) {
		api_desk_error(r, rc, NULL);
		return;
	}
	pub = json_array();
	json_array_foreach(l.rows, i, c)
	{
		char url[96];
		if (!json_is_true(json_object_get(c, "public")))
			continue;
		json_object_set_new(c, "request_id", json_integer(r->params[0]));
		json_object_del(c, "audit_id");
		json_object_del(c, "metadata");
		snprintf(url, sizeof url, "/api/v2/requests/%lld/comments/%%lld.json",
			 (long long)r->params[0]);
		api_add_url(r, c, url);
		json_array_append(pub, c);
	}
	json_decref(l.rows);
	l.rows = pub;
	api_attachment_urls(r, l.rows);
	api_list_reply(r, "comments", &l, &p, NULL);
	desk_list_release(&l);
}

const struct route api_request_routes[] = {
	{"GET", "/api/v2/requests/open", requests_open, AUTH_USER},
	{"GET", "/api/v2/requests/solved", requests_solved, AUTH_USER},
	{"GET", "/api/v2/requests/ccd", requests_ccd, AUTH_USER},
	{"GET", "/api/v2/requests", requests_list, AUTH_USER},
	{"POST", "/api/v2/requests", requests_create, AUTH_USER},
	{"GET", "/api/v2/requests/:id", requests_show, AUTH_USER},
	{"PUT", "/api/v2/requests/:id", requests_update, AUTH_USER},
	{"GET", "/api/v2/requests/:id/comments", requests_comments, AUTH_USER},
	{NULL, NULL, NULL, AUTH_NONE},
};
