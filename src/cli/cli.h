/*
 * cli.h — the helpo command's subcommands (src/cli/): shared option parsing and the data
 * directory (DIR/helpo.db, DIR/helpo.conf).
 */
#ifndef HELPO_CLI_H
#define HELPO_CLI_H

#include "util/common.h"
#include "util/conf.h"
#include "db/db.h"

/* Opens (creating if needed) and migrates DIR/helpo.db, loading DIR/helpo.conf into conf.
 * durable=false relaxes to synchronous=NORMAL (bulk demo data, nothing precious).
 * Prints one clear line on stderr and returns non-zero on failure. */
int cli_open(const char *dir, struct conf *conf, struct db **db, bool durable);
/* Fills a demo desk (demo.c). Writes the admin's e-mail and password into the out buffers. */
int demo_run(struct db *db, char *admin_email, size_t elen, char *admin_password, size_t plen);
/* Gives the demo customer with the most requests a new random password (for trying the
 * portal) and returns the login. Run after demo_run. */
int demo_customer_login(struct db *db, char *email, size_t elen, char *password, size_t plen);

/* Commands implemented outside cli.c (each answers --help; see cli.c for conventions). */
int cli_parse_opts(const char *cmd, int argc, char **argv, const char *const *names,
		   const char **values);
const char *cli_data_dir(const char *given);
int cmd_mail_in(int argc, char **argv);          /* cli/mail.c */
int cmd_mail_process(int argc, char **argv);     /* cli/mail.c */
int cmd_mail_quarantine(int argc, char **argv);  /* cli/mail.c */
int cmd_mailbox(int argc, char **argv);          /* cli/mail.c */
int cmd_imap(int argc, char **argv);             /* cli/imap.c */

#endif
