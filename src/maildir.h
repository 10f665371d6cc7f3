/* maildir.h — a Maildir on disk: listing new mail, reading it, and filing it into Maildir++ folders. */
#ifndef MAILOPT_MAILDIR_H
#define MAILOPT_MAILDIR_H

#include <stddef.h>

#include "util.h"

struct maildir;

/*
 * Open the Maildir at path (it must have cur/, new/ and tmp/).
 * Returns 0 and sets *out (caller owns it, maildir_free), or EX_NOINPUT.
 */
int	 maildir_open(const char *path, struct maildir **out);
/* Accepts NULL. */
void	 maildir_free(struct maildir *md);

/*
 * The names in new/, sorted, dot files skipped: whether each is a
 * regular file maildir_read tells.
 * *names is a NULL-terminated array the caller frees with
 * maildir_names_free. Returns 0 or EX_IOERR.
 */
int	 maildir_list_new(struct maildir *md, char ***names, size_t *n);
void	 maildir_names_free(char **names);

/*
 * Read new/name into out (reset first), at most cap bytes; *over is
 * set when the file is larger. Returns 0, EX_NOINPUT when the file
 * vanished (another sweep took it), EX_DATAERR when it is not a
 * regular file (a FIFO, device, directory or symlink: opened without
 * blocking or following, read not at all), EX_IOERR otherwise.
 */
int	 maildir_read(struct maildir *md, const char *name, size_t cap,
	    struct buf *out, int *over);

/*
 * Move new/name into folder's cur/ (folder NULL: the Maildir itself,
 * else a Maildir++ folder such as ".Processed", created with
 * maildirfolder when missing), with info ":2," plus flags ("S" or "";
 * NULL keeps the flags the name already carries).
 * A rename, so atomic; the directories are fsynced by maildir_sync.
 * Returns 0, EX_NOINPUT if new/name is gone, EX_TEMPFAIL on ENOSPC/EDQUOT,
 * EX_IOERR otherwise.
 */
int	 maildir_move(struct maildir *md, const char *name,
	    const char *folder, const char *flags);

/* fsync every directory a move touched since the last call. */
int	 maildir_sync(struct maildir *md);

/* The unique part of a Maildir file name: everything before ":2,". Caller frees. */
char	*maildir_basename(const char *name);

#endif
