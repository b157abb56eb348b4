/*
 * notify.c — mail caused by a change: the desk_notify_* hooks (desk_int.h) queue outbox rows
 * in the caller's write transaction; nothing is sent here (jobs/mail_out.c sends).
 *
 * Who gets what:
 *   - a public comment by staff (agent/admin) who is not the requester: one "reply" row to the
 *     requester and the collaborators;
 *   - a public comment by anyone else (the customer, a collaborator): one "notify_comment" row
 *     to the ticket's assignee, when that is an agent other than the author whose
 *     notify_assignments preference is on (the assignee owns the conversation, so the
 *     assignment preference governs it);
 *   - an internal note: nothing;
 *   - a new ticket: one "notify_new" row to every active agent of the ticket's group with
 *     notify_new_tickets on (other than the submitter and the requester), and, when the ticket
 *     came by e-mail through a mailbox with send_ack, an "ack" row to the requester (automatic:
 *     RFC 3834) unless the message was auto-submitted or a bounce, or the requester already got
 *     the hourly/daily cap of automatic mail (auto_replies);
 *   - an assignment: one "notify_assign" row to the new assignee, unless they assigned
 *     themselves or turned notify_assignments off.
 * Everywhere: users without an e-mail, inactive users and our own support addresses are never
 * recipients; when no mailbox exists at all nothing is queued (and it is not an error).
 *
 * Message-IDs (fixed at queue time so retries resend the same message), recorded in
 * mail_threads so replies thread onto the ticket:
 *   helpo-T{ticket}-{R|C|N|G}{comment or user id}-{8 random hex}@{host}   (R reply,
 *   C notify_comment, N notify_new, G notify_assign) and, for acks, deterministic per ingested
 *   message whatever ticket it made: helpo-ack-{first 32 hex of ingest_id}@{host} — a second
 *   ack for the same message finds that Message-ID taken (outbox.message_id is UNIQUE) and is
 *   skipped before it counts against the caps.
 * host: settings "mail_hostname" (stored from conf by `helpo serve`), else "helpo.localhost".
 * Caps: settings "auto_reply_hourly"/"auto_reply_daily" when present, else the defaults named
 * in desk/notify_int.h (desk cannot see conf).
 */
#include "desk/notify_int.h"
#include "desk/ticket_int.h"
#include "util/timeutil.h"
#include <sodium.h>

#define HOUR_MS (3600LL * 1000)
#define DAY_MS (24 * HOUR_MS)

void desk_mail_hostname(struct db *db, char *out, size_t len)
{
	char *v = NULL;
	if (!desk_setting_get(db, "mail_hostname", &v) && v && *v && !strpbrk(v, "<>@ \t\r\n"))
		snprintf(out, len, "%s", v);
	else
		snprintf(out, len, "%s", HELPO_MAIL_HOSTNAME_DEFAULT);
	free(v);
}

/* An integer setting, or def when unset or not a positive number. */
static int64_t setting_int(struct db *db, const char *name, int64_t def)
{
	char *v = NULL, *end;
	long long n;
	if (desk_setting_get(db, name, &v))
		return def;
	n = strtoll(v, &end, 10);
	if (end == v || *end || n < 0)
		n = def;
	free(v);
	return n;
}

/* The mailbox that sends mail about a ticket: the one a message came in through (addr), else
 * the ticket group's, else the default, else the oldest. HELPO_ENOTFOUND when none exists. */
static int pick_mailbox(struct db *db, int64_t ticket_id, const char *addr, int64_t *id,
			bool *send_ack)
{
	struct db_stmt *st;
	int rc = db_query(db, &st,
			  "SELECT id, send_ack FROM mailboxes ORDER BY (email = ?) DESC, "
			  "(group_id IS NOT NULL AND group_id = "
			  "(SELECT group_id FROM tickets WHERE id = ?)) DESC, is_default DESC, id "
			  "LIMIT 1",
			  "si", addr, ticket_id);
	if (rc)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		if (send_ack)
			*send_ack = db_col_int(st, 1) != 0;
		rc = 0;
	} else if (rc == DB_DONE)
		rc = HELPO_ENOTFOUND;
	db_done(st);
	return rc;
}

