/*
 * email.c — committing one parsed e-mail message to the desk (desk_email_ingest), and the
 * signed ticket tag carried in the subjects of our mail (desk_ticket_tag/_parse).
 *
 * One message, one transaction, keyed by m->ingest_id in the mail_ingest ledger: a message
 * committed before changes nothing and reports duplicate (with the first outcome). Inside the
 * transaction: the ledger row, the ticket or comment (through desk_ticket_create_in /
 * desk_ticket_update_in as the system actor, naming requester, submitter and author, so the
 * ticket rules apply), mail_threads rows, attachments, collaborators, and one
 * "email.received" event {ingest_id, message_id, outcome}.
 *
 * Decisions (see docs/email.md):
 *   - Threading: our (or any recorded) Message-ID in In-Reply-To, then References newest
 *     first, looked up in mail_threads; then a signed tag in the subject; else a new ticket.
 *   - Who may add visible history to an existing ticket: an end-user who is the requester or
 *     a collaborator (public comment). Agent identity is never trusted from From: alone: a
 *     message from an agent's or admin's address becomes an internal note by that agent,
 *     flagged "review" — never a public agent reply. Anyone else: an internal note flagged
 *     "review", authored by the sender (created as an end-user). Their CCs are ignored.
 *   - A reply to a closed ticket starts a new ticket (Zendesk's follow-up) whose description
 *     begins "Follow-up to ticket #N." (only when the sender could see the old ticket).
 *   - A message whose Message-ID was already committed under another ingest id (the same mail
 *     delivered to two of our addresses) is "ignored", with the first ticket.
 *   - Senders whose account is deleted or suspended: "ignored" (recorded in the ledger).
 *   - Automatic mail (auto_submitted) never changes a ticket's status and adds no
 *     collaborators; the comment is still recorded.
 *   - The comment's plain body is the reply without the quoted part (text_trimmed); its HTML
 *     is the whole message as sent, sanitized by desk_comment_insert. Inline images: the
 *     sanitizer keeps only cid: sources; after the attachments are stored, each
 *     src="cid:X" naming one of them is rewritten to "/api/v2/attachments/ID/content" (served
 *     only to those who may see the attachment). Unmatched cid: references stay as they are.
 *   - Bounces: the ticket of bounce_message_id (outbound records its Message-IDs in
 *     mail_threads) gets an internal note flagged "bounce" ("Delivery failed: STATUS"); no
 *     status change; a bounce that matches nothing is "ignored".
 *   - Group: the group of the mailbox it came in through (m->mailbox; else one of our
 *     addresses among To/Cc; else the default mailbox).
 *   - CC'd addresses (Cc only, not To) other than our mailboxes, the sender and the requester
 *     become collaborators (end-users found or created).
 *
 * Ticket tags: "[#123-0123456789]": the first 10 hex digits of HMAC-SHA256 (libsodium) over
 * "helpo-ticket-tag:123" with a 32-byte random key created on first use in the settings
 * table ("ticket_tag_key", hex). Verification compares in constant time.
 */
#include "desk/desk_int.h"
#include "desk/ticket_int.h"
#include "util/crypto.h"
#include "util/html.h"
#include "util/text.h"
#include "util/timeutil.h"
#include <sodium.h>
#include <ctype.h>
#include <strings.h>

#define TAG_KEY_SETTING "ticket_tag_key"
#define TAG_HEX 10

/* ---- signed ticket tags ---- */

/* Reads the tag key; creates it first when create is set (safe inside a caller's
 * transaction: no begin/commit, and a concurrent creator's key wins). */
