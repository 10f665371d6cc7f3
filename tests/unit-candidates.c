/* unit-candidates.c — folding names, business-day deadlines, and ranking candidate profiles on a real database. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "candidates.h"
#include "deadline.h"
#include "message.h"
#include "store.h"
#include "util.h"
#include "tap.h"
#include "testlim.h"
#include "testdb.h"

/* set by main: the quote markers of the shipped rules */
static struct message_limits lim;

static void
fold_is(const char *in, const char *want, const char *what)
{
	char *f = candidates_fold(in);

	is_str(f, want, what);
	free(f);
}

static void
test_fold(void)
{
	fold_is("Anna Becker", " anna becker ", "ASCII lowercased, spaces at both ends");
	fold_is("Fran\xc3\xa7ois  O'Brien-Smith", " francois o brien smith ",
	    "accents go, punctuation separates");
	fold_is("Leopoldstra\xc3\x9f" "e 52", " leopoldstrasse 52 ", "sharp s is ss");
	fold_is("\xc3\x86\xc3\x98\xc3\x85 \xc3\xa6\xc3\xb8\xc3\xa5 \xc3\xbf",
	    " aeoa aeoa y ", "Latin-1 capitals and small letters alike");
	fold_is("\xc2\xabZ\xc3\xbcrich\xc2\xbb\xe2\x80\x93" "Nord", " zurich nord ",
	    "guillemets and dashes separate");
	fold_is("\xc4\xb3ssel", " \xc4\xb3ssel ", "letters beyond Latin-1 stay");
	fold_is("a\xff" "b\xc3", " a b ", "broken UTF-8 separates");
	fold_is(NULL, " ", "NULL folds to a space");
}

