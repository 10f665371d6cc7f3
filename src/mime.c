/* mime.c — MIME structure, transfer and charset decoding: mail text as UTF-8. */
#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "mime.h"
#include "util.h"

/* windows-1252 0x80..0x9f; the five holes map to C1 like browsers do. */
static const unsigned short cp1252_c1[32] = {
	0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
	0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
};

/*
 * Names mail gets wrong, mapped to what iconv should read instead.
 * "western" means windows-1252 unless the bytes are valid UTF-8:
 * ISO-8859-1 and US-ASCII labels are routinely put on both.
 */
static const struct {
	const char *name, *use;
} aliases[] = {
	{ "us-ascii",		"western" },
	{ "ascii",		"western" },
	{ "ansi_x3.4-1968",	"western" },
	{ "iso-8859-1",		"western" },
	{ "iso8859-1",		"western" },
	{ "iso_8859-1",		"western" },
	{ "latin1",		"western" },
	{ "latin-1",		"western" },
	{ "l1",			"western" },
	{ "windows-1252",	"western" },
	{ "cp1252",		"western" },
	{ "x-user-defined",	"western" },
	{ "unknown-8bit",	"western" },
	{ "x-unknown",		"western" },
	{ "default",		"western" },
	{ "utf-8",		"utf-8" },
	{ "utf8",		"utf-8" },
	{ "x-utf8",		"utf-8" },
	{ "unicode-1-1-utf-8",	"utf-8" },
	{ "gb2312",		"gb18030" },
	{ "gbk",		"gb18030" },
	{ "x-gbk",		"gb18030" },
	{ "euc-cn",		"gb18030" },
	{ "ks_c_5601-1987",	"cp949" },
	{ "euc-kr",		"cp949" },
	{ "shift_jis",		"cp932" },
	{ "shift-jis",		"cp932" },
	{ "x-sjis",		"cp932" },
	{ "sjis",		"cp932" },
	{ "iso-8859-8-i",	"iso-8859-8" },
	{ "iso-8859-8-e",	"iso-8859-8" },
	{ "iso-2022-jp",	"iso-2022-jp-2" },
	{ "big5",		"big5-hkscs" },
	{ "tis-620",		"cp874" },
	{ "iso-8859-11",	"cp874" },
};

size_t
mime_casefind(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	int c0 = needle[0] | 0x20;

	/*
	 * A cheap first-byte test: | 0x20 folds ASCII case, and what it
	 * lets through besides is weeded out by the full comparison.
	 */
	for (size_t i = 0; i + k <= n; i++)
		if ((s[i] | 0x20) == c0 && ascii_ncasecmp(s + i, needle, k) == 0)
			return i;
	return n;
}

void
mime_put_cp(struct buf *b, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = 0xfffd;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	buf_add(b, u, n);
}

static void
add_cp1252(struct buf *b, unsigned char c)
{
	mime_put_cp(b, c >= 0x80 && c < 0xa0 ? cp1252_c1[c - 0x80] : c);
}

/* Length of the well-formed UTF-8 sequence at p, 0 if there is none. */
static size_t
utf8_seq(const unsigned char *p, size_t left)
{
	size_t n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (n > left)
		return 0;
	return utf8_valid((const char *)p, n) ? n : 0;
}

/*
 * Append s as UTF-8, reading each byte that is not part of a valid
 * sequence as windows-1252: mail labelled UTF-8 with Latin-1 pasted
 * in then still reads right. NUL bytes are dropped.
 */
static void
add_utf8_repaired(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, k;

	while (i < n) {
		if (p[i] != 0 && (k = utf8_seq(p + i, n - i)) > 0) {
			i += k;
			continue;
		}
		buf_add(b, s + run, i - run);
		if (p[i] != 0)
			add_cp1252(b, p[i]);
		run = ++i;
	}
	buf_add(b, s + run, i - run);
}

