/* unit-csv.c — RFC 4180 reading and writing. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "tap.h"

static void
test_read(void)
{
	const char *in = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n,,\nlast";
	struct csv *r = csv_new(in, strlen(in));
	char **f;
	size_t n;

	ok(csv_read(r, &f, &n) == 1 && n == 3, "header record with CRLF");
	is_str(f[2], "c", "CR is not part of the field");
	ok(csv_read(r, &f, &n) == 1 && n == 3, "quoted record");
	is_str(f[0], "x, y", "comma inside quotes");
	is_str(f[1], "say \"hi\"", "doubled quotes");
	is_str(f[2], "two\nlines", "newline inside quotes");
	ok(csv_read(r, &f, &n) == 1 && n == 3 && *f[0] == '\0', "empty fields");
	is_int(csv_line(r), 4, "line numbers count quoted newlines");
	ok(csv_read(r, &f, &n) == 1 && n == 1, "last record without newline");
	is_str(f[0], "last", "its field");
	ok(csv_read(r, &f, &n) == 0, "then the end");
	csv_free(r);
}

static void
test_errors(void)
{
	const char *bad[] = { "a,\"open\n", "a,b\"c\n", "\"x\"y\n" };

	for (size_t i = 0; i < 3; i++) {
		struct csv *r = csv_new(bad[i], strlen(bad[i]));
		char **f;
		size_t n;

		ok(csv_read(r, &f, &n) == -1, csv_error(r));
		csv_free(r);
	}
}

static void
test_bom(void)
{
	const char *in = "\xef\xbb\xbf" "email\n";
	struct csv *r = csv_new(in, strlen(in));
	char **f;
	size_t n;

	ok(csv_read(r, &f, &n) == 1, "BOM file reads");
	is_str(f[0], "email", "the BOM is not part of the first column");
	csv_free(r);
}

static void
test_write(void)
{
	struct buf b = { 0 };

	csv_field(&b, "plain");
	buf_addc(&b, ',');
	csv_field(&b, "a,\"b\"");
	buf_addc(&b, ',');
	csv_field(&b, NULL);
	is_str(buf_str(&b), "plain,\"a,\"\"b\"\"\",", "fields quoted only when needed");
	buf_reset(&b);
	csv_field(&b, "=HYPERLINK(\"http://x\",\"y\")");
	is_str(buf_str(&b), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
	    "a formula gets a leading ', inside the quotes");
	for (const char *const *v = (const char *const[]){ "+1", "-1", "@SUM(A1)",
	    "\tx", "\rx", NULL }; *v; v++) {
		buf_reset(&b);
		csv_field(&b, *v);
		ok(buf_str(&b)[0] == '\'' || (buf_str(&b)[0] == '"' &&
		    buf_str(&b)[1] == '\''), "every formula start is guarded");
	}
	buf_reset(&b);
	csv_field(&b, "a=1");
	is_str(buf_str(&b), "a=1", "= later in a value is left alone");
	buf_free(&b);
	{
		char g[] = "'+49 30 1234", h[] = "'plain", e[] = "";

		is_str(csv_unguard(g), "+49 30 1234", "unguard takes the ' off a guarded value");
		is_str(csv_unguard(h), "'plain", "unguard leaves any other ' alone");
		is_str(csv_unguard(e), "", "unguard of an empty value");
	}
}

static void
test_header(void)
{
	static const char *const names[] = { "email", "name", "country" };
	char f1[] = " name ", f2[] = "email", f3[] = "emial", f4[] = "name";
	char *ok_fields[] = { f1, f2 }, *bad[] = { f3 }, *twice[] = { f1, f4 };
	int map[3];
	char *why;

	ok(csv_header(ok_fields, 2, names, 3, map) == NULL &&
	    map[0] == 1 && map[1] == 0, "header: columns in any order, trimmed");
	ok(csv_header(bad, 1, names, 3, map) == NULL && map[0] == -1,
	    "header: an unknown column maps to -1");
	{
		char u1[] = "EMAIL", u2[] = "Name";
		char *upper[] = { u1, u2 };

		ok(csv_header(upper, 2, names, 3, map) == NULL &&
		    map[0] == 0 && map[1] == 1, "header: names in any case");
	}
	why = csv_header(twice, 2, names, 3, map);
	is_str(why, "repeated column: name", "header: a repeated column is named");
	free(why);
}

int
main(void)
{
	test_read();
	test_errors();
	test_bom();
	test_write();
	test_header();
	return tap_done();
}
