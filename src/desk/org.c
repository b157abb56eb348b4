/*
 * org.c — organizations: the companies end-users belong to. Create, read, update, delete
 * (hard: users and tickets keep existing, their organization_id becomes NULL), list.
 *
 * Admins write; agents and admins read every organization; an end-user reads only their
 * own (anything else is HELPO_ENOTFOUND). Names are unique regardless of ASCII case: a
 * duplicate is HELPO_ECONFLICT with field "name".
 */
#include "desk/people_int.h"
#include "util/timeutil.h"
#include <ctype.h>

#define MAX_DOMAINS      100
#define MAX_DOMAIN_BYTES 253

static const char *const org_keys[] = {"name", "details", "notes", "external_id", "domain_names",
                                       "tags", "group_id", "shared_tickets", "shared_comments",
                                       /* accepted, ignored */
                                       "id", "url", "created_at", "updated_at",
                                       "organization_fields", NULL};

#define ORG_COLS                                                                                   \
	"o.id, o.name, o.details, o.notes, o.external_id, o.domain_names, o.tags, "                \
	"coalesce(o.group_id, 0), o.shared_tickets, o.shared_comments, o.created_at, "             \
	"o.updated_at"

static json_t *org_row_at(struct db_stmt *st, int o)
{
	const char *details = db_col_text(st, o + 2), *notes = db_col_text(st, o + 3);
	json_t *r = json_object();
	json_object_set_new(r, "id", json_integer(db_col_int(st, o + 0)));
	json_object_set_new(r, "name", json_string(db_col_text(st, o + 1)));
	json_object_set_new(r, "shared_tickets", json_boolean(db_col_int(st, o + 8)));
	json_object_set_new(r, "shared_comments", json_boolean(db_col_int(st, o + 9)));
	json_object_set_new(r, "external_id", jstr_or_null(db_col_text(st, o + 4)));
	json_object_set_new(r, "created_at", jtime(db_col_int(st, o + 10)));
	json_object_set_new(r, "updated_at", jtime(db_col_int(st, o + 11)));
	json_object_set_new(r, "domain_names", jparse_or(db_col_text(st, o + 5), json_array()));
	json_object_set_new(r, "details", json_string(details ? details : ""));
	json_object_set_new(r, "notes", json_string(notes ? notes : ""));
	json_object_set_new(r, "group_id", jid(db_col_int(st, o + 7)));
	json_object_set_new(r, "tags", jparse_or(db_col_text(st, o + 6), json_array()));
	json_object_set_new(r, "organization_fields", json_object());
	return r;
}

static int org_load(struct db *db, int64_t id, json_t **out)
{
	struct db_stmt *st;
	int rc =
	    db_query(db, &st, "SELECT " ORG_COLS " FROM organizations o WHERE o.id = ?", "i", id);
	if (rc)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW) {
		*out = org_row_at(st, 0);
		rc = 0;
	} else if (rc == DB_DONE)
		rc = HELPO_ENOTFOUND;
	db_done(st);
	return rc;
}

/* 0 when the actor may see the organization, HELPO_ENOTFOUND otherwise. */
static int org_visible(struct db *db, const struct desk_actor *a, int64_t id)
{
	int64_t one;
	if (a->role == DESK_END_USER && a->org_id != id)
		return HELPO_ENOTFOUND;
	return db_int(db, &one, "SELECT 1 FROM organizations WHERE id = ?", "i", id);
}

