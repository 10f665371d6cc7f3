/* rules.c — classification of a message by the loaded rules: first match wins. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "langid.h"
#include "message.h"
#include "prefilter.h"
#include "scope.h"
#include "regex.h"
#include "rules.h"
#include "rules_priv.h"
#include "util.h"

/*
 * The match limit starts afresh at each start position, so only capping
 * the length of what is searched bounds the total work. A guard reads
 * FIELD_CAP of a text, as bulk mail puts its footer last; a request is
 * read in the first REQUEST_CAP of the body: what a person asks of a
 * company is in the first pages of what they write, and a rule that
 * looks across a paragraph costs with the square of its length.
 */
#define FIELD_CAP	(64 * 1024)
#define REQUEST_CAP	(16 * 1024)

/* The text of one field of a message, already capped. */
struct text {
	const char	*s;
	size_t		 len;
	int		 cut;	/* shorter than the field: its end is no end of line */
	/* where a match may start: what is before is read only by lookbehinds */
	size_t		 from;
};

size_t
rules_count(const struct rules *r)
{
	return r ? r->n : 0;
}

int
rules_cached(const struct rules *r)
{
	return r->kept != NULL;
}

const char *
rules_identity(const struct rules *r)
{
	return r->identity;
}

struct strip *
rules_strip(const struct rules *r)
{
	return r ? r->strip : NULL;
}

void
rules_set_prefilter(struct rules *r, int on)
{
	r->prefilter = on;
}

void
rules_set_jit_after(struct rules *r, unsigned tries)
{
	r->jit_after = tries;
}

const char *
rules_lang(const struct rules *r, const char *id)
{
	for (size_t i = 0; r && id && i < r->n; i++)
		if (strcmp(r->v[i].id, id) == 0)
			return r->v[i].lang;
	return NULL;
}

size_t
rules_unfiltered(const struct rules *r, rules_note_fn fn, void *arg)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++) {
		const struct rule *ru = &r->v[i];

		if (ru->need_why == NULL)
			continue;
		if (strncmp(ru->need_why, "cannot read", 11) == 0)
			n++;
		fn(arg, ru->file, ru->line, ru->id, ru->need_why);
	}
	return n;
}

void
rules_show(const struct rules *r, FILE *fp)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct rule *ru = &r->v[i];

		fprintf(fp, "%s:%d\t%s\t%s\t%s%s\t", ru->file, ru->line,
		    ru->lang ? ru->lang : "-", ru->id, action_name(ru->action),
		    ru->confirm ? "/confirm" : "");
		for (size_t j = 0; j < ru->nfields; j++)
			fprintf(fp, "%s%s", j ? "," : "", ru->fields[j].where);
		fprintf(fp, "\t/%s/%s%s%s%s\n", ru->pattern,
		    ru->opts & PCRE2_CASELESS ? "i" : "",
		    ru->opts & PCRE2_MULTILINE ? "m" : "",
		    ru->opts & PCRE2_DOTALL ? "s" : "",
		    ru->opts & PCRE2_EXTENDED ? "x" : "");
	}
}

/* At most cap bytes of t, never ending inside a UTF-8 sequence. */
static struct text
shortened(struct text t, size_t cap)
{
	if (t.len > cap) {
		t.len = cap;
		t.cut = 1;
		while (t.len > 0 && ((unsigned char)t.s[t.len] & 0xc0) == 0x80)
			t.len--;
	}
	return t;
}

/* At most FIELD_CAP bytes of s (shortened). */
static struct text
capped(const char *s)
{
	struct text t = { s, s ? strnlen(s, FIELD_CAP + 1) : 0, 0, 0 };

	return shortened(t, FIELD_CAP);
}

/*
 * The JIT code of every pattern together, at most: a pattern of the
 * shipped rules takes up to 700 KB of it, and all of them some 60 MB,
 * while the patterns tried most, JIT-compiled first, save most of the
 * time (20,000 generated messages on two threads: no JIT 3.1 s, 29 MB
 * peak; 8 MB of it 2.7 s, 39 MB; all 2.45 s, 98 MB).
 */
#define JIT_BUDGET	(8u << 20)

