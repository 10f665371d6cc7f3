/* util.c — allocation, growable buffers, strings and diagnostics shared by every module. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "util.h"

const char *progname = "mailopt";
void (*mo_warn_hook)(const char *msg);

const char *
mo_strerror(int err, char *buf, size_t size)
{
	/* strerror_r: sweep threads say why a file cannot be read, too */
	char tmp[256];
#ifdef STRERROR_R_CHAR_P
	const char *why = strerror_r(err, tmp, sizeof tmp);
#else
	const char *why = strerror_r(err, tmp, sizeof tmp) == 0 ? tmp :
	    "unknown error";
#endif

	/* diagnostics are lower case, strerror's are not */
	snprintf(buf, size, "%c%s", *why >= 'A' && *why <= 'Z' ? *why + 32 :
	    *why, *why ? why + 1 : "");
	return buf;
}

static void vwarn(int err, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
vwarn(int err, const char *fmt, va_list ap)
{
	char msg[1024], why[256];
	size_t n;

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (err && (n = strlen(msg)) + 3 < sizeof msg)
		snprintf(msg + n, sizeof msg - n, ": %s",
		    mo_strerror(err, why, sizeof why));
	fprintf(stderr, "%s: %s\n", progname, msg);
	if (mo_warn_hook)
		mo_warn_hook(msg);
}

void
mo_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(0, fmt, ap);
	va_end(ap);
}

void
mo_warn_errno(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	vwarn(err, fmt, ap);
	va_end(ap);
}

static void
oom(void)
{
	static const char msg[] = "mailopt: out of memory\n";

	/* write(2) because stdio may itself need memory */
	if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0)
		_exit(EX_TEMPFAIL);
	_exit(EX_TEMPFAIL);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		oom();
	return q;
}

char *
xstrdup(const char *s)
{
	return s ? xstrndup(s, strlen(s)) : NULL;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	struct buf b = { 0 };
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_steal(&b);
}

