/* testdb.h — a new database in a scratch directory for the C unit tests, and its removal. */
#ifndef MAILOPT_TESTDB_H
#define MAILOPT_TESTDB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store.h"

/*
 * Create dir (a mkdtemp template, rewritten) and a database in it,
 * reported as a test. NULL when either fails; else the caller owns the
 * store and calls testdb_done.
 */
static struct store *
testdb_open(char *dir)
{
	char path[256];
	struct store *s = NULL;

	if (mkdtemp(dir) == NULL ||
	    snprintf(path, sizeof path, "%s/db/mailopt.db", dir) >= (int)sizeof path)
		return NULL;
	if (!ok(store_open(path, 1, &s) == 0, "database created"))
		return NULL;
	return s;
}

/* Close the store and remove dir with everything in it. */
static void
testdb_done(struct store *s, const char *dir)
{
	char cmd[300];

	store_free(s);
	if (snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir) >= (int)sizeof cmd ||
	    system(cmd) != 0)
		ok(0, "cleanup");
}

#endif
