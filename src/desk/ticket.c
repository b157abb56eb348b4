/*
 * ticket.c — tickets and their comments and tags: create, read, update (fields, status rules,
 * comments), delete, list. See desk.h for the rules every call keeps.
 *
 * Status rules (as Zendesk users expect):
 *   - a new ticket is "new", or "open" when created with an assignee;
 *   - a public reply by staff moves new → open unless the update gives a status;
 *   - a reply by the requester reopens pending and solved tickets;
 *   - solving without an assignee assigns the solving agent; solved_at is kept;
 *   - nothing can be set back to "new"; a closed ticket cannot change at all.
 */
#include "desk/desk_int.h"
#include "desk/authz.h"
#include "desk/ticket_int.h"
#include "util/text.h"
#include "util/sanitize.h"
#include "util/timeutil.h"

static const char *const statuses[] = {"new", "open", "pending", "hold", "solved", "closed", NULL};
static const char *const priorities[] = {"low", "normal", "high", "urgent", NULL};
static const char *const types[] = {"question", "incident", "problem", "task", NULL};
static const char *const vias[] = {"api", "web", "email", "chat", "portal", "cli", "demo", NULL};

/* Fields a client may send. Zendesk fields Helpo does not implement yet are accepted and
 * ignored (listed in docs/api) so existing scripts keep working; anything else is a 422. */
static const char *const ticket_keys[] = {
	"subject", "raw_subject", "comment", "description", "status", "priority", "type",
	"requester_id", "requester", "submitter_id", "assignee_id", "assignee_email", "group_id",
	"organization_id", "tags", "custom_fields", "fields", "external_id", "due_at", "via",
	"safe_update", "updated_stamp", "additional_tags", "remove_tags",
	/* accepted, ignored */
	"collaborator_ids", "collaborators", "email_cc_ids", "email_ccs", "follower_ids",
	"followers", "brand_id", "ticket_form_id", "recipient", "is_public", "problem_id",
	"macro_ids", "sharing_agreement_ids", "metadata", "url", "id", "created_at", "updated_at",
	NULL};
static const char *const comment_keys[] = {"body", "html_body", "public", "author_id", "uploads",
					   "via", "metadata", NULL};

const char *const *desk_ticket_statuses(void)
{
	return statuses;
}

#define TICKET_COLS                                                                              \
	"t.id, t.subject, t.description, t.status, t.priority, t.type, t.via, t.requester_id, "  \
	"t.submitter_id, t.assignee_id, t.group_id, t.organization_id, t.tags, t.custom_fields, " \
	"t.external_id, t.due_at, t.created_at, t.updated_at, t.solved_at"

const char *desk_ticket_cols(void)
{
	return TICKET_COLS;
}

json_t *desk_ticket_row_at(struct db_stmt *st, int o)
{
	json_t *t = json_object();
	json_object_set_new(t, "id", json_integer(db_col_int(st, o + 0)));
	json_object_set_new(t, "external_id", jstr_or_null(db_col_text(st, o + 14)));
	json_object_set_new(t, "via",
			    json_pack("{s:s,s:{s:{},s:{},s:n}}", "channel", db_col_text(st, o + 6),
				      "source", "from", "to", "rel"));
	json_object_set_new(t, "created_at", jtime(db_col_int(st, o + 16)));
	json_object_set_new(t, "updated_at", jtime(db_col_int(st, o + 17)));
	json_object_set_new(t, "type", jstr_or_null(db_col_text(st, o + 5)));
	json_object_set_new(t, "subject", json_string(db_col_text(st, o + 1)));
	json_object_set_new(t, "raw_subject", json_string(db_col_text(st, o + 1)));
	json_object_set_new(t, "description", json_string(db_col_text(st, o + 2)));
	json_object_set_new(t, "priority", jstr_or_null(db_col_text(st, o + 4)));
	json_object_set_new(t, "status", json_string(db_col_text(st, o + 3)));
	json_object_set_new(t, "recipient", json_null());
	json_object_set_new(t, "requester_id", jid(db_col_int(st, o + 7)));
	json_object_set_new(t, "submitter_id", jid(db_col_int(st, o + 8)));
	json_object_set_new(t, "assignee_id", jid(db_col_int(st, o + 9)));
	json_object_set_new(t, "organization_id", jid(db_col_int(st, o + 11)));
	json_object_set_new(t, "group_id", jid(db_col_int(st, o + 10)));
	json_object_set_new(t, "collaborator_ids", json_array());
	json_object_set_new(t, "follower_ids", json_array());
	json_object_set_new(t, "email_cc_ids", json_array());
	json_object_set_new(t, "problem_id", json_null());
	json_object_set_new(t, "has_incidents", json_false());
	json_object_set_new(t, "is_public", json_true());
	json_object_set_new(t, "due_at", jtime(db_col_int(st, o + 15)));
	json_object_set_new(t, "tags", jparse_or(db_col_text(st, o + 12), json_array()));
	json_object_set_new(t, "custom_fields", jparse_or(db_col_text(st, o + 13), json_array()));
	json_object_set_new(t, "fields", jparse_or(db_col_text(st, o + 13), json_array()));
	json_object_set_new(t, "satisfaction_rating", json_null());
	json_object_set_new(t, "sharing_agreement_ids", json_array());
	json_object_set_new(t, "followup_ids", json_array());
	json_object_set_new(t, "brand_id", json_null());
	json_object_set_new(t, "allow_channelback", json_false());
	json_object_set_new(t, "allow_attachments", json_true());
	json_object_set_new(t, "solved_at", jtime(db_col_int(st, o + 18)));
	return t;
}

/* Reads a ticket without an authorization check (callers check first). */
int desk_ticket_load(struct db *db, int64_t id, json_t **out)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT " TICKET_COLS " FROM tickets t WHERE t.id = ?", "i", id);
	if (rc)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW) {
		*out = desk_ticket_row_at(st, 0);
		rc = 0;
	} else if (rc == DB_DONE)
		rc = HELPO_ENOTFOUND;
	db_done(st);
	return rc;
}

void desk_ticket_redact(struct db *db, const struct desk_actor *a, json_t *t)
{
	int64_t pub = 1;
	if (desk_is_staff(a))
		return;
	/* the description is the first comment: not for end-users when that was internal */
	if (!db_int(db, &pub, "SELECT public FROM comments WHERE ticket_id = ? ORDER BY id LIMIT 1",
		    "i", (int64_t)json_integer_value(json_object_get(t, "id"))) &&
	    !pub)
		json_object_set_new(t, "description", json_string(""));
}

