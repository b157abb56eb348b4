/*
 * sessions.c — web sign-in for the agent app and portal: POST /api/v2/sessions sets an
 * HttpOnly SameSite=Lax cookie and returns the CSRF token that writes must echo in
 * X-CSRF-Token; GET/DELETE /api/v2/sessions/current; PUT /api/v2/users/:id/password.
 * Failed sign-ins share the progressive limiter with HTTP Basic (http/ratelimit.h) and answer
 * the same 401 whether or not the account exists.
 */
#include "api/api.h"
#include "http/ratelimit.h"
#include "util/limits.h"
#include "util/timeutil.h"

static void set_cookie(struct http_req *r, const char *value, int64_t max_age_s)
{
	char c[300];
	const char *proto = http_header(r, "X-Forwarded-Proto");
	snprintf(c, sizeof c, "helpo_session=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%lld%s",
		 value, (long long)max_age_s, proto && !strcmp(proto, "https") ? "; Secure" : "");
	http_add_header(r, "Set-Cookie", c);
}

static void session_create(struct http_req *r)
{
	json_t *in = api_body(r, "session");
	const char *email, *password;
	char key[300], cookie[64], csrf[64];
	bool remember;
	int64_t now = time_now_ms(), life;
	struct desk_actor a;
	int rc, wait_ip, wait_user;
	if (!in)
		return;
	email = json_string_value(json_object_get(in, "email"));
	password = json_string_value(json_object_get(in, "password"));
	remember = json_is_true(json_object_get(in, "remember_me"));
	if (!email || !password || strlen(email) > HELPO_MAX_EMAIL_BYTES ||
	    strlen(password) > HELPO_MAX_PASSWORD_BYTES) {
		api_error(r, 400, "InvalidParameter",
			  "session needs \"email\" and \"password\" strings");
		json_decref(in);
		return;
	}
	snprintf(key, sizeof key, "ip:%s", r->ip);
	wait_ip = ratelimit_wait_s(key, now);
	snprintf(key, sizeof key, "user:%s", email);
	for (char *k = key; *k; k++)
		if (*k >= 'A' && *k <= 'Z')
			*k = (char)(*k + 32);
	wait_user = ratelimit_wait_s(key, now);
	if (wait_ip || wait_user) {
		char ra[16];
		snprintf(ra, sizeof ra, "%d", wait_ip > wait_user ? wait_ip : wait_user);
		http_add_header(r, "Retry-After", ra);
		api_error(r, 429, "TooManyRequests",
			  "Too many failed sign-in attempts; try again later");
		json_decref(in);
		return;
	}
	rc = desk_auth_password(r->db, email, password, &a);
	if (rc) {
		ratelimit_fail(key, now);
		snprintf(key, sizeof key, "ip:%s", r->ip);
		ratelimit_fail(key, now);
		json_decref(in);
		if (rc == HELPO_EAUTH)
			api_error(r, 401, "Couldn't authenticate you",
				  "Wrong e-mail or password");
		else
			api_desk_error(r, rc, NULL);
		return;
	}
	ratelimit_clear(key);
	snprintf(key, sizeof key, "ip:%s", r->ip);
	ratelimit_clear(key);
	json_decref(in);
	life = (int64_t)r->conf->session_hours * 3600 * 1000 * (remember ? 30 : 1);
	if ((rc = desk_session_create(r->db, a.id, life, cookie, csrf))) {
		api_desk_error(r, rc, NULL);
		return;
	}
	set_cookie(r, cookie, life / 1000);
	api_reply(r, 201,
		  json_pack("{s:{s:I,s:s,s:s,s:o}}", "session", "user_id", (json_int_t)a.id, "role",
			    desk_role_name(a.role), "csrf_token", csrf, "expires_at",
			    json_integer(now + life)));
}

static void session_current(struct http_req *r)
{
	char csrf[64] = "";
	struct desk_actor a;
	const char *cookie = http_cookie(r, "helpo_session");
	json_t *user = NULL;
	if (cookie && strlen(cookie) < 128)
		desk_auth_session(r->db, cookie, &a, csrf);
	desk_user_get(r->db, &r->actor, r->actor.id, &user);
	api_reply(r, 200,
		  json_pack("{s:{s:I,s:s,s:o,s:o}}", "session", "user_id", (json_int_t)r->actor.id,
			    "role", desk_role_name(r->actor.role), "csrf_token",
			    csrf[0] ? json_string(csrf) : json_null(), "user",
			    user ? user : json_null()));
}

static void session_delete(struct http_req *r)
{
	const char *cookie = http_cookie(r, "helpo_session");
	if (cookie && strlen(cookie) < 128)
		desk_session_delete(r->db, cookie);
	set_cookie(r, "", 0);
	r->status = 204;
}

/* PUT /api/v2/users/:id/password {"previous_password": "...", "password": "..."}: users
 * change their own (previous password required); admins set anyone's. */
static void password_set(struct http_req *r)
{
	struct desk_err err = {0};
	json_error_t e;
	json_t *doc;
	const char *prev, *pw;
	int rc;
	if (!r->body_len || !(doc = json_loadb(r->body, r->body_len, 0, &e))) {
		api_error(r, 400, "InvalidJSON", "Expected {\"previous_password\", \"password\"}");
		return;
	}
	prev = json_string_value(json_object_get(doc, "previous_password"));
	pw = json_string_value(json_object_get(doc, "password"));
	if (!pw) {
		json_decref(doc);
		api_error(r, 400, "InvalidParameter", "password is required");
		return;
	}
	if (r->actor.id != r->params[0] && r->actor.role != DESK_ADMIN) {
		json_decref(doc);
		api_desk_error(r, HELPO_ENOTFOUND, NULL);
		return;
	}
	if (r->actor.id == r->params[0]) {
		json_t *me = NULL;
		char *email = NULL;
		struct desk_actor check;
		if (!desk_user_get(r->db, &r->actor, r->actor.id, &me))
			email = strdup(json_string_value(json_object_get(me, "email")) ?: "");
		json_decref(me);
		rc = !prev || !email ? HELPO_EAUTH : desk_auth_password(r->db, email, prev, &check);
		free(email);
		if (rc) {
			json_decref(doc);
			api_reply(r, 422,
				  json_pack("{s:s,s:s,s:{s:[{s:s}]}}", "error", "RecordInvalid",
					    "description", "Record validation errors", "details",
					    "previous_password", "description",
					    "previous_password: is wrong"));
			return;
		}
	}
	rc = desk_user_set_password(r->db, &r->actor, r->params[0], pw, &err);
	json_decref(doc);
	if (rc) {
		api_desk_error(r, rc, &err);
		return;
	}
	api_reply(r, 200, json_object());
}

const struct route api_session_routes[] = {
	{"POST", "/api/v2/sessions", session_create, AUTH_NONE},
	{"GET", "/api/v2/sessions/current", session_current, AUTH_USER},
	{"DELETE", "/api/v2/sessions/current", session_delete, AUTH_USER},
	{"PUT", "/api/v2/users/:id/password", password_set, AUTH_USER},
	{NULL, NULL, NULL, AUTH_NONE},
};
