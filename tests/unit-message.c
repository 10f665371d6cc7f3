/* unit-message.c — headers, MIME, charsets, HTML, stripping and hostile mail. */
#include "config.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "html.h"
#include "message.h"
#include "mime.h"
#include "strip.h"
#include "util.h"
#include "tap.h"
#include "testlim.h"

#define MAX_MESSAGE	(10 * 1024 * 1024)

static const char *srcdir = ".";
/* strip gets the quote markers of the shipped rules (main) */
static struct message_limits lim = { 20, 1024 * 1024, NULL, NULL };

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The whole file, or NULL. */
static char *
slurp(const char *path, size_t *len)
{
	struct buf b = { 0 };
	int fd, over;

	if ((fd = open(path, O_RDONLY)) == -1)
		return NULL;
	if (read_fd_capped(fd, MAX_MESSAGE, &b, &over) == -1) {
		close(fd);
		buf_free(&b);
		return NULL;
	}
	close(fd);
	*len = b.len;
	return buf_steal(&b);
}

static struct message *
load_with(const char *name, const struct message_limits *l)
{
	char *path = xasprintf("%s/tests/fixtures/message/%s", srcdir, name);
	struct message *m;
	size_t len = 0;
	char *s = slurp(path, &len);

	if (s == NULL)
		printf("# cannot read %s\n", path);
	m = message_parse(s ? s : "", len, l);
	free(s);
	free(path);
	return m;
}

static struct message *
load(const char *name)
{
	return load_with(name, &lim);
}

static int
valid(const char *s)
{
	return s != NULL && utf8_valid(s, strlen(s));
}

/* Every string a message hands out is valid UTF-8. */
static int
all_valid(const struct message *m)
{
	static const char *const names[] = {
		"From", "To", "Subject", "Received", "Content-Type",
	};
	const char *v;

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if ((v = message_header(m, names[i])) != NULL && !valid(v))
			return 0;
	for (size_t i = 0; i < message_nrcpt(m); i++)
		if (!valid(message_rcpt(m, i)))
			return 0;
	return valid(message_subject(m)) && valid(message_text(m)) &&
	    valid(message_body(m)) && valid(message_content_type(m)) &&
	    (message_from(m) == NULL || valid(message_from(m))) &&
	    (message_from_name(m) == NULL || valid(message_from_name(m))) &&
	    (message_id(m) == NULL || valid(message_id(m)));
}

/* Parse a hostile message: that it comes out well is asserted, its time only reported. */
static struct message *
parse_timed(const char *s, size_t len, const struct message_limits *l,
    const char *what)
{
	double t = now_ms();
	struct message *m = message_parse(s, len, l);

	ok(all_valid(m), what);
	printf("# %s: %zu bytes in %.0f ms\n", what, len, now_ms() - t);
	return m;
}

static void
test_qp_latin1(void)
{
	struct message *m = load("qp-latin1.eml");

	is_str(message_subject(m), "Abmeldung für Newsletter", "qp: subject");
	is_str(message_from(m), "juergen.mueller@example.de", "qp: from");
	is_str(message_from_name(m), "Jürgen Müller", "qp: from name decoded");
	is_str(message_id(m), "20240101.abc@mail.example.de",
	    "qp: message-id without <>");
	is_str(message_return_path(m), "bounce-123@lists.example.com",
	    "qp: return-path");
	is_str(message_text(m), "Bitte löschen Sie meine Adresse aus Ihrem "
	    "Verteiler. Grüße, Jürgen\n", "qp: soft breaks and latin1");
	is_str(message_content_type(m), "text/plain", "qp: content type");
	ok(!message_is_report(m), "qp: not a report");
	message_free(m);
}

static void
test_base64_utf8(void)
{
	struct message *m = load("base64-utf8.eml");

	is_str(message_text(m), "Hello,\nplease remove me from your mailing "
	    "list.\nThank you — Zoë\n", "base64: decoded, CRLF made LF");
	is_str(message_body(m), message_text(m), "base64: nothing stripped");
	message_free(m);
}

