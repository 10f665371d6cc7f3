/* strip.c — what the sender wrote: the text less quotes, forwards, signature, footer. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

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

#define FLAGS	(PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | \
		 PCRE2_MATCH_INVALID_UTF)

/*
 * "On ... wrote:" as mail clients write it in seven languages; Apple
 * Mail's Dutch "Op ... heeft X het volgende geschreven:" and its
 * European Portuguese "A ..., X escreveu:" among them. Accents are
 * optional, as some webmail drops them.
 */
static const char attrib_re[] =
    "^\\s*(?:"
    "on\\s.*\\swrote"
    "|am\\s.*\\sschrieb(?:\\s.*)?"
    "|le\\s.*\\sa\\s+[ée]crit"
    "|el\\s.*\\sescribi[óo]"
    "|il\\s.*\\sha\\s+scritto"
    "|op\\s.*\\sschreef(?:\\s.*)?"
    "|op\\s.*\\sheeft\\s.*\\shet\\s+volgende\\s+geschreven"
    "|(?:em|a)\\s.*\\sescreveu"
    ")\\s*:\\s*$";

/* The words an attribution starts with, to try joining a wrapped one. */
static const char attrib_start_re[] =
    "^\\s*(?:on|am|le|el|il|op|em|a)\\s";

/*
 * Any line that says someone wrote what follows ("Shop wrote:", "Anna
 * schrieb:"): an attribution only when a '>' quote follows it, since
 * alone it may be the sender's own sentence.
 */
static const char said_re[] =
    "(?:\\swrote|\\sschrieb|\\sa\\s+[ée]crit|\\sescribi[óo]|\\sha\\s+scritto"
    "|\\sschreef|\\sescreveu)\\s*:\\s*$";

/* Separators clients put above a quoted or forwarded message. */
static const char marker_re[] =
    "^\\s*(?:"
    "-{2,}\\s*(?:original message|ursprüngliche nachricht"
    "|forwarded message|weitergeleitete nachricht"
    "|message d'origine|message transféré|mensaje original"
    "|mensaje reenviado|messaggio originale|messaggio inoltrato"
    "|oorspronkelijk bericht|doorgestuurd bericht"
    "|mensagem original|mensagem encaminhada|mensagem reencaminhada"
    "|original-?nachricht|message d[’']origine)\\s*-{2,}"
    "|(?:begin forwarded message|anfang der weitergeleiteten nachricht"
    "|d[ée]but du message r[ée]exp[ée]di[ée]|inicio del mensaje reenviado"
    "|inizio messaggio inoltrato|begin doorgestuurd bericht"
    "|in[íi]cio da mensagem (?:re)?encaminhada)\\s*:"
    ")\\s*$";

/* Outlook's quoted header block: a From line, then a date line. */
static const char from_re[] =
    "^\\s*\\*?(?:from|von|de|da|van)\\s*:\\*?\\s*\\S";
static const char sent_re[] =
    "^\\s*\\*?(?:sent|date|gesendet|datum|envoy[ée](?:\\s+le)?"
    "|enviad[oa](?:\\s+el)?|inviato|verzonden|data|fecha)\\s*:\\*?\\s*\\S";

enum {
	RE_ATTRIB, RE_ATTRIB_START, RE_SAID, RE_MARKER, RE_FROM, RE_SENT,
	RE_N
};

static const char *const sources[RE_N] = {
	attrib_re, attrib_start_re, said_re, marker_re, from_re, sent_re,
};

/*
 * Compiled once and kept for the life of the process, like the last
 * footer seen: message_parse hands over the same pattern each time.
 */
static pcre2_code *builtin[RE_N];
static pcre2_code *footer_code;
static char *footer_src;
static pcre2_match_context *mctx;
static pcre2_match_data *mdata;

static pcre2_code *
compile(const char *src, const char *what)
{
	pcre2_code *re;
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	int err;

	re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, FLAGS,
	    &err, &off, NULL);
	if (re == NULL) {
		pcre2_get_error_message(err, msg, sizeof msg);
		mo_warn("%s: %s at offset %zu", what, (char *)msg,
		    (size_t)off);
	}
	return re;
}

