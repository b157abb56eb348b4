/*
 * imap.c — `helpo imap add|list|poll`: the IMAP accounts `helpo serve` polls (mail/imap.c).
 *
 *   helpo imap add --data DIR --url imap://host:port/INBOX --username U --password-file F
 *                  [--mailbox ADDR] [--starttls yes|no] [--ca-file F]
 *   helpo imap list --data DIR     (never prints passwords)
 *   helpo imap poll --data DIR     (polls every enabled account once; prints "fetched N")
 *
 * The account rows are the poller's operational state; like the poller, this file writes them
 * through db_* with bound parameters rather than through a desk_* function.
 */
#include "cli/cli.h"
#include "jobs/jobs.h"
#include "mail/imap.h"
#include "util/limits.h"
#include "util/text.h"
#include "util/timeutil.h"
#include <ctype.h>
#include <limits.h>
#include <unistd.h>

#define EXIT_USAGE 2

static int usage(const char *cmd, const char *msg)
{
	fprintf(stderr, "helpo %s: %s (see 'helpo %s --help')\n", cmd, msg, cmd);
	return EXIT_USAGE;
}

/* First line of F (or stdin for "-"), without its line end. */
static int read_secret(const char *path, char *out, size_t n)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	bool ok;
	if (!f)
		return -1;
	ok = fgets(out, (int)n, f) != NULL;
	if (f != stdin)
		fclose(f);
	if (!ok)
		return -1;
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

static int mailbox_id(struct db *db, const char *addr, int64_t *id)
{
	char low[HELPO_MAX_EMAIL_BYTES + 1];
	size_t n = strlen(addr);
	if (n > HELPO_MAX_EMAIL_BYTES)
		return HELPO_EINVAL;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)addr[i]);
	return db_int(db, id, "SELECT id FROM mailboxes WHERE email = ?", "s", low);
}

static int imap_add(int argc, char **argv)
{
	static const char *const names[] = {"--data", "--url", "--username", "--password-file",
					    "--mailbox", "--starttls", "--ca-file", NULL};
	const char *v[8] = {0};
	const char *cmd = "imap add";
	struct imap_url u;
	struct conf conf;
	struct db *db;
	char pw[HELPO_MAX_PASSWORD_BYTES + 2], ca[PATH_MAX];
	int64_t mbox = 0, id = 0, now = time_now_ms();
	int starttls = 0, rc = cli_parse_opts(cmd, argc, argv, names, v);
	if (rc == 1) {
		puts("usage: helpo imap add --data DIR --url imap://host:port/INBOX --username U\n"
		     "         --password-file F|- [--mailbox ADDR] [--starttls yes|no]\n"
		     "         [--ca-file F]\n"
		     "Adds an IMAP account for 'helpo serve' to poll (every imap_poll_s seconds).\n"
		     "The URL is imap:// (plain, or STARTTLS with --starttls yes) or imaps://,\n"
		     "with no credentials in it; the path names the mailbox (INBOX by default).\n"
		     "The password is the first line of F (or stdin with -). New mail is copied\n"
		     "into the spool as delivered for ADDR (a support address from 'helpo mailbox\n"
		     "add'; the default mailbox when omitted) and marked \\Seen; nothing is\n"
		     "deleted. --ca-file adds a CA bundle (e.g. a self-signed server\n"
		     "certificate).");
		return 0;
	}
	if (rc)
		return rc;
	v[0] = cli_data_dir(v[0]);
	if (!v[0])
		return usage(cmd, "--data DIR (or HELPO_DATA) is required");
	if (!v[1] || !v[2] || !v[3])
		return usage(cmd, "--url, --username and --password-file are required");
	if (imap_url_parse(v[1], &u))
		return usage(cmd, "--url must be imap://host[:port][/MAILBOX] or imaps://... "
				  "without credentials");
	if (!*v[2] || strlen(v[2]) > HELPO_MAX_NAME_BYTES)
		return usage(cmd, "--username must be 1-255 bytes");
	if (v[5]) {
		if (!strcmp(v[5], "yes"))
			starttls = 1;
		else if (strcmp(v[5], "no"))
			return usage(cmd, "--starttls must be yes or no");
		if (starttls && u.imaps)
			return usage(cmd, "--starttls applies to imap:// only (imaps:// is TLS "
					  "already)");
	}
	if (v[6] && !realpath(v[6], ca)) {
		fprintf(stderr, "helpo %s: cannot read --ca-file %s\n", cmd, v[6]);
		return 1;
	}
	if (v[6] && access(ca, R_OK)) {
		fprintf(stderr, "helpo %s: cannot read --ca-file %s\n", cmd, v[6]);
		return 1;
	}
	if (read_secret(v[3], pw, sizeof pw) || !*pw || strlen(pw) > HELPO_MAX_PASSWORD_BYTES) {
		fprintf(stderr, "helpo %s: cannot read a password from %s\n", cmd, v[3]);
		return 1;
	}
	if (cli_open(v[0], &conf, &db, true))
		return 1;
	if (v[4] && mailbox_id(db, v[4], &mbox)) {
		fprintf(stderr, "helpo %s: no mailbox %s (add it with 'helpo mailbox add')\n", cmd,
			v[4]);
		db_close(db);
		return 1;
	}
	if (!(rc = db_begin(db))) {
		rc = db_int(db, &id,
			    "INSERT INTO imap_accounts (url, username, password, mailbox_id, "
			    "starttls, ca_file, created_at, updated_at) "
			    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			    "sssIisii", v[1], v[2], pw, mbox, (int64_t)starttls, v[6] ? ca : NULL,
			    now, now);
		if (rc)
			db_rollback(db);
		else
			rc = db_commit(db);
	}
	memset(pw, 0, sizeof pw);
	db_close(db);
	if (rc) {
		fprintf(stderr, "helpo %s: %s\n", cmd, helpo_strerror(rc));
		return 1;
	}
	printf("imap account %lld added\n", (long long)id);
	return 0;
}

