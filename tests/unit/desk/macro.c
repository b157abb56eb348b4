/*
 * tests/unit/desk/macro.c — unit tests for src/desk/macro.c against a real migrated SQLite
 * database.
 *
 * Covers: placeholder rendering (known, unknown, spaces, unclosed, values inserted verbatim);
 * search folding (case, Latvian/Lithuanian diacritics, Cyrillic, ё→е); the seeded macros;
 * create/update/delete validation (unknown field or value named, nothing stored) and events;
 * personal macros (invisible to other agents, forced restriction, shared ones refused to
 * agents); search by title; apply alone and to a ticket (fields, rendered comment, invisible
 * ticket or macro is HELPO_ENOTFOUND, nothing changed); the demo hook.
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
	f->group2 = t_group(f->db, "Technical");
	id = t_user(f->db, "admin", "Ada Admin", "ada@example.com", 0);
	f->admin = (struct desk_actor){id, DESK_ADMIN, 0};
	id = t_user(f->db, "agent", "Andris Agent", "andris@example.com", 0);
	f->agent = (struct desk_actor){id, DESK_AGENT, 0};
	t_member(f->db, id, f->group);
	id = t_user(f->db, "agent", "Bea Billing", "bea@example.com", 0);
	f->agent2 = (struct desk_actor){id, DESK_AGENT, 0};
	t_member(f->db, id, f->group2);
	id = t_user(f->db, "end-user", "<b>Zoë</b>&amp; \"O'Brien\"", "zoe@example.com", 0);
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

static int64_t macro(struct fx *f, const struct desk_actor *a, const char *text)
{
	json_t *in = J("%s", text), *out = NULL;
	struct desk_err err = {.field = ""};
	int rc = desk_macro_create(f->db, a, in, &out, &err);
	int64_t id;
	json_decref(in);
	if (rc)
		fail_msg("macro create failed: %d %s: %s", rc, err.field, err.message);
	id = jint(out, "id");
	json_decref(out);
	return id;
}

static void macro_bad(struct fx *f, const struct desk_actor *a, const char *text, int code,
                      const char *needle)
{
	json_t *in = J("%s", text), *out = NULL;
	struct desk_err err = {.field = ""};
	int64_t before = t_int(f->db, "SELECT count(*) + 0 * ? FROM macros", 0);
	int rc = desk_macro_create(f->db, a, in, &out, &err);
	json_decref(in);
	assert_int_equal(rc, code);
	assert_null(out);
	if (needle && !strstr(err.field, needle) && !strstr(err.message, needle))
		fail_msg("error %s: %s does not name %s", err.field, err.message, needle);
	assert_int_equal(t_int(f->db, "SELECT count(*) + 0 * ? FROM macros", 0), before);
}

static void render_is(const char *text, json_t *vars, const char *want)
{
	char *got = desk_macro_render(text, vars);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_render(void **state)
{
	json_t *vars =
	    J("{\"ticket.id\":\"42\",\"ticket.requester.first_name\":\"<b>Zoë</b>&amp;\","
	      "\"empty\":\"\"}");
	(void)state;
	render_is("", vars, "");
	render_is("plain", vars, "plain");
	render_is("Hi {{ticket.requester.first_name}}, #{{ticket.id}}", vars,
	          "Hi <b>Zoë</b>&amp;, #42");
	render_is("{{ ticket.id }}{{ticket.id}}", vars, "4242");
	render_is("{{ticket.unknown}} {{}} {{ }} {ticket.id}", vars,
	          "{{ticket.unknown}} {{}} {{ }} {ticket.id}");
	render_is("open {{ticket.id", vars, "open {{ticket.id");
	render_is("{{{ticket.id}}}", vars, "{{{ticket.id}}}");
	render_is("[{{empty}}]", vars, "[]");
	json_decref(vars);
}

static void fold_is(const char *text, const char *want)
{
	char *got = desk_macro_fold(text);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_fold(void **state)
{
	(void)state;
	fold_is("Close AND Thank", "close and thank");
	fold_is("Ģērbšanās Žurnāls", "gerbsanas zurnals");
	fold_is("Ąžuolas Čiūžė", "azuolas ciuze");
	fold_is("ЁЛКА Ёлка", "елка елка");
	fold_is("Straße ÀÉÎÕÜ", "strase aeiou");
	fold_is("日本 ✓", "日本 ✓");
}

static void test_seeded_and_crud(void **state)
{
	struct fx *f = *state;
	struct desk_err err = {.field = ""};
	json_t *m = NULL, *in;
	int64_t id;
	assert_int_equal(desk_macro_get(f->db, &f->agent, 1, &m), 0);
	assert_string_equal(json_string_value(json_object_get(m, "title")), "Close and thank");
	json_decref(m);
	assert_int_equal(desk_macro_get(f->db, &f->user, 1, &m), HELPO_EFORBIDDEN);

	macro_bad(f, &f->admin,
	          "{\"title\":\"x\",\"actions\":[{\"field\":\"subject\",\"value\":\"a\"}]}",
	          HELPO_EINVAL, "subject");
	macro_bad(f, &f->admin,
	          "{\"title\":\"x\",\"actions\":[{\"field\":\"status\",\"value\":\"x\"}]}",
	          HELPO_EINVAL, "status");
	macro_bad(f, &f->admin,
	          "{\"title\":\"x\",\"actions\":[{\"field\":\"group_id\",\"value\":999}]}",
	          HELPO_EINVAL, "group 999");
	macro_bad(f, &f->admin, "{\"title\":\"x\",\"actions\":[]}", HELPO_EINVAL, "actions");
	macro_bad(f, &f->admin, "{\"actions\":[{\"field\":\"status\",\"value\":\"open\"}]}",
	          HELPO_EINVAL, "title");
	macro_bad(f, &f->user,
	          "{\"title\":\"x\",\"actions\":[{\"field\":\"status\",\"value\":\"open\"}]}",
	          HELPO_EFORBIDDEN, NULL);

	id = macro(
	    f, &f->agent,
	    "{\"title\":\"Mine\",\"restriction\":null,\"actions\":[{\"field\":\"comment_value\","
	    "\"value\":[\"channel:all\",\"Hello\"]}]}");
	assert_int_equal(t_int(f->db, "SELECT restriction_user_id FROM macros WHERE id = ?", id),
	                 f->agent.id);
	assert_int_equal(desk_macro_get(f->db, &f->agent2, id, &m), HELPO_ENOTFOUND);
	in = J("{\"title\":\"Renamed\"}");
	assert_int_equal(desk_macro_update(f->db, &f->agent2, id, in, &m, &err), HELPO_ENOTFOUND);
	assert_int_equal(desk_macro_update(f->db, &f->agent, 1, in, &m, &err), HELPO_EFORBIDDEN);
	assert_int_equal(desk_macro_update(f->db, &f->agent, id, in, &m, &err), 0);
	assert_string_equal(json_string_value(json_object_get(m, "title")), "Renamed");
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(m, "actions"), 0), "value")),
	                    "Hello");
	json_decref(m);
	json_decref(in);
	assert_int_equal(desk_macro_delete(f->db, &f->agent, 1, &err), HELPO_EFORBIDDEN);
	assert_int_equal(desk_macro_delete(f->db, &f->agent, id, &err), 0);
	assert_int_equal(t_int(f->db,
	                       "SELECT count(*) FROM events WHERE kind LIKE 'macro.%' AND "
	                       "actor_id = ?",
	                       f->agent.id),
	                 3);
}

static void test_search(void **state)
{
	struct fx *f = *state;
	struct desk_page p = {.size = 100, .page = 1};
	struct desk_vm_filter flt = {.active = -1, .query = "GERBSANAS"};
	struct desk_err err = {.field = ""};
	struct desk_list l;
	int64_t a = macro(f, &f->admin,
	                  "{\"title\":\"Ģērbšanās\",\"actions\":[{\"field\":"
	                  "\"status\",\"value\":\"open\"}]}");
	macro(f, &f->agent2,
	      "{\"title\":\"Ģērbšanās privāti\",\"actions\":[{\"field\":"
	      "\"status\",\"value\":\"open\"}]}");
	assert_int_equal(desk_macro_list(f->db, &f->agent, &flt, &p, &l, &err), 0);
	assert_int_equal(l.count, 1);
	assert_int_equal(jint(json_array_get(l.rows, 0), "id"), a);
	desk_list_release(&l);
	assert_int_equal(desk_macro_list(f->db, &f->agent2, &flt, &p, &l, &err), 0);
	assert_int_equal(l.count, 2);
	desk_list_release(&l);
	flt.query = "%";
	assert_int_equal(desk_macro_list(f->db, &f->agent, &flt, &p, &l, &err), 0);
	assert_int_equal(l.count, 0);
	desk_list_release(&l);
	flt.query = "   ";
	assert_int_equal(desk_macro_list(f->db, &f->agent, &flt, &p, &l, &err), HELPO_EINVAL);
}

static void test_apply(void **state)
{
	struct fx *f = *state;
	struct desk_err err = {.field = ""};
	json_t *in, *t = NULL, *res = NULL, *tk;
	int64_t tid, hidden, before;
	char text[256];
	snprintf(text, sizeof text,
	         "{\"subject\":\"Printer\",\"comment\":{\"body\":\"x\"},\"requester_id\":%lld,"
	         "\"group_id\":%lld}",
	         (long long)f->user.id, (long long)f->group);
	in = J("%s", text);
	assert_int_equal(desk_ticket_create(f->db, &f->admin, in, NULL, &t, &err), 0);
	json_decref(in);
	tid = jint(t, "id");
	json_decref(t);
	snprintf(text, sizeof text,
	         "{\"subject\":\"Hidden\",\"comment\":{\"body\":\"x\"},\"group_id\":%lld}",
	         (long long)f->group2);
	in = J("%s", text);
	assert_int_equal(desk_ticket_create(f->db, &f->admin, in, NULL, &t, &err), 0);
	json_decref(in);
	hidden = jint(t, "id");
	json_decref(t);
	before = t_int(f->db, "SELECT count(*) + 0 * ? FROM events", 0);

	assert_int_equal(desk_macro_apply(f->db, &f->agent, 1, tid, &res), 0);
	tk = json_object_get(res, "ticket");
	assert_int_equal(jint(tk, "id"), tid);
	assert_string_equal(json_string_value(json_object_get(tk, "status")), "solved");
	assert_true(json_is_true(json_object_get(json_object_get(res, "comment"), "public")));
	assert_non_null(
	    strstr(json_string_value(json_object_get(json_object_get(res, "comment"), "body")),
	           "Hi <b>Zoë</b>&amp;,\n"));
	assert_non_null(
	    strstr(json_string_value(json_object_get(json_object_get(res, "comment"), "body")),
	           "Andris Agent"));
	json_decref(res);

	assert_int_equal(desk_macro_apply(f->db, &f->agent, 4, tid, &res), 0); /* Take it */
	tk = json_object_get(res, "ticket");
	assert_int_equal(jint(tk, "assignee_id"), f->agent.id);
	assert_null(json_object_get(res, "comment"));
	json_decref(res);

	assert_int_equal(desk_macro_apply(f->db, &f->agent, 1, hidden, &res), HELPO_ENOTFOUND);
	assert_null(res);
	assert_int_equal(desk_macro_apply(f->db, &f->agent, 999, tid, &res), HELPO_ENOTFOUND);
	assert_int_equal(desk_macro_apply(f->db, &f->user, 1, tid, &res), HELPO_EFORBIDDEN);

	/* alone: placeholders stay */
	assert_int_equal(desk_macro_apply(f->db, &f->agent, 1, 0, &res), 0);
	assert_non_null(
	    strstr(json_string_value(json_object_get(json_object_get(res, "comment"), "body")),
	           "Hi {{ticket.requester.first_name}},"));
	assert_null(json_object_get(json_object_get(res, "ticket"), "id"));
	json_decref(res);
	/* nothing changed */
	assert_int_equal(t_int(f->db, "SELECT count(*) + 0 * ? FROM events", 0), before);
	assert_int_equal(
	    t_int(f->db, "SELECT count(*) FROM tickets WHERE id = ? AND status = 'new'", tid), 1);

	/* the demo hook points "Escalate to Technical" at a group */
	assert_int_equal(desk_macro_demo(f->db, f->group2), 0);
	assert_int_equal(desk_macro_apply(f->db, &f->agent, 3, tid, &res), 0);
	tk = json_object_get(res, "ticket");
	assert_int_equal(jint(tk, "group_id"), f->group2);
	assert_string_equal(json_string_value(json_object_get(tk, "priority")), "high");
	assert_true(json_is_false(json_object_get(json_object_get(res, "comment"), "public")));
	json_decref(res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_render),
	    cmocka_unit_test(test_fold),
	    cmocka_unit_test_setup_teardown(test_seeded_and_crud, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_search, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_apply, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
