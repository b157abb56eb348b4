/*
 * conf.c — the settings table; see conf.h.
 */
#include "util/conf.h"
#include "util/log.h"
#include <ctype.h>
#include <errno.h>

enum conf_type { CONF_INT, CONF_STR, CONF_BOOL };

struct conf_entry {
	const char *name;
	enum conf_type type;
	const char *def;
	long min, max;   /* ints: bounds; strings: max length */
	size_t offset;
	const char *help;
};

#define OFF(f) offsetof(struct conf, f)
static const struct conf_entry entries[] = {
	{"listen", CONF_STR, "127.0.0.1:8080", 0, 127, OFF(listen),
	 "address and port `helpo serve` listens on"},
	{"http_threads", CONF_INT, "4", 1, 64, OFF(http_threads),
	 "HTTP worker threads, each with its own database connection"},
	{"db_synchronous_full", CONF_BOOL, "yes", 0, 1, OFF(db_synchronous_full),
	 "yes: SQLite synchronous=FULL (no committed write lost on power failure); no: NORMAL"},
	{"db_busy_timeout_ms", CONF_INT, "5000", 0, 600000, OFF(db_busy_timeout_ms),
	 "how long a write waits for the database lock before failing"},
	{"connection_timeout_s", CONF_INT, "30", 1, 3600, OFF(connection_timeout_s),
	 "idle or slow HTTP connections are closed after this many seconds"},
	{"session_hours", CONF_INT, "12", 1, 8760, OFF(session_hours),
	 "web session lifetime; 'remember me' keeps it 30 times longer"},
	{"login_max_failures", CONF_INT, "5", 1, 1000, OFF(login_max_failures),
	 "failed logins per address or account before each further try must wait longer"},
	{"log_level", CONF_STR, "info", 0, 15, OFF(log_level), "debug, info, warn or error"},
	{"trusted_proxy", CONF_STR, "", 0, 63, OFF(trusted_proxy),
	 "IP of your reverse proxy: its X-Forwarded-For names the client (rate limits, logs)"},
	{"mail_hostname", CONF_STR, "helpo.localhost", 0, 127, OFF(mail_hostname),
	 "domain of Helpo's Message-IDs and the SMTP HELO name"},
	{"base_url", CONF_STR, "", 0, 255, OFF(base_url),
	 "how people reach this desk (https://help.example.com), for links in mail; "
	 "empty: https://<mail_hostname>"},
	{"smtp_url", CONF_STR, "", 0, 255, OFF(smtp_url),
	 "outgoing mail relay, smtp://host:port or smtps://host:port; empty: mail stays queued"},
	{"smtp_username", CONF_STR, "", 0, 127, OFF(smtp_username), "SMTP AUTH user (optional)"},
	{"smtp_password", CONF_STR, "", 0, 127, OFF(smtp_password),
	 "SMTP AUTH password (optional; keep helpo.conf private)"},
	{"smtp_starttls", CONF_BOOL, "no", 0, 1, OFF(smtp_starttls),
	 "yes: refuse to send over smtp:// without STARTTLS"},
	{"mail_poll_ms", CONF_INT, "500", 10, 60000, OFF(mail_poll_ms),
	 "how often the spool and outbox workers look for new work"},
	{"imap_poll_s", CONF_INT, "30", 1, 86400, OFF(imap_poll_s),
	 "how often IMAP accounts are polled"},
	{"auto_reply_hourly", CONF_INT, "3", 0, 1000, OFF(auto_reply_hourly),
	 "automatic mails (acknowledgements) to one address per hour, at most"},
	{"auto_reply_daily", CONF_INT, "10", 0, 10000, OFF(auto_reply_daily),
	 "automatic mails to one address per day, at most"},
};

static int set_entry(struct conf *c, const struct conf_entry *e, const char *v, char *err,
		     size_t errlen)
{
	char *p = (char *)c + e->offset;
	if (e->type == CONF_STR) {
		size_t n = strlen(v);
		if ((long)n > e->max) {
			snprintf(err, errlen, "%s: value longer than %ld bytes", e->name, e->max);
			return HELPO_EINVAL;
		}
		if (!strcmp(e->name, "log_level")) {
			enum log_level l;
			if (log_level_parse(v, &l)) {
				snprintf(err, errlen, "log_level: expected debug|info|warn|error");
				return HELPO_EINVAL;
			}
		}
		memcpy(p, v, n + 1); /* only once valid: a failed set leaves the old value */
		return 0;
	}
	if (e->type == CONF_BOOL) {
		if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1") ||
		    !strcmp(v, "on"))
			*(int *)p = 1;
		else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0") ||
			 !strcmp(v, "off"))
			*(int *)p = 0;
		else {
			snprintf(err, errlen, "%s: expected yes or no, got '%.40s'", e->name, v);
			return HELPO_EINVAL;
		}
		return 0;
	}
	{
		char *end;
		long n;
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || end == v || *end || n < e->min || n > e->max) {
			snprintf(err, errlen, "%s: expected an integer from %ld to %ld, got '%.40s'",
				 e->name, e->min, e->max, v);
			return HELPO_EINVAL;
		}
		*(int *)p = (int)n;
	}
	return 0;
}

void conf_defaults(struct conf *c)
{
	char err[128];
	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < ARRAY_SIZE(entries); i++)
		helpo_assert(set_entry(c, &entries[i], entries[i].def, err, sizeof err) == 0);
}

int conf_set(struct conf *c, const char *name, const char *value, char *err, size_t errlen)
{
	for (size_t i = 0; i < ARRAY_SIZE(entries); i++)
		if (!strcmp(entries[i].name, name))
			return set_entry(c, &entries[i], value, err, errlen);
	snprintf(err, errlen, "unknown setting '%.60s' (see `helpo config`)", name);
	return HELPO_EINVAL;
}

static char *trim(char *s)
{
	char *e;
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int conf_load_file(struct conf *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[1024], sub[256];
	int lineno = 0;
	if (!f)
		return errno == ENOENT ? 0 : HELPO_EIO;
	while (fgets(line, sizeof line, f)) {
		char *s, *eq;
		lineno++;
		s = trim(line);
		if (!*s || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%d: expected 'name = value'", path, lineno);
			fclose(f);
			return HELPO_EINVAL;
		}
		*eq = '\0';
		if (conf_set(c, trim(s), trim(eq + 1), sub, sizeof sub)) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, sub);
			fclose(f);
			return HELPO_EINVAL;
		}
	}
	fclose(f);
	return 0;
}

void conf_print(const struct conf *c, FILE *out)
{
	fprintf(out, "%-22s %-16s %-16s %s\n", "NAME", "VALUE", "DEFAULT", "DESCRIPTION");
	for (size_t i = 0; i < ARRAY_SIZE(entries); i++) {
		const struct conf_entry *e = &entries[i];
		const char *p = (const char *)c + e->offset;
		char val[160];
		if (e->type == CONF_STR && strstr(e->name, "password") && *p)
			snprintf(val, sizeof val, "(set)");
		else if (e->type == CONF_STR)
			snprintf(val, sizeof val, "%s", p);
		else if (e->type == CONF_BOOL)
			snprintf(val, sizeof val, "%s", *(const int *)p ? "yes" : "no");
		else
			snprintf(val, sizeof val, "%d", *(const int *)p);
		fprintf(out, "%-22s %-16s %-16s %s\n", e->name, val, e->def, e->help);
	}
}
