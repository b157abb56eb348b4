/*
 * user.c — people who use the desk: end-users (customers), agents and admins. Create, read,
 * update, soft delete (active = false), list and search, the find-or-create used by the
 * e-mail and ticket doors, and passwords (argon2id). See desk.h for the rules every call
 * keeps.
 *
 * Who may do what:
 *   - admins: everything, except demoting or deactivating themselves;
 *   - agents: read everyone; create end-users; update end-users and themselves, but not
 *     role, organization, default group, active, suspended, verified or passwords;
 *   - end-users: read and update themselves only (name, locale, time_zone, phone); anyone
 *     else is HELPO_ENOTFOUND.
 * E-mails are stored normalized (text_email_normalize) and are unique: a duplicate is
 * HELPO_ECONFLICT with field "email".
 */
#include "desk/people_int.h"
#include "desk/authz.h"
#include "util/crypto.h"
#include "util/text.h"
#include "util/timeutil.h"
#include <ctype.h>

static const char *const roles[] = {"end-user", "agent", "admin", NULL};

/* Fields a client may send; the read-only and not-implemented Zendesk ones are tolerated
 * and ignored so that a record read from the API can be sent back. */
static const char *const user_keys[] = {
    "name", "email", "role", "locale", "time_zone", "phone", "details", "notes", "external_id",
    "tags", "organization_id", "default_group_id", "active", "suspended", "verified", "password",
    "notify_new_tickets", "notify_assignments", /* Helpo: an agent's mail preferences */
    /* accepted, ignored */
    "id", "url", "created_at", "updated_at", "last_login_at", "shared", "shared_agent",
    "restricted_agent", "moderator", "only_private_comments", "user_fields", "photo", "alias",
    "signature", "ticket_restriction", "role_type", "custom_role_id", "locale_id", "iana_time_zone",
    "shared_phone_number", "two_factor_auth_enabled", "report_csv", "skip_verify_email",
    "identities", NULL};

#define USER_COLS                                                                                  \
	"u.id, u.role, u.name, u.email, u.locale, u.time_zone, u.phone, u.details, u.notes, "      \
	"u.external_id, u.tags, coalesce(u.organization_id, 0), coalesce(u.default_group_id, 0), " \
	"u.active, u.suspended, u.verified, coalesce(u.last_login_at, 0), u.created_at, "          \
	"u.updated_at, u.notify_new_tickets, u.notify_assignments"

static json_t *str_or_empty(const char *s)
{
	return json_string(s ? s : "");
}

static json_t *user_row_at(struct db_stmt *st, int o)
{
	json_t *u = json_object();
	const char *role = db_col_text(st, o + 1);
	bool end_user = !strcmp(role, "end-user");
	json_object_set_new(u, "id", json_integer(db_col_int(st, o + 0)));
	json_object_set_new(u, "name", json_string(db_col_text(st, o + 2)));
	json_object_set_new(u, "email", jstr_or_null(db_col_text(st, o + 3)));
	json_object_set_new(u, "created_at", jtime(db_col_int(st, o + 17)));
	json_object_set_new(u, "updated_at", jtime(db_col_int(st, o + 18)));
	json_object_set_new(u, "time_zone", json_string(db_col_text(st, o + 5)));
	json_object_set_new(u, "iana_time_zone", json_string(db_col_text(st, o + 5)));
	json_object_set_new(u, "phone", jstr_or_null(db_col_text(st, o + 6)));
	json_object_set_new(u, "shared_phone_number", json_null());
	json_object_set_new(u, "photo", json_null());
	json_object_set_new(u, "locale", json_string(db_col_text(st, o + 4)));
	json_object_set_new(u, "organization_id", jid(db_col_int(st, o + 11)));
	json_object_set_new(u, "role", json_string(role));
	json_object_set_new(u, "verified", json_boolean(db_col_int(st, o + 15)));
	json_object_set_new(u, "external_id", jstr_or_null(db_col_text(st, o + 9)));
	json_object_set_new(u, "tags", jparse_or(db_col_text(st, o + 10), json_array()));
	json_object_set_new(u, "alias", json_string(""));
	json_object_set_new(u, "active", json_boolean(db_col_int(st, o + 13)));
	json_object_set_new(u, "shared", json_false());
	json_object_set_new(u, "shared_agent", json_false());
	json_object_set_new(u, "last_login_at", jtime(db_col_int(st, o + 16)));
	json_object_set_new(u, "two_factor_auth_enabled", json_false());
	json_object_set_new(u, "signature", json_string(""));
	json_object_set_new(u, "details", str_or_empty(db_col_text(st, o + 7)));
	json_object_set_new(u, "notes", str_or_empty(db_col_text(st, o + 8)));
	json_object_set_new(u, "role_type", json_null());
	json_object_set_new(u, "custom_role_id", json_null());
	json_object_set_new(u, "moderator", json_boolean(!strcmp(role, "admin")));
	if (!end_user) { /* Helpo: which mail an agent wants (see docs/email.md) */
		json_object_set_new(u, "notify_new_tickets", json_boolean(db_col_int(st, o + 19)));
		json_object_set_new(u, "notify_assignments", json_boolean(db_col_int(st, o + 20)));
	}
	json_object_set_new(u, "ticket_restriction",
	                    end_user ? json_string("requested") : json_null());
	json_object_set_new(u, "only_private_comments", json_false());
	json_object_set_new(u, "restricted_agent", json_false());
	json_object_set_new(u, "suspended", json_boolean(db_col_int(st, o + 14)));
	json_object_set_new(u, "default_group_id", jid(db_col_int(st, o + 12)));
	json_object_set_new(u, "report_csv", json_false());
	json_object_set_new(u, "user_fields", json_object());
	return u;
}

