/*
 * tests/unit/desk/api_token.c — unit tests for src/desk/api_token.c: API tokens listed, shown,
 * created and revoked against a real migrated SQLite database.
 *
 * Covers: only admins (agents and end-users get HELPO_EFORBIDDEN); the secret is returned by
 * create only, authenticates at once (desk_auth_token) and is never stored or listed; the owner
 * defaults to the actor and must exist and be active; validation names the field and stores
 * nothing; revoking deletes the row, stops the token at once, writes an event, and a second
 * revoke is HELPO_ENOTFOUND; cursor paging walks every token.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "desk/api_token.h"
#include "../testutil.h"

struct fx {
	struct tdb *t;
	struct db *db;
	struct desk_actor admin, agent, user;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->t = t_db_open();
	f->db = f->t->db;
	f->admin =
	    (struct desk_actor){t_user(f->db, "admin", "Ada", "ada@example.com", 0), DESK_ADMIN, 0};
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

static int create(struct fx *f, const struct desk_actor *a, const char *text, json_t **out,
                  struct desk_err *err)
{
	json_t *in = J(text);
	int rc = desk_api_token_create(f->db, a, in, out, err);
	json_decref(in);
	if (rc)
		assert_null(*out);
	return rc;
}

static int64_t count_rows(struct fx *f, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_int(f->db, &n, sql, ""), 0);
	return n;
}

static void test_create_shape_and_auth(void **state)
{
	struct fx *f = *state;
	struct desk_err err = {0};
	struct desk_actor who;
	json_t *t = NULL, *shown = NULL;
	const char *secret;
	int64_t id;
	assert_int_equal(create(f, &f->admin, "{\"description\": \"Export\"}", &t, &err), 0);
	id = json_integer_value(json_object_get(t, "id"));
	assert_true(id > 0);
	assert_string_equal(json_string_value(json_object_get(t, "description")), "Export");
	assert_int_equal(json_integer_value(json_object_get(t, "user_id")), f->admin.id);
	assert_true(json_is_string(json_object_get(t, "created_at")));
	assert_true(json_is_null(json_object_get(t, "last_used_at")));
	secret = json_string_value(json_object_get(t, "token"));
	assert_non_null(secret);
	assert_true(strlen(secret) >= 32);
	/* works at once, with and without the owner's e-mail; not with another e-mail */
	assert_int_equal(desk_auth_token(f->db, secret, NULL, &who), 0);
	assert_int_equal(who.id, f->admin.id);
	assert_int_equal(who.role, DESK_ADMIN);
	assert_int_equal(desk_auth_token(f->db, secret, "ADA@example.com", &who), 0);
	assert_int_equal(desk_auth_token(f->db, secret, "andris@example.com", &who), HELPO_EAUTH);
	/* the secret is not stored */
	{
		struct db_stmt *st;
		int64_t n = -1;
		assert_int_equal(db_int(f->db, &n,
		                        "SELECT count(*) FROM api_tokens WHERE token_hash = ? OR "
		                        "description = ?",
		                        "ss", secret, secret),
		                 0);
		assert_int_equal(n, 0);
		assert_int_equal(db_query(f->db, &st, "SELECT token_hash FROM api_tokens", ""), 0);
		while (db_step(st) == DB_ROW)
			assert_null(strstr(db_col_text(st, 0), secret));
		db_done(st);
	}
	/* show has no secret */
	assert_int_equal(desk_api_token_get(f->db, &f->admin, id, &shown), 0);
	assert_true(json_is_null(json_object_get(shown, "token")));
	assert_int_equal(json_integer_value(json_object_get(shown, "id")), id);
	json_decref(shown);
	json_decref(t);
}

static void test_owner(void **state)
{
	struct fx *f = *state;
	struct desk_err err = {0};
	struct desk_actor who;
	json_t *t = NULL;
	char body[128];
	snprintf(body, sizeof body, "{\"description\": \"bot\", \"user_id\": %lld}",
	         (long long)f->agent.id);
	assert_int_equal(create(f, &f->admin, body, &t, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(t, "user_id")), f->agent.id);
	assert_int_equal(
	    desk_auth_token(f->db, json_string_value(json_object_get(t, "token")), NULL, &who), 0);
	assert_int_equal(who.id, f->agent.id);
	assert_int_equal(who.role, DESK_AGENT);
	json_decref(t);
	/* an inactive owner is refused */
	assert_int_equal(
	    db_exec(f->db, "UPDATE users SET active = 0 WHERE id = ?", "i", f->user.id), 0);
	snprintf(body, sizeof body, "{\"description\": \"x\", \"user_id\": %lld}",
	         (long long)f->user.id);
	assert_int_equal(create(f, &f->admin, body, &t, &err), HELPO_EINVAL);
	assert_string_equal(err.field, "user_id");
	/* the system actor must name an owner */
	{
		struct desk_actor sys = {0, DESK_ADMIN, 0};
		memset(&err, 0, sizeof err);
		assert_int_equal(create(f, &sys, "{\"description\": \"x\"}", &t, &err),
		                 HELPO_EINVAL);
		assert_string_equal(err.field, "user_id");
	}
}