int desk_ticket_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out)
{
	int rc = authz_ticket_visible(db, a, id);
	if (rc)
		return rc;
	if ((rc = desk_ticket_load(db, id, out)))
		return rc;
	desk_ticket_redact(db, a, *out);
	return 0;
}

/* ---- validation helpers ---- */

static int user_role(struct db *db, int64_t id, enum desk_role *role, int64_t *org)
{
	struct db_stmt *st;
	int rc = db_query(db, &st,
			  "SELECT role, coalesce(organization_id, 0) FROM users WHERE id = ? AND "
			  "active = 1",
			  "i", id);
	if (rc)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW) {
		desk_role_parse(db_col_text(st, 0), role);
		if (org)
			*org = db_col_int(st, 1);
		rc = 0;
	} else if (rc == DB_DONE)
		rc = HELPO_ENOTFOUND;
	db_done(st);
	return rc;
}

static int check_assignee(struct db *db, int64_t assignee, struct desk_err *err)
{
	enum desk_role r = DESK_END_USER;
	int rc = user_role(db, assignee, &r, NULL);
	if (rc == HELPO_ENOTFOUND)
		return desk_fail(err, HELPO_EINVAL, "assignee_id", "no such agent");
	if (rc)
		return rc;
	if (r == DESK_END_USER)
		return desk_fail(err, HELPO_EINVAL, "assignee_id", "must be an agent or admin");
	return 0;
}

static int check_group(struct db *db, int64_t group, struct desk_err *err)
{
	int64_t one;
	int rc = db_int(db, &one, "SELECT 1 FROM groups WHERE id = ? AND deleted = 0", "i", group);
	if (rc == HELPO_ENOTFOUND)
		return desk_fail(err, HELPO_EINVAL, "group_id", "no such group");
	return rc;
}

static int check_org(struct db *db, int64_t org, struct desk_err *err)
{
	int64_t one;
	int rc = db_int(db, &one, "SELECT 1 FROM organizations WHERE id = ?", "i", org);
	if (rc == HELPO_ENOTFOUND)
		return desk_fail(err, HELPO_EINVAL, "organization_id", "no such organization");
	return rc;
}

static int check_membership(struct db *db, int64_t assignee, int64_t group, struct desk_err *err)
{
	int64_t one;
	int rc = db_int(db, &one,
			"SELECT 1 FROM group_memberships WHERE user_id = ? AND group_id = ?", "ii",
			assignee, group);
	if (rc == HELPO_ENOTFOUND)
		return desk_fail(err, HELPO_EINVAL, "assignee_id",
				 "is not a member of the ticket's group");
	return rc;
}

/* The group a ticket lands in when none is given: the assignee's default group, the
 * submitting agent's default group, then the desk's default group. 0 if none. */
static int64_t default_group(struct db *db, int64_t assignee, int64_t submitter)
{
	int64_t g = 0;
	const char *q = "SELECT group_id FROM group_memberships WHERE user_id = ? "
			"ORDER BY is_default DESC, id LIMIT 1";
	if (assignee && !db_int(db, &g, q, "i", assignee))
		return g;
	if (submitter && !db_int(db, &g, q, "i", submitter))
		return g;
	if (!db_int(db, &g, "SELECT id FROM groups WHERE is_default = 1 AND deleted = 0 LIMIT 1",
		    ""))
		return g;
	return 0;
}

/* Validates the "custom_fields" (or "fields") array: [{id: int, value: any scalar/array}]. */
static int custom_fields_text(json_t *in, char **out, struct desk_err *err)
{
	json_t *cf = json_object_get(in, "custom_fields");
	size_t i;
	json_t *v;
	char *s;
	if (!cf)
		cf = json_object_get(in, "fields");
	*out = NULL;
	if (!cf)
		return JF_ABSENT;
	if (!json_is_array(cf))
		return desk_fail(err, HELPO_EINVAL, "custom_fields",
				 "must be an array of {\"id\", \"value\"}");
	json_array_foreach(cf, i, v)
	{
		json_t *id = json_object_get(v, "id"), *val = json_object_get(v, "value");
		if (!json_is_object(v) || !json_is_integer(id) || json_integer_value(id) <= 0 ||
		    !val || json_is_object(val) || json_object_size(v) != 2)
			return desk_fail(err, HELPO_EINVAL, "custom_fields",
					 "must be an array of {\"id\": integer, \"value\": ...}");
	}
	s = json_dumps(cf, JSON_COMPACT);
	if (!s)
		return HELPO_ENOMEM;
	if (strlen(s) > HELPO_MAX_CUSTOM_FIELDS_BYTES) {
		free(s);
		return desk_fail(err, HELPO_EINVAL, "custom_fields", "is too large");
	}
	*out = s;
	return JF_VALUE;
}

static int set_tags(struct db *db, int64_t ticket, json_t *tags)
{
	size_t i;
	json_t *v;
	int rc = db_exec(db, "DELETE FROM ticket_tags WHERE ticket_id = ?", "i", ticket);
	json_array_foreach(tags, i, v)
	{
		if (rc)
			break;
		rc = db_exec(db, "INSERT INTO ticket_tags (ticket_id, tag) VALUES (?, ?)", "is",
			     ticket, json_string_value(v));
	}
	return rc;
}

/* Parsed "comment" object. body is the plain text; html is sanitized/escaped HTML. */
struct comment_in {
	bool present;
	const char *body;
	const char *html;
	bool is_public;
	int64_t author_id;
	json_t *uploads; /* borrowed: tokens from POST /api/v2/uploads, or NULL */
};

static int parse_comment(json_t *in, struct comment_in *c, bool staff, struct desk_err *err)
{
	json_t *cm = json_object_get(in, "comment");
	int rc;
	memset(c, 0, sizeof *c);
	c->is_public = true;
	if (!cm || json_is_null(cm))
		return 0;
	if (json_is_string(cm)) { /* Zendesk accepts "comment": "text" too */
		c->present = true;
		c->body = json_string_value(cm);
		if (json_string_length(cm) > HELPO_MAX_COMMENT_BYTES)
			return desk_fail(err, HELPO_EINVAL, "comment", "is too long");
		if (strlen(c->body) != json_string_length(cm))
			return desk_fail(err, HELPO_EINVAL, "comment", "must not contain NUL");
		goto check;
	}
	if ((rc = jcheck_keys(cm, "comment", comment_keys, err)))
		return rc;
	c->present = true;
	c->uploads = json_object_get(cm, "uploads");
	if ((rc = jget_str(cm, "body", HELPO_MAX_COMMENT_BYTES, &c->body, err)) < 0 ||
	    (rc = jget_str(cm, "html_body", HELPO_MAX_COMMENT_BYTES, &c->html, err)) < 0 ||
	    (rc = jget_bool(cm, "public", &c->is_public, err)) < 0 ||
	    (rc = jget_id(cm, "author_id", &c->author_id, err)) < 0)
		return rc;
	if (c->author_id && !staff)
		return desk_fail(err, HELPO_EFORBIDDEN, "author_id",
				 "only agents may post as another user");
check:
	if ((!c->body || !*c->body) && (!c->html || !*c->html))
		return desk_fail(err, HELPO_EINVAL, "comment", "body cannot be blank");
	return 0;
}

