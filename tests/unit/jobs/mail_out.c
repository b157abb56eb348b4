/*
 * tests/unit/jobs/mail_out.c — unit tests for desk/notify.c (who gets which outbox row) and
 * jobs/mail_out.c (rendering, backoff, outcomes), against a real migrated SQLite database.
 *
 * Covers: a staff public reply mails the requester and collaborators but not the author, a
 * support address or a user without e-mail; internal notes queue nothing; a customer's comment
 * notifies the assignee; new-ticket notifications respect notify_new_tickets; assignment
 * notifications skip self-assignment; no mailbox → no row; acks: sent only when the mailbox
 * asks, never to auto-submitted mail or bounces, capped per hour, deterministic per ingest_id;
 * rendered messages carry From/To/Subject tag/Message-ID/In-Reply-To/References/
 * Auto-Submitted/X-Loop/Date/MIME-Version and both parts, encode UTF-8 subjects (RFC 2047) and
 * cannot be made to inject headers; the backoff schedule; outcomes (sent, retried, failed with
 * an internal note, given up after 4 days); an unreachable relay leaves the row queued.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "desk/desk.h"
#include "desk/notify_int.h"
#include "desk/ticket_int.h"
#include "jobs/mail_out.h"
#include "util/conf.h"
#include "util/crypto.h"
#include "../testutil.h"

struct fx {
	struct tdb *t;
	struct db *db;
	struct desk_actor admin, agent, agent2, user;
	int64_t group, collab, nomail, mailbox;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	int64_t id, now = time_now_ms();
	f->t = t_db_open();
	f->db = f->t->db;
	f->group = t_group(f->db, "Support");
	id = t_user(f->db, "admin", "Ada Admin", "ada@example.com", 0);
	f->admin = (struct desk_actor){id, DESK_ADMIN, 0};
	id = t_user(f->db, "agent", "Andris Agent", "andris@example.com", 0);
	f->agent = (struct desk_actor){id, DESK_AGENT, 0};
	t_member(f->db, id, f->group);
	id = t_user(f->db, "agent", "Bea Quiet", "bea@example.com", 0);
	f->agent2 = (struct desk_actor){id, DESK_AGENT, 0};
	t_member(f->db, id, f->group);
	assert_int_equal(db_exec(f->db, "UPDATE users SET notify_new_tickets = 0, "
				 "notify_assignments = 0 WHERE id = ?", "i", id), 0);
	id = t_user(f->db, "end-user", "Ūna User", "una@example.com", 0);
	f->user = (struct desk_actor){id, DESK_END_USER, 0};
	f->collab = t_user(f->db, "end-user", "Cid Collab", "cid@example.com", 0);
	f->nomail = t_user(f->db, "end-user", "No Mail", NULL, 0);
	assert_int_equal(db_int(f->db, &f->mailbox,
				"INSERT INTO mailboxes (email, name, group_id, signature, locale, "
				"is_default, send_ack, created_at, updated_at) VALUES "
				"('support@helpo.test', 'Helpo Support', ?, 'The Helpo team', 'en', 1, "
				"1, ?, ?) RETURNING id",
				"iii", f->group, now, now), 0);
	assert_int_equal(db_exec(f->db, "INSERT INTO settings (name, value) VALUES "
				 "('mail_hostname', 'helpo.test')", ""), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	t_db_close(f->t);
	free(f);
	return 0;
}

static json_t *J(const char *fmt, ...) PRINTF_LIKE(1, 2);
static json_t *J(const char *fmt, ...)
{
	char text[4096];
	va_list ap;
	json_t *v;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	v = json_loads(text, 0, NULL);
	if (!v)
		fail_msg("bad test JSON %s", text);
	return v;
}

/* Creates a ticket by the admin for the user in the Support group; returns its id. */
static int64_t mk_ticket(struct fx *f, const struct desk_email *m)
{
	struct ticket_opts o = {.email = m, .via = m ? "email" : NULL};
	struct desk_err err = {0};
	json_t *in = J("{\"subject\": \"Printer on fire\", \"requester_id\": %lld, \"group_id\": "
		       "%lld, \"comment\": {\"body\": \"It burns\"}}",
		       (long long)f->user.id, (long long)f->group);
	json_t *out = NULL;
	int64_t id;
	int rc = desk_ticket_create_in(f->db, &f->admin, in, NULL, &o, &out, &err);
	if (rc)
		fail_msg("create: %d %s %s", rc, err.field, err.message);
	id = json_integer_value(json_object_get(out, "id"));
	json_decref(in);
	json_decref(out);
	return id;
}

