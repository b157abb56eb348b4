/*
 * macros.c — /api/v2/macros.
 * (placeholder: filled in by the work on issue 4)
 */
#include "api/api.h"

const struct route api_macro_routes[] = {
	{NULL, NULL, NULL, AUTH_NONE},
};
