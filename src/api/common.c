/*
 * common.c — helpers shared by every API handler: JSON input (with a nesting limit checked
 * before parsing), Zendesk-style errors, paging parameters and list answers.
 */
#include "api/api.h"
#include "util/crypto.h"
#include "util/limits.h"
#include "util/log.h"
#include <ctype.h>
#include <errno.h>
#include <microhttpd.h>

void api_reply(struct http_req *r, int status, json_t *body)
{
	json_decref(r->resp);
	r->status = status;
	r->resp = body;
}

void api_error(struct http_req *r, int status, const char *error, const char *description)
{
	api_reply(r, status, json_pack("{s:s,s:s}", "error", error, "description", description));
}

void api_desk_error(struct http_req *r, int rc, const struct desk_err *err)
{
	const char *msg = err && err->message[0] ? err->message : NULL;
	switch (rc) {
	case HELPO_ENOTFOUND:
		api_error(r, 404, "RecordNotFound", "Not found");
		return;
	case HELPO_EFORBIDDEN:
		api_error(r, 403, "Forbidden", msg ? msg : "You do not have access to this");
		return;
	case HELPO_EINVAL:
	case HELPO_ECLOSED:
	case HELPO_ECONFLICT: {
		char desc[400];
		const char *field = err && err->field[0] ? err->field : "base";
		json_t *body;
		int status = 422;
		if (rc == HELPO_ECONFLICT && err && !strcmp(field, "updated_stamp"))
			status = 409;
		if (rc == HELPO_ECONFLICT && msg) /* already a sentence naming the value */
			snprintf(desc, sizeof desc, "%s", msg);
		else
			snprintf(desc, sizeof desc, "%s%s%s", err && err->field[0] ? err->field : "",
				 err && err->field[0] ? ": " : "", msg ? msg : helpo_strerror(rc));
		body = json_pack("{s:s,s:s,s:{s:[{s:s,s:s}]}}", "error",
				 status == 409 ? "UpdateConflict" : "RecordInvalid", "description",
				 status == 409 ? desc : "Record validation errors", "details", field,
				 "description", desc, "error",
				 rc == HELPO_ECONFLICT ? "DuplicateValue" : "InvalidValue");
		api_reply(r, status, body);
		return;
	}
	case HELPO_ETOOBIG:
		api_error(r, 413, "RequestTooLarge", msg ? msg : "Too large");
		return;
	case HELPO_EBUSY:
		http_add_header(r, "Retry-After", "1");
		api_error(r, 503, "DatabaseBusy", "The database is busy; retry shortly");
		return;
	default:
		log_error("%s %s: %s", r->method, r->path, helpo_strerror(rc));
		api_error(r, 500, "InternalError", "Something went wrong on our side");
	}
}

/* Depth of nesting of a JSON text, counted without parsing; strings are skipped. */
static int json_depth(const char *s, size_t len)
{
	int depth = 0, max = 0;
	bool in_str = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"')
			in_str = true;
		else if (c == '{' || c == '[') {
			if (++depth > max)
				max = depth;
		} else if (c == '}' || c == ']')
			depth--;
	}
	return max;
}

json_t *api_body(struct http_req *r, const char *root_key)
{
	json_error_t e;
	json_t *doc, *obj;
	char desc[300];
	if (!r->body_len) {
		api_error(r, 400, "InvalidJSON", "The request body is empty; JSON expected");
		return NULL;
	}
	if (json_depth(r->body, r->body_len) > HELPO_MAX_JSON_DEPTH) {
		snprintf(desc, sizeof desc, "JSON nested deeper than %d levels",
			 HELPO_MAX_JSON_DEPTH);
		api_error(r, 400, "InvalidJSON", desc);
		return NULL;
	}
	doc = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &e);
	if (!doc) {
		snprintf(desc, sizeof desc, "Malformed JSON at line %d, column %d: %s", e.line,
			 e.column,
			 strstr(e.text, "JSON_ALLOW_NUL") ? "strings must not contain \\u0000"
							 : e.text);
		api_error(r, 400, "InvalidJSON", desc);
		return NULL;
	}
	obj = json_object_get(doc, root_key);
	if (!json_is_object(obj)) {
		snprintf(desc, sizeof desc, "Expected a JSON object under \"%s\"", root_key);
		json_decref(doc);
		api_reply(r, 400,
			  json_pack("{s:s,s:s}", "error", "InvalidJSON", "description", desc));
		return NULL;
	}
	json_incref(obj);
	json_decref(doc);
	return obj;
}

