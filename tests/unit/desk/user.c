/*
 * tests/unit/desk/user.c — unit tests for src/desk/user.c, org.c and group.c against a fresh
 * SQLite database per test: creating users (validation, e-mail normalisation, duplicates,
 * who may create which role), updates (field rights per role, change events), soft delete,
 * lists and search with paging, find-or-create inside a caller's transaction, passwords,
 * and organizations, groups and memberships with their authorization rules.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <unistd.h>

#include "desk/desk.h"
#include "util/crypto.h"
#include "util/limits.h"

static struct db *db;
static char dir[64];
static char path[256];
static struct desk_actor sys = {0, DESK_ADMIN, 0};
static struct desk_actor admin, agent, cust;

/* ---- helpers ---- */

static json_t *J(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, 0, &e);
	if (!v)
		fail_msg("bad test JSON %s: %s", text, e.text);
	return v;
}

static int64_t count(const char *sql, const char *fmt, ...)
{
	struct db_stmt *st;
	int64_t n;
	va_list ap;
	va_start(ap, fmt);
	assert_int_equal(db_vquery(db, &st, sql, fmt, ap), 0);
	va_end(ap);
	assert_int_equal(db_step(st), DB_ROW);
	n = db_col_int(st, 0);
	db_done(st);
	return n;
}

/* Creates a user as `a` from JSON; returns rc, fills *id and err. */
static int mk_user(const struct desk_actor *a, const char *json, int64_t *id, struct desk_err *err)
{
	json_t *in = J(json), *out = NULL;
	int rc = desk_user_create(db, a, in, &out, err);
	json_decref(in);
	if (id)
		*id = rc ? 0 : json_integer_value(json_object_get(out, "id"));
	if (rc)
		assert_null(out);
	json_decref(out);
	return rc;
}

static int64_t user_ok(const char *json)
{
	struct desk_err err = {0};
	int64_t id;
	if (mk_user(&sys, json, &id, &err))
		fail_msg("create %s: %s %s", json, err.field, err.message);
	return id;
}

static int upd(const struct desk_actor *a, int64_t id, const char *json, json_t **out,
               struct desk_err *err)
{
	json_t *in = J(json), *o = NULL;
	int rc = desk_user_update(db, a, id, in, &o, err);
	json_decref(in);
	if (out)
		*out = o;
	else
		json_decref(o);
	return rc;
}

static struct desk_page page(int size)
{
	struct desk_page p = {.size = size, .page = 1, .sort = "id"};
	return p;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/helpo-user-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/helpo.db", dir);
	struct db_options o = {.synchronous_full = false, .busy_timeout_ms = 1000};
	assert_int_equal(db_open(&db, path, &o), 0);
	assert_int_equal(db_migrate(db, NULL), 0);
	admin = (struct desk_actor){user_ok("{\"name\": \"Ada\", \"email\": \"ada@x.test\", "
	                                    "\"role\": \"admin\"}"),
	                            DESK_ADMIN, 0};
	agent = (struct desk_actor){user_ok("{\"name\": \"Bob\", \"email\": \"bob@x.test\", "
	                                    "\"role\": \"agent\"}"),
	                            DESK_AGENT, 0};
	cust = (struct desk_actor){user_ok("{\"name\": \"Cy\", \"email\": \"cy@y.test\"}"),
	                           DESK_END_USER, 0};
	return 0;
}

static int teardown(void **state)
{
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	char f[300];
	(void)state;
	db_close(db);
	db = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
		snprintf(f, sizeof f, "%s%s", path, suffixes[i]);
		unlink(f);
	}
	rmdir(dir);
	return 0;
}

/* ---- users: create ---- */

static void test_create_fields(void **state)
{
	struct desk_err err = {0};
	json_t *in, *out;
	(void)state;
	in = J("{\"name\": \"Dana Ozola\", \"email\": \"Dana.Ozola@Example.LV\", \"phone\": "
	       "\"+371 2000\", \"tags\": [\"VIP\", \"vip\", \"lv\"], \"locale\": \"lv\", "
	       "\"time_zone\": \"Europe/Riga\", \"external_id\": \"crm-7\", \"id\": 99, "
	       "\"url\": \"ignored\"}");
	assert_int_equal(desk_user_create(db, &agent, in, &out, &err), 0);
	json_decref(in);
	assert_string_equal(json_string_value(json_object_get(out, "email")),
	                    "dana.ozola@example.lv");
	assert_string_equal(json_string_value(json_object_get(out, "role")), "end-user");
	assert_string_equal(json_string_value(json_object_get(out, "locale")), "lv");
	assert_string_equal(json_string_value(json_object_get(out, "time_zone")), "Europe/Riga");
	assert_true(json_is_true(json_object_get(out, "active")));
	assert_true(json_is_false(json_object_get(out, "shared")));
	assert_true(json_is_object(json_object_get(out, "user_fields")));
	assert_true(json_is_null(json_object_get(out, "photo")));
	assert_true(json_is_null(json_object_get(out, "organization_id")));
	assert_null(json_object_get(out, "password_hash"));
	assert_null(json_object_get(out, "password"));
	assert_int_equal(json_array_size(json_object_get(out, "tags")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(out, "tags"), 0)),
	                    "lv");
	assert_int_not_equal(json_integer_value(json_object_get(out, "id")), 99);
	assert_int_equal(count("SELECT count(*) FROM events WHERE kind = 'user.created' AND "
	                       "actor_id = ?",
	                       "i", agent.id),
	                 1);
	json_decref(out);
}

