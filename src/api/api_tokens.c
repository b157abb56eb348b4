/*
 * api_tokens.c — /api/v2/api_tokens: list, show, create (the secret answered once), revoke.
 * Admins only. Handlers translate HTTP to desk_api_token_* (src/desk/api_token.c).
 */
#include "api/api.h"
#include "desk/api_token.h"

#define TOKEN_URL "/api/v2/api_tokens/%lld.json"

static const char *const token_sorts[] = {"id", "created_at", NULL};

static void tokens_list(struct http_req *r)
{
	struct desk_page p;
	struct desk_list l;
	int rc;
	if (api_page(r, &p, token_sorts))
		return;
	if ((rc = desk_api_token_list(r->db, &r->actor, &p, &l))) {
		api_desk_error(r, rc, NULL);
		return;
	}
	api_list_reply(r, "api_tokens", &l, &p, TOKEN_URL);
	desk_list_release(&l);
}

static void tokens_show(struct http_req *r)
{
	json_t *t;
	int rc = desk_api_token_get(r->db, &r->actor, r->params[0], &t);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	api_add_url(r, t, TOKEN_URL);
	api_reply(r, 200, json_pack("{s:o}", "api_token", t));
}

static void tokens_create(struct http_req *r)
{
	struct desk_err err = {0};
	json_t *in = api_body(r, "api_token"), *t = NULL;
	char loc[300];
	int rc;
	if (!in)
		return;
	rc = desk_api_token_create(r->db, &r->actor, in, &t, &err);
	json_decref(in);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	snprintf(loc, sizeof loc, "%s" TOKEN_URL, r->base_url,
	         (long long)json_integer_value(json_object_get(t, "id")));
	http_add_header(r, "Location", loc);
	api_add_url(r, t, TOKEN_URL);
	api_reply(r, 201, json_pack("{s:o}", "api_token", t));
}

static void tokens_delete(struct http_req *r)
{
	struct desk_err err = {0};
	int rc = desk_api_token_delete(r->db, &r->actor, r->params[0], &err);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	r->status = 204;
}

const struct route api_token_routes[] = {
    {"GET", "/api/v2/api_tokens", tokens_list, AUTH_ADMIN},
    {"POST", "/api/v2/api_tokens", tokens_create, AUTH_ADMIN},
    {"GET", "/api/v2/api_tokens/:id", tokens_show, AUTH_ADMIN},
    {"DELETE", "/api/v2/api_tokens/:id", tokens_delete, AUTH_ADMIN},
    {NULL, NULL, NULL, AUTH_NONE},
};
