/*
 * tests/unit/mail/corpus.c — the e-mail fixture corpus (tests/fixtures/mail/NAME.eml, written by
 * make-hostile.py) against its manifest tests/fixtures/mail/EXPECTED.
 *
 * test_corpus_parse: every listed file through mail_parse — the manifest's expectations
 * (subject, text, html, addresses, attachments, flags; key list in make-hostile.py) and the
 * promises that hold for every message (valid UTF-8 everywhere, counts within limits).
 * test_corpus_ingest: every file into a fresh database with the mailbox support@helpo.test
 * through desk_email_ingest — the outcome named in the manifest; no stored comment HTML holds
 * "<script", nor "onerror" or "javascript:" inside a tag (any case; escaped text may mention
 * them); a second ingest of the same bytes reports
 * duplicate and changes no table.
 *
 * The corpus is found through $MESON_SOURCE_ROOT (set by `meson test`), else
 * ../tests/fixtures/mail (cwd = the build directory), else tests/fixtures/mail.
 * Each test reports every failing file before failing, so one run shows them all.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "mail/mail.h"
#include "util/buf.h"
#include "util/crypto.h"
#include "util/limits.h"
#include "util/text.h"
#include "util/timeutil.h"
#include "../testutil.h"
#include <strings.h>
#include "../../common/html_active.h"

static char corpus_dir[512];

static void find_corpus(void)
{
	const char *root = getenv("MESON_SOURCE_ROOT");
	const char *cands[] = {"../tests/fixtures/mail", "tests/fixtures/mail",
	                       "../../tests/fixtures/mail"};
	char p[600];
	if (root && *root) {
		snprintf(corpus_dir, sizeof corpus_dir, "%s/tests/fixtures/mail", root);
		snprintf(p, sizeof p, "%s/EXPECTED", corpus_dir);
		if (access(p, R_OK) == 0)
			return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(cands); i++) {
		snprintf(p, sizeof p, "%s/EXPECTED", cands[i]);
		if (access(p, R_OK) == 0) {
			snprintf(corpus_dir, sizeof corpus_dir, "%s", cands[i]);
			return;
		}
	}
	corpus_dir[0] = '\0';
}

/* Reads a whole file (malloc'd, NUL-terminated for convenience). */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT(HELPO_MAX_MESSAGE_BYTES);
	char chunk[65536];
	size_t n;
	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (buf_add(&b, chunk, n)) {
			fclose(f);
			buf_release(&b);
			return NULL;
		}
	fclose(f);
	if (b.cap == 0) {
		*len = 0;
		return calloc(1, 1);
	}
	return buf_detach(&b, len);
}

static void pct_decode(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '%' && r[1] && r[2]) {
			char hex[3] = {r[1], r[2], 0};
			*w++ = (char)strtol(hex, NULL, 16);
			r += 2;
		} else
			*w++ = *r;
	}
	*w = '\0';
}

static bool ok_str(const char *s)
{
	return !s || text_utf8_valid(s, strlen(s));
}

/* Checks the promises for every message; returns a reason or NULL. */
static const char *check_promises(const struct desk_email *e)
{
	if (!e->text || !e->text_trimmed)
		return "text or text_trimmed NULL";
	if (!ok_str(e->subject) || !ok_str(e->text) || !ok_str(e->text_trimmed) ||
	    !ok_str(e->html) || !ok_str(e->from.name) || !ok_str(e->from.email) ||
	    !ok_str(e->message_id) || !ok_str(e->in_reply_to) || !ok_str(e->bounce_message_id) ||
	    !ok_str(e->bounce_status))
		return "invalid UTF-8";
	if (e->nto > HELPO_MAX_MAIL_ADDRESSES || e->ncc > HELPO_MAX_MAIL_ADDRESSES ||
	    e->nrefs > HELPO_MAX_REFERENCES || e->natts > HELPO_MAX_ATTACHMENTS)
		return "count over limit";
	for (int i = 0; i < e->nto; i++)
		if (!e->to[i].email || !ok_str(e->to[i].email) || !ok_str(e->to[i].name))
			return "bad To";
	for (int i = 0; i < e->ncc; i++)
		if (!e->cc[i].email || !ok_str(e->cc[i].email) || !ok_str(e->cc[i].name))
			return "bad Cc";
	for (int i = 0; i < e->nrefs; i++)
		if (!ok_str(e->references[i]) || strchr(e->references[i], '<'))
			return "bad reference";
	for (int i = 0; i < e->natts; i++) {
		const struct desk_email_att *a = &e->atts[i];
		if (!a->file_name || !ok_str(a->file_name) || !ok_str(a->content_type) ||
		    !ok_str(a->content_id) || strchr(a->file_name, '/') ||
		    strchr(a->file_name, '\\') || a->size > HELPO_MAX_ATTACHMENT_BYTES ||
		    (a->size && !a->data))
			return "bad attachment";
	}
	if (e->subject && strlen(e->subject) > HELPO_MAX_SUBJECT_BYTES)
		return "subject too long";
	return NULL;
}

