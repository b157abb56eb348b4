/*
 * tickets.c — /api/v2/tickets and the ticket lists hanging off users and organizations.
 * Handlers only translate HTTP to desk_* calls; rules live in src/desk/ticket.c.
 */
#include "api/api.h"
#include "util/limits.h"
#include "util/timeutil.h"

#define TICKET_URL "/api/v2/tickets/%lld.json"

static const char *const ticket_sorts[] = {"id", "created_at", "updated_at", "status",
					   "priority", NULL};
static const char *const id_sorts[] = {"id", NULL};

static void reply_ticket(struct http_req *r, int status, json_t *t)
{
	api_add_url(r, t, TICKET_URL);
	api_reply(r, status, json_pack("{s:o}", "ticket", t));
}

static void list_with(struct http_req *r, struct desk_ticket_filter *f)
{
	struct desk_page p;
	struct desk_list l;
	int rc;
	if (api_page(r, &p, ticket_sorts))
		return;
	if ((rc = desk_ticket_list(r->db, &r->actor, f, &p, &l))) {
		api_desk_error(r, rc, NULL);
		return;
	}
	api_list_reply(r, "tickets", &l, &p, TICKET_URL);
	desk_list_release(&l);
}

static void tickets_list(struct http_req *r)
{
	struct desk_ticket_filter f = {0};
	const char *status = http_query(r, "status");
	if (status) {
		const char *const *s;
		static const char *const ok[] = {"new", "open", "pending", "hold", "solved",
						 "closed", NULL};
		for (s = ok; *s && strcmp(*s, status); s++)
			;
		if (!*s) {
			api_error(r, 400, "InvalidParameter",
				  "status must be new, open, pending, hold, solved or closed");
			return;
		}
		f.status = *s;
	}
	list_with(r, &f);
}

static void tickets_show_many(struct http_req *r)
{
	int64_t ids[HELPO_MAX_SHOW_MANY];
	struct desk_ticket_filter f = {0};
	int n = api_ids(r, "ids", ids, HELPO_MAX_SHOW_MANY);
	if (n < 0)
		return;
	f.ids = ids;
	f.nids = n;
	list_with(r, &f);
}

static void tickets_requested(struct http_req *r)
{
	struct desk_ticket_filter f = {.requester_id = r->params[0]};
	list_with(r, &f);
}

static void tickets_assigned(struct http_req *r)
{
	struct desk_ticket_filter f = {.assignee_id = r->params[0]};
	list_with(r, &f);
}

static void tickets_of_org(struct http_req *r)
{
	struct desk_ticket_filter f = {.organization_id = r->params[0]};
	json_t *org;
	int rc = desk_org_get(r->db, &r->actor, r->params[0], &org);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	json_decref(org);
	list_with(r, &f);
}

static void tickets_show(struct http_req *r)
{
	json_t *t;
	int rc = desk_ticket_get(r->db, &r->actor, r->params[0], &t);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	reply_ticket(r, 200, t);
}

static void tickets_create(struct http_req *r)
{
	struct desk_err err = {0};
	const char *idem = http_header(r, "Idempotency-Key");
	json_t *in = api_body(r, "ticket"), *t = NULL;
	int rc;
	if (!in)
		return;
	if (idem && (!*idem || strlen(idem) > HELPO_MAX_IDEMPOTENCY_KEY_BYTES)) {
		api_error(r, 400, "InvalidParameter", "Idempotency-Key must be 1-255 bytes");
		json_decref(in);
		return;
	}
	json_object_set_new(in, "via", json_pack("{s:s}", "channel", "api"));
	rc = desk_ticket_create(r->db, &r->actor, in, idem, &t, &err);
	json_decref(in);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	{
		char loc[300];
		snprintf(loc, sizeof loc, "%s/api/v2/tickets/%lld.json", r->base_url,
			 (long long)json_integer_value(json_object_get(t, "id")));
		http_add_header(r, "Location", loc);
	}
	reply_ticket(r, 201, t);
}

static void tickets_update(struct http_req *r)
{
	struct desk_err err = {0};
	json_t *in = api_body(r, "ticket"), *t = NULL;
	int rc;
	if (!in)
		return;
	json_object_del(in, "via");
	rc = desk_ticket_update(r->db, &r->actor, r->params[0], in, &t, &err);
	json_decref(in);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	reply_ticket(r, 200, t);
}

/* PUT /tickets/update_many?ids=1,2 with {"ticket": {...}}: applied ticket by ticket; each
 * result says whether it succeeded (a job that is already complete, in Zendesk's shape). */
