/* prefilter.h — the literals every match of a pattern contains, and a quick test of a text for them. */
#ifndef MAILOPT_PREFILTER_H
#define MAILOPT_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

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

/*
 * What a pool and a prefilter read with it hold, as plain arrays, so
 * that the rules as loaded can be kept between runs (rules_cache.c).
 * A pool's sets: start[0..n] and tri[0..start[n]) as the pool keeps
 * them; a prefilter's need[0..len). The arrays belong to their owner.
 */
void		 prefilter_pool_arrays(const struct prefilter_pool *pool,
		    const uint32_t **start, size_t *n, const uint16_t **tri);
const uint32_t	*prefilter_need(const struct prefilter *p, size_t *len);

/*
 * A pool, or a prefilter of pool, made again from those arrays, which
 * are copied, however aligned (start: n + 1 uint32_t, its last the
 * count of tri's uint16_t; raw: len uint32_t); NULL when they are not
 * what a pool or prefilter can hold (a set that does not parse, an
 * index past the pool), so a damaged copy is refused, never read out
 * of bounds.
 */
struct prefilter_pool *prefilter_pool_from(const void *start, size_t n,
		    const void *tri);
struct prefilter *prefilter_from(const struct prefilter_pool *pool,
		    const void *raw, size_t len);

#endif
