/* deadline.h — when a queued request is due: business days after it arrived. */
#ifndef MAILOPT_DEADLINE_H
#define MAILOPT_DEADLINE_H

#include <time.h>

/*
 * The moment `days` business days after t: the same time of day on the
 * days-th Monday-to-Friday after t's day, on the local calendar, so a
 * request that arrives at a weekend starts counting on Monday. Public
 * holidays are not known. days <= 0 gives t.
 */
time_t	 deadline_after(time_t t, int days);

#endif
