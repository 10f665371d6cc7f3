/* store.c — the SQLite database: profiles, flag history, processed messages, the review queue. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <sqlite3.h>

#include "action.h"
#include "store.h"
#include "store_db.h"
#include "util.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* Long enough to outwait a sweep's batch; MAILOPT_BUSY_TIMEOUT shortens it for tests. */
#define BUSY_TIMEOUT_MS	5000

/* The flag columns, in flag_name() order: every query below reads and binds them so. */
#define FLAG_COLS	"marketing_email, marketing_postal, third_party"
_Static_assert(FLAG_COUNT == 3, "FLAG_COLS names three columns");

/* Mark profile id stale (migration 6), once. */
#define STALE(id)							\
	"INSERT INTO profile_stale SELECT " id " WHERE NOT EXISTS"	\
	" (SELECT 1 FROM profile_stale WHERE profile_id = " id ")"

/*
 * migrations[i] takes the schema from version i to i + 1; the current
 * version is the number of steps. Append, never edit: files in the
 * field were made by the old steps.
 */
static const char *const migrations[] = {
	/* 1 */
	"CREATE TABLE profile ("
	"  id INTEGER PRIMARY KEY,"
	"  email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  name TEXT, company TEXT, phone TEXT, address TEXT,"
	"  country TEXT, products TEXT,"
	"  marketing_email INTEGER NOT NULL DEFAULT 1"
	"    CHECK (marketing_email IN (0, 1)),"
	"  marketing_postal INTEGER NOT NULL DEFAULT 1"
	"    CHECK (marketing_postal IN (0, 1)),"
	"  third_party INTEGER NOT NULL DEFAULT 1"
	"    CHECK (third_party IN (0, 1)),"
	"  created INTEGER NOT NULL,"
	"  updated INTEGER NOT NULL);"
	/* Every address, the primary one too: finding a sender is one lookup. */
	"CREATE TABLE address ("
	"  email TEXT PRIMARY KEY COLLATE NOCASE,"
	"  profile_id INTEGER NOT NULL REFERENCES profile ON DELETE CASCADE,"
	"  is_primary INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX address_profile ON address (profile_id);"
	/*
	 * Evidence of consent: no cascade, so a profile with history
	 * cannot be deleted behind it.
	 */
	"CREATE TABLE history ("
	"  id INTEGER PRIMARY KEY,"
	"  profile_id INTEGER NOT NULL REFERENCES profile,"
	"  flag TEXT NOT NULL,"
	"  old_value INTEGER NOT NULL,"
	"  new_value INTEGER NOT NULL,"
	"  time INTEGER NOT NULL,"
	"  message_id TEXT, rule TEXT, operator TEXT);"
	"CREATE INDEX history_profile ON history (profile_id);"
	"CREATE TRIGGER history_no_update BEFORE UPDATE ON history"
	"  BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;"
	"CREATE TRIGGER history_no_delete BEFORE DELETE ON history"
	"  BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;"
	"CREATE TABLE processed ("
	"  key TEXT PRIMARY KEY,"
	"  message_id TEXT,"
	"  outcome TEXT NOT NULL,"
	"  file TEXT, action TEXT, rule TEXT, profile TEXT,"
	"  time INTEGER NOT NULL);"
	"CREATE TABLE queue ("
	"  id INTEGER PRIMARY KEY,"
	"  received INTEGER NOT NULL,"
	"  message_id TEXT, sender TEXT, subject TEXT,"
	"  action TEXT, rule TEXT, reason TEXT,"
	"  profile_id INTEGER REFERENCES profile ON DELETE SET NULL,"
	"  raw BLOB,"
	"  state TEXT NOT NULL DEFAULT 'open',"
	"  handled_time INTEGER, operator TEXT, note TEXT);"
	"CREATE INDEX queue_state ON queue (state, received);",
	/* 2: outgoing mail, written in the transaction of the change that causes it */
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  created INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"			/* confirmation | notice */
	"  profile_id INTEGER REFERENCES profile ON DELETE SET NULL,"
	"  recipient TEXT NOT NULL,"
	"  message_id TEXT,"
	"  message BLOB NOT NULL,"		/* the whole RFC 5322 message */
	"  state TEXT NOT NULL DEFAULT 'pending',"	/* pending | sent | failed */
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_try INTEGER NOT NULL,"
	"  last_error TEXT,"
	"  sent_time INTEGER);"
	"CREATE INDEX outbox_due ON outbox (state, next_try);"
	"CREATE INDEX outbox_profile ON outbox (profile_id, kind, created);"
	"CREATE TABLE reseller ("
	"  country TEXT PRIMARY KEY COLLATE NOCASE,"
	"  name TEXT NOT NULL,"
	"  email TEXT NOT NULL);",
	/*
	 * 3: a sender claims the mail it is about to send, so that a cron
	 * flush and a delivery's flush never both send one; the claim
	 * lapses at claim_until should its sender die.
	 */
	"ALTER TABLE outbox ADD COLUMN claim TEXT;"
	"ALTER TABLE outbox ADD COLUMN claim_until INTEGER;"
	"CREATE INDEX outbox_claim ON outbox (claim) WHERE claim IS NOT NULL;",
	/*
	 * 4: requests a sender owning no profile had applied to profiles its
	 * text named: max_requests_per_sender caps them per 24 hours.
	 */
	"CREATE TABLE sender_request ("
	"  id INTEGER PRIMARY KEY,"
	"  sender TEXT NOT NULL COLLATE NOCASE,"
	"  profile_id INTEGER NOT NULL REFERENCES profile ON DELETE CASCADE,"
	"  time INTEGER NOT NULL,"
	"  message_id TEXT);"
	"CREATE INDEX sender_request_sender ON sender_request (sender, time);",
	/*
	 * 5: operators and imports say why they changed a flag; an erased
	 * profile stays as a tombstone (email "sha256:<hex>", no personal
	 * data) so that its history keeps its reference, and the hashes
	 * of its lower-cased addresses keep them suppressed.
	 */
	"ALTER TABLE history ADD COLUMN reason TEXT;"
	"ALTER TABLE profile ADD COLUMN erased INTEGER;"
	"CREATE TABLE erased ("
	"  hash TEXT PRIMARY KEY,"
	"  profile_id INTEGER NOT NULL REFERENCES profile,"
	"  time INTEGER NOT NULL);",
	/*
	 * 6: what a queued message's candidates are looked up by (see
	 * candidates.c), instead of weighing every profile. Triggers mark
	 * a profile whose findable data changed as stale; a stale profile
	 * is weighed whatever its keys, until its keys are made anew.
	 */
	"CREATE TABLE profile_key ("
	"  key TEXT NOT NULL,"
	"  profile_id INTEGER NOT NULL,"
	"  PRIMARY KEY (key, profile_id)) WITHOUT ROWID;"
	"CREATE INDEX profile_key_profile ON profile_key (profile_id);"
	"CREATE TABLE profile_stale (profile_id INTEGER PRIMARY KEY);"
	"INSERT INTO profile_stale SELECT id FROM profile;"
	/*
	 * Not INSERT OR IGNORE: the conflict clause of the statement that
	 * fires a trigger (an upsert of profile_put) overrides its own.
	 */
	"CREATE TRIGGER profile_stale_insert AFTER INSERT ON profile BEGIN"
	"  " STALE("new.id") "; END;"
	"CREATE TRIGGER profile_stale_update AFTER UPDATE OF email, name,"
	"  company, phone, address, erased ON profile BEGIN"
	"  " STALE("new.id") "; END;"
	"CREATE TRIGGER address_stale_insert AFTER INSERT ON address BEGIN"
	"  " STALE("new.profile_id") "; END;"
	"CREATE TRIGGER address_stale_delete AFTER DELETE ON address BEGIN"
	"  " STALE("old.profile_id") "; END;"
	/* an erased profile's keys are its personal data: they go with it */
	"CREATE TRIGGER profile_key_erase AFTER UPDATE OF erased ON profile"
	"  WHEN new.erased IS NOT NULL BEGIN"
	"  DELETE FROM profile_key WHERE profile_id = new.id; END;",
	/*
	 * 7: IMAP mailboxes: how far each was decided, and the moves a
	 * commit owes until they are done (see store_imap.c).
	 */
	"CREATE TABLE imap_mark ("
	"  mailbox TEXT NOT NULL,"
	"  uidvalidity INTEGER NOT NULL,"
	"  uid INTEGER NOT NULL,"
	"  PRIMARY KEY (mailbox, uidvalidity)) WITHOUT ROWID;"
	"CREATE TABLE imap_move ("
	"  mailbox TEXT NOT NULL,"
	"  uidvalidity INTEGER NOT NULL,"
	"  uid INTEGER NOT NULL,"
	"  folder TEXT NOT NULL,"
	"  seen INTEGER NOT NULL,"
	"  PRIMARY KEY (mailbox, uidvalidity, uid)) WITHOUT ROWID;",
};

