/*
 * live.h — realtime fan-out to browsers over Server-Sent Events (DESIGN §2 "live/"): a
 * background thread tails the `events` table and hands each new event to the subscribers
 * allowed to see it; ephemeral presence (who views / types on a ticket) lives in memory.
 * See docs/internals/live.md.
 *
 * A subscriber is one open stream. Its owner (src/api/live.c) hands live_sub_read and
 * live_sub_free to the HTTP server as the stream's content reader and destructor; the hub
 * wakes the connection through the sink when it queues data. Ownership: live_subscribe gives
 * the caller a subscriber that lives until live_sub_free(sub) (called exactly once).
 */
#ifndef HELPO_LIVE_H
#define HELPO_LIVE_H

#include "util/common.h"
#include "util/conf.h"
#include "desk/desk.h"
#include <jansson.h>
#include <sys/types.h>

/* Starts the tail thread (own DB connection on db_path). Called once by http_serve. */
int live_start(const char *db_path, const struct conf *conf);
/* Ends every open stream and stops the thread; called by http_serve before it quiesces. */
void live_stop(void);

/* How the hub wakes a subscriber's connection: suspend is called (under the subscriber's
 * lock) by live_sub_read when it has nothing to give, resume by the hub when data is queued.
 * For SSE over libmicrohttpd: MHD_suspend_connection / MHD_resume_connection on conn. */
struct live_sink {
	void *conn;
	void (*suspend)(void *conn);
	void (*resume)(void *conn);
};

struct live_sub;

/* Opens a stream for actor a (staff). last_id: the resume point (Last-Event-ID), or -1 to start
 * at the newest event. HELPO_EBUSY when the feed is not running (starting or stopping),
 * HELPO_ETOOBIG when the actor has too many streams open (LIVE_MAX_STREAMS_PER_USER, 32). */
int live_subscribe(const struct desk_actor *a, int64_t last_id, const struct live_sink *sink,
		   struct live_sub **out);

/* Reader with libmicrohttpd content-reader semantics: bytes copied, LIVE_END_OF_STREAM, or 0
 * after sink->suspend (the hub resumes the connection when data is queued). cls: the sub. */
#define LIVE_END_OF_STREAM ((ssize_t)-1)
ssize_t live_sub_read(void *cls, uint64_t pos, char *buf, size_t max);
/* Unlinks and releases the subscriber (the stream's end). cls: the sub. */
void live_sub_free(void *cls);

/* Presence on a ticket (the caller has checked that the actor sees it). state: "viewing",
 * "typing" or "left". *viewers: the ticket's viewers after the change, new reference.
 * Changes reach subscribers who see the ticket as `event: presence`. HELPO_EINVAL on a bad
 * state, HELPO_EBUSY when the feed is not running. */
int live_presence_put(int64_t ticket_id, int64_t user_id, const char *name, const char *state,
		      json_t **viewers);
/* The ticket's live viewers [{user_id, name, state}], new reference (empty when none). */
json_t *live_presence_get(int64_t ticket_id);

#endif
