/* store_db.c — what every store file shares: the connection, statements prepared once, SQLite errors as exit codes. */
#include "config.h"

#include <sys/statvfs.h>

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "store_db.h"
#include "util.h"

/* The statement prepared for q, or NULL when it was never prepared. */
static sqlite3_stmt *
cached(struct store *s, const struct sq *q)
{
	for (size_t i = 0; i < s->nstmts; i++)
		if (s->stmts[i].q == q)
			return s->stmts[i].st;
	return NULL;
}

sqlite3_stmt *
sq_stmt(struct store *s, const struct sq *q)
{
	sqlite3_stmt *st = cached(s, q);

	if (st != NULL)
		return st;
	if (sqlite3_prepare_v3(s->db, q->sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &st, NULL) != SQLITE_OK)
		return NULL;
	if (s->nstmts == s->capstmts) {
		s->capstmts = s->capstmts ? s->capstmts * 2 : 32;
		s->stmts = xrealloc(s->stmts, s->capstmts * sizeof *s->stmts);
	}
	s->stmts[s->nstmts].q = q;
	s->stmts[s->nstmts++].st = st;
	return st;
}

void
sq_finalize(struct store *s)
{
	for (size_t i = 0; i < s->nstmts; i++)
		sqlite3_finalize(s->stmts[i].st);
	free(s->stmts);
	s->stmts = NULL;
	s->nstmts = s->capstmts = 0;
}

/*
 * The one place SQLite results become exit codes (see store.h).
 * Prints "path: what: sqlite's message".
 */
/*
 * 1 when the file system holding path has no block or no inode left.
 * SQLite retries a failed -wal creation read-only, so errno then says
 * ENOENT, not ENOSPC: ask the file system instead.
 */
static int
dir_full(const char *path)
{
	struct statvfs st;
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int full;

	if (slash == dir)
		slash[1] = '\0';	/* the root directory */
	else if (slash)
		*slash = '\0';
	full = statvfs(slash ? dir : ".", &st) == 0 &&
	    (st.f_bavail == 0 || (st.f_files != 0 && st.f_favail == 0));
	free(dir);
	return full;
}

int
sq_fail(struct store *s, int rc, const char *what)
{
	int ex, err;

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_PROTOCOL:
	case SQLITE_FULL:
	case SQLITE_NOMEM:
		ex = EX_TEMPFAIL;
		break;
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH:
	case SQLITE_TOOBIG:
		ex = EX_DATAERR;
		break;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		/*
		 * A full disk shows as an I/O error (fsync, truncate, the shm
		 * file) or as a -wal file that cannot be created.
		 */
		err = s->db ? sqlite3_system_errno(s->db) : 0;
		ex = rc == SQLITE_IOERR_NOMEM || err == ENOSPC || err == EDQUOT ||
		    dir_full(s->path) ? EX_TEMPFAIL : EX_IOERR;
		break;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_NOLFS:
		ex = EX_IOERR;
		break;
	default:
		ex = EX_SOFTWARE;
		break;
	}
	mo_warn("%s: %s: %s", s->path, what,
	    s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
	return ex;
}

int
sq_exec(struct store *s, const char *sql, const char *what)
{
	int rc;

	if ((rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL)) != SQLITE_OK)
		return sq_fail(s, rc, what);
	return 0;
}

/* Reset query q and drop its bindings, which point into the caller's strings. */
void
sq_done(struct store *s, const struct sq *q)
{
	sqlite3_stmt *st = cached(s, q);

	if (st == NULL)
		return;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/*
 * Step query q once. With a row, *row is 1 and the row stays readable
 * until the next sq_step or sq_done; otherwise *row is 0 and the query is
 * done. row may be NULL when nobody reads the rows.
 */
int
sq_step(struct store *s, const struct sq *q, int *row)
{
	int rc, ret = 0;

	rc = sqlite3_step(cached(s, q));
	if (row != NULL)
		*row = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW && row != NULL)
		return 0;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = sq_fail(s, rc, q->what);
	sq_done(s, q);
	return ret;
}

/*
 * Prepare query q on first use, bind the arguments fmt describes and
 * step once (see sq_step). fmt has one letter per parameter: 's' text,
 * 'i' int, 'l' int64_t, 'b' blob as (const void *, size_t); a NULL
 * pointer binds NULL. Bound strings must outlive the query's use.
 */
int
sq_run(struct store *s, const struct sq *q, int *row, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	const void *blob;
	int i, rc = SQLITE_OK, ret = 0;

	if (row != NULL)
		*row = 0;
	if ((st = sq_stmt(s, q)) == NULL)
		return sq_fail(s, sqlite3_errcode(s->db), q->what);
	va_start(ap, fmt);
	for (i = 1; rc == SQLITE_OK && fmt[i - 1] != '\0'; i++) {
		switch (fmt[i - 1]) {
		case 's':
			rc = sqlite3_bind_text(st, i, va_arg(ap, const char *),
			    -1, SQLITE_STATIC);
			break;
		case 'i':
			rc = sqlite3_bind_int(st, i, va_arg(ap, int));
			break;
		case 'l':
			rc = sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
			break;
		case 'b':
			blob = va_arg(ap, const void *);
			rc = sqlite3_bind_blob64(st, i, blob,
			    va_arg(ap, size_t), SQLITE_STATIC);
			break;
		default:
			rc = SQLITE_MISUSE;
			break;
		}
	}
	va_end(ap);
	if (rc != SQLITE_OK) {
		ret = sq_fail(s, rc, q->what);
		sq_done(s, q);
		return ret;
	}
	return sq_step(s, q, row);
}

const char *
sq_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* A write outside store_begin() would commit alone, before its caller decided. */
int
sq_need_tx(struct store *s, const char *what)
{
	if (!sqlite3_get_autocommit(s->db))
		return 0;
	mo_warn("%s: %s: not inside a transaction", s->path, what);
	return EX_SOFTWARE;
}