static int comment_insert(struct db *db, int64_t ticket_id, int64_t author_id, const char *body,
			  const char *html_in, bool is_public, const char *via, int64_t now,
			  int64_t *comment_id, bool index);

/* Zendesk's "assignee_email": the agent with that e-mail becomes the assignee. */
static int assignee_by_email(struct db *db, json_t *in, int64_t *assignee, struct desk_err *err)
{
	const char *email;
	char norm[HELPO_MAX_EMAIL_BYTES + 1];
	int rc = jget_str(in, "assignee_email", HELPO_MAX_EMAIL_BYTES, &email, err);
	if (rc != JF_VALUE)
		return rc < 0 ? rc : 0;
	snprintf(norm, sizeof norm, "%s", email);
	if (text_email_normalize(norm) ||
	    db_int(db, assignee,
		   "SELECT id FROM users WHERE email = ? AND role IN ('agent', 'admin') AND "
		   "active = 1",
		   "s", norm))
		return desk_fail(err, HELPO_EINVAL, "assignee_email", "no agent with that e-mail");
	return 1;
}

/* Inserts a comment and indexes it, and moves the ticket's updated_at; the caller is in a
 * transaction. */
int desk_comment_insert(struct db *db, int64_t ticket_id, int64_t author_id, const char *body,
			const char *html_in, bool is_public, const char *via, int64_t now,
			int64_t *comment_id)
{
	int rc = comment_insert(db, ticket_id, author_id, body, html_in, is_public, via, now,
				comment_id, true);
	/* a comment is a change of the ticket: updated_at moves (what safe_update compares) */
	if (!rc)
		rc = db_exec(db, "UPDATE tickets SET updated_at = ? WHERE id = ? AND updated_at < ?",
			     "iii", now, ticket_id, now);
	if (!rc)
		rc = desk_notify_comment(db, ticket_id, *comment_id, author_id, is_public);
	return rc;
}

/* index=false when the caller indexes the text itself (the first comment, with the subject). */
static int comment_insert(struct db *db, int64_t ticket_id, int64_t author_id, const char *body,
			  const char *html_in, bool is_public, const char *via, int64_t now,
			  int64_t *comment_id, bool index)
{
	char *html = NULL, *plain = NULL;
	int rc;
	if (html_in && *html_in) {
		/* customer HTML is kept only as the sanitizer rewrites it */
		html = html_sanitize(html_in, strlen(html_in));
		if (!body || !*body)
			body = plain = desk_html_to_text(html_in);
	} else
		html = desk_text_to_html(body);
	if (!html || !body) {
		free(html);
		free(plain);
		return HELPO_ENOMEM;
	}
	rc = db_int(db, comment_id,
		    "INSERT INTO comments (ticket_id, author_id, public, body, html_body, via, "
		    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
		    "iiisssi", ticket_id, author_id, (int64_t)is_public, body, html, via, now);
	if (!rc && index)
		rc = db_fts_append(db, ticket_id, body, is_public);
	if (!rc) {
		json_t *p = json_pack("{s:I,s:b,s:I}", "comment_id", (json_int_t)*comment_id,
				      "public", is_public, "author_id", (json_int_t)author_id);
		rc = desk_event_add(db, ticket_id, author_id, "comment.added", p);
		json_decref(p);
	}
	free(html);
	free(plain);
	return rc;
}

/* ---- create ---- */

static int tx_fail(struct db *db, int rc)
{
	db_rollback(db);
	return rc;
}

int desk_ticket_create_in(struct db *db, const struct desk_actor *a, json_t *in,
			  const char *idem, const struct ticket_opts *o, json_t **out,
			  struct desk_err *err)
{
	bool as_request = o->as_request;
	const char *subject = NULL, *status = NULL, *priority = NULL, *type = NULL, *ext = NULL,
		   *via = "api";
	int64_t requester = 0, submitter = 0, assignee = 0, group = 0, org = 0, due = 0, id = 0,
		cid, now = time_now_ms();
	json_t *tags = NULL, *viaj, *req;
	char *tags_text = NULL, *cf_text = NULL;
	struct comment_in c;
	bool staff = desk_is_staff(a);
	int rc;

	if (!as_request && !staff)
		return desk_fail(err, HELPO_EFORBIDDEN, "",
				 "end-users create tickets through /api/v2/requests");
	if ((rc = jcheck_keys(in, "ticket", ticket_keys, err)))
		return rc;
	if ((rc = jget_str(in, "subject", HELPO_MAX_SUBJECT_BYTES, &subject, err)) < 0 ||
	    (rc = jget_enum(in, "status", statuses, &status, err)) < 0 ||
	    (rc = jget_enum(in, "priority", priorities, &priority, err)) < 0 ||
	    (rc = jget_enum(in, "type", types, &type, err)) < 0 ||
	    (rc = jget_str(in, "external_id", HELPO_MAX_NAME_BYTES, &ext, err)) < 0 ||
	    (rc = jget_id(in, "requester_id", &requester, err)) < 0 ||
	    (rc = jget_id(in, "submitter_id", &submitter, err)) < 0 ||
	    (rc = jget_id(in, "assignee_id", &assignee, err)) < 0 ||
	    (rc = jget_id(in, "group_id", &group, err)) < 0 ||
	    (rc = jget_id(in, "organization_id", &org, err)) < 0 ||
	    (rc = jget_time(in, "due_at", &due, err)) < 0)
		return rc;
	if ((rc = parse_comment(in, &c, staff, err)))
		return rc;
	if (!c.present)
		return desk_fail(err, HELPO_EINVAL, "comment",
				 "a new ticket needs a first comment (\"comment\": {\"body\": ...})");
	if (status && !strcmp(status, "closed"))
		return desk_fail(err, HELPO_EINVAL, "status", "a new ticket cannot be closed");
	if ((viaj = json_object_get(in, "via")) && json_is_object(viaj) &&
	    json_is_string(json_object_get(viaj, "channel"))) {
		const char *v = json_string_value(json_object_get(viaj, "channel"));
		for (const char *const *k = vias; *k; k++)
			if (!strcmp(*k, v))
				via = *k;
	}
	if (o->via)
		via = o->via;
	if (!staff) { /* an end-user's request: only what a customer may set */
		requester = a->id;
		submitter = a->id;
		assignee = group = org = due = 0;
		status = priority = NULL;
		ext = NULL;
		c.is_public = true;
		c.author_id = 0;
	}
	if (json_object_get(in, "tags")) {
		if ((rc = jtags_normalize(json_object_get(in, "tags"), &tags, err)))
			return rc;
	} else
		tags = json_array();
	if ((rc = staff ? custom_fields_text(in, &cf_text, err) : 0) < 0)
		goto out;

