/*
 * tests/unit/desk/authz.c — unit tests for src/desk/authz.c through the ticket functions:
 * who sees which ticket, and that single reads, updates, comments, events, tags and lists
 * (rows and counts) agree.
 *
 *   admin        sees all;
 *   agent        sees tickets of own groups, assigned to them, submitted or requested by them;
 *   end-user     sees own tickets, and the organization's when it shares tickets;
 *   anything else is HELPO_ENOTFOUND.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "desk/desk.h"
#include "desk/authz.h"
#include "../testutil.h"

enum { T_G1, T_G2, T_ASSIGNED_C, T_SUBMITTED_C, T_U3, T_U4, T_NOGROUP, NTICKETS };

struct fx {
	struct tdb *t;
	struct db *db;
	struct desk_actor admin, a1, a2, c, u1, u2, u3, u4, lone;
	int64_t g1, g2, shared_org, private_org;
	int64_t tk[NTICKETS];
};

static int64_t create(struct fx *f, const struct desk_actor *a, const char *fmt, ...)
    PRINTF_LIKE(3, 4);
static int64_t create(struct fx *f, const struct desk_actor *a, const char *fmt, ...)
{
	char text[512];
	va_list ap;
	json_t *in, *out = NULL;
	struct desk_err err = {.field = ""};
	int rc;
	int64_t id;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	in = json_loads(text, 0, NULL);
	assert_non_null(in);
	rc = desk_ticket_create(f->db, a, in, NULL, &out, &err);
	if (rc)
		fail_msg("create %s: %d %s: %s", text, rc, err.field, err.message);
	id = json_integer_value(json_object_get(out, "id"));
	json_decref(in);
	json_decref(out);
	return id;
}

static struct desk_actor actor(int64_t id, enum desk_role r, int64_t org)
{
	return (struct desk_actor){id, r, org};
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct db *db;
	f->t = t_db_open();
	f->db = db = f->t->db;
	f->g1 = t_group(db, "Support");
	f->g2 = t_group(db, "Billing");
	f->shared_org = t_org(db, "Shared Co", 1);
	f->private_org = t_org(db, "Private Co", 0);
	f->admin = actor(t_user(db, "admin", "Admin", "admin@example.com", 0), DESK_ADMIN, 0);
	f->a1 = actor(t_user(db, "agent", "A1", "a1@example.com", 0), DESK_AGENT, 0);
	f->a2 = actor(t_user(db, "agent", "A2", "a2@example.com", 0), DESK_AGENT, 0);
	f->c = actor(t_user(db, "agent", "C no group", "c@example.com", 0), DESK_AGENT, 0);
	t_member(db, f->a1.id, f->g1);
	t_member(db, f->a2.id, f->g2);
	f->u1 = actor(t_user(db, "end-user", "U1", "u1@example.com", f->shared_org), DESK_END_USER,
	              f->shared_org);
	f->u2 = actor(t_user(db, "end-user", "U2", "u2@example.com", f->shared_org), DESK_END_USER,
	              f->shared_org);
	f->u3 = actor(t_user(db, "end-user", "U3", "u3@example.com", f->private_org), DESK_END_USER,
	              f->private_org);
	f->u4 = actor(t_user(db, "end-user", "U4", "u4@example.com", f->private_org), DESK_END_USER,
	              f->private_org);
	f->lone = actor(t_user(db, "end-user", "Lone", "lone@example.com", 0), DESK_END_USER, 0);

	/* G1, requested by U1 (shared org) */
	f->tk[T_G1] = create(f, &f->admin,
	                     "{\"comment\": \"g1\", \"group_id\": %lld, "
	                     "\"requester_id\": %lld}",
	                     (long long)f->g1, (long long)f->u1.id);
	/* G2, requested by U2 (same shared org) */
	f->tk[T_G2] = create(f, &f->admin,
	                     "{\"comment\": \"g2\", \"group_id\": %lld, "
	                     "\"requester_id\": %lld}",
	                     (long long)f->g2, (long long)f->u2.id);
	/* no group, assigned to C */
	f->tk[T_ASSIGNED_C] = create(
	    f, &f->admin, "{\"comment\": \"assigned\", \"assignee_id\": %lld}", (long long)f->c.id);
	/* in G2, submitted by C (not a member of G2) */
	f->tk[T_SUBMITTED_C] =
	    create(f, &f->c, "{\"comment\": \"submitted\", \"group_id\": %lld}", (long long)f->g2);
	/* private org: U3's and U4's tickets, in G1 */
	f->tk[T_U3] = create(f, &f->admin,
	                     "{\"comment\": \"u3 public\", \"group_id\": %lld, "
	                     "\"requester_id\": %lld}",
	                     (long long)f->g1, (long long)f->u3.id);
	f->tk[T_U4] = create(f, &f->admin,
	                     "{\"comment\": \"u4\", \"group_id\": %lld, "
	                     "\"requester_id\": %lld}",
	                     (long long)f->g1, (long long)f->u4.id);
	/* no group, no assignee, by the admin */
	f->tk[T_NOGROUP] = create(f, &f->admin, "{\"comment\": \"nobody's\"}");
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

