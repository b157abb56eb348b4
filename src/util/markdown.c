/*
 * markdown.c — Markdown (CommonMark + GFM tables/strikethrough/autolinks) to sanitized HTML via cmark-gfm.
 * (placeholder: filled in by the work on issue 4)
 */
#include "util/common.h"
extern int helpo_markdown_placeholder;
