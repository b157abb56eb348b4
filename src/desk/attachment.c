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