static void comment(struct fx *f, const struct desk_actor *a, int64_t t, bool pub,
		    const char *body)
{
	struct desk_err err = {0};
	/* end-users' comments are posted by the admin in their name (author_id) */
	json_t *in = J("{\"comment\": {\"body\": \"%s\", \"public\": %s, "
		       "\"author_id\": %lld}}",
		       body, pub ? "true" : "false", (long long)a->id);
	if (a->role == DESK_END_USER)
		a = &f->admin;
	json_t *out = NULL;
	int rc = desk_ticket_update(f->db, a, t, in, &out, &err);
	if (rc)
		fail_msg("update: %d %s %s", rc, err.field, err.message);
	json_decref(in);
	json_decref(out);
}

static int64_t count(struct fx *f, const char *kind, int64_t t)
{
	int64_t n = -1;
	assert_int_equal(db_int(f->db, &n,
				"SELECT count(*) FROM outbox WHERE kind = ? AND ticket_id = ?", "si",
				kind, t), 0);
	return n;
}

/* The recipients JSON of the newest row of kind on ticket t (caller frees). */
static char *rcpt(struct fx *f, const char *kind, int64_t t)
{
	struct db_stmt *st;
	char *s = NULL;
	assert_int_equal(db_query(f->db, &st,
				  "SELECT recipients FROM outbox WHERE kind = ? AND ticket_id = ? "
				  "ORDER BY id DESC LIMIT 1", "si", kind, t), 0);
	if (db_step(st) == DB_ROW)
		s = strdup(db_col_text(st, 0));
	db_done(st);
	assert_non_null(s);
	return s;
}

static int64_t newest(struct fx *f, const char *kind, int64_t t)
{
	int64_t id = 0;
	assert_int_equal(db_int(f->db, &id, "SELECT max(id) FROM outbox WHERE kind = ? AND "
				"ticket_id = ?", "si", kind, t), 0);
	return id;
}

/* ---- notify rules ---- */

static void test_new_ticket_notifies_group_agents(void **state)
{
	struct fx *f = *state;
	int64_t t = mk_ticket(f, NULL);
	char *r = rcpt(f, "notify_new", t);
	assert_int_equal(count(f, "notify_new", t), 1);
	assert_string_equal(r, "[\"andris@example.com\"]"); /* bea turned it off */
	assert_int_equal(count(f, "ack", t), 0);               /* not by e-mail */
	assert_int_equal(t_int(f->db, "SELECT count(*) FROM mail_threads WHERE ticket_id = ?", t),
			 1);
	free(r);
}

