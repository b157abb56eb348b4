/*
 * macro.c — macros: shared and personal canned replies that set ticket fields and insert text
 * with placeholders (Zendesk's /api/v2/macros shape). See view.h for the rules; visibility
 * and restriction handling are shared with views (vm_int.h, in view.c).
 *
 * Applying a macro changes nothing: desk_macro_apply builds what the agent app puts into the
 * ticket form and editor; sending is an ordinary ticket update. Placeholders are rendered as
 * plain text ({{ticket.requester.first_name}} → the name as stored, never HTML-escaped: the
 * body is text and the client escapes what it displays).
 */
#include "desk/vm_int.h"
#include "desk/authz.h"
#include "desk/ticket_int.h"
#include "util/text.h"
#include "util/timeutil.h"

static const char *const statuses[] = {"open", "pending", "hold", "solved", "closed", NULL};
static const char *const priorities[] = {"low", "normal", "high", "urgent", NULL};
static const char *const types[] = {"question", "incident", "problem", "task", NULL};
static const char *const action_fields[] = {
    "status",   "priority",     "type",        "assignee_id",   "group_id",
    "set_tags", "current_tags", "remove_tags", "comment_value", "comment_mode_is_public",
    NULL};

static const char *const macro_keys[] = {
    "title", "description", "active", "position", "restriction", "actions",
    /* accepted, ignored */
    "id", "url", "raw_title", "default", "usage_1h", "usage_24h", "usage_7d", "usage_30d",
    "created_at", "updated_at", NULL};

#define MACRO_COLS                                                                                 \
	"m.id, m.title, m.description, m.restriction_user_id, m.actions, m.position, m.active, "   \
	"m.created_at, m.updated_at"

/* ---- folding for search ---- */

/* Base letters of U+00C0..U+017F ('*' = keep the character). */
static const char latin_fold[] = "aaaaaaaceeeeiiiidnooooo*ouuuuy*saaaaaaaceeeeiiiidnooooo*ouuuuy*y"
                                 "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkklllllll"
                                 "lllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

/* Decodes one UTF-8 sequence at s (valid input assumed; invalid bytes pass as themselves). */
static int utf8_next(const unsigned char *s, unsigned *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
		*cp = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
		return 2;
	}
	if ((s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
		*cp = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
		return 3;
	}
	*cp = 0xFFFFFFFFu; /* copy the byte as is */
	return 1;
}

static void utf8_put(struct buf *b, unsigned cp)
{
	if (cp < 0x80)
		buf_addc(b, (char)cp);
	else if (cp < 0x800) {
		buf_addc(b, (char)(0xC0 | (cp >> 6)));
		buf_addc(b, (char)(0x80 | (cp & 0x3F)));
	} else {
		buf_addc(b, (char)(0xE0 | (cp >> 12)));
		buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		buf_addc(b, (char)(0x80 | (cp & 0x3F)));
	}
}