static void
buf_grow(struct buf *b, size_t extra)
{
	size_t want;

	if (extra > SIZE_MAX / 2 - b->len)
		oom();
	want = b->len + extra + 1;
	if (want <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < want)
		b->cap *= 2;
	b->s = xrealloc(b->s, b->cap);
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, int c)
{
	char ch = (char)c;

	/* a byte at a time is how decoders write: room is the common case */
	if (b->len + 2 <= b->cap) {
		b->s[b->len++] = ch;
		b->s[b->len] = '\0';
		return;
	}
	buf_add(b, &ch, 1);
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	size_t avail;
	int n;

	/* format into the free space first; only a long result formats twice */
	buf_grow(b, 128);
	avail = b->cap - b->len;
	va_copy(copy, ap);
	n = vsnprintf(b->s + b->len, avail, fmt, copy);
	va_end(copy);
	if (n < 0)
		oom();
	if ((size_t)n >= avail) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

char *
buf_steal(struct buf *b)
{
	char *s = b->s ? b->s : xstrdup("");

	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

const char *
buf_str(const struct buf *b)
{
	return b->s ? b->s : "";
}

int
read_fd_capped(int fd, size_t cap, struct buf *out, int *over)
{
	char chunk[65536];
	ssize_t n;

	*over = 0;
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		if (*over)
			continue;	/* drain */
		if (out->len + (size_t)n > cap) {
			buf_add(out, chunk, cap - out->len);
			*over = 1;
			continue;
		}
		buf_add(out, chunk, (size_t)n);
	}
	if (out->s == NULL)
		buf_add(out, "", 0);
	return 0;
}

int
write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, c, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int
read_path_capped(const char *path, size_t cap, struct buf *out, int *over)
{
	int fd = STDIN_FILENO, rc = 0;

	if (strcmp(path, "-") != 0 &&
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		mo_warn_errno("%s", path);
		return EX_NOINPUT;
	}
	if (read_fd_capped(fd, cap, out, over) == -1) {
		mo_warn_errno("%s", path);
		rc = EX_IOERR;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

static int
lc(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

int
ascii_casecmp(const char *a, const char *b)
{
	while (*a && lc((unsigned char)*a) == lc((unsigned char)*b))
		a++, b++;
	return lc((unsigned char)*a) - lc((unsigned char)*b);
}

int
ascii_ncasecmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		int d = lc((unsigned char)*a) - lc((unsigned char)*b);

		if (d || *a == '\0')
			return d;
	}
	return 0;
}

char *
ascii_lower(char *s)
{
	char *p;

	for (p = s; p && *p; p++)
		*p = (char)lc((unsigned char)*p);
	return s;
}

const char *
ascii_casestr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (ascii_ncasecmp(hay, needle, n) == 0)
			return hay;
	return n ? NULL : hay;
}

int
ascii_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

int
ascii_isalnum(int c)
{
	return ascii_isdigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\f' || c == '\v';
}

char *
str_trim(char *s)
{
	char *b = s, *e;

	while (is_space((unsigned char)*b))
		b++;
	if (b != s)
		memmove(s, b, strlen(b) + 1);
	e = s + strlen(s);
	while (e > s && is_space((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

const char *
list_next(const char **p, size_t *n)
{
	const char *s = *p + strspn(*p, " \t,");

	if (*s == '\0')
		return NULL;
	*n = strcspn(s, " \t,");
	*p = s + *n;
	return s;
}

/*
 * The length of the well-formed UTF-8 sequence at p (1 for ASCII), at
 * most avail bytes, with its code point in *cp; 0 when there is none.
 */
static size_t
utf8_seq(const unsigned char *p, size_t avail, unsigned *cp)
{
	unsigned c = *p;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2; *cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3; *cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4; *cp = c & 0x07;
	} else
		return 0;
	if (avail < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && (*cp < 0x800 || (*cp >= 0xd800 && *cp <= 0xdfff))) ||
	    (len == 4 && (*cp < 0x10000 || *cp > 0x10ffff)))
		return 0;
	return len;
}

int
utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	unsigned cp;
	size_t len;

	for (; p < end; p += len)
		if ((len = utf8_seq(p, (size_t)(end - p), &cp)) == 0)
			return 0;
	return 1;
}

void
buf_add_cescaped(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t avail = strlen(s), len;
	unsigned cp;

	for (; avail > 0; p += len, avail -= len) {
		len = utf8_seq(p, avail, &cp);
		if (len == 0 || cp <= 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
		    cp == '\\') {
			/* one byte at a time: of a C1 control, each of its two */
			len = len ? len : 1;
			for (size_t i = 0; i < len; i++) {
				switch (p[i]) {
				case '\n': buf_adds(b, "\\n"); break;
				case '\t': buf_adds(b, "\\t"); break;
				case '\r': buf_adds(b, "\\r"); break;
				case '\\': buf_adds(b, "\\\\"); break;
				default: buf_printf(b, "\\x%02x", p[i]); break;
				}
			}
		} else
			buf_add(b, p, len);
	}
}

int
mo_jit_allowed(void)
{
	return getenv("MAILOPT_NO_JIT") == NULL;
}

time_t
mo_now(void)
{
	const char *e = getenv("MAILOPT_NOW");
	char *end;
	long long v;

	if (e && *e) {
		errno = 0;
		v = strtoll(e, &end, 10);
		if (errno == 0 && *end == '\0' && v >= 0)
			return (time_t)v;
	}
	return time(NULL);
}

void
mo_test_point(const char *point, long *count)
{
	const char *e = getenv("MAILOPT_TEST_DIE_AT");
	size_t n = strlen(point);

	if (e != NULL && strncmp(e, point, n) == 0 && e[n] == ':' &&
	    ++*count == strtol(e + n + 1, NULL, 10))
		raise(SIGKILL);
}

const char *
iso_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	out[0] = '\0';
	if (t != 0 && gmtime_r(&tt, &tm) != NULL)
		strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return out;
}

/* n digits at *p into *v, advancing p; 0, or -1 when they are not there. */
static int
digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (!ascii_isdigit(**p))
			return -1;
		*v = *v * 10 + (**p - '0');
	}
	return 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
iso_parse(const char *s, int64_t *t)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, zh = 0, zm = 0, sign = 0;

	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d) || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] || (mo == 2 && d == 29 &&
	    (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0))))
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) ||
		    h > 23 || mi > 59)
			return -1;
		if (*p == ':' && (p++, digits(&p, 2, &sec) || sec > 60))
			return -1;
		if (*p == '.' || *p == ',') {
			/* fractions of a second are below what history keeps */
			for (p++; ascii_isdigit(*p); p++)
				;
		}
		if (*p == 'Z' || *p == 'z')
			p++;
		else if (*p == '+' || *p == '-') {
			sign = *p++ == '-' ? -1 : 1;
			if (digits(&p, 2, &zh) || (*p == ':' && *++p == '\0') ||
			    (*p != '\0' && digits(&p, 2, &zm)) || zh > 23 || zm > 59)
				return -1;
		}
	}
	if (*p != '\0')
		return -1;
	*t = (days_from_civil(y, mo, d) * 24 + h) * 3600 + mi * 60 + sec -
	    sign * (zh * 3600 + zm * 60);
	return 0;
}

void
sha256_hex(const void *data, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_init(&ctx);
	sha256_update(&ctx, len, data);
	sha256_digest(&ctx, sizeof d, d);
	for (size_t i = 0; i < sizeof d; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}
