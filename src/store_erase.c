/* store_erase.c — erasing a profile: its personal data and stored mail go, the hashes of its addresses stay suppressed. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <sqlite3.h>

#include "action.h"
#include "store.h"
#include "store_db.h"
#include "util.h"

/* col is one of profile ?1's addresses, in any case (address.email is NOCASE and on the left). */
#define OWNS(col) \
	"EXISTS (SELECT 1 FROM address a WHERE a.profile_id = ?1 AND a.email = " col ")"

enum q {
	Q_SECURE_DELETE,
	Q_ADDRESSES,
	Q_HASH_ADD,
	Q_QUEUE,
	Q_OUTBOX,
	Q_PROCESSED,
	Q_ADDR_DROP,
	Q_TOMBSTONE,
	Q_FIND,
	Q_EACH,
	Q_ENTRY,
	Q_FORGET,
	Q_COUNT
};

static const struct sq queries[Q_COUNT] = {
	/* What is deleted must not linger in free pages. */
	[Q_SECURE_DELETE] = { "erase profile", "PRAGMA secure_delete = ON" },
	[Q_ADDRESSES] = { "erase profile",
	    "SELECT email FROM address WHERE profile_id = ?1" },
	[Q_HASH_ADD] = { "erase profile",
	    "INSERT OR IGNORE INTO erased (hash, profile_id, time)"
	    " VALUES (?1, ?2, ?3)" },
	/*
	 * Its requests stay as entries, for the record and for the
	 * operator to close, but without the message, sender or subject;
	 * an entry from one of its addresses becomes its entry.
	 */
	[Q_QUEUE] = { "erase queued messages",
	    "UPDATE queue SET profile_id = ?1, raw = NULL, sender = NULL,"
	    "  subject = NULL WHERE profile_id = ?1 OR " OWNS("queue.sender") },
	[Q_OUTBOX] = { "erase outgoing mail",
	    "DELETE FROM outbox WHERE profile_id = ?1 OR " OWNS("outbox.recipient") },
	[Q_PROCESSED] = { "erase processed messages",
	    "UPDATE processed SET profile = ?2 WHERE " OWNS("processed.profile") },
	[Q_ADDR_DROP] = { "erase addresses",
	    "DELETE FROM address WHERE profile_id = ?1" },
	[Q_TOMBSTONE] = { "erase profile",
	    "UPDATE profile SET email = ?2, name = NULL, company = NULL,"
	    "  phone = NULL, address = NULL, country = NULL, products = NULL,"
	    "  updated = ?3, erased = ?3 WHERE id = ?1 AND erased IS NULL" },
	[Q_FIND] = { "find erased address",
	    "SELECT time FROM erased WHERE hash = ?1" },
	[Q_EACH] = { "list erased addresses",
	    "SELECT hash FROM erased ORDER BY hash" },
	[Q_ENTRY] = { "get queue entry",
	    "SELECT p.id, p.erased FROM queue q"
	    " LEFT JOIN profile p ON p.id = q.profile_id WHERE q.id = ?1" },
	[Q_FORGET] = { "erase queued message",
	    "UPDATE queue SET raw = NULL, sender = NULL, subject = NULL"
	    " WHERE id = ?1" },
};

#define q_run(s, q, ...)	sq_run((s), &queries[q], __VA_ARGS__)
#define q_step(s, q, row)	sq_step((s), &queries[q], (row))
#define q_done(s, q)		sq_done((s), &queries[q])
#define STMT(s, q)		sq_stmt((s), &queries[q])

void
store_address_hash(const char *address, char out[65])
{
	char *lower = ascii_lower(xstrdup(address));

	sha256_hex(lower, strlen(lower), out);
	free(lower);
}

int
store_erased_find(struct store *s, const char *address, int64_t *when,
    int *found)
{
	char hex[65];
	int ret;

	*when = 0;
	store_address_hash(address, hex);
	if ((ret = q_run(s, Q_FIND, found, "s", hex)) == 0 && *found)
		*when = sqlite3_column_int64(STMT(s, Q_FIND), 0);
	q_done(s, Q_FIND);
	return ret;
}

int
store_erased_each(struct store *s, int (*fn)(const char *, void *), void *arg)
{
	int ret, row;

	for (ret = q_run(s, Q_EACH, &row, ""); ret == 0 && row;
	    ret = q_step(s, Q_EACH, &row))
		if ((ret = fn(sq_text(STMT(s, Q_EACH), 0), arg)) != 0)
			break;
	q_done(s, Q_EACH);
	return ret;
}

/* The hashes of every address of profile id, recorded as erased at now. */
static int
hashes_add(struct store *s, int64_t id, int64_t now)
{
	struct buf list = { 0 };
	char hex[65];
	const char *a;
	int ret, row;

	/* copied out first: the inserts must not run under an open read of address */
	for (ret = q_run(s, Q_ADDRESSES, &row, "l", id); ret == 0 && row;
	    ret = q_step(s, Q_ADDRESSES, &row)) {
		a = sq_text(STMT(s, Q_ADDRESSES), 0);
		buf_add(&list, a, strlen(a) + 1);
	}
	q_done(s, Q_ADDRESSES);
	for (size_t off = 0; ret == 0 && off < list.len; off += strlen(a) + 1) {
		a = list.s + off;
		store_address_hash(a, hex);
		ret = q_run(s, Q_HASH_ADD, NULL, "sll", hex, id, now);
	}
	buf_free(&list);
	return ret;
}

int
store_profile_erase(struct store *s, const struct profile *p,
    const struct why *why, unsigned *changed)
{
	const int64_t now = mo_now();
	char hex[65], *tomb = NULL;
	int ret;

	*changed = 0;
	store_address_hash(p->email, hex);
	tomb = xasprintf("sha256:%s", hex);
	if ((ret = sq_need_tx(s, "erase profile")) != 0 ||
	    (ret = q_run(s, Q_SECURE_DELETE, NULL, "")) != 0 ||
	    (ret = hashes_add(s, p->id, now)) != 0 ||
	    (ret = store_set_flags(s, p->id, FLAG_ALL, 0, why, changed)) != 0 ||
	    (ret = q_run(s, Q_QUEUE, NULL, "l", p->id)) != 0 ||
	    (ret = q_run(s, Q_OUTBOX, NULL, "l", p->id)) != 0 ||
	    (ret = q_run(s, Q_PROCESSED, NULL, "ls", p->id, tomb)) != 0 ||
	    (ret = q_run(s, Q_ADDR_DROP, NULL, "l", p->id)) != 0)
		goto out;
	ret = q_run(s, Q_TOMBSTONE, NULL, "lsl", p->id, tomb, now);
out:
	free(tomb);
	return ret;
}

int
store_queue_forget(struct store *s, int64_t id, int *live)
{
	sqlite3_stmt *st;
	int ret, row;

	*live = 0;
	if ((ret = sq_need_tx(s, "erase queued message")) != 0 ||
	    (ret = q_run(s, Q_ENTRY, &row, "l", id)) != 0)
		return ret;
	st = STMT(s, Q_ENTRY);
	*live = row && sqlite3_column_type(st, 0) != SQLITE_NULL &&
	    sqlite3_column_type(st, 1) == SQLITE_NULL;
	q_done(s, Q_ENTRY);
	if (*live || !row)
		return 0;
	if ((ret = q_run(s, Q_SECURE_DELETE, NULL, "")) != 0)
		return ret;
	return q_run(s, Q_FORGET, NULL, "l", id);
}
