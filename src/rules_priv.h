/* rules_priv.h — the inside of struct rules, shared by its loader (rules_load.c) and its matcher (rules.c) only. */
#ifndef MAILOPT_RULES_PRIV_H
#define MAILOPT_RULES_PRIV_H

#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <pthread.h>

#include "action.h"
#include "langid.h"
#include "scope.h"
#include "strip.h"
#include "util.h"

struct prefilter;
struct prefilter_pool;
struct prefilter_gate;
struct langid;
struct textsum;

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

/*
 * A compiled pattern kept in the rules cache (rules_cache.c), PCRE2's
 * serialised form where it lies in the cache's bytes, with a sum of
 * them: decoded when first needed instead of compiled. len 0: none.
 */
struct kept_code {
	const unsigned char *bytes;
	size_t		 len;
	uint64_t	 sum;
	int		 summed;	/* the sum was seen to hold; set atomically */
};

/* One branch of a rule's pattern as written on one line. */
struct branch {
	int		 line;
	size_t		 off, len;	/* its text in the expanded pattern */
	/*
	 * The branch alone and what it needs (NULL: it always runs), when
	 * the rule is matched a branch at a time (struct rule's split).
	 */
	pcre2_code	*re;
	pcre2_code	*jre;		/* as struct rule's, for re */
	struct prefilter *need;
	unsigned	 tries;		/* likewise */
	unsigned	 uses;		/* likewise */
	struct kept_code kept;		/* re, kept in the cache */
};

struct rule {
	char		*id;
	enum action	 action;
	const char	*file;		/* owned by struct rules */
	const char	*lang;		/* the file's `lang`, NULL for none; likewise */
	int		 langno;	/* its index in struct rules' lang, -1 for none */
	/*
	 * Below an own-language-only line: read only mail its words say is
	 * in the file's language, whatever `anywhere` says; guards too.
	 */
	int		 own;
	/*
	 * An opt-in rule below a confirm-optins line: what it reads is
	 * checked as any opt-in (scope.h), then queued for a person to
	 * confirm (action review).
	 */
	int		 confirm;
	int		 line;
	struct field	*fields;
	size_t		 nfields;
	char		*pattern;	/* expanded, without slashes and flags */
	size_t		 patlen;
	/*
	 * From the cache: a sum of the pattern's text, checked when the
	 * text is first read (rules_cache_text): 0 unchecked, 1 good, -1 not.
	 */
	uint64_t	 patsum;
	int		 patcheck;
	uint32_t	 opts;		/* for pcre2_compile */
	struct branch	*branches;
	size_t		 nbranches;
	/*
	 * Compiled when first matched and JIT-compiled, as a copy, once
	 * hot; shared by the clones of the rules (rules_clone), so each
	 * is set once under struct rules' lock and read with acquire.
	 */
	pcre2_code	*re;
	/* the JIT's copy of re, NULL until made, re when none is */
	pcre2_code	*jre;
	struct kept_code kept;		/* re, kept in the cache */
	/*
	 * Matched a branch at a time, each with its own prefilter: one
	 * pattern of many branches tries them all at every place in the
	 * text, where each alone skips ahead to a place it can start.
	 * The leftmost match wins, at one place the earliest branch: the
	 * match of the whole pattern.
	 */
	int		 split;
	/* before a split rule's branches: whether any of them may match; NULL: ask them */
	struct prefilter_gate *gate;
	/* what a subject or body match needs; NULL: the rule always runs */
	struct prefilter *need;
	char		*need_why;	/* why need is NULL (subject/body rules) */
	/* places re was tried from, up to JIT-compiling it (rules.c), counted atomically */
	unsigned	 tries;
	/* matches from kept before re is kept decoded (rules.c), counted likewise */
	unsigned	 uses;
	/*
	 * A pattern of it did not compile when first matched: it never
	 * matches. Read and set under the lock, like patcheck and marked.
	 */
	int		 broken;
	/* the pattern with a mark per branch, made for `rules explain` only */
	pcre2_code	*marked;
};

