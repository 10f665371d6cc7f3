/* rules.c — rule files loaded into compiled PCRE2 patterns, and classification of a message by them. */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <pcre2.h>

#include "message.h"
#include "rules.h"
#include "util.h"

/*
 * Every match is bounded: backtracking by the match limit, the
 * interpreter's frames by the heap limit, the JIT by its stack. The
 * match limit starts afresh at each start position, so only capping
 * the length of what is searched bounds the total work.
 */
#define MATCH_LIMIT	200000
#define HEAP_LIMIT_KIB	(16 * 1024)
#define JIT_STACK_START	(32 * 1024)
#define JIT_STACK_MAX	(1024 * 1024)
#define FIELD_CAP	(64 * 1024)

/* What a rule's "where" may name. */
enum field_kind {
	FIELD_SUBJECT,
	FIELD_BODY,
	FIELD_HEADER
};

struct field {
	enum field_kind	 kind;
	char		*where;		/* as reported: "body", "header:List-Id" */
	const char	*header;	/* the name inside where, FIELD_HEADER only */
};

struct rule {
	char		*id;
	enum action	 action;
	const char	*file;		/* owned by struct rules */
	int		 line;
	struct field	*fields;
	size_t		 nfields;
	pcre2_code	*re;
};

struct rules {
	struct rule	*v;
	size_t		 n, cap;
	char		**files;
	size_t		 nfiles;
	/*
	 * Made once and shared by every match, so rules_classify is not
	 * reentrant: one struct rules per thread.
	 */
	pcre2_match_context *mctx;
	pcre2_jit_stack	*jit;
	pcre2_match_data *md;
};

/* The text of one field of a message, already capped. */
struct text {
	const char	*s;
	size_t		 len;
};

static const char *ws = " \t";

static void
rule_clear(struct rule *r)
{
	for (size_t i = 0; i < r->nfields; i++)
		free(r->fields[i].where);
	free(r->fields);
	free(r->id);
	pcre2_code_free(r->re);
}

void
rules_free(struct rules *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++)
		rule_clear(&r->v[i]);
	free(r->v);
	for (size_t i = 0; i < r->nfiles; i++)
		free(r->files[i]);
	free(r->files);
	pcre2_match_data_free(r->md);
	pcre2_jit_stack_free(r->jit);
	pcre2_match_context_free(r->mctx);
	free(r);
}

size_t
rules_count(const struct rules *r)
{
	return r ? r->n : 0;
}

/* Report a broken line the way compilers do, so editors can jump to it. */
static void
bad_line(const char *file, int line, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	mo_warn("%s:%d: %s", file, line, why);
}

static int
valid_id(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return 0;
	return 1;
}

/* RFC 5322 field name: printable ASCII but the colon. */
static int
valid_header_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (*s < '!' || *s > '~' || *s == ':')
			return 0;
	return 1;
}

/* Parse "subject,body,header:X" into r->fields; -1 names the bad item in why. */
static int
parse_where(struct rule *r, const char *spec, char *why, size_t whylen)
{
	const char *p = spec, *comma;
	struct field *f;
	char *item;
	int rc = -1;

	for (;;) {
		comma = strchr(p, ',');
		item = comma ? xstrndup(p, (size_t)(comma - p)) : xstrdup(p);
		r->fields = xrealloc(r->fields, (r->nfields + 1) * sizeof *r->fields);
		f = &r->fields[r->nfields++];
		f->where = item;
		f->header = NULL;
		if (strcmp(item, "subject") == 0)
			f->kind = FIELD_SUBJECT;
		else if (strcmp(item, "body") == 0)
			f->kind = FIELD_BODY;
		else if (strncmp(item, "header:", 7) == 0 &&
		    valid_header_name(item + 7)) {
			f->kind = FIELD_HEADER;
			f->header = item + 7;
		} else {
			snprintf(why, whylen, "bad where '%s': want subject, "
			    "body or header:Name", item);
			goto out;
		}
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	rc = 0;
out:
	return rc;
}

/*
 * Compile "/pattern/flags". The last slash ends the pattern so that
 * a slash inside it needs no escaping beyond what PCRE2 itself wants.
 */
static int
compile_pattern(struct rule *r, const char *spec, char *why, size_t whylen)
{
	const char *end = strrchr(spec, '/');
	uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF;
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	int err;

	if (spec[0] != '/') {
		snprintf(why, whylen, "pattern must start with '/'");
		return -1;
	}
	if (end == spec) {
		snprintf(why, whylen, "pattern has no closing '/'");
		return -1;
	}
	for (const char *f = end + 1; *f; f++) {
		switch (*f) {
		case 'i': opts |= PCRE2_CASELESS; break;
		case 'x': opts |= PCRE2_EXTENDED; break;
		case 's': opts |= PCRE2_DOTALL; break;
		case 'm': opts |= PCRE2_MULTILINE; break;
		default:
			snprintf(why, whylen, "unknown pattern flag '%c' "
			    "(want i, x, s or m)", *f);
			return -1;
		}
	}
	r->re = pcre2_compile((PCRE2_SPTR)spec + 1, (PCRE2_SIZE)(end - spec - 1),
	    opts, &err, &off, NULL);
	if (r->re == NULL) {
		pcre2_get_error_message(err, msg, sizeof msg);
		snprintf(why, whylen, "bad pattern: %s at offset %zu",
		    (char *)msg, (size_t)off);
		return -1;
	}
	/* Without JIT (no executable memory, say) the interpreter still works. */
	(void)pcre2_jit_compile(r->re, PCRE2_JIT_COMPLETE);
	return 0;
}

static const struct rule *
find_id(const struct rules *rs, const char *id)
{
	for (size_t i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i].id, id) == 0)
			return &rs->v[i];
	return NULL;
}

