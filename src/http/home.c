/*
 * home.c — "/healthz", for load balancers and monitoring: 200 when the database answers, 503
 * otherwise. ("/" is the customer portal: src/portal/portal.c.)
 */
#include "http/http.h"
#include "api/api.h"

static void healthz(struct http_req *r)
{
	int64_t one = 0;
	if (db_int(r->db, &one, "SELECT 1", "") || one != 1) {
		api_error(r, 503, "Unavailable", "The database does not answer");
		return;
	}
	api_reply(r, 200, json_pack("{s:s,s:s}", "status", "ok", "database", "ok"));
}

const struct route http_home_routes[] = {
	{"GET", "/healthz", healthz, AUTH_NONE},
	{NULL, NULL, NULL, AUTH_NONE},
};
