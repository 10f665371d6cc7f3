/* cmd_imap.c — in mailopt-imap: `sweep imaps://…` over an IMAP mailbox, exactly once, optionally waiting with IDLE; and the IMAP part of `check`. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "imap.h"
#include "imapurl.h"
#include "rules.h"
#include "store.h"
#include "sweep.h"
#include "util.h"

/* Messages whose bodies are fetched at once at most: one batch of the sweep. */
#define FETCH_MAX	200
/*
 * ... and bytes: a batch of large messages is fetched in smaller steps,
 * no larger than what the sweep keeps of a batch (its BATCH_BYTES).
 */
#define FETCH_BYTES	(16u << 20)
/* RFC 2177: re-issue IDLE before a server's 30-minute inactivity timer. */
#define IDLE_SECONDS	(25 * 60)
/* Waits between reconnections double up to this. */
#define BACKOFF_MAX	60

/* The mailbox a sweep reads: its session, its messages, the batch fetched. */
struct mbsource {
	const struct conf	*conf;
	const struct imap_url	*url;
	struct imap		*im;		/* NULL while disconnected */
	char			*mailbox;	/* imap_url_mailbox: the store's name for it */
	uint32_t		 uidvalidity;
	char			*processed, *unmatched;	/* the server's names */
	uint32_t		*uids;		/* of the messages of this pass */
	size_t			 n;
	struct store		*store;
	size_t			 next;		/* the first index not yet committed this pass */
	size_t			 pending;	/* next, once the batch at hand commits */
	int			 blocked;	/* a message was left undecided: the mark stays */
	/* messages [base, base + nbody) fetched: their bodies, or why not */
	size_t			 base, nbody;
	struct buf		 body[FETCH_MAX];
	int			 got[FETCH_MAX];
	int			 over[FETCH_MAX];
	long			 moves;		/* for mo_test_point */
};

static int
mb_fetch(void *arg, size_t first, size_t n, size_t *ready)
{
	struct mbsource *ms = arg;
	uint32_t size[FETCH_MAX];
	uint32_t want[FETCH_MAX];
	size_t k, nw = 0, bytes = 0;
	struct buf fetched[FETCH_MAX];
	int got[FETCH_MAX], rc;

	*ready = 0;
	if (n > FETCH_MAX)
		n = FETCH_MAX;
	if ((rc = imap_sizes(ms->im, ms->uids + first, n, size)) != 0)
		return rc;
	/* as many as FETCH_BYTES hold, one at least */
	for (k = 0; k < n; k++) {
		int big = size[k] != UINT32_MAX &&
		    size[k] > ms->conf->max_message_size;

		if (!big && size[k] != UINT32_MAX) {
			if (k > 0 && bytes + size[k] > FETCH_BYTES)
				break;
			bytes += size[k];
		}
	}
	n = k;
	for (k = 0; k < n; k++) {
		buf_reset(&ms->body[k]);
		ms->got[k] = size[k] != UINT32_MAX;
		/* judged by its size, never downloaded */
		ms->over[k] = ms->got[k] && size[k] > ms->conf->max_message_size;
		if (ms->got[k] && !ms->over[k])
			want[nw++] = ms->uids[first + k];
	}
	memset(fetched, 0, sizeof fetched);
	if ((rc = imap_fetch(ms->im, want, nw, fetched, got)) != 0)
		goto out;
	for (k = 0, nw = 0; k < n; k++) {
		if (!ms->got[k] || ms->over[k])
			continue;
		ms->got[k] = got[nw];
		buf_free(&ms->body[k]);
		ms->body[k] = fetched[nw];
		memset(&fetched[nw++], 0, sizeof fetched[0]);
	}
	ms->base = first;
	ms->nbody = n;
	*ready = n;
out:
	for (k = 0; k < FETCH_MAX; k++)
		buf_free(&fetched[k]);
	return rc;
}

static int
mb_read(void *arg, size_t i, const char *name, size_t cap, struct buf *out,
    int *over)
{
	struct mbsource *ms = arg;
	size_t k = i - ms->base;

	(void)name;
	buf_reset(out);
	*over = 0;
	if (i < ms->base || k >= ms->nbody)
		return EX_SOFTWARE;
	/* expunged by someone else since the search */
	if (!ms->got[k])
		return EX_NOINPUT;
	if (ms->over[k]) {
		*over = 1;
		return 0;
	}
	if (ms->body[k].len > cap) {
		buf_add(out, ms->body[k].s, cap);
		*over = 1;
	} else
		buf_add(out, ms->body[k].s, ms->body[k].len);
	return 0;
}

