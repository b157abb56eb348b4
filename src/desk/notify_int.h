/*
 * notify_int.h — the outbox seen from the outbound mail worker (jobs/mail_out.c): the pieces
 * of desk/notify.c that are not desk_notify_* hooks. Private to desk/ and jobs/mail_out.c.
 *
 * Outbox rows are written only by desk/notify.c (inside the transaction of the change that
 * causes them); the worker claims, renders and sends them, and reports a permanent failure
 * back through desk_mail_undeliverable(), which marks the ticket in the same transaction.
 */
#ifndef HELPO_NOTIFY_INT_H
#define HELPO_NOTIFY_INT_H

#include "desk/desk.h"

/* Automatic-reply caps used when the settings table has no auto_reply_hourly/_daily (the
 * values of conf's auto_reply_hourly / auto_reply_daily defaults). */
#define HELPO_AUTO_REPLY_HOURLY_DEFAULT 3
#define HELPO_AUTO_REPLY_DAILY_DEFAULT 10
/* The right-hand side of our Message-IDs when the settings table has no mail_hostname. */
#define HELPO_MAIL_HOSTNAME_DEFAULT "helpo.localhost"

/* The mail host name (settings "mail_hostname", else the default) into out. */
void desk_mail_hostname(struct db *db, char *out, size_t len);

/*
 * Marks outbox row outbox_id failed with reason (last_error) and adds to its ticket, in one
 * transaction, an internal note "Mail to ADDRESSES could not be delivered: REASON" (author: the
 * comment's author for a reply, else the assignee, else the requester; flags "bounce") and a
 * "mail.failed" event. A row without a ticket is only marked failed.
 */
int desk_mail_undeliverable(struct db *db, int64_t outbox_id, const char *reason);

#endif
