/*
 * live.c — /api/v2/stream (Server-Sent Events) and ticket presence endpoints.
 * (placeholder: filled in by the work on issue 4)
 */
#include "api/api.h"

const struct route api_live_routes[] = {
	{NULL, NULL, NULL, AUTH_NONE},
};