/* Columns 0..9 of every profile query: see profile_row(). */
#define PROFILE_SELECT							\
	"SELECT p.id, p.email,"						\
	"  (SELECT group_concat(email, ';') FROM"			\
	"    (SELECT a.email FROM address a"				\
	"     WHERE a.profile_id = p.id AND NOT a.is_primary"		\
	"     ORDER BY a.rowid)),"					\
	"  p.name, p.company, p.phone, p.address, p.country, p.products," \
	"  " FLAG_COLS

enum q {
	Q_BEGIN,
	Q_COMMIT,
	Q_PUT_BEGIN,
	Q_PUT_UNDO,
	Q_PUT_END,
	Q_VERSION,
	Q_PROFILE_FIND,
	Q_PROFILE_GET,
	Q_PROFILE_EACH,
	Q_PROFILE_KEY,
	Q_PROFILE_FLAGS,
	Q_PROFILE_PUT,
	Q_FLAGS_SET,
	Q_ADDR_CLEAR,
	Q_ADDR_OWNER,
	Q_ADDR_ADD,
	Q_HISTORY_ADD,
	Q_HISTORY_EACH,
	Q_FLAG_CHANGED,
	Q_PROCESSED_GET,
	Q_PROCESSED_ADD,
	Q_QUEUE_ADD,
	Q_QUEUE_COUNT,
	Q_COUNT
};

