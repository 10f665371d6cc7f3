/* main.c — global options, then one command. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "conf.h"
#include "log.h"
#include "rules.h"
#include "store.h"
#include "util.h"

static const struct command {
	const char	*name;
	int		(*fn)(const struct conf *, int, char **);
	const char	*usage;
} commands[] = {
	{ "init", cmd_init,
	  "init\n"
	  "    Create the database, or migrate it to the current schema.\n" },
	{ "deliver", cmd_deliver,
	  "deliver [--dry-run] [--no-flush]\n"
	  "    Process one message on standard input (for procmail or maildrop).\n"
	  "    Exit 0 when it was a request (handled), 1 when it was not, 75 on\n"
	  "    temporary failure. Then send what is due in the outbox, unless\n"
	  "    --no-flush.\n" },
	{ "filter", cmd_filter,
	  "filter [-x]\n"
	  "    Process one message on standard input and write it back byte for\n"
	  "    byte with an X-Mailopt-Result header on top. Exit 0; with -x, exit\n"
	  "    75 instead of passing the message on marked as an error.\n" },
	{ "sweep", cmd_sweep,
	  "sweep MAILDIR [-q] [--dry-run] [--jobs N] [--json] [--no-flush]\n"
	  "sweep imaps://USER@HOST[:PORT]/MAILBOX [--idle] [the options above]\n"
	  "    Process every message in MAILDIR/new, or each new one in an IMAP\n"
	  "    mailbox (imap:// uses STARTTLS), and file it by its outcome,\n"
	  "    read by N threads (default: one a CPU). Then send what is due\n"
	  "    in the outbox, unless --no-flush.\n"
	  "    With --idle, stay connected and process mail as it arrives.\n" },
	{ "profile", cmd_profile,
	  "profile import FILE.csv [--dry-run]\n"
	  "profile export [--csv | --json]\n"
	  "profile show EMAIL [--json]\n"
	  "profile set EMAIL FLAG=0|1 ... [--operator NAME] [--reason TEXT]\n"
	  "profile delete EMAIL [--operator NAME] [--reason TEXT]\n"
	  "    Merge, dump or show customer profiles (an import never turns a\n"
	  "    flag back on without a newer consent_time); change flags as an\n"
	  "    operator; erase a profile, keeping only its hashed addresses.\n" },
	{ "rules", cmd_rules,
	  "rules check [-v]\n"
	  "rules show\n"
	  "rules explain FILE\n"
	  "    Validate the rules, print them as loaded (every {NAME} expanded),\n"
	  "    or show how one message is read and classified.\n" },
	{ "token", cmd_token,
	  "token EMAIL\n"
	  "    Print the sales+TOKEN@ address of that profile, for List-Unsubscribe:\n"
	  "    mail to it names the profile and proves it, opt-ins included.\n" },
	{ "queue", cmd_queue,
	  "queue list [--json]\n"
	  "queue show ID\n"
	  "queue assign ID EMAIL [--operator NAME]\n"
	  "queue dismiss ID [--reason TEXT] [--operator NAME]\n"
	  "    Review the requests that matched no single profile: list them\n"
	  "    oldest first (overdue ones flagged), show one with its candidate\n"
	  "    profiles, apply one to a profile, or dismiss it.\n" },
	{ "export", cmd_export,
	  "export suppression --channel email|postal|third-party [--format csv|json] [--hashed]\n"
	  "    Every address that must not be contacted on the channel; --hashed\n"
	  "    adds their SHA-256 and the hashes of erased addresses.\n" },
	{ "purge", cmd_purge,
	  "purge --older-than DAYS\n"
	  "    Drop the stored messages of requests handled more than DAYS days\n"
	  "    ago; the queue entries and the history stay.\n" },
	{ "outbox", cmd_outbox,
	  "outbox list [--json]\n"
	  "outbox flush [--all]\n"
	  "    Show the confirmations and reseller notices, pending, sent and\n"
	  "    failed; or send those that are due (with --all, also those\n"
	  "    waiting out a back-off).\n" },
	{ "check", cmd_check,
	  "check [--smtp] [--imap imaps://USER@HOST[:PORT]/MAILBOX]\n"
	  "    Check the settings, rules, templates, database and token secret\n"
	  "    (with --smtp, that the SMTP server answers EHLO; with --imap,\n"
	  "    log in, list the folders and say what a sweep would do). One\n"
	  "    line per problem; exit 0 when there is none, else 78.\n" },
	{ "reseller", cmd_reseller,
	  "reseller import FILE.csv\n"
	  "    Replace the list of resellers (header country,name,email).\n" },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

void
usage_print(const char *command, int to_stderr)
{
	FILE *fp = to_stderr ? stderr : stdout;
	int all = command == NULL || *command == '\0';

	if (all)
		fprintf(fp, "usage: mailopt [--config FILE] [--db FILE] "
		    "[--rules DIR] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const char *line, *nl, *name = commands[i].name;
		int nsyn = 0;

		if (!all && strcmp(command, name) != 0)
			continue;
		for (line = commands[i].usage; (nl = strchr(line, '\n')); line = nl + 1) {
			int len = (int)(nl - line);

			/* synopsis lines start with the command's name */
			if (strncmp(line, name, strlen(name)) == 0)
				fprintf(fp, all ? "  %.*s\n" : nsyn++ ?
				    "       mailopt [options] %.*s\n" :
				    "usage: mailopt [options] %.*s\n", len, line);
			else if (!all)
				fprintf(fp, "%.*s\n", len, line);
		}
	}
	if (all)
		fprintf(fp, "\nglobal options:\n"
		    "  --config FILE  settings file (also $MAILOPT_CONFIG; default "
		    PKGSYSCONFDIR "/mailopt.conf)\n"
		    "  --db FILE      database (also $MAILOPT_DB)\n"
		    "  --rules DIR    rules directory (also $MAILOPT_RULES)\n"
		    "  -h, --help     this text; 'mailopt COMMAND --help' for one command\n"
		    "  -V, --version  the version\n");
}

