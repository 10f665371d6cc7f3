/* unit-rules.c — rule files: loading, their errors, first-match order, limits, and the shipped rules. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "message.h"
#include "mime.h"
#include "rules.h"
#include "util.h"
#include "../tests/tap.h"

static const char *srcdir = ".";
static const struct message_limits limits = { 20, 1024 * 1024, NULL, NULL };

/* Every classification is done twice, to show the prefilter changes nothing. */
static int compared, prefilter_differs;

/* What rules_classify reported through its trace callback. */
struct trace {
	struct buf	 ids;		/* "id id id", in the order tried */
	int		 matched;	/* how many said matched */
	char		*error;		/* the last error, if any */
	char		*error_id;	/* and whose */
};

static void
trace_fn(void *arg, const struct rule_hit *h, int matched, const char *error)
{
	struct trace *t = arg;

	if (t->ids.len)
		buf_addc(&t->ids, ' ');
	buf_adds(&t->ids, h->id);
	t->matched += matched;
	if (error) {
		free(t->error);
		free(t->error_id);
		t->error = xstrdup(error);
		t->error_id = xstrdup(h->id);
	}
}

static void
trace_clear(struct trace *t)
{
	buf_free(&t->ids);
	free(t->error);
	free(t->error_id);
	memset(t, 0, sizeof *t);
}

/* rules_load on $srcdir/rel with what it prints to stderr in *err. */
static int
load(const char *rel, struct rules **r, char **err)
{
	char *dir = xasprintf("%s/%s", srcdir, rel), chunk[4096];
	struct buf b = { 0 };
	FILE *tmp = tmpfile();
	int saved, rc;
	size_t n;

	fflush(stderr);
	saved = dup(STDERR_FILENO);
	if (tmp == NULL || saved == -1) {
		perror("unit-rules: capturing stderr");
		exit(99);
	}
	dup2(fileno(tmp), STDERR_FILENO);
	rc = rules_load(dir, NULL, 1, r);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	while ((n = fread(chunk, 1, sizeof chunk, tmp)) > 0)
		buf_add(&b, chunk, n);
	fclose(tmp);
	free(dir);
	*err = buf_steal(&b);
	return rc;
}

/* A plain-text message from a customer; extra is more header lines. */
static struct message *
mail(const char *extra, const char *subject, const char *body)
{
	char *raw = xasprintf("From: Chris Customer <chris@example.com>\n"
	    "To: sales@example.com\nSubject: %s\n"
	    "Message-ID: <1@example.com>\n%s"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: 8bit\n\n%s\n",
	    subject, extra ? extra : "", body);
	struct message *m = message_parse(raw, strlen(raw), &limits);

	free(raw);
	return m;
}

/* Classify and return the winner's id, "none" when nothing matched. */
static const char *
winner(struct rules *r, struct message *m, struct rule_hit *hit,
    struct trace *t)
{
	struct rule_hit plain = { 0 };
	const char *id = "none";
	int found, found_plain;

	memset(hit, 0, sizeof *hit);
	if ((found = rules_classify(r, m, hit, t ? trace_fn : NULL, t)))
		id = hit->id;
	rules_set_prefilter(r, 0);
	found_plain = rules_classify(r, m, &plain, NULL, NULL);
	if (found_plain != found || (found && strcmp(plain.id, id) != 0)) {
		printf("# prefilter changed %s into %s\n",
		    found_plain ? plain.id : "none", id);
		prefilter_differs++;
	}
	rules_set_prefilter(r, 1);
	compared++;
	message_free(m);
	return id;
}

