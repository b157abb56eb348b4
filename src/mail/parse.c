/*
 * parse.c — placeholder until the GMime parser lands (being written): see mail.h.
 */
#include "mail/mail.h"

void mail_init(void)
{
}

int mail_parse(const void *raw, size_t len, const char *mailbox, struct mail_msg **out)
{
	(void)raw; (void)len; (void)mailbox; (void)out;
	return HELPO_EINVAL;
}

void mail_msg_free(struct mail_msg *m)
{
	free(m);
}
