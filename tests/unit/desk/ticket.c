/*
 * tests/unit/desk/ticket.c — unit tests for src/desk/ticket.c: ticket create/get/update/delete
 * and list, comments, tags and the event log, against a real migrated SQLite database.
 *
 * Covers: the first comment is required; input validation (unknown fields, enums, ids) with
 * the field named in the error and nothing stored; status rules (staff reply new→open,
 * requester reply reopens pending/solved, closed is final, never back to new, solving assigns
 * the solver); tags normalised and deduplicated; idempotency keys; events written for every
 * change; internal notes hidden from end-users; paging (cursor after/before, offset) returns
 * every ticket exactly once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "desk/desk.h"
#include "desk/ticket_int.h"

static const struct ticket_opts as_request = {.as_request = true};
#include "../testutil.h"

struct fx {
	struct tdb *t;
	struct db *db;
	struct desk_actor admin, agent, agent2, user, other_user;
	int64_t group, group2, org;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	int64_t id;
	f->t = t_db_open();
	f->db = f->t->db;
	f->org = t_org(f->db, "Acme", 0);
	f->group = t_group(f->db, "Support");
	f->group2 = t_group(f->db, "Billing");
	id = t_user(f->db, "admin", "Ada Admin", "ada@example.com", 0);
	f->admin = (struct desk_actor){id, DESK_ADMIN, 0};
	id = t_user(f->db, "agent", "Andris Agent", "andris@example.com", 0);
	f->agent = (struct desk_actor){id, DESK_AGENT, 0};
	t_member(f->db, id, f->group);
	id = t_user(f->db, "agent", "Bea Billing", "bea@example.com", 0);
	f->agent2 = (struct desk_actor){id, DESK_AGENT, 0};
	t_member(f->db, id, f->group2);
	id = t_user(f->db, "end-user", "Ūna User", "una@example.com", f->org);
	f->user = (struct desk_actor){id, DESK_END_USER, f->org};
	id = t_user(f->db, "end-user", "Oskars Other", "oskars@example.com", 0);
	f->other_user = (struct desk_actor){id, DESK_END_USER, 0};
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

/* Builds a JSON object from printf-style text; aborts the test if it does not parse. */
static json_t *J(const char *fmt, ...) PRINTF_LIKE(1, 2);
static json_t *J(const char *fmt, ...)
{
	char text[4096];
	va_list ap;
	json_error_t e;
	json_t *v;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	v = json_loads(text, 0, &e);
	if (!v)
		fail_msg("bad test JSON %s: %s", text, e.text);
	return v;
}

static int64_t jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Creates a ticket as actor a from JSON text; asserts success; returns the id. */
static int64_t create_ok(struct fx *f, const struct desk_actor *a, const char *text)
{
	json_t *in = J("%s", text), *out = NULL;
	struct desk_err err = {.field = ""};
	int rc = desk_ticket_create(f->db, a, in, NULL, &out, &err);
	int64_t id;
	json_decref(in);
	if (rc)
		fail_msg("create failed: %d %s: %s", rc, err.field, err.message);
	id = jint(out, "id");
	assert_true(id > 0);
	json_decref(out);
	return id;
}

/* Updates as actor a; returns the result code; *status gets the resulting status. */
static int update(struct fx *f, const struct desk_actor *a, int64_t id, const char *text,
                  char *status, struct desk_err *err)
{
	json_t *in = J("%s", text), *out = NULL;
	struct desk_err e2 = {.field = ""};
	int rc = desk_ticket_update(f->db, a, id, in, &out, err ? err : &e2);
	json_decref(in);
	if (!rc) {
		assert_non_null(out);
		if (status)
			snprintf(status, 16, "%s", jstr(out, "status"));
		json_decref(out);
	} else
		assert_null(out);
	return rc;
}

static void update_ok(struct fx *f, const struct desk_actor *a, int64_t id, const char *text,
                      const char *want_status)
{
	char st[16] = "";
	struct desk_err err = {.field = ""};
	int rc = update(f, a, id, text, st, &err);
	if (rc)
		fail_msg("update %s failed: %d %s: %s", text, rc, err.field, err.message);
	if (want_status && strcmp(st, want_status))
		fail_msg("update %s: status %s, want %s", text, st, want_status);
}

static const char *status_of(struct fx *f, int64_t id, char *buf)
{
	json_t *t = NULL;
	assert_int_equal(desk_ticket_get(f->db, &f->admin, id, &t), 0);
	snprintf(buf, 16, "%s", jstr(t, "status"));
	json_decref(t);
	return buf;
}

static int64_t count(struct fx *f, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_int(f->db, &n, sql, ""), 0);
	return n;
}

static int64_t count_id(struct fx *f, const char *sql, int64_t id)
{
	return t_int(f->db, sql, id);
}

/* ---- create ---- */

static void test_create_needs_comment(void **state)
{
	struct fx *f = *state;
	struct desk_err err = {.field = ""};
	json_t *out = NULL, *in;
	const char *bad[] = {
	    "{\"subject\": \"no comment\"}",
	    "{\"subject\": \"null comment\", \"comment\": null}",
	    "{\"subject\": \"blank\", \"comment\": {\"body\": \"\"}}",
	    "{\"subject\": \"blank\", \"comment\": \"\"}",
	    "{\"subject\": \"blank\", \"comment\": {\"public\": true}}",
	    NULL,
	};
	for (int i = 0; bad[i]; i++) {
		memset(&err, 0, sizeof err);
		in = J("%s", bad[i]);
		assert_int_equal(desk_ticket_create(f->db, &f->agent, in, NULL, &out, &err),
		                 HELPO_EINVAL);
		assert_null(out);
		assert_string_equal(err.field, "comment");
		assert_true(strlen(err.message) > 0);
		json_decref(in);
	}
	assert_int_equal(count(f, "SELECT count(*) FROM tickets"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM events"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM comments"), 0);
}

