/* imapurl.c — parsing an IMAP mailbox URL (RFC 5092), strictly: the sweep's operand names where consent mail lives. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "imapurl.h"
#include "util.h"

int
imap_url_is(const char *s)
{
	return strncmp(s, "imap://", 7) == 0 || strncmp(s, "imaps://", 8) == 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* s[0..n) percent-decoded, or NULL when a %XX is broken or decodes to a control character. */
static char *
pct_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == '%') {
			if (n - i < 3 || hexval((unsigned char)s[i + 1]) < 0 ||
			    hexval((unsigned char)s[i + 2]) < 0)
				goto bad;
			c = hexval((unsigned char)s[i + 1]) * 16 +
			    hexval((unsigned char)s[i + 2]);
			i += 2;
		}
		if (c < 0x20 || c == 0x7f)
			goto bad;
		*o++ = (char)c;
	}
	*o = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

int
imap_url_parse(const char *s, struct imap_url *u, const char **why)
{
	const char *p, *at, *host, *end, *path;
	char *e;
	long port;

	memset(u, 0, sizeof *u);
	if (strncmp(s, "imaps://", 8) == 0) {
		u->tls = 1;
		u->port = 993;
		p = s + 8;
	} else if (strncmp(s, "imap://", 7) == 0) {
		u->port = 143;
		p = s + 7;
	} else {
		*why = "not an imap:// or imaps:// URL";
		return -1;
	}
	path = p + strcspn(p, "/?#");
	if (*path == '?' || *path == '#') {
		*why = "a query or fragment names no mailbox";
		return -1;
	}
	/* the last @ before the path: a user name may hold an encoded one */
	at = NULL;
	for (const char *q = p; q < path; q++)
		if (*q == '@')
			at = q;
	if (at == NULL) {
		*why = "no user: imaps://USER@HOST/MAILBOX";
		return -1;
	}
	if (memchr(p, ':', (size_t)(at - p)) != NULL) {
		*why = "a password in the URL would show in ps: use "
		    "imap_password_file or imap_password_command";
		return -1;
	}
	if ((u->user = pct_decode(p, (size_t)(at - p))) == NULL ||
	    *u->user == '\0') {
		*why = "bad user name";
		goto bad;
	}
	host = at + 1;
	if (*host == '[') {
		if ((end = memchr(host, ']', (size_t)(path - host))) == NULL) {
			*why = "no ] after an IPv6 address";
			goto bad;
		}
		u->host = xstrndup(host + 1, (size_t)(end - host - 1));
		end++;
	} else {
		end = host + strcspn(host, ":/");
		if (end > path)
			end = path;
		u->host = xstrndup(host, (size_t)(end - host));
	}
	if (*u->host == '\0' || strspn(u->host, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:") != strlen(u->host)) {
		*why = "bad host name";
		goto bad;
	}
	if (*end == ':') {
		port = strtol(end + 1, &e, 10);
		if (e == end + 1 || e != path || port < 1 || port > 65535) {
			*why = "bad port";
			goto bad;
		}
		u->port = (uint16_t)port;
	} else if (end != path) {
		*why = "bad host name";
		goto bad;
	}
	if (*path == '/')
		path++;
	if (strchr(path, ';') != NULL) {
		*why = "a mailbox, not a message: nothing after ;";
		goto bad;
	}
	if ((u->mailbox = pct_decode(path, strlen(path))) == NULL) {
		*why = "bad mailbox name";
		goto bad;
	}
	if (*u->mailbox == '\0') {
		free(u->mailbox);
		u->mailbox = xstrdup("INBOX");
	}
	u->text = xstrdup(s);
	return 0;
bad:
	imap_url_clear(u);
	return -1;
}

/* s percent-encoded but for RFC 3986's unreserved characters (and "/" when slash). */
static void
pct_encode(struct buf *b, const char *s, int slash)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (ascii_isalnum(c) || strchr("-._~", c) != NULL ||
		    (slash && c == '/'))
			buf_addc(b, c);
		else
			buf_printf(b, "%%%02X", c);
	}
}

char *
imap_url_mailbox(const struct imap_url *u)
{
	struct buf b = { 0 };
	int v6 = strchr(u->host, ':') != NULL;

	buf_adds(&b, "imap://");
	pct_encode(&b, u->user, 0);
	buf_printf(&b, "@%s", v6 ? "[" : "");
	/* host names know no case, nor does INBOX (RFC 3501) */
	for (const char *h = u->host; *h; h++)
		buf_addc(&b, *h >= 'A' && *h <= 'Z' ? *h - 'A' + 'a' : *h);
	buf_printf(&b, "%s/", v6 ? "]" : "");
	if (ascii_casecmp(u->mailbox, "INBOX") == 0)
		buf_adds(&b, "INBOX");
	else
		pct_encode(&b, u->mailbox, 1);
	return buf_steal(&b);
}

char *
imap_url_redact(const char *s)
{
	const char *p = strstr(s, "://"), *end, *at = NULL, *colon;

	if (p == NULL)
		return xstrdup(s);
	p += 3;
	end = p + strcspn(p, "/?#");
	for (const char *q = p; q < end; q++)
		if (*q == '@')
			at = q;
	if (at == NULL || (colon = memchr(p, ':', (size_t)(at - p))) == NULL)
		return xstrdup(s);
	return xasprintf("%.*s:***%s", (int)(colon - s), s, at);
}

void
imap_url_clear(struct imap_url *u)
{
	free(u->user);
	free(u->host);
	free(u->mailbox);
	free(u->text);
	memset(u, 0, sizeof *u);
}