char *desk_macro_fold(const char *text)
{
	struct buf b = BUF_INIT((size_t)HELPO_MAX_TEXT_BYTES * 2);
	const unsigned char *s = (const unsigned char *)text;
	while (*s) {
		unsigned cp;
		int n = utf8_next(s, &cp);
		if (cp == 0xFFFFFFFFu)
			buf_addc(&b, (char)*s);
		else if (cp < 0x80)
			buf_addc(&b, (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
		else if (cp >= 0xC0 && cp <= 0x17F && latin_fold[cp - 0xC0] != '*')
			buf_addc(&b, latin_fold[cp - 0xC0]);
		else if (cp == 0x401 || cp == 0x451) /* Ё ё → е */
			utf8_put(&b, 0x435);
		else if (cp >= 0x410 && cp <= 0x42F) /* А..Я → а..я */
			utf8_put(&b, cp + 0x20);
		else if (cp >= 0x400 && cp <= 0x40F) /* Ѐ..Џ → ѐ..џ */
			utf8_put(&b, cp + 0x50);
		else
			buf_add(&b, (const char *)s, (size_t)n);
		s += n;
	}
	return buf_detach(&b, NULL);
}

/* ---- placeholders ---- */

char *desk_macro_render(const char *text, json_t *vars)
{
	struct buf b = BUF_INIT((size_t)HELPO_MAX_COMMENT_BYTES * 4);
	const char *p = text;
	while (*p) {
		const char *open = strstr(p, "{{"), *close, *s, *e;
		char name[80];
		json_t *v;
		if (!open) {
			buf_adds(&b, p);
			break;
		}
		buf_add(&b, p, (size_t)(open - p));
		close = strstr(open + 2, "}}");
		if (!close) {
			buf_adds(&b, open);
			break;
		}
		for (s = open + 2; *s == ' '; s++)
			;
		for (e = close; e > s && e[-1] == ' '; e--)
			;
		v = NULL;
		if (e > s && (size_t)(e - s) < sizeof name) {
			memcpy(name, s, (size_t)(e - s));
			name[e - s] = '\0';
			v = json_object_get(vars, name);
		}
		if (json_is_string(v))
			buf_adds(&b, json_string_value(v));
		else
			buf_add(&b, open, (size_t)(close + 2 - open));
		p = close + 2;
	}
	if (b.len >= b.max) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* ---- records ---- */

static json_t *macro_row_at(struct db_stmt *st, int o)
{
	json_t *m = json_object();
	json_object_set_new(m, "id", json_integer(db_col_int(st, o + 0)));
	json_object_set_new(m, "title", json_string(db_col_text(st, o + 1)));
	json_object_set_new(m, "raw_title", json_string(db_col_text(st, o + 1)));
	json_object_set_new(m, "description", json_string(db_col_text(st, o + 2)));
	json_object_set_new(m, "active", json_boolean(db_col_int(st, o + 6)));
	json_object_set_new(m, "position", json_integer(db_col_int(st, o + 5)));
	json_object_set_new(m, "restriction", vm_restriction_json(db_col_int(st, o + 3)));
	json_object_set_new(m, "actions", jparse_or(db_col_text(st, o + 4), json_array()));
	json_object_set_new(m, "created_at", jtime(db_col_int(st, o + 7)));
	json_object_set_new(m, "updated_at", jtime(db_col_int(st, o + 8)));
	return m;
}

#define MACRO_BY_ID "SELECT " MACRO_COLS " FROM macros m WHERE m.id = ?"

static int macro_load(struct db *db, int64_t id, json_t **out, int64_t *owner)
{
	return vm_load(db, NULL, MACRO_BY_ID, macro_row_at, id, out, owner);
}

static int macro_visible(struct db *db, const struct desk_actor *a, int64_t id, json_t **out,
                         int64_t *owner)
{
	return vm_load(db, a, MACRO_BY_ID, macro_row_at, id, out, owner);
}

/* ---- actions ---- */

static int index_of(const char *const *list, const char *s)
{
	for (int i = 0; s && list[i]; i++)
		if (!strcmp(list[i], s))
			return i;
	return -1;
}

static bool is_blank(json_t *v)
{
	return !v || json_is_null(v) || (json_is_string(v) && !json_string_length(v));
}

static bool value_id(json_t *v, int64_t *id)
{
	if (json_is_integer(v)) {
		*id = json_integer_value(v);
		return *id > 0;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		long long n;
		if (!*s || json_string_length(v) > 18 || *s < '1' || *s > '9')
			return false;
		n = strtoll(s, &end, 10);
		*id = n;
		return !*end && n > 0;
	}
	return false;
}

static int act_fail(struct desk_err *err, size_t i, const char *what, const char *name)
{
	return desk_fail(err, HELPO_EINVAL, "actions", "actions[%zu]: %s %s", i, what, name);
}

/* Tags as "a b" or ["a", "b"] → normalized "a b" (new string). */
static int tags_value(json_t *v, size_t i, json_t **out, struct desk_err *err)
{
	json_t *arr = NULL, *norm = NULL, *t;
	struct buf b = BUF_INIT(HELPO_MAX_TAG_BYTES * MACRO_MAX_TAGS + 64);
	struct desk_err e2;
	size_t k;
	int rc = 0;
	if (json_is_string(v)) {
		char *copy, *save = NULL;
		if (json_string_length(v) > 4096 ||
		    strlen(json_string_value(v)) != json_string_length(v))
			return act_fail(err, i, "tags too long for", "tags");
		if (!(copy = strdup(json_string_value(v))))
			return HELPO_ENOMEM;
		arr = json_array();
		for (char *p = copy, *tag; (tag = strtok_r(p, " \t\r\n,", &save)); p = NULL)
			json_array_append_new(arr, json_string(tag));
		free(copy);
	} else if (json_is_array(v))
		arr = json_incref(v);
	else
		return act_fail(err, i, "value must be a string or an array of tags for", "tags");
	if (json_array_size(arr) > MACRO_MAX_TAGS) {
		json_decref(arr);
		return desk_fail(err, HELPO_EINVAL, "actions", "actions[%zu]: at most %d tags", i,
		                 MACRO_MAX_TAGS);
	}
	if ((rc = jtags_normalize(arr, &norm, &e2))) {
		json_decref(arr);
		return rc == HELPO_EINVAL ? act_fail(err, i, "invalid tag in", "tags") : rc;
	}
	json_decref(arr);
	if (!json_array_size(norm)) {
		json_decref(norm);
		return act_fail(err, i, "value must name at least one tag for", "tags");
	}
	json_array_foreach(norm, k, t) buf_addf(&b, "%s%s", k ? " " : "", json_string_value(t));
	json_decref(norm);
	*out = json_string(b.data);
	buf_release(&b);
	return 0;
}

/* Validates one action; *norm = its stored value (new reference). */
static int action_value(struct db *db, size_t i, int field, json_t *v, json_t **norm,
                        struct desk_err *err)
{
	const char *s = json_string_value(v);
	int64_t id, one;
	int rc;
	switch (field) {
	case 0: /* status */
		if (index_of(statuses, s) < 0)
			return act_fail(err, i, "unknown value for", "status");
		*norm = json_string(s);
		return 0;
	case 1: /* priority */
	case 2: /* type */
		if (is_blank(v)) {
			*norm = json_null();
			return 0;
		}
		if (index_of(field == 1 ? priorities : types, s) < 0)
			return act_fail(err, i, "unknown value for", action_fields[field]);
		*norm = json_string(s);
		return 0;
	case 3: /* assignee_id */
	case 4: /* group_id */
		if (is_blank(v)) {
			*norm = json_null();
			return 0;
		}
		if (field == 3 && s && !strcmp(s, "current_user")) {
			*norm = json_string(s);
			return 0;
		}
		if (!value_id(v, &id))
			return act_fail(err, i, "unknown value for", action_fields[field]);
		rc = field == 3
		         ? db_int(db, &one,
		                  "SELECT 1 FROM users WHERE id = ? AND active = 1 AND "
		                  "role IN ('agent', 'admin')",
		                  "i", id)
		         : db_int(db, &one, "SELECT 1 FROM groups WHERE id = ? AND deleted = 0",
		                  "i", id);
		if (rc == HELPO_ENOTFOUND)
			return desk_fail(err, HELPO_EINVAL, "actions",
			                 "actions[%zu]: %s %lld does not exist", i,
			                 field == 3 ? "agent" : "group", (long long)id);
		if (rc)
			return rc;
		*norm = json_integer(id);
		return 0;
	case 5:
	case 6:
	case 7:
		return tags_value(v, i, norm, err);
	case 8: /* comment_value: text, or Zendesk's ["channel:all", text] */
		if (json_is_array(v) && json_array_size(v) == 2)
			v = json_array_get(v, 1);
		if (!json_is_string(v))
			return act_fail(err, i, "value must be text for", "comment_value");
		if (json_string_length(v) > HELPO_MAX_COMMENT_BYTES)
			return desk_fail(err, HELPO_EINVAL, "actions",
			                 "actions[%zu]: comment_value is too long (maximum is %d "
			                 "bytes)",
			                 i, HELPO_MAX_COMMENT_BYTES);
		if (strlen(json_string_value(v)) != json_string_length(v))
			return act_fail(err, i, "NUL characters in", "comment_value");
		*norm = json_string(json_string_value(v));
		return 0;
	case 9: /* comment_mode_is_public */
		if (json_is_boolean(v))
			*norm = json_boolean(json_is_true(v));
		else if (s && (!strcmp(s, "true") || !strcmp(s, "false")))
			*norm = json_boolean(!strcmp(s, "true"));
		else
			return act_fail(err, i, "value must be true or false for",
			                "comment_mode_is_public");
		return 0;
	}
	return HELPO_EINVAL;
}

static int actions_parse(struct db *db, json_t *in, json_t **out, struct desk_err *err)
{
	json_t *arr, *x;
	size_t i;
	unsigned seen = 0;
	int rc;
	*out = NULL;
	if (!json_is_array(in))
		return desk_fail(err, HELPO_EINVAL, "actions",
		                 "must be an array of {field, value}");
	if (!json_array_size(in))
		return desk_fail(err, HELPO_EINVAL, "actions", "at least one action is required");
	if (json_array_size(in) > MACRO_MAX_ACTIONS)
		return desk_fail(err, HELPO_EINVAL, "actions", "at most %d actions",
		                 MACRO_MAX_ACTIONS);
	arr = json_array();
	json_array_foreach(in, i, x)
	{
		const char *key, *field;
		json_t *y, *norm = NULL;
		int f;
		if (!json_is_object(x)) {
			rc = act_fail(err, i, "must be an object", "{field, value}");
			goto fail;
		}
		json_object_foreach(x, key, y)
		{
			if (strcmp(key, "field") && strcmp(key, "value")) {
				rc = act_fail(err, i, "unknown key", key);
				goto fail;
			}
		}
		field = json_string_value(json_object_get(x, "field"));
		if (!field) {
			rc = act_fail(err, i, "field must be a string", "");
			goto fail;
		}
		if ((f = index_of(action_fields, field)) < 0) {
			rc = act_fail(err, i, "unknown field", field);
			goto fail;
		}
		if (seen & (1u << f)) {
			rc = act_fail(err, i, "duplicate field", field);
			goto fail;
		}
		seen |= 1u << f;
		if ((rc = action_value(db, i, f, json_object_get(x, "value"), &norm, err)))
			goto fail;
		json_array_append_new(
		    arr, json_pack("{s:s,s:o}", "field", action_fields[f], "value", norm));
	}
	*out = arr;
	return 0;
fail:
	json_decref(arr);
	return rc;
}

/* ---- input ---- */

struct macro_in {
	int f_title, f_desc, f_active, f_position;
	const char *title, *desc;
	bool active;
	int64_t position;
	bool f_owner;
	int64_t owner;
	json_t *actions; /* new reference or NULL */
	char *title_key;
};

static void macro_in_release(struct macro_in *m)
{
	json_decref(m->actions);
	free(m->title_key);
}

static int macro_parse(struct db *db, const struct desk_actor *a, json_t *in, bool create,
                       struct macro_in *m, struct desk_err *err)
{
	json_t *acts = json_object_get(in, "actions");
	int rc;
	memset(m, 0, sizeof *m);
	if ((rc = jcheck_keys(in, "macro", macro_keys, err)))
		return rc;
	if ((m->f_title = rc = jget_str(in, "title", HELPO_MAX_NAME_BYTES, &m->title, err)) < 0 ||
	    (m->f_desc = rc = jget_str(in, "description", HELPO_MAX_TEXT_BYTES, &m->desc, err)) <
	        0 ||
	    (m->f_active = rc = jget_bool(in, "active", &m->active, err)) < 0 ||
	    (m->f_position = rc = vm_get_uint(in, "position", 1000000, &m->position, err)) < 0)
		return rc;
	if (m->f_title == JF_NULL ||
	    (m->f_title == JF_VALUE && !m->title[strspn(m->title, " \t")]) ||
	    (create && m->f_title != JF_VALUE))
		return desk_fail(err, HELPO_EINVAL, "title", "cannot be blank");
	if (m->f_title == JF_VALUE) {
		if (!text_utf8_valid(m->title, strlen(m->title)))
			return desk_fail(err, HELPO_EINVAL, "title", "must be UTF-8");
		if (!(m->title_key = desk_macro_fold(m->title)))
			return HELPO_ENOMEM;
	}
	if (m->f_desc == JF_NULL) {
		m->f_desc = JF_VALUE;
		m->desc = "";
	}
	if (m->f_active == JF_NULL)
		m->f_active = JF_ABSENT;
	if (m->f_position == JF_NULL)
		m->f_position = JF_ABSENT;
	if (acts || create) {
		if ((rc = actions_parse(db, acts, &m->actions, err)))
			return rc;
	}
	return vm_restriction_in(db, a, in, create, &m->owner, &m->f_owner, err);
}

static int event_commit(struct db *db, const struct desk_actor *a, const char *kind,
                        json_t *payload)
{
	int rc = desk_event_add(db, 0, a->id, kind, payload);
	json_decref(payload);
	if (rc || (rc = db_commit(db)))
		db_rollback(db);
	return rc;
}

/* ---- create / read / update / delete ---- */

int desk_macro_create(struct db *db, const struct desk_actor *a, json_t *in, json_t **out,
                      struct desk_err *err)
{
	struct macro_in m;
	char *acts = NULL;
	int64_t id, now = time_now_ms(), pos = 0;
	int rc;
	*out = NULL;
	memset(&m, 0, sizeof m);
	if (!desk_is_staff(a))
		return HELPO_EFORBIDDEN;
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = macro_parse(db, a, in, true, &m, err)) ||
	    (rc = vm_writable(a, m.owner, "macro", err)))
		goto rollback;
	if (!(acts = json_dumps(m.actions, JSON_COMPACT))) {
		rc = HELPO_ENOMEM;
		goto rollback;
	}
	if (m.f_position == JF_VALUE)
		pos = m.position;
	else if ((rc = db_int(db, &pos, "SELECT coalesce(max(position), 0) + 1 FROM macros", "")))
		goto rollback;
	if ((rc = db_int(db, &id,
	                 "INSERT INTO macros (title, title_key, description, restriction_user_id, "
	                 "actions, position, active, created_at, updated_at) "
	                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                 "sssIsiiii", m.title, m.title_key, m.desc ? m.desc : "", m.owner, acts,
	                 pos, (int64_t)(m.f_active ? m.active : true), now, now)) ||
	    (rc = macro_load(db, id, out, NULL)))
		goto rollback;
	if ((rc = event_commit(db, a, "macro.created", json_incref(*out))))
		goto fail;
	goto out;
rollback:
	db_rollback(db);
fail:
	json_decref(*out);
	*out = NULL;
out:
	free(acts);
	macro_in_release(&m);
	return rc;
}

int desk_macro_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out)
{
	return macro_visible(db, a, id, out, NULL);
}