static const struct sq queries[Q_COUNT] = {
	[Q_BEGIN] = { "begin", "BEGIN IMMEDIATE" },
	[Q_COMMIT] = { "commit", "COMMIT" },
	[Q_PUT_BEGIN] = { "save profile", "SAVEPOINT put" },
	[Q_PUT_UNDO] = { "undo profile", "ROLLBACK TO put" },
	[Q_PUT_END] = { "save profile", "RELEASE put" },
	[Q_VERSION] = { "schema version", "PRAGMA user_version" },
	[Q_PROFILE_FIND] = { "find profile",
	    PROFILE_SELECT " FROM address x JOIN profile p ON p.id = x.profile_id"
	    " WHERE x.email = ?1" },
	/* An erased profile is a tombstone: no token or listing reaches it. */
	[Q_PROFILE_GET] = { "get profile",
	    PROFILE_SELECT " FROM profile p WHERE p.id = ?1 AND p.erased IS NULL" },
	[Q_PROFILE_EACH] = { "list profiles",
	    PROFILE_SELECT " FROM profile p WHERE p.erased IS NULL"
	    " ORDER BY p.email COLLATE NOCASE" },
	[Q_PROFILE_KEY] = { "find profile",
	    "SELECT id, " FLAG_COLS " FROM profile WHERE email = ?1" },
	[Q_PROFILE_FLAGS] = { "get flags",
	    "SELECT id, " FLAG_COLS " FROM profile WHERE id = ?1" },
	/* Flags are left alone on update: flags_write() records their change. */
	[Q_PROFILE_PUT] = { "save profile",
	    "INSERT INTO profile (email, name, company, phone, address, country,"
	    "  products, " FLAG_COLS ", created, updated)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)"
	    " ON CONFLICT (email) DO UPDATE SET email = excluded.email,"
	    "  name = excluded.name, company = excluded.company,"
	    "  phone = excluded.phone, address = excluded.address,"
	    "  country = excluded.country, products = excluded.products,"
	    "  updated = excluded.updated" },
	[Q_FLAGS_SET] = { "set flags",
	    "UPDATE profile SET (" FLAG_COLS ", updated) = (?2, ?3, ?4, ?5)"
	    " WHERE id = ?1" },
	[Q_ADDR_CLEAR] = { "save addresses",
	    "DELETE FROM address WHERE profile_id = ?1" },
	[Q_ADDR_OWNER] = { "find address",
	    "SELECT a.profile_id, p.email FROM address a"
	    " JOIN profile p ON p.id = a.profile_id WHERE a.email = ?1" },
	[Q_ADDR_ADD] = { "save address",
	    "INSERT INTO address (email, profile_id, is_primary)"
	    " VALUES (?1, ?2, ?3)" },
	[Q_HISTORY_ADD] = { "record history",
	    "INSERT INTO history (profile_id, flag, old_value, new_value, time,"
	    "  message_id, rule, operator, reason)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)" },
	[Q_HISTORY_EACH] = { "list history",
	    "SELECT id, flag, old_value, new_value, time, message_id, rule,"
	    "  operator, reason FROM history WHERE profile_id = ?1 ORDER BY id" },
	/* A flag never changed dates from the profile's creation. */
	[Q_FLAG_CHANGED] = { "read history",
	    "SELECT coalesce((SELECT max(time) FROM history"
	    "  WHERE profile_id = ?1 AND flag = ?2), created)"
	    " FROM profile WHERE id = ?1" },
	[Q_PROCESSED_GET] = { "find processed message",
	    "SELECT outcome, file, action, rule, profile FROM processed"
	    " WHERE key = ?1" },
	[Q_PROCESSED_ADD] = { "record processed message",
	    "INSERT INTO processed (key, message_id, outcome, file, action,"
	    "  rule, profile, time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)" },
	[Q_QUEUE_ADD] = { "queue message",
	    "INSERT INTO queue (received, message_id, sender, subject, action,"
	    "  rule, reason, profile_id, raw)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULLIF(?8, 0), ?9)" },
	[Q_QUEUE_COUNT] = { "count queue",
	    "SELECT count(*) FROM queue WHERE state = 'open'" },
};