	if (!o->in_tx && (rc = db_begin(db)))
		goto out;
	if (idem) {
		int64_t prev;
		rc = db_int(db, &prev,
			    "SELECT ticket_id FROM idempotency_keys WHERE user_id = ? AND key = ?",
			    "is", a->id, idem);
		if (!rc) {
			if (!o->in_tx)
				db_commit(db);
			rc = desk_ticket_load(db, prev, out);
			goto out;
		}
		if (rc != HELPO_ENOTFOUND)
			goto rollback;
	}
	req = json_object_get(in, "requester");
	if (!assignee && staff && (rc = assignee_by_email(db, in, &assignee, err)) < 0)
		goto rollback;
	rc = 0;
	if (!requester && req && staff) {
		const char *email = NULL, *name = NULL;
		if (!json_is_object(req)) {
			rc = desk_fail(err, HELPO_EINVAL, "requester",
				       "must be an object {\"name\", \"email\"}");
			goto rollback;
		}
		if ((rc = jget_str(req, "email", HELPO_MAX_EMAIL_BYTES, &email, err)) < 0 ||
		    (rc = jget_str(req, "name", HELPO_MAX_NAME_BYTES, &name, err)) < 0)
			goto rollback;
		if (!email) {
			rc = desk_fail(err, HELPO_EINVAL, "requester", "needs an email");
			goto rollback;
		}
		if ((rc = desk_user_find_or_create(db, email, name, &requester, err)))
			goto rollback;
	}
	if (!requester)
		requester = a->id;
	if (!submitter)
		submitter = a->id ? a->id : requester;
	if (!requester) {
		rc = desk_fail(err, HELPO_EINVAL, "requester_id", "is required");
		goto rollback;
	}
	{
		enum desk_role r;
		int64_t rorg = 0;
		rc = user_role(db, requester, &r, &rorg);
		if (rc == HELPO_ENOTFOUND)
			rc = desk_fail(err, HELPO_EINVAL, "requester_id", "no such user");
		if (rc)
			goto rollback;
		if (!org)
			org = rorg;
		rc = user_role(db, submitter, &r, NULL);
		if (rc == HELPO_ENOTFOUND)
			rc = desk_fail(err, HELPO_EINVAL, "submitter_id", "no such user");
		if (rc)
			goto rollback;
		if (c.author_id) {
			rc = user_role(db, c.author_id, &r, NULL);
			if (rc == HELPO_ENOTFOUND)
				rc = desk_fail(err, HELPO_EINVAL, "author_id", "no such user");
			if (rc)
				goto rollback;
		}
	}
	if ((assignee && (rc = check_assignee(db, assignee, err))) ||
	    (group && (rc = check_group(db, group, err))) ||
	    (org && (rc = check_org(db, org, err))))
		goto rollback;
	if (!group)
		group = default_group(db, assignee, staff ? a->id : 0);
	if (assignee && group && (rc = check_membership(db, assignee, group, err)))
		goto rollback;
	if (!status)
		status = assignee ? "open" : "new";
	if (!strcmp(status, "solved") && !assignee && a->role != DESK_END_USER && a->id) {
		assignee = a->id;
	}
	if (!subject || !*subject) {
		/* Zendesk: the subject defaults to the start of the description */
		subject = NULL;
	}
	tags_text = json_dumps(tags, JSON_COMPACT);
	{
		const char *body = c.body && *c.body ? c.body : "";
		char *derived = NULL, *subj = NULL;
		if (!*body && c.html)
			body = derived = desk_html_to_text(c.html);
		if (!subject) {
			size_t n = strcspn(body, "\r\n");
			if (n > 80)
				n = 80;
			while (n > 0 && ((unsigned char)body[n] & 0xc0) == 0x80)
				n--; /* do not cut a UTF-8 sequence */
			subj = strndup(body, n);
		}
		rc = db_int(db, &id,
			    "INSERT INTO tickets (subject, description, status, priority, type, via, "
			    "requester_id, submitter_id, assignee_id, group_id, organization_id, tags, "
			    "custom_fields, external_id, due_at, created_at, updated_at, solved_at) "
			    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			    "ssssssiiIIIsssIiiI", subject ? subject : subj, body, status, priority, type,
			    via, requester, submitter, assignee, group, org, tags_text,
			    cf_text ? cf_text : "[]", ext, due, now, now,
			    !strcmp(status, "solved") ? now : (int64_t)0);
		if (!rc)
			rc = db_fts_set(db, id, subject ? subject : subj, c.is_public ? body : "",
					c.is_public ? "" : body);
		free(subj);
		free(derived);
	}
	if (rc)
		goto rollback;
	if ((rc = set_tags(db, id, tags)))
		goto rollback;
	if ((rc = desk_ticket_load(db, id, out)))
		goto rollback;
	if ((rc = desk_event_add(db, id, a->id, "ticket.created", *out)))
		goto rollback;
	/* Zendesk: the submitter is the author of the first comment unless one is named */
	if ((rc = comment_insert(db, id, c.author_id ? c.author_id : submitter, c.body, c.html,
				 c.is_public, via, now, &cid, false)) ||
	    (rc = desk_uploads_attach(db, a, c.uploads, id, cid, err)))
		goto rollback;
	if (o->comment_id)
		*o->comment_id = cid;
	if ((rc = desk_notify_ticket_created(db, id, o->email)))
		goto rollback;
	if (idem && (rc = db_exec(db,
				  "INSERT INTO idempotency_keys (user_id, key, ticket_id, created_at) "
				  "VALUES (?, ?, ?, ?)",
				  "isii", a->id, idem, id, now)))
		goto rollback;
	if (!o->in_tx && (rc = db_commit(db)))
		goto rollback;
	goto out;
rollback:
	if (out && *out && rc) {
		json_decref(*out);
		*out = NULL;
	}
	if (!o->in_tx)
		tx_fail(db, rc);
out:
	json_decref(tags);
	free(tags_text);
	free(cf_text);
	return rc;
}