static int parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	long v;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int decode_cursor(const char *c, int64_t *key, int64_t *id)
{
	char raw[80];
	size_t n;
	long long k, i;
	char extra;
	if (strlen(c) > 100 || crypto_base64url_decode(c, raw, sizeof raw, &n) ||
	    sscanf(raw, "%lld:%lld%c", &k, &i, &extra) != 2)
		return -1;
	*key = k;
	*id = i;
	return 0;
}

static void encode_cursor(int64_t key, int64_t id, char *out, size_t n)
{
	char raw[64];
	snprintf(raw, sizeof raw, "%lld:%lld", (long long)key, (long long)id);
	crypto_base64url_encode(raw, strlen(raw), out, n);
}

static bool allowed_sort(const char *s, const char *const *sorts)
{
	for (const char *const *a = sorts; *a; a++)
		if (!strcmp(*a, s))
			return true;
	return false;
}

int api_page(struct http_req *r, struct desk_page *p, const char *const *sorts)
{
	const char *size = http_query(r, "page[size]"), *after = http_query(r, "page[after]"),
		   *before = http_query(r, "page[before]"), *page = http_query(r, "page"),
		   *per = http_query(r, "per_page"), *sort_by = http_query(r, "sort_by"),
		   *order = http_query(r, "sort_order"), *sort = http_query(r, "sort");
	long v;
	char desc[300];
	memset(p, 0, sizeof *p);
	p->size = HELPO_DEFAULT_PAGE_SIZE;
	p->page = 1;
	p->sort = sorts[0];
	if (size || after || before) {
		p->cursor = true;
		p->page = 0;
		if (size && parse_int(size, 1, HELPO_MAX_PAGE_SIZE, &v)) {
			snprintf(desc, sizeof desc, "page[size] must be an integer from 1 to %d",
				 HELPO_MAX_PAGE_SIZE);
			api_error(r, 400, "InvalidPaginationParameter", desc);
			return -1;
		}
		if (size)
			p->size = (int)v;
		if (after && *after) {
			if (decode_cursor(after, &p->after_key, &p->after_id)) {
				api_error(r, 400, "InvalidPaginationParameter",
					  "page[after] is not a cursor this server issued");
				return -1;
			}
			p->has_after = true;
		} else if (before && *before) {
			if (decode_cursor(before, &p->before_key, &p->before_id)) {
				api_error(r, 400, "InvalidPaginationParameter",
					  "page[before] is not a cursor this server issued");
				return -1;
			}
			p->has_before = true;
		}
	} else {
		if (page && parse_int(page, 1, 1000000, &v)) {
			api_error(r, 400, "InvalidPaginationParameter",
				  "page must be a positive integer");
			return -1;
		}
		if (page)
			p->page = (int)v;
		if (per) {
			if (parse_int(per, 1, 100000, &v)) {
				api_error(r, 400, "InvalidPaginationParameter",
					  "per_page must be a positive integer");
				return -1;
			}
			p->size = v > HELPO_MAX_PAGE_SIZE ? HELPO_MAX_PAGE_SIZE : (int)v;
		}
	}
	if (sort) { /* cursor style: "updated_at" or "-updated_at" */
		p->desc = sort[0] == '-';
		sort_by = sort + (sort[0] == '-');
	} else if (order) {
		if (strcmp(order, "asc") && strcmp(order, "desc")) {
			api_error(r, 400, "InvalidParameter", "sort_order must be asc or desc");
			return -1;
		}
		p->desc = !strcmp(order, "desc");
	}
	if (sort_by) {
		if (!allowed_sort(sort_by, sorts)) {
			struct buf b = BUF_INIT(300);
			buf_adds(&b, "sort_by must be one of:");
			for (const char *const *a = sorts; *a; a++)
				buf_addf(&b, " %s", *a);
			api_error(r, 400, "InvalidParameter", b.data);
			buf_release(&b);
			return -1;
		}
		for (const char *const *a = sorts; *a; a++)
			if (!strcmp(*a, sort_by))
				p->sort = *a;
	}
	return 0;
}

struct qs_ctx {
	struct buf *b;
	const char *const *skip;
};

