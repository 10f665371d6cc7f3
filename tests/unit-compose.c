/* unit-compose.c — outgoing mail: RFC 2047 words, folding, quoted-printable, addresses, templates. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "compose.h"
#include "template.h"
#include "util.h"
#include "tap.h"

/* compose_encode of text at column col, as a string to free. */
static char *
enc(const char *text, size_t col, int phrase)
{
	struct buf b = { 0 };

	compose_encode(&b, text, col, phrase);
	return buf_steal(&b);
}

static char *
qp(const char *text)
{
	struct buf b = { 0 };

	compose_qp(&b, text);
	return buf_steal(&b);
}

/*
 * Every line of a header value (first at column col) within 78
 * columns, every line after the first starting with a blank, and
 * every encoded-word at most 75 characters whose bytes are UTF-8 by
 * themselves.
 */
static int
well_folded(const char *v, size_t col)
{
	const char *p, *nl, *w, *end;

	for (p = v; p; p = nl ? nl + 1 : NULL, col = 0) {
		nl = strchr(p, '\n');
		if (col + (size_t)(nl ? nl - p : (long)strlen(p)) > 78)
			return 0;
		if (p != v && *p != ' ')
			return 0;
	}
	for (w = v; (w = strstr(w, "=?UTF-8?Q?")) != NULL; w = end + 2) {
		struct buf dec = { 0 };
		int good;

		if ((end = strstr(w + 10, "?=")) == NULL || end + 2 - w > 75)
			return 0;
		for (const char *c = w + 10; c < end; c++) {
			if (*c == '=') {
				char hex[3] = { c[1], c[2], 0 };

				buf_addc(&dec, (int)strtol(hex, NULL, 16));
				c += 2;
			} else
				buf_addc(&dec, *c == '_' ? ' ' : *c);
		}
		good = utf8_valid(buf_str(&dec), dec.len);
		buf_free(&dec);
		if (!good)
			return 0;
	}
	return 1;
}

static void
test_encode(void)
{
	static const struct {
		const char	*in;
		size_t		 col;
		int		 phrase;
		const char	*want, *what;
	} cases[] = {
		{ "Re: Unsubscribe", 9, 0, "Re: Unsubscribe",
		  "plain ASCII text stays as it is" },
		{ "  Remove me\r\nBcc: x@evil.example ", 9, 0,
		  "Remove me Bcc: x@evil.example",
		  "CR and LF become one space: no line can start a header" },
		{ "Abmeldung f\xc3\xbcr M\xc3\xbcller", 9, 0,
		  "=?UTF-8?Q?Abmeldung_f=C3=BCr_M=C3=BCller?=",
		  "non-ASCII text becomes a Q encoded-word" },
		{ "Olivia \"Liv\" Brown", 4, 1, "=?UTF-8?Q?Olivia_=22Liv=22_Brown?=",
		  "a display name with specials is encoded, not quoted" },
		{ "Tom Hughes", 4, 1, "Tom Hughes",
		  "a plain display name stays as it is" },
		{ "x@evil.example>, <y@evil.example", 4, 1,
		  "=?UTF-8?Q?x=40evil=2Eexample=3E=2C_=3Cy=40evil=2Eexample?=",
		  "a display name cannot close the address or add one" },
		{ "=?UTF-8?B?QmNj?=", 9, 0, "=?UTF-8?Q?=3D=3FUTF-8=3FB=3FQmNj=3F=3D?=",
		  "text that looks like an encoded-word is itself encoded" },
		{ "bad \xff\xfe byte", 9, 0, "=?UTF-8?Q?bad_=EF=BF=BD=EF=BF=BD_byte?=",
		  "bytes that are not UTF-8 become U+FFFD" },
		{ "tab\there\x7f and \xc2\x85 NEL", 9, 0, "tab here and NEL",
		  "TAB, DEL and C1 controls become spaces" },
	};
	char *s, long_text[400];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		s = enc(cases[i].in, cases[i].col, cases[i].phrase);
		is_str(s, cases[i].want, cases[i].what);
		free(s);
	}
	long_text[0] = '\0';
	for (int i = 0; i < 30; i++)
		strcat(long_text, "Größe ");
	s = enc(long_text, 9, 0);
	ok(well_folded(s, 9), "long encoded text: 78 columns, words of 75, "
	    "no character split");
	ok(strchr(s, '\n') != NULL, "  and it is folded");
	free(s);
	memset(long_text, 0, sizeof long_text);
	for (int i = 0; i < 20; i++)
		strcat(long_text, "unsubscribe me ");
	s = enc(long_text, 9, 0);
	ok(well_folded(s, 9) && strstr(s, "=?") == NULL,
	    "long ASCII text is folded at its blanks");
	free(s);
	memset(long_text, 'x', 120);
	long_text[120] = '\0';
	s = enc(long_text, 9, 0);
	ok(well_folded(s, 9), "a word too long to fold is encoded in pieces");
	free(s);
}