#define q_run(s, q, ...)	sq_run((s), &queries[q], __VA_ARGS__)
#define q_step(s, q, row)	sq_step((s), &queries[q], (row))
#define q_done(s, q)		sq_done((s), &queries[q])
#define STMT(s, q)		sq_stmt((s), &queries[q])

/* The FLAG_COLS at columns i.. as FLAG_* bits. */
static unsigned
flags_row(sqlite3_stmt *st, int i)
{
	unsigned flags = 0;

	for (int f = 0; f < FLAG_COUNT; f++)
		if (sqlite3_column_int(st, i + f))
			flags |= flag_bit(f);
	return flags;
}

/* Flag f of flags as the 0/1 its column holds. */
static int
flag_val(unsigned flags, int f)
{
	return (flags & flag_bit(f)) != 0;
}

/* Tests shorten the wait for a lock; a bad value keeps the default. */
static int
busy_timeout(void)
{
	const char *e = getenv("MAILOPT_BUSY_TIMEOUT");
	char *end;
	long v;

	if (e == NULL || *e == '\0')
		return BUSY_TIMEOUT_MS;
	errno = 0;
	v = strtol(e, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0 || v > INT_MAX)
		return BUSY_TIMEOUT_MS;
	return (int)v;
}

/* Make the directory of path, unless it exists; the umask makes it 0700. */
static int
make_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir, *p;
	int ret = 0;

	if (slash == NULL || slash == path)
		return 0;
	dir = xstrndup(path, (size_t)(slash - path));
	/* like mkdir -p: each missing level, private like the database */
	for (p = dir + 1;; p++) {
		int last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
			mo_warn_errno("%s", dir);
			ret = EX_IOERR;
			break;
		}
		if (last)
			break;
		*p = '/';
	}
	free(dir);
	return ret;
}

