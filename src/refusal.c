/* refusal.c — whether the words of an opt-in are negated: "please do not sign me up again" asks for no change. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "refusal.h"
#include "regex.h"
#include "util.h"

#define FLAGS	(PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | \
		 PCRE2_MATCH_INVALID_UTF)

/* a language's words, matched whole */
#define WORD_OPEN	"(?<!\\w)(?:"
#define WORD_CLOSE	")(?!\\w)"

/*
 * What ends a clause in every language: sentence and clause
 * punctuation (the Spanish opening marks too), a dash between blanks,
 * a blank line, and an emoji, which phones put where a full stop was.
 */
static const char stops_src[] =
    "[.!?;:,(\\x{a1}\\x{bf}\\x{2013}\\x{2014}]"
    "|\\s-+\\s"
    "|\\n[\\t ]*\\n"
    "|[\\x{2600}-\\x{27bf}\\x{1f000}-\\x{1faff}]";

struct refusal {
	pcre2_code	*stops;
	int		 n;
	pcre2_code	**neg;		/* n each, NULL where a language has none */
	pcre2_code	**conj;
	pcre2_match_context *mctx;
	pcre2_match_data *md;
};

/* alt as whole words; NULL with why set when it does not compile */
static pcre2_code *
compile_words(const char *alt, char *why, size_t whylen)
{
	char *src = xasprintf("%s%s%s", WORD_OPEN, alt, WORD_CLOSE);
	pcre2_code *re;
	size_t open = strlen(WORD_OPEN);

	re = regex_compile(src, FLAGS, why, whylen);
	free(src);
	if (re == NULL) {
		/* the offset as the writer counts it, in alt */
		const char *at = strstr(why, " at offset ");
		size_t off;

		if (at != NULL && sscanf(at, " at offset %zu", &off) == 1)
			snprintf((char *)at, whylen - (size_t)(at - why),
			    " at offset %zu", off > open ? off - open : 0);
	}
	return re;
}

int
refusal_check(const char *alt, char *why, size_t whylen)
{
	pcre2_code *re = compile_words(alt, why, whylen);

	pcre2_code_free(re);
	return re ? 0 : -1;
}

struct refusal *
refusal_new(const char *const *neg, const char *const *conj, int n,
    char *why, size_t whylen)
{
	struct refusal *rf = xcalloc(1, sizeof *rf);

	rf->n = n;
	rf->neg = xcalloc(n > 0 ? (size_t)n : 1, sizeof *rf->neg);
	rf->conj = xcalloc(n > 0 ? (size_t)n : 1, sizeof *rf->conj);
	if ((rf->stops = regex_compile(stops_src, FLAGS, why, whylen)) == NULL)
		goto fail;
	for (int i = 0; i < n; i++) {
		if (neg[i] != NULL &&
		    (rf->neg[i] = compile_words(neg[i], why, whylen)) == NULL)
			goto fail;
		if (conj[i] != NULL &&
		    (rf->conj[i] = compile_words(conj[i], why, whylen)) == NULL)
			goto fail;
	}
	rf->mctx = pcre2_match_context_create(NULL);
	rf->md = pcre2_match_data_create(1, NULL);
	if (rf->mctx == NULL || rf->md == NULL) {
		snprintf(why, whylen, "out of memory");
		goto fail;
	}
	/* the words are few and the clause short: bounded all the same */
	pcre2_set_match_limit(rf->mctx, 100000);
	pcre2_set_heap_limit(rf->mctx, 1024);
	return rf;
fail:
	refusal_free(rf);
	return NULL;
}

void
refusal_free(struct refusal *rf)
{
	if (rf == NULL)
		return;
	pcre2_code_free(rf->stops);
	for (int i = 0; i < rf->n; i++) {
		pcre2_code_free(rf->neg[i]);
		pcre2_code_free(rf->conj[i]);
	}
	free(rf->neg);
	free(rf->conj);
	pcre2_match_data_free(rf->md);
	pcre2_match_context_free(rf->mctx);
	free(rf);
}

/*
 * Move *last to the end of the last match of re in s[lo..e), if it
 * ends later. -1 when a match failed for its limits.
 */
static int
last_end(struct refusal *rf, const pcre2_code *re, const char *s,
    size_t lo, size_t e, size_t *last)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(rf->md);
	size_t at = lo;
	int rc;

	while (at < e) {
		rc = pcre2_match(re, (PCRE2_SPTR)s, e, at, 0, rf->md, rf->mctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			return 0;
		if (rc < 0)
			return -1;
		if (ov[1] > *last)
			*last = ov[1];
		at = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
	return 0;
}

static int
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static int
is_end(unsigned char c)
{
	return c == '.' || c == '!' || c == '?' || c == ';';
}

static int
is_trailing(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '.' || c == '!' ||
	    c == '?' || c == ',' || c == ';' || c == ':' || c == ')';
}

int
refusal_find(struct refusal *rf, const char *s, size_t eo,
    unsigned long langs, size_t *cs, size_t *ns, size_t *ne)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(rf->md);
	size_t lo = eo > REFUSAL_REACH ? eo - REFUSAL_REACH : 0;
	size_t e = eo, start;
	int i, rc;

	/* from a character's start: never inside one */
	while (lo < eo && ((unsigned char)s[lo] & 0xc0) == 0x80)
		lo++;
	/*
	 * A match that takes in the end of its sentence (". ") is a rule
	 * that read what comes after it by looking ahead, such as a wish
	 * after the opt-out it undoes ("I asked for no more catalogues.
	 * Please send them again"): its clause is not the wish's.
	 */
	while (e > lo && is_blank((unsigned char)s[e - 1]))
		e--;
	if (e > lo && e < eo && is_end((unsigned char)s[e - 1]))
		return 0;
	while (e > lo && is_trailing((unsigned char)s[e - 1]))
		e--;
	start = lo;
	if (last_end(rf, rf->stops, s, lo, e, &start) == -1)
		return 0;
	for (i = 0; i < rf->n && i < (int)(sizeof langs * 8); i++)
		if ((langs & 1ul << i) && rf->conj[i] != NULL &&
		    last_end(rf, rf->conj[i], s, lo, e, &start) == -1)
			return 0;
	for (i = 0; i < rf->n && i < (int)(sizeof langs * 8); i++) {
		if (!(langs & 1ul << i) || rf->neg[i] == NULL)
			continue;
		rc = pcre2_match(rf->neg[i], (PCRE2_SPTR)s, e, start, 0,
		    rf->md, rf->mctx);
		if (rc >= 0) {
			*cs = start;
			*ns = ov[0];
			*ne = ov[1];
			return 1;
		}
	}
	return 0;
}
