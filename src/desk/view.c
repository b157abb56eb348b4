/*
 * view.c — views: shared and personal ticket lists defined by conditions (Zendesk's
 * /api/v2/views shape), their execution as SQL, and the pieces views and macros share
 * (vm_int.h: visibility, restriction, list filters). See view.h for the rules.
 *
 * A view's conditions are compiled into SQL from allowlists only: the column and operator come
 * from the tables below, every value is a bound parameter, and the ticket authorization
 * condition (authz.h) is always ANDed in, so a view never lists or counts a ticket its reader
 * may not open. "current_user" and "current_groups" are resolved from the reader, not from
 * the view's owner. The same compiler validates conditions on create/update (without SQL).
 */
#include "desk/vm_int.h"
#include "desk/authz.h"
#include "desk/ticket_int.h"
#include "util/text.h"
#include "util/timeutil.h"

static const char *const statuses[] = {"new", "open", "pending", "hold", "solved", "closed", NULL};
static const char *const priorities[] = {"low", "normal", "high", "urgent", NULL};
static const char *const types[] = {"question", "incident", "problem", "task", NULL};
static const char *const cond_fields[] = {"status",      "priority",     "type", "group_id",
                                          "assignee_id", "requester_id", "tags", NULL};
static const char *const ticket_sorts[] = {"id",     "created_at", "updated_at",
                                           "status", "priority",   NULL};

static const char *const view_keys[] = {"title", "description", "active", "position", "restriction",
                                        "conditions", "execution", "output", "all", "any",
                                        /* accepted, ignored */
                                        "id", "url", "raw_title", "default", "created_at",
                                        "updated_at", NULL};
/* Zendesk's execution/output keys Helpo does not use: accepted, ignored. */
static const char *const exec_keys[] = {"sort_by", "sort_order", "group_by",      "group_order",
                                        "columns", "fields",     "custom_fields", "group",
                                        "sort",    NULL};

#define VIEW_COLS                                                                                  \
	"v.id, v.title, v.description, v.restriction_user_id, v.conditions, v.execution, "         \
	"v.position, v.active, v.created_at, v.updated_at"

/* ---- shared with macro.c (vm_int.h) ---- */

json_t *vm_restriction_json(int64_t owner)
{
	if (!owner)
		return json_null();
	return json_pack("{s:s,s:I}", "type", "User", "id", (json_int_t)owner);
}

int vm_restriction_in(struct db *db, const struct desk_actor *a, json_t *in, bool create,
                      int64_t *owner, bool *given, struct desk_err *err)
{
	json_t *r = json_object_get(in, "restriction"), *type, *id;
	const char *role;
	struct db_stmt *st;
	bool staff;
	int rc;
	*owner = 0;
	*given = r != NULL;
	if (a->role != DESK_ADMIN) { /* agents: always their own */
		if (create || r)
			*given = true;
		*owner = a->id;
		return 0;
	}
	if (!r || json_is_null(r))
		return 0;
	type = json_object_get(r, "type");
	id = json_object_get(r, "id");
	if (!json_is_object(r) || !json_is_string(type))
		return desk_fail(err, HELPO_EINVAL, "restriction",
		                 "must be null or {\"type\": \"User\", \"id\": user id}");
	if (strcmp(json_string_value(type), "User"))
		return desk_fail(err, HELPO_EINVAL, "restriction",
		                 "only \"User\" restrictions are supported");
	if (!json_is_integer(id) || json_integer_value(id) <= 0)
		return desk_fail(err, HELPO_EINVAL, "restriction", "id must be a user id");
	if ((rc = db_query(db, &st, "SELECT role FROM users WHERE id = ? AND active = 1", "i",
	                   (int64_t)json_integer_value(id))))
		return rc;
	rc = db_step(st);
	role = rc == DB_ROW ? db_col_text(st, 0) : NULL;
	staff = role && (!strcmp(role, "agent") || !strcmp(role, "admin"));
	db_done(st);
	if (rc < 0)
		return rc;
	if (!staff)
		return desk_fail(err, HELPO_EINVAL, "restriction",
		                 "user %lld is not an active agent or admin",
		                 (long long)json_integer_value(id));
	*owner = json_integer_value(id);
	return 0;
}

int vm_visible(const struct desk_actor *a, int64_t owner)
{
	if (!owner || owner == a->id || a->role == DESK_ADMIN)
		return 0;
	return HELPO_ENOTFOUND;
}

