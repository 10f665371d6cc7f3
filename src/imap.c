/* imap.c — a session with an IMAP server over libetpan's mailimap: the certificate checked before a word is sent, then login, fetches and moves in batches, IDLE. */
#include "config.h"

#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "conf.h"
#include "imap.h"
#include "imapurl.h"
#include "secret.h"
#include "tlscheck.h"
#include "util.h"

/* Seconds a command may wait for the server: a FETCH of a batch included. */
#define IMAP_TIMEOUT	120

struct imap {
	mailimap	*s;
	char		*url;		/* for messages: the URL, no password in it */
	char		*host;		/* the name the certificate must carry (SNI too) */
	char		*prefix;	/* the personal namespace's, "" or "INBOX." */
	char		 delim;		/* the hierarchy delimiter, 0 when flat */
	int		 broken;	/* the connection failed: no more commands */
};

/* "mailopt: URL: what: the server's words or libetpan's error". */
static int
fail(struct imap *im, int r, const char *what)
{
	const char *said = im->s != NULL ? im->s->imap_response : NULL;
	int rc = EX_TEMPFAIL;

	switch (r) {
	case MAILIMAP_ERROR_STREAM:
		said = "the connection broke";
		im->broken = 1;
		break;
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
		said = "connection refused or timed out";
		im->broken = 1;
		break;
	case MAILIMAP_ERROR_SSL:
		said = "TLS handshake failed";
		im->broken = 1;
		break;
	case MAILIMAP_ERROR_PARSE:
		/* what follows an answer not understood cannot be trusted */
		said = "the server's answer could not be parsed";
		im->broken = 1;
		break;
	case MAILIMAP_ERROR_LOGIN:
		rc = EX_NOPERM;
		break;
	default:
		break;
	}
	mo_warn("%s: %s: %s", im->url, what, said != NULL && *said ?
	    said : "the server said no");
	return rc;
}

/* The server's name is what its certificate must carry (SNI). */
static void
tls_setup(struct mailstream_ssl_context *ctx, void *arg)
{
	unsigned char addr[16];
	char *host = arg;

	/* RFC 6066: no IP address as a server name */
	if (inet_pton(AF_INET, host, addr) == 1 ||
	    inet_pton(AF_INET6, host, addr) == 1)
		return;
	/* arg is a copy of the host name the session owns: libetpan wants it writable */
	mailstream_ssl_set_server_name(ctx, host);
}

/*
 * libetpan's GnuTLS stream checks no certificate: check the chain the
 * handshake saw, and the host name in it, before any command that
 * carries a credential or a message.
 */
static int
check_peer(struct imap *im, const struct conf *c, const char *host)
{
	const unsigned char *der[TLS_CHAIN_MAX];
	size_t len[TLS_CHAIN_MAX], n;
	carray *chain = mailstream_get_certificate_chain(im->s->imap_stream);
	char *why = NULL;
	int rc = 0;

	n = chain != NULL ? carray_count(chain) : 0;
	if (n > TLS_CHAIN_MAX)
		n = TLS_CHAIN_MAX;
	for (size_t i = 0; i < n; i++) {
		MMAPString *m = carray_get(chain, (unsigned)i);

		der[i] = (const unsigned char *)m->str;
		len[i] = m->len;
	}
	if (tls_check_chain(der, len, n, host, c->imap_ca_file != NULL &&
	    *c->imap_ca_file ? c->imap_ca_file : NULL, &why) != 0) {
		mo_warn("%s: certificate: %s", im->url, why);
		rc = EX_NOPERM;
	}
	free(why);
	if (chain != NULL)
		mailstream_certificate_chain_free(chain);
	return rc;
}

static int
login(struct imap *im, const struct conf *c, const struct imap_url *u)
{
	char *secret = NULL;
	int r, rc;

	if (strcmp(c->imap_auth, "xoauth2") == 0) {
		if (c->imap_token_command == NULL || !*c->imap_token_command) {
			mo_warn("%s: imap_auth xoauth2 needs imap_token_command",
			    im->url);
			return EX_CONFIG;
		}
		if ((rc = secret_command("imap_token_command",
		    c->imap_token_command, &secret)) != 0)
			return rc;
		r = mailimap_oauth2_authenticate(im->s, u->user, secret);
	} else {
		if (c->imap_password_command != NULL &&
		    *c->imap_password_command)
			rc = secret_command("imap_password_command",
			    c->imap_password_command, &secret);
		else if (c->imap_password_file != NULL &&
		    *c->imap_password_file)
			rc = secret_file("imap_password_file",
			    c->imap_password_file, &secret);
		else {
			mo_warn("%s: no password: set imap_password_file or "
			    "imap_password_command", im->url);
			return EX_CONFIG;
		}
		if (rc != 0)
			return rc;
		r = mailimap_login(im->s, u->user, secret);
	}
	secret_free(secret);
	if (r != MAILIMAP_NO_ERROR)
		return fail(im, r == MAILIMAP_ERROR_STREAM ? r :
		    MAILIMAP_ERROR_LOGIN, "login");
	return 0;
}

