/* message.c — one mail message parsed into what the rules and the matcher read. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "html.h"
#include "message.h"
#include "mime.h"
#include "strip.h"
#include "util.h"

/*
 * Real mail has a few dozen recipients, hostile mail millions: past
 * MAX_RCPT they are ignored, and an address field longer than
 * MAX_ADDR_FIELD is only scanned, as libetpan's parse of it is slow.
 */
#define MAX_RCPT	1000
#define MAX_ADDR_FIELD	(64 * 1024)

/* For a caller passing no limits, which message.h does not invite. */

struct field {
	char		*name;
	/*
	 * The decoded occurrences joined by "\n", made when first asked
	 * for: most fields (Received, DKIM-Signature, ...) are read by
	 * nothing, and decoding them was a tenth of a sweep's time.
	 */
	struct buf	 value;
	int		 decoded;
	char		**raw;	/* each occurrence undecoded, in order */
	char		*exact;	/* per occurrence: name written "Name:" (RFC 5322) */
	size_t		 nraw;
};

struct message {
	struct field	*fields;
	size_t		 nfields;
	char		*subject;
	char		*id;
	char		*from;
	char		*from_name;
	char		*return_path;
	char		**rcpt;
	unsigned	*rcpt_in;	/* per address: MESSAGE_RCPT_* bits */
	size_t		 nrcpt;
	int		 from_single;
	int		 inherited;	/* the subject is not the writer's: see message.h */
	char		*type;
	int		 report;
	char		*text;
	char		*body;
	int		 budget;	/* charset loads left for headers */
};

/*
 * Whether the line at s (n bytes left) is a "boundary=" parameter that
 * lost its folding white space: some mailers write one right after a
 * "Content-Type: multipart/...;" line, and libetpan would then see a
 * multipart without a boundary.
 */
static int
lost_fold(const char *s, size_t n, int after_semicolon)
{
	return after_semicolon && n > 9 &&
	    ascii_ncasecmp(s, "boundary=", 9) == 0;
}

/*
 * A copy with the UTF-8 BOM and an mbox "From " line (pipe delivery
 * and mbox files put one first) dropped, CRLF and lone CR turned into
 * LF, ending in LF: libetpan then sees one kind of line end, a header
 * that starts on the first line, and a terminated last field.
 */
static char *
normalise(const char *buf, size_t len, size_t *outlen)
{
	struct buf b = { 0 };
	const char *nl;
	size_t i = 0, run;
	int semi = 0, cr;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	if (len - i >= 5 && memcmp(buf + i, "From ", 5) == 0) {
		while (i < len && buf[i] != '\n' && buf[i] != '\r')
			i++;
		if (i < len && buf[i] == '\r')
			i++;
		if (i < len && buf[i] == '\n')
			i++;
	}
	/*
	 * Lines of blanks before the first field: a continuation of no
	 * field, which libetpan would take for the end of the header.
	 * Readers skip them (a line with nothing at all still ends it).
	 */
	for (;;) {
		for (run = i; run < len && (buf[run] == ' ' || buf[run] == '\t');
		    run++)
			;
		if (run == i || (run < len && buf[run] != '\r' &&
		    buf[run] != '\n'))
			break;
		i = run;
		if (i < len && buf[i] == '\r')
			i++;
		if (i < len && buf[i] == '\n')
			i++;
	}
	/* most files end lines in LF alone: then memchr finds each end */
	cr = memchr(buf + i, '\r', len - i) != NULL;
	while (i < len) {
		if (lost_fold(buf + i, len - i, semi))
			buf_addc(&b, ' ');
		if (!cr) {
			nl = memchr(buf + i, '\n', len - i);
			run = nl ? (size_t)(nl - buf) : len;
		} else
			for (run = i; run < len && buf[run] != '\r' &&
			    buf[run] != '\n'; run++)
				;
		buf_add(&b, buf + i, run - i);
		buf_addc(&b, '\n');
		semi = run > i && buf[run - 1] == ';';
		i = run;
		if (i < len && buf[i] == '\r') {
			if (++i < len && buf[i] == '\n')
				i++;
		} else if (i < len)
			i++;
	}
	if (b.len == 0)
		buf_addc(&b, '\n');
	*outlen = b.len;
	return buf_steal(&b);
}

static struct field *
field_find(const struct message *m, const char *name)
{
	for (size_t i = 0; i < m->nfields; i++)
		if (ascii_casecmp(m->fields[i].name, name) == 0)
			return &m->fields[i];
	return NULL;
}

