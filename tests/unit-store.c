/* unit-store.c — the SQLite store against a real database file in a scratch directory. */
#include "config.h"

#include <sys/stat.h>
#include <sys/time.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <sysexits.h>
#include <unistd.h>

#include <sqlite3.h>

#include "action.h"
#include "store.h"
#include "util.h"
#include "../tests/tap.h"

static char	 dir[1024], path[2048];
static char	 errbuf[4096];
static int	 saved_fd = -1;

/* stderr goes to a file so the diagnostics can be checked. */
static void
capture(void)
{
	char file[4200];
	int fd;

	snprintf(file, sizeof file, "%s/stderr", dir);
	fflush(stderr);
	saved_fd = dup(STDERR_FILENO);
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

static const char *
captured(void)
{
	char file[4200];
	ssize_t n;
	int fd;

	fflush(stderr);
	dup2(saved_fd, STDERR_FILENO);
	close(saved_fd);
	snprintf(file, sizeof file, "%s/stderr", dir);
	fd = open(file, O_RDONLY);
	n = read(fd, errbuf, sizeof errbuf - 1);
	errbuf[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(file);
	return errbuf;
}

static int
mode_of(const char *file)
{
	struct stat sb;

	return stat(file, &sb) == 0 ? (int)(sb.st_mode & 07777) : -1;
}

/* A second connection, as another process would have. */
static sqlite3 *
raw_open(void)
{
	sqlite3 *db;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return NULL;
	sqlite3_busy_timeout(db, 1000);
	return db;
}

static long long
raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -2;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int
history_count(const struct history *h, void *arg)
{
	(void)h;
	(*(int *)arg)++;
	return 0;
}

#define SEEN	4

struct seen {
	int		 n;
	char		 flag[SEEN][32];
	int		 oldv[SEEN], newv[SEEN];
	long long	 time[SEEN];
	char		 mid[SEEN][32], rule[SEEN][32], op[SEEN][32];
};

static void
copy(char *dst, const char *src)
{
	snprintf(dst, 32, "%s", src ? src : "(null)");
}

static int
history_collect(const struct history *h, void *arg)
{
	struct seen *s = arg;

	if (s->n < SEEN) {
		copy(s->flag[s->n], h->flag);
		s->oldv[s->n] = h->old_value;
		s->newv[s->n] = h->new_value;
		s->time[s->n] = h->time;
		copy(s->mid[s->n], h->message_id);
		copy(s->rule[s->n], h->rule);
		copy(s->op[s->n], h->operator);
	}
	s->n++;
	return 0;
}

struct names {
	int	 n, stop;
	char	 list[256];
};

static int
profile_names(const struct profile *p, void *arg)
{
	struct names *nm = arg;
	size_t len = strlen(nm->list);

	snprintf(nm->list + len, sizeof nm->list - len, "%s%s",
	    len ? " " : "", p->email);
	return ++nm->n == nm->stop ? 42 : 0;
}

static int
rm(const char *file, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb, (void)type, (void)ftw;
	return remove(file);
}

static void
test_open(void)
{
	struct store *s = NULL;
	char sub[4200], file[4200];
	sqlite3 *db;
	int fd;

	capture();
	is_int(store_open(path, 0, &s), EX_CONFIG, "missing database without create");
	like(captured(), "database missing: run mailopt init", "says to run init");
	ok(s == NULL, "no store on failure");

	is_int(store_open(path, 1, &s), 0, "create");
	is_int(store_version(s), store_latest_version(), "schema at the latest version");
	snprintf(sub, sizeof sub, "%s/sub", dir);
	is_int(mode_of(sub), 0700, "directory made 0700");
	is_int(mode_of(path), 0600, "database 0600");
	snprintf(file, sizeof file, "%s-wal", path);
	is_int(mode_of(file), 0600, "-wal 0600");
	snprintf(file, sizeof file, "%s-shm", path);
	is_int(mode_of(file), 0600, "-shm 0600");
	db = raw_open();
	is_int(raw_int(db, "PRAGMA user_version"), store_latest_version(), "user_version set");
	is_int(raw_int(db, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"),
	    1, "journal mode wal");
	sqlite3_close(db);
	store_free(s);

	is_int(store_open(path, 0, &s), 0, "reopen without create");
	is_int(store_version(s), store_latest_version(), "same version");
	store_free(s);
	is_int(store_open(path, 1, &s), 0, "create again is harmless");
	is_int(store_version(s), store_latest_version(), "still the latest version");
	store_free(s);

	db = raw_open();
	sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
	capture();
	is_int(store_open(path, 0, &s), EX_CONFIG, "newer schema refused");
	is_int(store_open(path, 1, &s), EX_CONFIG, "newer schema refused by init");
	like(captured(), "newer", "says newer");
	sqlite3_close(db);
	snprintf(file, sizeof file, "PRAGMA user_version = %d", store_latest_version());
	db = raw_open();
	sqlite3_exec(db, file, NULL, NULL, NULL);
	sqlite3_close(db);

	snprintf(file, sizeof file, "%s/empty.db", dir);
	fd = open(file, O_WRONLY | O_CREAT, 0600);
	close(fd);
	capture();
	is_int(store_open(file, 0, &s), EX_CONFIG, "unversioned schema refused");
	like(captured(), "run mailopt init", "says to run init");
	unlink(file);

	store_free(NULL);
	ok(1, "store_free(NULL)");
}

static void
test_profiles(struct store *s)
{
	struct profile p = { 0 }, q = { 0 };
	struct names nm = { 0 };
	struct seen seen = { 0 };
	sqlite3 *db;
	int64_t alice;
	int found, n;

	profile_clear(&p);
	ok(p.email == NULL, "profile_clear on a zeroed struct");

	p.email = "Alice@Example.COM";
	p.other_emails = " a2@example.com ;; ;A3@Example.com";
	p.name = "Alice";
	p.flags = FLAG_ALL;
	capture();
	is_int(store_profile_put(s, &p, "import"), EX_SOFTWARE,
	    "put outside a transaction refused");
	like(captured(), "not inside a transaction", "says why");

	is_int(store_begin(s), 0, "begin");
	is_int(store_profile_put(s, &p, "import"), 0, "put new profile");
	is_int(store_commit(s), 0, "commit");

	is_int(store_profile_find(s, "alice@example.com", &q, &found), 0,
	    "find by primary");
	is_int(found, 1, "found by primary in other case");
	is_str(q.email, "Alice@Example.COM", "primary as imported");
	is_str(q.other_emails, "a2@example.com;A3@Example.com",
	    "further addresses trimmed, empty ones skipped");
	is_str(q.name, "Alice", "name");
	ok(q.company == NULL, "unset field NULL");
	is_int(q.flags, FLAG_ALL, "flags");
	alice = q.id;
	profile_clear(&q);

	is_int(store_profile_find(s, "a3@EXAMPLE.com", &q, &found), 0,
	    "find by further address");
	ok(found && q.id == alice, "same profile by further address");
	profile_clear(&q);
	is_int(store_profile_find(s, "nobody@example.com", &q, &found), 0,
	    "find unknown");
	is_int(found, 0, "unknown not found");
	is_int(store_profile_get(s, alice, &q, &found), 0, "get by id");
	ok(found && strcmp(q.email, "Alice@Example.COM") == 0, "got it");
	profile_clear(&q);

	n = 0;
	store_history_each(s, alice, history_count, &n);
	is_int(n, 0, "no history for a new profile");

	p.email = "ALICE@example.com";
	p.other_emails = "a4@example.com";
	p.name = "Alice B.";
	p.flags = FLAG_EMAIL | FLAG_POSTAL;
	is_int(store_begin(s), 0, "begin");
	is_int(store_profile_put(s, &p, "import"), 0, "put updates");
	is_int(store_commit(s), 0, "commit");
	store_profile_find(s, "a4@example.com", &q, &found);
	ok(found && q.id == alice, "new further address");
	is_str(q.name, "Alice B.", "name replaced");
	is_str(q.email, "ALICE@example.com", "primary replaced");
	is_int(q.flags, FLAG_EMAIL | FLAG_POSTAL, "flags replaced");
	profile_clear(&q);
	store_profile_find(s, "a2@example.com", &q, &found);
	is_int(found, 0, "old further address gone");
	profile_clear(&q);
	store_history_each(s, alice, history_collect, &seen);
	is_int(seen.n, 1, "one history row for the changed flag");
	is_str(seen.flag[0], "third_party", "its flag");
	ok(seen.oldv[0] == 1 && seen.newv[0] == 0, "old and new value");
	is_str(seen.op[0], "import", "operator");
	is_str(seen.mid[0], "(null)", "no message");

	/* An address of Alice's in Bob's profile. */
	memset(&p, 0, sizeof p);
	p.email = "bob@example.org";
	p.other_emails = "b2@example.org;A4@example.com";
	p.flags = FLAG_ALL;
	is_int(store_begin(s), 0, "begin");
	capture();
	is_int(store_profile_put(s, &p, "import"), EX_DATAERR,
	    "address of another profile refused");
	like(captured(), "address A4@example.com belongs to another profile",
	    "names the address");
	store_rollback(s);
	store_profile_find(s, "bob@example.org", &q, &found);
	is_int(found, 0, "no trace of the refused profile");
	profile_clear(&q);
	store_profile_find(s, "b2@example.org", &q, &found);
	is_int(found, 0, "nor of its addresses");
	profile_clear(&q);
	store_profile_find(s, "a4@example.com", &q, &found);
	ok(found && q.id == alice, "the address stays Alice's");
	profile_clear(&q);
	db = raw_open();
	is_int(raw_int(db, "SELECT count(*) FROM profile"), 1, "one profile");
	sqlite3_close(db);

	/* Primary of one profile as further address of a new one. */
	p.other_emails = "alice@example.com";
	is_int(store_begin(s), 0, "begin");
	capture();
	is_int(store_profile_put(s, &p, "import"), EX_DATAERR,
	    "another's primary refused");
	captured();
	p.other_emails = "";
	is_int(store_profile_put(s, &p, "import"), 0,
	    "the transaction goes on after a refused profile");
	p.email = "zed@example.net";
	is_int(store_profile_put(s, &p, "import"), 0, "put zed");
	is_int(store_commit(s), 0, "commit");

	nm.stop = -1;
	is_int(store_profile_each(s, profile_names, &nm), 0, "each");
	is_str(nm.list, "ALICE@example.com bob@example.org zed@example.net",
	    "each by email ignoring case");
	memset(&nm, 0, sizeof nm);
	nm.stop = 2;
	is_int(store_profile_each(s, profile_names, &nm), 42,
	    "each stops with fn's value");
	is_int(nm.n, 2, "after two");
}

static void
test_flags(struct store *s)
{
	const struct why why = { .message_id = "m1@example.com", .rule = "50-en:3" };
	struct seen seen = { 0 };
	struct profile q = { 0 };
	unsigned changed = 99;
	sqlite3 *db;
	int64_t alice;
	int found, rc;

	store_profile_find(s, "alice@example.com", &q, &found);
	alice = q.id;
	profile_clear(&q);

	setenv("MAILOPT_NOW", "1700000000", 1);
	capture();
	is_int(store_set_flags(s, alice, FLAG_ALL, 0, &why, &changed),
	    EX_SOFTWARE, "set_flags outside a transaction refused");
	captured();
	is_int(store_begin(s), 0, "begin");
	is_int(store_set_flags(s, alice, FLAG_ALL, 0, &why, &changed), 0,
	    "opt out of all");
	is_int(changed, FLAG_EMAIL | FLAG_POSTAL, "changed: the two still set");
	is_int(store_set_flags(s, alice, FLAG_ALL, 0, &why, &changed), 0,
	    "again");
	is_int(changed, 0, "nothing changed");
	is_int(store_set_flags(s, alice, FLAG_POSTAL, 1, NULL, &changed), 0,
	    "opt in to postal without a why");
	is_int(changed, FLAG_POSTAL, "postal changed");
	capture();
	is_int(store_set_flags(s, 9999, FLAG_ALL, 0, &why, &changed),
	    EX_DATAERR, "unknown profile");
	captured();
	is_int(store_commit(s), 0, "commit");
	unsetenv("MAILOPT_NOW");

	store_profile_get(s, alice, &q, &found);
	is_int(q.flags, FLAG_POSTAL, "flags stored");
	profile_clear(&q);

	store_history_each(s, alice, history_collect, &seen);
	is_int(seen.n, 4, "history: import, two opt-outs, one opt-in");
	is_str(seen.flag[1], "marketing_email", "oldest first: email");
	is_str(seen.flag[2], "marketing_postal", "then postal");
	ok(seen.oldv[1] == 1 && seen.newv[1] == 0, "email 1 -> 0");
	is_int(seen.time[1], 1700000000, "time from MAILOPT_NOW");
	is_str(seen.mid[1], "m1@example.com", "message id");
	is_str(seen.rule[1], "50-en:3", "rule");
	is_str(seen.op[1], "(null)", "no operator");
	ok(seen.oldv[3] == 0 && seen.newv[3] == 1, "postal 0 -> 1");
	is_str(seen.mid[3], "(null)", "without a why: no message id");

	db = raw_open();
	rc = sqlite3_exec(db, "UPDATE history SET new_value = 1", NULL, NULL,
	    NULL);
	is_int(rc & 0xff, SQLITE_CONSTRAINT, "history update refused");
	like(sqlite3_errmsg(db), "append-only", "by the trigger");
	rc = sqlite3_exec(db, "DELETE FROM history", NULL, NULL, NULL);
	is_int(rc & 0xff, SQLITE_CONSTRAINT, "history delete refused");
	is_int(raw_int(db, "SELECT count(*) FROM history"), 4, "history intact");
	sqlite3_close(db);
}

static void
test_processed(struct store *s)
{
	struct processed p = { 0 }, got = { 0 };
	int found;

	processed_clear(&p);
	ok(p.outcome == NULL, "processed_clear on a zeroed struct");

	p.outcome = "applied";
	p.file = "1700000000.M1P2.host";
	p.action = "optout-all";
	p.rule = "50-en:3";
	p.profile = "alice@example.com";
	is_int(store_begin(s), 0, "begin");
	is_int(store_processed_add(s, "mid:m1@example.com", "m1@example.com", &p),
	    0, "processed add");
	capture();
	is_int(store_processed_add(s, "mid:m1@example.com", "m1@example.com", &p),
	    EX_DATAERR, "duplicate key refused");
	like(captured(), "record processed message: UNIQUE", "says so");
	is_int(store_commit(s), 0, "commit");

	is_int(store_processed_get(s, "mid:m1@example.com", &got, &found), 0,
	    "processed get");
	is_int(found, 1, "found");
	is_str(got.outcome, "applied", "outcome");
	is_str(got.file, "1700000000.M1P2.host", "file");
	is_str(got.action, "optout-all", "action");
	is_str(got.rule, "50-en:3", "rule");
	is_str(got.profile, "alice@example.com", "profile");
	processed_clear(&got);
	ok(got.outcome == NULL && got.file == NULL, "cleared");

	memset(&p, 0, sizeof p);
	p.outcome = "queued";
	is_int(store_begin(s), 0, "begin");
	is_int(store_processed_add(s, "sha256:00ff", NULL, &p), 0,
	    "processed add with NULL fields");
	is_int(store_commit(s), 0, "commit");
	store_processed_get(s, "sha256:00ff", &got, &found);
	ok(found && got.file == NULL && strcmp(got.outcome, "queued") == 0,
	    "NULL fields stay NULL");
	processed_clear(&got);
	store_processed_get(s, "mid:unknown", &got, &found);
	is_int(found, 0, "unknown key not found");
}

static void
test_queue(struct store *s)
{
	static const char raw[] = "From: x@example.com\n\nstop\0binary";
	struct queue_entry e = { 0 };
	int64_t id1 = 0, id2 = 0, n = -1;
	sqlite3 *db;

	is_int(store_queue_count(s, &n), 0, "count empty queue");
	is_int(n, 0, "empty");
	e.received = 1700000000;
	e.message_id = "q1@example.com";
	e.sender = "x@example.com";
	e.subject = "stop";
	e.action = "review";
	e.reason = "no rule matched";
	e.raw = raw;
	e.rawlen = sizeof raw - 1;
	is_int(store_begin(s), 0, "begin");
	is_int(store_queue_add(s, &e, &id1), 0, "queue add");
	e.profile_id = 1;
	is_int(store_queue_add(s, &e, &id2), 0, "queue add with a profile");
	e.profile_id = 9999;
	capture();
	is_int(store_queue_add(s, &e, NULL), EX_DATAERR, "unknown profile refused");
	captured();
	is_int(store_commit(s), 0, "commit");
	ok(id1 > 0 && id2 > id1, "ids");
	is_int(store_queue_count(s, &n), 0, "count");
	is_int(n, 2, "two open entries");
	db = raw_open();
	is_int(raw_int(db, "SELECT length(raw) FROM queue WHERE id = 1"),
	    sizeof raw - 1, "raw kept whole, NUL and all");
	is_int(raw_int(db, "SELECT count(*) FROM queue WHERE profile_id IS NULL"),
	    1, "no profile is NULL");
	sqlite3_close(db);
}

static void
test_busy(void)
{
	struct store *s;
	struct timeval t0, t1;
	sqlite3 *db;
	long ms;

	setenv("MAILOPT_BUSY_TIMEOUT", "100", 1);
	is_int(store_open(path, 0, &s), 0, "open with a short timeout");
	db = raw_open();
	is_int(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK,
	    "another connection takes the write lock");
	gettimeofday(&t0, NULL);
	capture();
	is_int(store_begin(s), EX_TEMPFAIL, "begin while locked: tempfail");
	like(captured(), "begin: database is locked", "says locked");
	gettimeofday(&t1, NULL);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_usec - t0.tv_usec) / 1000;
	ok(ms >= 50 && ms < 3000, "after the timeout");
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	is_int(store_begin(s), 0, "begin once released");
	store_rollback(s);
	sqlite3_close(db);
	store_free(s);
	unsetenv("MAILOPT_BUSY_TIMEOUT");
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");
	struct store *s;

	umask(022);
	snprintf(dir, sizeof dir, "%s/unit-store.XXXXXX",
	    tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		return 1;
	}
	snprintf(path, sizeof path, "%s/sub/mailopt.db", dir);

	test_open();
	if (store_open(path, 0, &s) == 0) {
		test_profiles(s);
		test_flags(s);
		test_processed(s);
		test_queue(s);
		store_free(s);
	} else
		ok(0, "open for the data tests");
	test_busy();

	nftw(dir, rm, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
