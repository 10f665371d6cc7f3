/* rules_load.c — rule files read into compiled rules: define, lang, branches, errors with file and line. */
#include "config.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "langid.h"
#include "prefilter.h"
#include "scope.h"
#include "strip.h"
#include "rules.h"
#include "rules_priv.h"
#include "util.h"

#define JIT_STACK_START	(32 * 1024)
#define JIT_STACK_MAX	(1024 * 1024)
#define MATCH_LIMIT	200000
#define HEAP_LIMIT_KIB	(16 * 1024)

static const char *ws = " \t";

/* `define NAME text`: visible from its line to the end of its file. */
struct define {
	char		*name;
	char		*text;		/* expanded */
	int		 line;
};

/* One {NAME} in a branch: where its text went, for error offsets. */
struct expansion {
	size_t		 from, to;	/* in the expanded branch */
	size_t		 at;		/* offset of the '{' as written */
	const struct define *def;
};

/* One line of a rule's pattern as written. */
struct part {
	int		 line;
	char		*text;
	/* filled when expanded */
	struct buf	 exp;
	struct expansion *xv;
	size_t		 nx;
};

/* A rule line and its branch lines, read but not yet compiled. */
struct pending {
	int		 active;
	int		 line;
	char		*head;		/* "id action where" as written */
	struct part	*parts;
	size_t		 nparts;
};

/* One file being read. */
struct reader {
	struct rules	*rs;
	const char	*file;
	size_t		 fileno;	/* index into rs->files */
	struct define	*defs;
	size_t		 ndefs;
	int		 nrules;	/* rules seen in this file, good or bad */
	int		 langno;	/* the file's lang, an index of rs->lang */
	int		 anywhere;	/* its lang line says anywhere */
	int		 own;		/* below an own-language-only line */
	int		 confirm;	/* below a confirm-optins line */
	struct pending	 pend;
};

static void
rule_clear(struct rule *r)
{
	for (size_t i = 0; i < r->nfields; i++)
		free(r->fields[i].where);
	free(r->fields);
	free(r->id);
	free(r->pattern);
	for (size_t i = 0; r->branches && i < r->nbranches; i++) {
		if (r->branches[i].jre != r->branches[i].re)
			pcre2_code_free(r->branches[i].jre);
		pcre2_code_free(r->branches[i].re);
		prefilter_free(r->branches[i].need);
	}
	free(r->branches);
	free(r->need_why);
	prefilter_free(r->need);
	if (r->jre != r->re)
		pcre2_code_free(r->jre);
	pcre2_code_free(r->re);
	prefilter_gate_free(r->gate);
	pcre2_code_free(r->marked);
}

/* What a clone has of its own (rules_clone), made by make_matcher. */
static void
matcher_free(struct rules *r)
{
	strip_free(r->strip);
	scope_free(r->scope);
	pcre2_match_data_free(r->md);
	pcre2_jit_stack_free(r->jit);
	free(r->scratch);
	free(r->ord);
	pcre2_match_context_free(r->mctx);
	textsum_free(r->sum[0]);
	textsum_free(r->sum[1]);
}

void
rules_free(struct rules *r)
{
	if (r == NULL)
		return;
	matcher_free(r);
	if (r->origin != NULL) {
		free(r);
		return;
	}
	for (size_t i = 0; i < r->n; i++) {
		if (r->kept != NULL)
			r->v[i].pattern = NULL;	/* lies in kept */
		rule_clear(&r->v[i]);
	}
	free(r->v);
	if (r->kept != NULL)
		(void)munmap(r->kept, r->keptlen);
	if (r->kept_fd != -1)
		(void)close(r->kept_fd);
	for (size_t i = 0; i < r->nfiles; i++) {
		free(r->files[i]);
		free(r->langs[i]);
	}
	free(r->files);
	free(r->langs);
	free(r->seen);
	for (int i = 0; i < r->nlang; i++)
		free(r->lang[i]);
	free(r->lang);
	langid_free(r->words);
	buf_free(&r->wordlist);
	for (int k = 0; k < STRIP_KINDS; k++)
		buf_free(&r->quote[k]);
	for (int i = 0; i < LANGID_MAX; i++)
		for (int k = 0; k < SCOPE_WORDS; k++)
			buf_free(&r->scope_alt[i][k]);
	prefilter_pool_free(r->pool);
	(void)pthread_mutex_destroy(r->lock);
	free(r->lock);
	free(r->jit_bytes);
	free(r->decoded_bytes);
	free(r);
}

/* Report a broken line the way compilers do, so editors can jump to it. */
static void
bad_line(const char *file, int line, const char *why)
{
	mo_warn("%s:%d: %s", file, line, why);
}

