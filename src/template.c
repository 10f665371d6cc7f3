/* template.c — mail templates from files: a Subject line, a blank line, a body, with {{placeholders}}. */
#include "config.h"

#include <dirent.h>
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

/*
 * Cut data (the text of path, CRs dropped) into the subject and body
 * of a new template. Returns 0 with *out set, or EX_CONFIG having
 * named the file and line.
 */
static int
parse_text(const char *path, struct buf *data, const char *const *names,
    size_t nnames, struct template **out)
{
	struct template *t = xcalloc(1, sizeof *t);
	char *text, *nl, *subject;
	int rc = EX_CONFIG;

	t->path = xstrdup(path);
	strip_cr(data);
	text = data->s ? data->s : (char *)"";
	if (!utf8_valid(text, data->len) || strlen(text) != data->len) {
		mo_warn("%s: not UTF-8 text", path);
		goto out;
	}
	/* the Subject line and a blank line before the body */
	if (ascii_ncasecmp(text, "Subject:", 8) != 0 ||
	    (nl = strchr(text, '\n')) == NULL || nl[1] != '\n') {
		mo_warn("%s:1: expected a Subject: line, then a blank line", path);
		goto out;
	}
	*nl = '\0';
	subject = str_trim(text + 8);
	if ((rc = parse(&t->subject, subject, path, 1, names, nnames)) != 0 ||
	    (rc = parse(&t->body, nl + 2, path, 3, names, nnames)) != 0)
		goto out;
	*out = t;
	t = NULL;
out:
	template_free(t);
	return rc;
}

/*
 * Load the file at path. Returns 0 with *out set, -1 when there is no
 * such file (nothing said), or EX_CONFIG / EX_IOERR having said why.
 */
static int
load_file(const char *path, const char *const *names, size_t nnames,
    struct template **out)
{
	struct buf data = { 0 };
	int fd, over, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			return -1;
		mo_warn_errno("%s", path);
		return EX_IOERR;
	}
	if (read_fd_capped(fd, TEMPLATE_MAX, &data, &over) == -1) {
		mo_warn_errno("%s", path);
		rc = EX_IOERR;
	} else if (over) {
		mo_warn("%s: larger than 64 KiB", path);
		rc = EX_CONFIG;
	} else
		rc = parse_text(path, &data, names, nnames, out);
	close(fd);
	buf_free(&data);
	return rc;
}

/* The built-in text of file ("confirmation.en.txt"), NULL when none. */
static const char *
builtin_text(const char *file)
{
	for (const struct template_builtin *b = template_builtins; b->file; b++)
		if (strcmp(b->file, file) == 0)
			return b->text;
	return NULL;
}

static int
load_builtin(const char *file, const char *text, const char *const *names,
    size_t nnames, struct template **out)
{
	struct buf data = { 0 };
	char *path = xasprintf("(built-in)/%s", file);
	int rc;

	buf_adds(&data, text);
	rc = parse_text(path, &data, names, nnames, out);
	buf_free(&data);
	free(path);
	return rc;
}

/*
 * file from dir, else the built-in one. An override that exists but
 * cannot be used is named on standard error and the built-in text
 * goes out instead: a customised text must not keep a customer's
 * request from being applied. Returns 0, -1 when neither exists, or
 * EX_CONFIG / EX_IOERR.
 */
static int
load_one(const char *dir, const char *file, const char *const *names,
    size_t nnames, struct template **out)
{
	const char *text = builtin_text(file);
	char *path;
	int rc = -1;

	if (dir != NULL && *dir != '\0') {
		path = xasprintf("%s/%s", dir, file);
		rc = load_file(path, names, nnames, out);
		free(path);
		if (rc == 0)
			return 0;
		if (rc != -1 && text != NULL)
			mo_warn("%s: using the built-in text instead", file);
	}
	return text != NULL ? load_builtin(file, text, names, nnames, out) : rc;
}

int
template_load(const char *dir, const char *kind, const char *lang,
    const char *const *names, size_t nnames, struct template **out)
{
	char *file;
	int rc;

	*out = NULL;
	/* the language comes from a rule id: only letters reach a path */
	if (lang == NULL || *lang == '\0' ||
	    strspn(lang, "abcdefghijklmnopqrstuvwxyz") != strlen(lang))
		lang = "en";
	file = xasprintf("%s.%s.txt", kind, lang);
	rc = load_one(dir, file, names, nnames, out);
	if (rc == -1 && strcmp(lang, "en") != 0) {
		free(file);
		file = xasprintf("%s.en.txt", kind);
		rc = load_one(dir, file, names, nnames, out);
	}
	if (rc == -1) {
		mo_warn("%s: no such template, built in or in %s", file,
		    dir ? dir : "(none)");
		rc = EX_CONFIG;
	}
	free(file);
	return rc;
}

/* 1 when name is KIND.LANG.txt for a kind that is built in. */
static int
is_template_name(const char *name)
{
	const char *dot = strchr(name, '.');
	size_t klen = dot ? (size_t)(dot - name) : 0;

	if (klen == 0 || strlen(dot) < 5 || strcmp(name + strlen(name) - 4, ".txt"))
		return 0;
	for (const struct template_builtin *b = template_builtins; b->file; b++)
		if (strncmp(b->file, name, klen + 1) == 0)
			return 1;
	return 0;
}

int
template_check(const char *dir, const char *const *names, size_t nnames)
{
	struct template *t = NULL;
	struct dirent *de;
	DIR *d;
	int problems = 0;

	for (const struct template_builtin *b = template_builtins; b->file; b++) {
		if (load_builtin(b->file, b->text, names, nnames, &t) != 0)
			problems++;
		template_free(t);
		t = NULL;
	}
	if (dir == NULL || *dir == '\0')
		return problems;
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return problems;
		mo_warn_errno("templates: %s", dir);
		return problems + 1;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		char *path;

		if (de->d_name[0] == '.' || !is_template_name(de->d_name))
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (load_file(path, names, nnames, &t) != 0)
			problems++;
		template_free(t);
		t = NULL;
		free(path);
	}
	closedir(d);
	return problems;
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
