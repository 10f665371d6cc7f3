/* store_imap.c — what an IMAP sweep must remember across runs and crashes: how far each mailbox was decided, and the moves still owed. */
#include "config.h"

#include <stdlib.h>

#include <sqlite3.h>

#include "store.h"
#include "store_db.h"
#include "util.h"

enum q {
	Q_MARK_GET,
	Q_MARK_SET,
	Q_MOVE_ADD,
	Q_MOVE_EACH,
	Q_MOVE_DONE,
	Q_MOVE_FORGET,
	Q_COUNT
};

static const struct sq queries[Q_COUNT] = {
	[Q_MARK_GET] = { "read imap mark",
	    "SELECT uid FROM imap_mark WHERE mailbox = ?1 AND uidvalidity = ?2" },
	/* a mark only rises: a sweep beside this one may have gone further */
	[Q_MARK_SET] = { "record imap mark",
	    "INSERT INTO imap_mark (mailbox, uidvalidity, uid) VALUES (?1, ?2, ?3)"
	    " ON CONFLICT (mailbox, uidvalidity) DO UPDATE"
	    "  SET uid = max(uid, excluded.uid)" },
	[Q_MOVE_ADD] = { "record imap move",
	    "INSERT OR REPLACE INTO imap_move (mailbox, uidvalidity, uid,"
	    "  folder, seen) VALUES (?1, ?2, ?3, ?4, ?5)" },
	[Q_MOVE_EACH] = { "list imap moves",
	    "SELECT uid, folder, seen FROM imap_move"
	    " WHERE mailbox = ?1 AND uidvalidity = ?2 ORDER BY uid" },
	[Q_MOVE_DONE] = { "forget imap move",
	    "DELETE FROM imap_move"
	    " WHERE mailbox = ?1 AND uidvalidity = ?2 AND uid = ?3" },
	[Q_MOVE_FORGET] = { "forget imap moves",
	    "DELETE FROM imap_move WHERE mailbox = ?1 AND uidvalidity != ?2" },
};

int
store_imap_mark_get(struct store *s, const char *mailbox, uint32_t uidvalidity,
    uint32_t *uid)
{
	int row = 0, ret;

	*uid = 0;
	ret = sq_run(s, &queries[Q_MARK_GET], &row, "sl", mailbox,
	    (int64_t)uidvalidity);
	if (ret == 0 && row)
		*uid = (uint32_t)sqlite3_column_int64(
		    sq_stmt(s, &queries[Q_MARK_GET]), 0);
	sq_done(s, &queries[Q_MARK_GET]);
	return ret;
}

int
store_imap_mark_set(struct store *s, const char *mailbox, uint32_t uidvalidity,
    uint32_t uid)
{
	int ret;

	if ((ret = sq_need_tx(s, queries[Q_MARK_SET].what)) != 0)
		return ret;
	return sq_run(s, &queries[Q_MARK_SET], NULL, "sll", mailbox,
	    (int64_t)uidvalidity, (int64_t)uid);
}

int
store_imap_move_add(struct store *s, const char *mailbox, uint32_t uidvalidity,
    uint32_t uid, const char *folder, int seen)
{
	int ret;

	if ((ret = sq_need_tx(s, queries[Q_MOVE_ADD].what)) != 0)
		return ret;
	return sq_run(s, &queries[Q_MOVE_ADD], NULL, "sllsi", mailbox,
	    (int64_t)uidvalidity, (int64_t)uid, folder, seen);
}

/*
 * The rows are read whole before fn runs: fn moves messages and marks
 * moves done, which would step this very query.
 */
struct owed {
	uint32_t	 uid;
	char		*folder;
	int		 seen;
};

int
store_imap_move_each(struct store *s, const char *mailbox,
    uint32_t uidvalidity,
    int (*fn)(uint32_t uid, const char *folder, int seen, void *arg),
    void *arg)
{
	const struct sq *q = &queries[Q_MOVE_EACH];
	struct owed *o = NULL;
	size_t n = 0, cap = 0, i;
	int row, ret;

	ret = sq_run(s, q, &row, "sl", mailbox, (int64_t)uidvalidity);
	while (ret == 0 && row) {
		sqlite3_stmt *st = sq_stmt(s, q);

		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			o = xrealloc(o, cap * sizeof *o);
		}
		o[n].uid = (uint32_t)sqlite3_column_int64(st, 0);
		o[n].folder = xstrdup(sq_text(st, 1));
		o[n++].seen = sqlite3_column_int(st, 2);
		ret = sq_step(s, q, &row);
	}
	sq_done(s, q);
	for (i = 0; ret == 0 && i < n; i++)
		ret = fn(o[i].uid, o[i].folder, o[i].seen, arg);
	for (i = 0; i < n; i++)
		free(o[i].folder);
	free(o);
	return ret;
}

int
store_imap_move_done(struct store *s, const char *mailbox,
    uint32_t uidvalidity, uint32_t uid)
{
	int ret;

	if ((ret = sq_need_tx(s, queries[Q_MOVE_DONE].what)) != 0)
		return ret;
	return sq_run(s, &queries[Q_MOVE_DONE], NULL, "sll", mailbox,
	    (int64_t)uidvalidity, (int64_t)uid);
}

int
store_imap_move_forget(struct store *s, const char *mailbox,
    uint32_t uidvalidity)
{
	int ret;

	if ((ret = sq_need_tx(s, queries[Q_MOVE_FORGET].what)) != 0)
		return ret;
	return sq_run(s, &queries[Q_MOVE_FORGET], NULL, "sl", mailbox,
	    (int64_t)uidvalidity);
}
