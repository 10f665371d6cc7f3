/* rules.h — rule files loaded into compiled PCRE2 patterns, and classification of a message by them. */
#ifndef MAILOPT_RULES_H
#define MAILOPT_RULES_H

#include "action.h"

struct message;
struct rules;

/*
 * Load every file ending in ".rules" in dir, in name order (strcmp),
 * rules in file order. A broken line prints "prog: FILE:LINE: why"
 * and makes the load fail: nothing is skipped.
 * Returns 0 and sets *out (caller owns it, rules_free), or an exit
 * code: EX_DATAERR for a bad rule or a duplicate id, EX_NOINPUT when
 * dir cannot be read, EX_CONFIG when it holds no .rules file.
 */
int		 rules_load(const char *dir, struct rules **out);
/* Accepts NULL. */
void		 rules_free(struct rules *r);
size_t		 rules_count(const struct rules *r);

/* What fired. Pointers are owned by the rules and live until rules_free. */
struct rule_hit {
	const char	*id;
	enum action	 action;
	const char	*where;	/* the field that matched: "subject", "body", "header:List-Id" */
	const char	*file;	/* base name of the rule file */
	int		 line;
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
 * a length-capped subject.
 */
int		 rules_classify(const struct rules *r, const struct message *m,
		    struct rule_hit *hit, rules_trace_fn trace, void *arg);

/*
 * Rules run only when a literal that every match of theirs contains
 * may occur in the subject or body (header rules always run). That
 * never changes a result, only the time taken; on = 0 turns the check
 * off, so tests and benchmarks can compare. It is on after rules_load.
 */
void		 rules_set_prefilter(struct rules *r, int on);

#endif
