/*
 * mailbox.c — support addresses (Zendesk's "recipient addresses"): the addresses customers
 * write to, each routed to a group, with a sender name, a signature, a notification locale
 * and whether new tickets are acknowledged by mail.
 *
 * Admins write; agents and admins read; end-users see none (a single read is
 * HELPO_ENOTFOUND, a list HELPO_EFORBIDDEN). Addresses are stored lower-cased and unique. At
 * most one mailbox is the default (the first one created becomes it; deleting the default
 * promotes the oldest remaining one). Records carry Zendesk's fields (verification statuses
 * are always "verified": the MTA, not Helpo, receives the mail) plus Helpo's group_id,
 * signature, locale and send_ack.
 */
#include "desk/desk_int.h"
#include "util/text.h"
#include "util/timeutil.h"

static const char *const mailbox_keys[] = {
	"email", "name", "default", "group_id", "signature", "locale", "send_ack",
	/* accepted, ignored (read-only or not implemented) */
	"id", "url", "brand_id", "forwarding_status", "spf_status", "cname_status",
	"domain_verification_status", "domain_verification_code", "dns_results", "created_at",
	"updated_at", NULL};
static const char *const locales[] = {"en", "lv", "lt", "ru", "eo", NULL};

#define MAILBOX_COLS                                                                             \
	"m.id, m.email, m.name, m.group_id, m.signature, m.locale, m.is_default, m.send_ack, "  \
	"m.created_at, m.updated_at"

static json_t *mailbox_row_at(struct db_stmt *st, int o)
{
	json_t *m = json_object();
	json_object_set_new(m, "id", json_integer(db_col_int(st, o + 0)));
	json_object_set_new(m, "brand_id", json_null());
	json_object_set_new(m, "default", json_boolean(db_col_int(st, o + 6)));
	json_object_set_new(m, "name", json_string(db_col_text(st, o + 2)));
	json_object_set_new(m, "email", json_string(db_col_text(st, o + 1)));
	json_object_set_new(m, "forwarding_status", json_string("verified"));
	json_object_set_new(m, "spf_status", json_string("verified"));
	json_object_set_new(m, "cname_status", json_string("verified"));
	json_object_set_new(m, "created_at", jtime(db_col_int(st, o + 8)));
	json_object_set_new(m, "updated_at", jtime(db_col_int(st, o + 9)));
	json_object_set_new(m, "group_id", jid(db_col_int(st, o + 3)));
	json_object_set_new(m, "signature", json_string(db_col_text(st, o + 4)));
	json_object_set_new(m, "locale", json_string(db_col_text(st, o + 5)));
	json_object_set_new(m, "send_ack", json_boolean(db_col_int(st, o + 7)));
	return m;
}

static int mailbox_load(struct db *db, int64_t id, json_t **out)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT " MAILBOX_COLS " FROM mailboxes m WHERE m.id = ?", "i",
			  id);
	if (rc)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW) {
		*out = mailbox_row_at(st, 0);
		rc = 0;
	} else if (rc == DB_DONE)
		rc = HELPO_ENOTFOUND;
	db_done(st);
	return rc;
}

static int admin_only(const struct desk_actor *a, struct desk_err *err)
{
	if (a->role == DESK_ADMIN)
		return 0;
	if (a->role == DESK_END_USER)
		return HELPO_ENOTFOUND;
	return desk_fail(err, HELPO_EFORBIDDEN, "", "only admins may change support addresses");
}

/* Parsed input; f_* are JF_* (JF_NULL folded into a value where null means "empty"). */
struct mailbox_in {
	int f_email, f_name, f_default, f_group, f_sig, f_locale, f_ack;
	char email[HELPO_MAX_EMAIL_BYTES + 1];
	const char *name, *sig, *locale;
	bool is_default, send_ack;
	int64_t group;
};

