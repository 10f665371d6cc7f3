/* store.h — the SQLite database: profiles, flag history, processed messages, the review queue. All SQL lives here. */
#ifndef MAILOPT_STORE_H
#define MAILOPT_STORE_H

#include <stddef.h>
#include <stdint.h>

struct store;

/*
 * Every int-returning function below returns 0 on success or an exit
 * code from sysexits.h, having printed "prog: what: why" already:
 * EX_TEMPFAIL when the database stayed busy past its timeout or the
 * disk is full (the caller must leave its message where it was),
 * EX_DATAERR for data the schema refuses, EX_IOERR/EX_SOFTWARE otherwise.
 */

/*
 * Open the database at path. With create, make a missing file (mode
 * 0600, its directory 0700 when missing), set WAL, and migrate the
 * schema to the current version (PRAGMA user_version, inside BEGIN
 * IMMEDIATE). Without create, a missing file or an old schema is
 * EX_CONFIG ("run mailopt init"). Caller owns *out (store_free).
 */
int	 store_open(const char *path, int create, struct store **out);
/* Accepts NULL; rolls back an open transaction. */
void	 store_free(struct store *s);
/* Schema version in the file. */
int	 store_version(struct store *s);
/* The schema version this program writes. */
int	 store_latest_version(void);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. rollback never fails loudly. */
int	 store_begin(struct store *s);
/* The same, without waiting or a word when the database is busy: 0 or -1. */
int	 store_try_begin(struct store *s);
int	 store_commit(struct store *s);
void	 store_rollback(struct store *s);
/*
 * For one large transaction (an import): a page cache of
 * STORE_BULK_CACHE_MB for this connection, so that the pages the
 * transaction changes stay in memory, not spilled to the WAL and read
 * back. Returns 0 or an exit code.
 */
#define STORE_BULK_CACHE_MB	64
int	 store_bulk(struct store *s);

/* A profile. Strings are owned by the struct: profile_clear frees them. */
struct profile {
	int64_t	 id;
	char	*email;		/* primary address, as imported */
	char	*other_emails;	/* further addresses, ';'-joined, "" if none */
	char	*name, *company, *phone, *address, *country, *products;
	unsigned flags;		/* FLAG_* bits set = allowed */
};
void	 profile_clear(struct profile *p);

/*
 * Find the profile owning address (primary or further, ASCII
 * case-insensitive). *found is 1 and *p filled (caller clears) or 0.
 */
int	 store_profile_find(struct store *s, const char *address,
	    struct profile *p, int *found);
/* Same by id. */
int	 store_profile_get(struct store *s, int64_t id, struct profile *p,
	    int *found);
/*
 * The keys a profile is found by as a candidate of a queued message
 * (candidates.c makes them). A profile whose addresses, name, company,
 * phone or postal address changed since its keys were made is stale:
 * store_keys_stale appends the ids of those, store_keys_find those of
 * the profiles with key, to ids (ids->v is the caller's to free), but
 * none when more than max share it. Both 0 or an error code. store_keys_set gives profile id the keys[0..n) (and
 * no others) and makes it fresh, inside the caller's transaction.
 */
struct ids {
	int64_t		*v;
	size_t		 n, cap;
};
int	 store_keys_stale(struct store *s, struct ids *ids);
/* Whether some profile is stale (*any 1) or none (0), without listing them. 0 or an error code. */
int	 store_keys_any_stale(struct store *s, int *any);
int	 store_keys_find(struct store *s, const char *key, size_t max,
	    struct ids *ids);
int	 store_keys_set(struct store *s, int64_t id, char *const *keys,
	    size_t n);

/* Why a flag changed: message and rule, or operator. Any may be NULL. */
struct why {
	const char	*message_id;
	const char	*rule;
	const char	*operator;
	const char	*reason;	/* the operator's words, or the import's file and line */
};

/*
 * Insert a profile, or update the one whose primary email matches
 * (case-insensitive): every field and the further addresses are
 * replaced by p's (merging is the caller's business). A flag that
 * changes gets a history row saying why. An address that belongs to
 * another profile is EX_DATAERR, and nothing of p is kept.
 * Must run inside a transaction.
 */
int	 store_profile_save(struct store *s, const struct profile *p,
	    const struct why *why);
