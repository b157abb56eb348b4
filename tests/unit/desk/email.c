/*
 * tests/unit/desk/email.c — unit tests for src/desk/email.c (desk_email_ingest, signed ticket
 * tags) and src/desk/attachment.c, with messages built by hand as struct desk_email (no MIME
 * parser involved), against a real migrated SQLite database.
 *
 * Covers: a new ticket from a customer (requester created, group from the mailbox); replies
 * threaded by In-Reply-To / References of a known Message-ID and by a signed subject tag; a
 * forged tag starts a new ticket; a stranger's or an agent address's reply is an internal
 * note flagged "review"; the requester's reply reopens a solved ticket; a reply to a closed
 * ticket is a follow-up ticket; CCs become collaborators whose replies are public; the same
 * ingest id twice changes nothing (rows counted); a repeated Message-ID is ignored; bounces
 * become internal "bounce" notes (unmatched: ignored, recorded); attachments are stored with
 * their SHA-256, inline cid: images point at their content URL, and files are visible only
 * to those who may see the comment; HTML is stored sanitized; tags sign and verify.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "desk/desk.h"
#include "util/crypto.h"
#include "util/limits.h"
#include "../testutil.h"

struct fx {
	struct tdb *t;
	struct db *db;
	struct desk_actor admin, agent, agent2;
	int64_t support, billing, mailbox;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	json_t *in, *m = NULL;
	struct desk_err err = {0};
	char text[256];
	assert_int_equal(crypto_setup(), 0);
	f->t = t_db_open();
	f->db = f->t->db;
	f->support = t_group(f->db, "Support");
	f->billing = t_group(f->db, "Billing");
	f->admin = (struct desk_actor){t_user(f->db, "admin", "Ada", "ada@example.com", 0),
				       DESK_ADMIN, 0};
	f->agent = (struct desk_actor){t_user(f->db, "agent", "Andris", "andris@example.com", 0),
				       DESK_AGENT, 0};
	t_member(f->db, f->agent.id, f->support);
	f->agent2 = (struct desk_actor){t_user(f->db, "agent", "Bea", "bea@example.com", 0),
					DESK_AGENT, 0};
	t_member(f->db, f->agent2.id, f->billing);
	snprintf(text, sizeof text, "{\"email\": \"support@helpo.test\", \"group_id\": %lld}",
		 (long long)f->support);
	in = json_loads(text, 0, NULL);
	assert_int_equal(desk_mailbox_create(f->db, &f->admin, in, &m, &err), 0);
	f->mailbox = json_integer_value(json_object_get(m, "id"));
	json_decref(m);
	json_decref(in);
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

/* A hand-built message with room for a few addresses, references and attachments. */
struct msg {
	struct desk_email e;
	struct desk_email_addr to[4], cc[4];
	const char *refs[4];
	struct desk_email_att atts[4];
};

static void msg_init(struct msg *x, const char *id, const char *from, const char *subject,
		     const char *text)
{
	memset(x, 0, sizeof *x);
	snprintf(x->e.ingest_id, sizeof x->e.ingest_id, "ingest-%s", id);
	x->e.message_id = id;
	x->e.from.email = from;
	x->e.from.name = "";
	x->e.subject = subject;
	x->e.text = text;
	x->e.text_trimmed = text;
	x->to[0].email = "support@helpo.test";
	x->to[0].name = "Support";
	x->e.to = x->to;
	x->e.nto = 1;
	x->e.cc = x->cc;
	x->e.references = x->refs;
	x->e.atts = x->atts;
}

static struct desk_ingest_result ingest_ok(struct fx *f, struct msg *x, const char *outcome)
{
	struct desk_ingest_result r;
	struct desk_err err = {0};
	int rc = desk_email_ingest(f->db, &x->e, &r, &err);
	if (rc)
		fail_msg("ingest %s: %d %s: %s", x->e.ingest_id, rc, err.field, err.message);
	if (strcmp(r.outcome, outcome))
		fail_msg("ingest %s: outcome %s, want %s", x->e.ingest_id, r.outcome, outcome);
	return r;
}

static int64_t count(struct fx *f, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_int(f->db, &n, sql, ""), 0);
	return n;
}

static char *text_of(struct fx *f, const char *sql, int64_t id)
{
	struct db_stmt *st;
	char *s = NULL;
	assert_int_equal(db_query(f->db, &st, sql, "i", id), 0);
	if (db_step(st) == DB_ROW && db_col_text(st, 0))
		s = strdup(db_col_text(st, 0));
	db_done(st);
	assert_non_null(s);
	return s;
}