static void
add_western(struct buf *b, const char *s, size_t n)
{
	if (utf8_valid(s, n)) {
		add_utf8_repaired(b, s, n);	/* only drops NULs */
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (s[i] != '\0')
			add_cp1252(b, (unsigned char)s[i]);
}

/*
 * The name iconv should be given for a MIME charset label, or
 * "western" / "utf-8" for the cases handled here. Labels that are not
 * plain tokens (RFC 2231 language suffixes cut) count as unknown.
 */
static const char *
charset_name(const char *label, char *tmp, size_t tmpsz)
{
	size_t n = 0;

	if (label == NULL)
		return "western";
	while (*label == ' ' || *label == '\t' || *label == '"')
		label++;
	for (; label[n] && label[n] != '*' && label[n] != '"' &&
	    label[n] != ' '; n++) {
		unsigned char c = (unsigned char)label[n];

		if (n + 1 >= tmpsz || !((c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == ':'))
			return "western";
		tmp[n] = (char)c;
	}
	tmp[n] = '\0';
	if (n == 0)
		return "western";
	ascii_lower(tmp);
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (strcmp(tmp, aliases[i].name) == 0)
			return aliases[i].use;
	return tmp;
}

/*
 * iconv_open costs up to a quarter of a millisecond, so the last few
 * converters stay open for the life of the thread, and opening one
 * spends the caller's budget: a header naming hundreds of charsets
 * must not cost seconds. A converter has state, so each thread has
 * its own (mime_thread_end).
 */
#define CD_CACHE	8
static _Thread_local struct {
	char	 name[64];
	iconv_t	 cd;
} cds[CD_CACHE];
static _Thread_local unsigned cd_next;

void
mime_thread_end(void)
{
	for (size_t i = 0; i < CD_CACHE; i++) {
		if (cds[i].name[0] != '\0' && cds[i].cd != (iconv_t)-1)
			iconv_close(cds[i].cd);
		cds[i].name[0] = '\0';
	}
	cd_next = 0;
}

/* A reset converter from name to UTF-8; (iconv_t)-1 for none. */
static iconv_t
cd_get(const char *name, int *budget)
{
	size_t i;

	for (i = 0; i < CD_CACHE; i++) {
		if (strcmp(cds[i].name, name) != 0)
			continue;
		if (cds[i].cd != (iconv_t)-1)
			iconv(cds[i].cd, NULL, NULL, NULL, NULL);
		return cds[i].cd;
	}
	if (*budget <= 0 || strlen(name) >= sizeof cds[0].name)
		return (iconv_t)-1;
	(*budget)--;
	i = cd_next++ % CD_CACHE;
	if (cds[i].name[0] != '\0' && cds[i].cd != (iconv_t)-1)
		iconv_close(cds[i].cd);
	strcpy(cds[i].name, name);
	cds[i].cd = iconv_open("UTF-8", name);
	return cds[i].cd;
}

/*
 * Convert with iconv, each undecodable byte becoming U+FFFD. Returns
 * the number of such bytes, or -1 when there is no converter.
 */
static long
iconv_add(struct buf *b, const char *from, const char *s, size_t n,
    int *budget)
{
	iconv_t cd;
	char chunk[4096];
	char *in = (char *)s;
	size_t inleft = n;
	long bad = 0;

	cd = cd_get(from, budget);
	if (cd == (iconv_t)-1)
		return -1;
	while (inleft > 0) {
		char *out = chunk;
		size_t outleft = sizeof chunk;
		size_t r = iconv(cd, &in, &inleft, &out, &outleft);
		int err = errno;

		buf_add(b, chunk, (size_t)(out - chunk));
		if (r != (size_t)-1 || err == E2BIG)
			continue;
		/* EILSEQ, or EINVAL for a sequence cut at the end */
		mime_put_cp(b, 0xfffd);
		bad++;
		in++;
		inleft--;
		/* a stateful decoder may be left mid-sequence: start clean */
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	for (;;) {
		char *out = chunk;
		size_t outleft = sizeof chunk;
		size_t r = iconv(cd, NULL, NULL, &out, &outleft);

		buf_add(b, chunk, (size_t)(out - chunk));
		if (r != (size_t)-1 || errno != E2BIG)
			break;
	}
	return bad;
}

static int
has_8bit(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 1;
	return 0;
}

/*
 * Japanese mail labelled ISO-2022-JP (a 7-bit code) often carries
 * EUC-JP or Shift_JIS bytes: try those when 8-bit bytes show up.
 */
static int
try_japanese(struct buf *b, const char *s, size_t n, int *budget)
{
	static const char *const guess[] = { "euc-jp", "cp932" };
	size_t mark = b->len;

	for (size_t i = 0; i < sizeof guess / sizeof guess[0]; i++) {
		if (iconv_add(b, guess[i], s, n, budget) == 0)
			return 1;
		b->len = mark;
	}
	return 0;
}

/* Append s, in charset label, as UTF-8; budget as for cd_get. */
static void
convert_add(struct buf *b, const char *s, size_t n, const char *label,
    int *budget)
{
	char tmp[64];
	const char *cs = charset_name(label, tmp, sizeof tmp);
	size_t mark = b->len;

	if (strcmp(cs, "western") == 0) {
		add_western(b, s, n);
		return;
	}
	if (strcmp(cs, "utf-8") == 0) {
		add_utf8_repaired(b, s, n);
		return;
	}
	if (strncmp(cs, "iso-2022-jp", 11) == 0 && has_8bit(s, n)) {
		if (utf8_valid(s, n)) {
			add_utf8_repaired(b, s, n);
			return;
		}
		if (try_japanese(b, s, n, budget))
			return;
	}
	if (iconv_add(b, cs, s, n, budget) < 0) {
		b->len = mark;
		add_western(b, s, n);
	}
}

char *
mime_to_utf8(const char *s, size_t n, const char *charset, size_t *outlen)
{
	struct buf b = { 0 };
	struct buf clean = { 0 };
	int budget = MIME_MAX_ICONV;

	convert_add(&b, s, n, charset, &budget);
	/*
	 * iconv output is trusted no further than the rest: a UTF-16
	 * label can still decode to U+0000, and a bug must not reach
	 * the rules as broken UTF-8.
	 */
	if (memchr(buf_str(&b), '\0', b.len) != NULL ||
	    !utf8_valid(buf_str(&b), b.len)) {
		add_utf8_repaired(&clean, buf_str(&b), b.len);
		buf_free(&b);
		b = clean;
	}
	if (outlen)
		*outlen = b.len;
	return buf_steal(&b);
}

/*
 * Encoded-word bytes waiting for conversion, so that adjacent words in
 * one charset are converted together.
 */
struct pending {
	struct buf	 bytes;
	char		*charset;
};

static void
pending_flush(struct pending *p, struct buf *out, int *budget)
{
	if (p->charset != NULL)
		convert_add(out, buf_str(&p->bytes), p->bytes.len, p->charset,
		    budget);
	buf_reset(&p->bytes);
	free(p->charset);
	p->charset = NULL;
}

/* Where the next "=?" starts at or after i, n if nowhere. */
static size_t
next_word_start(const char *s, size_t n, size_t i)
{
	for (; i + 1 < n; i++)
		if (s[i] == '=' && s[i + 1] == '?')
			return i;
	return n;
}

/* A byte of a charset name, as libetpan takes it and a bit stricter. */
static int
is_charset_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("-_.*+", c));
}

/*
 * Where the encoded word whose "=?" is at s[i] ends (past "?=" and a
 * closing quote), n when unterminated, and just past "=?" when it is
 * no word. libetpan is given one word at a time: left to itself it
 * glues a run of words together with a realloc and copy per word,
 * which is quadratic on a long run; the run is joined here instead.
 * The text is only scanned behind a valid "=?charset?e?", which
 * libetpan then consumes, so that the scans stay linear.
 */
static size_t
word_end(const char *s, size_t n, size_t i)
{
	size_t j;

	if (n - i < 2)
		return n;
	for (j = i + 2; j < n && is_charset_char(s[j]); j++)
		;
	if (j == i + 2 || n - j < 3 || s[j] != '?' || s[j + 2] != '?' ||
	    strchr("BbQq", s[j + 1]) == NULL)
		return i + 2;
	for (j += 3; j + 1 < n; j++)
		if (s[j] == '?' && s[j + 1] == '=') {
			j += 2;
			return j < n && s[j] == '"' ? j + 1 : j;
		}
	return n;
}

static void
add_header_text(struct buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		/* unfold; any other control would break the "\n" joins */
		if ((c == '\n' || c == '\r') && i + 1 < n &&
		    (s[i + 1] == ' ' || s[i + 1] == '\t' || s[i + 1] == '\n'))
			continue;
		buf_addc(out, c < 0x20 || c == 0x7f ? ' ' : c);
	}
}