static void test_create_invalid(void **state)
{
	static const struct {
		const char *json, *field;
	} cases[] = {
	    {"{\"email\": \"n@x.test\"}", "name"},
	    {"{\"name\": \"   \"}", "name"},
	    {"{\"name\": null}", "name"},
	    {"{\"name\": 5}", "name"},
	    {"{\"name\": \"N\", \"email\": \"not-an-email\"}", "email"},
	    {"{\"name\": \"N\", \"email\": \"a@b@c.test\"}", "email"},
	    {"{\"name\": \"N\", \"email\": \"a b@c.test\"}", "email"},
	    {"{\"name\": \"N\", \"role\": \"owner\"}", "role"},
	    {"{\"name\": \"N\", \"favourite_colour\": \"red\"}", "favourite_colour"},
	    {"{\"name\": \"N\", \"email\": \"p@x.test\", \"password\": \"short\"}", "password"},
	    {"{\"name\": \"N\", \"tags\": [\"two words\"]}", "tags"},
	    {"{\"name\": \"N\", \"tags\": \"vip\"}", "tags"},
	    {"{\"name\": \"N\", \"locale\": \"en US; drop\"}", "locale"},
	    {"{\"name\": \"N\", \"time_zone\": \"Europe/Riga'\"}", "time_zone"},
	    {"{\"name\": \"N\", \"organization_id\": 999}", "organization_id"},
	    {"{\"name\": \"N\", \"organization_id\": -1}", "organization_id"},
	    {"{\"name\": \"N\", \"active\": \"yes\"}", "active"},
	    {"{\"name\": \"N\", \"role\": \"agent\"}", "email"},
	    {"{\"name\": \"N\", \"default_group_id\": 1}", "default_group_id"},
	};
	int64_t before = count("SELECT count(*) FROM users", "");
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct desk_err err = {0};
		int rc = mk_user(&admin, cases[i].json, NULL, &err);
		if (rc != HELPO_EINVAL || strcmp(err.field, cases[i].field))
			fail_msg("%s: rc %d field '%s' (%s), want EINVAL '%s'", cases[i].json, rc,
			         err.field, err.message, cases[i].field);
	}
	{ /* a name over the limit */
		char big[HELPO_MAX_NAME_BYTES + 40];
		struct desk_err err = {0};
		json_t *in = json_object(), *out = NULL;
		memset(big, 'a', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		json_object_set_new(in, "name", json_string(big));
		assert_int_equal(desk_user_create(db, &admin, in, &out, &err), HELPO_EINVAL);
		assert_string_equal(err.field, "name");
		json_decref(in);
	}
	assert_int_equal(count("SELECT count(*) FROM users", ""), before);
}

static void test_create_duplicate_email(void **state)
{
	struct desk_err err = {0};
	(void)state;
	assert_int_equal(
	    mk_user(&admin, "{\"name\": \"Other\", \"email\": \"CY@Y.TEST\"}", NULL, &err),
	    HELPO_ECONFLICT);
	assert_string_equal(err.field, "email");
	assert_non_null(strstr(err.message, "already being used"));
	assert_int_equal(count("SELECT count(*) FROM users WHERE email = 'cy@y.test'", ""), 1);
}

static void test_create_rights(void **state)
{
	struct desk_err err = {0};
	int64_t id;
	(void)state;
	/* agents create end-users only, and no admin-only fields */
	assert_int_equal(mk_user(&agent,
	                         "{\"name\": \"A2\", \"email\": \"a2@x.test\", \"role\": "
	                         "\"agent\"}",
	                         NULL, &err),
	                 HELPO_EFORBIDDEN);
	assert_string_equal(err.field, "role");
	assert_int_equal(mk_user(&agent,
	                         "{\"name\": \"E\", \"email\": \"e@x.test\", "
	                         "\"password\": \"long enough pw\"}",
	                         NULL, &err),
	                 HELPO_EFORBIDDEN);
	assert_string_equal(err.field, "password");
	assert_int_equal(mk_user(&agent, "{\"name\": \"E\", \"role\": \"end-user\"}", &id, &err),
	                 0);
	assert_true(id > 0);
	/* end-users create nobody */
	assert_int_equal(mk_user(&cust, "{\"name\": \"F\"}", NULL, &err), HELPO_EFORBIDDEN);
	/* admins create any role, with a password that then works */
	assert_int_equal(mk_user(&admin,
	                         "{\"name\": \"Root2\", \"email\": \"root2@x.test\", "
	                         "\"role\": \"admin\", \"password\": \"correct horse\"}",
	                         &id, &err),
	                 0);
	{
		struct desk_actor a;
		assert_int_equal(desk_auth_password(db, "root2@x.test", "correct horse", &a), 0);
		assert_int_equal(a.id, id);
		assert_int_equal(a.role, DESK_ADMIN);
		assert_int_equal(desk_auth_password(db, "root2@x.test", "wrong horse", &a),
		                 HELPO_EAUTH);
	}
}