static int parse_mailbox(struct db *db, json_t *in, struct mailbox_in *m, struct desk_err *err)
{
	const char *email;
	int rc;
	memset(m, 0, sizeof *m);
	if ((rc = jcheck_keys(in, "recipient_address", mailbox_keys, err)))
		return rc;
	if ((m->f_email = rc = jget_str(in, "email", HELPO_MAX_EMAIL_BYTES, &email, err)) < 0 ||
	    (m->f_name = rc = jget_str(in, "name", HELPO_MAX_NAME_BYTES, &m->name, err)) < 0 ||
	    (m->f_default = rc = jget_bool(in, "default", &m->is_default, err)) < 0 ||
	    (m->f_group = rc = jget_id(in, "group_id", &m->group, err)) < 0 ||
	    (m->f_sig = rc = jget_str(in, "signature", HELPO_MAX_TEXT_BYTES, &m->sig, err)) < 0 ||
	    (m->f_locale = rc = jget_enum(in, "locale", locales, &m->locale, err)) < 0 ||
	    (m->f_ack = rc = jget_bool(in, "send_ack", &m->send_ack, err)) < 0)
		return rc;
	if (m->f_email == JF_NULL)
		return desk_fail(err, HELPO_EINVAL, "email", "cannot be blank");
	if (m->f_email == JF_VALUE) {
		snprintf(m->email, sizeof m->email, "%s", email);
		if (text_email_normalize(m->email))
			return desk_fail(err, HELPO_EINVAL, "email",
					 "Email: %s is not properly formatted", email);
	}
	if (m->f_name == JF_NULL) {
		m->f_name = JF_VALUE;
		m->name = "";
	}
	if (m->f_sig == JF_NULL) {
		m->f_sig = JF_VALUE;
		m->sig = "";
	}
	if (m->f_locale == JF_NULL)
		return desk_fail(err, HELPO_EINVAL, "locale", "must be one of: en, lv, lt, ru, eo");
	if (m->f_default == JF_NULL)
		m->f_default = JF_ABSENT;
	if (m->f_ack == JF_NULL)
		m->f_ack = JF_ABSENT;
	if ((m->name && !text_utf8_valid(m->name, strlen(m->name))) ||
	    (m->sig && !text_utf8_valid(m->sig, strlen(m->sig))))
		return desk_fail(err, HELPO_EINVAL, m->name ? "name" : "signature",
				 "must be UTF-8 text");
	if (m->name && strpbrk(m->name, "\r\n"))
		return desk_fail(err, HELPO_EINVAL, "name", "must be one line");
	if (m->f_group == JF_VALUE) {
		int64_t one;
		rc = db_int(db, &one, "SELECT 1 FROM groups WHERE id = ? AND deleted = 0", "i",
			    m->group);
		if (rc == HELPO_ENOTFOUND)
			return desk_fail(err, HELPO_EINVAL, "group_id", "no such group");
		if (rc)
			return rc;
	}
	return 0;
}

static int email_taken(struct db *db, const char *email, int64_t self, struct desk_err *err)
{
	int64_t other;
	int rc = db_int(db, &other, "SELECT id FROM mailboxes WHERE email = ?", "s", email);
	if (rc == HELPO_ENOTFOUND || (!rc && other == self))
		return 0;
	if (rc)
		return rc;
	return desk_fail(err, HELPO_ECONFLICT, "email", "Email: %s has already been taken", email);
}

/* Appends the event and commits; rolls back on failure. payload is stolen. */
static int event_commit(struct db *db, const struct desk_actor *a, const char *kind,
			json_t *payload)
{
	int rc = desk_event_add(db, 0, a->id, kind, payload);
	json_decref(payload);
	if (rc || (rc = db_commit(db)))
		db_rollback(db);
	return rc;
}

int desk_mailbox_create(struct db *db, const struct desk_actor *a, json_t *in, json_t **out,
			struct desk_err *err)
{
	struct mailbox_in m;
	int64_t id, n = 0, now = time_now_ms();
	int rc;
	*out = NULL;
	if ((rc = admin_only(a, err)))
		return rc;
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = parse_mailbox(db, in, &m, err)))
		goto rollback;
	if (m.f_email != JF_VALUE) {
		rc = desk_fail(err, HELPO_EINVAL, "email", "cannot be blank");
		goto rollback;
	}
	if ((rc = email_taken(db, m.email, 0, err)))
		goto rollback;
	if ((rc = db_int(db, &n, "SELECT count(*) FROM mailboxes", "")))
		goto rollback;
	if (n == 0)
		m.is_default = true; /* there is always a default once there is a mailbox */
	if (m.is_default &&
	    (rc = db_exec(db, "UPDATE mailboxes SET is_default = 0, updated_at = ? "
			      "WHERE is_default = 1",
			  "i", now)))
		goto rollback;
	rc = db_int(db, &id,
		    "INSERT INTO mailboxes (email, name, group_id, signature, locale, is_default, "
		    "send_ack, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
		    "RETURNING id",
		    "ssIssiiii", m.email, m.name ? m.name : "", m.group, m.sig ? m.sig : "",
		    m.locale ? m.locale : "en", (int64_t)m.is_default, (int64_t)m.send_ack, now, now);
	if (rc == HELPO_ECONFLICT)
		rc = desk_fail(err, HELPO_ECONFLICT, "email", "Email: %s has already been taken",
			       m.email);
	if (rc || (rc = mailbox_load(db, id, out)))
		goto rollback;
	if ((rc = event_commit(db, a, "mailbox.created", json_incref(*out))))
		goto fail;
	return 0;
rollback:
	db_rollback(db);
fail:
	json_decref(*out);
	*out = NULL;
	return rc;
}

int desk_mailbox_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out)
{
	*out = NULL;
	if (!desk_is_staff(a))
		return HELPO_ENOTFOUND;
	return mailbox_load(db, id, out);
}

