/*
 * tests/unit/desk/view.c — unit tests for src/desk/view.c: views against a real migrated SQLite
 * database.
 *
 * Covers: the six seeded shared views; create/update/delete with validation (unknown field,
 * operator and value named in the error, nothing stored) and events; personal views (forced
 * restriction for agents, invisible to other agents, admins manage all; agents cannot change
 * shared views; end-users are refused); execution (conditions compiled to SQL, current_user and
 * current_groups from the reader, the ticket authorization rule ANDed in, counts equal to the
 * rows listed, the view's execution order, cursor paging).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "desk/desk.h"
#include "desk/view.h"
#include "../testutil.h"

struct fx {
	struct tdb *t;
	struct db *db;
	struct desk_actor admin, agent, agent2, user;
	int64_t group, group2;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	int64_t id;
	f->t = t_db_open();
	f->db = f->t->db;
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
	id = t_user(f->db, "end-user", "Una User", "una@example.com", 0);
	f->user = (struct desk_actor){id, DESK_END_USER, 0};
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
	char text[8192];
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

/* Creates a ticket as admin from JSON text; returns its id. */
static int64_t ticket(struct fx *f, const char *text)
{
	json_t *in = J("%s", text), *out = NULL;
	struct desk_err err = {.field = ""};
	int rc = desk_ticket_create(f->db, &f->admin, in, NULL, &out, &err);
	int64_t id;
	json_decref(in);
	if (rc)
		fail_msg("ticket create failed: %d %s: %s", rc, err.field, err.message);
	id = jint(out, "id");
	json_decref(out);
	return id;
}

/* Creates a view as a; returns its id (asserts success). */
static int64_t view(struct fx *f, const struct desk_actor *a, const char *text)
{
	json_t *in = J("%s", text), *out = NULL;
	struct desk_err err = {.field = ""};
	int rc = desk_view_create(f->db, a, in, &out, &err);
	int64_t id;
	json_decref(in);
	if (rc)
		fail_msg("view create failed: %d %s: %s", rc, err.field, err.message);
	id = jint(out, "id");
	json_decref(out);
	return id;
}

/* The create must fail with code and an error whose field or message contains needle. */
static void view_bad(struct fx *f, const struct desk_actor *a, const char *text, int code,
                     const char *needle)
{
	json_t *in = J("%s", text), *out = NULL;
	struct desk_err err = {.field = ""};
	int64_t before = t_int(f->db, "SELECT count(*) + 0 * ? FROM views", 0);
	int rc = desk_view_create(f->db, a, in, &out, &err);
	json_decref(in);
	assert_int_equal(rc, code);
	assert_null(out);
	if (needle && !strstr(err.field, needle) && !strstr(err.message, needle))
		fail_msg("error %s: %s does not name %s", err.field, err.message, needle);
	assert_int_equal(t_int(f->db, "SELECT count(*) + 0 * ? FROM views", 0), before);
}

/* Ticket ids of a view (offset, one page of 100) for a; checks count == rows. */
static int ids_of(struct fx *f, const struct desk_actor *a, int64_t vid, int64_t *ids, int max)
{
	struct desk_page p = {.size = 100, .page = 1, .sort = NULL};
	struct desk_list l;
	json_t *t;
	size_t i;
	int64_t n = -1;
	assert_int_equal(desk_view_tickets(f->db, a, vid, &p, &l), 0);
	assert_int_equal(l.count, (int64_t)json_array_size(l.rows));
	assert_int_equal(desk_view_count(f->db, a, vid, &n), 0);
	assert_int_equal(n, l.count);
	assert_true((int)json_array_size(l.rows) <= max);
	json_array_foreach(l.rows, i, t) ids[i] = jint(t, "id");
	i = json_array_size(l.rows);
	desk_list_release(&l);
	return (int)i;
}

static void test_seeded(void **state)
{
	struct fx *f = *state;
	struct desk_page p = {.size = 100, .page = 1};
	struct desk_vm_filter flt = {.active = -1};
	struct desk_list l;
	json_t *v;
	assert_int_equal(desk_view_list(f->db, &f->agent, &flt, &p, &l), 0);
	assert_int_equal(l.count, 6);
	for (int i = 0; i < 6; i++) {
		v = json_array_get(l.rows, (size_t)i);
		assert_int_equal(jint(v, "id"), i + 1);
		assert_int_equal(jint(v, "position"), i + 1);
		assert_true(json_is_null(json_object_get(v, "restriction")));
	}
	assert_string_equal(json_string_value(json_object_get(json_array_get(l.rows, 1), "title")),
	                    "Unassigned tickets in my groups");
	desk_list_release(&l);
	assert_int_equal(desk_view_list(f->db, &f->user, &flt, &p, &l), HELPO_EFORBIDDEN);
	assert_int_equal(desk_view_get(f->db, &f->user, 1, &v), HELPO_EFORBIDDEN);
}