int desk_macro_update(struct db *db, const struct desk_actor *a, int64_t id, json_t *in,
                      json_t **out, struct desk_err *err)
{
	struct macro_in m;
	struct buf set = BUF_INIT(512);
	struct db_args args = {0};
	struct db_stmt *st;
	char *acts = NULL;
	json_t *before = NULL;
	int64_t owner = 0;
	int rc;
	*out = NULL;
	memset(&m, 0, sizeof m);
	if (!desk_is_staff(a))
		return HELPO_EFORBIDDEN;
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = macro_visible(db, a, id, &before, &owner)) ||
	    (rc = vm_writable(a, owner, "macro", err)) ||
	    (rc = macro_parse(db, a, in, false, &m, err)))
		goto rollback;
	if (m.f_owner && (rc = vm_writable(a, m.owner, "macro", err)))
		goto rollback;
	buf_adds(&set, "UPDATE macros SET updated_at = ?");
	db_args_int(&args, time_now_ms());
	if (m.f_title) {
		buf_adds(&set, ", title = ?, title_key = ?");
		db_args_text(&args, m.title);
		db_args_text(&args, m.title_key);
	}
	if (m.f_desc) {
		buf_adds(&set, ", description = ?");
		db_args_text(&args, m.desc);
	}
	if (m.f_active) {
		buf_adds(&set, ", active = ?");
		db_args_int(&args, m.active);
	}
	if (m.f_position) {
		buf_adds(&set, ", position = ?");
		db_args_int(&args, m.position);
	}
	if (m.f_owner) {
		buf_adds(&set, ", restriction_user_id = nullif(?, 0)");
		db_args_int(&args, m.owner);
	}
	if (m.actions) {
		if (!(acts = json_dumps(m.actions, JSON_COMPACT))) {
			rc = HELPO_ENOMEM;
			goto rollback;
		}
		buf_adds(&set, ", actions = ?");
		db_args_text(&args, acts);
	}
	buf_adds(&set, " WHERE id = ?");
	db_args_int(&args, id);
	if ((rc = db_query_args(db, &st, set.data, &args)))
		goto rollback;
	rc = db_step(st);
	db_done(st);
	if (rc < 0 || (rc = macro_load(db, id, out, NULL)))
		goto rollback;
	if ((rc = event_commit(db, a, "macro.updated", json_incref(*out))))
		goto fail;
	goto out;
