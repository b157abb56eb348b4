/*
 * vm_int.h — private to src/desk/view.c and macro.c: what views and macros share (who may see
 * and change a shared or personal one, the "restriction" field, list filters and sort keys).
 * Defined in view.c.
 */
#ifndef HELPO_VM_INT_H
#define HELPO_VM_INT_H

#include "desk/desk_int.h"
#include "desk/view.h"

/* {"type":"User","id":owner}, or JSON null for 0 (shared). */
json_t *vm_restriction_json(int64_t owner);
/*
 * Reads "restriction" from in: *given false when absent. null → *owner 0 (shared);
 * {"type":"User","id":U} → U (an active agent or admin). An agent's restriction is forced to
 * themselves (*given true on create, whatever they sent). what: "view" or "macro".
 */
int vm_restriction_in(struct db *db, const struct desk_actor *a, json_t *in, bool create,
                      int64_t *owner, bool *given, struct desk_err *err);
/* 0 when a may see a view/macro owned by owner (0 = shared), else HELPO_ENOTFOUND. */
int vm_visible(const struct desk_actor *a, int64_t owner);
/* Loads one view or macro by id: `sql` selects its columns with one `?` for the id, `row`
 * builds the record from them, column 3 is the owner (restriction user, 0 shared). With
 * a != NULL, also checks that the actor may see it (HELPO_EFORBIDDEN for end-users,
 * HELPO_ENOTFOUND for another agent's personal one). *owner (optional) gets the owner. */
int vm_load(struct db *db, const struct desk_actor *a, const char *sql,
	    json_t *(*row)(struct db_stmt *st, int first), int64_t id, json_t **out,
	    int64_t *owner);
/* 0 when a may change it, else HELPO_EFORBIDDEN (err filled). */
int vm_writable(const struct desk_actor *a, int64_t owner, const char *what, struct desk_err *err);
/* Appends the list condition over alias x (x.restriction_user_id, x.active) for filter f. */
int vm_list_where(const struct desk_actor *a, const struct desk_vm_filter *f, const char *x,
                  struct buf *sql, struct db_args *args, struct desk_err *err);
/* Sort expression for "position" (default, NULL), "id", "created_at", "updated_at" over alias
 * x, written to out; false for any other name. */
bool vm_sort_key(const char *sort, const char *x, char *out, size_t n);
/* Reads a non-negative integer field (absent: JF_ABSENT). */
int vm_get_uint(json_t *in, const char *key, int64_t max, int64_t *out, struct desk_err *err);

#endif
