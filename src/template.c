/* template.c — mail templates from files: a Subject line, a blank line, a body, with {{placeholders}}. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "template.h"
#include "util.h"

/* A template is a page or two of text; anything larger is a mistake. */
#define TEMPLATE_MAX	(64 * 1024)

enum seg_kind {
	SEG_TEXT,	/* text */
	SEG_VALUE,	/* the value, else other (NULL: nothing) */
	SEG_CHOOSE	/* text when the value is true, else other */
};

struct seg {
	enum seg_kind	 kind;
	size_t		 var;
	char		*text, *other;
};

struct part {
	struct seg	*v;
	size_t		 n, cap;
};

struct template {
	char		*path;
	struct part	 subject, body;
};

static void
part_free(struct part *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].text);
		free(p->v[i].other);
	}
	free(p->v);
}

void
template_free(struct template *t)
{
	if (t == NULL)
		return;
	part_free(&t->subject);
	part_free(&t->body);
	free(t->path);
	free(t);
}

const char *
template_path(const struct template *t)
{
	return t->path;
}

static struct seg *
seg_add(struct part *p, enum seg_kind kind, size_t var)
{
	struct seg *s;

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->v = xrealloc(p->v, p->cap * sizeof *p->v);
	}
	s = &p->v[p->n++];
	memset(s, 0, sizeof *s);
	s->kind = kind;
	s->var = var;
	return s;
}

/* Line of text on which p lies, counting from first. */
static int
line_at(const char *text, const char *p, int first)
{
	for (; text < p; text++)
		if (*text == '\n')
			first++;
	return first;
}

/*
 * Cut text (from line `line` of the file) into segments. Returns 0,
 * or EX_CONFIG having named the file and line.
 */
static int
parse(struct part *part, const char *text, const char *path, int line,
    const char *const *names, size_t nnames)
{
	const char *p = text, *open, *close, *in, *bar;
	size_t len, var;
	struct seg *s;

	while ((open = strstr(p, "{{")) != NULL) {
		if (open > p)
			seg_add(part, SEG_TEXT, 0)->text =
			    xstrndup(p, (size_t)(open - p));
		in = open + 2;
		close = strstr(in, "}}");
		if (close == NULL || memchr(in, '\n', (size_t)(close - in))) {
			mo_warn("%s:%d: {{ without }} on its line", path,
			    line_at(text, open, line));
			return EX_CONFIG;
		}
		len = strspn(in, "abcdefghijklmnopqrstuvwxyz0123456789_");
		for (var = 0; var < nnames; var++)
			if (strlen(names[var]) == len &&
			    strncmp(names[var], in, len) == 0)
				break;
		if (var == nnames || (in[len] != '?' && in[len] != '|' &&
		    in + len != close)) {
			mo_warn("%s:%d: unknown placeholder {{%.*s}}", path,
			    line_at(text, open, line), (int)(close - in), in);
			return EX_CONFIG;
		}
		in += len;
		s = seg_add(part, *in == '?' ? SEG_CHOOSE : SEG_VALUE, var);
		if (*in == '?') {
			in++;
			bar = memchr(in, '|', (size_t)(close - in));
			s->text = xstrndup(in, (size_t)((bar ? bar : close) - in));
			in = bar ? bar : close;
		}
		if (*in == '|')
			s->other = xstrndup(in + 1, (size_t)(close - in - 1));
		p = close + 2;
	}
	if (*p)
		seg_add(part, SEG_TEXT, 0)->text = xstrdup(p);
	return 0;
}

/* Open dir/kind.lang.txt, falling back to English; *path gets the name tried last. */
static int
open_file(const char *dir, const char *kind, const char *lang, char **path)
{
	int fd;

	/* the language comes from a rule id: only letters reach a path */
	if (lang == NULL || *lang == '\0' ||
	    strspn(lang, "abcdefghijklmnopqrstuvwxyz") != strlen(lang))
		lang = "en";
	*path = xasprintf("%s/%s.%s.txt", dir, kind, lang);
	if ((fd = open(*path, O_RDONLY | O_CLOEXEC)) == -1 && errno == ENOENT &&
	    strcmp(lang, "en") != 0) {
		free(*path);
		*path = xasprintf("%s/%s.en.txt", dir, kind);
		fd = open(*path, O_RDONLY | O_CLOEXEC);
	}
	return fd;
}

/* Drop the CR of every CRLF, in place: a template edited on Windows still reads. */
static void
strip_cr(struct buf *b)
{
	size_t j = 0;

	for (size_t i = 0; i < b->len; i++)
		if (!(b->s[i] == '\r' && i + 1 < b->len && b->s[i + 1] == '\n'))
			b->s[j++] = b->s[i];
	b->len = j;
	if (b->s)
		b->s[j] = '\0';
}

int
template_load(const char *dir, const char *kind, const char *lang,
    const char *const *names, size_t nnames, struct template **out)
{
	struct template *t = xcalloc(1, sizeof *t);
	struct buf data = { 0 };
	char *text, *nl, *subject;
	int fd, over, rc = EX_CONFIG;

	*out = NULL;
	if ((fd = open_file(dir, kind, lang, &t->path)) == -1) {
		mo_warn_errno("%s", t->path);
		goto out;
	}
	if (read_fd_capped(fd, TEMPLATE_MAX, &data, &over) == -1) {
		mo_warn_errno("%s", t->path);
		rc = EX_IOERR;
		goto out;
	}
	strip_cr(&data);
	text = data.s ? data.s : (char *)"";
	if (over || !utf8_valid(text, data.len) || strlen(text) != data.len) {
		mo_warn("%s: %s", t->path, over ? "larger than 64 KiB" :
		    "not UTF-8 text");
		goto out;
	}
	/* the Subject line and a blank line before the body */
	if (ascii_ncasecmp(text, "Subject:", 8) != 0 ||
	    (nl = strchr(text, '\n')) == NULL || nl[1] != '\n') {
		mo_warn("%s:1: expected a Subject: line, then a blank line",
		    t->path);
		goto out;
	}
	*nl = '\0';
	subject = str_trim(text + 8);
	if ((rc = parse(&t->subject, subject, t->path, 1, names, nnames)) != 0 ||
	    (rc = parse(&t->body, nl + 2, t->path, 3, names, nnames)) != 0)
		goto out;
	*out = t;
	t = NULL;
out:
	if (fd != -1)
		close(fd);
	buf_free(&data);
	template_free(t);
	return rc;
}

/* A value is false when missing, empty or "0". */
static int
truth(const char *v)
{
	return v != NULL && *v != '\0' && strcmp(v, "0") != 0;
}

static void
expand(const struct part *p, const char *const *values, struct buf *out)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct seg *s = &p->v[i];
		const char *v = s->kind == SEG_TEXT ? NULL : values[s->var];
		const char *put;

		if (s->kind == SEG_TEXT)
			put = s->text;
		else if (s->kind == SEG_CHOOSE)
			put = truth(v) ? s->text : s->other;
		else
			put = s->other == NULL || truth(v) ? v : s->other;
		if (put == NULL)
			continue;
		if (put != v) {
			buf_adds(out, put);
			continue;
		}
		/* a value stays on its line, wherever the template puts it */
		for (; *put; put++)
			buf_addc(out, (unsigned char)*put < 0x20 || *put == 0x7f ?
			    ' ' : *put);
	}
}

void
template_expand(const struct template *t, const char *const *values,
    struct buf *subject, struct buf *body)
{
	expand(&t->subject, values, subject);
	expand(&t->body, values, body);
}
