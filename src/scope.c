/* scope.c — whether the words of an opt-in are the writer's wish: not under a negation, nor what someone else asked. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "scope.h"
#include "regex.h"
#include "util.h"

#define FLAGS	(PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | \
		 PCRE2_MATCH_INVALID_UTF)

/*
 * A language's words, matched whole, and not as a part of an address
 * ("jonas@example.no", "www.example.no"): after a dot or an at sign
 * that follows a letter, a word is a domain's.
 */
#define WORD_OPEN	"(?<!\\w)(?<!\\w[.@])(?:"
#define WORD_CLOSE	")(?!\\w)"

const char *const scope_keyword[SCOPE_WORDS] = {
	[SCOPE_NEGATION] = "negation",
	[SCOPE_CONJUNCTION] = "conjunction",
	[SCOPE_REPORTED] = "reported",
	[SCOPE_TOLD] = "told",
};

/*
 * What ends a clause in every language: sentence and clause
 * punctuation (the Spanish opening marks too), a dash between blanks,
 * a blank line, and an emoji, which phones put where a full stop was.
 */
static const char clause_src[] =
    "[.!?;:,(\\x{a1}\\x{bf}\\x{2013}\\x{2014}]"
    "|\\s-+\\s"
    "|\\n[\\t ]*\\n"
    "|[\\x{2600}-\\x{27bf}\\x{1f000}-\\x{1faff}]";

/*
 * What ends a sentence: its punctuation, but not the full stop of an
 * ordinal or a date ("vom 4. März"), and a blank line.
 */
static const char sentence_src[] =
    "(?<!\\d)[.!?;]|\\n[\\t ]*\\n";