int people_user_load(struct db *db, int64_t id, json_t **out)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT " USER_COLS " FROM users u WHERE u.id = ?", "i", id);
	if (rc)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW) {
		*out = user_row_at(st, 0);
		rc = 0;
	} else if (rc == DB_DONE)
		rc = HELPO_ENOTFOUND;
	db_done(st);
	return rc;
}

int people_user_role(struct db *db, int64_t id, enum desk_role *role)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT role FROM users WHERE id = ?", "i", id);
	if (rc)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW) {
		desk_role_parse(db_col_text(st, 0), role);
		rc = 0;
	} else if (rc == DB_DONE)
		rc = HELPO_ENOTFOUND;
	db_done(st);
	return rc;
}

json_t *people_changes(json_t *before, json_t *after)
{
	json_t *changes = json_object(), *v;
	const char *key;
	json_object_foreach(after, key, v)
	{
		json_t *old = json_object_get(before, key);
		if (!strcmp(key, "updated_at") || (old && json_equal(old, v)))
			continue;
		json_object_set_new(changes, key, json_pack("[OO]", old ? old : json_null(), v));
	}
	return changes;
}

char *people_name_key(const char *name)
{
	char *k = strdup(name);
	if (!k)
		return NULL;
	for (char *p = k; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return k;
}

bool people_blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

/* ---- input ---- */

/* A parsed user body. Strings are borrowed from the JSON input, except email (normalized
 * copy) and tags (owned, released by user_in_release). */
struct user_in {
	int f_name, f_email, f_role, f_locale, f_tz, f_phone, f_details, f_notes, f_ext, f_org,
	    f_group, f_active, f_suspended, f_verified, f_password, f_nnew, f_nassign;
	const char *name, *role, *locale, *tz, *phone, *details, *notes, *ext, *password;
	char email[HELPO_MAX_EMAIL_BYTES + 1];
	int64_t org, group;
	bool active, suspended, verified, nnew, nassign;
	json_t *tags;
	char *tags_text;
};

static void user_in_release(struct user_in *u)
{
	json_decref(u->tags);
	free(u->tags_text);
}

/* Letters, digits and the characters in `extra`, 1..max bytes. */
static bool token_ok(const char *s, size_t max, const char *extra)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
			return false;
	return true;
}

