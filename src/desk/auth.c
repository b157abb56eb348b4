/*
 * auth.c — credentials: API tokens and web sessions (stored as SHA-256 of the secret, never
 * the secret), passwords (argon2id), and loading the acting user.
 */
#include "desk/desk_int.h"
#include "util/crypto.h"
#include "util/text.h"
#include "util/timeutil.h"

int desk_actor_load(struct db *db, int64_t user_id, struct desk_actor *out)
{
	struct db_stmt *st;
	int rc = db_query(db, &st,
			  "SELECT role, coalesce(organization_id, 0) FROM users "
			  "WHERE id = ? AND active = 1 AND suspended = 0",
			  "i", user_id);
	if (rc)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW) {
		enum desk_role r = DESK_END_USER;
		desk_role_parse(db_col_text(st, 0), &r);
		out->id = user_id;
		out->role = r;
		out->org_id = db_col_int(st, 1);
		rc = 0;
	} else if (rc == DB_DONE)
		rc = HELPO_EAUTH;
	db_done(st);
	return rc;
}

int desk_auth_token(struct db *db, const char *token, const char *email, struct desk_actor *out)
{
	char hash[CRYPTO_SHA256_HEX];
	struct db_stmt *st;
	int64_t uid = 0, tid = 0, last = 0, now = time_now_ms();
	int rc;
	crypto_sha256_hex(token, strlen(token), hash);
	rc = db_query(db, &st,
		      "SELECT t.user_id, u.email, t.id, coalesce(t.last_used_at, 0) FROM api_tokens t "
		      "JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?",
		      "s", hash);
	if (rc)
		return rc;
	if (db_step(st) == DB_ROW) {
		const char *e = db_col_text(st, 1);
		/* "email/token:TOKEN": the e-mail must be the token owner's. */
		if (!email || (e && !strcasecmp(e, email))) {
			uid = db_col_int(st, 0);
			tid = db_col_int(st, 2);
			last = db_col_int(st, 3);
		}
	}
	db_done(st);
	if (!uid)
		return HELPO_EAUTH;
	/* last use, to the minute: most requests write nothing; a failed write is no reason to
	 * refuse the request */
	if (now - last > 60000)
		db_exec(db, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", "ii", now, tid);
	return desk_actor_load(db, uid, out);
}

int desk_auth_password(struct db *db, const char *email, const char *password,
		       struct desk_actor *out)
{
	struct db_stmt *st;
	char *hash = NULL;
	char norm[HELPO_MAX_EMAIL_BYTES + 1];
	int64_t uid = 0;
	int rc;
	if (strlen(email) > HELPO_MAX_EMAIL_BYTES || strlen(password) > HELPO_MAX_PASSWORD_BYTES) {
		crypto_password_dummy_verify("x");
		return HELPO_EAUTH;
	}
	snprintf(norm, sizeof norm, "%s", email);
	text_email_normalize(norm);
	rc = db_query(db, &st, "SELECT id, password_hash FROM users WHERE email = ? AND active = 1",
		      "s", norm);
	if (rc)
		return rc;
	if (db_step(st) == DB_ROW && db_col_text(st, 1)) {
		uid = db_col_int(st, 0);
		hash = strdup(db_col_text(st, 1));
	}
	db_done(st);
	if (!hash) {
		crypto_password_dummy_verify(password); /* same time as a wrong password */
		return HELPO_EAUTH;
	}
	rc = crypto_password_verify(hash, password);
	free(hash);
	if (rc)
		return HELPO_EAUTH;
	return desk_actor_load(db, uid, out);
}

int desk_auth_session(struct db *db, const char *cookie, struct desk_actor *out, char csrf[64])
{
	char hash[CRYPTO_SHA256_HEX];
	struct db_stmt *st;
	int64_t uid = 0;
	int rc;
	crypto_sha256_hex(cookie, strlen(cookie), hash);
	rc = db_query(db, &st,
		      "SELECT user_id, csrf_token FROM sessions WHERE token_hash = ? AND "
		      "expires_at > ?",
		      "si", hash, time_now_ms());
	if (rc)
		return rc;
	if (db_step(st) == DB_ROW) {
		uid = db_col_int(st, 0);
		snprintf(csrf, 64, "%s", db_col_text(st, 1));
	}
	db_done(st);
	if (!uid)
		return HELPO_EAUTH;
	return desk_actor_load(db, uid, out);
}

int desk_token_create(struct db *db, int64_t user_id, const char *description,
		      char token_out[64], int64_t *token_id)
{
	char token[CRYPTO_TOKEN_CHARS + 1], hash[CRYPTO_SHA256_HEX];
	int rc;
	crypto_token(token);
	crypto_sha256_hex(token, strlen(token), hash);
	if ((rc = db_begin(db)))
		return rc;
	rc = db_int(db, token_id,
		    "INSERT INTO api_tokens (user_id, token_hash, description, created_at) "
		    "VALUES (?, ?, ?, ?) RETURNING id",
		    "issi", user_id, hash, description ? description : "", time_now_ms());
	if (!rc) {
		json_t *p = json_pack("{s:I}", "token_id", (json_int_t)*token_id);
		rc = desk_event_add(db, 0, user_id, "token.created", p);
		json_decref(p);
	}
	if (rc || (rc = db_commit(db))) {
		db_rollback(db);
		return rc;
	}
	snprintf(token_out, 64, "%s", token);
	return 0;
}

int desk_session_create(struct db *db, int64_t user_id, int64_t lifetime_ms, char cookie_out[64],
			char csrf_out[64])
{
	char cookie[CRYPTO_TOKEN_CHARS + 1], csrf[CRYPTO_TOKEN_CHARS + 1], hash[CRYPTO_SHA256_HEX];
	int64_t now = time_now_ms();
	int rc;
	crypto_token(cookie);
	crypto_token(csrf);
	crypto_sha256_hex(cookie, strlen(cookie), hash);
	if ((rc = db_begin(db)))
		return rc;
	rc = db_exec(db, "DELETE FROM sessions WHERE expires_at < ?", "i", now);
	if (!rc)
		rc = db_exec(db,
			     "INSERT INTO sessions (user_id, token_hash, csrf_token, created_at, "
			     "expires_at) VALUES (?, ?, ?, ?, ?)",
			     "issii", user_id, hash, csrf, now, now + lifetime_ms);
	if (!rc)
		rc = db_exec(db, "UPDATE users SET last_login_at = ? WHERE id = ?", "ii", now,
			     user_id);
	if (rc || (rc = db_commit(db))) {
		db_rollback(db);
		return rc;
	}
	snprintf(cookie_out, 64, "%s", cookie);
	snprintf(csrf_out, 64, "%s", csrf);
	return 0;
}

int desk_session_delete(struct db *db, const char *cookie)
{
	char hash[CRYPTO_SHA256_HEX];
	crypto_sha256_hex(cookie, strlen(cookie), hash);
	return db_exec(db, "DELETE FROM sessions WHERE token_hash = ?", "s", hash);
}
