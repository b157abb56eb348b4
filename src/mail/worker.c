/*
 * worker.c — the inbound mail worker: turns DIR/spool/new files into tickets and comments
 * (mail_parse + desk_email_ingest), retries failures with a backoff, quarantines a message after
 * HELPO_MAIL_MAX_ATTEMPTS failures, and the quarantine's list/show/retry (mail/quarantine.h).
 *
 * Exactly once: a file is unlinked only after desk_email_ingest committed it (or reported it a
 * duplicate of an earlier commit, keyed by the SHA-256 of the bytes). A crash at any point
 * leaves the file in new/, and the replay commits nothing new. Failed attempts are counted in
 * the file name (",<n>" suffix, renamed in place), so a crash never loses the count; the file's
 * mtime marks the last attempt for the backoff. A busy database is not a failure: the pass stops
 * and the next one retries. Logs name files and error codes, never contents or addresses.
 */
#include "jobs/jobs.h"
#include "mail/mail.h"
#include "mail/quarantine.h"
#include "mail/spool.h"
#include "db/db.h"
#include "util/crypto.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/text.h"
#include "util/timeutil.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_mutex_t dir_lock = PTHREAD_MUTEX_INITIALIZER;
static char worker_dir[2048];

const char *mail_worker_data_dir(void)
{
	const char *d;
	pthread_mutex_lock(&dir_lock);
	d = worker_dir[0] ? worker_dir : NULL;
	pthread_mutex_unlock(&dir_lock);
	return d;
}

static int fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Reads a whole spool file (at most HELPO_MAX_MESSAGE_BYTES + 1). HELPO_ENOTFOUND if gone. */
static int read_file(const char *path, unsigned char **out, size_t *len, int64_t *mtime_ms)
{
	struct stat st;
	unsigned char *p;
	size_t n = 0, size;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? HELPO_ENOTFOUND : HELPO_EIO;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > HELPO_MAX_MESSAGE_BYTES + 1) {
		close(fd);
		return HELPO_EIO;
	}
	size = (size_t)st.st_size;
	*mtime_ms = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
	if (!(p = malloc(size + 1))) {
		close(fd);
		return HELPO_ENOMEM;
	}
	while (n < size) {
		ssize_t r = read(fd, p + n, size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n != size) {
		free(p);
		return HELPO_EIO;
	}
	p[n] = '\0';
	*out = p;
	*len = n;
	return 0;
}

/* Splits "<ms>.<pid>.<hex>[.<mailbox>][,<n>]": the mailbox (or "") and the failed attempts. */
static void parse_name(const char *name, char *mailbox, size_t mlen, int *attempts)
{
	const char *p = name, *comma = strrchr(name, ',');
	size_t end = comma ? (size_t)(comma - name) : strlen(name);
	mailbox[0] = '\0';
	*attempts = comma ? atoi(comma + 1) : 0;
	if (*attempts < 0)
		*attempts = 0;
	for (int dots = 0; dots < 3; dots++) {
		p = memchr(p, '.', end - (size_t)(p - name));
		if (!p)
			return;
		p++;
	}
	if ((size_t)(p - name) < end && end - (size_t)(p - name) < mlen) {
		memcpy(mailbox, p, end - (size_t)(p - name));
		mailbox[end - (size_t)(p - name)] = '\0';
	}
}

/* Seconds to wait after the n-th failed attempt before the next. */
static int64_t backoff_ms(int attempts)
{
	int64_t s = 1;
	for (int i = 1; i < attempts && s < 60; i++)
		s *= 2;
	return (s > 60 ? 60 : s) * 1000;
}

