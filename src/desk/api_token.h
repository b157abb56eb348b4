/*
 * api_token.h — API tokens as records (Zendesk's /api/v2/api_tokens shape): list, show,
 * create (the secret is returned once and only its SHA-256 is kept), revoke.
 *
 * Admins only: agents get HELPO_EFORBIDDEN, end-users HELPO_EFORBIDDEN as well (the API's
 * AUTH_ADMIN check answers 403 before these run). A record is
 *   {id, description, user_id, created_at, last_used_at, token}
 * where token is null everywhere except in the answer to create. Revoking deletes the row, so
 * the token stops authenticating at once (desk_auth_token finds no hash).
 *
 * Ownership as in desk.h: json_t ** outputs are new references the caller json_decref()s.
 */
#ifndef HELPO_DESK_API_TOKEN_H
#define HELPO_DESK_API_TOKEN_H

#include "desk/desk.h"

/* Every token, newest last by id (sorts "id", "created_at"). */
int desk_api_token_list(struct db *db, const struct desk_actor *a, const struct desk_page *p,
                        struct desk_list *out);
int desk_api_token_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out);
/* in = {"description": "...", "user_id": U?}; user_id defaults to the actor. The user must
 * exist and be active. *out carries the secret in "token" (shown once). */
int desk_api_token_create(struct db *db, const struct desk_actor *a, json_t *in, json_t **out,
                          struct desk_err *err);
int desk_api_token_delete(struct db *db, const struct desk_actor *a, int64_t id,
                          struct desk_err *err);

#endif
