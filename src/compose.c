/* compose.c — an RFC 5322 message built from untrusted text: no value can add a header or a recipient. */
#include "config.h"

#include <sys/random.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compose.h"
#include "util.h"

/* RFC 5322 2.1.1: lines should stay within 78 characters. */
#define LINE_MAX_COLS	78
/* RFC 2047 2: an encoded-word is at most 75 characters. */
#define WORD_MAX	75
#define WORD_OVERHEAD	(sizeof "=?UTF-8?Q?" - 1 + sizeof "?=" - 1)
/* Room left in an encoded-word under which a blank ends it. */
#define WORD_SLACK	24
/* A plain word longer than this cannot be folded: encode the text instead. */
#define PLAIN_WORD_MAX	66
/* RFC 2045 6.7: encoded lines at most 76 characters, the soft break's '=' included. */
#define QP_COLS		75
#define ADDR_MAX	254
#define MSGID_MAX	250

struct compose {
	struct buf	 head;
};

struct compose *
compose_new(void)
{
	return xcalloc(1, sizeof(struct compose));
}

void
compose_free(struct compose *c)
{
	if (c == NULL)
		return;
	buf_free(&c->head);
	free(c);
}

/* Length of the UTF-8 sequence at s (NUL-terminated), 0 when it is not one. */
static size_t
utf8_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t n;

	if (c < 0x80)
		return 1;
	n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 :
	    c >= 0xf0 && c <= 0xf4 ? 4 : 0;
	if (n == 0 || strnlen(s, n) < n || !utf8_valid(s, n))
		return 0;
	return n;
}

/* C0, DEL, C1 and the Unicode line and paragraph separators. */
static int
is_control(const char *s, size_t n)
{
	unsigned char c0 = (unsigned char)s[0], c1 = (unsigned char)s[1];

	if (n == 1)
		return c0 < 0x20 || c0 == 0x7f;
	if (n == 2)
		return c0 == 0xc2 && c1 < 0xa0;
	return n == 3 && c0 == 0xe2 && c1 == 0x80 &&
	    ((unsigned char)s[2] == 0xa8 || (unsigned char)s[2] == 0xa9);
}

/*
 * text as valid UTF-8: bytes that are not become U+FFFD. For a header
 * every control character is a space and runs of spaces are one, so
 * nothing can end the line; a body keeps its line breaks and tabs
 * and loses its CRs. The caller frees the result.
 */
static char *
clean(const char *text, int header)
{
	struct buf b = { 0 };
	const char *s = text ? text : "";
	size_t n;
	int space = header;	/* a header value starts trimmed */

	while (*s) {
		if ((n = utf8_len(s)) == 0) {
			buf_adds(&b, "\xef\xbf\xbd");
			s++;
			space = 0;
			continue;
		}
		if (!header && (*s == '\n' || *s == '\t'))
			buf_addc(&b, *s);
		else if (!header && *s == '\r')
			;
		else if (*s == ' ' || is_control(s, n)) {
			if (!space)
				buf_addc(&b, ' ');
			space = header;
		} else {
			buf_add(&b, s, n);
			space = 0;
		}
		s += n;
	}
	if (header && b.len > 0 && b.s[b.len - 1] == ' ')
		b.s[--b.len] = '\0';
	return buf_steal(&b);
}

/* Can s be written as it is: printable ASCII, no encoded-word look-alike, foldable words. */
static int
plain(const char *s, int phrase)
{
	size_t word = 0;

	if (strstr(s, "=?") != NULL)
		return 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c > 0x7e)
			return 0;
		if (phrase && !(c == ' ' || (c >= '0' && c <= '9') ||
		    ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')))
			return 0;
		word = c == ' ' ? 0 : word + 1;
		if (word > PLAIN_WORD_MAX)
			return 0;
	}
	return 1;
}

/* Start a continuation line when n more characters would pass the limit. */
static size_t
fold(struct buf *b, size_t col, size_t n)
{
	if (col > 1 && col + 1 + n > LINE_MAX_COLS) {
		buf_adds(b, "\n ");
		return 1;
	}
	buf_addc(b, ' ');
	return col + 1;
}

static size_t
put_plain(struct buf *b, const char *s, size_t col)
{
	const char *sp;
	size_t n;

	for (int first = 1; *s; first = 0) {
		n = (sp = strchr(s, ' ')) ? (size_t)(sp - s) : strlen(s);
		if (!first)
			col = fold(b, col, n);
		buf_add(b, s, n);
		col += n;
		s += n + (sp != NULL);
	}
	return col;
}

/* "=XX", as both encodings write a byte. */
static void
put_hex(struct buf *b, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";

	buf_addc(b, '=');
	buf_addc(b, hex[c >> 4]);
	buf_addc(b, hex[c & 15]);
}

/* RFC 2047 5(3): what a "Q" word in a phrase may carry as it is (space is '_'). */
static int
q_safe(unsigned char c)
{
	return c == ' ' || (c >= '0' && c <= '9') ||
	    ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
	    c == '!' || c == '*' || c == '+' || c == '-' || c == '/';
}