/*
 * One line, NUL-terminated and without its newline. Blank lines and
 * comments add nothing; returns -1 after reporting a broken line.
 */
static int
parse_line(struct rules *rs, const char *file, int lineno, char *line)
{
	struct rule r = { 0 };
	const struct rule *dup;
	char why[512], *id, *act, *where, *pat;
	int rc = -1;

	str_trim(line);
	if (*line == '\0' || *line == '#')
		return 0;
	r.file = file;
	r.line = lineno;
	id = line;
	act = id + strcspn(id, ws);
	if (*act)
		*act++ = '\0';
	act += strspn(act, ws);
	where = act + strcspn(act, ws);
	if (*where)
		*where++ = '\0';
	where += strspn(where, ws);
	pat = where + strcspn(where, ws);
	if (*pat)
		*pat++ = '\0';
	pat += strspn(pat, ws);

	if (!valid_id(id)) {
		snprintf(why, sizeof why, "bad id '%s': want letters, digits, "
		    "'-' and '_'", id);
		goto out;
	}
	if (*act == '\0' || *where == '\0' || *pat == '\0') {
		snprintf(why, sizeof why, "want: id action where /pattern/flags");
		goto out;
	}
	if (action_parse(act, &r.action) == -1) {
		snprintf(why, sizeof why, "unknown action '%s'", act);
		goto out;
	}
	if (parse_where(&r, where, why, sizeof why) == -1 ||
	    compile_pattern(&r, pat, why, sizeof why) == -1)
		goto out;
	if ((dup = find_id(rs, id)) != NULL) {
		snprintf(why, sizeof why, "duplicate id '%s', first at %s:%d",
		    id, dup->file, dup->line);
		goto out;
	}
	r.id = xstrdup(id);
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 64;
		rs->v = xrealloc(rs->v, rs->cap * sizeof *rs->v);
	}
	rs->v[rs->n++] = r;
	rc = 0;
out:
	if (rc != 0) {
		bad_line(file, lineno, "%s", why);
		rule_clear(&r);
	}
	return rc;
}

/*
 * Read one file into rs. Every broken line is reported, not just the
 * first, so one `rules check` shows all there is to fix.
 */
static int
load_file(struct rules *rs, const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name), *line = NULL;
	const char *file;
	struct stat st;
	size_t cap = 0;
	ssize_t len;
	FILE *fp;
	int lineno = 0, rc = EX_NOINPUT;

	if ((fp = fopen(path, "r")) == NULL) {
		mo_warn_errno("%s", path);
		goto out;
	}
	if (fstat(fileno(fp), &st) == -1) {
		mo_warn_errno("%s", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		mo_warn("%s: not a regular file", path);
		goto out;
	}
	rs->files = xrealloc(rs->files, (rs->nfiles + 1) * sizeof *rs->files);
	file = rs->files[rs->nfiles++] = xstrdup(name);
	rc = 0;
	while ((len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (strlen(line) != (size_t)len) {
			bad_line(file, lineno, "NUL byte in line");
			rc = EX_DATAERR;
		} else if (parse_line(rs, file, lineno, line) == -1)
			rc = EX_DATAERR;
	}
	if (ferror(fp)) {
		mo_warn_errno("%s", path);
		rc = EX_IOERR;
	}
out:
	if (fp)
		fclose(fp);
	free(line);
	free(path);
	return rc;
}

/* Hidden files are skipped: editors leave ".#50-en.rules" and the like. */
static int
is_rules_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 6 &&
	    strcmp(d->d_name + n - 6, ".rules") == 0;
}

