/*
 * spool.h — the durable inbound spool: DIR/spool/{tmp,new}/.
 *
 * spool_put writes raw bytes to tmp/, fsyncs the file, renames it into new/ and fsyncs the
 * directory: only then is the message "accepted" (mail-in exits 0). A file name is
 * "<ms>.<pid>.<random>[.mailbox]" — never derived from message content. The worker takes files
 * from new/ in name order, commits each (desk_email_ingest, keyed by the SHA-256 of the bytes),
 * then unlinks it; a crash between commit and unlink replays the file and the ledger drops it.
 */
#ifndef HELPO_SPOOL_H
#define HELPO_SPOOL_H

#include "util/common.h"

/* Creates DIR/spool/{tmp,new} if needed. */
int spool_setup(const char *data_dir);
/* Stores one message; name_out (may be NULL) receives the file name in new/. HELPO_EIO on any
 * failure (nothing is left in new/ then). mailbox may be NULL. */
int spool_put(const char *data_dir, const void *raw, size_t len, const char *mailbox,
	      char name_out[256]);

#endif
