/*
 * users.c — /api/v2/users (Zendesk's Users API) and the user lists hanging off organizations
 * and groups. Handlers only translate HTTP to desk_user_* calls; the rules live in
 * src/desk/user.c.
 */
#include "api/api.h"
#include "util/limits.h"
#include <microhttpd.h>

#define USER_URL "/api/v2/users/%lld.json"

static const char *const user_sorts[] = {"id", "created_at", "updated_at", NULL};

static void reply_user(struct http_req *r, int status, json_t *u)
{
	api_add_url(r, u, USER_URL);
	api_reply(r, status, json_pack("{s:o}", "user", u));
}

static void list_with(struct http_req *r, const struct desk_user_filter *f)
{
	struct desk_page p;
	struct desk_list l;
	int rc;
	if (api_page(r, &p, user_sorts))
		return;
	if ((rc = desk_user_list(r->db, &r->actor, f, &p, &l))) {
		api_desk_error(r, rc, NULL);
		return;
	}
	api_list_reply(r, "users", &l, &p, USER_URL);
	desk_list_release(&l);
}

/* Collects ?role=x and every ?role[]=y into "x,y" (the desk takes a comma-separated list). */
struct roles_ctx {
	struct buf *b;
	bool bad;
};

static enum MHD_Result add_role(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
	struct roles_ctx *c = cls;
	(void)kind;
	if (strcmp(key, "role") && strcmp(key, "role[]"))
		return MHD_YES;
	if (!value ||
	    (strcmp(value, "end-user") && strcmp(value, "agent") && strcmp(value, "admin"))) {
		c->bad = true;
		return MHD_NO;
	}
	if (c->b->len)
		buf_addc(c->b, ',');
	buf_adds(c->b, value);
	return MHD_YES;
}

static void users_list(struct http_req *r)
{
	struct desk_user_filter f = {0};
	struct buf roles = BUF_INIT(256);
	struct roles_ctx c = {&roles, false};
	if (r->conn)
		MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, add_role, &c);
	if (c.bad) {
		api_error(r, 400, "InvalidParameter", "role must be end-user, agent or admin");
		buf_release(&roles);
		return;
	}
	if (roles.len)
		f.role = roles.data;
	list_with(r, &f);
	buf_release(&roles);
}

static void users_of_org(struct http_req *r)
{
	struct desk_user_filter f = {.organization_id = r->params[0]};
	json_t *org;
	int rc = desk_org_get(r->db, &r->actor, r->params[0], &org);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	json_decref(org);
	list_with(r, &f);
}

static void users_of_group(struct http_req *r)
{
	struct desk_user_filter f = {.group_id = r->params[0]};
	json_t *g;
	int rc = desk_group_get(r->db, &r->actor, r->params[0], &g);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	json_decref(g);
	list_with(r, &f);
}

/* GET /users/search?query=text (name or e-mail contains, or external id), ?external_id=x
 * (exact) or ?email=x (exact). */
static void users_search(struct http_req *r)
{
	struct desk_user_filter f = {0};
	const char *q = http_query(r, "query"), *ext = http_query(r, "external_id"),
	           *email = http_query(r, "email");
	struct desk_page p;
	struct desk_list l;
	int rc;
	if ((!q || !*q) && (!ext || !*ext) && (!email || !*email)) {
		api_error(r, 400, "InvalidParameter", "query, external_id or email is required");
		return;
	}
	if ((q && strlen(q) > HELPO_MAX_QUERY_BYTES) ||
	    (ext && strlen(ext) > HELPO_MAX_QUERY_BYTES)) {
		api_error(r, 400, "InvalidParameter", "the query is too long");
		return;
	}
	if (q && *q) {
		/* "email:x" / "name:x" prefixes: the words after the colon are searched */
		const char *colon = strchr(q, ':');
		if (colon && (!strncmp(q, "email:", 6) || !strncmp(q, "name:", 5)))
			q = colon + 1;
		f.query = q;
	}
	if (email && *email)
		f.email = email;
	if (ext && *ext)
		f.external_id = ext;
	if (api_page(r, &p, user_sorts))
		return;
	if ((rc = desk_user_list(r->db, &r->actor, &f, &p, &l))) {
		api_desk_error(r, rc, NULL);
		return;
	}
	api_list_reply(r, "users", &l, &p, USER_URL);
	desk_list_release(&l);
}

