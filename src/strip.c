/* strip.c — what the sender wrote: the text less quotes, forwards, signature, footer. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "regex.h"
#include "strip.h"
#include "util.h"

/*
 * An attribution is rarely longer than this, even wrapped over
 * ATTRIB_LINES lines; longer lines are the sender's own prose.
 */
#define ATTRIB_MAX	600
#define ATTRIB_LINES	3
/* How far below "From:" an Outlook header block has its date line. */
#define OUTLOOK_SPAN	4
/* Patterns see at most this much of a line: markers are short. */
#define MATCH_MAX	4096
/*
 * The markers are tried on most lines of every text: JIT-compiling them
 * pays for itself within a few texts, but not in a `deliver` of one.
 */
#define JIT_AFTER	4

#define FLAGS	(PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | \
		 PCRE2_MATCH_INVALID_UTF)

/*
 * The markers of the languages' mail programs are data of the rule
 * files (mailopt-rules(5), `quote-...` lines); each kind comes here as
 * one alternation and is put into the shape its check needs.
 */
static const char *const shape[STRIP_KINDS][2] = {
	/* a whole attribution: "On ... wrote:", "Am ... schrieb ...:" */
	[STRIP_ATTRIBUTION] = { "^\\s*(?:", ")\\s*:\\s*$" },
	/* the word it opens with, to try joining a wrapped one */
	[STRIP_OPENS] = { "^\\s*(?:", ")\\s" },
	/*
	 * any line that says someone wrote what follows ("Shop wrote:"):
	 * an attribution only when a '>' quote follows it, since alone it
	 * may be the sender's own sentence
	 */
	[STRIP_WROTE] = { "\\s(?:", ")\\s*:\\s*$" },
	/* separators clients put above a quoted or forwarded message */
	[STRIP_MARKER] = { "^\\s*(?:", ")\\s*$" },
	/* Outlook's quoted header block: a From line, then a date line */
	[STRIP_FROM] = { "^\\s*\\*?(?:", ")\\s*:\\*?\\s*\\S" },
	[STRIP_SENT] = { "^\\s*\\*?(?:", ")\\s*:\\*?\\s*\\S" },
};

struct strip {
	pcre2_code	*re[STRIP_KINDS];	/* NULL: no marker of that kind */
	/* the last footer pattern seen: callers hand over the same one */
	pcre2_code	*footer;
	char		*footer_src;
	pcre2_match_context *mctx;
	pcre2_match_data *md;
	unsigned	 texts;		/* stripped, up to JIT_AFTER */
	int		 jit;		/* mo_jit_allowed */
};

int
strip_check(const char *alt, char *why, size_t whylen)
{
	pcre2_code *re = regex_compile(alt, FLAGS, why, whylen);

	pcre2_code_free(re);
	return re ? 0 : -1;
}

struct strip *
strip_new(const char *const alt[STRIP_KINDS], char *why, size_t whylen)
{
	struct strip *st = xcalloc(1, sizeof *st);

	for (int k = 0; k < STRIP_KINDS; k++) {
		char *src;

		if (alt == NULL || alt[k] == NULL)
			continue;
		src = xasprintf("%s%s%s", shape[k][0], alt[k], shape[k][1]);
		st->re[k] = regex_compile(src, FLAGS, why, whylen);
		free(src);
		if (st->re[k] == NULL)
			goto fail;
	}
	st->md = pcre2_match_data_create(4, NULL);
	st->mctx = pcre2_match_context_create(NULL);
	if (st->md == NULL || st->mctx == NULL) {
		snprintf(why, whylen, "out of memory");
		goto fail;
	}
	/* a footer pattern from the config must not stall a sweep */
	pcre2_set_match_limit(st->mctx, 100000);
	pcre2_set_heap_limit(st->mctx, 1024);
	st->jit = mo_jit_allowed();
	return st;
fail:
	strip_free(st);
	return NULL;
}

void
strip_free(struct strip *st)
{
	if (st == NULL)
		return;
	for (int k = 0; k < STRIP_KINDS; k++)
		pcre2_code_free(st->re[k]);
	pcre2_code_free(st->footer);
	free(st->footer_src);
	pcre2_match_data_free(st->md);
	pcre2_match_context_free(st->mctx);
	free(st);
}

/* The footer's pattern, compiled when it changes; NULL for none or a broken one (reported once). */
static const pcre2_code *
footer_re(struct strip *st, const char *footer)
{
	char why[300];

	if (footer == NULL)
		return NULL;
	if (st->footer_src == NULL || strcmp(footer, st->footer_src) != 0) {
		pcre2_code_free(st->footer);
		free(st->footer_src);
		st->footer_src = xstrdup(footer);
		if ((st->footer = regex_compile(footer, FLAGS, why, sizeof why)) == NULL)
			mo_warn("footer pattern: %s", why);
	}
	return st->footer;
}

static int
match(const struct strip *st, const pcre2_code *re, const char *s, size_t n)
{
	/* the match limit holds per start position: bound those too */
	if (n > MATCH_MAX)
		n = MATCH_MAX;
	/* a marker is one in the first text as in the thousandth */
	return re != NULL && regex_match(re, s, n, 0, 0, st->md, st->mctx,
	    st->jit && st->texts >= JIT_AFTER) >= 0;
}

struct line {
	const char	*s;
	size_t		 n;
};

static int
is_blank(const struct line *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->s[i] != ' ' && l->s[i] != '\t')
			return 0;
	return 1;
}

static int
is_quote(const struct line *l)
{
	return l->n > 0 && l->s[0] == '>';
}

