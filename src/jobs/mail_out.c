/*
 * mail_out.c — placeholder until this worker lands (being written): see jobs/jobs.h.
 */
#include "jobs/jobs.h"

void mail_out_loop(const struct job_ctx *ctx)
{
	(void)ctx;
	while (!jobs_sleep(1000))
		;
}

int mail_out_send_due(struct db *db, const struct conf *conf, int *done)
{
	*done = 0;
	return 0;
}
