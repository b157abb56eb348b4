/*
 * imap.c — the IMAP poller: fetches new mail from the imap_accounts rows into the spool.
 *
 * For each enabled account, over one libcurl handle (one connection, TLS per the account):
 *   1. EXAMINE the mailbox and read its UIDVALIDITY. When it differs from the stored one the
 *      server renumbered the mailbox: last_uid goes back to 0 and everything is fetched again
 *      (the ingest ledger keys messages by their SHA-256, so nothing is counted twice).
 *   2. UID SEARCH UID last_uid+1:hi, in windows of IMAP_SEARCH_WINDOW UIDs below UIDNEXT (a
 *      window found empty moves last_uid to its end); at most IMAP_BATCH UIDs per round.
 *   3. Per UID: UID FETCH (RFC822.SIZE FLAGS); a message over HELPO_MAX_MESSAGE_BYTES is skipped
 *      with a warning (left unread on the server) and last_uid moves past it. Otherwise the
 *      body is fetched (imap://.../MAILBOX;UIDVALIDITY=V/;UID=N, capped while it downloads),
 *      written with spool_put — the durable commit point — then last_uid is stored (one short
 *      write transaction per message) and only then the message is marked \Seen. libcurl's
 *      fetch asks for BODY[] (not BODY.PEEK[]), which sets \Seen on the server as a side effect;
 *      when spooling fails the flag is taken off again if the message was unread before.
 *      Nothing is ever deleted or moved.
 * A failure on one account is stored in its last_error (a success clears it) and the poller
 * goes on to the next. Server answers are read into capped buffers and parsed by small bounded
 * parsers (imap.h). The password goes to libcurl only; it is never logged nor stored in errors.
 *
 * The SQL on imap_accounts lives here rather than in desk/: it is the poller's operational
 * state (cursor and last error), not domain data; it still goes through db_* with bound
 * parameters, one short transaction per write.
 */
#include "mail/imap.h"
#include "db/db.h"
#include "jobs/jobs.h"
#include "mail/spool.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/timeutil.h"
#include <curl/curl.h>
#include <pthread.h>
#include <strings.h>

#define IMAP_MAX_ACCOUNTS 1000
#define IMAP_MAX_ERROR 400 /* bytes of last_error */
#define IMAP_CONNECT_TIMEOUT_S 20L
#define IMAP_TRANSFER_TIMEOUT_S 600L
#define IMAP_LOW_SPEED_TIME_S 60L

/* ---- parsers ---- */

/* Next line of [*p, end): sets [*ls, *le) without CR/LF, advances *p. False at the end. */
static bool next_line(const char **p, const char *end, const char **ls, const char **le)
{
	const char *nl;
	if (*p >= end)
		return false;
	*ls = *p;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	*le = nl ? nl : end;
	*p = nl ? nl + 1 : end;
	if (*le > *ls && (*le)[-1] == '\r')
		(*le)--;
	return true;
}

/* True when [p, end) starts with the ASCII word w, ignoring case. */
static bool starts_ci(const char *p, const char *end, const char *w)
{
	size_t n = strlen(w);
	return (size_t)(end - p) >= n && !strncasecmp(p, w, n);
}

/* Reads a decimal number of 1..20 digits, at most max. Advances *p. */
static int read_num(const char **p, const char *end, uint64_t max, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	int digits = 0;
	while (s < end && *s >= '0' && *s <= '9') {
		unsigned d = (unsigned)(*s - '0');
		if (v > (max - d) / 10)
			return HELPO_EINVAL;
		v = v * 10 + d;
		s++;
		if (++digits > 20)
			return HELPO_EINVAL;
	}
	if (!digits)
		return HELPO_EINVAL;
	*p = s;
	*out = v;
	return 0;
}