struct scope {
	int		 n;
	/* n languages' words of each kind, as given; NULL where a language has none */
	char		*(*src)[SCOPE_WORDS];
	/*
	 * Compiled when first needed (ready 1; -1 when that failed): only
	 * an opt-in is checked, and most runs read none, while compiling
	 * costs a deliver a quarter of its time.
	 */
	int		 ready;
	pcre2_code	*clause, *sentence;
	pcre2_code	*(*words)[SCOPE_WORDS];
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
scope_check(const char *alt, char *why, size_t whylen)
{
	pcre2_code *re = compile_words(alt, why, whylen);

	pcre2_code_free(re);
	return re ? 0 : -1;
}

struct scope *
scope_new(const char *const (*words)[SCOPE_WORDS], int n)
{
	struct scope *sc = xcalloc(1, sizeof *sc);

	/* a language is a bit of an unsigned long (scope_refused's langs) */
	sc->n = n < (int)(sizeof(unsigned long) * 8) ? n :
	    (int)(sizeof(unsigned long) * 8);
	sc->src = xcalloc(sc->n > 0 ? (size_t)sc->n : 1, sizeof *sc->src);
	sc->words = xcalloc(sc->n > 0 ? (size_t)sc->n : 1, sizeof *sc->words);
	for (int i = 0; i < sc->n; i++)
		for (int k = 0; k < SCOPE_WORDS; k++)
			if (words[i][k] != NULL)
				sc->src[i][k] = xstrdup(words[i][k]);
	return sc;
}

/* Compile what sc reads, once: 1, or -1 (said) when that fails. */
static int
ready(struct scope *sc)
{
	char why[300];

	if (sc->ready != 0)
		return sc->ready;
	sc->ready = -1;
	if ((sc->clause = regex_compile(clause_src, FLAGS, why,
	    sizeof why)) == NULL ||
	    (sc->sentence = regex_compile(sentence_src, FLAGS, why,
	    sizeof why)) == NULL)
		goto fail;
	for (int i = 0; i < sc->n; i++)
		for (int k = 0; k < SCOPE_WORDS; k++)
			if (sc->src[i][k] != NULL && (sc->words[i][k] =
			    compile_words(sc->src[i][k], why, sizeof why)) == NULL)
				goto fail;
	sc->mctx = pcre2_match_context_create(NULL);
	sc->md = pcre2_match_data_create(1, NULL);
	if (sc->mctx == NULL || sc->md == NULL) {
		snprintf(why, sizeof why, "out of memory");
		goto fail;
	}
	/* the words are few and the clause short: bounded all the same */
	pcre2_set_match_limit(sc->mctx, 100000);
	pcre2_set_heap_limit(sc->mctx, 1024);
	sc->ready = 1;
	return 1;
fail:
	mo_warn("rules: negation, conjunction or reported words: %s", why);
	return -1;
}

void
scope_free(struct scope *sc)
{
	if (sc == NULL)
		return;
	pcre2_code_free(sc->clause);
	pcre2_code_free(sc->sentence);
	for (int i = 0; i < sc->n; i++)
		for (int k = 0; k < SCOPE_WORDS; k++) {
			free(sc->src[i][k]);
			pcre2_code_free(sc->words[i][k]);
		}
	free(sc->src);
	free(sc->words);
	pcre2_match_data_free(sc->md);
	pcre2_match_context_free(sc->mctx);
	free(sc);
}

/*
 * Move *last to the end of the last match of re in s[lo..e), if it
 * ends later. -1 when a match failed for its limits.
 */
static int
last_end(struct scope *sc, const pcre2_code *re, const char *s,
    size_t lo, size_t e, size_t *last)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sc->md);
	size_t at = lo;
	int rc;

	while (at < e) {
		rc = pcre2_match(re, (PCRE2_SPTR)s, e, at, 0, sc->md, sc->mctx);
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

/* Whether one of langs' words of kind k is in s[from..e). */
static int
words_in(struct scope *sc, int k, unsigned long langs, const char *s,
    size_t from, size_t e)
{
	for (int i = 0; i < sc->n; i++)
		if ((langs & 1ul << i) && sc->words[i][k] != NULL &&
		    pcre2_match(sc->words[i][k], (PCRE2_SPTR)s, e, from, 0,
		    sc->md, sc->mctx) >= 0)
			return 1;
	return 0;
}

/*
 * Where a look back from at in s starts: SCOPE_REACH bytes before it,
 * at a character's start, never inside one.
 */
static size_t
reach_back(const char *s, size_t at)
{
	size_t lo = at > SCOPE_REACH ? at - SCOPE_REACH : 0;

	while (lo < at && ((unsigned char)s[lo] & 0xc0) == 0x80)
		lo++;
	return lo;
}

/*
 * Where the word that ends before at starts, skipping the blanks
 * before at; lo when there is none after lo.
 */
static size_t
word_before(const char *s, size_t lo, size_t at)
{
	while (at > lo && is_blank((unsigned char)s[at - 1]))
		at--;
	while (at > lo && !is_blank((unsigned char)s[at - 1]) &&
	    s[at - 1] != ',')
		at--;
	return at;
}

/*
 * Whether the clauses before clause, set off from it by commas, end in a
 * negation whose verb the opt-in's clause completes: "we do not, for
 * the foreseeable future, wish to be reinstated", "nous ne souhaitons
 * pas, compte tenu de ..., être réinscrits". The negation must be one of
 * the last two words of a clause of more words, so that an answer
 * standing alone ("No, please sign me up again") is not one. Sets *cs to
 * the start of that clause.
 */
static int
negated_before(struct scope *sc, unsigned long langs, const char *s,
    size_t lo, size_t clause, size_t *cs)
{
	for (int hops = 0; hops < 2; hops++) {
		size_t comma = clause, start = lo, w1, w2;

		while (comma > lo && is_blank((unsigned char)s[comma - 1]))
			comma--;
		if (comma == lo || s[comma - 1] != ',')
			return 0;
		comma--;
		/* an insertion may hold a conjunction: only commas part it */
		if (last_end(sc, sc->clause, s, lo, comma, &start) == -1)
			return 0;
		w1 = word_before(s, start, comma);
		w2 = word_before(s, start, w1);
		if (w2 > start && word_before(s, start, w2) < w2 &&
		    words_in(sc, SCOPE_NEGATION, langs, s, w2, comma)) {
			*cs = start;
			return 1;
		}
		clause = start;
	}
	return 0;
}

/*
 * Whether the opt-in's sentence, from e, is a question answered in the
 * next with a negation first: "Wieder in den Verteiler aufnehmen? Nein
 * danke.", "Put me back on the list? No thanks."
 */
static int
answered_no(struct scope *sc, unsigned long langs, const char *s,
    size_t e, size_t len)
{
	size_t i = e, w;

	while (i < len && i - e < 200 && !is_end((unsigned char)s[i]) &&
	    !(s[i] == '\n' && i + 1 < len && s[i + 1] == '\n'))
		i++;
	if (i >= len || s[i] != '?')
		return 0;
	while (i < len && (s[i] == '?' || is_blank((unsigned char)s[i])))
		i++;
	for (w = i; w < len && !is_blank((unsigned char)s[w]) &&
	    s[w] != ',' && s[w] != '.' && s[w] != '!'; w++)
		;
	if (w == i || !words_in(sc, SCOPE_NEGATION, langs, s, i, w))
		return 0;
	/*
	 * An answer is the negation alone or with one word ("No.", "No,
	 * I don't", "Nein danke."), not a sentence it opens ("Couldn't
	 * find a sign-up box").
	 */
	for (int words = 0;; words++) {
		while (w < len && (s[w] == ' ' || s[w] == '\t'))
			w++;
		if (w >= len || memchr(",.!;:?\r\n", s[w], 8) != NULL)
			return 1;
		if (words == 1)
			return 0;
		while (w < len && !is_blank((unsigned char)s[w]) &&
		    memchr(",.!;:?\r", s[w], 7) == NULL)
			w++;
	}
}

int
scope_refused(struct scope *sc, const char *s, size_t len, size_t eo,
    unsigned long langs, size_t *cs)
{
	size_t lo = reach_back(s, eo), e = eo, clause, sentence;
	int ahead;

	if (ready(sc) == -1)
		return 0;
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
	/*
	 * Likewise one that takes in the end of its clause ("I unsubscribed
	 * by mistake - ", "abbestellt, "): it read the story to reach the
	 * wish after it, so the story's words do not make it one.
	 */
	ahead = e > lo && e < eo && strchr(",:-", s[e - 1]) != NULL;
	while (e > lo && is_trailing((unsigned char)s[e - 1]))
		e--;
	clause = lo;
	if (last_end(sc, sc->clause, s, lo, e, &clause) == -1)
		return 0;
	for (int i = 0; i < sc->n; i++)
		if ((langs & 1ul << i) &&
		    sc->words[i][SCOPE_CONJUNCTION] != NULL &&
		    last_end(sc, sc->words[i][SCOPE_CONJUNCTION], s, lo, e,
		    &clause) == -1)
			return 0;
	if (words_in(sc, SCOPE_NEGATION, langs, s, clause, e)) {
		*cs = clause;
		return SCOPE_NEGATED;
	}
	if (negated_before(sc, langs, s, lo, clause, cs))
		return SCOPE_NEGATED;
	if (answered_no(sc, langs, s, eo, len)) {
		*cs = clause;
		return SCOPE_NEGATED;
	}
	sentence = lo;
	if (last_end(sc, sc->sentence, s, lo, e, &sentence) == -1)
		return 0;
	if (words_in(sc, SCOPE_REPORTED, langs, s, sentence, e)) {
		*cs = sentence;
		return SCOPE_ASKED;
	}
	if (!ahead && words_in(sc, SCOPE_TOLD, langs, s, clause, e)) {
		*cs = clause;
		return SCOPE_TOLD;
	}
	return 0;
}

int
scope_told(struct scope *sc, const char *s, size_t so, size_t eo,
    unsigned long langs, size_t *cs)
{
	size_t lo = reach_back(s, so), e = eo, clause;

	if (ready(sc) == -1 || eo < so)
		return 0;
	while (e > so && is_trailing((unsigned char)s[e - 1]))
		e--;
	clause = lo;
	if (last_end(sc, sc->sentence, s, lo, so, &clause) == -1)
		return 0;
	/*
	 * A match across the end of a sentence is a rule that reads the
	 * story and the wish after it: only its last sentence is the wish's
	 */
	if (last_end(sc, sc->sentence, s, so, e, &clause) == -1)
		return 0;
	if (words_in(sc, SCOPE_TOLD, langs, s, clause, eo)) {
		*cs = clause;
		return SCOPE_TOLD;
	}
	return 0;
}

/*
 * Quotation marks: the ASCII double quote, and “ ” „ « » in UTF-8. Each
 * opens or closes, whichever it is for the text before it: German opens
 * with „ and closes with “, English opens with “.
 */
static size_t
quote_mark(const unsigned char *p, size_t n)
{
	if (n >= 1 && p[0] == '"')
		return 1;
	if (n >= 3 && p[0] == 0xe2 && p[1] == 0x80 &&
	    (p[2] == 0x9c || p[2] == 0x9d || p[2] == 0x9e))
		return 3;
	if (n >= 2 && p[0] == 0xc2 && (p[1] == 0xab || p[1] == 0xbb))
		return 2;
	return 0;
}

int
scope_quoted(const char *s, size_t at)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = reach_back(s, at), k;
	int open = 0;

	/* from the paragraph's start: a blank line closes every quotation */
	for (k = at; k > i; k--)
		if (k >= 2 && u[k - 1] == '\n' && u[k - 2] == '\n') {
			i = k;
			break;
		}
	while (i < at) {
		if ((k = quote_mark(u + i, at - i)) > 0) {
			open = !open;
			i += k;
		} else
			i++;
	}
	return open;
}
