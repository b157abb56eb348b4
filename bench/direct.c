/*
 * bench/direct.c — the ticket-create transaction straight against SQLite, without HTTP, to
 * give bench/run the physical limit the API is compared with; and the 100k-ticket seeder.
 *
 *   bench-direct create DB SECONDS  desk_ticket_create in a loop, single-threaded, on a fresh
 *                                   DB (synchronous=FULL, as `helpo serve` opens it)
 *   bench-direct raw DB SECONDS     the same rows written with plain SQL in one transaction:
 *                                   ticket + first comment + FTS row + two events
 *   bench-direct fsync FILE SECONDS 4 KiB write + fdatasync in a loop, overwriting a
 *                                   preallocated file, then appending: what the disk allows
 *                                   right now (each durable commit needs at least one)
 *   bench-direct seed DB N          adds N varied tickets to an existing Helpo database through
 *                                   desk_ticket_create (same code path, synchronous=OFF)
 *
 * Each mode prints one line of key=value pairs on stdout for bench/run to parse.
 */
#include "db/db.h"
#include "desk/desk.h"
#include "util/log.h"
#include "util/timeutil.h"
#include <fcntl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* The same ticket the wrk create script posts (bench/create.lua). */
#define SUBJECT "Bench ticket %ld: gadget arrived damaged"
#define BODY                                                                                       \
	"Hello, the gadget I ordered last week arrived with a cracked screen and a dented "        \
	"case. Could you send a replacement or tell me how to return it? Order %ld. Thanks!"

#define ONE_HIT_WORD "quokkazebra"
#define COMMON_WORD  "printer"
#define SEED_GROUPS  4
#define SEED_USERS   200

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(double *v, long n, double p)
{
	long i;
	if (n <= 0)
		return 0;
	i = (long)(p / 100.0 * (double)(n - 1) + 0.5);
	return v[i];
}

static void die(const char *what, int rc, struct db *db)
{
	fprintf(stderr, "bench-direct: %s failed: %s%s%s\n", what, helpo_strerror(rc),
	        db ? ": " : "", db ? db_errmsg(db) : "");
	exit(1);
}

/* A fresh database at path (the file and its WAL are removed first), migrated. */
static struct db *open_fresh(const char *path)
{
	struct db_options o = {.synchronous_full = true, .busy_timeout_ms = 5000};
	char side[4200];
	struct db *db;
	int rc;
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
	if ((rc = db_open(&db, path, &o)))
		die("db_open", rc, NULL);
	if ((rc = db_migrate(db, NULL)))
		die("db_migrate", rc, db);
	return db;
}

/* Creates a user as the system and returns its id. */
static int64_t add_user(struct db *db, const char *role, const char *email, const char *name)
{
	struct desk_actor sys = {0, DESK_ADMIN, 0};
	struct desk_err err = {0};
	json_t *in = json_pack("{s:s,s:s,s:s}", "role", role, "email", email, "name", name), *out;
	int64_t id;
	int rc = desk_user_create(db, &sys, in, &out, &err);
	json_decref(in);
	if (rc) {
		fprintf(stderr, "bench-direct: user %s: %s %s\n", email, err.field, err.message);
		exit(1);
	}
	id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return id;
}

struct run {
	long n;
	double *lat_ms;
	long cap;
};

static void run_note(struct run *r, double ms)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 65536;
		r->lat_ms = realloc(r->lat_ms, (size_t)r->cap * sizeof *r->lat_ms);
		if (!r->lat_ms) {
			fputs("bench-direct: out of memory\n", stderr);
			exit(1);
		}
	}
	r->lat_ms[r->n++] = ms;
}

static void run_report(const char *mode, struct run *r, double secs, double cpu)
{
	qsort(r->lat_ms, (size_t)r->n, sizeof *r->lat_ms, cmp_double);
	printf("mode=%s n=%ld seconds=%.2f rate=%.1f p50_ms=%.3f p99_ms=%.3f cpu_ms_per=%.3f\n",
	       mode, r->n, secs, (double)r->n / secs, pct(r->lat_ms, r->n, 50),
	       pct(r->lat_ms, r->n, 99), r->n ? cpu * 1000.0 / (double)r->n : 0.0);
	free(r->lat_ms);
}

