/*
 * cli.c — `helpo <command>`: init, serve, user add, token create, demo, backup, config.
 * Every command takes --data DIR (or HELPO_DATA), answers --help, and on bad usage prints one
 * line on stderr and exits 2. Other failures exit 1.
 */
#include "cli/cli.h"
#include "desk/desk.h"
#include "http/http.h"
#include "jobs/jobs.h"
#include "mail/spool.h"
#include "util/crypto.h"
#include "util/log.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXIT_USAGE 2

struct opt {
	const char *name; /* "--data" */
	const char **value;
};

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "helpo %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see 'helpo %s --help')\n", cmd);
	return EXIT_USAGE;
}

/* Parses "--name value" and "--name=value" pairs. Returns 0, 1 when --help was given, or
 * EXIT_USAGE after printing the reason. */
static int parse_opts(const char *cmd, int argc, char **argv, struct opt *opts)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *eq;
		struct opt *o;
		size_t n;
		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return 1;
		eq = strchr(a, '=');
		n = eq ? (size_t)(eq - a) : strlen(a);
		for (o = opts; o->name; o++)
			if (strlen(o->name) == n && !strncmp(o->name, a, n))
				break;
		if (!o->name)
			return usage_error(cmd, "unknown option '%s'", a);
		if (eq)
			*o->value = eq + 1;
		else if (i + 1 < argc)
			*o->value = argv[++i];
		else
			return usage_error(cmd, "option '%s' needs a value", a);
	}
	return 0;
}

static const char *data_dir(const char *given);

int cli_parse_opts(const char *cmd, int argc, char **argv, const char *const *names,
		   const char **values)
{
	struct opt opts[32];
	int n = 0;
	for (; names[n] && n < 31; n++) {
		opts[n].name = names[n];
		opts[n].value = &values[n];
	}
	opts[n].name = NULL;
	opts[n].value = NULL;
	return parse_opts(cmd, argc, argv, opts);
}

const char *cli_data_dir(const char *given)
{
	return data_dir(given);
}

static const char *data_dir(const char *given)
{
	if (given && *given)
		return given;
	given = getenv("HELPO_DATA");
	return given && *given ? given : NULL;
}

int cli_open(const char *dir, struct conf *conf, struct db **db, bool durable)
{
	char path[4096], err[512] = "";
	struct db_options o = {0};
	int applied = 0, rc;
	if (mkdir(dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "helpo: cannot create data directory %s: %s\n", dir,
			strerror(errno));
		return 1;
	}
	conf_defaults(conf);
	snprintf(path, sizeof path, "%s/helpo.conf", dir);
	if (conf_load_file(conf, path, err, sizeof err)) {
		fprintf(stderr, "helpo: %s\n", err[0] ? err : "cannot read helpo.conf");
		return 1;
	}
	{
		/* HELPO_LOG_LEVEL in the environment wins over helpo.conf */
		const char *env = getenv("HELPO_LOG_LEVEL");
		enum log_level l;
		if (env && !log_level_parse(env, &l))
			log_set_level(l);
		else if (!log_level_parse(conf->log_level, &l))
			log_set_level(l);
	}
	snprintf(path, sizeof path, "%s/helpo.db", dir);
	{
		/* the database holds everything: readable by its owner only (SQLite gives the
		 * -wal and -shm files the same mode) */
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0) {
			fprintf(stderr, "helpo: cannot open %s: %s\n", path, strerror(errno));
			return 1;
		}
		close(fd);
	}
	if (spool_setup(dir)) {
		fprintf(stderr, "helpo: cannot create the mail spool in %s\n", dir);
		return 1;
	}
	o.synchronous_full = durable && conf->db_synchronous_full;
	o.busy_timeout_ms = conf->db_busy_timeout_ms;
	if (db_open(db, path, &o)) {
		fprintf(stderr, "helpo: cannot open database %s\n", path);
		return 1;
	}
	if ((rc = db_migrate(*db, &applied))) {
		fprintf(stderr, "helpo: migrating %s failed: %s\n", path, helpo_strerror(rc));
		db_close(*db);
		return 1;
	}
	if (applied)
		log_info("applied %d migration(s) to %s", applied, path);
	return 0;
}

