/*
 * mail.c — the e-mail commands: `helpo mail-in` (the MTA's pipe: stdin into the spool),
 * `helpo mail-process` (the spool into tickets, once), `helpo mail-quarantine list|show|retry`
 * and `helpo mailbox add|list` (support addresses).
 *
 * mail-in speaks sysexits to the MTA: 0 once the message is durably in DIR/spool/new, 65
 * (EX_DATAERR, the MTA bounces) when it is larger than HELPO_MAX_MESSAGE_BYTES, 75 (EX_TEMPFAIL,
 * the MTA keeps it and retries) on any other failure before that. It never opens the database,
 * so it works while the database is busy, locked or being migrated.
 */
#include "cli/cli.h"
#include "desk/desk.h"
#include "jobs/jobs.h"
#include "mail/quarantine.h"
#include "mail/spool.h"
#include "util/crypto.h"
#include "util/limits.h"
#include "util/text.h"
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#define EXIT_USAGE 2
#define EX_DATAERR 65
#define EX_TEMPFAIL 75

static int usage(const char *cmd, const char *msg)
{
	fprintf(stderr, "helpo %s: %s (see 'helpo %s --help')\n", cmd, msg, cmd);
	return EXIT_USAGE;
}

/* Reads stdin up to max bytes into *out; *total gets the full length seen (the rest is
 * drained so the writer never gets SIGPIPE). 0, HELPO_ETOOBIG, HELPO_EIO or HELPO_ENOMEM. */
static int read_stdin(size_t max, char **out, size_t *len, size_t *total)
{
	size_t cap = 64 * 1024, n = 0, seen = 0;
	char *p = malloc(cap), drain[65536];
	bool over = false;
	*out = NULL;
	if (!p)
		return HELPO_ENOMEM;
	for (;;) {
		ssize_t r;
		if (over) {
			r = read(STDIN_FILENO, drain, sizeof drain);
		} else {
			if (n == cap) {
				size_t ncap = cap * 2;
				char *np;
				if (ncap > max + 1)
					ncap = max + 1;
				if (ncap <= cap) { /* n == max + 1 */
					over = true;
					continue;
				}
				if (!(np = realloc(p, ncap))) {
					free(p);
					return HELPO_ENOMEM;
				}
				p = np;
				cap = ncap;
			}
			r = read(STDIN_FILENO, p + n, cap - n);
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(p);
			return HELPO_EIO;
		}
		if (r == 0)
			break;
		seen += (size_t)r;
		if (!over) {
			n += (size_t)r;
			if (n > max)
				over = true;
		}
	}
	*total = seen;
	if (over || seen > max) {
		free(p);
		return HELPO_ETOOBIG;
	}
	*out = p;
	*len = n;
	return 0;
}

int cmd_mail_in(int argc, char **argv)
{
	static const char *const names[] = {"--data", "--mailbox", NULL};
	const char *v[3] = {NULL, NULL, NULL}, *data;
	char *raw = NULL, name[256];
	size_t len = 0, total = 0;
	int rc = cli_parse_opts("mail-in", argc, argv, names, v);
	if (rc == 1) {
		puts("usage: helpo mail-in --data DIR [--mailbox ADDRESS] < message\n"
		     "Accepts one raw e-mail on stdin into DIR/spool (for an MTA's pipe transport;\n"
		     "Postfix: argv=helpo mail-in --data DIR --mailbox ${recipient}). It does not\n"
		     "open the database: `helpo serve` (or `helpo mail-process`) turns spooled mail\n"
		     "into tickets. Exit status: 0 accepted, 65 too large (the MTA bounces it),\n"
		     "75 temporary failure, bad usage included (the MTA retries). The pipe user needs write access to\n"
		     "DIR/spool/{tmp,new} (a shared group, mode 2770).");
		return 0;
	}
	/* A usage error here is a broken MTA configuration: answer 75 so the MTA keeps the
	 * message queued until it is fixed, rather than 2, which an MTA bounces. */
	if (rc)
		return EX_TEMPFAIL;
	if (!(data = cli_data_dir(v[0]))) {
		usage("mail-in", "--data DIR (or HELPO_DATA) is required");
		return EX_TEMPFAIL;
	}
	/* a reader that goes away must not kill us before we answer */
	signal(SIGPIPE, SIG_IGN);
	/* past RLIMIT_FSIZE, write() fails with EFBIG (exit 75) instead of killing us */
	signal(SIGXFSZ, SIG_IGN);
	rc = read_stdin(HELPO_MAX_MESSAGE_BYTES, &raw, &len, &total);
	if (rc == HELPO_ETOOBIG) {
		fprintf(stderr, "helpo mail-in: message too large (%zu bytes; limit %d)\n", total,
			HELPO_MAX_MESSAGE_BYTES);
		return EX_DATAERR;
	}
	if (rc) {
		fprintf(stderr, "helpo mail-in: cannot read the message: %s\n", helpo_strerror(rc));
		return EX_TEMPFAIL;
	}
	if (spool_setup(data) || spool_put(data, raw, len, v[1], name)) {
		int e = errno;
		free(raw);
		fprintf(stderr, "helpo mail-in: cannot spool the message in %s/spool: %s\n", data,
			e ? strerror(e) : "I/O error");
		return EX_TEMPFAIL;
	}
	free(raw);
	return 0;
}