/* A pattern set once and shared by the clones: whoever sees it, sees it made. */
static pcre2_code *
code_of(pcre2_code *const *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/*
 * The JIT's copy of re for *jre, made under the lock once re was tried
 * from jit_after places: a copy, so that the clones go on matching re
 * meanwhile (pcre2_jit_compile changes the code it is given), with
 * tables of its own (a decoded pattern shares its tables by a count
 * that is not atomic). When there is none to make (no JIT, the budget
 * spent), re itself, which says so for good.
 */
static void
jit_locked(const struct rules *r, pcre2_code *re, pcre2_code **jre)
{
	pcre2_code *j = NULL;
	size_t size;

	if (*jre != NULL)
		return;		/* another clone made it first */
	if (*r->jit_bytes < JIT_BUDGET)
		j = pcre2_code_copy_with_tables(re);
	/* without JIT (no executable memory, say) the interpreter still works */
	if (j != NULL && (pcre2_jit_compile(j, PCRE2_JIT_COMPLETE) != 0 ||
	    pcre2_pattern_info(j, PCRE2_INFO_JITSIZE, &size) != 0)) {
		pcre2_code_free(j);
		j = NULL;
	}
	if (j != NULL)
		*r->jit_bytes += size;
	__atomic_store_n(jre, j != NULL ? j : re, __ATOMIC_RELEASE);
}

/*
 * What matches with re: its JIT copy in *jre once that is made, else
 * re. *tries counts the places re was tried from (run); past
 * jit_after, the JIT's copy is made.
 */
static pcre2_code *
jitted(const struct rules *r, pcre2_code *re, pcre2_code **jre,
    const unsigned *tries)
{
	pcre2_code *j = code_of(jre);

	if (j != NULL)
		return j;
	if (r->nojit || __atomic_load_n(tries, __ATOMIC_RELAXED) < r->jit_after)
		return re;
	(void)pthread_mutex_lock(r->lock);
	jit_locked(r, re, jre);
	(void)pthread_mutex_unlock(r->lock);
	return code_of(jre);
}

/*
 * A pattern in the cache is decoded for each match, and freed after it,
 * until it has been tried DECODE_AFTER times, and for good after that
 * while those kept take less than DECODE_BUDGET bytes; past it, each
 * match decodes its own. Most patterns are tried by a few messages of
 * thousands, and all those tried, kept decoded, would hold most of a
 * sweep's memory: 20,000 generated messages try 1,700 patterns of 16 MB,
 * half of it in the 970 tried 50 times or fewer. Read with pread(2), not
 * through the mapping, a decoding costs less than the match: the sweep
 * takes the same time with 2 MB kept as with all, at a peak of 31 MB
 * against 47 MB (bench/sweep.sh, two threads).
 */
#define DECODE_AFTER	8
#define DECODE_BUDGET	(2u << 20)

/*
 * The pattern of rule ru at pat[0..len) compiled into *re, when the
 * rules were loaded lazily and this is its first match: decoded from
 * kept, when the rules came from the cache with it. The files were
 * seen to compile whole, so a failure is a lack of memory, or a record
 * that lies: then the rule does not match, as when a match runs out of
 * its limits, the error is reported, and the record is removed so that
 * the next load compiles every pattern and stops at the bad one.
 * Returns 0 or a PCRE2 error code.
 */
static int
compile_locked(const struct rules *r, struct rule *ru, pcre2_code **re,
    struct kept_code *kept, const char *pat, size_t len)
{
	PCRE2_UCHAR msg[256];
	pcre2_code *c;
	size_t off, size;
	int err;

	if (ru->broken)
		return PCRE2_ERROR_NOMEMORY;
	if (*re != NULL)
		return 0;	/* another clone compiled it first */
	if ((c = rules_cache_code(r, kept)) != NULL)
		goto done;
	if (!rules_cache_text(ru)) {
		ru->broken = 1;
		goto lost;
	}
	if ((c = rule_compile(pat, len, ru->opts, &err, &off)) != NULL)
		goto done;
	ru->broken = 1;		/* said once */
	pcre2_get_error_message(err, msg, sizeof msg);
	mo_warn("%s:%d: rule %s: bad pattern: %s", ru->file, ru->line, ru->id,
	    (char *)msg);
lost:
	if (r->seen != NULL)
		(void)unlink(r->seen);
	return PCRE2_ERROR_NOMEMORY;
done:
	if (kept->len != 0 && pcre2_pattern_info(c, PCRE2_INFO_SIZE,
	    &size) == 0)
		__atomic_add_fetch(r->decoded_bytes, size, __ATOMIC_RELAXED);
	__atomic_store_n(re, c, __ATOMIC_RELEASE);
	return 0;
}

static int
compiled(const struct rules *r, struct rule *ru, pcre2_code **re,
    struct kept_code *kept, const char *pat, size_t len)
{
	int rc;

	if (code_of(re) != NULL)
		return 0;
	(void)pthread_mutex_lock(r->lock);
	rc = compile_locked(r, ru, re, kept, pat, len);
	(void)pthread_mutex_unlock(r->lock);
	return rc;
}

/*
 * Whether the pattern kept in the cache at kept, not decoded for good
 * into re yet, is decoded for this one match (DECODE_AFTER): counts
 * the match in *uses.
 */
static int
decode_once(const struct rules *r, pcre2_code *const *re,
    struct kept_code *kept, unsigned *uses)
{
	if (kept->len == 0 || code_of(re) != NULL)
		return 0;
	if (__atomic_add_fetch(uses, 1, __ATOMIC_RELAXED) <= DECODE_AFTER)
		return 1;
	return __atomic_load_n(r->decoded_bytes, __ATOMIC_RELAXED) >=
	    DECODE_BUDGET;
}

/*
 * Match the pattern pat[0..len) of rule ru, compiled into *re (JIT:
 * *jre, after *tries; kept, *uses: see compiled and decode_once),
 * against t (regex_match): JIT-compiled when it is not re, which
 * regex_match must know. Returns pcre2_match's code, or compiled's.
 */
static int
run(const struct rules *r, struct rule *ru, pcre2_code **re, pcre2_code **jre,
    unsigned *tries, unsigned *uses, struct kept_code *kept,
    const char *pat, size_t len, const struct text *t)
{
	pcre2_code *c, *use;
	unsigned from;
	int rc;

	/* a damaged record decodes to nothing: compiled says so */
	if (decode_once(r, re, kept, uses) &&
	    (c = rules_cache_code_read((struct rules *)r, kept)) != NULL) {
		rc = regex_match(c, t->s, t->len, t->from,
		    t->cut ? PCRE2_NOTEOL : 0, r->md, r->mctx, 0);
		pcre2_code_free(c);
		return rc;
	}
	if ((rc = compiled(r, ru, re, kept, pat, len)) != 0)
		return rc;
	c = code_of(re);
	use = jitted(r, c, jre, tries);
	from = r->ticks;
	rc = regex_match(use, t->s, t->len, t->from,
	    t->cut ? PCRE2_NOTEOL : 0, r->md, r->mctx, use != c);
	/* counted until the JIT's copy is made, or known never to be */
	if (r->ticks != from && !r->nojit && code_of(jre) == NULL)
		(void)__atomic_add_fetch(tries, r->ticks - from,
		    __ATOMIC_RELAXED);
	return rc;
}

/*
 * The trigrams of field which (0 subject, 1 body), summed up once a
 * message: of all of it, as a guard reads all, though a request reads
 * only the start of the body.
 */
static struct textsum *
summed(const struct rules *r, int which)
{
	if (!r->ready[which]) {
		textsum_make(r->sum[which], r->sum_s[which],
		    r->sum_len[which]);
		((struct rules *)r)->ready[which] = 1;
	}
	return r->sum[which];
}

/* Whether a match needing need may be in field which (0 subject, 1 body). */
static int
may_match(const struct rules *r, const struct prefilter *need, int which)
{
	if (!r->prefilter || need == NULL)
		return 1;
	return prefilter_may_match(need, summed(r, which));
}

/* Whether any branch of the split rule ru may match in field which. */
static int
gate_open(const struct rules *r, const struct rule *ru, int which)
{
	if (!r->prefilter || ru->gate == NULL)
		return 1;
	return prefilter_gate_may_match(ru->gate, summed(r, which));
}

/* Whether ru may match in field which: its own prefilter, or a split rule's gate. */
static int
rule_may_match(const struct rules *r, const struct rule *ru, int which)
{
	return ru->split ? gate_open(r, ru, which) :
	    may_match(r, ru->need, which);
}

/*
 * Match ru against t, with each branch alone when ru is split: the
 * leftmost match, and at one place the earliest branch's, is the one
 * the whole pattern finds. Sets *so and *eo to the match; returns pcre2_match's code.
 */
static int
match(const struct rules *r, struct rule *ru, int which,
    const struct text *t, PCRE2_SIZE *so, PCRE2_SIZE *eo)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
	int rc, best = PCRE2_ERROR_NOMATCH;

	if (!ru->split) {
		rc = run(r, ru, &ru->re, &ru->jre, &ru->tries, &ru->uses,
		    &ru->kept, ru->pattern, ru->patlen, t);
		*so = ov[0];
		*eo = ov[1];
		return rc;
	}
	for (size_t k = 0; k < ru->nbranches; k++) {
		struct branch *b = &ru->branches[k];

		if (which >= 0 && !may_match(r, b->need, which))
			continue;
		rc = run(r, ru, &b->re, &b->jre, &b->tries, &b->uses,
		    &b->kept, ru->pattern + b->off, b->len, t);
		if (rc >= 0 && (best < 0 || ov[0] < *so)) {
			best = rc;
			*so = ov[0];
			*eo = ov[1];
			if (*so == t->from)
				break;	/* no later branch starts before */
		} else if (rc < 0 && rc != PCRE2_ERROR_NOMATCH && best < 0)
			best = rc;
	}
	return best;
}