rollback:
	db_rollback(db);
fail:
	json_decref(*out);
	*out = NULL;
out:
	json_decref(before);
	free(acts);
	buf_release(&set);
	macro_in_release(&m);
	return rc;
}

int desk_macro_delete(struct db *db, const struct desk_actor *a, int64_t id, struct desk_err *err)
{
	json_t *m = NULL;
	int64_t owner = 0;
	int rc;
	if (!desk_is_staff(a))
		return HELPO_EFORBIDDEN;
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = macro_visible(db, a, id, &m, &owner)) ||
	    (rc = vm_writable(a, owner, "macro", err)) ||
	    (rc = db_exec(db, "DELETE FROM macros WHERE id = ?", "i", id))) {
		json_decref(m);
		db_rollback(db);
		return rc;
	}
	json_decref(m);
	return event_commit(db, a, "macro.deleted", json_pack("{s:I}", "macro_id", (json_int_t)id));
}

/* Appends " AND m.title_key LIKE ?" per word of query (folded, LIKE-escaped). */
static int search_where(const char *query, struct buf *sql, struct db_args *args, json_t *keep,
                        struct desk_err *err)
{
	char *folded, *save = NULL;
	int n = 0, rc = 0;
	if (strlen(query) > HELPO_MAX_QUERY_BYTES)
		return desk_fail(err, HELPO_EINVAL, "query", "is too long (maximum is %d bytes)",
		                 HELPO_MAX_QUERY_BYTES);
	if (!(folded = desk_macro_fold(query)))
		return HELPO_ENOMEM;
	for (char *p = folded, *w; (w = strtok_r(p, " \t\r\n", &save)); p = NULL) {
		struct buf like = BUF_INIT(HELPO_MAX_QUERY_BYTES * 2 + 8);
		json_t *s;
		if (++n > MACRO_MAX_SEARCH_WORDS) {
			rc = desk_fail(err, HELPO_EINVAL, "query", "at most %d words",
			               MACRO_MAX_SEARCH_WORDS);
			buf_release(&like);
			break;
		}
		buf_addc(&like, '%');
		for (const char *c = w; *c; c++) {
			if (*c == '%' || *c == '_' || *c == '\\')
				buf_addc(&like, '\\');
			buf_addc(&like, *c);
		}
		buf_addc(&like, '%');
		s = json_string(like.data);
		buf_release(&like);
		if (!s) {
			rc = desk_fail(err, HELPO_EINVAL, "query", "must be UTF-8");
			break;
		}
		json_array_append_new(keep, s);
		buf_adds(sql, " AND m.title_key LIKE ? ESCAPE '\\'");
		if ((rc = db_args_text(args, json_string_value(s))))
			break;
	}
	free(folded);
	if (!rc && !n)
		rc = desk_fail(err, HELPO_EINVAL, "query", "is required");
	return rc;
}