/* Finds "* OK [CODE n]" with n in 1..2^32-1. */
static int parse_ok_code(const char *s, size_t len, const char *code, uint32_t *out)
{
	const char *p = s, *end = s + len, *ls, *le;
	char prefix[40];
	snprintf(prefix, sizeof prefix, "* OK [%s ", code);
	while (next_line(&p, end, &ls, &le)) {
		uint64_t v;
		if (!starts_ci(ls, le, prefix))
			continue;
		ls += strlen(prefix);
		if (read_num(&ls, le, UINT32_MAX, &v) || v == 0 || ls >= le || *ls != ']')
			return HELPO_EINVAL;
		*out = (uint32_t)v;
		return 0;
	}
	return HELPO_EINVAL;
}

int imap_parse_uidvalidity(const char *s, size_t len, uint32_t *out)
{
	return parse_ok_code(s, len, "UIDVALIDITY", out);
}

int imap_parse_uidnext(const char *s, size_t len, uint32_t *out)
{
	return parse_ok_code(s, len, "UIDNEXT", out);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

int imap_parse_search(const char *s, size_t len, uint32_t after, uint32_t *uids, size_t max,
		      size_t *n)
{
	const char *p = s, *end = s + len, *ls, *le;
	uint32_t *all = NULL;
	size_t nall = 0, cap = 0, k = 0;
	int rc = 0;
	*n = 0;
	while (!rc && next_line(&p, end, &ls, &le)) {
		if (!starts_ci(ls, le, "* SEARCH"))
			continue;
		ls += strlen("* SEARCH");
		if (ls < le && *ls != ' ')
			continue; /* "* SEARCHFOO": not ours */
		while (ls < le) {
			uint64_t v;
			if (*ls == ' ') {
				ls++;
				continue;
			}
			if (read_num(&ls, le, UINT32_MAX, &v) || v == 0 ||
			    (ls < le && *ls != ' ')) {
				rc = HELPO_EINVAL;
				break;
			}
			if (v <= after)
				continue;
			if (nall == cap) {
				size_t nc = cap ? cap * 2 : 64;
				uint32_t *t = realloc(all, nc * sizeof *all);
				if (!t) {
					rc = HELPO_ENOMEM;
					break;
				}
				all = t;
				cap = nc;
			}
			all[nall++] = (uint32_t)v;
		}
	}
	if (!rc && nall) {
		qsort(all, nall, sizeof *all, cmp_u32);
		for (size_t i = 0; i < nall && k < max; i++)
			if (!k || all[i] != uids[k - 1])
				uids[k++] = all[i];
		*n = k;
	}
	free(all);
	return rc;
}

/* Skips one FETCH item value: a number, NIL, a quoted string or a parenthesized list (one
 * level; \Flags and atoms inside). When flags_seen is given, reports \Seen in a list. */
static int skip_value(const char **pp, const char *end, bool *flags_seen)
{
	const char *p = *pp;
	if (p >= end)
		return HELPO_EINVAL;
	if (*p == '"') {
		for (p++; p < end && *p != '"'; p++)
			if (*p == '\\' && ++p >= end)
				return HELPO_EINVAL;
		if (p >= end)
			return HELPO_EINVAL;
		*pp = p + 1;
		return 0;
	}
	if (*p == '(') {
		p++;
		while (p < end && *p != ')') {
			const char *t = p;
			if (*p == ' ') {
				p++;
				continue;
			}
			while (p < end && *p != ' ' && *p != ')' && *p != '(' && *p != '"' &&
			       *p != '{')
				p++;
			if (p == t) /* a nested list, string or literal: never expected here */
				return HELPO_EINVAL;
			if (flags_seen && p - t == 5 && !strncasecmp(t, "\\Seen", 5))
				*flags_seen = true;
		}
		if (p >= end)
			return HELPO_EINVAL;
		*pp = p + 1;
		return 0;
	}
	if (*p == '{')
		return HELPO_EINVAL; /* a literal: we never ask for one here */
	while (p < end && ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
			   (*p >= 'a' && *p <= 'z')))
		p++;
	if (p == *pp)
		return HELPO_EINVAL;
	*pp = p;
	return 0;
}