/* The contract promises strcmp order, which alphasort (strcoll) is not. */
static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int
rules_load(const char *dir, struct rules **out)
{
	struct dirent **names = NULL;
	struct rules *rs = xcalloc(1, sizeof *rs);
	int n, rc = 0, frc;

	*out = NULL;
	if ((n = scandir(dir, &names, is_rules_file, by_name)) == -1) {
		mo_warn_errno("%s", dir);
		rc = EX_NOINPUT;
		goto out;
	}
	if (n == 0) {
		mo_warn("%s: no .rules file", dir);
		rc = EX_CONFIG;
		goto out;
	}
	/* A missing file outranks bad data: the rest cannot be judged. */
	for (int i = 0; i < n; i++)
		if ((frc = load_file(rs, dir, names[i]->d_name)) != 0 &&
		    (rc == 0 || rc == EX_DATAERR))
			rc = frc;
	if (rc != 0)
		goto out;

	rs->mctx = pcre2_match_context_create(NULL);
	rs->jit = pcre2_jit_stack_create(JIT_STACK_START, JIT_STACK_MAX, NULL);
	rs->md = pcre2_match_data_create(1, NULL);
	if (rs->mctx == NULL || rs->jit == NULL || rs->md == NULL) {
		mo_warn("rules: out of memory for the matcher");
		rc = EX_TEMPFAIL;
		goto out;
	}
	pcre2_set_match_limit(rs->mctx, MATCH_LIMIT);
	pcre2_set_heap_limit(rs->mctx, HEAP_LIMIT_KIB);
	pcre2_jit_stack_assign(rs->mctx, NULL, rs->jit);
	*out = rs;
	rs = NULL;
out:
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	rules_free(rs);
	return rc;
}

/* At most FIELD_CAP bytes of s, never ending inside a UTF-8 sequence. */
static struct text
capped(const char *s)
{
	struct text t = { s, s ? strnlen(s, FIELD_CAP) : 0 };

	if (t.len == FIELD_CAP)
		while (t.len > 0 && ((unsigned char)s[t.len] & 0xc0) == 0x80)
			t.len--;
	return t;
}

int
rules_classify(const struct rules *r, const struct message *m,
    struct rule_hit *hit, rules_trace_fn trace, void *arg)
{
	/* Subject and body are read by most rules: look them up once. */
	const struct text subject = capped(message_subject(m));
	const struct text body = capped(message_body(m));
	PCRE2_UCHAR errbuf[256];

	for (size_t i = 0; i < r->n; i++) {
		const struct rule *ru = &r->v[i];
		struct rule_hit h = { ru->id, ru->action, NULL, ru->file, ru->line };
		const char *error = NULL;

		for (size_t j = 0; j < ru->nfields && h.where == NULL; j++) {
			const struct field *f = &ru->fields[j];
			struct text t;
			int rc;

			switch (f->kind) {
			case FIELD_SUBJECT: t = subject; break;
			case FIELD_BODY: t = body; break;
			default: t = capped(message_header(m, f->header)); break;
			}
			if (t.s == NULL)
				continue;	/* absent header: no match */
			rc = pcre2_match(ru->re, (PCRE2_SPTR)t.s, t.len, 0, 0,
			    r->md, r->mctx);
			/* 0 is a match whose groups did not fit: still a match. */
			if (rc >= 0)
				h.where = f->where;
			else if (rc != PCRE2_ERROR_NOMATCH) {
				pcre2_get_error_message(rc, errbuf, sizeof errbuf);
				error = (const char *)errbuf;
			}
		}
		if (trace)
			trace(arg, &h, h.where != NULL, h.where ? NULL : error);
		if (h.where) {
			*hit = h;
			return 1;
		}
	}
	return 0;
}