static void
test_html_only(void)
{
	struct message *m = load("html-only.eml");

	is_str(message_content_type(m), "text/html", "html: content type");
	like(message_text(m), "Please stop sending me mail.\n",
	    "html: white space collapsed, nbsp kept as a space");
	like(message_text(m), "Café & © € <ok>", "html: entities decoded");
	like(message_text(m), "\n\nSecond paragraph\n\none\ntwo\n",
	    "html: p and li break lines");
	like(message_text(m), "cell A cell B", "html: table cells spaced");
	unlike(message_text(m), "Ignored title", "html: head dropped");
	unlike(message_text(m), "color", "html: style dropped");
	unlike(message_text(m), "var ", "html: script dropped");
	unlike(message_text(m), "a comment", "html: comment dropped");
	like(message_text(m), "> To stop these mails\n> reply UNSUBSCRIBE",
	    "html: blockquote lines marked as quotes");
	is_str(message_body(m), "Please stop sending me mail.\nCafé & © € "
	    "<ok>\n\nSecond paragraph\n\none\ntwo\ncell A cell B\n",
	    "html: attribution and quote stripped");
	message_free(m);
}

static void
test_multipart(void)
{
	struct message *m = load("multipart-attachment.eml");

	is_str(message_content_type(m), "multipart/mixed", "mixed: type");
	is_str(message_text(m), "See the attached invoice.",
	    "mixed: inline text only");
	unlike(message_text(m), "unsubscribe",
	    "mixed: text attachment never read");
	message_free(m);

	m = load("multipart-alternative.eml");
	is_str(message_text(m), "the plain version",
	    "alternative: text/plain preferred to html");
	message_free(m);

	m = load("empty-plain-html.eml");
	is_str(message_text(m), "please unsubscribe me\n",
	    "alternative: html when text/plain is blank");
	message_free(m);
}

/* The text read from the message msg contains needle. */
static void
text_has(const char *msg, const char *needle, const char *what)
{
	struct message *m = message_parse(msg, strlen(msg), &lim);

	like(message_text(m), needle, what);
	message_free(m);
}

/*
 * The bodies of images and PDFs are dropped before libetpan parses
 * (mime_defuse): the parts around them read as before, and what such a
 * body holds, header-like lines included, is never text.
 */
static void
test_opaque_parts(void)
{
	static const char msg[] =
	    "From: a@example.com\nTo: sales@example.com\nSubject: x\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"outer\"\n\n"
	    "preamble\n"
	    "--outer\n"
	    "Content-Type: application/pdf\n\n"
	    "%PDF-1.4\nContent-Type: text/plain\n\nunsubscribe inside the pdf\n"
	    "--outer\n"
	    "Content-Type: image/png; name=\"a.png\"\n"
	    "Content-Transfer-Encoding: base64\n\n"
	    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4\n"
	    "--outer\n"
	    "Content-Type: text/plain; charset=utf-8\n\n"
	    "please unsubscribe me\n"
	    "--outer--\n";
	struct message *m = message_parse(msg, sizeof msg - 1, &lim);

	is_str(message_content_type(m), "multipart/mixed",
	    "opaque parts: the type");
	is_str(message_text(m), "please unsubscribe me",
	    "opaque parts: the text part after an image and a pdf is read");
	unlike(message_body(m), "inside the pdf",
	    "opaque parts: a pdf's bytes are never text");
	message_free(m);

	/*
	 * Only what libetpan surely reads as an opaque part is dropped:
	 * not a pasted mail in a plain text, nor a part after a line that
	 * merely starts with the boundary.
	 */
	text_has("From: a@example.com\nTo: sales@example.com\nSubject: x\n\n"
	    "Here is the raw mail you sent me:\n"
	    "Content-Type: multipart/mixed; boundary=\"Z\"\n\n"
	    "--Z\nContent-Type: application/pdf\n\nJVBERi0xLjQK\n\n"
	    "Anyway: stop mailing me.\n", "stop mailing me",
	    "opaque parts: a mail pasted into a plain text is all text");
	text_has("From: a@example.com\nTo: sales@example.com\nSubject: x\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"A\"\n\n"
	    "--A\nContent-Type: text/plain\n\nHello\n"
	    "--Axyz\nContent-Type: image/png\n\nplease unsubscribe me\n"
	    "--A--\n", "please unsubscribe me",
	    "opaque parts: after \"--Axyz\", which is no delimiter of A, nothing is dropped");
}

static void
test_forwarded(void)
{
	struct message *m = load("forwarded-rfc822.eml");

	is_str(message_text(m), "FYI, see below.",
	    "rfc822: the sender's part only");
	unlike(message_body(m), "UNSUBSCRIBE",
	    "rfc822: forwarded newsletter not the sender's text");
	ok(!message_is_report(m), "rfc822: not a report");
	message_free(m);

	m = load("forwarded-inline.eml");
	like(message_text(m), "Reply UNSUBSCRIBE", "inline forward: in text");
	is_str(message_body(m), "Is this you?\n",
	    "inline forward: cut at the marker");
	message_free(m);
}

