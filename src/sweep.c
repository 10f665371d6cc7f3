/* sweep.c — the sweep of a message source: readers side by side, one transaction a batch, every message filed by its outcome. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "json.h"
#include "log.h"
#include "mime.h"
#include "outbox.h"
#include "process.h"
#include "progress.h"
#include "rules.h"
#include "store.h"
#include "sweep.h"
#include "util.h"

/*
 * Messages per transaction: one commit (one fsync of the WAL) per
 * batch instead of per message, and still little to redo after a crash.
 */
#define BATCH	200
/*
 * A batch also ends once the requests read for it (kept whole until
 * their transaction) hold this many bytes; with the batch read ahead
 * (sweep_run), twice that may be held.
 */
#define BATCH_BYTES	(16u << 20)


struct item;

/*
 * One of the readers that parse and classify a batch side by side: a
 * thread with a clone of the rules, as matching is not reentrant (the
 * first reader is the sweep's own thread, with the sweep's rules).
 */
struct reader {
	struct sweep		*sw;
	struct rules		*rules;
	struct buf		 in;
	pthread_t		 thread;
};

struct sweep {
	const struct conf	*conf;
	const struct sweep_source *src;
	void			*arg;
	struct store		*store;
	struct processor	*proc;
	struct reader		*readers;
	int			 jobs;
	int			 dry, json, no_flush, quiet;
	volatile sig_atomic_t	*stop;
	struct buf		 line;
	/*
	 * The batch being read: items handed out in order, bytes kept,
	 * items read, the first that could not be (n: none yet).
	 */
	struct item		*items;
	size_t			 n, next, kept, read, failed;
	int			 started[SWEEP_JOBS_MAX];	/* its reader threads */
	struct progress		*progress;	/* NULL unless standard error is a terminal */
	size_t			 through;	/* messages read so far, for it */
	unsigned long		 count[OUTCOME_ERROR + 1];
	unsigned long		 skipped;	/* names in new/ that are no regular file */
	long			 commits;	/* for mo_test_point */
	int			 halt;	/* the source failed to file a batch: stop */
};

struct item {
	char			*name;
	size_t			 index;	/* in the names of sweep_run */
	struct process_result	 res;
	int			 gone;	/* another sweep took the file first */
	int			 skipped; /* not a regular file: left alone, unread */
	/* read and classified outside the transaction; raw kept for a request */
	struct classified	*cl;
	struct buf		 raw;
	int			 rc;	/* of reading it: 0 or an exit code */
};

/* What the report says of a name in new/ that is no regular file. */
#define SKIPPED_WHY	"not a regular file"

static void
report(struct sweep *sw, const struct item *it)
{
	const struct process_result *r = &it->res;
	int first = 1;

	buf_reset(&sw->line);
	if (it->skipped) {
		sw->skipped++;
		if (sw->quiet)
			return;
		if (sw->json) {
			buf_addc(&sw->line, '{');
			json_kstr(&sw->line, "file", it->name, &first);
			json_kstr(&sw->line, "message_id", NULL, &first);
			json_kstr(&sw->line, "outcome", "skipped", &first);
			json_kstr(&sw->line, "action", NULL, &first);
			json_kstr(&sw->line, "rule", NULL, &first);
			json_kstr(&sw->line, "profile", NULL, &first);
			json_kstr(&sw->line, "changes", NULL, &first);
			json_kstr(&sw->line, "reason", SKIPPED_WHY, &first);
			buf_addc(&sw->line, '}');
		} else {
			buf_add_cescaped(&sw->line, it->name);
			buf_adds(&sw->line, " skipped: " SKIPPED_WHY);
		}
		printf("%s\n", buf_str(&sw->line));
		return;
	}
	sw->count[r->outcome]++;
	if (sw->quiet)
		return;
	if (sw->json)
		process_result_json(r, it->name, &sw->line);
	else {
		/* the name is the sender's choice: it must not make a line of its own */
		buf_add_cescaped(&sw->line, it->name);
		buf_printf(&sw->line, " %s", outcome_name(r->outcome));
		if (r->action != ACTION_NONE)
			buf_printf(&sw->line, " action=%s", action_name(r->action));
		if (r->rule)
			buf_printf(&sw->line, " rule=%s", r->rule);
		if (r->profile)
			buf_printf(&sw->line, " profile=%s", r->profile);
		for (int i = 0; i < FLAG_COUNT; i++)
			if (r->changed & flag_bit(i))
				buf_printf(&sw->line, " %s=%d>%d", flag_name(i),
				    !!(r->old_flags & flag_bit(i)),
				    !!(r->new_flags & flag_bit(i)));
		if (r->reason && r->outcome == OUTCOME_QUEUED)
			buf_printf(&sw->line, " (%s)", r->reason);
	}
	printf("%s\n", buf_str(&sw->line));
}