static void test_create_basic(void **state)
{
	struct fx *f = *state;
	json_t *in, *out = NULL, *tags;
	struct desk_err err = {.field = ""};
	in = J("{\"subject\": \"Printer on fire\", \"comment\": {\"body\": \"Smoke!\"},"
	       " \"requester_id\": %lld, \"priority\": \"urgent\", \"type\": \"incident\","
	       " \"tags\": [\"VIP\", \"printer\", \"vip\", \"Printer\"],"
	       " \"external_id\": \"ext-1\", \"due_at\": \"2030-01-02T03:04:05Z\","
	       " \"custom_fields\": [{\"id\": 7, \"value\": \"x\"}]}",
	       (long long)f->user.id);
	assert_int_equal(desk_ticket_create(f->db, &f->agent, in, NULL, &out, &err), 0);
	json_decref(in);
	assert_string_equal(jstr(out, "subject"), "Printer on fire");
	assert_string_equal(jstr(out, "description"), "Smoke!");
	assert_string_equal(jstr(out, "status"), "new");
	assert_string_equal(jstr(out, "priority"), "urgent");
	assert_string_equal(jstr(out, "type"), "incident");
	assert_string_equal(jstr(out, "external_id"), "ext-1");
	assert_string_equal(jstr(out, "due_at"), "2030-01-02T03:04:05Z");
	assert_int_equal(jint(out, "requester_id"), f->user.id);
	assert_int_equal(jint(out, "submitter_id"), f->agent.id);
	assert_true(json_is_null(json_object_get(out, "assignee_id")));
	/* the group defaults to the submitting agent's group; the org to the requester's */
	assert_int_equal(jint(out, "group_id"), f->group);
	assert_int_equal(jint(out, "organization_id"), f->org);
	/* tags: lower-cased, deduplicated, sorted */
	tags = json_object_get(out, "tags");
	assert_int_equal(json_array_size(tags), 2);
	assert_string_equal(json_string_value(json_array_get(tags, 0)), "printer");
	assert_string_equal(json_string_value(json_array_get(tags, 1)), "vip");
	assert_int_equal(
	    count_id(f, "SELECT count(*) FROM ticket_tags WHERE ticket_id = ?", jint(out, "id")),
	    2);
	assert_int_equal(jint(json_array_get(json_object_get(out, "custom_fields"), 0), "id"), 7);
	assert_string_equal(jstr(json_object_get(out, "via"), "channel"), "api");
	assert_non_null(jstr(out, "created_at"));

	/* get returns the same record */
	json_t *got = NULL;
	assert_int_equal(desk_ticket_get(f->db, &f->agent, jint(out, "id"), &got), 0);
	assert_true(json_equal(got, out));
	json_decref(got);
	json_decref(out);

	/* subject defaults to the start of the body */
	int64_t id = create_ok(f, &f->agent, "{\"comment\": {\"body\": \"First line\\nsecond\"}}");
	assert_int_equal(desk_ticket_get(f->db, &f->agent, id, &got), 0);
	assert_string_equal(jstr(got, "subject"), "First line");
	/* no requester given: the submitter is the requester */
	assert_int_equal(jint(got, "requester_id"), f->agent.id);
	json_decref(got);

	/* "comment" as a plain string is accepted, as Zendesk does */
	id = create_ok(f, &f->agent, "{\"subject\": \"s\", \"comment\": \"just text\"}");
	assert_int_equal(count_id(f, "SELECT count(*) FROM comments WHERE ticket_id = ?", id), 1);
}

static void test_create_status(void **state)
{
	struct fx *f = *state;
	json_t *t = NULL;
	int64_t id;
	/* an assignee at creation opens the ticket */
	char text[256];
	snprintf(text, sizeof text,
	         "{\"subject\": \"a\", \"comment\": \"b\", \"assignee_id\": %lld,"
	         " \"group_id\": %lld}",
	         (long long)f->agent.id, (long long)f->group);
	id = create_ok(f, &f->admin, text);
	assert_int_equal(desk_ticket_get(f->db, &f->admin, id, &t), 0);
	assert_string_equal(jstr(t, "status"), "open");
	assert_int_equal(jint(t, "assignee_id"), f->agent.id);
	json_decref(t);
	/* created solved without assignee: the creating agent is assigned */
	id = create_ok(f, &f->agent,
	               "{\"subject\": \"a\", \"comment\": \"b\", \"status\": \"solved\"}");
	assert_int_equal(desk_ticket_get(f->db, &f->agent, id, &t), 0);
	assert_string_equal(jstr(t, "status"), "solved");
	assert_int_equal(jint(t, "assignee_id"), f->agent.id);
	assert_true(json_is_string(json_object_get(t, "solved_at")));
	json_decref(t);
}

static void expect_create_error(struct fx *f, const struct desk_actor *a, const char *text,
                                int code, const char *field)
{
	json_t *in = J("%s", text), *out = NULL;
	struct desk_err err = {.field = ""};
	int rc = desk_ticket_create(f->db, a, in, NULL, &out, &err);
	json_decref(in);
	if (rc != code)
		fail_msg("create %s: got %d (%s: %s), want %d", text, rc, err.field, err.message,
		         code);
	assert_null(out);
	if (field && strcmp(err.field, field))
		fail_msg("create %s: error field '%s', want '%s'", text, err.field, field);
}

