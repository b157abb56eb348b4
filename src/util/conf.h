/*
 * conf.h — the settings table (after Redis' static_configs[] and Postfix' postconf).
 *
 * Every setting has a name, type, default, bounds and description. Values come from the
 * defaults, then DIR/helpo.conf (`name = value`, `#` comments), then command-line flags.
 * conf_print() writes the table for `helpo config`.
 */
#ifndef HELPO_CONF_H
#define HELPO_CONF_H

#include "util/common.h"

struct conf {
	char listen[128];        /* ADDR:PORT for `helpo serve` */
	int http_threads;        /* worker threads (each owns one DB connection) */
	int db_synchronous_full; /* 1 = synchronous=FULL (durable), 0 = NORMAL */
	int db_busy_timeout_ms;  /* how long a writer waits for the lock */
	int connection_timeout_s; /* idle/slow connection timeout */
	int session_hours;       /* web session lifetime; "remember me" multiplies by 30 */
	int login_max_failures;  /* failed logins allowed before the progressive delay */
	char log_level[16];      /* debug | info | warn | error */
	char trusted_proxy[64];  /* address of a reverse proxy whose X-Forwarded-For is believed */
	/* e-mail */
	char mail_hostname[128]; /* right-hand side of our Message-IDs, HELO name */
	char base_url[256];      /* how people reach this desk, for links in mail */
	char smtp_url[256];      /* smtp://host:port or smtps://host:port; empty: no sending */
	char smtp_username[128];
	char smtp_password[128];
	int smtp_starttls;       /* require STARTTLS on smtp:// */
	int mail_poll_ms;        /* how often the spool and outbox workers look for work */
	int imap_poll_s;         /* how often IMAP accounts are polled */
	int auto_reply_hourly;   /* automatic mails to one address per hour */
	int auto_reply_daily;    /* ... and per day */
};


void conf_defaults(struct conf *c);
/* Loads DIR/helpo.conf if it exists. errbuf gets one line on failure (HELPO_EINVAL). */
int conf_load_file(struct conf *c, const char *path, char *errbuf, size_t errlen);
/* Sets one setting by name from text; used by the file loader and by CLI flags. */
int conf_set(struct conf *c, const char *name, const char *value, char *errbuf, size_t errlen);
void conf_print(const struct conf *c, FILE *out);

#endif
