/*
 * tests/unit/desk/mailbox.c — unit tests for src/desk/mailbox.c: support addresses
 * (recipient_addresses) created, read, updated, deleted and listed against a real migrated
 * SQLite database.
 *
 * Covers: who may write (admins) and read (staff; end-users see nothing); validation (bad
 * e-mail, bad locale, unknown field, unknown group) with the field named and nothing stored;
 * duplicates (case-insensitive) are conflicts; the first mailbox becomes the default and one
 * default at a time; deleting the default promotes another; events are written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "desk/desk.h"
#include "../testutil.h"

struct fx {
	struct tdb *t;
	struct db *db;
	struct desk_actor admin, agent, user;
	int64_t group;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->t = t_db_open();
	f->db = f->t->db;
	f->group = t_group(f->db, "Support");
	f->admin = (struct desk_actor){t_user(f->db, "admin", "Ada", "ada@example.com", 0),
				       DESK_ADMIN, 0};
	f->agent = (struct desk_actor){t_user(f->db, "agent", "Andris", "andris@example.com", 0),
				       DESK_AGENT, 0};
	f->user = (struct desk_actor){t_user(f->db, "end-user", "Una", "una@example.com", 0),
				      DESK_END_USER, 0};
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

static json_t *J(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, 0, &e);
	if (!v)
		fail_msg("bad test JSON %s: %s", text, e.text);
	return v;
}

/* Creates as actor a; returns rc; *out (when rc == 0) is the record. */
static int create(struct fx *f, const struct desk_actor *a, const char *text, json_t **out,
		  struct desk_err *err)
{
	json_t *in = J(text);
	int rc = desk_mailbox_create(f->db, a, in, out, err);
	json_decref(in);
	if (rc)
		assert_null(*out);
	return rc;
}

static int64_t create_ok(struct fx *f, const char *text)
{
	json_t *m = NULL;
	struct desk_err err = {0};
	int64_t id;
	if (create(f, &f->admin, text, &m, &err))
		fail_msg("create %s: %s: %s", text, err.field, err.message);
	id = json_integer_value(json_object_get(m, "id"));
	json_decref(m);
	return id;
}

static int64_t count(struct fx *f, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_int(f->db, &n, sql, ""), 0);
	return n;
}

static void test_create_shape(void **state)
{
	struct fx *f = *state;
	json_t *m = NULL;
	struct desk_err err = {0};
	char in[512];
	snprintf(in, sizeof in,
		 "{\"email\": \"Support@Helpo.TEST\", \"name\": \"Helpo Support\", \"group_id\": "
		 "%lld, \"signature\": \"-- \\nThe team\", \"locale\": \"lv\", \"send_ack\": true}",
		 (long long)f->group);
	assert_int_equal(create(f, &f->admin, in, &m, &err), 0);
	assert_string_equal(json_string_value(json_object_get(m, "email")), "support@helpo.test");
	assert_string_equal(json_string_value(json_object_get(m, "name")), "Helpo Support");
	assert_true(json_is_true(json_object_get(m, "default"))); /* the first one */
	assert_true(json_is_null(json_object_get(m, "brand_id")));
	assert_string_equal(json_string_value(json_object_get(m, "forwarding_status")),
			    "verified");
	assert_string_equal(json_string_value(json_object_get(m, "spf_status")), "verified");
	assert_string_equal(json_string_value(json_object_get(m, "cname_status")), "verified");
	assert_int_equal(json_integer_value(json_object_get(m, "group_id")), f->group);
	assert_string_equal(json_string_value(json_object_get(m, "locale")), "lv");
	assert_true(json_is_true(json_object_get(m, "send_ack")));
	assert_string_equal(json_string_value(json_object_get(m, "signature")), "-- \nThe team");
	assert_non_null(json_string_value(json_object_get(m, "created_at")));
	assert_non_null(json_string_value(json_object_get(m, "updated_at")));
	json_decref(m);
	assert_int_equal(count(f, "SELECT count(*) FROM events WHERE kind = 'mailbox.created'"), 1);

	/* defaults: locale en, no group, no ack, not default (one exists) */
	assert_int_equal(create(f, &f->admin, "{\"email\": \"billing@helpo.test\"}", &m, &err), 0);
	assert_string_equal(json_string_value(json_object_get(m, "locale")), "en");
	assert_true(json_is_null(json_object_get(m, "group_id")));
	assert_true(json_is_false(json_object_get(m, "send_ack")));
	assert_true(json_is_false(json_object_get(m, "default")));
	json_decref(m);
}