static void test_staff_reply_goes_to_requester_and_collaborators(void **state)
{
	struct fx *f = *state;
	int64_t t = mk_ticket(f, NULL), id;
	char *r;
	struct db_stmt *st;
	assert_int_equal(db_exec(f->db, "INSERT INTO ticket_collaborators VALUES (?, ?), (?, ?), "
				 "(?, ?)", "iiiiii", t, f->collab, t, f->nomail, t, f->agent.id), 0);
	/* a collaborator with our own support address is never mailed */
	id = t_user(f->db, "end-user", "Loop", "support@helpo.test", 0);
	assert_int_equal(db_exec(f->db, "INSERT INTO ticket_collaborators VALUES (?, ?)", "ii", t,
				 id), 0);
	comment(f, &f->agent, t, true, "We are on it");
	assert_int_equal(count(f, "reply", t), 1);
	r = rcpt(f, "reply", t);
	assert_string_equal(r, "[\"una@example.com\",\"cid@example.com\"]");
	free(r);
	/* the Message-ID has our shape, is threaded and stored on the comment */
	assert_int_equal(db_query(f->db, &st,
				  "SELECT o.message_id, c.message_id, o.automatic, o.status FROM "
				  "outbox o JOIN comments c ON c.id = o.comment_id WHERE o.kind = "
				  "'reply' AND o.ticket_id = ?", "i", t), 0);
	assert_int_equal(db_step(st), DB_ROW);
	{
		char want[64];
		const char *mid = db_col_text(st, 0);
		snprintf(want, sizeof want, "helpo-T%lld-R", (long long)t);
		assert_memory_equal(mid, want, strlen(want));
		assert_non_null(strstr(mid, "@helpo.test"));
		assert_string_equal(mid, db_col_text(st, 1));
		assert_int_equal(db_col_int(st, 2), 0);
		assert_string_equal(db_col_text(st, 3), "queued");
	}
	db_done(st);
	assert_int_equal(t_int(f->db, "SELECT count(*) FROM mail_threads m JOIN outbox o ON "
			       "o.message_id = m.message_id WHERE o.ticket_id = ?", t), 2);
}

static void test_internal_note_queues_nothing(void **state)
{
	struct fx *f = *state;
	int64_t t = mk_ticket(f, NULL);
	comment(f, &f->agent, t, false, "secret");
	assert_int_equal(t_int(f->db, "SELECT count(*) FROM outbox WHERE ticket_id = ? AND kind "
			       "<> 'notify_new'", t), 0);
}

static void test_customer_comment_notifies_assignee(void **state)
{
	struct fx *f = *state;
	int64_t t = mk_ticket(f, NULL);
	char *r;
	json_t *in = J("{\"assignee_id\": %lld}", (long long)f->agent.id), *out = NULL;
	struct desk_err err;
	/* no assignee yet: a customer comment mails nobody */
	comment(f, &f->user, t, true, "any news?");
	assert_int_equal(count(f, "notify_comment", t), 0);
	assert_int_equal(desk_ticket_update(f->db, &f->admin, t, in, &out, &err), 0);
	json_decref(in);
	json_decref(out);
	assert_int_equal(count(f, "notify_assign", t), 1);
	r = rcpt(f, "notify_assign", t);
	assert_string_equal(r, "[\"andris@example.com\"]");
	free(r);
	comment(f, &f->user, t, true, "still burning");
	assert_int_equal(count(f, "notify_comment", t), 1);
	assert_int_equal(count(f, "reply", t), 0);
}

static void test_assign_self_or_pref_off_no_mail(void **state)
{
	struct fx *f = *state;
	int64_t t = mk_ticket(f, NULL);
	json_t *in = J("{\"assignee_id\": %lld}", (long long)f->agent.id), *out = NULL;
	struct desk_err err;
	assert_int_equal(desk_ticket_update(f->db, &f->agent, t, in, &out, &err), 0);
	json_decref(in);
	json_decref(out);
	assert_int_equal(count(f, "notify_assign", t), 0);
	in = J("{\"assignee_id\": %lld}", (long long)f->agent2.id);
	assert_int_equal(desk_ticket_update(f->db, &f->admin, t, in, &out, &err), 0);
	json_decref(in);
	json_decref(out);
	assert_int_equal(count(f, "notify_assign", t), 0); /* bea turned it off */
}

static void test_no_mailbox_no_rows(void **state)
{
	struct fx *f = *state;
	int64_t t;
	assert_int_equal(db_exec(f->db, "DELETE FROM mailboxes", ""), 0);
	t = mk_ticket(f, NULL);
	comment(f, &f->agent, t, true, "hello");
	assert_int_equal(t_int(f->db, "SELECT count(*) FROM outbox WHERE ticket_id = ?", t), 0);
}

static struct desk_email email_for(const char *ingest_id)
{
	struct desk_email m = {.mailbox = "support@helpo.test",
			       .from = {"Ūna User", "una@example.com"},
			       .subject = "Printer on fire",
			       .message_id = "cust-1@example.com"};
	snprintf(m.ingest_id, sizeof m.ingest_id, "%s", ingest_id);
	return m;
}

