/* conf.c — settings from the command line, the environment and the config file, in that precedence. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "compose.h"
#include "conf.h"
#include "rules.h"
#include "util.h"

#define DEFAULT_CONFIG	PKGSYSCONFDIR "/mailopt.conf"
#define DEFAULT_DB	LOCALSTATEDIR "/lib/mailopt/mailopt.db"
#define DEFAULT_RULES	PKGSYSCONFDIR "/rules.d"
#define DEFAULT_TPL	PKGSYSCONFDIR "/templates"

enum kind { STR, SIZE, INT, BOOL, DOMAINS };

static const struct key {
	const char	*name;
	enum kind	 kind;
	size_t		 off;
	long		 max;	/* an INT's largest value (its least is 0) */
} keys[] = {
	{ "database",		STR,  offsetof(struct conf, database), 0 },
	{ "rules",		STR,  offsetof(struct conf, rules), 0 },
	{ "from",		STR,  offsetof(struct conf, from), 0 },
	{ "sendmail",		STR,  offsetof(struct conf, sendmail), 0 },
	{ "smtp",		STR,  offsetof(struct conf, smtp), 0 },
	{ "starttls",		BOOL, offsetof(struct conf, starttls), 0 },
	{ "smtp_user",		STR,  offsetof(struct conf, smtp_user), 0 },
	{ "smtp_password_file",	STR,  offsetof(struct conf, smtp_password_file), 0 },
	{ "token_secret_file",	STR,  offsetof(struct conf, token_secret_file), 0 },
	{ "trusted_authserv_id", STR, offsetof(struct conf, trusted_authserv_id), 0 },
	{ "processed_folder",	STR,  offsetof(struct conf, processed_folder), 0 },
	{ "unmatched_folder",	STR,  offsetof(struct conf, unmatched_folder), 0 },
	{ "templates",		STR,  offsetof(struct conf, templates), 0 },
	{ "newsletter_footer",	STR,  offsetof(struct conf, newsletter_footer), 0 },
	{ "max_message_size",	SIZE, offsetof(struct conf, max_message_size), 0 },
	{ "deadline_days",	INT,  offsetof(struct conf, deadline_days), 3650 },
	/* up to ten minutes; 0 for no limit */
	{ "max_read_ms",	INT,  offsetof(struct conf, max_read_ms), 600000 },
	{ "token_domains",	DOMAINS, offsetof(struct conf, token_domains), 0 },
	{ "max_requests_per_sender", INT,
	    offsetof(struct conf, max_requests_per_sender), 3650 },
	{ "imap_processed_folder", STR, offsetof(struct conf, imap_processed_folder), 0 },
	{ "imap_unmatched_folder", STR, offsetof(struct conf, imap_unmatched_folder), 0 },
	{ "imap_auth",		STR,  offsetof(struct conf, imap_auth), 0 },
	{ "imap_password_file",	STR,  offsetof(struct conf, imap_password_file), 0 },
	{ "imap_password_command", STR, offsetof(struct conf, imap_password_command), 0 },
	{ "imap_token_command",	STR,  offsetof(struct conf, imap_token_command), 0 },
	{ "imap_ca_file",	STR,  offsetof(struct conf, imap_ca_file), 0 },
};

static void
set_str(char **slot, const char *v)
{
	free(*slot);
	*slot = xstrdup(v);
}

/* "10485760", "10M", "512k": 0 on success. */
static int
parse_size(const char *v, size_t *out)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || end == v)
		return -1;
	if (*end == 'k' || *end == 'K')
		n *= 1024, end++;
	else if (*end == 'm' || *end == 'M')
		n *= 1024 * 1024, end++;
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end != '\0' || n == 0 || n > (1ull << 31))
		return -1;
	*out = (size_t)n;
	return 0;
}

/* "example.com, example.org": domain names, separated by commas or blanks. */
static int
domain_list_ok(const char *v)
{
	const char *d;
	size_t n;
	int any = 0;

	while ((d = list_next(&v, &n)) != NULL) {
		if (strspn(d, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") < n ||
		    memchr(d, '.', n) == NULL || *d == '.' || *d == '-' ||
		    d[n - 1] == '.' || d[n - 1] == '-')
			return 0;
		any = 1;
	}
	return any;
}

static int
set_key(struct conf *c, const struct key *k, const char *v)
{
	char *slot = (char *)c + k->off;
	char *end;
	long n;

	switch (k->kind) {
	case DOMAINS:
		if (!domain_list_ok(v))
			return -1;
		/* FALLTHROUGH */
	case STR:
		set_str((char **)(void *)slot, v);
		return 0;
	case SIZE:
		return parse_size(v, (size_t *)(void *)slot);
	case INT:
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || end == v || *end || n < 0 || n > k->max)
			return -1;
		*(int *)(void *)slot = (int)n;
		return 0;
	case BOOL:
		if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
			*(int *)(void *)slot = 1;
		else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
			*(int *)(void *)slot = 0;
		else
			return -1;
		return 0;
	}
	return -1;
}