int desk_ticket_create(struct db *db, const struct desk_actor *a, json_t *in, const char *idem,
		       json_t **out, struct desk_err *err)
{
	struct ticket_opts o = {0};
	*out = NULL;
	return desk_ticket_create_in(db, a, in, idem, &o, out, err);
}

/* ---- update ---- */

struct cur {
	char status[16];
	char *priority, *type, *ext;
	int64_t requester, assignee, group, org, updated_at;
	char *subject;
};

static int load_cur(struct db *db, int64_t id, struct cur *c)
{
	struct db_stmt *st;
	int rc = db_query(db, &st,
			  "SELECT status, requester_id, coalesce(assignee_id, 0), "
			  "coalesce(group_id, 0), coalesce(organization_id, 0), updated_at, subject, "
			  "priority, type, external_id FROM tickets WHERE id = ?",
			  "i", id);
	if (rc)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW) {
		snprintf(c->status, sizeof c->status, "%s", db_col_text(st, 0));
		c->requester = db_col_int(st, 1);
		c->assignee = db_col_int(st, 2);
		c->group = db_col_int(st, 3);
		c->org = db_col_int(st, 4);
		c->updated_at = db_col_int(st, 5);
		c->subject = strdup(db_col_text(st, 6));
		c->priority = db_col_text(st, 7) ? strdup(db_col_text(st, 7)) : NULL;
		c->type = db_col_text(st, 8) ? strdup(db_col_text(st, 8)) : NULL;
		c->ext = db_col_text(st, 9) ? strdup(db_col_text(st, 9)) : NULL;
		rc = 0;
	} else if (rc == DB_DONE)
		rc = HELPO_ENOTFOUND;
	db_done(st);
	return rc;
}

static void change(json_t *changes, const char *field, json_t *from, json_t *to)
{
	json_object_set_new(changes, field, json_pack("[oo]", from, to));
}

/* Zendesk's additional_tags / remove_tags on update: the ticket's current tags minus rem plus
 * add (either may be NULL), normalized into *out. The caller is in a transaction. */
static int merge_tags(struct db *db, int64_t id, json_t *add, json_t *rem, json_t **out,
		      struct desk_err *err)
{
	struct db_stmt *st;
	json_t *cur = NULL, *all, *v, *w;
	size_t i, j;
	int rc = db_query(db, &st, "SELECT tags FROM tickets WHERE id = ?", "i", id);
	if (rc)
		return rc;
	if ((rc = db_step(st)) == DB_ROW)
		cur = jparse_or(db_col_text(st, 0), json_array());
	db_done(st);
	if (rc < 0)
		return rc;
	if (!cur)
		return HELPO_ENOTFOUND;
	all = json_array();
	json_array_foreach(cur, i, v)
	{
		bool drop = false;
		json_array_foreach(rem, j, w) if (json_equal(v, w)) drop = true;
		if (!drop)
			json_array_append(all, v);
	}
	if (add)
		json_array_extend(all, add);
	json_decref(cur);
	rc = jtags_normalize(all, out, err);
	json_decref(all);
	return rc;
}

/* Whether a text field given as flag/val (JF_*) equals the stored value old (NULL = null):
 * an unchanged field is neither written nor recorded as a change. */
static bool same_text(int flag, const char *val, const char *old)
{
	if (flag == JF_NULL)
		return !old;
	return flag == JF_VALUE && old && !strcmp(val, old);
}

static json_t *id_or_null(int64_t v)
{
	return v ? json_integer(v) : json_null();
}