static void
raw_flush(struct buf *raw, struct buf *out)
{
	add_western(out, buf_str(raw), raw->len);
	buf_reset(raw);
}

static int
is_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

char *
mime_header_decode(const char *s, size_t n, int *budget)
{
	struct buf raw = { 0 }, conv = { 0 }, out = { 0 };
	struct pending p = { { 0 }, NULL };
	size_t i = 0;
	int last_encoded = 0, own = MIME_MAX_ICONV;

	if (budget == NULL)
		budget = &own;
	while (i < n) {
		struct mailmime_encoded_word *w = NULL;
		size_t j = i, k, end;
		int fws = 0, noquote = 0;

		end = word_end(s, n, next_word_start(s, n, i));
		if (mailmime_encoded_word_parse(s, end, &j, &w, &fws,
		    &noquote) == MAILIMF_NO_ERROR && j > i) {
			/* RFC 2047: white space between two words is no text */
			if (fws && !last_encoded)
				buf_addc(&raw, ' ');
			raw_flush(&raw, &conv);
			if (p.charset && ascii_casecmp(p.charset,
			    w->wd_charset) != 0)
				pending_flush(&p, &conv, budget);
			if (p.charset == NULL)
				p.charset = xstrdup(w->wd_charset);
			buf_adds(&p.bytes, w->wd_text);
			mailmime_encoded_word_free(w);
			last_encoded = 1;
			i = j;
			continue;
		}
		/*
		 * Plain text up to the next "=?", less the white space
		 * before it, which the word's own parse must see.
		 */
		k = next_word_start(s, n, i + 1);
		while (k < n && k > i + 1 && is_fws(s[k - 1]))
			k--;
		pending_flush(&p, &conv, budget);
		buf_add(&raw, s + i, k - i);
		last_encoded = 0;
		i = k;
	}
	pending_flush(&p, &conv, budget);
	raw_flush(&raw, &conv);
	add_header_text(&out, buf_str(&conv), conv.len);
	buf_free(&raw);
	buf_free(&conv);
	buf_free(&p.bytes);
	return str_trim(buf_steal(&out));
}