static int
is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static int
valid_id(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!is_alnum((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
	return 1;
}

/* Length of the name a define may have at s: a letter or '_', then those and digits. */
static size_t
name_len(const char *s)
{
	size_t n = 0;

	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return 0;
	while (is_alnum((unsigned char)s[n]) || s[n] == '_')
		n++;
	return n;
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
			return -1;
		}
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

static const struct define *
find_define(const struct reader *rd, const char *name, size_t n)
{
	for (size_t i = 0; i < rd->ndefs; i++)
		if (strlen(rd->defs[i].name) == n &&
		    memcmp(rd->defs[i].name, name, n) == 0)
			return &rd->defs[i];
	return NULL;
}

/*
 * Expand every {NAME} of s into out, as text. Escapes are copied as
 * they are, so \p{L}, \x{e4} and \{ never name anything, nor does
 * anything between \Q and \E; {3} and {2,5} are quantifiers. When xv
 * is not NULL, each expansion is recorded there. -1: why says which
 * name is not defined.
 */
static int
expand(const struct reader *rd, const char *s, struct buf *out,
    struct expansion **xv, size_t *nx, char *why, size_t whylen)
{
	const char *start = s, *e;
	const struct define *d;
	size_t n;

	while (*s) {
		if (s[0] == '\\' && s[1] == 'Q') {
			e = strstr(s + 2, "\\E");
			n = e ? (size_t)(e + 2 - s) : strlen(s);
		} else if (s[0] == '\\' && s[1] != '\0' &&
		    strchr("pPxoNgk", s[1]) && s[2] == '{') {
			e = strchr(s + 3, '}');
			n = e ? (size_t)(e + 1 - s) : strlen(s);
		} else if (s[0] == '\\' && s[1] != '\0')
			n = 2;
		else if (s[0] == '{' && (n = name_len(s + 1)) > 0 &&
		    s[n + 1] == '}') {
			if ((d = find_define(rd, s + 1, n)) == NULL) {
				snprintf(why, whylen, "undefined name {%.*s}%s",
				    (int)n, s + 1, rd->ndefs ? "" :
				    " (this file defines none; write \\{ for a brace)");
				return -1;
			}
			if (xv) {
				*xv = xrealloc(*xv, (*nx + 1) * sizeof **xv);
				(*xv)[*nx].from = out->len;
				(*xv)[*nx].to = out->len + strlen(d->text);
				(*xv)[*nx].at = (size_t)(s - start);
				(*xv)[*nx].def = d;
				(*nx)++;
			}
			buf_adds(out, d->text);
			s += n + 2;
			continue;
		} else	/* a run of plain text */
			n = s[0] == '\\' || s[0] == '{' ?
			    1 + strcspn(s + 1, "\\{") : strcspn(s, "\\{");
		buf_add(out, s, n);
		s += n;
	}
	return 0;
}

/* The first "\\E" or ":]" (two bytes, t) in s[0..end), or NULL. */
static const char *
find2(const char *s, const char *end, const char *t)
{
	for (; s + 1 < end; s++)
		if (s[0] == t[0] && s[1] == t[1])
			return s;
	return NULL;
}

/*
 * Read the groups of the pattern text s[0..n) as PCRE2 does, skipping
 * escapes, \Q...\E and classes: whether every group it opens it also
 * closes, and none it closes is opened before it; and in *bar whether
 * it has a '|' outside any group (then its text pasted into another
 * pattern would split that one).
 */
static int
groups_balanced(const char *s, size_t n, int *bar)
{
	const char *end = s + n, *e;
	int depth = 0;

	*bar = 0;
	for (; s < end; s++) {
		if (s[0] == '\\' && s + 1 < end && s[1] == 'Q') {
			if ((e = find2(s + 2, end, "\\E")) == NULL)
				return 0;
			s = e + 1;
		} else if (s[0] == '\\') {
			/* \cX takes any character as X, a parenthesis too */
			if (s + 1 < end && s[1] == 'c')
				s++;
			if (++s == end)
				return 0;
		} else if (*s == '[') {
			s++;
			if (s < end && *s == '^')
				s++;
			if (s < end && *s == ']')
				s++;
			for (; s < end && *s != ']'; s++) {
				if (s[0] == '\\' && s + 1 < end)
					s++;
				else if (s[0] == '[' && s + 1 < end &&
				    s[1] == ':' && (e = find2(s, end, ":]")) != NULL)
					s = e + 1;
			}
			if (s == end)
				return 0;
		} else if (*s == '(')
			depth++;
		else if (*s == ')' && --depth < 0)
			return 0;
		else if (*s == '|' && depth == 0)
			*bar = 1;
	}
	return depth == 0;
}

/*
 * The length of the start-of-pattern setting (pcre2pattern(3): "(*UCP)",
 * "(*LIMIT_MATCH=100)", ...) that p[0..len) opens with, else 0. Only
 * these: a leading "(*pla:" or "(*ACCEPT)" is part of the match.
 */
static size_t
setting_len(const char *p, size_t len)
{
	static const char *const names[] = {
		"UTF", "UTF8", "UCP", "CR", "LF", "CRLF", "ANYCRLF", "ANY",
		"NUL", "BSR_ANYCRLF", "BSR_UNICODE", "NOTEMPTY",
		"NOTEMPTY_ATSTART", "NO_AUTO_POSSESS", "NO_DOTSTAR_ANCHOR",
		"NO_JIT", "NO_START_OPT", "CASELESS_RESTRICT",
	};
	static const char *const limits[] = {
		"LIMIT_DEPTH=", "LIMIT_HEAP=", "LIMIT_MATCH=",
		"LIMIT_RECURSION=",
	};
	size_t n, k;

	if (len < 3 || p[0] != '(' || p[1] != '*')
		return 0;
	for (n = 2; n < len && p[n] != ')'; n++)
		;
	if (n == len)
		return 0;
	n -= 2;			/* the name between "(*" and ")" */
	for (k = 0; k < sizeof names / sizeof names[0]; k++)
		if (strlen(names[k]) == n && memcmp(p + 2, names[k], n) == 0)
			return n + 3;
	for (k = 0; k < sizeof limits / sizeof limits[0]; k++) {
		size_t l = strlen(limits[k]);

		if (n > l && memcmp(p + 2, limits[k], l) == 0 &&
		    strspn(p + 2 + l, "0123456789") == n - l)
			return n + 3;
	}
	return 0;
}

pcre2_code *
rule_compile(const char *pat, size_t len, uint32_t opts, int *err,
    size_t *off)
{
	static const char callout[] = "(?C1)";
	const size_t clen = sizeof callout - 1;
	struct buf b = { 0 };
	PCRE2_SIZE o = 0;
	pcre2_code *re;
	size_t head = 0, k;

	/* the settings that must open a pattern stay first */
	while ((k = setting_len(pat + head, len - head)) > 0)
		head += k;
	buf_add(&b, pat, head);
	buf_adds(&b, callout);
	buf_add(&b, pat + head, len - head);
	re = pcre2_compile((PCRE2_SPTR)buf_str(&b), b.len, opts, err, &o,
	    NULL);
	/* an offset in what was written */
	*off = o <= head ? (size_t)o : o < head + clen ? head :
	    (size_t)o - clen;
	buf_free(&b);
	return re;
}


static void
compile_message(int err, size_t off, char *why, size_t whylen)
{
	PCRE2_UCHAR msg[256];

	pcre2_get_error_message(err, msg, sizeof msg);
	snprintf(why, whylen, "bad pattern: %s at offset %zu", (char *)msg, off);
}

/* `define NAME text`, from after the keyword. */
static int
parse_define(struct reader *rd, int lineno, char *rest)
{
	struct buf text = { 0 };
	const struct define *old;
	char why[512], *name = rest, *body;
	size_t n, off;
	pcre2_code *re;
	int err, bar, rc = -1;

	n = name_len(name);
	body = name + n;
	if (n == 0 || (*body != ' ' && *body != '\t')) {
		snprintf(why, sizeof why, "want: define NAME pattern "
		    "(NAME: letters, digits and '_', not a digit first)");
		goto out;
	}
	*body++ = '\0';
	body += strspn(body, ws);
	if ((old = find_define(rd, name, n)) != NULL) {
		snprintf(why, sizeof why, "{%s} is already defined at line %d",
		    name, old->line);
		goto out;
	}
	if (expand(rd, body, &text, NULL, NULL, why, sizeof why) == -1)
		goto out;
	/*
	 * Each definition must stand alone, so its error is found here;
	 * in files seen to compile whole it does.
	 */
	if (!rd->rs->lazy) {
		if ((re = rule_compile(buf_str(&text), text.len, RULE_OPTS, &err,
		    &off)) == NULL) {
			compile_message(err, off, why, sizeof why);
			goto out;
		}
		pcre2_code_free(re);
	}
	(void)groups_balanced(text.s, text.len, &bar);
	if (bar) {
		snprintf(why, sizeof why, "{%s} has a '|' outside any group: "
		    "write (?:%s)", name, body);
		goto out;
	}
	rd->defs = xrealloc(rd->defs, (rd->ndefs + 1) * sizeof *rd->defs);
	rd->defs[rd->ndefs].name = xstrdup(name);
	rd->defs[rd->ndefs].text = buf_steal(&text);
	rd->defs[rd->ndefs].line = lineno;
	rd->ndefs++;
	rc = 0;
out:
	if (rc != 0)
		bad_line(rd->file, lineno, why);
	buf_free(&text);
	return rc;
}

/* The index of language code in rs->lang, added if new; -1 when there are too many. */
static int
lang_index(struct rules *rs, const char *code)
{
	int i;

	for (i = 0; i < rs->nlang; i++)
		if (strcmp(rs->lang[i], code) == 0)
			return i;
	if (i == LANGID_MAX)
		return -1;
	rs->lang = xrealloc(rs->lang, (i + 1) * sizeof *rs->lang);
	rs->lang[i] = xstrdup(code);
	/* read everywhere until it has words to be recognised by */
	rs->always |= 1ul << i;
	return rs->nlang++;
}

/* `lang xx [anywhere]`, from after the keyword. */
static int
parse_lang(struct reader *rd, int lineno, char *code)
{
	char **lang = &rd->rs->langs[rd->fileno];
	size_t n = strspn(code, "abcdefghijklmnopqrstuvwxyz");
	char *rest = code + n + strspn(code + n, ws);
	int anywhere = strcmp(rest, "anywhere") == 0;

	if (n < 2 || n > 3 || (code[n] != '\0' && !anywhere)) {
		bad_line(rd->file, lineno, "want: lang xx [anywhere] (a two- "
		    "or three-letter lower-case language code)");
		return -1;
	}
	code[n] = '\0';
	if (*lang != NULL) {
		bad_line(rd->file, lineno, "a second lang line in one file");
		return -1;
	}
	if (rd->nrules > 0) {
		bad_line(rd->file, lineno, "lang must come before the "
		    "file's first rule");
		return -1;
	}
	if ((rd->langno = lang_index(rd->rs, code)) == -1) {
		bad_line(rd->file, lineno, "too many languages");
		return -1;
	}
	rd->anywhere = anywhere;
	*lang = xstrdup(code);
	return 0;
}

/* `words w ...`: common words of the file's language, by which a text is known to be in it. */
static int
parse_words(struct reader *rd, int lineno, char *list)
{
	struct rules *rs = rd->rs;
	char *w, *save = NULL, why[128];

	if (rd->rs->langs[rd->fileno] == NULL) {
		bad_line(rd->file, lineno, "words before the file's lang line");
		return -1;
	}
	for (w = strtok_r(list, ws, &save); w; w = strtok_r(NULL, ws, &save)) {
		if (langid_add(rs->words, rd->langno, w) == -1) {
			snprintf(why, sizeof why, "'%.64s' is not one word of "
			    "letters", w);
			bad_line(rd->file, lineno, why);
			return -1;
		}
		buf_addc(&rs->wordlist, rd->langno);
		buf_add(&rs->wordlist, w, strlen(w) + 1);
	}
	if (!rd->anywhere)
		rs->always &= ~(1ul << rd->langno);
	return 0;
}

static void
pending_clear(struct pending *p)
{
	for (size_t i = 0; i < p->nparts; i++) {
		free(p->parts[i].text);
		buf_free(&p->parts[i].exp);
		free(p->parts[i].xv);
	}
	free(p->parts);
	free(p->head);
	memset(p, 0, sizeof *p);
}

static void
pending_add(struct pending *p, int lineno, const char *text)
{
	p->parts = xrealloc(p->parts, (p->nparts + 1) * sizeof *p->parts);
	memset(&p->parts[p->nparts], 0, sizeof *p->parts);
	p->parts[p->nparts].line = lineno;
	p->parts[p->nparts].text = xstrdup(text);
	p->nparts++;
}

static const struct rule *
find_id(const struct rules *rs, const char *id)
{
	for (size_t i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i].id, id) == 0)
			return &rs->v[i];
	return NULL;
}