static void test_create_invalid(void **state)
{
	struct fx *f = *state;
	char text[512];
	expect_create_error(f, &f->agent, "{\"comment\": \"x\", \"colour\": \"red\"}", HELPO_EINVAL,
	                    "colour");
	expect_create_error(f, &f->agent, "{\"comment\": {\"body\": \"x\", \"bogus\": 1}}",
	                    HELPO_EINVAL, "bogus");
	expect_create_error(f, &f->agent, "{\"comment\": \"x\", \"status\": \"done\"}",
	                    HELPO_EINVAL, "status");
	expect_create_error(f, &f->agent, "{\"comment\": \"x\", \"status\": \"closed\"}",
	                    HELPO_EINVAL, "status");
	expect_create_error(f, &f->agent, "{\"comment\": \"x\", \"priority\": \"URGENT\"}",
	                    HELPO_EINVAL, "priority");
	expect_create_error(f, &f->agent, "{\"comment\": \"x\", \"type\": 5}", HELPO_EINVAL,
	                    "type");
	expect_create_error(f, &f->agent, "{\"comment\": \"x\", \"subject\": 5}", HELPO_EINVAL,
	                    "subject");
	expect_create_error(f, &f->agent, "{\"comment\": \"x\", \"requester_id\": -1}",
	                    HELPO_EINVAL, "requester_id");
	expect_create_error(f, &f->agent, "{\"comment\": \"x\", \"requester_id\": \"5\"}",
	                    HELPO_EINVAL, "requester_id");
	expect_create_error(f, &f->agent, "{\"comment\": \"x\", \"requester_id\": 9999}",
	                    HELPO_EINVAL, "requester_id");
	expect_create_error(f, &f->agent, "{\"comment\": \"x\", \"assignee_id\": 9999}",
	                    HELPO_EINVAL, "assignee_id");
	snprintf(text, sizeof text, "{\"comment\": \"x\", \"assignee_id\": %lld}",
	         (long long)f->user.id);
	expect_create_error(f, &f->agent, text, HELPO_EINVAL, "assignee_id"); /* not an agent */
	snprintf(text, sizeof text,
	         "{\"comment\": \"x\", \"assignee_id\": %lld, \"group_id\": %lld}",
	         (long long)f->agent2.id, (long long)f->group);
	expect_create_error(f, &f->agent, text, HELPO_EINVAL, "assignee_id"); /* not a member */
	expect_create_error(f, &f->agent, "{\"comment\": \"x\", \"group_id\": 9999}", HELPO_EINVAL,
	                    "group_id");
	expect_create_error(f, &f->agent, "{\"comment\": \"x\", \"organization_id\": 9999}",
	                    HELPO_EINVAL, "organization_id");
	expect_create_error(f, &f->agent, "{\"comment\": \"x\", \"due_at\": \"tomorrow\"}",
	                    HELPO_EINVAL, "due_at");
	expect_create_error(f, &f->agent, "{\"comment\": \"x\", \"tags\": \"a b\"}", HELPO_EINVAL,
	                    "tags");
	expect_create_error(f, &f->agent, "{\"comment\": \"x\", \"tags\": [\"a b\"]}", HELPO_EINVAL,
	                    "tags");
	expect_create_error(f, &f->agent, "{\"comment\": \"x\", \"tags\": [1]}", HELPO_EINVAL,
	                    "tags");
	expect_create_error(f, &f->agent, "{\"comment\": \"x\", \"custom_fields\": {\"a\": 1}}",
	                    HELPO_EINVAL, "custom_fields");
	expect_create_error(f, &f->agent, "{\"comment\": \"x\", \"custom_fields\": [{\"id\": 1}]}",
	                    HELPO_EINVAL, "custom_fields");
	expect_create_error(f, &f->agent, "{\"comment\": \"x\", \"requester\": \"ann\"}",
	                    HELPO_EINVAL, "requester");
	expect_create_error(f, &f->agent, "{\"comment\": \"x\", \"requester\": {\"name\": \"A\"}}",
	                    HELPO_EINVAL, "requester");
	/* a comment author that does not exist is bad input, not a conflict */
	expect_create_error(f, &f->agent, "{\"comment\": {\"body\": \"x\", \"author_id\": 9999}}",
	                    HELPO_EINVAL, "author_id");
	/* end-users create tickets through requests, not here */
	expect_create_error(f, &f->user, "{\"comment\": \"x\"}", HELPO_EFORBIDDEN, NULL);
	/* nothing of the failures was stored */
	assert_int_equal(count(f, "SELECT count(*) FROM tickets"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM comments"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM events"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM ticket_fts"), 0);
	/* a subject of exactly the limit is fine, one byte more is not */
	{
		size_t n = 1024;
		char *big = malloc(n + 64), *body = malloc(n + 2);
		memset(body, 'x', n + 1);
		body[n] = '\0';
		snprintf(big, n + 64, "{\"comment\": \"x\", \"subject\": \"%s\"}", body);
		create_ok(f, &f->agent, big);
		body[n] = 'x';
		body[n + 1] = '\0';
		snprintf(big, n + 64, "{\"comment\": \"x\", \"subject\": \"%s\"}", body);
		expect_create_error(f, &f->agent, big, HELPO_EINVAL, "subject");
		free(big);
		free(body);
	}
}

static void test_create_requester_object(void **state)
{
	struct fx *f = *state;
	json_t *t = NULL;
	int64_t id1, id2, uid;
	id1 =
	    create_ok(f, &f->agent,
	              "{\"comment\": \"x\", \"requester\": {\"email\": \"New.Person@Example.com\","
	              " \"name\": \"New Person\"}}");
	assert_int_equal(db_int(f->db, &uid, "SELECT id FROM users WHERE email = ?", "s",
	                        "new.person@example.com"),
	                 0);
	assert_int_equal(desk_ticket_get(f->db, &f->agent, id1, &t), 0);
	assert_int_equal(jint(t, "requester_id"), uid);
	json_decref(t);
	/* the same e-mail again finds the same user */
	id2 = create_ok(
	    f, &f->agent,
	    "{\"comment\": \"y\", \"requester\": {\"email\": \"new.person@example.com\"}}");
	assert_int_equal(desk_ticket_get(f->db, &f->agent, id2, &t), 0);
	assert_int_equal(jint(t, "requester_id"), uid);
	json_decref(t);
	assert_int_equal(count(f, "SELECT count(*) FROM users WHERE email LIKE 'new.person%'"), 1);
	/* a bad e-mail stores nothing */
	expect_create_error(f, &f->agent,
	                    "{\"comment\": \"x\", \"requester\": {\"email\": \"not-an-email\"}}",
	                    HELPO_EINVAL, NULL);
	assert_int_equal(count(f, "SELECT count(*) FROM tickets"), 2);
}

static void test_idempotency(void **state)
{
	struct fx *f = *state;
	json_t *in = J("{\"subject\": \"once\", \"comment\": \"only once\"}"), *a = NULL, *b = NULL,
	       *c = NULL;
	struct desk_err err = {.field = ""};
	assert_int_equal(desk_ticket_create(f->db, &f->agent, in, "key-1", &a, &err), 0);
	assert_int_equal(desk_ticket_create(f->db, &f->agent, in, "key-1", &b, &err), 0);
	assert_int_equal(jint(a, "id"), jint(b, "id"));
	assert_int_equal(count(f, "SELECT count(*) FROM tickets"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM comments"), 1);
	/* another key, or another user with the same key, creates a new ticket */
	assert_int_equal(desk_ticket_create(f->db, &f->agent2, in, "key-1", &c, &err), 0);
	assert_int_not_equal(jint(c, "id"), jint(a, "id"));
	json_decref(c);
	assert_int_equal(desk_ticket_create(f->db, &f->agent, in, "key-2", &c, &err), 0);
	assert_int_not_equal(jint(c, "id"), jint(a, "id"));
	assert_int_equal(count(f, "SELECT count(*) FROM tickets"), 3);
	json_decref(in);
	json_decref(a);
	json_decref(b);
	json_decref(c);
}

/* ---- update: status rules ---- */

static void test_status_staff_reply(void **state)
{
	struct fx *f = *state;
	char buf[16];
	char text[256];
	snprintf(text, sizeof text, "{\"comment\": \"help\", \"requester_id\": %lld}",
	         (long long)f->user.id);
	int64_t id = create_ok(f, &f->agent, text);
	assert_string_equal(status_of(f, id, buf), "new");
	/* an internal note keeps it new */
	update_ok(f, &f->agent, id, "{\"comment\": {\"body\": \"note\", \"public\": false}}",
	          "new");
	/* a public staff reply opens it */
	update_ok(f, &f->agent, id, "{\"comment\": {\"body\": \"On it\"}}", "open");
	/* an explicit status wins over the rule */
	int64_t id2 = create_ok(f, &f->agent, text);
	update_ok(f, &f->agent, id2, "{\"comment\": \"wait\", \"status\": \"pending\"}", "pending");
	/* an update without a comment leaves status alone */
	int64_t id3 = create_ok(f, &f->agent, text);
	update_ok(f, &f->agent, id3, "{\"priority\": \"high\"}", "new");
}

static void test_status_requester_reply(void **state)
{
	struct fx *f = *state;
	char text[256], buf[16];
	struct desk_err err = {.field = ""};
	json_t *in, *out = NULL;
	snprintf(text, sizeof text, "{\"comment\": \"help\", \"requester_id\": %lld}",
	         (long long)f->user.id);
	int64_t id = create_ok(f, &f->agent, text);
	update_ok(f, &f->agent, id, "{\"status\": \"pending\", \"comment\": \"more info?\"}",
	          "pending");
	/* the requester answers through the requests door: pending → open */
	in = J("{\"comment\": {\"body\": \"here it is\"}}");
	assert_int_equal(desk_ticket_update_in(f->db, &f->user, id, in, &as_request, &out, &err), 0);
	assert_string_equal(jstr(out, "status"), "open");
	json_decref(out);
	/* solved, then the requester writes again: reopened */
	update_ok(f, &f->agent, id, "{\"status\": \"solved\"}", "solved");
	assert_int_equal(desk_ticket_update_in(f->db, &f->user, id, in, &as_request, &out, &err), 0);
	assert_string_equal(jstr(out, "status"), "open");
	json_decref(out);
	json_decref(in);
	/* an agent posting on the requester's behalf (author_id) reopens too */
	update_ok(f, &f->agent, id, "{\"status\": \"pending\"}", "pending");
	snprintf(text, sizeof text, "{\"comment\": {\"body\": \"by mail\", \"author_id\": %lld}}",
	         (long long)f->user.id);
	update_ok(f, &f->agent, id, text, "open");
	assert_string_equal(status_of(f, id, buf), "open");
	/* end-users cannot use the agent door */
	in = J("{\"comment\": \"x\"}");
	assert_int_equal(desk_ticket_update(f->db, &f->user, id, in, &out, &err), HELPO_EFORBIDDEN);
	assert_null(out);
	json_decref(in);
	/* ...nor change fields through the requests door */
	in = J("{\"priority\": \"low\"}");
	assert_int_equal(desk_ticket_update_in(f->db, &f->user, id, in, &as_request, &out, &err),
	                 HELPO_EFORBIDDEN);
	json_decref(in);
}

static void test_status_closed(void **state)
{
	struct fx *f = *state;
	struct desk_err err;
	json_t *tags = NULL, *in, *out = NULL;
	int64_t id = create_ok(f, &f->agent, "{\"comment\": \"x\", \"tags\": [\"a\"]}");
	int64_t comments, events;
	update_ok(f, &f->agent, id, "{\"status\": \"closed\"}", "closed");
	comments = count_id(f, "SELECT count(*) FROM comments WHERE ticket_id = ?", id);
	events = count_id(f, "SELECT count(*) FROM events WHERE ticket_id = ?", id);
	const char *updates[] = {
	    "{\"comment\": \"reopen please\"}",
	    "{\"comment\": {\"body\": \"note\", \"public\": false}}",
	    "{\"status\": \"open\"}",
	    "{\"status\": \"closed\"}",
	    "{\"priority\": \"low\"}",
	    "{\"subject\": \"changed\"}",
	    "{\"tags\": [\"b\"]}",
	    "{}",
	    NULL,
	};
	for (int i = 0; updates[i]; i++) {
		memset(&err, 0, sizeof err);
		if (update(f, &f->agent, id, updates[i], NULL, &err) != HELPO_ECLOSED)
			fail_msg("update %s of a closed ticket was not refused", updates[i]);
		if (update(f, &f->admin, id, updates[i], NULL, &err) != HELPO_ECLOSED)
			fail_msg("admin update %s of a closed ticket was not refused", updates[i]);
	}
	tags = J("[\"c\"]");
	assert_int_equal(desk_ticket_tags(f->db, &f->agent, id, 'a', tags, &out, &err),
	                 HELPO_ECLOSED);
	assert_null(out);
	json_decref(tags);
	/* the requester cannot reopen it either */
	in = J("{\"comment\": \"hello?\"}");
	int64_t uid = t_user(f->db, "end-user", "Req", "req@example.com", 0);
	struct desk_actor req = {uid, DESK_END_USER, 0};
	char text[128];
	snprintf(text, sizeof text, "{\"comment\": \"x\", \"requester_id\": %lld}", (long long)uid);
	int64_t id2 = create_ok(f, &f->agent, text);
	update_ok(f, &f->agent, id2, "{\"status\": \"closed\"}", "closed");
	assert_int_equal(desk_ticket_update_in(f->db, &req, id2, in, &as_request, &out, &err),
	                 HELPO_ECLOSED);
	json_decref(in);
	/* nothing was added */
	assert_int_equal(count_id(f, "SELECT count(*) FROM comments WHERE ticket_id = ?", id),
	                 comments);
	assert_int_equal(count_id(f, "SELECT count(*) FROM events WHERE ticket_id = ?", id),
	                 events);
}

static void test_status_not_back_to_new(void **state)
{
	struct fx *f = *state;
	struct desk_err err = {.field = ""};
	char buf[16];
	int64_t id = create_ok(f, &f->agent, "{\"comment\": \"x\"}");
	/* new → new is not a change, and allowed */
	update_ok(f, &f->agent, id, "{\"status\": \"new\"}", "new");
	update_ok(f, &f->agent, id, "{\"status\": \"open\"}", "open");
	assert_int_equal(update(f, &f->agent, id, "{\"status\": \"new\"}", NULL, &err),
	                 HELPO_EINVAL);
	assert_string_equal(err.field, "status");
	assert_string_equal(status_of(f, id, buf), "open");
	assert_int_equal(update(f, &f->agent, id, "{\"status\": null}", NULL, &err), HELPO_EINVAL);
	assert_int_equal(update(f, &f->agent, id, "{\"status\": \"bogus\"}", NULL, &err),
	                 HELPO_EINVAL);
}

static void test_solve_assigns_solver(void **state)
{
	struct fx *f = *state;
	json_t *t = NULL;
	int64_t id = create_ok(f, &f->agent, "{\"comment\": \"x\"}");
	update_ok(f, &f->agent, id, "{\"status\": \"solved\", \"comment\": \"fixed\"}", "solved");
	assert_int_equal(desk_ticket_get(f->db, &f->agent, id, &t), 0);
	assert_int_equal(jint(t, "assignee_id"), f->agent.id);
	assert_true(json_is_string(json_object_get(t, "solved_at")));
	json_decref(t);
	/* an assigned ticket keeps its assignee when someone else solves it */
	char text[128];
	snprintf(text, sizeof text, "{\"comment\": \"x\", \"group_id\": %lld}",
	         (long long)f->group);
	int64_t id2 = create_ok(f, &f->admin, text);
	snprintf(text, sizeof text, "{\"assignee_id\": %lld}", (long long)f->agent.id);
	update_ok(f, &f->admin, id2, text, NULL);
	update_ok(f, &f->admin, id2, "{\"status\": \"solved\"}", "solved");
	assert_int_equal(desk_ticket_get(f->db, &f->admin, id2, &t), 0);
	assert_int_equal(jint(t, "assignee_id"), f->agent.id);
	json_decref(t);
}

static void test_update_invalid(void **state)
{
	struct fx *f = *state;
	struct desk_err err = {.field = ""};
	json_t *t = NULL;
	int64_t id = create_ok(f, &f->agent, "{\"subject\": \"keep\", \"comment\": \"x\"}");
	int64_t comments = count(f, "SELECT count(*) FROM comments");
	int64_t events = count(f, "SELECT count(*) FROM events");
	assert_int_equal(update(f, &f->agent, id, "{\"colour\": \"red\"}", NULL, &err),
	                 HELPO_EINVAL);
	assert_string_equal(err.field, "colour");
	/* a bad field in the same update as a comment: neither is stored */
	assert_int_equal(
	    update(f, &f->agent, id,
	           "{\"subject\": \"changed\", \"comment\": \"c\", \"assignee_id\": 9999}", NULL,
	           &err),
	    HELPO_EINVAL);
	assert_string_equal(err.field, "assignee_id");
	assert_int_equal(
	    update(f, &f->agent, id, "{\"priority\": \"meh\", \"comment\": \"c\"}", NULL, &err),
	    HELPO_EINVAL);
	assert_int_equal(update(f, &f->agent, id, "{\"requester_id\": null}", NULL, &err),
	                 HELPO_EINVAL);
	assert_int_equal(update(f, &f->agent, id, "{\"comment\": {\"body\": \"\"}}", NULL, &err),
	                 HELPO_EINVAL);
	assert_int_equal(update(f, &f->agent, id, "{\"tags\": [\"\"]}", NULL, &err), HELPO_EINVAL);
	assert_int_equal(update(f, &f->agent, id, "[]", NULL, &err), HELPO_EINVAL);
	assert_int_equal(count(f, "SELECT count(*) FROM comments"), comments);
	assert_int_equal(count(f, "SELECT count(*) FROM events"), events);
	assert_int_equal(desk_ticket_get(f->db, &f->agent, id, &t), 0);
	assert_string_equal(jstr(t, "subject"), "keep");
	json_decref(t);
	/* no such ticket */
	assert_int_equal(update(f, &f->agent, 9999, "{\"priority\": \"low\"}", NULL, &err),
	                 HELPO_ENOTFOUND);
	/* safe_update with a stale stamp is a conflict */
	assert_int_equal(update(f, &f->agent, id,
	                        "{\"priority\": \"low\", \"safe_update\": true,"
	                        " \"updated_stamp\": \"2001-01-01T00:00:00Z\"}",
	                        NULL, &err),
	                 HELPO_ECONFLICT);
}

static void test_update_fields(void **state)
{
	struct fx *f = *state;
	json_t *t = NULL, *in, *out = NULL;
	struct desk_err err = {.field = ""};
	char text[256];
	int64_t id = create_ok(f, &f->agent, "{\"subject\": \"old\", \"comment\": \"x\"}");
	snprintf(text, sizeof text,
	         "{\"subject\": \"new subject\", \"priority\": \"high\", \"type\": \"task\","
	         " \"external_id\": \"E\", \"due_at\": \"2031-05-06T00:00:00Z\","
	         " \"tags\": [\"B\", \"a\", \"b\"], \"assignee_id\": %lld}",
	         (long long)f->agent.id);
	update_ok(f, &f->agent, id, text, NULL);
	assert_int_equal(desk_ticket_get(f->db, &f->agent, id, &t), 0);
	assert_string_equal(jstr(t, "subject"), "new subject");
	assert_string_equal(jstr(t, "priority"), "high");
	assert_string_equal(jstr(t, "type"), "task");
	assert_string_equal(jstr(t, "external_id"), "E");
	assert_string_equal(jstr(t, "due_at"), "2031-05-06T00:00:00Z");
	assert_int_equal(jint(t, "assignee_id"), f->agent.id);
	assert_int_equal(json_array_size(json_object_get(t, "tags")), 2);
	json_decref(t);
	assert_int_equal(count_id(f, "SELECT count(*) FROM ticket_tags WHERE ticket_id = ?", id),
	                 2);
	/* nulls clear */
	update_ok(f, &f->agent, id, "{\"priority\": null, \"due_at\": null, \"assignee_id\": null}",
	          NULL);
	assert_int_equal(desk_ticket_get(f->db, &f->agent, id, &t), 0);
	assert_true(json_is_null(json_object_get(t, "priority")));
	assert_true(json_is_null(json_object_get(t, "due_at")));
	assert_true(json_is_null(json_object_get(t, "assignee_id")));
	json_decref(t);
	/* the output of an update is the stored record */
	in = J("{\"type\": \"question\"}");
	assert_int_equal(desk_ticket_update(f->db, &f->agent, id, in, &out, &err), 0);
	assert_int_equal(desk_ticket_get(f->db, &f->agent, id, &t), 0);
	assert_true(json_equal(t, out));
	json_decref(t);
	json_decref(out);
	json_decref(in);
}

/* ---- tags ---- */

static void test_tags(void **state)
{
	struct fx *f = *state;
	struct desk_err err = {.field = ""};
	json_t *in, *out = NULL;
	int64_t id = create_ok(f, &f->agent, "{\"comment\": \"x\", \"tags\": [\"one\"]}");
	in = J("[\"Two\", \"two\", \"THREE\"]");
	assert_int_equal(desk_ticket_tags(f->db, &f->agent, id, 'a', in, &out, &err), 0);
	json_decref(in);
	assert_int_equal(json_array_size(out), 3);
	assert_string_equal(json_string_value(json_array_get(out, 0)), "one");
	assert_string_equal(json_string_value(json_array_get(out, 1)), "three");
	assert_string_equal(json_string_value(json_array_get(out, 2)), "two");
	json_decref(out);
	in = J("[\"ONE\", \"missing\"]");
	assert_int_equal(desk_ticket_tags(f->db, &f->agent, id, 'r', in, &out, &err), 0);
	json_decref(in);
	assert_int_equal(json_array_size(out), 2);
	assert_string_equal(json_string_value(json_array_get(out, 0)), "three");
	json_decref(out);
	in = J("[\"z\", \"y\"]");
	assert_int_equal(desk_ticket_tags(f->db, &f->agent, id, 's', in, &out, &err), 0);
	json_decref(in);
	assert_int_equal(json_array_size(out), 2);
	assert_string_equal(json_string_value(json_array_get(out, 0)), "y");
	json_decref(out);
	assert_int_equal(count_id(f, "SELECT count(*) FROM ticket_tags WHERE ticket_id = ?", id),
	                 2);
	assert_int_equal(
	    count_id(f, "SELECT count(*) FROM ticket_tags WHERE ticket_id = ? AND tag = 'z'", id),
	    1);
	/* Zendesk's additional_tags / remove_tags on a ticket update */
	update_ok(f, &f->agent, id, "{\"additional_tags\": [\"Extra\", \"y\"]}", NULL);
	update_ok(f, &f->agent, id, "{\"remove_tags\": [\"Z\"]}", NULL);
	{
		json_t *t = NULL, *tg;
		assert_int_equal(desk_ticket_get(f->db, &f->agent, id, &t), 0);
		tg = json_object_get(t, "tags");
		assert_int_equal(json_array_size(tg), 2);
		assert_string_equal(json_string_value(json_array_get(tg, 0)), "extra");
		assert_string_equal(json_string_value(json_array_get(tg, 1)), "y");
		json_decref(t);
	}
	update_ok(f, &f->agent, id,
	          "{\"additional_tags\": [\"new\"], \"remove_tags\": [\"extra\", \"y\"]}", NULL);
	assert_int_equal(count_id(f, "SELECT count(*) FROM ticket_tags WHERE ticket_id = ?", id),
	                 1);
	assert_int_equal(update(f, &f->agent, id, "{\"additional_tags\": [\"a b\"]}", NULL, &err),
	                 HELPO_EINVAL);
	assert_int_equal(update(f, &f->agent, id, "{\"remove_tags\": \"new\"}", NULL, &err),
	                 HELPO_EINVAL);
	assert_int_equal(count_id(f, "SELECT count(*) FROM ticket_tags WHERE ticket_id = ?", id),
	                 1);
	/* bad tags */
	in = J("[\"has space\"]");
	assert_int_equal(desk_ticket_tags(f->db, &f->agent, id, 'a', in, &out, &err), HELPO_EINVAL);
	assert_null(out);
	json_decref(in);
	in = J("{\"a\": 1}");
	assert_int_equal(desk_ticket_tags(f->db, &f->agent, id, 's', in, &out, &err), HELPO_EINVAL);
	json_decref(in);
	/* the tag limit */
	json_t *many = json_array();
	for (int i = 0; i <= 100; i++) {
		char tg[16];
		snprintf(tg, sizeof tg, "t%d", i);
		json_array_append_new(many, json_string(tg));
	}
	assert_int_equal(desk_ticket_tags(f->db, &f->agent, id, 's', many, &out, &err),
	                 HELPO_EINVAL);
	json_decref(many);
	/* end-users may not change tags; and a ticket they cannot see is not found */
	in = J("[\"x\"]");
	assert_int_equal(desk_ticket_tags(f->db, &f->user, id, 'a', in, &out, &err),
	                 HELPO_ENOTFOUND);
	json_decref(in);
}

/* ---- events ---- */

static bool has_event(struct desk_list *l, const char *kind)
{
	size_t i;
	json_t *e;
	json_array_foreach(l->rows, i, e) if (!strcmp(jstr(e, "kind"), kind)) return true;
	return false;
}

static void test_events(void **state)
{
	struct fx *f = *state;
	struct desk_page p = {.size = 100, .page = 1};
	struct desk_list l;
	char text[256];
	snprintf(text, sizeof text, "{\"comment\": \"x\", \"requester_id\": %lld}",
	         (long long)f->user.id);
	int64_t id = create_ok(f, &f->agent, text);
	assert_int_equal(desk_ticket_events(f->db, &f->agent, id, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 2);
	assert_true(has_event(&l, "ticket.created"));
	assert_true(has_event(&l, "comment.added"));
	desk_list_release(&l);

	update_ok(f, &f->agent, id, "{\"priority\": \"low\"}", NULL);
	assert_int_equal(desk_ticket_events(f->db, &f->agent, id, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 3);
	json_t *last = json_array_get(l.rows, 2);
	assert_string_equal(jstr(last, "kind"), "ticket.updated");
	assert_int_equal(jint(last, "actor_id"), f->agent.id);
	json_t *ch = json_object_get(json_object_get(last, "payload"), "changes");
	assert_non_null(json_object_get(ch, "priority"));
	assert_string_equal(json_string_value(json_array_get(json_object_get(ch, "priority"), 1)),
	                    "low");
	/* oldest first */
	assert_true(jint(json_array_get(l.rows, 0), "id") < jint(last, "id"));
	desk_list_release(&l);

	update_ok(f, &f->agent, id, "{\"comment\": {\"body\": \"n\", \"public\": false}}", NULL);
	assert_int_equal(desk_ticket_events(f->db, &f->agent, id, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 4);
	assert_string_equal(jstr(json_array_get(l.rows, 3), "kind"), "comment.added");
	desk_list_release(&l);
	/* a public staff reply: the comment and the status change */
	update_ok(f, &f->agent, id, "{\"comment\": \"reply\"}", "open");
	assert_int_equal(desk_ticket_events(f->db, &f->agent, id, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 6);
	desk_list_release(&l);
	/* an update that changes nothing writes no event */
	update_ok(f, &f->agent, id, "{\"priority\": \"low\"}", NULL);
	assert_int_equal(count_id(f, "SELECT count(*) FROM events WHERE ticket_id = ?", id), 6);

	/* the system actor (id 0) is recorded as null, not as user 0 */
	struct desk_actor sys = {0, DESK_ADMIN, 0};
	char st[16];
	assert_int_equal(update(f, &sys, id, "{\"priority\": \"high\"}", st, NULL), 0);
	assert_int_equal(count_id(f,
	                          "SELECT count(*) FROM events WHERE ticket_id = ? AND "
	                          "actor_id IS NULL AND kind = 'ticket.updated'",
	                          id),
	                 1);
	assert_int_equal(count(f, "SELECT count(*) FROM events WHERE actor_id = 0 OR "
	                          "ticket_id = 0"),
	                 0);
	/* end-users do not see the audit trail, even of their own ticket */
	assert_int_equal(desk_ticket_events(f->db, &f->user, id, &p, &l), HELPO_ENOTFOUND);
	/* delete writes an event too */
	struct desk_err err = {.field = ""};
	assert_int_equal(desk_ticket_delete(f->db, &f->admin, id, &err), 0);
	assert_int_equal(count_id(f,
	                          "SELECT count(*) FROM events WHERE ticket_id = ? AND "
	                          "kind = 'ticket.deleted'",
	                          id),
	                 1);
}

/* ---- comments ---- */

static void test_comments_visibility(void **state)
{
	struct fx *f = *state;
	struct desk_page p = {.size = 100, .page = 1};
	struct desk_list l;
	size_t i;
	json_t *c;
	char text[256];
	snprintf(text, sizeof text, "{\"comment\": \"first\", \"requester_id\": %lld}",
	         (long long)f->user.id);
	int64_t id = create_ok(f, &f->agent, text);
	update_ok(f, &f->agent, id, "{\"comment\": {\"body\": \"secret note\", \"public\": false}}",
	          NULL);
	update_ok(f, &f->agent, id, "{\"comment\": {\"body\": \"<b>public</b> reply\"}}", NULL);

	assert_int_equal(desk_comment_list(f->db, &f->agent, id, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 3);
	assert_string_equal(jstr(json_array_get(l.rows, 0), "body"), "first");
	assert_false(json_is_true(json_object_get(json_array_get(l.rows, 1), "public")));
	/* comment bodies are escaped into html_body */
	assert_non_null(strstr(jstr(json_array_get(l.rows, 2), "html_body"), "&lt;b&gt;"));
	desk_list_release(&l);

	assert_int_equal(desk_comment_list(f->db, &f->user, id, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 2);
	json_array_foreach(l.rows, i, c)
	{
		assert_true(json_is_true(json_object_get(c, "public")));
		assert_null(strstr(jstr(c, "body"), "secret"));
	}
	desk_list_release(&l);
	/* another end-user does not see the ticket at all */
	assert_int_equal(desk_comment_list(f->db, &f->other_user, id, &p, &l), HELPO_ENOTFOUND);
	assert_int_equal(desk_comment_list(f->db, &f->agent, 9999, &p, &l), HELPO_ENOTFOUND);

	/* comment paging: cursor through 3 comments one at a time */
	struct desk_page cp = {.size = 1, .cursor = true};
	int seen = 0;
	int64_t last = 0;
	for (;;) {
		assert_int_equal(desk_comment_list(f->db, &f->agent, id, &cp, &l), 0);
		assert_int_equal(json_array_size(l.rows), 1);
		assert_true(jint(json_array_get(l.rows, 0), "id") > last);
		last = jint(json_array_get(l.rows, 0), "id");
		seen++;
		bool more = l.has_more;
		cp.has_after = true;
		cp.after_key = l.last_key;
		cp.after_id = l.last_id;
		desk_list_release(&l);
		if (!more)
			break;
	}
	assert_int_equal(seen, 3);
}

/* ---- delete ---- */

static void test_delete(void **state)
{
	struct fx *f = *state;
	struct desk_err err = {.field = ""};
	json_t *t = NULL;
	int64_t id = create_ok(f, &f->agent, "{\"subject\": \"zebra\", \"comment\": \"x\"}");
	assert_int_equal(desk_ticket_delete(f->db, &f->agent, id, &err), HELPO_EFORBIDDEN);
	assert_int_equal(desk_ticket_get(f->db, &f->agent, id, &t), 0);
	json_decref(t);
	assert_int_equal(desk_ticket_delete(f->db, &f->user, id, &err), HELPO_ENOTFOUND);
	assert_int_equal(desk_ticket_delete(f->db, &f->admin, id, &err), 0);
	assert_int_equal(desk_ticket_get(f->db, &f->admin, id, &t), HELPO_ENOTFOUND);
	assert_int_equal(desk_ticket_delete(f->db, &f->admin, id, &err), HELPO_ENOTFOUND);
	assert_int_equal(count_id(f, "SELECT count(*) FROM comments WHERE ticket_id = ?", id), 0);
	assert_int_equal(count_id(f, "SELECT count(*) FROM ticket_tags WHERE ticket_id = ?", id),
	                 0);
	assert_int_equal(count(f, "SELECT count(*) FROM ticket_fts WHERE ticket_fts MATCH 'zebra'"),
	                 0);
	assert_int_equal(desk_ticket_get(f->db, &f->admin, 424242, &t), HELPO_ENOTFOUND);
}

/* ---- lists and paging ---- */

enum { NT = 23 };

static void make_many(struct fx *f, int64_t *ids)
{
	for (int i = 0; i < NT; i++) {
		char text[128];
		snprintf(text, sizeof text,
		         "{\"subject\": \"t%d\", \"comment\": \"x\", \"priority\": \"%s\"}", i,
		         i % 3 == 0   ? "low"
		         : i % 3 == 1 ? "high"
		                      : "normal");
		ids[i] = create_ok(f, &f->agent, text);
	}
}

static void mark(int64_t *seen, int64_t id, const int64_t *ids)
{
	for (int i = 0; i < NT; i++)
		if (ids[i] == id) {
			seen[i]++;
			return;
		}
	fail_msg("unexpected ticket %lld in list", (long long)id);
}

static void all_once(const int64_t *seen)
{
	for (int i = 0; i < NT; i++)
		if (seen[i] != 1)
			fail_msg("ticket #%d seen %lld times", i, (long long)seen[i]);
}

static void walk_after(struct fx *f, const char *sort, bool desc, int size, const int64_t *ids)
{
	struct desk_ticket_filter flt = {0};
	struct desk_page p = {.size = size, .cursor = true, .sort = sort, .desc = desc};
	struct desk_list l;
	int64_t seen[NT] = {0};
	int pages = 0;
	for (;;) {
		size_t i;
		json_t *t;
		assert_int_equal(desk_ticket_list(f->db, &f->agent, &flt, &p, &l), 0);
		assert_true(json_array_size(l.rows) <= (size_t)size);
		json_array_foreach(l.rows, i, t) mark(seen, jint(t, "id"), ids);
		pages++;
		bool more = l.has_more;
		if (more)
			assert_int_equal(json_array_size(l.rows), size);
		p.has_after = true;
		p.after_key = l.last_key;
		p.after_id = l.last_id;
		desk_list_release(&l);
		if (!more)
			break;
		assert_true(pages < 100);
	}
	all_once(seen);
	assert_int_equal(pages, (NT + size - 1) / size);
}

static void walk_before(struct fx *f, const char *sort, bool desc, int size, const int64_t *ids)
{
	struct desk_ticket_filter flt = {0};
	struct desk_page p = {.size = size, .cursor = true, .sort = sort, .desc = desc};
	struct desk_list l;
	int64_t seen[NT] = {0};
	/* start past the end: before the sentinel, walking back to the start */
	p.has_before = true;
	p.before_key = desc ? INT64_MIN : INT64_MAX;
	p.before_id = desc ? INT64_MIN : INT64_MAX;
	for (int pages = 0;; pages++) {
		size_t i;
		json_t *t;
		int64_t prev = 0;
		assert_int_equal(desk_ticket_list(f->db, &f->agent, &flt, &p, &l), 0);
		/* rows come in the list's order even when walking backwards */
		json_array_foreach(l.rows, i, t)
		{
			int64_t id = jint(t, "id");
			mark(seen, id, ids);
			if (!strcmp(sort, "id") && i > 0)
				assert_true(desc ? id < prev : id > prev);
			prev = id;
		}
		bool more = l.has_more;
		p.before_key = l.first_key;
		p.before_id = l.first_id;
		desk_list_release(&l);
		if (!more)
			break;
		assert_true(pages < 100);
	}
	all_once(seen);
}

static void test_paging(void **state)
{
	struct fx *f = *state;
	int64_t ids[NT];
	make_many(f, ids);
	const char *sorts[] = {"id", "created_at", "updated_at", "priority", "status"};
	for (size_t s = 0; s < sizeof sorts / sizeof sorts[0]; s++)
		for (int desc = 0; desc < 2; desc++)
			for (int size = 1; size <= 25; size += 6) {
				walk_after(f, sorts[s], desc, size, ids);
				walk_before(f, sorts[s], desc, size, ids);
			}

	/* offset paging: every page, every ticket once, with the total */
	for (int size = 1; size <= 25; size += 4) {
		struct desk_ticket_filter flt = {0};
		struct desk_list l;
		int64_t seen[NT] = {0};
		for (int page = 1;; page++) {
			struct desk_page p = {.size = size, .page = page, .sort = "priority"};
			size_t i;
			json_t *t;
			assert_int_equal(desk_ticket_list(f->db, &f->agent, &flt, &p, &l), 0);
			assert_int_equal(l.count, NT);
			json_array_foreach(l.rows, i, t) mark(seen, jint(t, "id"), ids);
			bool more = l.has_more;
			desk_list_release(&l);
			if (!more)
				break;
		}
		all_once(seen);
	}

	/* an unknown sort is refused */
	struct desk_ticket_filter flt = {0};
	struct desk_page p = {.size = 10, .page = 1, .sort = "subject; DROP TABLE tickets"};
	struct desk_list l;
	assert_int_equal(desk_ticket_list(f->db, &f->agent, &flt, &p, &l), HELPO_EINVAL);
	assert_null(l.rows);
}

static void test_list_filters(void **state)
{
	struct fx *f = *state;
	struct desk_page p = {.size = 100, .page = 1};
	struct desk_list l;
	char text[256];
	snprintf(text, sizeof text, "{\"comment\": \"x\", \"requester_id\": %lld}",
	         (long long)f->user.id);
	int64_t a = create_ok(f, &f->agent, text);
	int64_t b = create_ok(f, &f->agent, "{\"comment\": \"x\", \"status\": \"pending\"}");
	snprintf(text, sizeof text, "{\"comment\": \"x\", \"group_id\": %lld}",
	         (long long)f->group2);
	create_ok(f, &f->admin, text);

	struct desk_ticket_filter by_req = {.requester_id = f->user.id};
	assert_int_equal(desk_ticket_list(f->db, &f->admin, &by_req, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 1);
	assert_int_equal(jint(json_array_get(l.rows, 0), "id"), a);
	assert_int_equal(l.count, 1);
	desk_list_release(&l);

	struct desk_ticket_filter by_status = {.status = "pending"};
	assert_int_equal(desk_ticket_list(f->db, &f->admin, &by_status, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 1);
	assert_int_equal(jint(json_array_get(l.rows, 0), "id"), b);
	desk_list_release(&l);

	struct desk_ticket_filter by_group = {.group_id = f->group2};
	assert_int_equal(desk_ticket_list(f->db, &f->admin, &by_group, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 1);
	desk_list_release(&l);

	struct desk_ticket_filter by_org = {.organization_id = f->org};
	assert_int_equal(desk_ticket_list(f->db, &f->admin, &by_org, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 1);
	desk_list_release(&l);

	int64_t many[] = {a, b, 99999};
	struct desk_ticket_filter by_ids = {.ids = many, .nids = 3};
	assert_int_equal(desk_ticket_list(f->db, &f->admin, &by_ids, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 2);
	desk_list_release(&l);

	struct desk_ticket_filter none = {0};
	assert_int_equal(desk_ticket_list(f->db, &f->admin, &none, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 3);
	assert_int_equal(l.count, 3);
	assert_false(l.has_more);
	desk_list_release(&l);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_create_needs_comment),
	    T(test_create_basic),
	    T(test_create_status),
	    T(test_create_invalid),
	    T(test_create_requester_object),
	    T(test_idempotency),
	    T(test_status_staff_reply),
	    T(test_status_requester_reply),
	    T(test_status_closed),
	    T(test_status_not_back_to_new),
	    T(test_solve_assigns_solver),
	    T(test_update_invalid),
	    T(test_update_fields),
	    T(test_tags),
	    T(test_events),
	    T(test_comments_visibility),
	    T(test_delete),
	    T(test_paging),
	    T(test_list_filters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
