/* cmd_check.c — `check`: what an operator can get wrong, one line per problem, before a customer's mail finds it. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "imapurl.h"
#include "outbox.h"
#include "rules.h"
#include "send.h"
#include "store.h"
#include "token.h"
#include "util.h"

struct check {
	const struct conf	*conf;
	int			 problems;
};

static void problem(struct check *k, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* One line on standard error, counted. */
static void
problem(struct check *k, const char *fmt, ...)
{
	struct buf b = { 0 };
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	mo_warn("%s", buf_str(&b));
	buf_free(&b);
	k->problems++;
}

/* "name (uid N)" of a user id, into out. */
static const char *
user_name(uid_t uid, char *out, size_t size)
{
	struct passwd *pw = getpwuid(uid);

	if (pw != NULL)
		snprintf(out, size, "%s (uid %lu)", pw->pw_name, (unsigned long)uid);
	else
		snprintf(out, size, "uid %lu", (unsigned long)uid);
	return out;
}

/*
 * path must belong to the user running and be private (no bits in
 * mask). Returns 0 when it does not exist, else 1.
 */
static int
check_owner(struct check *k, const char *what, const char *path, mode_t mask,
    const char *fix)
{
	char owner[128], me[128];
	struct stat st;

	if (stat(path, &st) == -1) {
		int err = errno;

		if (err != ENOENT)
			problem(k, "%s: %s: %s", what, path,
			    mo_strerror(err, me, sizeof me));
		return err != ENOENT;
	}
	if (st.st_uid != geteuid())
		problem(k, "%s: %s: owned by %s, but mailopt runs as %s here: "
		    "run init, deliver and sweep as one user, or chown it",
		    what, path, user_name(st.st_uid, owner, sizeof owner),
		    user_name(geteuid(), me, sizeof me));
	if (st.st_mode & mask)
		problem(k, "%s: %s: mode %04o: %s", what, path,
		    (unsigned)(st.st_mode & 07777), fix);
	return 1;
}

/* The database: there, the running user's, private, of this schema. */
static void
check_database(struct check *k)
{
	const char *db = k->conf->database;
	char *copy = xstrdup(db), *path;
	struct store *s = NULL;
	int before = k->problems;

	check_owner(k, "database directory", dirname(copy), 077, "chmod 700 it");
	if (!check_owner(k, "database", db, 077, "chmod 600 it")) {
		problem(k, "database: %s: missing: run mailopt init, as the user "
		    "that runs deliver and sweep", db);
		goto out;
	}
	/* after "sudo mailopt init" these are root's too, and SQLite cannot open them */
	path = xasprintf("%s-wal", db);
	check_owner(k, "database", path, 077, "chmod 600 it");
	free(path);
	path = xasprintf("%s-shm", db);
	check_owner(k, "database", path, 077, "chmod 600 it");
	free(path);
	if (k->problems != before)
		goto out;
	if (store_open(db, 0, &s) != 0)
		k->problems++;
	else if (store_version(s) != store_latest_version())
		problem(k, "database: %s: schema version %d, this mailopt's is %d",
		    db, store_version(s), store_latest_version());
out:
	store_free(s);
	free(copy);
}

/* Outgoing mail: the sendmail command, or the SMTP server when asked to try it. */
static void
check_outgoing(struct check *k, int smtp)
{
	const struct conf *c = k->conf;
	struct sender *snd = NULL;
	const char *bad;
	char why[512], *err = NULL;
	int via_smtp = c->smtp != NULL && *c->smtp != '\0';

	if (!outbox_enabled(c)) {
		printf("note: from is not set: no confirmations or notices are sent\n");
		return;
	}
	/* a value from the file was checked as it was read: this is for the default */
	if (!via_smtp && k->conf->problems == 0 &&
	    (bad = conf_check_value("sendmail", c->sendmail, why, sizeof why)))
		problem(k, "sendmail: %s", bad);
	if (!smtp)
		return;
	if (!via_smtp) {
		printf("note: --smtp: smtp is not set: mail goes through sendmail\n");
		return;
	}
	if (sender_new(c, &snd) != 0)
		k->problems++;
	else if (sender_probe(snd, &err) != 0)
		problem(k, "%s", err);
	free(err);
	sender_free(snd);
}

int
cmd_check(const struct conf *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "smtp", no_argument, NULL, 's' },
		{ "imap", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 }
	};
	struct check k = { .conf = c, .problems = c->problems };
	struct rules *r = NULL;
	struct token *t = NULL;
	const char *imap = NULL;
	int ch, smtp = 0;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's': smtp = 1; break;
		case 'i': imap = optarg; break;
		default: return usage_error("check");
		}
	}
	if (optind != argc || (imap != NULL && !imap_url_is(imap)))
		return usage_error("check");
	/* mailopt-imap alone gets here with --imap (imap_handoff) */
	if (imap != NULL && imap_run(c, imap, argc, argv, NULL, 0) != 0)
		k.problems++;

	if (c->config_file == NULL)
		printf("note: no config file: the defaults are in force\n");
	if (check_rules(c, &r) != 0)
		k.problems++;
	rules_free(r);
	k.problems += outbox_check_templates(c);
	check_database(&k);
	check_outgoing(&k, smtp);
	/* the mode of a file from the settings was checked as it was read */
	if (c->token_secret_file != NULL && *c->token_secret_file != '\0' &&
	    c->problems == 0 && token_new(c->token_secret_file, &t) != 0)
		k.problems++;
	token_free(t);
	if (c->trusted_authserv_id != NULL)
		printf("note: trusted_authserv_id = %s: the MTA must delete every "
		    "Authentication-Results field carrying %s that arrives with "
		    "the mail, or a sender can forge one\n",
		    c->trusted_authserv_id, c->trusted_authserv_id);
	printf("check: %d problem%s\n", k.problems, k.problems == 1 ? "" : "s");
	return k.problems ? EX_CONFIG : 0;
}
