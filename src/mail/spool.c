/*
 * spool.c — placeholder until the durable spool lands (being written): see spool.h.
 */
#include "mail/spool.h"

int spool_setup(const char *data_dir)
{
	(void)data_dir;
	return HELPO_EIO;
}

int spool_put(const char *data_dir, const void *raw, size_t len, const char *mailbox,
	      char name_out[256])
{
	(void)data_dir; (void)raw; (void)len; (void)mailbox; (void)name_out;
	return HELPO_EIO;
}