static bool has(const char *s, const char *needle)
{
	return s && strstr(s, needle);
}

/* One manifest key against a parsed message; returns a reason or NULL. */
static const char *check_key(const struct desk_email *e, const char *key, const char *op,
                             const char *v)
{
	bool eq = !strcmp(op, "="), in = !strcmp(op, "~"), out = !strcmp(op, "!~");
	const char *s = NULL;
	bool str = true;
	long n = strtol(v, NULL, 10);
	if (!strcmp(key, "subject"))
		s = e->subject;
	else if (!strcmp(key, "text"))
		s = e->text;
	else if (!strcmp(key, "trimmed"))
		s = e->text_trimmed;
	else if (!strcmp(key, "html"))
		s = e->html;
	else if (!strcmp(key, "from"))
		s = e->from.email;
	else if (!strcmp(key, "fromname"))
		s = e->from.name;
	else if (!strcmp(key, "msgid"))
		s = e->message_id;
	else if (!strcmp(key, "inreplyto"))
		s = e->in_reply_to;
	else if (!strcmp(key, "bouncestatus"))
		s = e->bounce_status;
	else if (!strcmp(key, "bounceid"))
		s = e->bounce_message_id;
	else
		str = false;
	if (str) {
		if (eq && !strcmp(v, "null"))
			return s ? "expected NULL" : NULL;
		if (eq)
			return s && !strcmp(s, v) ? NULL : "not equal";
		if (in)
			return has(s, v) ? NULL : "does not contain";
		if (out)
			return has(s, v) ? "contains" : NULL;
		return "bad operator";
	}
	if (!strcmp(key, "nto"))
		return e->nto == n ? NULL : "nto";
	if (!strcmp(key, "ncc"))
		return e->ncc == n ? NULL : "ncc";
	if (!strcmp(key, "nrefs"))
		return e->nrefs == n ? NULL : "nrefs";
	if (!strcmp(key, "atts"))
		return e->natts == n ? NULL : "atts";
	if (!strcmp(key, "truncated"))
		return e->truncated == (n != 0) ? NULL : "truncated";
	if (!strcmp(key, "autosubmitted"))
		return e->auto_submitted == (n != 0) ? NULL : "autosubmitted";
	if (!strcmp(key, "bounce"))
		return e->is_bounce == (n != 0) ? NULL : "bounce";
	if (!strcmp(key, "date"))
		return e->date == strtoll(v, NULL, 10) ? NULL : "date";
	if (!strcmp(key, "attname") || !strcmp(key, "attcid")) {
		for (int i = 0; i < e->natts; i++) {
			const char *x =
			    key[3] == 'n' ? e->atts[i].file_name : e->atts[i].content_id;
			if (x && !strcmp(x, v))
				return NULL;
		}
		return "no such attachment";
	}
	return "unknown key";
}

/* A manifest line split: name, outcome, then key/op/value triples. */
struct entry {
	char name[128];
	char outcome[64];
	int nkeys;
	char key[24][32], op[24][3], val[24][512];
};

static int parse_line(char *line, struct entry *en)
{
	char *save = NULL, *tok;
	memset(en, 0, sizeof *en);
	tok = strtok_r(line, " \t\r\n", &save);
	if (!tok || *tok == '#')
		return -1;
	snprintf(en->name, sizeof en->name, "%s", tok);
	tok = strtok_r(NULL, " \t\r\n", &save);
	snprintf(en->outcome, sizeof en->outcome, "%s", tok ? tok : "");
	while ((tok = strtok_r(NULL, " \t\r\n", &save)) && en->nkeys < 24) {
		char *p = tok + strcspn(tok, "=~!");
		int k = en->nkeys++;
		snprintf(en->key[k], sizeof en->key[k], "%.*s", (int)(p - tok), tok);
		if (p[0] == '!' && p[1] == '~') {
			snprintf(en->op[k], 3, "!~");
			p += 2;
		} else if (*p) {
			en->op[k][0] = *p++;
		}
		snprintf(en->val[k], sizeof en->val[k], "%s", p);
		pct_decode(en->val[k]);
	}
	return 0;
}