static int tag_key(struct db *db, bool create, unsigned char key[32])
{
	char *hex = NULL;
	size_t n = 0;
	int rc = desk_setting_get(db, TAG_KEY_SETTING, &hex);
	if (rc == HELPO_ENOTFOUND && create) {
		unsigned char k[32];
		char h[65];
		randombytes_buf(k, sizeof k);
		sodium_bin2hex(h, sizeof h, k, sizeof k);
		sodium_memzero(k, sizeof k);
		rc = db_exec(db,
			     "INSERT INTO settings (name, value) VALUES (?, ?) "
			     "ON CONFLICT (name) DO NOTHING",
			     "ss", TAG_KEY_SETTING, h);
		sodium_memzero(h, sizeof h);
		if (!rc)
			rc = desk_setting_get(db, TAG_KEY_SETTING, &hex);
	}
	if (rc)
		return rc;
	if (sodium_hex2bin(key, 32, hex, strlen(hex), NULL, &n, NULL) || n != 32)
		rc = HELPO_EDB; /* a damaged setting: never sign with a short key */
	sodium_memzero(hex, strlen(hex));
	free(hex);
	return rc;
}

static void tag_mac(const unsigned char key[32], int64_t id, char out[TAG_HEX + 1])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char msg[64], hex[2 * crypto_auth_hmacsha256_BYTES + 1];
	int n = snprintf(msg, sizeof msg, "helpo-ticket-tag:%lld", (long long)id);
	crypto_auth_hmacsha256(mac, (const unsigned char *)msg, (unsigned long long)n, key);
	sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
	memcpy(out, hex, TAG_HEX);
	out[TAG_HEX] = '\0';
}

int desk_ticket_tag(struct db *db, int64_t ticket_id, char out[64])
{
	unsigned char key[32];
	char mac[TAG_HEX + 1];
	int rc;
	out[0] = '\0';
	if (ticket_id <= 0)
		return HELPO_EINVAL;
	if ((rc = tag_key(db, true, key)))
		return rc;
	tag_mac(key, ticket_id, mac);
	sodium_memzero(key, sizeof key);
	snprintf(out, 64, "[#%lld-%s]", (long long)ticket_id, mac);
	return 0;
}

/* Parses "[#<digits>-<10 hex>]" at p; id and lower-cased mac out. */
static bool tag_at(const char *p, int64_t *id, char mac[TAG_HEX + 1])
{
	int64_t v = 0;
	int nd = 0;
	if (p[0] != '[' || p[1] != '#')
		return false;
	p += 2;
	while (*p >= '0' && *p <= '9') {
		if (++nd > 18)
			return false;
		v = v * 10 + (*p++ - '0');
	}
	if (!nd || v <= 0 || *p++ != '-')
		return false;
	for (int i = 0; i < TAG_HEX; i++) {
		char c = p[i];
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
		mac[i] = c;
	}
	mac[TAG_HEX] = '\0';
	if (p[TAG_HEX] != ']')
		return false;
	*id = v;
	return true;
}

int64_t desk_ticket_tag_parse(struct db *db, const char *subject)
{
	unsigned char key[32];
	char got[TAG_HEX + 1], want[TAG_HEX + 1];
	int64_t id, found = 0;
	const char *p;
	if (!subject || !strstr(subject, "[#"))
		return 0;
	if (tag_key(db, false, key))
		return 0; /* no key yet: no tag was ever issued */
	for (p = strstr(subject, "[#"); p && !found; p = strstr(p + 1, "[#")) {
		if (!tag_at(p, &id, got))
			continue;
		tag_mac(key, id, want);
		if (sodium_memcmp(got, want, TAG_HEX) == 0)
			found = id;
	}
	sodium_memzero(key, sizeof key);
	return found;
}

/* ---- ingest ---- */

static const struct desk_actor system_actor = {0, DESK_ADMIN, 0};

struct ingest {
	struct db *db;
	const struct desk_email *m;
	struct desk_ingest_result *out;
	struct desk_err *err;
	int64_t now;
	int64_t mailbox_id, group_id;
	int64_t sender_id;       /* 0 until known or created */
	enum desk_role sender_role;
	char detail[256];
	int64_t att_ids[HELPO_MAX_ATTACHMENTS];
	int natt;
};

/* A copy of s cut to at most max bytes on a UTF-8 boundary; "" for NULL or invalid UTF-8. */
static char *cut_utf8(const char *s, size_t max)
{
	size_t n;
	if (!s)
		s = "";
	n = strlen(s);
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	if (!text_utf8_valid(s, n))
		return strdup("");
	return strndup(s, n);
}