static void
test_load_errors(void)
{
	static const struct {
		const char	*dir;
		int		 rc;
		const char	*msg;
	} cases[] = {
		{ "tests/fixtures/rules/bad-pattern", EX_DATAERR,
		    "mailopt: 50-broken.rules:4: bad pattern: "
		    "missing closing parenthesis at offset 9\n" },
		{ "tests/fixtures/rules/bad-action", EX_DATAERR,
		    "mailopt: 50-action.rules:1: unknown action "
		    "'optout-everything'\n" },
		{ "tests/fixtures/rules/dup-id", EX_DATAERR,
		    "mailopt: 20-b.rules:3: duplicate id 'same', "
		    "first at 10-a.rules:2\n" },
		{ "tests/fixtures/rules/empty", EX_CONFIG, "no .rules file" },
		{ "tests/fixtures/rules/no-such-dir", EX_NOINPUT,
		    "no-such-dir: " },
	};
	static const char *many[] = {
		"50-many.rules:2: bad id 'bad!id'",
		"50-many.rules:3: want: id action where /pattern/flags",
		"50-many.rules:4: bad where 'sender'",
		"50-many.rules:5: bad where 'header:'",
		"50-many.rules:6: bad where ''",
		"50-many.rules:7: pattern must start with '/'",
		"50-many.rules:8: pattern has no closing '/'",
		"50-many.rules:9: unknown pattern flag 'g'",
	};
	struct rules *r;
	char *err, *what;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		r = (struct rules *)&r;	/* must be reset to NULL */
		what = xasprintf("%s: exit code", cases[i].dir);
		is_int(load(cases[i].dir, &r, &err), cases[i].rc, what);
		free(what);
		ok(r == NULL, "a failed load leaves no rules");
		like(err, cases[i].msg, "the diagnostic names file, line and why");
		free(err);
	}

	is_int(load("tests/fixtures/rules/bad-many", &r, &err), EX_DATAERR,
	    "several broken lines: EX_DATAERR");
	for (size_t i = 0; i < sizeof many / sizeof many[0]; i++)
		like(err, many[i], "every broken line is reported");
	unlike(err, ":10:", "the good line after them is not");
	free(err);
}

static void
test_load_good(void)
{
	struct rules *r;
	char *err;

	is_int(load("tests/fixtures/rules/good", &r, &err), 0, "good dir loads");
	is_str(err, "", "and says nothing");
	is_int(rules_count(r), 13, "README and the hidden file are not read");
	rules_free(r);
	free(err);

	is_int(load("rules", &r, &err), 0, "the shipped rules load");
	is_str(err, "", "without a word");
	ok(rules_count(r) > 40, "and there are plenty of them");
	rules_free(r);
	free(err);

	rules_free(NULL);
	is_int(rules_count(NULL), 0, "rules_count(NULL)");
}

