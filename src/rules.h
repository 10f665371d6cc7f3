/* rules.h — rule files loaded into compiled PCRE2 patterns (rules_load.c), and classification of a message by them (rules.c). */
#ifndef MAILOPT_RULES_H
#define MAILOPT_RULES_H

#include <stdio.h>

#include "action.h"

struct message;
struct rules;

/*
 * Load every file ending in ".rules" in dir, in name order (strcmp),
 * rules in file order, as mailopt-rules(5) describes them: `define
 * NAME pattern` lines whose {NAME} later patterns of the same file
 * use, expanded as text; a `lang xx` line; a rule's pattern continued
 * on `| branch` lines. A broken line prints "prog: FILE:LINE: why"
 * (the line of the branch or definition at fault) and makes the load
 * fail: nothing is skipped.
 *
 * Checking every pattern means compiling it, most of the time a load
 * takes, while a message needs few of them. So seen, when not NULL, is
 * a file recording the identity (SHA-256 of the PCRE2 and mailopt
 * versions and of every file's name and bytes) of the last rule files
 * that compiled whole: when it names these files, and is ours and
 * writable by no one else, a pattern is compiled when first matched;
 * otherwise every pattern is compiled now and, if all compile, seen is
 * written. With whole set, or seen NULL, every pattern is compiled now
 * (`rules check`), and seen, if given, written when all compile.
 *
 * Returns 0 and sets *out (caller owns it, rules_free), or an exit
 * code: EX_DATAERR for a bad rule or a duplicate id, EX_NOINPUT when
 * dir cannot be read, EX_CONFIG when it holds no .rules file.
 */
int		 rules_load(const char *dir, const char *seen, int whole,
		    struct rules **out);
/*
 * A second matcher of r's rules, for another thread: it shares r's
 * patterns (each compiled, and JIT-compiled, once for all) and its
 * settings, and has a match state of its own, as rules_classify is not
 * reentrant. Clone before any thread classifies with r; r must outlive
 * its clones. Then r and its clones may classify at once, each in one
 * thread. Returns 0 and sets *out, or EX_TEMPFAIL when memory runs out
 * (said) or EX_DATAERR.
 */
int		 rules_clone(const struct rules *r, struct rules **out);
/* Accepts NULL. */
void		 rules_free(struct rules *r);
size_t		 rules_count(const struct rules *r);
/* 1 when r came from the rules cache beside the database, not from reading the files. */
int		 rules_cached(const struct rules *r);
/*
 * The identity of the files r was loaded from (a SHA-256 of the PCRE2
 * and mailopt versions and of every file's name and bytes, as hex):
 * two loads with the same identity read the same rules.
 */
const char	*rules_identity(const struct rules *r);

/*
 * The quote and forward markers of the rule files (their quote- lines),
 * for message_limits' strip; owned by r, NULL when r is NULL.
 */
struct strip;
struct strip	*rules_strip(const struct rules *r);

/* What fired. Pointers are owned by the rules and live until rules_free. */
struct rule_hit {
	const char	*id;
	enum action	 action;
	const char	*where;	/* the field that matched: "subject", "body", "header:List-Id" */
	const char	*file;	/* base name of the rule file */
	int		 line;
	const char	*lang;	/* the file's `lang` code, NULL when it has none */
	/* the language the writer is answered in (rules_reply_lang), as lang */
	const char	*reply_lang;
	/* On a match: what it matched, in the message's text (lives as long as the message). */
	const char	*text;
	size_t		 textlen;
	/* On a match and with a trace: the line of the branch that matched, else 0. */
	int		 branch_line;
};

/*
 * Called by rules_classify for each rule it tries, in order, with the
 * hit description (where is the matching field or NULL), whether it
 * matched, and an error text when a match hit its limits (then the rule
 * counts as not matching). For `rules explain`.
 */
typedef void (*rules_trace_fn)(void *arg, const struct rule_hit *rule,
    int matched, const char *error);