int desk_mailbox_update(struct db *db, const struct desk_actor *a, int64_t id, json_t *in,
			json_t **out, struct desk_err *err)
{
	struct mailbox_in m;
	struct buf set = BUF_INIT(1024);
	struct db_args args = {0};
	struct db_stmt *st;
	json_t *before = NULL;
	int64_t now = time_now_ms();
	int rc;
	*out = NULL;
	if ((rc = admin_only(a, err)))
		return rc;
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = mailbox_load(db, id, &before)) || (rc = parse_mailbox(db, in, &m, err)))
		goto rollback;
	if (m.f_email == JF_VALUE && (rc = email_taken(db, m.email, id, err)))
		goto rollback;
	if (m.f_default && !m.is_default && json_is_true(json_object_get(before, "default"))) {
		/* Zendesk: make another address the default instead */
		rc = desk_fail(err, HELPO_EINVAL, "default",
			       "make another address the default instead");
		goto rollback;
	}
	if (m.f_default && m.is_default &&
	    (rc = db_exec(db, "UPDATE mailboxes SET is_default = 0, updated_at = ? "
			      "WHERE is_default = 1 AND id <> ?",
			  "ii", now, id)))
		goto rollback;
	buf_adds(&set, "UPDATE mailboxes SET updated_at = ?");
	db_args_int(&args, now);
	if (m.f_email == JF_VALUE) {
		buf_adds(&set, ", email = ?");
		db_args_text(&args, m.email);
	}
	if (m.f_name) {
		buf_adds(&set, ", name = ?");
		db_args_text(&args, m.name);
	}
	if (m.f_sig) {
		buf_adds(&set, ", signature = ?");
		db_args_text(&args, m.sig);
	}
	if (m.f_locale == JF_VALUE) {
		buf_adds(&set, ", locale = ?");
		db_args_text(&args, m.locale);
	}
	if (m.f_group) {
		buf_adds(&set, ", group_id = ?");
		if (m.f_group == JF_VALUE)
			db_args_int(&args, m.group);
		else
			db_args_text(&args, NULL);
	}
	if (m.f_default) {
		buf_adds(&set, ", is_default = ?");
		db_args_int(&args, m.is_default);
	}
	if (m.f_ack) {
		buf_adds(&set, ", send_ack = ?");
		db_args_int(&args, m.send_ack);
	}
	buf_adds(&set, " WHERE id = ?");
	db_args_int(&args, id);
	if ((rc = db_query_args(db, &st, set.data, &args)))
		goto rollback;
	rc = db_step(st);
	db_done(st);
	if (rc == HELPO_ECONFLICT)
		rc = desk_fail(err, HELPO_ECONFLICT, "email", "Email: %s has already been taken",
			       m.email);
	if (rc < 0 || (rc = mailbox_load(db, id, out)))
		goto rollback;
	if ((rc = event_commit(db, a, "mailbox.updated",
			       json_pack("{s:I,s:O,s:O}", "mailbox_id", (json_int_t)id, "before",
					 before, "after", *out))))
		goto fail;
	goto out;
rollback:
	db_rollback(db);
fail:
	json_decref(*out);
	*out = NULL;
out:
	json_decref(before);
	buf_release(&set);
	return rc;
}

int desk_mailbox_delete(struct db *db, const struct desk_actor *a, int64_t id,
			struct desk_err *err)
{
	int64_t was_default, now = time_now_ms();
	int rc;
	if ((rc = admin_only(a, err)) || (rc = db_begin(db)))
		return rc;
	if ((rc = db_int(db, &was_default, "SELECT is_default FROM mailboxes WHERE id = ?", "i",
			 id)) ||
	    (rc = db_exec(db, "DELETE FROM mailboxes WHERE id = ?", "i", id)))
		goto fail;
	if (was_default &&
	    (rc = db_exec(db,
			  "UPDATE mailboxes SET is_default = 1, updated_at = ? WHERE id = "
			  "(SELECT min(id) FROM mailboxes)",
			  "i", now)))
		goto fail;
	return event_commit(db, a, "mailbox.deleted",
			    json_pack("{s:I}", "mailbox_id", (json_int_t)id));
fail:
	db_rollback(db);
	return rc;
}

int desk_mailbox_list(struct db *db, const struct desk_actor *a, const struct desk_page *p,
		      struct desk_list *out)
{
	struct buf sql = BUF_INIT(1024);
	struct db_args args = {0};
	const char *key;
	int rc;
	memset(out, 0, sizeof *out);
	out->count = -1;
	if (!desk_is_staff(a))
		return HELPO_EFORBIDDEN;
	{
		static const char *const keys[] = {"m.id", "m.created_at", "m.updated_at"};
		if (!(key = page_std_key(p->sort, keys)))
			return HELPO_EINVAL;
	}
	if (!p->cursor && (rc = db_int(db, &out->count, "SELECT count(*) FROM mailboxes", "")))
		return rc;
	buf_addf(&sql, "SELECT %s, " MAILBOX_COLS " FROM mailboxes m WHERE 1 = 1", key);
	rc = page_run(db, &sql, &args, p, key, "m.id", mailbox_row_at, out);
	buf_release(&sql);
	if (rc)
		desk_list_release(out);
	return rc;
}