#define A64 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define E64 "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"

static void test_ack_rules(void **state)
{
	struct fx *f = *state;
	struct desk_email m = email_for(A64);
	int64_t t = mk_ticket(f, &m), t2, t3;
	struct db_stmt *st;
	char *r = rcpt(f, "ack", t);
	assert_string_equal(r, "[\"una@example.com\"]");
	free(r);
	assert_int_equal(db_query(f->db, &st, "SELECT message_id, automatic FROM outbox WHERE "
				  "kind = 'ack' AND ticket_id = ?", "i", t), 0);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0),
			    "helpo-ack-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@helpo.test");
	assert_int_equal(db_col_int(st, 1), 1);
	db_done(st);
	/* the same message again (the ledger bypassed): the same Message-ID, no second ack */
	t2 = mk_ticket(f, &m);
	assert_int_equal(count(f, "ack", t2), 0);
	/* auto-submitted mail and bounces get no ack */
	m = email_for("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	m.auto_submitted = true;
	t3 = mk_ticket(f, &m);
	assert_int_equal(count(f, "ack", t3), 0);
	m = email_for("cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc");
	m.is_bounce = true;
	t3 = mk_ticket(f, &m);
	assert_int_equal(count(f, "ack", t3), 0);
	/* a mailbox without send_ack sends none */
	assert_int_equal(db_exec(f->db, "UPDATE mailboxes SET send_ack = 0", ""), 0);
	m = email_for("dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd");
	t3 = mk_ticket(f, &m);
	assert_int_equal(count(f, "ack", t3), 0);
}

static void test_ack_caps(void **state)
{
	struct fx *f = *state;
	char id[65];
	int64_t acks;
	for (int i = 0; i < 5; i++) {
		struct desk_email m;
		snprintf(id, sizeof id, "%02d%062d", i + 1, 0);
		m = email_for(id);
		mk_ticket(f, &m);
	}
	acks = t_int(f->db, "SELECT count(*) FROM outbox WHERE kind = 'ack' AND ? > 0", 1);
	assert_int_equal(acks, HELPO_AUTO_REPLY_HOURLY_DEFAULT);
	/* a cap from the settings table wins */
	assert_int_equal(db_exec(f->db, "INSERT INTO settings VALUES ('auto_reply_hourly', '4')",
				 ""), 0);
	snprintf(id, sizeof id, "%02d%062d", 77, 0);
	{
		struct desk_email m = email_for(id);
		mk_ticket(f, &m);
	}
	assert_int_equal(t_int(f->db, "SELECT count(*) FROM outbox WHERE kind = 'ack' AND ? > 0",
			       1), 4);
}

/* ---- rendering ---- */

static char *header(const char *msg, const char *name)
{
	char want[64];
	const char *p = msg, *end;
	size_t n = (size_t)snprintf(want, sizeof want, "%s:", name);
	for (; p && *p; p = strstr(p, "\r\n") ? strstr(p, "\r\n") + 2 : NULL) {
		if (!strncmp(p, "\r\n", 2))
			return NULL; /* end of the header block */
		if (!strncasecmp(p, want, n)) {
			struct buf b = BUF_INIT(8192);
			p += n;
			/* unfold */
			for (;;) {
				end = strstr(p, "\r\n");
				buf_add(&b, p, (size_t)(end - p));
				if (end[2] != ' ' && end[2] != '\t')
					break;
				p = end + 2;
			}
			return buf_detach(&b, NULL);
		}
	}
	return NULL;
}

