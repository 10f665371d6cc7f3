/* prefilter.h — the literals every match of a pattern contains, and a quick test of a text for them. */
#ifndef MAILOPT_PREFILTER_H
#define MAILOPT_PREFILTER_H

#include <stddef.h>

/*
 * Most mail is not a request, and most rules need words that most mail
 * does not contain. A pattern is read once for the literals its matches
 * must contain; a text is summed up once as a set of trigrams; a pattern
 * whose literals cannot all be in the text need not run. The reading is
 * conservative: a "no" is always right, a "maybe" may be wrong.
 */
struct prefilter;
struct prefilter_pool;
struct textsum;

/*
 * The sets of literals of every pattern read with one pool are kept in
 * it once, so a text is checked for each once. A pool outlives the
 * prefilters read with it; caller owns it. Free accepts NULL.
 */
struct prefilter_pool *prefilter_pool_new(void);
void		 prefilter_pool_free(struct prefilter_pool *pool);

/*
 * Read the pattern pat[0..len) (PCRE2 syntax, caseless or not: the
 * check folds case; extended is the x flag). Returns what its matches
 * need (caller owns it: prefilter_free), or NULL when the prefilter
 * cannot tell: then why (whylen bytes) says so, starting with "cannot
 * read" when the pattern uses syntax this reading does not know (the
 * x flag, conditions, verbs, back references, \Q...) and with "no
 * literal" when some branch needs no literal of three letters.
 */
struct prefilter *prefilter_new(struct prefilter_pool *pool, const char *pat,
		    size_t len, int extended, char *why, size_t whylen);
/* Accepts NULL. */
void		 prefilter_free(struct prefilter *p);

/*
 * A text summed up; textsum_make fills it anew, and what a check learns
 * of a pool's set is kept in it until then. Caller owns it.
 */
struct textsum	*textsum_new(void);
void		 textsum_free(struct textsum *t);
void		 textsum_make(struct textsum *t, const char *s, size_t len);

/* 0 when no match of p can be in the text t sums up; 1 when one may be. */
int		 prefilter_may_match(const struct prefilter *p,
		    struct textsum *t);

/*
 * A gate before several prefilters (the branches of one rule): the set
 * each of their top-level branches checks first, each set once. When
 * none of those may occur in a text, none of the prefilters may match
 * and their branches need not be asked one by one. NULL (no gate) when
 * some prefilter is NULL. Caller owns it; free accepts NULL.
 */
struct prefilter_gate;
struct prefilter_gate *prefilter_gate_new(struct prefilter *const *p, size_t n);
void		 prefilter_gate_free(struct prefilter_gate *g);
/* 0 when no prefilter behind g may match the text t sums up; 1 when one may. */
int		 prefilter_gate_may_match(const struct prefilter_gate *g,
		    struct textsum *t);

#endif
