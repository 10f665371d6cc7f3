/* message.h — one mail message parsed into what the rules and the matcher read. */
#ifndef MAILOPT_MESSAGE_H
#define MAILOPT_MESSAGE_H

#include <stddef.h>

struct message;
struct strip;

/* The limits every caller uses: deep enough for real mail, small enough for hostile mail. */
#define MESSAGE_MAX_DEPTH	20
#define MESSAGE_MAX_TEXT	(1024 * 1024)

struct message_limits {
	int	 max_depth;	/* MIME nesting walked at most (e.g. 20) */
	size_t	 max_text;	/* decoded text kept at most, bytes (e.g. 1 MiB) */
	/*
	 * Optional PCRE2 pattern (UTF-8, caseless): a line matching it
	 * starts the company's own newsletter footer, which is cut from
	 * the body with everything after it. NULL for none.
	 */
	const char *footer;
	/*
	 * The quote and forward markers of the rule files (rules_strip);
	 * NULL cuts only '>' quotes and the signature.
	 */
	struct strip *strip;
};

/*
 * Parse a whole message (header and body, CRLF, LF or CR line ends).
 * Never fails on hostile input: what cannot be parsed is left empty.
 * The caller must cap len (max_message_size) before calling.
 * buf is only borrowed during the call: the message keeps copies of
 * what it needs. The caller owns the result; free with message_free.
 */
struct message	*message_parse(const char *buf, size_t len,
		    const struct message_limits *lim);
/* Accepts NULL. */
void		 message_free(struct message *m);

/*
 * All strings below are owned by the message, valid UTF-8, and live
 * until message_free.
 */

/*
 * Decoded (RFC 2047, to UTF-8) and unfolded values of every header
 * field called name (ASCII case-insensitive), in message order joined
 * by "\n"; NULL if there is none.
 */
const char	*message_header(const struct message *m, const char *name);
/*
 * The i-th field called name (ASCII case-insensitive), topmost first,
 * as written: not RFC 2047-decoded, folding kept (LF line ends). Only
 * fields whose name is followed at once by ':' (RFC 5322) are counted:
 * the obsolete "Name :" is left out, as filters that delete a field by
 * its name miss it. NULL past the last.
 */
const char	*message_header_raw(const struct message *m, const char *name,
		    size_t i);
/* Decoded Subject, "" when absent. */
const char	*message_subject(const struct message *m);
/*
 * 1 when the subject is not the writer's own words: it carries a reply
 * or forward prefix ("Re:", "AW:", "Fwd:", "RV:", "Doorst:", ...), or
 * the message answers one of mailopt's own mails (its In-Reply-To or
 * References names a Message-ID of the form compose_message_id makes).
 * A request is then read from the body alone.
 */
int		 message_subject_inherited(const struct message *m);
/* Message-ID without the angle brackets; NULL when absent or empty. */
const char	*message_id(const struct message *m);
/* addr-spec of the first From mailbox, as written; NULL if none parsed or no '@'. */
const char	*message_from(const struct message *m);
/*
 * 1 when the message has exactly one From field and libetpan reads all
 * of it as exactly one mailbox, not in a group: only then does From
 * name one sender that Authentication-Results can vouch for.
 */
int		 message_from_single(const struct message *m);
/* Decoded display name of that mailbox; NULL if none. */
const char	*message_from_name(const struct message *m);
/*
 * Return-Path: the address inside <>, "" for the null sender <>,
 * NULL when there is no Return-Path field.
 */
const char	*message_return_path(const struct message *m);
/* Number of recipient addresses (To, Cc, Delivered-To, X-Original-To). */
size_t		 message_nrcpt(const struct message *m);
/* The i-th of them, an addr-spec; NULL past the end. */
const char	*message_rcpt(const struct message *m, size_t i);
/* Where the i-th was found: MESSAGE_RCPT_* bits, 0 past the end. */
#define MESSAGE_RCPT_TO		0x1	/* To */
#define MESSAGE_RCPT_CC		0x2	/* Cc */
#define MESSAGE_RCPT_ENVELOPE	0x4	/* Delivered-To, X-Original-To */
unsigned	 message_rcpt_in(const struct message *m, size_t i);
/* Lowercased "type/subtype" of the top level; "text/plain" by default. */
const char	*message_content_type(const struct message *m);
/*
 * 1 if any part is multipart/report, message/delivery-status,
 * message/disposition-notification or message/feedback-report.
 */
int		 message_is_report(const struct message *m);
/*
 * The readable text of the message before anything is stripped:
 * the text/plain part (else the HTML part turned into text), decoded
 * to UTF-8 with LF line ends. "" when there is none.
 */
const char	*message_text(const struct message *m);
/*
 * What the sender wrote: message_text without quoted and forwarded
 * blocks, signatures and the newsletter footer. "" when nothing is left.
 */
const char	*message_body(const struct message *m);

#endif
