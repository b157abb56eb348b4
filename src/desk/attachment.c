/*
 * attachment.c — files that came with a comment (e-mail attachments and inline images):
 * metadata records in Zendesk's shape and the bytes, for actors allowed to see them.
 *
 * An attachment is visible when its ticket is visible to the actor (desk/authz.h) and, for
 * end-users, its comment is public. One not yet linked to a ticket (an API upload) is visible
 * only to its uploader. Anything else is HELPO_ENOTFOUND. The stored file name is for display
 * only and is never used as a path; the content URL is relative ("/api/v2/attachments/ID/
 * content": the API makes it absolute).
 */
#include "desk/desk_int.h"
#include "desk/authz.h"
#include "util/crypto.h"
#include "util/text.h"
#include "util/timeutil.h"

#define ATT_COLS                                                                                 \
	"a.id, a.file_name, a.content_type, a.size, a.is_inline, a.ticket_id, a.comment_id, "   \
	"a.uploader_id, coalesce(c.public, 0), a.created_at"

/* The metadata record (the comment list in ticket.c builds the same shape). */
static json_t *attachment_record(int64_t id, const char *file_name, const char *content_type,
				 int64_t size, bool is_inline)
{
	char url[96], content[96];
	snprintf(url, sizeof url, "/api/v2/attachments/%lld.json", (long long)id);
	snprintf(content, sizeof content, "/api/v2/attachments/%lld/content", (long long)id);
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:b,s:b,s:s,s:[],s:s}", "id", (json_int_t)id,
			 "url", url, "file_name", file_name, "content_url", content,
			 "mapped_content_url", content, "size", (json_int_t)size, "inline",
			 is_inline, "deleted", 0, "content_type", content_type, "thumbnails",
			 "malware_scan_result", "not_scanned");
}

/* Loads the metadata and checks visibility; HELPO_ENOTFOUND when not visible. */
static int load_visible(struct db *db, const struct desk_actor *a, int64_t id, json_t **out)
{
	struct db_stmt *st;
	int64_t ticket = 0, uploader = 0;
	bool pub = false;
	int rc = db_query(db, &st,
			  "SELECT " ATT_COLS " FROM attachments a LEFT JOIN comments c ON "
			  "c.id = a.comment_id WHERE a.id = ?",
			  "i", id);
	*out = NULL;
	if (rc)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW) {
		*out = attachment_record(db_col_int(st, 0), db_col_text(st, 1),
					 db_col_text(st, 2), db_col_int(st, 3),
					 db_col_int(st, 4) != 0);
		ticket = db_col_int(st, 5);
		uploader = db_col_int(st, 7);
		pub = db_col_int(st, 8) != 0;
		if (db_col_null(st, 6))
			pub = false;
		rc = *out ? 0 : HELPO_ENOMEM;
	} else if (rc == DB_DONE)
		rc = HELPO_ENOTFOUND;
	db_done(st);
	if (rc)
		return rc;
	if (!ticket)
		rc = uploader && uploader == a->id ? 0 : HELPO_ENOTFOUND;
	else if ((rc = authz_ticket_visible(db, a, ticket)) == 0 && !desk_is_staff(a) && !pub)
		rc = HELPO_ENOTFOUND; /* an internal note's file */
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int desk_attachment_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out)
{
	return load_visible(db, a, id, out);
}

int desk_attachment_data(struct db *db, const struct desk_actor *a, int64_t id, void **data,
			 size_t *size, char **content_type, char **file_name)
{
	json_t *rec;
	struct db_stmt *st;
	const void *blob;
	size_t n = 0;
	int rc;
	*data = NULL;
	*size = 0;
	*content_type = *file_name = NULL;
	if ((rc = db_begin_read(db)))
		return rc;
	if ((rc = load_visible(db, a, id, &rec)))
		goto out;
	*content_type = strdup(json_string_value(json_object_get(rec, "content_type")));
	*file_name = strdup(json_string_value(json_object_get(rec, "file_name")));
	json_decref(rec);
	if (!*content_type || !*file_name) {
		rc = HELPO_ENOMEM;
		goto out;
	}
	if ((rc = db_query(db, &st, "SELECT data FROM attachments WHERE id = ?", "i", id)))
		goto out;
	rc = db_step(st);
	if (rc == DB_ROW) {
		blob = db_col_blob(st, 0, &n);
		*data = malloc(n ? n : 1);
		if (*data) {
			if (n)
				memcpy(*data, blob, n);
			*size = n;
			rc = 0;
		} else
			rc = HELPO_ENOMEM;
	} else if (rc == DB_DONE)
		rc = HELPO_ENOTFOUND;
	db_done(st);
out:
	db_commit(db);
	if (rc) {
		free(*data);
		free(*content_type);
		free(*file_name);
		*data = NULL;
		*content_type = *file_name = NULL;
		*size = 0;
	}
	return rc;
}