/* Forget what was read and decided of it, to read it again. */
static void
item_reset(struct item *it)
{
	classified_free(it->cl);
	it->cl = NULL;
	buf_free(&it->raw);
	process_result_clear(&it->res);
	it->gone = it->skipped = it->rc = 0;
}

/*
 * Read the message of it and classify it, outside any transaction: the
 * parse and the rules take nearly all of a message's time, and while a
 * sweep held the write lock for them every deliver beside it waited.
 * Returns 0 or an exit code of the source's read.
 */
static int
read_item(struct reader *rd, struct item *it)
{
	struct sweep *sw = rd->sw;
	int rc, over;

	rc = sw->src->read(sw->arg, it->index, it->name,
	    sw->conf->max_message_size, &rd->in, &over);
	if (rc == EX_NOINPUT || rc == EX_DATAERR) {
		it->gone = rc == EX_NOINPUT;
		it->skipped = rc == EX_DATAERR;
		return 0;
	}
	if (rc != 0)
		return rc;
	it->cl = process_classify(sw->conf, rd->rules, buf_str(&rd->in),
	    rd->in.len, over, &it->res);
	/*
	 * What is no request touches no store and is done with: only a
	 * request is kept, parsed and whole, until its transaction.
	 */
	if (classified_is_request(it->cl))
		buf_add(&it->raw, rd->in.s, rd->in.len);
	else {
		classified_free(it->cl);
		it->cl = NULL;
	}
	return 0;
}

/*
 * A reader's share of the batch: the next item not yet taken, until
 * none is left or the requests read hold BATCH_BYTES. Items are taken
 * in order, so those read are always the first ones of the batch.
 */
static void *
read_share(void *arg)
{
	struct reader *rd = arg;
	struct sweep *sw = rd->sw;
	size_t i;

	while (__atomic_load_n(&sw->kept, __ATOMIC_RELAXED) < BATCH_BYTES &&
	    (i = __atomic_fetch_add(&sw->next, 1, __ATOMIC_RELAXED)) < sw->n &&
	    i < __atomic_load_n(&sw->failed, __ATOMIC_RELAXED)) {
		size_t f = __atomic_load_n(&sw->failed, __ATOMIC_RELAXED);

		/* what follows an item that cannot be read is read next time */
		if ((sw->items[i].rc = read_item(rd, &sw->items[i])) != 0)
			while (i < f && !__atomic_compare_exchange_n(
			    &sw->failed, &f, i, 0, __ATOMIC_RELAXED,
			    __ATOMIC_RELAXED))
				;
		__atomic_fetch_add(&sw->kept, sw->items[i].raw.len,
		    __ATOMIC_RELAXED);
		i = __atomic_add_fetch(&sw->read, 1, __ATOMIC_RELAXED);
		/* the progress line is the sweep's own thread's */
		if (rd == &sw->readers[0])
			progress_step(sw->progress, sw->through + i);
	}
	if (rd != &sw->readers[0])
		mime_thread_end();
	return NULL;
}

/*
 * Start reading and classifying items[0..n): the readers but the
 * sweep's own thread start on it, each taking the next item left.
 */
static void
read_start(struct sweep *sw, struct item *items, size_t n)
{
	sw->items = items;
	sw->n = n;
	sw->next = sw->kept = sw->read = 0;
	sw->failed = n;
	/* a reader that cannot start leaves its share to the others */
	for (int k = 1; k < sw->jobs; k++)
		sw->started[k] = (size_t)k < n &&
		    pthread_create(&sw->readers[k].thread, NULL, read_share,
		    &sw->readers[k]) == 0;
}

