/* store_db.h — private to the store*.c files: the connection and the helpers every query goes through. */
#ifndef MAILOPT_STORE_DB_H
#define MAILOPT_STORE_DB_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store.h"

/* One query: its SQL and what it does, for diagnostics. Always static. */
struct sq {
	const char	*what;
	const char	*sql;
};

struct store {
	sqlite3		*db;
	char		*path;
	int		 version;
	struct {
		const struct sq	*q;
		sqlite3_stmt	*st;
	}		*stmts;		/* prepared on first use, kept for the connection's life */
	size_t		 nstmts, capstmts;
};

/*
 * The one place SQLite results become exit codes (see store.h).
 * Prints "path: what: sqlite's message" and returns the code.
 */
int		 sq_fail(struct store *s, int rc, const char *what);
/* sqlite3_exec of a literal; 0 or sq_fail's code. */
int		 sq_exec(struct store *s, const char *sql, const char *what);
/* The statement for q, prepared on first use; NULL if it does not compile. */
sqlite3_stmt	*sq_stmt(struct store *s, const struct sq *q);
/* Finalize every prepared statement (before sqlite3_close). */
void		 sq_finalize(struct store *s);
/*
 * Bind the arguments fmt describes and step q once. fmt has one letter
 * per parameter: 's' text, 'i' int, 'l' int64_t, 'b' blob as (const
 * void *, size_t); a NULL pointer binds NULL. Bound strings must
 * outlive the query's use. With a row, *row is 1 and the row stays
 * readable (sq_stmt) until the next sq_step or sq_done; otherwise *row
 * is 0 and the query is reset. row may be NULL when nobody reads rows.
 */
int		 sq_run(struct store *s, const struct sq *q, int *row,
		    const char *fmt, ...);
int		 sq_step(struct store *s, const struct sq *q, int *row);
/* Reset q and drop its bindings, which point into the caller's strings. */
void		 sq_done(struct store *s, const struct sq *q);
/* Column i as text (NULL for SQL NULL). */
const char	*sq_text(sqlite3_stmt *st, int i);
/* EX_SOFTWARE, said, unless a transaction is open: writes never commit alone. */
int		 sq_need_tx(struct store *s, const char *what);

#endif
