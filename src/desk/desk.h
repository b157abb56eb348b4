/*
 * desk.h — the domain: the one door through which every channel (API, e-mail, chat, portal,
 * CLI) reads and changes help-desk state.
 *
 * Rules every desk_* write function keeps:
 *   - one database transaction per call (it begins and commits or rolls back itself);
 *   - authorization first (desk/authz.h): an object the actor may not see is HELPO_ENOTFOUND,
 *     an action on a visible object the actor may not take is HELPO_EFORBIDDEN;
 *   - input validated here, not in the door: bad fields fail with HELPO_EINVAL and the
 *     field and reason in *err, and nothing is stored;
 *   - one `events` row per change.
 *
 * Records are jansson objects whose keys are the API's (Zendesk's) vocabulary: the API adds
 * only URLs. Ownership: every json_t ** out-parameter is a new reference the caller
 * json_decref()s; json_t * inputs are borrowed.
 */
#ifndef HELPO_DESK_H
#define HELPO_DESK_H

#include "util/common.h"
#include "db/db.h"
#include <jansson.h>

enum desk_role { DESK_END_USER = 0, DESK_AGENT = 1, DESK_ADMIN = 2 };

/* Who is acting. id 0 with role DESK_ADMIN is the system (CLI, demo). */
struct desk_actor {
	int64_t id;
	enum desk_role role;
	int64_t org_id; /* 0 when none */
};

/* Why a call failed, for a 4xx answer: `field` may be empty; messages are safe to show. */
struct desk_err {
	char field[64];
	char message[256];
};

const char *desk_role_name(enum desk_role r);
int desk_role_parse(const char *s, enum desk_role *out);
/* Fills err and returns code (for `return desk_fail(err, HELPO_EINVAL, "status", "...")`). */
int desk_fail(struct desk_err *err, int code, const char *field, const char *fmt, ...)
	PRINTF_LIKE(4, 5);

/* ---- listing ---- */

/* Page request shared by every list: either offset (page >= 1) or cursor (after set). */
struct desk_page {
	int size;              /* rows wanted, 1..HELPO_MAX_PAGE_SIZE */
	int page;              /* offset mode: 1-based page; 0 in cursor mode */
	bool cursor;           /* cursor mode */
	bool has_after;        /* a cursor position is given */
	int64_t after_key;     /* sort value of the last row seen */
	int64_t after_id;      /* id of the last row seen */
	bool has_before;       /* page[before]: rows preceding this position */
	int64_t before_key, before_id;
	const char *sort;      /* column name from the caller's allowlist, e.g. "id" */
	bool desc;
};

/* A page of results: rows (new reference), whether more follow, and the total when counted. */
struct desk_list {
	json_t *rows;
	bool has_more;
	int64_t count; /* -1 when not counted */
	/* cursor of the first and last row (sort key, id) for page[before]/page[after] */
	int64_t first_key, first_id, last_key, last_id;
};
void desk_list_release(struct desk_list *l);

/* ---- tickets (desk/ticket.c) ---- */

/* Filters for desk_ticket_list; 0 / NULL means "any". */
struct desk_ticket_filter {
	int64_t requester_id;
	int64_t organization_id;
	int64_t assignee_id;
	int64_t group_id;
	const char *status;
	const int64_t *ids; /* show_many */
	int nids;
};

int desk_ticket_create(struct db *db, const struct desk_actor *a, json_t *in,
		       const char *idempotency_key, json_t **out, struct desk_err *err);
int desk_ticket_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out);
int desk_ticket_update(struct db *db, const struct desk_actor *a, int64_t id, json_t *in,
		       json_t **out, struct desk_err *err);
int desk_ticket_delete(struct db *db, const struct desk_actor *a, int64_t id,
		       struct desk_err *err);
int desk_ticket_list(struct db *db, const struct desk_actor *a,
		     const struct desk_ticket_filter *f, const struct desk_page *p,
		     struct desk_list *out);
