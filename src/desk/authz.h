/*
 * authz.h — who may see which object. One place for the rules, used by every desk_* call
 * and by every list and search query (as an SQL condition), so that lists, counts and
 * single reads agree.
 *
 *   admins     see every ticket;
 *   agents     see tickets of their groups, tickets assigned to them, tickets they submitted
 *              or requested;
 *   end-users  see tickets they requested, tickets they are copied on (collaborators), and
 *              their organization's tickets when the organization shares tickets; of
 *              comments, only public ones.
 *
 * Anything not visible is HELPO_ENOTFOUND — indistinguishable from "does not exist".
 */
#ifndef HELPO_AUTHZ_H
#define HELPO_AUTHZ_H

#include "desk/desk.h"
#include "util/buf.h"

/* Appends a condition on ticket alias `t` (e.g. "t") that is true for visible tickets. */
int authz_ticket_sql(const struct desk_actor *a, const char *t, struct buf *sql,
		     struct db_args *args);
/* 0 when the actor may see the ticket, HELPO_ENOTFOUND otherwise (or a DB error). */
int authz_ticket_visible(struct db *db, const struct desk_actor *a, int64_t ticket_id);
/* 0 when the actor may see the user record. Staff see everyone; end-users themselves. */
int authz_user_visible(struct db *db, const struct desk_actor *a, int64_t user_id);

#endif
