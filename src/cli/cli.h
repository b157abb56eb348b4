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

#endif
