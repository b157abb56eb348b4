/*
 * notify.c — placeholder until outbound notifications land (being written): see desk_int.h.
 */
#include "desk/desk_int.h"

int desk_notify_comment(struct db *db, int64_t ticket_id, int64_t comment_id, int64_t author_id,
			bool is_public)
{
	(void)db; (void)ticket_id; (void)comment_id; (void)author_id; (void)is_public;
	return 0;
}

int desk_notify_ticket_created(struct db *db, int64_t ticket_id, const struct desk_email *m)
{
	(void)db; (void)ticket_id; (void)m;
	return 0;
}

int desk_notify_assigned(struct db *db, int64_t ticket_id, int64_t assignee_id, int64_t actor_id)
{
	(void)db; (void)ticket_id; (void)assignee_id; (void)actor_id;
	return 0;
}