/* Parses the item list of one "* n FETCH (" line, from after the '(' to the line end. */
static int parse_fetch_items(const char *p, const char *end, struct imap_meta *m, uint64_t *uid)
{
	*uid = 0;
	for (;;) {
		const char *name;
		size_t nlen;
		int rc;
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			return HELPO_EINVAL;
		if (*p == ')')
			break;
		name = p;
		while (p < end && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
				   (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
			p++;
		nlen = (size_t)(p - name);
		if (!nlen || p >= end || *p != ' ')
			return HELPO_EINVAL;
		p++;
		if (nlen == 3 && !strncasecmp(name, "UID", 3))
			rc = read_num(&p, end, UINT32_MAX, uid);
		else if (nlen == 11 && !strncasecmp(name, "RFC822.SIZE", 11)) {
			rc = read_num(&p, end, UINT64_MAX, &m->size);
			m->has_size = !rc;
		} else if (nlen == 5 && !strncasecmp(name, "FLAGS", 5)) {
			m->seen = false;
			if (p >= end || *p != '(')
				return HELPO_EINVAL;
			rc = skip_value(&p, end, &m->seen);
		} else
			rc = skip_value(&p, end, NULL);
		if (rc)
			return rc;
	}
	p++;
	while (p < end && *p == ' ')
		p++;
	return p == end ? 0 : HELPO_EINVAL;
}

int imap_parse_fetch_meta(const char *s, size_t len, uint32_t uid, struct imap_meta *out)
{
	const char *p = s, *end = s + len, *ls, *le;
	memset(out, 0, sizeof *out);
	while (next_line(&p, end, &ls, &le)) {
		struct imap_meta m = {0};
		uint64_t seq, u;
		int rc;
		if (!starts_ci(ls, le, "* ") || le - ls < 3 || ls[2] < '0' || ls[2] > '9')
			continue;
		ls += 2;
		if (read_num(&ls, le, UINT32_MAX, &seq))
			return HELPO_EINVAL;
		if (!starts_ci(ls, le, " FETCH ("))
			continue; /* "* 3 EXISTS" and the like */
		ls += strlen(" FETCH (");
		if ((rc = parse_fetch_items(ls, le, &m, &u)))
			return rc;
		if (u == uid) {
			m.found = true;
			*out = m;
		}
	}
	return 0;
}

/* Allowed in a mailbox name: printable ASCII, minus what could break out of our quoting or
 * be read as a URL parameter or a LIST wildcard. */
static bool mailbox_char_ok(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && !strchr("\"\\%*;?#", c);
}

int imap_url_parse(const char *url, struct imap_url *u)
{
	CURLU *h;
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *raw = NULL, *x = NULL;
	const char *name;
	size_t nlen;
	int rc = HELPO_EINVAL;
	memset(u, 0, sizeof *u);
	if (!url || strlen(url) > 1024)
		return HELPO_EINVAL;
	if (!(h = curl_url()))
		return HELPO_ENOMEM;
	if (curl_url_set(h, CURLUPART_URL, url, 0))
		goto out;
	if (curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) ||
	    (strcmp(scheme, "imap") && strcmp(scheme, "imaps")))
		goto out;
	u->imaps = !strcmp(scheme, "imaps");
	/* credentials go in their own columns, never in the URL */
	if (curl_url_get(h, CURLUPART_USER, &x, 0) != CURLUE_NO_USER ||
	    curl_url_get(h, CURLUPART_PASSWORD, &x, 0) != CURLUE_NO_PASSWORD ||
	    curl_url_get(h, CURLUPART_OPTIONS, &x, 0) != CURLUE_NO_OPTIONS ||
	    curl_url_get(h, CURLUPART_QUERY, &x, 0) != CURLUE_NO_QUERY ||
	    curl_url_get(h, CURLUPART_FRAGMENT, &x, 0) != CURLUE_NO_FRAGMENT)
		goto out;
	if (curl_url_get(h, CURLUPART_HOST, &host, 0) || !*host)
		goto out;
	curl_url_get(h, CURLUPART_PORT, &port, 0); /* absent: the scheme's default */
	if (curl_url_get(h, CURLUPART_PATH, &raw, 0) || strchr(raw, ';'))
		goto out;
	if (curl_url_get(h, CURLUPART_PATH, &path, CURLU_URLDECODE))
		goto out;
	name = path;
	while (*name == '/')
		name++;
	nlen = strlen(name);
	if (nlen && name[nlen - 1] == '/')
		nlen--;
	if (!nlen) {
		name = "INBOX";
		nlen = 5;
	}
	if (nlen > IMAP_MAX_MAILBOX_NAME)
		goto out;
	for (size_t i = 0; i < nlen; i++)
		if (!mailbox_char_ok((unsigned char)name[i]))
			goto out;
	memcpy(u->mailbox, name, nlen);
	u->mailbox[nlen] = '\0';
	if ((size_t)snprintf(u->base, sizeof u->base, "%s://%s%s%s", scheme, host, port ? ":" : "",
			     port ? port : "") >= sizeof u->base)
		goto out;
	rc = 0;
out:
	if (rc)
		memset(u, 0, sizeof *u);
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(raw);
	curl_free(x);
	curl_url_cleanup(h);
	return rc;
}

/* ---- accounts (operational state; see the file comment) ---- */

struct account {
	int64_t id;
	char *url, *username, *password, *ca_file, *mailbox;
	bool starttls;
	bool has_uidvalidity;
	int64_t uidvalidity;
	int64_t last_uid;
};

static void account_release(struct account *a)
{
	free(a->url);
	free(a->username);
	if (a->password) {
		memset(a->password, 0, strlen(a->password));
		free(a->password);
	}
	free(a->ca_file);
	free(a->mailbox);
	memset(a, 0, sizeof *a);
}

static char *dup_col(struct db_stmt *st, int col)
{
	const char *s = db_col_text(st, col);
	return s ? strdup(s) : NULL;
}

/* Reads every enabled account (copies: no statement stays open over the network). */
static int accounts_load(struct db *db, struct account **out, size_t *n)
{
	struct db_stmt *st;
	struct account *v = NULL;
	size_t k = 0;
	int rc;
	*out = NULL;
	*n = 0;
	rc = db_query(db, &st,
		      "SELECT a.id, a.url, a.username, a.password, a.starttls, a.ca_file, "
		      "a.uidvalidity, a.last_uid, m.email FROM imap_accounts a "
		      "LEFT JOIN mailboxes m ON m.id = a.mailbox_id WHERE a.enabled = 1 "
		      "ORDER BY a.id LIMIT ?",
		      "i", (int64_t)IMAP_MAX_ACCOUNTS);
	if (rc)
		return rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct account *a;
		if (!v && !(v = calloc(IMAP_MAX_ACCOUNTS, sizeof *v))) {
			rc = HELPO_ENOMEM;
			break;
		}
		a = &v[k++];
		a->id = db_col_int(st, 0);
		a->url = dup_col(st, 1);
		a->username = dup_col(st, 2);
		a->password = dup_col(st, 3);
		a->starttls = db_col_int(st, 4) != 0;
		a->ca_file = dup_col(st, 5);
		a->has_uidvalidity = !db_col_null(st, 6);
		a->uidvalidity = db_col_int(st, 6);
		a->last_uid = db_col_int(st, 7);
		a->mailbox = dup_col(st, 8);
		if (!a->url || !a->username || !a->password) {
			rc = HELPO_ENOMEM;
			break;
		}
	}
	db_done(st);
	if (rc < 0) {
		for (size_t i = 0; i < k; i++)
			account_release(&v[i]);
		free(v);
		return rc;
	}
	*out = v;
	*n = k;
	return 0;
}