int desk_macro_list(struct db *db, const struct desk_actor *a, const struct desk_vm_filter *f,
                    const struct desk_page *p, struct desk_list *out, struct desk_err *err)
{
	struct buf where = BUF_INIT(2048), sql = BUF_INIT(4096);
	struct db_args args = {0};
	json_t *keep = json_array();
	char key[32];
	int rc;
	memset(out, 0, sizeof *out);
	out->count = -1;
	if (!desk_is_staff(a)) {
		rc = HELPO_EFORBIDDEN;
		goto out;
	}
	if (!vm_sort_key(p->sort, "m", key, sizeof key)) {
		rc = HELPO_EINVAL;
		goto out;
	}
	if ((rc = vm_list_where(a, f, "m", &where, &args, err)))
		goto out;
	if (f && f->query && (rc = search_where(f->query, &where, &args, keep, err)))
		goto out;
	if (!p->cursor) {
		struct db_stmt *st;
		buf_addf(&sql, "SELECT count(*) FROM macros m WHERE %s", where.data);
		if ((rc = db_query_args(db, &st, sql.data, &args)))
			goto out;
		if ((rc = db_step(st)) == DB_ROW)
			out->count = db_col_int(st, 0);
		db_done(st);
		if (rc < 0)
			goto out;
		buf_reset(&sql);
	}
	buf_addf(&sql, "SELECT %s, " MACRO_COLS " FROM macros m WHERE %s", key, where.data);
	rc = page_run(db, &sql, &args, p, key, "m.id", macro_row_at, out);
out:
	json_decref(keep);
	buf_release(&where);
	buf_release(&sql);
	if (rc)
		desk_list_release(out);
	return rc;
}