static int parse_user(json_t *in, struct user_in *u, struct desk_err *err)
{
	const char *email = NULL;
	int rc;
	memset(u, 0, sizeof *u);
	if ((rc = jcheck_keys(in, "user", user_keys, err)))
		return rc;
	if ((u->f_name = rc = jget_str(in, "name", HELPO_MAX_NAME_BYTES, &u->name, err)) < 0 ||
	    (u->f_email = rc = jget_str(in, "email", HELPO_MAX_EMAIL_BYTES, &email, err)) < 0 ||
	    (u->f_role = rc = jget_enum(in, "role", roles, &u->role, err)) < 0 ||
	    (u->f_locale = rc = jget_str(in, "locale", 16, &u->locale, err)) < 0 ||
	    (u->f_tz = rc = jget_str(in, "time_zone", 64, &u->tz, err)) < 0 ||
	    (u->f_phone = rc = jget_str(in, "phone", 64, &u->phone, err)) < 0 ||
	    (u->f_details = rc = jget_str(in, "details", HELPO_MAX_TEXT_BYTES, &u->details, err)) <
	        0 ||
	    (u->f_notes = rc = jget_str(in, "notes", HELPO_MAX_TEXT_BYTES, &u->notes, err)) < 0 ||
	    (u->f_ext = rc = jget_str(in, "external_id", HELPO_MAX_NAME_BYTES, &u->ext, err)) < 0 ||
	    (u->f_org = rc = jget_id(in, "organization_id", &u->org, err)) < 0 ||
	    (u->f_group = rc = jget_id(in, "default_group_id", &u->group, err)) < 0 ||
	    (u->f_active = rc = jget_bool(in, "active", &u->active, err)) < 0 ||
	    (u->f_suspended = rc = jget_bool(in, "suspended", &u->suspended, err)) < 0 ||
	    (u->f_verified = rc = jget_bool(in, "verified", &u->verified, err)) < 0 ||
	    (u->f_nnew = rc = jget_bool(in, "notify_new_tickets", &u->nnew, err)) < 0 ||
	    (u->f_nassign = rc = jget_bool(in, "notify_assignments", &u->nassign, err)) < 0 ||
	    (u->f_password = rc =
	         jget_str(in, "password", HELPO_MAX_PASSWORD_BYTES, &u->password, err)) < 0)
		return rc;
	/* null means "not given" for the booleans; "back to the default" for locale/time zone */
	if (u->f_active == JF_NULL)
		u->f_active = JF_ABSENT;
	if (u->f_suspended == JF_NULL)
		u->f_suspended = JF_ABSENT;
	if (u->f_verified == JF_NULL)
		u->f_verified = JF_ABSENT;
	if (u->f_nnew == JF_NULL)
		u->f_nnew = JF_ABSENT;
	if (u->f_nassign == JF_NULL)
		u->f_nassign = JF_ABSENT;
	if (u->f_locale == JF_NULL) {
		u->f_locale = JF_VALUE;
		u->locale = "en";
	}
	if (u->f_tz == JF_NULL) {
		u->f_tz = JF_VALUE;
		u->tz = "UTC";
	}
	if (u->f_name == JF_NULL || (u->f_name == JF_VALUE && people_blank(u->name)))
		return desk_fail(err, HELPO_EINVAL, "name", "cannot be blank");
	if (u->f_role == JF_NULL)
		return desk_fail(err, HELPO_EINVAL, "role", "cannot be blank");
	if (u->f_password == JF_NULL)
		return desk_fail(err, HELPO_EINVAL, "password", "cannot be blank");
	if (email) {
		snprintf(u->email, sizeof u->email, "%s", email);
		if (text_email_normalize(u->email))
			return desk_fail(err, HELPO_EINVAL, "email",
			                 "Email: %s is not properly formatted", email);
	}
	if (u->f_locale == JF_VALUE && !token_ok(u->locale, 16, "-_"))
		return desk_fail(err, HELPO_EINVAL, "locale", "is not a valid locale (like en-US)");
	if (u->f_tz == JF_VALUE && !token_ok(u->tz, 64, "/_+-"))
		return desk_fail(err, HELPO_EINVAL, "time_zone",
		                 "is not a valid time zone (like Europe/Riga)");
	if (u->password && strlen(u->password) < HELPO_MIN_PASSWORD_BYTES)
		return desk_fail(err, HELPO_EINVAL, "password",
		                 "is too short (minimum is %d bytes)", HELPO_MIN_PASSWORD_BYTES);
	if (json_object_get(in, "tags") && !json_is_null(json_object_get(in, "tags"))) {
		if ((rc = jtags_normalize(json_object_get(in, "tags"), &u->tags, err)))
			return rc;
	} else if (json_object_get(in, "tags"))
		u->tags = json_array();
	if (u->tags && !(u->tags_text = json_dumps(u->tags, JSON_COMPACT)))
		return HELPO_ENOMEM;
	return 0;
}

/* Fields only admins may set; returns the first one present, or NULL. */
static const char *admin_only_field(const struct user_in *u)
{
	if (u->f_role)
		return "role";
	if (u->f_org)
		return "organization_id";
	if (u->f_group)
		return "default_group_id";
	if (u->f_active)
		return "active";
	if (u->f_suspended)
		return "suspended";
	if (u->f_verified)
		return "verified";
	if (u->f_password)
		return "password";
	return NULL;
}

/* Fields an end-user may not change on their own profile; first one present, or NULL. */
static const char *staff_only_field(const struct user_in *u)
{
	const char *f = admin_only_field(u);
	if (f)
		return f;
	if (u->f_email)
		return "email";
	if (u->f_details)
		return "details";
	if (u->f_notes)
		return "notes";
	if (u->f_ext)
		return "external_id";
	if (u->tags)
		return "tags";
	if (u->f_nnew)
		return "notify_new_tickets";
	if (u->f_nassign)
		return "notify_assignments";
	return NULL;
}

