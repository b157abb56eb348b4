/*
 * views.c — /api/v2/views.
 * (placeholder: filled in by the work on issue 4)
 */
#include "api/api.h"

const struct route api_view_routes[] = {
	{NULL, NULL, NULL, AUTH_NONE},
};