static void test_validation(void **state)
{
	struct fx *f = *state;
	json_t *m = NULL;
	static const struct {
		const char *in, *field;
		int rc;
	} cases[] = {
		{"{}", "email", HELPO_EINVAL},
		{"{\"email\": null}", "email", HELPO_EINVAL},
		{"{\"email\": \"not an address\"}", "email", HELPO_EINVAL},
		{"{\"email\": \"a@\"}", "email", HELPO_EINVAL},
		{"{\"email\": 42}", "email", HELPO_EINVAL},
		{"{\"email\": \"x@helpo.test\", \"locale\": \"de\"}", "locale", HELPO_EINVAL},
		{"{\"email\": \"x@helpo.test\", \"locale\": null}", "locale", HELPO_EINVAL},
		{"{\"email\": \"x@helpo.test\", \"group_id\": 9999}", "group_id", HELPO_EINVAL},
		{"{\"email\": \"x@helpo.test\", \"group_id\": -1}", "group_id", HELPO_EINVAL},
		{"{\"email\": \"x@helpo.test\", \"send_ack\": \"yes\"}", "send_ack", HELPO_EINVAL},
		{"{\"email\": \"x@helpo.test\", \"name\": \"a\\r\\nBcc: x@y.z\"}", "name",
		 HELPO_EINVAL},
		{"{\"email\": \"x@helpo.test\", \"bogus\": 1}", "bogus", HELPO_EINVAL},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct desk_err err = {0};
		int rc = create(f, &f->admin, cases[i].in, &m, &err);
		if (rc != cases[i].rc || strcmp(err.field, cases[i].field))
			fail_msg("%s: rc %d field %s, want %d %s", cases[i].in, rc, err.field,
				 cases[i].rc, cases[i].field);
	}
	assert_int_equal(count(f, "SELECT count(*) FROM mailboxes"), 0);
	/* Zendesk's read-only fields are accepted and ignored */
	create_ok(f, "{\"email\": \"x@helpo.test\", \"forwarding_status\": \"unknown\", "
		     "\"brand_id\": null, \"id\": 77}");
}

static void test_duplicate(void **state)
{
	struct fx *f = *state;
	json_t *m = NULL;
	struct desk_err err = {0};
	int64_t a = create_ok(f, "{\"email\": \"support@helpo.test\"}");
	int64_t b = create_ok(f, "{\"email\": \"billing@helpo.test\"}");
	assert_int_equal(create(f, &f->admin, "{\"email\": \"SUPPORT@helpo.test\"}", &m, &err),
			 HELPO_ECONFLICT);
	assert_string_equal(err.field, "email");
	assert_non_null(strstr(err.message, "already been taken"));
	/* renaming onto another's address is a conflict too; onto its own is fine */
	json_t *in = J("{\"email\": \"support@helpo.test\"}");
	assert_int_equal(desk_mailbox_update(f->db, &f->admin, b, in, &m, &err), HELPO_ECONFLICT);
	assert_null(m);
	assert_int_equal(desk_mailbox_update(f->db, &f->admin, a, in, &m, &err), 0);
	json_decref(m);
	json_decref(in);
	assert_int_equal(count(f, "SELECT count(*) FROM mailboxes"), 2);
}

