/* util.h — allocation, growable buffers, strings and diagnostics shared by every module. */
#ifndef MAILOPT_UTIL_H
#define MAILOPT_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Name used in diagnostics; main() sets it. */
extern const char *progname;

/* Print "prog: fmt\n" to stderr. */
void mo_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Same, with ": strerror(errno)" appended. */
void mo_warn_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* strerror(err) in lower case, as diagnostics are written, in buf. */
const char *mo_strerror(int err, char *buf, size_t size);
/*
 * When set, every diagnostic is also handed to it, without the
 * program name (log_warnings sends them to syslog).
 */
extern void (*mo_warn_hook)(const char *msg);

/*
 * Allocation that cannot fail: on exhaustion the process exits 75
 * (EX_TEMPFAIL) so the MTA retries and nothing is lost.
 */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);            /* NULL in, NULL out */
char *xstrndup(const char *s, size_t n);
/* Heap string from a format; never NULL. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A growable byte buffer, always NUL-terminated once anything was
 * added (s may be NULL while len == 0). The caller owns s; buf_free
 * releases it, buf_steal hands it over (never NULL) and resets.
 */
struct buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};
void	 buf_add(struct buf *b, const void *p, size_t n);
void	 buf_adds(struct buf *b, const char *s);
void	 buf_addc(struct buf *b, int c);
void	 buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));
void	 buf_reset(struct buf *b);
void	 buf_free(struct buf *b);
char	*buf_steal(struct buf *b);
/*
 * Append s with C-style escapes, for a name in a line of text that
 * someone else may have chosen: \n, \t, \r, \\, and \xNN (always two
 * hex digits) for every other byte of a control character (C0, DEL,
 * C1), of a space and of what is not UTF-8. Whatever s holds, the
 * result is one line, one field, and reads back to s.
 */
void	 buf_add_cescaped(struct buf *b, const char *s);
/* Pointer to the contents: "" when empty. */
const char *buf_str(const struct buf *b);

/*
 * Read all of fd into out, but never more than cap bytes plus one:
 * *over is set when the input is longer than cap (out then holds the
 * first cap bytes and the rest is drained so a pipe writer does not
 * block). Returns 0, or -1 with errno set.
 */
int	 read_fd_capped(int fd, size_t cap, struct buf *out, int *over);
/* write(2) all of p[0..n), through EINTR and short writes; 0, or -1 with errno set. */
int	 write_all(int fd, const void *p, size_t n);

/*
 * read_fd_capped on the file at path ("-": standard input), saying
 * what went wrong. Returns 0, EX_NOINPUT when it cannot be opened, or
 * EX_IOERR when it cannot be read.
 */
int	 read_path_capped(const char *path, size_t cap, struct buf *out,
	    int *over);

/* ASCII case helpers; they never touch bytes >= 0x80. */
int	 ascii_casecmp(const char *a, const char *b);
int	 ascii_ncasecmp(const char *a, const char *b, size_t n);
char	*ascii_lower(char *s);                 /* in place, returns s */
/* Case-insensitive ASCII substring search; NULL when absent. */
const char *ascii_casestr(const char *hay, const char *needle);
/* Character classes of the C locale, whatever the locale: a byte >= 0x80 is neither. */
int	 ascii_isdigit(int c);
int	 ascii_isalnum(int c);

/* Trim ASCII white space on both ends, in place; returns s. */
char	*str_trim(char *s);
/*
 * The next item of a list separated by commas or blanks, as settings
 * write lists: its start (*p moves past it) and length in *n; NULL
 * when none is left.
 */
const char *list_next(const char **p, size_t *n);

/* Nonzero when s[0..n) is well-formed UTF-8. */
int	 utf8_valid(const char *s, size_t n);

/*
 * The current time. MAILOPT_NOW (seconds since the epoch) overrides the
 * clock so tests can pin it; nothing else should read time() directly.
 */
time_t	 mo_now(void);

/*
 * t (seconds since the epoch) as ISO 8601 UTC, "2026-11-29T10:00:00Z",
 * into out; "" for 0, which stands for never. Returns out.
 */
const char *iso_time(int64_t t, char out[32]);

/*
 * An ISO 8601 date or time as seconds since the epoch into *t:
 * "2026-11-30", "2026-11-30T10:00:00Z", "2026-11-30T11:00+01:00",
 * "2026-11-30 10:00:00" (no zone: UTC). Returns 0, or -1 when s is
 * none of these.
 */
int	 iso_parse(const char *s, int64_t *t);

/*
 * Whether PCRE2 patterns may be JIT-compiled: not when MAILOPT_NO_JIT
 * is set, as memory checkers cannot follow JIT code and report it
 * falsely.
 */
int	 mo_jit_allowed(void);

/*
 * Tests prove crash safety with MAILOPT_TEST_DIE_AT=point:n, which
 * kills the process (SIGKILL) the n-th time it passes point; *count is
 * the caller's tally of point.
 */
void	 mo_test_point(const char *point, long *count);

/* Lowercase hex SHA-256 of data, into out (65 bytes). */
void	 sha256_hex(const void *data, size_t len, char out[65]);

#endif
