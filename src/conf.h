/* conf.h — settings from the command line, the environment and the config file, in that precedence. */
#ifndef MAILOPT_CONF_H
#define MAILOPT_CONF_H

#include <stddef.h>

/* A read-only record once loaded; every string is owned by it. */
struct conf {
	char	*config_file;		/* the file read, NULL if none */
	int	 problems;		/* bad lines reported by conf_load_all */
	char	*database;
	char	*rules;
	char	*from;			/* confirmation sender */
	char	*sendmail;
	char	*smtp;
	int	 starttls;
	char	*smtp_user;
	char	*smtp_password_file;
	char	*token_secret_file;
	char	*trusted_authserv_id;	/* NULL: no opt-in is ever proven by DMARC */
	char	*processed_folder;
	char	*unmatched_folder;
	char	*templates;
	char	*newsletter_footer;	/* PCRE2 pattern of our footer's first line */
	size_t	 max_message_size;
	int	 deadline_days;
	int	 max_read_ms;	/* CPU the rules may spend on one message; 0: no limit */
	char	*token_domains;		/* further domains of sales+TOKEN@, space/comma separated */
	int	 max_requests_per_sender; /* body-named profiles a stranger may change a day */
	/* sweep imaps://: where messages go, and how mailopt logs in */
	char	*imap_processed_folder;
	char	*imap_unmatched_folder;
	char	*imap_auth;		/* "login" or "xoauth2" */
	char	*imap_password_file;
	char	*imap_password_command;
	char	*imap_token_command;
	char	*imap_ca_file;		/* NULL: the system's CAs */
};

/*
 * Load the settings. cli_* are the command-line values (NULL when not
 * given). The file is cli_config, else $MAILOPT_CONFIG, else the
 * installed default; only an explicitly named file must exist.
 * Every value is checked as it is read: from must be an address,
 * sendmail an absolute path to an executable, smtp an smtp:// or
 * smtps:// URL with a good port, token_secret_file and
 * smtp_password_file readable and private (no access for group or
 * others). Returns 0 and sets *out (caller owns it, conf_free), or
 * EX_CONFIG having printed "prog: FILE:LINE: key: why" for each bad
 * line.
 */
int	 conf_load(const char *cli_config, const char *cli_db,
	    const char *cli_rules, struct conf **out);
/*
 * The same, but reading goes on past a bad line and *out is always
 * set: the settings as far as they could be read (defaults where a
 * line was bad), problems counting the lines named on standard error.
 * For the commands that must go on past a broken file: check, and
 * deliver and filter, which must not answer the MTA with EX_CONFIG.
 * Returns 0 or EX_CONFIG.
 */
int	 conf_load_all(const char *cli_config, const char *cli_db,
	    const char *cli_rules, struct conf **out);
/*
 * NULL when value v of setting key will work as conf_load checks it,
 * else why not: a literal or why[0..size). For check, which also
 * tries the defaults.
 */
const char *conf_check_value(const char *key, const char *v, char *why,
	    size_t size);
/* Accepts NULL. */
void	 conf_free(struct conf *c);

#endif