static void
test_replies(void)
{
	struct message *m = load("reply-quoting-newsletter.eml");

	like(message_text(m), "reply with \"unsubscribe\"",
	    "reply: quote kept in text");
	is_str(message_body(m), "Thanks, I'll have a look at the offers.\n",
	    "reply: wrapped attribution and quote stripped");
	message_free(m);

	m = load("outlook-original-message.eml");
	is_str(message_body(m), "Yes, the address is correct.\n",
	    "outlook: cut at Original Message");
	message_free(m);

	m = load("outlook-from-sent.eml");
	is_str(message_body(m), "Danke, passt so.\n",
	    "outlook: cut at Von:/Gesendet: block and the line above it");
	message_free(m);

	m = load("german-am-schrieb.eml");
	is_str(message_body(m), "Bitte rufen Sie mich an.\n",
	    "german: cut at Am ... schrieb ...:");
	message_free(m);

	m = load("signature.eml");
	is_str(message_body(m), "Do you ship to Norway?\n",
	    "signature: cut at \"-- \"");
	like(message_text(m), "reply STOP", "signature: kept in text");
	message_free(m);
}

static void
test_footer(void)
{
	struct message_limits fl = lim;
	struct message *m;

	fl.footer = "^you received this newsletter";
	m = load_with("footer.eml", &fl);
	is_str(message_body(m), "Please call me back.\n",
	    "footer: matching line and the rest cut");
	message_free(m);

	m = load("footer.eml");
	like(message_body(m), "UNSUBSCRIBE", "footer: none configured");
	message_free(m);
}

static void
test_strip_languages(void)
{
	static const struct {
		const char *attribution, *lang;
	} t[] = {
		{ "On Mon, Mar 4, 2024 at 9:12 AM Shop <n@s.example> wrote:",
		    "english" },
		{ "Am Mo., 4. März 2024 um 09:12 Uhr schrieb Shop <n@s.example>:",
		    "german" },
		{ "Le lun. 4 mars 2024 à 09:12, Shop <n@s.example> a écrit :",
		    "french" },
		{ "El lun, 4 mar 2024 a las 9:12, Shop (<n@s.example>) escribió:",
		    "spanish" },
		{ "Il giorno lun 4 mar 2024 alle ore 09:12 Shop <n@s.example> "
		    "ha scritto:", "italian" },
		{ "Op ma 4 mrt. 2024 om 09:12 schreef Shop <n@s.example>:",
		    "dutch" },
		{ "Em seg., 4 de mar. de 2024 às 09:12, Shop <n@s.example> "
		    "escreveu:", "portuguese" },
		{ "Op 4 mrt. 2024 om 09:12 heeft Shop <n@s.example> het "
		    "volgende geschreven:", "dutch apple mail" },
		{ "A 4/03/2024, às 09:12, Shop <n@s.example> escreveu:",
		    "european portuguese apple mail" },
		{ "Le 4 mars 2024 a 09:12, Shop a ecrit :",
		    "french without accents" },
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char *text = xasprintf("Keep me.\n\n%s\nReply STOP.\n",
		    t[i].attribution);
		char *body = strip_text(lim.strip, text, NULL);
		char *what = xasprintf("strip: %s attribution", t[i].lang);

		is_str(body, "Keep me.\n", what);
		free(what);
		free(body);
		free(text);
	}
}

