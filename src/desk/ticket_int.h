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
/* How a create/update is made, beyond the JSON input. */
struct ticket_opts {
	bool as_request;                /* the end-user door (requests API): customer fields only */
	bool in_tx;                     /* the caller holds the transaction (e-mail ingest): no
					   begin/commit/rollback here; on failure the caller rolls back */
	const struct desk_email *email; /* the e-mail that causes the change, if any */
	const char *via;                /* channel of the ticket/comment ("email", "web", ...) */
	int64_t *comment_id;            /* out: the comment created, when not NULL */
};
int desk_ticket_create_in(struct db *db, const struct desk_actor *a, json_t *in,
			  const char *idem, const struct ticket_opts *o, json_t **out,
			  struct desk_err *err);
int desk_ticket_update_in(struct db *db, const struct desk_actor *a, int64_t id, json_t *in,
			  const struct ticket_opts *o, json_t **out, struct desk_err *err);
/* Plain text of an HTML fragment (tags dropped, entities decoded); caller frees. */
char *desk_html_to_text(const char *html);

#endif