/* Flags after the closing slash into *opts; -1 names the bad one. */
static int
parse_flags(const char *f, uint32_t *opts, char *why, size_t whylen)
{
	for (; *f; f++) {
		switch (*f) {
		case 'i': *opts |= PCRE2_CASELESS; break;
		case 'x': *opts |= PCRE2_EXTENDED; break;
		case 's': *opts |= PCRE2_DOTALL; break;
		case 'm': *opts |= PCRE2_MULTILINE; break;
		default:
			snprintf(why, whylen, "unknown pattern flag '%c' "
			    "(want i, x, s or m)", *f);
			return -1;
		}
	}
	return 0;
}

/*
 * A pattern that does not compile: name the line of the branch at
 * fault. A branch that fails alone is the one; else the error's offset
 * says which, and whether it lies inside a {NAME}.
 */
static void
pattern_error(const struct rule *r, const struct pending *p, size_t first,
    int err, size_t off, char *why, size_t whylen, int *line)
{
	const struct part *pt = NULL;
	pcre2_code *re;
	size_t i, k, boff = 0, written;
	int berr;

	for (i = first; i < p->nparts && r->nbranches > 1; i++) {
		pt = &p->parts[i];
		if ((re = rule_compile(buf_str(&pt->exp), pt->exp.len, r->opts,
		    &berr, &boff)) == NULL) {
			err = berr;
			off = boff;
			goto found;
		}
		pcre2_code_free(re);
	}
	for (i = 0; i < r->nbranches; i++)
		if (off <= r->branches[i].off + r->branches[i].len)
			break;
	if (i == r->nbranches)
		i--;
	pt = &p->parts[first + i];
	off -= r->branches[i].off < off ? r->branches[i].off : off;
found:
	*line = pt->line;
	/* through the expansion: an offset as written, or the name that holds it */
	written = off;
	for (k = 0; k < pt->nx; k++) {
		const struct expansion *x = &pt->xv[k];

		if (off < x->from)
			break;
		if (off < x->to) {
			char msg[400];

			compile_message(err, x->at, msg, sizeof msg);
			snprintf(why, whylen, "%s, in {%s} (line %d) at "
			    "offset %zu of its text", msg, x->def->name,
			    x->def->line, off - x->from);
			return;
		}
		written = written - (x->to - x->from) + strlen(x->def->name) + 2;
	}
	compile_message(err, written, why, whylen);
}