int cmd_mail_process(int argc, char **argv)
{
	static const char *const names[] = {"--data", NULL};
	const char *v[2] = {NULL, NULL}, *data;
	struct conf conf;
	struct db *db;
	int done = 0, rc = cli_parse_opts("mail-process", argc, argv, names, v);
	if (rc == 1) {
		puts("usage: helpo mail-process --data DIR\n"
		     "Turns every message in DIR/spool/new into a ticket or comment once, then\n"
		     "prints \"processed N\". `helpo serve` does this continuously; this is for\n"
		     "scripts and tests. Messages that fail are retried later (with a backoff)\n"
		     "and quarantined after several failures (see 'helpo mail-quarantine').");
		return 0;
	}
	if (rc)
		return rc;
	if (!(data = cli_data_dir(v[0])))
		return usage("mail-process", "--data DIR (or HELPO_DATA) is required");
	if (cli_open(data, &conf, &db, true))
		return 1;
	rc = mail_process_spool(db, &conf, data, &done);
	db_close(db);
	printf("processed %d\n", done);
	if (rc) {
		fprintf(stderr, "helpo mail-process: stopped early: %s\n",
			rc == HELPO_EBUSY ? "the database is busy (retry later)" : helpo_strerror(rc));
		return 1;
	}
	return 0;
}

static int parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v;
	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0)
		return -1;
	*id = v;
	return 0;
}

