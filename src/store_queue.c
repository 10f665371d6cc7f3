/* store_queue.c — the review queue as operators work it, and the suppression lists marketing loads. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <sqlite3.h>

#include "action.h"
#include "store.h"
#include "store_db.h"
#include "util.h"

/*
 * The flag columns as one number, so that a query tests any flag with a
 * bound mask. SQLite gives << and | the same precedence: hence the parentheses.
 */
#define FLAG_BITS \
	"(p.marketing_email | (p.marketing_postal << 1) | (p.third_party << 2))"
_Static_assert(FLAG_EMAIL == 1 && FLAG_POSTAL == 2 && FLAG_THIRDPARTY == 4,
    "FLAG_BITS shifts each column to its FLAG_* bit");

/* Columns 0..13 of every entry query: see item_row(). */
#define ITEM_SELECT							\
	"SELECT q.id, q.received, q.message_id, q.sender, q.subject,"	\
	"  q.action, q.rule, q.reason, p.email, q.state,"		\
	"  coalesce(q.handled_time, 0), q.operator, q.note, q.raw"	\
	" FROM queue q LEFT JOIN profile p ON p.id = q.profile_id"

enum q {
	Q_EACH,
	Q_GET,
	Q_STATE,
	Q_CLOSE,
	Q_SECURE_DELETE,
	Q_PURGE,
	Q_SUPPRESSION,
	Q_COUNT
};

static const struct sq queries[Q_COUNT] = {
	[Q_EACH] = { "list queue",
	    ITEM_SELECT " WHERE q.state = 'open' ORDER BY q.received, q.id" },
	[Q_GET] = { "get queue entry", ITEM_SELECT " WHERE q.id = ?1" },
	[Q_STATE] = { "get queue entry",
	    "SELECT state FROM queue WHERE id = ?1" },
	[Q_CLOSE] = { "close queue entry",
	    "UPDATE queue SET state = ?2, handled_time = ?3, operator = ?4,"
	    "  note = ?5, profile_id = coalesce("
	    "    (SELECT profile_id FROM address WHERE email = ?6), profile_id)"
	    " WHERE id = ?1 AND state = 'open'" },
	/* A purge is for privacy: the dropped text must not linger in free pages. */
	[Q_SECURE_DELETE] = { "purge", "PRAGMA secure_delete = ON" },
	[Q_PURGE] = { "purge",
	    "UPDATE queue SET raw = NULL WHERE state <> 'open'"
	    " AND raw IS NOT NULL AND handled_time < ?1" },
	/*
	 * ?1 is the channel's flag bit; ?2 the opt-out actions covering it,
	 * each between spaces. Profile addresses and waiting senders never
	 * overlap: a sender on file is left to its profile's flags.
	 */
	[Q_SUPPRESSION] = { "list suppressed addresses",
	    "SELECT a.email, p.email, p.name, p.company, p.address, p.country"
	    " FROM address a JOIN profile p ON p.id = a.profile_id"
	    " WHERE (" FLAG_BITS " & ?1) = 0"
	    " UNION ALL"
	    " SELECT min(q.sender), NULL, NULL, NULL, NULL, NULL FROM queue q"
	    " WHERE q.state = 'open' AND q.sender IS NOT NULL"
	    "  AND instr(?2, ' ' || q.action || ' ') > 0"
	    "  AND NOT EXISTS (SELECT 1 FROM address x WHERE x.email = q.sender)"
	    " GROUP BY lower(q.sender)"
	    " ORDER BY 1 COLLATE NOCASE, 1" },
};

#define q_run(s, q, ...)	sq_run((s), &queries[q], __VA_ARGS__)
#define q_step(s, q, row)	sq_step((s), &queries[q], (row))
#define q_done(s, q)		sq_done((s), &queries[q])
#define STMT(s, q)		sq_stmt((s), &queries[q])

static const char *const states[] = {
	[QUEUE_OPEN] = "open",
	[QUEUE_ASSIGNED] = "assigned",
	[QUEUE_DISMISSED] = "dismissed",
};

const char *
queue_state_name(enum queue_state st)
{
	return (unsigned)st < sizeof states / sizeof states[0] ? states[st] : NULL;
}

/* A state the schema holds; an unknown one reads as handled, never as open. */
static enum queue_state
state_parse(const char *name)
{
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
		if (name != NULL && strcmp(states[i], name) == 0)
			return (enum queue_state)i;
	return QUEUE_DISMISSED;
}

void
queue_item_clear(struct queue_item *q)
{
	free(q->message_id);
	free(q->sender);
	free(q->subject);
	free(q->action);
	free(q->rule);
	free(q->reason);
	free(q->profile);
	free(q->operator);
	free(q->note);
	free(q->raw);
	memset(q, 0, sizeof *q);
}