static char *
mb_key(void *arg, size_t i, const char *name)
{
	(void)arg, (void)i;
	return xstrdup(name);
}

/* The folder an outcome files into (NULL: it stays), and whether it is marked \Seen. */
static const char *
destination(const struct mbsource *ms, enum outcome o, int *seen)
{
	switch (o) {
	case OUTCOME_APPLIED:
	case OUTCOME_UNCHANGED:
	case OUTCOME_DUPLICATE:
		*seen = 1;
		return ms->processed;
	case OUTCOME_QUEUED:
		*seen = 0;
		return ms->unmatched;
	default:
		/* ignored stays in the mailbox unseen: sales still reads it */
		return NULL;
	}
}

/*
 * With the decisions: the moves they owe, and the mark, raised to the
 * batch's last UID only when every message before it this pass was
 * decided too (a message left in error is read again next time). What
 * was committed is known only in mb_file, after the commit.
 */
static int
mb_record(void *arg, struct store *s, size_t first, size_t count,
    const struct sweep_done *d, size_t n)
{
	struct mbsource *ms = arg;
	const char *folder;
	int seen, rc;

	for (size_t i = 0; i < n; i++) {
		if ((folder = destination(ms, d[i].outcome, &seen)) == NULL)
			continue;
		if ((rc = store_imap_move_add(s, ms->mailbox, ms->uidvalidity,
		    ms->uids[d[i].index], folder, seen)) != 0)
			return rc;
	}
	if (first != ms->next)
		ms->blocked = 1;
	ms->pending = first + count;
	if (ms->blocked || count == 0)
		return 0;
	return store_imap_mark_set(s, ms->mailbox, ms->uidvalidity,
	    ms->uids[first + count - 1]);
}

/* Moves owed to one folder with one \Seen, gathered to go in one command. */
struct group {
	char		*folder;	/* its own copy: the store's rows are freed */
	int		 seen;
	uint32_t	*uids;
	size_t		 n;
};

/*
 * Move each group, then forget the moves done: a crash in between
 * moves them again, which moves nothing (those UIDs left the mailbox).
 */
static int
move_groups(struct mbsource *ms, struct store *s, struct group *g, size_t ng)
{
	int rc = 0, drc;

	for (size_t k = 0; k < ng && rc == 0; k++) {
		if (g[k].n == 0)
			continue;
		rc = imap_move(ms->im, g[k].uids, g[k].n, g[k].folder, g[k].seen);
		mo_test_point("move", &ms->moves);
		if (rc != 0)
			break;
		if ((drc = store_begin(s)) != 0)
			return drc;
		for (size_t i = 0; i < g[k].n && drc == 0; i++)
			drc = store_imap_move_done(s, ms->mailbox,
			    ms->uidvalidity, g[k].uids[i]);
		if (drc == 0)
			drc = store_commit(s);
		else
			store_rollback(s);
		if (drc != 0)
			return drc;
	}
	return rc;
}

struct filing {
	struct mbsource	*ms;
	struct store	*store;
	struct group	 g[4];	/* processed/unmatched, seen or not */
};

/*
 * uid joins the group of folder and seen, made when it is the first:
 * at most four, so a fifth (a folder owed by an earlier run and no
 * longer configured) is left for the run after this one.
 */
static void
group_add(struct filing *f, const char *folder, int seen, uint32_t uid)
{
	for (size_t k = 0; k < 4; k++) {
		struct group *g = &f->g[k];

		if (g->folder == NULL) {
			g->folder = xstrdup(folder);
			g->seen = seen;
		}
		if (strcmp(g->folder, folder) == 0 && g->seen == seen) {
			g->uids = xrealloc(g->uids, (g->n + 1) * sizeof *g->uids);
			g->uids[g->n++] = uid;
			return;
		}
	}
}

static void
filing_clear(struct filing *f)
{
	for (size_t k = 0; k < 4; k++) {
		free(f->g[k].folder);
		free(f->g[k].uids);
	}
	memset(f->g, 0, sizeof f->g);
}

