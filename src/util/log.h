/*
 * log.h — leveled logging to stderr with timestamps. Never log passwords, tokens, cookies or
 * message bodies. log_set_level() filters; HELPO_LOG_LEVEL (debug|info|warn|error) sets it.
 */
#ifndef HELPO_LOG_H
#define HELPO_LOG_H

#include "util/common.h"

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level level);
int log_level_parse(const char *s, enum log_level *out);
void log_msg(enum log_level level, const char *fmt, ...) PRINTF_LIKE(2, 3);

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