static void
test_strip_edges(void)
{
	static const struct {
		const char *in, *want, *what;
	} t[] = {
		{ "a\n> q1\nb\n> q2\nc\n", "a\nb\nc\n",
		    "strip: inline quotes go, answers stay" },
		{ "\n\n  \nhi\n\n\n", "hi\n", "strip: blank lines trimmed" },
		{ "> only quoted\n", "", "strip: nothing left is empty" },
		{ "text\n--\nsig\n", "text\n", "strip: bare -- signature" },
		{ "text\n---\nmore\n", "text\n---\nmore\n",
		    "strip: --- is no signature" },
		{ "I wrote: thanks\nOn sale now\n",
		    "I wrote: thanks\nOn sale now\n",
		    "strip: no attribution without the shape" },
		{ "x\n-------- Message d'origine --------\ny\n", "x\n",
		    "strip: french original message" },
		{ "x\nBegin forwarded message:\ny\n", "x\n",
		    "strip: apple forward" },
		{ "x\n-----Ursprüngliche Nachricht-----\ny\n", "x\n",
		    "strip: german original message" },
		{ "x\nFrom: a@b\nfoo\nDate: today\ny\n", "x\n",
		    "strip: From: then Date: within a few lines" },
		{ "From: me\nI want out.\n\n\n\n\nDate: later\n",
		    "From: me\nI want out.\n\n\n\n\nDate: later\n",
		    "strip: From: with a far Date: stays" },
		{ "x\nDe : Shop\nEnvoyé : lundi\ny\n", "x\n",
		    "strip: french outlook block" },
		{ "On Mon, Shop <news@shop.example> wrote:\n> Reply unsubscribe\n"
		    "\nNo more catalogues by post, please.\n",
		    "No more catalogues by post, please.\n",
		    "strip: a reply below a '>' quote is kept" },
		{ "Thanks.\n\nAm Montag schrieb Shop:\n\n> Abmelden: Antwort\n",
		    "Thanks.\n", "strip: attribution and '>' quote go" },
		{ "Thanks.\nOn Mon, Shop wrote:\nReply unsubscribe\n",
		    "Thanks.\n", "strip: an unmarked quote is cut to the end" },
		{ "x\nDe: Shop <n@s.example>\nEnviado el: lunes, 3 de junio\ny\n",
		    "x\n", "strip: spanish outlook block (Enviado el:)" },
		{ "x\nDe: Shop <n@s.example>\nEnviada: segunda-feira\ny\n",
		    "x\n", "strip: portuguese outlook block (Enviada:)" },
		{ "x\n\nGesendet: Montag, 3. Juni 2024 um 10:15 Uhr\n"
		    "Von: \"Shop\" <n@s.example>\nAn: a@b\nAbmelden: Antwort\n",
		    "x\n", "strip: german webmail block, date line first" },
		{ "x\n\n____________________\nFrom: Shop <n@s.example>\n"
		    "Sent: Monday\ny\n", "x\n",
		    "strip: the line above an outlook block goes with it" },
		{ "a\n____________________\nb\n", "a\n____________________\nb\n",
		    "strip: a line of underscores alone stays" },
		{ "x\nInizio messaggio inoltrato:\ny\n", "x\n",
		    "strip: italian apple forward" },
		{ "x\nInício da mensagem reencaminhada:\ny\n", "x\n",
		    "strip: portuguese apple forward" },
		{ "x\n-------- Original-Nachricht --------\ny\n", "x\n",
		    "strip: german webmail original message" },
		{ "Keep.\n\nShop wrote:\n> Reply unsubscribe\n\nAnd this.\n",
		    "Keep.\n\n\nAnd this.\n",
		    "strip: a bare \"X wrote:\" above a '>' quote goes" },
		{ "My colleague wrote:\nunsubscribe us both\n",
		    "My colleague wrote:\nunsubscribe us both\n",
		    "strip: a bare \"X wrote:\" without a quote stays" },
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char *body = strip_text(lim.strip, t[i].in, NULL);

		is_str(body, t[i].want, t[i].what);
		free(body);
	}
}

static void
test_bad_footer(void)
{
	char *body;

	printf("# a warning about the footer pattern is expected\n");
	fflush(stdout);
	body = strip_text(lim.strip, "a\nb\n", "(unclosed");
	is_str(body, "a\nb\n", "strip: broken footer pattern ignored");
	free(body);
}

static void
test_headers(void)
{
	struct message *m = load("headers.eml");

	is_str(message_header(m, "received"),
	    "from a.example by b.example; Mon, 4 Mar 2024 09:12:00 +0000\n"
	    "from c.example by a.example; Mon, 4 Mar 2024 09:11:00 +0000",
	    "header: repeated fields joined, folding undone, any case");
	is_str(message_subject(m), "This is a long subject that was folded",
	    "header: subject unfolded");
	is_str(message_header(m, "List-Id"), "Shop News <news.shop.example>",
	    "header: List-Id");
	is_str(message_header(m, "PRECEDENCE"), "bulk", "header: Precedence");
	like(message_header(m, "Authentication-Results"), "dkim=pass",
	    "header: Authentication-Results");
	is_str(message_header(m, "X-After"), NULL,
	    "header: a line without a colon ends the header");
	like(message_text(m), "X-After: not a header", "header: ... and is body");
	is_str(message_from(m), "bare@example.com", "header: <addr> only");
	is_int(message_nrcpt(m), 3, "rcpt: every Delivered-To, no duplicate");
	is_str(message_rcpt(m, 2), "last@shop.example",
	    "rcpt: the last Delivered-To");
	is_str(message_from_name(m), NULL, "header: no display name");
	is_str(message_header(m, "Nope"), NULL, "header: absent is NULL");
	message_free(m);

	m = load("mdn-report.eml");
	ok(message_is_report(m), "report: disposition notification");
	message_free(m);

	m = load("arf-report.eml");
	ok(message_is_report(m), "report: feedback report");
	is_str(message_content_type(m), "multipart/mixed",
	    "report: type is the top level's");
	message_free(m);

	m = load("headers.eml");
	is_str(message_content_type(m), "text/plain",
	    "content type: text/plain by default");
	message_free(m);

	m = load("bounce-report.eml");
	is_str(message_return_path(m), "", "return-path: <> is \"\"");
	ok(message_is_report(m), "report: multipart/report");
	is_str(message_content_type(m), "multipart/report", "report: type");
	is_str(message_header(m, "Auto-Submitted"), "auto-replied",
	    "report: Auto-Submitted");
	like(message_text(m), "could not\nbe delivered",
	    "report: the notification is the text");
	message_free(m);
}

