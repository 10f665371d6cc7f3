/* imap.h — a session with an IMAP server (libetpan): TLS checked by us, login, one selected mailbox, batched fetches and moves, IDLE. */
#ifndef MAILOPT_IMAP_H
#define MAILOPT_IMAP_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct conf;
struct imap_url;
struct imap;

/*
 * Exit codes of this module: EX_TEMPFAIL when the server or network
 * failed (try again later), EX_NOPERM when the server could not be
 * trusted (its certificate) or refused the login, EX_CONFIG for
 * settings that cannot work (no password, a bad command). Every
 * failure is said on standard error as "mailopt: URL: what: why".
 */

/*
 * Connect to u's server, over TLS from the start (imaps) or after
 * STARTTLS (imap, which refuses a server without it), check the
 * certificate chain and host name (imap_ca_file, else the system's
 * CAs) before anything is sent, and log in as c says (imap_auth).
 * Returns 0 and *out (caller owns: imap_free), or an exit code.
 */
int	 imap_open(const struct conf *c, const struct imap_url *u,
	    struct imap **out);
/* Log out and close. Accepts NULL. */
void	 imap_free(struct imap *im);

/* Whether the connection failed (then only imap_free is left to call). */
int	 imap_broken(const struct imap *im);
/* Whether the server announced capability name (after login). */
int	 imap_has(struct imap *im, const char *name);
/* The extensions the sweep uses that the server has, for check: "MOVE UIDPLUS IDLE". Caller frees. */
char	*imap_used_caps(struct imap *im);

/*
 * Select mailbox, read-write, or with readonly read-only (EXAMINE: a
 * dry run and check change nothing); *uidvalidity is its UIDVALIDITY.
 */
int	 imap_select(struct imap *im, const char *mailbox, int readonly,
	    uint32_t *uidvalidity);

/*
 * The UIDs above uid in the selected mailbox, ascending, into *uids
 * (caller frees) and *n, but for those marked \Deleted (on their way
 * out): one UID SEARCH, however many messages are below.
 */
int	 imap_search_above(struct imap *im, uint32_t uid, uint32_t **uids,
	    size_t *n);

/*
 * RFC822.SIZE of uids[0..n) into size[] (one UID FETCH); a message no
 * longer there gets UINT32_MAX.
 */
int	 imap_sizes(struct imap *im, const uint32_t *uids, size_t n,
	    uint32_t *size);

/*
 * The whole messages uids[0..n) into body[0..n) (reset first), with
 * BODY.PEEK so that none is marked \Seen; one UID FETCH for all.
 * got[i] is 0 for a message no longer there.
 */
int	 imap_fetch(struct imap *im, const uint32_t *uids, size_t n,
	    struct buf *body, int *got);

/*
 * The server's name of folder (written with "/" between levels, as
 * the settings say): the personal namespace's prefix and the server's
 * hierarchy delimiter. With create, a folder that does not exist is
 * created and subscribed. *name is the caller's to free; *exists says
 * whether it was there before.
 */
int	 imap_folder(struct imap *im, const char *folder, int create,
	    char **name, int *exists);

/*
 * Move uids[0..n) of the selected mailbox to folder (a server name),
 * setting \Seen first when seen: UID MOVE (RFC 6851) when the server
 * has it, else UID COPY of those not yet marked \Deleted (a move made
 * again after a crash copies nothing twice), \Deleted and UID EXPUNGE
 * of just these UIDs (UIDPLUS); without UIDPLUS the originals are only
 * marked \Deleted, as a plain EXPUNGE would remove other people's
 * deleted mail too.
 */
int	 imap_move(struct imap *im, const uint32_t *uids, size_t n,
	    const char *folder, int seen);

/*
 * IDLE (RFC 2177) until the server says something, timeout_s passes,
 * or stop_fd becomes readable; then DONE. *woke is 1 when the server
 * spoke. Without IDLE at the server, it waits a minute at most.
 */
int	 imap_idle(struct imap *im, int stop_fd, int timeout_s, int *woke);

/* Every folder's server name, into *names (NULL-terminated; free each and it). */
int	 imap_list(struct imap *im, char ***names, size_t *n);

#endif
