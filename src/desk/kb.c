/*
 * kb.c — knowledge base domain: categories, sections, articles, translations, votes, views, deflection.
 * (placeholder: filled in by the work on issue 4)
 */
#include "util/common.h"
extern int helpo_kb_placeholder;