/*
 * How many levels of nesting libetpan would open for a Content-Type
 * value: a multipart one, two for multipart/digest (whose parts are
 * messages by default), one for message/rfc822. *boundary gets the
 * multipart boundary exactly as libetpan extracts it, or NULL; *message
 * is set for a message/rfc822, *opaque for a discrete type other than
 * text (image, audio, video, application, ...), which no text is read
 * from. A value libetpan cannot parse is still counted when it names a
 * composite type: overcounting only defuses sooner.
 */
static int
composite_levels(const char *v, size_t n, char **boundary, int *message,
    int *opaque)
{
	struct mailmime_content *ct = NULL;
	const struct mailmime_composite_type *c;
	char *s = xstrndup(v, n);	/* libetpan also stops at a NUL */
	size_t idx = 0, len = strlen(s);
	int levels = 0;

	*boundary = NULL;
	*message = *opaque = 0;
	if (mailmime_content_parse(s, len, &idx, &ct) != MAILIMF_NO_ERROR ||
	    ct == NULL) {
		if (mime_casefind(s, len, "multipart") < len)
			levels = mime_casefind(s, len, "digest") < len ? 2 : 1;
		else if (mime_casefind(s, len, "message") < len)
			levels = *message = 1;
		goto out;
	}
	if (ct->ct_type->tp_type != MAILMIME_TYPE_COMPOSITE_TYPE) {
		*opaque = ct->ct_type->tp_data.tp_discrete_type->dt_type !=
		    MAILMIME_DISCRETE_TYPE_TEXT;
		goto out;
	}
	c = ct->ct_type->tp_data.tp_composite_type;
	if (c->ct_type == MAILMIME_COMPOSITE_TYPE_MULTIPART) {
		*boundary = mailmime_extract_boundary(ct);
		levels = ascii_casecmp(ct->ct_subtype, "digest") == 0 ? 2 : 1;
	} else if (c->ct_type == MAILMIME_COMPOSITE_TYPE_MESSAGE &&
	    ascii_casecmp(ct->ct_subtype, "rfc822") == 0)
		levels = *message = 1;
out:
	if (ct != NULL)
		mailmime_content_free(ct);
	free(s);
	return levels;
}