/* The CPU time this thread has used, in nanoseconds. */
static long long
cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;	/* no clock: no limit is ever reached */
	return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Callout 1, before every pattern (rule_compile): called at each
 * position a match is tried from. Each try is bounded by the match
 * limit, but a text of many positions is tried from each, by every
 * rule; this bounds them all. The clock is read every CLOCK_EVERY
 * calls, as reading it (a system call: the thread's CPU clock has no
 * vDSO) costs more than most tries; a try is bounded by the match
 * limit, a millisecond or so, so the limit is overrun by a fraction.
 */
#define CLOCK_EVERY	256

static int
keep_time(pcre2_callout_block *cb, void *arg)
{
	struct rules *r = arg;

	(void)cb;
	if (r->over)
		return PCRE2_ERROR_CALLOUT;
	/* counted with or without a limit: the tries that decide the JIT */
	if (++r->ticks % CLOCK_EVERY != 0 || r->limit_ns == 0)
		return 0;
	if (cpu_ns() > r->deadline_ns) {
		r->over = 1;
		return PCRE2_ERROR_CALLOUT;
	}
	return 0;
}

/*
 * The line of the branch of ru that matched t: the pattern again with
 * a (*MARK) opening each branch, made the first time it is asked for.
 * 0 when that cannot tell.
 */