/* Appends the first column of every row to arr (as strings, deduplicated). */
static int collect(struct db_stmt *st, json_t *arr)
{
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *e = db_col_text(st, 0);
		size_t i;
		json_t *v;
		bool dup = false;
		if (!e || !*e)
			continue;
		json_array_foreach (arr, i, v)
			dup = dup || !strcmp(json_string_value(v), e);
		if (!dup && json_array_append_new(arr, json_string(e)))
			rc = HELPO_ENOMEM;
		if (rc < 0)
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* Queues one row (skipped silently when its Message-ID exists already: a repeated ack). */
struct row {
	const char *kind;
	char letter;
	int64_t ticket_id, ref_id, comment_id, mailbox_id;
	json_t *rcpt;
	bool automatic;
	const char *ingest_id; /* ack: makes the Message-ID deterministic */
};

static int outbox_add(struct db *db, const struct row *r)
{
	char host[128], mid[320], *rcpt;
	int64_t now = time_now_ms(), row_id = 0;
	int rc;
	if (!json_array_size(r->rcpt))
		return 0;
	desk_mail_hostname(db, host, sizeof host);
	if (r->ingest_id)
		snprintf(mid, sizeof mid, "helpo-ack-%.32s@%s", r->ingest_id, host);
	else
		snprintf(mid, sizeof mid, "helpo-T%lld-%c%lld-%08x@%s", (long long)r->ticket_id,
			 r->letter, (long long)r->ref_id, (unsigned)randombytes_random(), host);
	if (!(rcpt = json_dumps(r->rcpt, JSON_COMPACT)))
		return HELPO_ENOMEM;
	rc = db_int(db, &row_id,
		    "INSERT INTO outbox (kind, ticket_id, comment_id, mailbox_id, recipients, "
		    "message_id, automatic, next_attempt_at, created_at) "
		    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING "
		    "RETURNING id",
		    "siIissiii", r->kind, r->ticket_id, r->comment_id, r->mailbox_id, rcpt, mid,
		    (int64_t)r->automatic, now, now);
	free(rcpt);
	if (rc)
		return rc == HELPO_ENOTFOUND ? 0 : rc; /* the Message-ID exists: skipped */
	rc = db_exec(db,
		     "INSERT INTO mail_threads (message_id, ticket_id, created_at) VALUES (?, ?, ?) "
		     "ON CONFLICT (message_id) DO NOTHING",
		     "sii", mid, r->ticket_id, now);
	if (!rc && r->comment_id && !strcmp(r->kind, "reply"))
		rc = db_exec(db, "UPDATE comments SET message_id = ? WHERE id = ? AND "
				 "message_id IS NULL", "si", mid, r->comment_id);
	return rc;
}

/* A staff member's e-mail when they should get notify mail: active, has an e-mail, and the
 * preference column (notify_assignments or notify_new_tickets) on. */
static int staff_notify_addr(struct db *db, int64_t user_id, json_t *rcpt)
{
	struct db_stmt *st;
	int rc = db_query(db, &st,
			  "SELECT email FROM users WHERE id = ? AND role IN ('agent', 'admin') AND "
			  "active = 1 AND notify_assignments = 1 AND "
			  "email NOT IN (SELECT email FROM mailboxes)",
			  "i", user_id);
	return rc ? rc : collect(st, rcpt);
}

int desk_notify_comment(struct db *db, int64_t ticket_id, int64_t comment_id, int64_t author_id,
			bool is_public)
{
	struct db_stmt *st;
	struct row r = {.ticket_id = ticket_id, .ref_id = comment_id, .comment_id = comment_id};
	int64_t requester = 0, assignee = 0, staff = 0;
	int rc;
	if (!is_public)
		return 0;
	rc = db_query(db, &st,
		      "SELECT t.requester_id, coalesce(t.assignee_id, 0), "
		      "(SELECT role IN ('agent', 'admin') FROM users WHERE id = ?) "
		      "FROM tickets t WHERE t.id = ?",
		      "ii", author_id, ticket_id);
	if (rc)
		return rc;
	if ((rc = db_step(st)) == DB_ROW) {
		requester = db_col_int(st, 0);
		assignee = db_col_int(st, 1);
		staff = db_col_int(st, 2);
	}
	db_done(st);
	if (rc != DB_ROW)
		return rc < 0 ? rc : 0;
	rc = pick_mailbox(db, ticket_id, NULL, &r.mailbox_id, NULL);
	if (rc)
		return rc == HELPO_ENOTFOUND ? 0 : rc;
	if (!(r.rcpt = json_array()))
		return HELPO_ENOMEM;
	if (staff && author_id != requester) {
		r.kind = "reply";
		r.letter = 'R';
		rc = db_query(db, &st,
			      "SELECT u.email FROM users u WHERE u.active = 1 AND u.id <> ? AND "
			      "u.email IS NOT NULL AND u.email NOT IN (SELECT email FROM mailboxes) "
			      "AND (u.id = ? OR u.id IN (SELECT user_id FROM ticket_collaborators "
			      "WHERE ticket_id = ?)) ORDER BY u.id <> ?, u.id",
			      "iiii", author_id, requester, ticket_id, requester);
		if (!rc)
			rc = collect(st, r.rcpt);
	} else if (assignee && assignee != author_id) {
		r.kind = "notify_comment";
		r.letter = 'C';
		rc = staff_notify_addr(db, assignee, r.rcpt);
	}
	if (!rc && r.kind)
		rc = outbox_add(db, &r);
	json_decref(r.rcpt);
	return rc;
}

/* True when address already got the capped number of automatic mails; else counts one more. */
static int auto_reply_take(struct db *db, const char *address, bool *allowed)
{
	int64_t now = time_now_ms(), hour = 0, day = 0;
	int64_t cap_h = setting_int(db, "auto_reply_hourly", HELPO_AUTO_REPLY_HOURLY_DEFAULT);
	int64_t cap_d = setting_int(db, "auto_reply_daily", HELPO_AUTO_REPLY_DAILY_DEFAULT);
	int rc;
	*allowed = false;
	if ((rc = db_exec(db, "DELETE FROM auto_replies WHERE address = ? AND sent_at < ?", "si",
			  address, now - 2 * DAY_MS)) ||
	    (rc = db_int(db, &hour,
			 "SELECT count(*) FROM auto_replies WHERE address = ? AND sent_at > ?",
			 "si", address, now - HOUR_MS)) ||
	    (rc = db_int(db, &day,
			 "SELECT count(*) FROM auto_replies WHERE address = ? AND sent_at > ?",
			 "si", address, now - DAY_MS)))
		return rc;
	if (hour >= cap_h || day >= cap_d)
		return 0;
	*allowed = true;
	return db_exec(db, "INSERT INTO auto_replies (address, sent_at) VALUES (?, ?)", "si",
		       address, now);
}

static int queue_ack(struct db *db, int64_t ticket_id, int64_t requester,
		     const struct desk_email *m)
{
	struct db_stmt *st;
	struct row r = {.kind = "ack", .letter = 'A', .ticket_id = ticket_id, .automatic = true,
			.ingest_id = m->ingest_id};
	bool send_ack = false, allowed = false;
	char host[128], mid[320];
	int64_t taken = 0;
	int rc;
	if (m->auto_submitted || m->is_bounce || !m->ingest_id[0])
		return 0;
	desk_mail_hostname(db, host, sizeof host);
	snprintf(mid, sizeof mid, "helpo-ack-%.32s@%s", m->ingest_id, host);
	if ((rc = db_int(db, &taken, "SELECT count(*) FROM outbox WHERE message_id = ?", "s",
			 mid)) || taken)
		return rc;
	rc = pick_mailbox(db, ticket_id, m->mailbox, &r.mailbox_id, &send_ack);
	if (rc || !send_ack)
		return rc == HELPO_ENOTFOUND ? 0 : rc;
	if (!(r.rcpt = json_array()))
		return HELPO_ENOMEM;
	rc = db_query(db, &st,
		      "SELECT email FROM users WHERE id = ? AND active = 1 AND email IS NOT NULL "
		      "AND email NOT IN (SELECT email FROM mailboxes)",
		      "i", requester);
	if (!rc)
		rc = collect(st, r.rcpt);
	if (!rc && json_array_size(r.rcpt))
		rc = auto_reply_take(db, json_string_value(json_array_get(r.rcpt, 0)), &allowed);
	if (!rc && allowed)
		rc = db_int(db, &r.comment_id, "SELECT min(id) FROM comments WHERE ticket_id = ?",
			    "i", ticket_id);
	if (!rc && allowed)
		rc = outbox_add(db, &r);
	json_decref(r.rcpt);
	return rc;
}

int desk_notify_ticket_created(struct db *db, int64_t ticket_id, const struct desk_email *m)
{
	struct db_stmt *st;
	struct row r = {.kind = "notify_new", .letter = 'N', .ticket_id = ticket_id};
	int64_t requester = 0, submitter = 0;
	int rc = db_query(db, &st,
			  "SELECT requester_id, submitter_id, "
			  "(SELECT min(id) FROM comments WHERE ticket_id = t.id) "
			  "FROM tickets t WHERE id = ?",
			  "i", ticket_id);
	if (rc)
		return rc;
	if ((rc = db_step(st)) == DB_ROW) {
		requester = db_col_int(st, 0);
		submitter = db_col_int(st, 1);
		r.comment_id = r.ref_id = db_col_int(st, 2);
	}
	db_done(st);
	if (rc != DB_ROW)
		return rc < 0 ? rc : 0;
	rc = pick_mailbox(db, ticket_id, m ? m->mailbox : NULL, &r.mailbox_id, NULL);
	if (rc)
		return rc == HELPO_ENOTFOUND ? 0 : rc;
	if (!(r.rcpt = json_array()))
		return HELPO_ENOMEM;
	rc = db_query(db, &st,
		      "SELECT u.email FROM group_memberships gm JOIN users u ON u.id = gm.user_id "
		      "JOIN tickets t ON t.id = ? AND t.group_id = gm.group_id "
		      "WHERE u.role IN ('agent', 'admin') AND u.active = 1 AND "
		      "u.notify_new_tickets = 1 AND u.email IS NOT NULL AND u.id <> ? AND "
		      "u.id <> ? AND u.email NOT IN (SELECT email FROM mailboxes) ORDER BY u.id",
		      "iii", ticket_id, requester, submitter);
	if (!rc)
		rc = collect(st, r.rcpt);
	if (!rc)
		rc = outbox_add(db, &r);
	json_decref(r.rcpt);
	if (!rc && m)
		rc = queue_ack(db, ticket_id, requester, m);
	return rc;
}

int desk_notify_assigned(struct db *db, int64_t ticket_id, int64_t assignee_id,
			 int64_t actor_id)
{
	struct row r = {.kind = "notify_assign", .letter = 'G', .ticket_id = ticket_id,
			.ref_id = assignee_id};
	int rc;
	if (!assignee_id || assignee_id == actor_id)
		return 0;
	rc = pick_mailbox(db, ticket_id, NULL, &r.mailbox_id, NULL);
	if (rc)
		return rc == HELPO_ENOTFOUND ? 0 : rc;
	if (!(r.rcpt = json_array()))
		return HELPO_ENOMEM;
	rc = staff_notify_addr(db, assignee_id, r.rcpt);
	if (!rc)
		rc = outbox_add(db, &r);
	json_decref(r.rcpt);
	return rc;
}

/* Who signs the delivery-failure note: the reply's author, else the assignee, else the
 * requester (comments need a real author). */
static int failure_author(struct db *db, int64_t ticket_id, int64_t comment_id, int64_t *out)
{
	return db_int(db, out,
		      "SELECT coalesce((SELECT author_id FROM comments WHERE id = ? AND "
		      "ticket_id = t.id), t.assignee_id, t.requester_id) FROM tickets t "
		      "WHERE t.id = ?",
		      "Ii", comment_id, ticket_id);
}

int desk_mail_undeliverable(struct db *db, int64_t outbox_id, const char *reason)
{
	struct db_stmt *st;
	struct buf note = BUF_INIT(HELPO_MAX_TEXT_BYTES);
	int64_t ticket_id = 0, comment_id = 0, author = 0, cid = 0, now = time_now_ms();
	json_t *rcpt = NULL, *v, *p;
	size_t i;
	int rc;
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = db_query(db, &st,
			   "SELECT coalesce(ticket_id, 0), coalesce(comment_id, 0), recipients "
			   "FROM outbox WHERE id = ?",
			   "i", outbox_id)))
		goto out;
	if ((rc = db_step(st)) == DB_ROW) {
		ticket_id = db_col_int(st, 0);
		comment_id = db_col_int(st, 1);
		rcpt = json_loads(db_col_text(st, 2), 0, NULL);
	}
	db_done(st);
	if (rc != DB_ROW) {
		rc = rc < 0 ? rc : HELPO_ENOTFOUND;
		goto out;
	}
	if ((rc = db_exec(db, "UPDATE outbox SET status = 'failed', last_error = ? WHERE id = ?",
			  "si", reason, outbox_id)))
		goto out;
	if (!ticket_id)
		goto commit;
	buf_adds(&note, "Mail to ");
	json_array_foreach (rcpt, i, v)
		buf_addf(&note, "%s%s", i ? ", " : "", json_string_value(v));
	if (!json_array_size(rcpt))
		buf_adds(&note, "(nobody)");
	if (buf_addf(&note, " could not be delivered: %s", reason)) {
		rc = HELPO_ETOOBIG;
		goto out;
	}
	if ((rc = failure_author(db, ticket_id, comment_id, &author)) ||
	    (rc = desk_comment_insert(db, ticket_id, author, note.data, NULL, false, "mail", now,
				      &cid)) ||
	    (rc = db_exec(db, "UPDATE comments SET flags = 'bounce' WHERE id = ?", "i", cid)) ||
	    (rc = db_exec(db, "UPDATE tickets SET updated_at = ? WHERE id = ?", "ii", now,
			  ticket_id)))
		goto out;
	p = json_pack("{s:I,s:O,s:s,s:I}", "outbox_id", (json_int_t)outbox_id, "recipients",
		      rcpt ? rcpt : json_null(), "reason", reason, "comment_id", (json_int_t)cid);
	rc = p ? desk_event_add(db, ticket_id, 0, "mail.failed", p) : HELPO_ENOMEM;
	json_decref(p);
	if (rc)
		goto out;
commit:
	rc = db_commit(db);
out:
	if (rc)
		db_rollback(db);
	json_decref(rcpt);
	buf_release(&note);
	return rc;
}
