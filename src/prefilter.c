/* prefilter.c — the literals every match of a pattern contains, and a quick test of a text for them. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefilter.h"
#include "util.h"

/*
 * The reading is conservative: what it does not understand yields no
 * literals, and then the rule always runs; prefilter_new says why.
 */
#define TRI_BITS	16
#define LIT_MIN		3	/* shorter literals have no trigram */
#define LIT_MAX		64

/*
 * Lower-case ASCII literals of which a match contains at least one;
 * once read, all also in tri, literal after literal, each as the count
 * of its trigrams and their hashes, so that a check neither measures
 * nor hashes a literal and reads one array.
 */
struct lits {
	char		**v;
	size_t		 n;
	uint16_t	*tri;
	size_t		 ntri;
};

/* Sets of literals of each of which a match contains one. */
struct cnf {
	struct lits	*v;
	size_t		 n;
};

/*
 * The sets of every pattern read, each once: rules share vocabulary, so
 * many branches need the same set ("newsletter|mailing|catalogue|..."),
 * and a text is checked for each set once, not once a branch. Two sets
 * of the same trigram hashes are one: the check reads nothing else.
 */
struct prefilter_pool {
	/*
	 * Set i is tri[start[i] .. start[i + 1]): as struct lits' tri,
	 * every set in one array, so a check follows no pointer.
	 */
	uint16_t	*tri;
	uint32_t	*start;
	size_t		 n;
	uint32_t	*slot;		/* open addressing: index + 1, 0 free */
	size_t		 nslot;
};

/*
 * One per top-level branch of the pattern: any may be the one that
 * matches. In need, for each branch in turn: the count of the sets it
 * needs, then their indexes in the pool.
 */
struct prefilter {
	const struct prefilter_pool *pool;
	uint32_t	*need;
	size_t		 nneed, len;
};

/*
 * Which trigrams of a folded text occur, hashed: a collision only costs
 * time; and what is known of each set of the pool for this text.
 */
enum { SET_UNKNOWN, SET_ABSENT, SET_MAYBE };
struct textsum {
	uint64_t	 bits[(1u << TRI_BITS) / 64];
	unsigned char	*seen;		/* SET_*, by the pool's index */
	size_t		 nseen;
};

/* A pattern being read for literals. */
struct scan {
	const char	*p, *end;
	const char	*bail;		/* syntax this reading does not know, NULL if none */
};

/* What one item of a pattern's sequence is. */
enum item_kind {
	ITEM_LIT,	/* a character that can be part of a literal */
	ITEM_ANY,	/* one character of some kind */
	ITEM_ZERO,	/* an assertion: takes no text */
	ITEM_GROUP,	/* a group, with what it needs */
	/*
	 * A positive lookahead or lookbehind: it takes no text, but what it
	 * looks at is in the text searched, so its literals are needed as
	 * a group's are (the text summed up is the text matched).
	 */
	ITEM_AHEAD
};

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

static unsigned
tri_hash(uint32_t tri)
{
	return (tri * 2654435761u) >> (32 - TRI_BITS);
}

static void
lits_clear(struct lits *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->tri);
	memset(l, 0, sizeof *l);
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
lits_add(struct lits *l, const char *s, size_t n)
{
	for (size_t i = 0; i < l->n; i++)
		if (strlen(l->v[i]) == n && memcmp(l->v[i], s, n) == 0)
			return;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n++] = xstrndup(s, n);
}