static int
which_branch(const struct rules *r, struct rule *ru, const struct text *t)
{
	struct buf b = { 0 };
	pcre2_code *marked;
	PCRE2_SPTR mark;
	size_t off;
	int err, rc;
	size_t k;

	if (ru->nbranches == 1)
		return ru->branches[0].line;
	(void)pthread_mutex_lock(r->lock);
	if ((marked = ru->marked) == NULL && rules_cache_text(ru)) {
		for (k = 0; k < ru->nbranches; k++)
			buf_printf(&b, "%s(*MARK:%zu)%.*s", k ? "|" : "", k,
			    (int)ru->branches[k].len,
			    ru->pattern + ru->branches[k].off);
		marked = ru->marked = rule_compile(buf_str(&b), b.len, ru->opts,
		    &err, &off);
		buf_free(&b);
	}
	(void)pthread_mutex_unlock(r->lock);
	/* the rule matched in time: telling its branch is for the trace, untimed */
	pcre2_set_callout(r->mctx, NULL, NULL);
	rc = marked == NULL ? -1 : pcre2_match(marked,
	    (PCRE2_SPTR)t->s, t->len, t->from, t->cut ? PCRE2_NOTEOL : 0,
	    r->md, r->mctx);
	pcre2_set_callout(r->mctx, keep_time, (void *)r);
	if (rc < 0 || (mark = pcre2_get_mark(r->md)) == NULL)
		return 0;
	k = strtoul((const char *)mark, NULL, 10);
	return k < ru->nbranches ? ru->branches[k].line : 0;
}

/*
 * The languages whose rules read a message with this subject and body:
 * a bit per index of r->lang. Subject and body are counted together.
 */
static unsigned long
readers(const struct rules *r, const struct text *subject,
    const struct text *body, unsigned counts[LANGID_MAX],
    unsigned long *written)
{
	unsigned more[LANGID_MAX];

	langid_count(r->words, subject->s, subject->len, counts);
	langid_count(r->words, body->s, body->len, more);
	for (int i = 0; i < LANGID_MAX; i++)
		counts[i] += more[i];
	/* the languages the text may be written in, `anywhere` aside */
	*written = langid_readers(counts);
	return *written | r->always;
}

/* rules_reply_lang's choice for a text of these counts, read by a rule of lang. */
static const char *
reply_lang(const struct rules *r, const unsigned counts[LANGID_MAX],
    const char *lang)
{
	unsigned top = 0;
	int own = -1, best = -1, tie = 0;

	for (int i = 0; i < r->nlang; i++) {
		if (lang != NULL && strcmp(r->lang[i], lang) == 0)
			own = i;
		if (counts[i] > top) {
			top = counts[i];
			best = i;
			tie = 0;
		} else if (top > 0 && counts[i] == top)
			tie = 1;
	}
	if (own < 0 || counts[own] > 0 || best < 0 || tie)
		return lang;
	return r->lang[best];
}