/*
 * What a value must be beyond its kind: each check returns NULL when
 * v will work, else why not (a literal, or written into why). An
 * empty value turns from, smtp and the secret files off.
 */
static const char *
check_from(const char *v, char *why, size_t size)
{
	char *name, *addr;
	int bad = compose_mailbox_parse(v, &name, &addr) != 0;

	free(name);
	free(addr);
	return bad ? "not an address" : NULL;
}

/* The program the sendmail setting runs: an absolute path to an executable file. */
static const char *
check_command(const char *v, char *why, size_t size)
{
	size_t n = strcspn(v, " \t");
	struct stat st;
	char *prog;

	if (n == 0)
		return "no command";
	prog = xstrndup(v, n);
	if (*prog != '/')
		snprintf(why, size, "%s: not an absolute path", prog);
	else if (stat(prog, &st) == -1)
		snprintf(why, size, "%s: %s", prog, errno == ENOENT ?
		    "no such file" : "cannot be reached");
	else if (!S_ISREG(st.st_mode) || access(prog, X_OK) == -1)
		snprintf(why, size, "%s: not an executable file", prog);
	else
		why = NULL;
	free(prog);
	return why;
}

/* smtp://HOST[:PORT][/] or smtps://…, HOST a name or [IPv6]. */
static const char *
check_smtp_url(const char *v, char *why, size_t size)
{
	const char *h, *p;
	char *end;
	long port;

	if (strncmp(v, "smtp://", 7) == 0)
		h = v + 7;
	else if (strncmp(v, "smtps://", 8) == 0)
		h = v + 8;
	else
		return "not an smtp:// or smtps:// URL";
	if (*h == '[')
		p = strchr(h, ']') ? strchr(h, ']') + 1 : h;
	else
		p = h + strcspn(h, ":/");
	if (p == h || (*h != '[' && strspn(h, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != (size_t)(p - h)))
		return "no host name";
	if (*p == ':') {
		errno = 0;
		port = strtol(p + 1, &end, 10);
		if (errno || end == p + 1 || port < 1 || port > 65535 ||
		    (*end != '\0' && strcmp(end, "/") != 0))
			return "bad port";
		p = end;
	}
	if (*p != '\0' && strcmp(p, "/") != 0)
		return "only smtp://HOST:PORT, nothing after it";
	(void)why, (void)size;
	return NULL;
}

/* login, or xoauth2 for a token from imap_token_command. */
static const char *
check_imap_auth(const char *v, char *why, size_t size)
{
	(void)why, (void)size;
	if (strcmp(v, "login") == 0 || strcmp(v, "xoauth2") == 0)
		return NULL;
	return "not login or xoauth2";
}

/*
 * A folder name as it is written, with "/" between levels: printable
 * ASCII (IMAP would want other names in modified UTF-7), no empty level.
 */
static const char *
check_imap_folder(const char *v, char *why, size_t size)
{
	(void)why, (void)size;
	if (*v == '\0')
		return "no folder name";
	for (const char *p = v; *p; p++)
		if (*p < 0x20 || *p > 0x7e || *p == '"' || *p == '\\' ||
		    *p == '*' || *p == '%')
			return "only printable ASCII without \" \\ * %";
	if (*v == '/' || v[strlen(v) - 1] == '/' || strstr(v, "//"))
		return "an empty level between slashes";
	return NULL;
}

/* A file that must exist and be readable: a CA bundle. */
static const char *
check_readable_file(const char *v, char *why, size_t size)
{
	if (access(v, R_OK) == 0)
		return NULL;
	snprintf(why, size, "%s: %s", v, errno == ENOENT ? "no such file" :
	    "cannot be read");
	return why;
}

/* A file this user can read and nobody else: mode 0600 or 0400. */
static const char *
check_private_file(const char *v, char *why, size_t size)
{
	struct stat st;
	int fd;

	if ((fd = open(v, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		char e[256];

		snprintf(why, size, "%s: %s", v, mo_strerror(errno, e, sizeof e));
		return why;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
		snprintf(why, size, "%s: not a regular file", v);
	else if (st.st_mode & (S_IRWXG | S_IRWXO))
		snprintf(why, size, "%s: mode %03o: readable by others: "
		    "chmod 600 it", v, (unsigned)(st.st_mode & 0777));
	else
		why = NULL;
	close(fd);
	return why;
}

static const struct check {
	const char	 *key;
	const char	*(*fn)(const char *v, char *why, size_t size);
} checks[] = {
	{ "from",		check_from },
	{ "sendmail",		check_command },
	{ "smtp",		check_smtp_url },
	{ "token_secret_file",	check_private_file },
	{ "smtp_password_file",	check_private_file },
	{ "imap_password_file",	check_private_file },
	{ "imap_auth",		check_imap_auth },
	{ "imap_processed_folder", check_imap_folder },
	{ "imap_unmatched_folder", check_imap_folder },
	{ "imap_ca_file",	check_readable_file },
};

const char *
conf_check_value(const char *key, const char *v, char *why, size_t size)
{
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		if (strcmp(checks[i].key, key) != 0)
			continue;
		/* empty turns a setting off, but these cannot be off */
		if (*v == '\0' && strcmp(key, "sendmail") != 0 &&
		    strcmp(key, "imap_auth") != 0 &&
		    strcmp(key, "imap_processed_folder") != 0 &&
		    strcmp(key, "imap_unmatched_folder") != 0)
			return NULL;
		return checks[i].fn(v, why, size);
	}
	return NULL;
}

/* Say what is wrong on line lineno of path, and count it. */
static void
problem(struct conf *c, const char *path, int lineno, const char *key,
    const char *why)
{
	if (key)
		mo_warn("%s:%d: %s: %s", path, lineno, key, why);
	else
		mo_warn("%s:%d: %s", path, lineno, why);
	c->problems++;
}

/*
 * Read the settings of path into c. Every bad line is named and
 * counted in c->problems, and reading goes on past it so that one run
 * shows them all.
 */
static int
read_file(struct conf *c, const char *path, int must_exist)
{
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, rc = 0;

	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT && !must_exist)
			return 0;
		mo_warn_errno("%s", path);
		c->problems++;
		return EX_CONFIG;
	}
	set_str(&c->config_file, path);
	while (getline(&line, &cap, fp) != -1) {
		char *key, *val, *eq, why[512];
		const char *bad;
		size_t i;

		lineno++;
		key = str_trim(line);
		if (*key == '\0' || *key == '#')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			problem(c, path, lineno, NULL, "expected key = value");
			continue;
		}
		*eq = '\0';
		val = str_trim(eq + 1);
		str_trim(key);
		for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
			if (strcmp(keys[i].name, key) == 0)
				break;
		if (i == sizeof keys / sizeof keys[0]) {
			problem(c, path, lineno, key, "unknown setting");
			continue;
		}
		if (set_key(c, &keys[i], val) != 0) {
			snprintf(why, sizeof why, "bad value: %s", val);
			problem(c, path, lineno, key, why);
		} else if ((bad = conf_check_value(key, val, why, sizeof why)) != NULL)
			problem(c, path, lineno, key, bad);
	}
	if (ferror(fp)) {
		mo_warn_errno("%s", path);
		c->problems++;
	}
	if (c->problems)
		rc = EX_CONFIG;
	free(line);
	fclose(fp);
	return rc;
}

