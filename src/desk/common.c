/*
 * common.c — shared pieces of the domain: role names, error filling, JSON input validation
 * and keyset/offset paging used by every list.
 */
#include "desk/desk_int.h"
#include "util/text.h"
#include "util/timeutil.h"
#include "util/html.h"
#include "desk/ticket_int.h"
#include <stdarg.h>

static const char *const role_names[] = {"end-user", "agent", "admin"};

const char *desk_role_name(enum desk_role r)
{
	return role_names[r];
}

int desk_role_parse(const char *s, enum desk_role *out)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, role_names[i])) {
			*out = (enum desk_role)i;
			return 0;
		}
	return HELPO_EINVAL;
}

int desk_fail(struct desk_err *err, int code, const char *field, const char *fmt, ...)
{
	va_list ap;
	if (!err)
		return code;
	snprintf(err->field, sizeof err->field, "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return code;
}

void desk_list_release(struct desk_list *l)
{
	json_decref(l->rows);
	l->rows = NULL;
}

int jget_str(json_t *in, const char *key, size_t max, const char **out, struct desk_err *err)
{
	json_t *v = json_object_get(in, key);
	*out = NULL;
	if (!v)
		return JF_ABSENT;
	if (json_is_null(v))
		return JF_NULL;
	if (!json_is_string(v))
		return desk_fail(err, HELPO_EINVAL, key, "must be a string");
	if (json_string_length(v) > max)
		return desk_fail(err, HELPO_EINVAL, key, "is too long (maximum is %zu bytes)", max);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return desk_fail(err, HELPO_EINVAL, key, "must not contain NUL characters");
	*out = json_string_value(v);
	return JF_VALUE;
}

int jget_id(json_t *in, const char *key, int64_t *out, struct desk_err *err)
{
	json_t *v = json_object_get(in, key);
	*out = 0;
	if (!v)
		return JF_ABSENT;
	if (json_is_null(v))
		return JF_NULL;
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return desk_fail(err, HELPO_EINVAL, key, "must be a positive integer id");
	*out = json_integer_value(v);
	return JF_VALUE;
}

int jget_bool(json_t *in, const char *key, bool *out, struct desk_err *err)
{
	json_t *v = json_object_get(in, key);
	if (!v)
		return JF_ABSENT;
	if (json_is_null(v))
		return JF_NULL;
	if (!json_is_boolean(v))
		return desk_fail(err, HELPO_EINVAL, key, "must be true or false");
	*out = json_is_true(v);
	return JF_VALUE;
}

int jget_enum(json_t *in, const char *key, const char *const *allowed, const char **out,
	      struct desk_err *err)
{
	const char *s;
	struct buf list = BUF_INIT(256);
	int rc = jget_str(in, key, 64, &s, err);
	*out = NULL;
	if (rc != JF_VALUE)
		return rc;
	for (const char *const *a = allowed; *a; a++)
		if (!strcmp(*a, s)) {
			*out = *a;
			return JF_VALUE;
		}
	for (const char *const *a = allowed; *a; a++)
		buf_addf(&list, "%s%s", a == allowed ? "" : ", ", *a);
	desk_fail(err, HELPO_EINVAL, key, "must be one of: %s", list.data);
	buf_release(&list);
	return HELPO_EINVAL;
}

int jget_time(json_t *in, const char *key, int64_t *out, struct desk_err *err)
{
	const char *s;
	int rc = jget_str(in, key, 64, &s, err);
	*out = 0;
	if (rc != JF_VALUE)
		return rc;
	if (time_parse_iso8601(s, out))
		return desk_fail(err, HELPO_EINVAL, key, "must be an ISO-8601 time in UTC");
	return JF_VALUE;
}

int jcheck_keys(json_t *in, const char *what, const char *const *known, struct desk_err *err)
{
	const char *key;
	json_t *v;
	if (!json_is_object(in))
		return desk_fail(err, HELPO_EINVAL, what, "must be a JSON object");
	json_object_foreach(in, key, v)
	{
		const char *const *k;
		for (k = known; *k; k++)
			if (!strcmp(*k, key))
				break;
		if (!*k)
			return desk_fail(err, HELPO_EINVAL, key, "is not a known %s field", what);
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int jtags_normalize(json_t *in, json_t **out, struct desk_err *err)
{
	char *tags[HELPO_MAX_TAGS];
	size_t n = 0, i;
	json_t *v, *arr;
	int rc = 0;
	if (!json_is_array(in))
		return desk_fail(err, HELPO_EINVAL, "tags", "must be an array of strings");
	if (json_array_size(in) > HELPO_MAX_TAGS)
		return desk_fail(err, HELPO_EINVAL, "tags", "at most %d tags", HELPO_MAX_TAGS);
	json_array_foreach(in, i, v)
	{
		if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
			rc = desk_fail(err, HELPO_EINVAL, "tags", "must be an array of strings");
			goto out;
		}
		tags[n] = strdup(json_string_value(v));
		if (!tags[n]) {
			rc = HELPO_ENOMEM;
			goto out;
		}
		n++;
		if (text_tag_normalize(tags[n - 1])) {
			rc = desk_fail(err, HELPO_EINVAL, "tags",
				       "a tag is 1-%d bytes without spaces or commas",
				       HELPO_MAX_TAG_BYTES);
			goto out;
		}
	}
	qsort(tags, n, sizeof tags[0], cmp_str);
	arr = json_array();
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(tags[i], tags[i - 1]))
			json_array_append_new(arr, json_string(tags[i]));
	*out = arr;
out:
	for (i = 0; i < n; i++)
		free(tags[i]);
	return rc;
}

int page_where(struct buf *sql, struct db_args *args, const struct desk_page *p,
	       const char *key_expr, const char *id_expr)
{
	bool fwd;
	int64_t k, id;
	if (!p->cursor || (!p->has_after && !p->has_before))
		return 0;
	fwd = p->has_after;
	k = fwd ? p->after_key : p->before_key;
	id = fwd ? p->after_id : p->before_id;
	/* ascending + after, or descending + before: greater; otherwise smaller */
	buf_addf(sql, " AND (%s, %s) %s (?, ?)", key_expr, id_expr, (fwd != p->desc) ? ">" : "<");
	db_args_int(args, k);
	return db_args_int(args, id);
}

int page_order(struct buf *sql, const struct desk_page *p, const char *key_expr,
	       const char *id_expr)
{
	bool desc = p->desc;
	if (p->cursor && p->has_before)
		desc = !desc; /* walk backwards, reversed again by page_finish */
	return buf_addf(sql, " ORDER BY %s %s, %s %s", key_expr, desc ? "DESC" : "ASC", id_expr,
			desc ? "DESC" : "ASC");
}

int page_tail(struct buf *sql, struct db_args *args, const struct desk_page *p,
	      const char *key_expr, const char *id_expr)
{
	page_order(sql, p, key_expr, id_expr);
	buf_adds(sql, " LIMIT ?");
	db_args_int(args, p->size + 1);
	if (!p->cursor && p->page > 1) {
		buf_adds(sql, " OFFSET ?");
		return db_args_int(args, (int64_t)(p->page - 1) * p->size);
	}
	return 0;
}

bool page_accept(struct desk_list *l, const struct desk_page *p, int64_t key, int64_t id)
{
	if (!l->rows)
		l->rows = json_array();
	if ((int)json_array_size(l->rows) >= p->size) {
		l->has_more = true;
		return false;
	}
	if (json_array_size(l->rows) == 0) {
		l->first_key = key;
		l->first_id = id;
	}
	l->last_key = key;
	l->last_id = id;
	return true;
}

void page_finish(struct desk_list *l, const struct desk_page *p)
{
	size_t n;
	int64_t k, id;
	if (!l->rows)
		l->rows = json_array();
	if (!(p->cursor && p->has_before))
		return;
	n = json_array_size(l->rows);
	for (size_t i = 0; i < n / 2; i++) {
		json_t *a = json_incref(json_array_get(l->rows, i));
		json_array_set(l->rows, i, json_array_get(l->rows, n - 1 - i));
		json_array_set_new(l->rows, n - 1 - i, a);
	}
	k = l->first_key;
	id = l->first_id;
	l->first_key = l->last_key;
	l->first_id = l->last_id;
	l->last_key = k;
	l->last_id = id;
}

const char *page_std_key(const char *sort, const char *const exprs[3])
{
	if (!sort || !strcmp(sort, "id"))
		return exprs[0];
	if (!strcmp(sort, "created_at"))
		return exprs[1];
	if (!strcmp(sort, "updated_at"))
		return exprs[2];
	return NULL;
}

int page_run(struct db *db, struct buf *sql, struct db_args *args, const struct desk_page *p,
	     const char *key_expr, const char *id_expr,
	     json_t *(*row_at)(struct db_stmt *st, int first_col), struct desk_list *out)
{
	struct db_stmt *st;
	int rc;
	if ((rc = page_where(sql, args, p, key_expr, id_expr)) ||
	    (rc = page_tail(sql, args, p, key_expr, id_expr)))
		return rc;
	if (sql->len >= sql->max)
		return HELPO_ETOOBIG;
	if ((rc = db_query_args(db, &st, sql->data, args)))
		return rc;
	if (!out->rows)
		out->rows = json_array();
	while ((rc = db_step(st)) == DB_ROW) {
		if (!page_accept(out, p, db_col_int(st, 0), db_col_int(st, 1)))
			break;
		json_array_append_new(out->rows, row_at(st, 1));
	}
	db_done(st);
	if (rc < 0)
		return rc;
	page_finish(out, p);
	return 0;
}

json_t *jtime(int64_t ms)
{
	char t[32];
	if (!ms)
		return json_null();
	time_iso8601(ms, t);
	return json_string(t);
}

json_t *jid(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *jparse_or(const char *text, json_t *fallback)
{
	json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
	if (!v)
		return fallback;
	json_decref(fallback);
	return v;
}

char *desk_text_to_html(const char *text)
{
	struct buf b = BUF_INIT((size_t)HELPO_MAX_COMMENT_BYTES * 8);
	struct buf para = BUF_INIT((size_t)HELPO_MAX_COMMENT_BYTES * 2);
	const char *p = text, *end;
	while (*p) {
		size_t n;
		end = strstr(p, "\n\n");
		n = end ? (size_t)(end - p) : strlen(p);
		buf_reset(&para);
		buf_add(&para, p, n);
		buf_adds(&b, "<p>");
		for (char *line = para.data, *nl; line; line = nl) {
			nl = strchr(line, '\n');
			if (nl)
				*nl++ = '\0';
			html_escape(&b, line);
			if (nl)
				buf_adds(&b, "<br>");
		}
		buf_adds(&b, "</p>");
		p += n;
		while (*p == '\n')
			p++;
	}
	buf_release(&para);
	return buf_detach(&b, NULL);
}

char *desk_html_to_text(const char *html)
{
	return html_to_text(html, strlen(html));
}

int desk_setting_get(struct db *db, const char *name, char **out)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT value FROM settings WHERE name = ?", "s", name);
	if (rc)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW) {
		*out = strdup(db_col_text(st, 0));
		rc = *out ? 0 : HELPO_ENOMEM;
	} else if (rc == DB_DONE)
		rc = HELPO_ENOTFOUND;
	db_done(st);
	return rc;
}

int desk_setting_put(struct db *db, const char *name, const char *value)
{
	int rc;
	if ((rc = db_begin(db)))
		return rc;
	rc = db_exec(db,
		     "INSERT INTO settings (name, value) VALUES (?, ?) "
		     "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
		     "ss", name, value);
	if (rc || (rc = db_commit(db)))
		db_rollback(db);
	return rc;
}
