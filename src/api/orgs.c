/*
 * orgs.c — /api/v2/organizations (Zendesk's Organizations API). Handlers only translate HTTP
 * to desk_org_* calls; the rules live in src/desk/org.c.
 */
#include "api/api.h"

#define ORG_URL "/api/v2/organizations/%lld.json"

static const char *const org_sorts[] = {"id", "created_at", "updated_at", NULL};

static void reply_org(struct http_req *r, int status, json_t *o)
{
	api_add_url(r, o, ORG_URL);
	api_reply(r, status, json_pack("{s:o}", "organization", o));
}

static void orgs_list(struct http_req *r)
{
	struct desk_page p;
	struct desk_list l;
	int rc;
	if (api_page(r, &p, org_sorts))
		return;
	if ((rc = desk_org_list(r->db, &r->actor, &p, &l))) {
		api_desk_error(r, rc, NULL);
		return;
	}
	api_list_reply(r, "organizations", &l, &p, ORG_URL);
	desk_list_release(&l);
}

static void orgs_show(struct http_req *r)
{
	json_t *o;
	int rc = desk_org_get(r->db, &r->actor, r->params[0], &o);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	reply_org(r, 200, o);
}

static void orgs_create(struct http_req *r)
{
	struct desk_err err = {0};
	json_t *in = api_body(r, "organization"), *o = NULL;
	char loc[300];
	int rc;
	if (!in)
		return;
	rc = desk_org_create(r->db, &r->actor, in, &o, &err);
	json_decref(in);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	snprintf(loc, sizeof loc, "%s/api/v2/organizations/%lld.json", r->base_url,
	         (long long)json_integer_value(json_object_get(o, "id")));
	http_add_header(r, "Location", loc);
	reply_org(r, 201, o);
}

static void orgs_update(struct http_req *r)
{
	struct desk_err err = {0};
	json_t *in = api_body(r, "organization"), *o = NULL;
	int rc;
	if (!in)
		return;
	rc = desk_org_update(r->db, &r->actor, r->params[0], in, &o, &err);
	json_decref(in);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	reply_org(r, 200, o);
}

static void orgs_delete(struct http_req *r)
{
	struct desk_err err = {0};
	int rc = desk_org_delete(r->db, &r->actor, r->params[0], &err);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	r->status = 204;
}

const struct route api_org_routes[] = {
    {"GET", "/api/v2/organizations", orgs_list, AUTH_USER},
    {"POST", "/api/v2/organizations", orgs_create, AUTH_ADMIN},
    {"GET", "/api/v2/organizations/:id", orgs_show, AUTH_USER},
    {"PUT", "/api/v2/organizations/:id", orgs_update, AUTH_ADMIN},
    {"DELETE", "/api/v2/organizations/:id", orgs_delete, AUTH_ADMIN},
    {NULL, NULL, NULL, AUTH_NONE},
};