static void
test_matching(void)
{
	struct rules *r;
	struct rule_hit hit;
	struct trace t = { 0 };
	struct buf big = { 0 };
	char *err;

	if (load("tests/fixtures/rules/good", &r, &err) != 0) {
		ok(0, "good fixture loads");
		free(err);
		return;
	}
	free(err);

	is_str(winner(r, mail("List-Id: <news.example.com>\n", "Unsubscribe",
	    "newsletter"), &hit, NULL), "list-id", "a header rule on a present header");
	is_str(hit.where, "header:List-Id", "where names the header");
	is_str(hit.file, "10-first.rules", "file is the base name");
	is_int(hit.line, 5, "line of the rule");
	is_int(hit.action, ACTION_IGNORE, "its action");

	is_str(winner(r, mail(NULL, "  unsubscribe please", "newsletter"),
	    &hit, NULL), "subject-unsub", "absent header: the rule is skipped");
	is_str(hit.where, "subject", "matched on the subject");

	is_str(winner(r, mail(NULL, "Our NEWSLETTER", "hello"), &hit, NULL),
	    "newsletter", "comma where: the subject");
	is_str(hit.where, "subject", "where says which");
	is_str(winner(r, mail(NULL, "Hello", "your newsletter"), &hit, NULL),
	    "newsletter", "comma where: the body");
	is_str(hit.where, "body", "where says which");
	is_int(hit.line, 7, "first match wins: 10-first.rules before 9-last.rules");

	is_str(winner(r, mail(NULL, "x", "ÜBER alles"), &hit, NULL), "umlaut",
	    "caseless is Unicode-caseless");
	is_str(winner(r, mail(NULL, "x", "überall"), &hit, NULL), "anything",
	    "and \\b knows ü is a letter");
	is_str(winner(r, mail(NULL, "x", "a/b"), &hit, NULL), "escaped-slash",
	    "\\/ inside a pattern");
	is_str(winner(r, mail(NULL, "x", "c/d"), &hit, NULL), "bare-slash",
	    "the last slash ends the pattern");
	is_str(winner(r, mail(NULL, "x", "extended"), &hit, NULL), "extended",
	    "x flag");
	is_str(winner(r, mail(NULL, "x", "dot\nall"), &hit, NULL), "dotall",
	    "s flag");
	is_str(winner(r, mail("X-Test: xyz\n", "x", "hello"), &hit, NULL),
	    "multiline", "header rule with a comma where");
	is_str(hit.where, "header:X-Test", "where names the header");
	is_str(winner(r, mail(NULL, "x", "abc\nxyz\ndef"), &hit, NULL),
	    "multiline", "m flag");
	is_str(hit.where, "body", "where is the body");
	is_str(winner(r, mail(NULL, "x", "tab-separated"), &hit, NULL),
	    "tabs_and_CRLF", "tabs separate fields too");
	is_str(winner(r, mail(NULL, "x", "crlf-ended"), &hit, NULL),
	    "crlf_line", "a CRLF line end is not part of the pattern");

	is_str(winner(r, mail(NULL, "UNſUBſCRIBE", "x"), &hit, NULL),
	    "subject-unsub", "caseless: long s is s");
	is_str(winner(r, mail(NULL, "x", "NEWſLETTER"), &hit, NULL),
	    "newsletter", "even where the prefilter looks for it");
	is_str(winner(r, mail(NULL, "unsubscribe \xff\xfe\xc3", "x"), &hit, NULL),
	    "subject-unsub", "invalid UTF-8 in the subject does not stop a match");
	is_str(winner(r, mail(NULL, "x", "\xc3\x28 \xff newsletter \xe2\x82"),
	    &hit, NULL), "newsletter", "nor in the body");

	is_str(winner(r, mail(NULL, "x", "quiet"), &hit, &t), "anything",
	    "the catch-all at the end");
	is_str(buf_str(&t.ids), "list-id subject-unsub newsletter umlaut "
	    "escaped-slash bare-slash extended dotall multiline tabs_and_CRLF "
	    "crlf_line newsletter-again anything",
	    "trace: every rule tried, in order, up to the winner");
	is_int(t.matched, 1, "trace: only the winner matched");
	ok(t.error == NULL, "trace: no errors");
	trace_clear(&t);

	is_str(winner(r, mail(NULL, "newsletter", "x"), &hit, &t), "newsletter",
	    "an early winner");
	is_str(buf_str(&t.ids), "list-id subject-unsub newsletter",
	    "trace stops at the winner");
	trace_clear(&t);

	/* Past the cap nothing is searched: the newsletter is not seen. */
	for (int i = 0; i < 70 * 1024; i++)
		buf_addc(&big, 'x');
	buf_adds(&big, " newsletter");
	is_str(winner(r, mail(NULL, "x", buf_str(&big)), &hit, &t), "anything",
	    "only the first 64 KiB of a field are searched");
	ok(t.error == NULL, "and that is no error");
	trace_clear(&t);

	buf_free(&big);
	rules_free(r);

	if (load("tests/fixtures/rules/cap", &r, &err) != 0) {
		ok(0, "cap fixture loads");
		free(err);
		return;
	}
	free(err);
	/* ü straddles the 64 KiB mark: the search ends before it. */
	for (int i = 0; i < 64 * 1024 - 1; i++)
		buf_addc(&big, 'y');
	buf_adds(&big, "üüü");
	is_str(winner(r, mail(NULL, "x", buf_str(&big)), &hit, NULL),
	    "ends-in-y", "the cap never splits a character");
	buf_reset(&big);
	/* and the 16 KiB mark of what a request reads */
	for (int i = 0; i < 16 * 1024 - 1; i++)
		buf_addc(&big, 'x');
	buf_adds(&big, "üüü");
	is_str(winner(r, mail(NULL, "x", buf_str(&big)), &hit, NULL),
	    "ends-in-x", "nor the cap of a request, which is no end of a line");
	buf_free(&big);
	rules_free(r);
}

