/*
 * mail_admin.c — placeholder route table until this resource lands (being written).
 */
#include "api/api.h"

const struct route api_mail_admin_routes[] = {
	{NULL, NULL, NULL, AUTH_NONE},
};