static void
test_addresses(void)
{
	struct message *m = load("broken-from.eml");
	const char *msg;

	is_str(message_from(m), "john.doe@example.com",
	    "from: unparsable field scanned by hand");
	is_str(message_id(m), NULL, "message-id: <> is none");
	is_int(message_nrcpt(m), 2, "rcpt: To, Cc, Delivered-To, "
	    "X-Original-To deduplicated");
	is_str(message_rcpt(m, 0), "sales@shop.example", "rcpt: first");
	is_str(message_rcpt(m, 1), "other@example.com",
	    "rcpt: from a Cc libetpan rejects");
	is_str(message_rcpt(m, 2), NULL, "rcpt: NULL past the end");
	is_str(message_header(m, "Reply-To"), "John <john@example.com>",
	    "header: Reply-To decoded");
	message_free(m);

	msg = "From: x \"john doe\"@example.com\n\n";
	m = message_parse(msg, strlen(msg), &lim);
	is_str(message_from(m), "\"john doe\"@example.com",
	    "from: quoted local part scanned by hand");
	message_free(m);

	m = load("from-no-at.eml");
	is_str(message_from(m), NULL, "from: no '@' is none");
	is_str(message_id(m), "spaced@example.com", "message-id: trimmed");
	message_free(m);
}

static void
test_charsets(void)
{
	struct message *m = load("windows-1252-as-latin1.eml");

	is_str(message_text(m), "“Please stop” – it costs € 5 … naïve\n",
	    "latin1 label read as windows-1252");
	is_str(message_subject(m), "“quoted”",
	    "latin1 label read as windows-1252 in RFC 2047");
	message_free(m);

	m = load("unknown-charset.eml");
	is_str(message_text(m), "café crème\n", "unknown charset: fallback");
	is_str(message_subject(m), "café", "unknown charset in a header");
	message_free(m);

	m = load("invalid-utf8.eml");
	ok(valid(message_text(m)), "invalid utf-8: repaired");
	like(message_text(m), "ok é then bad é", "invalid utf-8: good kept");
	message_free(m);

	m = load("raw-8bit-header.eml");
	is_str(message_subject(m), "Abbestellung für Jörg",
	    "raw 8-bit utf-8 subject");
	is_str(message_from_name(m), "Jörg Groß", "raw 8-bit display name");
	message_free(m);

	m = load("latin1-raw-header.eml");
	is_str(message_subject(m), "für", "raw latin1 subject");
	is_str(message_from_name(m), "Jörg", "raw latin1 display name");
	message_free(m);

	m = load("rfc2047-split.eml");
	is_str(message_subject(m), "Überweisung ✓ bestätigt",
	    "rfc2047: character split over two words");
	is_str(message_header(m, "X-Mixed"), "café au lait",
	    "rfc2047: split over a Q and a B word");
	is_str(message_header(m, "X-Spaces"), "ab c d",
	    "rfc2047: space between words dropped, around text kept");
	is_str(message_from_name(m), "Hélène", "rfc2047: display name");
	message_free(m);

	m = load("iso-2022-jp.eml");
	is_str(message_subject(m), "配信停止", "iso-2022-jp subject");
	is_str(message_text(m), "配信停止してください\n", "iso-2022-jp body");
	message_free(m);

	m = load("euc-jp-as-iso-2022-jp.eml");
	is_str(message_text(m), "配信停止してください\n",
	    "iso-2022-jp label on euc-jp bytes");
	message_free(m);
}