/* Rename every composite type named in s[0..n) to an opaque x- type. */
static void
defuse_field(char *s, size_t n)
{
	static const char *const names[] = { "multipart", "message" };
	size_t at, k;

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		k = strlen(names[i]);
		for (at = 0; (at += mime_casefind(s + at, n - at,
		    names[i])) < n; at += k) {
			memset(s + at, 'x', k);
			s[at + 1] = '-';
		}
	}
}

/* Open multiparts (and messages, boundary NULL), outermost first. */
struct nest {
	char	**boundary;
	/*
	 * Per level: its boundary is surely libetpan's, taken from the
	 * first Content-Type of a header block libetpan surely reads as
	 * one (see mime_defuse); only then are its parts' bodies dropped.
	 */
	char	 *sure;
	int	  depth;
	int	  max;
};

/*
 * The level whose boundary starts the line s[0..n), -1 if none.
 * libetpan cuts each part out of its parent before parsing inside it,
 * so the outermost match wins, and, like libetpan, a boundary matches
 * as a prefix.
 */
static int
nest_match(const struct nest *ns, const char *s, size_t n)
{
	if (n < 2 || s[0] != '-' || s[1] != '-')
		return -1;
	for (int k = 0; k < ns->depth; k++) {
		const char *b = ns->boundary[k];

		if (b != NULL && strlen(b) <= n - 2 &&
		    memcmp(s + 2, b, strlen(b)) == 0)
			return k;
	}
	return -1;
}

/*
 * Whether the line s[0..n) is a delimiter of boundary b exactly as RFC
 * 2046 writes one and libetpan reads it: "--", the boundary, perhaps
 * blanks, nothing else (a close delimiter, "--b--", is none).
 */
static int
strict_delimiter(const char *b, const char *s, size_t n)
{
	size_t k = strlen(b);

	if (n < k + 2 || memcmp(s + 2, b, k) != 0)
		return 0;
	for (k += 2; k < n; k++)
		if (s[k] != ' ' && s[k] != '\t')
			return 0;
	return 1;
}

static void
nest_pop_above(struct nest *ns, int k)
{
	while (ns->depth > k + 1)
		free(ns->boundary[--ns->depth]);
}

/* The end of the header field starting at p: its last line's LF. */
static char *
field_end(char *p, char *end)
{
	char *eol;

	for (;;) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			return end;
		if (eol + 1 >= end || (eol[1] != ' ' && eol[1] != '\t'))
			return eol;
		p = eol + 1;
	}
}

/*
 * Blank out a ';' that ends an empty parameter ("multipart/mixed;;
 * boundary=..."), which makes libetpan reject the whole field, so
 * that the boundary after it is still found. Quoted strings are left
 * alone. In place, same length.
 */
static void
empty_params(char *s, size_t n)
{
	int quoted = 0, semi = 0;

	for (size_t i = 0; i < n; i++) {
		if (quoted) {
			if (s[i] == '\\' && i + 1 < n)
				i++;
			else if (s[i] == '"')
				quoted = 0;
			continue;
		}
		if (s[i] == '"')
			quoted = 1;
		if (s[i] == ';') {
			if (semi)
				s[i] = ' ';
			semi = 1;
		} else if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n')
			semi = 0;
	}
}

/*
 * A Content-Type field starting the line at p: open its levels, or
 * defuse it when they would go past the cap. Returns 1 when the field
 * holds a message/rfc822, whose own header block follows its body's;
 * sets *opaque as composite_levels does.
 */
static int
content_type_line(struct nest *ns, char *p, char *end, int sure, int *opaque)
{
	char *fe = field_end(p, end), *colon, *b = NULL;
	int levels, message;

	*opaque = 0;
	colon = memchr(p, ':', (size_t)(fe - p));
	if (colon == NULL)
		return 0;
	empty_params(colon + 1, (size_t)(fe - colon - 1));
	levels = composite_levels(colon + 1, (size_t)(fe - colon - 1), &b,
	    &message, opaque);
	if (levels == 0)
		return 0;
	if (ns->depth + levels > ns->max) {
		defuse_field(colon + 1, (size_t)(fe - colon - 1));
		free(b);
		return 0;
	}
	/* a digest's implicit message outlives each of its parts */
	if (levels == 2) {
		ns->sure[ns->depth] = 0;
		ns->boundary[ns->depth++] = NULL;
	}
	ns->sure[ns->depth] = (char)sure;
	ns->boundary[ns->depth++] = b;
	return message;
}

