/* cmd_sweep.c — `sweep`: every message in a Maildir's new/, filed by its outcome. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
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
#include "maildir.h"
#include "mime.h"
#include "outbox.h"
#include "process.h"
#include "progress.h"
#include "rules.h"
#include "store.h"
#include "util.h"

/*
 * Messages per transaction: one commit (one fsync of the WAL) per
 * batch instead of per message, and still little to redo after a crash.
 */
#define BATCH	200
/*
 * A batch also ends once the requests read for it (kept whole until
 * their transaction) hold this many bytes.
 */
#define BATCH_BYTES	(16u << 20)

/* At most this many readers, whatever --jobs or the CPUs say. */
#define JOBS_MAX	64

struct item;

/*
 * One of the readers that parse and classify a batch side by side: a
 * thread with rules of its own, as matching is not reentrant (the
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
	struct maildir		*md;
	struct store		*store;
	struct processor	*proc;
	struct reader		*readers;
	int			 jobs;
	int			 dry, json, no_flush, quiet;
	struct buf		 line;
	/*
	 * The batch being read: items handed out in order, bytes kept,
	 * items read, the first that could not be (n: none yet).
	 */
	struct item		*items;
	size_t			 n, next, kept, read, failed;
	struct progress		*progress;	/* NULL unless standard error is a terminal */
	size_t			 through;	/* messages read so far, for it */
	unsigned long		 count[OUTCOME_ERROR + 1];
	unsigned long		 skipped;	/* names in new/ that are no regular file */
	/* test hook: die at the n-th commit or move, to prove crash safety */
	const char		*die_point;
	long			 die_after, commits, moves;
};

struct item {
	char			*name;
	struct process_result	 res;
	int			 gone;	/* another sweep took the file first */
	int			 skipped; /* not a regular file: left alone, unread */
	/* read and classified outside the transaction; raw kept for a request */
	struct classified	*cl;
	struct buf		 raw;
	int			 rc;	/* of reading it: 0 or an exit code */
};

static void
test_hook(struct sweep *sw, const char *point, long *counter)
{
	if (sw->die_point && strcmp(sw->die_point, point) == 0 &&
	    ++*counter == sw->die_after)
		raise(SIGKILL);
}

/* Where a file goes: folder (NULL: the inbox) and its Maildir flags. */
static int
destination(const struct sweep *sw, enum outcome o, const char **folder,
    const char **flags)
{
	switch (o) {
	case OUTCOME_APPLIED:
	case OUTCOME_UNCHANGED:
	case OUTCOME_DUPLICATE:
		*folder = sw->conf->processed_folder;
		*flags = "S";
		return 1;
	case OUTCOME_QUEUED:
		*folder = sw->conf->unmatched_folder;
		*flags = "";
		return 1;
	case OUTCOME_IGNORED:
		*folder = NULL;
		*flags = NULL;
		return 1;
	case OUTCOME_ERROR:
		break;
	}
	return 0;
}

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
 * Returns 0 or an exit code of maildir_read.
 */
