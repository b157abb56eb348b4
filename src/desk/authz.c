/*
 * authz.c — visibility rules; see authz.h.
 */
#include "desk/authz.h"

int authz_ticket_sql(const struct desk_actor *a, const char *t, struct buf *sql,
		     struct db_args *args)
{
	switch (a->role) {
	case DESK_ADMIN: return buf_adds(sql, "1");
	case DESK_AGENT:
		buf_addf(sql,
			 "(%s.group_id IN (SELECT group_id FROM group_memberships WHERE user_id = ?)"
			 " OR %s.assignee_id = ? OR %s.submitter_id = ? OR %s.requester_id = ?)",
			 t, t, t, t);
		db_args_int(args, a->id);
		db_args_int(args, a->id);
		db_args_int(args, a->id);
		return db_args_int(args, a->id);
	case DESK_END_USER:
		buf_addf(sql,
			 "(%s.requester_id = ? OR (%s.organization_id = ? AND EXISTS (SELECT 1 "
			 "FROM organizations o WHERE o.id = %s.organization_id AND "
			 "o.shared_tickets = 1)) OR %s.id IN (SELECT ticket_id FROM "
			 "ticket_collaborators WHERE user_id = ?))",
			 t, t, t, t);
		db_args_int(args, a->id);
		db_args_int(args, a->org_id ? a->org_id : -1);
		return db_args_int(args, a->id);
	}
	return HELPO_EINVAL;
}

int authz_ticket_visible(struct db *db, const struct desk_actor *a, int64_t ticket_id)
{
	struct buf sql = BUF_INIT(1024);
	struct db_args args = {0};
	struct db_stmt *st;
	int rc;
	buf_adds(&sql, "SELECT 1 FROM tickets t WHERE t.id = ? AND ");
	db_args_int(&args, ticket_id);
	authz_ticket_sql(a, "t", &sql, &args);
	rc = db_query_args(db, &st, sql.data, &args);
	buf_release(&sql);
	if (rc)
		return rc;
	rc = db_step(st);
	db_done(st);
	if (rc == DB_ROW)
		return 0;
	return rc < 0 ? rc : HELPO_ENOTFOUND;
}

int authz_user_visible(struct db *db, const struct desk_actor *a, int64_t user_id)
{
	int64_t one;
	if (a->role == DESK_END_USER && a->id != user_id)
		return HELPO_ENOTFOUND;
	return db_int(db, &one, "SELECT 1 FROM users WHERE id = ?", "i", user_id);
}
