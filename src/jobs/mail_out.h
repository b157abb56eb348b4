/*
 * mail_out.h — the outbound mail worker's steps, private to jobs/mail_out.c and its tests:
 * rendering an outbox row into an RFC 5322 message, the retry schedule, and recording the
 * outcome of a delivery attempt. mail_out_send_due / mail_out_loop (jobs.h) chain them.
 */
#ifndef HELPO_MAIL_OUT_H
#define HELPO_MAIL_OUT_H

#include "jobs/jobs.h"
#include "db/db.h"
#include "util/limits.h"

/* Rows claimed by a worker stay 'sending' at most this long; then they are queued again (the
 * worker died mid-send). */
#define MAIL_OUT_LEASE_MS (10 * 60 * 1000)
/* Temporary failures are retried for this long after the row was queued; then it fails. */
#define MAIL_OUT_GIVE_UP_MS (4LL * 24 * 3600 * 1000)
/* Rows one mail_out_send_due call sends at most (the loop comes back for the rest). */
#define MAIL_OUT_BATCH 50
/* Caps on header values we set (after CR/LF/NUL are removed). */
#define MAIL_OUT_MAX_SUBJECT_BYTES 900
#define MAIL_OUT_MAX_NAME_BYTES 200
/* SMTP connect / whole-transaction timeouts. */
#define MAIL_OUT_CONNECT_TIMEOUT_S 15
#define MAIL_OUT_TIMEOUT_S 120

/* One rendered message. Every pointer is owned: release with mail_out_msg_release. */
struct mail_out_msg {
	int64_t id, ticket_id;
	char kind[24];
	char from[HELPO_MAX_EMAIL_BYTES + 1]; /* envelope sender: the mailbox address */
	char **rcpt;                          /* envelope recipients (valid addresses only) */
	int nrcpt;
	char *data; /* the message, CRLF line ends */
	size_t len;
};

/*
 * Renders outbox row id: headers (From, To, Subject with the ticket tag, Message-ID,
 * In-Reply-To/References, Auto-Submitted, X-Loop, Date, MIME-Version) and a
 * multipart/alternative text/plain + text/html body from the mailbox locale's templates.
 * HELPO_ENOTFOUND when the row or its mailbox is gone, HELPO_EINVAL when no recipient is valid.
 */
int mail_out_render(struct db *db, int64_t id, struct mail_out_msg *m);
void mail_out_msg_release(struct mail_out_msg *m);

/* Delay before the next try after `attempts` failed tries (1 min, 5, 15, 1 h, 2 h, 4 h, then
 * every 6 h). */
int64_t mail_out_backoff_ms(int attempts);

enum mail_out_result {
	MAIL_OUT_SENT,    /* the relay accepted it (2xx) */
	MAIL_OUT_RETRY,   /* 4xx, connection failure, timeout: try again later */
	MAIL_OUT_FAILED,  /* 5xx or unrenderable: never retried */
	MAIL_OUT_REQUEUE, /* interrupted by shutdown: queued again, not counted as an attempt */
};

/* Records the outcome of one attempt on row id at time now (ms): sent; queued again with the
 * backoff (or failed once MAIL_OUT_GIVE_UP_MS has passed); failed — a failed row leaves an
 * internal note on its ticket (desk_mail_undeliverable). reason may be NULL when sent. */
int mail_out_finish(struct db *db, int64_t id, enum mail_out_result r, const char *reason,
		    int64_t now);

/* Copies src into dst (cap bytes with the NUL) for use as a header value: CR, LF, tabs and
 * other control characters become spaces, and the text is cut at a UTF-8 character boundary. */
void mail_out_header_clean(char *dst, size_t cap, const char *src);

#endif
