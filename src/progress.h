/* progress.h — a line on a terminal saying how far a long run is: count, rate, time left. */
#ifndef MAILOPT_PROGRESS_H
#define MAILOPT_PROGRESS_H

#include <stddef.h>

struct progress;

/*
 * A progress line for total items on fd, which is drawn only when fd
 * is a terminal (otherwise every call does nothing); what names them
 * ("messages"), prefix starts the line ("sweep"). Caller owns it.
 */
struct progress	*progress_new(int fd, const char *prefix, const char *what,
		    size_t total);
/* Accepts NULL, and erases the line first. */
void		 progress_free(struct progress *p);
/*
 * done items of total are through: redraw the line, at the first item
 * and then at most four times a second, so that drawing costs nothing.
 */
void		 progress_step(struct progress *p, size_t done);
/* Erase the line, before other output goes to the terminal. */
void		 progress_clear(struct progress *p);

#endif
