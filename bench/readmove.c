/* readmove.c — the floor for a sweep: read every file in MAILDIR/new and rename it into cur/, nothing else. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	char from[4096], to[4096], buf[65536];
	struct dirent *de;
	DIR *d;
	long n = 0;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: readmove MAILDIR\n");
		return 64;
	}
	snprintf(from, sizeof from, "%s/new", argv[1]);
	if ((d = opendir(from)) == NULL) {
		perror(from);
		return 66;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(from, sizeof from, "%s/new/%s", argv[1], de->d_name);
		snprintf(to, sizeof to, "%s/cur/%s:2,", argv[1], de->d_name);
		if ((fd = open(from, O_RDONLY)) == -1)
			continue;
		while (read(fd, buf, sizeof buf) > 0)
			;
		close(fd);
		if (rename(from, to) == 0)
			n++;
	}
	closedir(d);
	/* same durability as a sweep: the directories reach the disk */
	snprintf(from, sizeof from, "%s/new", argv[1]);
	if ((fd = open(from, O_RDONLY | O_DIRECTORY)) != -1) {
		fsync(fd);
		close(fd);
	}
	snprintf(to, sizeof to, "%s/cur", argv[1]);
	if ((fd = open(to, O_RDONLY | O_DIRECTORY)) != -1) {
		fsync(fd);
		close(fd);
	}
	printf("%ld\n", n);
	return 0;
}
