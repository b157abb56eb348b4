/*
 * group.c — groups (teams/departments of agents) and group memberships.
 *
 * Admins write; agents and admins read; end-users see no group or membership (a single
 * read is HELPO_ENOTFOUND, a list HELPO_EFORBIDDEN). Deleting a group is soft (deleted =
 * true): its memberships go, tickets keep their group_id, and its name becomes free again.
 * At most one group is the desk's default. Only agents and admins can be members; a user's
 * first membership becomes their default group (users.default_group_id follows it).
 */
#include "desk/people_int.h"
#include "util/timeutil.h"

static const char *const group_keys[] = {"name", "description", "default", "is_public",
                                         /* accepted, ignored */
                                         "id", "url", "deleted", "created_at", "updated_at", NULL};
static const char *const membership_keys[] = {"user_id", "group_id", "default",
                                              /* accepted, ignored */
                                              "id", "url", "created_at", "updated_at", NULL};

#define GROUP_COLS                                                                                 \
	"g.id, g.name, g.description, g.is_public, g.is_default, g.deleted, g.created_at, "        \
	"g.updated_at"
#define MEMBERSHIP_COLS "m.id, m.user_id, m.group_id, m.is_default, m.created_at, m.updated_at"

static json_t *group_row_at(struct db_stmt *st, int o)
{
	json_t *g = json_object();
	json_object_set_new(g, "id", json_integer(db_col_int(st, o + 0)));
	json_object_set_new(g, "name", json_string(db_col_text(st, o + 1)));
	json_object_set_new(g, "description", json_string(db_col_text(st, o + 2)));
	json_object_set_new(g, "default", json_boolean(db_col_int(st, o + 4)));
	json_object_set_new(g, "deleted", json_boolean(db_col_int(st, o + 5)));
	json_object_set_new(g, "is_public", json_boolean(db_col_int(st, o + 3)));
	json_object_set_new(g, "created_at", jtime(db_col_int(st, o + 6)));
	json_object_set_new(g, "updated_at", jtime(db_col_int(st, o + 7)));
	return g;
}

static json_t *membership_row_at(struct db_stmt *st, int o)
{
	json_t *m = json_object();
	json_object_set_new(m, "id", json_integer(db_col_int(st, o + 0)));
	json_object_set_new(m, "user_id", json_integer(db_col_int(st, o + 1)));
	json_object_set_new(m, "group_id", json_integer(db_col_int(st, o + 2)));
	json_object_set_new(m, "default", json_boolean(db_col_int(st, o + 3)));
	json_object_set_new(m, "created_at", jtime(db_col_int(st, o + 4)));
	json_object_set_new(m, "updated_at", jtime(db_col_int(st, o + 5)));
	return m;
}

/* Reads one row of `cols` from `table` by id through `row`; HELPO_ENOTFOUND if none. */
static int load_one(struct db *db, const char *sql, int64_t id,
                    json_t *(*row)(struct db_stmt *, int), json_t **out)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, sql, "i", id);
	if (rc)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW) {
		*out = row(st, 0);
		rc = 0;
	} else if (rc == DB_DONE)
		rc = HELPO_ENOTFOUND;
	db_done(st);
	return rc;
}

static int group_load(struct db *db, int64_t id, json_t **out)
{
	return load_one(db, "SELECT " GROUP_COLS " FROM groups g WHERE g.id = ?", id, group_row_at,
	                out);
}

static int membership_load(struct db *db, int64_t id, json_t **out)
{
	return load_one(db, "SELECT " MEMBERSHIP_COLS " FROM group_memberships m WHERE m.id = ?",
	                id, membership_row_at, out);
}

/* Writes need an admin: end-users get HELPO_ENOTFOUND (they see no groups), agents
 * HELPO_EFORBIDDEN. */
static int admin_only(const struct desk_actor *a, struct desk_err *err)
{
	if (a->role == DESK_ADMIN)
		return 0;
	if (a->role == DESK_END_USER)
		return HELPO_ENOTFOUND;
	return desk_fail(err, HELPO_EFORBIDDEN, "", "only admins may change groups");
}

