/*
 * views.c — /api/v2/views (Zendesk's Views API): list, show, create, update, delete, the
 * tickets of a view and their counts. Handlers only translate HTTP to desk_view_* calls; the
 * rules (visibility, conditions, authorization of every listed ticket) live in
 * src/desk/view.c.
 */
#include "api/api.h"
#include "desk/view.h"

#define VIEW_URL   "/api/v2/views/%lld.json"
#define TICKET_URL "/api/v2/tickets/%lld.json"

static const char *const view_sorts[] = {"position", "id", "created_at", "updated_at", NULL};
static const char *const ticket_sorts[] = {"id",     "created_at", "updated_at",
                                           "status", "priority",   NULL};

static void reply_view(struct http_req *r, int status, json_t *v)
{
	api_add_url(r, v, VIEW_URL);
	api_reply(r, status, json_pack("{s:o}", "view", v));
}

/* ?active=true|false and ?access=shared|personal; -1 after answering 400. */
static int read_filter(struct http_req *r, struct desk_vm_filter *f)
{
	const char *active = http_query(r, "active"), *access = http_query(r, "access");
	if (active && f->active < 0) {
		if (strcmp(active, "true") && strcmp(active, "false")) {
			api_error(r, 400, "InvalidParameter", "active must be true or false");
			return -1;
		}
		f->active = !strcmp(active, "true");
	}
	if (access && *access) {
		if (strcmp(access, "shared") && strcmp(access, "personal")) {
			api_error(r, 400, "InvalidParameter", "access must be shared or personal");
			return -1;
		}
		f->access = access;
	}
	return 0;
}

static void list_views(struct http_req *r, struct desk_vm_filter *f)
{
	struct desk_page p;
	struct desk_list l;
	int rc;
	if (api_page(r, &p, view_sorts) || read_filter(r, f))
		return;
	if ((rc = desk_view_list(r->db, &r->actor, f, &p, &l))) {
		api_desk_error(r, rc, NULL);
		return;
	}
	api_list_reply(r, "views", &l, &p, VIEW_URL);
	desk_list_release(&l);
}

static void views_list(struct http_req *r)
{
	struct desk_vm_filter f = {.active = -1};
	list_views(r, &f);
}

static void views_active(struct http_req *r)
{
	struct desk_vm_filter f = {.active = 1};
	list_views(r, &f);
}

static void views_show(struct http_req *r)
{
	json_t *v;
	int rc = desk_view_get(r->db, &r->actor, r->params[0], &v);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	reply_view(r, 200, v);
}

static void views_create(struct http_req *r)
{
	struct desk_err err = {0};
	json_t *in = api_body(r, "view"), *v = NULL;
	char loc[300];
	int rc;
	if (!in)
		return;
	rc = desk_view_create(r->db, &r->actor, in, &v, &err);
	json_decref(in);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	snprintf(loc, sizeof loc, "%s/api/v2/views/%lld.json", r->base_url,
	         (long long)json_integer_value(json_object_get(v, "id")));
	http_add_header(r, "Location", loc);
	reply_view(r, 201, v);
}

static void views_update(struct http_req *r)
{
	struct desk_err err = {0};
	json_t *in = api_body(r, "view"), *v = NULL;
	int rc;
	if (!in)
		return;
	rc = desk_view_update(r->db, &r->actor, r->params[0], in, &v, &err);
	json_decref(in);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	reply_view(r, 200, v);
}

static void views_delete(struct http_req *r)
{
	struct desk_err err = {0};
	int rc = desk_view_delete(r->db, &r->actor, r->params[0], &err);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	r->status = 204;
}

static void views_tickets(struct http_req *r)
{
	struct desk_page p;
	struct desk_list l;
	int rc;
	if (api_page(r, &p, ticket_sorts))
		return;
	/* no sort asked for: the view's own execution order */
	if (!http_query(r, "sort_by") && !http_query(r, "sort") && !http_query(r, "sort_order"))
		p.sort = NULL;
	if ((rc = desk_view_tickets(r->db, &r->actor, r->params[0], &p, &l))) {
		api_desk_error(r, rc, NULL);
		return;
	}
	api_list_reply(r, "tickets", &l, &p, TICKET_URL);
	desk_list_release(&l);
}

static json_t *count_record(struct http_req *r, int64_t id, int64_t n)
{
	char url[400], pretty[32];
	snprintf(url, sizeof url, "%s/api/v2/views/%lld/count.json", r->base_url, (long long)id);
	snprintf(pretty, sizeof pretty, "%lld", (long long)n);
	return json_pack("{s:I,s:s,s:I,s:s,s:b}", "view_id", (json_int_t)id, "url", url, "value",
	                 (json_int_t)n, "pretty", pretty, "fresh", 1);
}

static void views_count(struct http_req *r)
{
	int64_t n;
	int rc = desk_view_count(r->db, &r->actor, r->params[0], &n);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	api_reply(r, 200, json_pack("{s:o}", "view_count", count_record(r, r->params[0], n)));
}

/* Views not visible to the caller (or gone) are left out, as Zendesk does. */
static void views_count_many(struct http_req *r)
{
	int64_t ids[VIEW_MAX_COUNT_MANY], n;
	int k = api_ids(r, "ids", ids, VIEW_MAX_COUNT_MANY);
	json_t *arr;
	if (k < 0)
		return;
	arr = json_array();
	for (int i = 0; i < k; i++) {
		int rc = desk_view_count(r->db, &r->actor, ids[i], &n);
		if (rc == HELPO_ENOTFOUND)
			continue;
		if (rc) {
			json_decref(arr);
			api_desk_error(r, rc, NULL);
			return;
		}
		json_array_append_new(arr, count_record(r, ids[i], n));
	}
	api_reply(r, 200, json_pack("{s:o}", "view_counts", arr));
}

/* Literal paths before "/:id" (":id" only matches digits, so the order is for the reader). */
const struct route api_view_routes[] = {
    {"GET", "/api/v2/views", views_list, AUTH_STAFF},
    {"GET", "/api/v2/views/active", views_active, AUTH_STAFF},
    {"GET", "/api/v2/views/count_many", views_count_many, AUTH_STAFF},
    {"POST", "/api/v2/views", views_create, AUTH_STAFF},
    {"GET", "/api/v2/views/:id", views_show, AUTH_STAFF},
    {"PUT", "/api/v2/views/:id", views_update, AUTH_STAFF},
    {"DELETE", "/api/v2/views/:id", views_delete, AUTH_STAFF},
    {"GET", "/api/v2/views/:id/tickets", views_tickets, AUTH_STAFF},
    {"GET", "/api/v2/views/:id/count", views_count, AUTH_STAFF},
    {NULL, NULL, NULL, AUTH_NONE},
};