static void test_render_reply(void **state)
{
	struct fx *f = *state;
	int64_t now = time_now_ms(), t, id;
	struct mail_out_msg m;
	char *h;
	t = mk_ticket(f, NULL);
	assert_int_equal(db_exec(f->db, "INSERT INTO mail_threads VALUES ('cust-1@example.com', ?, "
				 "?)", "ii", t, now - 5000), 0);
	comment(f, &f->agent, t, true, "Fixed <now>");
	id = newest(f, "reply", t);
	assert_int_equal(mail_out_render(f->db, id, &m), 0);
	assert_int_equal(m.nrcpt, 1);
	assert_string_equal(m.rcpt[0], "una@example.com");
	assert_string_equal(m.from, "support@helpo.test");
	h = header(m.data, "From");
	assert_non_null(strstr(h, "Helpo Support"));
	assert_non_null(strstr(h, "<support@helpo.test>"));
	free(h);
	h = header(m.data, "To");
	assert_non_null(strstr(h, "una@example.com"));
	free(h);
	h = header(m.data, "Subject");
	{
		char tag[64];
		assert_int_equal(desk_ticket_tag(f->db, t, tag), 0);
		if (!strstr(h, tag))
			fail_msg("subject [%s] lacks tag %s", h, tag);
		assert_non_null(strstr(h, tag));
		assert_non_null(strstr(h, "Re: Printer on fire"));
	}
	free(h);
	h = header(m.data, "Message-Id");
	assert_non_null(h);
	assert_non_null(strstr(h, "@helpo.test>"));
	free(h);
	h = header(m.data, "In-Reply-To");
	assert_non_null(h);
	free(h);
	h = header(m.data, "References");
	assert_non_null(strstr(h, "<cust-1@example.com>"));
	free(h);
	assert_null(header(m.data, "Auto-Submitted")); /* a person wrote it */
	h = header(m.data, "X-Loop");
	assert_string_equal(h, " helpo.test");
	free(h);
	assert_non_null((h = header(m.data, "Date")));
	free(h);
	assert_non_null((h = header(m.data, "MIME-Version")));
	free(h);
	assert_non_null(strstr(m.data, "multipart/alternative"));
	assert_non_null(strstr(m.data, "text/plain; charset=utf-8"));
	assert_non_null(strstr(m.data, "text/html; charset=utf-8"));
	assert_non_null(strstr(m.data, "Fixed &lt;now&gt;")); /* escaped in html */
	assert_non_null(strstr(m.data, "The Helpo team"));
	assert_non_null(strstr(m.data, "Reply to this e-mail to add to your request"));
	mail_out_msg_release(&m);
}

static void test_render_notifications_and_ack(void **state)
{
	struct fx *f = *state;
	struct desk_email e = email_for(E64);
	int64_t t = mk_ticket(f, &e);
	struct mail_out_msg m;
	char *h, link[64];
	assert_int_equal(mail_out_render(f->db, newest(f, "ack", t), &m), 0);
	h = header(m.data, "Auto-Submitted");
	assert_string_equal(h, " auto-replied");
	free(h);
	assert_non_null(strstr(m.data, "We have received your request"));
	mail_out_msg_release(&m);
	assert_int_equal(mail_out_render(f->db, newest(f, "notify_new", t), &m), 0);
	h = header(m.data, "Auto-Submitted");
	assert_string_equal(h, " auto-generated");
	free(h);
	snprintf(link, sizeof link, "/agent/tickets/%lld", (long long)t);
	assert_non_null(strstr(m.data, link));
	mail_out_msg_release(&m);
}

static void test_render_locale(void **state)
{
	struct fx *f = *state;
	int64_t t;
	struct mail_out_msg m;
	assert_int_equal(db_exec(f->db, "UPDATE mailboxes SET locale = 'lv'", ""), 0);
	t = mk_ticket(f, NULL);
	comment(f, &f->agent, t, true, "Labi");
	assert_int_equal(mail_out_render(f->db, newest(f, "reply", t), &m), 0);
	/* "Atbildiet" is the Latvian footer; with no compiled-in templates, English is used */
	assert_true(strstr(m.data, "Atbildiet") || strstr(m.data, "Reply to this e-mail"));
	mail_out_msg_release(&m);
	/* an unknown locale falls back to English */
	assert_int_equal(db_exec(f->db, "UPDATE mailboxes SET locale = 'xx'", ""), 0);
	assert_int_equal(mail_out_render(f->db, newest(f, "reply", t), &m), 0);
	assert_non_null(strstr(m.data, "Reply to this e-mail"));
	mail_out_msg_release(&m);
}