/* Whether a branch ends like a whole pattern, in an unescaped "/flags". */
static int
closes(const char *t)
{
	const char *slash = strrchr(t, '/');

	return slash != NULL && (slash == t || slash[-1] != '\\') &&
	    strspn(slash + 1, "imsx") == strlen(slash + 1);
}

/* Whether the rule reads subject or body, where the prefilter helps. */
static int
reads_text(const struct rule *r)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (r->fields[i].kind != FIELD_HEADER)
			return 1;
	return 0;
}

/*
 * Whether each branch of the pattern p means alone what it means in the
 * whole: no back reference, subroutine call, named group, option set
 * for the rest of the pattern, verb, \K or \Q...\E, which a branch
 * could share with another or which could move a match's start. What
 * this reading does not know it refuses.
 */
static int
branches_stand_alone(const char *p)
{
	size_t n;

	for (; *p; p++) {
		if (*p == '\\') {
			if (p[1] == '\0' || strchr("123456789gkKQE", p[1]))
				return 0;
			p++;
		} else if (p[0] == '(' && p[1] == '*')
			return 0;
		else if (p[0] == '(' && p[1] == '?') {
			if (p[2] != '\0' && strchr(":=!>|", p[2]))
				continue;
			if (p[2] == '<' && p[3] != '\0' && strchr("=!", p[3]))
				continue;
			/* (?i:...) scopes its options; (?i) does not */
			n = strspn(p + 2, "imnsJU^-");
			if (n == 0 || p[2 + n] != ':')
				return 0;
		}
	}
	return 1;
}

/*
 * Whether every branch of r opens and closes its own groups: then it
 * compiles alone when the whole pattern compiles.
 */
static int
branches_balanced(const struct rule *r)
{
	int bar;

	for (size_t i = 0; i < r->nbranches; i++)
		if (!groups_balanced(r->pattern + r->branches[i].off,
		    r->branches[i].len, &bar) || bar)
			return 0;
	return 1;
}

/*
 * Make r match a branch at a time when that is the same, and quicker:
 * then the whole pattern is never compiled, and a branch that needs no
 * literal says so in r->need_why. Whether it is the same is read from
 * the text, not learnt by compiling, so a rule splits alike whether its
 * patterns are compiled now or when first matched. Returns r->split.
 */
static int
split_branches(struct rule *r, struct prefilter_pool *pool)
{
	char why[1024];
	struct prefilter **needs;
	size_t i;

	if (r->nbranches < 2 || !reads_text(r) ||
	    (r->opts & PCRE2_EXTENDED) || !branches_stand_alone(r->pattern) ||
	    !branches_balanced(r))
		return 0;
	for (i = 0; i < r->nbranches; i++) {
		struct branch *b = &r->branches[i];

		b->need = prefilter_new(pool, r->pattern + b->off, b->len, 0,
		    why, sizeof why);
		if (b->need == NULL && r->need_why == NULL)
			r->need_why = xasprintf("%s, in the branch at line %d",
			    why, b->line);
	}
	needs = xcalloc(r->nbranches, sizeof *needs);
	for (i = 0; i < r->nbranches; i++)
		needs[i] = r->branches[i].need;
	r->gate = prefilter_gate_new(needs, r->nbranches);
	free(needs);
	return r->split = 1;
}