/* The personal namespace's prefix and delimiter, else those LIST "" "" gives. */
static int
namespace(struct imap *im)
{
	struct mailimap_namespace_data *ns = NULL;
	clist *l = NULL;
	int r;

	if (mailimap_has_extension(im->s, "NAMESPACE") &&
	    mailimap_namespace(im->s, &ns) == MAILIMAP_NO_ERROR && ns != NULL &&
	    ns->ns_personal != NULL &&
	    clist_begin(ns->ns_personal->ns_data_list) != NULL) {
		struct mailimap_namespace_info *i =
		    clist_content(clist_begin(ns->ns_personal->ns_data_list));

		im->prefix = xstrdup(i->ns_prefix);
		im->delim = i->ns_delimiter;
		mailimap_namespace_data_free(ns);
		return 0;
	}
	if (ns != NULL)
		mailimap_namespace_data_free(ns);
	im->prefix = xstrdup("");
	if ((r = mailimap_list(im->s, "", "", &l)) != MAILIMAP_NO_ERROR)
		return fail(im, r, "list");
	if (l != NULL && clist_begin(l) != NULL)
		im->delim = ((struct mailimap_mailbox_list *)
		    clist_content(clist_begin(l)))->mb_delimiter;
	if (l != NULL)
		mailimap_list_result_free(l);
	return 0;
}

int
imap_open(const struct conf *c, const struct imap_url *u, struct imap **out)
{
	struct imap *im = xcalloc(1, sizeof *im);
	struct mailimap_capability_data *cap = NULL;
	int r, rc;

	im->url = xasprintf("%s://%s@%s:%u/%s", u->tls ? "imaps" : "imap",
	    u->user, u->host, (unsigned)u->port, u->mailbox);
	im->host = xstrdup(u->host);
	im->s = mailimap_new(0, NULL);
	mailimap_set_timeout(im->s, IMAP_TIMEOUT);
	if (u->tls)
		r = mailimap_ssl_connect_with_callback(im->s, u->host, u->port,
		    tls_setup, im->host);
	else
		r = mailimap_socket_connect(im->s, u->host, u->port);
	if (r != MAILIMAP_NO_ERROR_AUTHENTICATED &&
	    r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		rc = fail(im, r, "connect");
		goto bad;
	}
	if (!u->tls) {
		/* imap:// means STARTTLS: never a password in the clear */
		if ((r = mailimap_capability(im->s, &cap)) != MAILIMAP_NO_ERROR) {
			rc = fail(im, r, "capability");
			goto bad;
		}
		mailimap_capability_data_free(cap);
		if (!mailimap_has_extension(im->s, "STARTTLS")) {
			mo_warn("%s: the server offers no STARTTLS: use imaps://"
			    " or a server that does", im->url);
			rc = EX_NOPERM;
			goto bad;
		}
		if ((r = mailimap_socket_starttls_with_callback(im->s,
		    tls_setup, im->host)) != MAILIMAP_NO_ERROR) {
			rc = fail(im, r, "starttls");
			goto bad;
		}
	}
	if ((rc = check_peer(im, c, u->host)) != 0 ||
	    (rc = login(im, c, u)) != 0)
		goto bad;
	/* what the server can do once logged in (it may say more than before) */
	if ((r = mailimap_capability(im->s, &cap)) != MAILIMAP_NO_ERROR) {
		rc = fail(im, r, "capability");
		goto bad;
	}
	mailimap_capability_data_free(cap);
	if ((rc = namespace(im)) != 0)
		goto bad;
	*out = im;
	return 0;
bad:
	imap_free(im);
	return rc;
}

void
imap_free(struct imap *im)
{
	if (im == NULL)
		return;
	if (im->s != NULL) {
		/* LOGOUT on a dead connection would only wait for its timeout */
		if (!im->broken &&
		    im->s->imap_state != MAILIMAP_STATE_DISCONNECTED)
			mailimap_logout(im->s);
		mailimap_free(im->s);
	}
	free(im->prefix);
	free(im->host);
	free(im->url);
	free(im);
}