static void assert_text(struct fx *f, const char *sql, int64_t id, const char *want)
{
	char *s = text_of(f, sql, id);
	if (strcmp(s, want))
		fail_msg("%s [%lld]: got \"%s\", want \"%s\"", sql, (long long)id, s, want);
	free(s);
}

/* A new ticket from the customer carol@example.com; returns its id. */
static int64_t carol_ticket(struct fx *f, const char *msgid)
{
	struct msg x;
	msg_init(&x, msgid, "carol@example.com", "Printer on fire", "It is on fire.\nHelp!");
	x.e.from.name = "Carol Customer";
	return ingest_ok(f, &x, "ticket").ticket_id;
}

static void test_new_ticket(void **state)
{
	struct fx *f = *state;
	struct msg x;
	struct desk_ingest_result r;
	int64_t carol;
	msg_init(&x, "m1@customer.test", "carol@example.com", "Printer on fire", "It burns.");
	x.e.from.name = "Carol Customer";
	x.e.mailbox = "support@helpo.test";
	r = ingest_ok(f, &x, "ticket");
	assert_false(r.duplicate);
	assert_true(r.ticket_id > 0 && r.comment_id > 0);
	carol = t_int(f->db, "SELECT id FROM users WHERE email = 'carol@example.com' AND ? > 0", 1);
	assert_text(f, "SELECT role FROM users WHERE id = ?", carol, "end-user");
	assert_text(f, "SELECT name FROM users WHERE id = ?", carol, "Carol Customer");
	assert_int_equal(t_int(f->db, "SELECT requester_id FROM tickets WHERE id = ?", r.ticket_id),
			 carol);
	assert_int_equal(t_int(f->db, "SELECT submitter_id FROM tickets WHERE id = ?", r.ticket_id),
			 carol);
	assert_int_equal(t_int(f->db, "SELECT group_id FROM tickets WHERE id = ?", r.ticket_id),
			 f->support);
	assert_text(f, "SELECT status FROM tickets WHERE id = ?", r.ticket_id, "new");
	assert_text(f, "SELECT via FROM tickets WHERE id = ?", r.ticket_id, "email");
	assert_text(f, "SELECT subject FROM tickets WHERE id = ?", r.ticket_id, "Printer on fire");
	assert_int_equal(t_int(f->db, "SELECT public FROM comments WHERE id = ?", r.comment_id), 1);
	assert_int_equal(t_int(f->db, "SELECT author_id FROM comments WHERE id = ?", r.comment_id),
			 carol);
	assert_text(f, "SELECT message_id FROM comments WHERE id = ?", r.comment_id,
		    "m1@customer.test");
	assert_int_equal(t_int(f->db, "SELECT ticket_id FROM mail_threads WHERE message_id = "
				      "'m1@customer.test' AND ? > 0",
			       1),
			 r.ticket_id);
	assert_text(f, "SELECT outcome FROM mail_ingest WHERE ticket_id = ?", r.ticket_id,
		    "ticket");
	assert_int_equal(t_int(f->db, "SELECT mailbox_id FROM mail_ingest WHERE ticket_id = ?",
			       r.ticket_id),
			 f->mailbox);
	assert_int_equal(count(f, "SELECT count(*) FROM events WHERE kind = 'email.received' AND "
				  "payload LIKE '%\"outcome\":\"ticket\"%'"),
			 1);

	/* without m->mailbox: found among To; a mailbox with another group routes there */
	json_t *in = json_pack("{s:s,s:I}", "email", "billing@helpo.test", "group_id",
			       (json_int_t)f->billing),
	       *m = NULL;
	struct desk_err err = {0};
	assert_int_equal(desk_mailbox_create(f->db, &f->admin, in, &m, &err), 0);
	json_decref(in);
	json_decref(m);
	msg_init(&x, "m2@customer.test", "dan@example.com", "Invoice", "Wrong amount");
	x.to[0].email = "billing@helpo.test";
	r = ingest_ok(f, &x, "ticket");
	assert_int_equal(t_int(f->db, "SELECT group_id FROM tickets WHERE id = ?", r.ticket_id),
			 f->billing);
	/* an address that is not ours: the default mailbox (support) */
	msg_init(&x, "m3@customer.test", "dan@example.com", "", "No subject here");
	x.to[0].email = "someone@else.test";
	r = ingest_ok(f, &x, "ticket");
	assert_int_equal(t_int(f->db, "SELECT group_id FROM tickets WHERE id = ?", r.ticket_id),
			 f->support);
	assert_text(f, "SELECT subject FROM tickets WHERE id = ?", r.ticket_id, "No subject here");
}