/* One short write transaction around one statement on imap_accounts. */
static int account_write(struct db *db, const char *sql, const char *fmt, int64_t a, int64_t b,
			 int64_t c, int64_t d)
{
	int rc;
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = db_exec(db, sql, fmt, a, b, c, d))) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

static int account_set_uidvalidity(struct db *db, int64_t id, int64_t uv)
{
	return account_write(db,
			     "UPDATE imap_accounts SET uidvalidity = ?, last_uid = 0, "
			     "updated_at = ? WHERE id = ?",
			     "iii", uv, time_now_ms(), id, 0);
}

static int account_set_last_uid(struct db *db, int64_t id, int64_t uv, int64_t uid)
{
	return account_write(db,
			     "UPDATE imap_accounts SET last_uid = ?, updated_at = ? "
			     "WHERE id = ? AND uidvalidity = ?",
			     "iiii", uid, time_now_ms(), id, uv);
}

/* Stores (or, err NULL, clears) last_error; printable ASCII only, capped. */
static int account_set_error(struct db *db, int64_t id, const char *err)
{
	char clean[IMAP_MAX_ERROR + 1];
	size_t k = 0;
	int rc;
	for (const char *p = err; p && *p && k < IMAP_MAX_ERROR; p++)
		clean[k++] = (*p >= 0x20 && *p < 0x7f) ? *p : ' ';
	clean[k] = '\0';
	if ((rc = db_begin(db)))
		return rc;
	rc = db_exec(db, "UPDATE imap_accounts SET last_error = ?, updated_at = ? WHERE id = ?",
		     "sii", err ? clean : NULL, time_now_ms(), id);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

/* ---- one account over libcurl ---- */

struct session {
	CURL *h;
	struct buf out;   /* the answer of the current request */
	bool toobig;      /* the answer went over its cap */
	CURLcode code;
	char cerr[CURL_ERROR_SIZE];
	char err[IMAP_MAX_ERROR + 1]; /* what failed, for last_error and the log */
	struct imap_url url;
	char mbox_url[1600]; /* base/MAILBOX;UIDVALIDITY=V */
};

static size_t on_write(char *p, size_t size, size_t n, void *ud)
{
	struct session *s = ud;
	size_t len = size * n;
	if (buf_add(&s->out, p, len)) {
		s->toobig = true;
		return 0; /* libcurl aborts the transfer */
	}
	return len;
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)ud; (void)dt; (void)dn; (void)ut; (void)un;
	return jobs_stopping() ? 1 : 0;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int session_open(struct session *s, const struct account *a)
{
	CURL *h;
	memset(s, 0, sizeof *s);
	buf_init(&s->out, IMAP_MAX_RESPONSE_BYTES);
	if (imap_url_parse(a->url, &s->url)) {
		snprintf(s->err, sizeof s->err, "invalid account URL");
		return HELPO_EINVAL;
	}
	pthread_once(&curl_once, curl_init_once);
	if (!(h = s->h = curl_easy_init())) {
		snprintf(s->err, sizeof s->err, "out of memory");
		return HELPO_ENOMEM;
	}
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "imap,imaps");
	curl_easy_setopt(h, CURLOPT_USERNAME, a->username);
	curl_easy_setopt(h, CURLOPT_PASSWORD, a->password);
	curl_easy_setopt(h, CURLOPT_USE_SSL,
			 (long)(a->starttls || s->url.imaps ? CURLUSESSL_ALL : CURLUSESSL_NONE));
	if (a->ca_file && *a->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, a->ca_file);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, IMAP_CONNECT_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, IMAP_TRANSFER_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, IMAP_LOW_SPEED_TIME_S);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, s->cerr);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	return 0;
}

