/* rules.c — rule files loaded into compiled PCRE2 patterns, and classification of a message by them. */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <sys/stat.h>

#include <dirent.h>
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

/*
 * The prefilter. Most mail is not a request, and most rules need words
 * that most mail does not contain. So each pattern is read once for the
 * literals its matches must contain, and a message's subject and body
 * are summed up once as a set of trigrams: a rule whose literals cannot
 * all be there is not run. The reading is conservative: what it does not
 * understand yields no literals, and then the rule always runs.
 */
#define TRI_BITS	16
#define LIT_MIN		3	/* shorter literals have no trigram */
#define LIT_MAX		64

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

/* Lower-case ASCII literals of which a match contains at least one. */
struct lits {
	char		**v;
	size_t		 n;
};

/* Sets of literals of each of which a match contains one. */
struct cnf {
	struct lits	*v;
	size_t		 n;
};

struct rule {
	char		*id;
	enum action	 action;
	const char	*file;		/* owned by struct rules */
	int		 line;
	struct field	*fields;
	size_t		 nfields;
	pcre2_code	*re;
	/* one per top-level branch, any may match; none: no idea */
	struct cnf	*need;
	size_t		 nneed;
};

/* Which trigrams of a folded text occur, hashed: a collision only costs time. */
struct trigrams {
	uint64_t	 bits[(1u << TRI_BITS) / 64];
};

/* The trigrams of one message's subject and body, made when first wanted. */
struct summary {
	struct trigrams	 tri[2];
	int		 ready[2];
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
	struct summary	*sum;
	int		 prefilter;
	/*
	 * Rule i has been JIT-compiled (or tried): a rule is compiled when
	 * it first runs, since the prefilter spares most rules most
	 * messages and `deliver` starts once per message.
	 */
	unsigned char	*jitted;
	int		 nojit;
};

/* The text of one field of a message, already capped. */
struct text {
	const char	*s;
	size_t		 len;
};

/* A pattern being read for literals. */
struct scan {
	const char	*p, *end;
	int		 bail;		/* met syntax this reading does not know */
};

/* What one item of a pattern's sequence is. */
enum item_kind {
	ITEM_LIT,	/* a character that can be part of a literal */
	ITEM_ANY,	/* one character of some kind */
	ITEM_ZERO,	/* an assertion: takes no text */
	ITEM_GROUP	/* a group, with what it needs */
};

static const char *ws = " \t";

