/*
 * groups.c — /api/v2/groups (Zendesk's Groups API) and /api/v2/users/:id/groups. Handlers
 * only translate HTTP to desk_group_* calls; the rules live in src/desk/group.c.
 */
#include "api/api.h"

#define GROUP_URL "/api/v2/groups/%lld.json"

static const char *const group_sorts[] = {"id", "created_at", "updated_at", NULL};

static void reply_group(struct http_req *r, int status, json_t *g)
{
	api_add_url(r, g, GROUP_URL);
	api_reply(r, status, json_pack("{s:o}", "group", g));
}

static void list_for(struct http_req *r, int64_t user_id)
{
	struct desk_page p;
	struct desk_list l;
	int rc;
	if (api_page(r, &p, group_sorts))
		return;
	if ((rc = desk_group_list(r->db, &r->actor, user_id, &p, &l))) {
		api_desk_error(r, rc, NULL);
		return;
	}
	api_list_reply(r, "groups", &l, &p, GROUP_URL);
	desk_list_release(&l);
}

static void groups_list(struct http_req *r)
{
	list_for(r, 0);
}

/* Groups a ticket can be assigned to: every live group (all of them take tickets). */
static void groups_assignable(struct http_req *r)
{
	list_for(r, 0);
}

static void groups_of_user(struct http_req *r)
{
	list_for(r, r->params[0]);
}

static void groups_show(struct http_req *r)
{
	json_t *g;
	int rc = desk_group_get(r->db, &r->actor, r->params[0], &g);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	reply_group(r, 200, g);
}

static void groups_create(struct http_req *r)
{
	struct desk_err err = {0};
	json_t *in = api_body(r, "group"), *g = NULL;
	char loc[300];
	int rc;
	if (!in)
		return;
	rc = desk_group_create(r->db, &r->actor, in, &g, &err);
	json_decref(in);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	snprintf(loc, sizeof loc, "%s/api/v2/groups/%lld.json", r->base_url,
	         (long long)json_integer_value(json_object_get(g, "id")));
	http_add_header(r, "Location", loc);
	reply_group(r, 201, g);
}

static void groups_update(struct http_req *r)
{
	struct desk_err err = {0};
	json_t *in = api_body(r, "group"), *g = NULL;
	int rc;
	if (!in)
		return;
	rc = desk_group_update(r->db, &r->actor, r->params[0], in, &g, &err);
	json_decref(in);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	reply_group(r, 200, g);
}

static void groups_delete(struct http_req *r)
{
	struct desk_err err = {0};
	int rc = desk_group_delete(r->db, &r->actor, r->params[0], &err);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	r->status = 204;
}

const struct route api_group_routes[] = {
    {"GET", "/api/v2/groups", groups_list, AUTH_STAFF},
    {"GET", "/api/v2/groups/assignable", groups_assignable, AUTH_STAFF},
    {"POST", "/api/v2/groups", groups_create, AUTH_ADMIN},
    {"GET", "/api/v2/groups/:id", groups_show, AUTH_STAFF},
    {"PUT", "/api/v2/groups/:id", groups_update, AUTH_ADMIN},
    {"DELETE", "/api/v2/groups/:id", groups_delete, AUTH_ADMIN},
    {"GET", "/api/v2/users/:id/groups", groups_of_user, AUTH_STAFF},
    {NULL, NULL, NULL, AUTH_NONE},
};
