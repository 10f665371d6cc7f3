/* cmd_profile.c — `profile import|export|show|set|delete`: customer profiles in and out, an operator's changes, erasure. */
#include "config.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "action.h"
#include "candidates.h"
#include "cmd.h"
#include "conf.h"
#include "csv.h"
#include "import.h"
#include "json.h"
#include "operator.h"
#include "outbox.h"
#include "process.h"
#include "store.h"
#include "util.h"

/* Hard cap on an import file: a CRM dump, not an unbounded stream. */
#define MAX_IMPORT	(1024u * 1024 * 1024)

enum col {
	C_EMAIL, C_OTHER, C_NAME, C_COMPANY, C_PHONE, C_ADDRESS, C_COUNTRY,
	C_PRODUCTS, C_MEMAIL, C_MPOSTAL, C_THIRD, C_CONSENT, NCOLS
};
/* profile export writes these; consent_time is read only. */
#define NEXPORT		C_CONSENT
_Static_assert(C_MPOSTAL - C_MEMAIL == 1 && C_THIRD - C_MEMAIL == 2 &&
    FLAG_COUNT == 3, "the flag columns are in flag_name() order");

static const char *const columns[NCOLS] = {
	"email", "other_emails", "name", "company", "phone", "address",
	"country", "products", "marketing_email", "marketing_postal",
	"third_party", "consent_time"
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

/*
 * The addresses read so far, lower-cased, with where each was: an
 * address twice in one file is a mistake the file's author must see.
 * Open addressing; the table is at most half full.
 */
struct seen {
	struct seen_slot {
		char	*addr, *where;
	}		*v;
	size_t		 n, cap;
};

static void
seen_free(struct seen *t)
{
	for (size_t i = 0; i < t->cap; i++) {
		free(t->v[i].addr);
		free(t->v[i].where);
	}
	free(t->v);
}

static struct seen_slot *
seen_slot(struct seen *t, const char *addr)
{
	uint64_t h = 14695981039346656037u;	/* FNV-1a */
	size_t i;

	for (const char *p = addr; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	for (i = (size_t)h & (t->cap - 1); t->v[i].addr != NULL &&
	    strcmp(t->v[i].addr, addr) != 0; i = (i + 1) & (t->cap - 1))
		;
	return &t->v[i];
}

/* Where addr was seen before (borrowed), or NULL after noting it at where. */
static const char *
seen_add(struct seen *t, const char *addr, const char *where)
{
	struct seen_slot *sl;
	char *key;

	if (2 * (t->n + 1) > t->cap) {
		struct seen old = *t;

		t->cap = t->cap ? 2 * t->cap : 64;
		t->v = xcalloc(t->cap, sizeof *t->v);
		for (size_t i = 0; i < old.cap; i++)
			if (old.v[i].addr != NULL)
				*seen_slot(t, old.v[i].addr) = old.v[i];
		free(old.v);
	}
	key = ascii_lower(xstrdup(addr));
	sl = seen_slot(t, key);
	if (sl->addr != NULL) {
		free(key);
		return sl->where;
	}
	sl->addr = key;
	sl->where = xstrdup(where);
	t->n++;
	return NULL;
}

/* One import run: what the summary and a dry run say. */
struct run {
	int		 dry_run;
	unsigned long	 kept;		/* flags the file would have turned back on */
	unsigned long	 erased;	/* records refused: an erased address */
	struct seen	 seen;
	struct buf	 out;
};

/* One record's values: v[col] NULL when the file has no such column. */
struct row {
	char		*v[NCOLS];
	char		*others;	/* other_emails, trimmed and ';'-joined */
	int64_t		 consent;	/* 0: none */
};

/* Check and tidy the record's values in place; NULL, or why it is bad. */
static const char *
row_read(char **f, size_t nf, const int *map, struct row *r)
{
	struct buf others = { 0 };
	char *list, *tok, *save;
	const char *why = NULL;
	char *c;

	memset(r, 0, sizeof *r);
	for (size_t i = 0; i < nf; i++)
		if (map[i] >= 0)
			r->v[map[i]] = csv_unguard(f[i]);
	if (!plausible_address(r->v[C_EMAIL]))
		return "email is not an address";
	if ((c = r->v[C_COUNTRY]) != NULL && *c && (strlen(c) != 2 ||
	    strspn(ascii_lower(c), "abcdefghijklmnopqrstuvwxyz") != 2))
		return "country is not an ISO 3166 alpha-2 code";
	for (; c && *c; c++)
		*c = (char)(*c - 'a' + 'A');
	for (int i = C_MEMAIL; i <= C_THIRD; i++)
		if (r->v[i] && parse_bool(str_trim(r->v[i])) < 0)
			return "a flag is not 1/0, true/false or yes/no";
	if (r->v[C_CONSENT] && *str_trim(r->v[C_CONSENT]) &&
	    iso_parse(r->v[C_CONSENT], &r->consent) != 0)
		return "consent_time is not an ISO 8601 date or time";
	/* a typo in the year must not outweigh every later opt-out */
	if (r->consent > (int64_t)mo_now())
		return "consent_time is in the future";
	if (r->v[C_OTHER] == NULL)
		return NULL;
	list = xstrdup(r->v[C_OTHER]);
	for (tok = strtok_r(list, ";", &save); tok && !why;
	    tok = strtok_r(NULL, ";", &save)) {
		if (*str_trim(tok) == '\0')
			continue;
		if (!plausible_address(tok))
			why = "other_emails holds something that is not an address";
		buf_printf(&others, "%s%s", others.len ? ";" : "", tok);
	}
	free(list);
	r->others = buf_steal(&others);
	return why;
}

/* Every address of the record, primary first; NULL after the last. */
static const char *
row_address(const struct row *r, size_t i, char **save, char **copy)
{
	if (i == 0) {
		free(*copy);
		*copy = xstrdup(r->others ? r->others : "");
		*save = NULL;
		return r->v[C_EMAIL];
	}
	return strtok_r(i == 1 ? *copy : NULL, ";", save);
}

/*
 * An address in this file before, or one erased: 0 to go on, IMPORT_SKIP
 * (erased) or EX_DATAERR, said.
 */
static int
row_addresses(struct store *s, struct run *run, const struct row *r,
    const char *where)
{
	char *copy = NULL, *save = NULL, when[32];
	const char *a, *before;
	int64_t t;
	int found, rc = 0;

	for (size_t i = 0; rc == 0 && (a = row_address(r, i, &save, &copy)); i++)
		if ((before = seen_add(&run->seen, a, where)) != NULL) {
			mo_warn("%s: %s is on %s already", where, a, before);
			rc = EX_DATAERR;
		}
	for (size_t i = 0; rc == 0 && (a = row_address(r, i, &save, &copy)); i++)
		if ((rc = store_erased_find(s, a, &t, &found)) == 0 && found) {
			mo_warn("%s: %s was erased on %s: not imported", where, a,
			    iso_time(t, when));
			run->erased++;
			rc = IMPORT_SKIP;
		}
	free(copy);
	return rc;
}

/* Field i of a profile: email, other_emails, ... products (C_EMAIL..C_PRODUCTS). */
static const char *
profile_value(const struct profile *p, int i)
{
	const char *v[] = { p->email, p->other_emails, p->name, p->company,
	    p->phone, p->address, p->country, p->products };

	return v[i];
}

/* A dry run's line, "EMAIL: what" */
static void
say(struct run *run, const char *email, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
say(struct run *run, const char *email, const char *fmt, ...)
{
	va_list ap;

	if (!run->dry_run)
		return;
	buf_reset(&run->out);
	va_start(ap, fmt);
	buf_vprintf(&run->out, fmt, ap);
	va_end(ap);
	printf("%s: %s\n", email, buf_str(&run->out));
}

/*
 * The flags p gets from the record: a new profile's missing ones are
 * on; an existing profile's flag goes off when the file says so, and
 * on only when the file's consent_time is newer than its last change.
 */
static int
merge_flags(struct store *s, struct run *run, const struct row *r,
    struct profile *p, int existing, int *consented)
{
	char when[32];
	int64_t last;
	int rc, b, f;

	for (f = 0; f < FLAG_COUNT; f++) {
		const char *v = r->v[C_MEMAIL + f];
		const unsigned bit = flag_bit(f);

		if (v == NULL || (existing && *v == '\0'))
			continue;
		b = parse_bool(v);
		if (!existing || !b || (p->flags & bit)) {
			p->flags = b ? p->flags | bit : p->flags & ~bit;
			continue;
		}
		if ((rc = store_flag_changed(s, p->id, f, &last)) != 0)
			return rc;
		if (r->consent > last) {
			p->flags |= bit;
			*consented = 1;
			continue;
		}
		run->kept++;
		say(run, p->email, "kept off: %s (the file says 1; %s %s)",
		    flag_name(f), r->consent ? "consent_time not after the change of" :
		    "no consent_time; last changed", iso_time(last, when));
	}
	return 0;
}

/* What a dry run says changes from old to p. */
static void
say_changes(struct run *run, const struct profile *old,
    const struct profile *p, int existing)
{
	if (!run->dry_run)
		return;
	if (!existing) {
		say(run, p->email, "new profile");
		return;
	}
	for (int i = C_OTHER; i <= C_PRODUCTS; i++) {
		const char *a = profile_value(old, i), *b = profile_value(p, i);

		if (strcmp(a ? a : "", b ? b : "") != 0)
			say(run, p->email, "%s \"%s\" -> \"%s\"", columns[i],
			    a ? a : "", b ? b : "");
	}
	for (int f = 0; f < FLAG_COUNT; f++)
		if ((old->flags ^ p->flags) & flag_bit(f))
			say(run, p->email, "%s %d -> %d", flag_name(f),
			    !!(old->flags & flag_bit(f)), !!(p->flags & flag_bit(f)));
}

/* The profile the record merges into: the stored one with the file's columns over it. */
static int
profile_record(struct store *s, char **f, size_t nf, const int *map,
    const char *where, void *arg)
{
	struct run *run = arg;
	struct row r;
	struct profile old = { 0 }, p = { 0 };
	struct why why = { .operator = "import" };
	char *reason = NULL, when[32];
	const char *bad;
	int found = 0, existing, consented = 0, rc;

	if ((bad = row_read(f, nf, map, &r)) != NULL) {
		mo_warn("%s: %s", where, bad);
		rc = EX_DATAERR;
		goto out;
	}
	if ((rc = row_addresses(s, run, &r, where)) != 0 ||
	    (rc = store_profile_find(s, r.v[C_EMAIL], &old, &found)) != 0)
		goto out;
	/* a further address of another profile: saving it will say so */
	existing = found && ascii_casecmp(old.email, r.v[C_EMAIL]) == 0;
	p.id = existing ? old.id : 0;
	p.flags = existing ? old.flags : FLAG_ALL;
	for (int i = C_EMAIL; i <= C_PRODUCTS; i++) {
		char **slot[] = { &p.email, &p.other_emails, &p.name,
		    &p.company, &p.phone, &p.address, &p.country, &p.products };
		const char *v = i == C_OTHER ? r.others : r.v[i];

		if (v == NULL && existing)
			v = profile_value(&old, i);
		*slot[i] = xstrdup(v ? v : "");
	}
	if ((rc = merge_flags(s, run, &r, &p, existing, &consented)) != 0)
		goto out;
	say_changes(run, &old, &p, existing);
	why.reason = reason = consented ? xasprintf("%s, consent_time %s",
	    where, iso_time(r.consent, when)) : xstrdup(where);
	if ((rc = store_profile_save(s, &p, &why)) != 0)
		mo_warn("%s: profile %s not imported", where, p.email);
out:
	free(reason);
	free(r.others);
	profile_clear(&old);
	profile_clear(&p);
	return rc;
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

/* The profiles imported are found as candidates by their keys from now on. */
static int
profile_finish(struct store *s, void *arg)
{
	(void)arg;
	return candidates_refresh(s);
}

static int
import(const struct conf *c, const char *path, int dry_run)
{
	static const struct import im = {
		.what = "profile",
		.columns = columns,
		.ncolumns = NCOLS,
		.max_size = MAX_IMPORT,
		.header = profile_header,
		.record = profile_record,
		.finish = profile_finish,
	};
	struct run run = { .dry_run = dry_run };
	int rc;

	if ((rc = import_csv(c, path, &im, dry_run, &run)) == 0) {
		if (run.kept)
			printf("kept %lu opt-out%s that the file would have "
			    "undone%s\n", run.kept, run.kept == 1 ? "" : "s",
			    dry_run ? "" : " (see --dry-run)");
		if (run.erased)
			printf("skipped %lu record%s of erased addresses\n",
			    run.erased, run.erased == 1 ? "" : "s");
	}
	seen_free(&run.seen);
	buf_free(&run.out);
	return rc;
}

static void
profile_json(const struct profile *p, struct buf *b, int *first)
{
	for (int i = 0; i <= C_PRODUCTS; i++)
		json_kstr(b, columns[i], profile_value(p, i), first);
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
	int first = 1;

	buf_reset(&e->line);
	if (e->json) {
		buf_addc(&e->line, '{');
		profile_json(p, &e->line, &first);
		buf_addc(&e->line, '}');
	} else {
		for (int i = 0; i <= C_PRODUCTS; i++) {
			csv_field(&e->line, profile_value(p, i));
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
		for (int i = 0; i < NEXPORT; i++)
			printf("%s%s", columns[i], i < NEXPORT - 1 ? "," : "\n");
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
		json_kstr(b, "reason", h->reason, &first);
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
		if (h->reason)
			buf_printf(b, " (%s)", h->reason);
		buf_addc(b, '\n');
	}
	return 0;
}

/* The live profile owning email, or EX_NOINPUT having said: none, or erased. */
static int
profile_get(struct store *s, const char *email, struct profile *p)
{
	char when[32];
	int64_t t;
	int found, rc;

	if ((rc = store_profile_find(s, email, p, &found)) != 0 || found ||
	    (rc = store_erased_find(s, email, &t, &found)) != 0)
		return rc;
	if (found)
		mo_warn("%s: erased on %s: only the SHA-256 of the address is kept",
		    email, iso_time(t, when));
	else
		mo_warn("%s: no such profile", email);
	return EX_NOINPUT;
}

static int
show(const struct conf *c, const char *email, int json)
{
	struct store *s = NULL;
	struct profile p = { 0 };
	struct buf b = { 0 };
	struct show sh = { .json = json, .out = &b };
	int rc, first = 1;

	if ((rc = open_store(c, &s)) != 0 || (rc = profile_get(s, email, &p)) != 0)
		goto out;
	if (json) {
		buf_addc(&b, '{');
		profile_json(&p, &b, &first);
		json_key(&b, "history", &first);
		buf_addc(&b, '[');
	} else {
		for (int i = 0; i <= C_PRODUCTS; i++)
			buf_printf(&b, "%-17s %s\n", columns[i],
			    profile_value(&p, i) ? profile_value(&p, i) : "");
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

/* FLAG=0|1 arguments as the bits to turn on and off; EX_USAGE, said, for a bad one. */
static int
parse_assignments(char **argv, int argc, unsigned *on, unsigned *off)
{
	*on = *off = 0;
	for (int i = 0; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		char *name = xstrndup(argv[i], eq ? (size_t)(eq - argv[i]) : 0);
		unsigned bit = eq ? flag_parse(name) : 0;

		free(name);
		if (bit == 0 || (strcmp(eq + 1, "0") != 0 && strcmp(eq + 1, "1") != 0)) {
			mo_warn("%s: not FLAG=0 or FLAG=1 (flags: marketing_email, "
			    "marketing_postal, third_party)", argv[i]);
			return EX_USAGE;
		}
		if ((*on | *off) & bit) {
			mo_warn("%s: that flag is given twice", argv[i]);
			return EX_USAGE;
		}
		if (eq[1] == '1')
			*on |= bit;
		else
			*off |= bit;
	}
	return 0;
}

/*
 * An operator's change, like `queue assign`: history under the
 * operator, a confirmation to the profile's address and a notice to
 * its reseller, sent at once.
 */
static int
set(const struct conf *c, const char *email, char **argv, int argc,
    const char *operator, const char *reason)
{
	const struct why why = { .operator = operator, .reason = reason };
	struct store *s = NULL;
	struct outbox *o = NULL;
	struct profile p = { 0 };
	struct process_result res = { .outcome = OUTCOME_APPLIED };
	unsigned on, off, ch_on = 0, ch_off = 0;
	int rc;

	if ((rc = parse_assignments(argv, argc, &on, &off)) != 0 ||
	    (rc = open_store(c, &s)) != 0 || (rc = store_begin(s)) != 0 ||
	    (rc = profile_get(s, email, &p)) != 0 ||
	    (rc = store_set_flags(s, p.id, on, 1, &why, &ch_on)) != 0 ||
	    (rc = store_set_flags(s, p.id, off, 0, &why, &ch_off)) != 0)
		goto out;
	res.old_flags = p.flags;
	res.new_flags = (p.flags | on) & ~off;
	res.changed = ch_on | ch_off;
	o = outbox_new(c, s);
	if ((res.changed && (rc = outbox_request(o, NULL, &p, &res,
	    operator)) != 0) || (rc = store_commit(s)) != 0)
		goto out;
	for (int f = 0; f < FLAG_COUNT; f++) {
		if (!((on | off) & flag_bit(f)))
			continue;
		if (res.changed & flag_bit(f))
			printf("%s: %s %d -> %d by %s\n", p.email, flag_name(f),
			    !!(res.old_flags & flag_bit(f)),
			    !!(res.new_flags & flag_bit(f)), operator);
		else
			printf("%s: %s already %d\n", p.email, flag_name(f),
			    !!(res.new_flags & flag_bit(f)));
	}
	if (res.changed && outbox_enabled(c)) {
		fflush(stdout);
		outbox_flush_after(c, s);
	}
out:
	if (rc != 0 && s != NULL)
		store_rollback(s);
	outbox_free(o);
	profile_clear(&p);
	store_free(s);
	return rc;
}

/* Erasure: what is left is the hashes that keep the addresses out. */
static int
delete(const struct conf *c, const char *email, const char *operator,
    const char *reason)
{
	const struct why why = { .operator = operator,
	    .reason = reason ? reason : "erased (profile delete)" };
	struct store *s = NULL;
	struct profile p = { 0 };
	unsigned changed;
	size_t n = 1;
	int rc;

	if ((rc = open_store(c, &s)) != 0 || (rc = store_begin(s)) != 0 ||
	    (rc = profile_get(s, email, &p)) != 0 ||
	    (rc = store_profile_erase(s, &p, &why, &changed)) != 0 ||
	    (rc = store_commit(s)) != 0)
		goto out;
	for (const char *a = p.other_emails; a && *a; a++)
		n += *a == ';';
	n += p.other_emails && *p.other_emails;
	printf("%s: erased by %s; %zu address%s kept only as SHA-256\n",
	    p.email, operator, n, n == 1 ? "" : "es");
out:
	if (rc != 0 && s != NULL)
		store_rollback(s);
	profile_clear(&p);
	store_free(s);
	return rc;
}

int
cmd_profile(const struct conf *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'c' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "operator", required_argument, NULL, 'o' },
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char *sub, *operator = NULL, *reason = NULL;
	char *name;
	int ch, json = 0, csv = 0, dry_run = 0, rc;

	if (argc < 2)
		return usage_error("profile");
	sub = argv[1];
	/* from the subcommand on; optind is 0, so options may follow operands */
	argc--;
	argv++;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': json = 1; break;
		case 'c': csv = 1; break;
		case 'n': dry_run = 1; break;
		case 'o': operator = optarg; break;
		case 'r': reason = optarg; break;
		default: return usage_error("profile");
		}
	}
	argc -= optind;
	argv += optind;
	if ((csv && strcmp(sub, "export") != 0) ||
	    (dry_run && strcmp(sub, "import") != 0) ||
	    (json && strcmp(sub, "export") != 0 && strcmp(sub, "show") != 0) ||
	    ((operator || reason) && strcmp(sub, "set") != 0 &&
	    strcmp(sub, "delete") != 0))
		return usage_error("profile");
	if (strcmp(sub, "import") == 0 && argc == 1)
		return import(c, argv[0], dry_run);
	if (strcmp(sub, "export") == 0 && argc == 0 && !(json && csv))
		return export(c, json);
	if (strcmp(sub, "show") == 0 && argc == 1)
		return show(c, argv[0], json);
	if ((strcmp(sub, "set") != 0 || argc < 2) &&
	    (strcmp(sub, "delete") != 0 || argc != 1))
		return usage_error("profile");
	if ((name = operator_name(operator)) == NULL)
		return EX_USAGE;
	if (strcmp(sub, "set") == 0)
		rc = set(c, argv[0], argv + 1, argc - 1, name, reason);
	else
		rc = delete(c, argv[0], name, reason);
	free(name);
	return rc;
}