int
imap_broken(const struct imap *im)
{
	return im->broken;
}

int
imap_has(struct imap *im, const char *name)
{
	return mailimap_has_extension(im->s, (char *)name);
}

char *
imap_used_caps(struct imap *im)
{
	static const char *const used[] = {
		"MOVE", "UIDPLUS", "IDLE", "NAMESPACE"
	};
	struct buf b = { 0 };

	for (size_t i = 0; i < sizeof used / sizeof used[0]; i++)
		if (imap_has(im, used[i]))
			buf_printf(&b, "%s%s", b.len ? " " : "", used[i]);
	buf_adds(&b, "");
	return buf_steal(&b);
}

int
imap_select(struct imap *im, const char *mailbox, int readonly,
    uint32_t *uidvalidity)
{
	int r;

	r = readonly ? mailimap_examine(im->s, mailbox) :
	    mailimap_select(im->s, mailbox);
	if (r != MAILIMAP_NO_ERROR)
		return fail(im, r, readonly ? "examine" : "select");
	if (im->s->imap_selection_info == NULL ||
	    im->s->imap_selection_info->sel_uidvalidity == 0) {
		mo_warn("%s: the server gives the mailbox no UIDVALIDITY",
		    im->url);
		return EX_TEMPFAIL;
	}
	*uidvalidity = im->s->imap_selection_info->sel_uidvalidity;
	return 0;
}

/* uids[0..n), ascending, as a set of ranges: "1:40,42,50:61". */
static struct mailimap_set *
uid_set(const uint32_t *uids, size_t n)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	size_t i = 0, j;

	while (i < n) {
		for (j = i; j + 1 < n && uids[j + 1] == uids[j] + 1; j++)
			;
		mailimap_set_add_interval(set, uids[i], uids[j]);
		i = j + 1;
	}
	return set;
}

/* Ascending, for qsort. */
static int
uid_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * UID SEARCH UID set UNDELETED: what another client marked \Deleted
 * is on its way out (and, without UIDPLUS, what this sweep copied is
 * so marked too). The UIDs above floor, ascending, into *uids (caller
 * frees) and *n. set is freed.
 */
static int
search_undeleted(struct imap *im, struct mailimap_set *set, uint32_t floor,
    uint32_t **uids, size_t *n)
{
	struct mailimap_search_key *key = mailimap_search_key_new_multiple_empty();
	clist *res = NULL;
	size_t cap;
	int r;

	*uids = NULL;
	*n = 0;
	mailimap_search_key_multiple_add(key, mailimap_search_key_new_uid(set));
	mailimap_search_key_multiple_add(key, mailimap_search_key_new(
	    MAILIMAP_SEARCH_KEY_UNDELETED, NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL,
	    NULL, NULL, NULL, 0, NULL, NULL, NULL));
	r = mailimap_uid_search(im->s, NULL, key, &res);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR)
		return fail(im, r, "search");
	cap = (size_t)clist_count(res);
	*uids = xcalloc(cap ? cap : 1, sizeof **uids);
	for (clistiter *it = clist_begin(res); it != NULL; it = clist_next(it)) {
		uint32_t u = *(uint32_t *)clist_content(it);

		/* "N:*" holds the last message even when its UID is below N */
		if (u > floor)
			(*uids)[(*n)++] = u;
	}
	mailimap_search_result_free(res);
	/* servers need not answer in order */
	qsort(*uids, *n, sizeof **uids, uid_cmp);
	return 0;
}

int
imap_search_above(struct imap *im, uint32_t uid, uint32_t **uids, size_t *n)
{
	*uids = NULL;
	*n = 0;
	if (uid == UINT32_MAX)
		return 0;
	return search_undeleted(im, mailimap_set_new_interval(uid + 1, 0), uid,
	    uids, n);
}

