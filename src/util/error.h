/*
 * error.h — the one error convention: functions return 0 on success or a negative HELPO_E*
 * code. helpo_strerror() names a code for logs and CLI messages.
 */
#ifndef HELPO_ERROR_H
#define HELPO_ERROR_H

enum helpo_err {
	HELPO_OK = 0,
	HELPO_ENOMEM = -1,   /* allocation failed */
	HELPO_EINVAL = -2,   /* invalid input (a field, a value) */
	HELPO_ENOTFOUND = -3, /* no such object, or the actor may not see it */
	HELPO_EFORBIDDEN = -4, /* the actor sees the object but may not do this */
	HELPO_ECONFLICT = -5, /* unique constraint, or state forbids the change */
	HELPO_EDB = -6,      /* database error */
	HELPO_ETOOBIG = -7,  /* over a named limit */
	HELPO_EIO = -8,      /* file or network I/O */
	HELPO_EBUSY = -9,    /* database busy/locked beyond the timeout */
	HELPO_EAUTH = -10,   /* authentication failed */
	HELPO_ECLOSED = -11, /* ticket is closed: no further changes */
};

const char *helpo_strerror(int err);

#endif