static void
test_limits(void)
{
	struct rules *r;
	struct rule_hit hit;
	struct trace t = { 0 };
	struct timespec t0, t1;
	struct buf body = { 0 };
	double secs;
	char *err;

	if (load("tests/fixtures/rules/slow", &r, &err) != 0) {
		ok(0, "slow fixture loads");
		free(err);
		return;
	}
	free(err);
	/* within the 16 KiB a request reads */
	for (int i = 0; i < 15000; i++)
		buf_addc(&body, 'a');
	buf_addc(&body, 'b');
	clock_gettime(CLOCK_MONOTONIC, &t0);
	is_str(winner(r, mail(NULL, "x", buf_str(&body)), &hit, &t),
	    "after-slow", "catastrophic backtracking counts as no match");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	ok(secs < 5, "and gives up promptly");
	printf("# (a+)+$ on 15000 a's took %.3f s\n", secs);
	is_str(t.error_id, "pathological", "the trace names the rule");
	like(t.error, "limit", "and says which limit");
	trace_clear(&t);
	buf_free(&body);
	rules_free(r);
}

/* max_read_ms: what the rules cannot read in time goes to a person. */
static void
test_time_limit(void)
{
	struct rules *r;
	struct rule_hit hit;
	struct trace t = { 0 };
	struct buf body = { 0 };
	char *err;

	if (load("tests/fixtures/rules/timed", &r, &err) != 0) {
		ok(0, "timed fixture loads");
		free(err);
		return;
	}
	free(err);
	is_str(winner(r, mail(NULL, "zzq", "x"), &hit, NULL), "settings-first",
	    "a pattern's leading settings stay before the time keeping");
	/* 15 KB of one sentence with no x, y or z: the slow branch's ground */
	for (int i = 0; i < 1400; i++)
		buf_adds(&body, "abcdefghij ");
	rules_set_time_limit(r, 1);
	is_str(winner(r, mail(NULL, "x", buf_str(&body)), &hit, &t),
	    RULES_TIME_LIMIT_ID, "out of time with no rule matched: the time limit");
	is_int(hit.action, ACTION_REVIEW, "  whose action is review");
	ok(hit.file == NULL, "  and no rule file");
	trace_clear(&t);
	buf_reset(&body);
	/* "hello" matches first, then the slow branch is tried before it */
	buf_adds(&body, "abc hello ");
	for (int i = 0; i < 1400; i++)
		buf_adds(&body, "abcdefghij ");
	is_str(winner(r, mail(NULL, "x", buf_str(&body)), &hit, &t), "both",
	    "a rule that matched before the time ran out stands");
	trace_clear(&t);
	rules_set_time_limit(r, 0);
	is_str(winner(r, mail(NULL, "x", "abc. hello"), &hit, NULL), "both",
	    "with no limit the same rule reads a short text");
	buf_free(&body);
	rules_free(r);
}