/*
 * Compile what r matches with: its branches when it is split, else the
 * whole pattern. Returns 0, or -1 with *err and *off of the pattern's
 * first fault (offsets in the whole pattern).
 */
static int
compile_rule(struct rule *r, int *err, size_t *off)
{
	if (!r->split)
		return (r->re = rule_compile(r->pattern, r->patlen,
		    r->opts, err, off)) == NULL ? -1 : 0;
	for (size_t i = 0; i < r->nbranches; i++) {
		struct branch *b = &r->branches[i];

		if ((b->re = rule_compile(r->pattern + b->off, b->len, r->opts,
		    err, off)) == NULL) {
			*off += b->off;
			return -1;
		}
	}
	return 0;
}


/*
 * Join the branches of p into r->pattern and compile it. The first
 * part holds the rule line's "/..." (its branch may be empty when the
 * branches start on the next line); the last one ends in "/flags".
 */
static int
build_pattern(struct reader *rd, struct rule *r, struct pending *p,
    char *why, size_t whylen, int *line)
{
	struct part *last = &p->parts[p->nparts - 1];
	struct buf pat = { 0 };
	char *slash;
	size_t first = 0, off;
	int err, rc = -1;

	*line = p->line;
	if (p->parts[0].text[0] != '/') {
		snprintf(why, whylen, "pattern must start with '/'");
		goto out;
	}
	memmove(p->parts[0].text, p->parts[0].text + 1,
	    strlen(p->parts[0].text));
	/* the last slash ends the pattern: a slash inside needs no escape */
	if ((slash = strrchr(last->text, '/')) == NULL) {
		*line = last->line;
		snprintf(why, whylen, "pattern has no closing '/'%s",
		    p->nparts > 1 ? " on its last branch" : "");
		goto out;
	}
	r->opts = RULE_OPTS;
	if (parse_flags(slash + 1, &r->opts, why, whylen) == -1) {
		*line = last->line;
		goto out;
	}
	*slash = '\0';
	if (p->nparts > 1 && p->parts[0].text[0] == '\0')
		first = 1;
	r->branches = xcalloc(p->nparts - first, sizeof *r->branches);
	for (size_t i = first; i < p->nparts; i++) {
		struct part *pt = &p->parts[i];
		struct branch *b = &r->branches[r->nbranches++];

		*line = pt->line;
		if (pt->text[0] == '\0' && p->nparts > 1) {
			snprintf(why, whylen, "an empty branch");
			goto out;
		}
		if (pt != last && closes(pt->text)) {
			snprintf(why, whylen, "only the last branch ends in "
			    "/flags (write \\/ for a slash that ends a branch)");
			goto out;
		}
		if (expand(rd, pt->text, &pt->exp, &pt->xv, &pt->nx, why,
		    whylen) == -1)
			goto out;
		if (i > first)
			buf_addc(&pat, '|');
		b->line = pt->line;
		b->off = pat.len;
		b->len = pt->exp.len;
		buf_add(&pat, buf_str(&pt->exp), pt->exp.len);
	}
	*line = p->line;
	r->patlen = pat.len;
	r->patcheck = 1;	/* read from the file, not the cache */
	r->pattern = buf_steal(&pat);
	(void)split_branches(r, rd->rs->pool);
	/* rule files seen to compile whole compile a pattern when first matched */
	if (!rd->rs->lazy && compile_rule(r, &err, &off) == -1) {
		pattern_error(r, p, first, err, off, why, whylen, line);
		goto out;
	}
	rc = 0;
out:
	buf_free(&pat);
	return rc;
}

/* Compile the pending rule into rd->rs; -1 after reporting what is wrong. */
static int
finish_rule(struct reader *rd)
{
	struct pending *p = &rd->pend;
	struct rules *rs = rd->rs;
	struct rule r = { 0 };
	const struct rule *dup;
	char why[1024], *id, *act, *where;
	int line = p->line, rc = -1;

	if (!p->active)
		return 0;
	r.file = rd->file;
	r.own = rd->own;
	r.lang = rs->langs[rd->fileno];
	r.langno = r.lang ? rd->langno : -1;
	r.line = p->line;
	id = p->head;
	act = id + strcspn(id, ws);
	if (*act)
		*act++ = '\0';
	act += strspn(act, ws);
	where = act + strcspn(act, ws);
	if (*where)
		*where++ = '\0';
	where += strspn(where, ws);

	if (!valid_id(id)) {
		snprintf(why, sizeof why, "bad id '%s': want letters, digits, "
		    "'-' and '_'", id);
		goto out;
	}
	if (*act == '\0' || *where == '\0' || p->nparts == 0) {
		snprintf(why, sizeof why, "want: id action where /pattern/flags");
		goto out;
	}
	if (action_parse(act, &r.action) == -1) {
		snprintf(why, sizeof why, "unknown action '%s'", act);
		goto out;
	}
	/* the line changes only what an opt-in does */
	r.confirm = rd->confirm && action_is_optin(r.action);
	if (parse_where(&r, where, why, sizeof why) == -1 ||
	    build_pattern(rd, &r, p, why, sizeof why, &line) == -1)
		goto out;
	if (!r.split && reads_text(&r) && (r.need = prefilter_new(rs->pool,
	    r.pattern, strlen(r.pattern), (r.opts & PCRE2_EXTENDED) != 0, why,
	    sizeof why)) == NULL)
		r.need_why = xstrdup(why);
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
		bad_line(rd->file, line, why);
		rule_clear(&r);
	}
	pending_clear(p);
	return rc;
}

/*
 * `negation pattern`, `conjunction pattern`, `reported pattern`: words
 * of the file's language that negate a wish, open a new clause, and
 * report another's question or offer, for the check of every opt-in
 * (scope.h); names are expanded. -2 when kw is no such keyword.
 */
