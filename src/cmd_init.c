/* cmd_init.c — `init`: create or migrate the database. */
#include "config.h"

#include <stdio.h>

#include "cmd.h"
#include "conf.h"
#include "store.h"

int
cmd_init(const struct conf *c, int argc, char **argv)
{
	struct store *s = NULL;
	int rc;

	if (argc != 1)
		return usage_error("init");
	if ((rc = store_open(c->database, 1, &s)) != 0)
		return rc;
	printf("%s: schema version %d\n", c->database, store_version(s));
	store_free(s);
	return 0;
}
