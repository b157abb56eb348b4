/*
 * util.c — the few process-wide helpers: error names, assert failure, aborting allocators.
 */
#include "util/common.h"
#include "util/log.h"

const char *helpo_strerror(int err)
{
	switch (err) {
	case HELPO_OK: return "ok";
	case HELPO_ENOMEM: return "out of memory";
	case HELPO_EINVAL: return "invalid input";
	case HELPO_ENOTFOUND: return "not found";
	case HELPO_EFORBIDDEN: return "forbidden";
	case HELPO_ECONFLICT: return "conflict";
	case HELPO_EDB: return "database error";
	case HELPO_ETOOBIG: return "over a size limit";
	case HELPO_EIO: return "I/O error";
	case HELPO_EBUSY: return "database busy";
	case HELPO_EAUTH: return "authentication failed";
	case HELPO_ECLOSED: return "ticket is closed";
	}
	return "unknown error";
}

_Noreturn void helpo_assert_fail(const char *expr, const char *file, int line)
{
	log_error("assertion failed: %s (%s:%d)", expr, file, line);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		log_error("out of memory");
		abort();
	}
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p) {
		log_error("out of memory");
		abort();
	}
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = xmalloc(n);
	memcpy(p, s, n);
	return p;
}