static int
is_signature(const struct line *l)
{
	return (l->n == 3 && memcmp(l->s, "-- ", 3) == 0) ||
	    (l->n == 2 && memcmp(l->s, "--", 2) == 0);
}

/*
 * An attribution starting at line i, perhaps wrapped over a few:
 * the number of lines it takes, 0 if there is none.
 */
static size_t
is_attribution(const struct strip *st, const struct line *l, size_t i,
    size_t nl)
{
	struct buf j = { 0 };
	size_t hit = 0;

	if (l[i].n > ATTRIB_MAX || !match(st, st->re[STRIP_OPENS], l[i].s,
	    l[i].n))
		return 0;
	for (size_t k = i; k < nl && k < i + ATTRIB_LINES; k++) {
		if (k > i) {
			if (l[k].n == 0 || is_quote(&l[k]))
				break;
			buf_addc(&j, ' ');
		}
		buf_add(&j, l[k].s, l[k].n);
		if (j.len > ATTRIB_MAX)
			break;
		if (match(st, st->re[STRIP_ATTRIBUTION], buf_str(&j), j.len)) {
			hit = k - i + 1;
			break;
		}
	}
	buf_free(&j);
	return hit;
}

/*
 * A quoted header block: a From line and a date line a few lines
 * apart, in either order (Outlook puts From first, German webmail
 * Gesendet).
 */
static int
is_rule_line(const struct line *l)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++) {
		if (l->s[i] == '_')
			n++;
		else if (l->s[i] != ' ' && l->s[i] != '\t')
			return 0;
	}
	return n >= 10;
}

static int
is_outlook_block(const struct strip *st, const struct line *l, size_t i,
    size_t nl)
{
	int from;

	/* Outlook draws a line of underscores above the block */
	if (is_rule_line(&l[i]) && i + 1 < nl && !is_rule_line(&l[i + 1]))
		return is_outlook_block(st, l, i + 1, nl);
	from = match(st, st->re[STRIP_FROM], l[i].s, l[i].n);

	if (!from && !match(st, st->re[STRIP_SENT], l[i].s, l[i].n))
		return 0;
	for (size_t k = i + 1; k < nl && k <= i + OUTLOOK_SPAN; k++)
		if (match(st, st->re[from ? STRIP_SENT : STRIP_FROM], l[k].s,
		    l[k].n))
			return 1;
	return 0;
}

/* Where what the sender wrote ends: the first line of what is not. */
static int
is_cut(const struct strip *st, const struct line *l, size_t i, size_t nl,
    const pcre2_code *fre)
{
	return is_signature(&l[i]) ||
	    match(st, st->re[STRIP_MARKER], l[i].s, l[i].n) ||
	    is_attribution(st, l, i, nl) != 0 ||
	    is_outlook_block(st, l, i, nl) ||
	    match(st, fre, l[i].s, l[i].n);
}

/*
 * Lines an attribution takes when what it introduces is quoted with
 * '>': then only the attribution and the quote go, and a reply written
 * below them is still the sender's. 0 otherwise.
 */
static size_t
quote_attribution(const struct strip *st, const struct line *l, size_t i,
    size_t nl)
{
	size_t span = is_attribution(st, l, i, nl), k;

	if (span == 0 && l[i].n <= ATTRIB_MAX && !is_quote(&l[i]) &&
	    match(st, st->re[STRIP_WROTE], l[i].s, l[i].n))
		span = 1;
	if (span == 0)
		return 0;
	for (k = i + span; k < nl && is_blank(&l[k]); k++)
		;
	return k < nl && is_quote(&l[k]) ? span : 0;
}

static struct line *
split_lines(const char *text, size_t *nl)
{
	struct line *l = NULL;
	size_t n = 0, cap = 0;
	const char *p = text, *eol;

	while (*p) {
		eol = strchr(p, '\n');
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			l = xrealloc(l, cap * sizeof *l);
		}
		l[n].s = p;
		l[n].n = eol ? (size_t)(eol - p) : strlen(p);
		n++;
		p += l[n - 1].n + (eol != NULL);
	}
	*nl = n;
	return l;
}

char *
strip_text(struct strip *st, const char *text, const char *footer)
{
	static const struct strip none;
	struct buf out = { 0 };
	const pcre2_code *fre = NULL;
	struct line *l;
	size_t nl, i, first = 0, last = 0;
	int any = 0;

	l = split_lines(text, &nl);
	if (st != NULL)
		fre = footer_re(st, footer);
	if (st != NULL && st->jit && st->texts < JIT_AFTER &&
	    ++st->texts == JIT_AFTER)
		/* without JIT (no executable memory) the interpreter still works */
		for (int k = 0; k < STRIP_KINDS; k++)
			if (st->re[k] != NULL)
				(void)pcre2_jit_compile(st->re[k],
				    PCRE2_JIT_COMPLETE);
	for (i = 0; i < nl; i++) {
		size_t span = quote_attribution(st ? st : &none, l, i, nl);

		if (span != 0) {
			for (size_t k = 0; k < span; k++)
				l[i + k].s = NULL;
			i += span - 1;
			continue;
		}
		if (is_cut(st ? st : &none, l, i, nl, fre))
			break;
		if (is_quote(&l[i]))
			l[i].s = NULL;	/* inline replies keep the rest */
		else if (!is_blank(&l[i])) {
			if (!any)
				first = i;
			last = i;
			any = 1;
		}
	}
	for (i = first; any && i <= last; i++) {
		if (l[i].s == NULL)
			continue;
		buf_add(&out, l[i].s, l[i].n);
		buf_addc(&out, '\n');
	}
	free(l);
	return buf_steal(&out);
}