static int fail_tx(struct db *db, int rc)
{
	db_rollback(db);
	return rc;
}

/* Emits `kind` with {id_key: id, "changes": ...} or the record, then commits. */
static int event_commit(struct db *db, const struct desk_actor *a, const char *kind,
                        json_t *payload)
{
	int rc = desk_event_add(db, 0, a->id, kind, payload);
	json_decref(payload);
	if (rc || (rc = db_commit(db)))
		db_rollback(db);
	return rc;
}

/* ---- groups ---- */

struct group_in {
	int f_name, f_desc, f_default, f_public;
	const char *name, *desc;
	bool is_default, is_public;
	char *name_key;
};

static int parse_group(json_t *in, struct group_in *g, struct desk_err *err)
{
	int rc;
	memset(g, 0, sizeof *g);
	if ((rc = jcheck_keys(in, "group", group_keys, err)))
		return rc;
	if ((g->f_name = rc = jget_str(in, "name", HELPO_MAX_NAME_BYTES, &g->name, err)) < 0 ||
	    (g->f_desc = rc = jget_str(in, "description", HELPO_MAX_TEXT_BYTES, &g->desc, err)) <
	        0 ||
	    (g->f_default = rc = jget_bool(in, "default", &g->is_default, err)) < 0 ||
	    (g->f_public = rc = jget_bool(in, "is_public", &g->is_public, err)) < 0)
		return rc;
	if (g->f_default == JF_NULL)
		g->f_default = JF_ABSENT;
	if (g->f_public == JF_NULL)
		g->f_public = JF_ABSENT;
	if (g->f_desc == JF_NULL) {
		g->f_desc = JF_VALUE;
		g->desc = "";
	}
	if (g->f_name == JF_NULL || (g->f_name == JF_VALUE && people_blank(g->name)))
		return desk_fail(err, HELPO_EINVAL, "name", "cannot be blank");
	if (g->name && !(g->name_key = people_name_key(g->name)))
		return HELPO_ENOMEM;
	return 0;
}

static int group_name_taken(struct db *db, const struct group_in *g, int64_t self,
                            struct desk_err *err)
{
	int64_t other;
	int rc = db_int(db, &other, "SELECT id FROM groups WHERE name_key = ?", "s", g->name_key);
	if (rc == HELPO_ENOTFOUND || (!rc && other == self))
		return 0;
	if (rc)
		return rc;
	return desk_fail(err, HELPO_ECONFLICT, "name", "Name: %s has already been taken", g->name);
}

int desk_group_create(struct db *db, const struct desk_actor *a, json_t *in, json_t **out,
                      struct desk_err *err)
{
	struct group_in g = {0};
	int64_t id, now = time_now_ms();
	int rc;
	*out = NULL;
	if ((rc = admin_only(a, err)) || (rc = parse_group(in, &g, err)))
		goto out;
	if (g.f_name != JF_VALUE) {
		rc = desk_fail(err, HELPO_EINVAL, "name", "cannot be blank");
		goto out;
	}
	if ((rc = db_begin(db)))
		goto out;
	if ((rc = group_name_taken(db, &g, 0, err)))
		goto rollback;
	if (g.is_default &&
	    (rc = db_exec(db,
	                  "UPDATE groups SET is_default = 0, updated_at = ? WHERE is_default = 1",
	                  "i", now)))
		goto rollback;
	rc = db_int(db, &id,
	            "INSERT INTO groups (name, name_key, description, is_public, is_default, "
	            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
	            "sssiiii", g.name, g.name_key, g.desc ? g.desc : "",
	            (int64_t)(g.f_public ? g.is_public : true), (int64_t)g.is_default, now, now);
	if (rc == HELPO_ECONFLICT)
		rc = desk_fail(err, HELPO_ECONFLICT, "name", "Name: %s has already been taken",
		               g.name);
	if (rc || (rc = group_load(db, id, out)))
		goto rollback;
	if ((rc = event_commit(db, a, "group.created", json_incref(*out))))
		goto fail;
	goto out;
rollback:
	db_rollback(db);
fail:
	json_decref(*out);
	*out = NULL;
out:
	free(g.name_key);
	return rc;
}

