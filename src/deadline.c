/* deadline.c — when a queued request is due: business days after it arrived. */
#include "config.h"

#include <time.h>

#include "deadline.h"

time_t
deadline_after(time_t t, int days)
{
	struct tm tm;
	time_t next = t;

	if (days <= 0 || localtime_r(&t, &tm) == NULL)
		return t;
	while (days > 0) {
		/* mktime normalises the day and sets tm_wday; -1: DST decides the hour */
		tm.tm_mday++;
		tm.tm_isdst = -1;
		if ((next = mktime(&tm)) == (time_t)-1)
			return t + (time_t)days * 86400;
		if (tm.tm_wday != 0 && tm.tm_wday != 6)
			days--;
	}
	return next;
}