/* Validates domain_names into a new, lower-cased, deduplicated array serialized to *text. */
static int domains_text(json_t *in, char **text, struct desk_err *err)
{
	json_t *arr, *v;
	size_t i, j;
	*text = NULL;
	if (!json_is_array(in) || json_array_size(in) > MAX_DOMAINS)
		return desk_fail(err, HELPO_EINVAL, "domain_names",
		                 "must be an array of at most %d domain names", MAX_DOMAINS);
	arr = json_array();
	json_array_foreach(in, i, v)
	{
		const char *s = json_string_value(v);
		char d[MAX_DOMAIN_BYTES + 1];
		size_t n;
		bool dup = false;
		json_t *w;
		if (!s || (n = json_string_length(v)) == 0 || n > MAX_DOMAIN_BYTES ||
		    strlen(s) != n || !strchr(s, '.') || s[0] == '.' || s[n - 1] == '.')
			goto bad;
		for (size_t k = 0; k <= n; k++) {
			unsigned char c = (unsigned char)s[k];
			if (c && !isalnum(c) && c != '.' && c != '-')
				goto bad;
			d[k] = (char)tolower(c);
		}
		json_array_foreach(arr, j, w) if (!strcmp(json_string_value(w), d)) dup = true;
		if (!dup)
			json_array_append_new(arr, json_string(d));
	}
	*text = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return *text ? 0 : HELPO_ENOMEM;
bad:
	json_decref(arr);
	return desk_fail(err, HELPO_EINVAL, "domain_names",
	                 "must hold domain names like example.com");
}

/* A parsed organization body; strings borrowed from the input except the *_text ones. */
struct org_in {
	int f_name, f_details, f_notes, f_ext, f_group, f_st, f_sc;
	const char *name, *details, *notes, *ext;
	int64_t group;
	bool shared_tickets, shared_comments;
	char *domains_text, *tags_text, *name_key;
};

static void org_in_release(struct org_in *o)
{
	free(o->domains_text);
	free(o->tags_text);
	free(o->name_key);
}

static int parse_org(json_t *in, struct org_in *o, struct desk_err *err)
{
	json_t *v;
	int rc;
	memset(o, 0, sizeof *o);
	if ((rc = jcheck_keys(in, "organization", org_keys, err)))
		return rc;
	if ((o->f_name = rc = jget_str(in, "name", HELPO_MAX_NAME_BYTES, &o->name, err)) < 0 ||
	    (o->f_details = rc = jget_str(in, "details", HELPO_MAX_TEXT_BYTES, &o->details, err)) <
	        0 ||
	    (o->f_notes = rc = jget_str(in, "notes", HELPO_MAX_TEXT_BYTES, &o->notes, err)) < 0 ||
	    (o->f_ext = rc = jget_str(in, "external_id", HELPO_MAX_NAME_BYTES, &o->ext, err)) < 0 ||
	    (o->f_group = rc = jget_id(in, "group_id", &o->group, err)) < 0 ||
	    (o->f_st = rc = jget_bool(in, "shared_tickets", &o->shared_tickets, err)) < 0 ||
	    (o->f_sc = rc = jget_bool(in, "shared_comments", &o->shared_comments, err)) < 0)
		return rc;
	if (o->f_st == JF_NULL)
		o->f_st = JF_ABSENT;
	if (o->f_sc == JF_NULL)
		o->f_sc = JF_ABSENT;
	if (o->f_name == JF_NULL || (o->f_name == JF_VALUE && people_blank(o->name)))
		return desk_fail(err, HELPO_EINVAL, "name", "cannot be blank");
	if (o->name && !(o->name_key = people_name_key(o->name)))
		return HELPO_ENOMEM;
	if ((v = json_object_get(in, "domain_names"))) {
		json_t *empty = json_array();
		rc = domains_text(json_is_null(v) ? empty : v, &o->domains_text, err);
		json_decref(empty);
		if (rc)
			return rc;
	}
	if ((v = json_object_get(in, "tags"))) {
		json_t *tags = NULL;
		if (json_is_null(v))
			tags = json_array();
		else if ((rc = jtags_normalize(v, &tags, err)))
			return rc;
		o->tags_text = json_dumps(tags, JSON_COMPACT);
		json_decref(tags);
		if (!o->tags_text)
			return HELPO_ENOMEM;
	}
	return 0;
}

static int name_taken(struct db *db, const char *key, const char *name, int64_t self,
                      struct desk_err *err)
{
	int64_t other;
	int rc = db_int(db, &other, "SELECT id FROM organizations WHERE name_key = ?", "s", key);
	if (rc == HELPO_ENOTFOUND || (!rc && other == self))
		return 0;
	if (rc)
		return rc;
	return desk_fail(err, HELPO_ECONFLICT, "name", "Name: %s has already been taken", name);
}

