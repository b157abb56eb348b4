/*
 * mailboxes.c — /api/v2/recipient_addresses (Zendesk's Support Addresses API): the support
 * addresses mail comes in through. Agents and admins read; admins write. Handlers only
 * translate HTTP to desk_mailbox_* calls; the rules live in src/desk/mailbox.c.
 */
#include "api/api.h"

#define MAILBOX_URL "/api/v2/recipient_addresses/%lld.json"

static const char *const mailbox_sorts[] = {"id", "created_at", "updated_at", NULL};

static void reply_mailbox(struct http_req *r, int status, json_t *m)
{
	api_add_url(r, m, MAILBOX_URL);
	api_reply(r, status, json_pack("{s:o}", "recipient_address", m));
}

static void mailboxes_list(struct http_req *r)
{
	struct desk_page p;
	struct desk_list l;
	int rc;
	if (api_page(r, &p, mailbox_sorts))
		return;
	if ((rc = desk_mailbox_list(r->db, &r->actor, &p, &l))) {
		api_desk_error(r, rc, NULL);
		return;
	}
	api_list_reply(r, "recipient_addresses", &l, &p, MAILBOX_URL);
	desk_list_release(&l);
}

static void mailboxes_show(struct http_req *r)
{
	json_t *m;
	int rc = desk_mailbox_get(r->db, &r->actor, r->params[0], &m);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	reply_mailbox(r, 200, m);
}

static void mailboxes_create(struct http_req *r)
{
	struct desk_err err = {0};
	json_t *in = api_body(r, "recipient_address"), *m = NULL;
	char loc[300];
	int rc;
	if (!in)
		return;
	rc = desk_mailbox_create(r->db, &r->actor, in, &m, &err);
	json_decref(in);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	snprintf(loc, sizeof loc, "%s/api/v2/recipient_addresses/%lld.json", r->base_url,
		 (long long)json_integer_value(json_object_get(m, "id")));
	http_add_header(r, "Location", loc);
	reply_mailbox(r, 201, m);
}

static void mailboxes_update(struct http_req *r)
{
	struct desk_err err = {0};
	json_t *in = api_body(r, "recipient_address"), *m = NULL;
	int rc;
	if (!in)
		return;
	rc = desk_mailbox_update(r->db, &r->actor, r->params[0], in, &m, &err);
	json_decref(in);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	reply_mailbox(r, 200, m);
}

static void mailboxes_delete(struct http_req *r)
{
	struct desk_err err = {0};
	int rc = desk_mailbox_delete(r->db, &r->actor, r->params[0], &err);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	r->status = 204;
}

const struct route api_mailbox_routes[] = {
	{"GET", "/api/v2/recipient_addresses", mailboxes_list, AUTH_STAFF},
	{"POST", "/api/v2/recipient_addresses", mailboxes_create, AUTH_ADMIN},
	{"GET", "/api/v2/recipient_addresses/:id", mailboxes_show, AUTH_STAFF},
	{"PUT", "/api/v2/recipient_addresses/:id", mailboxes_update, AUTH_ADMIN},
	{"DELETE", "/api/v2/recipient_addresses/:id", mailboxes_delete, AUTH_ADMIN},
	{NULL, NULL, NULL, AUTH_NONE},
};
