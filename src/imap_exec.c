/* imap_exec.c — in mailopt: an IMAP sweep or check is mailopt-imap's, which links TLS; hand the whole command line over to it. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"
#include "imapurl.h"
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

/* Whether the command in args[0..n) reads an IMAP mailbox. */
static int
wants_imap(int n, char **args)
{
	int sweep = strcmp(args[0], "sweep") == 0;
	int check = strcmp(args[0], "check") == 0;

	for (int i = 1; i < n && strcmp(args[i], "--") != 0; i++) {
		if (sweep && imap_url_is(args[i]))
			return 1;
		/* --imap, or what getopt takes for it: --i, --im, --ima, with =URL */
		if (check && strncmp(args[i], "--i", 3) == 0 &&
		    strncmp(args[i], "--imap", strcspn(args[i], "=")) == 0)
			return 1;
	}
	return 0;
}

int
imap_handoff(int argc, char **argv, int cmd)
{
	char *path;

	if (!wants_imap(argc - cmd, argv + cmd))
		return -1;
	/* before the settings are read, so that they are read (and judged) once */
	path = helper_path();
	argv[0] = path;
	execv(path, argv);
	mo_warn_errno("%s", path);
	free(path);
	return errno == ENOENT ? EX_UNAVAILABLE : EX_OSERR;
}

int
imap_run(const struct conf *c, const char *url, int argc, char **argv,
    const struct sweep_opts *o, int idle)
{
	(void)c, (void)url, (void)argc, (void)argv, (void)o, (void)idle;
	/* imap_handoff ran mailopt-imap before the command was reached */
	mo_warn("imap: mailopt-imap was not run");
	return EX_SOFTWARE;
}