static void users_show_many(struct http_req *r)
{
	int64_t ids[HELPO_MAX_SHOW_MANY];
	struct desk_user_filter f = {0};
	int n = api_ids(r, "ids", ids, HELPO_MAX_SHOW_MANY);
	if (n < 0)
		return;
	f.ids = ids;
	f.nids = n;
	list_with(r, &f);
}

static void users_me(struct http_req *r)
{
	json_t *u;
	int rc = desk_user_get(r->db, &r->actor, r->actor.id, &u);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	reply_user(r, 200, u);
}

static void users_show(struct http_req *r)
{
	json_t *u;
	int rc = desk_user_get(r->db, &r->actor, r->params[0], &u);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	reply_user(r, 200, u);
}

static void users_create(struct http_req *r)
{
	struct desk_err err = {0};
	json_t *in = api_body(r, "user"), *u = NULL;
	char loc[300];
	int rc;
	if (!in)
		return;
	rc = desk_user_create(r->db, &r->actor, in, &u, &err);
	json_decref(in);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	snprintf(loc, sizeof loc, "%s/api/v2/users/%lld.json", r->base_url,
	         (long long)json_integer_value(json_object_get(u, "id")));
	http_add_header(r, "Location", loc);
	reply_user(r, 201, u);
}

static void users_update(struct http_req *r)
{
	struct desk_err err = {0};
	json_t *in = api_body(r, "user"), *u = NULL;
	int rc;
	if (!in)
		return;
	rc = desk_user_update(r->db, &r->actor, r->params[0], in, &u, &err);
	json_decref(in);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	reply_user(r, 200, u);
}

/* Zendesk answers a delete with the (now inactive) user. */
static void users_delete(struct http_req *r)
{
	struct desk_err err = {0};
	json_t *u;
	int rc = desk_user_delete(r->db, &r->actor, r->params[0], &err);
	if (!rc)
		rc = desk_user_get(r->db, &r->actor, r->params[0], &u);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	reply_user(r, 200, u);
}

/* POST /users/:id/password {"password": "..."}: an admin sets a password (Zendesk's
 * "set a user's password"; changing one's own needs the old one and is not offered yet). */
static void users_set_password(struct http_req *r)
{
	struct desk_err err = {0};
	json_error_t e;
	json_t *doc =
	    r->body_len ? json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &e) : NULL;
	json_t *pw = json_object_get(doc, "password");
	int rc;
	if (!json_is_string(pw) || strlen(json_string_value(pw)) != json_string_length(pw)) {
		json_decref(doc);
		api_error(r, 400, "InvalidJSON", "Expected a JSON body {\"password\": \"...\"}");
		return;
	}
	rc = desk_user_set_password(r->db, &r->actor, r->params[0], json_string_value(pw), &err);
	json_decref(doc);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	api_reply(r, 200, json_object());
}

const struct route api_user_routes[] = {
    {"GET", "/api/v2/users", users_list, AUTH_STAFF},
    {"GET", "/api/v2/users/me", users_me, AUTH_USER},
    {"GET", "/api/v2/users/search", users_search, AUTH_STAFF},
    {"GET", "/api/v2/users/show_many", users_show_many, AUTH_STAFF},
    {"POST", "/api/v2/users", users_create, AUTH_STAFF},
    {"GET", "/api/v2/users/:id", users_show, AUTH_USER},
    {"PUT", "/api/v2/users/:id", users_update, AUTH_USER},
    {"DELETE", "/api/v2/users/:id", users_delete, AUTH_ADMIN},
    {"POST", "/api/v2/users/:id/password", users_set_password, AUTH_ADMIN},
    {"GET", "/api/v2/organizations/:id/users", users_of_org, AUTH_STAFF},
    {"GET", "/api/v2/groups/:id/users", users_of_group, AUTH_STAFF},
    {NULL, NULL, NULL, AUTH_NONE},
};