static enum MHD_Result add_qs(void *cls, enum MHD_ValueKind kind, const char *key,
			      const char *value)
{
	struct qs_ctx *q = cls;
	(void)kind;
	for (const char *const *s = q->skip; *s; s++)
		if (!strcmp(*s, key))
			return MHD_YES;
	buf_addc(q->b, q->b->len && strchr(q->b->data, '?') ? '&' : '?');
	for (const char *p = key; *p; p++)
		buf_addf(q->b, isalnum((unsigned char)*p) || strchr("-_.~", *p) ? "%c" : "%%%02X",
			 (unsigned char)*p);
	buf_addc(q->b, '=');
	for (const char *p = value ? value : ""; *p; p++)
		buf_addf(q->b, isalnum((unsigned char)*p) || strchr("-_.~", *p) ? "%c" : "%%%02X",
			 (unsigned char)*p);
	return MHD_YES;
}

/* URL of this same request with the paging parameters replaced by `extra` ("page=2"). */
static json_t *page_url(struct http_req *r, const char *extra)
{
	static const char *const skip[] = {"page", "per_page", "page[size]", "page[after]",
					   "page[before]", NULL};
	struct buf b = BUF_INIT(8192);
	struct qs_ctx q = {&b, skip};
	json_t *s;
	buf_addf(&b, "%s%s.json", r->base_url, r->path);
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, add_qs, &q);
	buf_addf(&b, "%c%s", strchr(b.data, '?') ? '&' : '?', extra);
	s = json_string(b.data);
	buf_release(&b);
	return s;
}

void api_add_url(struct http_req *r, json_t *rec, const char *url_fmt)
{
	char url[512], tail[256];
	json_t *id = json_object_get(rec, "id");
	if (!json_is_integer(id))
		return;
	snprintf(tail, sizeof tail, url_fmt, (long long)json_integer_value(id));
	snprintf(url, sizeof url, "%s%s", r->base_url, tail);
	json_object_set_new(rec, "url", json_string(url));
}

void api_list_reply(struct http_req *r, const char *key, struct desk_list *l,
		    const struct desk_page *p, const char *url_fmt)
{
	json_t *body = json_object(), *row;
	size_t i;
	char extra[256];
	if (url_fmt)
		json_array_foreach(l->rows, i, row) api_add_url(r, row, url_fmt);
	json_object_set(body, key, l->rows);
	if (p->cursor) {
		char after[128] = "", before[128] = "";
		size_t n = json_array_size(l->rows);
		bool more_after = p->has_before ? true : l->has_more;
		bool more_before = p->has_before ? l->has_more : p->has_after;
		if (n) {
			encode_cursor(l->last_key, l->last_id, after, sizeof after);
			encode_cursor(l->first_key, l->first_id, before, sizeof before);
		}
		if (!n)
			more_after = more_before = false;
		json_object_set_new(body, "meta",
				    json_pack("{s:b,s:o,s:o}", "has_more", more_after,
					      "after_cursor", n ? json_string(after) : json_null(),
					      "before_cursor",
					      n ? json_string(before) : json_null()));
		snprintf(extra, sizeof extra, "page%%5Bsize%%5D=%d&page%%5Bafter%%5D=%s", p->size,
			 after);
		{
			json_t *next = n && more_after ? page_url(r, extra) : json_null();
			snprintf(extra, sizeof extra, "page%%5Bsize%%5D=%d&page%%5Bbefore%%5D=%s",
				 p->size, before);
			json_object_set_new(body, "links",
					    json_pack("{s:o,s:o}", "next", next, "prev",
						      n && more_before ? page_url(r, extra)
								       : json_null()));
		}
	} else {
		if (l->has_more) {
			snprintf(extra, sizeof extra, "page=%d&per_page=%d", p->page + 1, p->size);
			json_object_set_new(body, "next_page", page_url(r, extra));
		} else
			json_object_set_new(body, "next_page", json_null());
		if (p->page > 1) {
			snprintf(extra, sizeof extra, "page=%d&per_page=%d", p->page - 1, p->size);
			json_object_set_new(body, "previous_page", page_url(r, extra));
		} else
			json_object_set_new(body, "previous_page", json_null());
		json_object_set_new(body, "count",
				    json_integer(l->count >= 0 ? l->count
							       : (json_int_t)json_array_size(l->rows)));
	}
	api_reply(r, 200, body);
}

