/* regex.c — PCRE2 patterns compiled with their error told, and matched by the JIT when it can and by the interpreter when the JIT gives up. */
#include "config.h"

#include <stdio.h>

#include "regex.h"

pcre2_code *
regex_compile(const char *src, uint32_t opts, char *why, size_t whylen)
{
	pcre2_code *re;
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	int err;

	re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, opts,
	    &err, &off, NULL);
	if (re == NULL) {
		pcre2_get_error_message(err, msg, sizeof msg);
		snprintf(why, whylen, "%s at offset %zu", (char *)msg,
		    (size_t)off);
	}
	return re;
}

int
regex_match(const pcre2_code *re, const char *s, size_t n, size_t start,
    uint32_t opts, pcre2_match_data *md, pcre2_match_context *mctx, int jitted)
{
	int rc = pcre2_match(re, (PCRE2_SPTR)s, n, start, opts, md, mctx);

	/* a callout's refusal is the caller's answer, not the JIT's limit */
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH && rc != PCRE2_ERROR_CALLOUT &&
	    jitted)
		rc = pcre2_match(re, (PCRE2_SPTR)s, n, start, opts | PCRE2_NO_JIT,
		    md, mctx);
	return rc;
}