static int check_group(struct db *db, int64_t group, struct desk_err *err)
{
	int64_t one;
	int rc = db_int(db, &one, "SELECT 1 FROM groups WHERE id = ? AND deleted = 0", "i", group);
	if (rc == HELPO_ENOTFOUND)
		return desk_fail(err, HELPO_EINVAL, "group_id", "no such group");
	return rc;
}

/* Non-admins: HELPO_ENOTFOUND for what they cannot see, HELPO_EFORBIDDEN otherwise. */
static int admin_only(struct db *db, const struct desk_actor *a, int64_t id, struct desk_err *err)
{
	int rc;
	if (a->role == DESK_ADMIN)
		return 0;
	if (id && (rc = org_visible(db, a, id)))
		return rc;
	return desk_fail(err, HELPO_EFORBIDDEN, "", "only admins may change organizations");
}

int desk_org_create(struct db *db, const struct desk_actor *a, json_t *in, json_t **out,
                    struct desk_err *err)
{
	struct org_in o;
	int64_t id, now = time_now_ms();
	int rc;
	*out = NULL;
	memset(&o, 0, sizeof o);
	if ((rc = admin_only(db, a, 0, err)) || (rc = parse_org(in, &o, err)))
		goto out;
	if (o.f_name != JF_VALUE) {
		rc = desk_fail(err, HELPO_EINVAL, "name", "cannot be blank");
		goto out;
	}
	if ((rc = db_begin(db)))
		goto out;
	if ((rc = name_taken(db, o.name_key, o.name, 0, err)) ||
	    (o.f_group == JF_VALUE && (rc = check_group(db, o.group, err))))
		goto rollback;
	rc = db_int(
	    db, &id,
	    "INSERT INTO organizations (name, name_key, details, notes, external_id, "
	    "domain_names, tags, group_id, shared_tickets, shared_comments, created_at, "
	    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, nullif(?, 0), ?, ?, ?, ?) RETURNING id",
	    "sssssssiiiii", o.name, o.name_key, o.details, o.notes, o.ext,
	    o.domains_text ? o.domains_text : "[]", o.tags_text ? o.tags_text : "[]", o.group,
	    (int64_t)(o.f_st && o.shared_tickets), (int64_t)(o.f_sc && o.shared_comments), now,
	    now);
	if (rc == HELPO_ECONFLICT)
		rc = desk_fail(err, HELPO_ECONFLICT, "name", "Name: %s has already been taken",
		               o.name);
	if (rc || (rc = org_load(db, id, out)) ||
	    (rc = desk_event_add(db, 0, a->id, "organization.created", *out)) ||
	    (rc = db_commit(db)))
		goto rollback;
	goto out;
rollback:
	json_decref(*out);
	*out = NULL;
	db_rollback(db);
out:
	org_in_release(&o);
	return rc;
}

int desk_org_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out)
{
	int rc;
	*out = NULL;
	if ((rc = org_visible(db, a, id)))
		return rc;
	return org_load(db, id, out);
}