/* The same with only an operator for why. */
int	 store_profile_put(struct store *s, const struct profile *p,
	    const char *who);
/*
 * *when gets the time flag (a flag index, see flag_name) of the profile
 * last changed, or, never changed, when the profile was made.
 */
int	 store_flag_changed(struct store *s, int64_t profile_id, int flag,
	    int64_t *when);
/* Call fn for every profile ordered by primary email; stop and return fn's nonzero. */
int	 store_profile_each(struct store *s,
	    int (*fn)(const struct profile *, void *), void *arg);

/*
 * Set every flag in mask to value (0/1) on the profile, appending one
 * history row per flag that actually changes. *changed gets the bits
 * that changed. Must run inside a transaction.
 */
int	 store_set_flags(struct store *s, int64_t profile_id, unsigned mask,
	    int value, const struct why *why, unsigned *changed);

struct history {
	int64_t		 id;
	const char	*flag;		/* column name */
	int		 old_value, new_value;
	int64_t		 time;		/* seconds since the epoch */
	const char	*message_id, *rule, *operator;	/* may be NULL */
	const char	*reason;	/* may be NULL */
};
/* Call fn for each history row of the profile, oldest first. */
int	 store_history_each(struct store *s, int64_t profile_id,
	    int (*fn)(const struct history *, void *), void *arg);

/* erasure */

/*
 * The form hashed suppression lists use: lower-case hex SHA-256 of
 * address lower-cased (ASCII), into out.
 */
void	 store_address_hash(const char *address, char out[65]);
/*
 * Erase profile p (its id and primary email are read): the hashes of
 * all its addresses are kept as erased, its flags go off (history
 * says why), its queued messages lose message, sender and subject,
 * its outgoing mail is deleted, and the profile stays as a tombstone
 * named "sha256:<hash of its primary address>" with no personal data,
 * which no lookup finds. *changed gets the flags that went off.
 * Must run inside a transaction.
 */
int	 store_profile_erase(struct store *s, const struct profile *p,
	    const struct why *why, unsigned *changed);
/* *found is 1, and *when the time, when address was erased. */
int	 store_erased_find(struct store *s, const char *address, int64_t *when,
	    int *found);
/* Call fn with every erased hash, in order; fn's nonzero stops and is returned. */
int	 store_erased_each(struct store *s, int (*fn)(const char *, void *),
	    void *arg);
/*
 * Drop message, sender and subject of queue entry id, an erasure
 * request being closed, unless it names a profile that is not erased:
 * then *live is 1 and nothing changes. In a transaction.
 */
int	 store_queue_forget(struct store *s, int64_t id, int *live);

/* outbox */

/*
 * One outgoing mail. Strings are borrowed: for store_outbox_add for
 * the call, for the _each callbacks for the callback's run.
 */
struct outbox_mail {
	int64_t		 id;
	int64_t		 created;	/* seconds since the epoch */
	const char	*kind;		/* "confirmation" or "notice" */
	int64_t		 profile_id;	/* 0 when none */
	const char	*recipient;	/* the one envelope recipient */
	const char	*message_id;	/* without brackets */
	const char	*message;	/* the whole message, LF line ends */
	size_t		 len;
	const char	*state;		/* "pending", "sent" or "failed" */
	int		 attempts;
	int64_t		 next_try;	/* not before then */
	int64_t		 sent_time;	/* 0 while not sent */
	const char	*last_error;	/* NULL when none */
};

/*
 * Add a pending mail (created, kind, profile_id, recipient,
 * message_id, message/len and next_try are read); *id gets its id
 * (may be NULL). Must run inside the transaction of the change that
 * causes it, so that both or neither are kept.
 */
int	 store_outbox_add(struct store *s, const struct outbox_mail *m,
	    int64_t *id);
/* *found is 1 when a mail of kind for the profile was made at or after since. */
int	 store_outbox_recent(struct store *s, int64_t profile_id,
	    const char *kind, int64_t since, int *found);
/*
 * Claim for a sender, under the name claim, up to limit pending mails
 * with an id above after, due at now (any, with all) and not claimed
 * by another sender whose claim lasts past now; the claim lasts until
 * `until`, so a sender that died gives its mails back then. *n gets
 * the number claimed. Two senders never hold the same mail. Must run
 * inside a transaction.
 */