/* desk_ticket_create, as the API calls it for an admin with an API token. */
static int mode_create(const char *path, double seconds)
{
	struct db *db = open_fresh(path);
	int64_t admin = add_user(db, "admin", "bench-admin@example.com", "Bench Admin");
	struct desk_actor a = {admin, DESK_ADMIN, 0};
	struct run r = {0};
	char subject[128], body[512];
	double t0 = now_s(), c0 = cpu_s(), t;
	for (long i = 1; (t = now_s()) - t0 < seconds; i++) {
		struct desk_err err = {0};
		json_t *in, *out = NULL;
		int rc;
		snprintf(subject, sizeof subject, SUBJECT, i);
		snprintf(body, sizeof body, BODY, i);
		in = json_pack("{s:s,s:s,s:{s:s}}", "subject", subject, "priority", "normal",
		               "comment", "body", body);
		rc = desk_ticket_create(db, &a, in, NULL, &out, &err);
		json_decref(in);
		json_decref(out);
		if (rc) {
			fprintf(stderr, "bench-direct: create: %s %s\n", err.field, err.message);
			die("desk_ticket_create", rc, db);
		}
		run_note(&r, (now_s() - t) * 1000.0);
	}
	run_report("create", &r, now_s() - t0, cpu_s() - c0);
	db_close(db);
	return 0;
}

/* The same rows in plain SQL: what the transaction costs without the domain layer. */
static int mode_raw(const char *path, double seconds)
{
	struct db *db = open_fresh(path);
	int64_t admin = add_user(db, "admin", "bench-admin@example.com", "Bench Admin");
	struct run r = {0};
	char subject[128], body[512], html[600], payload[256];
	double t0 = now_s(), c0 = cpu_s(), t;
	for (long i = 1; (t = now_s()) - t0 < seconds; i++) {
		int64_t id, cid, now = time_now_ms();
		int rc;
		snprintf(subject, sizeof subject, SUBJECT, i);
		snprintf(body, sizeof body, BODY, i);
		snprintf(html, sizeof html, "<p>%s</p>", body);
		if ((rc = db_begin(db)))
			die("begin", rc, db);
		if ((rc = db_int(
		         db, &id,
		         "INSERT INTO tickets (subject, description, status, priority, via, "
		         "requester_id, submitter_id, tags, custom_fields, created_at, "
		         "updated_at) VALUES (?, ?, 'new', 'normal', 'api', ?, ?, '[]', '[]', "
		         "?, ?) RETURNING id",
		         "ssiiii", subject, body, admin, admin, now, now)))
			die("insert ticket", rc, db);
		if ((rc = db_int(
		         db, &cid,
		         "INSERT INTO comments (ticket_id, author_id, public, body, html_body, "
		         "via, created_at) VALUES (?, ?, 1, ?, ?, 'api', ?) RETURNING id",
		         "iissi", id, admin, body, html, now)))
			die("insert comment", rc, db);
		if ((rc = db_exec(db,
		                  "INSERT INTO ticket_fts (rowid, subject, pub, internal) "
		                  "VALUES (?, ?, ?, '')",
		                  "iss", id, subject, body)))
			die("insert fts", rc, db);
		snprintf(payload, sizeof payload,
		         "{\"comment_id\":%lld,\"public\":true,\"author_id\":%lld}", (long long)cid,
		         (long long)admin);
		if ((rc = db_exec(
		         db,
		         "INSERT INTO events (ticket_id, actor_id, kind, payload, created_at) "
		         "VALUES (?, ?, 'comment.added', ?, ?)",
		         "iisi", id, admin, payload, now)))
			die("insert event", rc, db);
		snprintf(payload, sizeof payload, "{\"id\":%lld,\"subject\":\"bench\"}",
		         (long long)id);
		if ((rc = db_exec(
		         db,
		         "INSERT INTO events (ticket_id, actor_id, kind, payload, created_at) "
		         "VALUES (?, ?, 'ticket.created', ?, ?)",
		         "iisi", id, admin, payload, now)))
			die("insert event", rc, db);
		if ((rc = db_commit(db)))
			die("commit", rc, db);
		run_note(&r, (now_s() - t) * 1000.0);
	}
	run_report("raw", &r, now_s() - t0, cpu_s() - c0);
	db_close(db);
	return 0;
}

