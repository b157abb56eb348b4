/*
 * worker.c — placeholder until this worker lands (being written): see jobs/jobs.h.
 */
#include "jobs/jobs.h"

void mail_worker_loop(const struct job_ctx *ctx)
{
	(void)ctx;
	while (!jobs_sleep(1000))
		;
}

int mail_process_spool(struct db *db, const struct conf *conf, const char *data_dir, int *done)
{
	*done = 0;
	return 0;
}