int api_ids(struct http_req *r, const char *param, int64_t *out, int max)
{
	const char *s = http_query(r, param);
	int n = 0;
	char desc[200];
	if (!s || !*s) {
		snprintf(desc, sizeof desc, "%s is required (comma-separated ids)", param);
		api_error(r, 400, "InvalidParameter", desc);
		return -1;
	}
	while (*s) {
		char *end;
		long long v;
		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno || end == s || v <= 0 || (*end && *end != ',') || n >= max) {
			snprintf(desc, sizeof desc, "%s must be at most %d comma-separated ids",
				 param, max);
			api_error(r, 400, "InvalidParameter", desc);
			return -1;
		}
		out[n++] = v;
		s = *end ? end + 1 : end;
	}
	return n;
}

/* Zendesk's attachment URLs are absolute: prefix the relative ones desk returns. */
void api_attachment_urls(struct http_req *r, json_t *comments)
{
	size_t i, j;
	json_t *c, *att;
	static const char *const keys[] = {"url", "content_url", "mapped_content_url"};
	json_array_foreach(comments, i, c)
	{
		json_array_foreach(json_object_get(c, "attachments"), j, att)
		{
			for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
				const char *u = json_string_value(json_object_get(att, keys[k]));
				char abs[600];
				if (!u || u[0] != '/')
					continue;
				snprintf(abs, sizeof abs, "%s%s", r->base_url, u);
				json_object_set_new(att, keys[k], json_string(abs));
			}
		}
	}
}


/* ---- sideloading (?include=users,groups,organizations) ---- */

#define SIDELOAD_MAX 100 /* distinct ids per kind; more are left out */

struct id_set {
	int64_t ids[SIDELOAD_MAX];
	int n;
};

static void id_add(struct id_set *s, json_t *v)
{
	int64_t id = json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
	if (id <= 0 || s->n >= SIDELOAD_MAX)
		return;
	for (int i = 0; i < s->n; i++)
		if (s->ids[i] == id)
			return;
	s->ids[s->n++] = id;
}

static void collect(json_t *rec, struct id_set *users, struct id_set *groups,
		    struct id_set *orgs)
{
	static const char *const user_keys[] = {"requester_id", "submitter_id", "assignee_id",
						"author_id", NULL};
	size_t i;
	json_t *v;
	if (!json_is_object(rec))
		return;
	for (int k = 0; user_keys[k]; k++)
		id_add(users, json_object_get(rec, user_keys[k]));
	json_array_foreach(json_object_get(rec, "collaborator_ids"), i, v) id_add(users, v);
	id_add(groups, json_object_get(rec, "group_id"));
	id_add(orgs, json_object_get(rec, "organization_id"));
}

static bool include_has(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && !strncmp(p, name, n))
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

void api_sideload(struct http_req *r)
{
	static const char *const keys[] = {"ticket", "tickets", "comments", "request",
					   "requests", "results", NULL};
	const char *inc = http_query(r, "include");
	struct id_set users = {0}, groups = {0}, orgs = {0};
	if (!inc || !json_is_object(r->resp) || r->status != 200 || strlen(inc) > 200)
		return;
	for (int k = 0; keys[k]; k++) {
		json_t *v = json_object_get(r->resp, keys[k]), *row;
		size_t i;
		if (json_is_array(v))
			json_array_foreach(v, i, row) collect(row, &users, &groups, &orgs);
		else
			collect(v, &users, &groups, &orgs);
	}
	if (include_has(inc, "users")) {
		json_t *arr = json_array();
		for (int i = 0; i < users.n; i++) {
			json_t *u;
			if (!desk_user_get(r->db, &r->actor, users.ids[i], &u))
				json_array_append_new(arr, u);
		}
		json_object_set_new(r->resp, "users", arr);
	}
	if (include_has(inc, "groups")) {
		json_t *arr = json_array();
		for (int i = 0; i < groups.n; i++) {
			json_t *g;
			if (!desk_group_get(r->db, &r->actor, groups.ids[i], &g))
				json_array_append_new(arr, g);
		}
		json_object_set_new(r->resp, "groups", arr);
	}
	if (include_has(inc, "organizations")) {
		json_t *arr = json_array();
		for (int i = 0; i < orgs.n; i++) {
			json_t *o;
			if (!desk_org_get(r->db, &r->actor, orgs.ids[i], &o))
				json_array_append_new(arr, o);
		}
		json_object_set_new(r->resp, "organizations", arr);
	}
}