static void test_render_no_header_injection(void **state)
{
	struct fx *f = *state;
	int64_t t = mk_ticket(f, NULL);
	struct mail_out_msg m;
	char *h;
	assert_int_equal(db_exec(f->db, "UPDATE tickets SET subject = ? WHERE id = ?", "si",
				 "Hi\r\nBcc: victim@example.org\r\n\r\nbody", t), 0);
	assert_int_equal(db_exec(f->db, "UPDATE mailboxes SET name = ?", "s",
				 "Evil\nX-Injected: 1"), 0);
	comment(f, &f->agent, t, true, "x");
	assert_int_equal(mail_out_render(f->db, newest(f, "reply", t), &m), 0);
	assert_null(header(m.data, "Bcc"));
	assert_null(header(m.data, "X-Injected"));
	h = header(m.data, "Subject");
	assert_non_null(strstr(h, "Bcc: victim@example.org"));
	free(h);
	mail_out_msg_release(&m);
}

static void test_render_utf8_subject_encoded(void **state)
{
	struct fx *f = *state;
	int64_t t = mk_ticket(f, NULL);
	struct mail_out_msg m;
	char *h;
	assert_int_equal(db_exec(f->db, "UPDATE tickets SET subject = ? WHERE id = ?", "si",
				 "Printeris deg — ļoti", t), 0);
	comment(f, &f->agent, t, true, "ok");
	assert_int_equal(mail_out_render(f->db, newest(f, "reply", t), &m), 0);
	h = header(m.data, "Subject");
	assert_non_null(strstr(h, "=?utf-8?") ? h : strstr(h, "=?UTF-8?"));
	for (const char *p = m.data; *p; p++) /* headers and body: 7-bit only */
		assert_true((unsigned char)*p < 0x80);
	free(h);
	mail_out_msg_release(&m);
}

static void test_header_clean(void **state)
{
	char out[8];
	(void)state;
	mail_out_header_clean(out, sizeof out, "a\r\nb\0c");
	assert_string_equal(out, "a  b");
	mail_out_header_clean(out, 6, "abcdé"); /* é is 2 bytes: cut before it, not inside */
	assert_string_equal(out, "abcd");
	mail_out_header_clean(out, sizeof out, NULL);
	assert_string_equal(out, "");
}

/* ---- outcomes ---- */

static void test_backoff_schedule(void **state)
{
	static const int64_t want_min[] = {1, 5, 15, 60, 120, 240, 360, 360, 360};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(want_min); i++)
		assert_int_equal(mail_out_backoff_ms((int)i + 1), want_min[i] * 60 * 1000);
}

