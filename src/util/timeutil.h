/*
 * timeutil.h — time as integer milliseconds since the epoch (UTC), and its ISO-8601 form.
 */
#ifndef HELPO_TIMEUTIL_H
#define HELPO_TIMEUTIL_H

#include "util/common.h"

int64_t time_now_ms(void);
int64_t time_mono_ms(void);
/* Writes "2026-11-23T07:40:00Z" into out (at least 21 bytes). */
void time_iso8601(int64_t ms, char out[32]);
/* Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]Z" (or +00:00); returns 0 or HELPO_EINVAL. */
int time_parse_iso8601(const char *s, int64_t *ms);

#endif
