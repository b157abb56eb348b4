/*
 * live.h — realtime fan-out to browsers over Server-Sent Events (DESIGN §2 "live/"): a
 * background thread tails the `events` table and hands each new event to the subscribers
 * allowed to see it; ephemeral presence (who views / types on a ticket) lives in memory.
 * (placeholder: filled in by the work on issue 4)
 */
#ifndef HELPO_LIVE_H
#define HELPO_LIVE_H

#include "util/common.h"
#include "util/conf.h"

/* Starts the tail thread (own DB connection on db_path). Called once by http_serve. */
int live_start(const char *db_path, const struct conf *conf);
/* Ends every open stream and stops the thread; called by http_serve before it quiesces. */
void live_stop(void);

#endif