/* Comments visible to the actor (internal notes hidden from end-users), oldest first. */
int desk_comment_list(struct db *db, const struct desk_actor *a, int64_t ticket_id,
		      const struct desk_page *p, struct desk_list *out);
/* Tags: op is 's' (set/replace), 'a' (add), 'r' (remove). *out is the resulting array. */
int desk_ticket_tags(struct db *db, const struct desk_actor *a, int64_t ticket_id, char op,
		     json_t *tags, json_t **out, struct desk_err *err);
/* Events of one ticket (the audit trail), oldest first; agents only. */
int desk_ticket_events(struct db *db, const struct desk_actor *a, int64_t ticket_id,
		       const struct desk_page *p, struct desk_list *out);

/* ---- requests: the end-user's view of tickets (desk/request.c) ---- */
int desk_request_create(struct db *db, const struct desk_actor *a, json_t *in, json_t **out,
			struct desk_err *err);
int desk_request_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out);
int desk_request_update(struct db *db, const struct desk_actor *a, int64_t id, json_t *in,
			json_t **out, struct desk_err *err);
int desk_request_list(struct db *db, const struct desk_actor *a, const char *status,
		      const struct desk_page *p, struct desk_list *out);

/* ---- users (desk/user.c) ---- */
struct desk_user_filter {
	const char *role;      /* "end-user" | "agent" | "admin" | NULL */
	int64_t organization_id;
	int64_t group_id;      /* agents in a group */
	const char *query;     /* users/search: name or e-mail contains */
	const char *email;     /* exact e-mail */
	const char *external_id; /* exact external id */
	const int64_t *ids;
	int nids;
};
int desk_user_create(struct db *db, const struct desk_actor *a, json_t *in, json_t **out,
		     struct desk_err *err);
int desk_user_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out);
int desk_user_update(struct db *db, const struct desk_actor *a, int64_t id, json_t *in,
		     json_t **out, struct desk_err *err);
int desk_user_delete(struct db *db, const struct desk_actor *a, int64_t id,
		     struct desk_err *err);
int desk_user_list(struct db *db, const struct desk_actor *a, const struct desk_user_filter *f,
		   const struct desk_page *p, struct desk_list *out);
/* Finds an end-user by e-mail or creates one (name defaults to the e-mail's local part).
 * Runs inside the caller's transaction. */
int desk_user_find_or_create(struct db *db, const char *email, const char *name,
			     int64_t *id, struct desk_err *err);
/* Sets a password (argon2id). Admins may set anyone's; users their own. */
int desk_user_set_password(struct db *db, const struct desk_actor *a, int64_t id,
			   const char *password, struct desk_err *err);

/* ---- organizations (desk/org.c) ---- */
int desk_org_create(struct db *db, const struct desk_actor *a, json_t *in, json_t **out,
		    struct desk_err *err);
int desk_org_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out);
int desk_org_update(struct db *db, const struct desk_actor *a, int64_t id, json_t *in,
		    json_t **out, struct desk_err *err);
int desk_org_delete(struct db *db, const struct desk_actor *a, int64_t id,
		    struct desk_err *err);
int desk_org_list(struct db *db, const struct desk_actor *a, const struct desk_page *p,
		  struct desk_list *out);

/* ---- groups and memberships (desk/group.c) ---- */
int desk_group_create(struct db *db, const struct desk_actor *a, json_t *in, json_t **out,
		      struct desk_err *err);
int desk_group_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out);
int desk_group_update(struct db *db, const struct desk_actor *a, int64_t id, json_t *in,
		      json_t **out, struct desk_err *err);
int desk_group_delete(struct db *db, const struct desk_actor *a, int64_t id,
		      struct desk_err *err);
int desk_group_list(struct db *db, const struct desk_actor *a, int64_t user_id,
		    const struct desk_page *p, struct desk_list *out);
