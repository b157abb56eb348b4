/*
 * api_token.c — API tokens: list, show, create (the token shown once), revoke.
 *
 * The secret is made and hashed by desk_token_create (desk/auth.c); this file adds the admin
 * rules, input validation and the record shape. The token table keeps only the SHA-256 of a
 * secret, so no read can ever return one: "token" is null except in the answer to create.
 */
#include "desk/api_token.h"
#include "desk/desk_int.h"

static const char *const token_keys[] = {"description", "user_id",
                                         /* accepted, ignored */
                                         "id", "url", "token", "created_at", "last_used_at", NULL};

#define TOKEN_COLS "t.id, t.description, t.user_id, t.created_at, coalesce(t.last_used_at, 0)"

static json_t *token_row_at(struct db_stmt *st, int o)
{
	json_t *t = json_object();
	json_object_set_new(t, "id", json_integer(db_col_int(st, o + 0)));
	json_object_set_new(t, "description", json_string(db_col_text(st, o + 1)));
	json_object_set_new(t, "user_id", json_integer(db_col_int(st, o + 2)));
	json_object_set_new(t, "created_at", jtime(db_col_int(st, o + 3)));
	json_object_set_new(t, "last_used_at", jtime(db_col_int(st, o + 4)));
	json_object_set_new(t, "token", json_null());
	return t;
}

static int admin_only(const struct desk_actor *a, struct desk_err *err)
{
	if (a->role == DESK_ADMIN)
		return 0;
	return desk_fail(err, HELPO_EFORBIDDEN, "", "only admins may manage API tokens");
}

static int token_load(struct db *db, int64_t id, json_t **out)
{
	struct db_stmt *st;
	int rc =
	    db_query(db, &st, "SELECT " TOKEN_COLS " FROM api_tokens t WHERE t.id = ?", "i", id);
	if (rc)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW) {
		*out = token_row_at(st, 0);
		rc = 0;
	} else if (rc == DB_DONE)
		rc = HELPO_ENOTFOUND;
	db_done(st);
	return rc;
}

int desk_api_token_list(struct db *db, const struct desk_actor *a, const struct desk_page *p,
                        struct desk_list *out)
{
	static const char *const keys[] = {"t.id", "t.created_at", "t.created_at"};
	struct buf sql = BUF_INIT(1024);
	struct db_args args = {0};
	const char *key;
	int rc;
	memset(out, 0, sizeof *out);
	out->count = -1;
	if ((rc = admin_only(a, NULL)))
		return rc;
	if (!(key = page_std_key(p->sort, keys)))
		return HELPO_EINVAL;
	buf_addf(&sql, "SELECT %s, " TOKEN_COLS " FROM api_tokens t WHERE 1 = 1", key);
	rc = page_run(db, &sql, &args, p, key, "t.id", token_row_at, out);
	buf_release(&sql);
	if (rc)
		desk_list_release(out);
	return rc;
}

int desk_api_token_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out)
{
	int rc;
	*out = NULL;
	if ((rc = admin_only(a, NULL)))
		return rc;
	return token_load(db, id, out);
}

/* The owner must be an existing, active user (a token of a deactivated user would not work). */
static int check_owner(struct db *db, int64_t user_id, struct desk_err *err)
{
	int64_t active;
	int rc = db_int(db, &active, "SELECT active FROM users WHERE id = ?", "i", user_id);
	if (rc == HELPO_ENOTFOUND)
		return desk_fail(err, HELPO_EINVAL, "user_id", "no such user");
	if (rc)
		return rc;
	if (!active)
		return desk_fail(err, HELPO_EINVAL, "user_id", "the user is not active");
	return 0;
}

int desk_api_token_create(struct db *db, const struct desk_actor *a, json_t *in, json_t **out,
                          struct desk_err *err)
{
	const char *desc = NULL;
	char secret[64];
	int64_t user_id = 0, id = 0;
	int rc, f;
	*out = NULL;
	if ((rc = admin_only(a, err)) || (rc = jcheck_keys(in, "api_token", token_keys, err)))
		return rc;
	if ((f = jget_str(in, "description", HELPO_MAX_NAME_BYTES, &desc, err)) < 0)
		return f;
	if (f != JF_VALUE || !desc[strspn(desc, " \t\r\n")])
		return desk_fail(err, HELPO_EINVAL, "description", "cannot be blank");
	if ((f = jget_id(in, "user_id", &user_id, err)) < 0)
		return f;
	if (f != JF_VALUE)
		user_id = a->id;
	if (!user_id)
		return desk_fail(err, HELPO_EINVAL, "user_id", "is required for the system actor");
	if ((rc = check_owner(db, user_id, err)))
		return rc;
	if ((rc = desk_token_create(db, user_id, desc, secret, &id)))
		return rc;
	if ((rc = token_load(db, id, out)))
		goto out;
	json_object_set_new(*out, "token", json_string(secret));
out:
	explicit_bzero(secret, sizeof secret);
	return rc;
}

int desk_api_token_delete(struct db *db, const struct desk_actor *a, int64_t id,
                          struct desk_err *err)
{
	json_t *before = NULL, *p;
	int rc;
	if ((rc = admin_only(a, err)))
		return rc;
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = token_load(db, id, &before)) ||
	    (rc = db_exec(db, "DELETE FROM api_tokens WHERE id = ?", "i", id)))
		goto rollback;
	p = json_pack("{s:I,s:O}", "token_id", (json_int_t)id, "user_id",
	              json_object_get(before, "user_id"));
	rc = desk_event_add(db, 0, a->id, "token.revoked", p);
	json_decref(p);
	if (rc || (rc = db_commit(db)))
		goto rollback;
	json_decref(before);
	return 0;
rollback:
	db_rollback(db);
	json_decref(before);
	return rc;
}