int cmd_mail_quarantine(int argc, char **argv)
{
	static const char *const names[] = {"--data", NULL};
	const char *v[2] = {NULL, NULL}, *data, *sub = argc > 0 ? argv[0] : "";
	struct conf conf;
	struct db *db;
	int64_t id = 0;
	int rc, skip = 1;
	if (!strcmp(sub, "--help") || !strcmp(sub, "-h"))
		goto help;
	if (strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "retry"))
		return usage("mail-quarantine", "expected 'list', 'show ID' or 'retry ID'");
	if (strcmp(sub, "list")) {
		if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
			goto help;
		if (argc < 2 || parse_id(argv[1], &id))
			return usage("mail-quarantine", "expected a quarantine ID (a positive integer)");
		skip = 2;
	}
	rc = cli_parse_opts("mail-quarantine", argc - skip, argv + skip, names, v);
	if (rc == 1) {
help:
		puts("usage: helpo mail-quarantine list --data DIR\n"
		     "       helpo mail-quarantine show ID --data DIR\n"
		     "       helpo mail-quarantine retry ID --data DIR\n"
		     "Messages that failed processing repeatedly. list prints id, attempts, size,\n"
		     "mailbox and reason; show prints the metadata and the raw message; retry\n"
		     "puts it back into the spool and removes it from the quarantine.");
		return 0;
	}
	if (rc)
		return rc;
	if (!(data = cli_data_dir(v[0])))
		return usage("mail-quarantine", "--data DIR (or HELPO_DATA) is required");
	if (cli_open(data, &conf, &db, true))
		return 1;
	if (!strcmp(sub, "list")) {
		json_t *rows = NULL, *r;
		bool more = true;
		int64_t after = 0;
		size_t i;
		while (more && !(rc = mail_quarantine_list(db, after, 0, 100, &rows, &more, NULL))) {
			json_array_foreach(rows, i, r) {
				const char *mb = json_string_value(json_object_get(r, "mailbox"));
				after = json_integer_value(json_object_get(r, "id"));
				printf("%lld\t%lld attempts\t%lld bytes\t%s\t%s\t%s\n", (long long)after,
				       (long long)json_integer_value(json_object_get(r, "attempts")),
				       (long long)json_integer_value(json_object_get(r, "size")),
				       json_string_value(json_object_get(r, "created_at")),
				       mb ? mb : "-",
				       json_string_value(json_object_get(r, "reason")));
			}
			json_decref(rows);
		}
	} else if (!strcmp(sub, "show")) {
		json_t *meta;
		void *raw;
		size_t len;
		if (!(rc = mail_quarantine_get(db, id, &meta, &raw, &len))) {
			char *s = json_dumps(meta, JSON_INDENT(2) | JSON_SORT_KEYS);
			printf("%s\n\n", s ? s : "{}");
			free(s);
			fwrite(raw, 1, len, stdout);
			json_decref(meta);
			free(raw);
		}
	} else {
		if (!(rc = mail_quarantine_retry(db, data, id)))
			printf("quarantined message %lld is back in the spool\n", (long long)id);
	}
	db_close(db);
	if (rc == HELPO_ENOTFOUND) {
		fprintf(stderr, "helpo mail-quarantine: no quarantined message %lld\n",
			(long long)id);
		return 1;
	}
	if (rc) {
		fprintf(stderr, "helpo mail-quarantine: %s\n", helpo_strerror(rc));
		return 1;
	}
	return 0;
}

static int mailbox_add(int argc, char **argv)
{
	static const char *const names[] = {"--data",   "--email",          "--name",
					    "--group-id", "--locale",       "--signature-file",
					    "--send-ack", NULL};
	const char *v[8] = {NULL}, *data;
	struct desk_actor sys = {0, DESK_ADMIN, 0};
	struct desk_err err = {{0}, {0}};
	struct conf conf;
	struct db *db;
	json_t *in, *out = NULL;
	int64_t gid = 0;
	int rc = cli_parse_opts("mailbox add", argc, argv, names, v);
	if (rc == 1) {
		puts("usage: helpo mailbox add --data DIR --email E [--name N] [--group-id G]\n"
		     "                         [--locale L] [--signature-file F] "
		     "[--send-ack yes|no]\n"
		     "Adds a support address: mail to E becomes tickets in group G; N is the\n"
		     "sender name on replies, F a file with the signature, --send-ack yes\n"
		     "acknowledges new tickets by mail. Prints the mailbox id.");
		return 0;
	}
	if (rc)
		return rc;
	if (!(data = cli_data_dir(v[0])))
		return usage("mailbox add", "--data DIR (or HELPO_DATA) is required");
	if (!v[1])
		return usage("mailbox add", "--email is required");
	if (v[3] && parse_id(v[3], &gid))
		return usage("mailbox add", "--group-id must be a positive integer");
	if (v[6] && strcmp(v[6], "yes") && strcmp(v[6], "no"))
		return usage("mailbox add", "--send-ack must be yes or no");
	if (!(in = json_pack("{s:s}", "email", v[1])))
		return 1;
	if (v[2])
		json_object_set_new(in, "name", json_string(v[2]));
	if (gid)
		json_object_set_new(in, "group_id", json_integer(gid));
	if (v[4])
		json_object_set_new(in, "locale", json_string(v[4]));
	if (v[6])
		json_object_set_new(in, "send_ack", json_boolean(!strcmp(v[6], "yes")));
	if (v[5]) {
		FILE *f = fopen(v[5], "rb");
		char sig[HELPO_MAX_TEXT_BYTES + 2];
		size_t n;
		if (!f) {
			fprintf(stderr, "helpo mailbox add: cannot read %s: %s\n", v[5],
				strerror(errno));
			json_decref(in);
			return 1;
		}
		n = fread(sig, 1, sizeof sig - 1, f);
		fclose(f);
		sig[n] = '\0';
		if (n > HELPO_MAX_TEXT_BYTES || !text_utf8_valid(sig, n)) {
			fprintf(stderr, "helpo mailbox add: the signature must be UTF-8 text of at "
					"most %d bytes\n", HELPO_MAX_TEXT_BYTES);
			json_decref(in);
			return 1;
		}
		json_object_set_new(in, "signature", json_string(sig));
	}
	if (cli_open(data, &conf, &db, true)) {
		json_decref(in);
		return 1;
	}
	rc = desk_mailbox_create(db, &sys, in, &out, &err);
	db_close(db);
	json_decref(in);
	if (rc) {
		fprintf(stderr, "helpo mailbox add: %s%s%s\n", err.field[0] ? err.field : "",
			err.field[0] ? ": " : "", err.message[0] ? err.message : helpo_strerror(rc));
		return 1;
	}
	printf("%lld\n", (long long)json_integer_value(json_object_get(out, "id")));
	json_decref(out);
	return 0;
}

