/* cmd_token.c — `token EMAIL`: the sales+TOKEN@ address of a profile. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "compose.h"
#include "conf.h"
#include "store.h"
#include "token.h"
#include "util.h"

int
cmd_token(const struct conf *c, int argc, char **argv)
{
	struct store *s = NULL;
	struct token *t = NULL;
	struct profile p = { 0 };
	char *name = NULL, *addr = NULL, *tok = NULL, *at;
	int found = 0, rc;

	if (argc != 2)
		return usage_error("token");
	/* the token goes into the address customers already write to */
	if (c->from == NULL || compose_mailbox_parse(c->from, &name, &addr) == -1 ||
	    (at = strchr(addr, '@')) == NULL) {
		mo_warn("token: set from to the sales address (from = Name <sales@example.com>)");
		rc = EX_CONFIG;
		goto out;
	}
	if ((rc = token_new(c->token_secret_file, &t)) != 0 ||
	    (rc = open_store(c, &s)) != 0 ||
	    (rc = store_profile_find(s, argv[1], &p, &found)) != 0)
		goto out;
	if (!found) {
		mo_warn("%s: no such profile", argv[1]);
		rc = EX_NOINPUT;
		goto out;
	}
	tok = token_make(t, p.id);
	printf("%.*s+%s%s\n", (int)(at - addr), addr, tok, at);
out:
	free(tok);
	free(name);
	free(addr);
	profile_clear(&p);
	store_free(s);
	token_free(t);
	return rc;
}
