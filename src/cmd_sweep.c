/* cmd_sweep.c — `sweep`: every message in a Maildir's new/ (or, through mailopt-imap, an IMAP mailbox), filed by its outcome. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "conf.h"
#include "imapurl.h"
#include "maildir.h"
#include "rules.h"
#include "store.h"
#include "sweep.h"
#include "util.h"

/* The Maildir a sweep files into: its folders, and a tally for the crash tests. */
struct mdsource {
	const struct conf	*conf;
	struct maildir		*md;
	long			 moves;
};

static int
md_read(void *arg, size_t i, const char *name, size_t cap, struct buf *out,
    int *over)
{
	struct mdsource *ms = arg;

	(void)i;
	return maildir_read(ms->md, name, cap, out, over);
}

/* The store knows a file by its unique part, whatever flags it gets. */
static char *
md_key(void *arg, size_t i, const char *name)
{
	(void)arg, (void)i;
	return maildir_basename(name);
}

static int
md_file(void *arg, struct sweep_done *d, size_t n)
{
	struct mdsource *ms = arg;
	const char *folder, *flags;
	int rc;

	for (size_t i = 0; i < n; i++) {
		switch (d[i].outcome) {
		case OUTCOME_APPLIED:
		case OUTCOME_UNCHANGED:
		case OUTCOME_DUPLICATE:
			folder = ms->conf->processed_folder;
			flags = "S";
			break;
		case OUTCOME_QUEUED:
			folder = ms->conf->unmatched_folder;
			flags = "";
			break;
		case OUTCOME_IGNORED:
			/* to cur/ with its flags: a person still reads it */
			folder = NULL;
			flags = NULL;
			break;
		default:
			continue;
		}
		rc = maildir_move(ms->md, d[i].name, folder, flags);
		if (rc == EX_NOINPUT)
			d[i].gone = 1;	/* a sweep beside this one filed it */
		else if (rc != 0)
			d[i].failed = 1;
		mo_test_point("move", &ms->moves);
	}
	return maildir_sync(ms->md) == 0 ? 0 : EX_IOERR;
}

static const struct sweep_source maildir_source = {
	.read = md_read,
	.key = md_key,
	.file = md_file,
};

/* --jobs N: 1 to SWEEP_JOBS_MAX; -1 when N is none of these */
static int
jobs_arg(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 ||
	    v > SWEEP_JOBS_MAX)
		return -1;
	return (int)v;
}

static int
sweep_maildir(const struct conf *c, const struct sweep_opts *o,
    const char *dir)
{
	struct mdsource ms = { .conf = c };
	struct sweep *sw = NULL;
	struct rules *r = NULL;
	struct store *s = NULL;
	char **names = NULL;
	size_t n = 0;
	int rc;

	if ((rc = maildir_open(dir, &ms.md)) != 0 ||
	    (rc = open_rules(c, &r)) != 0 ||
	    (rc = open_store(c, &s)) != 0 ||
	    (rc = maildir_list_new(ms.md, &names, &n)) != 0 ||
	    (rc = sweep_new(c, o, r, s, &maildir_source, &ms, n, &sw)) != 0)
		goto out;
	rc = sweep_run(sw, names, n);
	sweep_finish(sw);
out:
	sweep_free(sw);
	maildir_names_free(names);
	store_free(s);
	rules_free(r);
	maildir_free(ms.md);
	return rc;
}

int
cmd_sweep(const struct conf *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "jobs", required_argument, NULL, 'J' },
		{ "no-flush", no_argument, NULL, 'F' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "idle", no_argument, NULL, 'I' },
		{ NULL, 0, NULL, 0 }
	};
	struct sweep_opts o = { 0 };
	int ch, idle = 0;

	while ((ch = getopt_long(argc, argv, "q", opts, NULL)) != -1) {
		switch (ch) {
		case 'n': o.dry = 1; break;
		case 'j': o.json = 1; break;
		case 'J':
			if ((o.jobs = jobs_arg(optarg)) == -1)
				return usage_error("sweep");
			break;
		case 'F': o.no_flush = 1; break;
		case 'q': o.quiet = 1; break;
		case 'I': idle = 1; break;
		default: return usage_error("sweep");
		}
	}
	/* JSON has no summary: quiet, it would say nothing */
	if ((o.quiet && o.json) || optind + 1 != argc)
		return usage_error("sweep");
	if (imap_url_is(argv[optind]))
		return imap_run(c, argv[optind], argc, argv, &o, idle);
	if (idle) {
		mo_warn("sweep: --idle: only for an IMAP mailbox");
		return EX_USAGE;
	}
	return sweep_maildir(c, &o, argv[optind]);
}