static void
test_line_ends(void)
{
	struct message *m = load("bom.eml");

	is_str(message_from(m), "hal@example.com", "bom: From found");
	is_str(message_id(m), "bom@example.com", "bom: Message-ID found");
	message_free(m);

	m = load("cr-only.eml");
	is_str(message_subject(m), "old mac folded", "cr: header unfolded");
	is_str(message_text(m), "first line\nsecond line\n", "cr: body lines");
	message_free(m);

	m = load("mbox-from-line.eml");
	is_str(message_from(m), "quinn@example.com",
	    "mbox From line skipped, CRLF read");
	is_str(message_text(m), "stop sending me mail\n", "mbox: body");
	message_free(m);

	m = load("lost-boundary-fold.eml");
	is_str(message_text(m), "the plain part",
	    "boundary= that lost its fold still splits the parts");
	message_free(m);

	{
		static const char blanks[] = "   \t \r\nFrom: Ann <ann@example.com>\r\n"
		    "Subject: hi\r\n\r\nbody\r\n";
		static const char empty[] = "\nFrom: Ann <ann@example.com>\n\n"
		    "body\n";

		m = message_parse(blanks, sizeof blanks - 1, &lim);
		is_str(message_from(m), "ann@example.com",
		    "a line of blanks before the header is skipped");
		is_str(message_text(m), "body\n", "  and the body is the body");
		message_free(m);
		m = message_parse(empty, sizeof empty - 1, &lim);
		is_str(message_from(m), NULL,
		    "an empty first line still ends the header");
		message_free(m);
	}
	{
		static const char semis[] = "From: a@example.com\n"
		    "Content-Type: multipart/mixed;;\n"
		    "  Boundary=\"==_ _= 12(3)\"\n\n"
		    "--==_ _= 12(3)\nContent-Type: text/plain\n\nthe text\n"
		    "--==_ _= 12(3)\nContent-Type: text/plain; name=\"a;;b\"\n"
		    "Content-Disposition: attachment\n\nnot this\n"
		    "--==_ _= 12(3)--\n";

		m = message_parse(semis, sizeof semis - 1, &lim);
		is_str(message_content_type(m), "multipart/mixed",
		    "an empty parameter (;;) does not hide the type");
		is_str(message_text(m), "the text",
		    "  nor the boundary after it");
		message_free(m);
	}

	m = load("no-body.eml");
	is_str(message_subject(m), "only headers",
	    "no final newline: last field kept");
	is_str(message_text(m), "", "no body: empty text");
	is_str(message_body(m), "", "no body: empty body");
	message_free(m);
}

static void
test_flowed(void)
{
	struct message *m = load("flowed.eml");

	is_str(message_body(m), "Please remove my address from your "
	    "newsletter list, I no longer want it.\nThanks.\n"
	    " >not a quote, space-stuffed\n",
	    "flowed: delsp joins, stuffing kept off quotes, signature cut");
	message_free(m);

	m = load("flowed-nodelsp.eml");
	is_str(message_text(m), "Please remove my address from your list.\n"
	    "> quoted text that flows\n", "flowed: quoted lines flow too");
	message_free(m);
}

/* A message nested depth multiparts deep, "inner" at the bottom. */
static char *
nested(int depth, size_t *len)
{
	struct buf b = { 0 };

	buf_printf(&b, "From: deep@example.com\nSubject: deep\n"
	    "Content-Type: multipart/mixed; boundary=b0\n\n");
	for (int i = 1; i < depth; i++)
		buf_printf(&b, "--b%d\nContent-Type: multipart/mixed; "
		    "boundary=b%d\n\n", i - 1, i);
	buf_printf(&b, "--b%d\nContent-Type: text/plain\n\ninner\n", depth - 1);
	for (int i = depth - 1; i >= 0; i--)
		buf_printf(&b, "--b%d--\n", i);
	*len = b.len;
	return buf_steal(&b);
}

