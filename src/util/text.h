/*
 * text.h — small text rules shared by the domain: UTF-8 validity, e-mail normalisation,
 * search folding (ё→е), tag syntax.
 */
#ifndef HELPO_TEXT_H
#define HELPO_TEXT_H

#include "util/common.h"

bool text_utf8_valid(const char *s, size_t len);
/* Lower-cases ASCII in place and checks the shape local@domain; HELPO_EINVAL if invalid. */
int text_email_normalize(char *email);
/* Folds ё→е and Ё→Е in place (same byte length), for the search index and queries. */
void text_fold_yo(char *s);
/* A Zendesk tag: no whitespace, lower-cased in place; HELPO_EINVAL if empty or invalid. */
int text_tag_normalize(char *tag);

#endif