/*
 * Bring the schema to the current version, or, without create, only
 * check it: a delivery must not pay for (or race) an upgrade.
 */
static int
migrate(struct store *s, int create)
{
	const int current = (int)NITEMS(migrations);
	char what[64], sql[64];
	int ret, row, v;

	if (create && (ret = store_begin(s)) != 0)
		return ret;
	if ((ret = q_run(s, Q_VERSION, &row, "")) != 0)
		goto out;
	v = row ? sqlite3_column_int(STMT(s, Q_VERSION), 0) : 0;
	q_done(s, Q_VERSION);
	if (v > current) {
		mo_warn("%s: schema version %d is newer than this mailopt's %d",
		    s->path, v, current);
		ret = EX_CONFIG;
		goto out;
	}
	if (v < current && !create) {
		mo_warn("%s: schema version %d is older than %d: run mailopt init",
		    s->path, v, current);
		ret = EX_CONFIG;
		goto out;
	}
	for (; v < current; v++) {
		snprintf(what, sizeof what, "migrate to version %d", v + 1);
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
		if ((ret = sq_exec(s, migrations[v], what)) != 0 ||
		    (ret = sq_exec(s, sql, what)) != 0)
			goto out;
	}
	s->version = v;
	if (create)
		ret = store_commit(s);
out:
	if (ret != 0)
		store_rollback(s);
	return ret;
}

int
store_open(const char *path, int create, struct store **out)
{
	struct store *s;
	struct stat sb;
	mode_t omask;
	int rc, ret;

	*out = NULL;
	if (!create && stat(path, &sb) == -1 && errno == ENOENT) {
		mo_warn("%s: database missing: run mailopt init", path);
		return EX_CONFIG;
	}
	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	/* SQLite makes -wal and -shm at first access: keep the mask till the schema is read. */
	omask = umask(077);
	if (create && (ret = make_dir(path)) != 0)
		goto out;
	rc = sqlite3_open_v2(path, &s->db,
	    SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0), NULL);
	if (rc != SQLITE_OK) {
		ret = sq_fail(s, rc, "open");
		goto out;
	}
	sqlite3_extended_result_codes(s->db, 1);
	/* Before any pragma: they take locks too. */
	sqlite3_busy_timeout(s->db, busy_timeout());
	/* WAL lets deliveries read while a sweep writes; it sticks to the file. */
	if (create && (ret = sq_exec(s, "PRAGMA journal_mode = WAL",
	    "set journal mode")) != 0)
		goto out;
	/* Opt-outs are evidence: a commit must survive a crash. */
	if ((ret = sq_exec(s, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON",
	    "set pragmas")) != 0)
		goto out;
	ret = migrate(s, create);
out:
	umask(omask);
	if (ret != 0) {
		store_free(s);
		s = NULL;
	}
	*out = s;
	return ret;
}

void
store_free(struct store *s)
{
	if (s == NULL)
		return;
	if (s->db != NULL)
		store_rollback(s);
	sq_finalize(s);
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

int
store_latest_version(void)
{
	return (int)NITEMS(migrations);
}

int
store_version(struct store *s)
{
	return s->version;
}

/*
 * IMMEDIATE takes the write lock at once, under the busy timeout; a
 * deferred transaction would fail busy when it first writes.
 */
int
store_begin(struct store *s)
{
	return q_run(s, Q_BEGIN, NULL, "");
}

int
store_try_begin(struct store *s)
{
	int rc;

	sqlite3_busy_timeout(s->db, 0);
	rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	sqlite3_busy_timeout(s->db, busy_timeout());
	return rc == SQLITE_OK ? 0 : -1;
}

int
store_bulk(struct store *s)
{
	char sql[64];

	/* a negative cache_size is in KiB */
	snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d",
	    STORE_BULK_CACHE_MB * 1024);
	return sq_exec(s, sql, "page cache");
}

