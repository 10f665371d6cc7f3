/* tap.h — a tiny TAP producer for the C unit tests. */
#ifndef MAILOPT_TAP_H
#define MAILOPT_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static int
tap_ok(int cond, const char *file, int line, const char *what)
{
	tap_n++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, what);
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	return cond;
}

#define ok(cond, what) tap_ok(!!(cond), __FILE__, __LINE__, (what))

#define is_str(got, want, what) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (!ok(g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_, what))	\
		printf("#   got:  '%s'\n#   want: '%s'\n",		\
		    g_ ? g_ : "(null)", w_ ? w_ : "(null)");		\
} while (0)

#define is_int(got, want, what) do {					\
	long long g_ = (long long)(got), w_ = (long long)(want);	\
	if (!ok(g_ == w_, what))					\
		printf("#   got:  %lld\n#   want: %lld\n", g_, w_);	\
} while (0)

#define like(got, needle, what) do {					\
	const char *g_ = (got);						\
	if (!ok(g_ && strstr(g_, (needle)), what))			\
		printf("#   '%s'\n#   does not contain '%s'\n",		\
		    g_ ? g_ : "(null)", (needle));			\
} while (0)

#define unlike(got, needle, what) do {					\
	const char *g_ = (got);						\
	if (!ok(g_ && !strstr(g_, (needle)), what))			\
		printf("#   '%s'\n#   contains '%s'\n",			\
		    g_ ? g_ : "(null)", (needle));			\
} while (0)

static int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
