/* csv.c — RFC 4180 records in and out. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"

struct csv {
	const char	*p, *end;
	size_t		 line, start_line;
	struct buf	*fields;	/* one buffer per field */
	char		**vec;
	size_t		 cap;
	const char	*error;
};

struct csv *
csv_new(const char *data, size_t len)
{
	struct csv *r = xcalloc(1, sizeof *r);

	r->p = data;
	r->end = data + len;
	r->line = 1;
	/* a UTF-8 BOM from a spreadsheet export is not part of the header */
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		r->p += 3;
	return r;
}

void
csv_free(struct csv *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->cap; i++)
		buf_free(&r->fields[i]);
	free(r->fields);
	free(r->vec);
	free(r);
}

static struct buf *
field(struct csv *r, size_t i)
{
	if (i >= r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 16;

		r->fields = xrealloc(r->fields, ncap * sizeof *r->fields);
		memset(r->fields + r->cap, 0, (ncap - r->cap) * sizeof *r->fields);
		r->vec = xrealloc(r->vec, (ncap + 1) * sizeof *r->vec);
		r->cap = ncap;
	}
	return &r->fields[i];
}

int
csv_read(struct csv *r, char ***fields, size_t *n)
{
	size_t nf = 0;
	struct buf *f;

	if (r->p >= r->end)
		return 0;
	r->start_line = r->line;
	f = field(r, nf);
	buf_reset(f);
	buf_add(f, "", 0);
	for (;;) {
		if (r->p < r->end && *r->p == '"') {
			r->p++;
			for (;;) {
				if (r->p >= r->end) {
					r->error = "unterminated quoted field";
					return -1;
				}
				if (*r->p == '"') {
					if (r->p + 1 < r->end && r->p[1] == '"') {
						buf_addc(f, '"');
						r->p += 2;
						continue;
					}
					r->p++;
					break;
				}
				if (*r->p == '\n')
					r->line++;
				buf_addc(f, *r->p++);
			}
			if (r->p < r->end && *r->p != ',' && *r->p != '\n' &&
			    !(*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n')) {
				r->error = "text after a closing quote";
				return -1;
			}
		} else {
			while (r->p < r->end && *r->p != ',' && *r->p != '\n' &&
			    !(*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n')) {
				if (*r->p == '"') {
					r->error = "quote inside an unquoted field";
					return -1;
				}
				buf_addc(f, *r->p++);
			}
		}
		nf++;
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			f = field(r, nf);
			buf_reset(f);
			buf_add(f, "", 0);
			continue;
		}
		if (r->p < r->end && *r->p == '\r')
			r->p++;
		if (r->p < r->end && *r->p == '\n') {
			r->p++;
			r->line++;
		}
		break;
	}
	for (size_t i = 0; i < nf; i++)
		r->vec[i] = r->fields[i].s;
	r->vec[nf] = NULL;
	*fields = r->vec;
	*n = nf;
	return 1;
}

size_t
csv_line(const struct csv *r)
{
	return r->start_line;
}

const char *
csv_error(const struct csv *r)
{
	return r->error ? r->error : "malformed record";
}

/*
 * What a spreadsheet runs as a formula when a cell begins with it
 * (OWASP, CSV injection); a leading ' makes it text.
 */
static int
formula_start(const char *s)
{
	return *s != '\0' && strchr("=+-@\t\r", *s) != NULL;
}

void
csv_field(struct buf *b, const char *s)
{
	int guard;

	if (s == NULL)
		s = "";
	guard = formula_start(s);
	if (strpbrk(s, ",\"\r\n") == NULL) {
		if (guard)
			buf_addc(b, '\'');
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '"');
	if (guard)
		buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_addc(b, '"');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

char *
csv_unguard(char *s)
{
	if (s[0] == '\'' && formula_start(s + 1))
		memmove(s, s + 1, strlen(s));
	return s;
}

char *
csv_header(char **fields, size_t n, const char *const *names, int nnames,
    int *map)
{
	for (size_t i = 0; i < n; i++) {
		int k;

		for (k = 0; k < nnames; k++)
			if (ascii_casecmp(str_trim(fields[i]), names[k]) == 0)
				break;
		map[i] = -1;
		if (k == nnames)
			continue;
		for (size_t j = 0; j < i; j++)
			if (map[j] == k)
				return xasprintf("repeated column: %s", fields[i]);
		map[i] = k;
	}
	return NULL;
}
