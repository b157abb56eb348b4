/*
 * server.c — the HTTP server (libmicrohttpd, epoll thread pool).
 *
 * Per request: collect the body (capped at HELPO_MAX_BODY_BYTES; 413 past it), route,
 * authenticate (API token via Basic "email/token:T" or Bearer, Basic email:password, or the
 * session cookie with a CSRF header on writes), check the route's role, run the handler, and
 * answer JSON with security headers. Each pool thread lazily opens its own DB connection,
 * closed when the thread exits. SIGINT/SIGTERM: stop accepting, let in-flight requests finish
 * (up to 30 s), exit 0.
 */
#include "http/http.h"
#include "http/ratelimit.h"
#include "api/api.h"
#include "live/live.h"
#include "portal/page.h"
#include "util/crypto.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/timeutil.h"
#include <microhttpd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <unistd.h>

struct server {
	const struct conf *conf;
	const char *db_path;
	struct db_options dbopt;
	pthread_key_t db_key;
	atomic_int inflight;
};

static struct server srv;
static volatile sig_atomic_t stop_requested;

/* Per-connection request state, kept across access-handler calls. */
struct req_state {
	struct buf body;
	bool too_big;
	bool answered;
	int64_t start_ms;
};

static void close_thread_db(void *p)
{
	db_close(p);
}

static struct db *thread_db(void)
{
	struct db *db = pthread_getspecific(srv.db_key);
	if (db)
		return db;
	if (db_open(&db, srv.db_path, &srv.dbopt))
		return NULL;
	pthread_setspecific(srv.db_key, db);
	return db;
}