/*
 * Whether the line s[0..n) starts a header field as libetpan reads
 * one: a name of printable bytes but ':', perhaps blanks, a colon.
 */
static int
is_field_line(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (unsigned char)s[i] > ' ' && s[i] != ':')
		i++;
	if (i == 0)
		return 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n && s[i] == ':';
}

static int
is_content_type(const char *p, size_t n)
{
	return n > 12 && ascii_ncasecmp(p, "content-type", 12) == 0 &&
	    (p[12] == ':' || p[12] == ' ' || p[12] == '\t' || p[12] == '(');
}

size_t
mime_defuse(char *buf, size_t len, int max_depth)
{
	struct nest ns = { NULL, NULL, 0, max_depth > 0 ? max_depth : 0 };
	char *p = buf, *end = buf + len, *eol, *w = buf;
	size_t nparts = 0, nfields = 0, n;
	int in_header = 1, next_header = 0, k, message, opaque;
	/*
	 * Dropping a body must never hide what libetpan reads as text, so
	 * it needs certainty where defusing needs only caution. The header
	 * block being read is sure when it is the message's own, or starts
	 * right after a strict delimiter (not after another delimiter line)
	 * of a sure level; its first Content-Type is the one libetpan
	 * takes. The body of a part whose first Content-Type is a discrete
	 * type other than text is then dropped, up to the next line that
	 * may be a boundary of any level.
	 */
	int sure = 1, first = 1, drop_type = 0, skip = 0, after_delim = 0;

	ns.boundary = xcalloc((size_t)ns.max + 2, sizeof *ns.boundary);
	ns.sure = xcalloc((size_t)ns.max + 2, 1);
	for (; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		n = (size_t)(eol - p);
		if ((k = nest_match(&ns, p, n)) >= 0) {
			sure = ns.sure[k] && !after_delim &&
			    strict_delimiter(ns.boundary[k], p, n);
			nest_pop_above(&ns, k);
			if (++nparts > MIME_MAX_PARTS)
				break;
			in_header = 1;
			next_header = 0;
			nfields = 0;
			first = 1;
			drop_type = skip = 0;
			after_delim = 1;
		} else if (skip)
			continue;	/* dropped */
		else if (in_header && n == 0) {
			/* no rule reads an image or a PDF: libetpan need not scan it */
			skip = sure && drop_type && !next_header;
			in_header = next_header;
			next_header = 0;
			nfields = 0;
			/* an attached message's header: left whole */
			sure = 0;
			first = 1;
			drop_type = 0;
			after_delim = 0;
		} else {
			after_delim = 0;
			if (in_header && *p != ' ' && *p != '\t') {
				if (!is_field_line(p, n))
					in_header = 0;	/* as libetpan ends it */
				else if (++nfields > MIME_MAX_FIELDS)
					*p = ' ';	/* folded into the one before */
			}
			/* anywhere: libetpan may see a header where we see none */
			if (is_content_type(p, n)) {
				int decides = in_header && sure && first;

				message = content_type_line(&ns, p, end,
				    decides, &opaque);
				if (in_header) {
					next_header |= message;
					if (decides)
						drop_type = opaque;
					first = 0;
				}
			}
		}
		/* a line kept moves down over those dropped: w never passes p */
		n += eol < end;
		if (w != p)
			memmove(w, p, n);
		w += n;
	}
	nest_pop_above(&ns, -1);
	free(ns.boundary);
	free(ns.sure);
	return (size_t)(w - buf);
}