int desk_org_update(struct db *db, const struct desk_actor *a, int64_t id, json_t *in, json_t **out,
                    struct desk_err *err)
{
	struct org_in o;
	struct buf set = BUF_INIT(1024);
	struct db_args args = {0};
	struct db_stmt *st;
	json_t *before = NULL, *changes = NULL;
	int rc;
	*out = NULL;
	memset(&o, 0, sizeof o);
	if ((rc = parse_org(in, &o, err)))
		goto out;
	if ((rc = db_begin(db)))
		goto out;
	if ((rc = admin_only(db, a, id, err)) || (rc = org_load(db, id, &before)))
		goto rollback;
	if ((o.name && (rc = name_taken(db, o.name_key, o.name, id, err))) ||
	    (o.f_group == JF_VALUE && (rc = check_group(db, o.group, err))))
		goto rollback;
	buf_adds(&set, "UPDATE organizations SET updated_at = ?");
	db_args_int(&args, time_now_ms());
#define SET_TEXT(flag, col, val)                                                                   \
	if (flag) {                                                                                \
		buf_adds(&set, ", " col " = ?");                                                   \
		db_args_text(&args, (flag) == JF_VALUE ? (val) : NULL);                            \
	}
	SET_TEXT(o.f_name, "name", o.name);
	SET_TEXT(o.f_name, "name_key", o.name_key);
	SET_TEXT(o.f_details, "details", o.details);
	SET_TEXT(o.f_notes, "notes", o.notes);
	SET_TEXT(o.f_ext, "external_id", o.ext);
	SET_TEXT(o.domains_text ? JF_VALUE : JF_ABSENT, "domain_names", o.domains_text);
	SET_TEXT(o.tags_text ? JF_VALUE : JF_ABSENT, "tags", o.tags_text);
#undef SET_TEXT
	if (o.f_group) {
		buf_adds(&set, ", group_id = nullif(?, 0)");
		db_args_int(&args, o.group);
	}
	if (o.f_st) {
		buf_adds(&set, ", shared_tickets = ?");
		db_args_int(&args, o.shared_tickets);
	}
	if (o.f_sc) {
		buf_adds(&set, ", shared_comments = ?");
		db_args_int(&args, o.shared_comments);
	}
	buf_adds(&set, " WHERE id = ?");
	db_args_int(&args, id);
	if ((rc = db_query_args(db, &st, set.data, &args)))
		goto rollback;
	rc = db_step(st);
	db_done(st);
	if (rc == HELPO_ECONFLICT)
		rc = desk_fail(err, HELPO_ECONFLICT, "name", "Name: %s has already been taken",
		               o.name ? o.name : "");
	if (rc < 0 || (rc = org_load(db, id, out)))
		goto rollback;
	changes = people_changes(before, *out);
	if (json_object_size(changes)) {
		json_t *p =
		    json_pack("{s:I,s:O}", "organization_id", (json_int_t)id, "changes", changes);
		rc = desk_event_add(db, 0, a->id, "organization.updated", p);
		json_decref(p);
		if (rc)
			goto rollback;
	}
	if ((rc = db_commit(db)))
		goto rollback;
	goto out;
rollback:
	json_decref(*out);
	*out = NULL;
	db_rollback(db);
out:
	json_decref(before);
	json_decref(changes);
	buf_release(&set);
	org_in_release(&o);
	return rc;
}

int desk_org_delete(struct db *db, const struct desk_actor *a, int64_t id, struct desk_err *err)
{
	json_t *p;
	int rc;
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = admin_only(db, a, id, err)) || (rc = org_visible(db, a, id)))
		goto fail;
	p = json_pack("{s:I}", "organization_id", (json_int_t)id);
	if ((rc = db_exec(db, "DELETE FROM organizations WHERE id = ?", "i", id)) ||
	    (rc = desk_event_add(db, 0, a->id, "organization.deleted", p))) {
		json_decref(p);
		goto fail;
	}
	json_decref(p);
	if ((rc = db_commit(db)))
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return rc;
}

int desk_org_list(struct db *db, const struct desk_actor *a, const struct desk_page *p,
                  struct desk_list *out)
{
	struct buf sql = BUF_INIT(2048);
	struct db_args args = {0};
	const char *key;
	int rc;
	memset(out, 0, sizeof *out);
	out->count = -1;
	{
		static const char *const keys[] = {"o.id", "o.created_at", "o.updated_at"};
		if (!(key = page_std_key(p->sort, keys)))
			return HELPO_EINVAL;
	}
	buf_addf(&sql, "SELECT %s, " ORG_COLS " FROM organizations o WHERE 1 = 1", key);
	if (a->role == DESK_END_USER) {
		buf_adds(&sql, " AND o.id = ?");
		db_args_int(&args, a->org_id ? a->org_id : -1);
	}
	rc = page_run(db, &sql, &args, p, key, "o.id", org_row_at, out);
	buf_release(&sql);
	if (rc)
		desk_list_release(out);
	return rc;
}
