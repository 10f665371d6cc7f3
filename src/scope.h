/* scope.h — whether the words of a request are the writer's wish: not under a negation ("please do not sign me up again"), nor what someone else asked ("you asked whether I'd like to opt back in"), nor the writer's own past ("I had asked you to stop"). */
#ifndef MAILOPT_SCOPE_H
#define MAILOPT_SCOPE_H

#include <stddef.h>

/*
 * An opt-in rule reads a wish to be put (back) on; the same words under
 * a negation are a refusal, and in a question someone else asked they
 * are that question, which the writer may well answer "no". The rules
 * of each language foresee the phrasings their writers thought of, and
 * another language's rule none at all (a Portuguese "reativem" in a
 * Spanish "no me reactiven"). So every opt-in a rule reads is checked
 * here, with the words of the languages the text may be written in,
 * from each language's rule file (mailopt-rules(5)):
 *
 * - negation: the clause the opt-in ends in, from the last boundary
 *   before its end, must hold none. Punctuation, a dash between
 *   blanks, a blank line, an emoji and a conjunction ("but", "and",
 *   "aber") end a clause, so that "I no longer get the newsletter, but
 *   please send it again" stays an opt-in;
 * - reported: the sentence the opt-in ends in, from the last full stop,
 *   question or exclamation mark, semicolon or blank line, must hold no
 *   words that report another's question or offer ("you asked whether",
 *   "fragen Sie, ob", "mi ha chiesto se");
 * - told: the clause must hold no words that tell the writer's own past
 *   ("acepté que cedieran mis datos": consent given then, not asked
 *   now). An opt-out is checked for them too, in its sentence
 *   (scope_told).
 */
#define SCOPE_REACH	400	/* bytes before an opt-in's end looked at, at most */

/* The words of a language, from the rule-file keyword of the same name. */
enum scope_words {
	SCOPE_NEGATION,
	SCOPE_CONJUNCTION,
	SCOPE_REPORTED,
	SCOPE_TOLD,
	SCOPE_WORDS
};
/* The keywords, by enum scope_words: "negation", "conjunction", "reported", "told". */
extern const char *const scope_keyword[SCOPE_WORDS];

/* What scope_refused found. */
#define SCOPE_NEGATED	1	/* a negation in the opt-in's clause */
#define SCOPE_ASKED	2	/* another's question or offer in its sentence */
#define SCOPE_TOLD	3	/* the writer's own past told in its clause */

struct scope;

/*
 * words[i][k] (NULL when none) is the alternation of language i's
 * words of kind k, for i < n, each checked to compile (scope_check);
 * they are copied, and compiled when an opt-in is first checked. Each
 * is matched caseless, as a whole word. Caller owns the result;
 * scope_free accepts NULL. A struct scope is match state: one thread at
 * a time.
 */
struct scope	*scope_new(const char *const (*words)[SCOPE_WORDS], int n);
void		 scope_free(struct scope *sc);
/* 0 when alt compiles as an alternation of words, else -1 with why set. */
int		 scope_check(const char *alt, char *why, size_t whylen);

/*
 * Whether the opt-in that ends at eo in s[0..len) is no wish of the
 * writer's, by the words of the languages of langs (bit i: language i):
 * a negation in its clause, or ending the clauses set off before it by
 * commas, or answering it as a question; another's question or offer
 * in its sentence; the writer's past in its clause. Returns
 * SCOPE_NEGATED, SCOPE_ASKED or SCOPE_TOLD and sets *cs to the start of
 * the clause or sentence read; 0 when none (or the words did not
 * compile, said once, or a match failed: an opt-in is then left as
 * read).
 */
int		 scope_refused(struct scope *sc, const char *s, size_t len,
		    size_t eo, unsigned long langs, size_t *cs);

/*
 * Whether the opt-out at s[so..eo) is told as the writer's past ("les
 * pedí que no pasaran mis datos a sus socios", "ich hatte Sie gebeten,
 * mir keine Kataloge mehr zu schicken"): a told word from the start of
 * the sentence so is in (at most SCOPE_REACH bytes back) to eo, or,
 * when the match runs across the end of a sentence (a rule that reads
 * the story and the wish after it), in its last sentence. Returns
 * SCOPE_TOLD and sets *cs to where it read from, or 0.
 */
int		 scope_told(struct scope *sc, const char *s, size_t so,
		    size_t eo, unsigned long langs, size_t *cs);

/*
 * Whether s[at] is inside a quotation opened before it in its
 * paragraph (at most SCOPE_REACH bytes back): the words of a form or a
 * mail the writer cites, not the writer's own (I ticked the box "no
 * offers from third parties", please untick it).
 */
int		 scope_quoted(const char *s, size_t at);

#endif
