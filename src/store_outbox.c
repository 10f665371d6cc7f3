/* store_outbox.c — the outbox's and the resellers' SQL: mail waiting to go out, claims on it, who represents a country. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_db.h"
#include "util.h"

/* Columns 0..12 of every mail query: see mail_row(). */
#define MAIL_SELECT							\
	"SELECT id, created, kind, coalesce(profile_id, 0), recipient,"	\
	"  message_id, message, state, attempts, next_try,"		\
	"  coalesce(sent_time, 0), last_error FROM outbox"

enum q {
	Q_ADD,
	Q_RECENT,
	Q_CLAIM,
	Q_CLAIMED,
	Q_EACH,
	Q_SENT,
	Q_RETRY,
	Q_RELEASE,
	Q_EXTEND,
	Q_RESELLER_CLEAR,
	Q_RESELLER_ADD,
	Q_RESELLER_FIND,
	Q_COUNT
};

static const struct sq queries[Q_COUNT] = {
	[Q_ADD] = { "queue outgoing mail",
	    "INSERT INTO outbox (created, kind, profile_id, recipient,"
	    "  message_id, message, next_try)"
	    " VALUES (?1, ?2, NULLIF(?3, 0), ?4, ?5, ?6, ?7)" },
	[Q_RECENT] = { "find recent mail",
	    "SELECT 1 FROM outbox WHERE profile_id = ?1 AND kind = ?2"
	    " AND created >= ?3 LIMIT 1" },
	/* the subquery and the UPDATE are one statement: nobody claims in between */
	[Q_CLAIM] = { "claim outgoing mail",
	    "UPDATE outbox SET claim = ?1, claim_until = ?2 WHERE id IN"
	    " (SELECT id FROM outbox WHERE state = 'pending'"
	    "  AND (?3 OR next_try <= ?4)"
	    "  AND (claim IS NULL OR claim_until <= ?4)"
	    "  AND id > ?5 ORDER BY id LIMIT ?6)" },
	[Q_CLAIMED] = { "list claimed mail",
	    MAIL_SELECT " WHERE claim = ?1 ORDER BY id" },
	[Q_EACH] = { "list outgoing mail", MAIL_SELECT " ORDER BY id" },
	[Q_SENT] = { "record mail sent",
	    "UPDATE outbox SET state = 'sent', attempts = attempts + 1,"
	    "  sent_time = ?3, last_error = NULL, claim = NULL,"
	    "  claim_until = NULL WHERE id = ?1 AND claim = ?2" },
	[Q_RETRY] = { "record mail not sent",
	    "UPDATE outbox SET attempts = attempts + 1, last_error = ?3,"
	    "  next_try = ?4, state = CASE WHEN ?5 THEN 'failed' ELSE state END,"
	    "  claim = NULL, claim_until = NULL WHERE id = ?1 AND claim = ?2" },
	[Q_RELEASE] = { "release claimed mail",
	    "UPDATE outbox SET claim = NULL, claim_until = NULL"
	    " WHERE claim = ?1" },
	[Q_EXTEND] = { "extend claim",
	    "UPDATE outbox SET claim_until = ?2 WHERE claim = ?1" },
	[Q_RESELLER_CLEAR] = { "clear resellers", "DELETE FROM reseller" },
	[Q_RESELLER_ADD] = { "add reseller",
	    "INSERT INTO reseller (country, name, email) VALUES (?1, ?2, ?3)" },
	[Q_RESELLER_FIND] = { "find reseller",
	    "SELECT country, name, email FROM reseller WHERE country = ?1" },
};

#define q_run(s, q, ...)	sq_run((s), &queries[q], __VA_ARGS__)
#define q_step(s, q, row)	sq_step((s), &queries[q], (row))
#define q_done(s, q)		sq_done((s), &queries[q])
#define STMT(s, q)		sq_stmt((s), &queries[q])