static void
field_add(struct message *m, const char *name, const char *raw, int exact)
{
	struct field *f = field_find(m, name);

	if (f == NULL) {
		if (m->nfields % 16 == 0)
			m->fields = xrealloc(m->fields,
			    (m->nfields + 16) * sizeof *m->fields);
		f = &m->fields[m->nfields++];
		memset(f, 0, sizeof *f);
		f->name = xstrdup(name);
	}
	if (f->nraw % 8 == 0) {
		f->raw = xrealloc(f->raw, (f->nraw + 8) * sizeof *f->raw);
		f->exact = xrealloc(f->exact, f->nraw + 8);
	}
	f->exact[f->nraw] = (char)exact;
	f->raw[f->nraw++] = xstrdup(raw);
}

/*
 * Whether the field libetpan called name starts at the next line of
 * s[0..end) from *pos that is not a continuation, written as RFC 5322
 * says: the name, then ':' at once. libetpan also takes the obsolete
 * "Name :", which filters that match "Name:" let through. *pos moves
 * past that line; once a line is not the field expected, *pos is set
 * to end and no later field counts as exact.
 */
static int
exact_name(const char *s, size_t end, size_t *pos, const char *name)
{
	size_t p = *pos, n = strlen(name);
	const char *nl;

	while (p < end && (s[p] == ' ' || s[p] == '\t')) {
		if ((nl = memchr(s + p, '\n', end - p)) == NULL)
			p = end;
		else
			p = (size_t)(nl - s) + 1;
	}
	if (p + n >= end || ascii_ncasecmp(s + p, name, n) != 0 ||
	    (s[p + n] != ':' && s[p + n] != ' ' && s[p + n] != '\t')) {
		*pos = end;
		return 0;
	}
	nl = memchr(s + p, '\n', end - p);
	*pos = nl ? (size_t)(nl - s) + 1 : end;
	return s[p + n] == ':';
}

/*
 * The header block, split into fields by libetpan. Returns where the
 * body starts.
 */
static size_t
parse_header(struct message *m, const char *s, size_t len)
{
	struct mailimf_fields *flds = NULL;
	clistiter *it;
	size_t idx = 0, pos = 0;

	if (mailimf_optional_fields_parse(s, len, &idx, &flds) !=
	    MAILIMF_NO_ERROR || flds == NULL)
		return 0;
	for (it = clist_begin(flds->fld_list); it; it = clist_next(it)) {
		const struct mailimf_field *f = clist_content(it);
		const struct mailimf_optional_field *o;

		if (f->fld_type != MAILIMF_FIELD_OPTIONAL_FIELD)
			continue;
		o = f->fld_data.fld_optional_field;
		field_add(m, o->fld_name, o->fld_value,
		    exact_name(s, idx, &pos, o->fld_name));
	}
	mailimf_fields_free(flds);
	/* the empty line ending the header, as libetpan skips it */
	return idx < len && s[idx] == '\n' ? idx + 1 : idx;
}

/*
 * What libetpan's MIME parse is given: the MIME fields of the header
 * and the body. Leaving out the rest spares it a second parse of
 * address fields, which is slow when they are huge.
 */
static char *
mime_source(const struct message *m, const char *body, size_t blen,
    size_t *outlen)
{
	struct buf b = { 0 };

	for (size_t i = 0; i < m->nfields; i++) {
		const struct field *f = &m->fields[i];

		if (ascii_ncasecmp(f->name, "content-", 8) != 0 &&
		    ascii_casecmp(f->name, "mime-version") != 0)
			continue;
		buf_printf(&b, "%s: %s\n", f->name, f->raw[0]);
	}
	buf_addc(&b, '\n');
	buf_add(&b, body, blen);
	*outlen = b.len;
	return buf_steal(&b);
}

/* The i-th occurrence of field name, undecoded; NULL past the last. */
static const char *
raw_header(const struct message *m, const char *name, size_t i)
{
	const struct field *f = field_find(m, name);

	return f && i < f->nraw ? f->raw[i] : NULL;
}

/*
 * The prefixes mail programs put before a subject they answer or
 * forward, lower case: English and the Latin abbreviation (re, fw,
 * fwd), German (aw, wg), Dutch (antw, doorst), Nordic (sv, vs, vb),
 * Italian (r, rif, i), French (tr), Spanish and Portuguese (rv, res,
 * enc), Polish, Finnish, Turkish (odp, vl, ynt), as Outlook, Apple Mail,
 * Gmail and Thunderbird write them in those languages.
 */