static int email_taken(struct db *db, const char *email, int64_t self, struct desk_err *err)
{
	int64_t other;
	int rc = db_int(db, &other, "SELECT id FROM users WHERE email = ?", "s", email);
	if (rc == HELPO_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	if (other == self)
		return 0;
	return desk_fail(err, HELPO_ECONFLICT, "email",
	                 "Email: %s is already being used by another user", email);
}

static int check_org(struct db *db, int64_t org, struct desk_err *err)
{
	int64_t one;
	int rc = db_int(db, &one, "SELECT 1 FROM organizations WHERE id = ?", "i", org);
	if (rc == HELPO_ENOTFOUND)
		return desk_fail(err, HELPO_EINVAL, "organization_id", "no such organization");
	return rc;
}

static int check_group(struct db *db, int64_t group, struct desk_err *err)
{
	int64_t one;
	int rc = db_int(db, &one, "SELECT 1 FROM groups WHERE id = ? AND deleted = 0", "i", group);
	if (rc == HELPO_ENOTFOUND)
		return desk_fail(err, HELPO_EINVAL, "default_group_id", "no such group");
	return rc;
}

static int fail_tx(struct db *db, int rc)
{
	db_rollback(db);
	return rc;
}

/* ---- create ---- */

int desk_user_create(struct db *db, const struct desk_actor *a, json_t *in, json_t **out,
                     struct desk_err *err)
{
	struct user_in u;
	char hash[CRYPTO_PWHASH_BYTES];
	const char *role, *f;
	int64_t id = 0, now = time_now_ms();
	int rc;

	*out = NULL;
	if (!desk_is_staff(a))
		return desk_fail(err, HELPO_EFORBIDDEN, "", "only agents and admins create users");
	if ((rc = parse_user(in, &u, err)))
		goto out;
	role = u.role ? u.role : "end-user";
	if (a->role != DESK_ADMIN) {
		if (strcmp(role, "end-user")) {
			rc = desk_fail(err, HELPO_EFORBIDDEN, "role",
			               "agents may create end-users only");
			goto out;
		}
		u.f_role = JF_ABSENT; /* "role": "end-user" is fine */
		if ((f = admin_only_field(&u))) {
			rc = desk_fail(err, HELPO_EFORBIDDEN, f, "only admins may set %s", f);
			goto out;
		}
	}
	if (u.f_name != JF_VALUE) {
		rc = desk_fail(err, HELPO_EINVAL, "name", "cannot be blank");
		goto out;
	}
	if (!u.email[0] && strcmp(role, "end-user")) {
		rc = desk_fail(err, HELPO_EINVAL, "email",
		               "agents and admins need an e-mail address");
		goto out;
	}
	if (u.f_group == JF_VALUE && !strcmp(role, "end-user")) {
		rc = desk_fail(err, HELPO_EINVAL, "default_group_id", "end-users have no groups");
		goto out;
	}
	if (u.password && (rc = crypto_password_hash(u.password, hash)))
		goto out;

	if ((rc = db_begin(db)))
		goto out;
	if ((u.email[0] && (rc = email_taken(db, u.email, 0, err))) ||
	    (u.f_org == JF_VALUE && (rc = check_org(db, u.org, err))) ||
	    (u.f_group == JF_VALUE && (rc = check_group(db, u.group, err))))
		goto rollback;
	rc = db_int(
	    db, &id,
	    "INSERT INTO users (role, name, email, locale, time_zone, phone, details, notes, "
	    "external_id, tags, organization_id, default_group_id, password_hash, active, "
	    "suspended, verified, created_at, updated_at, notify_new_tickets, notify_assignments) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, nullif(?, 0), nullif(?, 0), ?, ?, ?, ?, ?, ?, "
	    "?, ?) RETURNING id",
	    "ssssssssssiisiiiiiii", role, u.name, u.email[0] ? u.email : NULL,
	    u.locale ? u.locale : "en", u.tz ? u.tz : "UTC", u.phone, u.details, u.notes, u.ext,
	    u.tags_text ? u.tags_text : "[]", u.org, u.group, u.password ? hash : NULL,
	    (int64_t)(u.f_active ? u.active : true), (int64_t)(u.f_suspended && u.suspended),
	    (int64_t)(u.f_verified && u.verified), now, now, (int64_t)(u.f_nnew ? u.nnew : true),
	    (int64_t)(u.f_nassign ? u.nassign : true));
	if (rc == HELPO_ECONFLICT)
		rc = desk_fail(err, HELPO_ECONFLICT, "email",
		               "Email: %s is already being used by another user", u.email);
	if (rc)
		goto rollback;
	if (u.f_group == JF_VALUE &&
	    (rc = db_exec(
	         db,
	         "INSERT INTO group_memberships (group_id, user_id, is_default, created_at, "
	         "updated_at) VALUES (?, ?, 1, ?, ?)",
	         "iiii", u.group, id, now, now)))
		goto rollback;
	if ((rc = people_user_load(db, id, out)) ||
	    (rc = desk_event_add(db, 0, a->id, "user.created", *out)) || (rc = db_commit(db)))
		goto rollback;
	goto out;
rollback:
	json_decref(*out);
	*out = NULL;
	db_rollback(db);
out:
	memset(hash, 0, sizeof hash);
	user_in_release(&u);
	return rc;
}

/* ---- read ---- */

int desk_user_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out)
{
	int rc;
	*out = NULL;
	if ((rc = authz_user_visible(db, a, id)))
		return rc;
	return people_user_load(db, id, out);
}