/* ---- apply ---- */

/* Adds name, first_name, email of a user as prefix.name ... to vars ("" when none). */
static int user_vars(struct db *db, int64_t id, const char *prefix, json_t *vars)
{
	struct db_stmt *st;
	char key[64], first[HELPO_MAX_NAME_BYTES + 1] = "";
	const char *name = "", *email = "";
	int rc = 0;
	bool row = false;
	if (id) {
		if ((rc = db_query(db, &st, "SELECT name, email FROM users WHERE id = ?", "i", id)))
			return rc;
		rc = db_step(st);
		row = rc == DB_ROW;
		if (row) {
			name = db_col_text(st, 0) ? db_col_text(st, 0) : "";
			email = db_col_text(st, 1) ? db_col_text(st, 1) : "";
		}
	}
	if (rc >= 0) {
		size_t n = strcspn(name + strspn(name, " "), " ");
		if (n >= sizeof first)
			n = sizeof first - 1;
		memcpy(first, name + strspn(name, " "), n);
		first[n] = '\0';
		snprintf(key, sizeof key, "%s.name", prefix);
		json_object_set_new(vars, key, json_string(name));
		snprintf(key, sizeof key, "%s.first_name", prefix);
		json_object_set_new(vars, key, json_string(first));
		snprintf(key, sizeof key, "%s.email", prefix);
		json_object_set_new(vars, key, json_string(email));
		rc = 0;
	}
	if (id)
		db_done(st);
	return rc;
}