/* readers for m's subject and body, as rules_classify reads them. */
static unsigned long
message_readers(const struct rules *r, const struct message *m,
    unsigned counts[LANGID_MAX])
{
	const struct text subject = capped(message_subject(m));
	const struct text body = capped(message_body(m));
	unsigned long written;

	return readers(r, &subject, &body, counts, &written);
}

const char *
rules_reply_lang(const struct rules *r, const struct message *m,
    const char *id)
{
	unsigned counts[LANGID_MAX];

	if (r == NULL || m == NULL)
		return NULL;
	(void)message_readers(r, m, counts);
	return reply_lang(r, counts, rules_lang(r, id));
}

void
rules_languages(const struct rules *r, const struct message *m,
    struct buf *out)
{
	unsigned counts[LANGID_MAX];
	const unsigned long on = message_readers(r, m, counts);

	for (int i = 0; i < r->nlang; i++)
		buf_printf(out, "%s%s %u%s", i ? ", " : "", r->lang[i],
		    counts[i], on & 1ul << i ? "" : " (its requests skipped)");
}

/*
 * Whether the request h, a match at so..eo in t, is no wish of the
 * writer's (scope.h), by the words of a language the text may be
 * written in: an opt-in negated in its clause ("do not sign me up
 * again", id RULES_REFUSAL_ID) or another's question in its sentence
 * ("you asked whether I'd like to opt back in") or in quotation marks
 * (cited: RULES_REPORTED_ID), or
 * any request told as the writer's past (RULES_TOLD_ID). Then the first
 * such is kept in *refused (action ignore, review when told; its text
 * the clause or sentence) and traced after the request it stops.
 */
static int
refuses(const struct rules *r, const struct text *t, size_t so, size_t eo,
    unsigned long langs, const struct rule_hit *h, struct rule_hit *refused,
    rules_trace_fn trace, void *arg)
{
	struct rule_hit no = *h;
	size_t cs;
	int kind;

	/*
	 * An opt-in inside quotation marks is cited, a form's or our own
	 * words; one that reads on past them reads the writer's too.
	 */
	if (action_is_optin(h->action) && scope_quoted(t->s, so) &&
	    scope_quoted(t->s, eo)) {
		kind = SCOPE_ASKED;
		cs = so;
	} else if (action_is_optin(h->action))
		kind = scope_refused(r->scope, t->s, t->len, eo, langs, &cs);
	else
		kind = scope_told(r->scope, t->s, so, eo, langs, &cs);
	if (kind == 0)
		return 0;
	no.id = kind == SCOPE_ASKED ? RULES_REPORTED_ID :
	    kind == SCOPE_TOLD ? RULES_TOLD_ID : RULES_REFUSAL_ID;
	no.action = kind == SCOPE_TOLD ? ACTION_REVIEW : ACTION_IGNORE;
	no.text = t->s + cs;
	no.textlen = eo - cs;
	no.branch_line = 0;
	if (trace) {
		trace(arg, h, 1, NULL);
		trace(arg, &no, 1, NULL);
	}
	if (refused->id == NULL)
		*refused = no;
	return 1;
}

void
rules_set_time_limit(struct rules *r, unsigned ms)
{
	r->limit_ns = (long long)ms * 1000000;
}

/*
 * Where t is read on after the match so..eo: its end, or past the
 * character it starts with when it is empty; 0 at the end of t.
 */
static size_t
past(const struct text *t, size_t so, size_t eo)
{
	size_t at = eo > so ? eo : so + 1;

	while (at < t->len && ((unsigned char)t->s[at] & 0xc0) == 0x80)
		at++;
	return at < t->len ? at : 0;
}

/*
 * Put in r->ord the order the rules read a message of these counts of
 * each language's common words: the rules of no language (the guards
 * of 00-ignore.rules) first, then each language's, the language with
 * the most words first, and ties in the files' order, each language's
 * rules in their own order. A Portuguese message that some Spanish
 * words let the Spanish rules read is read by the Portuguese rules
 * first; a text too short to tell is read in the files' order.
 */