int desk_group_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out)
{
	*out = NULL;
	if (!desk_is_staff(a))
		return HELPO_ENOTFOUND;
	return group_load(db, id, out);
}

int desk_group_update(struct db *db, const struct desk_actor *a, int64_t id, json_t *in,
                      json_t **out, struct desk_err *err)
{
	struct group_in g = {0};
	struct buf set = BUF_INIT(1024);
	struct db_args args = {0};
	struct db_stmt *st;
	json_t *before = NULL, *changes;
	int64_t now = time_now_ms();
	int rc;
	*out = NULL;
	if ((rc = admin_only(a, err)) || (rc = parse_group(in, &g, err)))
		goto out;
	if ((rc = db_begin(db)))
		goto out;
	if ((rc = group_load(db, id, &before)))
		goto rollback;
	if (json_is_true(json_object_get(before, "deleted"))) {
		rc = desk_fail(err, HELPO_EINVAL, "deleted", "a deleted group cannot change");
		goto rollback;
	}
	if (g.name && (rc = group_name_taken(db, &g, id, err)))
		goto rollback;
	if (g.f_default && g.is_default &&
	    (rc = db_exec(db,
	                  "UPDATE groups SET is_default = 0, updated_at = ? WHERE is_default = 1 "
	                  "AND id <> ?",
	                  "ii", now, id)))
		goto rollback;
	buf_adds(&set, "UPDATE groups SET updated_at = ?");
	db_args_int(&args, now);
	if (g.f_name) {
		buf_adds(&set, ", name = ?, name_key = ?");
		db_args_text(&args, g.name);
		db_args_text(&args, g.name_key);
	}
	if (g.f_desc) {
		buf_adds(&set, ", description = ?");
		db_args_text(&args, g.desc);
	}
	if (g.f_default) {
		buf_adds(&set, ", is_default = ?");
		db_args_int(&args, g.is_default);
	}
	if (g.f_public) {
		buf_adds(&set, ", is_public = ?");
		db_args_int(&args, g.is_public);
	}
	buf_adds(&set, " WHERE id = ?");
	db_args_int(&args, id);
	if ((rc = db_query_args(db, &st, set.data, &args)))
		goto rollback;
	rc = db_step(st);
	db_done(st);
	if (rc < 0 || (rc = group_load(db, id, out)))
		goto rollback;
	changes = people_changes(before, *out);
	if (!json_object_size(changes)) {
		json_decref(changes);
		rc = db_commit(db);
		if (rc)
			goto rollback;
		goto out;
	}
	if ((rc = event_commit(
	         db, a, "group.updated",
	         json_pack("{s:I,s:o}", "group_id", (json_int_t)id, "changes", changes))))
		goto fail;
	goto out;
rollback:
	db_rollback(db);
fail:
	json_decref(*out);
	*out = NULL;
out:
	json_decref(before);
	buf_release(&set);
	free(g.name_key);
	return rc;
}

int desk_group_delete(struct db *db, const struct desk_actor *a, int64_t id, struct desk_err *err)
{
	int64_t deleted, now = time_now_ms();
	char key[64];
	int rc;
	if ((rc = admin_only(a, err)) || (rc = db_begin(db)))
		return rc;
	rc = db_int(db, &deleted, "SELECT deleted FROM groups WHERE id = ?", "i", id);
	if (!rc && deleted)
		rc = HELPO_ENOTFOUND; /* already gone */
	if (rc)
		return fail_tx(db, rc);
	/* free the name for reuse; the id keeps the retired key unique */
	snprintf(key, sizeof key, "\001deleted:%lld", (long long)id);
	if ((rc = db_exec(db,
	                  "UPDATE groups SET deleted = 1, is_default = 0, name_key = ?, "
	                  "updated_at = ? WHERE id = ?",
	                  "sii", key, now, id)) ||
	    (rc = db_exec(db, "UPDATE users SET default_group_id = NULL WHERE default_group_id = ?",
	                  "i", id)) ||
	    (rc = db_exec(db, "DELETE FROM group_memberships WHERE group_id = ?", "i", id)))
		return fail_tx(db, rc);
	return event_commit(db, a, "group.deleted", json_pack("{s:I}", "group_id", (json_int_t)id));
}