static int ticket_vars(struct db *db, const struct desk_actor *a, json_t *t, json_t *vars)
{
	char num[32];
	int rc;
	int64_t gid = json_integer_value(json_object_get(t, "group_id"));
	snprintf(num, sizeof num, "%lld", (long long)json_integer_value(json_object_get(t, "id")));
	json_object_set_new(vars, "ticket.id", json_string(num));
	json_object_set(vars, "ticket.title", json_object_get(t, "subject"));
	json_object_set(vars, "ticket.status", json_object_get(t, "status"));
	json_object_set_new(vars, "ticket.priority",
	                    json_string(json_string_value(json_object_get(t, "priority"))
	                                    ? json_string_value(json_object_get(t, "priority"))
	                                    : ""));
	json_object_set_new(vars, "ticket.group.name", json_string(""));
	if (gid) {
		struct db_stmt *st;
		if ((rc = db_query(db, &st, "SELECT name FROM groups WHERE id = ?", "i", gid)))
			return rc;
		if ((rc = db_step(st)) == DB_ROW)
			json_object_set_new(vars, "ticket.group.name",
			                    json_string(db_col_text(st, 0)));
		db_done(st);
		if (rc < 0)
			return rc;
	}
	if ((rc = user_vars(db, json_integer_value(json_object_get(t, "requester_id")),
	                    "ticket.requester", vars)) ||
	    (rc = user_vars(db, json_integer_value(json_object_get(t, "assignee_id")),
	                    "ticket.assignee", vars)) ||
	    (rc = user_vars(db, a->id, "current_user", vars)))
		return rc;
	return 0;
}