static void
test_qp(void)
{
	char *s, line[200];

	s = qp("a=b\r\nend \nü\n");
	is_str(s, "a=3Db\nend=20\n=C3=BC\n",
	    "QP: '=', a blank before the line end, UTF-8; CRLF becomes LF");
	free(s);
	s = qp(".\nFrom me\n.. x\n");
	is_str(s, "=2E\n=46rom me\n=2E. x\n",
	    "QP: a leading dot and From_ are encoded");
	free(s);
	memset(line, 'a', 150);
	line[150] = '\0';
	s = qp(line);
	ok(strlen(s) == 150 + 2 + 1 && strstr(s, "=\n") != NULL,
	    "QP: a long line gets soft breaks");
	ok(strchr(s, '\n') - s == 76, "QP: encoded lines are 76 characters with the '='");
	free(s);
	memset(line, 'a', 74);
	strcpy(line + 74, "\xc3\xa9.");
	s = qp(line);
	ok(strstr(s, "a=\n=C3=A9.") != NULL, "QP: an escape is never cut by a soft break");
	free(s);
	s = qp("a\x01z\tb\n");
	is_str(s, "a z\tb\n", "QP: control characters but TAB become spaces");
	free(s);
}

static void
test_addresses(void)
{
	const char *good[] = { "tom.hughes@hughes-print.example", "a+b@x.example",
	    "o'brien@x.example" };
	const char *bad[] = { "a b@x.example", "x@evil>\nBcc:", "a..b@x.example",
	    "@x.example", "a@", ".a@x.example", "\xc3\xa4@x.example", "a@b@c",
	    "a@x.example\r", "", "<a@x.example>" };
	char *name, *addr;

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		ok(compose_addr_ok(good[i]), good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ok(!compose_addr_ok(bad[i]), "not an addr-spec mailopt writes");
	ok(compose_mailbox_parse("Nordwind Sales <sales@nordwind.example>",
	    &name, &addr) == 0, "from: name and address");
	is_str(name, "Nordwind Sales", "  the name");
	is_str(addr, "sales@nordwind.example", "  the address");
	free(name);
	free(addr);
	ok(compose_mailbox_parse("\"Sales, Nordwind\" <sales@nordwind.example>",
	    &name, &addr) == 0, "from: a quoted name");
	is_str(name, "Sales, Nordwind", "  loses its quotes");
	free(name);
	free(addr);
	ok(compose_mailbox_parse(" sales@nordwind.example ", &name, &addr) == 0 &&
	    name == NULL, "from: a bare address");
	free(addr);
	ok(compose_mailbox_parse("Sales <sales@nordwind.example> x", &name,
	    &addr) == -1, "from: text after the address is refused");
	ok(compose_mailbox_parse("Sales", &name, &addr) == -1,
	    "from: no address is refused");
}

static void
test_message(void)
{
	struct compose *c = compose_new();
	char *msg, *id;
	size_t len;

	ok(compose_address(c, "From", "Nordwind Sales", "sales@nordwind.example") == 0,
	    "From added");
	ok(compose_address(c, "To", "Eve\r\nBcc: x@evil.example",
	    "eve@example.com") == 0, "To with a hostile name added");
	ok(compose_address(c, "Cc", NULL, "x@evil.example\nBcc: y@evil.example") == -1,
	    "an address with a line break is refused");
	compose_text(c, "Subject", "Re: Remove me\r\nBcc: x@evil.example");
	compose_msgids(c, "In-Reply-To", "abc@example.com", 1);
	compose_msgids(c, "References",
	    "<a@x> junk <b@x>\n\tBcc: <c@x> <d@x> <e@x>", 3);
	ok(compose_field(c, "Auto-Submitted", "auto-replied") == 0, "field added");
	ok(compose_field(c, "X-Bad", "a\nb") == -1, "a field with a line break is refused");
	id = compose_message_id("sales@nordwind.example", 1764400000);
	ok(strstr(id, "@nordwind.example") != NULL && strchr(id, '<') == NULL,
	    "a Message-ID in the sender's domain");
	msg = compose_finish(c, "Hello ü\n", 1764400000, id, &len);
	is_int(len, strlen(msg), "the length is the message's");
	like(msg, "To: =?UTF-8?Q?Eve_Bcc=3A_x=40evil=2Eexample?= <eve@example.com>\n"
	    , "the hostile name is one encoded-word");
	unlike(msg, "\nBcc", "no Bcc field");
	unlike(msg, "\nCc", "no Cc field");
	like(msg, "Subject: Re: Remove me Bcc: x@evil.example\n",
	    "the subject stays on its line");
	like(msg, "In-Reply-To: <abc@example.com>\n", "In-Reply-To gets its brackets");
	like(msg, "References: <c@x> <d@x> <e@x>\n",
	    "References keeps the last ids, and only ids");
	like(msg, "Date: Sat, 29 Nov 2025 07:06:40 +0000\n", "an RFC 5322 date");
	like(msg, "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n\nHello =C3=BC\n",
	    "MIME fields, a blank line and the body in quoted-printable");
	free(id);
	free(msg);
	compose_free(c);
	compose_free(NULL);
}

static char dir[] = "/tmp/unit-compose.XXXXXX";

static void
put(const char *name, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
}

static void
test_template(void)
{
	static const char *const names[] = { "name", "flag", "other" };
	const char *values[] = { "Anna\r\nBcc: x", "0", NULL };
	struct template *t;
	struct buf subj = { 0 }, body = { 0 };

	put("x.en.txt", "Subject: Hi {{name|you}}\r\n\r\n{{flag?on|off}} "
	    "{{other|none}} {{name?yes}}{{other?no}} {{flag}}\n");
	put("x.de.txt", "Subject: Hallo\n\nDeutsch\n");
	put("bad.en.txt", "Subject: x\n\nline 3\n{{nmae}}\n");
	put("open.en.txt", "Subject: x\n\n{{name\n}}\n");
	put("nosubj.en.txt", "Hello\n\nbody\n");
	ok(template_load(dir, "x", "fr", names, 3, &t) == 0,
	    "no template for the language: English");
	template_expand(t, values, &subj, &body);
	is_str(buf_str(&subj), "Hi Anna  Bcc: x",
	    "subject: the value, its line breaks spaces");
	is_str(buf_str(&body), "off none yes 0\n",
	    "body: choices, a default, a value that is \"0\"");
	template_free(t);
	ok(template_load(dir, "x", "de", names, 3, &t) == 0 &&
	    strstr(template_path(t), "x.de.txt") != NULL, "the language's own template");
	template_free(t);
	ok(template_load(dir, "x", "../x", names, 3, &t) == 0 &&
	    strstr(template_path(t), "x.en.txt") != NULL,
	    "a language that is not letters never reaches the path");
	template_free(t);
	fflush(stdout);
	ok(template_load(dir, "bad", "en", names, 3, &t) == EX_CONFIG && t == NULL,
	    "an unknown placeholder is a configuration error");
	ok(template_load(dir, "open", "en", names, 3, &t) == EX_CONFIG,
	    "a placeholder left open is one");
	ok(template_load(dir, "nosubj", "en", names, 3, &t) == EX_CONFIG,
	    "a template without its Subject line is one");
	ok(template_load(dir, "none", "en", names, 3, &t) == EX_CONFIG,
	    "a missing template is one");
	template_free(NULL);
	buf_free(&subj);
	buf_free(&body);
}

int
main(void)
{
	char path[256];
	const char *files[] = { "x.en.txt", "x.de.txt", "bad.en.txt",
	    "open.en.txt", "nosubj.en.txt" };

	progname = "unit-compose";
	test_encode();
	test_qp();
	test_addresses();
	test_message();
	if (mkdtemp(dir) == NULL)
		return 99;
	test_template();
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	return tap_done();
}