int desk_ticket_update_in(struct db *db, const struct desk_actor *a, int64_t id, json_t *in,
			  const struct ticket_opts *o, json_t **out, struct desk_err *err)
{
	bool as_request = o->as_request;
	const char *subject = NULL, *status = NULL, *priority = NULL, *type = NULL, *ext = NULL,
		   *stamp = NULL;
	int64_t requester = 0, assignee = 0, group = 0, org = 0, due = 0, now = time_now_ms(), cid;
	int f_subject, f_status, f_priority, f_type, f_ext, f_requester, f_assignee, f_group, f_org,
		f_due, f_cf;
	bool staff = desk_is_staff(a), safe = false;
	struct comment_in c;
	struct cur cur = {0};
	json_t *changes = json_object(), *tags = NULL, *add_tags = NULL, *rem_tags = NULL;
	char *cf_text = NULL, *tags_text = NULL;
	struct buf set = BUF_INIT(4096);
	struct db_args args = {0};
	struct db_stmt *st;
	int rc;

	*out = NULL;
	if ((rc = jcheck_keys(in, "ticket", ticket_keys, err)))
		goto out;
	if ((f_subject = rc = jget_str(in, "subject", HELPO_MAX_SUBJECT_BYTES, &subject, err)) < 0 ||
	    (f_status = rc = jget_enum(in, "status", statuses, &status, err)) < 0 ||
	    (f_priority = rc = jget_enum(in, "priority", priorities, &priority, err)) < 0 ||
	    (f_type = rc = jget_enum(in, "type", types, &type, err)) < 0 ||
	    (f_ext = rc = jget_str(in, "external_id", HELPO_MAX_NAME_BYTES, &ext, err)) < 0 ||
	    (f_requester = rc = jget_id(in, "requester_id", &requester, err)) < 0 ||
	    (f_assignee = rc = jget_id(in, "assignee_id", &assignee, err)) < 0 ||
	    (f_group = rc = jget_id(in, "group_id", &group, err)) < 0 ||
	    (f_org = rc = jget_id(in, "organization_id", &org, err)) < 0 ||
	    (f_due = rc = jget_time(in, "due_at", &due, err)) < 0 ||
	    (rc = jget_bool(in, "safe_update", &safe, err)) < 0 ||
	    (rc = jget_str(in, "updated_stamp", 64, &stamp, err)) < 0)
		goto out;
	if ((rc = parse_comment(in, &c, staff, err)))
		goto out;
	if ((f_cf = rc = staff ? custom_fields_text(in, &cf_text, err) : 0) < 0)
		goto out;
	if (json_object_get(in, "tags") &&
	    (rc = jtags_normalize(json_object_get(in, "tags"), &tags, err)))
		goto out;
	if (json_object_get(in, "additional_tags") &&
	    (rc = jtags_normalize(json_object_get(in, "additional_tags"), &add_tags, err)))
		goto out;
	if (json_object_get(in, "remove_tags") &&
	    (rc = jtags_normalize(json_object_get(in, "remove_tags"), &rem_tags, err)))
		goto out;
	if (f_requester == JF_NULL) {
		rc = desk_fail(err, HELPO_EINVAL, "requester_id", "cannot be empty");
		goto out;
	}
	if (f_subject == JF_NULL)
		f_subject = JF_ABSENT;
	if (f_status == JF_NULL) {
		rc = desk_fail(err, HELPO_EINVAL, "status", "cannot be empty");
		goto out;
	}

	if (!o->in_tx && (rc = db_begin(db)))
		goto out;
	if ((rc = authz_ticket_visible(db, a, id)) || (rc = load_cur(db, id, &cur)))
		goto rollback;
	if (!staff) {
		/* the end-user's request view: a public comment, and marking it solved */
		if (f_subject || f_priority || f_type || f_ext || f_requester || f_assignee ||
		    f_group || f_org || f_due || tags || add_tags || rem_tags ||
		    (f_status && strcmp(status, "solved"))) {
			rc = desk_fail(err, HELPO_EFORBIDDEN, "",
				       "end-users may only comment on or solve their requests");
			goto rollback;
		}
		c.is_public = true;
		if (!as_request) {
			rc = desk_fail(err, HELPO_EFORBIDDEN, "",
				       "end-users update tickets through /api/v2/requests");
			goto rollback;
		}
	}
	if (!strcmp(cur.status, "closed")) {
		rc = desk_fail(err, HELPO_ECLOSED, "status", "closed prevents ticket update");
		goto rollback;
	}
	if (!tags && (add_tags || rem_tags) &&
	    (rc = merge_tags(db, id, add_tags, rem_tags, &tags, err)))
		goto rollback;
	if (safe && stamp) {
		/* checked inside the write transaction, so no update can slip in between; compared
		 * to the second, the precision of the updated_at the API shows */
		int64_t ts;
		if (time_parse_iso8601(stamp, &ts) || ts / 1000 != cur.updated_at / 1000) {
			rc = desk_fail(err, HELPO_ECONFLICT, "updated_stamp",
				       "The ticket was updated by someone else since you loaded it");
			goto rollback;
		}
	}
	if (f_status && !strcmp(status, "new") && strcmp(cur.status, "new")) {
		rc = desk_fail(err, HELPO_EINVAL, "status", "cannot be set back to new");
		goto rollback;
	}
	if (!f_assignee && staff) {
		if ((rc = assignee_by_email(db, in, &assignee, err)) < 0)
			goto rollback;
		if (rc == 1)
			f_assignee = JF_VALUE;
		rc = 0;
	}
	if (f_assignee == JF_VALUE && (rc = check_assignee(db, assignee, err)))
		goto rollback;
	if (f_group == JF_VALUE && (rc = check_group(db, group, err)))
		goto rollback;
	if (f_org == JF_VALUE && (rc = check_org(db, org, err)))
		goto rollback;
	if (f_requester == JF_VALUE) {
		enum desk_role r;
		rc = user_role(db, requester, &r, NULL);
		if (rc == HELPO_ENOTFOUND)
			rc = desk_fail(err, HELPO_EINVAL, "requester_id", "no such user");
		if (rc)
			goto rollback;
	}
	{
		int64_t new_assignee = f_assignee ? assignee : cur.assignee;
		int64_t new_group = f_group ? group : cur.group;
		if (f_assignee == JF_VALUE && !f_group && !cur.group) {
			new_group = default_group(db, assignee, 0);
			if (new_group) {
				f_group = JF_VALUE;
				group = new_group;
			}
		}
		if (new_assignee && new_group && (f_assignee || f_group) &&
		    (rc = check_membership(db, new_assignee, new_group, err)))
			goto rollback;
	}
	/* status rules */
	if (!f_status && c.present) {
		int64_t author = c.author_id ? c.author_id : a->id;
		enum desk_role ar = a->role;
		if (c.author_id)
			user_role(db, c.author_id, &ar, NULL);
		if (author == cur.requester &&
		    (!strcmp(cur.status, "solved") || !strcmp(cur.status, "pending"))) {
			status = "open";
			f_status = JF_VALUE;
		} else if (ar != DESK_END_USER && c.is_public && author != cur.requester &&
			   !strcmp(cur.status, "new")) {
			status = "open";
			f_status = JF_VALUE;
		}
	}
	if (f_status && !strcmp(status, "solved") && !(f_assignee ? assignee : cur.assignee) &&
	    staff && a->id) {
		assignee = a->id;
		f_assignee = JF_VALUE;
	}

#define SET_TEXT(flag, col, val, old)                                                            \
	if (flag) {                                                                              \
		buf_addf(&set, ", %s = ?", col);                                                 \
		db_args_text(&args, flag == JF_VALUE ? val : NULL);                              \
		change(changes, col, old, flag == JF_VALUE ? json_string(val) : json_null());    \
	}
#define SET_ID(flag, col, val, old)                                                              \
	if (flag && (flag == JF_NULL ? 0 : val) != old) {                                        \
		buf_addf(&set, ", %s = ?", col);                                                 \
		if (flag == JF_VALUE)                                                            \
			db_args_int(&args, val);                                                 \
		else                                                                             \
			db_args_text(&args, NULL);                                               \
		change(changes, col, id_or_null(old), id_or_null(flag == JF_VALUE ? val : 0));   \
	}
	buf_adds(&set, "UPDATE tickets SET updated_at = ?");
	db_args_int(&args, now);
	if (f_subject && strcmp(subject, cur.subject)) {
		SET_TEXT(f_subject, "subject", subject, json_string(cur.subject));
	}
	if (f_status && strcmp(status, cur.status)) {
		SET_TEXT(f_status, "status", status, json_string(cur.status));
		if (!strcmp(status, "solved")) {
			buf_adds(&set, ", solved_at = ?");
			db_args_int(&args, now);
		}
	}
	if (!same_text(f_priority, priority, cur.priority)) {
		SET_TEXT(f_priority, "priority", priority, jstr_or_null(cur.priority));
	}
	if (!same_text(f_type, type, cur.type)) {
		SET_TEXT(f_type, "type", type, jstr_or_null(cur.type));
	}
	if (!same_text(f_ext, ext, cur.ext)) {
		SET_TEXT(f_ext, "external_id", ext, jstr_or_null(cur.ext));
	}
	SET_ID(f_requester, "requester_id", requester, cur.requester);
	SET_ID(f_assignee, "assignee_id", assignee, cur.assignee);
	SET_ID(f_group, "group_id", group, cur.group);
	SET_ID(f_org, "organization_id", org, cur.org);
	if (f_due) {
		buf_adds(&set, ", due_at = ?");
		if (f_due == JF_VALUE)
			db_args_int(&args, due);
		else
			db_args_text(&args, NULL);
		change(changes, "due_at", json_null(), f_due == JF_VALUE ? jtime(due) : json_null());
	}
	if (f_cf == JF_VALUE) {
		buf_adds(&set, ", custom_fields = ?");
		db_args_text(&args, cf_text);
		change(changes, "custom_fields", json_null(), json_loads(cf_text, 0, NULL));
	}
	if (tags) {
		tags_text = json_dumps(tags, JSON_COMPACT);
		buf_adds(&set, ", tags = ?");
		db_args_text(&args, tags_text);
		change(changes, "tags", json_null(), json_incref(tags));
		if ((rc = set_tags(db, id, tags)))
			goto rollback;
	}
	buf_adds(&set, " WHERE id = ?");
	db_args_int(&args, id);
	if ((rc = db_query_args(db, &st, set.data, &args)))
		goto rollback;
	rc = db_step(st);
	db_done(st);
	if (rc < 0)
		goto rollback;
	if (f_subject && strcmp(subject, cur.subject) && (rc = db_fts_subject(db, id, subject)))
		goto rollback;
	if (f_assignee == JF_VALUE && assignee != cur.assignee &&
	    (rc = desk_notify_assigned(db, id, assignee, a->id)))
		goto rollback;
	if (c.present) {
		int64_t author = c.author_id ? c.author_id : a->id;
		if (c.author_id) {
			enum desk_role r;
			rc = user_role(db, c.author_id, &r, NULL);
			if (rc == HELPO_ENOTFOUND)
				rc = desk_fail(err, HELPO_EINVAL, "author_id", "no such user");
			if (rc)
				goto rollback;
		}
		if ((rc = desk_comment_insert(db, id, author, c.body, c.html, c.is_public,
					      o->via ? o->via : as_request ? "web" : "api", now,
					      &cid)) ||
		    (rc = desk_uploads_attach(db, a, c.uploads, id, cid, err)))
			goto rollback;
		if (o->comment_id)
			*o->comment_id = cid;
	}
	if (json_object_size(changes)) {
		json_t *p = json_pack("{s:O}", "changes", changes);
		rc = desk_event_add(db, id, a->id, "ticket.updated", p);
		json_decref(p);
		if (rc)
			goto rollback;
	}
	if ((rc = desk_ticket_load(db, id, out)) || (!o->in_tx && (rc = db_commit(db))))
		goto rollback;
	desk_ticket_redact(db, a, *out);
	goto out;
rollback:
	if (*out) {
		json_decref(*out);
		*out = NULL;
	}
	if (!o->in_tx)
		tx_fail(db, rc);
out:
	free(cur.subject);
	free(cur.priority);
	free(cur.type);
	free(cur.ext);
	free(tags_text);
	json_decref(changes);
	json_decref(tags);
	json_decref(add_tags);
	json_decref(rem_tags);
	free(cf_text);
	buf_release(&set);
	return rc;
}