static int
parse_scope(struct reader *rd, int lineno, const char *kw, const char *pat)
{
	struct buf text = { 0 }, *b;
	char why[400], msg[480];
	int k, rc = -1;

	for (k = 0; k < SCOPE_WORDS; k++)
		if (strcmp(kw, scope_keyword[k]) == 0)
			break;
	if (k == SCOPE_WORDS)
		return -2;
	if (rd->rs->langs[rd->fileno] == NULL) {
		snprintf(msg, sizeof msg, "%s before the file's lang line", kw);
		goto out;
	}
	if (*pat == '\0') {
		snprintf(msg, sizeof msg, "want: %s pattern", kw);
		goto out;
	}
	if (expand(rd, pat, &text, NULL, NULL, why, sizeof why) == -1) {
		snprintf(msg, sizeof msg, "%s", why);
		goto out;
	}
	if (scope_check(buf_str(&text), why, sizeof why) == -1) {
		snprintf(msg, sizeof msg, "bad pattern: %s", why);
		goto out;
	}
	b = &rd->rs->scope_alt[rd->langno][k];
	if (b->len)
		buf_addc(b, '|');
	buf_add(b, buf_str(&text), text.len);
	rc = 0;
out:
	if (rc != 0)
		bad_line(rd->file, lineno, msg);
	buf_free(&text);
	return rc;
}

/* The `quote-...` keywords, by strip kind. */
static const char *const quote_kw[STRIP_KINDS] = {
	[STRIP_ATTRIBUTION] = "quote-attribution",
	[STRIP_OPENS] = "quote-opens",
	[STRIP_WROTE] = "quote-wrote",
	[STRIP_MARKER] = "quote-marker",
	[STRIP_FROM] = "quote-from",
	[STRIP_SENT] = "quote-sent",
};

/* `quote-KIND pattern`: one more marker of that kind; -2 when kw is no such keyword. */
static int
parse_quote(struct reader *rd, int lineno, const char *kw, const char *pat)
{
	struct buf *b;
	char why[300];
	int k;

	for (k = 0; k < STRIP_KINDS; k++)
		if (strcmp(kw, quote_kw[k]) == 0)
			break;
	if (k == STRIP_KINDS)
		return -2;
	if (*pat == '\0') {
		snprintf(why, sizeof why, "want: %s pattern", kw);
		bad_line(rd->file, lineno, why);
		return -1;
	}
	if (strip_check(pat, why, sizeof why) == -1) {
		char msg[400];

		snprintf(msg, sizeof msg, "bad pattern: %s", why);
		bad_line(rd->file, lineno, msg);
		return -1;
	}
	b = &rd->rs->quote[k];
	if (b->len)
		buf_addc(b, '|');
	buf_add(b, pat, strlen(pat));
	return 0;
}

/*
 * One line, NUL-terminated and without its newline. Blank lines end a
 * rule, comments do not, so a branch may have its own comment above
 * it. Returns -1 after reporting a broken line.
 */
static int
parse_line(struct reader *rd, int lineno, char *line)
{
	struct pending *p = &rd->pend;
	char *rest;
	int rc = 0, rc2;

	str_trim(line);
	if (*line == '#')
		return 0;
	if (*line == '|') {
		if (!p->active) {
			bad_line(rd->file, lineno, "a '|' branch with no rule "
			    "above it");
			return -1;
		}
		rest = line + 1 + strspn(line + 1, ws);
		pending_add(p, lineno, rest);
		return 0;
	}
	if (finish_rule(rd) == -1)
		rc = -1;
	if (*line == '\0')
		return rc;
	rest = line + strcspn(line, ws);
	if (*rest)
		*rest++ = '\0';
	rest += strspn(rest, ws);
	if (strcmp(line, "define") == 0)
		return parse_define(rd, lineno, rest) == -1 ? -1 : rc;
	if (strcmp(line, "lang") == 0)
		return parse_lang(rd, lineno, rest) == -1 ? -1 : rc;
	if (strcmp(line, "words") == 0)
		return parse_words(rd, lineno, rest) == -1 ? -1 : rc;
	if (strcmp(line, "own-language-only") == 0) {
		if (*rest != '\0' || rd->rs->langs[rd->fileno] == NULL) {
			bad_line(rd->file, lineno, "want: own-language-only, "
			    "alone on its line, after the file's lang line");
			return -1;
		}
		rd->own = 1;
		return rc;
	}
	if (strcmp(line, "confirm-optins") == 0) {
		if (*rest != '\0') {
			bad_line(rd->file, lineno, "want: confirm-optins, "
			    "alone on its line");
			return -1;
		}
		rd->confirm = 1;
		return rc;
	}
	if ((rc2 = parse_scope(rd, lineno, line, rest)) != -2)
		return rc2 == -1 ? -1 : rc;
	if (strncmp(line, "quote-", 6) == 0) {
		int q = parse_quote(rd, lineno, line, rest);

		if (q != -2)
			return q == -1 ? -1 : rc;
	}
	/* a rule: id, action and where, then the first part of its pattern */
	rd->nrules++;
	p->active = 1;
	p->line = lineno;
	if (*rest) {
		char *where = rest + strcspn(rest, ws);

		where += strspn(where, ws);
		where += strcspn(where, ws);
		if (*where) {
			*where++ = '\0';
			where += strspn(where, ws);
			if (*where)
				pending_add(p, lineno, where);
		}
	}
	p->head = xasprintf("%s %s", line, rest);
	return rc;
}

static void
reader_clear(struct reader *rd)
{
	pending_clear(&rd->pend);
	for (size_t i = 0; i < rd->ndefs; i++) {
		free(rd->defs[i].name);
		free(rd->defs[i].text);
	}
	free(rd->defs);
}

/* A rule file above this size is refused: rule files are text a person edits. */
#define RULES_FILE_MAX	(16u << 20)

