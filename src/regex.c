/* regex.c — a PCRE2 match that the JIT runs when it can and the interpreter decides when the JIT gives up. */
#include "config.h"

#include "regex.h"

int
regex_match(const pcre2_code *re, const char *s, size_t n, uint32_t opts,
    pcre2_match_data *md, pcre2_match_context *mctx, int jitted)
{
	int rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, opts, md, mctx);

	/* a callout's refusal is the caller's answer, not the JIT's limit */
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH && rc != PCRE2_ERROR_CALLOUT &&
	    jitted)
		rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, opts | PCRE2_NO_JIT,
		    md, mctx);
	return rc;
}
