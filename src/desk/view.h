/*
 * view.h — views (saved ticket lists defined by conditions) and macros (canned replies that set
 * ticket fields and insert text), in Zendesk's /api/v2/views and /api/v2/macros shapes.
 *
 * Both are shared (restriction null) or personal (restriction {"type":"User","id":U}).
 * Visibility: everyone on the staff sees the shared ones and their own personal ones; admins
 * also see (and manage) anyone's personal ones by id. Writes: admins create and change shared
 * and personal ones; agents only their own personal ones (a restriction an agent sends is
 * forced to themselves). End-users see none (HELPO_EFORBIDDEN). A view or macro the actor may
 * not see is HELPO_ENOTFOUND; one they see but may not change is HELPO_EFORBIDDEN.
 *
 * View record: {id, title, raw_title, active, position, description, restriction,
 *   conditions: {all: [{field, operator, value}], any: [...]}, execution: {sort_by,
 *   sort_order}, created_at, updated_at}. Condition fields and operators:
 *   status, priority     is, is_not, less_than, greater_than (new<open<pending<hold<solved<
 *                        closed; low<normal<high<urgent); priority "" = none
 *   type                 is, is_not ("" = none)
 *   group_id             is, is_not: an id, "current_groups", or "" / null (no group)
 *   assignee_id          is, is_not: an id, "current_user", or "" / null (unassigned)
 *   requester_id         is, is_not: an id or "current_user"
 *   tags                 includes, not_includes: "tag1 tag2" (any of them / none of them)
 * Input may also use Zendesk's create shape: top-level "all"/"any" and "output" for execution.
 *
 * Macro record: {id, title, raw_title, active, description, position, restriction,
 *   actions: [{field, value}], created_at, updated_at}. Action fields: status, priority, type,
 *   assignee_id (id, "current_user", "" / null), group_id (id, "" / null), set_tags,
 *   current_tags, remove_tags ("a b" or an array), comment_value (text with placeholders),
 *   comment_mode_is_public (true / false).
 *
 * Ownership as in desk.h: json_t ** outputs are new references the caller releases.
 */
#ifndef HELPO_VIEW_H
#define HELPO_VIEW_H

#include "desk/desk.h"

/* Named caps on view and macro definitions (past them: HELPO_EINVAL naming the field). */
#define VIEW_MAX_CONDITIONS    20 /* conditions in all + any */
#define VIEW_MAX_COND_TAGS     10 /* tags in one tags condition */
#define VIEW_MAX_COUNT_MANY    20 /* ids in GET /views/count_many (Zendesk's cap) */
#define MACRO_MAX_ACTIONS      20 /* actions in one macro */
#define MACRO_MAX_TAGS         20 /* tags in one tag action */
#define MACRO_MAX_SEARCH_WORDS 8  /* words of a macro search query */

/* Filters for the lists; active -1 = any; access NULL = shared + mine, "shared", "personal"
 * (mine). query (macros only): every word must occur in the title, case and diacritics
 * ignored. */
struct desk_vm_filter {
	int active;
	const char *access;
	const char *query;
};

/* ---- views (desk/view.c) ---- */
int desk_view_create(struct db *db, const struct desk_actor *a, json_t *in, json_t **out,
                     struct desk_err *err);
int desk_view_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out);
int desk_view_update(struct db *db, const struct desk_actor *a, int64_t id, json_t *in,
                     json_t **out, struct desk_err *err);
int desk_view_delete(struct db *db, const struct desk_actor *a, int64_t id, struct desk_err *err);
/* Sorts: "position" (default), "id", "created_at", "updated_at". */
int desk_view_list(struct db *db, const struct desk_actor *a, const struct desk_vm_filter *f,
                   const struct desk_page *p, struct desk_list *out);
/* The tickets of a view the actor sees, in GET /tickets' record shape, only tickets the actor
 * may see. p->sort NULL = the view's execution (sort_by, sort_order); otherwise a ticket sort
 * (id, created_at, updated_at, status, priority). Offset paging fills out->count. */
int desk_view_tickets(struct db *db, const struct desk_actor *a, int64_t id,
                      const struct desk_page *p, struct desk_list *out);
/* How many tickets desk_view_tickets would list in all. */
int desk_view_count(struct db *db, const struct desk_actor *a, int64_t id, int64_t *count);

/* ---- macros (desk/macro.c) ---- */
int desk_macro_create(struct db *db, const struct desk_actor *a, json_t *in, json_t **out,
                      struct desk_err *err);
int desk_macro_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out);
int desk_macro_update(struct db *db, const struct desk_actor *a, int64_t id, json_t *in,
                      json_t **out, struct desk_err *err);
int desk_macro_delete(struct db *db, const struct desk_actor *a, int64_t id, struct desk_err *err);
/* Sorts: "position" (default), "id", "created_at", "updated_at". */
int desk_macro_list(struct db *db, const struct desk_actor *a, const struct desk_vm_filter *f,
                    const struct desk_page *p, struct desk_list *out, struct desk_err *err);
/*
 * What applying a macro would do, without changing anything: *out = {"ticket": {fields to
 * set, in a ticket update's vocabulary: status, priority, type, assignee_id, group_id, tags
 * (set_tags), additional_tags (current_tags), remove_tags}, "comment": {"body", "public"}}
 * ("comment" only when the macro has a comment_value). ticket_id 0: the macro alone
 * (placeholders left as typed); otherwise the ticket must be visible (HELPO_ENOTFOUND) and the
 * comment's placeholders are rendered for it ("id" of the ticket is in "ticket" too).
 */
int desk_macro_apply(struct db *db, const struct desk_actor *a, int64_t macro_id, int64_t ticket_id,
                     json_t **out);
/*
 * Replaces {{name}} (spaces inside the braces allowed) by the string value of vars[name];
 * placeholders not in vars stay exactly as typed. Values are inserted as plain text (no
 * escaping: the body is text). Returns a malloc'd string (caller frees) or NULL (no memory).
 */
char *desk_macro_render(const char *text, json_t *vars);
/* Folds text for macro search: lower case, Latin diacritics removed, Cyrillic lower case,
 * ё→е. Returns a malloc'd string (caller frees) or NULL. */
char *desk_macro_fold(const char *text);
/* Demo data: points the seeded "Escalate to Technical" macro (id 3) at the technical group. */
int desk_macro_demo(struct db *db, int64_t technical_group_id);

#endif
