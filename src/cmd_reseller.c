/* cmd_reseller.c — `reseller import`: who represents the company in which country. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"
#include "compose.h"
#include "conf.h"
#include "csv.h"
#include "store.h"
#include "util.h"

/* One line per country: a few hundred at the very most. */
#define MAX_IMPORT	(16u * 1024 * 1024)

enum col { C_COUNTRY, C_NAME, C_EMAIL, NCOLS };

static const char *const columns[NCOLS] = { "country", "name", "email" };

/* The record as a reseller (borrowing f); NULL, or why it is bad. */
static const char *
row(char **f, size_t nf, const int map[NCOLS], struct reseller *r)
{
	char *v[NCOLS];

	if (nf != NCOLS)
		return "wrong number of fields";
	for (size_t i = 0; i < nf; i++)
		v[map[i]] = str_trim(f[i]);
	if (strlen(v[C_COUNTRY]) != 2 ||
	    strspn(ascii_lower(v[C_COUNTRY]), "abcdefghijklmnopqrstuvwxyz") != 2)
		return "country is not an ISO 3166 alpha-2 code";
	for (char *c = v[C_COUNTRY]; *c; c++)
		*c = (char)(*c - 'a' + 'A');
	if (*v[C_NAME] == '\0')
		return "no name";
	if (!utf8_valid(v[C_NAME], strlen(v[C_NAME])))
		return "name is not UTF-8";
	if (!compose_addr_ok(v[C_EMAIL]))
		return "email is not an address mail can go to";
	r->country = v[C_COUNTRY];
	r->name = v[C_NAME];
	r->email = v[C_EMAIL];
	return NULL;
}

static int
import(const struct conf *c, const char *path)
{
	struct store *s = NULL;
	struct csv *csv = NULL;
	struct buf data = { 0 };
	struct reseller r;
	int map[NCOLS], rc, over;
	const char *why;
	size_t nf, count = 0;
	char **f, *bad = NULL;

	if ((rc = read_path_capped(path, MAX_IMPORT, &data, &over)) != 0)
		goto out;
	if (over) {
		mo_warn("%s: too large", path);
		rc = EX_IOERR;
		goto out;
	}
	csv = csv_new(buf_str(&data), data.len);
	if ((rc = csv_read(csv, &f, &nf)) <= 0 || nf != NCOLS ||
	    (bad = csv_header(f, nf, columns, NCOLS, map)) != NULL) {
		mo_warn("%s:1: %s", path, rc < 0 ? csv_error(csv) :
		    rc == 0 ? "empty file, no header line" : bad ? bad :
		    "the header must name country, name and email");
		rc = EX_DATAERR;
		goto out;
	}
	/* the file is the whole list: a country left out has no reseller any more */
	if ((rc = open_store(c, &s)) != 0 || (rc = store_begin(s)) != 0 ||
	    (rc = store_reseller_clear(s)) != 0)
		goto out;
	while ((rc = csv_read(csv, &f, &nf)) != 0) {
		why = rc < 0 ? csv_error(csv) : nf == 1 && *f[0] == '\0' ? "" :
		    row(f, nf, map, &r);
		if (why != NULL && *why == '\0')
			continue;	/* blank line */
		if (why != NULL) {
			mo_warn("%s:%zu: %s", path, csv_line(csv), why);
			rc = EX_DATAERR;
			goto rollback;
		}
		if ((rc = store_reseller_add(s, &r)) != 0) {
			if (rc == EX_DATAERR)
				mo_warn("%s:%zu: %s has a reseller already",
				    path, csv_line(csv), r.country);
			goto rollback;
		}
		count++;
	}
	if ((rc = store_commit(s)) == 0)
		printf("imported %zu resellers\n", count);
	goto out;
rollback:
	store_rollback(s);
	mo_warn("%s: nothing imported", path);
out:
	free(bad);
	csv_free(csv);
	buf_free(&data);
	store_free(s);
	return rc;
}

int
cmd_reseller(const struct conf *c, int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "import") == 0)
		return import(c, argv[2]);
	return usage_error("reseller");
}