static void
test_nesting(void)
{
	struct message *m;
	struct buf b = { 0 };
	size_t len;
	char *s;

	s = nested(5, &len);
	m = message_parse(s, len, &lim);
	is_str(message_text(m), "inner", "nesting: 5 levels walked");
	message_free(m);
	free(s);

	s = nested(lim.max_depth, &len);
	m = message_parse(s, len, &lim);
	is_str(message_text(m), "inner", "nesting: max_depth levels walked");
	message_free(m);
	free(s);

	s = nested(lim.max_depth + 1, &len);
	m = message_parse(s, len, &lim);
	is_str(message_text(m), "", "nesting: past max_depth not walked");
	is_str(message_subject(m), "deep", "nesting: header still read");
	message_free(m);
	free(s);

	s = nested(100000, &len);
	m = parse_timed(s, len, &lim, "nesting: 100000 levels parsed");
	message_free(m);
	free(s);

	buf_adds(&b, "From: a@example.com\n");
	for (int i = 0; i < 300000; i++)
		buf_adds(&b, "Content-Type: message/rfc822\n\n");
	buf_adds(&b, "end\n");
	m = parse_timed(b.s, b.len, &lim, "nesting: 300000 messages in messages");
	message_free(m);
	buf_free(&b);

	buf_adds(&b, "From: a@example.com\nContent-Type: multipart/mixed; "
	    "boundary=x\n\n");
	for (int i = 0; i < 1000000; i++)
		buf_adds(&b, "--x\n\n");
	buf_adds(&b, "--x--\n");
	m = parse_timed(b.s, b.len, &lim, "hostile: a million empty parts");
	message_free(m);
	buf_free(&b);

	/* a converter load is slow: the budget must hold across fields */
	buf_adds(&b, "From: a@example.com\n");
	for (int i = 0; i < 1000; i++) {
		buf_printf(&b, "X-F%d:", i);
		for (int k = 0; k < 40; k++)
			buf_printf(&b, " =?%s?q?a?=", k % 2 ? "koi8-r" :
			    k % 3 ? "big5" : k % 5 ? "euc-kr" : "cp1251");
		buf_addc(&b, '\n');
	}
	buf_adds(&b, "Subject: =?koi8-r?b?98HT?=\n\nbody\n");
	m = parse_timed(b.s, b.len, &lim, "hostile: 40000 words in 4 charsets");
	message_free(m);
	buf_free(&b);

	buf_adds(&b, "From: a@example.com\nSubject:");
	for (int i = 0; i < 100000; i++)
		buf_adds(&b, " =?utf-8?q?a?=\n =?x?q?b?= =?aaaaaaaaaaa");
	buf_adds(&b, "\n\nbody\n");
	m = parse_timed(b.s, b.len, &lim, "hostile: 300000 encoded words");
	message_free(m);
	buf_free(&b);

	buf_adds(&b, "Content-Type: text/html\n\n");
	for (int i = 0; i < 200000; i++)
		buf_adds(&b, "<style><head><title><script>x<!");
	m = parse_timed(b.s, b.len, &lim, "hostile: 800000 unclosed html elements");
	message_free(m);
	buf_free(&b);

	buf_adds(&b, "From: a@example.com\n");
	for (int i = 0; i < 1000000; i++)
		buf_adds(&b, "X-A: b\n");
	buf_adds(&b, "Subject: late\n\nbody\n");
	m = parse_timed(b.s, b.len, &lim, "hostile: a million header fields");
	is_str(message_text(m), "body\n", "hostile: the body after them is read");
	message_free(m);
	buf_free(&b);
}

static void
test_max_text(void)
{
	struct message_limits small = { 20, 10, NULL, lim.strip };
	const char *msg = "Subject: x\n\nabcdefghé€xyz\n";
	struct message *m = message_parse(msg, strlen(msg), &small);

	is_str(message_text(m), "abcdefghé", "max_text: cut on a character");
	message_free(m);
}

static void
test_helpers(void)
{
	char *s;

	s = mime_to_utf8("\xff\xfeh\0i\0", 6, "utf-16", NULL);
	is_str(s, "hi", "mime_to_utf8: utf-16");
	free(s);
	s = mime_to_utf8("a\0b", 3, "us-ascii", NULL);
	is_str(s, "ab", "mime_to_utf8: NUL dropped");
	free(s);
	s = mime_to_utf8("caf\xe9", 4, "utf-8//IGNORE", NULL);
	is_str(s, "café", "mime_to_utf8: odd label is unknown");
	free(s);
	s = mime_to_utf8("\xa4", 1, "iso-8859-15", NULL);
	is_str(s, "€", "mime_to_utf8: iconv charset");
	free(s);
	s = mime_header_decode("=?utf-8?q?unterminated", 22, NULL);
	ok(valid(s), "header decode: unterminated word");
	free(s);
	s = mime_header_decode("a\tb\001c", 6, NULL);
	is_str(s, "a b c", "header decode: controls made spaces");
	free(s);
	s = html_to_text("<p>x &#0; &#xD800; &#99999999; &bogus; &amp</p>", 47);
	is_str(s, "x \xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd &bogus; &amp\n",
	    "html: bad references never make bad UTF-8");
	free(s);
	s = html_to_text("<a title='>'>link</a> <title>t", 30);
	is_str(s, "link t\n", "html: quoted > in a tag, unclosed title shown");
	free(s);
	s = html_to_text("<pre>a  b\n c</pre>", 18);
	is_str(s, "a  b\n c\n", "html: pre keeps white space");
	free(s);
}

