/*
 * attachment.c — placeholder until attachments land (being written): see desk.h.
 */
#include "desk/desk_int.h"

int desk_attachment_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out)
{
	(void)db; (void)a; (void)id; (void)out;
	return HELPO_ENOTFOUND;
}

int desk_attachment_data(struct db *db, const struct desk_actor *a, int64_t id, void **data,
			 size_t *size, char **content_type, char **file_name)
{
	(void)db; (void)a; (void)id; (void)data; (void)size; (void)content_type; (void)file_name;
	return HELPO_ENOTFOUND;
}
