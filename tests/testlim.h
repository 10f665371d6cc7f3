/* testlim.h — message limits for the C unit tests, with the quote markers of the shipped rules, as deliver has them. */
#ifndef MAILOPT_TESTLIM_H
#define MAILOPT_TESTLIM_H

#include <stdio.h>
#include <stdlib.h>

#include "message.h"
#include "rules.h"
#include "util.h"

/*
 * The rules of $srcdir/rules loaded into *r (the caller frees them with
 * rules_free) and the limits deliver would parse with; a "Bail out!"
 * when they cannot be loaded.
 */
static struct message_limits
testlim(struct rules **r)
{
	const char *src = getenv("srcdir");
	char *dir = xasprintf("%s/rules", src && *src ? src : ".");
	struct message_limits l = { 20, 1024 * 1024, NULL, NULL };

	*r = NULL;
	if (rules_load(dir, NULL, 1, r) != 0)
		printf("Bail out! cannot load %s\n", dir);
	free(dir);
	l.strip = rules_strip(*r);
	return l;
}

#endif
