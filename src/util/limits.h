/*
 * limits.h — every size and count cap applied to untrusted input, named once.
 * Past a limit, callers answer a clear error and store nothing partial.
 */
#ifndef HELPO_LIMITS_H
#define HELPO_LIMITS_H

#define HELPO_MAX_BODY_BYTES (2 * 1024 * 1024) /* one HTTP request body */
#define HELPO_MAX_HEADER_BYTES (32 * 1024)     /* request line + headers (MHD memory limit) */
#define HELPO_MAX_JSON_DEPTH 32                /* nesting of arrays/objects in a JSON body */
#define HELPO_MAX_SUBJECT_BYTES 1024           /* ticket subject */
#define HELPO_MAX_COMMENT_BYTES (256 * 1024)   /* one comment body (text or html) */
#define HELPO_MAX_NAME_BYTES 255               /* user/org/group names */
#define HELPO_MAX_EMAIL_BYTES 254              /* RFC 5321 path limit */
#define HELPO_MAX_TEXT_BYTES (64 * 1024)       /* notes, details, descriptions */
#define HELPO_MAX_TAGS 100                     /* tags on one ticket */
#define HELPO_MAX_TAG_BYTES 80                 /* one tag */
#define HELPO_MAX_CUSTOM_FIELDS_BYTES (32 * 1024) /* custom_fields JSON, serialized */
#define HELPO_MAX_PAGE_SIZE 100                /* page[size] / per_page */
#define HELPO_DEFAULT_PAGE_SIZE 100            /* Zendesk's default per_page */
#define HELPO_MAX_SHOW_MANY 100                /* ids in show_many */
#define HELPO_MAX_QUERY_BYTES 1024             /* search query string */
#define HELPO_MAX_QUERY_TERMS 32               /* terms in one search query */
#define HELPO_MAX_SEARCH_RESULTS 1000          /* Zendesk caps search at 1000 results */
#define HELPO_MAX_PASSWORD_BYTES 1024          /* password length accepted */
#define HELPO_MIN_PASSWORD_BYTES 8             /* shortest password accepted */
#define HELPO_MAX_IDEMPOTENCY_KEY_BYTES 255    /* Idempotency-Key header */
#define HELPO_MAX_ACCEPT_LANGUAGE_BYTES 4096     /* Accept-Language bytes read */
#define HELPO_MAX_ACCEPT_LANGUAGE_RANGES 64     /* language ranges read from it */

/* E-mail (src/mail/) */
#define HELPO_MAX_MESSAGE_BYTES (32 * 1024 * 1024) /* one raw message; mail-in exits 65 past it */
#define HELPO_MAX_MAIL_HEADER_BYTES (256 * 1024)   /* a message's header block; past it: truncated */
#define HELPO_MAX_MIME_DEPTH 100                  /* nesting of multiparts/message parts */
#define HELPO_MAX_MIME_PARTS 10000                /* parts walked in one message */
#define HELPO_MAX_ATTACHMENT_BYTES (25 * 1024 * 1024) /* one attachment; larger ones are dropped, noted */
#define HELPO_MAX_ATTACHMENTS 100                 /* attachments kept per message */
#define HELPO_MAX_MAIL_ADDRESSES 100              /* To + Cc addresses considered */
#define HELPO_MAX_REFERENCES 50                   /* Message-IDs read from References */
#define HELPO_MAIL_MAX_ATTEMPTS 5                 /* processing tries before quarantine */

#endif