/* A failed commit leaves the transaction open: end it, nothing was written. */
int
store_commit(struct store *s)
{
	int ret;

	if ((ret = q_run(s, Q_COMMIT, NULL, "")) != 0)
		store_rollback(s);
	return ret;
}

void
store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

void
profile_clear(struct profile *p)
{
	free(p->email);
	free(p->other_emails);
	free(p->name);
	free(p->company);
	free(p->phone);
	free(p->address);
	free(p->country);
	free(p->products);
	memset(p, 0, sizeof *p);
}

/* Copy the PROFILE_SELECT row of st into *p. */
static void
profile_row(sqlite3_stmt *st, struct profile *p)
{
	const char *other = sq_text(st, 2);

	memset(p, 0, sizeof *p);
	p->id = sqlite3_column_int64(st, 0);
	p->email = xstrdup(sq_text(st, 1));
	p->other_emails = xstrdup(other ? other : "");
	p->name = xstrdup(sq_text(st, 3));
	p->company = xstrdup(sq_text(st, 4));
	p->phone = xstrdup(sq_text(st, 5));
	p->address = xstrdup(sq_text(st, 6));
	p->country = xstrdup(sq_text(st, 7));
	p->products = xstrdup(sq_text(st, 8));
	p->flags = flags_row(st, 9);
}

int
store_profile_find(struct store *s, const char *address, struct profile *p,
    int *found)
{
	int ret;

	if ((ret = q_run(s, Q_PROFILE_FIND, found, "s", address)) == 0 &&
	    *found)
		profile_row(STMT(s, Q_PROFILE_FIND), p);
	q_done(s, Q_PROFILE_FIND);
	return ret;
}

int
store_profile_get(struct store *s, int64_t id, struct profile *p, int *found)
{
	int ret;

	if ((ret = q_run(s, Q_PROFILE_GET, found, "l", id)) == 0 && *found)
		profile_row(STMT(s, Q_PROFILE_GET), p);
	q_done(s, Q_PROFILE_GET);
	return ret;
}

/* Move profile id from flags old to new, with a history row per changed flag. */
static int
flags_write(struct store *s, int64_t id, unsigned old, unsigned new,
    const struct why *why, int64_t now)
{
	int ret = 0;

	if (old == new)
		return 0;
	for (int f = 0; f < FLAG_COUNT && ret == 0; f++)
		if ((old ^ new) & flag_bit(f))
			ret = q_run(s, Q_HISTORY_ADD, NULL, "lsiilssss", id,
			    flag_name(f), flag_val(old, f), flag_val(new, f),
			    now, why->message_id, why->rule, why->operator,
			    why->reason);
	if (ret == 0)
		ret = q_run(s, Q_FLAGS_SET, NULL, "liiil", id, flag_val(new, 0),
		    flag_val(new, 1), flag_val(new, 2), now);
	return ret;
}

/* Give address to profile id, unless another profile has it. */
static int
address_add(struct store *s, int64_t id, const char *addr, int primary)
{
	sqlite3_stmt *st;
	int ret, row;

	if ((ret = q_run(s, Q_ADDR_OWNER, &row, "s", addr)) != 0)
		return ret;
	if (!row)
		return q_run(s, Q_ADDR_ADD, NULL, "sli", addr, id, primary);
	/* Its own address listed twice is harmless. */
	st = STMT(s, Q_ADDR_OWNER);
	if (sqlite3_column_int64(st, 0) != id) {
		mo_warn("%s: address %s belongs to another profile (%s)",
		    s->path, addr, sq_text(st, 1));
		ret = EX_DATAERR;
	}
	q_done(s, Q_ADDR_OWNER);
	return ret;
}

