/* cmd_profile.c — `profile import|export|show`: customer profiles in and out. */
#include "config.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "action.h"
#include "cmd.h"
#include "conf.h"
#include "csv.h"
#include "import.h"
#include "json.h"
#include "store.h"
#include "util.h"

/* Hard cap on an import file: a CRM dump, not an unbounded stream. */
#define MAX_IMPORT	(1024u * 1024 * 1024)

enum col {
	C_EMAIL, C_OTHER, C_NAME, C_COMPANY, C_PHONE, C_ADDRESS, C_COUNTRY,
	C_PRODUCTS, C_MEMAIL, C_MPOSTAL, C_THIRD, NCOLS
};

static const char *const columns[NCOLS] = {
	"email", "other_emails", "name", "company", "phone", "address",
	"country", "products", "marketing_email", "marketing_postal",
	"third_party"
};

/* "1/0", "true/false", "yes/no", empty (allowed). -1 if none of these. */
static int
parse_bool(const char *v)
{
	if (*v == '\0' || !ascii_casecmp(v, "1") || !ascii_casecmp(v, "true") ||
	    !ascii_casecmp(v, "yes"))
		return 1;
	if (!ascii_casecmp(v, "0") || !ascii_casecmp(v, "false") ||
	    !ascii_casecmp(v, "no"))
		return 0;
	return -1;
}

static int
plausible_address(const char *a)
{
	const char *at = strchr(a, '@');

	return at && at != a && strchr(at + 1, '.') && !strchr(at + 1, '@') &&
	    strcspn(a, " \t\r\n,;<>\"") == strlen(a);
}