int vm_writable(const struct desk_actor *a, int64_t owner, const char *what, struct desk_err *err)
{
	if (a->role == DESK_ADMIN || (owner && owner == a->id))
		return 0;
	return desk_fail(err, HELPO_EFORBIDDEN, "", "only admins may change shared %ss", what);
}

int vm_list_where(const struct desk_actor *a, const struct desk_vm_filter *f, const char *x,
                  struct buf *sql, struct db_args *args, struct desk_err *err)
{
	const char *access = f ? f->access : NULL;
	if (!access || !*access) {
		buf_addf(sql, "(%s.restriction_user_id IS NULL OR %s.restriction_user_id = ?)", x,
		         x);
		db_args_int(args, a->id);
	} else if (!strcmp(access, "shared")) {
		buf_addf(sql, "%s.restriction_user_id IS NULL", x);
	} else if (!strcmp(access, "personal")) {
		buf_addf(sql, "%s.restriction_user_id = ?", x);
		db_args_int(args, a->id);
	} else
		return desk_fail(err, HELPO_EINVAL, "access", "must be shared or personal");
	if (f && f->active >= 0) {
		buf_addf(sql, " AND %s.active = ?", x);
		db_args_int(args, f->active ? 1 : 0);
	}
	return 0;
}

bool vm_sort_key(const char *sort, const char *x, char *out, size_t n)
{
	static const char *const names[] = {"position", "id", "created_at", "updated_at"};
	if (!sort)
		sort = "position";
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(sort, names[i])) {
			snprintf(out, n, "%s.%s", x, names[i]);
			return true;
		}
	return false;
}

int vm_get_uint(json_t *in, const char *key, int64_t max, int64_t *out, struct desk_err *err)
{
	json_t *v = json_object_get(in, key);
	if (!v)
		return JF_ABSENT;
	if (json_is_null(v))
		return JF_NULL;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
		return desk_fail(err, HELPO_EINVAL, key, "must be an integer from 0 to %lld",
		                 (long long)max);
	*out = json_integer_value(v);
	return JF_VALUE;
}

/* ---- conditions → SQL ---- */

struct cond_ctx {
	struct buf *sql; /* NULL: validate only */
	struct db_args *args;
	const struct desk_actor *a;
	json_t *keep; /* owns strings bound by reference */
	int nargs;    /* parameters the conditions bind */
	struct desk_err *err;
	char where[32]; /* "all[3]" for messages */
};

static int arg_int(struct cond_ctx *c, int64_t v)
{
	c->nargs++;
	return c->sql ? db_args_int(c->args, v) : 0;
}

static int arg_text(struct cond_ctx *c, const char *s)
{
	c->nargs++;
	return c->sql ? db_args_text(c->args, s) : 0;
}

static void emit(struct cond_ctx *c, const char *s)
{
	if (c->sql)
		buf_adds(c->sql, s);
}

static int bad(struct cond_ctx *c, const char *fmt, const char *what)
{
	return desk_fail(c->err, HELPO_EINVAL, "conditions", "%s: %s %s", c->where, fmt, what);
}

static int index_of(const char *const *list, const char *s)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(list[i], s))
			return i;
	return -1;
}

static bool is_blank(json_t *v)
{
	return json_is_null(v) || (json_is_string(v) && !json_string_length(v));
}

/* A positive id as an integer or a string of digits. */
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

/* status / priority: is, is_not, less_than, greater_than over an ordered list. */
static int cond_ordinal(struct cond_ctx *c, const char *col, const char *const *list,
                        const char *op, json_t *v, bool nullable)
{
	const char *s = json_string_value(v);
	int k, lo, hi, rc = 0;
	bool lt = !strcmp(op, "less_than"), gt = !strcmp(op, "greater_than");
	if (strcmp(op, "is") && strcmp(op, "is_not") && !lt && !gt)
		return bad(c, "unknown operator", op);
	if (nullable && is_blank(v) && !lt && !gt) {
		emit(c, col);
		emit(c, !strcmp(op, "is") ? " IS NULL" : " IS NOT NULL");
		return 0;
	}
	if (!s || (k = index_of(list, s)) < 0)
		return bad(c, "unknown value for", col + 2);
	if (!lt && !gt) {
		if (c->sql)
			buf_addf(c->sql, !strcmp(op, "is") ? "%s = ?" : "(%s IS NULL OR %s <> ?)",
			         col, col);
		return arg_text(c, list[k]);
	}
	lo = lt ? 0 : k + 1;
	for (hi = lo; list[hi] && (!lt || hi < k); hi++)
		;
	if (hi == lo) {
		emit(c, "1 = 0");
		return 0;
	}
	emit(c, col);
	emit(c, " IN (");
	for (int i = lo; i < hi && !rc; i++) {
		emit(c, i > lo ? ", ?" : "?");
		rc = arg_text(c, list[i]);
	}
	emit(c, ")");
	return rc;
}