/* Reads (mailbox id, live group id) from a query over mailboxes m / groups gr. */
static int mailbox_row(struct ingest *g, const char *where, const char *email)
{
	struct db_stmt *st;
	char sql[512];
	int rc;
	snprintf(sql, sizeof sql,
		 "SELECT m.id, coalesce(gr.id, 0) FROM mailboxes m LEFT JOIN groups gr ON "
		 "gr.id = m.group_id AND gr.deleted = 0 WHERE %s LIMIT 1",
		 where);
	rc = email ? db_query(g->db, &st, sql, "s", email) : db_query(g->db, &st, sql, "");
	if (rc)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW) {
		g->mailbox_id = db_col_int(st, 0);
		g->group_id = db_col_int(st, 1);
		rc = 0;
	} else if (rc == DB_DONE)
		rc = HELPO_ENOTFOUND;
	db_done(st);
	return rc;
}

static int find_mailbox_by(struct ingest *g, const char *email)
{
	if (!email || !*email)
		return HELPO_ENOTFOUND;
	return mailbox_row(g, "m.email = ?", email);
}

/* The mailbox it came through: m->mailbox, one of ours among To/Cc, else the default. */
static int resolve_mailbox(struct ingest *g)
{
	const struct desk_email *m = g->m;
	int rc = find_mailbox_by(g, m->mailbox);
	for (int i = 0; rc == HELPO_ENOTFOUND && i < m->nto && i < HELPO_MAX_MAIL_ADDRESSES; i++)
		rc = find_mailbox_by(g, m->to[i].email);
	for (int i = 0; rc == HELPO_ENOTFOUND && i < m->ncc && i < HELPO_MAX_MAIL_ADDRESSES; i++)
		rc = find_mailbox_by(g, m->cc[i].email);
	if (rc == HELPO_ENOTFOUND)
		rc = mailbox_row(g, "m.is_default = 1", NULL);
	/* no mailbox configured: the ticket takes the desk's default group */
	return rc == HELPO_ENOTFOUND ? 0 : rc;
}

/* The ticket a message replies to: a known Message-ID, then a signed subject tag; 0 if none. */
static int thread_ticket(struct ingest *g, int64_t *ticket)
{
	const struct desk_email *m = g->m;
	const char *q = "SELECT ticket_id FROM mail_threads WHERE message_id = ?";
	int rc = HELPO_ENOTFOUND;
	int64_t t;
	*ticket = 0;
	if (m->in_reply_to && *m->in_reply_to)
		rc = db_int(g->db, ticket, q, "s", m->in_reply_to);
	for (int i = m->nrefs - 1, n = 0; rc == HELPO_ENOTFOUND && i >= 0 &&
					  n < HELPO_MAX_REFERENCES;
	     i--, n++)
		if (m->references[i] && *m->references[i])
			rc = db_int(g->db, ticket, q, "s", m->references[i]);
	if (rc != HELPO_ENOTFOUND)
		return rc;
	*ticket = 0;
	t = desk_ticket_tag_parse(g->db, m->subject);
	if (!t)
		return 0;
	rc = db_int(g->db, ticket, "SELECT id FROM tickets WHERE id = ?", "i", t);
	if (rc == HELPO_ENOTFOUND) {
		*ticket = 0;
		return 0;
	}
	return rc;
}

/* Looks the sender up. 1 = usable (or unknown: sender_id 0), 0 = deleted or suspended. */
static int sender_lookup(struct ingest *g)
{
	struct db_stmt *st;
	int rc = db_query(g->db, &st,
			  "SELECT id, role, active, suspended FROM users WHERE email = ?", "s",
			  g->m->from.email);
	if (rc)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW) {
		g->sender_id = db_col_int(st, 0);
		g->sender_role = DESK_END_USER;
		desk_role_parse(db_col_text(st, 1), &g->sender_role);
		rc = db_col_int(st, 2) && !db_col_int(st, 3) ? 1 : 0;
	} else if (rc == DB_DONE) {
		g->sender_id = 0;
		g->sender_role = DESK_END_USER;
		rc = 1;
	}
	db_done(st);
	return rc;
}

