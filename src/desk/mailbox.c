/*
 * mailbox.c — placeholder until mailboxes land (being written): see desk.h.
 */
#include "desk/desk_int.h"

int desk_mailbox_create(struct db *db, const struct desk_actor *a, json_t *in, json_t **out,
			struct desk_err *err)
{
	(void)db; (void)a; (void)in; (void)out;
	return desk_fail(err, HELPO_EINVAL, "", "not available yet");
}

int desk_mailbox_get(struct db *db, const struct desk_actor *a, int64_t id, json_t **out)
{
	(void)db; (void)a; (void)id; (void)out;
	return HELPO_ENOTFOUND;
}

int desk_mailbox_update(struct db *db, const struct desk_actor *a, int64_t id, json_t *in,
			json_t **out, struct desk_err *err)
{
	(void)db; (void)a; (void)id; (void)in; (void)out; (void)err;
	return HELPO_ENOTFOUND;
}

int desk_mailbox_delete(struct db *db, const struct desk_actor *a, int64_t id,
			struct desk_err *err)
{
	(void)db; (void)a; (void)id; (void)err;
	return HELPO_ENOTFOUND;
}

int desk_mailbox_list(struct db *db, const struct desk_actor *a, const struct desk_page *p,
		      struct desk_list *out)
{
	(void)db; (void)a; (void)p;
	memset(out, 0, sizeof *out);
	out->rows = json_array();
	out->count = 0;
	return 0;
}
