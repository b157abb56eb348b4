/*
 * main.c — the helpo command: dispatches to the subcommands in src/cli/.
 */
#include "util/common.h"

int cli_main(int argc, char **argv);

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