/*
 * Read what is left of the batch read_start began with the sweep's own
 * thread too, and wait for the others. *taken is how many items were
 * read: fewer than n when the requests read fill BATCH_BYTES, or up to
 * and with the first that could not be read, whose exit code is
 * returned; what a reader read beyond is forgotten, to be read again.
 */
static int
read_finish(struct sweep *sw, size_t *taken)
{
	struct item *items = sw->items;
	size_t n = sw->n, read, i;
	int rc = 0;

	read_share(&sw->readers[0]);
	for (int k = 1; k < sw->jobs; k++)
		if (sw->started[k])
			pthread_join(sw->readers[k].thread, NULL);
	read = sw->next < n ? sw->next : n;
	for (i = 0; i < read && items[i].rc == 0; i++)
		;
	if (i < read) {
		rc = items[i].rc;
		read = i + 1;
	}
	for (i = read; i < n; i++)
		item_reset(&items[i]);
	*taken = read;
	sw->through += read;
	progress_step(sw->progress, sw->through);
	return rc;
}

/*
 * Fetch, read and classify items[0..n) with every reader (read_start,
 * read_finish). *taken is how many were: fewer than n when the source
 * has fewer ready, or as read_finish says.
 */
static int
read_batch(struct sweep *sw, struct item *items, size_t n, size_t *taken)
{
	size_t ready;
	int rc;

	*taken = 0;
	if (sw->src->fetch != NULL) {
		if ((rc = sw->src->fetch(sw->arg, items[0].index, n, &ready)) != 0)
			return rc;
		if (ready < n)
			n = ready;
	}
	read_start(sw, items, n);
	return read_finish(sw, taken);
}

/*
 * Record items[0..n), read and classified, in one transaction, commit,
 * and have the source file them. Returns 0, or an exit code when the
 * batch could not be committed (then nothing of it was filed).
 */
static int
record_batch(struct sweep *sw, struct item *items, size_t n)
{
	struct sweep_done *d = NULL;
	size_t i, nd = 0;
	char *key;
	int rc;

	d = xcalloc(n, sizeof *d);
	if ((rc = store_begin(sw->store)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (items[i].cl == NULL)
			continue;	/* no request, gone or skipped */
		key = sw->src->key(sw->arg, items[i].index, items[i].name);
		rc = processor_apply(sw->proc, items[i].cl,
		    buf_str(&items[i].raw), items[i].raw.len, key,
		    &items[i].res);
		free(key);
		if (rc != 0)
			goto fail;
	}
	for (i = 0; i < n; i++)
		if (!items[i].gone && !items[i].skipped) {
			d[nd].index = items[i].index;
			d[nd].name = items[i].name;
			d[nd].outcome = items[i].res.outcome;
			d[nd].gone = 0;
			d[nd++].failed = 0;
		}
	if (sw->dry) {
		store_rollback(sw->store);
		goto out;
	}
	if (sw->src->record != NULL &&
	    (rc = sw->src->record(sw->arg, sw->store, items[0].index, n, d,
	    nd)) != 0)
		goto fail;
	if ((rc = store_commit(sw->store)) != 0)
		goto out;
	mo_test_point("commit", &sw->commits);
	/*
	 * Committed: the batch stands whatever the filing does. What could
	 * not be filed is an error, which the next run files; a source
	 * that failed as a whole (the server gone) ends the sweep.
	 */
	if (sw->src->file(sw->arg, d, nd) != 0)
		sw->halt = 1;
	for (i = 0, nd = 0; i < n; i++) {
		if (items[i].gone || items[i].skipped)
			continue;
		if (d[nd].gone)
			items[i].gone = 1;	/* a sweep beside this one filed it */
		else if (d[nd].failed)
			items[i].res.outcome = OUTCOME_ERROR;
		nd++;
	}
	goto out;
fail:
	store_rollback(sw->store);
out:
	free(d);
	return rc;
}

/* read_batch, then record_batch of what it read; *taken as read_batch's. */
static int
run_batch(struct sweep *sw, struct item *items, size_t n, size_t *taken)
{
	int rc;

	if ((rc = read_batch(sw, items, n, taken)) != 0)
		return rc;
	return record_batch(sw, items, *taken);
}

static void
fail_items(struct item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		process_result_clear(&items[i].res);
		items[i].res.outcome = OUTCOME_ERROR;
	}
}

