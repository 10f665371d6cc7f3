/* regex.h — PCRE2 patterns compiled with their error told, and matched by the JIT when it can and by the interpreter when the JIT gives up. */
#ifndef MAILOPT_REGEX_H
#define MAILOPT_REGEX_H

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#include <stddef.h>

/*
 * pcre2_compile of the NUL-terminated src with options opts; NULL,
 * with why set to PCRE2's message and the offset, when it does not.
 */
pcre2_code *regex_compile(const char *src, uint32_t opts, char *why,
	    size_t whylen);

/*
 * pcre2_match of re on s[0..n) from start (what is before it is read
 * only by lookbehinds and \b), with the match options
 * opts (PCRE2_NOTEOL, say), md and mctx;
 * jitted says re may have been JIT-compiled. The JIT's stack and match
 * limit are not the interpreter's: a JIT match that fails for them is
 * matched again by the interpreter, so that a pattern's answer never
 * depends on whether it was JIT-compiled yet (after how many messages,
 * in which sweep thread, in a deliver of one); a callout's refusal
 * (PCRE2_ERROR_CALLOUT) is not. Returns pcre2_match's code.
 */
int	 regex_match(const pcre2_code *re, const char *s, size_t n,
	    size_t start, uint32_t opts, pcre2_match_data *md,
	    pcre2_match_context *mctx, int jitted);

#endif
