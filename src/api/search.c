/*
 * search.c — /api/v2/search and /api/v2/search/count (Zendesk's search API). The query
 * syntax, its limits and the authorization of results live in src/desk/search.c; this file
 * maps HTTP to desk_search and shapes the answer:
 *   {"results": [...], "facets": null, "next_page": url|null, "previous_page": url|null,
 *    "count": N}
 * Each result carries "result_type" ("ticket", "user", "organization") and its "url".
 * next_page / previous_page keep the query (and any sort parameters) of the request.
 * Zendesk's default order is relevance; Helpo's is created_at descending (sort_by and
 * sort_order, or order_by:/sort: inside the query, change it).
 */
#include "api/api.h"
#include "util/limits.h"

static const char *const search_sorts[] = {"created_at", "updated_at", "priority", "status",
					   "ticket_type", NULL};

static void add_urls(struct http_req *r, json_t *rows)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		const char *type = json_string_value(json_object_get(row, "result_type"));
		const char *fmt = "/api/v2/tickets/%lld.json";
		if (type && !strcmp(type, "user"))
			fmt = "/api/v2/users/%lld.json";
		else if (type && !strcmp(type, "organization"))
			fmt = "/api/v2/organizations/%lld.json";
		api_add_url(r, row, fmt);
	}
}

/* Paging and sort for a search: newest first unless the client asks otherwise. */
static int search_page(struct http_req *r, struct desk_page *p)
{
	if (api_page(r, p, search_sorts))
		return -1;
	if (!http_query(r, "sort_order") && !http_query(r, "sort"))
		p->desc = true;
	return 0;
}

static void search(struct http_req *r)
{
	struct desk_page p;
	struct desk_list l;
	struct desk_err err = {{0}, {0}};
	int rc;
	if (search_page(r, &p))
		return;
	if ((rc = desk_search(r->db, &r->actor, http_query(r, "query"), &p, &l, &err))) {
		api_desk_error(r, rc, &err);
		return;
	}
	add_urls(r, l.rows);
	api_list_reply(r, "results", &l, &p, NULL);
	if (r->status == 200 && json_is_object(r->resp))
		json_object_set_new(r->resp, "facets", json_null());
	desk_list_release(&l);
}

static void search_count(struct http_req *r)
{
	struct desk_page p = {.size = 1, .page = 1, .desc = true};
	struct desk_list l;
	struct desk_err err = {{0}, {0}};
	int rc = desk_search(r->db, &r->actor, http_query(r, "query"), &p, &l, &err);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	api_reply(r, 200, json_pack("{s:I}", "count", (json_int_t)(l.count > 0 ? l.count : 0)));
	desk_list_release(&l);
}

const struct route api_search_routes[] = {
	{"GET", "/api/v2/search/count", search_count, AUTH_USER},
	{"GET", "/api/v2/search", search, AUTH_USER},
	{NULL, NULL, NULL, AUTH_NONE},
};
