/*
 * tests/unit/cli/demo.c — unit tests for src/cli/demo.c: the demo desk has the promised
 * people, groups, organizations and tickets (every status, internal notes, unassigned
 * tickets, conversations of 2–6 comments, text in five languages with their diacritics),
 * timestamps spread over the last ninety days and never in the future, working logins for
 * the admin and the agents, the same content on every run, and a second run (or a too small
 * password buffer) refused without changing anything.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cli/cli.h"
#include "desk/desk.h"
#include "util/crypto.h"
#include "../testutil.h"

#define DAY_MS (24 * 3600 * (int64_t)1000)

static int64_t count(struct db *db, const char *sql)
{
	int64_t v = -1;
	assert_int_equal(db_int(db, &v, sql, ""), 0);
	return v;
}

static int64_t count_s(struct db *db, const char *sql, const char *arg)
{
	int64_t v = -1;
	assert_int_equal(db_int(db, &v, sql, "s", arg), 0);
	return v;
}

/* FNV-1a over the text of every row of a query (columns joined by '|'). */
static uint64_t digest(struct db *db, const char *sql)
{
	struct db_stmt *st;
	uint64_t h = 14695981039346656037ULL;
	int rc, ncols = 4;
	assert_int_equal(db_query(db, &st, sql, ""), 0);
	while ((rc = db_step(st)) == DB_ROW) {
		for (int c = 0; c < ncols; c++) {
			const char *s = db_col_text(st, c);
			for (const char *p = s ? s : "(null)"; *p; p++)
				h = (h ^ (unsigned char)*p) * 1099511628211ULL;
			h = (h ^ '|') * 1099511628211ULL;
		}
	}
	db_done(st);
	assert_int_equal(rc, DB_DONE);
	return h;
}

static uint64_t content_digest(struct db *db)
{
	return digest(db, "SELECT subject, status, coalesce(priority, '-'), tags FROM tickets "
	                  "ORDER BY id") ^
	       digest(db, "SELECT ticket_id, author_id, public, body FROM comments ORDER BY id") ^
	       digest(db, "SELECT name, email, locale, role FROM users ORDER BY id");
}

static void run_demo(struct db *db, char *pw, size_t plen)
{
	char email[256];
	assert_int_equal(demo_run(db, email, sizeof email, pw, plen), 0);
	assert_string_equal(email, "admin@helpo.test");
}