static void test_reply_by_message_id(void **state)
{
	struct fx *f = *state;
	struct msg x;
	struct desk_ingest_result r;
	int64_t t = carol_ticket(f, "c1@customer.test");
	/* "outbound" records the Message-ID of our notification */
	assert_int_equal(db_exec(f->db, "INSERT INTO mail_threads (message_id, ticket_id, "
					"created_at) VALUES ('helpo-T1-c1-0a0b0c0d@helpo.test', ?, 1)",
				 "i", t),
			 0);
	msg_init(&x, "c2@customer.test", "carol@example.com", "Re: Printer on fire",
		 "Still burning.\n\n> quoted old text");
	x.e.text_trimmed = "Still burning.";
	x.e.in_reply_to = "helpo-T1-c1-0a0b0c0d@helpo.test";
	r = ingest_ok(f, &x, "comment");
	assert_int_equal(r.ticket_id, t);
	assert_int_equal(t_int(f->db, "SELECT public FROM comments WHERE id = ?", r.comment_id), 1);
	assert_text(f, "SELECT body FROM comments WHERE id = ?", r.comment_id, "Still burning.");
	assert_text(f, "SELECT flags FROM comments WHERE id = ?", r.comment_id, "");
	/* References only (newest last), with an unknown id first */
	msg_init(&x, "c3@customer.test", "carol@example.com", "Re: x", "More.");
	x.refs[0] = "unknown@nowhere";
	x.refs[1] = "c2@customer.test";
	x.e.nrefs = 2;
	r = ingest_ok(f, &x, "comment");
	assert_int_equal(r.ticket_id, t);
	assert_int_equal(t_int(f->db, "SELECT count(*) FROM comments WHERE ticket_id = ?", t), 3);
	assert_int_equal(count(f, "SELECT count(*) FROM tickets"), 1);
}

static void test_reply_by_tag(void **state)
{
	struct fx *f = *state;
	struct msg x;
	struct desk_ingest_result r;
	char tag[64], subject[128], forged[128];
	int64_t t = carol_ticket(f, "t1@customer.test");
	assert_int_equal(desk_ticket_tag(f->db, t, tag), 0);
	snprintf(subject, sizeof subject, "Re: Printer on fire %s", tag);
	msg_init(&x, "t2@customer.test", "carol@example.com", subject, "Thanks");
	r = ingest_ok(f, &x, "comment");
	assert_int_equal(r.ticket_id, t);
	/* a forged tag does not attach: a new ticket */
	snprintf(forged, sizeof forged, "Re: Printer on fire [#%lld-0123456789]", (long long)t);
	msg_init(&x, "t3@customer.test", "carol@example.com", forged, "Sneaky");
	r = ingest_ok(f, &x, "ticket");
	assert_true(r.ticket_id != t);
	/* a valid tag of a ticket that does not exist: a new ticket */
	assert_int_equal(desk_ticket_tag(f->db, 4242, tag), 0);
	snprintf(subject, sizeof subject, "Re: %s", tag);
	msg_init(&x, "t4@customer.test", "carol@example.com", subject, "Gone?");
	r = ingest_ok(f, &x, "ticket");
	assert_true(r.ticket_id != 4242);
}