/* Checks that exactly the tickets in `visible` (bit per T_*) are visible to a, through
 * every path: get, comments, update, list rows and list count. */
static void check_visible(struct fx *f, const struct desk_actor *a, unsigned visible)
{
	struct desk_page p = {.size = 100, .page = 1};
	struct desk_ticket_filter none = {0};
	struct desk_list l;
	int nvis = 0;
	for (int i = 0; i < NTICKETS; i++) {
		bool vis = visible & (1u << i);
		json_t *t = NULL;
		int rc = desk_ticket_get(f->db, a, f->tk[i], &t);
		if (vis != (rc == 0))
			fail_msg("actor %lld ticket #%d: get gave %d, visible=%d", (long long)a->id,
			         i, rc, vis);
		if (!vis) {
			assert_int_equal(rc, HELPO_ENOTFOUND);
			assert_null(t);
		}
		json_decref(t);
		assert_int_equal(authz_ticket_visible(f->db, a, f->tk[i]),
		                 vis ? 0 : HELPO_ENOTFOUND);
		rc = desk_comment_list(f->db, a, f->tk[i], &p, &l);
		assert_int_equal(rc, vis ? 0 : HELPO_ENOTFOUND);
		if (!rc)
			desk_list_release(&l);
		nvis += vis;
	}
	/* a list shows the same set, and its count agrees */
	assert_int_equal(desk_ticket_list(f->db, a, &none, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), nvis);
	assert_int_equal(l.count, nvis);
	for (size_t k = 0; k < json_array_size(l.rows); k++) {
		int64_t id = json_integer_value(json_object_get(json_array_get(l.rows, k), "id"));
		int i;
		for (i = 0; i < NTICKETS; i++)
			if (f->tk[i] == id)
				break;
		assert_true(i < NTICKETS);
		if (!(visible & (1u << i)))
			fail_msg("actor %lld lists invisible ticket #%d", (long long)a->id, i);
	}
	desk_list_release(&l);
	/* cursor mode agrees too */
	struct desk_page cp = {.size = 2, .cursor = true};
	int seen = 0;
	for (;;) {
		assert_int_equal(desk_ticket_list(f->db, a, &none, &cp, &l), 0);
		seen += (int)json_array_size(l.rows);
		bool more = l.has_more;
		cp.has_after = true;
		cp.after_key = l.last_key;
		cp.after_id = l.last_id;
		desk_list_release(&l);
		if (!more)
			break;
	}
	assert_int_equal(seen, nvis);
	/* show_many of every id returns only the visible ones */
	struct desk_ticket_filter many = {.ids = f->tk, .nids = NTICKETS};
	assert_int_equal(desk_ticket_list(f->db, a, &many, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), nvis);
	desk_list_release(&l);
}