/* The patterns ready, *fre the footer's (NULL for none); -1 if unusable. */
static int
setup(const char *footer, const pcre2_code **fre)
{
	static int ready;	/* 1 compiled, -1 failed: never retried */

	*fre = NULL;
	if (ready == 0) {
		ready = -1;
		for (int i = 0; i < RE_N; i++)
			if ((builtin[i] = compile(sources[i],
			    "strip pattern")) == NULL)
				return -1;
		mdata = pcre2_match_data_create(4, NULL);
		mctx = pcre2_match_context_create(NULL);
		if (mdata == NULL || mctx == NULL)
			return -1;
		/* a footer pattern from the config must not stall a sweep */
		pcre2_set_match_limit(mctx, 100000);
		pcre2_set_heap_limit(mctx, 1024);
		ready = 1;
	}
	if (ready < 0)
		return -1;
	if (footer == NULL)
		return 0;
	if (footer_src == NULL || strcmp(footer, footer_src) != 0) {
		pcre2_code_free(footer_code);
		free(footer_src);
		footer_src = xstrdup(footer);
		footer_code = compile(footer, "footer pattern");
	}
	*fre = footer_code;
	return 0;
}

static int
match(const pcre2_code *re, const char *s, size_t n)
{
	/* the match limit holds per start position: bound those too */
	if (n > MATCH_MAX)
		n = MATCH_MAX;
	return re != NULL && pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, mdata,
	    mctx) >= 0;
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
is_attribution(const struct line *l, size_t i, size_t nl)
{
	struct buf j = { 0 };
	size_t hit = 0;

	if (l[i].n > ATTRIB_MAX || !match(builtin[RE_ATTRIB_START], l[i].s,
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
		if (match(builtin[RE_ATTRIB], buf_str(&j), j.len)) {
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
is_outlook_block(const struct line *l, size_t i, size_t nl)
{
	int from;

	/* Outlook draws a line of underscores above the block */
	if (is_rule_line(&l[i]) && i + 1 < nl && !is_rule_line(&l[i + 1]))
		return is_outlook_block(l, i + 1, nl);
	from = match(builtin[RE_FROM], l[i].s, l[i].n);

	if (!from && !match(builtin[RE_SENT], l[i].s, l[i].n))
		return 0;
	for (size_t k = i + 1; k < nl && k <= i + OUTLOOK_SPAN; k++)
		if (match(builtin[from ? RE_SENT : RE_FROM], l[k].s, l[k].n))
			return 1;
	return 0;
}

/* Where what the sender wrote ends: the first line of what is not. */
static int
is_cut(const struct line *l, size_t i, size_t nl, const pcre2_code *fre)
{
	return is_signature(&l[i]) ||
	    match(builtin[RE_MARKER], l[i].s, l[i].n) ||
	    is_attribution(l, i, nl) != 0 ||
	    is_outlook_block(l, i, nl) ||
	    match(fre, l[i].s, l[i].n);
}

/*
 * Lines an attribution takes when what it introduces is quoted with
 * '>': then only the attribution and the quote go, and a reply written
 * below them is still the sender's. 0 otherwise.
 */
static size_t
quote_attribution(const struct line *l, size_t i, size_t nl)
{
	size_t span = is_attribution(l, i, nl), k;

	if (span == 0 && l[i].n <= ATTRIB_MAX && !is_quote(&l[i]) &&
	    match(builtin[RE_SAID], l[i].s, l[i].n))
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
strip_text(const char *text, const char *footer)
{
	struct buf out = { 0 };
	const pcre2_code *fre;
	struct line *l;
	size_t nl, i, first = 0, last = 0;
	int any = 0;

	l = split_lines(text, &nl);
	if (setup(footer, &fre) == -1) {
		/* without its patterns strip can only leave the text whole */
		buf_adds(&out, text);
		goto out;
	}
	for (i = 0; i < nl; i++) {
		size_t span = quote_attribution(l, i, nl);

		if (span != 0) {
			for (size_t k = 0; k < span; k++)
				l[i + k].s = NULL;
			i += span - 1;
			continue;
		}
		if (is_cut(l, i, nl, fre))
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
out:
	free(l);
	return buf_steal(&out);
}