/* Copy the ITEM_SELECT row of st into *q. */
static void
item_row(sqlite3_stmt *st, struct queue_item *q)
{
	const void *raw;

	memset(q, 0, sizeof *q);
	q->id = sqlite3_column_int64(st, 0);
	q->received = sqlite3_column_int64(st, 1);
	q->message_id = xstrdup(sq_text(st, 2));
	q->sender = xstrdup(sq_text(st, 3));
	q->subject = xstrdup(sq_text(st, 4));
	q->action = xstrdup(sq_text(st, 5));
	q->rule = xstrdup(sq_text(st, 6));
	q->reason = xstrdup(sq_text(st, 7));
	q->profile = xstrdup(sq_text(st, 8));
	q->state = state_parse(sq_text(st, 9));
	q->handled_time = sqlite3_column_int64(st, 10);
	q->operator = xstrdup(sq_text(st, 11));
	q->note = xstrdup(sq_text(st, 12));
	if ((raw = sqlite3_column_blob(st, 13)) != NULL) {
		q->rawlen = (size_t)sqlite3_column_bytes(st, 13);
		q->raw = xstrndup(raw, q->rawlen);
	}
}

int
store_queue_each(struct store *s, int (*fn)(const struct queue_item *, void *),
    void *arg)
{
	struct queue_item q;
	int ret, row;

	for (ret = q_run(s, Q_EACH, &row, ""); ret == 0 && row;
	    ret = q_step(s, Q_EACH, &row)) {
		item_row(STMT(s, Q_EACH), &q);
		ret = fn(&q, arg);
		queue_item_clear(&q);
		if (ret != 0)
			break;
	}
	q_done(s, Q_EACH);
	return ret;
}

int
store_queue_get(struct store *s, int64_t id, struct queue_item *q, int *found)
{
	int ret;

	if ((ret = q_run(s, Q_GET, found, "l", id)) == 0 && *found)
		item_row(STMT(s, Q_GET), q);
	q_done(s, Q_GET);
	return ret;
}

int
store_queue_close(struct store *s, int64_t id, enum queue_state state,
    const char *address, const char *operator, const char *note)
{
	char *was = NULL;
	int ret, found;

	if ((ret = sq_need_tx(s, "close queue entry")) != 0 ||
	    (ret = q_run(s, Q_STATE, &found, "l", id)) != 0)
		goto out;
	if (found)
		was = xstrdup(sq_text(STMT(s, Q_STATE), 0));
	q_done(s, Q_STATE);
	if (!found) {
		mo_warn("queue entry %lld: no such entry", (long long)id);
		ret = EX_NOINPUT;
	} else if (state_parse(was) != QUEUE_OPEN) {
		mo_warn("queue entry %lld: already %s", (long long)id, was);
		ret = EX_DATAERR;
	} else if (state == QUEUE_OPEN || queue_state_name(state) == NULL) {
		mo_warn("queue entry %lld: cannot be closed as %s",
		    (long long)id, queue_state_name(state) ?
		    queue_state_name(state) : "nothing");
		ret = EX_SOFTWARE;
	} else
		ret = q_run(s, Q_CLOSE, NULL, "lslsss", id,
		    queue_state_name(state), (int64_t)mo_now(), operator, note,
		    address);
out:
	free(was);
	return ret;
}

int
store_queue_purge(struct store *s, int64_t before, int64_t *n)
{
	int ret;

	*n = 0;
	if ((ret = sq_need_tx(s, "purge")) != 0 ||
	    (ret = q_run(s, Q_SECURE_DELETE, NULL, "")) != 0 ||
	    (ret = q_run(s, Q_PURGE, NULL, "l", before)) != 0)
		return ret;
	*n = sqlite3_changes(s->db);
	return 0;
}

/* " optout-all optout-marketing ... ": the opt-outs that turn flag off. */
static char *
optouts_of(unsigned flag)
{
	struct buf b = { 0 };

	buf_addc(&b, ' ');
	for (enum action a = ACTION_NONE + 1; action_name(a) != NULL; a++)
		if (!action_value(a) && (action_flags(a) & flag))
			buf_printf(&b, "%s ", action_name(a));
	return buf_steal(&b);
}

int
store_suppression_each(struct store *s, unsigned flag,
    int (*fn)(const struct suppressed *, void *), void *arg)
{
	sqlite3_stmt *st;
	struct suppressed x;
	char *actions = optouts_of(flag);
	int ret, row;

	for (ret = q_run(s, Q_SUPPRESSION, &row, "is", (int)flag, actions);
	    ret == 0 && row; ret = q_step(s, Q_SUPPRESSION, &row)) {
		st = STMT(s, Q_SUPPRESSION);
		x.email = sq_text(st, 0);
		x.profile = sq_text(st, 1);
		x.name = sq_text(st, 2);
		x.company = sq_text(st, 3);
		x.address = sq_text(st, 4);
		x.country = sq_text(st, 5);
		x.hash = NULL;
		if ((ret = fn(&x, arg)) != 0)
			break;
	}
	q_done(s, Q_SUPPRESSION);
	free(actions);
	return ret;
}