#define B(i) (1u << (i))
#define ALL  ((1u << NTICKETS) - 1)

static void test_admin(void **state)
{
	struct fx *f = *state;
	check_visible(f, &f->admin, ALL);
	/* the system actor (id 0, admin) sees all too */
	struct desk_actor sys = {0, DESK_ADMIN, 0};
	check_visible(f, &sys, ALL);
}

static void test_agents(void **state)
{
	struct fx *f = *state;
	/* A1: group G1 */
	check_visible(f, &f->a1, B(T_G1) | B(T_U3) | B(T_U4));
	/* A2: group G2, which includes the ticket C submitted there */
	check_visible(f, &f->a2, B(T_G2) | B(T_SUBMITTED_C));
	/* C: no group, sees what is assigned to or submitted by them */
	check_visible(f, &f->c, B(T_ASSIGNED_C) | B(T_SUBMITTED_C));
}

static void test_agent_outside_group(void **state)
{
	struct fx *f = *state;
	struct desk_err err = {.field = ""};
	struct desk_page p = {.size = 100, .page = 1};
	struct desk_list l;
	json_t *in = json_loads("{\"comment\": \"I should not\", \"status\": \"open\"}", 0, NULL);
	json_t *tags = json_loads("[\"x\"]", 0, NULL), *out = NULL;
	int64_t id = f->tk[T_G2];
	int64_t comments = t_int(f->db, "SELECT count(*) FROM comments WHERE ticket_id = ?", id);
	assert_int_equal(desk_ticket_update(f->db, &f->a1, id, in, &out, &err), HELPO_ENOTFOUND);
	assert_null(out);
	assert_int_equal(desk_comment_list(f->db, &f->a1, id, &p, &l), HELPO_ENOTFOUND);
	assert_int_equal(desk_ticket_events(f->db, &f->a1, id, &p, &l), HELPO_ENOTFOUND);
	assert_int_equal(desk_ticket_tags(f->db, &f->a1, id, 'a', tags, &out, &err),
	                 HELPO_ENOTFOUND);
	assert_int_equal(desk_ticket_delete(f->db, &f->a1, id, &err), HELPO_ENOTFOUND);
	/* filtering a list by that group shows nothing rather than an error */
	struct desk_ticket_filter by_g2 = {.group_id = f->g2};
	assert_int_equal(desk_ticket_list(f->db, &f->a1, &by_g2, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 0);
	assert_int_equal(l.count, 0);
	desk_list_release(&l);
	assert_int_equal(t_int(f->db, "SELECT count(*) FROM comments WHERE ticket_id = ?", id),
	                 comments);
	/* the member of G2 may */
	assert_int_equal(desk_ticket_update(f->db, &f->a2, id, in, &out, &err), 0);
	json_decref(out);
	/* a non-existent ticket looks exactly the same */
	assert_int_equal(desk_ticket_update(f->db, &f->a1, 999999, in, &out, &err),
	                 HELPO_ENOTFOUND);
	json_decref(in);
	json_decref(tags);
}

static void test_membership_change(void **state)
{
	struct fx *f = *state;
	/* joining G2 makes its tickets visible at once; leaving hides them */
	t_member(f->db, f->a1.id, f->g2);
	check_visible(f, &f->a1, B(T_G1) | B(T_U3) | B(T_U4) | B(T_G2) | B(T_SUBMITTED_C));
	assert_int_equal(db_exec(f->db,
	                         "DELETE FROM group_memberships WHERE user_id = ? AND "
	                         "group_id = ?",
	                         "ii", f->a1.id, f->g2),
	                 0);
	check_visible(f, &f->a1, B(T_G1) | B(T_U3) | B(T_U4));
}

static void test_end_users(void **state)
{
	struct fx *f = *state;
	/* the shared organization: U1 and U2 see each other's tickets */
	check_visible(f, &f->u1, B(T_G1) | B(T_G2));
	check_visible(f, &f->u2, B(T_G1) | B(T_G2));
	/* the private organization: only their own */
	check_visible(f, &f->u3, B(T_U3));
	check_visible(f, &f->u4, B(T_U4));
	/* no organization */
	check_visible(f, &f->lone, 0);
	/* turning sharing off hides the organization's other tickets at once */
	assert_int_equal(db_exec(f->db, "UPDATE organizations SET shared_tickets = 0 WHERE id = ?",
	                         "i", f->shared_org),
	                 0);
	check_visible(f, &f->u1, B(T_G1));
	check_visible(f, &f->u2, B(T_G2));
}

/* A collaborator (copied on the ticket, e.g. CC on e-mail) sees it; removing them hides it. */
static void test_collaborator(void **state)
{
	struct fx *f = *state;
	check_visible(f, &f->lone, 0);
	assert_int_equal(db_exec(f->db,
	                         "INSERT INTO ticket_collaborators (ticket_id, user_id) VALUES (?, ?)",
	                         "ii", f->tk[T_U3], f->lone.id),
	                 0);
	check_visible(f, &f->lone, B(T_U3));
	assert_int_equal(db_exec(f->db, "DELETE FROM ticket_collaborators WHERE user_id = ?", "i",
	                         f->lone.id),
	                 0);
	check_visible(f, &f->lone, 0);
}

static void test_end_user_comments(void **state)
{
	struct fx *f = *state;
	struct desk_page p = {.size = 100, .page = 1};
	struct desk_list l;
	struct desk_err err = {.field = ""};
	json_t *in = json_loads("{\"comment\": {\"body\": \"internal only\", \"public\": false}}",
	                        0, NULL),
	       *out = NULL;
	assert_int_equal(desk_ticket_update(f->db, &f->admin, f->tk[T_G2], in, &out, &err), 0);
	json_decref(out);
	json_decref(in);
	/* U1 sees U2's ticket through the shared org, but not its internal note */
	assert_int_equal(desk_comment_list(f->db, &f->u1, f->tk[T_G2], &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 1);
	desk_list_release(&l);
	assert_int_equal(desk_comment_list(f->db, &f->a2, f->tk[T_G2], &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 2);
	desk_list_release(&l);
	/* and no audit trail for end-users */
	assert_int_equal(desk_ticket_events(f->db, &f->u2, f->tk[T_G2], &p, &l), HELPO_ENOTFOUND);
}

static void test_user_visible(void **state)
{
	struct fx *f = *state;
	assert_int_equal(authz_user_visible(f->db, &f->admin, f->u1.id), 0);
	assert_int_equal(authz_user_visible(f->db, &f->a1, f->u3.id), 0);
	assert_int_equal(authz_user_visible(f->db, &f->u1, f->u1.id), 0);
	assert_int_equal(authz_user_visible(f->db, &f->u1, f->u2.id), HELPO_ENOTFOUND);
	assert_int_equal(authz_user_visible(f->db, &f->u1, f->a1.id), HELPO_ENOTFOUND);
	assert_int_equal(authz_user_visible(f->db, &f->admin, 999999), HELPO_ENOTFOUND);
}

static void test_sql_unknown_role(void **state)
{
	struct buf sql = BUF_INIT(256);
	struct db_args args = {0};
	struct desk_actor bad = {1, (enum desk_role)7, 0};
	(void)state;
	assert_int_equal(authz_ticket_sql(&bad, "t", &sql, &args), HELPO_EINVAL);
	buf_release(&sql);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_admin),
	    T(test_agents),
	    T(test_agent_outside_group),
	    T(test_membership_change),
	    T(test_end_users),
	    T(test_end_user_comments),
	    T(test_user_visible),
	    T(test_collaborator),
	    cmocka_unit_test(test_sql_unknown_role),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
