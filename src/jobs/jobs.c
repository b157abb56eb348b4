/*
 * jobs.c — starts and stops the background workers of `helpo serve` (see jobs.h).
 */
#include "jobs/jobs.h"
#include "util/log.h"
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>

static struct job_ctx ctx;
static pthread_t threads[3];
static int nthreads;
static atomic_bool stopping;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;

bool jobs_stopping(void)
{
	return atomic_load(&stopping);
}

bool jobs_sleep(int ms)
{
	struct timespec ts;
	pthread_mutex_lock(&lock);
	if (!atomic_load(&stopping)) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += ms / 1000;
		ts.tv_nsec += (long)(ms % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&wake, &lock, &ts);
	}
	pthread_mutex_unlock(&lock);
	return atomic_load(&stopping);
}

static void *run_mail_in(void *p)
{
	mail_worker_loop(p);
	return NULL;
}

static void *run_mail_out(void *p)
{
	mail_out_loop(p);
	return NULL;
}

static void *run_imap(void *p)
{
	imap_loop(p);
	return NULL;
}

int jobs_start(const struct conf *conf, const char *data_dir)
{
	void *(*fns[])(void *) = {run_mail_in, run_mail_out, run_imap};
	sigset_t block, old;
	atomic_store(&stopping, false);
	ctx.conf = conf;
	snprintf(ctx.data_dir, sizeof ctx.data_dir, "%s", data_dir);
	snprintf(ctx.db_path, sizeof ctx.db_path, "%s/helpo.db", data_dir);
	nthreads = 0;
	/* workers never take SIGINT/SIGTERM: the main thread waits for them */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (size_t i = 0; i < ARRAY_SIZE(fns); i++) {
		if (pthread_create(&threads[nthreads], NULL, fns[i], &ctx)) {
			log_error("cannot start a background worker");
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			jobs_stop();
			return HELPO_ENOMEM;
		}
		nthreads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return 0;
}

void jobs_stop(void)
{
	pthread_mutex_lock(&lock);
	atomic_store(&stopping, true);
	pthread_cond_broadcast(&wake);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	nthreads = 0;
}