/* ---- update ---- */

int desk_user_update(struct db *db, const struct desk_actor *a, int64_t id, json_t *in,
                     json_t **out, struct desk_err *err)
{
	struct user_in u;
	char hash[CRYPTO_PWHASH_BYTES];
	struct buf set = BUF_INIT(2048);
	struct db_args args = {0};
	json_t *before = NULL, *changes = NULL;
	enum desk_role target = DESK_END_USER, new_role;
	const char *f, *cur_email;
	int64_t now = time_now_ms();
	int rc;

	*out = NULL;
	hash[0] = '\0';
	if ((rc = parse_user(in, &u, err)))
		goto out;
	if (a->role != DESK_ADMIN) {
		/* a role equal to the current one is not a change: checked below */
		int f_role = u.f_role;
		u.f_role = JF_ABSENT;
		f = a->role == DESK_AGENT ? admin_only_field(&u) : staff_only_field(&u);
		u.f_role = f_role;
		if (f) {
			rc = authz_user_visible(db, a, id);
			if (!rc)
				rc = desk_fail(err, HELPO_EFORBIDDEN, f,
				               "only admins may change %s", f);
			goto out;
		}
	}
	if (u.password && (rc = crypto_password_hash(u.password, hash)))
		goto out;

	if ((rc = db_begin(db)))
		goto out;
	if ((rc = authz_user_visible(db, a, id)) || (rc = people_user_load(db, id, &before)) ||
	    (rc = people_user_role(db, id, &target)))
		goto rollback;
	new_role = target;
	if (u.role)
		desk_role_parse(u.role, &new_role);
	if (a->role != DESK_ADMIN && new_role != target) {
		rc = desk_fail(err, HELPO_EFORBIDDEN, "role", "only admins may change role");
		goto rollback;
	}
	if (a->role == DESK_AGENT && a->id != id && target != DESK_END_USER) {
		rc = desk_fail(err, HELPO_EFORBIDDEN, "",
		               "agents may update end-users and themselves only");
		goto rollback;
	}
	if (a->id == id &&
	    ((new_role != target) || (u.f_active && !u.active) || (u.f_suspended && u.suspended))) {
		rc = desk_fail(err, HELPO_EFORBIDDEN, u.f_role ? "role" : "active",
		               "you cannot demote, deactivate or suspend yourself");
		goto rollback;
	}
	cur_email = json_string_value(json_object_get(before, "email"));
	if (new_role != DESK_END_USER && (u.f_email ? !u.email[0] : !cur_email)) {
		rc = desk_fail(err, HELPO_EINVAL, "email",
		               "agents and admins need an e-mail address");
		goto rollback;
	}
	if ((u.email[0] && (rc = email_taken(db, u.email, id, err))) ||
	    (u.f_org == JF_VALUE && (rc = check_org(db, u.org, err))))
		goto rollback;
	if (u.f_group == JF_VALUE) {
		int64_t one;
		if ((rc = check_group(db, u.group, err)))
			goto rollback;
		rc = db_int(db, &one,
		            "SELECT 1 FROM group_memberships WHERE user_id = ? AND group_id = ?",
		            "ii", id, u.group);
		if (rc == HELPO_ENOTFOUND || new_role == DESK_END_USER)
			rc = desk_fail(err, HELPO_EINVAL, "default_group_id",
			               "the user is not a member of that group");
		if (rc)
			goto rollback;
	}

	buf_adds(&set, "UPDATE users SET updated_at = ?");
	db_args_int(&args, now);
#define SET_TEXT(flag, col, val)                                                                   \
	if (flag) {                                                                                \
		buf_adds(&set, ", " col " = ?");                                                   \
		db_args_text(&args, (flag) == JF_VALUE ? (val) : NULL);                            \
	}
#define SET_INT(flag, col, val)                                                                    \
	if (flag) {                                                                                \
		buf_adds(&set, ", " col " = ?");                                                   \
		db_args_int(&args, (int64_t)(val));                                                \
	}
	SET_TEXT(u.f_name, "name", u.name);
	SET_TEXT(u.f_email, "email", u.email[0] ? u.email : NULL);
	SET_TEXT(u.f_role, "role", u.role);
	SET_TEXT(u.f_locale, "locale", u.locale);
	SET_TEXT(u.f_tz, "time_zone", u.tz);
	SET_TEXT(u.f_phone, "phone", u.phone);
	SET_TEXT(u.f_details, "details", u.details);
	SET_TEXT(u.f_notes, "notes", u.notes);
	SET_TEXT(u.f_ext, "external_id", u.ext);
	SET_TEXT(u.tags ? JF_VALUE : JF_ABSENT, "tags", u.tags_text);
	SET_TEXT(u.password ? JF_VALUE : JF_ABSENT, "password_hash", hash);
	SET_INT(u.f_active, "active", u.active);
	SET_INT(u.f_suspended, "suspended", u.suspended);
	SET_INT(u.f_verified, "verified", u.verified);
	SET_INT(u.f_nnew, "notify_new_tickets", u.nnew);
	SET_INT(u.f_nassign, "notify_assignments", u.nassign);
	if (u.f_org) {
		buf_adds(&set, ", organization_id = nullif(?, 0)");
		db_args_int(&args, u.org);
	}
	if (u.f_group) {
		buf_adds(&set, ", default_group_id = nullif(?, 0)");
		db_args_int(&args, u.group);
	}
#undef SET_TEXT
#undef SET_INT
	buf_adds(&set, " WHERE id = ?");
	db_args_int(&args, id);
	{
		struct db_stmt *st;
		if ((rc = db_query_args(db, &st, set.data, &args)))
			goto conflict;
		rc = db_step(st);
		db_done(st);
		if (rc < 0)
			goto conflict;
		rc = 0;
	}
	if (u.f_group == JF_VALUE &&
	    ((rc = db_exec(
	          db,
	          "UPDATE group_memberships SET is_default = (group_id = ?), updated_at = ? "
	          "WHERE user_id = ?",
	          "iii", u.group, now, id))))
		goto rollback;
	if (new_role == DESK_END_USER && target != DESK_END_USER &&
	    ((rc = db_exec(db, "DELETE FROM group_memberships WHERE user_id = ?", "i", id)) ||
	     (rc = db_exec(db, "UPDATE users SET default_group_id = NULL WHERE id = ?", "i", id))))
		goto rollback;
	if (u.f_active && !u.active &&
	    ((rc = db_exec(db, "DELETE FROM api_tokens WHERE user_id = ?", "i", id)) ||
	     (rc = db_exec(db, "DELETE FROM sessions WHERE user_id = ?", "i", id))))
		goto rollback;
	if ((rc = people_user_load(db, id, out)))
		goto rollback;
	changes = people_changes(before, *out);
	if (u.password)
		json_object_set_new(changes, "password", json_string("changed"));
	if (json_object_size(changes)) {
		json_t *p = json_pack("{s:I,s:O}", "user_id", (json_int_t)id, "changes", changes);
		rc = desk_event_add(db, 0, a->id, "user.updated", p);
		json_decref(p);
		if (rc)
			goto rollback;
	}
	if ((rc = db_commit(db)))
		goto rollback;
	goto out;
conflict:
	if (rc == HELPO_ECONFLICT)
		rc = desk_fail(err, HELPO_ECONFLICT, "email",
		               "Email: %s is already being used by another user", u.email);
rollback:
	json_decref(*out);
	*out = NULL;
	db_rollback(db);
out:
	memset(hash, 0, sizeof hash);
	json_decref(before);
	json_decref(changes);
	buf_release(&set);
	user_in_release(&u);
	return rc;
}