int desk_ticket_update(struct db *db, const struct desk_actor *a, int64_t id, json_t *in,
		       json_t **out, struct desk_err *err)
{
	struct ticket_opts o = {0};
	return desk_ticket_update_in(db, a, id, in, &o, out, err);
}

int desk_ticket_delete(struct db *db, const struct desk_actor *a, int64_t id, struct desk_err *err)
{
	int rc;
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = authz_ticket_visible(db, a, id)))
		goto fail;
	if (a->role != DESK_ADMIN) {
		rc = desk_fail(err, HELPO_EFORBIDDEN, "", "only admins may delete tickets");
		goto fail;
	}
	if ((rc = db_exec(db, "DELETE FROM tickets WHERE id = ?", "i", id)) ||
	    (rc = db_fts_delete(db, id)) ||
	    (rc = db_exec(db, "DELETE FROM idempotency_keys WHERE ticket_id = ?", "i", id)) ||
	    (rc = desk_event_add(db, id, a->id, "ticket.deleted", NULL)) || (rc = db_commit(db)))
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return rc;
}

/* ---- lists ---- */

/* Sort keys: SQL expressions over alias t; allowlisted by the API. */
const char *desk_ticket_sort_expr(const char *sort)
{
	if (!sort || !strcmp(sort, "id"))
		return "t.id";
	if (!strcmp(sort, "created_at"))
		return "t.created_at";
	if (!strcmp(sort, "updated_at"))
		return "t.updated_at";
	if (!strcmp(sort, "status"))
		return "(CASE t.status WHEN 'new' THEN 1 WHEN 'open' THEN 2 WHEN 'pending' THEN 3 "
		       "WHEN 'hold' THEN 4 WHEN 'solved' THEN 5 ELSE 6 END)";
	if (!strcmp(sort, "priority"))
		return "(CASE t.priority WHEN 'low' THEN 1 WHEN 'normal' THEN 2 WHEN 'high' THEN 3 "
		       "WHEN 'urgent' THEN 4 ELSE 0 END)";
	return NULL;
}

int desk_ticket_list(struct db *db, const struct desk_actor *a, const struct desk_ticket_filter *f,
		     const struct desk_page *p, struct desk_list *out)
{
	struct buf where = BUF_INIT(8192), sql = BUF_INIT(16384);
	struct db_args args = {0};
	struct db_stmt *st;
	const char *key = desk_ticket_sort_expr(p->sort);
	int rc;
	memset(out, 0, sizeof *out);
	out->count = -1;
	if (!key)
		return HELPO_EINVAL;
	if ((rc = authz_ticket_sql(a, "t", &where, &args)))
		goto out;
	if (f->requester_id) {
		buf_adds(&where, " AND t.requester_id = ?");
		db_args_int(&args, f->requester_id);
	}
	if (f->organization_id) {
		buf_adds(&where, " AND t.organization_id = ?");
		db_args_int(&args, f->organization_id);
	}
	if (f->assignee_id) {
		buf_adds(&where, " AND t.assignee_id = ?");
		db_args_int(&args, f->assignee_id);
	}
	if (f->group_id) {
		buf_adds(&where, " AND t.group_id = ?");
		db_args_int(&args, f->group_id);
	}
	if (f->status) {
		buf_adds(&where, " AND t.status = ?");
		db_args_text(&args, f->status);
	}
	if (f->nids) {
		buf_adds(&where, " AND t.id IN (");
		for (int i = 0; i < f->nids; i++) {
			buf_adds(&where, i ? ", ?" : "?");
			if ((rc = db_args_int(&args, f->ids[i])))
				goto out;
		}
		buf_adds(&where, ")");
	}
	if (!p->cursor) { /* offset paging reports the total, as Zendesk does */
		buf_addf(&sql, "SELECT count(*) FROM tickets t WHERE %s", where.data);
		if ((rc = db_query_args(db, &st, sql.data, &args)))
			goto out;
		if ((rc = db_step(st)) == DB_ROW)
			out->count = db_col_int(st, 0);
		db_done(st);
		if (rc < 0)
			goto out;
		buf_reset(&sql);
	}
	buf_addf(&sql, "SELECT %s, " TICKET_COLS " FROM tickets t WHERE %s", key, where.data);
	rc = page_run(db, &sql, &args, p, key, "t.id", desk_ticket_row_at, out);
	if (!rc && !desk_is_staff(a)) {
		size_t i;
		json_t *t;
		json_array_foreach(out->rows, i, t) desk_ticket_redact(db, a, t);
	}
out:
	buf_release(&where);
	buf_release(&sql);
	if (rc)
		desk_list_release(out);
	return rc;
}

