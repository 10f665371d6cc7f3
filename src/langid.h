/* langid.h — which languages a text is written in, by counting the common words of each. */
#ifndef MAILOPT_LANGID_H
#define MAILOPT_LANGID_H

#include <stddef.h>

/*
 * Rules of one language read words of another by accident: a
 * Portuguese "registe" inside an English "registered", a Dutch "AVG"
 * in an English subject. A text in which the common words of some
 * languages occur plainly, and those of another not at all, is not
 * read by that other language's rules. Each language's words come
 * from its rule file (`words`); the check is words, not trigrams, so
 * "para" counts for Spanish and Portuguese alike and "com" of
 * "example.com" is no word.
 */
#define LANGID_MAX	32	/* languages a struct langid tells apart */

struct langid;

/* Free accepts NULL. */
struct langid	*langid_new(void);
void		 langid_free(struct langid *l);

/*
 * Add word (lower case UTF-8, letters only) as common in language
 * lang (0 .. LANGID_MAX-1). Returns -1 (and adds nothing) for a word
 * that is no word by langid_count's reading.
 */
int		 langid_add(struct langid *l, int lang, const char *word);

/*
 * Count in counts[lang] the words of each language among the first
 * LANGID_TEXT bytes of s[0..len); a word common in two languages
 * counts for both. counts has LANGID_MAX entries.
 */
#define LANGID_TEXT	4096
void		 langid_count(const struct langid *l, const char *s, size_t len,
		    unsigned counts[LANGID_MAX]);

/*
 * From counts, the languages whose rules read the text: with fewer
 * than LANGID_SURE words of the best-counted language, every one (a
 * short text says too little); else each language counted at least a
 * quarter as often as the best. A bit per language.
 */
#define LANGID_SURE	4
unsigned long	 langid_readers(const unsigned counts[LANGID_MAX]);

#endif
