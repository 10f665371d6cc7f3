/* imapurl.h — an IMAP mailbox named by URL (RFC 5092): imaps://USER@HOST[:PORT]/MAILBOX. */
#ifndef MAILOPT_IMAPURL_H
#define MAILOPT_IMAPURL_H

#include <stdint.h>

/* The parts of a mailbox URL; the strings are owned by it (imap_url_free). */
struct imap_url {
	int		 tls;		/* imaps: TLS from the start; imap: STARTTLS, required */
	char		*user;		/* percent-decoded */
	char		*host;		/* a name, an IPv4 literal, or an IPv6 literal without [] */
	uint16_t	 port;		/* 993 or 143 unless given */
	char		*mailbox;	/* percent-decoded; INBOX when the path is empty */
	char		*text;		/* the URL as given, without a password */
};

/* 1 when s starts imap:// or imaps:// (then it is no Maildir path). */
int	 imap_url_is(const char *s);

/*
 * Parse s. A password in the URL is refused (it would show in ps and
 * the shell's history): *why says so. Returns 0 and fills u, or -1
 * with *why (static text).
 */
int	 imap_url_parse(const char *s, struct imap_url *u, const char **why);
/*
 * The mailbox's name for the store and the reports: "imap://USER@HOST/
 * MAILBOX", user and mailbox percent-encoded, without the scheme's TLS
 * or the port, which change nothing about which mailbox it is.
 * Caller frees.
 */
char	*imap_url_mailbox(const struct imap_url *u);
/* s as it may be shown: a password in it replaced by "***". Caller frees. */
char	*imap_url_redact(const char *s);
/* Accepts a zeroed u. */
void	 imap_url_clear(struct imap_url *u);

#endif
