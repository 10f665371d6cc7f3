/* send.h — the transport: hand a finished message to the sendmail command or to an SMTP server. */
#ifndef MAILOPT_SEND_H
#define MAILOPT_SEND_H

#include <stddef.h>

struct conf;
struct sender;

/* What became of one message. */
enum send_status {
	SEND_OK,	/* accepted: the transport has it */
	SEND_RETRY,	/* not this time: try this message again later */
	SEND_DOWN	/* the transport is unusable now: stop, retry all later */
};

/*
 * A transport as the settings say: SMTP when smtp is set (smtp:// or
 * smtps://, with starttls required when set; AUTH with smtp_user and
 * the first line of smtp_password_file, only over TLS or to a
 * loopback address), else the sendmail command. Nothing connects
 * yet. Returns 0 with *out set (caller frees with sender_free), or
 * EX_CONFIG having said why.
 */
int	 sender_new(const struct conf *c, struct sender **out);
/* Ends the SMTP session, if one was opened. Accepts NULL. */
void	 sender_free(struct sender *s);

/*
 * Send msg/len (LF line ends) from the envelope sender `from` to the
 * one recipient rcpt. Over SMTP every message of a sender goes over
 * one connection, opened on first use. The sendmail command is run
 * without a shell, its argument vector being the setting split on
 * blanks, with the message on its standard input; only exit status 0
 * is success. With a status other than SEND_OK, *err is set to a
 * one-line reason (caller frees).
 */
enum send_status sender_send(struct sender *s, const char *from,
		    const char *rcpt, const char *msg, size_t len, char **err);

/*
 * For check: over SMTP, connect, say EHLO (STARTTLS and AUTH as the
 * settings want), NOOP and QUIT; 0, or -1 with *err set to why
 * (caller frees). With the sendmail command nothing is tried: 0.
 */
int	 sender_probe(struct sender *s, char **err);

#endif