/*
 * RFC 2047 "Q" words, with the character set RFC 2047 5(3) allows in
 * a phrase, so the same words serve a Subject and a display name.
 * A character's bytes never straddle two words.
 */
static size_t
put_words(struct buf *b, const char *s, size_t col)
{
	size_t n, enc, room = 0;
	int open = 0, first = 1;

	for (; *s; s += n) {
		n = utf8_len(s);	/* clean() made it valid UTF-8 */
		enc = 0;
		for (size_t i = 0; i < n; i++)
			enc += q_safe((unsigned char)s[i]) ? 1 : 3;
		if (open && enc > room) {
			buf_adds(b, "?=");
			col += 2;
			open = 0;
		}
		if (!open) {
			if (!first)
				col = fold(b, col, WORD_OVERHEAD + enc);
			buf_adds(b, "=?UTF-8?Q?");
			col += WORD_OVERHEAD - 2;
			room = LINE_MAX_COLS - 2 - col;
			if (room > WORD_MAX - WORD_OVERHEAD)
				room = WORD_MAX - WORD_OVERHEAD;
			open = 1;
			first = 0;
		}
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];

			if (c == ' ')
				buf_addc(b, '_');
			else if (q_safe(c))
				buf_addc(b, c);
			else
				put_hex(b, c);
		}
		col += enc;
		room -= enc;
		/*
		 * Near the end of a word, end it after a blank: a reader that
		 * wrongly keeps the fold between words then only adds a blank.
		 */
		if (*s == ' ' && room < WORD_SLACK && s[1] != '\0') {
			buf_adds(b, "?=");
			col += 2;
			open = 0;
		}
	}
	if (open) {
		buf_adds(b, "?=");
		col += 2;
	}
	return col;
}

/* compose_encode, returning the column after the value. */
static size_t
encode(struct buf *b, const char *text, size_t col, int phrase)
{
	char *s = clean(text, 1);

	col = plain(s, phrase) ? put_plain(b, s, col) : put_words(b, s, col);
	free(s);
	return col;
}

void
compose_encode(struct buf *b, const char *text, size_t col, int phrase)
{
	(void)encode(b, text, col, phrase);
}

/*
 * Whether s[i] of a line n long can stand as itself at column col. A
 * line's first '.' or "From " would be read as SMTP's end of data or
 * an mbox separator; blanks at the end of a line get lost.
 */
static int
qp_literal(const char *s, size_t i, size_t n, size_t col)
{
	unsigned char c = (unsigned char)s[i];

	if (col == 0 && (c == '.' ||
	    (n - i >= 5 && memcmp(s + i, "From ", 5) == 0)))
		return 0;
	return (c > 0x20 && c < 0x7f && c != '=') ||
	    ((c == ' ' || c == '\t') && i + 1 < n);
}

/* One body line (without its LF) as quoted-printable lines. */
static void
qp_line(struct buf *b, const char *s, size_t n)
{
	size_t col = 0;
	int lit;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		lit = qp_literal(s, i, n, col);
		if (col + (lit ? 1 : 3) > QP_COLS) {
			buf_adds(b, "=\n");
			col = 0;
			lit = qp_literal(s, i, n, col);
		}
		if (lit)
			buf_addc(b, c);
		else
			put_hex(b, c);
		col += lit ? 1 : 3;
	}
	buf_addc(b, '\n');
}

void
compose_qp(struct buf *b, const char *text)
{
	char *s = clean(text, 0);
	const char *p = s, *nl;

	while (*p) {
		nl = strchr(p, '\n');
		qp_line(b, p, nl ? (size_t)(nl - p) : strlen(p));
		p = nl ? nl + 1 : p + strlen(p);
	}
	free(s);
}

static int
atext(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* s[0..n) is a dot-atom: atext runs joined by single dots. */
static int
dot_atom(const char *s, size_t n)
{
	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '.' ? s[i + 1] == '.' : !atext((unsigned char)s[i]))
			return 0;
	return 1;
}

int
compose_addr_ok(const char *addr)
{
	const char *at;
	size_t n;

	if (addr == NULL || (n = strlen(addr)) > ADDR_MAX ||
	    (at = strrchr(addr, '@')) == NULL)
		return 0;
	return dot_atom(addr, (size_t)(at - addr)) &&
	    dot_atom(at + 1, n - (size_t)(at - addr) - 1);
}

