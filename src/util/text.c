/*
 * text.c — see text.h.
 */
#include "util/text.h"
#include "util/limits.h"
#include <ctype.h>

bool text_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str, *e = s + len;
	while (s < e) {
		unsigned c = *s;
		int n;
		unsigned cp;
		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else
			return false;
		if (e - s <= n)
			return false;
		for (int i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i] & 0x3f);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		s += n + 1;
	}
	return true;
}

int text_email_normalize(char *email)
{
	size_t len = strlen(email);
	char *at = strrchr(email, '@');
	if (len < 3 || len > HELPO_MAX_EMAIL_BYTES || !at || at == email || !at[1] ||
	    !strchr(at + 1, '.') || strchr(email, '@') != at)
		return HELPO_EINVAL;
	for (char *p = email; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' ||
		    c == '"' || c == '\\' || c == '(' || c == ')' || c == '[' || c == ']')
			return HELPO_EINVAL;
		*p = (char)tolower(c);
	}
	if (at[1] == '.' || email[len - 1] == '.')
		return HELPO_EINVAL;
	return 0;
}

void text_fold_yo(char *s)
{
	for (unsigned char *p = (unsigned char *)s; *p; p++) {
		if (p[0] == 0xd1 && p[1] == 0x91) { /* ё U+0451 -> е U+0435 */
			p[0] = 0xd0;
			p[1] = 0xb5;
			p++;
		} else if (p[0] == 0xd0 && p[1] == 0x81) { /* Ё U+0401 -> Е U+0415 */
			p[1] = 0x95;
			p++;
		}
	}
}

int text_tag_normalize(char *tag)
{
	size_t len = strlen(tag);
	if (!len || len > HELPO_MAX_TAG_BYTES || !text_utf8_valid(tag, len))
		return HELPO_EINVAL;
	for (unsigned char *p = (unsigned char *)tag; *p; p++) {
		if (*p <= ' ' || *p == ',' || *p == 0x7f)
			return HELPO_EINVAL;
		*p = (unsigned char)tolower(*p);
	}
	return 0;
}
