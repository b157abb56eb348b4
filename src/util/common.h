/*
 * common.h — included first by every Helpo source file: standard headers, attributes,
 * helpo_assert(), and the banned-function list.
 */
#ifndef HELPO_COMMON_H
#define HELPO_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define UNUSED __attribute__((unused))

/* A bug in Helpo, never a bad request: log and abort. */
#define helpo_assert(cond)                                                                       \
	do {                                                                                     \
		if (!(cond))                                                                     \
			helpo_assert_fail(#cond, __FILE__, __LINE__);                            \
	} while (0)
_Noreturn void helpo_assert_fail(const char *expr, const char *file, int line);

/* Allocation that cannot fail: aborts on OOM (start-up and tiny objects only). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);

#include "util/banned.h"

#endif
