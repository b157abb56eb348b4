/*
 * mail.c — fuzz target: any bytes as one raw e-mail through mail_parse and desk_email_ingest
 * (into a temp database with the mailbox support@helpo.test). abort() on a broken promise:
 * mail_parse fails only on OOM; every string it hands out is valid UTF-8 and counts are within
 * their limits; ingest never fails with a database error; the stored comment HTML never holds
 * "<script", an on... attribute or a javascript: attribute value; a second ingest of the same
 * bytes is a duplicate.
 */
#include "fuzz.h"
#include "db/db.h"
#include "desk/desk.h"
#include "mail/mail.h"
#include "util/crypto.h"
#include "util/limits.h"
#include "util/text.h"
#include "util/timeutil.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "../common/html_active.h"

static struct db *db;
static char tmpdir[64];

static void cleanup(void)
{
	char p[96];
	db_close(db);
	for (const char *const *f =
	         (const char *const[]){"helpo.db", "helpo.db-wal", "helpo.db-shm", NULL};
	     *f; f++) {
		snprintf(p, sizeof p, "%s/%s", tmpdir, *f);
		unlink(p);
	}
	rmdir(tmpdir);
}

static void setup(void)
{
	char dir[] = "/tmp/helpo-fuzz-mail-XXXXXX", path[64];
	struct db_options o = {.synchronous_full = false, .busy_timeout_ms = 1000};
	int64_t now = time_now_ms();
	crypto_setup();
	mail_init();
	if (!mkdtemp(dir))
		abort();
	snprintf(tmpdir, sizeof tmpdir, "%s", dir);
	atexit(cleanup);
	snprintf(path, sizeof path, "%s/helpo.db", dir);
	if (db_open(&db, path, &o) || db_migrate(db, NULL))
		abort();
	if (db_exec(db,
	            "INSERT INTO mailboxes (email, name, is_default, created_at, updated_at) "
	            "VALUES ('support@helpo.test', 'Support', 1, ?, ?)",
	            "ii", now, now))
		abort();
}

static void need_utf8(const char *s)
{
	if (s && !text_utf8_valid(s, strlen(s)))
		abort();
}

static void check_email(const struct desk_email *e)
{
	if (!e->text || !e->text_trimmed)
		abort();
	need_utf8(e->mailbox);
	need_utf8(e->from.name);
	need_utf8(e->from.email);
	need_utf8(e->subject);
	need_utf8(e->message_id);
	need_utf8(e->in_reply_to);
	need_utf8(e->text);
	need_utf8(e->text_trimmed);
	need_utf8(e->html);
	need_utf8(e->bounce_message_id);
	need_utf8(e->bounce_status);
	if (e->nto < 0 || e->nto > HELPO_MAX_MAIL_ADDRESSES || e->ncc < 0 ||
	    e->ncc > HELPO_MAX_MAIL_ADDRESSES || e->nrefs < 0 || e->nrefs > HELPO_MAX_REFERENCES ||
	    e->natts < 0 || e->natts > HELPO_MAX_ATTACHMENTS)
		abort();
	if (e->subject && strlen(e->subject) > HELPO_MAX_SUBJECT_BYTES)
		abort();
	if (e->from.email && strchr(e->from.email, ' '))
		abort();
	for (int i = 0; i < e->nto; i++) {
		if (!e->to[i].email)
			abort();
		need_utf8(e->to[i].email);
		need_utf8(e->to[i].name);
	}
	for (int i = 0; i < e->ncc; i++) {
		if (!e->cc[i].email)
			abort();
		need_utf8(e->cc[i].email);
		need_utf8(e->cc[i].name);
	}
	for (int i = 0; i < e->nrefs; i++)
		need_utf8(e->references[i]);
	for (int i = 0; i < e->natts; i++) {
		const struct desk_email_att *a = &e->atts[i];
		if (!a->file_name || !a->content_type || strchr(a->file_name, '/') ||
		    strchr(a->file_name, '\\') || a->size > HELPO_MAX_ATTACHMENT_BYTES ||
		    (a->size && !a->data))
			abort();
		need_utf8(a->file_name);
		need_utf8(a->content_type);
		need_utf8(a->content_id);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mail_msg *m = NULL;
	struct desk_ingest_result r, r2;
	struct desk_err err;
	int rc;
	if (size > 256 * 1024)
		return 0;
	if (!db)
		setup();
	if (mail_parse(data, size, "support@helpo.test", &m))
		abort(); /* only OOM may fail, and fuzz inputs are small */
	check_email(&m->email);
	rc = desk_email_ingest(db, &m->email, &r, &err);
	if (rc == HELPO_EDB || rc == HELPO_ENOMEM)
		abort();
	if (rc == 0 && r.comment_id) {
		struct db_stmt *st;
		if (db_query(db, &st, "SELECT html_body FROM comments WHERE id = ?", "i",
		             r.comment_id))
			abort();
		if (db_step(st) == DB_ROW) {
			const char *h = db_col_text(st, 0);
			if (h && html_active(h))
				abort();
		}
		db_done(st);
	}
	if (rc == 0) {
		rc = desk_email_ingest(db, &m->email, &r2, &err);
		if (rc || !r2.duplicate || strcmp(r.outcome, r2.outcome))
			abort();
	}
	mail_msg_free(m);
	return 0;
}
