/*
 * email.c — placeholder until e-mail ingest lands (being written): see desk.h.
 */
#include "desk/desk_int.h"

int desk_email_ingest(struct db *db, const struct desk_email *m, struct desk_ingest_result *out,
		      struct desk_err *err)
{
	(void)db; (void)m; (void)out;
	return desk_fail(err, HELPO_EINVAL, "", "e-mail ingest is not available yet");
}

int desk_ticket_tag(struct db *db, int64_t ticket_id, char out[64])
{
	(void)db;
	snprintf(out, 64, "[#%lld]", (long long)ticket_id);
	return 0;
}

int64_t desk_ticket_tag_parse(struct db *db, const char *subject)
{
	(void)db; (void)subject;
	return 0;
}