int
store_outbox_add(struct store *s, const struct outbox_mail *m, int64_t *id)
{
	int ret;

	if ((ret = sq_need_tx(s, queries[Q_ADD].what)) != 0 ||
	    (ret = q_run(s, Q_ADD, NULL, "lslssbl", m->created, m->kind,
	    m->profile_id, m->recipient, m->message_id, m->message, m->len,
	    m->next_try)) != 0)
		return ret;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int
store_outbox_recent(struct store *s, int64_t profile_id, const char *kind,
    int64_t since, int *found)
{
	int ret;

	ret = q_run(s, Q_RECENT, found, "lsl", profile_id, kind, since);
	q_done(s, Q_RECENT);
	return ret;
}

int
store_outbox_claim(struct store *s, const char *claim, int64_t now,
    int64_t until, int all, int64_t after, int limit, int *n)
{
	int ret;

	*n = 0;
	if ((ret = sq_need_tx(s, queries[Q_CLAIM].what)) != 0 ||
	    (ret = q_run(s, Q_CLAIM, NULL, "sliili", claim, until, all, now,
	    after, limit)) != 0)
		return ret;
	*n = sqlite3_changes(s->db);
	return 0;
}

/* The MAIL_SELECT row of st, borrowed from it. */
static void
mail_row(sqlite3_stmt *st, struct outbox_mail *m)
{
	m->id = sqlite3_column_int64(st, 0);
	m->created = sqlite3_column_int64(st, 1);
	m->kind = sq_text(st, 2);
	m->profile_id = sqlite3_column_int64(st, 3);
	m->recipient = sq_text(st, 4);
	m->message_id = sq_text(st, 5);
	m->message = sqlite3_column_blob(st, 6);
	m->len = (size_t)sqlite3_column_bytes(st, 6);
	m->state = sq_text(st, 7);
	m->attempts = sqlite3_column_int(st, 8);
	m->next_try = sqlite3_column_int64(st, 9);
	m->sent_time = sqlite3_column_int64(st, 10);
	m->last_error = sq_text(st, 11);
	if (m->message == NULL)
		m->message = "";
}

int
store_outbox_each(struct store *s, const char *claim,
    int (*fn)(const struct outbox_mail *, void *), void *arg)
{
	const enum q q = claim ? Q_CLAIMED : Q_EACH;
	struct outbox_mail m;
	int ret, row;

	for (ret = claim ? q_run(s, q, &row, "s", claim) : q_run(s, q, &row, "");
	    ret == 0 && row; ret = q_step(s, q, &row)) {
		mail_row(STMT(s, q), &m);
		if ((ret = fn(&m, arg)) != 0)
			break;
	}
	q_done(s, q);
	return ret;
}

int
store_outbox_sent(struct store *s, int64_t id, const char *claim, int64_t now)
{
	int ret;

	if ((ret = sq_need_tx(s, queries[Q_SENT].what)) != 0)
		return ret;
	return q_run(s, Q_SENT, NULL, "lsl", id, claim, now);
}

int
store_outbox_retry(struct store *s, int64_t id, const char *claim,
    const char *error, int64_t next_try, int give_up)
{
	int ret;

	if ((ret = sq_need_tx(s, queries[Q_RETRY].what)) != 0)
		return ret;
	return q_run(s, Q_RETRY, NULL, "lssli", id, claim, error, next_try,
	    give_up);
}

int
store_outbox_release(struct store *s, const char *claim)
{
	int ret;

	if ((ret = sq_need_tx(s, queries[Q_RELEASE].what)) != 0)
		return ret;
	return q_run(s, Q_RELEASE, NULL, "s", claim);
}

int
store_outbox_extend(struct store *s, const char *claim, int64_t until)
{
	int ret;

	if ((ret = sq_need_tx(s, queries[Q_EXTEND].what)) != 0)
		return ret;
	return q_run(s, Q_EXTEND, NULL, "sl", claim, until);
}

void
reseller_clear(struct reseller *r)
{
	free(r->country);
	free(r->name);
	free(r->email);
	memset(r, 0, sizeof *r);
}

int
store_reseller_clear(struct store *s)
{
	int ret;

	if ((ret = sq_need_tx(s, queries[Q_RESELLER_CLEAR].what)) != 0)
		return ret;
	return q_run(s, Q_RESELLER_CLEAR, NULL, "");
}

int
store_reseller_add(struct store *s, const struct reseller *r)
{
	int ret;

	if ((ret = sq_need_tx(s, queries[Q_RESELLER_ADD].what)) != 0)
		return ret;
	return q_run(s, Q_RESELLER_ADD, NULL, "sss", r->country, r->name,
	    r->email);
}

int
store_reseller_find(struct store *s, const char *country, struct reseller *r,
    int *found)
{
	sqlite3_stmt *st;
	int ret;

	memset(r, 0, sizeof *r);
	if ((ret = q_run(s, Q_RESELLER_FIND, found, "s", country)) == 0 &&
	    *found) {
		st = STMT(s, Q_RESELLER_FIND);
		r->country = xstrdup(sq_text(st, 0));
		r->name = xstrdup(sq_text(st, 1));
		r->email = xstrdup(sq_text(st, 2));
	}
	q_done(s, Q_RESELLER_FIND);
	return ret;
}
