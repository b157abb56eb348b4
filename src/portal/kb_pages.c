/*
 * kb_pages.c — public knowledge-base pages /hc/{locale}/..., sitemap.xml.
 * (placeholder: filled in by the work on issue 4)
 */
#include "http/http.h"

bool kb_pages_serve(struct http_req *r)
{
	(void)r;
	return false;
}