static int quarantine_put(struct db *db, const char *ingest_id, const char *mailbox,
			  const char *reason, int attempts, const void *raw, size_t len)
{
	int64_t now = time_now_ms();
	int rc;
	if ((rc = db_begin(db)))
		return rc;
	rc = db_exec(db,
		     "INSERT INTO mail_quarantine (ingest_id, mailbox, reason, attempts, raw, "
		     "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
		     "ON CONFLICT (ingest_id) DO UPDATE SET mailbox = excluded.mailbox, "
		     "reason = excluded.reason, attempts = excluded.attempts, raw = excluded.raw, "
		     "updated_at = excluded.updated_at",
		     "sssibii", ingest_id, mailbox && *mailbox ? mailbox : NULL, reason,
		     (int64_t)attempts, raw, len, now, now);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

/*
 * Files whose commit is deferred (db_defer_commits): removed from the spool only once the
 * batch is durable (flush_batch). A crash before that replays them, and the ledger makes the
 * replay a no-op.
 */
#define BATCH_MAX 64

struct batch {
	char *paths[BATCH_MAX];
	int n;
	bool quarantined; /* a quarantined file is among them: fsync the directory */
};

/* Makes the batch durable, then unlinks its files. On a failed sync nothing is removed: the
 * files are taken again on the next pass. */
static int flush_batch(struct db *db, const char *newdir, struct batch *b, int *done)
{
	int rc = db_sync(db);
	for (int i = 0; i < b->n; i++) {
		if (!rc) {
			if (unlink(b->paths[i]) && errno != ENOENT) {
				log_error("mail spool: cannot remove %s after commit: %s", b->paths[i],
					  strerror(errno));
				rc = HELPO_EIO;
			} else
				(*done)++;
		}
		free(b->paths[i]);
	}
	if (rc && rc != HELPO_EIO)
		log_warn("mail spool: a batch of %d messages did not commit (%s); will retry",
			 b->n, helpo_strerror(rc));
	if (!rc && b->quarantined)
		fsync_dir(newdir);
	b->n = 0;
	b->quarantined = false;
	return rc == HELPO_EIO ? rc : 0;
}

/* One spool file. Returns 0 (handled, deferred or skipped), HELPO_EBUSY to stop the pass, or
 * another error when the spool itself cannot be used. A committed file goes into the batch. */
static int process_one(struct db *db, const char *newdir, const char *name, struct batch *b)
{
	char path[4096], mailbox[256], reason[512], next[4096];
	unsigned char *raw = NULL;
	size_t len = 0;
	int64_t mtime = 0;
	int attempts, rc;
	struct mail_msg *m = NULL;
	struct desk_ingest_result res;
	struct desk_err err = {{0}, {0}};
	char ingest_id[CRYPTO_SHA256_HEX];

	if ((size_t)snprintf(path, sizeof path, "%s/%s", newdir, name) >= sizeof path)
		return 0;
	parse_name(name, mailbox, sizeof mailbox, &attempts);
	rc = read_file(path, &raw, &len, &mtime);
	if (rc == HELPO_ENOTFOUND)
		return 0; /* another process took it */
	if (rc == HELPO_ENOMEM)
		return rc;
	if (rc) {
		log_warn("mail spool: cannot read %s (%s)", name, helpo_strerror(rc));
		return 0;
	}
	if (attempts > 0 && time_now_ms() < mtime + backoff_ms(attempts)) {
		free(raw);
		return 0;
	}
	memset(&res, 0, sizeof res);
	rc = mail_parse(raw, len, mailbox[0] ? mailbox : NULL, &m);
	if (rc) {
		snprintf(reason, sizeof reason, "parse failed: %s", helpo_strerror(rc));
		crypto_sha256_hex(raw, len, ingest_id);
	} else {
		snprintf(ingest_id, sizeof ingest_id, "%s", m->email.ingest_id);
		rc = desk_email_ingest(db, &m->email, &res, &err);
		mail_msg_free(m);
		if (rc == HELPO_EBUSY) {
			free(raw);
			return HELPO_EBUSY;
		}
		if (rc)
			snprintf(reason, sizeof reason, "ingest failed: %s%s%s%s%s",
				 helpo_strerror(rc), err.field[0] || err.message[0] ? " (" : "",
				 err.field, err.field[0] && err.message[0] ? ": " : "",
				 err.message[0] ? err.message : "");
		if (rc && (err.field[0] || err.message[0]))
			snprintf(reason + strlen(reason), sizeof reason - strlen(reason), ")");
	}
	if (rc == 0) {
		free(raw);
		/* removed once the batch is durable; no directory fsync then: an unlink lost in a
		 * power cut only replays the file, and the ledger drops the replay */
		if (!(b->paths[b->n] = strdup(path)))
			return HELPO_ENOMEM;
		b->n++;
		log_debug("mail spool: %s -> %s (ticket %lld)%s", name, res.outcome,
			  (long long)res.ticket_id, res.duplicate ? " duplicate" : "");
		return 0;
	}
	attempts++;
	log_warn("mail spool: %s attempt %d/%d: %s", name, attempts, HELPO_MAIL_MAX_ATTEMPTS,
		 reason);
	if (attempts >= HELPO_MAIL_MAX_ATTEMPTS) {
		rc = quarantine_put(db, ingest_id, mailbox, reason, attempts, raw, len);
		free(raw);
		if (rc) {
			log_error("mail spool: cannot quarantine %s: %s", name, helpo_strerror(rc));
			return rc == HELPO_EBUSY ? rc : 0;
		}
		if (!(b->paths[b->n] = strdup(path)))
			return HELPO_ENOMEM;
		b->n++;
		b->quarantined = true;
		log_warn("mail spool: %s quarantined", name);
		return 0;
	}
	free(raw);
	{
		const char *comma = strrchr(name, ',');
		int base = comma ? (int)(comma - name) : (int)strlen(name);
		if ((size_t)snprintf(next, sizeof next, "%s/%.*s,%d", newdir, base, name,
				     attempts) >= sizeof next)
			return 0;
	}
	/* the rename keeps the count across crashes; the mtime marks this attempt */
	if (rename(path, next) == 0) {
		utimensat(AT_FDCWD, next, NULL, 0);
		fsync_dir(newdir);
	}
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int mail_process_spool(struct db *db, const struct conf *conf, const char *data_dir, int *done)
{
	char newdir[4096];
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int rc = 0;
	(void)conf;
	*done = 0;
	mail_init();
	if (spool_setup(data_dir))
		return HELPO_EIO;
	snprintf(newdir, sizeof newdir, "%s/spool/new", data_dir);
	if (!(d = opendir(newdir)))
		return HELPO_EIO;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			char **nn = realloc(names, ncap * sizeof *names);
			if (!nn) {
				rc = HELPO_ENOMEM;
				break;
			}
			names = nn;
			cap = ncap;
		}
		if (!(names[n] = strdup(de->d_name))) {
			rc = HELPO_ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (!rc && n)
		qsort(names, n, sizeof *names, cmp_names);
	{
		/* commits are deferred and made durable a batch at a time: one fsync per batch */
		struct batch b = {.n = 0};
		int frc;
		db_defer_commits(db, true);
		for (size_t i = 0; !rc && i < n; i++) {
			if (jobs_stopping())
				break;
			rc = process_one(db, newdir, names[i], &b);
			if (b.n == BATCH_MAX && (frc = flush_batch(db, newdir, &b, done)) && !rc)
				rc = frc;
		}
		if ((frc = flush_batch(db, newdir, &b, done)) && !rc)
			rc = frc;
		db_defer_commits(db, false);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

void mail_worker_loop(const struct job_ctx *ctx)
{
	struct db_options o = {0};
	struct db *db = NULL;
	bool warned = false;
	pthread_mutex_lock(&dir_lock);
	snprintf(worker_dir, sizeof worker_dir, "%s", ctx->data_dir);
	pthread_mutex_unlock(&dir_lock);
	mail_init();
	o.synchronous_full = ctx->conf->db_synchronous_full;
	o.busy_timeout_ms = ctx->conf->db_busy_timeout_ms;
	if (spool_setup(ctx->data_dir))
		log_warn("mail spool: cannot create %s/spool/{tmp,new}", ctx->data_dir);
	do {
		int done = 0, rc;
		if (!db && db_open(&db, ctx->db_path, &o)) {
			db = NULL;
			if (!warned)
				log_error("mail worker: cannot open the database");
			warned = true;
			continue;
		}
		rc = mail_process_spool(db, ctx->conf, ctx->data_dir, &done);
		if (done)
			log_info("mail worker: %d message(s) processed", done);
		if (rc && rc != HELPO_EBUSY) {
			if (!warned)
				log_error("mail worker: %s", helpo_strerror(rc));
			warned = true;
		} else if (!rc) {
			warned = false;
		}
	} while (!jobs_sleep(ctx->conf->mail_poll_ms > 0 ? ctx->conf->mail_poll_ms : 1000));
	if (db)
		db_close(db);
}

/* ---- quarantine ---- */

static json_t *quarantine_row(struct db_stmt *st)
{
	char created[32], updated[32];
	const char *mb = db_col_text(st, 2);
	time_iso8601(db_col_int(st, 6), created);
	time_iso8601(db_col_int(st, 7), updated);
	return json_pack("{s:I,s:s,s:s?,s:s,s:I,s:I,s:s,s:s}", "id", (json_int_t)db_col_int(st, 0),
			 "ingest_id", db_col_text(st, 1), "mailbox", mb, "reason",
			 db_col_text(st, 3), "attempts", (json_int_t)db_col_int(st, 4), "size",
			 (json_int_t)db_col_int(st, 5), "created_at", created, "updated_at",
			 updated);
}

#define QUARANTINE_COLS                                                                          \
	"SELECT id, ingest_id, mailbox, reason, attempts, length(raw), created_at, updated_at "  \
	"FROM mail_quarantine "

int mail_quarantine_list(struct db *db, int64_t after_id, int offset, int limit, json_t **rows,
			 bool *has_more, int64_t *count)
{
	struct db_stmt *st;
	json_t *arr = json_array();
	int rc, n = 0;
	*rows = NULL;
	*has_more = false;
	if (!arr)
		return HELPO_ENOMEM;
	if (limit < 1)
		limit = 1;
	if (offset < 0)
		offset = 0;
	if (count && (rc = db_int(db, count, "SELECT count(*) FROM mail_quarantine", ""))) {
		json_decref(arr);
		return rc;
	}
	if ((rc = db_query(db, &st, QUARANTINE_COLS "WHERE id > ? ORDER BY id LIMIT ? OFFSET ?",
			   "iii", after_id, (int64_t)limit + 1, (int64_t)offset))) {
		json_decref(arr);
		return rc;
	}
	while ((rc = db_step(st)) == DB_ROW) {
		json_t *r;
		if (n == limit) {
			*has_more = true;
			continue;
		}
		if (!(r = quarantine_row(st)) || json_array_append_new(arr, r)) {
			rc = HELPO_ENOMEM;
			break;
		}
		n++;
	}
	db_done(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*rows = arr;
	return 0;
}

int mail_quarantine_get(struct db *db, int64_t id, json_t **meta, void **raw, size_t *len)
{
	struct db_stmt *st;
	int rc;
	*meta = NULL;
	if (raw)
		*raw = NULL;
	if (len)
		*len = 0;
	if ((rc = db_query(db, &st, QUARANTINE_COLS "WHERE id = ?", "i", id)))
		return rc;
	rc = db_step(st);
	if (rc != DB_ROW) {
		db_done(st);
		return rc < 0 ? rc : HELPO_ENOTFOUND;
	}
	if (!(*meta = quarantine_row(st))) {
		db_done(st);
		return HELPO_ENOMEM;
	}
	db_done(st);
	if (!raw)
		return 0;
	if ((rc = db_query(db, &st, "SELECT raw FROM mail_quarantine WHERE id = ?", "i", id)))
		goto fail;
	if ((rc = db_step(st)) != DB_ROW) {
		db_done(st);
		rc = rc < 0 ? rc : HELPO_ENOTFOUND;
		goto fail;
	}
	{
		size_t n = 0;
		const void *b = db_col_blob(st, 0, &n);
		*raw = malloc(n + 1);
		if (!*raw) {
			db_done(st);
			rc = HELPO_ENOMEM;
			goto fail;
		}
		if (n)
			memcpy(*raw, b, n);
		((char *)*raw)[n] = '\0';
		*len = n;
	}
	db_done(st);
	return 0;
fail:
	json_decref(*meta);
	*meta = NULL;
	return rc;
}

int mail_quarantine_retry(struct db *db, const char *data_dir, int64_t id)
{
	json_t *meta;
	void *raw;
	size_t len;
	const char *mb;
	char name[256];
	int rc = mail_quarantine_get(db, id, &meta, &raw, &len);
	if (rc)
		return rc;
	mb = json_string_value(json_object_get(meta, "mailbox"));
	if ((rc = spool_setup(data_dir)) == 0)
		rc = spool_put(data_dir, raw, len, mb, name);
	free(raw);
	json_decref(meta);
	if (rc)
		return rc;
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = db_exec(db, "DELETE FROM mail_quarantine WHERE id = ?", "i", id))) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}
