/* progress.c — a line on a terminal saying how far a long run is: count, rate, time left. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"
#include "util.h"

#define REDRAW_NS	250000000L	/* four times a second */

struct progress {
	int		 fd;
	char		*prefix, *what;
	size_t		 total;
	struct timespec	 start, drawn;
	int		 shown;		/* the line is on the terminal now */
	int		 steps;		/* progress_step was called */
};

static long long
ns_between(const struct timespec *a, const struct timespec *b)
{
	return (long long)(b->tv_sec - a->tv_sec) * 1000000000LL +
	    (b->tv_nsec - a->tv_nsec);
}

struct progress *
progress_new(int fd, const char *prefix, const char *what, size_t total)
{
	struct progress *p;

	if (!isatty(fd))
		return NULL;
	p = xcalloc(1, sizeof *p);
	p->fd = fd;
	p->prefix = xstrdup(prefix);
	p->what = xstrdup(what);
	p->total = total;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	return p;
}

void
progress_free(struct progress *p)
{
	if (p == NULL)
		return;
	progress_clear(p);
	free(p->prefix);
	free(p->what);
	free(p);
}

void
progress_clear(struct progress *p)
{
	/* back to the line's start, then erase to its end (ECMA-48 EL) */
	if (p != NULL && p->shown) {
		(void)write_all(p->fd, "\r\033[K", 4);
		p->shown = 0;
	}
}

void
progress_step(struct progress *p, size_t done)
{
	struct timespec now;
	struct buf b = { 0 };
	double secs, rate;

	if (p == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (p->steps++ > 0 && ns_between(&p->drawn, &now) < REDRAW_NS)
		return;
	p->drawn = now;
	secs = (double)ns_between(&p->start, &now) / 1e9;
	rate = secs > 0 ? (double)done / secs : 0;
	buf_printf(&b, "\r%s: %zu of %zu %s", p->prefix, done, p->total,
	    p->what);
	if (rate > 0 && done > 0) {
		buf_printf(&b, ", %.0f/s", rate);
		if (done < p->total)
			buf_printf(&b, ", %.0f s left",
			    (double)(p->total - done) / rate + 0.5);
	}
	buf_adds(&b, "\033[K");
	(void)write_all(p->fd, b.s, b.len);
	buf_free(&b);
	p->shown = 1;
}
