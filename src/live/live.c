/*
 * live.c — realtime fan-out: event-log tail, presence, SSE subscribers (see live.h).
 * (placeholder: filled in by the work on issue 4)
 */
#include "live/live.h"

int live_start(const char *db_path, const struct conf *conf)
{
	(void)db_path;
	(void)conf;
	return 0;
}

void live_stop(void)
{
}
