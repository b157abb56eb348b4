/*
 * imap.c — placeholder until this worker lands (being written): see jobs/jobs.h.
 */
#include "jobs/jobs.h"

void imap_loop(const struct job_ctx *ctx)
{
	(void)ctx;
	while (!jobs_sleep(1000))
		;
}

int imap_poll_all(struct db *db, const struct conf *conf, const char *data_dir, int *done)
{
	*done = 0;
	return 0;
}
