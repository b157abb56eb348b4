/*
 * ticket.c — fuzz target: any bytes as the JSON body of a ticket create and then an update
 * (what the API hands to desk after parsing). Bad input must fail cleanly (never a crash or
 * HELPO_EDB) and a failed create must store nothing.
 */
#include "fuzz.h"
#include "db/db.h"

static struct db *db;
#include "desk/desk.h"
#include "util/crypto.h"
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

static struct desk_actor admin = {0, DESK_ADMIN, 0};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *doc, *t, *out = NULL;
	struct desk_err err;
	int64_t before, after;
	int rc;
	if (!db) {
		char dir[] = "/tmp/helpo-fuzz-XXXXXX", path[64];
		struct db_options o = {.synchronous_full = false, .busy_timeout_ms = 1000};
		crypto_setup();
		if (!mkdtemp(dir))
			abort();
		snprintf(tmpdir, sizeof tmpdir, "%s", dir);
		atexit(cleanup);
		snprintf(path, sizeof path, "%s/helpo.db", dir);
		if (db_open(&db, path, &o) || db_migrate(db, NULL))
			abort();
	}
	doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (!doc)
		return 0;
	t = json_object_get(doc, "ticket");
	if (!json_is_object(t)) {
		json_decref(doc);
		return 0;
	}
	db_int(db, &before, "SELECT count(*) FROM tickets", "");
	rc = desk_ticket_create(db, &admin, t, NULL, &out, &err);
	if (rc == HELPO_EDB)
		abort();
	db_int(db, &after, "SELECT count(*) FROM tickets", "");
	if ((rc && after != before) || (!rc && after != before + 1))
		abort();
	if (!rc) {
		json_t *upd = NULL;
		rc = desk_ticket_update(db, &admin, json_integer_value(json_object_get(out, "id")), t,
					&upd, &err);
		if (rc == HELPO_EDB)
			abort();
		json_decref(upd);
	}
	json_decref(out);
	json_decref(doc);
	return 0;
}
