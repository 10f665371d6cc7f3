/* html.c — the text a person sees in an HTML mail body. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "mime.h"
#include "util.h"

/* Quote markers written at most: nesting is unbounded, lines are many. */
#define MAX_MARKS	8

/* Named references mail actually uses; the rest stay as written. */
static const struct {
	const char	*name;
	unsigned	 cp;
} entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "nbsp", ' ' }, { "shy", 0xad },
	{ "copy", 0xa9 }, { "reg", 0xae }, { "trade", 0x2122 },
	{ "euro", 0x20ac }, { "pound", 0xa3 }, { "yen", 0xa5 },
	{ "cent", 0xa2 }, { "sect", 0xa7 }, { "deg", 0xb0 },
	{ "middot", 0xb7 }, { "bull", 0x2022 }, { "hellip", 0x2026 },
	{ "ndash", 0x2013 }, { "mdash", 0x2014 }, { "lsquo", 0x2018 },
	{ "rsquo", 0x2019 }, { "sbquo", 0x201a }, { "ldquo", 0x201c },
	{ "rdquo", 0x201d }, { "bdquo", 0x201e }, { "laquo", 0xab },
	{ "raquo", 0xbb }, { "lsaquo", 0x2039 }, { "rsaquo", 0x203a },
	{ "iexcl", 0xa1 }, { "iquest", 0xbf }, { "times", 0xd7 },
	{ "divide", 0xf7 }, { "zwnj", 0x200c }, { "zwj", 0x200d },
	{ "ensp", 0x2002 }, { "emsp", 0x2003 }, { "thinsp", 0x2009 },
	{ "Agrave", 0xc0 }, { "Aacute", 0xc1 }, { "Acirc", 0xc2 },
	{ "Atilde", 0xc3 }, { "Auml", 0xc4 }, { "Aring", 0xc5 },
	{ "AElig", 0xc6 }, { "Ccedil", 0xc7 }, { "Egrave", 0xc8 },
	{ "Eacute", 0xc9 }, { "Ecirc", 0xca }, { "Euml", 0xcb },
	{ "Igrave", 0xcc }, { "Iacute", 0xcd }, { "Icirc", 0xce },
	{ "Iuml", 0xcf }, { "Ntilde", 0xd1 }, { "Ograve", 0xd2 },
	{ "Oacute", 0xd3 }, { "Ocirc", 0xd4 }, { "Otilde", 0xd5 },
	{ "Ouml", 0xd6 }, { "Oslash", 0xd8 }, { "Ugrave", 0xd9 },
	{ "Uacute", 0xda }, { "Ucirc", 0xdb }, { "Uuml", 0xdc },
	{ "szlig", 0xdf }, { "agrave", 0xe0 }, { "aacute", 0xe1 },
	{ "acirc", 0xe2 }, { "atilde", 0xe3 }, { "auml", 0xe4 },
	{ "aring", 0xe5 }, { "aelig", 0xe6 }, { "ccedil", 0xe7 },
	{ "egrave", 0xe8 }, { "eacute", 0xe9 }, { "ecirc", 0xea },
	{ "euml", 0xeb }, { "igrave", 0xec }, { "iacute", 0xed },
	{ "icirc", 0xee }, { "iuml", 0xef }, { "ntilde", 0xf1 },
	{ "ograve", 0xf2 }, { "oacute", 0xf3 }, { "ocirc", 0xf4 },
	{ "otilde", 0xf5 }, { "ouml", 0xf6 }, { "oslash", 0xf8 },
	{ "ugrave", 0xf9 }, { "uacute", 0xfa }, { "ucirc", 0xfb },
	{ "uuml", 0xfc }, { "yuml", 0xff }, { "OElig", 0x152 },
	{ "oelig", 0x153 }, { "Scaron", 0x160 }, { "scaron", 0x161 },
};

/* Elements that end a line before and after them. */
static const char *const blocks[] = {
	"address", "article", "br", "center", "dd", "div", "dl", "dt",
	"footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
	"hr", "li", "ol", "p", "pre", "section", "table", "tr", "ul",
};

/* What ends the content of the elements that hold no text. */
enum { END_HEAD, BODY, END_SCRIPT, END_STYLE, END_TITLE, NEEDLES };
static const char *const needles[NEEDLES] = {
	"</head", "<body", "</script", "</style", "</title",
};