static int
mb_file(void *arg, struct sweep_done *d, size_t n)
{
	struct mbsource *ms = arg;
	struct filing f = { .ms = ms, .store = ms->store };
	const char *folder;
	int seen, rc;

	ms->next = ms->pending;
	for (size_t i = 0; i < n; i++) {
		if ((folder = destination(ms, d[i].outcome, &seen)) != NULL)
			group_add(&f, folder, seen, ms->uids[d[i].index]);
	}
	rc = move_groups(ms, ms->store, f.g, 4);
	if (rc != 0)
		/* committed: the moves stay owed, and the next run makes them */
		for (size_t i = 0; i < n; i++)
			if (destination(ms, d[i].outcome, &seen) != NULL)
				d[i].failed = 1;
	filing_clear(&f);
	return rc;
}

static const struct sweep_source imap_source = {
	.fetch = mb_fetch,
	.read = mb_read,
	.key = mb_key,
	.record = mb_record,
	.file = mb_file,
};

static int
owed_one(uint32_t uid, const char *folder, int seen, void *arg)
{
	group_add(arg, folder, seen, uid);
	return 0;
}

/*
 * What an earlier run committed but did not live to move: move it now,
 * before anything new is read. Moves owed under another UIDVALIDITY
 * name messages that are no more: they are forgotten (the messages,
 * read again, are duplicates).
 */
static int
finish_owed(struct mbsource *ms)
{
	struct filing f = { .ms = ms, .store = ms->store };
	int rc;

	if ((rc = store_begin(ms->store)) != 0)
		return rc;
	if ((rc = store_imap_move_forget(ms->store, ms->mailbox,
	    ms->uidvalidity)) != 0) {
		store_rollback(ms->store);
		return rc;
	}
	if ((rc = store_commit(ms->store)) != 0)
		return rc;
	rc = store_imap_move_each(ms->store, ms->mailbox, ms->uidvalidity,
	    owed_one, &f);
	if (rc == 0)
		rc = move_groups(ms, ms->store, f.g, 4);
	filing_clear(&f);
	return rc;
}

/* Connect, select, find (or make) the folders, finish what is owed. */
static int
connect_mailbox(struct mbsource *ms, int dry)
{
	int rc, exists;

	free(ms->processed);
	free(ms->unmatched);
	free(ms->mailbox);
	ms->processed = ms->unmatched = ms->mailbox = NULL;
	if ((rc = imap_open(ms->conf, ms->url, &ms->im)) != 0 ||
	    (rc = imap_select(ms->im, ms->url->mailbox, dry,
	    &ms->uidvalidity)) != 0 ||
	    (rc = imap_folder(ms->im, ms->conf->imap_processed_folder, !dry,
	    &ms->processed, &exists)) != 0 ||
	    (rc = imap_folder(ms->im, ms->conf->imap_unmatched_folder, !dry,
	    &ms->unmatched, &exists)) != 0)
		return rc;
	/* filed into the mailbox it reads, a message would be read forever */
	if (ascii_casecmp(ms->processed, ms->url->mailbox) == 0 ||
	    ascii_casecmp(ms->unmatched, ms->url->mailbox) == 0) {
		mo_warn("%s: imap_processed_folder and imap_unmatched_folder "
		    "must not be the mailbox swept", ms->url->text);
		return EX_CONFIG;
	}
	ms->mailbox = imap_url_mailbox(ms->url);
	return dry ? 0 : finish_owed(ms);
}

/* Each message's name: its IMAP URL (RFC 5092), which the store records too. */
static char **
names_of(const struct mbsource *ms)
{
	char **names = xcalloc(ms->n + 1, sizeof *names);

	for (size_t i = 0; i < ms->n; i++)
		names[i] = xasprintf("%s;UIDVALIDITY=%u/;UID=%u", ms->mailbox,
		    (unsigned)ms->uidvalidity, (unsigned)ms->uids[i]);
	return names;
}

static void
names_free(char **names)
{
	for (size_t i = 0; names != NULL && names[i] != NULL; i++)
		free(names[i]);
	free(names);
}

/* One pass: the messages above the mark, swept. */
static int
pass(struct mbsource *ms, const struct sweep_opts *o, struct rules *r,
    struct sweep **sw)
{
	char **names = NULL;
	uint32_t mark;
	int rc;

	if ((rc = store_imap_mark_get(ms->store, ms->mailbox, ms->uidvalidity,
	    &mark)) != 0)
		return rc;
	free(ms->uids);
	ms->uids = NULL;
	if ((rc = imap_search_above(ms->im, mark, &ms->uids, &ms->n)) != 0)
		return rc;
	ms->next = 0;
	ms->blocked = 0;
	ms->nbody = 0;
	if (*sw == NULL && (rc = sweep_new(ms->conf, o, r, ms->store,
	    &imap_source, ms, ms->n, sw)) != 0)
		return rc;
	if (ms->n == 0)
		return 0;
	names = names_of(ms);
	rc = sweep_run(*sw, names, ms->n);
	names_free(names);
	return rc;
}