#define NEED_DATA(cmd, d)                                                                        \
	do {                                                                                     \
		if (!(d))                                                                        \
			return usage_error(cmd, "%s", "--data DIR (or HELPO_DATA) is required"); \
	} while (0)

static int cmd_init(int argc, char **argv)
{
	const char *data = NULL;
	struct opt opts[] = {{"--data", &data}, {NULL, NULL}};
	struct conf conf;
	struct db *db;
	int rc = parse_opts("init", argc, argv, opts), v = 0;
	if (rc == 1) {
		puts("usage: helpo init --data DIR\n"
		     "Creates DIR and its database, or migrates it to the current schema.\n"
		     "Safe to run again.");
		return 0;
	}
	if (rc)
		return rc;
	data = data_dir(data);
	NEED_DATA("init", data);
	if (cli_open(data, &conf, &db, true))
		return 1;
	db_schema_version(db, &v);
	db_close(db);
	printf("%s: database ready (schema version %d)\n", data, v);
	return 0;
}

static int cmd_serve(int argc, char **argv)
{
	const char *data = NULL, *listen = NULL, *threads = NULL;
	struct opt opts[] = {{"--data", &data}, {"--listen", &listen}, {"--threads", &threads},
			     {NULL, NULL}};
	struct conf conf;
	struct db *db;
	char path[4096], err[256];
	int rc = parse_opts("serve", argc, argv, opts);
	if (rc == 1) {
		puts("usage: helpo serve --data DIR [--listen ADDR:PORT] [--threads N]\n"
		     "Serves the API until SIGINT/SIGTERM, then finishes in-flight requests.\n"
		     "Settings come from DIR/helpo.conf (see 'helpo config'); flags override.");
		return 0;
	}
	if (rc)
		return rc;
	data = data_dir(data);
	NEED_DATA("serve", data);
	if (cli_open(data, &conf, &db, true))
		return 1;
	/* what workers and the domain need to know of the config */
	{
		char hourly[16], daily[16];
		snprintf(hourly, sizeof hourly, "%d", conf.auto_reply_hourly);
		snprintf(daily, sizeof daily, "%d", conf.auto_reply_daily);
		rc = desk_setting_put(db, "mail_hostname", conf.mail_hostname) ||
		     desk_setting_put(db, "auto_reply_hourly", hourly) ||
		     desk_setting_put(db, "auto_reply_daily", daily) ||
		     desk_setting_put(db, "base_url", conf.base_url);
	}
	if (rc) {
		fprintf(stderr, "helpo serve: cannot write settings to the database\n");
		db_close(db);
		return 1;
	}
	db_close(db);
	if ((listen && conf_set(&conf, "listen", listen, err, sizeof err)) ||
	    (threads && conf_set(&conf, "http_threads", threads, err, sizeof err))) {
		fprintf(stderr, "helpo serve: %s\n", err);
		return EXIT_USAGE;
	}
	snprintf(path, sizeof path, "%s/helpo.db", data);
	if (jobs_start(&conf, data))
		return 1;
	rc = http_serve(&conf, path) ? 1 : 0;
	jobs_stop();
	return rc;
}

static int read_password_file(const char *path, char *out, size_t n)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	size_t len;
	if (!f)
		return -1;
	if (!fgets(out, (int)n, f)) {
		if (f != stdin)
			fclose(f);
		return -1;
	}
	if (f != stdin)
		fclose(f);
	len = strcspn(out, "\r\n");
	out[len] = '\0';
	return 0;
}