static void session_close(struct session *s)
{
	if (s->h)
		curl_easy_cleanup(s->h);
	buf_release(&s->out);
	s->h = NULL;
}

/* Runs one request; the answer is in s->out (at most max bytes). what names it in errors. */
static int session_run(struct session *s, const char *what, const char *url, const char *custom,
		       size_t max)
{
	buf_release(&s->out);
	buf_init(&s->out, max);
	s->toobig = false;
	s->cerr[0] = '\0';
	curl_easy_setopt(s->h, CURLOPT_URL, url);
	curl_easy_setopt(s->h, CURLOPT_CUSTOMREQUEST, custom);
	s->code = curl_easy_perform(s->h);
	if (s->code == CURLE_OK)
		return 0;
	if (s->toobig) {
		snprintf(s->err, sizeof s->err, "%s: answer over %zu bytes", what, max);
		return HELPO_ETOOBIG;
	}
	snprintf(s->err, sizeof s->err, "%s: %s", what,
		 s->cerr[0] ? s->cerr : curl_easy_strerror(s->code));
	return s->code == CURLE_LOGIN_DENIED ? HELPO_EAUTH : HELPO_EIO;
}

/* base/MAILBOX-escaped;UIDVALIDITY=V — libcurl re-SELECTs and checks V before each use. */
static int session_mailbox_url(struct session *s, uint32_t uv)
{
	char *esc = curl_easy_escape(s->h, s->url.mailbox, 0);
	int n;
	if (!esc)
		return HELPO_ENOMEM;
	n = snprintf(s->mbox_url, sizeof s->mbox_url, "%s/%s;UIDVALIDITY=%u", s->url.base, esc,
		     (unsigned)uv);
	curl_free(esc);
	return n > 0 && (size_t)n < sizeof s->mbox_url ? 0 : HELPO_EINVAL;
}