/* user_id 0: every live group; otherwise the groups the user belongs to. */
int desk_group_list(struct db *db, const struct desk_actor *a, int64_t user_id,
                    const struct desk_page *p, struct desk_list *out)
{
	struct buf sql = BUF_INIT(2048);
	struct db_args args = {0};
	const char *key;
	int rc;
	memset(out, 0, sizeof *out);
	out->count = -1;
	if (!desk_is_staff(a))
		return HELPO_EFORBIDDEN;
	{
		static const char *const keys[] = {"g.id", "g.created_at", "g.updated_at"};
		if (!(key = page_std_key(p->sort, keys)))
			return HELPO_EINVAL;
	}
	if (user_id) {
		enum desk_role r;
		if ((rc = people_user_role(db, user_id, &r)))
			return rc;
	}
	buf_addf(&sql, "SELECT %s, " GROUP_COLS " FROM groups g WHERE g.deleted = 0", key);
	if (user_id) {
		buf_adds(&sql, " AND g.id IN (SELECT group_id FROM group_memberships WHERE user_id "
		               "= ?)");
		db_args_int(&args, user_id);
	}
	rc = page_run(db, &sql, &args, p, key, "g.id", group_row_at, out);
	buf_release(&sql);
	if (rc)
		desk_list_release(out);
	return rc;
}

/* ---- memberships ---- */

