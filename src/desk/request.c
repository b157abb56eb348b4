/*
 * request.c — requests: the end-user's view of tickets (Zendesk's /api/v2/requests). A
 * request is a ticket seen from the customer's side: fewer fields, public comments only, and
 * the two things a customer may do — reply, and mark it solved. Creation and updates go
 * through the ticket core (desk_ticket_create_in / desk_ticket_update_in with
 * as_request = true), which enforces those limits; this file maps the input and output
 * shapes.
 *
 * Status as shown: an end-user sees "hold" as "open" (Zendesk hides on-hold from customers),
 * and a status filter of "open" includes tickets on hold for them. Staff may use requests
 * too: they see what authz lets them see, and their comments here are always public.
 */
#include "desk/desk_int.h"
#include "desk/authz.h"
#include "desk/ticket_int.h"

static const char *const statuses[] = {"new", "open", "pending", "hold", "solved", "closed", NULL};

/* Fields of a request a client may send on create. The Zendesk ones Helpo does not
 * implement yet (CCs, forms, brands) are accepted and ignored; anything else is a 422. */
static const char *const create_keys[] = {
	"subject", "comment", "priority", "type", "custom_fields", "fields", "due_at",
	"collaborators", "collaborator_ids", "email_ccs", "email_cc_ids", "ticket_form_id",
	"brand_id", "recipient", "requester", "via_followup_source_id", "is_public", "metadata",
	"custom_status_id", NULL};
static const char *const update_keys[] = {
	"comment", "solved", "collaborator_ids", "email_ccs", "email_cc_ids",
	"additional_collaborators", "collaborators", "metadata", NULL};

/* Turns a ticket record into a request record (new reference). A first comment that was an
 * internal note is not shown as the description. */
static json_t *to_request(struct db *db, const struct desk_actor *a, json_t *t)
{
	json_t *r = json_object();
	const char *status = json_string_value(json_object_get(t, "status"));
	bool done = status && (!strcmp(status, "solved") || !strcmp(status, "closed"));
	json_t *req_id = json_object_get(t, "requester_id");
	bool mine = json_is_integer(req_id) && json_integer_value(req_id) == a->id && a->id;
	static const char *const copy[] = {"id", "subject", "description", "priority", "type",
					   "requester_id", "organization_id", "assignee_id",
					   "group_id", "via", "created_at", "updated_at", "due_at",
					   "custom_fields", "fields", NULL};
	if (!desk_is_staff(a) && status && !strcmp(status, "hold"))
		status = "open";
	for (const char *const *k = copy; *k; k++) {
		json_t *v = json_object_get(t, *k);
		json_object_set(r, *k, v ? v : json_null());
	}
	desk_ticket_redact(db, a, r);
	json_object_set_new(r, "status", json_string(status ? status : "new"));
	json_object_set_new(r, "can_be_solved_by_me", json_boolean(!done && mine));
	json_object_set_new(r, "solved", json_boolean(done));
	json_object_set_new(r, "collaborator_ids", json_array());
	json_object_set_new(r, "email_cc_ids", json_array());
	json_object_set_new(r, "is_public", json_true());
	json_object_set_new(r, "recipient", json_null());
	json_object_set_new(r, "followup_source_id", json_null());
	json_object_set_new(r, "ticket_form_id", json_null());
	json_object_set_new(r, "brand_id", json_null());
	json_object_set_new(r, "custom_status_id", json_null());
	return r;
}

/* The comment of a request, always public: a string or {body, html_body, uploads} (new
 * reference, or NULL when absent). */
static json_t *public_comment(json_t *c)
{
	json_t *out;
	if (!c || json_is_null(c))
		return NULL;
	if (!json_is_object(c))
		return json_incref(c); /* a string (accepted) or garbage (rejected by the core) */
	out = json_object();
	if (json_object_get(c, "body"))
		json_object_set(out, "body", json_object_get(c, "body"));
	if (json_object_get(c, "html_body"))
		json_object_set(out, "html_body", json_object_get(c, "html_body"));
	if (json_object_get(c, "uploads"))
		json_object_set(out, "uploads", json_object_get(c, "uploads"));
	json_object_set_new(out, "public", json_true());
	return out;
}

int desk_request_create(struct db *db, const struct desk_actor *a, json_t *in, json_t **out,
			struct desk_err *err)
{
	static const char *const pass[] = {"subject", "priority", "type", "custom_fields",
					   "fields", "due_at", NULL};
	json_t *t, *c, *ticket = NULL;
	int rc;
	*out = NULL;
	if ((rc = jcheck_keys(in, "request", create_keys, err)))
		return rc;
	t = json_object();
	for (const char *const *k = pass; *k; k++)
		if (json_object_get(in, *k))
			json_object_set(t, *k, json_object_get(in, *k));
	if ((c = public_comment(json_object_get(in, "comment"))))
		json_object_set_new(t, "comment", c);
	json_object_set_new(t, "via", json_pack("{s:s}", "channel", "web"));
	{
		struct ticket_opts o = {.as_request = true, .via = "web"};
		rc = desk_ticket_create_in(db, a, t, NULL, &o, &ticket, err);
	}
	json_decref(t);
	if (rc)
		return rc;
	*out = to_request(db, a, ticket);
	json_decref(ticket);
	return 0;
}