/* Fill p from one record; NULL on success or the reason it is bad. */
static const char *
row_to_profile(char **f, size_t nf, const int *map, struct profile *p)
{
	const char *v[NCOLS] = { 0 };
	static const unsigned bits[] = { FLAG_EMAIL, FLAG_POSTAL, FLAG_THIRDPARTY };
	char *list, *tok, *save;
	int b;

	for (size_t i = 0; i < nf; i++)
		v[map[i]] = f[i];
	for (int i = 0; i < NCOLS; i++)
		if (v[i] == NULL)
			v[i] = "";
	if (!plausible_address(v[C_EMAIL]))
		return "email is not an address";
	list = xstrdup(v[C_OTHER]);
	for (tok = strtok_r(list, ";", &save); tok; tok = strtok_r(NULL, ";", &save))
		if (*str_trim(tok) && !plausible_address(tok)) {
			free(list);
			return "other_emails holds something that is not an address";
		}
	free(list);
	if (*v[C_COUNTRY] && (strlen(v[C_COUNTRY]) != 2 ||
	    !((v[C_COUNTRY][0] | 32) >= 'a' && (v[C_COUNTRY][0] | 32) <= 'z' &&
	    (v[C_COUNTRY][1] | 32) >= 'a' && (v[C_COUNTRY][1] | 32) <= 'z')))
		return "country is not an ISO 3166 alpha-2 code";
	p->flags = 0;
	for (int i = 0; i < 3; i++) {
		if ((b = parse_bool(v[C_MEMAIL + i])) < 0)
			return "a flag is not 1/0, true/false or yes/no";
		if (b)
			p->flags |= bits[i];
	}
	p->email = xstrdup(v[C_EMAIL]);
	p->other_emails = xstrdup(v[C_OTHER]);
	p->name = xstrdup(v[C_NAME]);
	p->company = xstrdup(v[C_COMPANY]);
	p->phone = xstrdup(v[C_PHONE]);
	p->address = xstrdup(v[C_ADDRESS]);
	p->country = xstrdup(v[C_COUNTRY]);
	for (char *c = p->country; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c -= 32;
	p->products = xstrdup(v[C_PRODUCTS]);
	return NULL;
}

/* An email column is the one a profile cannot do without. */
static const char *
profile_header(const int *map, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (map[i] == C_EMAIL)
			return NULL;
	return "no email column";
}

static int
profile_record(struct store *s, char **f, size_t nf, const int *map,
    const char *where, void *arg)
{
	struct profile p = { 0 };
	const char *why;
	int rc;

	if ((why = row_to_profile(f, nf, map, &p)) != NULL) {
		mo_warn("%s: %s", where, why);
		rc = EX_DATAERR;
	} else if ((rc = store_profile_put(s, &p, "import")) != 0)
		mo_warn("%s: profile %s not imported", where, p.email);
	profile_clear(&p);
	return rc;
}

static int
import(const struct conf *c, const char *path)
{
	static const struct import im = {
		.what = "profiles",
		.columns = columns,
		.ncolumns = NCOLS,
		.max_size = MAX_IMPORT,
		.header = profile_header,
		.record = profile_record,
	};

	return import_csv(c, path, &im, NULL);
}

static void
profile_json(const struct profile *p, struct buf *b, int *first)
{
	const char *v[] = { p->email, p->other_emails, p->name, p->company,
	    p->phone, p->address, p->country, p->products };

	for (int i = 0; i <= C_PRODUCTS; i++)
		json_kstr(b, columns[i], v[i], first);
	for (int i = 0; i < FLAG_COUNT; i++)
		json_kbool(b, flag_name(i), p->flags & flag_bit(i), first);
}

struct export {
	int		 json;
	struct buf	 line;
};

static int
export_one(const struct profile *p, void *arg)
{
	struct export *e = arg;
	const char *v[] = { p->email, p->other_emails, p->name, p->company,
	    p->phone, p->address, p->country, p->products };
	int first = 1;

	buf_reset(&e->line);
	if (e->json) {
		buf_addc(&e->line, '{');
		profile_json(p, &e->line, &first);
		buf_addc(&e->line, '}');
	} else {
		for (int i = 0; i <= C_PRODUCTS; i++) {
			csv_field(&e->line, v[i]);
			buf_addc(&e->line, ',');
		}
		for (int i = 0; i < FLAG_COUNT; i++)
			buf_adds(&e->line, p->flags & flag_bit(i) ?
			    (i < FLAG_COUNT - 1 ? "1," : "1") :
			    (i < FLAG_COUNT - 1 ? "0," : "0"));
	}
	printf("%s\n", buf_str(&e->line));
	return ferror(stdout) ? EX_IOERR : 0;
}

static int
export(const struct conf *c, int json)
{
	struct store *s = NULL;
	struct export e = { .json = json };
	int rc;

	if ((rc = open_store(c, &s)) != 0)
		return rc;
	if (!json)
		for (int i = 0; i < NCOLS; i++)
			printf("%s%s", columns[i], i < NCOLS - 1 ? "," : "\n");
	rc = store_profile_each(s, export_one, &e);
	buf_free(&e.line);
	store_free(s);
	return rc;
}

struct show {
	int		 json, n;
	struct buf	*out;
};

static int
show_history(const struct history *h, void *arg)
{
	struct show *sh = arg;
	struct buf *b = sh->out;
	char when[32];
	int first = 1;

	iso_time(h->time, when);
	if (sh->json) {
		if (sh->n++)
			buf_addc(b, ',');
		buf_addc(b, '{');
		json_kstr(b, "time", when, &first);
		json_kstr(b, "flag", h->flag, &first);
		json_kbool(b, "old", h->old_value, &first);
		json_kbool(b, "new", h->new_value, &first);
		json_kstr(b, "message_id", h->message_id, &first);
		json_kstr(b, "rule", h->rule, &first);
		json_kstr(b, "operator", h->operator, &first);
		buf_addc(b, '}');
	} else {
		sh->n++;
		buf_printf(b, "  %s %s %d -> %d", when, h->flag, h->old_value,
		    h->new_value);
		if (h->message_id)
			buf_printf(b, " message <%s>", h->message_id);
		if (h->rule)
			buf_printf(b, " rule %s", h->rule);
		if (h->operator)
			buf_printf(b, " by %s", h->operator);
		buf_addc(b, '\n');
	}
	return 0;
}

static int
show(const struct conf *c, const char *email, int json)
{
	struct store *s = NULL;
	struct profile p = { 0 };
	struct buf b = { 0 };
	struct show sh = { .json = json, .out = &b };
	int found, rc, first = 1;

	if ((rc = open_store(c, &s)) != 0 ||
	    (rc = store_profile_find(s, email, &p, &found)) != 0)
		goto out;
	if (!found) {
		mo_warn("%s: no such profile", email);
		rc = EX_NOINPUT;
		goto out;
	}
	if (json) {
		buf_addc(&b, '{');
		profile_json(&p, &b, &first);
		json_key(&b, "history", &first);
		buf_addc(&b, '[');
	} else {
		const char *v[] = { p.email, p.other_emails, p.name, p.company,
		    p.phone, p.address, p.country, p.products };

		for (int i = 0; i <= C_PRODUCTS; i++)
			buf_printf(&b, "%-17s %s\n", columns[i], v[i] ? v[i] : "");
		for (int i = 0; i < FLAG_COUNT; i++)
			buf_printf(&b, "%-17s %s\n", flag_name(i),
			    p.flags & flag_bit(i) ? "yes" : "no");
		buf_adds(&b, "history:\n");
	}
	if ((rc = store_history_each(s, p.id, show_history, &sh)) != 0)
		goto out;
	if (json)
		buf_adds(&b, "]}");
	else if (sh.n == 0)
		buf_adds(&b, "  (none)");
	printf("%s%s", buf_str(&b), json || sh.n == 0 ? "\n" : "");
out:
	buf_free(&b);
	profile_clear(&p);
	store_free(s);
	return rc;
}

int
cmd_profile(const struct conf *c, int argc, char **argv)
{
	int json = 0;

	if (argc < 2)
		return usage_error("profile");
	if (strcmp(argv[1], "import") == 0 && argc == 3)
		return import(c, argv[2]);
	if (strcmp(argv[1], "export") == 0 && argc <= 3) {
		if (argc == 3 && strcmp(argv[2], "--json") == 0)
			json = 1;
		else if (argc == 3 && strcmp(argv[2], "--csv") != 0)
			return usage_error("profile");
		return export(c, json);
	}
	if (strcmp(argv[1], "show") == 0 && (argc == 3 || argc == 4)) {
		if (argc == 4 && strcmp(argv[3], "--json") != 0)
			return usage_error("profile");
		return show(c, argv[2], argc == 4);
	}
	return usage_error("profile");
}