/* ---- users: read, update, delete ---- */

static void test_get_authz(void **state)
{
	json_t *u = NULL;
	(void)state;
	assert_int_equal(desk_user_get(db, &cust, cust.id, &u), 0);
	assert_string_equal(json_string_value(json_object_get(u, "name")), "Cy");
	json_decref(u);
	assert_int_equal(desk_user_get(db, &cust, agent.id, &u), HELPO_ENOTFOUND);
	assert_null(u);
	assert_int_equal(desk_user_get(db, &agent, cust.id, &u), 0);
	json_decref(u);
	assert_int_equal(desk_user_get(db, &admin, 424242, &u), HELPO_ENOTFOUND);
}

static void test_update_admin(void **state)
{
	struct desk_err err = {0};
	json_t *out = NULL, *ev;
	struct db_stmt *st;
	(void)state;
	assert_int_equal(upd(&admin, cust.id,
	                     "{\"name\": \"Cy Two\", \"role\": \"agent\", \"notes\": \"vip\", "
	                     "\"verified\": true, \"url\": \"x\", \"created_at\": \"x\"}",
	                     &out, &err),
	                 0);
	assert_string_equal(json_string_value(json_object_get(out, "name")), "Cy Two");
	assert_string_equal(json_string_value(json_object_get(out, "role")), "agent");
	assert_true(json_is_true(json_object_get(out, "verified")));
	json_decref(out);
	/* one event with the changes, old and new */
	assert_int_equal(
	    db_query(db, &st,
	             "SELECT payload FROM events WHERE kind = 'user.updated' ORDER BY id "
	             "DESC LIMIT 1",
	             ""),
	    0);
	assert_int_equal(db_step(st), DB_ROW);
	ev = J(db_col_text(st, 0));
	db_done(st);
	{
		json_t *name = json_object_get(json_object_get(ev, "changes"), "name");
		assert_string_equal(json_string_value(json_array_get(name, 0)), "Cy");
		assert_string_equal(json_string_value(json_array_get(name, 1)), "Cy Two");
		assert_null(json_object_get(json_object_get(ev, "changes"), "updated_at"));
	}
	json_decref(ev);
	/* admins cannot demote or deactivate themselves */
	assert_int_equal(upd(&admin, admin.id, "{\"role\": \"agent\"}", NULL, &err),
	                 HELPO_EFORBIDDEN);
	assert_int_equal(upd(&admin, admin.id, "{\"active\": false}", NULL, &err),
	                 HELPO_EFORBIDDEN);
	/* duplicate e-mail on update */
	assert_int_equal(upd(&admin, cust.id, "{\"email\": \"Bob@x.test\"}", NULL, &err),
	                 HELPO_ECONFLICT);
	assert_string_equal(err.field, "email");
	/* a staff user cannot lose their e-mail */
	assert_int_equal(upd(&admin, agent.id, "{\"email\": null}", NULL, &err), HELPO_EINVAL);
	assert_int_equal(upd(&admin, 999999, "{\"name\": \"x\"}", NULL, &err), HELPO_ENOTFOUND);
}