static void test_validation(void **state)
{
	struct fx *f = *state;
	const char *ok = "{\"field\":\"status\",\"operator\":\"is\",\"value\":\"open\"}";
	view_bad(f, &f->admin,
	         "{\"title\":\"x\",\"all\":[{\"field\":\"subject\",\"operator\":\"is\","
	         "\"value\":\"a\"}]}",
	         HELPO_EINVAL, "subject");
	view_bad(f, &f->admin,
	         "{\"title\":\"x\",\"all\":[{\"field\":\"status\",\"operator\":\"near\","
	         "\"value\":\"open\"}]}",
	         HELPO_EINVAL, "near");
	view_bad(f, &f->admin,
	         "{\"title\":\"x\",\"any\":[{\"field\":\"priority\",\"operator\":\"is\","
	         "\"value\":\"asap\"}]}",
	         HELPO_EINVAL, "any[0]");
	view_bad(f, &f->admin,
	         "{\"title\":\"x\",\"all\":[{\"field\":\"group_id\",\"operator\":\"is\","
	         "\"value\":\"current_user\"}]}",
	         HELPO_EINVAL, "group_id");
	view_bad(f, &f->admin,
	         "{\"title\":\"x\",\"all\":[{\"field\":\"requester_id\",\"operator\":"
	         "\"is\",\"value\":null}]}",
	         HELPO_EINVAL, "requester_id");
	view_bad(f, &f->admin,
	         "{\"title\":\"x\",\"all\":[{\"field\":\"tags\",\"operator\":\"is\","
	         "\"value\":\"a\"}]}",
	         HELPO_EINVAL, "is");
	view_bad(f, &f->admin, "{\"title\":\"x\",\"all\":[]}", HELPO_EINVAL, "conditions");
	view_bad(f, &f->admin,
	         "{\"all\":[{\"field\":\"status\",\"operator\":\"is\",\"value\":\"open\"}]}",
	         HELPO_EINVAL, "title");
	view_bad(f, &f->admin,
	         "{\"title\":\"x\",\"all\":[{\"field\":\"status\",\"operator\":\"is\","
	         "\"value\":\"open\"}],\"execution\":{\"sort_by\":\"subject\"}}",
	         HELPO_EINVAL, "sort_by");
	view_bad(f, &f->admin,
	         "{\"title\":\"x\",\"all\":[{\"field\":\"status\",\"operator\":\"is\","
	         "\"value\":\"open\"}],\"restriction\":{\"type\":\"User\",\"id\":999}}",
	         HELPO_EINVAL, "restriction");
	/* too many conditions */
	{
		struct buf b = BUF_INIT(8192);
		buf_adds(&b, "{\"title\":\"x\",\"all\":[");
		for (int i = 0; i <= VIEW_MAX_CONDITIONS; i++)
			buf_addf(&b, "%s%s", i ? "," : "", ok);
		buf_adds(&b, "]}");
		view_bad(f, &f->admin, b.data, HELPO_EINVAL, "conditions");
		buf_release(&b);
	}
	view_bad(f, &f->user,
	         "{\"title\":\"x\",\"all\":[{\"field\":\"status\",\"operator\":\"is\","
	         "\"value\":\"open\"}]}",
	         HELPO_EFORBIDDEN, NULL);
}

static void test_personal(void **state)
{
	struct fx *f = *state;
	json_t *v = NULL, *in;
	struct desk_err err = {.field = ""};
	int64_t id = view(f, &f->agent,
	                  "{\"title\":\"Mine\",\"restriction\":null,\"all\":[{\"field\":\"status\","
	                  "\"operator\":\"is\",\"value\":\"open\"}]}");
	assert_int_equal(t_int(f->db, "SELECT restriction_user_id FROM views WHERE id = ?", id),
	                 f->agent.id);
	assert_int_equal(desk_view_get(f->db, &f->agent2, id, &v), HELPO_ENOTFOUND);
	assert_null(v);
	assert_int_equal(desk_view_get(f->db, &f->admin, id, &v), 0);
	json_decref(v);
	in = J("{\"title\":\"Taken\"}");
	assert_int_equal(desk_view_update(f->db, &f->agent2, id, in, &v, &err), HELPO_ENOTFOUND);
	assert_int_equal(desk_view_update(f->db, &f->agent, 1, in, &v, &err), HELPO_EFORBIDDEN);
	assert_int_equal(desk_view_update(f->db, &f->agent, id, in, &v, &err), 0);
	assert_string_equal(json_string_value(json_object_get(v, "title")), "Taken");
	json_decref(v);
	json_decref(in);
	assert_int_equal(desk_view_delete(f->db, &f->agent2, id, &err), HELPO_ENOTFOUND);
	assert_int_equal(desk_view_delete(f->db, &f->agent, 1, &err), HELPO_EFORBIDDEN);
	assert_int_equal(desk_view_delete(f->db, &f->agent, id, &err), 0);
	assert_int_equal(desk_view_get(f->db, &f->agent, id, &v), HELPO_ENOTFOUND);
	/* one event per change */
	assert_int_equal(t_int(f->db,
	                       "SELECT count(*) FROM events WHERE kind = 'view.created' AND "
	                       "actor_id = ?",
	                       f->agent.id),
	                 1);
	assert_int_equal(t_int(f->db,
	                       "SELECT count(*) FROM events WHERE kind = 'view.updated' AND "
	                       "actor_id = ?",
	                       f->agent.id),
	                 1);
	assert_int_equal(t_int(f->db,
	                       "SELECT count(*) FROM events WHERE kind = 'view.deleted' AND "
	                       "actor_id = ?",
	                       f->agent.id),
	                 1);
}