/*
 * SIGTERM and SIGINT end the sweep after the batch at hand. They are
 * blocked in every thread and taken by one that waits for them: a
 * handler would interrupt libetpan's poll, which takes EINTR for a
 * broken connection, in the middle of a command.
 */
struct stopper {
	sigset_t		 set;
	pthread_t		 thread;
	int			 started;
	int			 pipe[2];	/* written once a signal came */
	volatile sig_atomic_t	 stop;
};

static void *
wait_signals(void *arg)
{
	struct stopper *st = arg;
	int sig;

	for (;;)
		if (sigwait(&st->set, &sig) == 0) {
			__atomic_store_n(&st->stop, 1, __ATOMIC_SEQ_CST);
			if (write(st->pipe[1], "x", 1) == -1)
				continue;	/* full: one byte already wakes */
		}
	return NULL;
}

/* Before any other thread starts, so that they all inherit the mask. */
static int
stopper_start(struct stopper *st)
{
	st->pipe[0] = st->pipe[1] = -1;
	sigemptyset(&st->set);
	sigaddset(&st->set, SIGTERM);
	sigaddset(&st->set, SIGINT);
	if (pipe2(st->pipe, O_NONBLOCK | O_CLOEXEC) == -1) {
		mo_warn_errno("pipe");
		return EX_OSERR;
	}
	pthread_sigmask(SIG_BLOCK, &st->set, NULL);
	if (pthread_create(&st->thread, NULL, wait_signals, st) != 0) {
		mo_warn("cannot start a thread to wait for signals");
		return EX_OSERR;
	}
	st->started = 1;
	return 0;
}

static void
stopper_stop(struct stopper *st)
{
	if (st->started) {
		pthread_cancel(st->thread);
		pthread_join(st->thread, NULL);
	}
	for (int i = 0; i < 2; i++)
		if (st->pipe[i] != -1)
			close(st->pipe[i]);
}

/* Whether a signal came; what it wrote to the pipe is read away. */
static int
stopping(struct stopper *st)
{
	char c;

	while (read(st->pipe[0], &c, 1) == 1)
		;
	return __atomic_load_n(&st->stop, __ATOMIC_SEQ_CST);
}

/* Wait s seconds, or less when a signal comes. */
static void
nap(struct stopper *st, int s)
{
	struct pollfd p = { .fd = st->pipe[0], .events = POLLIN };

	(void)poll(&p, 1, s * 1000);
}

static int
sweep_imap(const struct conf *c, const struct imap_url *u,
    const struct sweep_opts *o, int idle)
{
	struct mbsource ms = { .conf = c, .url = u };
	struct stopper st = { 0 };
	struct sweep_opts so = *o;
	struct sweep *sw = NULL;
	struct rules *r = NULL;
	int rc, woke, backoff = 1;

	if ((rc = stopper_start(&st)) != 0)
		goto out;
	so.stop = &st.stop;
	so.endless = idle;
	if ((rc = open_rules(c, &r)) != 0 || (rc = open_store(c, &ms.store)) != 0)
		goto out;
	for (;;) {
		if (ms.im == NULL)
			rc = connect_mailbox(&ms, o->dry);
		if (rc == 0)
			rc = pass(&ms, &so, r, &sw);
		/* what the batches committed goes out as it is decided */
		if (sw != NULL && idle)
			sweep_flush(sw);
		if (!idle || stopping(&st))
			break;
		/*
		 * A message that could not be decided or filed, with the
		 * session sound: it is read again at the next pass (the mark
		 * waits for it); the session stays.
		 */
		if (rc != 0 && ms.im != NULL && !imap_broken(ms.im))
			rc = 0;
		if (rc == 0) {
			backoff = 1;
			rc = imap_idle(ms.im, st.pipe[0], IDLE_SECONDS, &woke);
			if (stopping(&st))
				break;
		}
		if (rc != 0) {
			imap_free(ms.im);
			ms.im = NULL;
			/*
			 * A certificate or login refused stays refused: retried
			 * every minute it could lock the account. It ends the
			 * sweep (75) for the operator, or systemd, to see.
			 */
			if (rc != EX_TEMPFAIL)
				break;
			/* the server or the network went away: try again, less often */
			mo_warn("%s: connecting again in %d s", u->text, backoff);
			nap(&st, backoff);
			if (stopping(&st))
				break;
			backoff = backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : backoff * 2;
			rc = 0;
		}
	}
	/* stopped by a signal between passes or batches: nothing is lost */
	if (idle && stopping(&st) && (rc == EX_TEMPFAIL || rc == 0))
		rc = 0;
	if (sw != NULL)
		sweep_finish(sw);
	/* the sweep's exit code for a server it could not trust or log in to */
	if (rc == EX_NOPERM)
		rc = EX_TEMPFAIL;
out:
	sweep_free(sw);
	imap_free(ms.im);
	free(ms.uids);
	free(ms.processed);
	free(ms.unmatched);
	free(ms.mailbox);
	for (size_t k = 0; k < FETCH_MAX; k++)
		buf_free(&ms.body[k]);
	store_free(ms.store);
	rules_free(r);
	stopper_stop(&st);
	return rc;
}

