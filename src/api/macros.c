/*
 * macros.c — /api/v2/macros (Zendesk's Macros API): list, active, search, show, create,
 * update, delete, and applying a macro (to nothing, or to a ticket with
 * /api/v2/tickets/:id/macros/:id/apply), which only computes the result. Handlers only
 * translate HTTP to desk_macro_* calls; the rules live in src/desk/macro.c.
 */
#include "api/api.h"
#include "desk/view.h"

#define MACRO_URL "/api/v2/macros/%lld.json"

static const char *const macro_sorts[] = {"position", "id", "created_at", "updated_at", NULL};

static void reply_macro(struct http_req *r, int status, json_t *m)
{
	api_add_url(r, m, MACRO_URL);
	api_reply(r, status, json_pack("{s:o}", "macro", m));
}

static void list_macros(struct http_req *r, struct desk_vm_filter *f)
{
	const char *active = http_query(r, "active"), *access = http_query(r, "access");
	struct desk_err err = {0};
	struct desk_page p;
	struct desk_list l;
	int rc;
	if (api_page(r, &p, macro_sorts))
		return;
	if (active && f->active < 0) {
		if (strcmp(active, "true") && strcmp(active, "false")) {
			api_error(r, 400, "InvalidParameter", "active must be true or false");
			return;
		}
		f->active = !strcmp(active, "true");
	}
	if (access && *access) {
		if (strcmp(access, "shared") && strcmp(access, "personal")) {
			api_error(r, 400, "InvalidParameter", "access must be shared or personal");
			return;
		}
		f->access = access;
	}
	if ((rc = desk_macro_list(r->db, &r->actor, f, &p, &l, &err))) {
		api_desk_error(r, rc, &err);
		return;
	}
	api_list_reply(r, "macros", &l, &p, MACRO_URL);
	desk_list_release(&l);
}

static void macros_list(struct http_req *r)
{
	struct desk_vm_filter f = {.active = -1};
	list_macros(r, &f);
}

static void macros_active(struct http_req *r)
{
	struct desk_vm_filter f = {.active = 1};
	list_macros(r, &f);
}

static void macros_search(struct http_req *r)
{
	struct desk_vm_filter f = {.active = -1, .query = http_query(r, "query")};
	if (!f.query || !f.query[strspn(f.query, " \t")]) {
		api_error(r, 400, "InvalidParameter", "query is required");
		return;
	}
	list_macros(r, &f);
}

static void macros_show(struct http_req *r)
{
	json_t *m;
	int rc = desk_macro_get(r->db, &r->actor, r->params[0], &m);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	reply_macro(r, 200, m);
}

static void macros_create(struct http_req *r)
{
	struct desk_err err = {0};
	json_t *in = api_body(r, "macro"), *m = NULL;
	char loc[300];
	int rc;
	if (!in)
		return;
	rc = desk_macro_create(r->db, &r->actor, in, &m, &err);
	json_decref(in);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	snprintf(loc, sizeof loc, "%s/api/v2/macros/%lld.json", r->base_url,
	         (long long)json_integer_value(json_object_get(m, "id")));
	http_add_header(r, "Location", loc);
	reply_macro(r, 201, m);
}

static void macros_update(struct http_req *r)
{
	struct desk_err err = {0};
	json_t *in = api_body(r, "macro"), *m = NULL;
	int rc;
	if (!in)
		return;
	rc = desk_macro_update(r->db, &r->actor, r->params[0], in, &m, &err);
	json_decref(in);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	reply_macro(r, 200, m);
}

static void macros_delete(struct http_req *r)
{
	struct desk_err err = {0};
	int rc = desk_macro_delete(r->db, &r->actor, r->params[0], &err);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	r->status = 204;
}

static void apply(struct http_req *r, int64_t macro_id, int64_t ticket_id)
{
	json_t *res;
	int rc = desk_macro_apply(r->db, &r->actor, macro_id, ticket_id, &res);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	api_reply(r, 200, json_pack("{s:o}", "result", res));
}

static void macros_apply(struct http_req *r)
{
	apply(r, r->params[0], 0);
}

static void ticket_macro_apply(struct http_req *r)
{
	apply(r, r->params[1], r->params[0]);
}

/* Literal paths before "/:id" (":id" only matches digits, so the order is for the reader). */
const struct route api_macro_routes[] = {
    {"GET", "/api/v2/macros", macros_list, AUTH_STAFF},
    {"GET", "/api/v2/macros/active", macros_active, AUTH_STAFF},
    {"GET", "/api/v2/macros/search", macros_search, AUTH_STAFF},
    {"POST", "/api/v2/macros", macros_create, AUTH_STAFF},
    {"GET", "/api/v2/macros/:id", macros_show, AUTH_STAFF},
    {"PUT", "/api/v2/macros/:id", macros_update, AUTH_STAFF},
    {"DELETE", "/api/v2/macros/:id", macros_delete, AUTH_STAFF},
    {"GET", "/api/v2/macros/:id/apply", macros_apply, AUTH_STAFF},
    {"GET", "/api/v2/tickets/:tid/macros/:id/apply", ticket_macro_apply, AUTH_STAFF},
    {NULL, NULL, NULL, AUTH_NONE},
};
