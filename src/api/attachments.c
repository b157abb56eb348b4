/*
 * attachments.c — placeholder route table until this resource lands (being written).
 */
#include "api/api.h"

const struct route api_attachment_routes[] = {
	{NULL, NULL, NULL, AUTH_NONE},
};