static void test_fill(void **state)
{
	struct tdb *t = *state;
	struct db *db = t->db;
	struct desk_actor a;
	char pw[128];
	int64_t now = time_now_ms();
	static const char *const statuses[] = {"new",  "open",   "pending",
	                                       "hold", "solved", "closed"};
	static const char *const locales[] = {"en", "lv", "lt", "ru", "eo"};
	/* one letter each language needs, as it appears in comments */
	static const char *const letters[] = {"ā", "č", "ē", "ģ", "ī", "ķ", "ļ", "ņ",
	                                      "š", "ū", "ž", "ą", "ę", "ė", "į", "ų",
	                                      "ё", "ĉ", "ĝ", "ĥ", "ĵ", "ŝ", "ŭ"};

	run_demo(db, pw, sizeof pw);
	assert_true(strlen(pw) >= 16);

	/* people */
	assert_int_equal(count(db, "SELECT count(*) FROM users WHERE role = 'admin'"), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM users WHERE role = 'agent'"), 8);
	assert_int_equal(count(db, "SELECT count(*) FROM users WHERE role = 'end-user'"), 60);
	for (size_t i = 0; i < ARRAY_SIZE(locales); i++)
		assert_true(count_s(db,
		                    "SELECT count(*) FROM users WHERE role = 'end-user' AND "
		                    "locale = ?",
		                    locales[i]) >= 10);
	assert_true(count(db, "SELECT count(*) FROM users WHERE role = 'end-user' AND "
	                      "organization_id IS NOT NULL") >= 20);
	assert_int_equal(count(db, "SELECT count(*) FROM groups"), 3);
	assert_int_equal(count(db, "SELECT count(*) FROM groups WHERE is_default = 1"), 1);
	assert_int_equal(count(db,
	                       "SELECT count(*) FROM users u WHERE role = 'agent' AND NOT "
	                       "EXISTS (SELECT 1 FROM group_memberships m WHERE m.user_id = u.id)"),
	                 0);
	assert_int_equal(count(db, "SELECT count(*) FROM organizations"), 8);
	assert_true(count(db, "SELECT count(*) FROM organizations WHERE shared_tickets = 1") >= 2);
	assert_true(count(db, "SELECT count(*) FROM organizations WHERE shared_tickets = 0") >= 2);

	/* tickets and conversations */
	assert_int_equal(count(db, "SELECT count(*) FROM tickets"), 300);
	for (size_t i = 0; i < ARRAY_SIZE(statuses); i++)
		assert_true(
		    count_s(db, "SELECT count(*) FROM tickets WHERE status = ?", statuses[i]) >= 5);
	assert_true(count(db, "SELECT count(*) FROM tickets WHERE assignee_id IS NULL AND "
	                      "status <> 'new'") >= 1);
	assert_int_equal(count(db, "SELECT count(*) FROM tickets WHERE assignee_id IS NOT NULL AND "
	                           "status = 'new'"),
	                 0);
	assert_int_equal(count(db, "SELECT count(*) FROM tickets WHERE status IN ('solved', "
	                           "'closed') AND (assignee_id IS NULL OR solved_at IS NULL)"),
	                 0);
	assert_int_equal(count(db, "SELECT count(*) FROM (SELECT ticket_id, count(*) n FROM "
	                           "comments GROUP BY 1) WHERE n < 2 OR n > 6"),
	                 0);
	assert_int_equal(count(db, "SELECT count(DISTINCT ticket_id) FROM comments"), 300);
	assert_true(count(db, "SELECT count(*) FROM comments WHERE public = 0") >= 50);
	assert_true(count(db, "SELECT count(DISTINCT priority) FROM tickets") == 4);
	assert_true(count(db, "SELECT count(DISTINCT type) FROM tickets") == 4);
	assert_true(count(db, "SELECT count(DISTINCT via) FROM tickets") >= 4);
	assert_true(count(db, "SELECT count(DISTINCT tag) FROM ticket_tags") >= 20);
	/* replies are authored by the right people: agents answer, requesters follow up */
	assert_true(count(db, "SELECT count(*) FROM comments c JOIN users u ON u.id = c.author_id "
	                      "WHERE u.role = 'agent' AND c.public = 1") >= 200);
	assert_true(count(db, "SELECT count(*) FROM comments c JOIN tickets t ON t.id = "
	                      "c.ticket_id WHERE c.author_id = t.requester_id AND c.id > (SELECT "
	                      "min(id) FROM comments WHERE ticket_id = t.id)") >= 100);
	assert_int_equal(count(db, "SELECT count(*) FROM comments c JOIN users u ON u.id = "
	                           "c.author_id WHERE u.role = 'end-user' AND c.public = 0"),
	                 0);
	for (size_t i = 0; i < ARRAY_SIZE(letters); i++) {
		char pat[16];
		snprintf(pat, sizeof pat, "%%%s%%", letters[i]);
		assert_true(count_s(db, "SELECT count(*) FROM comments WHERE body LIKE ?", pat) >
		            0);
	}
	assert_true(count_s(db, "SELECT count(*) FROM tickets WHERE subject LIKE ?", "%ё%") > 0);

	/* timestamps: the last ninety days, never the future, conversations in order */
	{
		int64_t lo = count(db, "SELECT min(created_at) FROM tickets"),
		        hi = count(db, "SELECT max(updated_at) FROM tickets");
		assert_true(lo >= now - 91 * DAY_MS);
		assert_true(lo <= now - 60 * DAY_MS);
		assert_true(hi <= time_now_ms());
		assert_true(hi >= now - 2 * DAY_MS);
		assert_int_equal(count(db,
		                       "SELECT count(*) FROM comments c JOIN tickets t ON t.id = "
		                       "c.ticket_id WHERE c.created_at < t.created_at OR "
		                       "c.created_at > t.updated_at"),
		                 0);
		assert_int_equal(count(db, "SELECT count(*) FROM comments a JOIN comments b ON "
		                           "a.ticket_id = b.ticket_id AND b.id > a.id WHERE "
		                           "b.created_at < a.created_at"),
		                 0);
		assert_true(count(db, "SELECT max(created_at) FROM events") <= time_now_ms());
		assert_true(
		    count(db, "SELECT count(DISTINCT created_at / 86400000) FROM tickets") >= 40);
	}

	/* logins */
	assert_int_equal(desk_auth_password(db, "admin@helpo.test", pw, &a), 0);
	assert_int_equal(a.role, DESK_ADMIN);
	assert_int_equal(desk_auth_password(db, "admin@helpo.test", "demo-agent-pass", &a),
	                 HELPO_EAUTH);
	assert_int_equal(desk_auth_password(db, "anna.kalnina@helpo.test", "demo-agent-pass", &a),
	                 0);
	assert_int_equal(a.role, DESK_AGENT);
}

static void test_second_run_refused(void **state)
{
	struct tdb *t = *state;
	char email[256], pw[128], pw2[128];
	uint64_t before;
	run_demo(t->db, pw, sizeof pw);
	before = content_digest(t->db);
	memset(pw2, 'x', sizeof pw2);
	assert_int_equal(demo_run(t->db, email, sizeof email, pw2, sizeof pw2), HELPO_ECONFLICT);
	assert_string_equal(pw2, ""); /* no password handed out for an admin it did not create */
	assert_int_equal(count(t->db, "SELECT count(*) FROM tickets"), 300);
	assert_int_equal(count(t->db, "SELECT count(*) FROM users"), 69);
	assert_true(content_digest(t->db) == before);
}

static void test_small_password_buffer(void **state)
{
	struct tdb *t = *state;
	char email[256], pw[8];
	assert_int_equal(demo_run(t->db, email, sizeof email, pw, sizeof pw), HELPO_EINVAL);
	assert_int_equal(count(t->db, "SELECT count(*) FROM users"), 0);
	assert_int_equal(count(t->db, "SELECT count(*) FROM tickets"), 0);
}

static void test_deterministic(void **state)
{
	struct tdb *t = *state, *u = t_db_open();
	char pw1[128], pw2[128];
	run_demo(t->db, pw1, sizeof pw1);
	run_demo(u->db, pw2, sizeof pw2);
	assert_true(content_digest(t->db) == content_digest(u->db));
	assert_string_not_equal(pw1, pw2); /* only the admin password is random */
	t_db_close(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_fill, t_setup_db, t_teardown_db),
	    cmocka_unit_test_setup_teardown(test_second_run_refused, t_setup_db, t_teardown_db),
	    cmocka_unit_test_setup_teardown(test_small_password_buffer, t_setup_db, t_teardown_db),
	    cmocka_unit_test_setup_teardown(test_deterministic, t_setup_db, t_teardown_db),
	};
	if (crypto_setup())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