static int cmd_user(int argc, char **argv)
{
	const char *data = NULL, *role = NULL, *email = NULL, *name = NULL, *pwfile = NULL,
		   *org = NULL;
	struct opt opts[] = {{"--data", &data},   {"--role", &role},
			     {"--email", &email}, {"--name", &name},
			     {"--password-file", &pwfile}, {"--organization-id", &org},
			     {NULL, NULL}};
	struct desk_actor sys = {0, DESK_ADMIN, 0};
	struct desk_err err = {0};
	struct conf conf;
	struct db *db;
	json_t *in, *out = NULL;
	enum desk_role r;
	char pw[1100];
	int rc;
	if (argc < 1 || strcmp(argv[0], "add")) {
		if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")))
			goto help;
		return usage_error("user", "%s", "expected 'helpo user add ...'");
	}
	rc = parse_opts("user add", argc - 1, argv + 1, opts);
	if (rc == 1) {
help:
		puts("usage: helpo user add --data DIR --role admin|agent|end-user --email E "
		     "--name N\n"
		     "                      [--password-file F|-] [--organization-id ID]\n"
		     "Creates a user and prints its id. The password is read from the first line "
		     "of F\n(or stdin with -), never from the command line.");
		return 0;
	}
	if (rc)
		return rc;
	data = data_dir(data);
	NEED_DATA("user add", data);
	if (!role || desk_role_parse(role, &r))
		return usage_error("user add", "%s", "--role must be admin, agent or end-user");
	if (!email || !name)
		return usage_error("user add", "%s", "--email and --name are required");
	if (pwfile && read_password_file(pwfile, pw, sizeof pw)) {
		fprintf(stderr, "helpo user add: cannot read password from %s\n", pwfile);
		return 1;
	}
	if (cli_open(data, &conf, &db, true))
		return 1;
	in = json_pack("{s:s,s:s,s:s}", "role", role, "email", email, "name", name);
	if (org)
		json_object_set_new(in, "organization_id", json_integer(strtoll(org, NULL, 10)));
	rc = desk_user_create(db, &sys, in, &out, &err);
	json_decref(in);
	if (!rc && pwfile) {
		rc = desk_user_set_password(db, &sys,
					    json_integer_value(json_object_get(out, "id")), pw, &err);
	}
	if (rc) {
		fprintf(stderr, "helpo user add: %s%s%s\n", err.field, err.field[0] ? ": " : "",
			err.message[0] ? err.message : helpo_strerror(rc));
		json_decref(out);
		db_close(db);
		return 1;
	}
	printf("%lld\n", (long long)json_integer_value(json_object_get(out, "id")));
	json_decref(out);
	db_close(db);
	return 0;
}