/* check --imap: log in, list the folders, say what a sweep would do. */
static int
check_imap(const struct conf *c, const struct imap_url *u)
{
	struct imap *im = NULL;
	struct store *s = NULL;
	char **names = NULL, *caps = NULL, *folder = NULL, *mailbox = NULL;
	uint32_t uidvalidity, mark = 0, *uids = NULL;
	size_t n = 0, nuid = 0;
	int rc, exists;

	if ((rc = imap_open(c, u, &im)) != 0)
		goto out;
	caps = imap_used_caps(im);
	printf("imap: %s: logged in as %s, the certificate checked; "
	    "extensions used: %s\n", u->text, u->user, *caps ? caps : "none");
	if (!imap_has(im, "MOVE"))
		printf("note: imap: no MOVE: messages are copied, marked "
		    "\\Deleted%s\n", imap_has(im, "UIDPLUS") ?
		    " and expunged by UID" : " and left for the server's "
		    "owner to expunge (no UIDPLUS)");
	if ((rc = imap_list(im, &names, &n)) != 0)
		goto out;
	printf("imap: %zu folders:", n);
	for (size_t i = 0; i < n; i++)
		printf(" %s", names[i]);
	printf("\n");
	for (int k = 0; k < 2; k++) {
		const char *want = k == 0 ? c->imap_processed_folder :
		    c->imap_unmatched_folder;

		if ((rc = imap_folder(im, want, 0, &folder, &exists)) != 0)
			goto out;
		printf("imap: %s folder %s: %s\n", k == 0 ? "processed" :
		    "unmatched", folder, exists ? "exists" :
		    "missing: the first sweep creates it");
		free(folder);
		folder = NULL;
	}
	if ((rc = imap_select(im, u->mailbox, 1, &uidvalidity)) != 0)
		goto out;
	mailbox = imap_url_mailbox(u);
	/* the store is read only to say how far earlier sweeps went */
	if (open_store(c, &s) == 0)
		(void)store_imap_mark_get(s, mailbox, uidvalidity, &mark);
	if ((rc = imap_search_above(im, mark, &uids, &nuid)) != 0)
		goto out;
	printf("imap: %s: UIDVALIDITY %u: a sweep would read %zu message%s "
	    "(above UID %u)\n", u->mailbox, (unsigned)uidvalidity, nuid,
	    nuid == 1 ? "" : "s", (unsigned)mark);
out:
	for (size_t i = 0; names != NULL && i < n; i++)
		free(names[i]);
	free(names);
	free(caps);
	free(folder);
	free(mailbox);
	free(uids);
	store_free(s);
	imap_free(im);
	/* check: a server that cannot be trusted is a setting to fix */
	return rc == EX_NOPERM ? EX_CONFIG : rc;
}

int
imap_handoff(int argc, char **argv, int cmd)
{
	(void)argc, (void)argv, (void)cmd;
	return -1;	/* this is mailopt-imap */
}

int
imap_run(const struct conf *c, const char *url, int argc, char **argv,
    const struct sweep_opts *o, int idle)
{
	struct imap_url u;
	const char *why;
	int rc;

	(void)argc, (void)argv;
	/* a server that hangs up must not kill the sweep: write fails, EPIPE */
	signal(SIGPIPE, SIG_IGN);
	if (imap_url_parse(url, &u, &why) != 0) {
		char *shown = imap_url_redact(url);

		mo_warn("%s: %s", shown, why);
		free(shown);
		return EX_USAGE;
	}
	rc = o == NULL ? check_imap(c, &u) : sweep_imap(c, &u, o, idle);
	imap_url_clear(&u);
	return rc;
}
