/*
 * sanitize.c — fuzz target: any bytes through html_sanitize and html_to_text. Checks the
 * sanitizer's promises on every input: no crash, output never contains "<script", and
 * S(S(x)) == S(x).
 */
#include "fuzz.h"
#include "util/sanitize.h"
#include "util/html.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *a, *b, *t;
	if (size > 64 * 1024)
		return 0;
	a = html_sanitize((const char *)data, size);
	if (!a)
		return 0;
	if (strstr(a, "<script") || strstr(a, " on") != NULL) {
		/* " on" may be text; only an attribute would be inside a tag: check tags */
		for (char *p = a; (p = strchr(p, '<')); p++) {
			char *end = strchr(p, '>');
			char save;
			if (!end)
				break;
			save = *end;
			*end = '\0';
			if (strstr(p, "<script") || strstr(p, " on"))
				abort();
			*end = save;
		}
	}
	b = html_sanitize(a, strlen(a));
	if (!b || strcmp(a, b))
		abort();
	t = html_to_text((const char *)data, size);
	free(t);
	free(a);
	free(b);
	return 0;
}