/* ---- API uploads (POST /api/v2/uploads, then "uploads": [token] in a comment) ---- */

#define UPLOAD_TTL_MS (3LL * 24 * 3600 * 1000) /* Zendesk keeps unused uploads for 3 days */

int desk_upload_create(struct db *db, const struct desk_actor *a, const char *file_name,
		       const char *content_type, const void *data, size_t len, json_t **out,
		       struct desk_err *err)
{
	char token[CRYPTO_TOKEN_CHARS + 1], sha[CRYPTO_SHA256_HEX];
	int64_t now = time_now_ms(), id = 0;
	json_t *rec;
	int rc;
	*out = NULL;
	if (!file_name || !*file_name || strlen(file_name) > 255 || !text_utf8_valid(file_name, strlen(file_name)))
		return desk_fail(err, HELPO_EINVAL, "filename", "is required (1-255 bytes of UTF-8)");
	if (len > HELPO_MAX_ATTACHMENT_BYTES)
		return desk_fail(err, HELPO_ETOOBIG, "file", "is too large");
	if (!content_type || !*content_type || strlen(content_type) > 127 ||
	    strpbrk(content_type, "\r\n"))
		content_type = "application/octet-stream";
	crypto_token(token);
	crypto_sha256_hex(data, len, sha);
	if ((rc = db_begin(db)))
		return rc;
	/* unused uploads do not pile up: expired ones go whenever a new one comes */
	rc = db_exec(db, "DELETE FROM attachments WHERE upload_token IS NOT NULL AND "
			 "ticket_id IS NULL AND created_at < ?", "i", now - UPLOAD_TTL_MS);
	if (!rc)
		rc = db_int(db, &id,
			    "INSERT INTO attachments (upload_token, uploader_id, file_name, "
			    "content_type, size, sha256, data, created_at) VALUES (?, ?, ?, ?, ?, "
			    "?, ?, ?) RETURNING id",
			    "sissisbi", token, a->id, file_name, content_type, (int64_t)len, sha,
			    data, len, now);
	if (!rc)
		rc = db_commit(db);
	else
		db_rollback(db);
	if (rc)
		return rc;
	rec = attachment_record(id, file_name, content_type, (int64_t)len, false);
	*out = rec ? json_pack("{s:s,s:o,s:[O]}", "token", token, "attachment", rec,
			       "attachments", rec) : NULL;
	if (*out) {
		char exp[32];
		time_iso8601(now + UPLOAD_TTL_MS, exp);
		json_object_set_new(*out, "expires_at", json_string(exp));
	}
	return *out ? 0 : HELPO_ENOMEM;
}

int desk_uploads_attach(struct db *db, const struct desk_actor *a, json_t *tokens,
			int64_t ticket_id, int64_t comment_id, struct desk_err *err)
{
	size_t i;
	json_t *t;
	if (!tokens || json_is_null(tokens))
		return 0;
	if (!json_is_array(tokens) || json_array_size(tokens) > HELPO_MAX_ATTACHMENTS)
		return desk_fail(err, HELPO_EINVAL, "uploads", "must be an array of upload tokens");
	json_array_foreach(tokens, i, t) {
		int64_t changed = 0;
		int rc;
		if (!json_is_string(t) || json_string_length(t) > CRYPTO_TOKEN_CHARS)
			return desk_fail(err, HELPO_EINVAL, "uploads", "holds a malformed token");
		rc = db_int(db, &changed,
			    "UPDATE attachments SET ticket_id = ?, comment_id = ?, upload_token = NULL "
			    "WHERE upload_token = ? AND uploader_id = ? AND ticket_id IS NULL "
			    "RETURNING 1",
			    "iisi", ticket_id, comment_id, json_string_value(t), a->id);
		if (rc == HELPO_ENOTFOUND)
			return desk_fail(err, HELPO_EINVAL, "uploads",
					 "names an unknown or expired upload");
		if (rc)
			return rc;
	}
	return 0;
}