/*
 * The bytes of rule file dir/name, read whole so that what is parsed
 * is what the identity (rules_seen) was taken of. Returns 0, or an
 * exit code after saying what is wrong.
 */
static int
read_file(const char *dir, const char *name, struct buf *out)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct stat st;
	int fd, over = 0, rc = EX_NOINPUT;

	/* O_NONBLOCK: a FIFO named like a rule file must not hang the load */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		mo_warn_errno("%s", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		mo_warn("%s: not a regular file", path);
		goto out;
	}
	if (read_fd_capped(fd, RULES_FILE_MAX, out, &over) == -1) {
		mo_warn_errno("%s", path);
		rc = EX_IOERR;
		goto out;
	}
	if (over) {
		mo_warn("%s: larger than %u bytes", path, RULES_FILE_MAX);
		rc = EX_DATAERR;
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	free(path);
	return rc;
}

/*
 * Parse the rule file name, read into text, into rs. Every broken line
 * is reported, not just the first, so one `rules check` shows all
 * there is to fix.
 */
static int
load_file(struct rules *rs, const char *name, const struct buf *text)
{
	struct reader rd = { 0 };
	const char *s = buf_str(text), *end = s + text->len, *nl;
	char *line;
	size_t len;
	int lineno = 0, rc = 0;

	rs->files = xrealloc(rs->files, (rs->nfiles + 1) * sizeof *rs->files);
	rs->langs = xrealloc(rs->langs, (rs->nfiles + 1) * sizeof *rs->langs);
	rs->files[rs->nfiles] = xstrdup(name);
	rs->langs[rs->nfiles] = NULL;
	rd.rs = rs;
	rd.fileno = rs->nfiles++;
	rd.file = rs->files[rd.fileno];
	for (; s < end; s += len) {
		nl = memchr(s, '\n', (size_t)(end - s));
		len = nl ? (size_t)(nl - s) + 1 : (size_t)(end - s);
		lineno++;
		if (memchr(s, '\0', len) != NULL) {
			bad_line(rd.file, lineno, "NUL byte in line");
			rc = EX_DATAERR;
			continue;
		}
		line = xstrndup(s, len);
		if (parse_line(&rd, lineno, line) == -1)
			rc = EX_DATAERR;
		free(line);
	}
	if (finish_rule(&rd) == -1)
		rc = EX_DATAERR;
	reader_clear(&rd);
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

/* The markers of every file's quote- lines, compiled together. */
static int
make_strip(struct rules *rs)
{
	const char *alt[STRIP_KINDS];
	char why[300];
	int rc = 0;

	for (int k = 0; k < STRIP_KINDS; k++)
		alt[k] = rs->quote[k].len ? buf_str(&rs->quote[k]) : NULL;
	if ((rs->strip = strip_new(alt, why, sizeof why)) == NULL) {
		mo_warn("rules: quote markers: %s", why);
		rc = EX_DATAERR;
	}
	return rc;
}

/* The words of every language for the check of opt-ins, compiled when first needed. */
static void
make_scope(struct rules *rs)
{
	const char *words[LANGID_MAX][SCOPE_WORDS];

	for (int i = 0; i < rs->nlang; i++)
		for (int k = 0; k < SCOPE_WORDS; k++)
			words[i][k] = rs->scope_alt[i][k].len ?
			    buf_str(&rs->scope_alt[i][k]) : NULL;
	rs->scope = scope_new((const char *const (*)[SCOPE_WORDS])words,
	    rs->nlang);
}

/*
 * The identity of the rule files: SHA-256 of the PCRE2 and mailopt
 * versions and of every file's name and bytes, in load order, as hex.
 */
static void
identity(char *const *names, const struct buf *texts, int n, char hex[65])
{
	struct buf all = { 0 };
	char ver[64] = "";
	uint32_t link = 0, parens = 0, unicode = 0;

	/* what decides whether a pattern compiles: the version and its build */
	(void)pcre2_config(PCRE2_CONFIG_VERSION, ver);
	(void)pcre2_config(PCRE2_CONFIG_LINKSIZE, &link);
	(void)pcre2_config(PCRE2_CONFIG_PARENSLIMIT, &parens);
	(void)pcre2_config(PCRE2_CONFIG_UNICODE, &unicode);
	buf_printf(&all, "mailopt %s pcre2 %s link %u parens %u unicode %u",
	    PACKAGE_VERSION, ver, link, parens, unicode);
	for (int i = 0; i < n; i++) {
		buf_printf(&all, "%c%s%c%zu%c", '\0', names[i], '\0',
		    texts[i].len, '\0');
		buf_add(&all, buf_str(&texts[i]), texts[i].len);
	}
	sha256_hex(buf_str(&all), all.len, hex);
	buf_free(&all);
}

#define SEEN_TAG	"mailopt rules compiled whole: "

/*
 * Whether the file seen records the identity hex. It is believed only
 * when it is ours and no one else may write it: it decides whether
 * patterns are checked before mail is read.
 */
static int
seen_says(const char *seen, const char *hex)
{
	char want[128], got[128];
	struct stat st;
	ssize_t n = -1;
	int fd;

	if ((fd = open(seen, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_uid == geteuid() && (st.st_mode & 022) == 0)
		n = read(fd, got, sizeof got - 1);
	close(fd);
	if (n < 0)
		return 0;
	got[n] = '\0';
	snprintf(want, sizeof want, "%s%s\n", SEEN_TAG, hex);
	return strcmp(got, want) == 0;
}

/*
 * Record in seen that the rule files of identity hex compiled whole:
 * a file of our own, mode 0600, put in place whole by rename(2). A
 * failure costs the next load its time, nothing else, and says nothing.
 */
static void
seen_write(const char *seen, const char *hex)
{
	char *tmp = xasprintf("%s.XXXXXX", seen), line[128];
	int fd, n, bad;

	if ((fd = mkstemp(tmp)) != -1) {
		n = snprintf(line, sizeof line, "%s%s\n", SEEN_TAG, hex);
		bad = write_all(fd, line, (size_t)n) == -1;
		if (close(fd) == -1 || bad || rename(tmp, seen) == -1)
			(void)unlink(tmp);
	}
	free(tmp);
}

/*
 * What every load ends with: the quote markers compiled, and the match
 * context, JIT stack and match data every match shares.
 */
static int
make_matcher(struct rules *rs)
{
	int rc;

	if ((rc = make_strip(rs)) != 0)
		return rc;
	make_scope(rs);
	/*
	 * Every match is bounded: backtracking by the match limit, the
	 * interpreter's frames by the heap limit, the JIT by its stack.
	 */
	rs->mctx = pcre2_match_context_create(NULL);
	rs->jit = pcre2_jit_stack_create(JIT_STACK_START, JIT_STACK_MAX, NULL);
	rs->md = pcre2_match_data_create(1, NULL);
	if (rs->mctx == NULL || rs->jit == NULL || rs->md == NULL) {
		mo_warn("rules: out of memory for the matcher");
		return EX_TEMPFAIL;
	}
	pcre2_set_match_limit(rs->mctx, MATCH_LIMIT);
	pcre2_set_heap_limit(rs->mctx, HEAP_LIMIT_KIB);
	pcre2_jit_stack_assign(rs->mctx, NULL, rs->jit);
	rs->sum[0] = textsum_new();
	rs->sum[1] = textsum_new();
	rs->ord = xcalloc(rs->n ? rs->n : 1, sizeof *rs->ord);
	return 0;
}

static struct rules *
rules_new(void)
{
	struct rules *rs = xcalloc(1, sizeof *rs);

	rs->lock = xmalloc(sizeof *rs->lock);
	(void)pthread_mutex_init(rs->lock, NULL);
	rs->jit_bytes = xcalloc(1, sizeof *rs->jit_bytes);
	rs->decoded_bytes = xcalloc(1, sizeof *rs->decoded_bytes);
	rs->kept_fd = -1;
	rs->pool = prefilter_pool_new();
	rs->words = langid_new();
	rs->prefilter = 1;
	rs->nojit = !mo_jit_allowed();
	rs->jit_after = RULES_JIT_AFTER;
	rs->limit_ns = (long long)RULES_TIME_LIMIT_MS * 1000000;
	return rs;
}

int
rules_clone(const struct rules *r, struct rules **out)
{
	struct rules *c = xmalloc(sizeof *c);
	int rc;

	*c = *r;
	c->origin = r;
	c->strip = NULL;
	c->scope = NULL;
	c->mctx = NULL;
	c->jit = NULL;
	c->md = NULL;
	c->scratch = NULL;
	c->scratchcap = 0;
	c->ord = NULL;
	c->sum[0] = c->sum[1] = NULL;
	c->ready[0] = c->ready[1] = 0;
	if ((rc = make_matcher(c)) != 0) {
		rules_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

/*
 * The rules kept in cache under key, when seen still says that the
 * files they were read from compile whole (a pattern found broken
 * when first matched removes seen); NULL when not.
 */
static struct rules *
from_cache(const char *cache, const char *key, const char *seen)
{
	struct rules *rs = rules_new();

	if (rules_cache_read(cache, key, rs) == -1 ||
	    !seen_says(seen, rs->identity)) {
		rules_free(rs);
		return NULL;
	}
	rs->lazy = 1;
	rs->seen = xstrdup(seen);
	return rs;
}

int
rules_load(const char *dir, const char *seen, int whole, struct rules **out)
{
	struct dirent **names = NULL;
	struct rules *rs = NULL;
	struct buf *texts = NULL;
	char **base = NULL, hex[65], *key = NULL, *cache = NULL;
	int n, rc = 0, frc, fresh = 1;

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
	texts = xcalloc((size_t)n, sizeof *texts);
	base = xcalloc((size_t)n, sizeof *base);
	for (int i = 0; i < n; i++)
		base[i] = names[i]->d_name;
	/* the files' times are taken before they are read: a later edit shows */
	if (seen != NULL) {
		cache = xasprintf("%s.cache", seen);
		key = rules_cache_key(dir, base, n, &fresh);
	}
	if (!whole && key != NULL &&
	    (rs = from_cache(cache, key, seen)) != NULL) {
		if ((rc = make_matcher(rs)) != 0)
			goto out;
		*out = rs;
		rs = NULL;
		goto out;
	}
	rs = rules_new();
	/* A file that cannot be read outranks bad data in another. */
	for (int i = 0; i < n; i++) {
		if ((frc = read_file(dir, base[i], &texts[i])) != 0) {
			if (rc == 0 || rc == EX_DATAERR)
				rc = frc;
			base[i] = NULL;
		}
	}
	if (rc == 0) {
		identity(base, texts, n, hex);
		memcpy(rs->identity, hex, sizeof hex);
		rs->lazy = !whole && seen != NULL && seen_says(seen, hex);
		if (rs->lazy)
			rs->seen = xstrdup(seen);
	}
	for (int i = 0; i < n; i++)
		if (base[i] != NULL && load_file(rs, base[i], &texts[i]) != 0 &&
		    rc == 0)
			rc = EX_DATAERR;
	if (rc != 0 || (rc = make_matcher(rs)) != 0)
		goto out;
	if (seen != NULL && !rs->lazy)
		seen_write(seen, hex);
	/* every pattern compiled, now or on an earlier load: worth keeping */
	if (key != NULL && !fresh)
		rules_cache_write(cache, key, rs);
	*out = rs;
	rs = NULL;
out:
	for (int i = 0; i < n; i++) {
		free(names[i]);
		if (texts != NULL)
			buf_free(&texts[i]);
	}
	free(names);
	free(texts);
	free(base);
	free(key);
	free(cache);
	rules_free(rs);
	return rc;
}