static const char *const reply_prefixes[] = {
	"re", "fw", "fwd", "aw", "wg", "antw", "antwoord", "doorst", "sv",
	"vs", "vb", "r", "rif", "i", "tr", "rv", "res", "enc", "odp", "vl",
	"ynt", "rép", "réf",
};

/*
 * Whether subject starts with a reply or forward prefix: a word of
 * reply_prefixes, an optional counter "[2]" or "(2)", then a colon
 * (ASCII or full width), as in "Re: ", "AW:", "Re[3]: ", "RE :".
 */
static int
reply_prefixed(const char *s)
{
	size_t n, k;

	s += strspn(s, " \t");
	for (n = 0; s[n] != '\0' && s[n] != ':' && s[n] != ' ' &&
	    s[n] != '[' && s[n] != '(' && n < 16; n++)
		;
	for (k = 0; k < sizeof reply_prefixes / sizeof reply_prefixes[0]; k++)
		if (strlen(reply_prefixes[k]) == n &&
		    ascii_ncasecmp(s, reply_prefixes[k], n) == 0)
			break;
	if (n == 0 || k == sizeof reply_prefixes / sizeof reply_prefixes[0])
		return 0;
	s += n;
	if (*s == '[' || *s == '(') {
		char close = *s == '[' ? ']' : ')';

		n = strspn(s + 1, "0123456789");
		if (n == 0 || s[1 + n] != close)
			return 0;
		s += n + 2;
	}
	s += strspn(s, " ");
	return *s == ':' || strncmp(s, "\xef\xbc\x9a", 3) == 0;
}

/*
 * Whether a Message-ID in In-Reply-To or References is one mailopt
 * gave its own mail: compose_message_id makes them "….mailopt@domain".
 */
static int
answers_mailopt(const struct message *m)
{
	static const char *const names[] = { "In-Reply-To", "References" };
	static const char tag[] = ".mailopt";
	const char *v;

	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; (v = raw_header(m, names[k], i)) != NULL; i++) {
			clist *ids = NULL;
			size_t idx = 0;
			int found = 0;

			if (mailimf_msg_id_list_parse(v, strlen(v), &idx, &ids) !=
			    MAILIMF_NO_ERROR || ids == NULL)
				continue;
			for (clistiter *it = clist_begin(ids); it; it = clist_next(it)) {
				char *id = clist_content(it);
				const char *at = strrchr(id, '@');

				if (at != NULL && (size_t)(at - id) > sizeof tag - 1 &&
				    memcmp(at - (sizeof tag - 1), tag, sizeof tag - 1) == 0)
					found = 1;
				mailimf_msg_id_free(id);
			}
			clist_free(ids);
			if (found)
				return 1;
		}
	return 0;
}

/* A copy of s[0..n) that is valid UTF-8 whatever the bytes. */
static char *
utf8_copy(const char *s, size_t n)
{
	return mime_to_utf8(s, n, "utf-8", NULL);
}

/* Bytes that end a bare address token in a field libetpan rejected. */
static int
addr_stop(char c)
{
	return c == '\0' || c == ' ' || c == '\t' || c == '\n' ||
	    c == ',' || c == ';' || c == '<' || c == '>' || c == '(' ||
	    c == ')' || c == '"' || c == '[' || c == ']' || c == ':';
}

/*
 * The next address in a field too broken for libetpan: the inside of
 * "<x@y>", else a bare token holding '@', its local part perhaps
 * quoted. *pos moves past it; NULL when there is none.
 */
static char *
scan_addr(const char *s, size_t *pos)
{
	const char *p = s + *pos, *at, *b, *e, *q;

	while ((at = strchr(p, '@')) != NULL) {
		for (b = at; b > s && !addr_stop(b[-1]); b--)
			;
		if (b == at && at > p && at[-1] == '"' &&
		    (q = memrchr(p, '"', (size_t)(at - 1 - p))) != NULL)
			b = q;
		for (e = at + 1; !addr_stop(*e); e++)
			;
		*pos = (size_t)(e - s);
		if (b < at && e > at + 1)
			return utf8_copy(b, (size_t)(e - b));
		p = e > at ? e : at + 1;
	}
	*pos = strlen(s);
	return NULL;
}

/* The index of address a among the recipients, or -1. */
static long
rcpt_find(const struct message *m, const char *a)
{
	for (size_t i = 0; i < m->nrcpt; i++)
		if (ascii_casecmp(m->rcpt[i], a) == 0)
			return (long)i;
	return -1;
}

