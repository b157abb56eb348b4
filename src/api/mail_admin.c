/*
 * mail_admin.c — /api/v2/mail/quarantine (admins only): messages the mail worker gave up on
 * after HELPO_MAIL_MAX_ATTEMPTS failures. List (no raw bytes), show (metadata and the raw
 * message: text when it is valid UTF-8, else base64), retry (back into the spool; the row is
 * deleted). The rules live in mail/worker.c (mail/quarantine.h).
 */
#include "api/api.h"
#include "mail/quarantine.h"
#include "util/text.h"
#include <sodium.h>

#define QUARANTINE_URL "/api/v2/mail/quarantine/%lld.json"

static const char *const quarantine_sorts[] = {"id", NULL};

static void quarantine_list(struct http_req *r)
{
	struct desk_page p;
	struct desk_list l = {0};
	json_t *rows = NULL;
	bool more = false;
	int64_t count = 0;
	int rc;
	if (api_page(r, &p, quarantine_sorts))
		return;
	if (p.desc || p.has_before) {
		api_error(r, 400, "InvalidPagination",
			  "the quarantine is listed oldest first, forward only");
		return;
	}
	rc = mail_quarantine_list(r->db, p.cursor && p.has_after ? p.after_id : 0,
				  p.cursor ? 0 : (p.page - 1) * p.size, p.size, &rows, &more,
				  p.cursor ? NULL : &count);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	l.rows = rows;
	l.has_more = more;
	l.count = p.cursor ? -1 : count;
	if (json_array_size(rows)) {
		l.first_id = l.first_key =
			json_integer_value(json_object_get(json_array_get(rows, 0), "id"));
		l.last_id = l.last_key = json_integer_value(
			json_object_get(json_array_get(rows, json_array_size(rows) - 1), "id"));
	}
	api_list_reply(r, "quarantine", &l, &p, QUARANTINE_URL);
	desk_list_release(&l);
}

static void quarantine_show(struct http_req *r)
{
	json_t *meta;
	void *raw;
	size_t len;
	int rc = mail_quarantine_get(r->db, r->params[0], &meta, &raw, &len);
	if (rc) {
		api_desk_error(r, rc, NULL);
		return;
	}
	if (text_utf8_valid(raw, len) && !memchr(raw, '\0', len)) {
		json_object_set_new(meta, "raw", json_stringn(raw, len));
		json_object_set_new(meta, "raw_encoding", json_string("text"));
	} else {
		size_t n = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
		char *b = malloc(n);
		if (!b) {
			free(raw);
			json_decref(meta);
			api_desk_error(r, HELPO_ENOMEM, NULL);
			return;
		}
		sodium_bin2base64(b, n, raw, len, sodium_base64_VARIANT_ORIGINAL);
		json_object_set_new(meta, "raw", json_string(b));
		json_object_set_new(meta, "raw_encoding", json_string("base64"));
		free(b);
	}
	free(raw);
	api_add_url(r, meta, QUARANTINE_URL);
	api_reply(r, 200, json_pack("{s:o}", "quarantined_message", meta));
}

static void quarantine_retry(struct http_req *r)
{
	const char *dir = mail_worker_data_dir();
	int rc;
	if (!dir) {
		api_error(r, 503, "Unavailable", "the mail worker is not running");
		return;
	}
	if ((rc = mail_quarantine_retry(r->db, dir, r->params[0]))) {
		api_desk_error(r, rc, NULL);
		return;
	}
	api_reply(r, 200, json_pack("{s:{s:I,s:s}}", "quarantined_message", "id",
				    (json_int_t)r->params[0], "status", "requeued"));
}

const struct route api_mail_admin_routes[] = {
	{"GET", "/api/v2/mail/quarantine", quarantine_list, AUTH_ADMIN},
	{"GET", "/api/v2/mail/quarantine/:id", quarantine_show, AUTH_ADMIN},
	{"POST", "/api/v2/mail/quarantine/:id/retry", quarantine_retry, AUTH_ADMIN},
	{NULL, NULL, NULL, AUTH_NONE},
};