/*
 * Bytes nobody meant: every fixture cut at many points and with bytes
 * flipped must still parse to valid UTF-8.
 */
static void
test_garbage(void)
{
	static const char *const names[] = {
		"qp-latin1.eml", "html-only.eml", "multipart-attachment.eml",
		"rfc2047-split.eml", "bounce-report.eml", "flowed.eml",
		"forwarded-rfc822.eml", "iso-2022-jp.eml",
	};
	unsigned seed = 12345;
	int bad = 0, runs = 0;

	for (size_t f = 0; f < sizeof names / sizeof names[0]; f++) {
		char *path = xasprintf("%s/tests/fixtures/message/%s", srcdir,
		    names[f]);
		size_t len = 0;
		char *orig = slurp(path, &len);

		for (int r = 0; orig && r < 200; r++, runs++) {
			char *s = xmalloc(len + 1);
			size_t cut;
			struct message *m;

			memcpy(s, orig, len);
			for (int k = 0; k < 8; k++) {
				seed = seed * 1103515245 + 12345;
				s[(seed >> 8) % len] = (char)(seed >> 16);
			}
			cut = (size_t)r * len / 200;
			m = message_parse(s, cut, &lim);
			bad += !all_valid(m);
			message_free(m);
			free(s);
		}
		free(orig);
		free(path);
	}
	ok(bad == 0 && runs > 0, "garbage: mangled fixtures give valid UTF-8");
}

/* The shared corpus of real mail, when this tree has one beside it. */
static struct {
	int	 files, bad;
	double	 slowest;
	char	*slowest_name;
} corpus;

static int
corpus_file(const char *path, const struct stat *st, int type,
    struct FTW *ftw)
{
	struct message *m;
	size_t len = 0;
	double t;
	char *s;

	(void)st;
	(void)ftw;
	if (type != FTW_F || strstr(path, ".md") || strstr(path, "LICENSE"))
		return 0;
	if ((s = slurp(path, &len)) == NULL)
		return 0;
	t = now_ms();
	m = message_parse(s, len, &lim);
	t = now_ms() - t;
	corpus.files++;
	if (!all_valid(m)) {
		corpus.bad++;
		printf("# not valid UTF-8: %s\n", path);
	}
	if (t > corpus.slowest) {
		corpus.slowest = t;
		free(corpus.slowest_name);
		corpus.slowest_name = xstrdup(path);
	}
	message_free(m);
	free(s);
	return 0;
}

static void
test_corpus(void)
{
	const char *shared = getenv("SHARED");
	char *dir;
	double t;

	dir = shared ? xasprintf("%s/corpora", shared) :
	    xasprintf("%s/../shared/corpora", srcdir);
	if (access(dir, R_OK) != 0) {
		ok(1, "corpus # SKIP no corpus here");
		ok(1, "corpus time # SKIP no corpus here");
		free(dir);
		return;
	}
	t = now_ms();
	nftw(dir, corpus_file, 16, FTW_PHYS);
	t = now_ms() - t;
	printf("# corpus: %d files in %.0f ms, slowest %.0f ms (%s)\n",
	    corpus.files, t, corpus.slowest,
	    corpus.slowest_name ? corpus.slowest_name : "-");
	ok(corpus.files > 0 && corpus.bad == 0,
	    "corpus: every message gives valid UTF-8");
	free(corpus.slowest_name);
	free(dir);
}

int
main(void)
{
	const char *s = getenv("srcdir");
	struct rules *r;

	if (s != NULL && *s != '\0')
		srcdir = s;
	lim = testlim(&r);
	test_qp_latin1();
	test_base64_utf8();
	test_html_only();
	test_multipart();
	test_opaque_parts();
	test_forwarded();
	test_replies();
	test_footer();
	test_strip_languages();
	test_strip_edges();
	test_bad_footer();
	test_headers();
	test_addresses();
	test_charsets();
	test_line_ends();
	test_flowed();
	test_max_text();
	test_nesting();
	test_helpers();
	test_garbage();
	test_corpus();
	rules_free(r);
	return tap_done();
}
