/* outbox.h — confirmations and reseller notices: queued with the change that causes them, sent after the commit. */
#ifndef MAILOPT_OUTBOX_H
#define MAILOPT_OUTBOX_H

struct conf;
struct message;
struct process_result;
struct profile;
struct store;
struct outbox;

/*
 * Outgoing mail is on when the from setting is: without a sender
 * there is nothing to write a confirmation from.
 */
int	 outbox_enabled(const struct conf *c);

/*
 * Parse the built-in templates and the overrides in the templates
 * setting, naming each problem on standard error. Returns how many
 * there were.
 */
int	 outbox_check_templates(const struct conf *c);

/* Borrows both for its life; templates are read on first use. Caller frees. */
struct outbox	*outbox_new(const struct conf *c, struct store *s);
/* Accepts NULL. */
void		 outbox_free(struct outbox *o);

/*
 * Queue what a request's result calls for, in the caller's
 * transaction: res is applied or unchanged for profile p (its flags
 * as they were before), m the request (may be NULL), operator who
 * decided (NULL for a rule).
 *  - a confirmation to p's primary address, never to the sender, in
 *    the language of res->lang (else of res->rule's id prefix) when
 *    there is a template for it; none in answer to an automatic
 *    message (RFC 3834: Auto-Submitted, Precedence bulk/junk/list,
 *    List-Id, List-Unsubscribe, a null Return-Path, a report), and
 *    after unchanged none when p had one in the past day;
 *  - when flags changed and p's country has a reseller, a notice to
 *    the reseller naming p and the change.
 * Returns 0, or an exit code having said why (EX_CONFIG: a template
 * or the from setting is unusable).
 */
int	 outbox_request(struct outbox *o, const struct message *m,
	    const struct profile *p, const struct process_result *res,
	    const char *operator);

/* What a flush did. */
struct outbox_stats {
	unsigned long	 sent;
	unsigned long	 deferred;	/* not sent, tried again after a back-off */
	unsigned long	 failed;	/* not sent, given up */
	unsigned long	 untried;	/* left pending when the transport failed */
	char		 error[256];	/* the last reason a mail was not sent */
};

/*
 * Send the pending mail that is due (all pending mail, with all),
 * each claimed first so that no concurrent flush sends it too, and
 * recorded sent as soon as the transport took it. A mail not taken
 * is tried again after an exponential back-off, and marked failed
 * after many tries. Nothing outside a flush is held: the store must
 * be in no transaction. Returns 0 when nothing due is left, or
 * EX_TEMPFAIL when some is, EX_CONFIG for unusable transport
 * settings, or a store error.
 */
int	 outbox_flush(const struct conf *c, struct store *s, int all,
	    struct outbox_stats *st);
/*
 * The flush at the end of sweep and deliver: a failure only says on
 * standard error that mail stays pending, it never fails the command.
 */
void	 outbox_flush_after(const struct conf *c, struct store *s);
/* Say on standard error what a flush left unsent, if anything. */
void	 outbox_warn(const struct outbox_stats *st);

#endif
