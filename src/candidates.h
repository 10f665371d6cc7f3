/* candidates.h — the profiles a queued request may speak for, ranked, with the evidence for each. */
#ifndef MAILOPT_CANDIDATES_H
#define MAILOPT_CANDIDATES_H

#include <stddef.h>
#include <stdint.h>

struct message;
struct store;
struct candidates;

/* One ranked profile. Everything is owned by the list it came from. */
struct candidate {
	int64_t		 profile_id;
	const char	*email;		/* primary address */
	const char	*name;		/* may be "" */
	int		 score;		/* higher is likelier */
	const char *const *evidence;	/* why, one phrase each, strongest first */
	size_t		 nevidence;
};

/*
 * Weigh the profiles against what msg says about its sender: the
 * From address and the addresses in the text, the display name, and
 * names, phone numbers (compared as digits), companies, postal address
 * lines and address domains written in the text, signature included.
 * Keeps the profiles with any evidence, at most a handful, best first
 * (score, then primary address): the same message and profiles always
 * give the same list. Returns 0 and sets *out (caller owns it:
 * candidates_free), or a store error code.
 */
int	 candidates_find(struct store *s, const struct message *msg,
	    struct candidates **out);
/*
 * Make anew the keys (store_keys_set) of every profile changed since
 * its keys were made, inside the caller's transaction: candidates_find
 * then looks those profiles up by key, not one by one. Returns 0 or a
 * store error code.
 */
int	 candidates_refresh(struct store *s);
/* Accepts NULL. */
void	 candidates_free(struct candidates *c);
size_t	 candidates_count(const struct candidates *c);
/* The i-th best; NULL past the end. */
const struct candidate *candidates_get(const struct candidates *c, size_t i);

/*
 * Text folded for comparing names: ASCII lowercased, Latin-1 letters
 * without their accents, every run of other characters but letters
 * and digits one space, with a space at both ends (" anna becker ").
 * Caller frees.
 */
char	*candidates_fold(const char *s);

#endif
