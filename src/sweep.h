/* sweep.h — a sweep over a source of messages: read and classify side by side, record each batch in one transaction, then file every message by its outcome. */
#ifndef MAILOPT_SWEEP_H
#define MAILOPT_SWEEP_H

#include <signal.h>
#include <stddef.h>

#include "action.h"

struct buf;
struct conf;
struct rules;
struct store;

/* A message of a batch as the source files it, once its outcome is committed. */
struct sweep_done {
	size_t		 index;		/* into the names of sweep_run */
	const char	*name;
	enum outcome	 outcome;
	int		 failed;	/* set by file: it stays where it is */
	int		 gone;		/* set by file: another sweep filed it first */
};

/*
 * Where messages come from and go to: a Maildir, an IMAP mailbox. arg
 * is the source's own state; i is a message's index in the names
 * sweep_run was given. Every function but read runs on the sweep's
 * own thread.
 */
struct sweep_source {
	/*
	 * Have messages [first, first + n) ready to read; *ready gets how
	 * many are, at least 1 unless an exit code is returned. NULL:
	 * every message can be read at any time.
	 */
	int	(*fetch)(void *arg, size_t first, size_t n, size_t *ready);
	/*
	 * Message i into out (reset first), at most cap bytes, *over set
	 * when it is larger: maildir_read's contract and exit codes
	 * (EX_NOINPUT: gone; EX_DATAERR: no message, skipped). Called by
	 * several threads at once, each with an out of its own.
	 */
	int	(*read)(void *arg, size_t i, const char *name, size_t cap,
		    struct buf *out, int *over);
	/* What the store records as the message's file, to know it again after a crash. Caller frees. */
	char	*(*key)(void *arg, size_t i, const char *name);
	/*
	 * Inside the transaction of the batch of messages [first, first +
	 * count), every one of them decided (d[0..n): those not gone),
	 * before the commit: what the source must remember with them.
	 * NULL: nothing.
	 */
	int	(*record)(void *arg, struct store *s, size_t first, size_t count,
		    const struct sweep_done *d, size_t n);
	/*
	 * After the commit: file d[0..n) by outcome (ignored may stay),
	 * setting failed on those it could not and gone on those another
	 * sweep filed first. Returns 0, or an exit code when the source
	 * itself failed, which ends the sweep (EX_TEMPFAIL) after the
	 * batch is reported.
	 */
	int	(*file)(void *arg, struct sweep_done *d, size_t n);
};

/* At most this many readers, whatever --jobs or the CPUs say. */
#define SWEEP_JOBS_MAX	64

struct sweep_opts {
	int		 dry, json, no_flush, quiet;
	int		 jobs;		/* 0: one per CPU, at most one per batch */
	int		 endless;	/* runs go on as mail comes (IMAP IDLE): no total */
	/* set (by a signal handler) to end the sweep after the batch at hand */
	volatile sig_atomic_t	*stop;
};

struct sweep;

/*
 * A sweep reading with r (borrowed; the first reader's), recording in
 * s (borrowed). total is how many messages the first run will see, to
 * size the readers and the progress line (unless o->endless: then
 * neither, and readers as --jobs or the CPUs say). Returns 0 and *out (caller
 * frees with sweep_free) or an exit code.
 */
int	 sweep_new(const struct conf *c, const struct sweep_opts *o,
	    struct rules *r, struct store *s, const struct sweep_source *src,
	    void *arg, size_t total, struct sweep **out);
/* Accepts NULL. */
void	 sweep_free(struct sweep *sw);

/*
 * Sweep names[0..n): read, decide, record, file and report each.
 * Counts add up over calls. Returns 0, or EX_TEMPFAIL when a message
 * could not be decided or filed (it stays where it was).
 */
int	 sweep_run(struct sweep *sw, char **names, size_t n);

/* Send what is due in the outbox, unless no_flush or dry (a failure keeps it due). */
void	 sweep_flush(struct sweep *sw);
/* The summary line (none with --json), then sweep_flush. */
void	 sweep_finish(struct sweep *sw);

#endif