/* The lowercase "type/subtype" of a libetpan content type. */
static char *
content_type_str(const struct mailmime_content *ct)
{
	const char *type = "text", *sub = "plain";

	if (ct == NULL || ct->ct_type == NULL)
		return xstrdup("text/plain");
	if (ct->ct_subtype != NULL)
		sub = ct->ct_subtype;
	if (ct->ct_type->tp_type == MAILMIME_TYPE_DISCRETE_TYPE) {
		const struct mailmime_discrete_type *d =
		    ct->ct_type->tp_data.tp_discrete_type;

		switch (d->dt_type) {
		case MAILMIME_DISCRETE_TYPE_TEXT:	type = "text"; break;
		case MAILMIME_DISCRETE_TYPE_IMAGE:	type = "image"; break;
		case MAILMIME_DISCRETE_TYPE_AUDIO:	type = "audio"; break;
		case MAILMIME_DISCRETE_TYPE_VIDEO:	type = "video"; break;
		case MAILMIME_DISCRETE_TYPE_APPLICATION:
			type = "application";
			break;
		default:
			type = d->dt_extension ? d->dt_extension : "x-unknown";
			break;
		}
	} else {
		const struct mailmime_composite_type *c =
		    ct->ct_type->tp_data.tp_composite_type;

		if (c->ct_type == MAILMIME_COMPOSITE_TYPE_MESSAGE)
			type = "message";
		else if (c->ct_type == MAILMIME_COMPOSITE_TYPE_MULTIPART)
			type = "multipart";
		else
			type = c->ct_token ? c->ct_token : "x-unknown";
	}
	return ascii_lower(xasprintf("%s/%s", type, sub));
}

static int
is_attachment(const struct mailmime *mm)
{
	clistiter *it;

	if (mm->mm_mime_fields == NULL)
		return 0;
	for (it = clist_begin(mm->mm_mime_fields->fld_list); it;
	    it = clist_next(it)) {
		const struct mailmime_field *f = clist_content(it);

		if (f->fld_type == MAILMIME_FIELD_DISPOSITION &&
		    f->fld_data.fld_disposition != NULL &&
		    f->fld_data.fld_disposition->dsp_type != NULL &&
		    f->fld_data.fld_disposition->dsp_type->dsp_type ==
		    MAILMIME_DISPOSITION_TYPE_ATTACHMENT)
			return 1;
	}
	return 0;
}

static int
is_report_type(const char *type)
{
	/* the global- forms are RFC 6533's internationalised reports */
	static const char *const reports[] = {
		"multipart/report",
		"message/delivery-status",
		"message/disposition-notification",
		"message/feedback-report",
		"message/global-delivery-status",
		"message/global-disposition-notification",
	};

	for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++)
		if (strcmp(type, reports[i]) == 0)
			return 1;
	return 0;
}

struct walk {
	int			 max_depth;
	int			 report;
	const struct mailmime	*plain, *html;
};

static void
walk(const struct mailmime *mm, int depth, int forwarded, struct walk *w)
{
	clistiter *it;
	char *type;

	/* mime_defuse left at most max_depth composites above a leaf */
	if (mm == NULL || depth > w->max_depth + 1)
		return;
	type = content_type_str(mm->mm_content_type);
	if (is_report_type(type))
		w->report = 1;
	switch (mm->mm_type) {
	case MAILMIME_MULTIPLE:
		for (it = clist_begin(mm->mm_data.mm_multipart.mm_mp_list);
		    it; it = clist_next(it))
			walk(clist_content(it), depth + 1, forwarded, w);
		break;
	case MAILMIME_MESSAGE:
		/* below the top, a message is forwarded: not the sender's */
		walk(mm->mm_data.mm_message.mm_msg_mime, depth + 1,
		    forwarded || mm->mm_parent != NULL, w);
		break;
	case MAILMIME_SINGLE:
		if (forwarded || is_attachment(mm))
			break;
		if (w->plain == NULL && strcmp(type, "text/plain") == 0)
			w->plain = mm;
		else if (w->html == NULL && strcmp(type, "text/html") == 0)
			w->html = mm;
		break;
	}
	free(type);
}

/* Transfer-decoded body of a single part; the caller frees it. */
static char *
part_decode(const struct mailmime *mm, size_t *outlen)
{
	const struct mailmime_data *d = mm->mm_data.mm_single;
	char *res = NULL, *out;
	size_t idx = 0, rlen = 0;
	int enc;

	*outlen = 0;
	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT)
		return xstrdup("");
	enc = d->dt_encoding;
	if (enc != MAILMIME_MECHANISM_BASE64 &&
	    enc != MAILMIME_MECHANISM_QUOTED_PRINTABLE) {
		*outlen = d->dt_data.dt_text.dt_length;
		return xstrndup(d->dt_data.dt_text.dt_data, *outlen);
	}
	if (mailmime_part_parse(d->dt_data.dt_text.dt_data,
	    d->dt_data.dt_text.dt_length, &idx, enc, &res, &rlen) !=
	    MAILIMF_NO_ERROR || res == NULL)
		return xstrdup("");
	out = xstrndup(res, rlen);
	mmap_string_unref(res);
	*outlen = rlen;
	return out;
}