static const char *const groups_sql = "SELECT group_id FROM group_memberships WHERE user_id = ?";

/* group_id / assignee_id / requester_id: is, is_not over an id, "" (none) or a special. */
static int cond_id(struct cond_ctx *c, const char *col, const char *op, json_t *v,
                   const char *special, bool nullable)
{
	int64_t id;
	bool is = !strcmp(op, "is");
	if (!is && strcmp(op, "is_not"))
		return bad(c, "unknown operator", op);
	if (nullable && is_blank(v)) {
		emit(c, col);
		emit(c, is ? " IS NULL" : " IS NOT NULL");
		return 0;
	}
	if (json_is_string(v) && !strcmp(json_string_value(v), special)) {
		if (!strcmp(special, "current_groups")) {
			if (c->sql)
				buf_addf(c->sql,
				         is ? "%s IN (%s)" : "(%s IS NULL OR %s NOT IN (%s))", col,
				         is ? groups_sql : col, groups_sql);
			return arg_int(c, c->a ? c->a->id : 0);
		}
		id = c->a ? c->a->id : 0;
	} else if (!value_id(v, &id))
		return bad(c, "unknown value for", col + 2);
	if (c->sql)
		buf_addf(c->sql, is ? "%s = ?" : "(%s IS NULL OR %s <> ?)", col, col);
	return arg_int(c, id);
}