static void test_execution(void **state)
{
	struct fx *f = *state;
	int64_t ids[100], mine, queued, other, solved, vid;
	char text[512];
	int n;
	snprintf(text, sizeof text,
	         "{\"subject\":\"a\",\"comment\":{\"body\":\"x\"},\"assignee_id\":%lld}",
	         (long long)f->agent.id);
	mine = ticket(f, text);
	snprintf(text, sizeof text,
	         "{\"subject\":\"b\",\"comment\":{\"body\":\"x\"},\"group_id\":%lld}",
	         (long long)f->group);
	queued = ticket(f, text);
	snprintf(
	    text, sizeof text,
	    "{\"subject\":\"c\",\"comment\":{\"body\":\"x\"},\"group_id\":%lld,\"tags\":[\"vip\"]}",
	    (long long)f->group2);
	other = ticket(f, text);
	snprintf(text, sizeof text,
	         "{\"subject\":\"d\",\"comment\":{\"body\":\"x\"},\"status\":\"solved\","
	         "\"assignee_id\":%lld}",
	         (long long)f->agent.id);
	solved = ticket(f, text);

	n = ids_of(f, &f->agent, 1, ids, 100); /* my open tickets */
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], mine);
	n = ids_of(f, &f->agent, 2, ids, 100); /* unassigned in my groups */
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], queued);
	n = ids_of(f, &f->agent2, 3, ids, 100); /* all open in my groups */
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], other);
	n = ids_of(f, &f->agent, 6, ids, 100);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], solved);

	/* a shared view of every "vip" ticket: the agent outside group2 sees none of them */
	vid = view(f, &f->admin,
	           "{\"title\":\"VIP\",\"all\":[{\"field\":\"tags\",\"operator\":\"includes\","
	           "\"value\":\"vip gold\"}]}");
	assert_int_equal(ids_of(f, &f->admin, vid, ids, 100), 1);
	assert_int_equal(ids_of(f, &f->agent2, vid, ids, 100), 1);
	assert_int_equal(ids_of(f, &f->agent, vid, ids, 100), 0);

	/* any + execution order + cursor paging */
	vid = view(f, &f->admin,
	           "{\"title\":\"Any\",\"conditions\":{\"all\":[{\"field\":\"status\","
	           "\"operator\":\"less_than\",\"value\":\"solved\"}],\"any\":[{\"field\":"
	           "\"assignee_id\",\"operator\":\"is\",\"value\":\"current_user\"},{\"field\":"
	           "\"group_id\",\"operator\":\"is\",\"value\":\"current_groups\"}]},"
	           "\"execution\":{\"sort_by\":\"id\",\"sort_order\":\"desc\"}}");
	n = ids_of(f, &f->agent, vid, ids, 100);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], queued);
	assert_int_equal(ids[1], mine);
	{
		struct desk_page p = {.size = 1, .cursor = true, .sort = NULL};
		struct desk_list l;
		assert_int_equal(desk_view_tickets(f->db, &f->agent, vid, &p, &l), 0);
		assert_int_equal(json_array_size(l.rows), 1);
		assert_true(l.has_more);
		assert_int_equal(jint(json_array_get(l.rows, 0), "id"), queued);
		p.has_after = true;
		p.after_key = l.last_key;
		p.after_id = l.last_id;
		p.sort = "id";
		p.desc = true;
		desk_list_release(&l);
		assert_int_equal(desk_view_tickets(f->db, &f->agent, vid, &p, &l), 0);
		assert_int_equal(json_array_size(l.rows), 1);
		assert_int_equal(jint(json_array_get(l.rows, 0), "id"), mine);
		assert_false(l.has_more);
		desk_list_release(&l);
	}
	{
		int64_t c;
		assert_int_equal(desk_view_count(f->db, &f->agent2, 999, &c), HELPO_ENOTFOUND);
		assert_int_equal(desk_view_count(f->db, &f->user, 1, &c), HELPO_EFORBIDDEN);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_seeded, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_validation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_personal, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_execution, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