/* The index of u in uids[0..n) (ascending), or n. */
static size_t
find_uid(const uint32_t *uids, size_t n, uint32_t u)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (uids[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && uids[lo] == u ? lo : n;
}

/*
 * One UID FETCH of att for uids[0..n); fn gets each message's index
 * and its static items.
 */
static int
fetch(struct imap *im, const uint32_t *uids, size_t n,
    struct mailimap_fetch_att *att,
    void (*fn)(size_t i, struct mailimap_msg_att_static *a, void *arg),
    void *arg)
{
	struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();
	struct mailimap_set *set = uid_set(uids, n);
	clist *res = NULL;
	int r;

	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft, att);
	r = mailimap_uid_fetch(im->s, set, ft, &res);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return fail(im, r, "fetch");
	for (clistiter *m = clist_begin(res); m != NULL; m = clist_next(m)) {
		struct mailimap_msg_att *ma = clist_content(m);
		uint32_t uid = 0;
		size_t i;

		for (clistiter *a = clist_begin(ma->att_list); a; a = clist_next(a)) {
			struct mailimap_msg_att_item *item = clist_content(a);

			if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
			    item->att_data.att_static->att_type == MAILIMAP_MSG_ATT_UID)
				uid = item->att_data.att_static->att_data.att_uid;
		}
		/* an answer for a message not asked for (another's FETCH) is no answer */
		if (uid == 0 || (i = find_uid(uids, n, uid)) == n)
			continue;
		for (clistiter *a = clist_begin(ma->att_list); a; a = clist_next(a)) {
			struct mailimap_msg_att_item *item = clist_content(a);

			if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC)
				fn(i, item->att_data.att_static, arg);
		}
	}
	mailimap_fetch_list_free(res);
	return 0;
}

static void
got_size(size_t i, struct mailimap_msg_att_static *a, void *arg)
{
	uint32_t *size = arg;

	if (a->att_type == MAILIMAP_MSG_ATT_RFC822_SIZE)
		size[i] = a->att_data.att_rfc822_size;
}

int
imap_sizes(struct imap *im, const uint32_t *uids, size_t n, uint32_t *size)
{
	for (size_t i = 0; i < n; i++)
		size[i] = UINT32_MAX;
	if (n == 0)
		return 0;
	return fetch(im, uids, n, mailimap_fetch_att_new_rfc822_size(),
	    got_size, size);
}

struct bodies {
	struct buf	*body;
	int		*got;
};

static void
got_body(size_t i, struct mailimap_msg_att_static *a, void *arg)
{
	struct bodies *b = arg;
	struct mailimap_msg_att_body_section *sec;

	if (a->att_type != MAILIMAP_MSG_ATT_BODY_SECTION)
		return;
	sec = a->att_data.att_body_section;
	buf_reset(&b->body[i]);
	if (sec->sec_body_part != NULL)
		buf_add(&b->body[i], sec->sec_body_part, sec->sec_length);
	b->got[i] = 1;
}

int
imap_fetch(struct imap *im, const uint32_t *uids, size_t n, struct buf *body,
    int *got)
{
	struct bodies b = { body, got };

	for (size_t i = 0; i < n; i++) {
		buf_reset(&body[i]);
		got[i] = 0;
	}
	if (n == 0)
		return 0;
	return fetch(im, uids, n, mailimap_fetch_att_new_body_peek_section(
	    mailimap_section_new(NULL)), got_body, &b);
}

/* Whether the server has a folder of exactly this name. */
static int
folder_exists(struct imap *im, const char *name, int *exists)
{
	clist *l = NULL;
	int r;

	*exists = 0;
	if ((r = mailimap_list(im->s, "", name, &l)) != MAILIMAP_NO_ERROR)
		return fail(im, r, "list");
	for (clistiter *it = l ? clist_begin(l) : NULL; it; it = clist_next(it)) {
		struct mailimap_mailbox_list *mb = clist_content(it);

		if (strcmp(mb->mb_name, name) == 0)
			*exists = 1;
	}
	if (l != NULL)
		mailimap_list_result_free(l);
	return 0;
}

int
imap_folder(struct imap *im, const char *folder, int create, char **name,
    int *exists)
{
	struct buf b = { 0 };
	int r, rc;

	*name = NULL;
	/* "INBOX/x" and names with the prefix already are the server's own */
	if (strncmp(folder, im->prefix, strlen(im->prefix)) != 0 &&
	    !(ascii_ncasecmp(folder, "INBOX", 5) == 0 &&
	    (folder[5] == '\0' || folder[5] == '/')))
		buf_adds(&b, im->prefix);
	for (const char *p = folder; *p; p++)
		buf_addc(&b, *p == '/' && im->delim ? im->delim : *p);
	buf_adds(&b, "");
	if ((rc = folder_exists(im, buf_str(&b), exists)) != 0)
		goto out;
	if (!*exists && create) {
		if ((r = mailimap_create(im->s, buf_str(&b))) != MAILIMAP_NO_ERROR) {
			rc = fail(im, r, "create folder");
			goto out;
		}
		/* a mail client shows only what is subscribed */
		(void)mailimap_subscribe(im->s, buf_str(&b));
	}
	*name = buf_steal(&b);
out:
	buf_free(&b);
	return rc;
}