int desk_comment_list(struct db *db, const struct desk_actor *a, int64_t ticket_id,
		      const struct desk_page *p, struct desk_list *out)
{
	struct buf sql = BUF_INIT(2048);
	struct db_args args = {0};
	struct db_stmt *st;
	int rc;
	memset(out, 0, sizeof *out);
	out->count = -1;
	if ((rc = authz_ticket_visible(db, a, ticket_id)))
		return rc;
	buf_adds(&sql, "SELECT c.id, c.author_id, c.public, c.body, c.html_body, c.via, "
		       "c.created_at FROM comments c WHERE c.ticket_id = ?");
	db_args_int(&args, ticket_id);
	if (!desk_is_staff(a))
		buf_adds(&sql, " AND c.public = 1");
	page_where(&sql, &args, p, "c.id", "c.id");
	page_tail(&sql, &args, p, "c.id", "c.id");
	rc = db_query_args(db, &st, sql.data, &args);
	buf_release(&sql);
	if (rc)
		return rc;
	out->rows = json_array();
	while ((rc = db_step(st)) == DB_ROW) {
		json_t *c;
		if (!page_accept(out, p, db_col_int(st, 0), db_col_int(st, 0)))
			break;
		c = json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:b,s:[],s:n,s:{s:s},s:o,s:{}}", "id",
			      (json_int_t)db_col_int(st, 0), "type", "Comment", "author_id",
			      (json_int_t)db_col_int(st, 1), "body", db_col_text(st, 3), "html_body",
			      db_col_text(st, 4) ? db_col_text(st, 4) : "", "plain_body",
			      db_col_text(st, 3), "public", (int)db_col_int(st, 2), "attachments",
			      "audit_id", "via", "channel", db_col_text(st, 5), "created_at",
			      jtime(db_col_int(st, 6)), "metadata");
		json_array_append_new(out->rows, c);
	}
	db_done(st);
	if (rc >= 0)
		rc = 0;
	/* each comment's files (Zendesk's attachment shape; URLs relative to the API root) */
	for (size_t i = 0; !rc && i < json_array_size(out->rows); i++) {
		json_t *c = json_array_get(out->rows, i), *atts = json_object_get(c, "attachments");
		if ((rc = db_query(db, &st,
				   "SELECT id, file_name, content_type, size, is_inline FROM "
				   "attachments WHERE comment_id = ? ORDER BY id",
				   "i", (int64_t)json_integer_value(json_object_get(c, "id")))))
			break;
		while ((rc = db_step(st)) == DB_ROW) {
			char url[96], content[96];
			long long aid = (long long)db_col_int(st, 0);
			snprintf(url, sizeof url, "/api/v2/attachments/%lld.json", aid);
			snprintf(content, sizeof content, "/api/v2/attachments/%lld/content", aid);
			json_array_append_new(
				atts, json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:b,s:s}", "id",
						(json_int_t)aid, "file_name", db_col_text(st, 1),
						"content_url", content, "content_type",
						db_col_text(st, 2), "url", url, "size",
						(json_int_t)db_col_int(st, 3), "inline",
						(int)db_col_int(st, 4), "mapped_content_url", content));
		}
		db_done(st);
		if (rc >= 0)
			rc = 0;
	}
	page_finish(out, p);
	if (rc)
		desk_list_release(out);
	return rc;
}

int desk_ticket_tags(struct db *db, const struct desk_actor *a, int64_t id, char op, json_t *in,
		     json_t **out, struct desk_err *err)
{
	json_t *t = NULL, *upd;
	int rc;
	*out = NULL;
	if (op == 'g') {
		if ((rc = desk_ticket_get(db, a, id, &t)))
			return rc;
	} else {
		/* one update, one transaction: set = tags, add/remove = Zendesk's merge fields */
		if (!desk_is_staff(a)) {
			if ((rc = authz_ticket_visible(db, a, id)))
				return rc;
			return desk_fail(err, HELPO_EFORBIDDEN, "tags", "only agents may change tags");
		}
		upd = json_pack("{s:O}", op == 's' ? "tags" : op == 'a' ? "additional_tags"
								       : "remove_tags",
				in);
		rc = desk_ticket_update(db, a, id, upd, &t, err);
		json_decref(upd);
		if (rc)
			return rc;
	}
	*out = json_incref(json_object_get(t, "tags"));
	json_decref(t);
	return 0;
}

int desk_ticket_events(struct db *db, const struct desk_actor *a, int64_t id,
		       const struct desk_page *p, struct desk_list *out)
{
	struct buf sql = BUF_INIT(1024);
	struct db_args args = {0};
	struct db_stmt *st;
	int rc;
	memset(out, 0, sizeof *out);
	out->count = -1;
	if ((rc = authz_ticket_visible(db, a, id)))
		return rc;
	if (!desk_is_staff(a))
		return HELPO_ENOTFOUND;
	buf_adds(&sql, "SELECT id, actor_id, kind, payload, created_at FROM events "
		       "WHERE ticket_id = ?");
	db_args_int(&args, id);
	page_where(&sql, &args, p, "id", "id");
	page_tail(&sql, &args, p, "id", "id");
	rc = db_query_args(db, &st, sql.data, &args);
	buf_release(&sql);
	if (rc)
		return rc;
	out->rows = json_array();
	while ((rc = db_step(st)) == DB_ROW) {
		if (!page_accept(out, p, db_col_int(st, 0), db_col_int(st, 0)))
			break;
		json_array_append_new(
			out->rows,
			json_pack("{s:I,s:I,s:o,s:s,s:o,s:o}", "id", (json_int_t)db_col_int(st, 0),
				  "ticket_id", (json_int_t)id, "actor_id", jid(db_col_int(st, 1)),
				  "kind", db_col_text(st, 2), "payload",
				  jparse_or(db_col_text(st, 3), json_object()), "created_at",
				  jtime(db_col_int(st, 4))));
	}
	db_done(st);
	if (rc >= 0)
		rc = 0;
	page_finish(out, p);
	if (rc)
		desk_list_release(out);
	return rc;
}
