/*
 * api_tokens.c — /api/v2/api_tokens.
 * (placeholder: filled in by the work on issue 4)
 */
#include "api/api.h"

const struct route api_token_routes[] = {
	{NULL, NULL, NULL, AUTH_NONE},
};
