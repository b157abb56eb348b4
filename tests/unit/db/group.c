/*
 * tests/unit/db/group.c — group commit in src/db/db_sqlite.c under real concurrency: many
 * threads writing through their own connections; every db_commit that returns 0 must already
 * be visible to a fresh connection (committed means on disk), a writer that rolls back loses
 * only its own rows, and the totals come out exact.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>

#include "../testutil.h"

#define THREADS 8
#define WRITES 150

struct worker {
	const char *path;
	int index;
	int committed, rolled_back, invisible;
};

static void *run(void *p)
{
	struct worker *wk = p;
	struct db_options o = {.synchronous_full = true, .busy_timeout_ms = 5000};
	struct db *db, *check;
	if (db_open(&db, wk->path, &o) || db_open(&check, wk->path, &o))
		return NULL;
	for (int i = 0; i < WRITES; i++) {
		int64_t key = (int64_t)wk->index * 100000 + i, seen = 0;
		if (db_begin(db))
			continue;
		if (db_exec(db, "INSERT INTO gc (k, who) VALUES (?, ?)", "ii", key,
			    (int64_t)wk->index)) {
			db_rollback(db);
			continue;
		}
		if (i % 10 == 3) { /* every tenth write changes its mind */
			db_rollback(db);
			wk->rolled_back++;
			continue;
		}
		if (db_commit(db)) {
			db_rollback(db);
			continue;
		}
		wk->committed++;
		/* a different connection must see it as soon as commit returned */
		if (db_int(check, &seen, "SELECT count(*) FROM gc WHERE k = ?", "i", key) || seen != 1)
			wk->invisible++;
	}
	db_close(check);
	db_close(db);
	return NULL;
}

static void test_concurrent_writers(void **state)
{
	struct tdb *t = t_db_open();
	pthread_t th[THREADS];
	struct worker wk[THREADS];
	int committed = 0, rolled = 0;
	int64_t rows = -1, bad = -1;
	(void)state;
	assert_int_equal(db_exec(t->db, "CREATE TABLE gc (k INTEGER PRIMARY KEY, who INTEGER)", ""),
			 0);
	for (int i = 0; i < THREADS; i++) {
		wk[i] = (struct worker){.path = t->path, .index = i};
		assert_int_equal(pthread_create(&th[i], NULL, run, &wk[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		committed += wk[i].committed;
		rolled += wk[i].rolled_back;
		assert_int_equal(wk[i].invisible, 0);
	}
	assert_int_equal(committed, THREADS * (WRITES - WRITES / 10));
	assert_int_equal(rolled, THREADS * (WRITES / 10));
	assert_int_equal(db_int(t->db, &rows, "SELECT count(*) FROM gc", ""), 0);
	assert_int_equal(rows, committed);
	/* no rolled-back key (i % 10 == 3) survived */
	assert_int_equal(db_int(t->db, &bad, "SELECT count(*) FROM gc WHERE k % 100000 % 10 = 3", ""),
			 0);
	assert_int_equal(bad, 0);
	t_db_close(t);
}

/* A failing statement inside one writer's transaction (constraint) is that writer's problem:
 * after its rollback the next writer commits normally. */
static void test_failure_is_isolated(void **state)
{
	struct tdb *t = t_db_open();
	int64_t n = 0;
	(void)state;
	assert_int_equal(db_exec(t->db, "CREATE TABLE u (k INTEGER PRIMARY KEY)", ""), 0);
	assert_int_equal(db_begin(t->db), 0);
	assert_int_equal(db_exec(t->db, "INSERT INTO u VALUES (1)", ""), 0);
	assert_int_equal(db_commit(t->db), 0);
	assert_int_equal(db_begin(t->db), 0);
	assert_int_equal(db_exec(t->db, "INSERT INTO u VALUES (2)", ""), 0);
	assert_int_equal(db_exec(t->db, "INSERT INTO u VALUES (1)", ""), HELPO_ECONFLICT);
	db_rollback(t->db);
	assert_int_equal(db_begin(t->db), 0);
	assert_int_equal(db_exec(t->db, "INSERT INTO u VALUES (3)", ""), 0);
	assert_int_equal(db_commit(t->db), 0);
	assert_int_equal(db_int(t->db, &n, "SELECT group_concat(k) = '1,3' FROM u", ""), 0);
	assert_int_equal(n, 1);
	t_db_close(t);
}

/* Deferred commits: invisible to others until db_sync, then all durable together; a rollback
 * in the middle of a batch drops only its own rows. */
static void test_deferred(void **state)
{
	struct tdb *t = t_db_open();
	struct db_options o = {.synchronous_full = true, .busy_timeout_ms = 2000};
	struct db *other;
	int64_t n = -1;
	(void)state;
	assert_int_equal(db_exec(t->db, "CREATE TABLE d (k INTEGER PRIMARY KEY)", ""), 0);
	assert_int_equal(db_open(&other, t->path, &o), 0);
	db_defer_commits(t->db, true);
	for (int i = 1; i <= 3; i++) {
		assert_int_equal(db_begin(t->db), 0);
		assert_int_equal(db_exec(t->db, "INSERT INTO d VALUES (?)", "i", (int64_t)i), 0);
		if (i == 2) {
			/* a rollback gives up the turn: with nobody waiting it commits the open
			 * group (earlier durability never hurts), so check invisibility before */
			assert_int_equal(db_int(other, &n, "SELECT count(*) FROM d", ""), 0);
			assert_int_equal(n, 0); /* 1 is deferred: not committed yet */
			db_rollback(t->db);
		} else
			assert_int_equal(db_commit(t->db), 0);
	}
	assert_int_equal(db_sync(t->db), 0);
	assert_int_equal(db_int(other, &n, "SELECT group_concat(k) = '1,3' FROM d", ""), 0);
	assert_int_equal(n, 1);
	assert_int_equal(db_sync(t->db), 0); /* nothing pending: a no-op */
	db_defer_commits(t->db, false);
	db_close(other);
	t_db_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_concurrent_writers),
		cmocka_unit_test(test_failure_is_isolated),
		cmocka_unit_test(test_deferred),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
