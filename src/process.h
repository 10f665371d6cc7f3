/* process.h — one message through the pipeline: parse, classify, match, store; the outcome. */
#ifndef MAILOPT_PROCESS_H
#define MAILOPT_PROCESS_H

#include <stddef.h>

#include "action.h"

struct conf;
struct rules;
struct store;
struct processor;

/* What happened to one message. Strings are owned by it: process_result_clear. */
struct process_result {
	enum outcome	 outcome;
	enum action	 action;	/* ACTION_NONE when no rule fired */
	char		*rule;
	char		*lang;		/* the rule file's lang, NULL when unknown */
	char		*profile;	/* primary address of the profile found */
	char		*message_id;
	char		*reason;	/* why queued or ignored; NULL otherwise */
	unsigned	 changed;	/* FLAG_* bits that changed */
	unsigned	 old_flags, new_flags;
	int		 resumed;	/* this very file was committed by an earlier, interrupted run */
};
void	 process_result_clear(struct process_result *r);

/* Borrows all three for its life. Caller owns the result: processor_free. */
struct processor *processor_new(const struct conf *c, struct store *s,
		    const struct rules *r);
/* Accepts NULL. */
void	 processor_free(struct processor *p);

/*
 * Decide and record one message. buf/len is the message (at most
 * max_message_size bytes; oversize says the input was longer, which
 * makes it ignored). file is the Maildir base name, NULL for stdin.
 * Must run inside a store transaction, which the caller commits (or,
 * for a dry run, rolls back). Returns 0 with *res filled, or an exit
 * code (EX_TEMPFAIL: leave the message where it is).
 */
int	 processor_run(struct processor *p, const char *buf, size_t len,
	    int oversize, const char *file, struct process_result *res);

/*
 * Parse buf/len and read it with the rules alone, without a store:
 * processor_apply gives a message that is no request the outcome
 * ignored and touches no store for it, so deliver can answer it
 * without waiting for the database. res is filled as far as the rules
 * decide. Never fails; the caller owns the result (classified_free).
 */
struct classified;
struct classified *process_classify(const struct conf *c,
		    const struct rules *r, const char *buf, size_t len,
		    int oversize, struct process_result *res);
/* 1 when the rules read a request (an action other than ignore). */
int	 classified_is_request(const struct classified *cl);
/* Accepts NULL. */
void	 classified_free(struct classified *cl);
/*
 * processor_run for a message process_classify has read (with the
 * same buf/len and res), so that it is not parsed twice.
 */
int	 processor_apply(struct processor *p, const struct classified *cl,
	    const char *buf, size_t len, const char *file,
	    struct process_result *res);

/*
 * Apply a queued request, as an operator decided, to the profile that
 * owns email: raw/len is the stored message, action and rule what was
 * queued. The operator's word stands in for proof, so opt-ins apply.
 * Runs inside the caller's transaction. Returns 0 with *res filled,
 * EX_NOINPUT for an unknown profile, EX_DATAERR for an action that
 * changes no flag, or a store error.
 */
int	 processor_assign(struct processor *p, const char *raw, size_t len,
	    enum action action, const char *rule, const char *email,
	    const char *operator, struct process_result *res);

/* Append the result as one JSON object (no newline), file may be NULL. */
struct buf;
void	 process_result_json(const struct process_result *r, const char *file,
	    struct buf *out);

#endif
