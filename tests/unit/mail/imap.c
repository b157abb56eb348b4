/*
 * tests/unit/mail/imap.c — unit tests for src/mail/imap.c: the bounded parsers of EXAMINE,
 * UID SEARCH and UID FETCH answers fed real and hostile input (no NUL terminator, overflow,
 * garbage, literals, huge lists), the account URL check, and imap_poll_all's bookkeeping on
 * accounts it cannot reach (last_error set, nothing spooled, the others still polled).
 * The end-to-end poll against a real Dovecot is tests/mail/imap.test.mjs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "mail/imap.h"
#include "jobs/jobs.h"
#include "util/conf.h"
#include "../testutil.h"
#include <sys/socket.h>
#include <netinet/in.h>

#define S(lit) lit, sizeof(lit) - 1

static void test_uidvalidity(void **state)
{
	uint32_t v = 0;
	(void)state;
	assert_int_equal(imap_parse_uidvalidity(S("* FLAGS (\\Seen)\r\n* 3 EXISTS\r\n"
						  "* OK [UIDVALIDITY 1795421784] UIDs valid\r\n"
						  "* OK [UIDNEXT 4] Predicted next UID\r\n"),
						&v),
			 0);
	assert_int_equal(v, 1795421784u);
	/* case-insensitive, no CR, no final newline */
	assert_int_equal(imap_parse_uidvalidity(S("* ok [uidvalidity 7]"), &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(imap_parse_uidvalidity(S("* OK [UIDVALIDITY 4294967295] x\n"), &v), 0);
	assert_int_equal(v, 4294967295u);
	/* hostile or missing */
	assert_int_equal(imap_parse_uidvalidity(S(""), &v), HELPO_EINVAL);
	assert_int_equal(imap_parse_uidvalidity(S("* 3 EXISTS\r\n"), &v), HELPO_EINVAL);
	assert_int_equal(imap_parse_uidvalidity(S("* OK [UIDVALIDITY 0] x"), &v), HELPO_EINVAL);
	assert_int_equal(imap_parse_uidvalidity(S("* OK [UIDVALIDITY 4294967296] x\r\n"), &v),
			 HELPO_EINVAL);
	assert_int_equal(imap_parse_uidvalidity(S("* OK [UIDVALIDITY 99999999999999999999999] x"),
						&v),
			 HELPO_EINVAL);
	assert_int_equal(imap_parse_uidvalidity(S("* OK [UIDVALIDITY -5] x"), &v), HELPO_EINVAL);
	assert_int_equal(imap_parse_uidvalidity(S("* OK [UIDVALIDITY 12"), &v), HELPO_EINVAL);
	assert_int_equal(imap_parse_uidvalidity(S("* OK [UIDVALIDITY 12 ]"), &v), HELPO_EINVAL);
	/* the length bounds the read: the digits after len are not seen */
	assert_int_equal(imap_parse_uidvalidity("* OK [UIDVALIDITY 12]", 20, &v), HELPO_EINVAL);
	/* UIDNEXT, same rules */
	assert_int_equal(imap_parse_uidnext(S("* OK [UIDVALIDITY 9]\n* OK [UIDNEXT 4] n"), &v), 0);
	assert_int_equal(v, 4);
	assert_int_equal(imap_parse_uidnext(S("* OK [UIDVALIDITY 9] x\r\n"), &v), HELPO_EINVAL);
	assert_int_equal(imap_parse_uidnext(S("* OK [UIDNEXT 4x] x\r\n"), &v), HELPO_EINVAL);
}

static void test_search(void **state)
{
	uint32_t u[8];
	size_t n = 99;
	(void)state;
	assert_int_equal(imap_parse_search(S("* SEARCH 2 3\r\n"), 0, u, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(u[0], 2);
	assert_int_equal(u[1], 3);
	/* empty result */
	assert_int_equal(imap_parse_search(S("* SEARCH\r\n"), 0, u, 8, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(imap_parse_search(S(""), 0, u, 8, &n), 0);
	assert_int_equal(n, 0);
	/* "N:*" answers the highest UID even when it is <= N-1: filtered; unordered, duplicated,
	 * several lines, other untagged lines: sorted, deduplicated */
	assert_int_equal(imap_parse_search(S("* 9 EXISTS\r\n* SEARCH 9 5 7 5\r\n* search 6 \r\n"
					     "* SEARCH 3\r\n"),
					   4, u, 8, &n),
			 0);
	assert_int_equal(n, 4);
	assert_int_equal(u[0], 5);
	assert_int_equal(u[1], 6);
	assert_int_equal(u[2], 7);
	assert_int_equal(u[3], 9);
	/* only the smallest max are kept */
	assert_int_equal(imap_parse_search(S("* SEARCH 50 40 30 20 10\r\n"), 0, u, 2, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(u[0], 10);
	assert_int_equal(u[1], 20);
	/* hostile tokens reject the whole answer */
	assert_int_equal(imap_parse_search(S("* SEARCH 1 x 3\r\n"), 0, u, 8, &n), HELPO_EINVAL);
	assert_int_equal(n, 0);
	assert_int_equal(imap_parse_search(S("* SEARCH 1 2x\r\n"), 0, u, 8, &n), HELPO_EINVAL);
	assert_int_equal(imap_parse_search(S("* SEARCH 0\r\n"), 0, u, 8, &n), HELPO_EINVAL);
	assert_int_equal(imap_parse_search(S("* SEARCH 4294967296\r\n"), 0, u, 8, &n),
			 HELPO_EINVAL);
	assert_int_equal(imap_parse_search(S("* SEARCH -1\r\n"), 0, u, 8, &n), HELPO_EINVAL);
	assert_int_equal(imap_parse_search(S("* SEARCH {5}\r\n"), 0, u, 8, &n), HELPO_EINVAL);
	/* "* SEARCHES" is not a SEARCH line */
	assert_int_equal(imap_parse_search(S("* SEARCHES 1 2\r\n"), 0, u, 8, &n), 0);
	assert_int_equal(n, 0);
}

static void test_search_huge(void **state)
{
	/* a server answering 200,000 UIDs in descending order: bounded work, smallest kept */
	struct buf b = BUF_INIT(4 * 1024 * 1024);
	uint32_t u[IMAP_BATCH];
	size_t n = 0;
	(void)state;
	assert_int_equal(buf_adds(&b, "* SEARCH"), 0);
	for (uint32_t i = 200000; i >= 1; i--)
		assert_int_equal(buf_addf(&b, " %u", i), 0);
	assert_int_equal(buf_adds(&b, "\r\n"), 0);
	assert_int_equal(imap_parse_search(b.data, b.len, 100, u, IMAP_BATCH, &n), 0);
	assert_int_equal(n, IMAP_BATCH);
	assert_int_equal(u[0], 101);
	assert_int_equal(u[IMAP_BATCH - 1], 100 + IMAP_BATCH);
	buf_release(&b);
}

static void test_fetch_meta(void **state)
{
	struct imap_meta m;
	(void)state;
	assert_int_equal(imap_parse_fetch_meta(S("* 2 FETCH (UID 2 RFC822.SIZE 104 FLAGS ())\r\n"),
					       2, &m),
			 0);
	assert_true(m.found);
	assert_true(m.has_size);
	assert_int_equal(m.size, 104);
	assert_false(m.seen);
	/* other order, \Seen among flags, unsolicited lines for other messages, extra items */
	assert_int_equal(imap_parse_fetch_meta(S("* 1 FETCH (FLAGS (\\Seen) UID 1)\r\n"
						 "* 4 EXISTS\r\n"
						 "* 7 fetch (flags (\\Answered \\seen $Label) "
						 "MODSEQ (12) X-GUID \"a\\\"b\" uid 9 "
						 "rfc822.size 33000000)\r\n"),
					       9, &m),
			 0);
	assert_true(m.found);
	assert_true(m.seen);
	assert_int_equal(m.size, 33000000);
	/* no line for this UID: not found (the message was expunged) */
	assert_int_equal(imap_parse_fetch_meta(S("* 1 FETCH (UID 1 FLAGS ())\r\n"), 5, &m), 0);
	assert_false(m.found);
	assert_int_equal(imap_parse_fetch_meta(S(""), 5, &m), 0);
	assert_false(m.found);
	/* no size given */
	assert_int_equal(imap_parse_fetch_meta(S("* 1 FETCH (UID 5 FLAGS (\\Seen))"), 5, &m), 0);
	assert_true(m.found);
	assert_false(m.has_size);
	/* hostile */
	assert_int_equal(imap_parse_fetch_meta(S("* 1 FETCH (UID 5 FLAGS (\\Seen)\r\n"), 5, &m),
			 HELPO_EINVAL);
	assert_int_equal(imap_parse_fetch_meta(S("* 1 FETCH (UID 5 FLAGS (\\Seen)) junk\r\n"), 5,
					       &m),
			 HELPO_EINVAL);
	assert_int_equal(imap_parse_fetch_meta(S("* 1 FETCH (UID 5 BODY[] {3}\r\n"), 5, &m),
			 HELPO_EINVAL);
	assert_int_equal(imap_parse_fetch_meta(S("* 1 FETCH (UID 5 RFC822.SIZE "
						 "99999999999999999999999)\r\n"),
					       5, &m),
			 HELPO_EINVAL);
	assert_int_equal(imap_parse_fetch_meta(S("* 1 FETCH (UID 4294967296)\r\n"), 5, &m),
			 HELPO_EINVAL);
	assert_int_equal(imap_parse_fetch_meta(S("* 1 FETCH (UID)\r\n"), 5, &m), HELPO_EINVAL);
	assert_int_equal(imap_parse_fetch_meta(S("* 1 FETCH (FLAGS \\Seen UID 5)\r\n"), 5, &m),
			 HELPO_EINVAL);
	assert_int_equal(imap_parse_fetch_meta(S("* 1 FETCH (FLAGS ((\\Seen)) UID 5)\r\n"), 5, &m),
			 HELPO_EINVAL);
	assert_int_equal(imap_parse_fetch_meta(S("* 1 FETCH (X \"unterminated)\r\n"), 5, &m),
			 HELPO_EINVAL);
	assert_int_equal(imap_parse_fetch_meta(S("* 1 FETCH (X \"ends in backslash\\"), 5, &m),
			 HELPO_EINVAL);
	assert_int_equal(imap_parse_fetch_meta(S("* 1 FETCH ("), 5, &m), HELPO_EINVAL);
	assert_false(m.found);
	/* the length bounds the read */
	assert_int_equal(imap_parse_fetch_meta("* 1 FETCH (UID 5)", 16, 5, &m), HELPO_EINVAL);
}

/* Every prefix of a valid answer either parses or fails cleanly (no overread under ASan). */
static void test_truncations(void **state)
{
	static const char full[] = "* 1 FETCH (UID 5 RFC822.SIZE 10 FLAGS (\\Seen) X \"q\\\"\")\r\n"
				   "* SEARCH 1 2 3\r\n* OK [UIDVALIDITY 42] ok\r\n";
	(void)state;
	for (size_t len = 0; len <= sizeof full - 1; len++) {
		char *copy = malloc(len ? len : 1);
		struct imap_meta m;
		uint32_t u[4], v;
		size_t n;
		assert_non_null(copy);
		memcpy(copy, full, len);
		(void)imap_parse_fetch_meta(copy, len, 5, &m);
		(void)imap_parse_search(copy, len, 0, u, 4, &n);
		(void)imap_parse_uidvalidity(copy, len, &v);
		free(copy);
	}
}

static void test_url(void **state)
{
	struct imap_url u;
	(void)state;
	assert_int_equal(imap_url_parse("imap://127.0.0.1:1143/INBOX", &u), 0);
	assert_false(u.imaps);
	assert_string_equal(u.base, "imap://127.0.0.1:1143");
	assert_string_equal(u.mailbox, "INBOX");
	assert_int_equal(imap_url_parse("imaps://mail.example.org", &u), 0);
	assert_true(u.imaps);
	assert_string_equal(u.base, "imaps://mail.example.org");
	assert_string_equal(u.mailbox, "INBOX");
	assert_int_equal(imap_url_parse("imap://h/INBOX%2FSupport%20Desk/", &u), 0);
	assert_string_equal(u.mailbox, "INBOX/Support Desk");
	/* refused: other schemes, credentials, parameters, query, quoting breakers, controls */
	assert_int_equal(imap_url_parse("http://h/INBOX", &u), HELPO_EINVAL);
	assert_int_equal(imap_url_parse("pop3://h/INBOX", &u), HELPO_EINVAL);
	assert_int_equal(imap_url_parse("imap://user:pw@h/INBOX", &u), HELPO_EINVAL);
	assert_int_equal(imap_url_parse("imap://user@h/INBOX", &u), HELPO_EINVAL);
	assert_int_equal(imap_url_parse("imap://h/INBOX;UID=1", &u), HELPO_EINVAL);
	assert_int_equal(imap_url_parse("imap://h/INBOX?ALL", &u), HELPO_EINVAL);
	assert_int_equal(imap_url_parse("imap://h/IN%22BOX", &u), HELPO_EINVAL);
	assert_int_equal(imap_url_parse("imap://h/IN%5CBOX", &u), HELPO_EINVAL);
	assert_int_equal(imap_url_parse("imap://h/INBOX%0D%0AA1%20LOGOUT", &u), HELPO_EINVAL);
	assert_int_equal(imap_url_parse("imap://h/INBOX%3BUID=1", &u), HELPO_EINVAL);
	assert_int_equal(imap_url_parse("imap://", &u), HELPO_EINVAL);
	assert_int_equal(imap_url_parse("", &u), HELPO_EINVAL);
	assert_int_equal(imap_url_parse(NULL, &u), HELPO_EINVAL);
	{
		char big[1100];
		memset(big, 'a', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		memcpy(big, "imap://h/", 9);
		assert_int_equal(imap_url_parse(big, &u), HELPO_EINVAL);
	}
}

/* A loopback port with nothing listening on it. */
static int closed_port(void)
{
	struct sockaddr_in a = {0};
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;
	assert_true(fd >= 0);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* Unreachable and invalid accounts: each gets its last_error, the poll goes on, nothing is
 * fetched, and a disabled account is left alone. The password never reaches last_error. */
static void test_poll_failures(void **state)
{
	struct tdb *t = *state;
	struct conf conf;
	struct db_stmt *st;
	char url[128];
	int fetched = -1, rows = 0;
	int64_t now = time_now_ms();
	conf_defaults(&conf);
	snprintf(url, sizeof url, "imap://127.0.0.1:%d/INBOX", closed_port());
	assert_int_equal(db_exec(t->db,
				 "INSERT INTO imap_accounts (url, username, password, created_at, "
				 "updated_at) VALUES (?, 'u', 'hunter2-secret', ?, ?)",
				 "sii", url, now, now),
			 0);
	assert_int_equal(db_exec(t->db,
				 "INSERT INTO imap_accounts (url, username, password, created_at, "
				 "updated_at) VALUES ('http://nope/', 'u', 'hunter2-secret', ?, ?)",
				 "ii", now, now),
			 0);
	assert_int_equal(db_exec(t->db,
				 "INSERT INTO imap_accounts (url, username, password, enabled, "
				 "created_at, updated_at) VALUES (?, 'u', 'p', 0, ?, ?)",
				 "sii", url, now, now),
			 0);
	assert_int_not_equal(imap_poll_all(t->db, &conf, t->dir, &fetched), 0);
	assert_int_equal(fetched, 0);
	assert_int_equal(db_query(t->db, &st,
				  "SELECT id, last_error, last_uid, uidvalidity FROM imap_accounts "
				  "ORDER BY id",
				  ""),
			 0);
	while (db_step(st) == DB_ROW) {
		const char *e = db_col_text(st, 1);
		rows++;
		if (rows < 3) {
			assert_non_null(e);
			assert_true(strlen(e) > 0);
			assert_null(strstr(e, "hunter2"));
		} else {
			assert_null(e); /* disabled: never polled */
		}
		assert_int_equal(db_col_int(st, 2), 0);
		assert_true(db_col_null(st, 3));
	}
	db_done(st);
	assert_int_equal(rows, 3);
}

/* imap_poll_all with no account: nothing to do, success. */
static void test_poll_none(void **state)
{
	struct tdb *t = *state;
	struct conf conf;
	int fetched = -1;
	conf_defaults(&conf);
	assert_int_equal(imap_poll_all(t->db, &conf, t->dir, &fetched), 0);
	assert_int_equal(fetched, 0);
}

static int teardown_spool(void **state)
{
	/* the poll may have created DIR/spool/{tmp,new}: remove them before the flat cleanup */
	struct tdb *t = *state;
	char p[400];
	snprintf(p, sizeof p, "%s/spool/tmp", t->dir);
	rmdir(p);
	snprintf(p, sizeof p, "%s/spool/new", t->dir);
	rmdir(p);
	snprintf(p, sizeof p, "%s/spool", t->dir);
	rmdir(p);
	return t_teardown_db(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uidvalidity),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_search_huge),
		cmocka_unit_test(test_fetch_meta),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_url),
		cmocka_unit_test_setup_teardown(test_poll_failures, t_setup_db, teardown_spool),
		cmocka_unit_test_setup_teardown(test_poll_none, t_setup_db, teardown_spool),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
