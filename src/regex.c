/* regex.c — a PCRE2 match that the JIT runs when it can and the interpreter decides when the JIT gives up. */
#include "config.h"

#include "regex.h"

int
regex_match(const pcre2_code *re, const char *s, size_t n,
    pcre2_match_data *md, pcre2_match_context *mctx, int jitted)
{
	int rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, mctx);

	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH && jitted)
		rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, PCRE2_NO_JIT, md,
		    mctx);
	return rc;
}
