/* html.c — the text a person sees in an HTML mail body. */
#include "config.h"

#include "html.h"
#include "util.h"

char *
html_to_text(const char *s, size_t n)
{
	return xstrndup(s, n);
}