/* Hash the trigrams of every literal of l once, for tri_one_of. */
static void
lits_hash(struct lits *l)
{
	size_t k = 0;

	for (size_t i = 0; i < l->n; i++)
		l->ntri += 1 + strlen(l->v[i]) - 2;	/* LIT_MIN >= 3 */
	l->tri = xcalloc(l->ntri, sizeof *l->tri);
	for (size_t i = 0; i < l->n; i++) {
		const unsigned char *p = (const unsigned char *)l->v[i];
		size_t n = strlen(l->v[i]);

		l->tri[k++] = (uint16_t)(n - 2);
		for (size_t j = 0; j + 3 <= n; j++)
			l->tri[k++] = (uint16_t)tri_hash((uint32_t)p[j] << 16 |
			    (uint32_t)p[j + 1] << 8 | p[j + 2]);
	}
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

/* The check of a set costs a look-up a literal: the smaller sets first. */
static int
by_cost(const void *a, const void *b)
{
	const struct lits *x = a, *y = b;

	return x->n < y->n ? -1 : x->n > y->n ? 1 : by_score(a, b);
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
			s->bail = "a brace that is not a quantifier";
			return 0;
		}
		*min = strtoul(s->p + 1, &e, 10);
		if (e < s->end && *e == ',')
			for (e++; e < s->end && *e >= '0' && *e <= '9'; e++)
				;
		if (e >= s->end || *e != '}') {
			s->bail = "a brace that is not a quantifier";
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
		s->bail = "a backslash at the end";
		return ITEM_ANY;
	}
	c = (unsigned char)*s->p++;
	if (c >= 0x80)
		s->bail = "an escaped non-ASCII character";
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
			s->bail = "an unterminated \\p{...}";
		return ITEM_ANY;
	}
	/* \x, \Q, back references, ... */
	s->bail = c == 'Q' ? "\\Q...\\E" : c == 'x' ? "a \\x escape" :
	    (c >= '1' && c <= '9') || strchr("gk", c) ? "a back reference" :
	    "an escape it does not know";
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
				s->bail = "\\Q or a backslash at the end inside a class";
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
				s->bail = "an unterminated [:class:]";
				return;
			}
			s->p = q + 1;
		}
		s->p++;
	}
	if (s->p >= s->end)
		s->bail = "an unterminated character class";
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
		s->bail = "a (*verb)";
		return ITEM_ZERO;
	}
	if (s->p < s->end && *s->p == '?') {
		if (++s->p >= s->end) {
			s->bail = "a lone (?";
			return ITEM_ZERO;
		}
		if (strchr(":>|", *s->p))
			s->p++;
		else if (strchr("=!", *s->p)) {
			k = *s->p++ == '=' ? ITEM_AHEAD : ITEM_ZERO;
		} else if (*s->p == '<' && s->p + 1 < s->end &&
		    strchr("=!", s->p[1])) {
			k = s->p[1] == '=' ? ITEM_AHEAD : ITEM_ZERO;
			s->p += 2;
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
				s->bail = q == s->end ? "a lone (?" :
				    *q == '(' ? "a condition (?(...)" :
				    *q == 'x' ? "the x option inside the pattern" :
				    "a (? group it does not know (recursion, ...)";
				return ITEM_ZERO;
			}
			s->p = q + 1;
			if (*q == ')')
				return ITEM_ZERO;
		}
	}
	alternation(s, need);
	if (s->p >= s->end || *s->p != ')')
		s->bail = "an unclosed group";
	else
		s->p++;
	if (k == ITEM_ZERO)
		cnf_clear(need);	/* a negative one needs nothing */
	return k == ITEM_AHEAD ? ITEM_GROUP : k;
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

	while (s->p < s->end && *s->p != '|' && *s->p != ')' && s->bail == NULL) {
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
			s->bail = "a quantifier with nothing before it";
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
	if (s->bail != NULL || s->p >= s->end || *s->p != '|') {
		cnf_join(need, &branch);
		return;
	}
	known = cnf_best_into(&any, &branch);
	while (s->bail == NULL && s->p < s->end && *s->p == '|') {
		s->p++;
		sequence(s, &branch);
		known = cnf_best_into(&any, &branch) && known;
	}
	if (known)
		cnf_and(need, &any);
	lits_clear(&any);
}

struct prefilter_pool *
prefilter_pool_new(void)
{
	return xcalloc(1, sizeof(struct prefilter_pool));
}

void
prefilter_pool_free(struct prefilter_pool *pool)
{
	if (pool == NULL)
		return;
	free(pool->tri);
	free(pool->start);
	free(pool->slot);
	free(pool);
}

static size_t
set_hash(const uint16_t *tri, size_t n)
{
	size_t h = 14695981039346656037u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ tri[i]) * 1099511628211u;
	return h;
}

/* The index of the set l (hashed) in pool, added when new; l is cleared. */
static uint32_t
pool_intern(struct prefilter_pool *pool, struct lits *l)
{
	size_t i, id, mask;
	const uint16_t *t;

	if (pool->n == 0)
		pool->start = xcalloc(1, sizeof *pool->start);
	if (2 * (pool->n + 1) > pool->nslot) {
		size_t nslot = pool->nslot ? 2 * pool->nslot : 256;

		free(pool->slot);
		pool->slot = xcalloc(nslot, sizeof *pool->slot);
		pool->nslot = nslot;
		for (id = 0; id < pool->n; id++) {
			t = pool->tri + pool->start[id];
			for (i = set_hash(t, pool->start[id + 1] -
			    pool->start[id]) & (nslot - 1); pool->slot[i];
			    i = (i + 1) & (nslot - 1))
				;
			pool->slot[i] = (uint32_t)id + 1;
		}
	}
	mask = pool->nslot - 1;
	for (i = set_hash(l->tri, l->ntri) & mask; pool->slot[i];
	    i = (i + 1) & mask) {
		id = pool->slot[i] - 1;
		if (pool->start[id + 1] - pool->start[id] == l->ntri &&
		    memcmp(pool->tri + pool->start[id], l->tri,
		    l->ntri * sizeof *l->tri) == 0) {
			lits_clear(l);
			return (uint32_t)id;
		}
	}
	id = pool->n++;
	pool->start = xrealloc(pool->start, (pool->n + 1) *
	    sizeof *pool->start);
	pool->tri = xrealloc(pool->tri, (pool->start[id] + l->ntri) *
	    sizeof *pool->tri);
	memcpy(pool->tri + pool->start[id], l->tri, l->ntri * sizeof *l->tri);
	pool->start[id + 1] = pool->start[id] + (uint32_t)l->ntri;
	pool->slot[i] = (uint32_t)pool->n;
	lits_clear(l);
	return (uint32_t)id;
}