static int imap_list(int argc, char **argv)
{
	static const char *const names[] = {"--data", NULL};
	const char *v[2] = {0};
	const char *cmd = "imap list";
	struct conf conf;
	struct db *db;
	struct db_stmt *st;
	int rc = cli_parse_opts(cmd, argc, argv, names, v);
	if (rc == 1) {
		puts("usage: helpo imap list --data DIR\n"
		     "Prints the IMAP accounts, one per line, tab-separated: id, url, username,\n"
		     "mailbox, starttls, enabled, uidvalidity, last_uid, last_error. Passwords\n"
		     "are never printed.");
		return 0;
	}
	if (rc)
		return rc;
	v[0] = cli_data_dir(v[0]);
	if (!v[0])
		return usage(cmd, "--data DIR (or HELPO_DATA) is required");
	if (cli_open(v[0], &conf, &db, true))
		return 1;
	rc = db_query(db, &st,
		      "SELECT a.id, a.url, a.username, m.email, a.starttls, a.enabled, "
		      "a.uidvalidity, a.last_uid, a.last_error FROM imap_accounts a "
		      "LEFT JOIN mailboxes m ON m.id = a.mailbox_id ORDER BY a.id",
		      "");
	if (!rc) {
		puts("id\turl\tusername\tmailbox\tstarttls\tenabled\tuidvalidity\tlast_uid\t"
		     "last_error");
		while ((rc = db_step(st)) == DB_ROW) {
			const char *mb = db_col_text(st, 3), *le = db_col_text(st, 8);
			printf("%lld\t%s\t%s\t%s\t%s\t%s\t", (long long)db_col_int(st, 0),
			       db_col_text(st, 1), db_col_text(st, 2), mb ? mb : "-",
			       db_col_int(st, 4) ? "yes" : "no", db_col_int(st, 5) ? "yes" : "no");
			if (db_col_null(st, 6))
				fputs("-", stdout);
			else
				printf("%lld", (long long)db_col_int(st, 6));
			printf("\t%lld\t%s\n", (long long)db_col_int(st, 7), le ? le : "-");
		}
		db_done(st);
	}
	db_close(db);
	if (rc < 0) {
		fprintf(stderr, "helpo %s: %s\n", cmd, helpo_strerror(rc));
		return 1;
	}
	return 0;
}

static int imap_poll(int argc, char **argv)
{
	static const char *const names[] = {"--data", NULL};
	const char *v[2] = {0};
	const char *cmd = "imap poll";
	struct conf conf;
	struct db *db;
	int fetched = 0, rc = cli_parse_opts(cmd, argc, argv, names, v);
	if (rc == 1) {
		puts("usage: helpo imap poll --data DIR\n"
		     "Polls every enabled IMAP account once, copying new mail into the spool, and\n"
		     "prints \"fetched N\". A failing account gets its last_error set (see 'helpo\n"
		     "imap list') and the command exits 1 after trying the others.");
		return 0;
	}
	if (rc)
		return rc;
	v[0] = cli_data_dir(v[0]);
	if (!v[0])
		return usage(cmd, "--data DIR (or HELPO_DATA) is required");
	if (cli_open(v[0], &conf, &db, true))
		return 1;
	rc = imap_poll_all(db, &conf, v[0], &fetched);
	db_close(db);
	printf("fetched %d\n", fetched);
	if (rc) {
		fprintf(stderr, "helpo %s: %s (see 'helpo imap list')\n", cmd,
			rc == HELPO_EDB || rc == HELPO_EBUSY || rc == HELPO_ENOMEM
				? helpo_strerror(rc)
				: "an account failed");
		return 1;
	}
	return 0;
}

int cmd_imap(int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "add"))
		return imap_add(argc - 1, argv + 1);
	if (argc >= 1 && !strcmp(argv[0], "list"))
		return imap_list(argc - 1, argv + 1);
	if (argc >= 1 && !strcmp(argv[0], "poll"))
		return imap_poll(argc - 1, argv + 1);
	if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		puts("usage: helpo imap add|list|poll --data DIR ...\n"
		     "  add   add an IMAP account to poll (see 'helpo imap add --help')\n"
		     "  list  show the accounts, their progress and last error\n"
		     "  poll  poll every enabled account once now");
		return 0;
	}
	fprintf(stderr, "helpo imap: expected add, list or poll (see 'helpo imap --help')\n");
	return EXIT_USAGE;
}