static int sender_ensure(struct ingest *g)
{
	if (g->sender_id)
		return 0;
	return desk_user_find_or_create(g->db, g->m->from.email, g->m->from.name, &g->sender_id,
					g->err);
}

/*
 * The "comment" object for a ticket create/update: body (trimmed reply when `trimmed`),
 * the message's HTML, visibility and author. prefix (may be NULL) starts the text.
 */
static json_t *comment_json(const struct desk_email *m, const char *prefix, bool trimmed,
			    bool is_public, int64_t author)
{
	const char *text = trimmed && m->text_trimmed && *m->text_trimmed ? m->text_trimmed
									  : m->text;
	struct buf b = BUF_INIT(HELPO_MAX_COMMENT_BYTES + 4096);
	char *body, *html = NULL;
	json_t *c;
	if (prefix)
		buf_addf(&b, "%s\n\n", prefix);
	buf_adds(&b, text ? text : "");
	if (!text_utf8_valid(b.data, b.len))
		buf_reset(&b);
	if (b.len == 0 && !(m->html && *m->html))
		buf_adds(&b, m->natts ? "(attachments only)" : "(no message text)");
	body = cut_utf8(b.data, HELPO_MAX_COMMENT_BYTES);
	buf_release(&b);
	if (m->html && *m->html) {
		struct buf h = BUF_INIT(HELPO_MAX_COMMENT_BYTES + 4096);
		if (prefix) {
			buf_adds(&h, "<p>");
			html_escape(&h, prefix);
			buf_adds(&h, "</p>");
		}
		buf_adds(&h, m->html);
		html = cut_utf8(h.data, HELPO_MAX_COMMENT_BYTES);
		buf_release(&h);
	}
	if (!body || (m->html && *m->html && !html)) {
		free(body);
		free(html);
		return NULL;
	}
	c = json_pack("{s:s,s:b,s:I}", "body", body, "public", is_public, "author_id",
		      (json_int_t)author);
	if (c && html && *html)
		json_object_set_new(c, "html_body", json_string(html));
	free(body);
	free(html);
	return c;
}

/* CC'd addresses become collaborators (not our mailboxes, the sender or the requester). */
static int add_collaborators(struct ingest *g, int64_t ticket, int64_t requester)
{
	const struct desk_email *m = g->m;
	if (m->auto_submitted)
		return 0; /* lists and robots: no */
	for (int i = 0; i < m->ncc && i < HELPO_MAX_MAIL_ADDRESSES; i++) {
		const char *e = m->cc[i].email;
		struct desk_err ignore = {0};
		int64_t uid, one;
		int rc;
		if (!e || !*e || !strcmp(e, m->from.email) || (m->mailbox && !strcmp(e, m->mailbox)))
			continue;
		rc = db_int(g->db, &one, "SELECT 1 FROM mailboxes WHERE email = ?", "s", e);
		if (rc != HELPO_ENOTFOUND) {
			if (rc)
				return rc;
			continue;
		}
		rc = desk_user_find_or_create(g->db, e, m->cc[i].name, &uid, &ignore);
		if (rc == HELPO_EINVAL)
			continue; /* not an address we can use */
		if (rc)
			return rc;
		if (uid == requester)
			continue;
		if ((rc = db_exec(g->db,
				  "INSERT INTO ticket_collaborators (ticket_id, user_id) VALUES (?, ?) "
				  "ON CONFLICT DO NOTHING",
				  "ii", ticket, uid)))
			return rc;
	}
	return 0;
}