struct rules {
	/*
	 * NULL, or the rules this is a clone of (rules_clone): it shares
	 * all but the match state below, and the lock that guards what a
	 * match compiles in the rules it shares.
	 */
	const struct rules *origin;
	pthread_mutex_t	*lock;
	/* the JIT code made for the patterns so far, in bytes, shared likewise */
	size_t		*jit_bytes;
	/* the patterns decoded from kept and kept so, in bytes, shared likewise */
	size_t		*decoded_bytes;
	struct rule	*v;
	size_t		 n, cap;
	char		**files;
	char		**langs;	/* the lang of files[i], NULL for none */
	size_t		 nfiles;
	/*
	 * The languages of the files (each once, a langid index), their
	 * common words, and which of them read mail in any language
	 * (`lang xx anywhere`) or have no words: those are never skipped.
	 */
	char		**lang;
	int		 nlang;
	struct langid	*words;
	/* the same words as a language byte, the word and a NUL each, for the cache */
	struct buf	 wordlist;
	unsigned long	 always;
	/* the quote- lines of every file, an alternation a kind, compiled into strip */
	struct buf	 quote[STRIP_KINDS];
	/*
	 * The negation, conjunction and reported lines of each language
	 * (an index of lang), an alternation a kind, compiled into scope
	 */
	struct buf	 scope_alt[LANGID_MAX][SCOPE_WORDS];
	/* the sets of literals of every rule's prefilter, each once */
	struct prefilter_pool *pool;
	int		 prefilter;
	int		 nojit;	/* never JIT-compile (MAILOPT_NO_JIT) */
	unsigned	 jit_after;	/* rules_set_jit_after */
	/*
	 * The rule files were seen to compile whole (rules_load's seen):
	 * each pattern is compiled when it is first matched, and most
	 * never are. Else all were compiled as they were read.
	 */
	int		 lazy;
	char		*seen;		/* the record that said so, when lazy */
	char		 identity[65];	/* of the files read (rules_identity) */
	/* loaded from the cache: its bytes, mapped, in which every rule's pattern lies */
	void		*kept;
	size_t		 keptlen;
	int		 kept_fd;	/* its file, open, or -1; shared by the clones */
	/* a pattern read from kept for one match (rules_cache_code_read); the clone's own */
	unsigned char	*scratch;
	size_t		 scratchcap;
	/* the CPU time the rules may spend on one message (0: no limit) */
	long long	 limit_ns;

	/*
	 * The match state: each clone has its own. Made once and used by
	 * every match, so rules_classify is not reentrant: one clone a
	 * thread.
	 */
	struct strip	*strip;
	struct scope	*scope;
	pcre2_match_context *mctx;
	pcre2_jit_stack	*jit;
	pcre2_match_data *md;
	/*
	 * The indexes of v in the order they read a message, n of them:
	 * the rules of no language first, then each language's, the one
	 * the message has most common words of first (rules_classify).
	 */
	size_t		*ord;
	/* the trigrams of a message's subject (0) and body (1), made when first wanted */
	struct textsum	*sum[2];
	int		 ready[2];
	/* the whole subject and body they are made of, read or not */
	const char	*sum_s[2];
	size_t		 sum_len[2];
	/*
	 * While rules_classify reads a message: when its time ends (of the
	 * thread's CPU clock), the callouts since the clock was last read,
	 * and whether the time ran out.
	 */
	long long	 deadline_ns;
	unsigned	 ticks;
	int		 over;
};

/*
 * pcre2_compile of a rule's pattern pat[0..len), or of a definition's,
 * with callout 1 put before it (after the (*…) settings that must open
 * it): the callout is called at each position a match is tried from,
 * and there rules_classify keeps to its time. *off is the offset of an
 * error in pat.
 */
pcre2_code	*rule_compile(const char *pat, size_t len, uint32_t opts,
		    int *err, size_t *off);

/*
 * The rules as loaded, kept in a file between runs (rules_cache.c).
 * rules_cache_key says what stat(2) tells of the program, the
 * directory dir and its rule files names[0..n), as a string the cache
 * must hold to be believed (caller frees), or NULL when that cannot be
 * told; *fresh is set when a file changed so lately that a cache of it
 * must not be written. rules_cache_read fills an empty rs (its pool
 * and words made, nothing else) from the file at path when that holds
 * key and is ours: 0, or -1 when it does not, after which rs is to be
 * freed. rules_cache_write writes rs, loaded and seen to compile whole,
 * to path, with every pattern compiled; a failure is silent and costs
 * the next load its time. rules_cache_code gives a pattern kept
 * compiled, or NULL when there is none or it is damaged (compile it).
 */
char		*rules_cache_key(const char *dir, char *const *names, int n,
		    int *fresh);
int		 rules_cache_read(const char *path, const char *key,
		    struct rules *rs);
void		 rules_cache_write(const char *path, const char *key,
		    const struct rules *rs);
pcre2_code	*rules_cache_code(const struct rules *rs,
		    struct kept_code *k);
/*
 * The same, for one match: read into rs's scratch, not through the
 * mapping, whose pages would have to be let go again each time.
 */
pcre2_code	*rules_cache_code_read(struct rules *rs, struct kept_code *k);
/*
 * Whether r's pattern text may be read: always when it was read from
 * the files; when it lies in the cache, when it still has the sum it
 * was written with (checked once). A damaged one is reported.
 */
int		 rules_cache_text(struct rule *r);

/* The compile options every rule has, before its flags. */
#define RULE_OPTS	(PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF)

#endif