static void
order(struct rules *r, const unsigned counts[LANGID_MAX])
{
	size_t at[LANGID_MAX + 2] = { 0 };
	int rank[LANGID_MAX], by[LANGID_MAX];

	for (int i = 0; i < r->nlang; i++) {
		int k = i;

		/* by count, most first; stable, so a tie keeps the files' order */
		while (k > 0 && counts[by[k - 1]] < counts[i]) {
			by[k] = by[k - 1];
			k--;
		}
		by[k] = i;
	}
	for (int k = 0; k < r->nlang; k++)
		rank[by[k]] = k + 1;
	/* a counting sort by rank (0: no language), stable */
	for (size_t i = 0; i < r->n; i++)
		at[r->v[i].langno < 0 ? 1 : rank[r->v[i].langno] + 1]++;
	for (int k = 1; k <= r->nlang + 1; k++)
		at[k] += at[k - 1];
	for (size_t i = 0; i < r->n; i++)
		r->ord[at[r->v[i].langno < 0 ? 0 : rank[r->v[i].langno]]++] = i;
}

/* The hit of rule ru, matched nowhere yet. */
static struct rule_hit
hit_of(const struct rule *ru)
{
	return (struct rule_hit){ .id = ru->id, .action = ru->action,
	    .file = ru->file, .line = ru->line, .lang = ru->lang };
}

/* What rules_classify reads of one message, looked up once. */
struct reading {
	const struct message *m;
	struct text	 subject, body;
	int		 inherited;	/* an answered or forwarded subject */
	unsigned long	 on;		/* the languages whose requests are read */
	unsigned long	 written;	/* the languages the text may be written in */
};

/* Whether ru reads a message of rd's languages at all. */
static int
reads(const struct rule *ru, const struct reading *rd)
{
	/*
	 * A guard (ignore) reads any text: it only leaves a message to the
	 * people at sales@, and guards of every language know the English
	 * footers of bulk mail. Requests of a language the text is plainly
	 * not in are not read, nor any rule of an own-language-only part
	 * in another's text.
	 */
	if (ru->langno >= 0 && ru->action != ACTION_IGNORE &&
	    !(rd->on & 1ul << ru->langno))
		return 0;
	if (ru->own && ru->langno >= 0 && !(rd->written & 1ul << ru->langno))
		return 0;
	return 1;
}

/*
 * Match field f of rule ru in rd's message, from byte from of it: *t is
 * set to the text read and *so, *eo to the match. Returns pcre2_match's
 * code (0 is a match whose groups did not fit: still a match), and
 * PCRE2_ERROR_NOMATCH when the field is not read (absent, an inherited
 * subject, or what the prefilter rules out).
 */
static int
field_match(const struct rules *r, struct rule *ru, const struct field *f,
    const struct reading *rd, size_t from, struct text *t, PCRE2_SIZE *so,
    PCRE2_SIZE *eo)
{
	switch (f->kind) {
	case FIELD_SUBJECT:
		*t = rd->subject;
		/* an answered or forwarded subject is no request of the writer's */
		if ((rd->inherited && ru->action != ACTION_IGNORE) ||
		    !rule_may_match(r, ru, 0))
			return PCRE2_ERROR_NOMATCH;
		break;
	case FIELD_BODY:
		*t = ru->action == ACTION_IGNORE ? rd->body :
		    shortened(rd->body, REQUEST_CAP);
		if (!rule_may_match(r, ru, 1))
			return PCRE2_ERROR_NOMATCH;
		break;
	default:
		*t = capped(message_header(rd->m, f->header));
		break;
	}
	if (t->s == NULL || from > t->len)
		return PCRE2_ERROR_NOMATCH;	/* absent header: no match */
	t->from = from;
	/* a split rule's branches ask the prefilter each (match) */
	return match(r, ru, f->kind == FIELD_HEADER ? -1 :
	    f->kind == FIELD_BODY, t, so, eo);
}

/*
 * Whether the opt-in h, read by the rule at from of r->ord, comes with a
 * wish to stop something it does not touch ("please sign me up for the
 * newsletter again, but no more paper catalogues"): a rule after it
 * that stops a channel of none of h's flags, at other words than h's,
 * and not in a quotation the writer cites. Then *stop is that rule's
 * hit. Only the rules after it are asked: those before did not match.
 */
