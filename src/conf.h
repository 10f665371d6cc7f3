/* conf.h — settings from the command line, the environment and the config file, in that precedence. */
#ifndef MAILOPT_CONF_H
#define MAILOPT_CONF_H

#include <stddef.h>

/* A read-only record once loaded; every string is owned by it. */
struct conf {
	char	*config_file;		/* the file read, NULL if none */
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
	char	*token_domains;		/* further domains of sales+TOKEN@, space/comma separated */
	int	 max_requests_per_sender; /* body-named profiles a stranger may change a day */
};

/*
 * Load the settings. cli_* are the command-line values (NULL when not
 * given). The file is cli_config, else $MAILOPT_CONFIG, else the
 * installed default; only an explicitly named file must exist.
 * Returns 0 and sets *out (caller owns it, conf_free), or EX_CONFIG
 * having printed "prog: FILE:LINE: why".
 */
int	 conf_load(const char *cli_config, const char *cli_db,
	    const char *cli_rules, struct conf **out);
/* Accepts NULL. */
void	 conf_free(struct conf *c);

#endif