static void test_tags(void **state)
{
	struct fx *f = *state;
	char tag[64], other[64], bad[64], subject[128], *key;
	size_t n;
	assert_int_equal(desk_ticket_tag_parse(f->db, "Re: [#12-0123456789]"), 0); /* no key yet */
	assert_int_equal(desk_ticket_tag(f->db, 12, tag), 0);
	n = strlen(tag);
	assert_int_equal(n, strlen("[#12-") + 10 + 1);
	assert_memory_equal(tag, "[#12-", 5);
	assert_int_equal(tag[n - 1], ']');
	for (size_t i = 5; i < n - 1; i++)
		assert_non_null(strchr("0123456789abcdef", tag[i]));
	/* the key is 32 random bytes in hex, created once */
	assert_int_equal(desk_setting_get(f->db, "ticket_tag_key", &key), 0);
	assert_int_equal(strlen(key), 64);
	free(key);
	assert_int_equal(desk_ticket_tag(f->db, 12, other), 0);
	assert_string_equal(tag, other);
	assert_int_equal(desk_ticket_tag(f->db, 13, other), 0);
	assert_string_not_equal(tag, other);
	snprintf(subject, sizeof subject, "Re: Fw: hello %s and more", tag);
	assert_int_equal(desk_ticket_tag_parse(f->db, subject), 12);
	/* upper-case hex still verifies */
	snprintf(bad, sizeof bad, "%s", tag);
	for (char *p = bad + 5; *p != ']'; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	assert_int_equal(desk_ticket_tag_parse(f->db, bad), 12);
	/* one digit changed, another ticket's mac, truncated, absent */
	snprintf(bad, sizeof bad, "%s", tag);
	bad[6] = bad[6] == '0' ? '1' : '0';
	assert_int_equal(desk_ticket_tag_parse(f->db, bad), 0);
	snprintf(bad, sizeof bad, "[#12-%.10s]", other + 5);
	assert_int_equal(desk_ticket_tag_parse(f->db, bad), 0);
	snprintf(bad, sizeof bad, "%.14s]", tag);
	assert_int_equal(desk_ticket_tag_parse(f->db, bad), 0);
	assert_int_equal(desk_ticket_tag_parse(f->db, "Re: no tag"), 0);
	assert_int_equal(desk_ticket_tag_parse(f->db, NULL), 0);
	assert_int_equal(desk_ticket_tag_parse(f->db, "[#-0123456789] [#99999999999999999999-a]"),
			 0);
	/* a forged tag before a genuine one: the genuine one counts */
	snprintf(subject, sizeof subject, "[#13-0000000000] %s", tag);
	assert_int_equal(desk_ticket_tag_parse(f->db, subject), 12);
	assert_int_equal(desk_ticket_tag(f->db, 0, other), HELPO_EINVAL);
}

static void test_stranger_and_agent_review(void **state)
{
	struct fx *f = *state;
	struct msg x;
	struct desk_ingest_result r;
	struct desk_list l;
	struct desk_page p = {.size = 50, .page = 1};
	struct desk_actor carol;
	char tag[64], subject[128];
	int64_t t = carol_ticket(f, "s1@customer.test");
	carol = (struct desk_actor){
		t_int(f->db, "SELECT requester_id FROM tickets WHERE id = ?", t), DESK_END_USER, 0};
	msg_init(&x, "s2@evil.test", "mallory@evil.test", "Re: Printer on fire",
		 "Please send me the invoice");
	x.e.in_reply_to = "s1@customer.test";
	x.cc[0].email = "eve@evil.test";
	x.e.ncc = 1;
	r = ingest_ok(f, &x, "review");
	assert_int_equal(r.ticket_id, t);
	assert_int_equal(t_int(f->db, "SELECT public FROM comments WHERE id = ?", r.comment_id), 0);
	assert_text(f, "SELECT flags FROM comments WHERE id = ?", r.comment_id, "review");
	/* the stranger's CC is not a collaborator */
	assert_int_equal(count(f, "SELECT count(*) FROM ticket_collaborators"), 0);
	/* the customer does not see it */
	assert_int_equal(desk_comment_list(f->db, &carol, t, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 1);
	desk_list_release(&l);
	/* an agent's address is not trusted from From: alone, even with a valid tag */
	assert_int_equal(desk_ticket_tag(f->db, t, tag), 0);
	snprintf(subject, sizeof subject, "Re: %s", tag);
	msg_init(&x, "s3@forged.test", "andris@example.com", subject, "Refund approved!");
	r = ingest_ok(f, &x, "review");
	assert_int_equal(t_int(f->db, "SELECT public FROM comments WHERE id = ?", r.comment_id), 0);
	assert_int_equal(t_int(f->db, "SELECT author_id FROM comments WHERE id = ?", r.comment_id),
			 f->agent.id);
	assert_text(f, "SELECT flags FROM comments WHERE id = ?", r.comment_id, "review");
	assert_text(f, "SELECT status FROM tickets WHERE id = ?", t, "new");
	assert_int_equal(desk_comment_list(f->db, &carol, t, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 1);
	desk_list_release(&l);
	/* a stranger who did not thread: a new ticket of their own */
	msg_init(&x, "s4@evil.test", "mallory@evil.test", "Hello", "New question");
	r = ingest_ok(f, &x, "ticket");
	assert_true(r.ticket_id != t);
}

static void test_solved_reopens_closed_follows_up(void **state)
{
	struct fx *f = *state;
	struct msg x;
	struct desk_ingest_result r;
	json_t *in, *out = NULL;
	struct desk_err err = {0};
	char *desc, want[64];
	int64_t t = carol_ticket(f, "r1@customer.test");
	in = json_pack("{s:s,s:I,s:{s:s}}", "status", "solved", "assignee_id",
		       (json_int_t)f->agent.id, "comment", "body", "Fixed it");
	assert_int_equal(desk_ticket_update(f->db, &f->agent, t, in, &out, &err), 0);
	json_decref(in);
	json_decref(out);
	assert_text(f, "SELECT status FROM tickets WHERE id = ?", t, "solved");
	/* an auto-reply does not reopen */
	msg_init(&x, "r2@customer.test", "carol@example.com", "Out of office", "I am away");
	x.e.in_reply_to = "r1@customer.test";
	x.e.auto_submitted = true;
	ingest_ok(f, &x, "comment");
	assert_text(f, "SELECT status FROM tickets WHERE id = ?", t, "solved");
	/* the requester's reply does */
	msg_init(&x, "r3@customer.test", "carol@example.com", "Re: Printer on fire", "Again!");
	x.e.in_reply_to = "r1@customer.test";
	r = ingest_ok(f, &x, "comment");
	assert_int_equal(r.ticket_id, t);
	assert_text(f, "SELECT status FROM tickets WHERE id = ?", t, "open");
	/* closed: a follow-up ticket, linked in its description */
	assert_int_equal(db_exec(f->db, "UPDATE tickets SET status = 'closed' WHERE id = ?", "i", t),
			 0);
	msg_init(&x, "r4@customer.test", "carol@example.com", "Re: Printer on fire", "Once more");
	x.e.in_reply_to = "r3@customer.test";
	r = ingest_ok(f, &x, "ticket");
	assert_true(r.ticket_id != t);
	desc = text_of(f, "SELECT description FROM tickets WHERE id = ?", r.ticket_id);
	snprintf(want, sizeof want, "Follow-up to ticket #%lld.", (long long)t);
	assert_non_null(strstr(desc, want));
	assert_non_null(strstr(desc, "Once more"));
	free(desc);
	assert_text(f, "SELECT status FROM tickets WHERE id = ?", t, "closed");
	assert_int_equal(t_int(f->db, "SELECT count(*) FROM comments WHERE ticket_id = ?", t), 4);
}

static void test_cc_collaborators(void **state)
{
	struct fx *f = *state;
	struct msg x;
	struct desk_ingest_result r;
	int64_t t, dave;
	msg_init(&x, "k1@customer.test", "carol@example.com", "Team issue", "See Dave cc'd");
	x.cc[0].email = "dave@example.com";
	x.cc[0].name = "Dave";
	x.cc[1].email = "support@helpo.test"; /* ours: never a collaborator */
	x.cc[2].email = "carol@example.com";  /* the sender */
	x.cc[3].email = "not-an-address";
	x.e.ncc = 4;
	r = ingest_ok(f, &x, "ticket");
	t = r.ticket_id;
	dave = t_int(f->db, "SELECT id FROM users WHERE email = 'dave@example.com' AND ? > 0", 1);
	assert_int_equal(t_int(f->db, "SELECT count(*) FROM ticket_collaborators WHERE ticket_id = ?",
			       t),
			 1);
	assert_int_equal(t_int(f->db, "SELECT user_id FROM ticket_collaborators WHERE ticket_id = ?",
			       t),
			 dave);
	assert_int_equal(count(f, "SELECT count(*) FROM users WHERE email = 'support@helpo.test'"),
			 0);
	/* the collaborator's reply is public */
	msg_init(&x, "k2@example.com", "dave@example.com", "Re: Team issue", "Me too");
	x.e.in_reply_to = "k1@customer.test";
	r = ingest_ok(f, &x, "comment");
	assert_int_equal(r.ticket_id, t);
	assert_int_equal(t_int(f->db, "SELECT public FROM comments WHERE id = ?", r.comment_id), 1);
	assert_int_equal(t_int(f->db, "SELECT author_id FROM comments WHERE id = ?", r.comment_id),
			 dave);
	/* the requester adds another CC on a reply */
	msg_init(&x, "k3@customer.test", "carol@example.com", "Re: Team issue", "Adding Erin");
	x.e.in_reply_to = "k2@example.com";
	x.cc[0].email = "erin@example.com";
	x.e.ncc = 1;
	ingest_ok(f, &x, "comment");
	assert_int_equal(t_int(f->db, "SELECT count(*) FROM ticket_collaborators WHERE ticket_id = ?",
			       t),
			 2);
}

static const char *const counted[] = {
	"SELECT count(*) FROM tickets",		"SELECT count(*) FROM comments",
	"SELECT count(*) FROM users",		"SELECT count(*) FROM mail_ingest",
	"SELECT count(*) FROM mail_threads",	"SELECT count(*) FROM attachments",
	"SELECT count(*) FROM events",		"SELECT count(*) FROM ticket_collaborators",
};

static void test_duplicate(void **state)
{
	struct fx *f = *state;
	struct msg x;
	struct desk_ingest_result r1, r2;
	int64_t before[ARRAY_SIZE(counted)];
	static const char data[] = "file bytes";
	msg_init(&x, "d1@customer.test", "carol@example.com", "Once", "Only once please");
	x.cc[0].email = "dave@example.com";
	x.e.ncc = 1;
	x.atts[0] = (struct desk_email_att){"a.txt", "text/plain", NULL, false, data, 10};
	x.e.natts = 1;
	r1 = ingest_ok(f, &x, "ticket");
	for (size_t i = 0; i < ARRAY_SIZE(counted); i++)
		before[i] = count(f, counted[i]);
	r2 = ingest_ok(f, &x, "ticket");
	assert_true(r2.duplicate);
	assert_int_equal(r2.ticket_id, r1.ticket_id);
	assert_int_equal(r2.comment_id, r1.comment_id);
	for (size_t i = 0; i < ARRAY_SIZE(counted); i++)
		if (count(f, counted[i]) != before[i])
			fail_msg("%s changed on a duplicate", counted[i]);
	/* the same Message-ID under another ingest id (delivered twice): ignored, recorded */
	snprintf(x.e.ingest_id, sizeof x.e.ingest_id, "ingest-other-copy");
	r2 = ingest_ok(f, &x, "ignored");
	assert_false(r2.duplicate);
	assert_int_equal(r2.ticket_id, r1.ticket_id);
	assert_int_equal(count(f, "SELECT count(*) FROM tickets"), before[0]);
	assert_int_equal(count(f, "SELECT count(*) FROM mail_ingest"), before[3] + 1);
	/* no ingest id: refused */
	{
		struct desk_err err = {0};
		x.e.ingest_id[0] = '\0';
		assert_int_equal(desk_email_ingest(f->db, &x.e, &r2, &err), HELPO_EINVAL);
	}
}

static void test_bounce(void **state)
{
	struct fx *f = *state;
	struct msg x;
	struct desk_ingest_result r;
	int64_t t = carol_ticket(f, "b1@customer.test");
	assert_int_equal(db_exec(f->db, "INSERT INTO mail_threads (message_id, ticket_id, "
					"created_at) VALUES ('helpo-T1-r5-00112233@helpo.test', ?, 1)",
				 "i", t),
			 0);
	msg_init(&x, "dsn1@mx.example.com", "mailer-daemon@mx.example.com",
		 "Undelivered Mail Returned to Sender", "The mail system...");
	x.e.is_bounce = true;
	x.e.auto_submitted = true;
	x.e.bounce_message_id = "helpo-T1-r5-00112233@helpo.test";
	x.e.bounce_status = "5.1.1\r\nX-Evil: 1";
	r = ingest_ok(f, &x, "bounce");
	assert_int_equal(r.ticket_id, t);
	assert_int_equal(t_int(f->db, "SELECT public FROM comments WHERE id = ?", r.comment_id), 0);
	assert_text(f, "SELECT flags FROM comments WHERE id = ?", r.comment_id, "bounce");
	assert_text(f, "SELECT body FROM comments WHERE id = ?", r.comment_id,
		    "Delivery failed: 5.1.1XEvil1");
	assert_text(f, "SELECT status FROM tickets WHERE id = ?", t, "new");
	/* the bounce's own Message-ID does not thread to the ticket */
	assert_int_equal(count(f, "SELECT count(*) FROM mail_threads WHERE message_id = "
				  "'dsn1@mx.example.com'"),
			 0);
	/* a bounce for nothing we know: ignored, recorded */
	msg_init(&x, "dsn2@mx.example.com", "mailer-daemon@mx.example.com", "Undelivered", "...");
	x.e.is_bounce = true;
	x.e.bounce_message_id = "unknown@elsewhere";
	r = ingest_ok(f, &x, "ignored");
	assert_int_equal(r.ticket_id, 0);
	assert_int_equal(count(f, "SELECT count(*) FROM mail_ingest WHERE outcome = 'ignored'"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM tickets"), 1);
}

static void test_suspended_sender(void **state)
{
	struct fx *f = *state;
	struct msg x;
	t_user(f->db, "end-user", "Sam", "sam@example.com", 0);
	assert_int_equal(db_exec(f->db, "UPDATE users SET suspended = 1 WHERE email = ?", "s",
				 "sam@example.com"),
			 0);
	msg_init(&x, "u1@example.com", "sam@example.com", "Hi", "Spam spam");
	ingest_ok(f, &x, "ignored");
	assert_int_equal(count(f, "SELECT count(*) FROM tickets"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM mail_ingest WHERE detail LIKE "
				  "'%suspended%'"),
			 1);
}

static void test_attachments_and_html(void **state)
{
	struct fx *f = *state;
	struct msg x;
	struct desk_ingest_result r;
	struct desk_actor carol, other;
	json_t *a = NULL;
	void *data;
	size_t size;
	char *type, *name, *html, want[128], sha[CRYPTO_SHA256_HEX];
	static const char png[] = "\x89PNG\r\n\x1a\n fake image";
	static const char evil[] = "<script>alert(1)</script>";
	int64_t att, img;
	struct desk_list l;
	struct desk_page p = {.size = 50, .page = 1};
	msg_init(&x, "a1@customer.test", "carol@example.com", "Screenshot", "See attached");
	x.e.html = "<p onclick=\"steal()\">See <b>attached</b></p><img src=\"cid:img1@x\">"
		   "<img src=\"CID:img1%40x\"><img src=\"cid:unknown@x\">"
		   "<script>alert(document.cookie)</script><img src=\"https://tracker.test/p.gif\">";
	x.atts[0] = (struct desk_email_att){"../../etc/passwd\r\n.html", "text/html", NULL, false,
					    evil, sizeof evil - 1};
	x.atts[1] = (struct desk_email_att){"", "image/png", "img1@x", true, png, sizeof png - 1};
	x.e.natts = 2;
	r = ingest_ok(f, &x, "ticket");
	carol = (struct desk_actor){
		t_int(f->db, "SELECT requester_id FROM tickets WHERE id = ?", r.ticket_id),
		DESK_END_USER, 0};
	other = (struct desk_actor){t_user(f->db, "end-user", "Olga", "olga@example.com", 0),
				    DESK_END_USER, 0};
	assert_int_equal(t_int(f->db, "SELECT count(*) FROM attachments WHERE comment_id = ?",
			       r.comment_id),
			 2);
	att = t_int(f->db, "SELECT min(id) FROM attachments WHERE comment_id = ?", r.comment_id);
	img = t_int(f->db, "SELECT max(id) FROM attachments WHERE comment_id = ?", r.comment_id);
	assert_int_equal(t_int(f->db, "SELECT ticket_id FROM attachments WHERE id = ?", att),
			 r.ticket_id);
	crypto_sha256_hex(evil, sizeof evil - 1, sha);
	assert_text(f, "SELECT sha256 FROM attachments WHERE id = ?", att, sha);
	assert_text(f, "SELECT file_name FROM attachments WHERE id = ?", img, "attachment");
	assert_text(f, "SELECT content_id FROM attachments WHERE id = ?", img, "img1@x");
	assert_int_equal(t_int(f->db, "SELECT is_inline FROM attachments WHERE id = ?", img), 1);
	/* HTML stored sanitized, inline images pointing at their content URL */
	html = text_of(f, "SELECT html_body FROM comments WHERE id = ?", r.comment_id);
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "onclick"));
	assert_null(strstr(html, "tracker.test"));
	snprintf(want, sizeof want, "src=\"/api/v2/attachments/%lld/content\"", (long long)img);
	assert_non_null(strstr(html, want));
	assert_non_null(strstr(strstr(html, want) + 1, want)); /* the %40-encoded one too */
	assert_null(strstr(html, "cid:img1"));
	assert_non_null(strstr(html, "cid:unknown@x")); /* left for the UI */
	free(html);

	/* who may see the files */
	assert_int_equal(desk_attachment_get(f->db, &carol, att, &a), 0);
	assert_string_equal(json_string_value(json_object_get(a, "file_name")),
			    "../../etc/passwd\r\n.html");
	assert_string_equal(json_string_value(json_object_get(a, "content_type")), "text/html");
	snprintf(want, sizeof want, "/api/v2/attachments/%lld/content", (long long)att);
	assert_string_equal(json_string_value(json_object_get(a, "content_url")), want);
	assert_int_equal(json_integer_value(json_object_get(a, "size")), sizeof evil - 1);
	assert_true(json_is_false(json_object_get(a, "inline")));
	json_decref(a);
	assert_int_equal(desk_attachment_get(f->db, &f->agent, img, &a), 0);
	json_decref(a);
	assert_int_equal(desk_attachment_get(f->db, &other, att, &a), HELPO_ENOTFOUND);
	assert_null(a);
	assert_int_equal(desk_attachment_get(f->db, &f->agent2, att, &a), HELPO_ENOTFOUND);
	assert_int_equal(desk_attachment_get(f->db, &f->admin, 999999, &a), HELPO_ENOTFOUND);
	assert_int_equal(desk_attachment_data(f->db, &carol, img, &data, &size, &type, &name), 0);
	assert_int_equal(size, sizeof png - 1);
	assert_memory_equal(data, png, size);
	assert_string_equal(type, "image/png");
	free(data);
	free(type);
	free(name);
	assert_int_equal(desk_attachment_data(f->db, &other, img, &data, &size, &type, &name),
			 HELPO_ENOTFOUND);
	assert_null(data);

	/* the comment list carries each comment's files */
	assert_int_equal(desk_comment_list(f->db, &carol, r.ticket_id, &p, &l), 0);
	{
		json_t *atts = json_object_get(json_array_get(l.rows, 0), "attachments");
		assert_int_equal(json_array_size(atts), 2);
		assert_int_equal(json_integer_value(json_object_get(json_array_get(atts, 0), "id")),
				 att);
		assert_true(json_is_true(json_object_get(json_array_get(atts, 1), "inline")));
		assert_non_null(json_object_get(json_array_get(atts, 0), "content_url"));
	}
	desk_list_release(&l);

	/* a stranger's file on a review note: staff only */
	msg_init(&x, "a2@evil.test", "mallory@evil.test", "Re: Screenshot", "Look");
	x.e.in_reply_to = "a1@customer.test";
	x.atts[0] = (struct desk_email_att){"x.txt", "text/plain", NULL, false, "hi", 2};
	x.e.natts = 1;
	r = ingest_ok(f, &x, "review");
	att = t_int(f->db, "SELECT id FROM attachments WHERE comment_id = ?", r.comment_id);
	assert_int_equal(desk_attachment_get(f->db, &carol, att, &a), HELPO_ENOTFOUND);
	assert_int_equal(desk_attachment_get(f->db, &f->agent, att, &a), 0);
	json_decref(a);
}

static void test_limits_and_empty(void **state)
{
	struct fx *f = *state;
	struct msg x;
	struct desk_ingest_result r;
	size_t big = HELPO_MAX_COMMENT_BYTES + 5000;
	char *text = malloc(big + 1), *subject = malloc(3000);
	memset(text, 'a', big);
	text[big] = '\0';
	memset(subject, 's', 2999);
	subject[2999] = '\0';
	/* over-long subject and body: cut, not refused */
	msg_init(&x, "l1@customer.test", "carol@example.com", subject, text);
	x.e.truncated = true;
	r = ingest_ok(f, &x, "ticket");
	assert_true(t_int(f->db, "SELECT length(body) FROM comments WHERE id = ?", r.comment_id) <=
		    HELPO_MAX_COMMENT_BYTES);
	assert_int_equal(t_int(f->db, "SELECT length(subject) FROM tickets WHERE id = ?",
			       r.ticket_id),
			 HELPO_MAX_SUBJECT_BYTES);
	assert_int_equal(count(f, "SELECT count(*) FROM mail_ingest WHERE detail <> ''"), 1);
	free(text);
	free(subject);
	/* no text at all */
	msg_init(&x, "l2@customer.test", "carol@example.com", NULL, NULL);
	x.e.text_trimmed = NULL;
	r = ingest_ok(f, &x, "ticket");
	assert_text(f, "SELECT body FROM comments WHERE id = ?", r.comment_id, "(no message text)");
	/* no sender: ignored */
	msg_init(&x, "l3@customer.test", NULL, "x", "y");
	ingest_ok(f, &x, "ignored");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_new_ticket),
		T(test_reply_by_message_id),
		T(test_reply_by_tag),
		T(test_tags),
		T(test_stranger_and_agent_review),
		T(test_solved_reopens_closed_follows_up),
		T(test_cc_collaborators),
		T(test_duplicate),
		T(test_bounce),
		T(test_suspended_sender),
		T(test_attachments_and_html),
		T(test_limits_and_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
