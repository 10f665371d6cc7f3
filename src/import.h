/* import.h — a CSV file loaded all or nothing: the header mapped onto known columns, each record handed on inside one transaction. */
#ifndef MAILOPT_IMPORT_H
#define MAILOPT_IMPORT_H

#include <stddef.h>

struct conf;

/* A record's answer: not taken, but no reason to stop. */
#define IMPORT_SKIP	(-1)
struct store;

struct import {
	const char		*what;		/* "profile": for "imported N profiles" */
	const char *const	*columns;
	int			 ncolumns;
	size_t			 max_size;	/* bytes the file may have */
	/*
	 * The header's fields mapped (map[i] is the column of field i):
	 * NULL when it will do, else why not. May be NULL.
	 */
	const char	*(*header)(const int *map, size_t n);
	/* Inside the transaction, before the first record. May be NULL. */
	int		 (*start)(struct store *s, void *arg);
	/*
	 * One record, its fields borrowed till the next; map[i] is -1
	 * for a field of an unknown column. Returns 0, IMPORT_SKIP for a
	 * record left out (having said why), or an exit code having said
	 * why, starting with where ("FILE:LINE").
	 */
	int		 (*record)(struct store *s, char **fields, size_t n,
			    const int *map, const char *where, void *arg);
	/* Inside the transaction, after the last record, unless a dry run. May be NULL. */
	int		 (*finish)(struct store *s, void *arg);
};

/*
 * Read path ("-": standard input), map its header (header names in any
 * case; an unknown column is named in a warning and skipped), and hand
 * every record that is not a blank line, and has as many fields as the
 * header, all valid UTF-8, to im->record, all in one transaction that
 * is committed only when every record was taken or skipped, and with
 * dry_run rolled back. Prints "imported N what" (or "would import ...")
 * on success, else says what and where. Returns 0 or an exit code
 * (EX_DATAERR for a bad file).
 */
int	 import_csv(const struct conf *c, const char *path,
	    const struct import *im, int dry_run, void *arg);

#endif
