/* refusal.h — whether the words of an opt-in are negated: "please do not sign me up again" asks for no change. */
#ifndef MAILOPT_REFUSAL_H
#define MAILOPT_REFUSAL_H

#include <stddef.h>

/*
 * An opt-in rule reads a wish to be put (back) on; the same words under
 * a negation are a refusal, which the rules of each language foresee
 * only in the phrasings their writers thought of, and another
 * language's rule not at all (a Portuguese "reativem" in a Spanish "no
 * me reactiven"). So every opt-in a rule reads is checked here: the
 * clause it ends in, from the last sentence or clause boundary before
 * its end, must hold no negation of a language the text may be written
 * in. Each language brings its words, from its rule file's `negation`
 * and `conjunction` lines (mailopt-rules(5)): a conjunction ("but",
 * "and", "aber") opens a new clause, as punctuation, a blank line, a
 * dash or an emoji does, so that "I no longer get the newsletter, but
 * please send it again" stays an opt-in.
 */
#define REFUSAL_REACH	400	/* bytes before an opt-in's end looked at, at most */

struct refusal;

/*
 * neg[i] and conj[i] (each NULL when none) are the alternations of
 * language i's negation and conjunction words, for i < n; each is
 * matched caseless, as a whole word. NULL, with why set, when one does
 * not compile. Caller owns the result; refusal_free accepts NULL. A
 * struct refusal is match state: one thread at a time.
 */
struct refusal	*refusal_new(const char *const *neg, const char *const *conj,
		    int n, char *why, size_t whylen);
void		 refusal_free(struct refusal *rf);
/* 0 when alt compiles as an alternation of words, else -1 with why set. */
int		 refusal_check(const char *alt, char *why, size_t whylen);

/*
 * Whether the clause of s that ends at eo (an opt-in's match in s,
 * which is at least eo bytes long) holds a negation of one of the
 * languages of langs (bit i: language i). Returns 1 and sets *cs to
 * the clause's start and [*ns, *ne) to the negation; 0 when there is
 * none (or a match failed: an opt-in is then left as read).
 */
int		 refusal_find(struct refusal *rf, const char *s, size_t eo,
		    unsigned long langs, size_t *cs, size_t *ns, size_t *ne);

#endif
