/* unit-util.c — buffers, strings, UTF-8 validation, hashing, settings. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "action.h"
#include "conf.h"
#include "json.h"
#include "util.h"
#include "tap.h"

static void
test_buf(void)
{
	struct buf b = { 0 };
	char *s;

	is_str(buf_str(&b), "", "an empty buffer reads as \"\"");
	for (int i = 0; i < 1000; i++)
		buf_addc(&b, 'x');
	is_int(b.len, 1000, "buffer grows");
	buf_reset(&b);
	buf_printf(&b, "%s=%d", "n", 42);
	is_str(buf_str(&b), "n=42", "buf_printf formats");
	s = buf_steal(&b);
	is_str(s, "n=42", "buf_steal hands over the string");
	ok(b.s == NULL && b.len == 0, "and resets the buffer");
	free(s);
}

static void
test_strings(void)
{
	char t[] = "  \t hello world \r\n";

	const char *l = " a.example,b.example\t, ,c ", *w;
	size_t n;
	struct buf items = { 0 };

	is_str(str_trim(t), "hello world", "str_trim trims both ends");
	while ((w = list_next(&l, &n)) != NULL)
		buf_printf(&items, "[%.*s]", (int)n, w);
	is_str(buf_str(&items), "[a.example][b.example][c]",
	    "list_next splits at commas and blanks, skipping empty items");
	buf_free(&items);
	ok(ascii_casecmp("Anna@Example.COM", "anna@example.com") == 0,
	    "ascii_casecmp ignores ASCII case");
	ok(ascii_casecmp("\xc3\x84", "\xc3\xa4") != 0,
	    "ascii_casecmp leaves non-ASCII alone");
	is_str(ascii_casestr("Hello World", "WORLD"), "World", "ascii_casestr finds");
	ok(ascii_casestr("abc", "x") == NULL, "ascii_casestr misses");
}

static void
test_utf8(void)
{
	ok(utf8_valid("gr\xc3\xbc\xc3\x9f", 6), "valid UTF-8 accepted");
	ok(!utf8_valid("\xc3", 1), "truncated sequence refused");
	ok(!utf8_valid("\xc0\xaf", 2), "overlong form refused");
	ok(!utf8_valid("\xed\xa0\x80", 3), "surrogate refused");
	ok(!utf8_valid("\xf4\x90\x80\x80", 4), "beyond U+10FFFF refused");
}

static void
test_cescape(void)
{
	struct buf b = { 0 };

	buf_add_cescaped(&b, "1764400497.M2P2140.mx1:2,S");
	is_str(buf_str(&b), "1764400497.M2P2140.mx1:2,S", "a Maildir name stays as it is");
	buf_reset(&b);
	buf_add_cescaped(&b, "a\nb\tc\rd\\e f\x1b[2J\x7f");
	is_str(buf_str(&b), "a\\nb\\tc\\rd\\\\e\\x20f\\x1b[2J\\x7f",
	    "newline, tab, CR, backslash, space, ESC and DEL are escaped");
	buf_reset(&b);
	buf_add_cescaped(&b, "gr\xc3\xbc\xc3\x9f\xc2\x9b\xff");
	is_str(buf_str(&b), "gr\xc3\xbc\xc3\x9f\\xc2\\x9b\\xff",
	    "UTF-8 stays; a C1 control and a byte that is not UTF-8 are escaped");
	buf_free(&b);
}

static void
test_sha(void)
{
	char hex[65];

	sha256_hex("abc", 3, hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "sha256 of abc");
}

static void
test_iso_parse(void)
{
	int64_t t = 0;

	ok(iso_parse("2026-11-30T10:00:00Z", &t) == 0 && t == 1796032800,
	    "iso_parse: UTC time");
	ok(iso_parse("2026-11-30T11:00:00+01:00", &t) == 0 && t == 1796032800,
	    "iso_parse: an offset");
	ok(iso_parse("2026-11-30T05:30-0430", &t) == 0 && t == 1796032800,
	    "iso_parse: a negative offset without colon, no seconds");
	ok(iso_parse("2026-11-30 10:00:00.123", &t) == 0 && t == 1796032800,
	    "iso_parse: a space, a fraction, no zone is UTC");
	ok(iso_parse("2026-11-30", &t) == 0 && t == 1796032800 - 36000,
	    "iso_parse: a date is its midnight UTC");
	ok(iso_parse("1970-01-01T00:00:00Z", &t) == 0 && t == 0, "iso_parse: the epoch");
	ok(iso_parse("2024-02-29", &t) == 0, "iso_parse: a leap day");
	ok(iso_parse("2026-02-29", &t) != 0, "iso_parse: no leap day in 2026");
	ok(iso_parse("2026-13-01", &t) != 0, "iso_parse: month 13 refused");
	ok(iso_parse("2026-11-30T25:00Z", &t) != 0, "iso_parse: hour 25 refused");
	ok(iso_parse("30.11.2026", &t) != 0, "iso_parse: not ISO refused");
	ok(iso_parse("2026-11-30Tx", &t) != 0, "iso_parse: junk refused");
	ok(iso_parse("2026-11-30T10:00Z junk", &t) != 0, "iso_parse: trailing junk refused");
	ok(iso_parse("", &t) != 0, "iso_parse: empty refused");
}

static void
test_json(void)
{
	struct buf b = { 0 };
	int first = 1;

	buf_addc(&b, '{');
	json_key(&b, "a", &first);
	json_str(&b, "q\"\\\n\x01\xff\xc3\xa4");
	json_key(&b, "b", &first);
	json_str(&b, NULL);
	buf_addc(&b, '}');
	is_str(buf_str(&b), "{\"a\":\"q\\\"\\\\\\n\\u0001\\ufffd\xc3\xa4\",\"b\":null}",
	    "json escapes controls, replaces bad UTF-8, null for NULL");
	buf_free(&b);
}

static void
test_actions(void)
{
	enum action a;

	ok(action_parse("optout-postal", &a) == 0 && a == ACTION_OPTOUT_POSTAL,
	    "action names parse");
	ok(action_parse("optout-everything", &a) == -1, "unknown action refused");
	is_int(action_flags(ACTION_OPTOUT_MARKETING), FLAG_EMAIL | FLAG_POSTAL,
	    "optout-marketing covers email and postal");
	ok(action_is_optin(ACTION_OPTIN_THIRDPARTY) && !action_is_optin(ACTION_OPTOUT_ALL) &&
	    !action_is_optin(ACTION_REVIEW), "opt-ins are told apart");
	is_str(flag_name(2), "third_party", "flag names");
}

static void
test_conf(void)
{
	char dir[] = "/tmp/mailopt-unit-XXXXXX", path[256];
	struct conf *c = NULL;
	FILE *fp;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof path, "%s/mailopt.conf", dir);
	fp = fopen(path, "w");
	fprintf(fp, "# comment\n\ndatabase = /from/file.db\nrules=/r\n"
	    "max_message_size = 2M\ndeadline_days = 5\n");
	fclose(fp);
	unsetenv("MAILOPT_CONFIG");
	setenv("MAILOPT_DB", "/from/env.db", 1);
	unsetenv("MAILOPT_RULES");
	ok(conf_load(path, NULL, NULL, &c) == 0, "config file loads");
	is_str(c ? c->database : NULL, "/from/env.db", "environment beats the file");
	is_str(c ? c->rules : NULL, "/r", "file beats the default");
	is_int(c ? c->max_message_size : 0, 2 * 1024 * 1024, "sizes take suffixes");
	is_int(c ? c->deadline_days : 0, 5, "numbers parse");
	is_str(c ? c->processed_folder : NULL, ".Processed", "defaults stay");
	conf_free(c);
	ok(conf_load(path, "/cli.db", NULL, &c) == 0, "reload");
	is_str(c ? c->database : NULL, "/cli.db", "command line beats the environment");
	conf_free(c);
	unsetenv("MAILOPT_DB");

	fp = fopen(path, "w");
	fprintf(fp, "databse = x\n");
	fclose(fp);
	is_int(conf_load(path, NULL, NULL, &c), EX_CONFIG, "unknown setting is a config error");
	fp = fopen(path, "w");
	fprintf(fp, "max_message_size = lots\n");
	fclose(fp);
	is_int(conf_load(path, NULL, NULL, &c), EX_CONFIG, "bad value is a config error");
	unlink(path);
	is_int(conf_load(path, NULL, NULL, &c), EX_CONFIG, "a named file must exist");
	rmdir(dir);
}

int
main(void)
{
	test_buf();
	test_strings();
	test_utf8();
	test_cescape();
	test_sha();
	test_iso_parse();
	test_json();
	test_actions();
	test_conf();
	return tap_done();
}
