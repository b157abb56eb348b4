/*
 * jobs.h — background workers inside `helpo serve`: the inbound mail worker (spool → tickets),
 * the outbound mail worker (outbox → SMTP) and the IMAP poller. Each runs on its own thread with
 * its own DB connection, and stops promptly when jobs_stop() is called.
 */
#ifndef HELPO_JOBS_H
#define HELPO_JOBS_H

#include "util/common.h"
#include "util/conf.h"

/* What every worker gets. */
struct job_ctx {
	const struct conf *conf;
	char data_dir[2048];
	char db_path[2100];
};

/* The workers' loops (each returns when jobs_stopping()) and their one-shot steps, which the
 * CLI and tests call directly. The one-shot steps use the caller's connection. */
struct db;
void mail_worker_loop(const struct job_ctx *ctx);  /* mail/worker.c */
void mail_out_loop(const struct job_ctx *ctx);     /* jobs/mail_out.c */
void imap_loop(const struct job_ctx *ctx);         /* mail/imap.c */
/* Processes every spooled message once; *done counts files committed or quarantined. */
int mail_process_spool(struct db *db, const struct conf *conf, const char *data_dir, int *done);
/* Sends every due outbox row once; *sent counts messages the relay accepted. */
int mail_out_send_due(struct db *db, const struct conf *conf, int *sent);
/* Polls every enabled IMAP account once; *fetched counts messages spooled. */
int imap_poll_all(struct db *db, const struct conf *conf, const char *data_dir, int *fetched);

/* Sleeps up to ms, returning early (true) when the workers are asked to stop. */
bool jobs_sleep(int ms);

/* Starts every worker. data_dir holds helpo.db and spool/. */
int jobs_start(const struct conf *conf, const char *data_dir);
/* Asks every worker to stop and waits for them. */
void jobs_stop(void);
/* True once jobs_stop() was called: long loops check it between steps. */
bool jobs_stopping(void);

#endif
