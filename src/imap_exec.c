/* imap_exec.c — in mailopt: an IMAP sweep or check is mailopt-imap's, which links TLS; run it with the same command and settings. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "util.h"

/*
 * mailopt-imap beside this program (a build tree, or both installed in
 * one directory), else where make install puts it. Caller frees.
 */
static char *
helper_path(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash, *p;

	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			p = xasprintf("%s/mailopt-imap", self);
			if (access(p, X_OK) == 0)
				return p;
			free(p);
		}
	}
	return xstrdup(PKGLIBEXECDIR "/mailopt-imap");
}

int
imap_run(const struct conf *c, const char *url, int argc, char **argv,
    const struct sweep_opts *o, int idle)
{
	char **av = xcalloc((size_t)argc + 8, sizeof *av);
	char *path = helper_path();
	int n = 0;

	(void)url, (void)o, (void)idle;
	/* the settings as this run resolved them: the file, --db, --rules */
	av[n++] = path;
	if (c->config_file != NULL) {
		av[n++] = "--config";
		av[n++] = c->config_file;
	}
	av[n++] = "--db";
	av[n++] = c->database;
	av[n++] = "--rules";
	av[n++] = c->rules;
	for (int i = 0; i < argc; i++)
		av[n++] = argv[i];
	av[n] = NULL;
	execv(path, av);
	mo_warn_errno("%s", path);
	free(path);
	free(av);
	return errno == ENOENT ? EX_UNAVAILABLE : EX_OSERR;
}
