/*
 * desk_int.h — private to src/desk: JSON input validation, paging SQL, row-to-record helpers.
 */
#ifndef HELPO_DESK_INT_H
#define HELPO_DESK_INT_H

#include "desk/desk.h"
#include "util/buf.h"
#include "util/limits.h"

/* A field was absent, present with a value, or present as JSON null. */
enum jfield { JF_ABSENT = 0, JF_VALUE = 1, JF_NULL = 2 };

/* Each returns JF_* or a negative HELPO_E* (with err filled). */
int jget_str(json_t *in, const char *key, size_t max, const char **out, struct desk_err *err);
int jget_id(json_t *in, const char *key, int64_t *out, struct desk_err *err);
int jget_bool(json_t *in, const char *key, bool *out, struct desk_err *err);
int jget_enum(json_t *in, const char *key, const char *const *allowed, const char **out,
	      struct desk_err *err);
int jget_time(json_t *in, const char *key, int64_t *out, struct desk_err *err);
/* Fails with HELPO_EINVAL naming the first key that is neither known nor tolerated. */
int jcheck_keys(json_t *in, const char *what, const char *const *known, struct desk_err *err);
/* Validates and normalizes a JSON array of tags into a new array (deduplicated, sorted). */
int jtags_normalize(json_t *in, json_t **out, struct desk_err *err);

/* Paging: appends the keyset condition (" AND (key, id) > (?, ?)") when a cursor is given. */
int page_where(struct buf *sql, struct db_args *args, const struct desk_page *p,
	       const char *key_expr, const char *id_expr);
/* Appends the ORDER BY of page_tail alone (for an outer query around a paged subquery). */
int page_order(struct buf *sql, const struct desk_page *p, const char *key_expr,
	       const char *id_expr);
/* Appends ORDER BY + LIMIT (+ OFFSET in offset mode); fetches one extra row for has_more. */
int page_tail(struct buf *sql, struct db_args *args, const struct desk_page *p,
	      const char *key_expr, const char *id_expr);
/* Records one row in the list: call with the row's sort key and id, before appending it.
 * Returns false when the row is the extra one (has_more set, do not append). */
bool page_accept(struct desk_list *l, const struct desk_page *p, int64_t key, int64_t id);
/* After the loop: reverses rows fetched backwards for page[before]. */
void page_finish(struct desk_list *l, const struct desk_page *p);
/* The sort expression for the standard sorts "id", "created_at", "updated_at" (NULL sort = id):
 * exprs holds the three expressions in that order. NULL for any other sort name. */
const char *page_std_key(const char *sort, const char *const exprs[3]);
/* The whole paged read: sql is "SELECT <key_expr>, <columns> FROM ... WHERE ..." (the sort key
 * first); appends the cursor condition and ORDER BY/LIMIT, runs it, and fills out->rows with
 * row_at(st, 1) for each row of the page. 0 or an error (out->rows may then be partial). */
int page_run(struct db *db, struct buf *sql, struct db_args *args, const struct desk_page *p,
	     const char *key_expr, const char *id_expr,
	     json_t *(*row_at)(struct db_stmt *st, int first_col), struct desk_list *out);

/* JSON helpers for building records from columns. */
json_t *jtime(int64_t ms);             /* ISO-8601 string, or null for 0 */
json_t *jid(int64_t id);               /* integer, or null for 0 */
json_t *jstr_or_null(const char *s);
json_t *jparse_or(const char *text, json_t *fallback); /* stolen fallback */

/* Are all roles that count as staff: agents and admins. */
static inline bool desk_is_staff(const struct desk_actor *a)
{
	return a->role == DESK_AGENT || a->role == DESK_ADMIN;
}

/*
 * Mail caused by a change (desk/notify.c), queued as outbox rows in the caller's transaction.
 * Each decides who gets mail (requester, collaborators, agents by preference) and skips what
 * must not be sent (automatic mail to auto-submitted senders, caps, no mailbox configured).
 *   desk_notify_comment: after a comment other than a ticket's first (public staff replies mail
 *     the requester and collaborators);
 *   desk_notify_ticket_created: after a ticket is created (agents of its group; an
 *     acknowledgement to the requester when the mailbox asks for it — m is the e-mail that
 *     created it, or NULL for other channels);
 *   desk_notify_assigned: after the assignee changed to assignee_id by actor_id.
 */
int desk_notify_comment(struct db *db, int64_t ticket_id, int64_t comment_id, int64_t author_id,
			bool is_public);
int desk_notify_ticket_created(struct db *db, int64_t ticket_id, const struct desk_email *m);
int desk_notify_assigned(struct db *db, int64_t ticket_id, int64_t assignee_id,
			 int64_t actor_id);

/* Escapes text into a new HTML fragment (<p> per paragraph); caller frees. */
char *desk_text_to_html(const char *text);

#endif