/* tags: includes (any of) / not_includes (none of) "a b". */
static int cond_tags(struct cond_ctx *c, const char *op, json_t *v)
{
	bool inc = !strcmp(op, "includes");
	char *copy, *save = NULL;
	int n = 0, rc = 0;
	if (!inc && strcmp(op, "not_includes"))
		return bad(c, "unknown operator", op);
	if (!json_is_string(v) || json_string_length(v) > 2048 ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return bad(c, "value must be a string of tags for", "tags");
	if (!(copy = strdup(json_string_value(v))))
		return HELPO_ENOMEM;
	/* IN (subquery) rather than EXISTS: the tag index finds the few tickets */
	emit(c, inc ? "t.id IN" : "t.id NOT IN");
	emit(c, " (SELECT tt.ticket_id FROM ticket_tags tt WHERE tt.tag IN (");
	for (char *p = copy;; p = NULL) {
		char *tag = strtok_r(p, " \t\r\n,", &save);
		if (!tag)
			break;
		if (++n > VIEW_MAX_COND_TAGS) {
			rc = desk_fail(c->err, HELPO_EINVAL, "conditions",
			               "%s: at most %d tags in one condition", c->where,
			               VIEW_MAX_COND_TAGS);
			break;
		}
		if (text_tag_normalize(tag)) {
			rc = bad(c, "invalid tag in", "tags");
			break;
		}
		emit(c, n > 1 ? ", ?" : "?");
		if (c->sql) {
			json_t *s = json_string(tag);
			json_array_append_new(c->keep, s);
			rc = arg_text(c, json_string_value(s));
		} else
			rc = arg_text(c, tag);
		if (rc)
			break;
	}
	free(copy);
	if (!rc && !n)
		rc = bad(c, "value must name at least one tag for", "tags");
	emit(c, "))");
	return rc;
}

static int cond_one(struct cond_ctx *c, json_t *cond)
{
	json_t *fv = json_object_get(cond, "field"), *ov = json_object_get(cond, "operator");
	json_t *v = json_object_get(cond, "value");
	const char *field, *op, *key;
	json_t *x;
	if (!json_is_object(cond))
		return bad(c, "must be an object", "{field, operator, value}");
	json_object_foreach(cond, key, x)
	{
		if (strcmp(key, "field") && strcmp(key, "operator") && strcmp(key, "value"))
			return bad(c, "unknown key", key);
	}
	if (!json_is_string(fv) || !json_is_string(ov))
		return bad(c, "field and operator must be strings", "");
	field = json_string_value(fv);
	op = json_string_value(ov);
	if (!v)
		v = json_null();
	switch (index_of(cond_fields, field)) {
	case 0:
		return cond_ordinal(c, "t.status", statuses, op, v, false);
	case 1:
		return cond_ordinal(c, "t.priority", priorities, op, v, true);
	case 2:
		if (!strcmp(op, "less_than") || !strcmp(op, "greater_than"))
			return bad(c, "unknown operator", op);
		return cond_ordinal(c, "t.type", types, op, v, true);
	case 3:
		return cond_id(c, "t.group_id", op, v, "current_groups", true);
	case 4:
		return cond_id(c, "t.assignee_id", op, v, "current_user", true);
	case 5:
		return cond_id(c, "t.requester_id", op, v, "current_user", false);
	case 6:
		return cond_tags(c, op, v);
	default:
		return bad(c, "unknown field", field);
	}
}

/* Compiles {all, any} (validated: arrays of conditions) into " AND ..." terms. */
static int conds_compile(struct cond_ctx *c, json_t *conds)
{
	json_t *all = json_object_get(conds, "all"), *any = json_object_get(conds, "any"), *x;
	size_t i;
	int rc;
	json_array_foreach(all, i, x)
	{
		snprintf(c->where, sizeof c->where, "all[%zu]", i);
		emit(c, " AND ");
		if ((rc = cond_one(c, x)))
			return rc;
	}
	if (json_array_size(any)) {
		emit(c, " AND (");
		json_array_foreach(any, i, x)
		{
			snprintf(c->where, sizeof c->where, "any[%zu]", i);
			emit(c, i ? " OR " : "");
			if ((rc = cond_one(c, x)))
				return rc;
		}
		emit(c, ")");
	}
	return 0;
}

/* Validates conditions; *out = normalized {all, any} (new reference). */
static int conds_parse(json_t *all, json_t *any, json_t **out, struct desk_err *err)
{
	struct cond_ctx c = {.err = err};
	json_t *conds;
	size_t n;
	int rc;
	*out = NULL;
	if (!all || json_is_null(all))
		all = NULL;
	if (!any || json_is_null(any))
		any = NULL;
	if ((all && !json_is_array(all)) || (any && !json_is_array(any)))
		return desk_fail(err, HELPO_EINVAL, "conditions",
		                 "all and any must be arrays of {field, operator, value}");
	n = (all ? json_array_size(all) : 0) + (any ? json_array_size(any) : 0);
	if (!n)
		return desk_fail(err, HELPO_EINVAL, "conditions",
		                 "at least one condition is required");
	if (n > VIEW_MAX_CONDITIONS)
		return desk_fail(err, HELPO_EINVAL, "conditions", "at most %d conditions",
		                 VIEW_MAX_CONDITIONS);
	conds = json_pack("{s:o,s:o}", "all", all ? json_incref(all) : json_array(), "any",
	                  any ? json_incref(any) : json_array());
	if ((rc = conds_compile(&c, conds))) {
		json_decref(conds);
		return rc;
	}
	*out = conds;
	return 0;
}

/* ---- records ---- */

static json_t *view_row_at(struct db_stmt *st, int o)
{
	json_t *v = json_object();
	json_object_set_new(v, "id", json_integer(db_col_int(st, o + 0)));
	json_object_set_new(v, "title", json_string(db_col_text(st, o + 1)));
	json_object_set_new(v, "raw_title", json_string(db_col_text(st, o + 1)));
	json_object_set_new(v, "description", json_string(db_col_text(st, o + 2)));
	json_object_set_new(v, "active", json_boolean(db_col_int(st, o + 7)));
	json_object_set_new(v, "position", json_integer(db_col_int(st, o + 6)));
	json_object_set_new(v, "restriction", vm_restriction_json(db_col_int(st, o + 3)));
	json_object_set_new(
	    v, "conditions",
	    jparse_or(db_col_text(st, o + 4), json_pack("{s:[],s:[]}", "all", "any")));
	json_object_set_new(v, "execution", jparse_or(db_col_text(st, o + 5), json_object()));
	json_object_set_new(v, "created_at", jtime(db_col_int(st, o + 8)));
	json_object_set_new(v, "updated_at", jtime(db_col_int(st, o + 9)));
	return v;
}

int vm_load(struct db *db, const struct desk_actor *a, const char *sql,
	    json_t *(*row)(struct db_stmt *st, int first), int64_t id, json_t **out,
	    int64_t *owner)
{
	struct db_stmt *st;
	int64_t o = 0;
	int rc;
	*out = NULL;
	if (a && !desk_is_staff(a))
		return HELPO_EFORBIDDEN;
	if ((rc = db_query(db, &st, sql, "i", id)))
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW) {
		*out = row(st, 0);
		o = db_col_int(st, 3);
		rc = *out ? 0 : HELPO_ENOMEM;
	} else if (rc == DB_DONE)
		rc = HELPO_ENOTFOUND;
	db_done(st);
	if (!rc && a)
		rc = vm_visible(a, o);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	} else if (owner)
		*owner = o;
	return rc;
}

