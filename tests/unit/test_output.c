/*
 * test_output.c - the registry of open outputs (src/cli/write/output.c): no
 * limit on how many outputs a run opens (it had 16 slots and dropped the
 * 17th, whose temporary then survived a signal), one commit for all, and
 * every temporary removed on an abort or a signal, directories included.
 * Every test works under a fresh mkdtemp() directory.
 */
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nd_test.h"
#include "cli.h"
#include "write/output.h"

#define NOUT 40

static char g_dir[] = "/tmp/nd_test_output.XXXXXX";

/* Entries of g_dir/sub (not . and ..) whose name contains `part`. */
static int count(const char *sub, const char *part)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", g_dir, sub);
    DIR *d = opendir(p);
    if (!d)
        return -1;
    int n = 0;
    const struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            strstr(e->d_name, part))
            n++;
    closedir(d);
    return n;
}

/* Opens NOUT outputs g_dir/sub/oK.txt (some compressed), writing a line to each. */
static int open_many(const char *sub, cli_out *o)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", g_dir, sub);
    mkdir(p, 0777);
    for (int k = 0; k < NOUT; k++) {
        snprintf(p, sizeof p, "%s/%s/o%d.txt%s", g_dir, sub, k, k % 10 == 3 ? ".gz" : "");
        if (cli_out_open(&o[k], p))
            return -1;
        fprintf(o[k].fp, "output %d\n", k);
    }
    return 0;
}

static void test_many_commit(void)
{
    static cli_out o[NOUT];
    ND_CHECK(open_many("commit", o) == 0);
    ND_CHECK(count("commit", ".tmp.") == NOUT);
    ND_CHECK(cli_out_commit_all() == 0);
    ND_CHECK_MSG(count("commit", ".tmp.") == 0, "%d temporaries left",
                 count("commit", ".tmp."));
    ND_CHECK(count("commit", "o") == NOUT);
    char p[256];
    snprintf(p, sizeof p, "%s/commit/o%d.txt", g_dir, NOUT - 1);
    FILE *f = fopen(p, "r");
    char line[64] = "";
    ND_CHECK(f && fgets(line, sizeof line, f) && strcmp(line, "output 39\n") == 0);
    if (f)
        fclose(f);
}

static void test_many_abort(void)
{
    static cli_out o[NOUT];
    ND_CHECK(open_many("abort", o) == 0);
    cli_out_abort_all();
    ND_CHECK(count("abort", "") == 0);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ND_CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static int file_is(const char *path, const char *text)
{
    char line[64] = "";
    FILE *f = fopen(path, "r");
    const int ok = f && fgets(line, sizeof line, f) && strcmp(line, text) == 0;
    if (f)
        fclose(f);
    return ok;
}

/* A rename that fails in the middle of the commit puts back what it already
 * replaced: old.txt had old content and is replaced first; new.txt did not
 * exist and goes; the third target became a directory, so its rename fails.
 * All three are then as before, and nothing else is left. */
static void test_rename_fails_midway(void)
{
    char dir[256], p[3][300];
    snprintf(dir, sizeof dir, "%s/midway", g_dir);
    ND_CHECK(mkdir(dir, 0777) == 0);
    snprintf(p[0], sizeof p[0], "%s/old.txt", dir);
    snprintf(p[1], sizeof p[1], "%s/new.txt", dir);
    snprintf(p[2], sizeof p[2], "%s/third.txt", dir);
    write_file(p[0], "old\n");
    static cli_out o[3];
    /* opened last to first: the registry commits the newest first, so old.txt
     * and new.txt are renamed before third.txt fails (the put-back path) */
    for (int i = 2; i >= 0; i--) {
        ND_CHECK(cli_out_open(&o[i], p[i]) == 0);
        fputs("new\n", o[i].fp);
    }
    char inside[320];
    snprintf(inside, sizeof inside, "%s/x", p[2]);
    ND_CHECK(mkdir(p[2], 0777) == 0);  /* after the open: rename() fails (EISDIR) */
    write_file(inside, "x\n");
    ND_CHECK(cli_out_commit_all() == -1);
    ND_CHECK_MSG(file_is(p[0], "old\n"), "%s not put back", p[0]);
    ND_CHECK_MSG(access(p[1], F_OK) != 0, "%s left", p[1]);
    ND_CHECK(file_is(inside, "x\n"));
    ND_CHECK_MSG(count("midway", ".tmp.") == 0, "%d temporaries or links left",
                 count("midway", ".tmp."));
    ND_CHECK(count("midway", "") == 2);  /* old.txt and the directory */
}

/* A child opens NOUT files and a directory output holding a small tree, then
 * gets SIGTERM: nothing of it may be left. */
static void test_many_signal(void)
{
    const pid_t pid = fork();
    if (pid == 0) {
        static cli_out o[NOUT + 1];
        if (open_many("signal", o))
            _exit(2);
        char p[512];
        snprintf(p, sizeof p, "%s/signal/dir", g_dir);
        if (cli_out_open_dir(&o[NOUT], p))
            _exit(2);
        for (int i = 0; i < 200; i++) {
            snprintf(p, sizeof p, "%s/a%d", o[NOUT].tmp, i % 7);
            mkdir(p, 0777);
            snprintf(p, sizeof p, "%s/a%d/b", o[NOUT].tmp, i % 7);
            mkdir(p, 0777);
            snprintf(p, sizeof p, "%s/a%d/b/f%d", o[NOUT].tmp, i % 7, i);
            FILE *f = fopen(p, "w");
            if (!f)
                _exit(2);
            fclose(f);
        }
        raise(SIGTERM);
        _exit(3);
    }
    int st = 0;
    ND_CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
    ND_CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "status %d", st);
    ND_CHECK_MSG(count("signal", "") == 0, "%d entries left", count("signal", ""));
}

int main(int argc, char **argv)
{
    nd_test_begin(argc, argv);
    if (!mkdtemp(g_dir)) {
        perror("mkdtemp");
        return 1;
    }
    ND_RUN(test_many_commit);
    ND_RUN(test_many_abort);
    ND_RUN(test_many_signal);
    ND_RUN(test_rename_fails_midway);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", g_dir);
    return nd_test_end("test_output");
}