static json_t *tags_array(const char *s)
{
	json_t *arr = json_array();
	const char *p = s;
	while (*p) {
		size_t n = strcspn(p, " ");
		if (n)
			json_array_append_new(arr, json_stringn(p, n));
		p += n;
		p += strspn(p, " ");
	}
	return arr;
}

int desk_macro_apply(struct db *db, const struct desk_actor *a, int64_t macro_id, int64_t ticket_id,
                     json_t **out)
{
	json_t *m = NULL, *t = NULL, *vars = NULL, *res = NULL, *tk, *x;
	const char *body = NULL;
	bool is_public = true;
	size_t i;
	int rc;
	*out = NULL;
	if ((rc = db_begin_read(db)))
		return rc;
	if ((rc = macro_visible(db, a, macro_id, &m, NULL)))
		goto rollback;
	if (ticket_id) {
		if ((rc = authz_ticket_visible(db, a, ticket_id)) ||
		    (rc = desk_ticket_load(db, ticket_id, &t)))
			goto rollback;
		vars = json_object();
		if ((rc = ticket_vars(db, a, t, vars)))
			goto rollback;
	}
	res = json_object();
	tk = json_object();
	json_object_set_new(res, "ticket", tk);
	if (ticket_id)
		json_object_set_new(tk, "id", json_integer(ticket_id));
	json_array_foreach(json_object_get(m, "actions"), i, x)
	{
		const char *f = json_string_value(json_object_get(x, "field"));
		json_t *v = json_object_get(x, "value");
		if (!f || !v)
			continue;
		if (!strcmp(f, "assignee_id") && json_is_string(v)) /* current_user */
			json_object_set_new(tk, "assignee_id", jid(a->id));
		else if (!strcmp(f, "set_tags") && json_is_string(v))
			json_object_set_new(tk, "tags", tags_array(json_string_value(v)));
		else if (!strcmp(f, "current_tags") && json_is_string(v))
			json_object_set_new(tk, "additional_tags",
			                    tags_array(json_string_value(v)));
		else if (!strcmp(f, "remove_tags") && json_is_string(v))
			json_object_set_new(tk, "remove_tags", tags_array(json_string_value(v)));
		else if (!strcmp(f, "comment_value"))
			body = json_string_value(v);
		else if (!strcmp(f, "comment_mode_is_public"))
			is_public = json_is_true(v);
		else if (index_of(action_fields, f) >= 0 && index_of(action_fields, f) <= 4)
			json_object_set(tk, f, v);
	}
	if (body) {
		char *text = ticket_id ? desk_macro_render(body, vars) : strdup(body);
		if (!text) {
			rc = HELPO_ENOMEM;
			goto rollback;
		}
		json_object_set_new(res, "comment",
		                    json_pack("{s:s,s:b}", "body", text, "public", is_public));
		free(text);
	}
	if ((rc = db_commit(db)))
		goto rollback;
	*out = res;
	res = NULL;
	goto out;
rollback:
	db_rollback(db);
out:
	json_decref(res);
	json_decref(m);
	json_decref(t);
	json_decref(vars);
	return rc;
}

int desk_macro_demo(struct db *db, int64_t technical_group_id)
{
	json_t *m = NULL, *acts;
	char *text = NULL;
	int rc;
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = macro_load(db, 3, &m, NULL)))
		goto fail;
	acts = json_object_get(m, "actions");
	json_array_insert_new(
	    acts, 0,
	    json_pack("{s:s,s:I}", "field", "group_id", "value", (json_int_t)technical_group_id));
	if (!(text = json_dumps(acts, JSON_COMPACT))) {
		rc = HELPO_ENOMEM;
		goto fail;
	}
	if ((rc = db_exec(db, "UPDATE macros SET actions = ? WHERE id = 3", "s", text)) ||
	    (rc = db_commit(db)))
		goto fail;
	goto out;
fail:
	db_rollback(db);
out:
	free(text);
	json_decref(m);
	return rc;
}