static void test_update_agent_and_end_user(void **state)
{
	struct desk_err err = {0};
	json_t *out = NULL;
	int64_t other;
	(void)state;
	/* agents: end-users' profile fields yes, admin-only fields no */
	assert_int_equal(
	    upd(&agent, cust.id, "{\"notes\": \"calls often\", \"tags\": [\"a\"]}", &out, &err), 0);
	assert_string_equal(json_string_value(json_object_get(out, "notes")), "calls often");
	json_decref(out);
	assert_int_equal(upd(&agent, cust.id, "{\"role\": \"admin\"}", NULL, &err),
	                 HELPO_EFORBIDDEN);
	assert_string_equal(err.field, "role");
	assert_int_equal(upd(&agent, cust.id, "{\"organization_id\": 1}", NULL, &err),
	                 HELPO_EFORBIDDEN);
	assert_int_equal(upd(&agent, cust.id, "{\"active\": false}", NULL, &err), HELPO_EFORBIDDEN);
	assert_int_equal(upd(&agent, admin.id, "{\"name\": \"Hacked\"}", NULL, &err),
	                 HELPO_EFORBIDDEN);
	assert_int_equal(
	    upd(&agent, agent.id, "{\"name\": \"Bobby\", \"role\": \"agent\"}", NULL, &err), 0);
	/* end-users: themselves only, and only the profile basics */
	assert_int_equal(upd(&cust, cust.id,
	                     "{\"name\": \"Cyrus\", \"locale\": \"ru\", \"time_zone\": "
	                     "\"Europe/Riga\", \"phone\": \"+1 555\", \"id\": 1}",
	                     &out, &err),
	                 0);
	assert_string_equal(json_string_value(json_object_get(out, "name")), "Cyrus");
	assert_string_equal(json_string_value(json_object_get(out, "phone")), "+1 555");
	json_decref(out);
	assert_int_equal(upd(&cust, cust.id, "{\"role\": \"admin\"}", NULL, &err),
	                 HELPO_EFORBIDDEN);
	assert_int_equal(upd(&cust, cust.id, "{\"email\": \"new@y.test\"}", NULL, &err),
	                 HELPO_EFORBIDDEN);
	assert_string_equal(err.field, "email");
	assert_int_equal(upd(&cust, cust.id, "{\"notes\": \"self-notes\"}", NULL, &err),
	                 HELPO_EFORBIDDEN);
	other = user_ok("{\"name\": \"Other\", \"email\": \"other@y.test\"}");
	assert_int_equal(upd(&cust, other, "{\"name\": \"x\"}", NULL, &err), HELPO_ENOTFOUND);
	assert_int_equal(upd(&cust, other, "{\"role\": \"admin\"}", NULL, &err), HELPO_ENOTFOUND);
	assert_int_equal(upd(&cust, cust.id, "{\"name\": \"\"}", NULL, &err), HELPO_EINVAL);
	/* nothing of the refused updates stuck */
	assert_int_equal(count("SELECT count(*) FROM users WHERE role = 'admin'", ""), 1);
}

