/* unit-match.c — finding the profile a request speaks for, on a real database. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "match.h"
#include "message.h"
#include "store.h"
#include "util.h"
#include "tap.h"
#include "testlim.h"
#include "testdb.h"

/* set by main: the quote markers of the shipped rules */
static struct message_limits lim;

static int
collect(const char *addr, void *arg)
{
	struct buf *b = arg;

	buf_printf(b, "%s|", addr);
	return 0;
}

static void
test_addresses(void)
{
	struct buf b = { 0 };

	match_addresses("Please remove Jane.Doe@Example.COM. Also <bob@x.example>,"
	    " mailto:eve@y.example; not @foo or a@b or user@localhost", collect, &b);
	is_str(buf_str(&b), "jane.doe@example.com|bob@x.example|eve@y.example|",
	    "addresses found, lowercased, trailing dot dropped, no dotless domains");
	buf_free(&b);
}

static void
put(struct store *s, const char *email, const char *other)
{
	struct profile p = { 0 };

	p.email = (char *)email;
	p.other_emails = (char *)(other ? other : "");
	p.name = p.company = p.phone = p.address = p.country = p.products = (char *)"";
	p.flags = 7;
	if (store_profile_put(s, &p, "test") != 0)
		ok(0, "store_profile_put");
}

static void
check(struct store *s, const char *msg, enum match_how how, const char *email,
    int candidates, const char *what)
{
	struct message *m = message_parse(msg, strlen(msg), &lim);
	struct match mt;
	int rc = match_find(s, m, NULL, NULL, &mt);

	ok(rc == 0, "match_find succeeds");
	is_int(mt.how, how, what);
	if (email)
		is_str(mt.profile.email, email, "  the right profile");
	is_int(mt.candidates, candidates, "  candidate count");
	ok(how != MATCH_NONE || mt.reason != NULL, "  a reason when none");
	match_clear(&mt);
	message_free(m);
}

int
main(void)
{
	char dir[] = "/tmp/mailopt-match-XXXXXX";
	struct store *s;
	struct rules *r;

	lim = testlim(&r);
	test_addresses();
	if ((s = testdb_open(dir)) == NULL) {
		rules_free(r);
		return tap_done();
	}
	store_begin(s);
	put(s, "anna@example.com", "anna.private@mail.example");
	put(s, "bob@example.org", NULL);
	store_commit(s);

	check(s, "From: Anna <ANNA@Example.com>\nTo: sales@nordwind.example\n"
	    "Subject: unsubscribe\n\nplease\n", MATCH_FROM, "anna@example.com", 1,
	    "From on file, other case");
	check(s, "From: anna.private@mail.example\nSubject: x\n\nstop\n",
	    MATCH_FROM, "anna@example.com", 1, "From is a further address");
	check(s, "From: someone@elsewhere.example\nSubject: x\n\n"
	    "Please remove bob@example.org from your list.\n",
	    MATCH_BODY, "bob@example.org", 1, "unknown From, one address in the text");
	check(s, "From: someone@elsewhere.example\nSubject: x\n\n"
	    "Remove anna@example.com and bob@example.org.\n",
	    MATCH_NONE, NULL, 2, "two profiles named: none");
	check(s, "From: someone@elsewhere.example\nSubject: x\n\n"
	    "Remove nobody@nowhere.example\n", MATCH_NONE, NULL, 0,
	    "unknown addresses only: none");
	check(s, "From: someone@elsewhere.example\nTo: bob@example.org\nSubject: x\n\n"
	    "Writing to bob@example.org about it\n", MATCH_NONE, NULL, 0,
	    "an address the mail was sent to is not the customer's");
	check(s, "From: someone@elsewhere.example\nSubject: x\n\nhi\n\n"
	    "On Mon, Anna <anna@example.com> wrote:\n> unsubscribe\n",
	    MATCH_NONE, NULL, 0, "addresses in quoted text do not count");

	testdb_done(s, dir);
	rules_free(r);
	return tap_done();
}
