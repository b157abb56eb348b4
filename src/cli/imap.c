/*
 * imap.c — placeholder until the IMAP account commands land (being written).
 */
#include "cli/cli.h"

int cmd_imap(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "helpo imap: not available yet\n");
	return 1;
}