static int
read_item(struct reader *rd, struct item *it)
{
	struct sweep *sw = rd->sw;
	int rc, over;

	rc = maildir_read(sw->md, it->name, sw->conf->max_message_size,
	    &rd->in, &over);
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
 * Read and classify items[0..n) with every reader. *taken is how many
 * were: fewer than n when the requests read fill BATCH_BYTES, or up to
 * and with the first that could not be read, whose exit code is
 * returned; what a reader read beyond is forgotten, to be read again.
 */
static int
read_batch(struct sweep *sw, struct item *items, size_t n, size_t *taken)
{
	int started[JOBS_MAX] = { 0 };
	size_t read, i;
	int rc = 0;

	sw->items = items;
	sw->n = n;
	sw->next = sw->kept = sw->read = 0;
	sw->failed = n;
	/* a reader that cannot start leaves its share to the others */
	for (int k = 1; k < sw->jobs && (size_t)k < n; k++)
		started[k] = pthread_create(&sw->readers[k].thread, NULL,
		    read_share, &sw->readers[k]) == 0;
	read_share(&sw->readers[0]);
	for (int k = 1; k < sw->jobs; k++)
		if (started[k])
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
 * Read and classify items[0..n), then record them in one transaction,
 * commit, and move the files. *taken is how many were: fewer than n
 * when the requests read fill BATCH_BYTES. Returns 0, or an exit code
 * when the batch could not be committed (then nothing of it was moved).
 */
static int
run_batch(struct sweep *sw, struct item *items, size_t n, size_t *taken)
{
	const char *folder, *flags;
	char *base;
	size_t i;
	int rc;

	if ((rc = read_batch(sw, items, n, taken)) != 0)
		return rc;
	n = *taken;
	if ((rc = store_begin(sw->store)) != 0)
		return rc;
	for (i = 0; i < n; i++) {
		if (items[i].cl == NULL)
			continue;	/* no request, gone or skipped */
		base = maildir_basename(items[i].name);
		rc = processor_apply(sw->proc, items[i].cl,
		    buf_str(&items[i].raw), items[i].raw.len, base,
		    &items[i].res);
		free(base);
		if (rc != 0)
			goto fail;
	}
	if (sw->dry) {
		store_rollback(sw->store);
		return 0;
	}
	if ((rc = store_commit(sw->store)) != 0)
		return rc;
	test_hook(sw, "commit", &sw->commits);
	for (i = 0; i < n; i++) {
		if (items[i].gone || items[i].skipped)
			continue;
		if (!destination(sw, items[i].res.outcome, &folder, &flags))
			continue;
		rc = maildir_move(sw->md, items[i].name, folder, flags);
		if (rc == EX_NOINPUT)
			items[i].gone = 1;	/* a sweep beside this one filed it */
		else if (rc != 0) {
			/* committed: the next run finishes the move */
			items[i].res.outcome = OUTCOME_ERROR;
		}
		test_hook(sw, "move", &sw->moves);
	}
	return maildir_sync(sw->md) == 0 ? 0 : EX_IOERR;
fail:
	store_rollback(sw->store);
	return rc;
}

static void
fail_items(struct item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		process_result_clear(&items[i].res);
		items[i].res.outcome = OUTCOME_ERROR;
	}
}

static int
sweep_all(struct sweep *sw, char **names, size_t total)
{
	struct item items[BATCH];
	size_t done = 0, n, taken, one;
	int rc = 0, brc;

	memset(items, 0, sizeof items);
	while (done < total && rc != EX_TEMPFAIL) {
		n = total - done < BATCH ? total - done : BATCH;
		for (size_t i = 0; i < n; i++)
			items[i].name = names[done + i];
		brc = run_batch(sw, items, n, &taken);
		n = taken;
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
		done += n;
		sw->through = done;
	}
	progress_clear(sw->progress);
	/* what a temporary failure left unread stays in new/ for the next run */
	sw->count[OUTCOME_ERROR] += total - done;
	return rc;
}

/* The CPUs this process may run on, 1 to JOBS_MAX: --jobs by default. */
static int
cpus(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof set, &set) == 0 &&
	    (n = CPU_COUNT(&set)) > 0)
		return n < JOBS_MAX ? n : JOBS_MAX;
	return 1;
}

/* --jobs N: 1 to JOBS_MAX; -1 when N is none of these */
static int
jobs_arg(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 || v > JOBS_MAX)
		return -1;
	return (int)v;
}

