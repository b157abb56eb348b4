/*
 * mail.h — reading one RFC 5322 message (GMime) into a struct desk_email.
 *
 * The parser never fails on a message's content: broken MIME, unknown charsets and limits
 * (header bytes, MIME depth HELPO_MAX_MIME_DEPTH, parts HELPO_MAX_MIME_PARTS, attachment size)
 * degrade to "content kept, flagged truncated". It fails only on OOM. Addresses are parsed as
 * structures before display names are decoded (RFC 2047 in a name never creates an address).
 *
 * Ownership: mail_parse returns a struct mail_msg owning every string and buffer its
 * `email` member points to; mail_msg_free releases them all.
 */
#ifndef HELPO_MAIL_H
#define HELPO_MAIL_H

#include "util/common.h"
#include "desk/desk.h"

struct mail_msg {
	struct desk_email email; /* borrowed pointers into this message */
	void *priv;              /* parser-owned storage */
};

/* Process-wide GMime setup; call once before mail_parse (idempotent, thread-safe). */
void mail_init(void);
/* Parses raw bytes. mailbox (may be NULL) is the support address it was delivered for. */
int mail_parse(const void *raw, size_t len, const char *mailbox, struct mail_msg **out);
void mail_msg_free(struct mail_msg *m);

#endif