int desk_membership_create(struct db *db, const struct desk_actor *a, json_t *in,
			   json_t **out, struct desk_err *err);
int desk_membership_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out);
int desk_membership_delete(struct db *db, const struct desk_actor *a, int64_t id,
			   struct desk_err *err);
/* user_id / group_id 0 = any */
int desk_membership_list(struct db *db, const struct desk_actor *a, int64_t user_id,
			 int64_t group_id, const struct desk_page *p, struct desk_list *out);

/* ---- search (desk/search.c) ---- */
/* Runs a Zendesk-syntax query ("printer status<solved assignee:me type:ticket"). Results are
 * records with "result_type". Only objects the actor may see are returned or counted. */
int desk_search(struct db *db, const struct desk_actor *a, const char *query,
		const struct desk_page *p, struct desk_list *out, struct desk_err *err);

/* ---- credentials (desk/auth.c) ---- */
/* Resolves an API token / session cookie / password to an actor. HELPO_EAUTH if invalid. */
int desk_auth_token(struct db *db, const char *token, const char *email,
		    struct desk_actor *out);
int desk_auth_password(struct db *db, const char *email, const char *password,
		       struct desk_actor *out);
int desk_auth_session(struct db *db, const char *cookie, struct desk_actor *out,
		      char csrf[64]);
/* Creates an API token for user_id; the token (shown once) goes to token_out. */
int desk_token_create(struct db *db, int64_t user_id, const char *description,
		      char token_out[64], int64_t *token_id);
/* Creates a web session: cookie value and CSRF token out; lifetime in ms. */
int desk_session_create(struct db *db, int64_t user_id, int64_t lifetime_ms,
			char cookie_out[64], char csrf_out[64]);
int desk_session_delete(struct db *db, const char *cookie);
/* Loads the actor for a user id (active users only). */
int desk_actor_load(struct db *db, int64_t user_id, struct desk_actor *out);

/* ---- e-mail (desk/email.c): committing one parsed message ---- */

/* An address: email lower-cased and valid (text_email_normalize), name decoded UTF-8 or "". */
struct desk_email_addr {
	const char *name;
	const char *email;
};

struct desk_email_att {
	const char *file_name;    /* decoded, display only (never a path); "" when none */
	const char *content_type; /* "type/subtype", lower-case */
	const char *content_id;   /* without <>, for inline images; NULL when none */
	bool is_inline;
	const void *data;
	size_t size;
};

/*
 * A parsed message, as src/mail/ hands it to the domain. Every string is valid UTF-8 and
 * borrowed from the parser (see mail/mail.h for ownership). Missing headers are NULL.
 */
struct desk_email {
	char ingest_id[65];         /* SHA-256 hex of the raw bytes: the dedupe key */
	const char *mailbox;        /* support address it came in through (lower-case) or NULL */
	struct desk_email_addr from;
	const struct desk_email_addr *to, *cc;
	int nto, ncc;
	const char *subject;
	const char *message_id;     /* without <> */
	const char *in_reply_to;    /* without <> */
	const char *const *references; /* without <>, oldest first */
	int nrefs;
	const char *text;           /* the full plain text (from text/plain, or from the HTML) */
	const char *text_trimmed;   /* the new part only: quoted reply and signature removed */
	const char *html;           /* the HTML part as sent (sanitized by desk before storing) */
	const struct desk_email_att *atts;
	int natts;
	int64_t date;               /* Date header in ms, 0 when missing or invalid */
	bool auto_submitted;        /* Auto-Submitted (not "no"), Precedence bulk/junk/list,
				       List-Id, empty Return-Path, or our own X-Loop */
	bool is_bounce;             /* a delivery status notification (multipart/report) */
	const char *bounce_message_id; /* Message-ID of the bounced message, when found */
	const char *bounce_status;  /* e.g. "5.1.1", when found */
	bool truncated;             /* a parser limit was reached: content kept, some dropped */
};