/* The shipped rules on what customers, robots and colleagues write. */
/* Messages and what the shipped rules read in them. */
static const struct {
	const char	*extra;		/* header lines */
	const char	*subject;
	const char	*body;
	const char	*action;	/* "none" for no match */
} shipped[] = {
	/* robots */
	{ "Auto-Submitted: auto-replied\n", "Re: your offer",
	    "I am out of the office. Please remove me later.", "ignore" },
	{ "Auto-Submitted: auto-generated (vacation)\n", "Ticket 4711",
	    "To stop these notifications, unsubscribe in the portal.",
	    "ignore" },
	{ "Auto-Submitted: no\n", "x", "Please unsubscribe me.",
	    "optout-all" },
	{ "X-Auto-Response-Suppress: All\n", "x",
	    "Please unsubscribe me.", "optout-all" },
	{ "Precedence: bulk\n", "News", "unsubscribe", "ignore" },
	{ "Precedence: junk\nX-Autoreply: yes\n", "x", "unsubscribe",
	    "ignore" },
	{ "Precedence: first-class\n", "x", "unsubscribe", "optout-all" },
	{ "List-Id: Users <users.lists.example.org>\n", "x",
	    "unsubscribe", "ignore" },
	{ "List-Unsubscribe: <mailto:leave@example.org>\n", "Offers",
	    "Click here to unsubscribe.", "ignore" },
	{ "Return-Path: <>\n", "x", "unsubscribe", "ignore" },
	{ "Return-Path: <chris@example.com>\n", "x", "unsubscribe",
	    "optout-all" },
	{ "Sender: MAILER-DAEMON@mx.example.net\n", "x", "unsubscribe",
	    "ignore" },
	{ "X-Autorespond: yes\n", "x", "unsubscribe", "ignore" },
	{ "Sender: AWS Notifications <no-reply@sns.example.com>\n", "x",
	    "Unsubscribe: https://sns.example.com/", "ignore" },
	{ "X-MS-Exchange-Inbox-Rules-Loop: chris@example.com\n", "x",
	    "unsubscribe", "ignore" },
	{ NULL, "Automatic reply: Your newsletter", "unsubscribe",
	    "ignore" },
	{ NULL, "Out of Office: Re: Order 4711", "remove me", "ignore" },
	{ NULL, "AW: Abwesenheitsnotiz: Katalog", "x", "ignore" },
	{ NULL, "Réponse automatique : Newsletter", "x", "ignore" },
	{ NULL, "Respuesta automática: Ofertas", "x", "ignore" },
	{ NULL, "Undeliverable: Nordwind News", "unsubscribe", "ignore" },
	{ NULL, "Delivery Status Notification (Failure)", "x", "ignore" },

	/* guards: the other senses */
	{ NULL, "Order 4711", "Please cancel my order 4711.", "ignore" },
	{ NULL, "x", "Please remove item 3 from the order.", "ignore" },
	{ NULL, "x", "Please remove the old licence from my account.",
	    "ignore" },
	{ NULL, "x", "Could you stop the server tonight?", "ignore" },
	{ NULL, "x", "Could you stop by our office on Tuesday?", "ignore" },
	{ NULL, "Subscription renewal", "When is my subscription "
	    "renewal due?", "ignore" },
	{ NULL, "x", "I can't log out of the customer portal.", "ignore" },
	{ NULL, "x", "Can we opt out of the extended warranty?", "ignore" },
	{ NULL, "x", "Please take me off the cc list.", "ignore" },
	{ NULL, "x", "We have moved our production to Poland.", "none" },
	{ NULL, "Quote", "Please send the invoice by post to our "
	    "accounts department.", "none" },
	{ NULL, "x", "No need to send a printed catalogue with the "
	    "delivery.", "none" },
	{ NULL, "x", "We cannot share the drawings with third parties, "
	    "so please sign the NDA.", "none" },

	/* complaints and negations */
	{ NULL, "x", "I can't unsubscribe, the link is broken.", "review" },
	{ NULL, "x", "Your unsubscribe link doesn’t work!", "review" },
	{ NULL, "x", "Please don't unsubscribe me, I like the catalogue.",
	    "review" },
	{ NULL, "x", "Do not remove me from the list.", "review" },
	{ NULL, "x", "I unsubscribed in May and I still get your "
	    "newsletter.", "review" },
	{ NULL, "x", "I never signed up for this.", "review" },

	/* for a person */
	{ NULL, "x", "Please delete my data.", "review" },
	{ NULL, "x", "Erase my personal data, please.", "review" },
	{ NULL, "GDPR request", "See subject.", "review" },
	{ NULL, "x", "I invoke my right to erasure.", "review" },
	{ NULL, "x", "Please change my address to 5 Mill Lane.", "review" },
	{ NULL, "x", "Please update my postal address.", "review" },
	{ NULL, "x", "Please remove my e-mail address from your database.",
	    "review" },
	{ NULL, "x", "Please stop calling me.", "review" },

	/* per channel */
	{ NULL, "x", "No more catalogues by post, please.", "optout-postal" },
	{ NULL, "x", "Please stop sending me letters.", "optout-postal" },
	{ NULL, "x", "No postal mail please.", "optout-postal" },
	{ NULL, "Catalogues", "No more catalogs,\nthanks.", "optout-postal" },
	{ NULL, "x", "No more third-party offers.", "optout-thirdparty" },
	{ NULL, "x", "Please don’t share my data with partners.",
	    "optout-thirdparty" },
	{ NULL, "x", "Do not sell my personal information.",
	    "optout-thirdparty" },
	{ NULL, "x", "Stop emailing me.", "optout-email" },
	{ NULL, "x", "No more newsletters.", "optout-email" },
	{ NULL, "x", "Please unsubscribe me from your newsletter.",
	    "optout-email" },
	{ NULL, "x", "No more marketing, please.", "optout-marketing" },
	{ NULL, "x", "No more advertising.", "optout-marketing" },
	{ NULL, "x", "No more offers, neither by e-mail nor by post.",
	    "optout-marketing" },

	/* everything */
	{ NULL, "Unsubscribe", "", "optout-all" },
	/* an answered or forwarded subject never decides alone */
	{ NULL, "Re: Unsubscribe", "Thanks.", "none" },
	{ NULL, "RE: RE: Unsubscribe", "Thanks!", "none" },
	{ NULL, "AW: Newsletter abbestellen", "Danke.", "none" },
	{ NULL, "Re[2]: STOP", "", "none" },
	{ NULL, "Fwd: Unsubscribe", "See below.", "none" },
	{ NULL, "RV: Baja", "Gracias.", "none" },
	{ NULL, "Re: Unsubscribe", "Please unsubscribe me.", "optout-all" },
	{ NULL, "Reminder: unsubscribe", "", "optout-all" },
	/* a reply to mailopt's own confirmation is read by its body */
	{ "In-Reply-To: <0a1b.1796032800.42.mailopt@nordwind.example>\n",
	    "Unsubscribe", "Thanks!", "none" },
	{ "References: <x@example.org> <0a1b.1796032800.42.mailopt@nordwind.example>\n",
	    "Unsubscribe", "Thanks!", "none" },
	{ "In-Reply-To: <0a1b.1796032800.42.other@nordwind.example>\n",
	    "Unsubscribe", "Thanks!", "optout-all" },
	/* robots are still known by a forwarded subject */
	{ NULL, "Re: Automatic reply: offers", "", "ignore" },
	{ NULL, "STOP", "", "optout-all" },
	{ NULL, "x", "Unsubscribe", "optout-all" },
	{ NULL, "x", "Please remove me from your mailing\nlist.",
	    "optout-all" },
	{ NULL, "x", "Opt me out.", "optout-all" },
	{ NULL, "x", "Please stop all marketing.", "optout-all" },
	{ NULL, "x", "Please  UNSUBSCRIBE\n  me.", "optout-all" },
	{ NULL, "x", "I object to the use of my data for marketing.",
	    "optout-all" },

	/* opt-ins */
	{ NULL, "x", "Please subscribe me again.", "optin-email" },
	{ NULL, "x", "I’d like to receive your newsletter again.",
	    "optin-email" },
	{ NULL, "Resubscribe", "", "optin-email" },
	{ NULL, "x", "Please send me your catalogue again.", "optin-postal" },
	{ NULL, "x", "Don't send me your catalogue again.", "optout-postal" },
	{ NULL, "x", "Please opt me back in.", "optin-all" },

	/* ordinary sales mail */
	{ NULL, "Quote request", "Could you send us a quote for 3 units "
	    "of the NW-410?", "none" },
	{ NULL, "Order 4711", "When will it ship?", "none" },
	{ NULL, "", "", "none" },
};

