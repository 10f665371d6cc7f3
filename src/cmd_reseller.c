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
#include "import.h"
#include "store.h"
#include "util.h"

/* One line per country: a few hundred at the very most. */
#define MAX_IMPORT	(16u * 1024 * 1024)

enum col { C_COUNTRY, C_NAME, C_EMAIL, NCOLS };

static const char *const columns[NCOLS] = { "country", "name", "email" };

/* The record as a reseller (borrowing f); NULL, or why it is bad. */
static const char *
row(char **f, size_t nf, const int *map, struct reseller *r)
{
	char *v[NCOLS];

	for (size_t i = 0; i < nf; i++)
		if (map[i] >= 0)
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

/* csv_header refused repeated columns: three known ones are all three. */
static const char *
reseller_header(const int *map, size_t n)
{
	size_t known = 0;

	for (size_t i = 0; i < n; i++)
		known += map[i] >= 0;
	return known == NCOLS ? NULL : "the header must name country, name and email";
}

/* The file is the whole list: a country left out has no reseller any more. */
static int
reseller_start(struct store *s, void *arg)
{
	return store_reseller_clear(s);
}

static int
reseller_record(struct store *s, char **f, size_t nf, const int *map,
    const char *where, void *arg)
{
	struct reseller r;
	const char *why;
	int rc;

	if ((why = row(f, nf, map, &r)) != NULL) {
		mo_warn("%s: %s", where, why);
		return EX_DATAERR;
	}
	if ((rc = store_reseller_add(s, &r)) == EX_DATAERR)
		mo_warn("%s: %s has a reseller already", where, r.country);
	return rc;
}

static int
import(const struct conf *c, const char *path)
{
	static const struct import im = {
		.what = "reseller",
		.columns = columns,
		.ncolumns = NCOLS,
		.max_size = MAX_IMPORT,
		.header = reseller_header,
		.start = reseller_start,
		.record = reseller_record,
	};

	return import_csv(c, path, &im, 0, NULL);
}

int
cmd_reseller(const struct conf *c, int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "import") == 0)
		return import(c, argv[2]);
	return usage_error("reseller");
}
