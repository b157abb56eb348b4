/*
 * ticket_int.h — private to src/desk: ticket pieces shared by ticket.c, request.c and
 * search.c (row reading, comment insertion, the create/update cores).
 */
#ifndef HELPO_TICKET_INT_H
#define HELPO_TICKET_INT_H

#include "desk/desk_int.h"

/* The SELECT column list (alias t) that desk_ticket_row_at reads, starting at column off. */
const char *desk_ticket_cols(void);
json_t *desk_ticket_row_at(struct db_stmt *st, int off);
/* SQL sort expression for an allowlisted sort name (id, created_at, updated_at, status,
 * priority), or NULL. */
const char *desk_ticket_sort_expr(const char *sort);
int desk_ticket_load(struct db *db, int64_t id, json_t **out);
/* What an actor may read of a loaded ticket record: end-users do not get a description that
 * came from an internal note. Every path that hands a ticket record to an actor calls it. */
void desk_ticket_redact(struct db *db, const struct desk_actor *a, json_t *t);
int desk_comment_insert(struct db *db, int64_t ticket_id, int64_t author_id, const char *body,
			const char *html, bool is_public, const char *via, int64_t now,
			int64_t *comment_id);
/* as_request: the end-user door (requests API): fields restricted to a customer's. */
int desk_ticket_create_in(struct db *db, const struct desk_actor *a, json_t *in,
			  const char *idem, bool as_request, json_t **out, struct desk_err *err);
int desk_ticket_update_in(struct db *db, const struct desk_actor *a, int64_t id, json_t *in,
			  bool as_request, json_t **out, struct desk_err *err);
/* Plain text of an HTML fragment (tags dropped, entities decoded); caller frees. */
char *desk_html_to_text(const char *html);

#endif
