/*
 * mail.c — placeholder until the mail commands land (being written).
 */
#include "cli/cli.h"

int cmd_mail_in(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "helpo mail-in: not available yet\n");
	return 75;
}

int cmd_mail_process(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "helpo mail-process: not available yet\n");
	return 1;
}

int cmd_mail_quarantine(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "helpo mail-quarantine: not available yet\n");
	return 1;
}

int cmd_mailbox(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "helpo mailbox: not available yet\n");
	return 1;
}
