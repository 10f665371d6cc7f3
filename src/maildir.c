/* maildir.c — a Maildir on disk: listing new mail, reading it, and filing it into Maildir++ folders. */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "maildir.h"

struct maildir {
	char	*path;
	char	**dirty;	/* directories renamed into or out of */
	size_t	 ndirty;
};

/* dir + "/" + name into out; -1 when it does not fit. */
static int
path_join(char *out, size_t size, const char *dir, const char *name)
{
	int n = snprintf(out, size, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int
maildir_open(const char *path, struct maildir **out)
{
	static const char *subs[] = { "cur", "new", "tmp" };
	struct stat st;
	char p[4096];

	*out = NULL;
	for (size_t i = 0; i < 3; i++) {
		if (path_join(p, sizeof p, path, subs[i]) == -1) {
			mo_warn("%s: path too long", path);
			return EX_USAGE;
		}
		if (stat(p, &st) == -1 || !S_ISDIR(st.st_mode)) {
			mo_warn("%s: not a maildir (no %s/)", path, subs[i]);
			return EX_NOINPUT;
		}
	}
	*out = xcalloc(1, sizeof **out);
	(*out)->path = xstrdup(path);
	return 0;
}

void
maildir_free(struct maildir *md)
{
	if (md == NULL)
		return;
	for (size_t i = 0; i < md->ndirty; i++)
		free(md->dirty[i]);
	free(md->dirty);
	free(md->path);
	free(md);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
maildir_list_new(struct maildir *md, char ***names, size_t *n)
{
	char p[4096];
	DIR *d;
	struct dirent *de;
	/* every name and its NUL one after another: a name is no allocation of its own */
	struct buf all = { 0 };
	char **v, *at;
	size_t len = 0;

	if (path_join(p, sizeof p, md->path, "new") == -1 ||
	    (d = opendir(p)) == NULL) {
		mo_warn_errno("%s", p);
		return EX_IOERR;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		/* anything but a dot file: maildir_read tells what is no mail */
		if (de->d_name[0] == '.')
			continue;
		buf_add(&all, de->d_name, strlen(de->d_name) + 1);
		len++;
	}
	closedir(d);
	/* the slot after the NULL keeps the block of names for maildir_names_free */
	v = xcalloc(len + 2, sizeof *v);
	at = all.s;
	for (size_t i = 0; i < len; i++) {
		v[i] = at;
		at += strlen(at) + 1;
	}
	v[len + 1] = all.s;
	qsort(v, len, sizeof *v, cmp_names);
	*names = v;
	*n = len;
	return 0;
}

void
maildir_names_free(char **names)
{
	char **p = names;

	if (names == NULL)
		return;
	while (*p != NULL)
		p++;
	free(p[1]);
	free(names);
}

int
maildir_read(struct maildir *md, const char *name, size_t cap,
    struct buf *out, int *over)
{
	char p[4096], dir[4096];
	struct stat st;
	int fd, rc = 0;

	buf_reset(out);
	*over = 0;
	if (path_join(p, sizeof p, md->path, "new") == -1 ||
	    path_join(p, sizeof p, strcpy(dir, p), name) == -1) {
		mo_warn("%s: path too long", name);
		return EX_IOERR;
	}
	/*
	 * Opening a FIFO without O_NONBLOCK waits for a writer, a symlink
	 * may point anywhere: the name is a regular file's, or it is left
	 * alone.
	 */
	if ((fd = open(p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return EX_NOINPUT;
		if (errno == ELOOP)
			return EX_DATAERR;
		mo_warn_errno("%s", p);
		return EX_IOERR;
	}
	if (fstat(fd, &st) == -1) {
		mo_warn_errno("%s", p);
		close(fd);
		return EX_IOERR;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return EX_DATAERR;
	}
	if (read_fd_capped(fd, cap, out, over) == -1) {
		mo_warn_errno("%s", p);
		rc = EX_IOERR;
	}
	close(fd);
	return rc;
}

static void
mark_dirty(struct maildir *md, const char *dir)
{
	for (size_t i = 0; i < md->ndirty; i++)
		if (strcmp(md->dirty[i], dir) == 0)
			return;
	md->dirty = xrealloc(md->dirty, (md->ndirty + 1) * sizeof *md->dirty);
	md->dirty[md->ndirty++] = xstrdup(dir);
}

/* mkdir that tolerates a concurrent creator. */
static int
mkdir_ok(const char *p)
{
	return mkdir(p, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

/* Create the Maildir++ folder if needed; tmp/ and new/ first so a reader never sees a half folder as complete. */
static int
make_folder(const char *fp)
{
	static const char *subs[] = { "tmp", "new", "cur" };
	char p[4096];
	int fd;

	if (mkdir_ok(fp) == -1)
		goto fail;
	for (size_t i = 0; i < 3; i++)
		if (path_join(p, sizeof p, fp, subs[i]) == -1 || mkdir_ok(p) == -1)
			goto fail;
	if (path_join(p, sizeof p, fp, "maildirfolder") == -1 ||
	    (fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) == -1)
		goto fail;
	close(fd);
	return 0;
fail:
	mo_warn_errno("%s", fp);
	return errno == ENOSPC || errno == EDQUOT ? EX_TEMPFAIL : EX_IOERR;
}

char *
maildir_basename(const char *name)
{
	const char *c = strstr(name, ":2,");

	return c ? xstrndup(name, (size_t)(c - name)) : xstrdup(name);
}

int
maildir_move(struct maildir *md, const char *name, const char *folder,
    const char *flags)
{
	char from[4096], to[4096], dir[4096], fp[4096], file[4096];
	char *base = maildir_basename(name);
	const char *old = strstr(name, ":2,");
	int rc = 0;

	/* an ignored message keeps whatever flags it already had */
	if (flags == NULL)
		flags = old ? old + 3 : "";
	if (path_join(fp, sizeof fp, md->path, folder ? folder : ".") == -1 ||
	    path_join(dir, sizeof dir, md->path, "new") == -1 ||
	    path_join(from, sizeof from, dir, name) == -1 ||
	    path_join(dir, sizeof dir, fp, "cur") == -1 ||
	    snprintf(file, sizeof file, "%s:2,%s", base, flags) >= (int)sizeof file ||
	    path_join(to, sizeof to, dir, file) == -1) {
		mo_warn("%s: path too long", name);
		rc = EX_IOERR;
		goto out;
	}
	if (folder && (rc = make_folder(fp)) != 0)
		goto out;
	if (rename(from, to) == -1) {
		if (errno == ENOENT)
			rc = EX_NOINPUT;
		else {
			mo_warn_errno("rename %s", from);
			rc = errno == ENOSPC || errno == EDQUOT ?
			    EX_TEMPFAIL : EX_IOERR;
		}
		goto out;
	}
	path_join(from, sizeof from, md->path, "new");
	mark_dirty(md, from);
	mark_dirty(md, dir);
out:
	free(base);
	return rc;
}

int
maildir_sync(struct maildir *md)
{
	int rc = 0, fd;

	for (size_t i = 0; i < md->ndirty; i++) {
		if ((fd = open(md->dirty[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
		    fsync(fd) == -1) {
			mo_warn_errno("fsync %s", md->dirty[i]);
			rc = EX_IOERR;
		}
		if (fd != -1)
			close(fd);
		free(md->dirty[i]);
	}
	md->ndirty = 0;
	return rc;
}