/* ---- delete (soft) ---- */

int desk_user_delete(struct db *db, const struct desk_actor *a, int64_t id, struct desk_err *err)
{
	int rc;
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = authz_user_visible(db, a, id)))
		return fail_tx(db, rc);
	if (a->role != DESK_ADMIN)
		return fail_tx(db,
		               desk_fail(err, HELPO_EFORBIDDEN, "", "only admins delete users"));
	if (a->id == id)
		return fail_tx(db,
		               desk_fail(err, HELPO_EFORBIDDEN, "", "you cannot delete yourself"));
	if ((rc = db_exec(db, "UPDATE users SET active = 0, updated_at = ? WHERE id = ?", "ii",
	                  time_now_ms(), id)) ||
	    (rc = db_exec(db, "DELETE FROM api_tokens WHERE user_id = ?", "i", id)) ||
	    (rc = db_exec(db, "DELETE FROM sessions WHERE user_id = ?", "i", id)))
		return fail_tx(db, rc);
	{
		json_t *p = json_pack("{s:I}", "user_id", (json_int_t)id);
		rc = desk_event_add(db, 0, a->id, "user.deleted", p);
		json_decref(p);
	}
	if (rc || (rc = db_commit(db)))
		return fail_tx(db, rc);
	return 0;
}