/* One durability probe: 4 KiB writes each followed by fdatasync, for `seconds`, either
 * overwriting a preallocated 4 MiB file (as SQLite reuses its WAL after a checkpoint) or
 * appending (a file that grows: the database at checkpoint time, a WAL that grows). */
static int fsync_probe(const char *path, double seconds, bool append, struct run *r)
{
	static char page[4096];
	double t0, t;
	long slot = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		goto fail;
	memset(page, 'x', sizeof page);
	for (int i = 0; !append && i < 1024; i++)
		if (write(fd, page, sizeof page) != (ssize_t)sizeof page)
			goto fail;
	if (fsync(fd))
		goto fail;
	t0 = now_s();
	while ((t = now_s()) - t0 < seconds) {
		off_t off = (off_t)(append ? slot++ : slot++ % 1024) * (off_t)sizeof page;
		if (pwrite(fd, page, sizeof page, off) != (ssize_t)sizeof page || fdatasync(fd))
			goto fail;
		run_note(r, (now_s() - t) * 1000.0);
	}
	close(fd);
	unlink(path);
	return 0;
fail:
	perror(path);
	if (fd >= 0)
		close(fd);
	return 1;
}

/* The disk's own limit right now: half the time overwriting, half appending. */
static int mode_fsync(const char *path, double seconds)
{
	struct run in = {0}, ap = {0};
	if (fsync_probe(path, seconds / 2, false, &in) || fsync_probe(path, seconds / 2, true, &ap))
		return 1;
	qsort(in.lat_ms, (size_t)in.n, sizeof *in.lat_ms, cmp_double);
	qsort(ap.lat_ms, (size_t)ap.n, sizeof *ap.lat_ms, cmp_double);
	printf("mode=fsync rate=%.1f p50_ms=%.3f p99_ms=%.3f append_rate=%.1f append_p50_ms=%.3f "
	       "append_p99_ms=%.3f\n",
	       (double)in.n / (seconds / 2), pct(in.lat_ms, in.n, 50), pct(in.lat_ms, in.n, 99),
	       (double)ap.n / (seconds / 2), pct(ap.lat_ms, ap.n, 50), pct(ap.lat_ms, ap.n, 99));
	free(in.lat_ms);
	free(ap.lat_ms);
	return 0;
}

/* ---- seeding ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	uint64_t x = rng_state; /* xorshift64* */
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

static long rnd(long n)
{
	return (long)(rng() % (uint64_t)n);
}

/* A vocabulary of consonant-vowel pseudo-words ("kalome"): none can equal COMMON_WORD or
 * ONE_HIT_WORD, which both hold two consonants in a row. */
#define VOCAB 5000
static char vocab[VOCAB][16];
static double vocab_cum[VOCAB]; /* cumulative Zipf weights 1/(i+1) */

static void vocab_init(void)
{
	static const char cons[] = "bdfgklmnprstvz", vow[] = "aeiou";
	for (int i = 0; i < VOCAB; i++) {
		int syl = 2 + (int)rnd(3), k = 0;
		for (int s = 0; s < syl; s++) {
			vocab[i][k++] = cons[rnd(sizeof cons - 1)];
			vocab[i][k++] = vow[rnd(sizeof vow - 1)];
		}
		vocab[i][k] = '\0';
		vocab_cum[i] = (i ? vocab_cum[i - 1] : 0.0) + 1.0 / (double)(i + 1);
	}
}