static int
profile_put(struct store *s, const struct profile *p, const struct why *why)
{
	const int64_t now = mo_now();
	const unsigned new = p->flags & FLAG_ALL;
	char *list = NULL, *addr, *last;
	int64_t id = 0;
	unsigned old = new;
	int ret, found;

	if (p->email == NULL || *p->email == '\0') {
		mo_warn("%s: profile without an email address", s->path);
		return EX_DATAERR;
	}
	if ((ret = q_run(s, Q_PROFILE_KEY, &found, "s", p->email)) != 0)
		goto out;
	if (found) {
		id = sqlite3_column_int64(STMT(s, Q_PROFILE_KEY), 0);
		old = flags_row(STMT(s, Q_PROFILE_KEY), 1);
	}
	q_done(s, Q_PROFILE_KEY);
	if ((ret = q_run(s, Q_PROFILE_PUT, NULL, "sssssssiiil", p->email,
	    p->name, p->company, p->phone, p->address, p->country, p->products,
	    flag_val(old, 0), flag_val(old, 1), flag_val(old, 2), now)) != 0)
		goto out;
	if (!found)
		id = sqlite3_last_insert_rowid(s->db);
	if ((ret = flags_write(s, id, old, new, why, now)) != 0 ||
	    (ret = q_run(s, Q_ADDR_CLEAR, NULL, "l", id)) != 0 ||
	    (ret = address_add(s, id, p->email, 1)) != 0)
		goto out;
	list = xstrdup(p->other_emails ? p->other_emails : "");
	for (addr = strtok_r(list, ";", &last); addr != NULL && ret == 0;
	    addr = strtok_r(NULL, ";", &last))
		if (*str_trim(addr) != '\0')
			ret = address_add(s, id, addr, 0);
out:
	free(list);
	return ret;
}

/* In a savepoint so that a refused profile leaves the transaction as it was. */
int
store_profile_save(struct store *s, const struct profile *p,
    const struct why *why)
{
	int ret;

	if ((ret = sq_need_tx(s, "save profile")) != 0 ||
	    (ret = q_run(s, Q_PUT_BEGIN, NULL, "")) != 0)
		return ret;
	if ((ret = profile_put(s, p, why)) != 0)
		(void)q_run(s, Q_PUT_UNDO, NULL, "");
	(void)q_run(s, Q_PUT_END, NULL, "");
	return ret;
}

int
store_profile_put(struct store *s, const struct profile *p, const char *who)
{
	const struct why why = { .operator = who };

	return store_profile_save(s, p, &why);
}

int
store_flag_changed(struct store *s, int64_t profile_id, int flag,
    int64_t *when)
{
	int ret, row;

	*when = 0;
	if ((ret = q_run(s, Q_FLAG_CHANGED, &row, "ls", profile_id,
	    flag_name(flag))) == 0 && row)
		*when = sqlite3_column_int64(STMT(s, Q_FLAG_CHANGED), 0);
	q_done(s, Q_FLAG_CHANGED);
	return ret;
}

int
store_profile_each(struct store *s,
    int (*fn)(const struct profile *, void *), void *arg)
{
	struct profile p;
	int ret, row;

	for (ret = q_run(s, Q_PROFILE_EACH, &row, ""); ret == 0 && row;
	    ret = q_step(s, Q_PROFILE_EACH, &row)) {
		profile_row(STMT(s, Q_PROFILE_EACH), &p);
		ret = fn(&p, arg);
		profile_clear(&p);
		if (ret != 0)
			break;
	}
	q_done(s, Q_PROFILE_EACH);
	return ret;
}