/* ---- lists ---- */

static const char *user_sort_expr(const char *sort)
{
	if (!sort || !strcmp(sort, "id"))
		return "u.id";
	if (!strcmp(sort, "created_at"))
		return "u.created_at";
	if (!strcmp(sort, "updated_at"))
		return "u.updated_at";
	return NULL;
}

/* Appends " AND u.role IN (...)" for a role or a comma-separated list of roles. */
static int role_filter(const char *roles_in, struct buf *sql, struct db_args *args)
{
	const char *p = roles_in;
	int n = 0;
	buf_adds(sql, " AND u.role IN (");
	while (*p) {
		size_t len = strcspn(p, ",");
		bool ok = false;
		for (int i = 0; roles[i]; i++)
			if (strlen(roles[i]) == len && !strncmp(roles[i], p, len)) {
				buf_adds(sql, n++ ? ", ?" : "?");
				db_args_text(args, roles[i]);
				ok = true;
			}
		if (!ok)
			return HELPO_EINVAL;
		p += len;
		if (*p == ',')
			p++;
	}
	if (!n)
		return HELPO_EINVAL;
	return buf_adds(sql, ")");
}

/* "%text%" for LIKE, with \ % _ escaped and ASCII lower-cased. */
static int like_pattern(const char *q, struct buf *out)
{
	int rc = buf_addc(out, '%');
	for (; *q && !rc; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			buf_addc(out, '\\');
		rc = buf_addc(out, (char)tolower((unsigned char)*q));
	}
	return rc ? rc : buf_addc(out, '%');
}

int desk_user_list(struct db *db, const struct desk_actor *a, const struct desk_user_filter *f,
                   const struct desk_page *p, struct desk_list *out)
{
	struct buf sql = BUF_INIT(8192), pat = BUF_INIT(HELPO_MAX_QUERY_BYTES * 2 + 4);
	char email[HELPO_MAX_EMAIL_BYTES + 1];
	struct db_args args = {0};
	const char *key = user_sort_expr(p->sort);
	int rc;

	memset(out, 0, sizeof *out);
	out->count = -1;
	if (!key)
		return HELPO_EINVAL;
	if (f->nids > HELPO_MAX_SHOW_MANY || (f->query && strlen(f->query) > HELPO_MAX_QUERY_BYTES))
		return HELPO_EINVAL;
	buf_addf(&sql, "SELECT %s, " USER_COLS " FROM users u WHERE 1 = 1", key);
	if (a->role == DESK_END_USER) { /* end-users see only themselves */
		buf_adds(&sql, " AND u.id = ?");
		db_args_int(&args, a->id);
	}
	if (!f->nids)
		buf_adds(&sql, " AND u.active = 1");
	if (f->role && (rc = role_filter(f->role, &sql, &args)))
		goto out;
	if (f->organization_id) {
		buf_adds(&sql, " AND u.organization_id = ?");
		db_args_int(&args, f->organization_id);
	}
	if (f->group_id) {
		buf_adds(&sql, " AND u.id IN (SELECT user_id FROM group_memberships WHERE group_id "
		               "= ?)");
		db_args_int(&args, f->group_id);
	}
	if (f->query) {
		if ((rc = like_pattern(f->query, &pat)))
			goto out;
		buf_adds(&sql,
		         " AND (lower(u.name) LIKE ? ESCAPE '\\' OR u.email LIKE ? ESCAPE '\\' "
		         "OR u.external_id = ?)");
		db_args_text(&args, pat.data);
		db_args_text(&args, pat.data);
		db_args_text(&args, f->query);
	}
	if (f->email) {
		snprintf(email, sizeof email, "%s", f->email);
		text_email_normalize(email); /* an invalid address simply matches nobody */
		buf_adds(&sql, " AND u.email = ?");
		db_args_text(&args, email);
	}
	if (f->nids) {
		buf_adds(&sql, " AND u.id IN (");
		for (int i = 0; i < f->nids; i++) {
			buf_adds(&sql, i ? ", ?" : "?");
			if ((rc = db_args_int(&args, f->ids[i])))
				goto out;
		}
		buf_adds(&sql, ")");
	}
	if (f->external_id) {
		buf_adds(&sql, " AND u.external_id = ?");
		db_args_text(&args, f->external_id);
	}
	rc = page_run(db, &sql, &args, p, key, "u.id", user_row_at, out);
out:
	buf_release(&sql);
	buf_release(&pat);
	if (rc)
		desk_list_release(out);
	return rc;
}

