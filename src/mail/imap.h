/*
 * imap.h — the IMAP poller's small, bounded parsers of server answers and of account URLs
 * (mail/imap.c). The poller itself is imap_poll_all/imap_loop in jobs/jobs.h; these are
 * exported so the unit tests can feed them hostile input.
 *
 * Every parser takes (text, len) — the text need not be NUL-terminated — and never reads past
 * len. They return 0 or HELPO_EINVAL on a malformed answer (never a partial result).
 */
#ifndef HELPO_MAIL_IMAP_H
#define HELPO_MAIL_IMAP_H

#include "util/common.h"

#define IMAP_MAX_RESPONSE_BYTES (4 * 1024 * 1024) /* one command's untagged answer */
#define IMAP_MAX_MAILBOX_NAME 200                 /* decoded mailbox name in the URL */
#define IMAP_BATCH 200                            /* UIDs taken from one UID SEARCH */
#define IMAP_SEARCH_WINDOW 20000                  /* UIDs one UID SEARCH spans (answer < 300 KB) */

/* Finds "* OK [UIDVALIDITY n]" (EXAMINE/SELECT answer). n must be 1..2^32-1. */
int imap_parse_uidvalidity(const char *s, size_t len, uint32_t *out);
/* The same for "* OK [UIDNEXT n]". */
int imap_parse_uidnext(const char *s, size_t len, uint32_t *out);

/* Reads every "* SEARCH n n ..." line; keeps the UIDs > after, ascending, without duplicates,
 * at most max of them (the smallest). *n gets how many were kept. A token that is not a
 * number in 1..2^32-1 makes the whole answer invalid. */
int imap_parse_search(const char *s, size_t len, uint32_t after, uint32_t *uids, size_t max,
		      size_t *n);

/* What "UID FETCH uid (UID RFC822.SIZE FLAGS)" said about one message. */
struct imap_meta {
	bool found;    /* a FETCH line for this UID was present */
	bool has_size; /* RFC822.SIZE was given */
	uint64_t size;
	bool seen;     /* \Seen among its FLAGS */
};
/* Reads the "* n FETCH (...)" line carrying "UID uid". Lines for other UIDs (unsolicited
 * flag updates) are ignored; a malformed FETCH line is HELPO_EINVAL. */
int imap_parse_fetch_meta(const char *s, size_t len, uint32_t uid, struct imap_meta *m);

/* An account URL, imap://host[:port][/MAILBOX] or imaps://..., split for the poller. */
struct imap_url {
	bool imaps;
	char base[1200];                          /* "imap://host:port" (no path) */
	char mailbox[IMAP_MAX_MAILBOX_NAME + 1];  /* decoded name, "INBOX" by default */
};
/* Accepts only imap/imaps URLs without credentials, query, fragment or ';' parameters, and a
 * mailbox name of printable ASCII without '"', '\\', '%', '*', ';', '?' or '#'. */
int imap_url_parse(const char *url, struct imap_url *u);

#endif
