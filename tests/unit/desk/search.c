/*
 * tests/unit/desk/search.c — unit tests for src/desk/search.c (desk_search, the Zendesk query
 * syntax) and src/desk/request.c (the end-user's requests): word and prefix matching across
 * Latvian diacritics and Russian ё/е, property filters, paging and counts, authorization
 * (nothing invisible is returned or counted; internal notes never match for end-users), and
 * hostile input (FTS5 and SQL syntax in the query) that must come back as plain results.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <unistd.h>

#include "desk/desk.h"
#include "util/limits.h"
#include "util/timeutil.h"

static struct db *db;
static char dir[] = "/tmp/helpo-search-XXXXXX";
static char path[256];

/* people and places */
static int64_t admin_id, agent1_id, agent2_id, user_a, user_b, g1, g2, org1;
static struct desk_actor admin, agent1, agent2, cust_a, cust_b;
/* tickets */
static int64_t t_printer, t_lv, t_ru, t_yo, t_b, t_vip, t_old, t_solved;

static int64_t ins(const char *sql, const char *fmt, ...)
{
	int64_t id = 0;
	va_list ap;
	struct db_stmt *st;
	va_start(ap, fmt);
	assert_int_equal(db_vquery(db, &st, sql, fmt, ap), 0);
	va_end(ap);
	assert_int_equal(db_step(st), DB_ROW);
	id = db_col_int(st, 0);
	db_done(st);
	return id;
}