int	 store_outbox_claim(struct store *s, const char *claim, int64_t now,
	    int64_t until, int all, int64_t after, int limit, int *n);
/*
 * Call fn for each mail claimed under claim, or for every mail when
 * claim is NULL, by id; stop and return fn's nonzero. fn may not
 * write to the store.
 */
int	 store_outbox_each(struct store *s, const char *claim,
	    int (*fn)(const struct outbox_mail *, void *), void *arg);
/* Mail id, claimed under claim, went out at now. In a transaction. */
int	 store_outbox_sent(struct store *s, int64_t id, const char *claim,
	    int64_t now);
/*
 * Mail id, claimed under claim, did not go out: count the attempt,
 * keep error, and try again at next_try, or, with give_up, mark it
 * failed for good. In a transaction.
 */
int	 store_outbox_retry(struct store *s, int64_t id, const char *claim,
	    const char *error, int64_t next_try, int give_up);
/* Give back what is still claimed under claim, untried. In a transaction. */
int	 store_outbox_release(struct store *s, const char *claim);
/* What is claimed under claim stays so until `until`. In a transaction. */
int	 store_outbox_extend(struct store *s, const char *claim, int64_t until);

/* The reseller representing the company in a country. */
struct reseller {
	char	*country;	/* ISO 3166 alpha-2, upper case */
	char	*name, *email;
};
void	 reseller_clear(struct reseller *r);
/*
 * Replace the list of resellers: drop every one, then add each; the
 * caller does both in one transaction. A country twice is EX_DATAERR.
 */
int	 store_reseller_clear(struct store *s);
int	 store_reseller_add(struct store *s, const struct reseller *r);
/* The reseller of country (ASCII case-insensitive): *found 1 and *r filled (caller clears), or 0. */
int	 store_reseller_find(struct store *s, const char *country,
	    struct reseller *r, int *found);

/*
 * Processed messages, for duplicate detection and for finishing an
 * interrupted sweep. key is "mid:<Message-ID>" or "sha256:<hex>".
 * file is the Maildir base name (before ':') that was processed, the
 * message's IMAP URL (RFC 5092, with UIDVALIDITY and UID), or NULL for
 * stdin. Strings in *out are owned by the caller (free).
 */
struct processed {
	char	*outcome;
	char	*file;
	char	*action, *rule, *profile;
};
void	 processed_clear(struct processed *p);
int	 store_processed_get(struct store *s, const char *key,
	    struct processed *out, int *found);
int	 store_processed_add(struct store *s, const char *key,
	    const char *message_id, const struct processed *p);

/*
 * An IMAP mailbox swept (mailbox: its URL without a message part).
 * The mark is the highest UID under uidvalidity up to which every
 * message was decided: a sweep fetches only the UIDs above it. 0 when
 * none. store_imap_mark_set raises it, inside a transaction.
 */
int	 store_imap_mark_get(struct store *s, const char *mailbox,
	    uint32_t uidvalidity, uint32_t *uid);
int	 store_imap_mark_set(struct store *s, const char *mailbox,
	    uint32_t uidvalidity, uint32_t uid);
/*
 * Moves owed: a message decided and committed is moved after the
 * commit; a move recorded with the decision (store_imap_move_add,
 * inside its transaction) survives a crash until store_imap_move_done.
 * folder is the name the setting gives ("" for none), seen whether
 * \Seen is set first. store_imap_move_each calls fn for each owed in
 * mailbox, oldest first, and stops at fn's nonzero; moves owed under
 * another uidvalidity are forgotten (their UIDs name nothing now) by
 * store_imap_move_forget.
 */
int	 store_imap_move_add(struct store *s, const char *mailbox,
	    uint32_t uidvalidity, uint32_t uid, const char *folder, int seen);
int	 store_imap_move_each(struct store *s, const char *mailbox,
	    uint32_t uidvalidity,
	    int (*fn)(uint32_t uid, const char *folder, int seen, void *arg),
	    void *arg);
int	 store_imap_move_done(struct store *s, const char *mailbox,
	    uint32_t uidvalidity, uint32_t uid);
int	 store_imap_move_forget(struct store *s, const char *mailbox,
	    uint32_t uidvalidity);