/*
 * Takes a, found in fields of kind in (MESSAGE_RCPT_*); a duplicate
 * adds its kind to the first, addresses past the cap are dropped.
 */
static void
rcpt_add(struct message *m, char *a, unsigned in)
{
	long i = strchr(a, '@') != NULL ? rcpt_find(m, a) : -1;

	if (i != -1)
		m->rcpt_in[i] |= in;
	if (i != -1 || m->nrcpt >= MAX_RCPT || strchr(a, '@') == NULL) {
		free(a);
		return;
	}
	if (m->nrcpt % 16 == 0) {
		m->rcpt = xrealloc(m->rcpt, (m->nrcpt + 16) * sizeof *m->rcpt);
		m->rcpt_in = xrealloc(m->rcpt_in,
		    (m->nrcpt + 16) * sizeof *m->rcpt_in);
	}
	m->rcpt_in[m->nrcpt] = in;
	m->rcpt[m->nrcpt++] = a;
}

/*
 * libetpan's obsolete-syntax rules glue "John Doe john@x" into
 * "JohnDoejohn@x"; an address that is not in the field as written is
 * such a guess, and the field is better scanned by hand.
 */
static int
as_written(const char *raw, const char *spec)
{
	return strchr(spec, '@') != NULL && strstr(raw, spec) != NULL;
}

/* The mailboxes of an address list, flattening groups; 0 on a guess. */
static int
list_mailboxes(const struct mailimf_address_list *al, const char *raw,
    const struct mailimf_mailbox **mbs, size_t max, size_t *n)
{
	clistiter *it, *g;

	*n = 0;
	for (it = clist_begin(al->ad_list); it; it = clist_next(it)) {
		const struct mailimf_address *ad = clist_content(it);
		const struct mailimf_mailbox_list *l;

		if (ad->ad_type == MAILIMF_ADDRESS_MAILBOX) {
			const struct mailimf_mailbox *mb;

			mb = ad->ad_data.ad_mailbox;
			if (!as_written(raw, mb->mb_addr_spec))
				return 0;
			if (*n < max)
				mbs[(*n)++] = mb;
			continue;
		}
		if (ad->ad_data.ad_group == NULL ||
		    (l = ad->ad_data.ad_group->grp_mb_list) == NULL)
			continue;
		for (g = clist_begin(l->mb_list); g; g = clist_next(g)) {
			const struct mailimf_mailbox *mb = clist_content(g);

			if (!as_written(raw, mb->mb_addr_spec))
				return 0;
			if (*n < max)
				mbs[(*n)++] = mb;
		}
	}
	return 1;
}

/*
 * One address field through libetpan: the addresses it holds, up to
 * max, into mbs, and where libetpan stopped into *end; 0 when
 * libetpan cannot be trusted with it. *al must be freed by the caller
 * when set: mbs points into it.
 */
static int
parse_address_list(const char *raw, struct mailimf_address_list **al,
    const struct mailimf_mailbox **mbs, size_t max, size_t *n, size_t *end)
{
	size_t len = strlen(raw);

	*al = NULL;
	*n = 0;
	*end = 0;
	if (len > MAX_ADDR_FIELD || mailimf_address_list_parse(raw, len,
	    end, al) != MAILIMF_NO_ERROR || *al == NULL)
		return 0;
	return list_mailboxes(*al, raw, mbs, max, n);
}

/*
 * An address field: what libetpan finds in it, or when it finds
 * nothing it can vouch for, anything shaped like an address.
 */
static void
add_rcpt_field(struct message *m, const char *raw, unsigned in)
{
	struct mailimf_address_list *al;
	const struct mailimf_mailbox *mbs[MAX_RCPT];
	size_t n, end, pos = 0;
	char *a;
	int ok;

	ok = parse_address_list(raw, &al, mbs, MAX_RCPT, &n, &end);
	for (size_t i = 0; ok && i < n; i++)
		rcpt_add(m, utf8_copy(mbs[i]->mb_addr_spec,
		    strlen(mbs[i]->mb_addr_spec)), in);
	if (al != NULL)
		mailimf_address_list_free(al);
	if (ok)
		return;
	/* duplicates are not counted: bound the tries too */
	for (int tries = 0; tries < 4 * MAX_RCPT && m->nrcpt < MAX_RCPT &&
	    (a = scan_addr(raw, &pos)) != NULL; tries++)
		rcpt_add(m, a, in);
}