static int64_t user(const char *role, const char *name, const char *email, int64_t org)
{
	int64_t now = time_now_ms();
	if (org)
		return ins("INSERT INTO users (role, name, email, organization_id, created_at, "
			   "updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			   "sssiii", role, name, email, org, now, now);
	return ins("INSERT INTO users (role, name, email, created_at, updated_at) "
		   "VALUES (?, ?, ?, ?, ?) RETURNING id",
		   "sssii", role, name, email, now, now);
}

static int64_t ticket(const char *json)
{
	struct desk_err err = {{0}, {0}};
	json_error_t je;
	json_t *in = json_loads(json, 0, &je), *out = NULL;
	int64_t id;
	if (!in)
		fail_msg("bad test JSON %s: %s", json, je.text);
	int rc = desk_ticket_create(db, &admin, in, NULL, &out, &err);
	if (rc)
		fail_msg("create %s: %d %s %s", json, rc, err.field, err.message);
	id = json_integer_value(json_object_get(out, "id"));
	json_decref(in);
	json_decref(out);
	return id;
}

static void update(int64_t id, const char *json)
{
	struct desk_err err = {{0}, {0}};
	json_t *in = json_loads(json, 0, NULL), *out = NULL;
	assert_non_null(in);
	if (desk_ticket_update(db, &admin, id, in, &out, &err))
		fail_msg("update %s: %s %s", json, err.field, err.message);
	json_decref(in);
	json_decref(out);
}

static int setup(void **state)
{
	int64_t now = time_now_ms();
	char buf[512];
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/helpo.db", dir);
	struct db_options opt = {.synchronous_full = false, .busy_timeout_ms = 1000};
	assert_int_equal(db_open(&db, path, &opt), 0);
	assert_int_equal(db_migrate(db, NULL), 0);

	org1 = ins("INSERT INTO organizations (name, name_key, created_at, updated_at) "
		   "VALUES ('Acme Ltd', 'acme ltd', ?, ?) RETURNING id",
		   "ii", now, now);
	g1 = ins("INSERT INTO groups (name, name_key, created_at, updated_at) VALUES "
		 "('Support', 'support', ?, ?) RETURNING id",
		 "ii", now, now);
	g2 = ins("INSERT INTO groups (name, name_key, created_at, updated_at) VALUES "
		 "('Billing', 'billing', ?, ?) RETURNING id",
		 "ii", now, now);
	admin_id = user("admin", "Ada Admin", "ada@example.com", 0);
	agent1_id = user("agent", "Anna Agent", "anna@example.com", 0);
	agent2_id = user("agent", "Bob Billing", "bob@example.com", 0);
	user_a = user("end-user", "Alice Customer", "alice@example.org", org1);
	user_b = user("end-user", "Boris Customer", "boris@example.net", 0);
	ins("INSERT INTO group_memberships (group_id, user_id, is_default, created_at, updated_at) "
	    "VALUES (?, ?, 1, ?, ?) RETURNING id",
	    "iiii", g1, agent1_id, now, now);
	ins("INSERT INTO group_memberships (group_id, user_id, is_default, created_at, updated_at) "
	    "VALUES (?, ?, 1, ?, ?) RETURNING id",
	    "iiii", g2, agent2_id, now, now);
	admin = (struct desk_actor){admin_id, DESK_ADMIN, 0};
	agent1 = (struct desk_actor){agent1_id, DESK_AGENT, 0};
	agent2 = (struct desk_actor){agent2_id, DESK_AGENT, 0};
	cust_a = (struct desk_actor){user_a, DESK_END_USER, org1};
	cust_b = (struct desk_actor){user_b, DESK_END_USER, 0};

	snprintf(buf, sizeof buf,
		 "{\"subject\": \"Printer on fire\", \"comment\": {\"body\": \"The office "
		 "printer is smoking\"}, \"requester_id\": %lld, \"group_id\": %lld, "
		 "\"assignee_id\": %lld, \"priority\": \"urgent\", \"type\": \"incident\"}",
		 (long long)user_a, (long long)g1, (long long)agent1_id);
	t_printer = ticket(buf);
	snprintf(buf, sizeof buf,
		 "{\"subject\": \"Mans pieteikumā ir kļūda\", \"comment\": {\"body\": \"Lūdzu "
		 "palīdziet ar rēķinu\"}, \"requester_id\": %lld, \"group_id\": %lld, "
		 "\"priority\": \"low\"}",
		 (long long)user_a, (long long)g1);
	t_lv = ticket(buf);
	snprintf(buf, sizeof buf,
		 "{\"subject\": \"Проблема с оплатой\", \"comment\": {\"body\": \"Ещё одна "
		 "ошибка при оплате\"}, \"requester_id\": %lld, \"group_id\": %lld, "
		 "\"priority\": \"normal\"}",
		 (long long)user_a, (long long)g1);
	t_ru = ticket(buf);
	snprintf(buf, sizeof buf,
		 "{\"subject\": \"Ёлка не горит\", \"comment\": {\"body\": \"гирлянда\"}, "
		 "\"requester_id\": %lld, \"group_id\": %lld, \"priority\": \"high\"}",
		 (long long)user_a, (long long)g1);
	t_yo = ticket(buf);
	snprintf(buf, sizeof buf,
		 "{\"subject\": \"Boris secret invoice\", \"comment\": {\"body\": \"only "
		 "Boris may read zanzibar\"}, \"requester_id\": %lld, \"group_id\": %lld}",
		 (long long)user_b, (long long)g1);
	t_b = ticket(buf);
	snprintf(buf, sizeof buf,
		 "{\"subject\": \"VIP login trouble\", \"comment\": {\"body\": \"cannot log "
		 "in\"}, \"requester_id\": %lld, \"group_id\": %lld, \"tags\": [\"vip\", "
		 "\"login\"], \"type\": \"question\"}",
		 (long long)user_a, (long long)g2);
	t_vip = ticket(buf);
	snprintf(buf, sizeof buf,
		 "{\"subject\": \"Old printer question\", \"comment\": {\"body\": \"toner\"}, "
		 "\"requester_id\": %lld, \"group_id\": %lld}",
		 (long long)user_a, (long long)g1);
	t_old = ticket(buf);
	snprintf(buf, sizeof buf,
		 "{\"subject\": \"Solved printer jam\", \"comment\": {\"body\": \"paper "
		 "jam\"}, \"requester_id\": %lld, \"group_id\": %lld}",
		 (long long)user_a, (long long)g1);
	t_solved = ticket(buf);
	/* an internal note on A's printer ticket */
	update(t_printer, "{\"comment\": {\"body\": \"internal kangaroo remark\", "
			  "\"public\": false}}");
	update(t_solved, "{\"status\": \"solved\"}");
	/* the old ticket was created in 2020 */
	assert_int_equal(db_exec(db, "UPDATE tickets SET created_at = ?, updated_at = ? WHERE id = ?",
				 "iii", (int64_t)1590969600000LL /* 2020-06-01 */,
				 (int64_t)1590969600000LL, t_old),
			 0);
	return 0;
}

static int teardown(void **state)
{
	char f[300];
	(void)state;
	db_close(db);
	snprintf(f, sizeof f, "%s-wal", path);
	unlink(f);
	snprintf(f, sizeof f, "%s-shm", path);
	unlink(f);
	unlink(path);
	rmdir(dir);
	return 0;
}

static const struct desk_page page100 = {.size = 100, .page = 1, .desc = true};

/* Runs a search; returns the result count, and the ids (in order) in ids when given. */
static int search_ids(const struct desk_actor *a, const char *query, int64_t *ids, int max)
{
	struct desk_list l;
	struct desk_err err = {{0}, {0}};
	size_t i;
	json_t *r;
	int rc = desk_search(db, a, query, &page100, &l, &err);
	if (rc)
		fail_msg("search '%s' failed: %d %s %s", query, rc, err.field, err.message);
	assert_int_equal(l.count, (int64_t)json_array_size(l.rows));
	json_array_foreach(l.rows, i, r)
	{
		if (strcmp(json_string_value(json_object_get(r, "result_type")), "ticket"))
			fail_msg("result_type is not ticket");
		if (ids && (int)i < max)
			ids[i] = json_integer_value(json_object_get(r, "id"));
	}
	rc = (int)json_array_size(l.rows);
	desk_list_release(&l);
	return rc;
}

static bool found(const struct desk_actor *a, const char *query, int64_t id)
{
	int64_t ids[100];
	int n = search_ids(a, query, ids, 100);
	for (int i = 0; i < n && i < 100; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static void expect_only(const struct desk_actor *a, const char *query, int64_t id)
{
	int64_t ids[100];
	int n = search_ids(a, query, ids, 100);
	if (n != 1 || ids[0] != id)
		fail_msg("'%s': %d results (first %lld), want only %lld", query, n,
			 n ? (long long)ids[0] : 0LL, (long long)id);
}

static void expect_none(const struct desk_actor *a, const char *query)
{
	int n = search_ids(a, query, NULL, 0);
	if (n)
		fail_msg("'%s': %d results, want none", query, n);
}

static void expect_invalid(const struct desk_actor *a, const char *query)
{
	struct desk_list l;
	struct desk_err err = {{0}, {0}};
	int rc = desk_search(db, a, query, &page100, &l, &err);
	if (rc != HELPO_EINVAL)
		fail_msg("'%.60s': rc %d, want HELPO_EINVAL", query, rc);
	assert_string_equal(err.field, "query");
	assert_true(strlen(err.message) > 0);
	assert_null(l.rows);
}

static void test_words(void **state)
{
	(void)state;
	assert_true(found(&admin, "printer", t_printer));
	assert_true(found(&admin, "PRINTER", t_old));
	assert_int_equal(search_ids(&admin, "printer", NULL, 0), 3);
	expect_only(&admin, "printer fire", t_printer);   /* every word must match */
	expect_only(&admin, "smoking", t_printer);        /* the first comment */
	expect_only(&admin, "\"printer on fire\"", t_printer);
	expect_only(&admin, "print smok", t_printer);     /* prefixes */
	expect_none(&admin, "nonexistentword");
	expect_only(&admin, "subject:smoking", t_printer); /* searched as text */
	expect_only(&admin, "comment:\"office printer\"", t_printer);
	expect_none(&admin, "foo:printer");                 /* unknown: "foo" is a word too */
	assert_true(found(&admin, "-subject:fire printer", t_old));
	assert_false(found(&admin, "-subject:fire printer", t_printer));
	/* negated words */
	assert_int_equal(search_ids(&admin, "printer -fire", NULL, 0), 2);
	assert_false(found(&admin, "printer -fire", t_printer));
}

static void test_latvian_diacritics(void **state)
{
	(void)state;
	expect_only(&admin, "pieteikuma", t_lv); /* typed without ā */
	expect_only(&admin, "pieteikumā", t_lv);
	expect_only(&admin, "pieteikum", t_lv);  /* prefix of every form */
	expect_only(&admin, "kluda", t_lv);      /* kļūda */
	expect_only(&admin, "KĻŪDA", t_lv);
	expect_only(&admin, "rekinu", t_lv);     /* rēķinu, in the comment */
	/* no stemming: another ending of the word is another word */
	expect_none(&admin, "pieteikumu");
}

static void test_russian(void **state)
{
	(void)state;
	expect_only(&admin, "проблема", t_ru);
	expect_only(&admin, "пробл", t_ru);       /* prefix */
	expect_only(&admin, "ПРОБЛЕМ", t_ru);     /* Cyrillic case */
	expect_only(&admin, "еще", t_ru);         /* ещё in the text, е typed */
	expect_only(&admin, "ещё", t_ru);
	expect_only(&admin, "елка", t_yo);        /* Ёлка */
	expect_only(&admin, "ёлка", t_yo);
	expect_only(&admin, "оплат ошибк", t_ru);
	expect_none(&admin, "оплат -ошибк");
}

static void test_status_priority(void **state)
{
	int64_t ids[100];
	(void)state;
	assert_false(found(&admin, "printer status<solved", t_solved));
	assert_true(found(&admin, "printer status<solved", t_printer));
	expect_only(&admin, "printer status:solved", t_solved);
	expect_only(&admin, "printer status>=solved", t_solved);
	expect_only(&admin, "printer status>open", t_solved);
	assert_int_equal(search_ids(&admin, "printer status<=open", NULL, 0), 2);
	/* repeated ':' is OR; -status excludes */
	assert_int_equal(search_ids(&admin, "printer status:solved status:open", NULL, 0), 2);
	assert_int_equal(search_ids(&admin, "printer -status:solved", NULL, 0), 2);
	/* priorities: low < normal < high < urgent; none */
	expect_only(&admin, "priority:urgent", t_printer);
	assert_int_equal(search_ids(&admin, "priority>normal", NULL, 0), 2);
	assert_int_equal(search_ids(&admin, "priority<=normal", NULL, 0), 2);
	assert_false(found(&admin, "priority<high", t_b)); /* no priority never compares */
	assert_true(found(&admin, "priority:none", t_b));
	/* ticket types */
	expect_only(&admin, "ticket_type:incident", t_printer);
	expect_only(&admin, "type:question", t_vip);
	/* order_by and sort */
	assert_int_equal(search_ids(&admin, "priority>low order_by:priority sort:asc", ids, 100), 3);
	assert_int_equal(ids[0], t_ru);
	assert_int_equal(ids[2], t_printer);
	assert_int_equal(search_ids(&admin, "priority>low order_by:priority", ids, 100), 3);
	assert_int_equal(ids[0], t_printer);
	/* default order: newest first */
	assert_int_equal(search_ids(&admin, "printer", ids, 100), 3);
	assert_int_equal(ids[0], t_solved);
	assert_int_equal(ids[2], t_old);
}

static void test_people_filters(void **state)
{
	char q[128];
	(void)state;
	expect_only(&agent1, "assignee:me", t_printer);
	expect_only(&admin, "assignee:anna@example.com", t_printer);
	expect_only(&admin, "assignee:ANNA@example.com", t_printer);
	expect_only(&admin, "assignee:\"Anna Agent\"", t_printer);
	snprintf(q, sizeof q, "assignee:%lld", (long long)agent1_id);
	expect_only(&admin, q, t_printer);
	assert_false(found(&admin, "assignee:none", t_printer));
	assert_true(found(&admin, "assignee:none", t_lv));
	assert_true(found(&admin, "-assignee:none", t_printer));
	expect_only(&admin, "requester:boris@example.net", t_b);
	expect_only(&cust_b, "requester:me", t_b);
	assert_int_equal(search_ids(&admin, "group:billing", NULL, 0), 1);
	expect_only(&admin, "group:Billing", t_vip);
	snprintf(q, sizeof q, "group:%lld", (long long)g2);
	expect_only(&admin, q, t_vip);
	assert_true(found(&admin, "organization:\"Acme Ltd\"", t_printer));
	assert_false(found(&admin, "organization:\"acme ltd\"", t_b));
	expect_none(&admin, "assignee:nobody@nowhere.example");
}

static void test_tags_dates(void **state)
{
	(void)state;
	expect_only(&admin, "tags:vip", t_vip);
	expect_only(&admin, "tag:VIP", t_vip);
	expect_only(&admin, "tags:vip tags:login", t_vip);
	assert_false(found(&admin, "-tags:vip", t_vip));
	assert_true(found(&admin, "-tags:vip", t_printer));
	expect_none(&admin, "tags:missing");
	/* created dates */
	assert_false(found(&admin, "created>2021-01-01", t_old));
	assert_true(found(&admin, "created>2021-01-01", t_printer));
	expect_only(&admin, "created<2021-01-01", t_old);
	expect_only(&admin, "created:2020-06-01", t_old);
	expect_only(&admin, "created<=2020-06-01", t_old);
	expect_none(&admin, "created<2020-06-01");
	expect_only(&admin, "created>=2020-06-01T00:00:00Z printer -created>1days", t_old);
	assert_true(found(&admin, "created>7days", t_printer));
	assert_false(found(&admin, "created>7days", t_old));
	expect_only(&admin, "updated<30days", t_old);
	expect_only(&admin, "solved>1hours", t_solved);
	expect_none(&admin, "solved<2021-01-01");
	/* bad values are a 422 with the reason */
	expect_invalid(&admin, "created>yesterday");
	expect_invalid(&admin, "created>2026-13-01");
	expect_invalid(&admin, "status:sleeping");
	expect_invalid(&admin, "priority>none");
	expect_invalid(&admin, "ticket_type:bug");
	expect_invalid(&admin, "order_by:subject");
	expect_invalid(&admin, "sort:sideways");
	expect_invalid(&admin, "tags:");
	expect_invalid(&admin, "assignee>me");
}

static void test_authorization(void **state)
{
	struct desk_list l;
	struct desk_err err = {{0}, {0}};
	(void)state;
	/* end-user A never sees B's ticket, not even in the count */
	expect_none(&cust_a, "zanzibar");
	expect_none(&cust_a, "boris");
	assert_true(found(&cust_b, "zanzibar", t_b));
	assert_int_equal(search_ids(&cust_b, "printer", NULL, 0), 0);
	assert_int_equal(desk_search(db, &cust_a, "status<closed", &page100, &l, &err), 0);
	assert_int_equal(l.count, 7); /* all of A's tickets, none of B's */
	desk_list_release(&l);
	/* internal notes never match for end-users; staff find them */
	expect_none(&cust_a, "kangaroo");
	expect_only(&admin, "kangaroo", t_printer);
	expect_only(&agent1, "kangaroo", t_printer);
	/* negating a word from an internal note does not reveal anything either */
	assert_true(found(&cust_a, "printer -kangaroo", t_printer));
	/* an agent outside the group sees nothing of it */
	expect_none(&agent2, "printer");
	expect_none(&agent2, "kangaroo");
	expect_only(&agent2, "vip", t_vip);
	assert_int_equal(desk_search(db, &agent2, "status<closed", &page100, &l, &err), 0);
	assert_int_equal(l.count, 1);
	desk_list_release(&l);
	/* agent1 sees group 1 (and not group 2) */
	assert_false(found(&agent1, "login", t_vip));
	/* people search: staff only */
	assert_int_equal(desk_search(db, &cust_a, "type:user alice", &page100, &l, &err), 0);
	assert_int_equal(json_array_size(l.rows), 0);
	assert_int_equal(l.count, 0);
	desk_list_release(&l);
}

static void test_people_search(void **state)
{
	struct desk_list l;
	struct desk_err err = {{0}, {0}};
	json_t *r;
	(void)state;
	assert_int_equal(desk_search(db, &agent1, "type:user boris", &page100, &l, &err), 0);
	assert_int_equal(json_array_size(l.rows), 1); /* Boris, not Bob */
	desk_list_release(&l);
	assert_int_equal(desk_search(db, &agent1, "type:user alice@example", &page100, &l, &err),
			 0);
	assert_int_equal(json_array_size(l.rows), 1);
	r = json_array_get(l.rows, 0);
	assert_string_equal(json_string_value(json_object_get(r, "result_type")), "user");
	assert_int_equal(json_integer_value(json_object_get(r, "id")), user_a);
	desk_list_release(&l);
	/* LIKE wildcards typed in the query are literal */
	assert_int_equal(desk_search(db, &agent1, "type:user %", &page100, &l, &err), 0);
	assert_int_equal(json_array_size(l.rows), 0);
	desk_list_release(&l);
	assert_int_equal(desk_search(db, &admin, "type:organization acme", &page100, &l, &err),
			 0);
	assert_int_equal(l.count, 1);
	assert_int_equal(json_array_size(l.rows), 1);
	r = json_array_get(l.rows, 0);
	assert_string_equal(json_string_value(json_object_get(r, "result_type")),
			    "organization");
	desk_list_release(&l);
}

static void test_paging(void **state)
{
	struct desk_list l;
	struct desk_err err = {{0}, {0}};
	struct desk_page p = {.size = 2, .page = 1, .desc = true};
	(void)state;
	assert_int_equal(desk_search(db, &admin, "printer", &p, &l, &err), 0);
	assert_int_equal(l.count, 3);
	assert_int_equal(json_array_size(l.rows), 2);
	assert_true(l.has_more);
	desk_list_release(&l);
	p.page = 2;
	assert_int_equal(desk_search(db, &admin, "printer", &p, &l, &err), 0);
	assert_int_equal(l.count, 3);
	assert_int_equal(json_array_size(l.rows), 1);
	assert_false(l.has_more);
	desk_list_release(&l);
	/* past the cap of HELPO_MAX_SEARCH_RESULTS: nothing, but still counted */
	p.page = HELPO_MAX_SEARCH_RESULTS / 2 + 1;
	assert_int_equal(desk_search(db, &admin, "printer", &p, &l, &err), 0);
	assert_int_equal(json_array_size(l.rows), 0);
	assert_false(l.has_more);
	desk_list_release(&l);
	/* sort from the caller (sort_by=updated_at) */
	p.page = 1;
	p.size = 100;
	p.sort = "updated_at";
	p.desc = false;
	assert_int_equal(desk_search(db, &admin, "printer", &p, &l, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(l.rows, 0), "id")),
			 t_old);
	desk_list_release(&l);
}

static void test_hostile(void **state)
{
	static const char *const fts[] = {
		"\"", "*", "NEAR(printer fire)", "printer OR fire", "printer AND NOT fire",
		"subject:printer", "col:printer", "^printer", "'); DROP TABLE tickets; --",
		"\"\"\"", "printer\"*", "{subject pub internal}: kangaroo", "internal:kangaroo",
		"-", "--", ":", "status:", "-\"\"", "(((", "printer NOT", "+printer -", "\\",
		"%", "_", "\x01\x02", "a:b:c:d", "tags:a\"b",
	};
	int64_t n;
	(void)state;
	for (size_t i = 0; i < sizeof fts / sizeof fts[0]; i++) {
		struct desk_list l;
		struct desk_err err = {{0}, {0}};
		int rc = desk_search(db, &cust_a, fts[i], &page100, &l, &err);
		if (rc != 0 && rc != HELPO_EINVAL)
			fail_msg("'%s': rc %d (%s)", fts[i], rc, err.message);
		if (!rc)
			desk_list_release(&l);
	}
	/* operators are words, not syntax */
	expect_none(&admin, "printer OR fire");       /* needs the word "or" too */
	expect_only(&admin, "printer on fire", t_printer);
	/* FTS column filters cannot reach internal notes */
	expect_none(&cust_a, "internal:kangaroo");
	expect_none(&cust_a, "{internal}: kangaroo");
	expect_none(&cust_a, "\"internal\" : kangaroo");
	expect_none(&admin, "\"");                    /* nothing searchable matches nothing */
	expect_none(&admin, "*");
	/* SQL in property values is a value */
	expect_none(&admin, "tags:x');DROP_TABLE_tickets;--");
	expect_none(&admin, "assignee:\"' OR 1=1 --\"");
	expect_none(&admin, "group:\"x' OR '1'='1\"");
	expect_none(&admin, "organization:\"1 OR 1=1\"");
	expect_none(&admin, "requester:\"a@b' OR ''='\"");
	assert_int_equal(db_int(db, &n, "SELECT count(*) FROM tickets", ""), 0);
	assert_int_equal(n, 8);
	/* limits */
	{
		char big[HELPO_MAX_QUERY_BYTES + 2];
		memset(big, 'a', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		expect_invalid(&admin, big);
	}
	{
		char many[4 * (HELPO_MAX_QUERY_TERMS + 1) + 1] = "";
		size_t len = 0;
		for (int i = 0; i <= HELPO_MAX_QUERY_TERMS; i++)
			len += (size_t)snprintf(many + len, sizeof many - len, "ab ");
		expect_invalid(&admin, many);
	}
	{
		/* the most bound values a query can carry (two per term) still runs */
		char dates[HELPO_MAX_QUERY_TERMS * 20] = "";
		size_t len = 0;
		for (int i = 0; i < HELPO_MAX_QUERY_TERMS; i++)
			len += (size_t)snprintf(dates + len, sizeof dates - len,
						"created:2021-01-%02d ", i % 28 + 1);
		assert_int_equal(search_ids(&agent1, dates, NULL, 0), 0);
	}
	expect_invalid(&admin, "");
	expect_invalid(&admin, "   ");
	expect_invalid(&admin, "\xff\xfe");
}

/* ---- requests ---- */

static json_t *jload(const char *s)
{
	json_t *j = json_loads(s, 0, NULL);
	assert_non_null(j);
	return j;
}

static void test_requests(void **state)
{
	struct desk_err err = {{0}, {0}};
	json_t *in, *r = NULL, *r2 = NULL;
	struct desk_list l;
	struct desk_page p = {.size = 100, .page = 1};
	int64_t id;
	(void)state;
	in = jload("{\"subject\": \"Help me\", \"comment\": {\"body\": \"my request wombat\", "
		   "\"public\": false}, \"priority\": \"urgent\"}");
	assert_int_equal(desk_request_create(db, &cust_b, in, &r, &err), 0);
	json_decref(in);
	id = json_integer_value(json_object_get(r, "id"));
	assert_true(id > 0);
	assert_string_equal(json_string_value(json_object_get(r, "subject")), "Help me");
	assert_string_equal(json_string_value(json_object_get(r, "status")), "new");
	assert_int_equal(json_integer_value(json_object_get(r, "requester_id")), user_b);
	assert_true(json_is_null(json_object_get(r, "priority"))); /* not the customer's */
	assert_true(json_is_true(json_object_get(r, "can_be_solved_by_me")));
	assert_true(json_is_false(json_object_get(r, "solved")));
	assert_true(json_is_array(json_object_get(r, "collaborator_ids")));
	assert_true(json_is_true(json_object_get(r, "is_public")));
	json_decref(r);
	/* the comment is public even though "public": false was sent */
	expect_only(&cust_b, "wombat", id);
	/* A cannot see it */
	assert_int_equal(desk_request_get(db, &cust_a, id, &r), HELPO_ENOTFOUND);
	/* unknown keys and bad bodies are 422 */
	in = jload("{\"subject\": \"x\", \"comment\": {\"body\": \"y\"}, \"bogus\": 1}");
	assert_int_equal(desk_request_create(db, &cust_b, in, &r, &err), HELPO_EINVAL);
	assert_string_equal(err.field, "bogus");
	json_decref(in);
	in = jload("{\"subject\": \"no comment\"}");
	assert_int_equal(desk_request_create(db, &cust_b, in, &r, &err), HELPO_EINVAL);
	json_decref(in);
	/* hold is shown as open to the customer, as hold to staff */
	update(id, "{\"status\": \"hold\"}");
	assert_int_equal(desk_request_get(db, &cust_b, id, &r), 0);
	assert_string_equal(json_string_value(json_object_get(r, "status")), "open");
	json_decref(r);
	assert_int_equal(desk_request_get(db, &admin, id, &r), 0);
	assert_string_equal(json_string_value(json_object_get(r, "status")), "hold");
	assert_true(json_is_false(json_object_get(r, "can_be_solved_by_me"))); /* not requester */
	json_decref(r);
	/* list with a status filter: open includes hold for the customer */
	assert_int_equal(desk_request_list(db, &cust_b, "open,pending", &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 1);
	desk_list_release(&l);
	assert_int_equal(desk_request_list(db, &cust_b, "solved", &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 0);
	desk_list_release(&l);
	assert_int_equal(desk_request_list(db, &cust_b, NULL, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 2); /* t_b and this one */
	assert_int_equal(l.count, 2);
	desk_list_release(&l);
	p.size = 1;
	assert_int_equal(desk_request_list(db, &cust_b, NULL, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 1);
	assert_int_equal(l.count, 2);
	assert_true(l.has_more);
	desk_list_release(&l);
	p.size = 100;
	assert_int_equal(desk_request_list(db, &cust_b, "open,sleeping", &p, &l), HELPO_EINVAL);
	/* the customer replies and solves */
	in = jload("{\"comment\": {\"body\": \"thanks, fixed\"}, \"solved\": true}");
	assert_int_equal(desk_request_update(db, &cust_b, id, in, &r, &err), 0);
	json_decref(in);
	assert_string_equal(json_string_value(json_object_get(r, "status")), "solved");
	assert_true(json_is_true(json_object_get(r, "solved")));
	assert_true(json_is_false(json_object_get(r, "can_be_solved_by_me")));
	json_decref(r);
	/* the customer may not change other fields through requests */
	in = jload("{\"status\": \"open\"}");
	assert_int_equal(desk_request_update(db, &cust_b, id, in, &r2, &err), HELPO_EINVAL);
	json_decref(in);
	in = jload("{\"solved\": \"yes\"}");
	assert_int_equal(desk_request_update(db, &cust_b, id, in, &r2, &err), HELPO_EINVAL);
	json_decref(in);
	/* A cannot update B's request */
	in = jload("{\"comment\": {\"body\": \"intrusion\"}}");
	assert_int_equal(desk_request_update(db, &cust_a, id, in, &r2, &err), HELPO_ENOTFOUND);
	json_decref(in);
	/* nothing stored changes: the record comes back */
	in = jload("{\"email_ccs\": []}");
	assert_int_equal(desk_request_update(db, &cust_b, id, in, &r2, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(r2, "id")), id);
	json_decref(r2);
	json_decref(in);
}

/* A ticket staff opened for a customer with an internal note as its first comment: the
 * customer never reads that note as the "description", in search or in requests. */
static void test_private_description(void **state)
{
	char buf[256];
	struct desk_list l;
	struct desk_err err = {{0}, {0}};
	json_t *r;
	int64_t id;
	(void)state;
	snprintf(buf, sizeof buf,
		 "{\"subject\": \"Callback platypus\", \"comment\": {\"body\": \"secret "
		 "echidna\", \"public\": false}, \"requester_id\": %lld}",
		 (long long)user_a);
	id = ticket(buf);
	expect_none(&cust_a, "echidna");
	assert_int_equal(desk_search(db, &cust_a, "platypus", &page100, &l, &err), 0);
	assert_int_equal(json_array_size(l.rows), 1);
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(l.rows, 0), "description")), "");
	desk_list_release(&l);
	assert_int_equal(desk_search(db, &admin, "platypus", &page100, &l, &err), 0);
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(l.rows, 0), "description")),
		"secret echidna");
	desk_list_release(&l);
	assert_int_equal(desk_request_get(db, &cust_a, id, &r), 0);
	assert_string_equal(json_string_value(json_object_get(r, "description")), "");
	json_decref(r);
}

/* Many full-text hits (over the planner-hint threshold in search.c): the page must still be
 * the newest matches, in order, for an admin and for an agent (authz applied), with the exact
 * count. Rows are inserted with plain SQL in one transaction to keep the test fast. */
static void test_many_hits(void **state)
{
	const int n = 2300;
	int64_t now = time_now_ms(), first = 0;
	struct desk_page p = {.size = 5, .page = 1, .desc = true, .sort = "created_at"};
	struct desk_list l;
	struct desk_err err;
	(void)state;
	assert_int_equal(db_begin(db), 0);
	for (int i = 0; i < n; i++) {
		int64_t id = ins("INSERT INTO tickets (subject, status, requester_id, submitter_id, "
				 "group_id, created_at, updated_at) VALUES (?, 'open', ?, ?, ?, ?, ?) "
				 "RETURNING id",
				 "siiiii", "zyxwoof bulk", user_a, user_a, i % 2 ? g1 : g2,
				 now + 100000 + i, now + 100000 + i);
		if (!first)
			first = id;
		assert_int_equal(db_fts_set(db, id, "zyxwoof bulk", "", ""), 0);
	}
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(desk_search(db, &admin, "zyxwoof", &p, &l, &err), 0);
	assert_int_equal(l.count, n);
	assert_int_equal(json_array_size(l.rows), 5);
	for (int i = 0; i < 5; i++) /* newest first: the last inserted */
		assert_int_equal(json_integer_value(json_object_get(json_array_get(l.rows, i), "id")),
				 first + n - 1 - i);
	desk_list_release(&l);
	/* agent1 sees only group g1 (odd i): the newest of those */
	assert_int_equal(desk_search(db, &agent1, "zyxwoof", &p, &l, &err), 0);
	assert_int_equal(l.count, n / 2);
	for (size_t i = 0; i < json_array_size(l.rows); i++) {
		json_t *t = json_array_get(l.rows, i);
		assert_int_equal(json_integer_value(json_object_get(t, "group_id")), g1);
	}
	assert_int_equal(json_integer_value(json_object_get(json_array_get(l.rows, 0), "id")),
			 first + n - 1);
	desk_list_release(&l);
	/* clean up so the other tests' counts are unaffected */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "DELETE FROM ticket_fts WHERE rowid >= ?", "i", first), 0);
	assert_int_equal(db_exec(db, "DELETE FROM tickets WHERE id >= ?", "i", first), 0);
	assert_int_equal(db_commit(db), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),         cmocka_unit_test(test_latvian_diacritics),
		cmocka_unit_test(test_russian),       cmocka_unit_test(test_status_priority),
		cmocka_unit_test(test_people_filters), cmocka_unit_test(test_tags_dates),
		cmocka_unit_test(test_authorization), cmocka_unit_test(test_people_search),
		cmocka_unit_test(test_paging),        cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_requests),      cmocka_unit_test(test_private_description),
		cmocka_unit_test(test_many_hits),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