static int mark_seen(struct session *s, uint32_t uid, bool seen)
{
	char cmd[96];
	snprintf(cmd, sizeof cmd, "UID STORE %u %cFLAGS.SILENT (\\Seen)", (unsigned)uid,
		 seen ? '+' : '-');
	return session_run(s, "STORE", s->mbox_url, cmd, IMAP_MAX_RESPONSE_BYTES);
}

/* Fetches, spools and commits one UID. *fetched counts it when spooled. Returns non-zero
 * (with s->err set) when the account must stop for this round. */
static int take_one(struct db *db, struct session *s, const struct account *a, const char *dir,
		    uint32_t uv, uint32_t uid, int *fetched)
{
	char cmd[96], url[1700];
	struct imap_meta m;
	int rc;
	snprintf(cmd, sizeof cmd, "UID FETCH %u (UID RFC822.SIZE FLAGS)", (unsigned)uid);
	if ((rc = session_run(s, "FETCH flags", s->mbox_url, cmd, IMAP_MAX_RESPONSE_BYTES)))
		return rc;
	if (imap_parse_fetch_meta(s->out.data, s->out.len, uid, &m)) {
		snprintf(s->err, sizeof s->err, "FETCH flags: malformed answer for UID %u",
			 (unsigned)uid);
		return HELPO_EINVAL;
	}
	if (!m.found) {
		log_info("imap account %lld: UID %u is gone (expunged): skipped", (long long)a->id,
			 (unsigned)uid);
		goto advance;
	}
	if (m.has_size && m.size > HELPO_MAX_MESSAGE_BYTES) {
		log_warn("imap account %lld: UID %u is %llu bytes, over the %d-byte message limit: "
			 "skipped and left unread on the server",
			 (long long)a->id, (unsigned)uid, (unsigned long long)m.size,
			 HELPO_MAX_MESSAGE_BYTES);
		goto advance;
	}
	snprintf(url, sizeof url, "%s/;UID=%u", s->mbox_url, (unsigned)uid);
	rc = session_run(s, "FETCH", url, NULL, HELPO_MAX_MESSAGE_BYTES);
	if (rc == HELPO_ETOOBIG || (!rc && s->out.len == 0)) {
		log_warn("imap account %lld: UID %u is %s: skipped", (long long)a->id,
			 (unsigned)uid, rc ? "over the message size limit" : "empty");
		if (!m.seen)
			mark_seen(s, uid, false);
		goto advance;
	}
	if (rc)
		return rc;
	if ((rc = spool_put(dir, s->out.data, s->out.len, a->mailbox, NULL))) {
		snprintf(s->err, sizeof s->err, "spool: %s", helpo_strerror(rc));
		if (!m.seen)
			mark_seen(s, uid, false); /* the fetch set \Seen: undo it */
		return rc;
	}
	(*fetched)++;
	if ((rc = account_set_last_uid(db, a->id, uv, uid))) {
		/* spooled: the next poll fetches it again and the ledger drops the copy */
		snprintf(s->err, sizeof s->err, "storing last_uid: %s", helpo_strerror(rc));
		return rc;
	}
	if (mark_seen(s, uid, true))
		log_warn("imap account %lld: could not mark UID %u \\Seen: %s", (long long)a->id,
			 (unsigned)uid, s->err);
	return 0;
advance:
	if ((rc = account_set_last_uid(db, a->id, uv, uid)))
		snprintf(s->err, sizeof s->err, "storing last_uid: %s", helpo_strerror(rc));
	return rc;
}