/*
 * Text is written through this so that white space collapses as a
 * browser would, line breaks never pile up beyond one blank line and
 * each line inside a blockquote starts with its ">" markers.
 */
struct out {
	struct buf	 b;
	int		 quote;	/* <blockquote> depth */
	int		 pre;	/* inside <pre>: keep white space */
	int		 nl;	/* line ends owed before more text */
	int		 space;	/* a collapsed space is owed */
	int		 bol;	/* nothing written on this line yet */
	/*
	 * Where each needle was last found (the length when nowhere):
	 * a thousand unclosed <style> tags must not each search the
	 * rest of the document.
	 */
	size_t		 found[NEEDLES];
};

static void
out_break(struct out *o, int lines)
{
	if (o->nl < lines)
		o->nl = lines;
	o->space = 0;
}

static void
out_text(struct out *o, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (o->nl > 0 && o->b.len > 0) {
		for (int i = 0; i < (o->nl > 2 ? 2 : o->nl); i++)
			buf_addc(&o->b, '\n');
		o->bol = 1;
	}
	o->nl = 0;
	if (o->bol && o->quote > 0) {
		for (int i = 0; i < o->quote && i < MAX_MARKS; i++)
			buf_addc(&o->b, '>');
		buf_addc(&o->b, ' ');
	}
	if (o->space && !o->bol)
		buf_addc(&o->b, ' ');
	o->space = 0;
	o->bol = 0;
	buf_add(&o->b, s, n);
}