#define NSHIPPED	(sizeof shipped / sizeof shipped[0])

static void
test_shipped(void)
{
	struct rules *r;
	struct rule_hit hit;
	char *err, *what;

	if (load("rules", &r, &err) != 0) {
		ok(0, "shipped rules load");
		free(err);
		return;
	}
	free(err);
	for (size_t i = 0; i < NSHIPPED; i++) {
		const char *id = winner(r, mail(shipped[i].extra,
		    shipped[i].subject, shipped[i].body), &hit, NULL);
		const char *got = strcmp(id, "none") ? action_name(hit.action) :
		    "none";

		what = xasprintf("%s%s | %s | %s (%s)",
		    shipped[i].extra ? shipped[i].extra : "", shipped[i].subject,
		    shipped[i].body, shipped[i].action, id);
		for (char *p = what; *p; p++)
			if (*p == '\n')
				*p = ' ';
		is_str(got, shipped[i].action, what);
		free(what);
	}

	/* Bounces come as multipart/report, whatever they quote. */
	{
		static const char dsn[] =
		    "From: Mail Delivery System <mailer@mx.example.net>\n"
		    "To: sales@example.com\n"
		    "Subject: Your message\n"
		    "MIME-Version: 1.0\n"
		    "Content-Type: multipart/report; report-type=delivery-status;\n"
		    "\tboundary=\"B\"\n\n"
		    "--B\nContent-Type: text/plain\n\n"
		    "Your message could not be delivered. To unsubscribe, reply.\n"
		    "--B\nContent-Type: message/delivery-status\n\n"
		    "Reporting-MTA: dns; mx.example.net\n\n"
		    "Final-Recipient: rfc822; gone@example.net\n"
		    "Action: failed\nStatus: 5.1.1\n"
		    "--B--\n";
		struct message *m = message_parse(dsn, sizeof dsn - 1, &limits);

		is_str(winner(r, m, &hit, NULL), "ignore-report",
		    "a delivery status notification is ignored");
	}
	rules_free(r);
}