/* The display name before '<' of a From libetpan rejected; NULL if none. */
static char *
scan_name(struct message *m, const char *raw)
{
	const char *lt = strchr(raw, '<');
	char *name;
	size_t n;

	if (lt == NULL || lt == raw)
		return NULL;
	name = mime_header_decode(raw, (size_t)(lt - raw), &m->budget);
	n = strlen(name);
	if (n >= 2 && name[0] == '"' && name[n - 1] == '"') {
		memmove(name, name + 1, n - 2);
		name[n - 2] = '\0';
	}
	return name;
}

/*
 * Whether libetpan read all of raw as one list holding exactly one
 * mailbox outside any group: what proof of a sender needs.
 */
static int
one_mailbox(const char *raw, const struct mailimf_address_list *al,
    size_t end)
{
	const struct mailimf_address *ad;
	size_t len;

	if (clist_count(al->ad_list) != 1 ||
	    (ad = clist_content(clist_begin(al->ad_list)))->ad_type !=
	    MAILIMF_ADDRESS_MAILBOX ||
	    strchr(ad->ad_data.ad_mailbox->mb_addr_spec, '@') == NULL)
		return 0;
	/* and nothing but comments and blanks is left where libetpan stopped */
	len = strlen(raw);
	mailimf_cfws_parse(raw, len, &end);
	return end == len;
}

static void
parse_from(struct message *m, const char *raw, size_t nfields)
{
	struct mailimf_address_list *al;
	const struct mailimf_mailbox *mb[2];
	size_t n, end, pos = 0;

	if (parse_address_list(raw, &al, mb, 2, &n, &end) && n >= 1) {
		m->from = utf8_copy(mb[0]->mb_addr_spec,
		    strlen(mb[0]->mb_addr_spec));
		if (mb[0]->mb_display_name != NULL)
			m->from_name = mime_header_decode(
			    mb[0]->mb_display_name,
			    strlen(mb[0]->mb_display_name), &m->budget);
		m->from_single = nfields == 1 && n == 1 &&
		    one_mailbox(raw, al, end);
	}
	if (al != NULL)
		mailimf_address_list_free(al);
	if (m->from == NULL && (m->from = scan_addr(raw, &pos)) != NULL)
		m->from_name = scan_name(m, raw);
	if (m->from_name != NULL && *m->from_name == '\0') {
		free(m->from_name);
		m->from_name = NULL;
	}
}

/*
 * The first value of field name (repeated, the one on top counts),
 * decoded: what is inside its first <...>, else all of it, trimmed.
 * NULL when there is no such field.
 */
static char *
first_inside(const struct message *m, const char *name)
{
	const char *v = message_header(m, name), *lt, *gt;
	size_t n;

	if (v == NULL)
		return NULL;
	n = strcspn(v, "\n");
	if ((lt = memchr(v, '<', n)) != NULL &&
	    (gt = memchr(lt, '>', n - (size_t)(lt - v))) != NULL)
		return str_trim(xstrndup(lt + 1, (size_t)(gt - lt - 1)));
	return str_trim(xstrndup(v, n));
}

static void
parse_addresses(struct message *m)
{
	static const struct {
		const char	*name;
		unsigned	 in;
	} rcpt_fields[] = {
		{ "To", MESSAGE_RCPT_TO },
		{ "Cc", MESSAGE_RCPT_CC },
		{ "Delivered-To", MESSAGE_RCPT_ENVELOPE },
		{ "X-Original-To", MESSAGE_RCPT_ENVELOPE },
	};
	const struct field *f = field_find(m, "From");
	const char *v;

	if ((v = raw_header(m, "From", 0)) != NULL)
		parse_from(m, v, f->nraw);
	m->return_path = first_inside(m, "Return-Path");
	if ((m->id = first_inside(m, "Message-ID")) != NULL &&
	    *m->id == '\0') {
		free(m->id);
		m->id = NULL;
	}
	for (size_t i = 0; i < sizeof rcpt_fields / sizeof rcpt_fields[0];
	    i++)
		for (size_t k = 0; (v = raw_header(m, rcpt_fields[i].name,
		    k)) != NULL; k++)
			add_rcpt_field(m, v, rcpt_fields[i].in);
}

/*
 * html and strip only ever cut at ASCII bytes, so this never fires;
 * but the contract is absolute, and a bug must not reach the rules.
 */
static void
ensure_utf8(char **s)
{
	char *t;

	if (utf8_valid(*s, strlen(*s)))
		return;
	t = mime_to_utf8(*s, strlen(*s), "utf-8", NULL);
	free(*s);
	*s = t;
}