static int store_attachments(struct ingest *g, int64_t ticket, int64_t comment)
{
	const struct desk_email *m = g->m;
	g->natt = 0;
	for (int i = 0; i < m->natts && g->natt < HELPO_MAX_ATTACHMENTS; i++) {
		const struct desk_email_att *at = &m->atts[i];
		char sha[CRYPTO_SHA256_HEX];
		char *name, *type, *cid;
		int rc;
		if (at->size > HELPO_MAX_ATTACHMENT_BYTES || (!at->data && at->size))
			continue;
		name = cut_utf8(at->file_name && *at->file_name ? at->file_name : "attachment",
				HELPO_MAX_NAME_BYTES);
		type = cut_utf8(at->content_type && *at->content_type ? at->content_type
								      : "application/octet-stream",
				127);
		cid = at->content_id ? cut_utf8(at->content_id, 255) : NULL;
		if (!name || !type || (at->content_id && !cid)) {
			free(name);
			free(type);
			free(cid);
			return HELPO_ENOMEM;
		}
		crypto_sha256_hex(at->data ? at->data : "", at->size, sha);
		rc = db_int(g->db, &g->att_ids[g->natt],
			    "INSERT INTO attachments (ticket_id, comment_id, file_name, content_type, "
			    "size, sha256, content_id, is_inline, data, created_at) VALUES "
			    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			    "iississibi", ticket, comment, *name ? name : "attachment", type,
			    (int64_t)at->size, sha, cid && *cid ? cid : NULL, (int64_t)at->is_inline,
			    at->data ? at->data : (const void *)"", at->size, g->now);
		free(name);
		free(type);
		free(cid);
		if (rc)
			return rc;
		g->natt++;
	}
	return 0;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* Percent-decodes s (RFC 2392 cid URLs are URL-encoded) into b. */
static void pct_decode(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			buf_addc(b, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
			i += 2;
		} else
			buf_addc(b, s[i]);
	}
}

/* The attachment id whose escaped Content-ID equals the escaped cid value, or 0. */
static int64_t cid_match(struct ingest *g, const char *val, size_t n)
{
	struct buf esc = BUF_INIT(4096), dec = BUF_INIT(4096);
	int64_t found = 0;
	pct_decode(&dec, val, n);
	for (int i = 0, k = 0; i < g->m->natts && k < g->natt && !found; i++) {
		const struct desk_email_att *at = &g->m->atts[i];
		if (at->size > HELPO_MAX_ATTACHMENT_BYTES || (!at->data && at->size))
			continue; /* was not stored: keeps the ids aligned */
		if (at->content_id && *at->content_id) {
			buf_reset(&esc);
			html_escape(&esc, at->content_id);
			if ((esc.len == n && !memcmp(esc.data, val, n)) || !strcmp(esc.data, dec.data))
				found = g->att_ids[k];
		}
		k++;
	}
	buf_release(&esc);
	buf_release(&dec);
	return found;
}

/* Rewrites src="cid:X" of stored inline images to their content URL. *out NULL: unchanged. */
static int rewrite_cids(struct ingest *g, const char *html, char **out)
{
	struct buf b = BUF_INIT((size_t)HELPO_MAX_COMMENT_BYTES * 8);
	const char *p = html, *s;
	bool changed = false;
	*out = NULL;
	while ((s = strstr(p, " src=\""))) {
		const char *v = s + 6, *end = strchr(v, '"');
		int64_t id;
		if (!end)
			break;
		if (!strncasecmp(v, "cid:", 4) && (id = cid_match(g, v + 4, (size_t)(end - v - 4)))) {
			buf_add(&b, p, (size_t)(s - p));
			buf_addf(&b, " src=\"/api/v2/attachments/%lld/content\"", (long long)id);
			changed = true;
		} else
			buf_add(&b, p, (size_t)(end + 1 - p));
		p = end + 1;
	}
	if (!changed) {
		buf_release(&b);
		return 0;
	}
	if (buf_adds(&b, p)) {
		buf_release(&b);
		return HELPO_ETOOBIG;
	}
	*out = buf_detach(&b, NULL);
	return *out ? 0 : HELPO_ENOMEM;
}

