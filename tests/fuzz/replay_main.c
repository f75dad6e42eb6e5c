/*
 * replay_main.c - runs a libFuzzer target without libFuzzer.
 *
 * Linked with any tests/fuzz/fuzz_*.c (which defines LLVMFuzzerTestOneInput),
 * it feeds the target the empty input, then every file named on the command
 * line; a directory is walked recursively, entries sorted with strcmp and
 * hidden ones skipped. Arguments starting with '-' (libFuzzer flags such as
 * -runs=N) are ignored so the same command lines work with both drivers.
 * Each input is passed in a buffer of exactly its size, so sanitizers catch
 * reads past the end. LLVMFuzzerInitialize is called when the target has one.
 * Exit status: 0 when every input was run, 1 when one could not be read, 2 on
 * usage; a crash in the target ends the process as it would under libFuzzer.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static unsigned long g_runs, g_failed;

static void run_input(const uint8_t *data, size_t size)
{
    /* an exact-size copy (one byte for the empty input, never NULL) */
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy) {
        fprintf(stderr, "replay: out of memory\n");
        exit(1);
    }
    if (size)
        memcpy(copy, data, size);
    LLVMFuzzerTestOneInput(copy, size);
    free(copy);
    g_runs++;
}

static void run_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        g_failed++;
        return;
    }
    size_t len = 0, cap = 4096;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fprintf(stderr, "replay: out of memory\n");
            exit(1);
        }
        len += fread(buf + len, 1, cap - len, fp);
        if (len < cap)
            break;
        cap *= 2;
        uint8_t *p = realloc(buf, cap);
        if (!p)
            free(buf);
        buf = p;
    }
    const int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        fprintf(stderr, "replay: %s: read error\n", path);
        g_failed++;
    } else {
        run_input(buf, len);
    }
    free(buf);
}

static int cmp_dirent(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_hidden(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

static void run_path(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) < 0) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        g_failed++;
        return;
    }
    if (!S_ISDIR(sb.st_mode)) {
        run_file(path);
        return;
    }
    struct dirent **list;
    const int n = scandir(path, &list, not_hidden, cmp_dirent);
    if (n < 0) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        g_failed++;
        return;
    }
    for (int i = 0; i < n; i++) {
        const size_t len = strlen(path) + strlen(list[i]->d_name) + 2;
        char *sub = malloc(len);
        if (!sub) {
            fprintf(stderr, "replay: out of memory\n");
            exit(1);
        }
        snprintf(sub, len, "%s/%s", path, list[i]->d_name);
        run_path(sub);
        free(sub);
        free(list[i]);
    }
    free(list);
}

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    int paths = 0;
    for (int i = 1; i < argc; i++)
        paths += argv[i][0] != '-';
    if (paths == 0) {
        fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    run_input((const uint8_t *)"", 0);
    for (int i = 1; i < argc; i++)
        if (argv[i][0] != '-')
            run_path(argv[i]);
    fprintf(stderr, "replay: %lu inputs run, %lu unreadable\n", g_runs, g_failed);
    return g_failed ? 1 : 0;
}