/*
 * Requests applied for a sender who owns no profile to profiles its
 * text named (sender: the From address, "" when none; any case).
 * store_sender_count sets *n to the distinct profiles it had changed
 * so since then and *named to 1 when profile_id is among them.
 * store_sender_add records one; inside a transaction.
 */
int	 store_sender_count(struct store *s, const char *sender, int64_t since,
	    int64_t profile_id, int *n, int *named);
int	 store_sender_add(struct store *s, const char *sender,
	    int64_t profile_id, int64_t time, const char *message_id);

/* A request waiting for an operator. Strings are borrowed for the call. */
struct queue_entry {
	int64_t		 id;
	int64_t		 received;	/* seconds since the epoch */
	const char	*message_id, *sender, *subject;
	const char	*action, *rule, *reason;
	int64_t		 profile_id;	/* 0 when none */
	const char	*raw;		/* the whole message */
	size_t		 rawlen;
};
/* Add an open entry; *id gets its id (may be NULL). In a transaction. */
int	 store_queue_add(struct store *s, const struct queue_entry *e,
	    int64_t *id);
/* Number of open entries. */
int	 store_queue_count(struct store *s, int64_t *n);

/* review queue */

enum queue_state {
	QUEUE_OPEN,
	QUEUE_ASSIGNED,		/* an operator applied it to a profile */
	QUEUE_DISMISSED		/* an operator decided it needs nothing */
};
/* "open", "assigned", "dismissed"; NULL when out of range. */
const char	*queue_state_name(enum queue_state st);

/*
 * A queue entry as the operator sees it. Strings are owned by the
 * struct (queue_item_clear frees them); any may be NULL.
 */
struct queue_item {
	int64_t		 id;
	int64_t		 received;	/* seconds since the epoch */
	char		*message_id, *sender, *subject;
	char		*action, *rule, *reason;
	char		*profile;	/* primary address of the profile found or assigned */
	enum queue_state state;
	int64_t		 handled_time;	/* 0 while open */
	char		*operator, *note;
	char		*raw;		/* the stored message; NULL once purged */
	size_t		 rawlen;
};
void	 queue_item_clear(struct queue_item *q);

/*
 * Call fn for every open entry, oldest first (received, then id), raw
 * message included; stop and return fn's nonzero. The item is valid
 * only during the call. fn may read the store but not write it.
 */
int	 store_queue_each(struct store *s,
	    int (*fn)(const struct queue_item *, void *), void *arg);
/* The entry id in any state. *found is 1 and *q filled (caller clears) or 0. */
int	 store_queue_get(struct store *s, int64_t id, struct queue_item *q,
	    int *found);
/*
 * Record an operator's decision on the open entry id: state (assigned
 * or dismissed), when (now), who, and note (may be NULL); the profile
 * owning address, when not NULL, becomes the entry's profile. The
 * entry is kept for good. An entry that is not open is EX_DATAERR, an
 * unknown one EX_NOINPUT, both said. Must run inside a transaction.
 */
int	 store_queue_close(struct store *s, int64_t id, enum queue_state state,
	    const char *address, const char *operator, const char *note);
/*
 * Drop the stored message of every handled entry handled before
 * `before` (seconds since the epoch); the entry and all history stay.
 * Freed pages are overwritten. *n gets the number of messages dropped.
 * Must run inside a transaction.
 */
int	 store_queue_purge(struct store *s, int64_t before, int64_t *n);

/* One address on a suppression list; borrowed for the call. */
struct suppressed {
	const char	*email;		/* the address not to use */
	const char	*profile;	/* its profile's primary address; NULL: not on file */
	const char	*name, *company, *address, *country;	/* NULL when not on file */
	const char	*hash;		/* for an erased address, email NULL: its SHA-256 */
};
/*
 * Call fn for every address that must not be contacted on the channel
 * of flag (one FLAG_* bit): each address, primary or further, of a
 * profile with that flag off, and the sender, when on no profile, of
 * an open queued opt-out covering that flag (it waits for an operator
 * but has been asked). Each address once, ordered by address
 * ignoring ASCII case. fn's nonzero stops and is returned.
 */
int	 store_suppression_each(struct store *s, unsigned flag,
	    int (*fn)(const struct suppressed *, void *), void *arg);

#endif