/* After the comment exists: attachments, inline image URLs, flags, the Message-ID. */
static int finish_comment(struct ingest *g, int64_t ticket, int64_t comment, const char *flags)
{
	struct db_stmt *st;
	char *html = NULL, *rewritten = NULL;
	int rc;
	if ((rc = store_attachments(g, ticket, comment)))
		return rc;
	if (g->natt) {
		if ((rc = db_query(g->db, &st, "SELECT html_body FROM comments WHERE id = ?", "i",
				   comment)))
			return rc;
		if ((rc = db_step(st)) == DB_ROW && db_col_text(st, 0))
			html = strdup(db_col_text(st, 0));
		db_done(st);
		if (rc < 0)
			return rc;
		if (html && (rc = rewrite_cids(g, html, &rewritten)) == 0 && rewritten)
			rc = db_exec(g->db, "UPDATE comments SET html_body = ? WHERE id = ?", "si",
				     rewritten, comment);
		free(html);
		free(rewritten);
		if (rc)
			return rc;
	}
	return db_exec(g->db, "UPDATE comments SET flags = ?, message_id = ? WHERE id = ?", "ssi",
		       flags, g->m->message_id, comment);
}

static void set_outcome(struct ingest *g, const char *outcome, int64_t ticket, int64_t comment)
{
	snprintf(g->out->outcome, sizeof g->out->outcome, "%s", outcome);
	g->out->ticket_id = ticket;
	g->out->comment_id = comment;
}

/* A delivery failure: an internal note on the ticket of the bounced message. */
static int ingest_bounce(struct ingest *g)
{
	const struct desk_email *m = g->m;
	struct buf note = BUF_INIT(1024);
	char status[32] = "";
	int64_t ticket = 0, cid = 0, author = 0;
	struct db_stmt *st;
	int rc = HELPO_ENOTFOUND;
	if (m->bounce_message_id && *m->bounce_message_id)
		rc = db_int(g->db, &ticket, "SELECT ticket_id FROM mail_threads WHERE message_id = ?",
			    "s", m->bounce_message_id);
	if (rc == HELPO_ENOTFOUND) {
		set_outcome(g, "ignored", 0, 0);
		snprintf(g->detail, sizeof g->detail, "bounce for a message we do not know");
		return 0;
	}
	if (rc)
		return rc;
	/* the status is untrusted text: keep "d.d.d"-like characters only */
	for (size_t i = 0, n = 0; m->bounce_status && m->bounce_status[i] && n < sizeof status - 1;
	     i++)
		if (isalnum((unsigned char)m->bounce_status[i]) || m->bounce_status[i] == '.')
			status[n++] = m->bounce_status[i];
	buf_addf(&note, "Delivery failed: %s", *status ? status : "unknown status");
	if (!db_query(g->db, &st, "SELECT recipients FROM outbox WHERE message_id = ?", "s",
		      m->bounce_message_id)) {
		if (db_step(st) == DB_ROW && db_col_text(st, 0))
			buf_addf(&note, " (message to %.400s)", db_col_text(st, 0));
		db_done(st);
	}
	/* the note's author: the reporting system's address (e.g. MAILER-DAEMON@host) */
	if ((rc = desk_user_find_or_create(g->db, m->from.email, m->from.name, &author, NULL)))
		rc = desk_user_find_or_create(g->db, "mailer-daemon@helpo.invalid", "Mail delivery",
					      &author, g->err);
	if (!rc)
		rc = desk_comment_insert(g->db, ticket, author, note.data, NULL, false, "email",
					 g->now, &cid);
	buf_release(&note);
	if (rc || (rc = db_exec(g->db, "UPDATE comments SET flags = 'bounce', message_id = ? "
				       "WHERE id = ?",
				 "si", m->message_id, cid)))
		return rc;
	set_outcome(g, "bounce", ticket, cid);
	return 0;
}

