/*
 * memberships.c — /api/v2/group_memberships (Zendesk's Group Memberships API) and the
 * membership lists of a user or a group. Handlers only translate HTTP to desk_membership_*
 * calls; the rules live in src/desk/group.c.
 */
#include "api/api.h"

#define MEMBERSHIP_URL "/api/v2/group_memberships/%lld.json"

static const char *const membership_sorts[] = {"id", "created_at", "updated_at", NULL};

static void list_for(struct http_req *r, int64_t user_id, int64_t group_id)
{
	struct desk_page p;
	struct desk_list l;
	int rc;
	if (api_page(r, &p, membership_sorts))
		return;
	if ((rc = desk_membership_list(r->db, &r->actor, user_id, group_id, &p, &l))) {
		api_desk_error(r, rc, NULL);
		return;
	}
	api_list_reply(r, "group_memberships", &l, &p, MEMBERSHIP_URL);
	desk_list_release(&l);
}

static void memberships_list(struct http_req *r)
{
	list_for(r, 0, 0);
}

static void memberships_of_user(struct http_req *r)
{
	list_for(r, r->params[0], 0);
}

static void memberships_of_group(struct http_req *r)
{
	list_for(r, 0, r->params[0]);
}

static void memberships_show(struct http_req *r)
{
	json_t *m;
	int rc = desk_membership_get(r->db, &r->actor, r->params[0], &m);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	api_add_url(r, m, MEMBERSHIP_URL);
	api_reply(r, 200, json_pack("{s:o}", "group_membership", m));
}

static void memberships_create(struct http_req *r)
{
	struct desk_err err = {0};
	json_t *in = api_body(r, "group_membership"), *m = NULL;
	char loc[300];
	int rc;
	if (!in)
		return;
	rc = desk_membership_create(r->db, &r->actor, in, &m, &err);
	json_decref(in);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	snprintf(loc, sizeof loc, "%s/api/v2/group_memberships/%lld.json", r->base_url,
	         (long long)json_integer_value(json_object_get(m, "id")));
	http_add_header(r, "Location", loc);
	api_add_url(r, m, MEMBERSHIP_URL);
	api_reply(r, 201, json_pack("{s:o}", "group_membership", m));
}

static void memberships_delete(struct http_req *r)
{
	struct desk_err err = {0};
	int rc = desk_membership_delete(r->db, &r->actor, r->params[0], &err);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	r->status = 204;
}

const struct route api_membership_routes[] = {
    {"GET", "/api/v2/group_memberships", memberships_list, AUTH_STAFF},
    {"POST", "/api/v2/group_memberships", memberships_create, AUTH_ADMIN},
    {"GET", "/api/v2/group_memberships/:id", memberships_show, AUTH_STAFF},
    {"DELETE", "/api/v2/group_memberships/:id", memberships_delete, AUTH_ADMIN},
    {"GET", "/api/v2/users/:id/group_memberships", memberships_of_user, AUTH_STAFF},
    {"GET", "/api/v2/groups/:id/memberships", memberships_of_group, AUTH_STAFF},
    {NULL, NULL, NULL, AUTH_NONE},
};