static int
opposed(const struct rules *r, size_t from, const struct reading *rd,
    const struct rule_hit *h, struct rule_hit *stop)
{
	const unsigned flags = action_flags(h->action);

	for (size_t k = from + 1; k < r->n; k++) {
		struct rule *ru = &r->v[r->ord[k]];

		if (action_flags(ru->action) == 0 ||
		    action_is_optin(ru->action) ||
		    (action_flags(ru->action) & flags) != 0 || !reads(ru, rd))
			continue;
		for (size_t j = 0; j < ru->nfields; j++) {
			const struct field *f = &ru->fields[j];
			PCRE2_SIZE so = 0, eo = 0;
			struct text t;

			if (f->kind == FIELD_HEADER ||
			    field_match(r, ru, f, rd, 0, &t, &so, &eo) < 0 ||
			    so > eo || eo > t.len)
				continue;
			if (scope_quoted(t.s, so) || (h->text != NULL &&
			    strcmp(h->where, f->where) == 0 &&
			    t.s + so < h->text + h->textlen && h->text < t.s + eo))
				continue;
			*stop = hit_of(ru);
			stop->where = f->where;
			stop->text = t.s + so;
			stop->textlen = eo - so;
			return 1;
		}
	}
	return 0;
}

/*
 * Whether the text between a and b (inside one text) ends a sentence: a
 * full stop, question or exclamation mark before white space or the
 * end, or a blank line.
 */
static int
sentence_ends(const char *a, const char *b)
{
	for (const char *p = a; p < b; p++) {
		if ((*p == '.' || *p == '!' || *p == '?') &&
		    (p + 1 == b || p[1] == ' ' || p[1] == '\n' ||
		    p[1] == '\r' || p[1] == '\t'))
			return 1;
		if (*p == '\n') {
			const char *q = p + 1;

			while (q < b && (*q == ' ' || *q == '\t' || *q == '\r'))
				q++;
			if (q < b && *q == '\n')
				return 1;
		}
	}
	return 0;
}

/*
 * Whether the opt-out h, read by the rule at from of r->ord, is one of
 * several stops the writer lists in one sentence ("no more e-mails, no
 * catalogues, and do not pass my address on"): the rules after it that
 * stop one other channel, in the same field and sentence, at other
 * words, not quoted nor told as the past. Then h's action becomes the
 * one for all the channels stopped, when there is one (e-mail and post:
 * marketing; all three: all); each stop beside it is traced.
 */
static int
widened(const struct rules *r, size_t from, const struct reading *rd,
    struct rule_hit *h, rules_trace_fn trace, void *arg)
{
	unsigned got = action_flags(h->action);
	enum action wide;

	if (action_is_optin(h->action) || got == 0 || got == FLAG_ALL ||
	    h->text == NULL)
		return 0;
	for (size_t k = from + 1; k < r->n && got != FLAG_ALL; k++) {
		struct rule *ru = &r->v[r->ord[k]];
		const unsigned f = action_flags(ru->action);

		/* one channel named: several, or none, were read above */
		if (f == 0 || (f & (f - 1)) != 0 || action_is_optin(ru->action) ||
		    (f & ~got) == 0 || !reads(ru, rd))
			continue;
		for (size_t j = 0; j < ru->nfields; j++) {
			const struct field *fd = &ru->fields[j];
			struct rule_hit it = hit_of(ru), no = { 0 };
			PCRE2_SIZE so = 0, eo = 0;
			struct text t;
			const char *a, *b;

			if (fd->kind == FIELD_HEADER ||
			    strcmp(h->where, fd->where) != 0 ||
			    field_match(r, ru, fd, rd, 0, &t, &so, &eo) < 0 ||
			    so > eo || eo > t.len ||
			    h->text < t.s || h->text > t.s + t.len)
				continue;
			if (scope_quoted(t.s, so) ||
			    (t.s + so < h->text + h->textlen &&
			    h->text < t.s + eo) ||
			    refuses(r, &t, so, eo, rd->written, &it, &no, NULL,
			    NULL))
				continue;
			/* the words between the two stops */
			a = t.s + so < h->text ? t.s + eo : h->text + h->textlen;
			b = t.s + so < h->text ? h->text : t.s + so;
			if (a < b && sentence_ends(a, b))
				continue;
			got |= f;
			if (trace) {
				it.where = fd->where;
				it.text = t.s + so;
				it.textlen = eo - so;
				trace(arg, &it, 1, NULL);
			}
			break;
		}
	}
	wide = got == FLAG_ALL ? ACTION_OPTOUT_ALL :
	    got == (FLAG_EMAIL | FLAG_POSTAL) ? ACTION_OPTOUT_MARKETING :
	    ACTION_NONE;
	if (wide == ACTION_NONE || wide == h->action)
		return 0;
	h->action = wide;
	return 1;
}

int
rules_classify(const struct rules *r, const struct message *m,
    struct rule_hit *hit, rules_trace_fn trace, void *arg)
{
	/* Subject and body are read by most rules: look them up once. */
	struct reading rd = { .m = m, .subject = capped(message_subject(m)),
	    .body = capped(message_body(m)),
	    .inherited = message_subject_inherited(m) };
	struct rules *rw = (struct rules *)r;	/* the match state only */
	PCRE2_UCHAR errbuf[256];
	unsigned counts[LANGID_MAX];