/* Seconds since the epoch of a date in the current zone. */
static time_t
local(int y, int mon, int d, int h, int min)
{
	struct tm tm = { 0 };

	tm.tm_year = y - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = min;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static void
test_deadline(void)
{
	time_t fri, due;
	struct tm tm;

	setenv("TZ", "UTC", 1);
	tzset();
	fri = local(2025, 11, 28, 12, 0);	/* a Friday */
	is_int(deadline_after(fri, 0), fri, "no days: the moment itself");
	is_int(deadline_after(fri, 1), local(2025, 12, 1, 12, 0),
	    "one business day after Friday is Monday, same hour");
	is_int(deadline_after(fri, 5), local(2025, 12, 5, 12, 0), "five: next Friday");
	is_int(deadline_after(fri, 10), local(2025, 12, 12, 12, 0),
	    "ten: two weeks, two weekends skipped");
	is_int(deadline_after(local(2025, 11, 29, 10, 0), 1), local(2025, 12, 1, 10, 0),
	    "from a Saturday: Monday");
	is_int(deadline_after(local(2025, 11, 30, 10, 0), 1), local(2025, 12, 1, 10, 0),
	    "from a Sunday: Monday");
	is_int(deadline_after(local(2025, 12, 1, 9, 0), 4), local(2025, 12, 5, 9, 0),
	    "Monday plus four: Friday, no weekend");
	ok(deadline_after(fri, 1) > local(2025, 11, 30, 23, 59),
	    "the weekend does not count");

	if (access("/usr/share/zoneinfo/Europe/Berlin", R_OK) == 0) {
		setenv("TZ", "Europe/Berlin", 1);
		tzset();
		/* summer time ends on Sunday 26 October 2025 */
		due = deadline_after(local(2025, 10, 24, 12, 0), 1);
		localtime_r(&due, &tm);
		ok(tm.tm_wday == 1 && tm.tm_hour == 12 && tm.tm_mday == 27,
		    "across the change from summer time: Monday at the same hour");
	} else
		ok(1, "# SKIP no Europe/Berlin zone");
	setenv("TZ", "UTC", 1);
	tzset();
}

static void
put(struct store *s, const char *email, const char *other, const char *name,
    const char *company, const char *phone, const char *address)
{
	struct profile p = { 0 };

	p.email = (char *)email;
	p.other_emails = (char *)other;
	p.name = (char *)name;
	p.company = (char *)company;
	p.phone = (char *)phone;
	p.address = (char *)address;
	p.flags = FLAG_ALL;
	if (store_profile_put(s, &p, "test") != 0)
		ok(0, email);
}

/* The candidates for msg as "email score|...", and the evidence of the first. */
static void
rank(struct store *s, const char *msg, const char *want, const char *evidence,
    const char *what)
{
	struct message *m = message_parse(msg, strlen(msg), &lim);
	struct candidates *c = NULL;
	const struct candidate *k;
	struct buf b = { 0 }, ev = { 0 };

	if (!ok(candidates_find(s, m, &c) == 0, what))
		goto out;
	for (size_t i = 0; (k = candidates_get(c, i)) != NULL; i++)
		buf_printf(&b, "%s %d|", k->email, k->score);
	is_str(buf_str(&b), want, "  ranked");
	if ((k = candidates_get(c, 0)) != NULL)
		for (size_t i = 0; i < k->nevidence; i++)
			buf_printf(&ev, "%s|", k->evidence[i]);
	if (evidence)
		is_str(buf_str(&ev), evidence, "  evidence, strongest first");
out:
	buf_free(&ev);
	buf_free(&b);
	candidates_free(c);
	message_free(m);
}

static void
test_rank(struct store *s)
{
	rank(s, "From: Anna Becker <anna@gmail.example>\nTo: sales@nordwind.example\n"
	    "Subject: stop\n\nplease stop\n",
	    "anna.becker@becker.example 30|", "same name as the sender: Anna Becker|",
	    "display name: the profile, free mail is no evidence");
	rank(s, "From: \"Becker, Anna\" <ab@elsewhere.example>\nSubject: x\n\nstop\n",
	    "anna.becker@becker.example 30|", NULL, "surname first");
	rank(s, "From: x@elsewhere.example\nSubject: x\n\nstop it\n-- \n"
	    "Tel. +49 (0)89 2180-4471 (office)\n",
	    "anna.becker@becker.example 40|",
	    "phone +49 89 2180 4471 is in the text (as 498921804471)|",
	    "a phone with a (0) trunk prefix and a comment after it");
	rank(s, "From: x@elsewhere.example\nSubject: x\n\norder NW8921804471 please\n",
	    "", NULL, "digits glued to letters are a part number");
	rank(s, "From: x@elsewhere.example\nSubject: x\n\ncall 089 2180 4471\n",
	    "anna.becker@becker.example 40|", NULL, "the national form matches too");
	rank(s, "From: Olivia Brown <o@elsewhere.example>\nSubject: x\n\nstop\n",
	    "olivia@brown.example 30|", NULL, "a quoted nickname is not part of the name");
	rank(s, "From: x@brown.example\nSubject: x\n\nstop\n",
	    "olivia@brown.example 10|", "same domain as the sender's: brown.example|",
	    "same domain");
	rank(s, "From: x@nordwind.example\nTo: sales@nordwind.example\nSubject: x\n\nstop\n",
	    "", NULL, "the domain the mail was sent to is no evidence");
	rank(s, "From: x@elsewhere.example\nSubject: x\n\nstop mail to\n"
	    "Becker Technik GmbH, Leopoldstra\xc3\x9f" "e 52, 80802 M\xc3\xbcnchen\n",
	    "anna.becker@becker.example 40|",
	    "company Becker Technik AG is in the message|"
	    "postal address is in the text: Leopoldstra\xc3\x9f" "e 52; 80802 M\xc3\xbcnchen|",
	    "company without legal form, postal lines");
	rank(s, "From: x@elsewhere.example\nSubject: x\n\n"
	    "stop anna.becker@becker.example and a.becker@gmail.example\n",
	    "anna.becker@becker.example 100|", NULL,
	    "each address in the text counts, no name read out of them");
}

int
main(void)
{
	char dir[] = "/tmp/mailopt-cand-XXXXXX";
	struct store *s;
	struct rules *r;

	lim = testlim(&r);
	test_fold();
	test_deadline();
	if ((s = testdb_open(dir)) == NULL) {
		rules_free(r);
		return tap_done();
	}
	store_begin(s);
	put(s, "anna.becker@becker.example", "a.becker@gmail.example", "Anna Becker",
	    "Becker Technik AG", "+49 89 2180 4471", "Leopoldstra\xc3\x9f" "e 52, 80802 M\xc3\xbcnchen");
	put(s, "olivia@brown.example", NULL, "Olivia \"Liv\" Brown", "Brown & Associates, LLC",
	    "+1 617 555 0199", "200 Clarendon Street\nBoston, MA 02116");
	put(s, "staff@nordwind.example", NULL, "Staff Member", "Nordwind", NULL, NULL);
	store_commit(s);
	test_rank(s);
	testdb_done(s, dir);
	rules_free(r);
	return tap_done();
}