static void test_validation(void **state)
{
	static const struct {
		const char *body, *field;
	} cases[] = {
	    {"{}", "description"},
	    {"{\"description\": \"\"}", "description"},
	    {"{\"description\": \" \\t\"}", "description"},
	    {"{\"description\": null}", "description"},
	    {"{\"description\": 5}", "description"},
	    {"{\"description\": \"ok\", \"user_id\": 0}", "user_id"},
	    {"{\"description\": \"ok\", \"user_id\": \"1\"}", "user_id"},
	    {"{\"description\": \"ok\", \"user_id\": 999999}", "user_id"},
	    {"{\"description\": \"ok\", \"scopes\": []}", "scopes"},
	};
	struct fx *f = *state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct desk_err err = {0};
		json_t *t = NULL;
		assert_int_equal(create(f, &f->admin, cases[i].body, &t, &err), HELPO_EINVAL);
		assert_string_equal(err.field, cases[i].field);
		assert_true(err.message[0] != 0);
	}
	{
		struct desk_err err = {0};
		json_t *t = NULL;
		char big[400];
		memset(big, 'x', 300);
		big[300] = 0;
		char body[512];
		snprintf(body, sizeof body, "{\"description\": \"%s\"}", big);
		assert_int_equal(create(f, &f->admin, body, &t, &err), HELPO_EINVAL);
		assert_string_equal(err.field, "description");
	}
	assert_int_equal(count_rows(f, "SELECT count(*) FROM api_tokens"), 0);
}

static void test_permissions(void **state)
{
	struct fx *f = *state;
	struct desk_err err = {0};
	struct desk_list l;
	struct desk_page p = {.size = 10, .page = 1, .sort = "id"};
	json_t *t = NULL, *x = NULL;
	int64_t id;
	assert_int_equal(create(f, &f->agent, "{\"description\": \"x\"}", &t, &err),
	                 HELPO_EFORBIDDEN);
	assert_int_equal(create(f, &f->user, "{\"description\": \"x\"}", &t, &err),
	                 HELPO_EFORBIDDEN);
	assert_int_equal(create(f, &f->admin, "{\"description\": \"x\"}", &t, &err), 0);
	id = json_integer_value(json_object_get(t, "id"));
	json_decref(t);
	assert_int_equal(desk_api_token_list(f->db, &f->agent, &p, &l), HELPO_EFORBIDDEN);
	assert_int_equal(desk_api_token_list(f->db, &f->user, &p, &l), HELPO_EFORBIDDEN);
	assert_int_equal(desk_api_token_get(f->db, &f->agent, id, &x), HELPO_EFORBIDDEN);
	assert_null(x);
	assert_int_equal(desk_api_token_delete(f->db, &f->agent, id, &err), HELPO_EFORBIDDEN);
	assert_int_equal(desk_api_token_delete(f->db, &f->user, id, &err), HELPO_EFORBIDDEN);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM api_tokens"), 1);
}

static void test_revoke(void **state)
{
	struct fx *f = *state;
	struct desk_err err = {0};
	struct desk_actor who;
	json_t *t = NULL, *x = NULL;
	char secret[128];
	int64_t id, events_before;
	assert_int_equal(create(f, &f->admin, "{\"description\": \"gone soon\"}", &t, &err), 0);
	id = json_integer_value(json_object_get(t, "id"));
	snprintf(secret, sizeof secret, "%s", json_string_value(json_object_get(t, "token")));
	json_decref(t);
	events_before = count_rows(f, "SELECT count(*) FROM events WHERE kind = 'token.revoked'");
	assert_int_equal(desk_api_token_delete(f->db, &f->admin, id, &err), 0);
	assert_int_equal(desk_auth_token(f->db, secret, NULL, &who), HELPO_EAUTH);
	assert_int_equal(desk_api_token_get(f->db, &f->admin, id, &x), HELPO_ENOTFOUND);
	assert_int_equal(desk_api_token_delete(f->db, &f->admin, id, &err), HELPO_ENOTFOUND);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM events WHERE kind = 'token.revoked'"),
	                 events_before + 1);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM api_tokens"), 0);
}

static void test_list_paging(void **state)
{
	struct fx *f = *state;
	struct desk_err err = {0};
	struct desk_list l;
	struct desk_page p = {.size = 2, .cursor = true, .sort = "id"};
	int64_t seen = 0, last = 0;
	for (int i = 0; i < 5; i++) {
		json_t *t = NULL;
		assert_int_equal(create(f, &f->admin, "{\"description\": \"p\"}", &t, &err), 0);
		json_decref(t);
	}
	for (int pages = 0; pages < 10; pages++) {
		size_t i;
		json_t *row;
		assert_int_equal(desk_api_token_list(f->db, &f->admin, &p, &l), 0);
		json_array_foreach(l.rows, i, row)
		{
			int64_t id = json_integer_value(json_object_get(row, "id"));
			assert_true(id > last);
			last = id;
			assert_true(json_is_null(json_object_get(row, "token")));
			seen++;
		}
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
	/* a sort outside the allowlist is refused */
	p = (struct desk_page){.size = 2, .page = 1, .sort = "token_hash"};
	assert_int_equal(desk_api_token_list(f->db, &f->admin, &p, &l), HELPO_EINVAL);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_create_shape_and_auth), T(test_owner),  T(test_validation),
	    T(test_permissions),           T(test_revoke), T(test_list_paging),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
