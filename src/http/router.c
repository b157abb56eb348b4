/*
 * router.c — matches a request's method and path against the route tables of src/api/.
 * Patterns are literal segments and ":name" segments that match a positive integer.
 */
#include "http/http.h"
#include "api/api.h"
#include <errno.h>

extern const struct route http_home_routes[]; /* home.c: "/healthz" */

static const struct route *const tables[] = {
	http_home_routes,
	api_session_routes, api_ticket_routes, api_request_routes, api_user_routes,
	api_org_routes,     api_group_routes,  api_membership_routes, api_search_routes,
	api_mailbox_routes, api_attachment_routes, api_mail_admin_routes,
	api_help_center_routes, api_view_routes, api_macro_routes, api_live_routes,
	api_token_routes,
};

/* Matches one pattern; fills params. */
static bool match(const char *pattern, const char *path, int64_t *params, int *nparams)
{
	const char *p = pattern, *s = path;
	int n = 0;
	while (*p && *s) {
		if (*p == ':') {
			char *end;
			long long v;
			if (*s < '1' || *s > '9')
				return false;
			errno = 0;
			v = strtoll(s, &end, 10);
			if (errno || v <= 0 || (*end && *end != '/') || n >= HTTP_MAX_PARAMS)
				return false;
			params[n++] = v;
			s = end;
			while (*p && *p != '/')
				p++;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	if (*p || *s)
		return false;
	*nparams = n;
	return true;
}

int router_match(struct http_req *r, const struct route **out)
{
	bool path_found = false;
	for (size_t t = 0; t < ARRAY_SIZE(tables); t++)
		for (const struct route *rt = tables[t]; rt->method; rt++) {
			int64_t params[HTTP_MAX_PARAMS];
			int n = 0;
			if (!match(rt->pattern, r->path, params, &n))
				continue;
			path_found = true;
			if (strcmp(rt->method, r->method) &&
			    !(!strcmp(rt->method, "PUT") && !strcmp(r->method, "PATCH")))
				continue;
			memcpy(r->params, params, sizeof params);
			r->nparams = n;
			*out = rt;
			return 0;
		}
	return path_found ? HELPO_EINVAL : HELPO_ENOTFOUND;
}
