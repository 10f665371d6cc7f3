/* match.h — find the one profile a request speaks for. */
#ifndef MAILOPT_MATCH_H
#define MAILOPT_MATCH_H

#include "store.h"

struct message;
struct token;

enum match_how {
	MATCH_NONE = 0,
	MATCH_TOKEN,		/* a recipient address carries the profile's token */
	MATCH_FROM,		/* the From address is on file */
	MATCH_BODY		/* an address the sender wrote belongs to it */
};

/* The result; the caller owns it and releases it with match_clear. */
struct match {
	enum match_how	 how;
	struct profile	 profile;	/* filled when how != MATCH_NONE */
	int		 candidates;	/* distinct profiles the text named */
	/*
	 * MATCH_TOKEN only: From belongs to another profile than the
	 * token's, so the token proves nothing about who wrote.
	 */
	int		 token_other;
	char		*reason;	/* why none was found, NULL when found */
};

/*
 * In the SPEC's order: a valid token in a recipient address
 * (sales+TOKEN@, checked with tok; NULL: no tokens), the From address
 * (any of a profile's addresses), then addresses written in the
 * sender's own text when they belong to exactly one profile. Addresses
 * the message was sent to are never taken for the customer's.
 * A token counts only in the envelope recipient (Delivered-To,
 * X-Original-To) or To, never Cc, and only on one of our own domains:
 * domains lists them, separated by spaces or commas (NULL: none).
 * Returns 0 (found or not: see m->how) or a store error code.
 */
int	 match_find(struct store *s, const struct message *msg,
	    const struct token *tok, const char *domains, struct match *m);
/* 1 when the domain of addr is one of domains (as match_find takes them). */
int	 match_our_domain(const char *domains, const char *addr);
/* 1 when addr (ASCII case-insensitive) is one the message was sent to. */
int	 match_is_recipient(const struct message *msg, const char *addr);
void	 match_clear(struct match *m);

/*
 * Call fn for every e-mail address in text (lowercased, deduplicated
 * by the caller); stops when fn returns nonzero and returns that.
 * The words of an address are ASCII: local@domain.tld.
 */
int	 match_addresses(const char *text,
	    int (*fn)(const char *addr, void *arg), void *arg);

#endif