/* A new ticket from the message (prefix: the follow-up line, or NULL). */
static int ingest_new_ticket(struct ingest *g, const char *prefix)
{
	struct ticket_opts o = {.in_tx = true, .email = g->m, .via = "email"};
	json_t *in, *c, *t = NULL;
	char *subject;
	int64_t cid = 0, id;
	int rc;
	if ((rc = sender_ensure(g)))
		return rc;
	o.comment_id = &cid;
	c = comment_json(g->m, prefix, false, true, g->sender_id);
	subject = cut_utf8(g->m->subject, HELPO_MAX_SUBJECT_BYTES);
	if (!c || !subject) {
		json_decref(c);
		free(subject);
		return HELPO_ENOMEM;
	}
	in = json_pack("{s:I,s:I,s:o}", "requester_id", (json_int_t)g->sender_id, "submitter_id",
		       (json_int_t)g->sender_id, "comment", c);
	if (*subject)
		json_object_set_new(in, "subject", json_string(subject));
	if (g->group_id)
		json_object_set_new(in, "group_id", json_integer(g->group_id));
	free(subject);
	rc = desk_ticket_create_in(g->db, &system_actor, in, NULL, &o, &t, g->err);
	json_decref(in);
	if (rc)
		return rc;
	id = json_integer_value(json_object_get(t, "id"));
	json_decref(t);
	if ((rc = add_collaborators(g, id, g->sender_id)) || (rc = finish_comment(g, id, cid, "")))
		return rc;
	set_outcome(g, "ticket", id, cid);
	return 0;
}

/* A reply on an open ticket: public when the sender may add to it, else a review note. */
static int ingest_reply(struct ingest *g, int64_t ticket)
{
	struct ticket_opts o = {.in_tx = true, .email = g->m, .via = "email"};
	struct db_stmt *st;
	char status[16] = "";
	int64_t requester = 0, one, cid = 0;
	bool allowed = false, is_public;
	json_t *in, *c, *t = NULL;
	int rc;
	if ((rc = db_query(g->db, &st, "SELECT status, requester_id FROM tickets WHERE id = ?", "i",
			   ticket)))
		return rc;
	if ((rc = db_step(st)) == DB_ROW) {
		snprintf(status, sizeof status, "%s", db_col_text(st, 0));
		requester = db_col_int(st, 1);
	}
	db_done(st);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return ingest_new_ticket(g, NULL); /* deleted meanwhile */
	if (g->sender_id && g->sender_role == DESK_END_USER) {
		if (g->sender_id == requester)
			allowed = true;
		else if ((rc = db_int(g->db, &one,
				      "SELECT 1 FROM ticket_collaborators WHERE ticket_id = ? AND "
				      "user_id = ?",
				      "ii", ticket, g->sender_id)) == 0)
			allowed = true;
		else if (rc != HELPO_ENOTFOUND)
			return rc;
	}
	if (!strcmp(status, "closed")) {
		char line[96];
		snprintf(line, sizeof line, "Follow-up to ticket #%lld.", (long long)ticket);
		return ingest_new_ticket(g, allowed ? line : NULL);
	}
	if ((rc = sender_ensure(g)))
		return rc;
	is_public = allowed;
	o.comment_id = &cid;
	if (!(c = comment_json(g->m, NULL, true, is_public, g->sender_id)))
		return HELPO_ENOMEM;
	in = json_pack("{s:o}", "comment", c);
	if (g->m->auto_submitted || !is_public) /* robots and review notes never reopen */
		json_object_set_new(in, "status", json_string(status));
	rc = desk_ticket_update_in(g->db, &system_actor, ticket, in, &o, &t, g->err);
	json_decref(in);
	json_decref(t);
	if (rc)
		return rc;
	if (allowed && (rc = add_collaborators(g, ticket, requester)))
		return rc;
	if ((rc = finish_comment(g, ticket, cid, is_public ? "" : "review")))
		return rc;
	if (!is_public)
		snprintf(g->detail, sizeof g->detail, "%s",
			 g->sender_role == DESK_END_USER ? "sender is not the requester or a CC"
							 : "From: is a staff address (unverified)");
	set_outcome(g, is_public ? "comment" : "review", ticket, cid);
	return 0;
}

