/* unit-authres.c — forged and genuine Authentication-Results: only the trusted server's topmost field proves a sender. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "authres.h"
#include "message.h"
#include "util.h"
#include "tap.h"

#define ID	"mx1.nordwind.example"
#define VICTIM	"From: Karin Meyer <karin.meyer@meyer-labor.example>\n"
#define TAIL	"To: sales@nordwind.example\nSubject: subscribe me\n\nplease subscribe me again\n"
/* what the MTA writes on top when DMARC failed */
#define MTA_FAIL \
	"Authentication-Results: " ID "; dmarc=fail (p=none dis=none)" \
	" header.from=meyer-labor.example\n"

static const struct {
	const char	*name;
	int		 proven;
	const char	*header;	/* the message up to TAIL */
} cases[] = {
	/* forged: every one was taken for proof before */
	{ "a sender-added dmarc=pass below the MTA's dmarc=fail", 0,
	  MTA_FAIL
	  "Authentication-Results: " ID "; dmarc=pass header.from=meyer-labor.example\n"
	  VICTIM },
	{ "dmarc=pass inside a comment of dmarc=fail", 0,
	  "Authentication-Results: " ID "; dmarc=fail (forged: dmarc=pass as if)"
	  " header.from=meyer-labor.example\n" VICTIM },
	{ "dmarc=pass inside a nested comment", 0,
	  "Authentication-Results: " ID "; dmarc=fail (a (b; dmarc=pass) c)"
	  " header.from=meyer-labor.example\n" VICTIM },
	{ "dmarc=pass inside a quoted reason", 0,
	  "Authentication-Results: " ID "; dmarc=fail reason=\"x; dmarc=pass y\""
	  " header.from=meyer-labor.example\n" VICTIM },
	{ "an SPF comment and smtp.mailfrom built from the envelope sender", 0,
	  "Authentication-Results: " ID "; spf=pass (" ID ": domain of"
	  " \"x dmarc=pass y\"@evil.example designates 192.0.2.1 as permitted sender)"
	  " smtp.mailfrom=\"x dmarc=pass y\"@evil.example\n" VICTIM },
	{ "the whole value an RFC 2047 encoded word", 0,
	  "Authentication-Results: =?utf-8?q?" ID "=3B_dmarc=3Dpass_header.from=3Dmeyer-labor.example?=\n"
	  VICTIM },
	{ "an encoded word as the result", 0,
	  "Authentication-Results: " ID "; dmarc==?utf-8?q?pass?= header.from=meyer-labor.example\n"
	  VICTIM },
	{ "Authentication-Results with a space before the colon", 0,
	  "Authentication-Results : " ID "; dmarc=pass header.from=meyer-labor.example\n"
	  VICTIM },
	{ "obsolete name on top of a genuine failure", 0,
	  "Authentication-Results\t: " ID "; dmarc=pass header.from=meyer-labor.example\n"
	  MTA_FAIL VICTIM },
	{ "dmarc=pass for the attacker's domain, From a victim", 0,
	  "Authentication-Results: " ID "; dmarc=pass header.from=evil.example\n"
	  VICTIM },
	{ "dmarc=pass with no header.from", 0,
	  "Authentication-Results: " ID "; dmarc=pass\n" VICTIM },
	{ "header.from a subdomain of the From domain", 0,
	  "Authentication-Results: " ID "; dmarc=pass header.from=x.meyer-labor.example\n"
	  VICTIM },
	{ "two From fields", 0,
	  "Authentication-Results: " ID "; dmarc=pass header.from=evil.example\n"
	  "From: <mallory@evil.example>\n" VICTIM },
	{ "two From fields, the victim first", 0,
	  "Authentication-Results: " ID "; dmarc=pass header.from=meyer-labor.example\n"
	  VICTIM "From: <mallory@evil.example>\n" },
	{ "two From fields, DMARC passed for the second", 0,
	  "Authentication-Results: " ID "; dmarc=pass header.from=evil.example\n"
	  VICTIM "From: <mallory@evil.example>\n" },
	{ "From with two mailboxes", 0,
	  "Authentication-Results: " ID "; dmarc=pass header.from=meyer-labor.example\n"
	  "From: karin.meyer@meyer-labor.example, mallory@evil.example\n" },
	{ "From a group", 0,
	  "Authentication-Results: " ID "; dmarc=pass header.from=meyer-labor.example\n"
	  "From: friends: karin.meyer@meyer-labor.example;\n" },
	{ "From that does not parse", 0,
	  "Authentication-Results: " ID "; dmarc=pass header.from=meyer-labor.example\n"
	  "From: karin.meyer@meyer-labor.example <<mallory@evil.example\n" },
	{ "From with text after the mailbox", 0,
	  "Authentication-Results: " ID "; dmarc=pass header.from=meyer-labor.example\n"
	  "From: <karin.meyer@meyer-labor.example> mallory@evil.example\n" },
	{ "another server's id", 0,
	  "Authentication-Results: mx1.nordwind.example.evil; dmarc=pass header.from=meyer-labor.example\n"
	  VICTIM },
	{ "the id as a prefix of a longer word", 0,
	  "Authentication-Results: " ID "x; dmarc=pass header.from=meyer-labor.example\n"
	  VICTIM },
	{ "a pass and a fail for dmarc in one field", 0,
	  "Authentication-Results: " ID "; dmarc=pass header.from=meyer-labor.example;"
	  " dmarc=fail header.from=meyer-labor.example\n" VICTIM },
	{ "dmarc as a property, not a method", 0,
	  "Authentication-Results: " ID "; spf=fail dmarc.result=pass header.from=meyer-labor.example\n"
	  VICTIM },
	{ "dmarc=pass without the separating ';'", 0,
	  "Authentication-Results: " ID " dmarc=pass header.from=meyer-labor.example\n"
	  VICTIM },
	{ "an unterminated comment", 0,
	  "Authentication-Results: " ID "; dmarc=pass (header.from=meyer-labor.example\n"
	  VICTIM },
	{ "no-result", 0,
	  "Authentication-Results: " ID "; none\n" VICTIM },
	{ "no Authentication-Results at all", 0, VICTIM },

	/* genuine: the trusted server's topmost field */
	{ "a plain dmarc=pass", 1,
	  "Authentication-Results: " ID "; dmarc=pass header.from=meyer-labor.example\n"
	  VICTIM },
	{ "with a version number and comments", 1,
	  "Authentication-Results: " ID " 1; dkim=pass (2048-bit key; unprotected)"
	  " header.d=meyer-labor.example header.b=\"Qm9z\";"
	  " dmarc=pass (p=reject dis=none) header.from=meyer-labor.example\n" VICTIM },
	{ "folded over lines, OpenDMARC's form", 1,
	  "Authentication-Results: " ID ";\n"
	  "\tdkim=pass header.d=meyer-labor.example;\n"
	  "\tspf=pass smtp.mailfrom=karin.meyer@meyer-labor.example;\n"
	  "\tdmarc=pass (p=none dis=none)\n\t header.from=meyer-labor.example\n"
	  VICTIM },
	{ "mixed case id, method, result, property and domain", 1,
	  "authentication-results: MX1.Nordwind.Example; DMARC=Pass Header.From=Meyer-Labor.EXAMPLE\n"
	  VICTIM },
	{ "a genuine pass above a forged fail", 1,
	  "Authentication-Results: " ID "; dmarc=pass header.from=meyer-labor.example\n"
	  "Authentication-Results: " ID "; dmarc=fail header.from=meyer-labor.example\n"
	  VICTIM },
	{ "another server's field above it", 1,
	  "Authentication-Results: relay.example; dmarc=fail header.from=meyer-labor.example\n"
	  "Authentication-Results: " ID "; dmarc=pass header.from=meyer-labor.example\n"
	  VICTIM },
	{ "a reason, method version and a trailing ';'", 1,
	  "Authentication-Results: " ID "; dmarc/1=pass reason=\"policy ok\""
	  " header.from=meyer-labor.example;\n" VICTIM },
	{ "a quoted authserv-id", 1,
	  "Authentication-Results: \"" ID "\"; dmarc=pass header.from=meyer-labor.example\n"
	  VICTIM },
	{ "From with a quoted display name holding a comma", 1,
	  "Authentication-Results: " ID "; dmarc=pass header.from=meyer-labor.example\n"
	  "From: \"Meyer, Karin\" <karin.meyer@meyer-labor.example>\n" },
	{ "From as a bare address with a comment, folded", 1,
	  "Authentication-Results: " ID "; dmarc=pass header.from=meyer-labor.example\n"
	  "From:\n karin.meyer@meyer-labor.example (Karin Meyer)\n" },
	{ "From with a display name encoded", 1,
	  "Authentication-Results: " ID "; dmarc=pass header.from=meyer-labor.example\n"
	  "From: =?utf-8?q?Karin_M=C3=BCller?= <karin.meyer@meyer-labor.example>\n" },
};