static void tickets_update_many(struct http_req *r)
{
	int64_t ids[HELPO_MAX_SHOW_MANY];
	int n = api_ids(r, "ids", ids, HELPO_MAX_SHOW_MANY);
	json_t *in, *results;
	if (n < 0)
		return;
	if (!(in = api_body(r, "ticket")))
		return;
	json_object_del(in, "via");
	results = json_array();
	for (int i = 0; i < n; i++) {
		struct desk_err err = {0};
		json_t *t = NULL;
		int rc = desk_ticket_update(r->db, &r->actor, ids[i], in, &t, &err);
		if (rc)
			json_array_append_new(
				results, json_pack("{s:I,s:s,s:b,s:s}", "id", (json_int_t)ids[i],
						   "action", "update", "success", 0, "error",
						   rc == HELPO_ENOTFOUND ? "TicketNotFound"
									 : (err.message[0]
										    ? err.message
										    : helpo_strerror(rc))));
		else
			json_array_append_new(results,
					      json_pack("{s:I,s:s,s:b,s:s}", "id", (json_int_t)ids[i],
							"action", "update", "success", 1, "status",
							"Updated"));
		json_decref(t);
	}
	json_decref(in);
	api_reply(r, 200,
		  json_pack("{s:{s:s,s:s,s:i,s:i,s:s,s:o}}", "job_status", "id", "inline",
			    "status", "completed", "total", n, "progress", n, "message",
			    "Completed", "results", results));
}

static void tickets_delete(struct http_req *r)
{
	struct desk_err err = {0};
	int rc = desk_ticket_delete(r->db, &r->actor, r->params[0], &err);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	r->status = 204;
}

static void tickets_count(struct http_req *r)
{
	struct desk_ticket_filter f = {0};
	struct desk_page p = {.size = 1, .page = 1, .sort = "id"};
	struct desk_list l;
	int rc = desk_ticket_list(r->db, &r->actor, &f, &p, &l);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	{
		char now[32];
		time_iso8601(time_now_ms(), now);
		api_reply(r, 200,
			  json_pack("{s:{s:I,s:s}}", "count", "value", (json_int_t)l.count,
				    "refreshed_at", now));
	}
	desk_list_release(&l);
}

static void comments_list(struct http_req *r)
{
	struct desk_page p;
	struct desk_list l;
	int rc;
	if (api_page(r, &p, id_sorts))
		return;
	if ((rc = desk_comment_list(r->db, &r->actor, r->params[0], &p, &l))) {
		api_desk_error(r, rc, NULL);
		return;
	}
	api_attachment_urls(r, l.rows);
	api_list_reply(r, "comments", &l, &p, NULL);
	desk_list_release(&l);
}

static void events_list(struct http_req *r)
{
	struct desk_page p;
	struct desk_list l;
	int rc;
	if (api_page(r, &p, id_sorts))
		return;
	if ((rc = desk_ticket_events(r->db, &r->actor, r->params[0], &p, &l))) {
		api_desk_error(r, rc, NULL);
		return;
	}
	api_list_reply(r, "events", &l, &p, NULL);
	desk_list_release(&l);
}

static void tags_op(struct http_req *r, char op)
{
	struct desk_err err = {0};
	json_t *doc = NULL, *tags = NULL, *out = NULL;
	int rc;
	if (op != 'g') {
		json_error_t e;
		if (!r->body_len ||
		    !(doc = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &e)) ||
		    !json_is_array(tags = json_object_get(doc, "tags"))) {
			json_decref(doc);
			api_error(r, 400, "InvalidJSON",
				  "Expected a JSON body {\"tags\": [\"tag\", ...]}");
			return;
		}
	}
	rc = desk_ticket_tags(r->db, &r->actor, r->params[0], op, tags, &out, &err);
	json_decref(doc);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	api_reply(r, 200, json_pack("{s:o}", "tags", out));
}

static void tags_get(struct http_req *r)
{
	tags_op(r, 'g');
}
static void tags_set(struct http_req *r)
{
	tags_op(r, 's');
}
static void tags_add(struct http_req *r)
{
	tags_op(r, 'a');
}
static void tags_remove(struct http_req *r)
{
	tags_op(r, 'r');
}

const struct route api_ticket_routes[] = {
	{"GET", "/api/v2/tickets", tickets_list, AUTH_USER},
	{"GET", "/api/v2/tickets/count", tickets_count, AUTH_USER},
	{"GET", "/api/v2/tickets/show_many", tickets_show_many, AUTH_USER},
	{"PUT", "/api/v2/tickets/update_many", tickets_update_many, AUTH_STAFF},
	{"POST", "/api/v2/tickets", tickets_create, AUTH_USER},
	{"GET", "/api/v2/tickets/:id", tickets_show, AUTH_USER},
	{"PUT", "/api/v2/tickets/:id", tickets_update, AUTH_USER},
	{"DELETE", "/api/v2/tickets/:id", tickets_delete, AUTH_ADMIN},
	{"GET", "/api/v2/tickets/:id/comments", comments_list, AUTH_USER},
	{"GET", "/api/v2/tickets/:id/events", events_list, AUTH_STAFF},
	{"GET", "/api/v2/tickets/:id/tags", tags_get, AUTH_USER},
	{"POST", "/api/v2/tickets/:id/tags", tags_set, AUTH_STAFF},
	{"PUT", "/api/v2/tickets/:id/tags", tags_add, AUTH_STAFF},
	{"DELETE", "/api/v2/tickets/:id/tags", tags_remove, AUTH_STAFF},
	{"GET", "/api/v2/users/:id/tickets/requested", tickets_requested, AUTH_USER},
	{"GET", "/api/v2/users/:id/tickets/assigned", tickets_assigned, AUTH_STAFF},
	{"GET", "/api/v2/organizations/:id/tickets", tickets_of_org, AUTH_USER},
	{NULL, NULL, NULL, AUTH_NONE},
};
