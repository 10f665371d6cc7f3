/* cmd_purge.c — `purge`: drop the stored messages of requests an operator has handled. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "cmd.h"
#include "conf.h"
#include "store.h"
#include "util.h"

/* A hundred years: anything longer is a typo, and would overflow nothing useful. */
#define MAX_DAYS	36500

int
cmd_purge(const struct conf *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "older-than", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct store *s = NULL;
	const char *days_arg = NULL;
	char *end;
	long days;
	int64_t n = 0;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'o')
			return usage_error("purge");
		days_arg = optarg;
	}
	if (optind != argc || days_arg == NULL)
		return usage_error("purge");
	errno = 0;
	days = strtol(days_arg, &end, 10);
	if (errno != 0 || end == days_arg || *end != '\0' || days < 0 ||
	    days > MAX_DAYS) {
		mo_warn("--older-than %s: not a number of days (0 to %d)",
		    days_arg, MAX_DAYS);
		return EX_USAGE;
	}
	if ((rc = open_store(c, &s)) != 0 || (rc = store_begin(s)) != 0 ||
	    (rc = store_queue_purge(s, (int64_t)mo_now() - days * 86400, &n)) != 0 ||
	    (rc = store_commit(s)) != 0)
		goto out;
	printf("purge: %lld stored message%s dropped (handled more than %ld day%s ago)\n",
	    (long long)n, n == 1 ? "" : "s", days, days == 1 ? "" : "s");
out:
	store_free(s);
	return rc;
}