/*
 * The readers of a sweep: the first with the sweep's rules r, each
 * other with rules of its own, loaded after r so that they find the
 * record r's load wrote and compile lazily. Returns 0 or an exit code.
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
		else if ((rc = open_rules(sw->conf,
		    &sw->readers[k].rules)) != 0)
			return rc;
		else if (strcmp(rules_identity(sw->readers[k].rules),
		    rules_identity(r)) != 0) {
			/* every thread must read with the same rules */
			mo_warn("%s: the rule files changed while the sweep "
			    "loaded them", sw->conf->rules);
			return EX_TEMPFAIL;
		}
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
cmd_sweep(const struct conf *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "jobs", required_argument, NULL, 'J' },
		{ "no-flush", no_argument, NULL, 'F' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 }
	};
	struct sweep sw = { .conf = c };
	struct rules *r = NULL;
	char **names = NULL, *die;
	const char *dir = NULL;
	size_t n = 0;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "q", opts, NULL)) != -1) {
		switch (ch) {
		case 'n': sw.dry = 1; break;
		case 'j': sw.json = 1; break;
		case 'J':
			if ((sw.jobs = jobs_arg(optarg)) == -1)
				return usage_error("sweep");
			break;
		case 'F': sw.no_flush = 1; break;
		case 'q': sw.quiet = 1; break;
		default: return usage_error("sweep");
		}
	}
	/* JSON has no summary: quiet, it would say nothing */
	if (sw.quiet && sw.json)
		return usage_error("sweep");
	if (optind + 1 == argc)
		dir = argv[optind];
	else
		return usage_error("sweep");
	if ((die = getenv("MAILOPT_TEST_DIE_AT")) != NULL && strchr(die, ':')) {
		*strchr(die, ':') = '\0';
		sw.die_point = die;
		sw.die_after = strtol(die + strlen(die) + 1, NULL, 10);
	}
	if ((rc = maildir_open(dir, &sw.md)) != 0 ||
	    (rc = open_rules(c, &r)) != 0 ||
	    (rc = open_store(c, &sw.store)) != 0 ||
	    (rc = maildir_list_new(sw.md, &names, &n)) != 0)
		goto out;
	/*
	 * Each reader but the first loads rules of its own, a tenth of a
	 * second: by default a CPU each, but one a batch of messages at
	 * most; never more readers than messages.
	 */
	if (sw.jobs == 0) {
		sw.jobs = cpus();
		if ((size_t)sw.jobs > n / BATCH)
			sw.jobs = n / BATCH > 0 ? (int)(n / BATCH) : 1;
	}
	if ((size_t)sw.jobs > n)
		sw.jobs = n > 0 ? (int)n : 1;
	if ((rc = readers_new(&sw, r)) != 0)
		goto out;
	sw.proc = processor_new(c, sw.store, r);
	if (!sw.quiet)
		sw.progress = progress_new(STDERR_FILENO, "sweep", "messages",
		    n);
	rc = sweep_all(&sw, names, n);
	/* what another sweep took is counted there, not here */
	n = 0;
	for (int o = 0; o <= OUTCOME_ERROR; o++)
		n += sw.count[o];
	if (!sw.json) {
		printf("sweep: %zu messages: %lu applied, %lu unchanged, "
		    "%lu queued, %lu duplicate, %lu ignored, %lu errors",
		    n, sw.count[OUTCOME_APPLIED], sw.count[OUTCOME_UNCHANGED],
		    sw.count[OUTCOME_QUEUED], sw.count[OUTCOME_DUPLICATE],
		    sw.count[OUTCOME_IGNORED], sw.count[OUTCOME_ERROR]);
		if (sw.skipped)
			printf(", %lu skipped (" SKIPPED_WHY ")", sw.skipped);
		printf("%s\n", sw.dry ? " (dry run: nothing changed)" : "");
	}
	/* what the batches committed goes out now; a failure keeps it pending */
	if (!sw.dry && !sw.no_flush)
		outbox_flush_after(c, sw.store);
out:
	progress_free(sw.progress);
	processor_free(sw.proc);
	maildir_names_free(names);
	store_free(sw.store);
	readers_free(&sw);
	rules_free(r);
	maildir_free(sw.md);
	buf_free(&sw.line);
	return rc;
}
