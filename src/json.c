/* json.c — JSON text for --json output. */
#include "config.h"

#include <string.h>

#include "json.h"

/* Length of the valid UTF-8 sequence at p, 0 if there is none. */
static size_t
utf8_seq(const char *p, size_t left)
{
	size_t n;
	unsigned char c = (unsigned char)*p;

	n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
	if (n == 0 || n > left)
		return 0;
	return utf8_valid(p, n) ? n : 0;
}

void
json_str(struct buf *b, const char *s)
{
	size_t left;

	if (s == NULL) {
		buf_adds(b, "null");
		return;
	}
	left = strlen(s);
	buf_addc(b, '"');
	while (left) {
		unsigned char c = (unsigned char)*s;
		size_t n;

		if (c == '"' || c == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, c);
		} else if (c == '\n')
			buf_adds(b, "\\n");
		else if (c == '\r')
			buf_adds(b, "\\r");
		else if (c == '\t')
			buf_adds(b, "\\t");
		else if (c < 0x20 || c == 0x7f)
			buf_printf(b, "\\u%04x", c);
		else if (c < 0x80)
			buf_addc(b, c);
		else if ((n = utf8_seq(s, left)) != 0) {
			buf_add(b, s, n);
			s += n;
			left -= n;
			continue;
		} else
			buf_adds(b, "\\ufffd");
		s++;
		left--;
	}
	buf_addc(b, '"');
}

void
json_key(struct buf *b, const char *key, int *first)
{
	if (!*first)
		buf_addc(b, ',');
	*first = 0;
	json_str(b, key);
	buf_addc(b, ':');
}

void
json_kstr(struct buf *b, const char *key, const char *s, int *first)
{
	json_key(b, key, first);
	json_str(b, s);
}

void
json_kbool(struct buf *b, const char *key, int v, int *first)
{
	json_key(b, key, first);
	buf_adds(b, v ? "true" : "false");
}

void
json_ktime(struct buf *b, const char *key, int64_t t, int *first)
{
	char when[32];

	json_kstr(b, key, t ? iso_time(t, when) : NULL, first);
}