#define VIEW_BY_ID "SELECT " VIEW_COLS " FROM views v WHERE v.id = ?"

/* Loads a view without checks; *owner its restriction (0 shared). */
static int view_load(struct db *db, int64_t id, json_t **out, int64_t *owner)
{
	return vm_load(db, NULL, VIEW_BY_ID, view_row_at, id, out, owner);
}

/* Loads a view the actor may see. */
static int view_visible(struct db *db, const struct desk_actor *a, int64_t id, json_t **out,
                        int64_t *owner)
{
	return vm_load(db, a, VIEW_BY_ID, view_row_at, id, out, owner);
}

/* ---- input ---- */

struct view_in {
	int f_title, f_desc, f_active, f_position;
	const char *title, *desc;
	bool active;
	int64_t position;
	bool f_owner;
	int64_t owner;
	json_t *conds; /* new reference or NULL */
	json_t *exec;  /* new reference or NULL */
};

static void view_in_release(struct view_in *v)
{
	json_decref(v->conds);
	json_decref(v->exec);
}

static int exec_parse(json_t *e, const char *key, json_t **out, struct desk_err *err)
{
	static const struct {
		const char *in, *out;
	} alias[] = {{"nice_id", "id"},
	             {"created", "created_at"},
	             {"updated", "updated_at"},
	             {"created_at", "created_at"},
	             {"updated_at", "updated_at"},
	             {"id", "id"},
	             {"status", "status"},
	             {"priority", "priority"}};
	const char *by = "id", *order = "asc";
	json_t *v;
	int rc;
	if (json_is_null(e)) {
		*out = json_pack("{s:s,s:s}", "sort_by", by, "sort_order", order);
		return 0;
	}
	if ((rc = jcheck_keys(e, key, exec_keys, err)))
		return rc;
	v = json_object_get(e, "sort_by");
	if (v && !json_is_null(v)) {
		size_t i;
		for (i = 0; i < ARRAY_SIZE(alias); i++)
			if (json_is_string(v) && !strcmp(json_string_value(v), alias[i].in))
				break;
		if (i == ARRAY_SIZE(alias))
			return desk_fail(err, HELPO_EINVAL, "sort_by",
			                 "must be id, created_at, updated_at, status or priority");
		by = alias[i].out;
	}
	v = json_object_get(e, "sort_order");
	if (v && !json_is_null(v)) {
		if (!json_is_string(v) ||
		    (strcmp(json_string_value(v), "asc") && strcmp(json_string_value(v), "desc")))
			return desk_fail(err, HELPO_EINVAL, "sort_order", "must be asc or desc");
		order = json_string_value(v);
	}
	*out = json_pack("{s:s,s:s}", "sort_by", by, "sort_order", order);
	return 0;
}