static int poll_account(struct db *db, struct session *s, struct account *a, const char *dir,
			int *fetched)
{
	char cmd[IMAP_MAX_MAILBOX_NAME + 32];
	uint32_t uv, next = 0, uids[IMAP_BATCH];
	bool has_next;
	size_t n;
	int rc;
	if ((rc = session_open(s, a)))
		return rc;
	snprintf(cmd, sizeof cmd, "EXAMINE \"%s\"", s->url.mailbox);
	/* no mailbox in this URL: libcurl must not SELECT before our EXAMINE */
	{
		char url[1300];
		snprintf(url, sizeof url, "%s/", s->url.base);
		if ((rc = session_run(s, "EXAMINE", url, cmd, IMAP_MAX_RESPONSE_BYTES)))
			return rc;
	}
	if (imap_parse_uidvalidity(s->out.data, s->out.len, &uv)) {
		snprintf(s->err, sizeof s->err, "EXAMINE: no valid UIDVALIDITY in the answer");
		return HELPO_EINVAL;
	}
	has_next = !imap_parse_uidnext(s->out.data, s->out.len, &next);
	if (!a->has_uidvalidity || a->uidvalidity != (int64_t)uv) {
		if (a->has_uidvalidity)
			log_info("imap account %lld: UIDVALIDITY changed (%lld -> %u): "
				 "fetching the mailbox again",
				 (long long)a->id, (long long)a->uidvalidity, (unsigned)uv);
		if ((rc = account_set_uidvalidity(db, a->id, uv))) {
			snprintf(s->err, sizeof s->err, "storing UIDVALIDITY: %s",
				 helpo_strerror(rc));
			return rc;
		}
		a->has_uidvalidity = true;
		a->uidvalidity = uv;
		a->last_uid = 0;
	}
	if ((rc = session_mailbox_url(s, uv))) {
		snprintf(s->err, sizeof s->err, "invalid account URL");
		return rc;
	}
	/* UIDs below UIDNEXT that are missing now were expunged and never come back, so the mailbox
	 * is searched in windows of at most IMAP_SEARCH_WINDOW UIDs (libcurl refuses an answer over
	 * ~300 KB) and an exhausted window moves last_uid to its end. Without UIDNEXT (a server
	 * that breaks RFC 3501): one open-ended search per round. */
	for (;;) {
		uint64_t lo = (uint64_t)a->last_uid + 1, hi = UINT32_MAX;
		size_t kept = 0;
		if (lo > UINT32_MAX || (has_next && lo >= next) || jobs_stopping())
			break;
		if (has_next) {
			hi = lo + IMAP_SEARCH_WINDOW - 1;
			if (hi > (uint64_t)next - 1)
				hi = (uint64_t)next - 1;
			snprintf(cmd, sizeof cmd, "UID SEARCH UID %llu:%llu",
				 (unsigned long long)lo, (unsigned long long)hi);
		} else {
			snprintf(cmd, sizeof cmd, "UID SEARCH UID %llu:*", (unsigned long long)lo);
		}
		if ((rc = session_run(s, "SEARCH", s->mbox_url, cmd, IMAP_MAX_RESPONSE_BYTES)))
			return rc;
		if (imap_parse_search(s->out.data, s->out.len, (uint32_t)a->last_uid, uids,
				      IMAP_BATCH, &n)) {
			snprintf(s->err, sizeof s->err, "SEARCH: malformed answer");
			return HELPO_EINVAL;
		}
		for (size_t i = 0; i < n; i++)
			if (uids[i] <= hi) /* a server answering outside the range asked */
				uids[kept++] = uids[i];
		for (size_t i = 0; i < kept; i++) {
			if (jobs_stopping())
				return 0;
			if ((rc = take_one(db, s, a, dir, uv, uids[i], fetched)))
				return rc;
			a->last_uid = uids[i];
		}
		if (kept == IMAP_BATCH)
			continue; /* maybe more in this window */
		if (!has_next)
			break;
		if ((int64_t)hi > a->last_uid) {
			if ((rc = account_set_last_uid(db, a->id, uv, (int64_t)hi))) {
				snprintf(s->err, sizeof s->err, "storing last_uid: %s",
					 helpo_strerror(rc));
				return rc;
			}
			a->last_uid = (int64_t)hi;
		}
	}
	return 0;
}