/* UID STORE +FLAGS.SILENT (flag) on set. */
static int
add_flag(struct imap *im, struct mailimap_set *set, struct mailimap_flag *flag)
{
	struct mailimap_flag_list *fl = mailimap_flag_list_new_empty();
	struct mailimap_store_att_flags *sa;
	int r;

	mailimap_flag_list_add(fl, flag);
	sa = mailimap_store_att_flags_new_add_flags_silent(fl);
	r = mailimap_uid_store(im->s, set, sa);
	mailimap_store_att_flags_free(sa);
	return r;
}

int
imap_move(struct imap *im, const uint32_t *uids, size_t n, const char *folder,
    int seen)
{
	struct mailimap_set *set;
	uint32_t *todo = NULL;
	size_t ntodo = 0;
	int r = MAILIMAP_NO_ERROR, rc = 0;
	const char *step = "store";

	if (n == 0)
		return 0;
	set = uid_set(uids, n);
	if (seen && (r = add_flag(im, set, mailimap_flag_new_seen())) !=
	    MAILIMAP_NO_ERROR)
		goto out;
	if (imap_has(im, "MOVE")) {
		step = "move";
		r = mailimap_uid_move(im->s, set, folder);
		goto out;
	}
	/*
	 * A copy made before a crash left its original marked \Deleted:
	 * copy only what is not, so that a move made again copies nothing
	 * twice.
	 */
	if ((rc = search_undeleted(im, uid_set(uids, n), 0, &todo, &ntodo)) != 0)
		goto out;
	step = "copy";
	if (ntodo > 0) {
		struct mailimap_set *copy = uid_set(todo, ntodo);

		r = mailimap_uid_copy(im->s, copy, folder);
		mailimap_set_free(copy);
		if (r != MAILIMAP_NO_ERROR)
			goto out;
	}
	step = "store";
	if ((r = add_flag(im, set, mailimap_flag_new_deleted())) !=
	    MAILIMAP_NO_ERROR)
		goto out;
	/* UID EXPUNGE removes just these; a plain EXPUNGE, everybody's \Deleted */
	step = "expunge";
	if (imap_has(im, "UIDPLUS"))
		r = mailimap_uid_expunge(im->s, set);
out:
	if (r != MAILIMAP_NO_ERROR)
		rc = fail(im, r, step);
	free(todo);
	mailimap_set_free(set);
	return rc;
}

int
imap_idle(struct imap *im, int stop_fd, int timeout_s, int *woke)
{
	struct pollfd p[2];
	int r, n;

	*woke = 0;
	p[0].fd = stop_fd;
	p[0].events = POLLIN;
	p[1].events = POLLIN;
	if (!imap_has(im, "IDLE")) {
		/* nothing tells of new mail: look again every minute */
		n = poll(p, 1, (timeout_s < 60 ? timeout_s : 60) * 1000);
		return n == -1 && errno != EINTR ? EX_OSERR : 0;
	}
	if ((r = mailimap_idle(im->s)) != MAILIMAP_NO_ERROR)
		return fail(im, r, "idle");
	/* what came with the server's "+ idling" is already read */
	if (im->s->imap_stream->read_buffer_len > 0)
		*woke = 1;
	else {
		p[1].fd = mailimap_idle_get_fd(im->s);
		n = poll(p, 2, timeout_s * 1000);
		if (n == -1 && errno != EINTR) {
			mo_warn_errno("%s: poll", im->url);
			im->broken = 1;
			return EX_TEMPFAIL;
		}
		*woke = n > 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR));
	}
	if ((r = mailimap_idle_done(im->s)) != MAILIMAP_NO_ERROR)
		return fail(im, r, "idle done");
	return 0;
}

int
imap_list(struct imap *im, char ***names, size_t *n)
{
	clist *l = NULL;
	size_t i = 0;
	int r;

	*names = NULL;
	*n = 0;
	if ((r = mailimap_list(im->s, "", "*", &l)) != MAILIMAP_NO_ERROR)
		return fail(im, r, "list");
	*names = xcalloc((l ? (size_t)clist_count(l) : 0) + 1, sizeof **names);
	for (clistiter *it = l ? clist_begin(l) : NULL; it; it = clist_next(it))
		(*names)[i++] = xstrdup(((struct mailimap_mailbox_list *)
		    clist_content(it))->mb_name);
	*n = i;
	if (l != NULL)
		mailimap_list_result_free(l);
	return 0;
}