int
compose_mailbox_parse(const char *s, char **name, char **addr)
{
	const char *lt = s ? strchr(s, '<') : NULL, *gt = NULL;
	char *n = NULL, *a = NULL;
	size_t len;

	*name = *addr = NULL;
	if (lt != NULL && ((gt = strchr(lt, '>')) == NULL ||
	    gt[1 + strspn(gt + 1, " \t")] != '\0'))
		goto out;
	if (lt != NULL) {
		a = xstrndup(lt + 1, (size_t)(gt - lt - 1));
		n = str_trim(xstrndup(s, (size_t)(lt - s)));
		/* a quoted display name loses its quotes */
		if (n[0] == '"' && (len = strlen(n)) >= 2 && n[len - 1] == '"') {
			n[len - 1] = '\0';
			memmove(n, n + 1, len - 1);
		}
	} else
		a = xstrdup(s);
	if (a != NULL && compose_addr_ok(str_trim(a))) {
		*name = n != NULL && *n != '\0' ? n : NULL;
		*addr = a;
		n = *name ? NULL : n;
		a = NULL;
	}
out:
	free(n);
	free(a);
	return *addr ? 0 : -1;
}

char *
compose_message_id(const char *addr, time_t now)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char r[16];
	char hex[sizeof r * 2 + 1];
	const char *at = addr ? strrchr(addr, '@') : NULL;
	ssize_t got = getrandom(r, sizeof r, 0);

	/* without randomness the time and pid still make it unique on this host */
	if (got != (ssize_t)sizeof r)
		memset(r, 0, sizeof r);
	for (size_t i = 0; i < sizeof r; i++) {
		hex[2 * i] = digits[r[i] >> 4];
		hex[2 * i + 1] = digits[r[i] & 15];
	}
	hex[sizeof hex - 1] = '\0';
	return xasprintf("%s.%lld.%ld.mailopt@%s", hex, (long long)now,
	    (long)getpid(), at ? at + 1 : "localhost");
}

int
compose_address(struct compose *c, const char *field, const char *name,
    const char *addr)
{
	size_t col;

	if (!compose_addr_ok(addr))
		return -1;
	buf_printf(&c->head, "%s:", field);
	col = strlen(field) + 1;
	if (name != NULL && *name != '\0') {
		buf_addc(&c->head, ' ');
		col = encode(&c->head, name, col + 1, 1);
		col = fold(&c->head, col, strlen(addr) + 2);
		buf_printf(&c->head, "<%s>\n", addr);
	} else
		buf_printf(&c->head, " %s\n", addr);
	return 0;
}

void
compose_text(struct compose *c, const char *field, const char *text)
{
	buf_printf(&c->head, "%s: ", field);
	compose_encode(&c->head, text, strlen(field) + 2, 0);
	buf_addc(&c->head, '\n');
}

/* id[0..n) is a msg-id's inside: dot-atom-ish "left@right", no blanks or brackets. */
static int
msgid_ok(const char *id, size_t n)
{
	const char *at = memchr(id, '@', n);

	if (n == 0 || n > MSGID_MAX || at == NULL || at == id || at == id + n - 1)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)id[i];

		if (ch <= 0x20 || ch >= 0x7f || strchr("<>()[]\\\",;:", ch))
			return 0;
	}
	return 1;
}

void
compose_msgids(struct compose *c, const char *field, const char *ids,
    size_t max)
{
	const char *p = ids ? ids : "", *start[64];
	size_t len[64], n = 0, col, first;

	while (*p) {
		const char *s, *e;

		p += strspn(p, " \t\r\n,");
		if (*p == '\0')
			break;
		s = *p == '<' ? p + 1 : p;
		e = s + strcspn(s, *p == '<' ? ">" : " \t\r\n,");
		if (msgid_ok(s, (size_t)(e - s))) {
			if (n == sizeof start / sizeof start[0]) {
				memmove(start, start + 1, sizeof start - sizeof start[0]);
				memmove(len, len + 1, sizeof len - sizeof len[0]);
				n--;
			}
			start[n] = s;
			len[n++] = (size_t)(e - s);
		}
		p = *e ? e + 1 : e;
	}
	if (n == 0)
		return;
	first = n > max ? n - max : 0;
	buf_printf(&c->head, "%s:", field);
	col = strlen(field) + 1;
	for (size_t i = first; i < n; i++) {
		col = fold(&c->head, col, len[i] + 2);
		buf_printf(&c->head, "<%.*s>", (int)len[i], start[i]);
		col += len[i] + 2;
	}
	buf_addc(&c->head, '\n');
}

int
compose_field(struct compose *c, const char *field, const char *value)
{
	for (const char *v = value; *v; v++)
		if ((unsigned char)*v < 0x20 || (unsigned char)*v > 0x7e)
			return -1;
	buf_printf(&c->head, "%s: %s\n", field, value);
	return 0;
}

char *
compose_finish(struct compose *c, const char *body, time_t date,
    const char *msgid, size_t *len)
{
	static const char days[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr",
		"May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct buf b = { 0 };
	struct tm tm;

	/* day and month names by hand: strftime's follow the locale */
	gmtime_r(&date, &tm);
	buf_add(&b, c->head.s ? c->head.s : "", c->head.len);
	buf_printf(&b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\n",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
	buf_printf(&b, "Message-ID: <%s>\n", msgid);
	buf_adds(&b, "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n");
	compose_qp(&b, body);
	*len = b.len;
	return buf_steal(&b);
}