/* ---- find or create (inside the caller's transaction) ---- */

int desk_user_find_or_create(struct db *db, const char *email_in, const char *name, int64_t *id,
                             struct desk_err *err)
{
	char email[HELPO_MAX_EMAIL_BYTES + 1], local[HELPO_MAX_NAME_BYTES + 1];
	json_t *rec = NULL;
	int64_t now = time_now_ms();
	int rc;

	*id = 0;
	if (!email_in || strlen(email_in) > HELPO_MAX_EMAIL_BYTES)
		return desk_fail(err, HELPO_EINVAL, "email", "is not a valid e-mail address");
	snprintf(email, sizeof email, "%s", email_in);
	if (text_email_normalize(email))
		return desk_fail(err, HELPO_EINVAL, "email", "Email: %s is not properly formatted",
		                 email_in);
	rc = db_int(db, id, "SELECT id FROM users WHERE email = ?", "s", email);
	if (rc != HELPO_ENOTFOUND)
		return rc;
	if (!name || people_blank(name)) {
		size_t n = strcspn(email, "@");
		snprintf(local, sizeof local, "%.*s", (int)n, email);
		name = local;
	} else if (strlen(name) > HELPO_MAX_NAME_BYTES) {
		size_t n = HELPO_MAX_NAME_BYTES;
		while (n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
			n--; /* do not cut a UTF-8 sequence */
		snprintf(local, sizeof local, "%.*s", (int)n, name);
		name = local;
	}
	if (!text_utf8_valid(name, strlen(name)))
		return desk_fail(err, HELPO_EINVAL, "name", "must be UTF-8 text");
	if ((rc = db_int(db, id,
	                 "INSERT INTO users (role, name, email, created_at, updated_at) VALUES "
	                 "('end-user', ?, ?, ?, ?) RETURNING id",
	                 "ssii", name, email, now, now)))
		return rc;
	if ((rc = people_user_load(db, *id, &rec)))
		return rc;
	rc = desk_event_add(db, 0, 0, "user.created", rec);
	json_decref(rec);
	return rc;
}

/* ---- passwords ---- */

int desk_user_set_password(struct db *db, const struct desk_actor *a, int64_t id,
                           const char *password, struct desk_err *err)
{
	char hash[CRYPTO_PWHASH_BYTES];
	json_t *p = NULL;
	int rc;
	if ((rc = authz_user_visible(db, a, id)))
		return rc;
	if (a->role != DESK_ADMIN && a->id != id)
		return desk_fail(err, HELPO_EFORBIDDEN, "password",
		                 "only admins may set another user's password");
	if (!password || strlen(password) < HELPO_MIN_PASSWORD_BYTES)
		return desk_fail(err, HELPO_EINVAL, "password",
		                 "is too short (minimum is %d bytes)", HELPO_MIN_PASSWORD_BYTES);
	if (strlen(password) > HELPO_MAX_PASSWORD_BYTES)
		return desk_fail(err, HELPO_EINVAL, "password", "is too long (maximum is %d bytes)",
		                 HELPO_MAX_PASSWORD_BYTES);
	if ((rc = crypto_password_hash(password, hash)))
		return rc;
	if (!(p = json_pack("{s:I}", "user_id", (json_int_t)id))) {
		rc = HELPO_ENOMEM;
		goto out;
	}
	if ((rc = db_begin(db)))
		goto out;
	if ((rc = db_exec(db, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
	                  "sii", hash, time_now_ms(), id)) ||
	    (rc = desk_event_add(db, 0, a->id, "user.password_changed", p)) || (rc = db_commit(db)))
		db_rollback(db);
out:
	json_decref(p);
	memset(hash, 0, sizeof hash);
	return rc;
}