int
store_set_flags(struct store *s, int64_t profile_id, unsigned mask,
    int value, const struct why *why, unsigned *changed)
{
	static const struct why nobody;
	unsigned old, new;
	int ret, found;

	*changed = 0;
	if ((ret = sq_need_tx(s, "set flags")) != 0 ||
	    (ret = q_run(s, Q_PROFILE_FLAGS, &found, "l", profile_id)) != 0)
		return ret;
	old = found ? flags_row(STMT(s, Q_PROFILE_FLAGS), 1) : 0;
	q_done(s, Q_PROFILE_FLAGS);
	if (!found) {
		mo_warn("%s: set flags: no profile %lld", s->path,
		    (long long)profile_id);
		return EX_DATAERR;
	}
	new = value ? old | (mask & FLAG_ALL) : old & ~mask;
	if ((ret = flags_write(s, profile_id, old, new, why ? why : &nobody,
	    mo_now())) == 0)
		*changed = old ^ new;
	return ret;
}

int
store_history_each(struct store *s, int64_t profile_id,
    int (*fn)(const struct history *, void *), void *arg)
{
	sqlite3_stmt *st;
	struct history h;
	int ret, row;

	for (ret = q_run(s, Q_HISTORY_EACH, &row, "l", profile_id);
	    ret == 0 && row; ret = q_step(s, Q_HISTORY_EACH, &row)) {
		st = STMT(s, Q_HISTORY_EACH);
		h.id = sqlite3_column_int64(st, 0);
		h.flag = sq_text(st, 1);
		h.old_value = sqlite3_column_int(st, 2);
		h.new_value = sqlite3_column_int(st, 3);
		h.time = sqlite3_column_int64(st, 4);
		h.message_id = sq_text(st, 5);
		h.rule = sq_text(st, 6);
		h.operator = sq_text(st, 7);
		h.reason = sq_text(st, 8);
		if ((ret = fn(&h, arg)) != 0)
			break;
	}
	q_done(s, Q_HISTORY_EACH);
	return ret;
}

void
processed_clear(struct processed *p)
{
	free(p->outcome);
	free(p->file);
	free(p->action);
	free(p->rule);
	free(p->profile);
	memset(p, 0, sizeof *p);
}

int
store_processed_get(struct store *s, const char *key, struct processed *out,
    int *found)
{
	sqlite3_stmt *st;
	int ret;

	if ((ret = q_run(s, Q_PROCESSED_GET, found, "s", key)) == 0 &&
	    *found) {
		st = STMT(s, Q_PROCESSED_GET);
		out->outcome = xstrdup(sq_text(st, 0));
		out->file = xstrdup(sq_text(st, 1));
		out->action = xstrdup(sq_text(st, 2));
		out->rule = xstrdup(sq_text(st, 3));
		out->profile = xstrdup(sq_text(st, 4));
	}
	q_done(s, Q_PROCESSED_GET);
	return ret;
}

int
store_processed_add(struct store *s, const char *key, const char *message_id,
    const struct processed *p)
{
	int ret;

	if ((ret = sq_need_tx(s, "record processed message")) != 0)
		return ret;
	return q_run(s, Q_PROCESSED_ADD, NULL, "sssssssl", key, message_id,
	    p->outcome, p->file, p->action, p->rule, p->profile,
	    (int64_t)mo_now());
}

int
store_queue_add(struct store *s, const struct queue_entry *e, int64_t *id)
{
	int ret;

	if ((ret = sq_need_tx(s, "queue message")) != 0 ||
	    (ret = q_run(s, Q_QUEUE_ADD, NULL, "lsssssslb", e->received,
	    e->message_id, e->sender, e->subject, e->action, e->rule,
	    e->reason, e->profile_id, e->raw, e->rawlen)) != 0)
		return ret;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int
store_queue_count(struct store *s, int64_t *n)
{
	int ret, row;

	*n = 0;
	if ((ret = q_run(s, Q_QUEUE_COUNT, &row, "")) == 0 && row)
		*n = sqlite3_column_int64(STMT(s, Q_QUEUE_COUNT), 0);
	q_done(s, Q_QUEUE_COUNT);
	return ret;
}