/* The first of command line, environment, current value that is set. */
static void
override(char **slot, const char *cli, const char *env)
{
	const char *e = env ? getenv(env) : NULL;

	if (cli)
		set_str(slot, cli);
	else if (e && *e)
		set_str(slot, e);
}

int
conf_load_all(const char *cli_config, const char *cli_db, const char *cli_rules,
    struct conf **out)
{
	struct conf *c = xcalloc(1, sizeof *c);
	const char *env = getenv("MAILOPT_CONFIG");
	int rc;

	c->database = xstrdup(DEFAULT_DB);
	c->rules = xstrdup(DEFAULT_RULES);
	c->sendmail = xstrdup("/usr/sbin/sendmail -t -oi");
	c->processed_folder = xstrdup(".Processed");
	c->unmatched_folder = xstrdup(".Unmatched");
	c->imap_processed_folder = xstrdup("Processed");
	c->imap_unmatched_folder = xstrdup("Unmatched");
	c->imap_auth = xstrdup("login");
	c->templates = xstrdup(DEFAULT_TPL);
	c->max_message_size = 10 * 1024 * 1024;
	c->deadline_days = 10;
	c->max_read_ms = RULES_TIME_LIMIT_MS;
	c->max_requests_per_sender = 5;

	if (cli_config)
		rc = read_file(c, cli_config, 1);
	else if (env && *env)
		rc = read_file(c, env, 1);
	else
		rc = read_file(c, DEFAULT_CONFIG, 0);
	override(&c->database, cli_db, "MAILOPT_DB");
	override(&c->rules, cli_rules, "MAILOPT_RULES");
	if (c->trusted_authserv_id && *c->trusted_authserv_id == '\0') {
		free(c->trusted_authserv_id);
		c->trusted_authserv_id = NULL;
	}
	*out = c;
	return rc;
}

int
conf_load(const char *cli_config, const char *cli_db, const char *cli_rules,
    struct conf **out)
{
	int rc = conf_load_all(cli_config, cli_db, cli_rules, out);

	if (rc != 0) {
		conf_free(*out);
		*out = NULL;
	}
	return rc;
}

void
conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (keys[i].kind == STR || keys[i].kind == DOMAINS)
			free(*(char **)(void *)((char *)c + keys[i].off));
	free(c->config_file);
	free(c);
}