int desk_request_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out)
{
	json_t *t = NULL;
	int rc;
	*out = NULL;
	if ((rc = desk_ticket_get(db, a, id, &t)))
		return rc;
	*out = to_request(db, a, t);
	json_decref(t);
	return 0;
}

int desk_request_update(struct db *db, const struct desk_actor *a, int64_t id, json_t *in,
			json_t **out, struct desk_err *err)
{
	json_t *t, *c, *ticket = NULL;
	bool solved = false;
	int rc;
	*out = NULL;
	if ((rc = jcheck_keys(in, "request", update_keys, err)))
		return rc;
	if ((rc = jget_bool(in, "solved", &solved, err)) < 0)
		return rc;
	t = json_object();
	if ((c = public_comment(json_object_get(in, "comment"))))
		json_object_set_new(t, "comment", c);
	if (solved)
		json_object_set_new(t, "status", json_string("solved"));
	if (!json_object_size(t)) { /* nothing Helpo stores changed (e.g. only CCs) */
		json_decref(t);
		return desk_request_get(db, a, id, out);
	}
	{
		struct ticket_opts o = {.as_request = true};
		rc = desk_ticket_update_in(db, a, id, t, &o, &ticket, err);
	}
	json_decref(t);
	if (rc)
		return rc;
	*out = to_request(db, a, ticket);
	json_decref(ticket);
	return 0;
}

/* Parses "open,pending" into the statuses to match (hold included in open for end-users). */
static int parse_statuses(const struct desk_actor *a, const char *list, const char **out, int *n,
			  struct desk_err *err)
{
	const char *p = list;
	*n = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		int i;
		for (i = 0; statuses[i]; i++)
			if (strlen(statuses[i]) == len && !strncmp(statuses[i], p, len))
				break;
		if (!statuses[i])
			return desk_fail(err, HELPO_EINVAL, "status",
					 "must be a comma-separated list of new, open, pending, "
					 "hold, solved, closed");
		if (*n < 12)
			out[(*n)++] = statuses[i];
		if (!desk_is_staff(a) && !strcmp(statuses[i], "open") && *n < 12)
			out[(*n)++] = "hold";
		p += len;
		if (*p == ',')
			p++;
	}
	if (!*n)
		return desk_fail(err, HELPO_EINVAL, "status", "cannot be empty");
	return 0;
}

int desk_request_list(struct db *db, const struct desk_actor *a, const char *status,
		      const struct desk_page *p, struct desk_list *out)
{
	struct buf where = BUF_INIT(4096), sql = BUF_INIT(8192);
	struct db_args wargs = {0}, args;
	struct db_stmt *st;
	const char *key = desk_ticket_sort_expr(p->sort), *want[12];
	int nwant = 0, rc;
	memset(out, 0, sizeof *out);
	out->count = -1;
	if (!key)
		return HELPO_EINVAL;
	if (status && (rc = parse_statuses(a, status, want, &nwant, NULL)))
		return rc;
	if ((rc = authz_ticket_sql(a, "t", &where, &wargs)))
		goto out;
	if (nwant) {
		buf_adds(&where, " AND t.status IN (");
		for (int i = 0; i < nwant; i++) {
			buf_adds(&where, i ? ", ?" : "?");
			db_args_text(&wargs, want[i]);
		}
		buf_adds(&where, ")");
	}
	/* the total, as Zendesk's "count" */
	buf_addf(&sql, "SELECT count(*) FROM tickets t WHERE %s", where.data);
	if ((rc = db_query_args(db, &st, sql.data, &wargs)))
		goto out;
	if ((rc = db_step(st)) == DB_ROW)
		out->count = db_col_int(st, 0);
	db_done(st);
	if (rc < 0)
		goto out;
	buf_reset(&sql);
	args = wargs;
	/* Two steps: the page's ids first (sort keys come from indexes, e.g. requester_id +
	 * updated_at), then only those rows. Sorting whole rows (descriptions included) cost a
	 * customer with hundreds of requests 4-8 ms per page; this is ~0.3 ms. */
	buf_addf(&sql, "SELECT %s, %s FROM tickets t WHERE t.id IN (SELECT t.id FROM tickets t "
		 "WHERE %s", key, desk_ticket_cols(), where.data);
	if ((rc = page_where(&sql, &args, p, key, "t.id")) ||
	    (rc = page_tail(&sql, &args, p, key, "t.id")) || (rc = buf_adds(&sql, ")")) ||
	    (rc = page_order(&sql, p, key, "t.id")))
		goto out;
	if ((rc = db_query_args(db, &st, sql.data, &args)))
		goto out;
	out->rows = json_array();
	while ((rc = db_step(st)) == DB_ROW) {
		json_t *t;
		if (!page_accept(out, p, db_col_int(st, 0), db_col_int(st, 1)))
			break;
		t = desk_ticket_row_at(st, 1);
		json_array_append_new(out->rows, to_request(db, a, t));
		json_decref(t);
	}
	db_done(st);
	if (rc >= 0)
		rc = 0;
	page_finish(out, p);
out:
	buf_release(&where);
	buf_release(&sql);
	if (rc)
		desk_list_release(out);
	return rc;
}
