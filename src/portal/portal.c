/*
 * portal.c — the customer portal: home, submit a request, my requests, sign-in.
 * (placeholder: filled in by the work on issue 4)
 */
#include "http/http.h"

bool portal_serve(struct http_req *r)
{
	(void)r;
	return false;
}