/* Name items[0..) after names[from..total), a batch at most; returns how many. */
static size_t
batch_of(struct item *items, char **names, size_t from, size_t total)
{
	size_t n = total - from < BATCH ? total - from : BATCH;

	for (size_t i = 0; i < n; i++) {
		items[i].name = names[from + i];
		items[i].index = from + i;
	}
	return n;
}

static int
stopped(const struct sweep *sw)
{
	return sw->stop != NULL && *sw->stop;
}

/*
 * The batch items[0..n), read and recorded with brc its code, the n
 * messages after the done ones: what one message spoiled is redone a
 * message at a time, then every item is reported, logged and reset.
 * Returns EX_TEMPFAIL when a message ended in error or the source
 * failed, else rc.
 */
static int
settle(struct sweep *sw, struct item *items, size_t n, int brc, size_t done,
    int rc)
{
	size_t one;

	if (brc != 0 && brc != EX_TEMPFAIL && n > 1) {
		/* one message spoiled the batch: redo it a message at a time */
		brc = 0;
		sw->through = done;
		for (size_t i = 0; i < n && brc != EX_TEMPFAIL; i++) {
			item_reset(&items[i]);
			if ((brc = run_batch(sw, &items[i], 1, &one)) != 0)
				fail_items(&items[i], brc == EX_TEMPFAIL ? n - i : 1);
		}
	} else if (brc != 0)
		fail_items(items, n);
	/* the report's lines may go to the same terminal */
	progress_clear(sw->progress);
	for (size_t i = 0; i < n; i++) {
		if (items[i].skipped)
			report(sw, &items[i]);
		else if (!items[i].gone) {
			report(sw, &items[i]);
			if (!sw->dry)
				log_result(items[i].name, &items[i].res);
			if (items[i].res.outcome == OUTCOME_ERROR)
				rc = EX_TEMPFAIL;
		}
		item_reset(&items[i]);
	}
	/* a sweep that waits for mail (IMAP IDLE) is read as it goes */
	fflush(stdout);
	return sw->halt ? EX_TEMPFAIL : rc;
}

int
sweep_run(struct sweep *sw, char **names, size_t total)
{
	struct item bufs[2][BATCH], *items = bufs[0], *next = bufs[1], *t;
	/*
	 * With other readers, those read the next batch of a Maildir while
	 * this thread records one, so that no CPU waits for the commit and
	 * the filing. A source that fetches its batches (IMAP) is used by
	 * one thread at a time: its batches are read in turn.
	 */
	const int ahead = sw->jobs > 1 && sw->src->fetch == NULL;
	size_t done = 0, n = 0, nn, taken;
	int rc = 0, brc = 0, read = 0, reading;

	memset(bufs, 0, sizeof bufs);
	sw->through = 0;
	sw->halt = 0;
	while (done < total && rc != EX_TEMPFAIL && !stopped(sw)) {
		/* items[0..n) may have been read while the last batch was recorded */
		if (!read) {
			brc = read_batch(sw, items, batch_of(items, names, done,
			    total), &taken);
			if (taken == 0) {
				/* the source could not give the first of them */
				rc = EX_TEMPFAIL;
				break;
			}
			n = taken;
		}
		read = reading = 0;
		if (ahead && brc == 0 && done + n < total) {
			read_start(sw, next, batch_of(next, names, done + n,
			    total));
			reading = 1;
		}
		if (brc == 0)
			brc = record_batch(sw, items, n);
		if (reading && brc != 0) {
			/*
			 * redoing this batch needs the readers: they stop
			 * taking items, and the next is read again
			 */
			__atomic_store_n(&sw->failed, 0, __ATOMIC_RELAXED);
			(void)read_finish(sw, &taken);
			for (size_t i = 0; i < taken; i++)
				item_reset(&next[i]);
			reading = 0;
		}
		rc = settle(sw, items, n, brc, done, rc);
		done += n;
		sw->through = done;
		if (reading) {
			brc = read_finish(sw, &nn);
			t = items, items = next, next = t;
			n = nn;
			read = nn > 0;
		}
	}
	/* what was read ahead of a stop or a failure is read next time */
	for (size_t i = 0; read && i < n; i++)
		item_reset(&items[i]);
	progress_clear(sw->progress);
	/* what a temporary failure left unread stays where it is for the next run */
	if (rc != 0)
		sw->count[OUTCOME_ERROR] += total - done;
	return rc;
}