static int mailbox_list(int argc, char **argv)
{
	static const char *const names[] = {"--data", NULL};
	const char *v[2] = {NULL, NULL}, *data;
	struct desk_actor sys = {0, DESK_ADMIN, 0};
	struct desk_page p = {0};
	struct desk_list l;
	struct conf conf;
	struct db *db;
	json_t *r;
	size_t i;
	int rc = cli_parse_opts("mailbox list", argc, argv, names, v);
	if (rc == 1) {
		puts("usage: helpo mailbox list --data DIR\n"
		     "Prints the support addresses: id, e-mail, name, group id, locale.");
		return 0;
	}
	if (rc)
		return rc;
	if (!(data = cli_data_dir(v[0])))
		return usage("mailbox list", "--data DIR (or HELPO_DATA) is required");
	if (cli_open(data, &conf, &db, true))
		return 1;
	p.size = HELPO_MAX_PAGE_SIZE;
	p.cursor = true;
	p.sort = "id";
	for (;;) {
		if ((rc = desk_mailbox_list(db, &sys, &p, &l))) {
			fprintf(stderr, "helpo mailbox list: %s\n", helpo_strerror(rc));
			db_close(db);
			return 1;
		}
		json_array_foreach(l.rows, i, r) {
			json_t *g = json_object_get(r, "group_id");
			const char *name = json_string_value(json_object_get(r, "name"));
			const char *loc = json_string_value(json_object_get(r, "locale"));
			char gs[32] = "-";
			if (json_is_integer(g))
				snprintf(gs, sizeof gs, "%lld", (long long)json_integer_value(g));
			printf("%lld\t%s\t%s\t%s\t%s\n",
			       (long long)json_integer_value(json_object_get(r, "id")),
			       json_string_value(json_object_get(r, "email")), name ? name : "", gs,
			       loc ? loc : "");
		}
		if (!l.has_more || !json_array_size(l.rows)) {
			desk_list_release(&l);
			break;
		}
		p.has_after = true;
		p.after_key = l.last_key;
		p.after_id = l.last_id;
		desk_list_release(&l);
	}
	db_close(db);
	return 0;
}

int cmd_mailbox(int argc, char **argv)
{
	const char *sub = argc > 0 ? argv[0] : "";
	if (!strcmp(sub, "add"))
		return mailbox_add(argc - 1, argv + 1);
	if (!strcmp(sub, "list"))
		return mailbox_list(argc - 1, argv + 1);
	if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		puts("usage: helpo mailbox add --data DIR --email E [options]   (see 'mailbox add "
		     "--help')\n"
		     "       helpo mailbox list --data DIR\n"
		     "Support addresses: mail delivered for them becomes tickets.");
		return 0;
	}
	return usage("mailbox", "expected 'add' or 'list'");
}
