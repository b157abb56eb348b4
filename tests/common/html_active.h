/*
 * tests/common/html_active.h — one test oracle shared by the mail fuzz target and the fixture
 * corpus test: does stored (sanitized) HTML still contain anything active? Static inline, so
 * each test program includes it once.
 */
#ifndef HELPO_TEST_HTML_ACTIVE_H
#define HELPO_TEST_HTML_ACTIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
/*
 * Whether stored HTML is active: "<script" anywhere, or inside a tag an attribute named on...
 * (an event handler) or an attribute value starting with "javascript:". Text that mentions
 * them is escaped and harmless, and so is "onerror" inside some other attribute's value.
 */
static inline bool tag_active(const char *t, size_t n)
{
	char q = 0;
	for (size_t i = 1; i < n; i++) {
		char c = t[i], p = t[i - 1];
		if (q) {
			if (c == q)
				q = 0;
			continue;
		}
		if (c == '"' || c == '\'') {
			q = c;
			continue;
		}
		if ((p == ' ' || p == '\t' || p == '\n' || p == '\r' || p == '\f' || p == '/' ||
		     p == '"' || p == '\'') &&
		    n - i > 2 && !strncasecmp(t + i, "on", 2)) {
			size_t j = i + 2;
			while (j < n && ((t[j] | 0x20) >= 'a' && (t[j] | 0x20) <= 'z'))
				j++;
			while (j < n &&
			       (t[j] == ' ' || t[j] == '\t' || t[j] == '\n' || t[j] == '\r'))
				j++;
			if (j > i + 2 && j < n && t[j] == '=')
				return true;
		}
		if (c == '=') {
			size_t j = i + 1;
			while (j < n && (t[j] == ' ' || t[j] == '\t' || t[j] == '\n' ||
			                 t[j] == '"' || t[j] == '\''))
				j++;
			if (n - j >= 11 && !strncasecmp(t + j, "javascript:", 11))
				return true;
		}
	}
	return false;
}

static inline bool html_active(const char *h)
{
	if (strcasestr(h, "<script"))
		return true;
	for (const char *p = strchr(h, '<'); p; p = strchr(p + 1, '<')) {
		const char *end = strchr(p, '>');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (tag_active(p, n))
			return true;
		if (!end)
			break;
	}
	return false;
}

#endif
