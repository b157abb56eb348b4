/*
 * macro.c — macros: canned replies that set fields and insert text (Zendesk /api/v2/macros shape).
 * (placeholder: filled in by the work on issue 4)
 */
#include "util/common.h"
extern int helpo_macro_placeholder;