int imap_poll_all(struct db *db, const struct conf *conf, const char *data_dir, int *fetched)
{
	struct account *v;
	size_t n;
	int rc, first = 0;
	(void)conf;
	*fetched = 0;
	if ((rc = accounts_load(db, &v, &n)))
		return rc;
	if (n && (rc = spool_setup(data_dir))) {
		log_error("imap poller: cannot set up the spool in %s: %s", data_dir,
			  helpo_strerror(rc));
		for (size_t i = 0; i < n; i++)
			account_release(&v[i]);
		free(v);
		return rc;
	}
	for (size_t i = 0; i < n && !jobs_stopping(); i++) {
		struct session s;
		int got = 0;
		rc = poll_account(db, &s, &v[i], data_dir, &got);
		*fetched += got;
		if (rc) {
			/* the URL never holds credentials (imap_url_parse refuses them) */
			log_warn("imap account %lld (%s): %s", (long long)v[i].id, v[i].url, s.err);
			if (!first)
				first = rc;
		} else if (got) {
			log_info("imap account %lld: fetched %d message(s)", (long long)v[i].id,
				 got);
		}
		if (account_set_error(db, v[i].id, rc ? s.err : NULL))
			log_warn("imap account %lld: cannot store its status", (long long)v[i].id);
		session_close(&s);
		account_release(&v[i]);
	}
	for (size_t i = 0; i < n; i++)
		account_release(&v[i]);
	free(v);
	return first;
}

void imap_loop(const struct job_ctx *ctx)
{
	struct db_options o = {0};
	struct db *db = NULL;
	o.synchronous_full = ctx->conf->db_synchronous_full;
	o.busy_timeout_ms = ctx->conf->db_busy_timeout_ms;
	if (db_open(&db, ctx->db_path, &o)) {
		log_error("imap poller: cannot open %s; not polling", ctx->db_path);
		while (!jobs_sleep(1000))
			;
		return;
	}
	while (!jobs_stopping()) {
		int got = 0, rc = imap_poll_all(db, ctx->conf, ctx->data_dir, &got);
		if (rc && rc != HELPO_EIO && rc != HELPO_EAUTH && rc != HELPO_EINVAL)
			log_warn("imap poller: %s", helpo_strerror(rc));
		if (jobs_sleep(ctx->conf->imap_poll_s * 1000))
			break;
	}
	db_close(db);
}