/*
 * Try the rules in order on m; the first match wins. Returns 1 and
 * fills *hit when a rule matched, 0 when none did. trace may be NULL.
 * Safe on any input: every match runs under match/heap limits and on
 * a length-capped subject, and all of them in the time limit: when it
 * runs out before a rule matched, *hit is RULES_TIME_LIMIT_ID, action
 * review, with no file, and 1 is returned.
 *
 * An opt-in that is no wish of the writer's, by the words of a
 * language the text may be written in (scope.h), is no match: one
 * whose clause holds a negation ("please do not sign me up again"), or
 * whose sentence reports another's question or offer ("you asked
 * whether I'd like to opt back in"). The rule reads on after it, as
 * the writer's own wish may follow ("..., yes, sign me up again"); then
 * the rules after it are tried, and when none matches, *hit is
 * RULES_REFUSAL_ID or RULES_REPORTED_ID,
 * action ignore, with the opt-in rule's file, line and field, its text
 * the clause or sentence read; 1 is returned. trace sees the opt-in
 * match, then the refusal.
 *
 * A request told as the writer's own past (scope_told: "I had asked you
 * not to pass my details on"; an opt-in, scope_refused: "when I signed
 * up I agreed that ...") is no match either: the rule reads on, then
 * the rules after it; when none matches, *hit is RULES_TOLD_ID, action
 * review, as a refusal's.
 *
 * An opt-in that stands, read by a rule below a confirm-optins line of
 * its file, is *hit with action review: a person confirms what the
 * rule's id says it read.
 *
 * An opt-in that stands beside a wish to stop something it does not
 * touch ("the newsletter again, please, but no more catalogues"): a
 * later opt-out rule whose flags are none of the opt-in's matches other
 * words, not in a quotation. Then *hit is RULES_MIXED_ID, action
 * review, with the opt-in rule's file, line, field and text, so that a
 * person sets both; trace sees the opt-in, the opt-out, then the
 * mixed hit. When the time runs out before that is known, *hit is
 * RULES_TIME_LIMIT_ID.
 */
#define RULES_REFUSAL_ID	"refusal"
#define RULES_REPORTED_ID	"reported"
#define RULES_MIXED_ID		"mixed"
#define RULES_TOLD_ID		"told"
int		 rules_classify(const struct rules *r, const struct message *m,
		    struct rule_hit *hit, rules_trace_fn trace, void *arg);

/*
 * The CPU time, in milliseconds, rules_classify may spend on one
 * message; 0 for none. The limit is reached only by text no person
 * writes to a company, most often many kilobytes with no sentence
 * ending; a message the rules could not read to the end goes to a
 * person. It is read from the clock of the calling thread, at the
 * positions matches are tried from.
 */
#define RULES_TIME_LIMIT_ID	"time-limit"
#define RULES_TIME_LIMIT_MS	5000	/* as loaded */
void		 rules_set_time_limit(struct rules *r, unsigned ms);

/*
 * The languages of the rule files as rules_classify sees m: each with
 * the count of its common words (`words`) in subject and body, and
 * whether its requests (rules other than ignore) are skipped because
 * the text is plainly in other languages: "en 12, de 0 (its requests
 * skipped)". Appended to out.
 */
struct buf;
void		 rules_languages(const struct rules *r, const struct message *m,
		    struct buf *out);

/*
 * Rules run only when a literal that every match of theirs contains
 * may occur in the subject or body (header rules always run). That
 * never changes a result, only the time taken; on = 0 turns the check
 * off, so tests and benchmarks can compare. It is on after rules_load.
 */
void		 rules_set_prefilter(struct rules *r, int on);

/*
 * A pattern is JIT-compiled once the interpreter has tried it from this
 * many places in the texts it was given: JIT code costs more to make
 * than many interpreted runs on a short text, and takes kilobytes to
 * hundreds of them a pattern, while most patterns are tried on few
 * messages, or from few places of theirs, and `deliver` reads just
 * one. The JIT code of all patterns together has a budget; past it
 * they are interpreted. Tests set a lower threshold, before cloning.
 */
#define RULES_JIT_AFTER	5000u
void		 rules_set_jit_after(struct rules *r, unsigned tries);

/*
 * Write every rule as it was understood, one a line, tab-separated:
 * file:line, lang ("-" for none), id, action, where, and the pattern
 * with every {NAME} expanded and its branches joined, as /pattern/flags.
 */
void		 rules_show(const struct rules *r, FILE *fp);

/* The lang of the file that holds rule id; NULL when it has none or there is no such rule. */
const char	*rules_lang(const struct rules *r, const char *id);
/*
 * The language a request of m read by rule id is answered in: the
 * lang of id's file, unless the text has none of that language's
 * common words (`words`) and more of one other language's than of any
 * third: a text too short to be plainly in any language is read by
 * every file, and the first file to read it is no sign of the writer's
 * language ("stop emailing me" read by a German rule is answered in
 * English). NULL as rules_lang.
 */
const char	*rules_reply_lang(const struct rules *r, const struct message *m,
		    const char *id);

/*
 * Call fn for each subject or body rule that the prefilter cannot
 * spare, with why: starting "cannot read" when the pattern uses syntax
 * the prefilter does not know (it then runs on every message), "no
 * literal" when it needs no word the prefilter could look for. Returns
 * how many said "cannot read".
 */
typedef void (*rules_note_fn)(void *arg, const char *file, int line,
    const char *id, const char *why);
size_t		 rules_unfiltered(const struct rules *r, rules_note_fn fn,
		    void *arg);

#endif
