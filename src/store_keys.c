/* store_keys.c — the keys a profile is found by as a candidate, and which profiles changed since theirs were made. */
#include "config.h"

#include <stdlib.h>

#include <sqlite3.h>

#include "store.h"
#include "store_db.h"
#include "util.h"

enum q {
	Q_STALE_EACH,
	Q_STALE_ANY,
	Q_STALE_DROP,
	Q_KEYS_DROP,
	Q_KEY_ADD,
	Q_KEY_FIND,
	Q_COUNT
};

static const struct sq queries[Q_COUNT] = {
	[Q_STALE_EACH] = { "list stale profiles",
	    "SELECT profile_id FROM profile_stale ORDER BY profile_id" },
	[Q_STALE_ANY] = { "list stale profiles",
	    "SELECT EXISTS (SELECT 1 FROM profile_stale)" },
	[Q_STALE_DROP] = { "save profile keys",
	    "DELETE FROM profile_stale WHERE profile_id = ?1" },
	[Q_KEYS_DROP] = { "save profile keys",
	    "DELETE FROM profile_key WHERE profile_id = ?1" },
	[Q_KEY_ADD] = { "save profile keys",
	    "INSERT OR IGNORE INTO profile_key (key, profile_id) VALUES (?1, ?2)" },
	[Q_KEY_FIND] = { "find profiles by key",
	    "SELECT profile_id FROM profile_key WHERE key = ?1 LIMIT ?2" },
};

#define q_run(s, q, ...)	sq_run((s), &queries[q], __VA_ARGS__)
#define q_step(s, q, row)	sq_step((s), &queries[q], (row))
#define q_done(s, q)		sq_done((s), &queries[q])
#define STMT(s, q)		sq_stmt((s), &queries[q])

/* Every id the query q (bound to key and limit, or to nothing) returns, appended to ids. */
static int
ids_of(struct store *s, enum q q, const char *key, int64_t limit,
    struct ids *ids)
{
	int ret, row;

	ret = key ? q_run(s, q, &row, "sl", key, limit) :
	    q_run(s, q, &row, "");
	for (; ret == 0 && row; ret = q_step(s, q, &row)) {
		if (ids->n == ids->cap) {
			ids->cap = ids->cap ? ids->cap * 2 : 16;
			ids->v = xrealloc(ids->v, ids->cap * sizeof *ids->v);
		}
		ids->v[ids->n++] = sqlite3_column_int64(STMT(s, q), 0);
	}
	q_done(s, q);
	return ret;
}

int
store_keys_stale(struct store *s, struct ids *ids)
{
	return ids_of(s, Q_STALE_EACH, NULL, 0, ids);
}

int
store_keys_any_stale(struct store *s, int *any)
{
	int ret, row;

	*any = 0;
	if ((ret = q_run(s, Q_STALE_ANY, &row, "")) == 0 && row)
		*any = sqlite3_column_int(STMT(s, Q_STALE_ANY), 0);
	q_done(s, Q_STALE_ANY);
	return ret;
}

int
store_keys_find(struct store *s, const char *key, size_t max,
    struct ids *ids)
{
	size_t had = ids->n;
	int ret;

	/* one row more than max tells that there are more, at its cost only */
	if ((ret = ids_of(s, Q_KEY_FIND, key, (int64_t)max + 1, ids)) == 0 &&
	    ids->n - had > max)
		ids->n = had;
	return ret;
}

int
store_keys_set(struct store *s, int64_t id, char *const *keys, size_t n)
{
	int ret;

	if ((ret = sq_need_tx(s, "save profile keys")) != 0 ||
	    (ret = q_run(s, Q_KEYS_DROP, NULL, "l", id)) != 0)
		return ret;
	for (size_t i = 0; i < n && ret == 0; i++)
		ret = q_run(s, Q_KEY_ADD, NULL, "sl", keys[i], id);
	if (ret == 0)
		ret = q_run(s, Q_STALE_DROP, NULL, "l", id);
	return ret;
}