/* The CPUs this process may run on, 1 to SWEEP_JOBS_MAX: --jobs by default. */
static int
cpus(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof set, &set) == 0 &&
	    (n = CPU_COUNT(&set)) > 0)
		return n < SWEEP_JOBS_MAX ? n : SWEEP_JOBS_MAX;
	return 1;
}

/*
 * The readers of a sweep: the first with the sweep's rules r, each
 * other with a clone of them, so that every pattern is compiled, and
 * JIT-compiled, once for all. Returns 0 or an exit code.
 */
static int
readers_new(struct sweep *sw, struct rules *r)
{
	int rc;

	sw->readers = xcalloc((size_t)sw->jobs, sizeof *sw->readers);
	for (int k = 0; k < sw->jobs; k++) {
		sw->readers[k].sw = sw;
		if (k == 0)
			sw->readers[k].rules = r;
		else if ((rc = rules_clone(r, &sw->readers[k].rules)) != 0)
			return rc;
	}
	return 0;
}

/* Accepts sw->readers NULL; the first reader's rules are the caller's. */
static void
readers_free(struct sweep *sw)
{
	for (int k = 0; sw->readers != NULL && k < sw->jobs; k++) {
		if (k > 0)
			rules_free(sw->readers[k].rules);
		buf_free(&sw->readers[k].in);
	}
	free(sw->readers);
	sw->readers = NULL;
}


int
sweep_new(const struct conf *c, const struct sweep_opts *o, struct rules *r,
    struct store *s, const struct sweep_source *src, void *arg, size_t total,
    struct sweep **out)
{
	struct sweep *sw = xcalloc(1, sizeof *sw);
	int rc;

	sw->conf = c;
	sw->src = src;
	sw->arg = arg;
	sw->store = s;
	sw->dry = o->dry;
	sw->json = o->json;
	sw->no_flush = o->no_flush;
	sw->quiet = o->quiet;
	sw->stop = o->stop;
	/* a reader a CPU by default (each a clone of the rules), never more than messages */
	sw->jobs = o->jobs;
	if (sw->jobs == 0)
		sw->jobs = cpus();
	if (!o->endless && (size_t)sw->jobs > total)
		sw->jobs = total > 0 ? (int)total : 1;
	if ((rc = readers_new(sw, r)) != 0) {
		sweep_free(sw);
		return rc;
	}
	sw->proc = processor_new(c, s, r);
	/* a sweep that waits for mail has no end to show progress towards */
	if (!sw->quiet && !o->endless)
		sw->progress = progress_new(STDERR_FILENO, "sweep", "messages",
		    total);
	*out = sw;
	return 0;
}

void
sweep_free(struct sweep *sw)
{
	if (sw == NULL)
		return;
	progress_free(sw->progress);
	processor_free(sw->proc);
	readers_free(sw);
	buf_free(&sw->line);
	free(sw);
}

void
sweep_flush(struct sweep *sw)
{
	if (!sw->dry && !sw->no_flush)
		outbox_flush_after(sw->conf, sw->store);
}

void
sweep_finish(struct sweep *sw)
{
	unsigned long n = 0;

	/* what another sweep took is counted there, not here */
	for (int o = 0; o <= OUTCOME_ERROR; o++)
		n += sw->count[o];
	if (!sw->json) {
		printf("sweep: %lu messages: %lu applied, %lu unchanged, "
		    "%lu queued, %lu duplicate, %lu ignored, %lu errors",
		    n, sw->count[OUTCOME_APPLIED], sw->count[OUTCOME_UNCHANGED],
		    sw->count[OUTCOME_QUEUED], sw->count[OUTCOME_DUPLICATE],
		    sw->count[OUTCOME_IGNORED], sw->count[OUTCOME_ERROR]);
		if (sw->skipped)
			printf(", %lu skipped (" SKIPPED_WHY ")", sw->skipped);
		printf("%s\n", sw->dry ? " (dry run: nothing changed)" : "");
	}
	fflush(stdout);
	/* what the batches committed goes out now; a failure keeps it pending */
	sweep_flush(sw);
}
