/* langid.c — which languages a text is written in, by counting the common words of each. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "langid.h"
#include "util.h"

#define WORD_MAX	32	/* longer runs of letters are no common word */

/* Open addressing over the words, each with the languages it is common in. */
struct slot {
	char		*word;
	unsigned long	 langs;
};

struct langid {
	struct slot	*v;
	size_t		 n, cap;
};

struct langid *
langid_new(void)
{
	return xcalloc(1, sizeof(struct langid));
}

void
langid_free(struct langid *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->cap; i++)
		free(l->v[i].word);
	free(l->v);
	free(l);
}

static int
is_letter(unsigned char c)
{
	return c >= 0x80 || (unsigned)((c | 0x20) - 'a') < 26u;
}

/*
 * A letter of a word: ASCII letters, and every byte of a multi-byte
 * UTF-8 character (é, ñ, ß ... are letters in all these languages);
 * punctuation, digits and white space end a word. Latin-1 capitals
 * (U+00C0..U+00DE) fold to small like ASCII ones.
 */
static size_t
next_word(const unsigned char *p, size_t n, size_t *at, char *w)
{
	size_t i = *at, k = 0;

	while (i < n && !is_letter(p[i]))
		i++;
	for (; i < n && is_letter(p[i]); i++, k++) {
		unsigned char c = p[i];

		if (c < 0x80)
			c |= 0x20;
		else if (k > 0 && p[i - 1] == 0xc3 && c <= 0x9e && c != 0x97)
			c += 0x20;
		if (k < WORD_MAX)
			w[k] = (char)c;
	}
	*at = i;
	if (k > WORD_MAX)
		return 0;	/* too long to be one: skip it */
	w[k] = '\0';
	return k;
}

static size_t
word_hash(const char *w)
{
	size_t h = 14695981039346656037u;

	for (; *w; w++)
		h = (h ^ (unsigned char)*w) * 1099511628211u;
	return h;
}

static struct slot *
find(const struct langid *l, const char *w)
{
	size_t i;

	if (l->cap == 0)
		return NULL;
	for (i = word_hash(w) & (l->cap - 1); l->v[i].word;
	    i = (i + 1) & (l->cap - 1))
		if (strcmp(l->v[i].word, w) == 0)
			return &l->v[i];
	return &l->v[i];
}

int
langid_add(struct langid *l, int lang, const char *word)
{
	char w[WORD_MAX + 1];
	size_t at = 0, len = strlen(word);
	struct slot *s;

	if (lang < 0 || lang >= LANGID_MAX ||
	    next_word((const unsigned char *)word, len, &at, w) != len)
		return -1;
	if (2 * (l->n + 1) > l->cap) {
		struct langid old = *l;

		l->cap = l->cap ? 2 * l->cap : 256;
		l->v = xcalloc(l->cap, sizeof *l->v);
		for (size_t i = 0; i < old.cap; i++)
			if (old.v[i].word)
				*find(l, old.v[i].word) = old.v[i];
		free(old.v);
	}
	s = find(l, w);
	if (s->word == NULL) {
		s->word = xstrdup(w);
		l->n++;
	}
	s->langs |= 1ul << lang;
	return 0;
}

void
langid_count(const struct langid *l, const char *s, size_t len,
    unsigned counts[LANGID_MAX])
{
	char w[WORD_MAX + 1];
	size_t at = 0;

	memset(counts, 0, LANGID_MAX * sizeof *counts);
	if (l->n == 0)
		return;
	if (len > LANGID_TEXT)
		len = LANGID_TEXT;
	while (at < len) {
		const struct slot *sl;

		if (next_word((const unsigned char *)s, len, &at, w) == 0)
			continue;
		if ((sl = find(l, w))->word == NULL)
			continue;
		for (int i = 0; i < LANGID_MAX; i++)
			if (sl->langs & 1ul << i)
				counts[i]++;
	}
}

unsigned long
langid_readers(const unsigned counts[LANGID_MAX])
{
	unsigned best = 0;
	unsigned long on = 0;

	for (int i = 0; i < LANGID_MAX; i++)
		if (counts[i] > best)
			best = counts[i];
	for (int i = 0; i < LANGID_MAX; i++)
		if (best < LANGID_SURE || 4 * counts[i] >= best)
			on |= 1ul << i;
	return on;
}