static int cmd_token(int argc, char **argv)
{
	const char *data = NULL, *email = NULL, *desc = NULL;
	struct opt opts[] = {{"--data", &data}, {"--email", &email}, {"--description", &desc},
			     {NULL, NULL}};
	struct conf conf;
	struct db *db;
	char token[64], norm[300];
	int64_t uid, tid;
	int rc;
	if (argc < 1 || strcmp(argv[0], "create")) {
		if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")))
			goto help;
		return usage_error("token", "%s", "expected 'helpo token create ...'");
	}
	rc = parse_opts("token create", argc - 1, argv + 1, opts);
	if (rc == 1) {
help:
		puts("usage: helpo token create --data DIR --email E [--description D]\n"
		     "Creates an API token for the user and prints it (only this once).\n"
		     "Use it as Basic 'E/token:TOKEN' or 'Authorization: Bearer TOKEN'.");
		return 0;
	}
	if (rc)
		return rc;
	data = data_dir(data);
	NEED_DATA("token create", data);
	if (!email)
		return usage_error("token create", "%s", "--email is required");
	snprintf(norm, sizeof norm, "%s", email);
	for (char *p = norm; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	if (cli_open(data, &conf, &db, true))
		return 1;
	if (db_int(db, &uid, "SELECT id FROM users WHERE email = ? AND active = 1", "s", norm)) {
		fprintf(stderr, "helpo token create: no active user with e-mail %s\n", email);
		db_close(db);
		return 1;
	}
	rc = desk_token_create(db, uid, desc ? desc : "created with helpo token create", token,
			       &tid);
	db_close(db);
	if (rc) {
		fprintf(stderr, "helpo token create: %s\n", helpo_strerror(rc));
		return 1;
	}
	printf("%s\n", token);
	return 0;
}

static int cmd_demo(int argc, char **argv)
{
	const char *data = NULL;
	struct opt opts[] = {{"--data", &data}, {NULL, NULL}};
	struct conf conf;
	struct db *db;
	char email[256], pw[128], cemail[256], cpw[128];
	int rc = parse_opts("demo", argc, argv, opts);
	if (rc == 1) {
		puts("usage: helpo demo --data DIR\n"
		     "Fills DIR with a demo desk: groups, agents, organizations, customers and a "
		     "few hundred\ntickets in English, Latvian, Lithuanian, Russian and Esperanto. "
		     "Prints the admin login and a customer login (for the portal).");
		return 0;
	}
	if (rc)
		return rc;
	data = data_dir(data);
	NEED_DATA("demo", data);
	if (cli_open(data, &conf, &db, false))
		return 1;
	rc = demo_run(db, email, sizeof email, pw, sizeof pw);
	if (!rc)
		rc = demo_customer_login(db, cemail, sizeof cemail, cpw, sizeof cpw);
	db_close(db);
	if (rc) {
		fprintf(stderr, "helpo demo: %s\n", helpo_strerror(rc));
		return 1;
	}
	printf("admin login: %s / %s\ncustomer login: %s / %s\n", email, pw, cemail, cpw);
	return 0;
}

static int cmd_backup(int argc, char **argv)
{
	const char *data = NULL, *outp = NULL;
	struct opt opts[] = {{"--data", &data}, {"--out", &outp}, {NULL, NULL}};
	struct conf conf;
	struct db *db;
	int rc = parse_opts("backup", argc, argv, opts);
	if (rc == 1) {
		puts("usage: helpo backup --data DIR --out FILE\n"
		     "Writes a consistent copy of the database to FILE while Helpo keeps serving\n"
		     "(SQLite online backup). FILE must not exist. Restore: stop helpo, copy FILE\n"
		     "to DIR/helpo.db, start helpo.");
		return 0;
	}
	if (rc)
		return rc;
	data = data_dir(data);
	NEED_DATA("backup", data);
	if (!outp)
		return usage_error("backup", "%s", "--out FILE is required");
	if (!access(outp, F_OK)) {
		fprintf(stderr, "helpo backup: %s already exists; refusing to overwrite it\n", outp);
		return 1;
	}
	if (cli_open(data, &conf, &db, true))
		return 1;
	rc = db_backup(db, outp);
	db_close(db);
	if (rc) {
		fprintf(stderr, "helpo backup: failed: %s\n", helpo_strerror(rc));
		unlink(outp);
		return 1;
	}
	printf("%s\n", outp);
	return 0;
}

static int cmd_config(int argc, char **argv)
{
	const char *data = NULL;
	struct opt opts[] = {{"--data", &data}, {NULL, NULL}};
	struct conf conf;
	char path[4096], err[512] = "";
	int rc = parse_opts("config", argc, argv, opts);
	if (rc == 1) {
		puts("usage: helpo config [--data DIR]\n"
		     "Prints every setting: its value (from DIR/helpo.conf when given), default and "
		     "meaning.\nSet one by adding 'name = value' to DIR/helpo.conf.");
		return 0;
	}
	if (rc)
		return rc;
	conf_defaults(&conf);
	data = data_dir(data);
	if (data) {
		snprintf(path, sizeof path, "%s/helpo.conf", data);
		if (conf_load_file(&conf, path, err, sizeof err)) {
			fprintf(stderr, "helpo config: %s\n", err);
			return 1;
		}
	}
	conf_print(&conf, stdout);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} commands[] = {
	{"init", cmd_init, "create or migrate the database in DIR"},
	{"serve", cmd_serve, "serve the API and web app"},
	{"user", cmd_user, "user add: create a user"},
	{"token", cmd_token, "token create: create an API token"},
	{"demo", cmd_demo, "fill DIR with demo data"},
	{"mail-in", cmd_mail_in, "accept one e-mail on stdin into the spool (MTA pipe)"},
	{"mail-process", cmd_mail_process, "turn spooled e-mail into tickets once"},
	{"mail-quarantine", cmd_mail_quarantine, "list|show|retry messages that failed"},
	{"mailbox", cmd_mailbox, "add|list support addresses"},
	{"imap", cmd_imap, "add|list IMAP accounts to poll"},
	{"backup", cmd_backup, "consistent online copy of the database"},
	{"config", cmd_config, "print the settings table"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: helpo <command> [options]   (helpo <command> --help for details)\n\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nEvery command takes --data DIR; HELPO_DATA may replace it.\n");
}

int cli_main(int argc, char **argv)
{
	const char *lvl = getenv("HELPO_LOG_LEVEL");
	enum log_level l;
	if (lvl && !log_level_parse(lvl, &l))
		log_set_level(l);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (crypto_setup()) {
		fprintf(stderr, "helpo: libsodium failed to initialize\n");
		return 1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 2, argv + 2);
	fprintf(stderr, "helpo: unknown command '%s' (see 'helpo --help')\n", argv[1]);
	return EXIT_USAGE;
}
