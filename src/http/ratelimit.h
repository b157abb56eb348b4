/*
 * ratelimit.h — failed-login limiter with a progressive delay, shared by all worker threads.
 *
 * Keys are strings such as "ip:127.0.0.1" or "user:ana@example.org". After `max_failures`
 * failures, each further attempt must wait 2^(failures - max) seconds (capped at 15 minutes)
 * after the last failure; the caller answers 429 with Retry-After meanwhile. Threads never
 * sleep: the delay is enforced by refusing early attempts. A success clears the key.
 */
#ifndef HELPO_RATELIMIT_H
#define HELPO_RATELIMIT_H

#include "util/common.h"

void ratelimit_setup(int max_failures);
/* 0 if an attempt is allowed now; otherwise the seconds to wait. */
int ratelimit_wait_s(const char *key, int64_t now_ms);
void ratelimit_fail(const char *key, int64_t now_ms);
void ratelimit_clear(const char *key);
void ratelimit_reset_all(void);

#endif