static int view_parse(struct db *db, const struct desk_actor *a, json_t *in, bool create,
                      struct view_in *v, struct desk_err *err)
{
	json_t *conds = json_object_get(in, "conditions"), *e;
	int rc;
	memset(v, 0, sizeof *v);
	if ((rc = jcheck_keys(in, "view", view_keys, err)))
		return rc;
	if ((v->f_title = rc = jget_str(in, "title", HELPO_MAX_NAME_BYTES, &v->title, err)) < 0 ||
	    (v->f_desc = rc = jget_str(in, "description", HELPO_MAX_TEXT_BYTES, &v->desc, err)) <
	        0 ||
	    (v->f_active = rc = jget_bool(in, "active", &v->active, err)) < 0 ||
	    (v->f_position = rc = vm_get_uint(in, "position", 1000000, &v->position, err)) < 0)
		return rc;
	if (v->f_title == JF_NULL || (v->f_title == JF_VALUE && !v->title[strspn(v->title, " \t")]))
		return desk_fail(err, HELPO_EINVAL, "title", "cannot be blank");
	if (create && v->f_title != JF_VALUE)
		return desk_fail(err, HELPO_EINVAL, "title", "cannot be blank");
	if (v->f_title == JF_VALUE && !text_utf8_valid(v->title, strlen(v->title)))
		return desk_fail(err, HELPO_EINVAL, "title", "must be UTF-8");
	if (v->f_desc == JF_NULL) {
		v->f_desc = JF_VALUE;
		v->desc = "";
	}
	if (v->f_active == JF_NULL)
		v->f_active = JF_ABSENT;
	if (v->f_position == JF_NULL)
		v->f_position = JF_ABSENT;
	if (conds && !json_is_null(conds)) {
		if (!json_is_object(conds))
			return desk_fail(err, HELPO_EINVAL, "conditions",
			                 "must be {\"all\": [...], \"any\": [...]}");
		{
			const char *key;
			json_t *x;
			json_object_foreach(conds, key, x)
			{
				if (strcmp(key, "all") && strcmp(key, "any"))
					return desk_fail(err, HELPO_EINVAL, "conditions",
					                 "unknown key %s (all, any)", key);
			}
		}
		if ((rc = conds_parse(json_object_get(conds, "all"), json_object_get(conds, "any"),
		                      &v->conds, err)))
			return rc;
	} else if (json_object_get(in, "all") || json_object_get(in, "any")) {
		if ((rc = conds_parse(json_object_get(in, "all"), json_object_get(in, "any"),
		                      &v->conds, err)))
			return rc;
	} else if (create || (conds && json_is_null(conds)))
		return desk_fail(err, HELPO_EINVAL, "conditions",
		                 "at least one condition is required");
	e = json_object_get(in, "execution");
	if (!e)
		e = json_object_get(in, "output");
	if (e && (rc = exec_parse(e, json_object_get(in, "execution") ? "execution" : "output",
	                          &v->exec, err)))
		return rc;
	if (!e && create)
		v->exec = json_pack("{s:s,s:s}", "sort_by", "id", "sort_order", "asc");
	return vm_restriction_in(db, a, in, create, &v->owner, &v->f_owner, err);
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

static char *dumps(json_t *j)
{
	return json_dumps(j, JSON_COMPACT);
}

/* ---- create / read / update / delete ---- */

int desk_view_create(struct db *db, const struct desk_actor *a, json_t *in, json_t **out,
                     struct desk_err *err)
{
	struct view_in v;
	char *conds = NULL, *exec = NULL;
	int64_t id, now = time_now_ms(), pos = 0;
	int rc;
	*out = NULL;
	if (!desk_is_staff(a))
		return HELPO_EFORBIDDEN;
	if ((rc = view_parse(db, a, in, true, &v, err)))
		goto out;
	if ((rc = vm_writable(a, v.owner, "view", err)))
		goto out;
	conds = dumps(v.conds);
	exec = dumps(v.exec);
	if (!conds || !exec) {
		rc = HELPO_ENOMEM;
		goto out;
	}
	if ((rc = db_begin(db)))
		goto out;
	if (v.f_position == JF_VALUE)
		pos = v.position;
	else if ((rc = db_int(db, &pos, "SELECT coalesce(max(position), 0) + 1 FROM views", "")))
		goto rollback;
	if ((rc = db_int(db, &id,
	                 "INSERT INTO views (title, description, restriction_user_id, conditions, "
	                 "execution, position, active, created_at, updated_at) "
	                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                 "ssIssiiii", v.title, v.desc ? v.desc : "", v.owner, conds, exec, pos,
	                 (int64_t)(v.f_active ? v.active : true), now, now)) ||
	    (rc = view_load(db, id, out, NULL)))
		goto rollback;
	if ((rc = event_commit(db, a, "view.created", json_incref(*out))))
		goto fail;
	goto out;
rollback:
	db_rollback(db);
fail:
	json_decref(*out);
	*out = NULL;
out:
	free(conds);
	free(exec);
	view_in_release(&v);
	return rc;
}

int desk_view_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out)
{
	return view_visible(db, a, id, out, NULL);
}