const char *http_query(struct http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_header(struct http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(struct http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

void http_add_header(struct http_req *r, const char *name, const char *value)
{
	/* values are ours, but refuse CR/LF anyway: no header can ever be injected */
	if (strpbrk(name, "\r\n:") || strpbrk(value, "\r\n"))
		return;
	buf_addf(&r->headers, "%s\n%s\n", name, value);
}

static void set_base_url(struct http_req *r)
{
	const char *host = http_header(r, MHD_HTTP_HEADER_HOST);
	const char *proto = http_header(r, "X-Forwarded-Proto");
	bool ok = host && *host && strlen(host) < 200;
	for (const char *p = host; ok && *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr(".-:[]", *p)))
			ok = false;
	snprintf(r->base_url, sizeof r->base_url, "%s://%s",
		 proto && !strcmp(proto, "https") ? "https" : "http",
		 ok ? host : srv.conf->listen);
}

/* ---- authentication ---- */

static void unauthorized(struct http_req *r)
{
	/* A browser's fetch() (Sec-Fetch-Dest other than "document"; Node's fetch sends no
	 * Sec-Fetch-Dest) must not get a Basic challenge: the browser would pop up a password
	 * dialog (or hang headless) instead of letting the app show its own sign-in form. */
	const char *dest = http_header(r, "Sec-Fetch-Dest");
	if (!(dest && strcmp(dest, "document")) && !http_header(r, "X-Requested-With"))
		http_add_header(r, "WWW-Authenticate", "Basic realm=\"Helpo\"");
	api_error(r, 401, "Couldn't authenticate you", "Couldn't authenticate you");
}

/* "user:<address>" lower-cased, so Ana@X and ana@x share one failure count. */
static void user_key(char *key, size_t n, const char *user)
{
	snprintf(key, n, "user:%s", user);
	for (char *p = key; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
}

static bool rate_limited(struct http_req *r, const char *user)
{
	char key[300];
	int64_t now = time_now_ms();
	int w1, w2 = 0;
	snprintf(key, sizeof key, "ip:%s", r->ip);
	w1 = ratelimit_wait_s(key, now);
	if (user) {
		user_key(key, sizeof key, user);
		w2 = ratelimit_wait_s(key, now);
	}
	if (w1 || w2) {
		char ra[16];
		snprintf(ra, sizeof ra, "%d", w1 > w2 ? w1 : w2);
		http_add_header(r, "Retry-After", ra);
		api_error(r, 429, "TooManyRequests",
			  "Too many failed sign-in attempts; try again later");
		return true;
	}
	return false;
}

static void note_login(struct http_req *r, const char *user, bool ok)
{
	char key[300];
	int64_t now = time_now_ms();
	snprintf(key, sizeof key, "ip:%s", r->ip);
	if (ok)
		ratelimit_clear(key);
	else
		ratelimit_fail(key, now);
	if (user) {
		user_key(key, sizeof key, user);
		if (ok)
			ratelimit_clear(key);
		else
			ratelimit_fail(key, now);
	}
}

static bool is_api_path(const char *path)
{
	return !strncmp(path, "/api/", 5) || !strcmp(path, "/api");
}

/* Returns 0 when authenticated or no credentials were given (r->authed tells), -1 when a
 * response (401/429/403) has been set. */
static int authenticate(struct http_req *r)
{
	const char *h = http_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	const char *cookie;
	int rc;
	if (!is_api_path(r->path))
		h = NULL; /* pages know only the session cookie */
	if (h && !strncasecmp(h, "Bearer ", 7)) {
		const char *tok = h + 7;
		if (rate_limited(r, NULL))
			return -1;
		if (strlen(tok) > 256 || (rc = desk_auth_token(r->db, tok, NULL, &r->actor))) {
			note_login(r, NULL, false);
			unauthorized(r);
			return -1;
		}
		r->authed = true;
		return 0;
	}
	if (h && !strncasecmp(h, "Basic ", 6)) {
		char dec[1600], *colon, *user;
		int n;
		if (strlen(h + 6) > 2000 ||
		    (n = crypto_base64_decode(h + 6, strlen(h + 6), dec, sizeof dec)) < 0 ||
		    (int)strlen(dec) != n || !(colon = strchr(dec, ':'))) {
			unauthorized(r);
			return -1;
		}
		*colon = '\0';
		user = dec;
		if (rate_limited(r, user))
			return -1;
		{
			size_t ul = strlen(user);
			if (ul > 6 && !strcmp(user + ul - 6, "/token")) {
				user[ul - 6] = '\0';
				rc = desk_auth_token(r->db, colon + 1, user, &r->actor);
			} else
				rc = desk_auth_password(r->db, user, colon + 1, &r->actor);
		}
		note_login(r, user, rc == 0);
		if (rc) {
			if (rc != HELPO_EAUTH)
				log_warn("auth: %s", helpo_strerror(rc));
			unauthorized(r);
			return -1;
		}
		r->authed = true;
		return 0;
	}
	if (h) {
		unauthorized(r);
		return -1;
	}
	cookie = http_cookie(r, "helpo_session");
	if (cookie && strlen(cookie) < 128) {
		char csrf[64];
		if (desk_auth_session(r->db, cookie, &r->actor, csrf))
			return 0; /* a stale cookie is no credential at all */
		r->authed = true;
		r->via_session = true;
		snprintf(r->csrf, sizeof r->csrf, "%s", csrf);
		if (!is_api_path(r->path))
			return 0; /* pages check the CSRF field of their own forms */
		if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD")) {
			const char *t = http_header(r, "X-CSRF-Token");
			if (!t || !crypto_equal(t, csrf)) {
				api_error(r, 403, "InvalidCSRFToken",
					  "Missing or invalid X-CSRF-Token header");
				return -1;
			}
		}
	}
	return 0;
}

/* ---- dispatch ---- */

/* Pages outside /api/: the embedded web/ tree, then the portal and the knowledge base. */
static bool dispatch_page(struct http_req *r)
{
	if (http_static_serve(r))
		return true;
	if (!r->db || strcmp(r->path, "/healthz") == 0)
		return false;
	if (authenticate(r))
		return true;
	return kb_pages_serve(r) || portal_serve(r);
}

static void dispatch(struct http_req *r)
{
	const struct route *rt = NULL;
	int rc;
	if (!is_api_path(r->path) && dispatch_page(r))
		return;
	rc = router_match(r, &rt);
	if (rc == HELPO_ENOTFOUND && !is_api_path(r->path) && r->db) {
		page_error(r, 404, "portal.error.not_found"); /* a person gets a page */
		return;
	}
	if (rc == HELPO_ENOTFOUND) {
		api_error(r, 404, "InvalidEndpoint", "Not found");
		return;
	}
	if (rc == HELPO_EINVAL) {
		api_error(r, 405, "MethodNotAllowed", "This endpoint does not allow that method");
		return;
	}
	if (!r->db) {
		api_error(r, 503, "Unavailable", "The database is not available");
		return;
	}
	if (authenticate(r))
		return;
	if (rt->auth != AUTH_NONE && !r->authed) {
		unauthorized(r);
		return;
	}
	if ((rt->auth == AUTH_STAFF && r->actor.role == DESK_END_USER) ||
	    (rt->auth == AUTH_ADMIN && r->actor.role != DESK_ADMIN)) {
		api_error(r, 403, "Forbidden", "You do not have access to this page");
		return;
	}
	rt->fn(r);
	if (!strcmp(r->method, "GET"))
		api_sideload(r);
}

static void add_headers(struct MHD_Response *resp, struct http_req *r)
{
	char *p = r->headers.data;
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	/* pages: same-origin, so the browser sends a real Origin on our own form posts */
	MHD_add_response_header(resp, "Referrer-Policy",
				r->csp == NULL || strcmp(r->csp, HTTP_CSP_PAGE) ? "no-referrer"
										: "same-origin");
	MHD_add_response_header(resp, "Cache-Control",
				r->cache_control ? r->cache_control : "no-store");
	MHD_add_response_header(resp, "Content-Security-Policy", r->csp ? r->csp : HTTP_CSP_API);
	while (*p) {
		char *name = p, *val, *nl;
		nl = strchr(name, '\n');
		if (!nl)
			break;
		*nl = '\0';
		val = nl + 1;
		nl = strchr(val, '\n');
		if (!nl)
			break;
		*nl = '\0';
		MHD_add_response_header(resp, name, val);
		p = nl + 1;
	}
}

static enum MHD_Result respond(struct MHD_Connection *c, struct http_req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char *text = NULL;
	size_t len = 0;
	if (r->stream_fn) {
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, r->stream_fn,
							 r->stream_cls, r->stream_free);
		if (!resp) {
			if (r->stream_free)
				r->stream_free(r->stream_cls);
			return MHD_NO;
		}
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
					r->content_type ? r->content_type : "text/event-stream");
		add_headers(resp, r);
		ret = MHD_queue_response(c, (unsigned)r->status, resp);
		MHD_destroy_response(resp);
		return ret;
	}
	if (r->raw) {
		text = r->raw;
		len = r->raw_len;
		r->raw = NULL;
	} else if (r->resp) {
		text = json_dumps(r->resp, JSON_COMPACT);
		len = text ? strlen(text) : 0;
	}
	resp = MHD_create_response_from_buffer(len, text ? text : (char *)"",
					       text ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(text);
		return MHD_NO;
	}
	if (len)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
					r->content_type ? r->content_type
							: "application/json; charset=utf-8");
	add_headers(resp, r);
	ret = MHD_queue_response(c, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void client_ip(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, n, "unknown");
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, out,
			  (socklen_t)n);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, out,
			  (socklen_t)n);
	if (srv.conf->trusted_proxy[0] && !strcmp(out, srv.conf->trusted_proxy)) {
		/* the proxy appends the address it saw: the last entry is the one to believe */
		const char *xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
		const char *last = xff ? strrchr(xff, ',') : NULL;
		unsigned char probe[sizeof(struct in6_addr)];
		char cand[64];
		if (!xff)
			return;
		last = last ? last + 1 : xff;
		while (*last == ' ')
			last++;
		snprintf(cand, sizeof cand, "%s", last);
		cand[strcspn(cand, " ")] = '\0';
		if (inet_pton(AF_INET, cand, probe) == 1 || inet_pton(AF_INET6, cand, probe) == 1)
			snprintf(out, n, "%s", cand);
	}
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct req_state *st = *con_cls;
	struct http_req r;
	char path[2048], ip[64];
	size_t plen;
	enum MHD_Result ret;
	(void)cls;
	(void)version;
	if (!st) {
		st = calloc(1, sizeof *st);
		if (!st)
			return MHD_NO;
		buf_init(&st->body, HELPO_MAX_BODY_BYTES);
		st->start_ms = time_mono_ms();
		*con_cls = st;
		atomic_fetch_add(&srv.inflight, 1);
		{
			/* A declared body over the limit is refused before it is sent (answering
			 * on this first call also closes the connection, which is what we want). */
			const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
								     MHD_HTTP_HEADER_CONTENT_LENGTH);
			if (cl && strtoull(cl, NULL, 10) > HELPO_MAX_BODY_BYTES)
				st->too_big = true;
			else
				return MHD_YES;
		}
	}
	memset(&r, 0, sizeof r);
	buf_init(&r.headers, 8192);
	r.conn = c;
	r.method = method;
	r.conf = srv.conf;
	if (*upload_size) {
		/* past the limit the rest is read and dropped; 413 comes at the end */
		if (!st->too_big && buf_add(&st->body, upload_data, *upload_size)) {
			st->too_big = true;
			buf_release(&st->body);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (st->answered)
		return MHD_YES;
	st->answered = true;
	client_ip(c, ip, sizeof ip);
	r.ip = ip;
	snprintf(path, sizeof path, "%s", url);
	plen = strlen(path);
	if (plen > 5 && !strcmp(path + plen - 5, ".json"))
		path[plen - 5] = '\0';
	plen = strlen(path);
	if (plen > 1 && path[plen - 1] == '/')
		path[plen - 1] = '\0';
	r.path = path;
	set_base_url(&r);
	if (st->too_big) {
		api_error(&r, 413, "RequestTooLarge", "The request body is too large");
	} else if (strlen(url) >= sizeof path - 1) {
		api_error(&r, 414, "URITooLong", "The request URI is too long");
	} else {
		r.body = st->body.data;
		r.body_len = st->body.len;
		r.db = thread_db();
		dispatch(&r);
	}
	if (!r.status)
		api_error(&r, 500, "InternalError", "The handler produced no answer");
	ret = respond(c, &r);
	log_info("%s %s %d %lldms", method, path, r.status,
		 (long long)(time_mono_ms() - st->start_ms));
	json_decref(r.resp);
	free(r.raw);
	buf_release(&r.headers);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct req_state *st = *con_cls;
	(void)cls;
	(void)c;
	(void)toe;
	if (!st)
		return;
	buf_release(&st->body);
	free(st);
	*con_cls = NULL;
	atomic_fetch_sub(&srv.inflight, 1);
}

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int parse_listen(const char *listen, struct sockaddr_in *sa)
{
	char host[128];
	const char *colon = strrchr(listen, ':');
	long port;
	char *end;
	if (!colon || (size_t)(colon - listen) >= sizeof host)
		return HELPO_EINVAL;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return HELPO_EINVAL;
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (!strcmp(host, "localhost"))
		snprintf(host, sizeof host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return HELPO_EINVAL;
	return 0;
}

int http_serve(const struct conf *conf, const char *db_path)
{
	struct sockaddr_in sa;
	struct MHD_Daemon *d;
	struct sigaction act;
	int64_t deadline;
	memset(&srv, 0, sizeof srv);
	srv.conf = conf;
	srv.db_path = db_path;
	srv.dbopt.synchronous_full = conf->db_synchronous_full;
	srv.dbopt.busy_timeout_ms = conf->db_busy_timeout_ms;
	if (parse_listen(conf->listen, &sa)) {
		log_error("listen: expected IPv4-ADDR:PORT, got '%s'", conf->listen);
		return HELPO_EINVAL;
	}
	pthread_key_create(&srv.db_key, close_thread_db);
	ratelimit_setup(conf->login_max_failures);
	memset(&act, 0, sizeof act);
	act.sa_handler = on_signal;
	sigaction(SIGINT, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
	signal(SIGPIPE, SIG_IGN);
	d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
			MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME,
		0, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)conf->http_threads,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)conf->connection_timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HELPO_MAX_HEADER_BYTES * 2,
		MHD_OPTION_CONNECTION_LIMIT, 4096u, MHD_OPTION_PER_IP_CONNECTION_LIMIT, 1024u,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_LISTEN_BACKLOG_SIZE,
		1024u, MHD_OPTION_END);
	if (!d) {
		log_error("cannot listen on %s (in use, or not a local address?)", conf->listen);
		return HELPO_EIO;
	}
	if (live_start(db_path, conf)) {
		log_error("cannot start the realtime feed");
		MHD_stop_daemon(d);
		return HELPO_EIO;
	}
	log_info("helpo serving on http://%s (%d threads)", conf->listen, conf->http_threads);
	while (!stop_requested)
		pause();
	log_info("stopping: no new connections; finishing in-flight requests");
	live_stop(); /* ends open event streams, so they do not hold the shutdown */
	MHD_quiesce_daemon(d);
	deadline = time_mono_ms() + 30000;
	while (atomic_load(&srv.inflight) > 0 && time_mono_ms() < deadline)
		usleep(10000);
	MHD_stop_daemon(d);
	pthread_key_delete(srv.db_key);
	log_info("stopped");
	return 0;
}
