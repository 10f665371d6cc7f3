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

#define DEFAULT_DEPTH	20
#define DEFAULT_TEXT	(1024 * 1024)

struct field {
	char	*name;
	struct buf value;	/* decoded occurrences joined by "\n" */
	char	*raw;		/* first occurrence, undecoded */
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
	size_t		 nrcpt;
	char		*type;
	int		 report;
	char		*text;
	char		*body;
};

/*
 * A copy with the UTF-8 BOM dropped and CRLF and lone CR turned into
 * LF, ending in LF, so that libetpan sees one kind of line end and the
 * last header field is terminated.
 */
static char *
normalise(const char *buf, size_t len, size_t *outlen)
{
	char *s = xmalloc(len + 2);
	size_t i = 0, o = 0;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (; i < len; i++) {
		if (buf[i] == '\r') {
			if (i + 1 < len && buf[i + 1] == '\n')
				continue;
			s[o++] = '\n';
		} else
			s[o++] = buf[i];
	}
	if (o == 0 || s[o - 1] != '\n')
		s[o++] = '\n';
	s[o] = '\0';
	*outlen = o;
	return s;
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
field_add(struct message *m, const char *name, const char *raw)
{
	struct field *f = field_find(m, name);
	char *v = mime_header_decode(raw, strlen(raw));

	if (f == NULL) {
		if (m->nfields % 16 == 0)
			m->fields = xrealloc(m->fields,
			    (m->nfields + 16) * sizeof *m->fields);
		f = &m->fields[m->nfields++];
		memset(f, 0, sizeof *f);
		f->name = xstrdup(name);
		f->raw = xstrdup(raw);
	} else
		buf_addc(&f->value, '\n');
	buf_adds(&f->value, v);
	free(v);
}

/* The header block, split into fields by libetpan. */
static void
parse_header(struct message *m, const char *s, size_t len)
{
	struct mailimf_fields *flds = NULL;
	clistiter *it;
	size_t idx = 0;

	if (mailimf_optional_fields_parse(s, len, &idx, &flds) !=
	    MAILIMF_NO_ERROR || flds == NULL)
		return;
	for (it = clist_begin(flds->fld_list); it; it = clist_next(it)) {
		const struct mailimf_field *f = clist_content(it);
		const struct mailimf_optional_field *o;

		if (f->fld_type != MAILIMF_FIELD_OPTIONAL_FIELD)
			continue;
		o = f->fld_data.fld_optional_field;
		field_add(m, o->fld_name, o->fld_value);
	}
	mailimf_fields_free(flds);
}

static const char *
raw_header(const struct message *m, const char *name)
{
	const struct field *f = field_find(m, name);

	return f ? f->raw : NULL;
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
 * "<x@y>", else a bare token holding '@'. *pos moves past it; NULL
 * when there is none.
 */
static char *
scan_addr(const char *s, size_t *pos)
{
	const char *p = s + *pos, *at, *b, *e;

	while ((at = strchr(p, '@')) != NULL) {
		for (b = at; b > s && !addr_stop(b[-1]); b--)
			;
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

static int
rcpt_has(const struct message *m, const char *a)
{
	for (size_t i = 0; i < m->nrcpt; i++)
		if (ascii_casecmp(m->rcpt[i], a) == 0)
			return 1;
	return 0;
}

/* Takes a; duplicates and addresses past the cap are dropped. */
static void
rcpt_add(struct message *m, char *a)
{
	if (m->nrcpt >= MAX_RCPT || strchr(a, '@') == NULL ||
	    rcpt_has(m, a)) {
		free(a);
		return;
	}
	if (m->nrcpt % 16 == 0)
		m->rcpt = xrealloc(m->rcpt, (m->nrcpt + 16) * sizeof *m->rcpt);
	m->rcpt[m->nrcpt++] = a;
}

static void
rcpt_add_mailboxes(struct message *m, const struct mailimf_mailbox_list *l)
{
	clistiter *it;

	if (l == NULL)
		return;
	for (it = clist_begin(l->mb_list); it; it = clist_next(it)) {
		const struct mailimf_mailbox *mb = clist_content(it);

		rcpt_add(m, utf8_copy(mb->mb_addr_spec,
		    strlen(mb->mb_addr_spec)));
	}
}

/*
 * Every occurrence of an address field: each value goes to libetpan,
 * and what it rejects is scanned for anything shaped like an address.
 */
static void
add_rcpt_field(struct message *m, const char *raw)
{
	struct mailimf_address_list *al = NULL;
	clistiter *it;
	size_t idx = 0, pos = 0;
	char *a;

	if (strlen(raw) <= MAX_ADDR_FIELD &&
	    mailimf_address_list_parse(raw, strlen(raw), &idx, &al) ==
	    MAILIMF_NO_ERROR && al != NULL) {
		for (it = clist_begin(al->ad_list); it; it = clist_next(it)) {
			const struct mailimf_address *ad = clist_content(it);

			if (ad->ad_type == MAILIMF_ADDRESS_MAILBOX) {
				const struct mailimf_mailbox *mb =
				    ad->ad_data.ad_mailbox;

				rcpt_add(m, utf8_copy(mb->mb_addr_spec,
				    strlen(mb->mb_addr_spec)));
			} else if (ad->ad_data.ad_group != NULL)
				rcpt_add_mailboxes(m,
				    ad->ad_data.ad_group->grp_mb_list);
		}
		mailimf_address_list_free(al);
		return;
	}
	while (m->nrcpt < MAX_RCPT && (a = scan_addr(raw, &pos)) != NULL)
		rcpt_add(m, a);
}

static void
parse_from(struct message *m, const char *raw)
{
	struct mailimf_mailbox_list *l = NULL;
	const struct mailimf_mailbox *mb;
	const char *lt;
	size_t idx = 0, pos = 0;

	if (mailimf_mailbox_list_parse(raw, strlen(raw), &idx, &l) ==
	    MAILIMF_NO_ERROR && l != NULL && clist_begin(l->mb_list)) {
		mb = clist_content(clist_begin(l->mb_list));
		if (strchr(mb->mb_addr_spec, '@') != NULL) {
			m->from = utf8_copy(mb->mb_addr_spec,
			    strlen(mb->mb_addr_spec));
			if (mb->mb_display_name != NULL)
				m->from_name = mime_header_decode(
				    mb->mb_display_name,
				    strlen(mb->mb_display_name));
		}
	}
	if (l != NULL)
		mailimf_mailbox_list_free(l);
	if (m->from != NULL)
		goto out;
	/* libetpan gave up or found no '@': look for one by hand */
	m->from = scan_addr(raw, &pos);
	if (m->from != NULL && (lt = strchr(raw, '<')) != NULL && lt > raw) {
		char *name = mime_header_decode(raw, (size_t)(lt - raw));
		size_t n = strlen(name);

		if (n >= 2 && name[0] == '"' && name[n - 1] == '"') {
			memmove(name, name + 1, n - 2);
			name[n - 2] = '\0';
		}
		m->from_name = name;
	}
out:
	if (m->from_name != NULL && *m->from_name == '\0') {
		free(m->from_name);
		m->from_name = NULL;
	}
}

/* The inside of the first <...> of a decoded value, else all of it. */
static char *
angle_inside(const char *v)
{
	const char *lt = strchr(v, '<'), *gt;
	char *s;

	if (lt != NULL && (gt = strchr(lt, '>')) != NULL)
		s = xstrndup(lt + 1, (size_t)(gt - lt - 1));
	else
		s = xstrdup(v);
	return str_trim(s);
}

static void
parse_addresses(struct message *m)
{
	static const char *const rcpt_fields[] = {
		"To", "Cc", "Delivered-To", "X-Original-To",
	};
	const char *v;

	if ((v = raw_header(m, "From")) != NULL)
		parse_from(m, v);
	if ((v = message_header(m, "Return-Path")) != NULL) {
		/* a repeated field keeps its first value, the one on top */
		char *first = xstrndup(v, strcspn(v, "\n"));

		m->return_path = angle_inside(first);
		free(first);
	}
	if ((v = message_header(m, "Message-ID")) != NULL) {
		char *first = xstrndup(v, strcspn(v, "\n"));

		m->id = angle_inside(first);
		free(first);
		if (*m->id == '\0') {
			free(m->id);
			m->id = NULL;
		}
	}
	for (size_t i = 0; i < sizeof rcpt_fields / sizeof rcpt_fields[0];
	    i++)
		if ((v = raw_header(m, rcpt_fields[i])) != NULL)
			add_rcpt_field(m, v);
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
	struct mime_parts parts;
	const char *v;
	char *s;
	size_t n;

	s = normalise(buf, len, &n);
	n = mime_defuse(s, n, lim ? lim->max_depth : DEFAULT_DEPTH);
	s[n] = '\0';
	parse_header(m, s, n);
	parse_addresses(m);
	v = message_header(m, "Subject");
	m->subject = xstrndup(v ? v : "", v ? strcspn(v, "\n") : 0);

	mime_parse_parts(s, n, lim ? lim->max_depth : DEFAULT_DEPTH, &parts);
	m->type = parts.type;
	m->report = parts.report;
	if (parts.html) {
		m->text = html_to_text(parts.text, strlen(parts.text));
		free(parts.text);
	} else
		m->text = parts.text;
	utf8_cut(m->text, lim ? lim->max_text : DEFAULT_TEXT);
	m->body = strip_text(m->text, lim ? lim->footer : NULL);
	free(s);
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
		free(m->fields[i].raw);
	}
	free(m->fields);
	for (size_t i = 0; i < m->nrcpt; i++)
		free(m->rcpt[i]);
	free(m->rcpt);
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
	const struct field *f = field_find(m, name);

	return f ? buf_str(&f->value) : NULL;
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