int desk_view_update(struct db *db, const struct desk_actor *a, int64_t id, json_t *in,
                     json_t **out, struct desk_err *err)
{
	struct view_in v;
	struct buf set = BUF_INIT(512);
	struct db_args args = {0};
	char *conds = NULL, *exec = NULL;
	json_t *before = NULL;
	int64_t owner = 0;
	int rc;
	*out = NULL;
	memset(&v, 0, sizeof v);
	if (!desk_is_staff(a))
		return HELPO_EFORBIDDEN;
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = view_visible(db, a, id, &before, &owner)) ||
	    (rc = vm_writable(a, owner, "view", err)) ||
	    (rc = view_parse(db, a, in, false, &v, err)))
		goto rollback;
	if (v.f_owner && (rc = vm_writable(a, v.owner, "view", err)))
		goto rollback;
	buf_adds(&set, "UPDATE views SET updated_at = ?");
	db_args_int(&args, time_now_ms());
	if (v.f_title) {
		buf_adds(&set, ", title = ?");
		db_args_text(&args, v.title);
	}
	if (v.f_desc) {
		buf_adds(&set, ", description = ?");
		db_args_text(&args, v.desc);
	}
	if (v.f_active) {
		buf_adds(&set, ", active = ?");
		db_args_int(&args, v.active);
	}
	if (v.f_position) {
		buf_adds(&set, ", position = ?");
		db_args_int(&args, v.position);
	}
	if (v.f_owner) {
		buf_adds(&set, ", restriction_user_id = nullif(?, 0)");
		db_args_int(&args, v.owner);
	}
	if (v.conds) {
		if (!(conds = dumps(v.conds))) {
			rc = HELPO_ENOMEM;
			goto rollback;
		}
		buf_adds(&set, ", conditions = ?");
		db_args_text(&args, conds);
	}
	if (v.exec) {
		if (!(exec = dumps(v.exec))) {
			rc = HELPO_ENOMEM;
			goto rollback;
		}
		buf_adds(&set, ", execution = ?");
		db_args_text(&args, exec);
	}
	buf_adds(&set, " WHERE id = ?");
	db_args_int(&args, id);
	{
		struct db_stmt *st;
		if ((rc = db_query_args(db, &st, set.data, &args)))
			goto rollback;
		rc = db_step(st);
		db_done(st);
		if (rc < 0)
			goto rollback;
	}
	if ((rc = view_load(db, id, out, NULL)))
		goto rollback;
	if ((rc = event_commit(db, a, "view.updated", json_incref(*out))))
		goto fail;
	goto out;
rollback:
	db_rollback(db);
fail:
	json_decref(*out);
	*out = NULL;
out:
	json_decref(before);
	free(conds);
	free(exec);
	buf_release(&set);
	view_in_release(&v);
	return rc;
}

int desk_view_delete(struct db *db, const struct desk_actor *a, int64_t id, struct desk_err *err)
{
	json_t *v = NULL;
	int64_t owner = 0;
	int rc;
	if (!desk_is_staff(a))
		return HELPO_EFORBIDDEN;
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = view_visible(db, a, id, &v, &owner)) ||
	    (rc = vm_writable(a, owner, "view", err)) ||
	    (rc = db_exec(db, "DELETE FROM views WHERE id = ?", "i", id))) {
		json_decref(v);
		db_rollback(db);
		return rc;
	}
	json_decref(v);
	return event_commit(db, a, "view.deleted", json_pack("{s:I}", "view_id", (json_int_t)id));
}

int desk_view_list(struct db *db, const struct desk_actor *a, const struct desk_vm_filter *f,
                   const struct desk_page *p, struct desk_list *out)
{
	struct buf where = BUF_INIT(512), sql = BUF_INIT(2048);
	struct db_args args = {0};
	struct desk_err err;
	char key[32];
	int rc;
	memset(out, 0, sizeof *out);
	out->count = -1;
	if (!desk_is_staff(a))
		return HELPO_EFORBIDDEN;
	if (!vm_sort_key(p->sort, "v", key, sizeof key))
		return HELPO_EINVAL;
	if ((rc = vm_list_where(a, f, "v", &where, &args, &err)))
		goto out;
	if (!p->cursor) {
		struct db_stmt *st;
		buf_addf(&sql, "SELECT count(*) FROM views v WHERE %s", where.data);
		if ((rc = db_query_args(db, &st, sql.data, &args)))
			goto out;
		if ((rc = db_step(st)) == DB_ROW)
			out->count = db_col_int(st, 0);
		db_done(st);
		if (rc < 0)
			goto out;
		buf_reset(&sql);
	}
	buf_addf(&sql, "SELECT %s, " VIEW_COLS " FROM views v WHERE %s", key, where.data);
	rc = page_run(db, &sql, &args, p, key, "v.id", view_row_at, out);
out:
	buf_release(&where);
	buf_release(&sql);
	if (rc)
		desk_list_release(out);
	return rc;
}