void
prefilter_free(struct prefilter *p)
{
	if (p == NULL)
		return;
	free(p->need);
	free(p);
}

struct prefilter *
prefilter_new(struct prefilter_pool *pool, const char *pat, size_t len,
    int extended, char *why, size_t whylen)
{
	struct scan s = { pat, pat + len, NULL };
	struct prefilter *p = NULL;
	struct cnf c = { 0 };
	size_t at = 0;

	/* in extended mode white space and comments are not text */
	if (extended) {
		snprintf(why, whylen, "cannot read the x flag");
		return NULL;
	}
	p = xcalloc(1, sizeof *p);
	p->pool = pool;
	for (;;) {
		cnf_clear(&c);
		sequence(&s, &c);
		/* the cheapest first: the check stops at a missing one */
		if (c.n > 1)
			qsort(c.v, c.n, sizeof *c.v, by_cost);
		at = p->len;
		p->len += 1 + c.n;
		p->need = xrealloc(p->need, p->len * sizeof *p->need);
		p->need[at] = (uint32_t)c.n;
		p->nneed++;
		for (size_t i = 0; i < c.n; i++) {
			lits_hash(&c.v[i]);
			p->need[at + 1 + i] = pool_intern(pool, &c.v[i]);
		}
		if (c.n == 0 || s.bail || s.p >= s.end || *s.p != '|')
			break;
		s.p++;
	}
	cnf_clear(&c);
	if (s.bail != NULL)
		snprintf(why, whylen, "cannot read %s", s.bail);
	else if (p->need[at] == 0)
		snprintf(why, whylen, "no literal of %d letters that its "
		    "top-level branch %zu needs", LIT_MIN, p->nneed);
	else if (s.p != s.end)
		snprintf(why, whylen, "cannot read an unbalanced ')'");
	else
		return p;
	prefilter_free(p);
	return NULL;
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

struct textsum *
textsum_new(void)
{
	return xcalloc(1, sizeof(struct textsum));
}

void
textsum_free(struct textsum *t)
{
	if (t == NULL)
		return;
	free(t->seen);
	free(t);
}

void
textsum_make(struct textsum *t, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t tri = 0;
	unsigned char c;
	size_t i = 0, seen = 0;

	memset(t->bits, 0, sizeof t->bits);
	if (t->nseen)
		memset(t->seen, SET_UNKNOWN, t->nseen);
	while (i < len) {
		i += fold(p + i, len - i, &c);
		tri = (tri << 8 | c) & 0xffffff;
		if (++seen >= 3) {
			unsigned h = tri_hash(tri);

			t->bits[h / 64] |= (uint64_t)1 << (h % 64);
		}
	}
}

/*
 * Whether one of the literals may occur in the text t sums up: each in
 * h[0..n) as the count of its trigrams, then their hashes.
 */
static int
tri_one_of(const struct textsum *t, const uint16_t *h, size_t n)
{
	const uint16_t *end = h + n;

	while (h < end) {
		const uint16_t *next = h + 1 + *h;

		for (h++; h < next; h++)
			if (!(t->bits[*h / 64] & (uint64_t)1 << (*h % 64)))
				break;
		if (h == next)
			return 1;
		h = next;
	}
	return 0;
}

/* Whether one of the pool's set id may occur in the text t sums up, at most one check a text. */
static int
set_may_occur(const struct prefilter_pool *pool, uint32_t id,
    struct textsum *t)
{
	if (t->nseen < pool->n) {
		t->seen = xrealloc(t->seen, pool->n);
		memset(t->seen + t->nseen, SET_UNKNOWN, pool->n - t->nseen);
		t->nseen = pool->n;
	}
	if (t->seen[id] == SET_UNKNOWN)
		t->seen[id] = tri_one_of(t, pool->tri + pool->start[id],
		    pool->start[id + 1] - pool->start[id]) ? SET_MAYBE :
		    SET_ABSENT;
	return t->seen[id] == SET_MAYBE;
}

int
prefilter_may_match(const struct prefilter *p, struct textsum *t)
{
	const uint32_t *c = p->need, *end = p->need + p->len;

	while (c < end) {
		const uint32_t *next = c + 1 + *c;

		for (c++; c < next && set_may_occur(p->pool, *c, t); c++)
			;
		if (c == next)
			return 1;
		c = next;
	}
	return 0;
}

void
prefilter_pool_arrays(const struct prefilter_pool *pool, const uint32_t **start,
    size_t *n, const uint16_t **tri)
{
	static const uint32_t none[1];

	/* a pool without sets has no start array yet: it reads as one 0 */
	*start = pool->n ? pool->start : none;
	*n = pool->n;
	*tri = pool->tri;
}

const uint32_t *
prefilter_need(const struct prefilter *p, size_t *len)
{
	*len = p->len;
	return p->need;
}

/* Whether h[0..n) is literals as struct lits' tri keeps them: a count, then that many hashes. */
static int
tri_parses(const uint16_t *h, size_t n)
{
	size_t i = 0;

	while (i < n)
		i += 1 + (size_t)h[i];
	return i == n;
}

struct prefilter_pool *
prefilter_pool_from(const void *start, size_t n, const void *tri)
{
	struct prefilter_pool *pool;
	uint32_t *sv, first;

	memcpy(&first, start, sizeof first);
	if (first != 0)
		return NULL;
	/* a pool without sets has no arrays (pool_intern makes them) */
	pool = prefilter_pool_new();
	if (n == 0)
		return pool;
	/* copied first: the bytes need not be aligned */
	sv = pool->start = xcalloc(n + 1, sizeof *pool->start);
	memcpy(sv, start, (n + 1) * sizeof *sv);
	pool->tri = xcalloc(sv[n] ? sv[n] : 1, sizeof *pool->tri);
	memcpy(pool->tri, tri, sv[n] * sizeof *pool->tri);
	pool->n = n;
	/* every start in order before any set is read: none may lie past tri */
	for (size_t i = 0; i < n; i++)
		if (sv[i + 1] < sv[i])
			goto bad;
	for (size_t i = 0; i < n; i++)
		if (!tri_parses(pool->tri + sv[i], sv[i + 1] - sv[i]))
			goto bad;
	/* no slots: pool_intern builds them should a set be added */
	return pool;
bad:
	prefilter_pool_free(pool);
	return NULL;
}

struct prefilter *
prefilter_from(const struct prefilter_pool *pool, const void *raw, size_t len)
{
	struct prefilter *p = xcalloc(1, sizeof *p);
	size_t i = 0;

	/* copied first: the bytes need not be aligned */
	p->pool = pool;
	p->len = len;
	p->need = xcalloc(len ? len : 1, sizeof *p->need);
	memcpy(p->need, raw, len * sizeof *p->need);
	while (i < len) {
		size_t next;

		/* compared, not added: a count near 2^32 must not wrap */
		if (p->need[i] > len - i - 1)
			goto bad;
		next = i + 1 + (size_t)p->need[i];
		for (i++; i < next; i++)
			if (p->need[i] >= pool->n)
				goto bad;
		p->nneed++;
	}
	return p;
bad:
	prefilter_free(p);
	return NULL;
}

struct prefilter_gate {
	const struct prefilter_pool *pool;
	uint32_t	*ids;
	size_t		 n;
};

struct prefilter_gate *
prefilter_gate_new(struct prefilter *const *p, size_t n)
{
	struct prefilter_gate *g;
	size_t i, k;

	for (i = 0; i < n; i++)
		if (p[i] == NULL)
			return NULL;
	g = xcalloc(1, sizeof *g);
	for (i = 0; i < n; i++) {
		const uint32_t *c = p[i]->need, *end = c + p[i]->len;

		g->pool = p[i]->pool;
		for (; c < end; c += 1 + *c) {
			/* a branch that needs no set passes every gate */
			if (*c == 0) {
				prefilter_gate_free(g);
				return NULL;
			}
			for (k = 0; k < g->n && g->ids[k] != c[1]; k++)
				;
			if (k == g->n) {
				g->ids = xrealloc(g->ids, (g->n + 1) *
				    sizeof *g->ids);
				g->ids[g->n++] = c[1];
			}
		}
	}
	return g;
}

void
prefilter_gate_free(struct prefilter_gate *g)
{
	if (g == NULL)
		return;
	free(g->ids);
	free(g);
}

int
prefilter_gate_may_match(const struct prefilter_gate *g, struct textsum *t)
{
	for (size_t i = 0; i < g->n; i++)
		if (set_may_occur(g->pool, g->ids[i], t))
			return 1;
	return 0;
}