	/* an opt-in that is no wish of the writer's, kept in case nothing else matches */
	struct rule_hit refused = { .action = ACTION_IGNORE };

	rd.on = readers(r, &rd.subject, &rd.body, counts, &rd.written);
	order(rw, counts);
	rw->ready[0] = rw->ready[1] = 0;
	rw->sum_s[0] = rd.subject.s;
	rw->sum_len[0] = rd.subject.len;
	rw->sum_s[1] = rd.body.s;
	rw->sum_len[1] = rd.body.len;
	rw->over = 0;
	rw->ticks = 0;
	rw->deadline_ns = r->limit_ns ? cpu_ns() + r->limit_ns : 0;
	pcre2_set_callout(rw->mctx, keep_time, rw);
	for (size_t k = 0; k < r->n; k++) {
		struct rule *ru = &r->v[r->ord[k]];
		struct rule_hit h = hit_of(ru), stop, topic = { 0 };
		const char *error = NULL;
		int negated = 0, negated_before = 0;

		if (!reads(ru, &rd))
			continue;
		for (size_t j = 0; j < ru->nfields && h.where == NULL; j++) {
			const struct field *f = &ru->fields[j];
			struct text t;
			PCRE2_SIZE so = 0, eo = 0;
			size_t from = 0;
			int rc;

			/* a refused opt-in: the writer's own wish may come after it */
			while ((rc = field_match(r, ru, f, &rd, from, &t, &so,
			    &eo)) >= 0) {
				h.where = f->where;
				h.text = NULL;
				if (so <= eo && eo <= t.len) {
					h.text = t.s + so;
					h.textlen = eo - so;
				}
				if (trace)
					h.branch_line = which_branch(r, ru, &t);
				if (action_flags(ru->action) == 0 ||
				    h.text == NULL || !refuses(r, &t, so, eo,
				    rd.written, &h, &refused, trace, arg))
					break;
				negated = 1;
				h.where = NULL;
				if ((from = past(&t, so, eo)) == 0)
					break;	/* read to the end: its other fields */
			}
			if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
				pcre2_get_error_message(rc, errbuf, sizeof errbuf);
				error = (const char *)errbuf;
			}
			/*
			 * A subject names a topic ("Carta sobre reativação da
			 * subscrição"): an opt-in read there is read in the
			 * body too, which may refuse it.
			 */
			if (h.where != NULL && f->kind == FIELD_SUBJECT &&
			    action_is_optin(ru->action) && j + 1 < ru->nfields) {
				topic = h;
				negated_before = negated;
				h.where = NULL;
			}
		}
		/*
		 * The subject's opt-in stands unless the body refused it and
		 * wished none of it (a refusal there sets negated).
		 */
		if (topic.where != NULL &&
		    (h.where != NULL || negated == negated_before))
			h = topic;
		/* a rule that matched before the time ran out stands */
		if (r->over && h.where == NULL)
			break;
		/* an opt-in read below confirm-optins stands: a person confirms it */
		if (h.where && ru->confirm)
			h.action = ACTION_REVIEW;
		if (trace && !(negated && h.where == NULL))
			trace(arg, &h, h.where != NULL, h.where ? NULL : error);
		if (h.where == NULL)
			continue;
		/* an opt-in beside a stop of something else: a person sorts it out */
		if (action_is_optin(h.action) && opposed(r, k, &rd, &h, &stop)) {
			if (trace)
				trace(arg, &stop, 1, NULL);
			h.id = RULES_MIXED_ID;
			h.action = ACTION_REVIEW;
			h.branch_line = 0;
			if (trace)
				trace(arg, &h, 1, NULL);
		} else if (action_is_optin(h.action) && r->over)
			break;	/* not read to the end: a person reads it */
		else
			(void)widened(r, k, &rd, &h, trace, arg);
		h.reply_lang = reply_lang(r, counts, h.lang);
		*hit = h;
		return 1;
	}
	if (r->over) {
		/*
		 * What was not read to the end may hold a request: a person
		 * reads it. Nothing of the rule being tried is kept.
		 */
		const struct rule_hit late = { .id = RULES_TIME_LIMIT_ID,
		    .action = ACTION_REVIEW };

		*hit = late;
		if (trace)
			trace(arg, hit, 1, NULL);
		return 1;
	}
	if (refused.id != NULL) {
		*hit = refused;
		return 1;
	}
	return 0;
}
