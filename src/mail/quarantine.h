/*
 * quarantine.h — messages that failed processing HELPO_MAIL_MAX_ATTEMPTS times (table
 * mail_quarantine): listing, showing and retrying them, shared by `helpo mail-quarantine` and
 * the admin API (api/mail_admin.c). Implemented in mail/worker.c.
 */
#ifndef HELPO_QUARANTINE_H
#define HELPO_QUARANTINE_H

#include "util/common.h"
#include "db/db.h"
#include <jansson.h>

/* Rows by id (oldest first), without raw bytes: {id, ingest_id, mailbox, reason, attempts,
 * size, created_at, updated_at}. Returns up to limit rows with id > after_id, skipping offset;
 * *has_more tells whether more follow; *count (may be NULL) gets the total. */
int mail_quarantine_list(struct db *db, int64_t after_id, int offset, int limit, json_t **rows,
			 bool *has_more, int64_t *count);
/* One row's metadata (as in the list) and, when raw is not NULL, a malloc'd copy of its bytes.
 * HELPO_ENOTFOUND when there is no such row. */
int mail_quarantine_get(struct db *db, int64_t id, json_t **meta, void **raw, size_t *len);
/* Puts the message back into DIR/spool/new (attempts start again at 0), then deletes the row.
 * A crash in between leaves both; the ingest ledger makes the replay commit once. */
int mail_quarantine_retry(struct db *db, const char *data_dir, int64_t id);
/* The data directory of the running mail worker (set by mail_worker_loop), or NULL. */
const char *mail_worker_data_dir(void);

#endif
