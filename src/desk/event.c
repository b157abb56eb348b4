/*
 * event.c — appends rows to the event log (the audit trail and the source of metrics,
 * realtime updates and jobs). Always inside the caller's transaction.
 */
#include "desk/desk_int.h"
#include "util/timeutil.h"

int desk_event_add(struct db *db, int64_t ticket_id, int64_t actor_id, const char *kind,
		   json_t *payload)
{
	char *text = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
	int rc;
	rc = db_exec(db,
		     "INSERT INTO events (ticket_id, actor_id, kind, payload, created_at) "
		     "VALUES (?, ?, ?, ?, ?)",
		     "IIssi", ticket_id, actor_id, kind, text ? text : "{}",
		     time_now_ms());
	free(text);
	return rc;
}
