/*
 * testutil.h — shared helpers for the cmocka unit tests: a temporary data directory, an open
 * and migrated database inside it, quick inserts of users, organizations, groups and
 * memberships (plain SQL through db_exec, so desk tests do not depend on desk/user.c), and
 * cleanup. Everything is static inline so each test program includes it once.
 *
 * Include after <stdarg.h>, <stddef.h>, <setjmp.h> and <cmocka.h>.
 */
#ifndef HELPO_TESTUTIL_H
#define HELPO_TESTUTIL_H

#include "util/common.h"
#include "util/timeutil.h"
#include "db/db.h"
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

/* One test fixture: a temp directory and a migrated database file in it. */
struct tdb {
	char dir[256];
	char path[300];
	struct db *db;
};

/* Creates a fresh temp directory (mkdtemp) under $TMPDIR or /tmp; aborts the test on failure. */
static inline void t_mkdir(char *dir, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, len, "%s/helpo-unit-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
}

/* Removes a directory and the plain files in it (the test directories are flat). */
static inline void t_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

/* Opens DIR/helpo.db (durable settings) and applies every migration. */
static inline struct tdb *t_db_open(void)
{
	struct tdb *t = calloc(1, sizeof *t);
	struct db_options opt = {.synchronous_full = true, .busy_timeout_ms = 2000};
	int applied = -1;
	assert_non_null(t);
	t_mkdir(t->dir, sizeof t->dir);
	snprintf(t->path, sizeof t->path, "%s/helpo.db", t->dir);
	assert_int_equal(db_open(&t->db, t->path, &opt), 0);
	assert_int_equal(db_migrate(t->db, &applied), 0);
	assert_true(applied > 0);
	return t;
}

static inline void t_db_close(struct tdb *t)
{
	if (!t)
		return;
	db_close(t->db);
	t_rmdir(t->dir);
	free(t);
}

/* cmocka setup/teardown wrappers: *state is the struct tdb. */
static inline int t_setup_db(void **state)
{
	*state = t_db_open();
	return 0;
}

static inline int t_teardown_db(void **state)
{
	t_db_close(*state);
	*state = NULL;
	return 0;
}

/* Inserts a user; role is "end-user", "agent" or "admin"; org 0 = none. Returns the id. */
static inline int64_t t_user(struct db *db, const char *role, const char *name, const char *email,
                             int64_t org)
{
	int64_t id = 0, now = time_now_ms();
	assert_int_equal(
	    db_int(db, &id,
	           "INSERT INTO users (role, name, email, organization_id, created_at, "
	           "updated_at) VALUES (?, ?, ?, nullif(?, 0), ?, ?) RETURNING id",
	           "sssiii", role, name, email, org, now, now),
	    0);
	return id;
}

/* Inserts an organization (shared_tickets 0/1). Returns the id. */
static inline int64_t t_org(struct db *db, const char *name, int shared_tickets)
{
	int64_t id = 0, now = time_now_ms();
	assert_int_equal(
	    db_int(db, &id,
	           "INSERT INTO organizations (name, name_key, shared_tickets, "
	           "created_at, updated_at) VALUES (?, lower(?), ?, ?, ?) RETURNING id",
	           "ssiii", name, name, (int64_t)shared_tickets, now, now),
	    0);
	return id;
}

/* Inserts a group. Returns the id. */
static inline int64_t t_group(struct db *db, const char *name)
{
	int64_t id = 0, now = time_now_ms();
	assert_int_equal(db_int(db, &id,
	                        "INSERT INTO groups (name, name_key, created_at, updated_at) "
	                        "VALUES (?, lower(?), ?, ?) RETURNING id",
	                        "ssii", name, name, now, now),
	                 0);
	return id;
}

/* Makes user a member of group. */
static inline void t_member(struct db *db, int64_t user, int64_t group)
{
	int64_t now = time_now_ms();
	assert_int_equal(db_exec(db,
	                         "INSERT INTO group_memberships (group_id, user_id, created_at, "
	                         "updated_at) VALUES (?, ?, ?, ?)",
	                         "iiii", group, user, now, now),
	                 0);
}

/* Reads one integer with db_int and asserts success. */
static inline int64_t t_int(struct db *db, const char *sql, int64_t arg)
{
	int64_t v = -1;
	assert_int_equal(db_int(db, &v, sql, "i", arg), 0);
	return v;
}

#endif
