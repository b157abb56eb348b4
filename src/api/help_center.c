/*
 * help_center.c — /api/v2/help_center/... (Zendesk Help Center API shape).
 * (placeholder: filled in by the work on issue 4)
 */
#include "api/api.h"

const struct route api_help_center_routes[] = {
	{NULL, NULL, NULL, AUTH_NONE},
};
