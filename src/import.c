/* import.c — a CSV file loaded all or nothing: the header mapped onto known columns, each record handed on inside one transaction. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "conf.h"
#include "csv.h"
#include "import.h"
#include "store.h"
#include "util.h"

/* Every field of a record is UTF-8: what is stored is read as text again. */
static int
record_utf8(char **f, size_t nf)
{
	for (size_t i = 0; i < nf; i++)
		if (!utf8_valid(f[i], strlen(f[i])))
			return 0;
	return 1;
}

int
import_csv(const struct conf *c, const char *path, const struct import *im,
    int dry_run, void *arg)
{
	struct store *s = NULL;
	struct csv *csv = NULL;
	struct buf data = { 0 };
	int *map = NULL, over, rc;
	char **f, *bad = NULL, *where = NULL;
	const char *why = NULL;
	size_t nf, ncols = 0, count = 0;

	if ((rc = read_path_capped(path, im->max_size, &data, &over)) != 0)
		goto out;
	if (over) {
		mo_warn("%s: too large", path);
		rc = EX_IOERR;
		goto out;
	}
	csv = csv_new(buf_str(&data), data.len);
	if ((rc = csv_read(csv, &f, &nf)) > 0) {
		ncols = nf;
		map = xcalloc(nf, sizeof *map);
		if (!record_utf8(f, nf))
			why = "not valid UTF-8";
		else if ((bad = csv_header(f, nf, im->columns, im->ncolumns,
		    map)) == NULL && im->header)
			why = im->header(map, nf);
	}
	/* a CRM export has many columns that are not ours */
	for (size_t i = 0; rc > 0 && !bad && !why && i < ncols; i++)
		if (map[i] < 0)
			mo_warn("%s:1: unknown column \"%s\" skipped", path, f[i]);
	if (rc <= 0 || bad || why) {
		mo_warn("%s:1: %s", path, rc < 0 ? csv_error(csv) :
		    rc == 0 ? "empty file, no header line" : bad ? bad : why);
		rc = EX_DATAERR;
		goto out;
	}
	if ((rc = open_store(c, &s)) != 0 || (rc = store_bulk(s)) != 0 ||
	    (rc = store_begin(s)) != 0 ||
	    (im->start && (rc = im->start(s, arg)) != 0))
		goto rollback;
	while ((rc = csv_read(csv, &f, &nf)) != 0) {
		if (rc < 0) {
			mo_warn("%s:%zu: %s", path, csv_line(csv), csv_error(csv));
			rc = EX_DATAERR;
			goto rollback;
		}
		if (nf == 1 && *f[0] == '\0')
			continue;	/* blank line */
		free(where);
		where = xasprintf("%s:%zu", path, csv_line(csv));
		if (nf != ncols || !record_utf8(f, nf)) {
			mo_warn("%s: %s", where, nf != ncols ?
			    "wrong number of fields" : "not valid UTF-8");
			rc = EX_DATAERR;
			goto rollback;
		}
		if ((rc = im->record(s, f, nf, map, where, arg)) == IMPORT_SKIP)
			continue;
		if (rc != 0)
			goto rollback;
		count++;
	}
	if (!dry_run && im->finish && (rc = im->finish(s, arg)) != 0)
		goto rollback;
	if (dry_run) {
		store_rollback(s);
		printf("would import %zu %s%s (dry run: nothing changed)\n",
		    count, im->what, count == 1 ? "" : "s");
	} else if ((rc = store_commit(s)) == 0)
		printf("imported %zu %s%s\n", count, im->what,
		    count == 1 ? "" : "s");
	goto out;
rollback:
	if (s != NULL) {
		store_rollback(s);
		mo_warn("%s: nothing imported", path);
	}
out:
	free(where);
	free(bad);
	free(map);
	csv_free(csv);
	buf_free(&data);
	store_free(s);
	return rc;
}