/* One thread's reading of every shipped case, ROUNDS times over. */
#define ROUNDS	8

struct reading {
	struct rules	*r;
	const char	*id[NSHIPPED];	/* of the last round; "none" */
	int		 differ;	/* rounds that read a case otherwise */
};

static void *
read_shipped(void *arg)
{
	struct reading *rd = arg;

	for (int round = 0; round < ROUNDS; round++)
		for (size_t i = 0; i < NSHIPPED; i++) {
			struct message *m = mail(shipped[i].extra,
			    shipped[i].subject, shipped[i].body);
			struct rule_hit hit;
			const char *id = rules_classify(rd->r, m, &hit, NULL,
			    NULL) ? hit.id : "none";

			if (round > 0 && strcmp(id, rd->id[i]) != 0)
				rd->differ++;
			rd->id[i] = id;
			message_free(m);
		}
	mime_thread_end();
	return NULL;
}

/*
 * A clone shares the rules' patterns, compiled and JIT-compiled once
 * for both: read side by side, with the JIT's copies made meanwhile,
 * the rules and their clone read every case as the rules then do alone.
 */
static void
test_clones(void)
{
	struct reading alone = { 0 }, a = { 0 }, b = { 0 };
	struct rules *r, *c = NULL;
	pthread_t t;
	char *err;
	int same = 1;

	if (load("rules", &r, &err) != 0) {
		ok(0, "shipped rules load for cloning");
		free(err);
		return;
	}
	free(err);
	/* the JIT's copies are made while both read, where the JIT is */
	rules_set_jit_after(r, 1);
	is_int(rules_clone(r, &c), 0, "the rules clone");
	a.r = r;
	b.r = c;
	if (pthread_create(&t, NULL, read_shipped, &b) != 0) {
		ok(0, "a second thread starts");
		goto out;
	}
	(void)read_shipped(&a);
	pthread_join(t, NULL);
	alone.r = r;
	(void)read_shipped(&alone);
	for (size_t i = 0; i < NSHIPPED; i++)
		if (strcmp(a.id[i], alone.id[i]) != 0 ||
		    strcmp(b.id[i], alone.id[i]) != 0) {
			printf("# %s | %s: alone %s, side by side %s and %s\n",
			    shipped[i].subject, shipped[i].body, alone.id[i],
			    a.id[i], b.id[i]);
			same = 0;
		}
	ok(same, "the rules and their clone, side by side, read every case "
	    "as the rules alone");
	is_int(a.differ + b.differ + alone.differ, 0,
	    "and the same in every round");
	is_str(rules_identity(c), rules_identity(r), "a clone is of the same files");
out:
	/* a clone goes before its rules */
	rules_free(c);
	rules_free(r);
}

int
main(void)
{
	const char *s = getenv("srcdir");

	if (s && *s)
		srcdir = s;
	test_load_errors();
	test_load_good();
	test_matching();
	test_limits();
	test_time_limit();
	test_shipped();
	test_clones();
	printf("# %d messages classified with and without the prefilter\n",
	    compared);
	is_int(prefilter_differs, 0, "the prefilter changed no result");
	return tap_done();
}