/* ---- execution ---- */

/* WHERE clause (without "WHERE") of a view's tickets for actor a. keep owns bound strings. */
static int view_where(const struct desk_actor *a, json_t *view, struct buf *where,
                      struct db_args *args, json_t *keep)
{
	struct desk_err err;
	struct cond_ctx c = {.sql = where, .args = args, .a = a, .keep = keep, .err = &err};
	int rc;
	if ((rc = authz_ticket_sql(a, "t", where, args)))
		return rc;
	if ((rc = conds_compile(&c, json_object_get(view, "conditions"))))
		return rc == HELPO_EINVAL ? HELPO_EDB : rc; /* stored conditions are valid */
	return where->len >= where->max ? HELPO_ETOOBIG : 0;
}

int desk_view_tickets(struct db *db, const struct desk_actor *a, int64_t id,
                      const struct desk_page *p, struct desk_list *out)
{
	struct buf where = BUF_INIT(8192), sql = BUF_INIT(16384);
	struct db_args args = {0};
	struct desk_page q = *p;
	json_t *view = NULL, *keep = json_array();
	const char *key;
	int rc;
	memset(out, 0, sizeof *out);
	out->count = -1;
	if ((rc = db_begin_read(db)))
		goto out;
	if ((rc = view_visible(db, a, id, &view, NULL)))
		goto rollback;
	if (!q.sort) { /* the view's own order */
		json_t *e = json_object_get(view, "execution");
		const char *by = json_string_value(json_object_get(e, "sort_by"));
		const char *order = json_string_value(json_object_get(e, "sort_order"));
		int k = by ? index_of(ticket_sorts, by) : 0;
		q.sort = ticket_sorts[k < 0 ? 0 : k];
		q.desc = order && !strcmp(order, "desc");
	}
	if (!(key = desk_ticket_sort_expr(q.sort))) {
		rc = HELPO_EINVAL;
		goto rollback;
	}
	if ((rc = view_where(a, view, &where, &args, keep)))
		goto rollback;
	if (!q.cursor) {
		struct db_stmt *st;
		buf_addf(&sql, "SELECT count(*) FROM tickets t WHERE %s", where.data);
		if ((rc = db_query_args(db, &st, sql.data, &args)))
			goto rollback;
		if ((rc = db_step(st)) == DB_ROW)
			out->count = db_col_int(st, 0);
		db_done(st);
		if (rc < 0)
			goto rollback;
		buf_reset(&sql);
	}
	buf_addf(&sql, "SELECT %s, %s FROM tickets t WHERE %s", key, desk_ticket_cols(),
	         where.data);
	if ((rc = page_run(db, &sql, &args, &q, key, "t.id", desk_ticket_row_at, out)))
		goto rollback;
	rc = db_commit(db);
	goto out;
rollback:
	db_rollback(db);
out:
	json_decref(view);
	json_decref(keep);
	buf_release(&where);
	buf_release(&sql);
	if (rc)
		desk_list_release(out);
	return rc;
}

int desk_view_count(struct db *db, const struct desk_actor *a, int64_t id, int64_t *count)
{
	struct buf where = BUF_INIT(8192), sql = BUF_INIT(8192);
	struct db_args args = {0};
	json_t *view = NULL, *keep = json_array();
	int rc;
	*count = 0;
	if ((rc = db_begin_read(db)))
		goto out;
	if ((rc = view_visible(db, a, id, &view, NULL)) ||
	    (rc = view_where(a, view, &where, &args, keep)))
		goto rollback;
	buf_addf(&sql, "SELECT count(*) FROM tickets t WHERE %s", where.data);
	{
		struct db_stmt *st;
		if ((rc = db_query_args(db, &st, sql.data, &args)))
			goto rollback;
		if ((rc = db_step(st)) == DB_ROW)
			*count = db_col_int(st, 0);
		db_done(st);
		if (rc < 0)
			goto rollback;
	}
	rc = db_commit(db);
	goto out;
rollback:
	db_rollback(db);
out:
	json_decref(view);
	json_decref(keep);
	buf_release(&where);
	buf_release(&sql);
	return rc;
}