static void
table(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *raw = xasprintf("%s%s", cases[i].header, TAIL);
		struct message *m = message_parse(raw, strlen(raw), NULL);
		char *what = xasprintf("%s: %s", cases[i].proven ?
		    "proven" : "not proven", cases[i].name);

		is_int(authres_dmarc_proven(m, ID), cases[i].proven, what);
		free(what);
		message_free(m);
		free(raw);
	}
}

static void
tokens(void)
{
	struct authres *a;

	a = authres_parse(" " ID " (c) 1 ; spf = pass (x; y) smtp.mailfrom = a@b.example ;\n"
	    "\tdmarc=fail reason=\"dmarc=pass\" header.from=\"b.example\"");
	ok(a != NULL, "a field with spaces around '=' and a version parses");
	if (a == NULL)
		return;
	is_str(authres_id(a), ID, "the authserv-id");
	is_int(authres_count(a), 2, "two results");
	is_str(authres_method(a, 0), "spf", "the first method");
	is_str(authres_prop(a, 0, "smtp.mailfrom"), "a@b.example", "its property");
	is_str(authres_method(a, 1), "dmarc", "the second method");
	is_str(authres_result(a, 1), "fail", "its result, not the reason's text");
	is_str(authres_prop(a, 1, "header.from"), "b.example", "a quoted pvalue, unquoted");
	ok(authres_method(a, 2) == NULL, "nothing past the end");
	authres_free(a);

	a = authres_parse(ID "; none");
	ok(a != NULL && authres_count(a) == 0, "no-result parses to no results");
	authres_free(a);
	ok(authres_parse(ID) == NULL, "an id alone is not a field");
	ok(authres_parse("") == NULL, "nor is an empty value");
	ok(authres_parse(ID "; dmarc=pass \"") == NULL, "an open quote is not");
	ok(authres_parse(ID "; dmarc=pass ((((((((((((((((((((((((((((((((((("
	    "))))))))))))))))))))))))))))))))))") == NULL,
	    "comments nested past the bound are not");
	authres_free(NULL);
	ok(!authres_dmarc_proven(NULL, NULL), "no trusted id proves nothing");
}

/* libetpan takes "Name :" for the field Name; message_header_raw must not. */
static void
obsolete_name(void)
{
	const char *raw = "Authentication-Results : " ID "; dmarc=pass\n"
	    "Authentication-Results: " ID "; dmarc=fail\n" VICTIM TAIL;
	struct message *m = message_parse(raw, strlen(raw), NULL);

	like(message_header(m, "Authentication-Results"), "dmarc=pass",
	    "libetpan reads \"Authentication-Results :\" as the field");
	like(message_header_raw(m, "Authentication-Results", 0), "dmarc=fail",
	    "the raw fields start with the one named as RFC 5322 says");
	ok(message_header_raw(m, "Authentication-Results", 1) == NULL,
	    "and leave the obsolete one out");
	message_free(m);
}

int
main(void)
{
	obsolete_name();
	table();
	tokens();
	return tap_done();
}
