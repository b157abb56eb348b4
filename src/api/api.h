/*
 * api.h — the REST API /api/v2 (Zendesk's shape): one file per resource, each exporting a
 * route table, plus the shared helpers every handler uses for input, paging and errors.
 *
 * Error bodies: {"error": "RecordInvalid", "description": "...", "details": {field: [{...}]}}
 * with 400 malformed JSON, 401 unauthenticated, 403 forbidden, 404 not found / not visible,
 * 409 conflict, 413 too large, 422 invalid field, 429 rate limited.
 */
#ifndef HELPO_API_H
#define HELPO_API_H

#include "http/http.h"
#include "desk/desk.h"

/* Route tables, one per resource file; each ends with {NULL}. */
extern const struct route api_ticket_routes[];
extern const struct route api_request_routes[];
extern const struct route api_user_routes[];
extern const struct route api_org_routes[];
extern const struct route api_group_routes[];
extern const struct route api_membership_routes[];
extern const struct route api_search_routes[];
extern const struct route api_session_routes[];
extern const struct route api_mailbox_routes[];      /* recipient_addresses */
extern const struct route api_attachment_routes[];   /* attachments, uploads */
extern const struct route api_mail_admin_routes[];   /* mail quarantine */
extern const struct route api_help_center_routes[];  /* help_center: KB categories ... */
extern const struct route api_view_routes[];         /* views */
extern const struct route api_macro_routes[];        /* macros */
extern const struct route api_live_routes[];         /* stream (SSE), presence */
extern const struct route api_token_routes[];        /* api_tokens */

/* Responses */
void api_reply(struct http_req *r, int status, json_t *body); /* steals body */
void api_error(struct http_req *r, int status, const char *error, const char *description);
/* Maps a HELPO_E* code (and desk_err) to the right status and Zendesk-style body. */
void api_desk_error(struct http_req *r, int rc, const struct desk_err *err);

/* Input: parses the JSON body, requires an object under root_key ("ticket"); answers 400/422
 * itself and returns NULL on failure. The result is a new reference. */
json_t *api_body(struct http_req *r, const char *root_key);
/* Parses paging parameters (page, per_page, page[size], page[after], page[before],
 * sort_by, sort_order, sort). sorts: allowlist of sort names; default_sort first.
 * Answers 400 itself and returns -1 on bad input. */
int api_page(struct http_req *r, struct desk_page *p, const char *const *sorts);
/* Answers 200 with {key: rows, next_page, previous_page, count} (offset) or
 * {key: rows, meta: {has_more, after_cursor, before_cursor}, links: {next, prev}} (cursor).
 * Adds "url" to every row from url_fmt ("/api/v2/tickets/%lld.json") when given. */
void api_list_reply(struct http_req *r, const char *key, struct desk_list *l,
		    const struct desk_page *p, const char *url_fmt);
/* Adds "url": base_url + fmt(id) to a record. */
void api_add_url(struct http_req *r, json_t *rec, const char *url_fmt);
/* Makes the relative attachment URLs in a comments array absolute (Zendesk's shape). */
void api_attachment_urls(struct http_req *r, json_t *comments);
/* Zendesk sideloading: for a 200 JSON answer to a GET with ?include=users,groups,organizations,
 * adds "users"/"groups"/"organizations" arrays with the records referenced by the answer's
 * ticket(s), comments, request(s) or search results (requester/submitter/assignee/author/
 * collaborators, group_id, organization_id), each authorized for the caller (invisible ones are
 * left out), at most 100 per kind. Called by the server after every API GET handler. */
void api_sideload(struct http_req *r);
/* Parses a comma-separated id list (?ids=1,2,3) into out (max n); -1 on bad input (400 sent). */
int api_ids(struct http_req *r, const char *param, int64_t *out, int max);

#endif