/* Calls fn for every manifest entry; returns the number of failures fn reported. */
static int each_entry(int (*fn)(const struct entry *en, const char *raw, size_t len))
{
	char path[700], *manifest, *line, *save = NULL;
	size_t mlen;
	int failures = 0, n = 0;
	find_corpus();
	if (!corpus_dir[0])
		fail_msg("corpus not found: set MESON_SOURCE_ROOT or run from the build directory");
	snprintf(path, sizeof path, "%s/EXPECTED", corpus_dir);
	manifest = slurp(path, &mlen);
	assert_non_null(manifest);
	for (line = strtok_r(manifest, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct entry *en = malloc(sizeof *en);
		char *raw;
		size_t len;
		assert_non_null(en);
		if (parse_line(line, en)) {
			free(en);
			continue;
		}
		snprintf(path, sizeof path, "%s/%s", corpus_dir, en->name);
		raw = slurp(path, &len);
		if (!raw) {
			print_error("%s: cannot read\n", en->name);
			failures++;
		} else {
			failures += fn(en, raw, len);
			n++;
		}
		free(raw);
		free(en);
	}
	free(manifest);
	assert_true(n >= 60);
	return failures;
}

static int parse_one(const struct entry *en, const char *raw, size_t len)
{
	struct mail_msg *m = NULL;
	const char *why;
	int rc = mail_parse(raw, len, "support@helpo.test", &m), bad = 0;
	if (rc) {
		print_error("%s: mail_parse %d\n", en->name, rc);
		return 1;
	}
	if ((why = check_promises(&m->email))) {
		print_error("%s: %s\n", en->name, why);
		bad = 1;
	}
	for (int k = 0; k < en->nkeys; k++) {
		why = check_key(&m->email, en->key[k], en->op[k], en->val[k]);
		if (why) {
			print_error("%s: %s%s%s: %s\n", en->name, en->key[k], en->op[k], en->val[k],
			            why);
			bad = 1;
		}
	}
	mail_msg_free(m);
	return bad;
}

static void test_corpus_parse(void **state)
{
	(void)state;
	assert_int_equal(each_entry(parse_one), 0);
}

/* Row counts of every table ingest may write, to prove a duplicate changes nothing. */
static void snapshot(struct db *db, int64_t out[9])
{
	static const char *const sql[] = {"SELECT count(*) FROM tickets",
	                                  "SELECT count(*) FROM comments",
	                                  "SELECT count(*) FROM attachments",
	                                  "SELECT count(*) FROM mail_ingest",
	                                  "SELECT count(*) FROM events",
	                                  "SELECT count(*) FROM users",
	                                  "SELECT count(*) FROM ticket_collaborators",
	                                  "SELECT count(*) FROM outbox",
	                                  "SELECT count(*) FROM mail_threads"};
	for (int i = 0; i < 9; i++)
		assert_int_equal(db_int(db, &out[i], sql[i], ""), 0);
}

/* 1 when any stored comment HTML is active (see html_active). */
static int html_unsafe(struct db *db, const char *name)
{
	struct db_stmt *st;
	int rc, bad = 0;
	assert_int_equal(
	    db_query(db, &st, "SELECT html_body FROM comments WHERE html_body IS NOT NULL", ""), 0);
	while ((rc = db_step(st)) == DB_ROW) {
		const char *h = db_col_text(st, 0);
		if (h && html_active(h)) {
			print_error("%s: unsafe stored html: %.200s\n", name, h);
			bad = 1;
		}
	}
	db_done(st);
	return bad;
}

static bool outcome_ok(const char *want, const char *got)
{
	char w[64], *save = NULL;
	snprintf(w, sizeof w, "%s", want);
	for (char *t = strtok_r(w, "|", &save); t; t = strtok_r(NULL, "|", &save))
		if (!strcmp(t, got))
			return true;
	return false;
}

static int ingest_one(const struct entry *en, const char *raw, size_t len)
{
	struct tdb *t = t_db_open();
	struct mail_msg *m = NULL;
	struct desk_ingest_result r1, r2;
	struct desk_err err = {{0}, {0}};
	int64_t before[9], after[9], now = time_now_ms();
	int rc, bad = 0;
	assert_int_equal(db_exec(t->db,
	                         "INSERT INTO mailboxes (email, name, is_default, created_at, "
	                         "updated_at) VALUES ('support@helpo.test', 'Support', 1, ?, ?)",
	                         "ii", now, now),
	                 0);
	assert_int_equal(mail_parse(raw, len, "support@helpo.test", &m), 0);
	rc = desk_email_ingest(t->db, &m->email, &r1, &err);
	if (rc) {
		print_error("%s: desk_email_ingest %d (%s: %s)\n", en->name, rc, err.field,
		            err.message);
		bad = 1;
		goto out;
	}
	if (!outcome_ok(en->outcome, r1.outcome)) {
		print_error("%s: outcome %s, want %s\n", en->name, r1.outcome, en->outcome);
		bad = 1;
	}
	if (r1.duplicate) {
		print_error("%s: first ingest reported duplicate\n", en->name);
		bad = 1;
	}
	bad |= html_unsafe(t->db, en->name);
	snapshot(t->db, before);
	rc = desk_email_ingest(t->db, &m->email, &r2, &err);
	snapshot(t->db, after);
	if (rc || !r2.duplicate || strcmp(r1.outcome, r2.outcome)) {
		print_error("%s: second ingest rc %d duplicate %d outcome %s\n", en->name, rc,
		            r2.duplicate, r2.outcome);
		bad = 1;
	}
	if (memcmp(before, after, sizeof before)) {
		print_error("%s: second ingest changed the database\n", en->name);
		bad = 1;
	}
out:
	mail_msg_free(m);
	t_db_close(t);
	return bad;
}

static void test_corpus_ingest(void **state)
{
	(void)state;
	assert_int_equal(each_entry(ingest_one), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_corpus_parse),
	    cmocka_unit_test(test_corpus_ingest),
	};
	crypto_setup();
	mail_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
