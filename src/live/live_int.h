/*
 * live_int.h — private to src/live (and its unit tests): the pieces of the realtime hub that
 * can be driven without a thread or an HTTP server.
 *
 *   live_queue     a per-subscriber byte queue with a hard cap (a slow reader is cut off,
 *                  never allowed to grow memory);
 *   live_format_*  the Server-Sent Events messages (never ticket content);
 *   live_presence  the in-memory map ticket -> viewers, with expiry;
 *   live_hub       subscribers + the event-log tail; live_hub_tick() does one round of work
 *                  (activate new subscribers with their replay, fan out new events, presence
 *                  changes and heartbeats). The thread in live.c calls it every ~100 ms; the
 *                  unit tests call it directly with their own clock.
 *
 * Threads: live_hub_tick runs on one thread only (the tail). live_hub_subscribe,
 * live_sub_read, live_sub_free and live_hub_presence_* may be called from any thread.
 */
#ifndef HELPO_LIVE_INT_H
#define HELPO_LIVE_INT_H

#include "live/live.h"
#include "util/buf.h"
#include <jansson.h>

#define LIVE_QUEUE_MAX (256 * 1024)   /* bytes queued for one subscriber before `reset` */
#define LIVE_REPLAY_MAX 1000          /* events replayed on resume; more -> `reset` */
#define LIVE_TAIL_BATCH 500           /* events read from the log per query */
#define LIVE_PING_MS 15000            /* heartbeat comment interval */
#define LIVE_PRESENCE_TTL_MS 30000    /* a viewer entry lives this long after its last PUT */
#define LIVE_RECHECK_MS 5000          /* how often subscribers' roles are re-read */
#define LIVE_MAX_VIEWERS 50           /* viewers kept per ticket */
#define LIVE_MAX_PRESENCE_TICKETS 20000 /* tickets with viewers, server-wide */
#define LIVE_MAX_STREAMS_PER_USER 32  /* open streams of one user (tabs, reconnects) */

/* ---- queue ---- */
struct live_queue {
	struct buf b; /* queued bytes are b.data[off .. b.len) */
	size_t off;
};
void live_queue_init(struct live_queue *q, size_t max);
void live_queue_release(struct live_queue *q);
/* Appends len bytes; HELPO_ETOOBIG (queue unchanged) when they would not fit under max. */
int live_queue_push(struct live_queue *q, const char *data, size_t len);
/* Moves up to max queued bytes to out; returns how many. */
size_t live_queue_read(struct live_queue *q, char *out, size_t max);
size_t live_queue_len(const struct live_queue *q);
void live_queue_clear(struct live_queue *q);

/* ---- messages ---- */
/* "id: E\nevent: ticket\ndata: {id,kind,ticket_id,actor_id,created_at}\n\n" */
int live_format_event(struct buf *out, int64_t id, const char *kind, int64_t ticket_id,
		      int64_t actor_id, int64_t created_ms);
/* "event: presence\ndata: {ticket_id, viewers}\n\n" (viewers borrowed) */
int live_format_presence(struct buf *out, int64_t ticket_id, json_t *viewers);
/* "id: HEAD\nevent: reset\ndata: {}\n\n" (no id line when head < 0) */
int live_format_reset(struct buf *out, int64_t head);

/* ---- presence ---- */
struct live_presence;
struct live_presence *live_presence_new(void);
void live_presence_free(struct live_presence *p);
/* state: "viewing", "typing" or "left". 1 when the ticket's viewer list changed (someone
 * came, left or changed state), 0 when not, HELPO_EINVAL / HELPO_ETOOBIG. */
int live_presence_set(struct live_presence *p, int64_t ticket_id, int64_t user_id,
		      const char *name, const char *state, int64_t now_ms);
/* [{user_id, name, state}] of live entries, oldest first; new reference. */
json_t *live_presence_viewers(struct live_presence *p, int64_t ticket_id, int64_t now_ms);
/* Drops entries expired at now_ms; writes the tickets whose list changed to changed[]
 * (at most max; the rest are reported on the next call). Returns how many. */
int live_presence_expire(struct live_presence *p, int64_t now_ms, int64_t *changed, int max);

/* ---- hub ---- */
struct live_hub;
struct live_sub;

/* db: the tail's own connection (borrowed; used only by live_hub_tick and _new). */
int live_hub_new(struct db *db, struct live_hub **out);
/* Frees the hub; every subscriber must have been freed (live_sub_free) first. */
void live_hub_free(struct live_hub *h);
/* last_id: resume point (-1: none, start at the newest event). queue_max: 0 = LIVE_QUEUE_MAX.
 * The subscriber belongs to the caller until live_sub_free. HELPO_EBUSY after close_all,
 * HELPO_ETOOBIG when the actor has LIVE_MAX_STREAMS_PER_USER streams open. */
int live_hub_subscribe(struct live_hub *h, const struct desk_actor *a, int64_t last_id,
		       const struct live_sink *sink, size_t queue_max, struct live_sub **out);
/* One round of work at now_ms; 0 or a DB error (the next round retries). */
int live_hub_tick(struct live_hub *h, int64_t now_ms);
/* Ends every stream (each gets end-of-stream once drained) and refuses new subscribers. */
void live_hub_close_all(struct live_hub *h);
/* Number of subscribers. */
int live_hub_count(struct live_hub *h);
/* Presence through the hub: changes are pushed on the next tick. *viewers: new reference. */
int live_hub_presence_set(struct live_hub *h, int64_t ticket_id, int64_t user_id,
			  const char *name, const char *state, int64_t now_ms, json_t **viewers);
json_t *live_hub_presence_get(struct live_hub *h, int64_t ticket_id, int64_t now_ms);
/* Waits up to ms for a poke (a new subscriber, a presence change, close_all). */
void live_hub_wait(struct live_hub *h, int ms);

#endif