static void test_delete(void **state)
{
	struct desk_err err = {0};
	char tok[64];
	int64_t tid;
	json_t *u;
	struct desk_list l;
	struct desk_page p = page(100);
	struct desk_user_filter f = {0};
	(void)state;
	assert_int_equal(desk_token_create(db, cust.id, "t", tok, &tid), 0);
	assert_int_equal(desk_user_delete(db, &cust, agent.id, &err), HELPO_ENOTFOUND);
	assert_int_equal(desk_user_delete(db, &agent, cust.id, &err), HELPO_EFORBIDDEN);
	assert_int_equal(desk_user_delete(db, &admin, admin.id, &err), HELPO_EFORBIDDEN);
	assert_int_equal(desk_user_delete(db, &admin, 777, &err), HELPO_ENOTFOUND);
	assert_int_equal(desk_user_delete(db, &admin, cust.id, &err), 0);
	assert_int_equal(desk_user_get(db, &admin, cust.id, &u), 0);
	assert_true(json_is_false(json_object_get(u, "active")));
	json_decref(u);
	/* the credentials are gone and lists leave the user out */
	assert_int_equal(count("SELECT count(*) FROM api_tokens WHERE user_id = ?", "i", cust.id),
	                 0);
	assert_int_equal(desk_user_list(db, &admin, &f, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 2);
	desk_list_release(&l);
	assert_int_equal(count("SELECT count(*) FROM events WHERE kind = 'user.deleted'", ""), 1);
}

/* ---- users: lists ---- */

static void test_list_filters_and_paging(void **state)
{
	struct desk_list l;
	struct desk_page p = page(100);
	struct desk_user_filter f = {0};
	int64_t ids[3];
	(void)state;
	user_ok("{\"name\": \"Jānis Bērziņš\", \"email\": \"janis@lv.test\", \"external_id\": "
	        "\"crm-1\"}");
	user_ok("{\"name\": \"100% Real_Name\", \"email\": \"real@lv.test\"}");
	/* end-users see only themselves */
	assert_int_equal(desk_user_list(db, &cust, &f, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(l.rows, 0), "id")),
	                 cust.id);
	desk_list_release(&l);
	/* roles, one or several */
	f.role = "agent,admin";
	assert_int_equal(desk_user_list(db, &agent, &f, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 2);
	desk_list_release(&l);
	f.role = "end-user";
	assert_int_equal(desk_user_list(db, &agent, &f, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 3);
	desk_list_release(&l);
	f.role = "owner";
	assert_int_equal(desk_user_list(db, &agent, &f, &p, &l), HELPO_EINVAL);
	f.role = NULL;
	/* search: name or e-mail contains (case-insensitive), external id exact */
	f.query = "bērz";
	assert_int_equal(desk_user_list(db, &agent, &f, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 1);
	desk_list_release(&l);
	f.query = "LV.TEST";
	assert_int_equal(desk_user_list(db, &agent, &f, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 2);
	desk_list_release(&l);
	f.query = "crm-1";
	assert_int_equal(desk_user_list(db, &agent, &f, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 1);
	desk_list_release(&l);
	f.query = "%"; /* a literal percent sign, not a wildcard */
	assert_int_equal(desk_user_list(db, &agent, &f, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 1);
	desk_list_release(&l);
	f.query = "'; DROP TABLE users; --";
	assert_int_equal(desk_user_list(db, &agent, &f, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 0);
	desk_list_release(&l);
	f.query = NULL;
	f.email = "JANIS@lv.test";
	assert_int_equal(desk_user_list(db, &agent, &f, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 1);
	desk_list_release(&l);
	f.email = NULL;
	/* show_many */
	ids[0] = cust.id;
	ids[1] = admin.id;
	ids[2] = 9999;
	f.ids = ids;
	f.nids = 3;
	assert_int_equal(desk_user_list(db, &agent, &f, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 2);
	desk_list_release(&l);
	f.ids = NULL;
	f.nids = 0;
	/* cursor paging: 5 users, pages of 2 */
	{
		struct desk_page c = {.size = 2, .cursor = true, .sort = "id"};
		int64_t seen = 0, last = 0;
		for (int i = 0; i < 5; i++) {
			assert_int_equal(desk_user_list(db, &admin, &f, &c, &l), 0);
			for (size_t k = 0; k < json_array_size(l.rows); k++) {
				int64_t id = json_integer_value(
				    json_object_get(json_array_get(l.rows, k), "id"));
				assert_true(id > last);
				last = id;
				seen++;
			}
			c.has_after = true;
			c.after_key = l.last_key;
			c.after_id = l.last_id;
			bool more = l.has_more;
			desk_list_release(&l);
			if (!more)
				break;
		}
		assert_int_equal(seen, 5);
	}
	/* offset paging, descending */
	{
		struct desk_page o = {.size = 2, .page = 2, .sort = "created_at", .desc = true};
		assert_int_equal(desk_user_list(db, &admin, &f, &o, &l), 0);
		assert_int_equal(json_array_size(l.rows), 2);
		assert_true(l.has_more);
		desk_list_release(&l);
	}
	p.sort = "name"; /* not a sort key: cursor keys are integers */
	assert_int_equal(desk_user_list(db, &admin, &f, &p, &l), HELPO_EINVAL);
}

/* ---- find or create, passwords ---- */

static void test_find_or_create(void **state)
{
	struct desk_err err = {0};
	int64_t id1, id2;
	json_t *u;
	(void)state;
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(desk_user_find_or_create(db, "New.Person@Mail.test", NULL, &id1, &err), 0);
	assert_int_equal(
	    desk_user_find_or_create(db, "new.person@mail.TEST", "Ignored", &id2, &err), 0);
	assert_int_equal(id1, id2);
	assert_int_equal(desk_user_find_or_create(db, "cy@y.test", NULL, &id2, &err), 0);
	assert_int_equal(id2, cust.id);
	assert_int_equal(desk_user_find_or_create(db, "broken", "x", &id2, &err), HELPO_EINVAL);
	assert_string_equal(err.field, "email");
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(desk_user_get(db, &admin, id1, &u), 0);
	assert_string_equal(json_string_value(json_object_get(u, "name")), "new.person");
	assert_string_equal(json_string_value(json_object_get(u, "role")), "end-user");
	json_decref(u);
	/* it runs in the caller's transaction: a rollback undoes it */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(desk_user_find_or_create(db, "ghost@mail.test", "Ghost", &id2, &err), 0);
	db_rollback(db);
	assert_int_equal(count("SELECT count(*) FROM users WHERE email = 'ghost@mail.test'", ""),
	                 0);
	assert_int_equal(count("SELECT count(*) FROM events WHERE kind = 'user.created' AND "
	                       "payload LIKE '%ghost%'",
	                       ""),
	                 0);
}

static void test_password(void **state)
{
	struct desk_err err = {0};
	struct desk_actor a;
	(void)state;
	assert_int_equal(desk_user_set_password(db, &admin, cust.id, "1234567", &err),
	                 HELPO_EINVAL);
	assert_string_equal(err.field, "password");
	assert_int_equal(desk_user_set_password(db, &agent, cust.id, "12345678", &err),
	                 HELPO_EFORBIDDEN);
	assert_int_equal(desk_user_set_password(db, &cust, agent.id, "12345678", &err),
	                 HELPO_ENOTFOUND);
	assert_int_equal(desk_user_set_password(db, &admin, 4040, "12345678", &err),
	                 HELPO_ENOTFOUND);
	assert_int_equal(desk_auth_password(db, "cy@y.test", "12345678", &a), HELPO_EAUTH);
	assert_int_equal(desk_user_set_password(db, &cust, cust.id, "12345678", &err), 0);
	assert_int_equal(desk_auth_password(db, "CY@y.test", "12345678", &a), 0);
	assert_int_equal(a.id, cust.id);
	assert_int_equal(desk_user_set_password(db, &admin, cust.id, "другой пароль", &err), 0);
	assert_int_equal(desk_auth_password(db, "cy@y.test", "12345678", &a), HELPO_EAUTH);
	assert_int_equal(desk_auth_password(db, "cy@y.test", "другой пароль", &a), 0);
	/* the hash is argon2id and never the password */
	assert_int_equal(count("SELECT count(*) FROM users WHERE id = ? AND password_hash LIKE "
	                       "'$argon2id$%'",
	                       "i", cust.id),
	                 1);
	assert_int_equal(count("SELECT count(*) FROM events WHERE payload LIKE '%пароль%'", ""), 0);
}

/* ---- organizations ---- */

static int64_t org_ok(const char *json)
{
	struct desk_err err = {0};
	json_t *in = J(json), *out = NULL;
	int64_t id;
	if (desk_org_create(db, &admin, in, &out, &err))
		fail_msg("org %s: %s %s", json, err.field, err.message);
	id = json_integer_value(json_object_get(out, "id"));
	json_decref(in);
	json_decref(out);
	return id;
}

static void test_orgs(void **state)
{
	struct desk_err err = {0};
	json_t *in, *out = NULL;
	struct desk_list l;
	struct desk_page p = page(100);
	int64_t acme, other;
	struct desk_actor member;
	(void)state;
	acme = org_ok("{\"name\": \"Acme\", \"domain_names\": [\"Acme.test\", \"acme.test\"], "
	              "\"tags\": [\"gold\"], \"shared_tickets\": true}");
	other = org_ok("{\"name\": \"Other Co\"}");
	assert_int_equal(desk_org_get(db, &agent, acme, &out), 0);
	assert_int_equal(json_array_size(json_object_get(out, "domain_names")), 1);
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(out, "domain_names"), 0)),
	    "acme.test");
	assert_true(json_is_true(json_object_get(out, "shared_tickets")));
	json_decref(out);
	/* duplicates (any case), bad input, rights */
	in = J("{\"name\": \"ACME\"}");
	assert_int_equal(desk_org_create(db, &admin, in, &out, &err), HELPO_ECONFLICT);
	assert_string_equal(err.field, "name");
	json_decref(in);
	in = J("{\"name\": \"D\", \"domain_names\": [\"not a domain\"]}");
	assert_int_equal(desk_org_create(db, &admin, in, &out, &err), HELPO_EINVAL);
	assert_string_equal(err.field, "domain_names");
	json_decref(in);
	in = J("{\"name\": \"D\", \"group_id\": 77}");
	assert_int_equal(desk_org_create(db, &admin, in, &out, &err), HELPO_EINVAL);
	json_decref(in);
	in = J("{\"name\": \"D\", \"colour\": 1}");
	assert_int_equal(desk_org_create(db, &admin, in, &out, &err), HELPO_EINVAL);
	json_decref(in);
	in = J("{\"name\": \"D\"}");
	assert_int_equal(desk_org_create(db, &agent, in, &out, &err), HELPO_EFORBIDDEN);
	assert_int_equal(desk_org_create(db, &cust, in, &out, &err), HELPO_EFORBIDDEN);
	json_decref(in);
	assert_int_equal(count("SELECT count(*) FROM organizations", ""), 2);
	/* end-users: only their own organization */
	assert_int_equal(upd(&admin, cust.id, "{\"organization_id\": 1}", NULL, &err), 0);
	member = cust;
	member.org_id = acme;
	assert_int_equal(desk_org_get(db, &member, acme, &out), 0);
	json_decref(out);
	assert_int_equal(desk_org_get(db, &member, other, &out), HELPO_ENOTFOUND);
	assert_int_equal(desk_org_get(db, &cust, acme, &out), HELPO_ENOTFOUND);
	assert_int_equal(desk_org_list(db, &member, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 1);
	desk_list_release(&l);
	assert_int_equal(desk_org_list(db, &cust, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 0);
	desk_list_release(&l);
	assert_int_equal(desk_org_list(db, &agent, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 2);
	desk_list_release(&l);
	/* update */
	in = J("{\"name\": \"Acme Corp\", \"notes\": \"n\", \"shared_tickets\": false}");
	assert_int_equal(desk_org_update(db, &member, acme, in, &out, &err), HELPO_EFORBIDDEN);
	assert_int_equal(desk_org_update(db, &member, other, in, &out, &err), HELPO_ENOTFOUND);
	assert_int_equal(desk_org_update(db, &agent, acme, in, &out, &err), HELPO_EFORBIDDEN);
	assert_int_equal(desk_org_update(db, &admin, acme, in, &out, &err), 0);
	assert_string_equal(json_string_value(json_object_get(out, "name")), "Acme Corp");
	assert_true(json_is_false(json_object_get(out, "shared_tickets")));
	json_decref(out);
	json_decref(in);
	in = J("{\"name\": \"other co\"}");
	assert_int_equal(desk_org_update(db, &admin, acme, in, &out, &err), HELPO_ECONFLICT);
	json_decref(in);
	/* delete: members stay, without an organization */
	assert_int_equal(desk_org_delete(db, &agent, acme, &err), HELPO_EFORBIDDEN);
	assert_int_equal(desk_org_delete(db, &admin, acme, &err), 0);
	assert_int_equal(desk_org_delete(db, &admin, acme, &err), HELPO_ENOTFOUND);
	assert_int_equal(count("SELECT count(*) FROM users WHERE id = ? AND organization_id IS "
	                       "NULL",
	                       "i", cust.id),
	                 1);
	assert_int_equal(count("SELECT count(*) FROM events WHERE kind LIKE 'organization.%'", ""),
	                 4);
}

/* ---- groups and memberships ---- */

static int64_t group_ok(const char *json)
{
	struct desk_err err = {0};
	json_t *in = J(json), *out = NULL;
	int64_t id;
	if (desk_group_create(db, &admin, in, &out, &err))
		fail_msg("group %s: %s %s", json, err.field, err.message);
	id = json_integer_value(json_object_get(out, "id"));
	json_decref(in);
	json_decref(out);
	return id;
}

static int member(const struct desk_actor *a, int64_t user, int64_t group, int64_t *id,
                  struct desk_err *err)
{
	char json[128];
	json_t *in, *out = NULL;
	int rc;
	snprintf(json, sizeof json, "{\"user_id\": %lld, \"group_id\": %lld}", (long long)user,
	         (long long)group);
	in = J(json);
	rc = desk_membership_create(db, a, in, &out, err);
	if (id)
		*id = rc ? 0 : json_integer_value(json_object_get(out, "id"));
	json_decref(in);
	json_decref(out);
	return rc;
}

static void test_groups(void **state)
{
	struct desk_err err = {0};
	json_t *in, *out = NULL;
	struct desk_list l;
	struct desk_page p = page(100);
	int64_t sup, sales;
	(void)state;
	sup = group_ok("{\"name\": \"Support\", \"default\": true, \"description\": \"Tier 1\"}");
	sales = group_ok("{\"name\": \"Sales\", \"default\": true}");
	/* one default at a time */
	assert_int_equal(count("SELECT count(*) FROM groups WHERE is_default = 1", ""), 1);
	assert_int_equal(desk_group_get(db, &agent, sup, &out), 0);
	assert_true(json_is_false(json_object_get(out, "default")));
	assert_string_equal(json_string_value(json_object_get(out, "description")), "Tier 1");
	json_decref(out);
	assert_int_equal(desk_group_get(db, &cust, sup, &out), HELPO_ENOTFOUND);
	assert_int_equal(desk_group_list(db, &cust, 0, &p, &l), HELPO_EFORBIDDEN);
	in = J("{\"name\": \"support\"}");
	assert_int_equal(desk_group_create(db, &admin, in, &out, &err), HELPO_ECONFLICT);
	assert_string_equal(err.field, "name");
	assert_int_equal(desk_group_create(db, &agent, in, &out, &err), HELPO_EFORBIDDEN);
	json_decref(in);
	in = J("{\"description\": \"no name\"}");
	assert_int_equal(desk_group_create(db, &admin, in, &out, &err), HELPO_EINVAL);
	json_decref(in);
	in = J("{\"name\": \"Support L2\", \"is_public\": false}");
	assert_int_equal(desk_group_update(db, &agent, sup, in, &out, &err), HELPO_EFORBIDDEN);
	assert_int_equal(desk_group_update(db, &admin, sup, in, &out, &err), 0);
	assert_true(json_is_false(json_object_get(out, "is_public")));
	json_decref(out);
	json_decref(in);
	/* soft delete: hidden from lists, name free again */
	assert_int_equal(desk_group_delete(db, &agent, sales, &err), HELPO_EFORBIDDEN);
	assert_int_equal(desk_group_delete(db, &admin, sales, &err), 0);
	assert_int_equal(desk_group_delete(db, &admin, sales, &err), HELPO_ENOTFOUND);
	assert_int_equal(desk_group_get(db, &admin, sales, &out), 0);
	assert_true(json_is_true(json_object_get(out, "deleted")));
	json_decref(out);
	assert_int_equal(desk_group_list(db, &agent, 0, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 1);
	desk_list_release(&l);
	group_ok("{\"name\": \"Sales\"}");
}

static void test_memberships(void **state)
{
	struct desk_err err = {0};
	struct desk_list l;
	struct desk_page p = page(100);
	struct desk_user_filter f = {0};
	int64_t g1, g2, m1, m2;
	json_t *u;
	(void)state;
	g1 = group_ok("{\"name\": \"One\"}");
	g2 = group_ok("{\"name\": \"Two\"}");
	assert_int_equal(member(&agent, agent.id, g1, NULL, &err), HELPO_EFORBIDDEN);
	assert_int_equal(member(&cust, agent.id, g1, NULL, &err), HELPO_ENOTFOUND);
	assert_int_equal(member(&admin, cust.id, g1, NULL, &err), HELPO_EINVAL);
	assert_string_equal(err.field, "user_id");
	assert_int_equal(member(&admin, agent.id, 999, NULL, &err), HELPO_EINVAL);
	assert_string_equal(err.field, "group_id");
	assert_int_equal(member(&admin, agent.id, g1, &m1, &err), 0);
	assert_int_equal(member(&admin, agent.id, g1, NULL, &err), HELPO_ECONFLICT);
	assert_int_equal(member(&admin, agent.id, g2, &m2, &err), 0);
	/* the first membership is the default one */
	assert_int_equal(desk_user_get(db, &admin, agent.id, &u), 0);
	assert_int_equal(json_integer_value(json_object_get(u, "default_group_id")), g1);
	json_decref(u);
	assert_int_equal(desk_membership_list(db, &agent, agent.id, 0, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 2);
	assert_true(json_is_true(json_object_get(json_array_get(l.rows, 0), "default")));
	assert_true(json_is_false(json_object_get(json_array_get(l.rows, 1), "default")));
	desk_list_release(&l);
	assert_int_equal(desk_membership_list(db, &agent, 0, g2, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 1);
	desk_list_release(&l);
	assert_int_equal(desk_membership_list(db, &cust, 0, 0, &p, &l), HELPO_EFORBIDDEN);
	assert_int_equal(desk_membership_list(db, &agent, 4242, 0, &p, &l), HELPO_ENOTFOUND);
	/* groups of a user, users of a group */
	assert_int_equal(desk_group_list(db, &agent, agent.id, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 2);
	desk_list_release(&l);
	f.group_id = g2;
	assert_int_equal(desk_user_list(db, &agent, &f, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 1);
	desk_list_release(&l);
	/* default_group_id must be one of the user's groups */
	assert_int_equal(upd(&admin, admin.id, "{\"default_group_id\": 1}", NULL, &err),
	                 HELPO_EINVAL);
	assert_int_equal(upd(&admin, agent.id, "{\"default_group_id\": 2}", NULL, &err), 0);
	assert_int_equal(count("SELECT is_default FROM group_memberships WHERE id = ?", "i", m2),
	                 1);
	/* deleting the default membership moves the default to the remaining one */
	assert_int_equal(desk_membership_delete(db, &agent, m2, &err), HELPO_EFORBIDDEN);
	assert_int_equal(desk_membership_delete(db, &admin, m2, &err), 0);
	assert_int_equal(desk_membership_delete(db, &admin, m2, &err), HELPO_ENOTFOUND);
	assert_int_equal(count("SELECT default_group_id FROM users WHERE id = ?", "i", agent.id),
	                 g1);
	assert_int_equal(count("SELECT is_default FROM group_memberships WHERE id = ?", "i", m1),
	                 1);
	/* demoting an agent to end-user ends their memberships */
	assert_int_equal(upd(&admin, agent.id, "{\"role\": \"end-user\"}", NULL, &err), 0);
	assert_int_equal(
	    count("SELECT count(*) FROM group_memberships WHERE user_id = ?", "i", agent.id), 0);
	assert_int_equal(
	    count("SELECT count(*) FROM events WHERE kind LIKE 'group_membership.%'", ""), 3);
}

/* An agent's mail preferences: shown on staff records only, settable by the agent and admins,
 * never by an end-user, and stored where notify.c reads them. */
static void test_notify_preferences(void **state)
{
	struct desk_err err;
	json_t *out = NULL;
	(void)state;
	assert_int_equal(upd(&agent, agent.id, "{\"notify_new_tickets\": false}", &out, &err), 0);
	assert_true(json_is_false(json_object_get(out, "notify_new_tickets")));
	assert_true(json_is_true(json_object_get(out, "notify_assignments")));
	json_decref(out);
	assert_int_equal(count("SELECT notify_new_tickets FROM users WHERE id = ?", "i", agent.id),
			 0);
	assert_int_equal(upd(&cust, cust.id, "{\"notify_assignments\": false}", &out, &err),
			 HELPO_EFORBIDDEN);
	assert_int_equal(desk_user_get(db, &admin, cust.id, &out), 0);
	assert_null(json_object_get(out, "notify_new_tickets"));
	json_decref(out);
	assert_int_equal(upd(&agent, agent.id, "{\"notify_new_tickets\": \"no\"}", &out, &err),
			 HELPO_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_create_fields, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_notify_preferences, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_create_invalid, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_create_duplicate_email, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_create_rights, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_get_authz, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_update_admin, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_update_agent_and_end_user, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_list_filters_and_paging, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_find_or_create, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_password, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_orgs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_groups, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_memberships, setup, teardown),
	};
	if (crypto_setup())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