static void
lits_clear(struct lits *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void
cnf_clear(struct cnf *c)
{
	for (size_t i = 0; i < c->n; i++)
		lits_clear(&c->v[i]);
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

static void
rule_clear(struct rule *r)
{
	for (size_t i = 0; i < r->nneed; i++)
		cnf_clear(&r->need[i]);
	free(r->need);
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
	free(r->sum);
	free(r->jitted);
	free(r);
}

size_t
rules_count(const struct rules *r)
{
	return r ? r->n : 0;
}

void
rules_set_prefilter(struct rules *r, int on)
{
	r->prefilter = on;
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
to_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
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

static void
lits_add(struct lits *l, const char *s, size_t n)
{
	for (size_t i = 0; i < l->n; i++)
		if (strlen(l->v[i]) == n && memcmp(l->v[i], s, n) == 0)
			return;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n++] = xstrndup(s, n);
}

/* Longer literals are rarer; fewer of them are quicker to look up. */
static size_t
lits_score(const struct lits *l)
{
	size_t min = LIT_MAX;

	for (size_t i = 0; i < l->n; i++)
		if (strlen(l->v[i]) < min)
			min = strlen(l->v[i]);
	return l->n ? min * 1024 - (l->n < 1024 ? l->n : 1023) : 0;
}

static int
by_score(const void *a, const void *b)
{
	size_t x = lits_score(a), y = lits_score(b);

	return x < y ? 1 : x > y ? -1 : 0;
}

/* Add the set l to c as one more that a match needs; l is taken over. */
static void
cnf_and(struct cnf *c, struct lits *l)
{
	if (l->n == 0)
		return;
	c->v = xrealloc(c->v, (c->n + 1) * sizeof *c->v);
	c->v[c->n++] = *l;
	memset(l, 0, sizeof *l);
}

/* Move everything d needs into c. */
static void
cnf_join(struct cnf *c, struct cnf *d)
{
	for (size_t i = 0; i < d->n; i++)
		cnf_and(c, &d->v[i]);
	cnf_clear(d);
}

/* Move the most telling set of c into u, which any branch may satisfy; 0 if c has none. */
static int
cnf_best_into(struct lits *u, struct cnf *c)
{
	size_t best = 0;

	if (c->n == 0)
		return 0;
	for (size_t i = 1; i < c->n; i++)
		if (lits_score(&c->v[i]) > lits_score(&c->v[best]))
			best = i;
	for (size_t i = 0; i < c->v[best].n; i++)
		lits_add(u, c->v[best].v[i], strlen(c->v[best].v[i]));
	cnf_clear(c);
	return 1;
}

static void alternation(struct scan *, struct cnf *);

/* Skip a quantifier and set *min to its minimum; 0 if there was none. */
static int
quantifier(struct scan *s, unsigned long *min)
{
	char *e;

	*min = 1;
	if (s->p >= s->end)
		return 0;
	switch (*s->p) {
	case '?':
	case '*':
		*min = 0;
		s->p++;
		break;
	case '+':
		s->p++;
		break;
	case '{':
		/* {n}, {n,} or {n,m}; anything else PCRE2 reads as text */
		if (s->p + 1 >= s->end || !(s->p[1] >= '0' && s->p[1] <= '9')) {
			s->bail = 1;
			return 0;
		}
		*min = strtoul(s->p + 1, &e, 10);
		if (e < s->end && *e == ',')
			for (e++; e < s->end && *e >= '0' && *e <= '9'; e++)
				;
		if (e >= s->end || *e != '}') {
			s->bail = 1;
			return 0;
		}
		s->p = e + 1;
		break;
	default:
		return 0;
	}
	if (s->p < s->end && (*s->p == '?' || *s->p == '+'))
		s->p++;		/* lazy or possessive */
	return 1;
}

/* After a backslash. */
static enum item_kind
escape(struct scan *s)
{
	int c;

	if (s->p >= s->end) {
		s->bail = 1;
		return ITEM_ANY;
	}
	c = (unsigned char)*s->p++;
	if (c >= 0x80)
		s->bail = 1;
	if (!is_alnum(c))
		return ITEM_ANY;	/* an escaped sign stands for itself */
	if (strchr("bBAzZGK", c))
		return ITEM_ZERO;
	if (strchr("sSwWdDhHvVRXCntrfea", c))
		return ITEM_ANY;
	if (c == 'N' && (s->p >= s->end || *s->p != '{'))
		return ITEM_ANY;
	if ((c == 'p' || c == 'P') && s->p < s->end) {
		/* \pL or \p{...} */
		if (*s->p == '{')
			while (s->p < s->end && *s->p != '}')
				s->p++;
		if (s->p < s->end)
			s->p++;
		else
			s->bail = 1;
		return ITEM_ANY;
	}
	s->bail = 1;		/* \x, \Q, back references, ... */
	return ITEM_ANY;
}

/* After '[': skip to the end of the class. */
static void
skip_class(struct scan *s)
{
	const char *q;

	if (s->p < s->end && *s->p == '^')
		s->p++;
	if (s->p < s->end && *s->p == ']')
		s->p++;
	while (s->p < s->end && *s->p != ']') {
		if (*s->p == '\\') {
			if (s->p + 1 >= s->end || s->p[1] == 'Q') {
				s->bail = 1;
				return;
			}
			s->p++;
		} else if (*s->p == '[' && s->p + 1 < s->end &&
		    strchr(":.=", s->p[1])) {
			/* [:alpha:] and friends */
			for (q = s->p + 2; q + 1 < s->end &&
			    !(q[0] == s->p[1] && q[1] == ']'); q++)
				;
			if (q + 1 >= s->end) {
				s->bail = 1;
				return;
			}
			s->p = q + 1;
		}
		s->p++;
	}
	if (s->p >= s->end)
		s->bail = 1;
	else
		s->p++;
}

/* After '(': read the group into need; what kind of item it is. */
static enum item_kind
group(struct scan *s, struct cnf *need)
{
	enum item_kind k = ITEM_GROUP;
	const char *q;
	int close;

	if (s->p < s->end && *s->p == '*') {
		s->bail = 1;	/* (*VERB) */
		return ITEM_ZERO;
	}
	if (s->p < s->end && *s->p == '?') {
		if (++s->p >= s->end) {
			s->bail = 1;
			return ITEM_ZERO;
		}
		if (strchr(":>|", *s->p))
			s->p++;
		else if (strchr("=!", *s->p)) {
			s->p++;
			k = ITEM_ZERO;
		} else if (*s->p == '<' && s->p + 1 < s->end &&
		    strchr("=!", s->p[1])) {
			s->p += 2;
			k = ITEM_ZERO;
		} else if (*s->p == '<' || *s->p == '\'' ||
		    (*s->p == 'P' && s->p + 1 < s->end && s->p[1] == '<')) {
			/* a named group */
			close = *s->p == '\'' ? '\'' : '>';
			while (++s->p < s->end && *s->p != close)
				;
			if (s->p < s->end)
				s->p++;
		} else {
			/* options: (?i) alone, or (?i:...) */
			for (q = s->p; q < s->end && strchr("imnsJU^-", *q); q++)
				;
			if (q == s->end || (*q != ':' && *q != ')')) {
				s->bail = 1;	/* x, conditions, recursion, ... */
				return ITEM_ZERO;
			}
			s->p = q + 1;
			if (*q == ')')
				return ITEM_ZERO;
		}
	}
	alternation(s, need);
	if (s->p >= s->end || *s->p != ')')
		s->bail = 1;
	else
		s->p++;
	if (k == ITEM_ZERO)
		cnf_clear(need);	/* an assertion may look anywhere */
	return k;
}

/* A run of literal characters, when long enough, is one more thing needed. */
static void
flush_run(struct cnf *need, const char *run, size_t *len)
{
	struct lits l = { 0 };

	if (*len >= LIT_MIN) {
		lits_add(&l, run, *len);
		cnf_and(need, &l);
	}
	*len = 0;
}

/* One branch: what each of its mandatory items needs. */
static void
sequence(struct scan *s, struct cnf *need)
{
	char run[LIT_MAX];
	size_t len = 0;
	struct cnf inner = { 0 };
	enum item_kind k;
	unsigned long min;
	int c, repeat;

	while (s->p < s->end && *s->p != '|' && *s->p != ')' && !s->bail) {
		c = (unsigned char)*s->p++;
		switch (c) {
		case '\\':
			k = escape(s);
			break;
		case '(':
			k = group(s, &inner);
			break;
		case '[':
			skip_class(s);
			k = ITEM_ANY;
			break;
		case '^':
		case '$':
			k = ITEM_ZERO;
			break;
		case '?':
		case '*':
		case '+':
		case '{':
			s->bail = 1;	/* a quantifier with nothing before it */
			k = ITEM_ZERO;
			break;
		default:
			/* a multibyte character is one item */
			while (c >= 0xc0 && s->p < s->end &&
			    ((unsigned char)*s->p & 0xc0) == 0x80)
				s->p++;
			k = is_alnum(c) ? ITEM_LIT : ITEM_ANY;
			break;
		}
		repeat = quantifier(s, &min);
		if (k == ITEM_LIT && min > 0 && len < sizeof run)
			run[len++] = (char)to_lower(c);
		/* a literal ends at anything else, and after a repeat */
		if (k != ITEM_LIT || repeat || len == sizeof run)
			flush_run(need, run, &len);
		if (k == ITEM_GROUP && min > 0)
			cnf_join(need, &inner);
		cnf_clear(&inner);
	}
	flush_run(need, run, &len);
}

/*
 * A group's branches: one alone keeps all it needs; of several, any may
 * be the one that matched, so all they surely need is one of their
 * most telling literals.
 */
static void
alternation(struct scan *s, struct cnf *need)
{
	struct cnf branch = { 0 };
	struct lits any = { 0 };
	int known;

	sequence(s, &branch);
	if (s->bail || s->p >= s->end || *s->p != '|') {
		cnf_join(need, &branch);
		return;
	}
	known = cnf_best_into(&any, &branch);
	while (!s->bail && s->p < s->end && *s->p == '|') {
		s->p++;
		sequence(s, &branch);
		known = cnf_best_into(&any, &branch) && known;
	}
	if (known)
		cnf_and(need, &any);
	lits_clear(&any);
}

/*
 * What matches of pat must contain, per top-level branch, into
 * r->need; nothing when anything is not understood.
 */
static void
pattern_needs(struct rule *r, const char *pat, size_t len, uint32_t opts)
{
	struct scan s = { pat, pat + len, 0 };
	struct cnf *c;

	/* in extended mode white space and comments are not text */
	if (opts & PCRE2_EXTENDED)
		return;
	for (;;) {
		r->need = xrealloc(r->need, (r->nneed + 1) * sizeof *r->need);
		c = &r->need[r->nneed++];
		memset(c, 0, sizeof *c);
		sequence(&s, c);
		/* the most telling first: the check stops at a missing one */
		if (c->n > 1)
			qsort(c->v, c->n, sizeof *c->v, by_score);
		if (c->n == 0 || s.bail || s.p >= s.end || *s.p != '|')
			break;
		s.p++;
	}
	if (c->n == 0 || s.bail || s.p != s.end) {
		for (size_t i = 0; i < r->nneed; i++)
			cnf_clear(&r->need[i]);
		free(r->need);
		r->need = NULL;
		r->nneed = 0;
	}
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
	pattern_needs(r, spec + 1, (size_t)(end - spec - 1), opts);
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
		bad_line(file, lineno, why);
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
	/* A file that cannot be read outranks bad data in another. */
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
	rs->sum = xmalloc(sizeof *rs->sum);
	rs->prefilter = 1;
	rs->jitted = xcalloc(rs->n, 1);
	/* memory checkers cannot follow JIT code and report it falsely */
	rs->nojit = getenv("MAILOPT_NO_JIT") != NULL;
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

static unsigned
tri_hash(uint32_t tri)
{
	return (tri * 2654435761u) >> (32 - TRI_BITS);
}

/*
 * The next character of p[0..n) as caseless UTF matching sees ASCII:
 * lower case, and KELVIN SIGN and LONG S as k and s, the only characters
 * outside ASCII that PCRE2 holds equal to an ASCII letter. Sets *c and
 * returns the bytes used.
 */
static size_t
fold(const unsigned char *p, size_t n, unsigned char *c)
{
	if (n >= 3 && p[0] == 0xe2 && p[1] == 0x84 && p[2] == 0xaa) {
		*c = 'k';
		return 3;
	}
	if (n >= 2 && p[0] == 0xc5 && p[1] == 0xbf) {
		*c = 's';
		return 2;
	}
	*c = (unsigned char)to_lower(p[0]);
	return 1;
}

static void
tri_make(struct trigrams *t, const struct text *x)
{
	const unsigned char *p = (const unsigned char *)x->s;
	uint32_t tri = 0;
	unsigned char c;
	size_t i = 0, seen = 0;

	memset(t->bits, 0, sizeof t->bits);
	while (i < x->len) {
		i += fold(p + i, x->len - i, &c);
		tri = (tri << 8 | c) & 0xffffff;
		if (++seen >= 3) {
			unsigned h = tri_hash(tri);

			t->bits[h / 64] |= (uint64_t)1 << (h % 64);
		}
	}
}

/* Whether one of the literals may occur in the text t sums up. */
static int
tri_one_of(const struct trigrams *t, const struct lits *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const unsigned char *p = (const unsigned char *)l->v[i];
		size_t j, n = strlen(l->v[i]);

		for (j = 0; j + 3 <= n; j++) {
			unsigned h = tri_hash((uint32_t)p[j] << 16 |
			    (uint32_t)p[j + 1] << 8 | p[j + 2]);

			if (!(t->bits[h / 64] & (uint64_t)1 << (h % 64)))
				break;
		}
		if (j + 3 > n)
			return 1;
	}
	return 0;
}

/* Whether rule ru may match field which (0 subject, 1 body) with text x. */
static int
may_match(const struct rules *r, const struct rule *ru, int which,
    const struct text *x)
{
	struct summary *sum = r->sum;
	size_t i, j;

	if (!r->prefilter || ru->nneed == 0)
		return 1;
	if (!sum->ready[which]) {
		tri_make(&sum->tri[which], x);
		sum->ready[which] = 1;
	}
	for (i = 0; i < ru->nneed; i++) {
		const struct cnf *c = &ru->need[i];

		for (j = 0; j < c->n && tri_one_of(&sum->tri[which], &c->v[j]); j++)
			;
		if (j == c->n)
			return 1;
	}
	return 0;
}

int
rules_classify(const struct rules *r, const struct message *m,
    struct rule_hit *hit, rules_trace_fn trace, void *arg)
{
	/* Subject and body are read by most rules: look them up once. */
	const struct text subject = capped(message_subject(m));
	const struct text body = capped(message_body(m));
	/* an answered or forwarded subject is no request of the writer's */
	const int inherited = message_subject_inherited(m);
	PCRE2_UCHAR errbuf[256];

	r->sum->ready[0] = r->sum->ready[1] = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct rule *ru = &r->v[i];
		struct rule_hit h = { ru->id, ru->action, NULL, ru->file, ru->line };
		const char *error = NULL;

		for (size_t j = 0; j < ru->nfields && h.where == NULL; j++) {
			const struct field *f = &ru->fields[j];
			struct text t;
			int rc;

			switch (f->kind) {
			case FIELD_SUBJECT:
				t = subject;
				if ((inherited && ru->action != ACTION_IGNORE) ||
				    !may_match(r, ru, 0, &t))
					continue;
				break;
			case FIELD_BODY:
				t = body;
				if (!may_match(r, ru, 1, &t))
					continue;
				break;
			default:
				t = capped(message_header(m, f->header));
				break;
			}
			if (t.s == NULL)
				continue;	/* absent header: no match */
			/* without JIT (no executable memory, say) the interpreter still works */
			if (!r->jitted[i] && !r->nojit)
				(void)pcre2_jit_compile(ru->re, PCRE2_JIT_COMPLETE);
			r->jitted[i] = 1;
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