/* CRLF and lone CR to LF in s[0..n), in place; returns the new length. */
static size_t
lf_only(char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\r') {
			if (i + 1 < n && s[i + 1] == '\n')
				continue;
			s[o++] = '\n';
		} else
			s[o++] = s[i];
	}
	s[o] = '\0';
	return o;
}

/*
 * RFC 3676: a line ending in a space continues on the next one of the
 * same quote depth. Quote markers are rewritten as ">" runs and a
 * space; the signature separator "-- " never flows.
 */
static char *
unflow(const char *s, int delsp)
{
	struct buf b = { 0 };
	int prev_flowed = 0, prev_depth = 0, started = 0;

	while (*s) {
		const char *eol = strchr(s, '\n');
		size_t len = eol ? (size_t)(eol - s) : strlen(s);
		const char *c = s;
		int depth = 0, flowed, sig;
		size_t clen;

		while (c < s + len && *c == '>')
			c++, depth++;
		/* unstuffed, except where that would make a quote */
		if (c < s + len && *c == ' ' &&
		    (depth > 0 || c + 1 == s + len || c[1] != '>'))
			c++;
		clen = len - (size_t)(c - s);
		sig = clen == 3 && memcmp(c, "-- ", 3) == 0;
		flowed = !sig && clen > 0 && c[clen - 1] == ' ';
		if (flowed && delsp)
			clen--;
		if (!(prev_flowed && prev_depth == depth)) {
			if (started)
				buf_addc(&b, '\n');
			for (int i = 0; i < depth; i++)
				buf_addc(&b, '>');
			if (depth > 0)
				buf_addc(&b, ' ');
		}
		buf_add(&b, c, clen);
		started = 1;
		prev_flowed = flowed;
		prev_depth = depth;
		s += len;
		if (*s == '\n') {
			s++;
			if (*s == '\0')
				buf_addc(&b, '\n');
		}
	}
	return buf_steal(&b);
}

static int
is_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n')
			return 0;
	return 1;
}

static int
param_is(struct mailmime_content *ct, const char *name, const char *want)
{
	const char *v = mailmime_content_param_get(ct, (char *)name);

	return v != NULL && ascii_casecmp(v, want) == 0;
}

static char *
part_text(const struct mailmime *mm)
{
	struct mailmime_content *ct = mm->mm_content_type;
	char *raw, *text, *flat;
	size_t rawlen, len;

	raw = part_decode(mm, &rawlen);
	text = mime_to_utf8(raw, rawlen,
	    ct ? mailmime_content_charset_get(ct) : NULL, &len);
	free(raw);
	lf_only(text, len);
	if (ct != NULL && param_is(ct, "format", "flowed")) {
		flat = unflow(text, param_is(ct, "delsp", "yes"));
		free(text);
		text = flat;
	}
	return text;
}

void
mime_parse_parts(const char *buf, size_t len, int max_depth,
    struct mime_parts *out)
{
	struct mailmime *root = NULL;
	const struct mailmime *top;
	struct walk w = { 0 };
	size_t idx = 0;

	memset(out, 0, sizeof *out);
	w.max_depth = max_depth;
	if (mailmime_parse(buf, len, &idx, &root) != MAILIMF_NO_ERROR)
		root = NULL;
	top = root && root->mm_type == MAILMIME_MESSAGE ?
	    root->mm_data.mm_message.mm_msg_mime : NULL;
	out->type = top ? content_type_str(top->mm_content_type) :
	    xstrdup("text/plain");
	walk(root, 0, 0, &w);
	out->report = w.report;
	out->text = w.plain ? part_text(w.plain) : NULL;
	/* some clients send an empty text/plain beside the real HTML */
	if (w.html != NULL && (out->text == NULL || is_blank(out->text))) {
		free(out->text);
		out->text = part_text(w.html);
		out->html = 1;
	}
	if (out->text == NULL)
		out->text = xstrdup("");
	if (root != NULL)
		mailmime_free(root);
}