static void test_permissions(void **state)
{
	struct fx *f = *state;
	json_t *m = NULL, *in = J("{\"name\": \"x\"}");
	struct desk_err err = {0};
	struct desk_page p = {.size = 10, .page = 1};
	struct desk_list l;
	int64_t id = create_ok(f, "{\"email\": \"support@helpo.test\"}");
	assert_int_equal(create(f, &f->agent, "{\"email\": \"a@helpo.test\"}", &m, &err),
			 HELPO_EFORBIDDEN);
	assert_int_equal(create(f, &f->user, "{\"email\": \"a@helpo.test\"}", &m, &err),
			 HELPO_ENOTFOUND);
	assert_int_equal(desk_mailbox_update(f->db, &f->agent, id, in, &m, &err),
			 HELPO_EFORBIDDEN);
	assert_int_equal(desk_mailbox_delete(f->db, &f->agent, id, &err), HELPO_EFORBIDDEN);
	assert_int_equal(desk_mailbox_delete(f->db, &f->user, id, &err), HELPO_ENOTFOUND);
	assert_int_equal(desk_mailbox_get(f->db, &f->user, id, &m), HELPO_ENOTFOUND);
	assert_int_equal(desk_mailbox_list(f->db, &f->user, &p, &l), HELPO_EFORBIDDEN);
	/* staff read */
	assert_int_equal(desk_mailbox_get(f->db, &f->agent, id, &m), 0);
	assert_string_equal(json_string_value(json_object_get(m, "email")), "support@helpo.test");
	json_decref(m);
	assert_int_equal(desk_mailbox_list(f->db, &f->agent, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 1);
	assert_int_equal(l.count, 1);
	desk_list_release(&l);
	assert_int_equal(desk_mailbox_get(f->db, &f->admin, 9999, &m), HELPO_ENOTFOUND);
	json_decref(in);
}

static void test_update_and_default(void **state)
{
	struct fx *f = *state;
	json_t *m = NULL, *in;
	struct desk_err err = {0};
	char text[256];
	int64_t a = create_ok(f, "{\"email\": \"support@helpo.test\"}");
	int64_t b = create_ok(f, "{\"email\": \"billing@helpo.test\"}");
	snprintf(text, sizeof text,
		 "{\"name\": \"Billing\", \"locale\": \"ru\", \"group_id\": %lld, \"default\": true, "
		 "\"send_ack\": true}",
		 (long long)f->group);
	in = J(text);
	assert_int_equal(desk_mailbox_update(f->db, &f->admin, b, in, &m, &err), 0);
	json_decref(in);
	assert_string_equal(json_string_value(json_object_get(m, "locale")), "ru");
	assert_string_equal(json_string_value(json_object_get(m, "name")), "Billing");
	assert_int_equal(json_integer_value(json_object_get(m, "group_id")), f->group);
	assert_true(json_is_true(json_object_get(m, "default")));
	json_decref(m);
	assert_int_equal(count(f, "SELECT count(*) FROM mailboxes WHERE is_default = 1"), 1);
	assert_int_equal(t_int(f->db, "SELECT is_default FROM mailboxes WHERE id = ?", a), 0);
	/* bad values: nothing changes */
	in = J("{\"locale\": \"xx\"}");
	assert_int_equal(desk_mailbox_update(f->db, &f->admin, b, in, &m, &err), HELPO_EINVAL);
	assert_string_equal(err.field, "locale");
	json_decref(in);
	in = J("{\"email\": \"bad\"}");
	assert_int_equal(desk_mailbox_update(f->db, &f->admin, b, in, &m, &err), HELPO_EINVAL);
	json_decref(in);
	assert_int_equal(count(f, "SELECT count(*) FROM mailboxes WHERE locale = 'ru' AND "
				  "email = 'billing@helpo.test'"),
			 1);
	/* group null unroutes */
	in = J("{\"group_id\": null}");
	assert_int_equal(desk_mailbox_update(f->db, &f->admin, b, in, &m, &err), 0);
	assert_true(json_is_null(json_object_get(m, "group_id")));
	json_decref(m);
	json_decref(in);
	assert_int_equal(desk_mailbox_update(f->db, &f->admin, 9999, in, &m, &err),
			 HELPO_ENOTFOUND);
	assert_int_equal(count(f, "SELECT count(*) FROM events WHERE kind = 'mailbox.updated'"), 2);
	/* deleting the default promotes the other */
	assert_int_equal(desk_mailbox_delete(f->db, &f->admin, b, &err), 0);
	assert_int_equal(t_int(f->db, "SELECT is_default FROM mailboxes WHERE id = ?", a), 1);
	assert_int_equal(desk_mailbox_delete(f->db, &f->admin, b, &err), HELPO_ENOTFOUND);
	assert_int_equal(count(f, "SELECT count(*) FROM events WHERE kind = 'mailbox.deleted'"), 1);
}

static void test_list_paging(void **state)
{
	struct fx *f = *state;
	struct desk_page p = {.size = 2, .cursor = true};
	struct desk_list l;
	char text[128];
	int seen = 0;
	for (int i = 0; i < 5; i++) {
		snprintf(text, sizeof text, "{\"email\": \"box%d@helpo.test\"}", i);
		create_ok(f, text);
	}
	for (;;) {
		assert_int_equal(desk_mailbox_list(f->db, &f->admin, &p, &l), 0);
		seen += (int)json_array_size(l.rows);
		if (!l.has_more) {
			desk_list_release(&l);
			break;
		}
		p.has_after = true;
		p.after_key = l.last_key;
		p.after_id = l.last_id;
		desk_list_release(&l);
	}
	assert_int_equal(seen, 5);
	p = (struct desk_page){.size = 2, .page = 1, .sort = "nope"};
	assert_int_equal(desk_mailbox_list(f->db, &f->admin, &p, &l), HELPO_EINVAL);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_create_shape), T(test_validation),	  T(test_duplicate),
		T(test_permissions),  T(test_update_and_default), T(test_list_paging),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