/* Cut s to at most max bytes without splitting a UTF-8 sequence. */
static void
utf8_cut(char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	s[n] = '\0';
}

struct message *
message_parse(const char *buf, size_t len, const struct message_limits *lim)
{
	struct message *m = xcalloc(1, sizeof *m);
	struct message_limits l = { MESSAGE_MAX_DEPTH, MESSAGE_MAX_TEXT, NULL,
	    NULL };
	struct mime_parts parts;
	const char *v;
	char *s, *src;
	size_t n, body, srclen;

	if (lim != NULL)
		l = *lim;
	m->budget = MIME_MAX_ICONV;
	s = normalise(buf, len, &n);
	n = mime_defuse(s, n, l.max_depth);
	s[n] = '\0';
	body = parse_header(m, s, n);
	parse_addresses(m);
	v = message_header(m, "Subject");
	m->subject = xstrndup(v ? v : "", v ? strcspn(v, "\n") : 0);
	m->inherited = reply_prefixed(m->subject) || answers_mailopt(m);

	src = mime_source(m, s + body, n - body, &srclen);
	free(s);
	mime_parse_parts(src, srclen, l.max_depth, &parts);
	free(src);
	m->type = parts.type;
	m->report = parts.report;
	if (parts.html) {
		m->text = html_to_text(parts.text, strlen(parts.text));
		free(parts.text);
	} else
		m->text = parts.text;
	utf8_cut(m->text, l.max_text);
	ensure_utf8(&m->text);
	m->body = strip_text(l.strip, m->text, l.footer);
	ensure_utf8(&m->body);
	return m;
}

void
message_free(struct message *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nfields; i++) {
		free(m->fields[i].name);
		buf_free(&m->fields[i].value);
		for (size_t k = 0; k < m->fields[i].nraw; k++)
			free(m->fields[i].raw[k]);
		free(m->fields[i].raw);
		free(m->fields[i].exact);
	}
	free(m->fields);
	for (size_t i = 0; i < m->nrcpt; i++)
		free(m->rcpt[i]);
	free(m->rcpt);
	free(m->rcpt_in);
	free(m->subject);
	free(m->id);
	free(m->from);
	free(m->from_name);
	free(m->return_path);
	free(m->type);
	free(m->text);
	free(m->body);
	free(m);
}

const char *
message_header(const struct message *m, const char *name)
{
	struct field *f = field_find(m, name);
	/* the decoding, made once, is a cache: the message does not change */
	struct message *mw = (struct message *)m;
	char *v;

	if (f == NULL)
		return NULL;
	if (!f->decoded) {
		for (size_t k = 0; k < f->nraw; k++) {
			v = mime_header_decode(f->raw[k], strlen(f->raw[k]),
			    &mw->budget);
			if (k > 0)
				buf_addc(&f->value, '\n');
			buf_adds(&f->value, v);
			free(v);
		}
		f->decoded = 1;
	}
	return buf_str(&f->value);
}

const char *
message_header_raw(const struct message *m, const char *name, size_t i)
{
	const struct field *f = field_find(m, name);

	for (size_t k = 0; f != NULL && k < f->nraw; k++)
		if (f->exact[k] && i-- == 0)
			return f->raw[k];
	return NULL;
}

const char *
message_subject(const struct message *m)
{
	return m->subject;
}

const char *
message_id(const struct message *m)
{
	return m->id;
}

const char *
message_from(const struct message *m)
{
	return m->from;
}

int
message_subject_inherited(const struct message *m)
{
	return m->inherited;
}

int
message_from_single(const struct message *m)
{
	return m->from_single;
}

const char *
message_from_name(const struct message *m)
{
	return m->from_name;
}

const char *
message_return_path(const struct message *m)
{
	return m->return_path;
}

size_t
message_nrcpt(const struct message *m)
{
	return m->nrcpt;
}

const char *
message_rcpt(const struct message *m, size_t i)
{
	return i < m->nrcpt ? m->rcpt[i] : NULL;
}

unsigned
message_rcpt_in(const struct message *m, size_t i)
{
	return i < m->nrcpt ? m->rcpt_in[i] : 0;
}

const char *
message_content_type(const struct message *m)
{
	return m->type;
}

int
message_is_report(const struct message *m)
{
	return m->report;
}

const char *
message_text(const struct message *m)
{
	return m->text;
}

const char *
message_body(const struct message *m)
{
	return m->body;
}