int desk_membership_create(struct db *db, const struct desk_actor *a, json_t *in, json_t **out,
                           struct desk_err *err)
{
	int64_t user = 0, group = 0, id, n, now = time_now_ms();
	bool is_default = false;
	enum desk_role role = DESK_END_USER;
	int rc;
	*out = NULL;
	if ((rc = admin_only(a, err)))
		return rc;
	if ((rc = jcheck_keys(in, "group_membership", membership_keys, err)) ||
	    (rc = jget_id(in, "user_id", &user, err)) < 0 ||
	    (rc = jget_id(in, "group_id", &group, err)) < 0 ||
	    (rc = jget_bool(in, "default", &is_default, err)) < 0)
		return rc;
	if (!user)
		return desk_fail(err, HELPO_EINVAL, "user_id", "is required");
	if (!group)
		return desk_fail(err, HELPO_EINVAL, "group_id", "is required");
	if ((rc = db_begin(db)))
		return rc;
	rc = people_user_role(db, user, &role);
	if (rc == HELPO_ENOTFOUND)
		rc = desk_fail(err, HELPO_EINVAL, "user_id", "no such user");
	else if (!rc && role == DESK_END_USER)
		rc = desk_fail(err, HELPO_EINVAL, "user_id",
		               "only agents and admins can be group members");
	if (rc)
		return fail_tx(db, rc);
	rc = db_int(db, &n, "SELECT 1 FROM groups WHERE id = ? AND deleted = 0", "i", group);
	if (rc == HELPO_ENOTFOUND)
		rc = desk_fail(err, HELPO_EINVAL, "group_id", "no such group");
	if (rc)
		return fail_tx(db, rc);
	if ((rc = db_int(db, &n, "SELECT count(*) FROM group_memberships WHERE user_id = ?", "i",
	                 user)))
		return fail_tx(db, rc);
	if (n == 0)
		is_default = true; /* the first group is the default one */
	if (is_default &&
	    (rc = db_exec(db,
	                  "UPDATE group_memberships SET is_default = 0, updated_at = ? WHERE "
	                  "user_id = ? AND is_default = 1",
	                  "ii", now, user)))
		return fail_tx(db, rc);
	rc = db_int(db, &id,
	            "INSERT INTO group_memberships (group_id, user_id, is_default, created_at, "
	            "updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
	            "iiiii", group, user, (int64_t)is_default, now, now);
	if (rc == HELPO_ECONFLICT)
		rc = desk_fail(err, HELPO_ECONFLICT, "user_id",
		               "User is already a member of this group");
	if (rc)
		return fail_tx(db, rc);
	if (is_default && (rc = db_exec(db,
	                                "UPDATE users SET default_group_id = ?, updated_at = ? "
	                                "WHERE id = ?",
	                                "iii", group, now, user)))
		return fail_tx(db, rc);
	if ((rc = membership_load(db, id, out)))
		return fail_tx(db, rc);
	if ((rc = event_commit(db, a, "group_membership.created", json_incref(*out)))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int desk_membership_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out)
{
	*out = NULL;
	if (!desk_is_staff(a))
		return HELPO_ENOTFOUND;
	return membership_load(db, id, out);
}

int desk_membership_delete(struct db *db, const struct desk_actor *a, int64_t id,
                           struct desk_err *err)
{
	json_t *m = NULL;
	int64_t user, next = 0, now = time_now_ms();
	int rc;
	if ((rc = admin_only(a, err)) || (rc = db_begin(db)))
		return rc;
	if ((rc = membership_load(db, id, &m)))
		return fail_tx(db, rc);
	user = json_integer_value(json_object_get(m, "user_id"));
	if ((rc = db_exec(db, "DELETE FROM group_memberships WHERE id = ?", "i", id)))
		goto fail;
	if (json_is_true(json_object_get(m, "default"))) {
		/* the default goes to the oldest remaining membership, if any */
		rc = db_int(db, &next,
		            "SELECT group_id FROM group_memberships WHERE user_id = ? ORDER BY id "
		            "LIMIT 1",
		            "i", user);
		if (rc && rc != HELPO_ENOTFOUND)
			goto fail;
		if ((rc = db_exec(
		         db,
		         "UPDATE group_memberships SET is_default = 1, updated_at = ? WHERE "
		         "user_id = ? AND group_id = ?",
		         "iii", now, user, next)) ||
		    (rc =
		         db_exec(db,
		                 "UPDATE users SET default_group_id = nullif(?, 0), updated_at = ? "
		                 "WHERE id = ?",
		                 "iii", next, now, user)))
			goto fail;
	}
	return event_commit(db, a, "group_membership.deleted", m);
fail:
	json_decref(m);
	return fail_tx(db, rc);
}

int desk_membership_list(struct db *db, const struct desk_actor *a, int64_t user_id,
                         int64_t group_id, const struct desk_page *p, struct desk_list *out)
{
	struct buf sql = BUF_INIT(2048);
	struct db_args args = {0};
	const char *key;
	int64_t one;
	int rc;
	memset(out, 0, sizeof *out);
	out->count = -1;
	if (!desk_is_staff(a))
		return HELPO_EFORBIDDEN;
	{
		static const char *const keys[] = {"m.id", "m.created_at", "m.updated_at"};
		if (!(key = page_std_key(p->sort, keys)))
			return HELPO_EINVAL;
	}
	if (user_id && (rc = db_int(db, &one, "SELECT 1 FROM users WHERE id = ?", "i", user_id)))
		return rc;
	if (group_id && (rc = db_int(db, &one, "SELECT 1 FROM groups WHERE id = ?", "i", group_id)))
		return rc;
	buf_addf(&sql, "SELECT %s, " MEMBERSHIP_COLS " FROM group_memberships m WHERE 1 = 1", key);
	if (user_id) {
		buf_adds(&sql, " AND m.user_id = ?");
		db_args_int(&args, user_id);
	}
	if (group_id) {
		buf_adds(&sql, " AND m.group_id = ?");
		db_args_int(&args, group_id);
	}
	rc = page_run(db, &sql, &args, p, key, "m.id", membership_row_at, out);
	buf_release(&sql);
	if (rc)
		desk_list_release(out);
	return rc;
}