static void
out_cp(struct out *o, unsigned long cp)
{
	struct buf u = { 0 };

	mime_put_cp(&u, cp);
	out_text(o, buf_str(&u), u.len);
	buf_free(&u);
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/*
 * A character reference at s (just past '&'): write it and return how
 * many bytes it took, or 0 when it is none and '&' is plain text.
 */
static size_t
entity(struct out *o, const char *s, size_t n)
{
	unsigned long cp = 0;
	size_t i = 0, k;
	int hex = 0, digits = 0;

	if (n > 0 && s[0] == '#') {
		i = 1;
		if (i < n && (s[i] == 'x' || s[i] == 'X'))
			hex = 1, i++;
		for (; i < n; i++, digits++) {
			char c = s[i];
			unsigned d;

			if (c >= '0' && c <= '9')
				d = (unsigned)(c - '0');
			else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				d = (unsigned)((c | 0x20) - 'a' + 10);
			else
				break;
			if (cp <= 0x10ffff)	/* saturates, never wraps */
				cp = cp * (hex ? 16 : 10) + d;
		}
		if (digits == 0)
			return 0;
		if (i < n && s[i] == ';')
			i++;
		out_cp(o, cp);
		return i;
	}
	for (k = 0; k < n && k < 10 && is_alnum(s[k]); k++)
		;
	if (k == 0 || k >= n || s[k] != ';')
		return 0;
	for (size_t e = 0; e < sizeof entities / sizeof entities[0]; e++)
		if (strlen(entities[e].name) == k &&
		    memcmp(entities[e].name, s, k) == 0) {
			if (entities[e].cp == ' ') {
				/* a hard space: written, never collapsed */
				out_text(o, " ", 1);
			} else
				out_cp(o, entities[e].cp);
			return k + 1;
		}
	return 0;
}

static void
text_run(struct out *o, const char *s, size_t n)
{
	size_t i = 0, run;

	while (i < n) {
		if (s[i] == '&') {
			size_t k = entity(o, s + i + 1, n - i - 1);

			if (k > 0) {
				i += k + 1;
				continue;
			}
		}
		if (is_ws(s[i]) && !o->pre) {
			if (!o->bol)
				o->space = 1;
			i++;
			continue;
		}
		if (s[i] == '\n') {
			o->nl++;
			o->bol = 1;
			i++;
			continue;
		}
		for (run = i + 1; run < n && s[run] != '&' && !is_ws(s[run]) &&
		    s[run] != '\n'; run++)
			;
		out_text(o, s + i, run - i);
		i = run;
	}
}

/* Case-insensitive search for needle in s[from..n); n when absent. */
static size_t
find_ci(const char *s, size_t from, size_t n, const char *needle)
{
	return from + mime_casefind(s + from, n - from, needle);
}

/* Where needle k next occurs in s[from..n), n when never. */
static size_t
next_needle(struct out *o, const char *s, size_t from, size_t n, int k)
{
	if (o->found[k] == SIZE_MAX || o->found[k] < from)
		o->found[k] = find_ci(s, from, n, needles[k]);
	return o->found[k];
}

/* The end of the tag opened at s[at] == '<': past its '>', or n. */
static size_t
tag_end(const char *s, size_t at, size_t n)
{
	char q = 0;

	for (size_t i = at + 1; i < n; i++) {
		if (q) {
			if (s[i] == q)
				q = 0;
		} else if (s[i] == '"' || s[i] == '\'') {
			/* quotes only count where an attribute value starts */
			if (s[i - 1] == '=' || is_ws(s[i - 1]))
				q = s[i];
		} else if (s[i] == '>')
			return i + 1;
	}
	return n;
}

static int
is_block(const char *name)
{
	for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
		if (ascii_casecmp(name, blocks[i]) == 0)
			return 1;
	return 0;
}

/*
 * Past the content of an element that holds no text, whose tag ends
 * at end; just end when it is never closed: rather show too much than
 * lose the mail.
 */
static size_t
skip_content(struct out *o, const char *s, size_t end, size_t n,
    const char *name)
{
	size_t skip = n;

	if (ascii_casecmp(name, "head") == 0) {
		/* broken mail often never closes <head>: <body> ends it too */
		skip = next_needle(o, s, end, n, END_HEAD);
		if (next_needle(o, s, end, n, BODY) < skip)
			skip = o->found[BODY];
	} else if (ascii_casecmp(name, "script") == 0)
		skip = next_needle(o, s, end, n, END_SCRIPT);
	else if (ascii_casecmp(name, "style") == 0)
		skip = next_needle(o, s, end, n, END_STYLE);
	else if (ascii_casecmp(name, "title") == 0)
		skip = next_needle(o, s, end, n, END_TITLE);
	return skip < n ? skip : end;
}

/*
 * Act on the tag at s[at]; returns where to go on, which for <head>,
 * <script>, <style> and <title> is past their content.
 */
static size_t
tag(struct out *o, const char *s, size_t at, size_t n)
{
	char name[16];
	size_t end = tag_end(s, at, n), i = at + 1, k = 0;
	int closing = 0;

	if (i < end && s[i] == '/')
		closing = 1, i++;
	while (i < end && is_alnum(s[i]) && k + 1 < sizeof name)
		name[k++] = s[i++];
	name[k] = '\0';
	if (!closing && k > 0)
		end = skip_content(o, s, end, n, name);
	if (ascii_casecmp(name, "blockquote") == 0) {
		out_break(o, 1);
		if (closing && o->quote > 0)
			o->quote--;
		else if (!closing)
			o->quote++;
		o->bol = 1;
	} else if (ascii_casecmp(name, "br") == 0) {
		o->nl++;
		o->bol = 1;
		o->space = 0;
	} else if (ascii_casecmp(name, "p") == 0)
		out_break(o, 2);
	else if (ascii_casecmp(name, "pre") == 0) {
		o->pre = !closing;
		out_break(o, 1);
	} else if (is_block(name))
		out_break(o, 1);
	else if (ascii_casecmp(name, "td") == 0 ||
	    ascii_casecmp(name, "th") == 0) {
		if (!o->bol)
			o->space = 1;
	}
	return end;
}

char *
html_to_text(const char *s, size_t n)
{
	struct out o = { { 0 }, 0, 0, 0, 0, 1, { 0 } };
	size_t i = 0, j;

	for (int k = 0; k < NEEDLES; k++)
		o.found[k] = SIZE_MAX;
	while (i < n) {
		if (s[i] != '<') {
			j = i + 1;
			while (j < n && s[j] != '<')
				j++;
			text_run(&o, s + i, j - i);
			i = j;
		} else if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
			/* unclosed, it runs to the end: linear either way */
			j = find_ci(s, i + 4, n, "-->");
			i = j < n ? j + 3 : n;
		} else if (i + 1 < n && (is_alnum(s[i + 1]) ||
		    s[i + 1] == '/' || s[i + 1] == '!' || s[i + 1] == '?')) {
			i = tag(&o, s, i, n);
		} else {
			text_run(&o, s + i, 1);
			i++;
		}
	}
	if (o.b.len > 0)
		buf_addc(&o.b, '\n');
	return buf_steal(&o.b);
}
