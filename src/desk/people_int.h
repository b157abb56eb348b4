/*
 * people_int.h — private to src/desk/{user,org,group}.c: the small pieces the people modules
 * share (record diffs for update events, case-folded unique keys, user checks).
 */
#ifndef HELPO_PEOPLE_INT_H
#define HELPO_PEOPLE_INT_H

#include "desk/desk_int.h"

/* {"field": [old, new], ...} for every key whose value differs between two records of the
 * same kind (updated_at ignored). New reference. */
json_t *people_changes(json_t *before, json_t *after);
/* A case-insensitive uniqueness key for a name: ASCII lower-cased copy; caller frees. NULL
 * on OOM. */
char *people_name_key(const char *name);
/* true when s is empty or only ASCII white space. */
bool people_blank(const char *s);
/* Reads a user's role; HELPO_ENOTFOUND when no such (active or not) user. */
int people_user_role(struct db *db, int64_t id, enum desk_role *role);
/* Reads a user record without authorization (callers check first). */
int people_user_load(struct db *db, int64_t id, json_t **out);

#endif