static void test_finish_outcomes(void **state)
{
	struct fx *f = *state;
	int64_t t = mk_ticket(f, NULL), id, now = time_now_ms();
	struct db_stmt *st;
	comment(f, &f->agent, t, true, "reply one");
	id = newest(f, "reply", t);
	/* a temporary failure: queued again a minute later */
	assert_int_equal(mail_out_finish(f->db, id, MAIL_OUT_RETRY, "451 try later", now), 0);
	assert_int_equal(db_query(f->db, &st, "SELECT status, attempts, next_attempt_at, "
				  "last_error FROM outbox WHERE id = ?", "i", id), 0);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "queued");
	assert_int_equal(db_col_int(st, 1), 1);
	assert_int_equal(db_col_int(st, 2), now + 60000);
	assert_string_equal(db_col_text(st, 3), "451 try later");
	db_done(st);
	assert_int_equal(mail_out_finish(f->db, id, MAIL_OUT_RETRY, "451", now), 0);
	assert_int_equal(t_int(f->db, "SELECT next_attempt_at FROM outbox WHERE id = ?", id),
			 now + 5 * 60000);
	/* sent */
	assert_int_equal(mail_out_finish(f->db, id, MAIL_OUT_SENT, NULL, now), 0);
	assert_int_equal(t_int(f->db, "SELECT status = 'sent' AND sent_at IS NOT NULL FROM outbox "
			       "WHERE id = ?", id), 1);
	/* a permanent failure: failed, and an internal note on the ticket */
	comment(f, &f->agent, t, true, "reply two");
	id = newest(f, "reply", t);
	assert_int_equal(mail_out_finish(f->db, id, MAIL_OUT_FAILED, "550 no such user\r\nX: y",
					 now), 0);
	assert_int_equal(t_int(f->db, "SELECT status = 'failed' FROM outbox WHERE id = ?", id), 1);
	assert_int_equal(db_query(f->db, &st, "SELECT body, public, flags, author_id FROM comments "
				  "WHERE ticket_id = ? ORDER BY id DESC LIMIT 1", "i", t), 0);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "Mail to una@example.com could not be delivered: "
			    "550 no such user  X: y");
	assert_int_equal(db_col_int(st, 1), 0);
	assert_string_equal(db_col_text(st, 2), "bounce");
	assert_int_equal(db_col_int(st, 3), f->agent.id);
	db_done(st);
	assert_int_equal(t_int(f->db, "SELECT count(*) FROM events WHERE ticket_id = ? AND kind = "
			       "'mail.failed'", t), 1);
	/* the failure note itself queued no mail */
	assert_int_equal(count(f, "reply", t), 2);
	/* a row retried for 4 days gives up */
	comment(f, &f->agent, t, true, "reply three");
	id = newest(f, "reply", t);
	assert_int_equal(mail_out_finish(f->db, id, MAIL_OUT_RETRY, "421 busy",
					 now + MAIL_OUT_GIVE_UP_MS), 0);
	assert_int_equal(t_int(f->db, "SELECT status = 'failed' FROM outbox WHERE id = ?", id), 1);
	assert_int_equal(t_int(f->db, "SELECT count(*) FROM events WHERE ticket_id = ? AND kind = "
			       "'mail.failed'", t), 2);
}

static void test_send_unreachable_relay_stays_queued(void **state)
{
	struct fx *f = *state;
	struct conf c;
	int sent = -1;
	int64_t t = mk_ticket(f, NULL), id;
	comment(f, &f->agent, t, true, "hello");
	id = newest(f, "reply", t);
	conf_defaults(&c);
	/* empty smtp_url: nothing is touched */
	c.smtp_url[0] = '\0';
	assert_int_equal(mail_out_send_due(f->db, &c, &sent), 0);
	assert_int_equal(sent, 0);
	assert_int_equal(t_int(f->db, "SELECT attempts FROM outbox WHERE id = ?", id), 0);
	/* port 1 on loopback: connection refused → deferred, attempt counted */
	snprintf(c.smtp_url, sizeof c.smtp_url, "smtp://127.0.0.1:1");
	assert_int_equal(mail_out_send_due(f->db, &c, &sent), 0);
	assert_int_equal(sent, 0);
	assert_int_equal(t_int(f->db, "SELECT status = 'queued' AND attempts = 1 AND "
			       "next_attempt_at > created_at FROM outbox WHERE id = ?", id), 1);
	/* a row stuck in 'sending' past its lease is queued again */
	assert_int_equal(db_exec(f->db, "UPDATE outbox SET status = 'sending', next_attempt_at = 0 "
				 "WHERE id = ?", "i", id), 0);
	assert_int_equal(mail_out_send_due(f->db, &c, &sent), 0);
	assert_int_equal(t_int(f->db, "SELECT attempts FROM outbox WHERE id = ?", id), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_new_ticket_notifies_group_agents),
		T(test_staff_reply_goes_to_requester_and_collaborators),
		T(test_internal_note_queues_nothing),
		T(test_customer_comment_notifies_assignee),
		T(test_assign_self_or_pref_off_no_mail),
		T(test_no_mailbox_no_rows),
		T(test_ack_rules),
		T(test_ack_caps),
		T(test_render_reply),
		T(test_render_notifications_and_ack),
		T(test_render_locale),
		T(test_render_no_header_injection),
		T(test_render_utf8_subject_encoded),
		cmocka_unit_test(test_header_clean),
		cmocka_unit_test(test_backoff_schedule),
		T(test_finish_outcomes),
		T(test_send_unreachable_relay_stays_queued),
	};
	crypto_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
