/*
 * search.c — fuzz target: any bytes as a search query (desk_search) for an end-user and an
 * admin on a small desk. The query must never crash, never error with a database error
 * (HELPO_EDB means query text reached SQL or FTS5 syntax), and an end-user must never get a
 * ticket that is not theirs.
 */
#include "fuzz.h"
#include "db/db.h"

static struct db *db;
#include "desk/desk.h"
#include "util/crypto.h"
#include "util/timeutil.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[64];

static void cleanup(void)
{
	char p[96];
	db_close(db);
	for (const char *const *f = (const char *const[]){"helpo.db", "helpo.db-wal", "helpo.db-shm",
							  NULL};
	     *f; f++) {
		snprintf(p, sizeof p, "%s/%s", tmpdir, *f);
		unlink(p);
	}
	rmdir(tmpdir);
}

static struct desk_actor admin = {0, DESK_ADMIN, 0}, customer;

static void setup(void)
{
	char dir[] = "/tmp/helpo-fuzz-XXXXXX", path[64];
	struct db_options o = {.synchronous_full = false, .busy_timeout_ms = 1000};
	struct desk_err err;
	const char *subjects[] = {"Printeris nedarbojas pieteikumā", "Ёлка не работает",
				  "Mia komputilo ne funkcias", "Invoice wrong"};
	crypto_setup();
	if (!mkdtemp(dir))
		abort();
	snprintf(tmpdir, sizeof tmpdir, "%s", dir);
	atexit(cleanup);
	snprintf(path, sizeof path, "%s/helpo.db", dir);
	if (db_open(&db, path, &o) || db_migrate(db, NULL))
		abort();
	for (int i = 0; i < 4; i++) {
		json_t *in = json_pack("{s:s,s:{s:s},s:{s:s,s:s},s:[s]}", "subject", subjects[i],
				       "comment", "body", "words and more words", "requester",
				       "name", "C", "email", i % 2 ? "a@x.test" : "b@x.test", "tags",
				       "vip"),
		       *out = NULL;
		if (desk_ticket_create(db, &admin, in, NULL, &out, &err))
			abort();
		json_decref(in);
		json_decref(out);
	}
	customer.role = DESK_END_USER;
	if (db_int(db, &customer.id, "SELECT id FROM users WHERE email = 'a@x.test'", ""))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *q;
	struct desk_page p = {.size = 25, .page = 1, .sort = "created_at", .desc = true};
	struct desk_list l;
	struct desk_err err;
	int rc;
	if (!db)
		setup();
	if (size > 2048)
		return 0;
	q = strndup((const char *)data, size);
	rc = desk_search(db, &admin, q, &p, &l, &err);
	if (rc == HELPO_EDB)
		abort();
	if (!rc)
		desk_list_release(&l);
	rc = desk_search(db, &customer, q, &p, &l, &err);
	if (rc == HELPO_EDB)
		abort();
	if (!rc) {
		size_t i;
		json_t *t;
		json_array_foreach(l.rows, i, t)
		{
			json_t *rid = json_object_get(t, "requester_id");
			if (json_is_integer(rid) && json_integer_value(rid) != customer.id)
				abort();
		}
		desk_list_release(&l);
	}
	free(q);
	return 0;
}