/* Writes the ledger row and the event; the caller commits. */
static int record(struct ingest *g)
{
	const struct desk_email *m = g->m;
	json_t *p;
	int rc;
	if (m->truncated && !g->detail[0])
		snprintf(g->detail, sizeof g->detail, "a parser limit was reached");
	rc = db_exec(g->db,
		     "INSERT INTO mail_ingest (ingest_id, message_id, mailbox_id, ticket_id, "
		     "comment_id, outcome, detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		     "ssIIIssi", m->ingest_id, m->message_id, g->mailbox_id, g->out->ticket_id,
		     g->out->comment_id, g->out->outcome, g->detail, g->now);
	if (rc)
		return rc;
	if (g->out->ticket_id && m->message_id && *m->message_id && strcmp(g->out->outcome, "bounce") &&
	    (rc = db_exec(g->db,
			  "INSERT INTO mail_threads (message_id, ticket_id, created_at) VALUES "
			  "(?, ?, ?) ON CONFLICT (message_id) DO NOTHING",
			  "sii", m->message_id, g->out->ticket_id, g->now)))
		return rc;
	p = json_pack("{s:s,s:o,s:s}", "ingest_id", m->ingest_id, "message_id",
		      jstr_or_null(m->message_id), "outcome", g->out->outcome);
	rc = desk_event_add(g->db, g->out->ticket_id, 0, "email.received", p);
	json_decref(p);
	return rc;
}

/* The outcome of an earlier commit of the same ingest id, into out. 0 found, NOTFOUND not. */
static int earlier(struct db *db, const char *ingest_id, struct desk_ingest_result *out)
{
	struct db_stmt *st;
	int rc = db_query(db, &st,
			  "SELECT outcome, coalesce(ticket_id, 0), coalesce(comment_id, 0) FROM "
			  "mail_ingest WHERE ingest_id = ?",
			  "s", ingest_id);
	if (rc)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW) {
		snprintf(out->outcome, sizeof out->outcome, "%s", db_col_text(st, 0));
		out->ticket_id = db_col_int(st, 1);
		out->comment_id = db_col_int(st, 2);
		out->duplicate = true;
		rc = 0;
	} else if (rc == DB_DONE)
		rc = HELPO_ENOTFOUND;
	db_done(st);
	return rc;
}

static int ingest_tx(struct ingest *g)
{
	const struct desk_email *m = g->m;
	int64_t ticket = 0;
	int rc;
	if ((rc = resolve_mailbox(g)))
		return rc;
	if (m->is_bounce)
		return ingest_bounce(g);
	if (m->message_id && *m->message_id &&
	    !db_int(g->db, &ticket,
		    "SELECT coalesce(ticket_id, 0) FROM mail_ingest WHERE message_id = ? AND "
		    "outcome IN ('ticket', 'comment', 'review') ORDER BY id LIMIT 1",
		    "s", m->message_id)) {
		set_outcome(g, "ignored", ticket, 0);
		snprintf(g->detail, sizeof g->detail, "same Message-ID as a message already taken");
		return 0;
	}
	if (!m->from.email || !*m->from.email) {
		set_outcome(g, "ignored", 0, 0);
		snprintf(g->detail, sizeof g->detail, "no usable sender address");
		return 0;
	}
	if ((rc = sender_lookup(g)) < 0)
		return rc;
	if (rc == 0) {
		set_outcome(g, "ignored", 0, 0);
		snprintf(g->detail, sizeof g->detail, "the sender's account is suspended or deleted");
		return 0;
	}
	if ((rc = thread_ticket(g, &ticket)))
		return rc;
	return ticket ? ingest_reply(g, ticket) : ingest_new_ticket(g, NULL);
}

int desk_email_ingest(struct db *db, const struct desk_email *m, struct desk_ingest_result *out,
		      struct desk_err *err)
{
	struct ingest g = {.db = db, .m = m, .out = out, .err = err, .now = time_now_ms()};
	int rc;
	memset(out, 0, sizeof *out);
	if (!m->ingest_id[0] || strlen(m->ingest_id) > 64)
		return desk_fail(err, HELPO_EINVAL, "ingest_id", "is required");
	if ((rc = db_begin(db)))
		return rc;
	rc = earlier(db, m->ingest_id, out);
	if (rc == 0) {
		db_rollback(db); /* nothing was written */
		return 0;
	}
	if (rc != HELPO_ENOTFOUND || (rc = ingest_tx(&g)) || (rc = record(&g)) ||
	    (rc = db_commit(db))) {
		db_rollback(db);
		memset(out, 0, sizeof *out);
		return rc;
	}
	return 0;
}