struct desk_ingest_result {
	char outcome[16];   /* ticket | comment | review | bounce | ignored */
	int64_t ticket_id;  /* 0 when none */
	int64_t comment_id; /* 0 when none */
	bool duplicate;     /* this ingest_id was committed before: nothing changed */
};

/*
 * Commits one message in one transaction keyed by m->ingest_id (a second call with the same id
 * changes nothing and reports duplicate). Threads by our Message-IDs in In-Reply-To/References,
 * then by a signed ticket tag in the subject; a reply from someone who is not the requester, a
 * collaborator or an agent of the ticket becomes an internal note flagged "review" (or a new
 * ticket when nothing matched). CC'd addresses become collaborators. A bounce is recorded on the
 * ticket it belongs to as an internal note flagged "bounce", never as a reply.
 */
int desk_email_ingest(struct db *db, const struct desk_email *m, struct desk_ingest_result *out,
		      struct desk_err *err);
/* The subject tag for a ticket, e.g. "[#123-5f2a9c1b]" (signed with the install secret). */
int desk_ticket_tag(struct db *db, int64_t ticket_id, char out[64]);
/* Finds and verifies a tag in a subject: ticket id, or 0 when none or the signature is bad. */
int64_t desk_ticket_tag_parse(struct db *db, const char *subject);

/* ---- mailboxes: support addresses (desk/mailbox.c) ---- */
int desk_mailbox_create(struct db *db, const struct desk_actor *a, json_t *in, json_t **out,
			struct desk_err *err);
int desk_mailbox_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out);
int desk_mailbox_update(struct db *db, const struct desk_actor *a, int64_t id, json_t *in,
			json_t **out, struct desk_err *err);
int desk_mailbox_delete(struct db *db, const struct desk_actor *a, int64_t id,
			struct desk_err *err);
int desk_mailbox_list(struct db *db, const struct desk_actor *a, const struct desk_page *p,
		      struct desk_list *out);

/* ---- attachments (desk/attachment.c) ---- */
/* Metadata record ({id, file_name, content_type, size, inline, content_url...}) of an
 * attachment the actor may see (through its ticket and, for end-users, a public comment). */
int desk_attachment_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out);
/* The bytes: *data is malloc'd (caller frees). */
int desk_attachment_data(struct db *db, const struct desk_actor *a, int64_t id, void **data,
			 size_t *size, char **content_type, char **file_name);
/* An API upload (POST /api/v2/uploads): stores the file, unattached, for its uploader only;
 * *out = {"token", "expires_at", "attachment", "attachments": [..]} (Zendesk's shape).
 * Unused uploads expire after 3 days. HELPO_EINVAL (bad name), HELPO_ETOOBIG (too large). */
int desk_upload_create(struct db *db, const struct desk_actor *a, const char *file_name,
		       const char *content_type, const void *data, size_t len, json_t **out,
		       struct desk_err *err);
/* Attaches the uploads named by `tokens` (a JSON array of strings; NULL/null: none) to a new
 * comment; only the actor's own unattached uploads qualify, anything else is HELPO_EINVAL
 * ("uploads"). The caller is in the comment's transaction. */
int desk_uploads_attach(struct db *db, const struct desk_actor *a, json_t *tokens,
			int64_t ticket_id, int64_t comment_id, struct desk_err *err);

/* ---- install-wide settings (desk/common.c): small named values in the settings table ---- */
/* *out is malloc'd (caller frees); HELPO_ENOTFOUND when unset. */
int desk_setting_get(struct db *db, const char *name, char **out);
int desk_setting_put(struct db *db, const char *name, const char *value);

/* ---- events (desk/event.c) ---- */
/* Appends one event in the caller's transaction. payload may be NULL ({}); it is borrowed. */
int desk_event_add(struct db *db, int64_t ticket_id, int64_t actor_id, const char *kind,
		   json_t *payload);

#endif