/* Zipf-like pick: word i has weight ~ 1/(i+1), so low indexes are much more frequent. */
static const char *word(void)
{
	double u = (double)(rng() >> 11) / 9007199254740992.0 * vocab_cum[VOCAB - 1];
	int lo = 0, hi = VOCAB - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (vocab_cum[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return vocab[lo];
}

static void words(struct buf *b, int n, bool common)
{
	int at = common ? (int)rnd(n) : -1;
	for (int i = 0; i < n; i++) {
		if (b->len)
			buf_addc(b, ' ');
		buf_adds(b, i == at ? COMMON_WORD : word());
	}
}

static int64_t group_id(struct db *db, int k)
{
	struct desk_actor sys = {0, DESK_ADMIN, 0};
	struct desk_err err = {0};
	char name[64];
	int64_t id;
	json_t *in, *out;
	int rc;
	snprintf(name, sizeof name, "Bench group %c", 'A' + k);
	if (!db_int(db, &id, "SELECT id FROM groups WHERE name = ?", "s", name))
		return id;
	in = json_pack("{s:s}", "name", name);
	rc = desk_group_create(db, &sys, in, &out, &err);
	json_decref(in);
	if (rc) {
		fprintf(stderr, "bench-direct: group: %s %s\n", err.field, err.message);
		exit(1);
	}
	id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return id;
}

static int64_t seed_user(struct db *db, int k)
{
	char email[64], name[64];
	int64_t id;
	snprintf(email, sizeof email, "bench-customer-%d@example.com", k);
	if (!db_int(db, &id, "SELECT id FROM users WHERE email = ?", "s", email))
		return id;
	snprintf(name, sizeof name, "Customer %d", k);
	return add_user(db, "end-user", email, name);
}

static int mode_seed(const char *path, long n)
{
	static const char *const statuses[] = {"new",     "open", "open",   "open",   "pending",
	                                       "pending", "hold", "solved", "solved", "solved"};
	static const char *const prios[] = {"low", "normal", "normal", "high", "urgent"};
	struct db_options o = {.synchronous_full = false, .busy_timeout_ms = 30000};
	struct desk_actor sys = {0, DESK_ADMIN, 0};
	int64_t groups[SEED_GROUPS], users[SEED_USERS];
	struct buf subj = BUF_INIT(256), body = BUF_INIT(2048);
	struct db *db;
	long common = 0, one_hit = n / 2;
	double t0 = now_s();
	int rc;
	if ((rc = db_open(&db, path, &o)))
		die("db_open", rc, NULL);
	/* Seeding is set-up, not the measurement: skip the per-commit fsync. */
	if ((rc = db_exec(db, "PRAGMA synchronous=OFF", "")))
		die("pragma", rc, db);
	vocab_init();
	for (int k = 0; k < SEED_GROUPS; k++)
		groups[k] = group_id(db, k);
	for (int k = 0; k < SEED_USERS; k++)
		users[k] = seed_user(db, k);
	for (long i = 0; i < n; i++) {
		struct desk_err err = {0};
		json_t *in, *out = NULL;
		bool has_common = rnd(4) == 0;
		buf_reset(&subj);
		buf_reset(&body);
		words(&subj, 3 + (int)rnd(5), false);
		words(&body, 20 + (int)rnd(41), has_common);
		if (i == one_hit)
			buf_addf(&body, " %s", ONE_HIT_WORD);
		common += has_common;
		in = json_pack("{s:s,s:s,s:s,s:I,s:I,s:{s:s},s:[s]}", "subject", subj.data,
		               "status", statuses[rnd(ARRAY_SIZE(statuses))], "priority",
		               prios[rnd(ARRAY_SIZE(prios))], "requester_id",
		               (json_int_t)users[rnd(SEED_USERS)], "group_id",
		               (json_int_t)groups[rnd(SEED_GROUPS)], "comment", "body", body.data,
		               "tags", "seeded");
		rc = desk_ticket_create(db, &sys, in, NULL, &out, &err);
		json_decref(in);
		json_decref(out);
		if (rc) {
			fprintf(stderr, "bench-direct: seed: %s %s\n", err.field, err.message);
			die("desk_ticket_create", rc, db);
		}
	}
	printf("mode=seed n=%ld seconds=%.2f rate=%.1f group=%lld one_hit=%s common=%s "
	       "common_n=%ld\n",
	       n, now_s() - t0, (double)n / (now_s() - t0), (long long)groups[0], ONE_HIT_WORD,
	       COMMON_WORD, common);
	buf_release(&subj);
	buf_release(&body);
	db_close(db);
	return 0;
}

static int usage(void)
{
	fputs("usage: bench-direct create|raw DB SECONDS\n"
	      "       bench-direct fsync FILE SECONDS\n"
	      "       bench-direct seed DB N\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	double v;
	log_set_level(LOG_WARN);
	if (argc != 4)
		return usage();
	v = strtod(argv[3], NULL);
	if (v <= 0)
		return usage();
	if (!strcmp(argv[1], "create"))
		return mode_create(argv[2], v);
	if (!strcmp(argv[1], "raw"))
		return mode_raw(argv[2], v);
	if (!strcmp(argv[1], "fsync"))
		return mode_fsync(argv[2], v);
	if (!strcmp(argv[1], "seed"))
		return mode_seed(argv[2], (long)v);
	return usage();
}