int
usage_error(const char *command)
{
	usage_print(command, 1);
	return EX_USAGE;
}

int
wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}

int
open_store(const struct conf *c, struct store **out)
{
	return store_open(c->database, 0, out);
}

static int
load_rules(const struct conf *c, int whole, struct rules **out)
{
	char *seen = xasprintf("%s-rules", c->database);
	int rc = rules_load(c->rules, seen, whole, out);

	free(seen);
	if (rc == 0)
		rules_set_time_limit(*out, (unsigned)c->max_read_ms);
	return rc;
}

int
open_rules(const struct conf *c, struct rules **out)
{
	return load_rules(c, 0, out);
}

int
check_rules(const struct conf *c, struct rules **out)
{
	return load_rules(c, 1, out);
}

/*
 * Commands that go on past a bad config file, seeing c->problems:
 * deliver and filter answer the MTA so that it keeps the mail (never
 * EX_CONFIG, which bounces it), check reports everything it can.
 */
static int
tolerates_bad_conf(const struct command *cmd)
{
	return cmd->fn == cmd_deliver || cmd->fn == cmd_filter ||
	    cmd->fn == cmd_check;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config",	required_argument, NULL, 'c' },
		{ "db",		required_argument, NULL, 'd' },
		{ "rules",	required_argument, NULL, 'r' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *config = NULL, *db = NULL, *rules = NULL;
	struct conf *c = NULL;
	int ch, rc, cmd;

	while ((ch = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': config = optarg; break;
		case 'd': db = optarg; break;
		case 'r': rules = optarg; break;
		case 'h':
			usage_print(NULL, 0);
			return 0;
		case 'V':
			printf("mailopt %s\n", PACKAGE_VERSION);
			return 0;
		default:
			return usage_error(NULL);
		}
	}
	if (optind == argc)
		return usage_error(NULL);
	cmd = optind;
	argc -= optind;
	argv += optind;
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[0], commands[i].name) != 0)
			continue;
		if (wants_help(argc, argv)) {
			usage_print(commands[i].name, 0);
			return 0;
		}
		if ((rc = imap_handoff(argc + cmd, argv - cmd, cmd)) != -1)
			return rc;
		/* the MTA's commands say why in syslog too: nobody reads their stderr */
		if (commands[i].fn == cmd_deliver || commands[i].fn == cmd_filter)
			log_warnings();
		if ((rc = conf_load_all(config, db, rules, &c)) != 0 &&
		    !tolerates_bad_conf(&commands[i])) {
			conf_free(c);
			return rc;
		}
		/* each command parses from argv[1] */
		optind = 0;
		rc = commands[i].fn(c, argc, argv);
		conf_free(c);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			mo_warn_errno("standard output");
			if (rc == 0)
				rc = EX_IOERR;
		}
		return rc;
	}
	mo_warn("%s: unknown command", argv[0]);
	return usage_error(NULL);
}
