/* store_sender.c — what senders who own no profile had applied to profiles they named, to cap floods. */
#include "config.h"

#include <sqlite3.h>

#include "store.h"
#include "store_db.h"

enum q {
	Q_SENDER_COUNT,
	Q_SENDER_ADD,
	Q_COUNT
};

static const struct sq queries[Q_COUNT] = {
	[Q_SENDER_COUNT] = { "count sender's requests",
	    "SELECT count(DISTINCT profile_id),"
	    "  coalesce(max(profile_id = ?3), 0)"
	    " FROM sender_request WHERE sender = ?1 AND time > ?2" },
	[Q_SENDER_ADD] = { "record sender's request",
	    "INSERT INTO sender_request (sender, profile_id, time, message_id)"
	    " VALUES (?1, ?2, ?3, ?4)" },
};

int
store_sender_count(struct store *s, const char *sender, int64_t since,
    int64_t profile_id, int *n, int *named)
{
	int row = 0, ret;

	*n = *named = 0;
	ret = sq_run(s, &queries[Q_SENDER_COUNT], &row, "sll", sender, since,
	    profile_id);
	if (ret == 0 && row) {
		sqlite3_stmt *st = sq_stmt(s, &queries[Q_SENDER_COUNT]);

		*n = sqlite3_column_int(st, 0);
		*named = sqlite3_column_int(st, 1) != 0;
	}
	sq_done(s, &queries[Q_SENDER_COUNT]);
	return ret;
}

int
store_sender_add(struct store *s, const char *sender, int64_t profile_id,
    int64_t time, const char *message_id)
{
	int ret;

	if ((ret = sq_need_tx(s, queries[Q_SENDER_ADD].what)) != 0)
		return ret;
	return sq_run(s, &queries[Q_SENDER_ADD], NULL, "slls", sender,
	    profile_id, time, message_id);
}
