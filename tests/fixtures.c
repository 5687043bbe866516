/*
 * fixtures.c - libpcap's test name fixtures (hosts, ethers, networks) for
 * this process only: a private mount namespace with an overlay over /etc
 * (upper layer on a tmpfs), the fixture lines appended.  The machine's
 * own files are never touched.  Test-side, untrusted.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fixtures.h"

static char fixdir[64];	/* the fixtures' tmpfs mount point, or "" */

/* fixtures_done - undo fixtures_setup's mounts and remove its directory. */
void fixtures_done(void)
{
	if (!fixdir[0])
		return;
	umount2("/etc", MNT_DETACH);
	umount2(fixdir, MNT_DETACH);
	rmdir(fixdir);
}

/* append_file - append the file 'from' to 'to'; 0 or -1. */
static int append_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "r"), *out = fopen(to, "a");
	char line[1024];
	int rc = in && out ? 0 : -1;

	while (rc == 0 && fgets(line, sizeof(line), in))
		fputs(line, out);
	if (in)
		fclose(in);
	if (out && fclose(out))
		rc = -1;
	return rc;
}

/*
 * fixtures_setup - make the corpus name fixtures visible in /etc for this
 * process only: private mount namespace, overlay over /etc, append.
 * Returns 1 when they are in place, 0 when not possible.
 */
int fixtures_setup(const char *corpus)
{
	static const char *const name[] = { "hosts", "ethers", "networks" };
	char tmp[] = "/tmp/pccf-fixtures-XXXXXX", up[64], wk[64], opts[256];
	char from[4096], to[64];
	int i;

	if (geteuid() != 0 || getenv("PCCF_NO_FIXTURES") || !mkdtemp(tmp))
		return 0;
	snprintf(up, sizeof(up), "%s/u", tmp);
	snprintf(wk, sizeof(wk), "%s/w", tmp);
	snprintf(opts, sizeof(opts), "lowerdir=/etc,upperdir=%s,workdir=%s",
		 up, wk);
	/* the upper layer lives on a tmpfs of this namespace only */
	if (unshare(CLONE_NEWNS) ||
	    mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", tmp, "tmpfs", 0, "size=1m")) {
		rmdir(tmp);
		return 0;
	}
	strcpy(fixdir, tmp);
	if (mkdir(up, 0755) || mkdir(wk, 0755) ||
	    mount("overlay", "/etc", "overlay", 0, opts))
		return 0;
	for (i = 0; i < 3; i++) {
		snprintf(from, sizeof(from), "%s/filters/fixtures/%s", corpus,
			 name[i]);
		snprintf(to, sizeof(to), "/etc/%s", name[i]);
		if (append_file(from, to))
			return 0;
	}
	return 1;
}
