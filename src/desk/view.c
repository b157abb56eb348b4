/*
 * view.c — views: shared/personal ticket lists defined by conditions (Zendesk /api/v2/views shape).
 * (placeholder: filled in by the work on issue 4)
 */
#include "util/common.h"
extern int helpo_view_placeholder;
