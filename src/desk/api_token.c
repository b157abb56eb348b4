/*
 * api_token.c — API tokens: list, create (the token shown once), revoke.
 * (placeholder: filled in by the work on issue 4)
 */
#include "util/common.h"
extern int helpo_api_token_placeholder;
