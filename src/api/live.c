/*
 * live.c — /api/v2/stream (Server-Sent Events) and ticket presence endpoints.
 *
 *   GET /api/v2/stream                   staff; resume with Last-Event-ID or ?last_event_id=N
 *   GET /api/v2/tickets/:id/presence     staff; 404 when the ticket is not visible
 *   PUT /api/v2/tickets/:id/presence     {"presence": {"state": "viewing"|"typing"|"left"}}
 *
 * The stream is a live_sub (src/live/live.h) handed to the server as its content reader; the
 * hub wakes the suspended connection through MHD_resume_connection when it queues data.
 */
#include "api/api.h"
#include "desk/authz.h"
#include "live/live.h"
#include "util/limits.h"
#include <microhttpd.h>

_Static_assert(LIVE_END_OF_STREAM == MHD_CONTENT_READER_END_OF_STREAM,
	       "live_sub_read speaks MHD's content-reader protocol");

static void sink_suspend(void *conn)
{
	MHD_suspend_connection(conn);
}

static void sink_resume(void *conn)
{
	MHD_resume_connection(conn);
}

/* A resume point: digits only, as sent in our own `id:` lines; -1 when absent or empty. */
static int parse_last_id(const char *s, int64_t *out)
{
	int64_t v = 0;
	*out = -1;
	if (!s || !*s)
		return 0;
	if (strlen(s) > 18)
		return HELPO_EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return HELPO_EINVAL;
		v = v * 10 + (*p - '0');
	}
	*out = v;
	return 0;
}

static void stream_open(struct http_req *r)
{
	struct live_sink sink = {r->conn, sink_suspend, sink_resume};
	struct live_sub *sub;
	int64_t last_id;
	const char *h = http_header(r, "Last-Event-ID");
	int rc;
	if (!h || !*h)
		h = http_query(r, "last_event_id");
	if (parse_last_id(h, &last_id)) {
		api_error(r, 400, "InvalidParameter",
			  "Last-Event-ID / last_event_id must be an event id");
		return;
	}
	if ((rc = live_subscribe(&r->actor, last_id, &sink, &sub)) == HELPO_ETOOBIG) {
		http_add_header(r, "Retry-After", "15");
		api_error(r, 429, "TooManyStreams", "Too many open streams for this user");
		return;
	}
	if (rc) {
		http_add_header(r, "Retry-After", "2");
		api_error(r, 503, "Unavailable", "The live feed is not running; retry shortly");
		return;
	}
	r->status = 200;
	r->content_type = "text/event-stream; charset=utf-8";
	r->cache_control = "no-cache";
	http_add_header(r, "X-Accel-Buffering", "no"); /* proxies must not buffer the stream */
	r->stream_fn = live_sub_read;
	r->stream_free = live_sub_free;
	r->stream_cls = sub;
}

static void reply_presence(struct http_req *r, int64_t ticket_id, json_t *viewers)
{
	api_reply(r, 200, json_pack("{s:{s:I,s:o}}", "presence", "ticket_id",
				    (json_int_t)ticket_id, "viewers", viewers));
}

static bool ticket_visible(struct http_req *r)
{
	int rc = authz_ticket_visible(r->db, &r->actor, r->params[0]);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return false;
	}
	return true;
}

static void presence_show(struct http_req *r)
{
	if (ticket_visible(r))
		reply_presence(r, r->params[0], live_presence_get(r->params[0]));
}

static void presence_put(struct http_req *r)
{
	static const char *const states[] = {"viewing", "typing", "left", NULL};
	json_t *in = api_body(r, "presence"), *viewers = NULL;
	json_t *jstate = in ? json_object_get(in, "state") : NULL;
	const char *state = json_string_value(jstate), *const *s;
	char name[HELPO_MAX_NAME_BYTES + 1] = "";
	struct db_stmt *st;
	int rc;
	if (!in)
		return;
	for (s = states; state && *s && strcmp(*s, state); s++)
		;
	if (!state || !*s) {
		json_t *body = json_pack("{s:s,s:s,s:{s:[{s:s,s:s}]}}", "error", "RecordInvalid",
					 "description", "Record validation errors", "details",
					 "state", "description",
					 "state: must be viewing, typing or left", "error",
					 "InvalidValue");
		json_decref(in);
		api_reply(r, 422, body);
		return;
	}
	state = *s; /* ours: `in` (which owns the parsed string) goes now */
	json_decref(in);
	if (!ticket_visible(r))
		return;
	if (!db_query(r->db, &st, "SELECT name FROM users WHERE id = ?", "i", r->actor.id)) {
		if (db_step(st) == DB_ROW && db_col_text(st, 0))
			snprintf(name, sizeof name, "%s", db_col_text(st, 0));
		db_done(st);
	}
	rc = live_presence_put(r->params[0], r->actor.id, name, state, &viewers);
	if (rc == HELPO_EBUSY) {
		api_error(r, 503, "Unavailable", "The live feed is not running; retry shortly");
		return;
	}
	if (rc) {
		api_error(r, 429, "TooManyViewers", "Too many viewers are tracked right now");
		return;
	}
	reply_presence(r, r->params[0], viewers);
}

const struct route api_live_routes[] = {
	{"GET", "/api/v2/stream", stream_open, AUTH_STAFF},
	{"GET", "/api/v2/tickets/:id/presence", presence_show, AUTH_STAFF},
	{"PUT", "/api/v2/tickets/:id/presence", presence_put, AUTH_STAFF},
	{NULL, NULL, NULL, AUTH_NONE},
};
