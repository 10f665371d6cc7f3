/* cmd_export.c — `export suppression`: the addresses a campaign on one channel must leave out. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "action.h"
#include "cmd.h"
#include "conf.h"
#include "csv.h"
#include "json.h"
#include "store.h"
#include "util.h"

static const struct channel {
	const char	*name;
	unsigned	 flag;
} channels[] = {
	{ "email", FLAG_EMAIL },
	{ "postal", FLAG_POSTAL },
	{ "third-party", FLAG_THIRDPARTY },
};

/* The columns, in the order of struct suppressed's fields in row_values(). */
static const char *const columns[] = {
	"email", "profile", "name", "company", "address", "country"
};
#define NCOLUMNS	(sizeof columns / sizeof columns[0])

struct exporter {
	int		 json;
	int		 hashed;	/* a sha256 column, and the erased addresses */
	struct buf	 line;
};

static void
row_values(const struct suppressed *x, const char *v[NCOLUMNS])
{
	v[0] = x->email;
	v[1] = x->profile;
	v[2] = x->name;
	v[3] = x->company;
	v[4] = x->address;
	v[5] = x->country;
}

static int
export_one(const struct suppressed *x, void *arg)
{
	struct exporter *e = arg;
	const char *v[NCOLUMNS];
	char hex[65];
	int first = 1;

	row_values(x, v);
	buf_reset(&e->line);
	if (e->json)
		buf_addc(&e->line, '{');
	for (size_t i = 0; i < NCOLUMNS; i++) {
		if (e->json)
			json_kstr(&e->line, columns[i], v[i], &first);
		else {
			if (i > 0)
				buf_addc(&e->line, ',');
			csv_field(&e->line, v[i]);
		}
	}
	if (e->hashed) {
		if (x->email != NULL)
			store_address_hash(x->email, hex);
		else
			snprintf(hex, sizeof hex, "%s", x->hash);
		if (e->json)
			json_kstr(&e->line, "sha256", hex, &first);
		else
			buf_printf(&e->line, ",%s", hex);
	}
	if (e->json)
		buf_addc(&e->line, '}');
	printf("%s\n", buf_str(&e->line));
	return ferror(stdout) ? EX_IOERR : 0;
}

/* An erased address: nothing of it is left but its hash. */
static int
export_erased(const char *hash, void *arg)
{
	const struct suppressed x = { .hash = hash };

	return export_one(&x, arg);
}

static int
suppression(const struct conf *c, unsigned flag, int json, int hashed)
{
	struct store *s = NULL;
	struct exporter e = { .json = json, .hashed = hashed };
	int rc;

	if ((rc = open_store(c, &s)) != 0)
		return rc;
	if (!json)
		for (size_t i = 0; i < NCOLUMNS; i++)
			printf("%s%s", columns[i], i + 1 < NCOLUMNS ? "," :
			    hashed ? ",sha256\n" : "\n");
	/* an erased profile has every flag off: its hashes are on every list */
	if ((rc = store_suppression_each(s, flag, export_one, &e)) == 0 &&
	    hashed)
		rc = store_erased_each(s, export_erased, &e);
	buf_free(&e.line);
	store_free(s);
	return rc;
}

int
cmd_export(const struct conf *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "channel", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "hashed", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct channel *ch = NULL;
	int opt, json = 0, hashed = 0;

	if (argc < 2 || strcmp(argv[1], "suppression") != 0)
		return usage_error("export");
	/* from the subcommand on; optind is 0, so options may follow operands */
	argc--;
	argv++;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			ch = NULL;
			for (size_t i = 0; i < sizeof channels / sizeof channels[0]; i++)
				if (strcmp(optarg, channels[i].name) == 0)
					ch = &channels[i];
			if (ch == NULL) {
				mo_warn("%s: unknown channel (email, postal or third-party)",
				    optarg);
				return EX_USAGE;
			}
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				json = 1;
			else if (strcmp(optarg, "csv") == 0)
				json = 0;
			else {
				mo_warn("%s: unknown format (csv or json)", optarg);
				return EX_USAGE;
			}
			break;
		case 'h':
			hashed = 1;
			break;
		default:
			return usage_error("export");
		}
	}
	if (optind != argc || ch == NULL)
		return usage_error("export");
	return suppression(c, ch->flag, json, hashed);
}
