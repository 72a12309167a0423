/*
 * A C program that starts threads, then loads a Rust library built on
 * proc-title-runtime with dlopen and calls it to set a title.
 *
 * Usage: host LIBRARY THREADS TITLE
 *
 * The library prints its report in the probe's `key value` format. The host then
 * prints `ready`, waits until stdin closes, ends its threads and exits with status 0.
 * Any failure exits with status 2 and a message on stderr.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Threads block reading this pipe until the host closes its write end. */
static int release_pipe[2];

static void *wait_for_release(void *unused) {
    char byte;
    (void)unused;
    while (read(release_pipe[0], &byte, 1) > 0) {
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: host LIBRARY THREADS TITLE\n");
        return 2;
    }
    int count = atoi(argv[2]);
    if (count < 0 || count > 64) {
        fprintf(stderr, "host: invalid thread count %s: use 0 to 64\n", argv[2]);
        return 2;
    }
    if (pipe(release_pipe) != 0) {
        perror("host: pipe failed");
        return 2;
    }
    pthread_t threads[64];
    for (int i = 0; i < count; i++) {
        if (pthread_create(&threads[i], NULL, wait_for_release, NULL) != 0) {
            fprintf(stderr, "host: pthread_create failed\n");
            return 2;
        }
    }

    void *library = dlopen(argv[1], RTLD_NOW);
    if (library == NULL) {
        fprintf(stderr, "host: dlopen failed: %s\n", dlerror());
        return 2;
    }
    int (*report)(const char *) = (int (*)(const char *))dlsym(library, "title_library_report");
    if (report == NULL) {
        fprintf(stderr, "host: dlsym failed: %s\n", dlerror());
        return 2;
    }
    if (report(argv[3]) != 0) {
        fprintf(stderr, "host: the library failed to write its report\n");
        return 2;
    }
    printf("ready\n");
    fflush(stdout);

    char buffer[64];
    while (read(0, buffer, sizeof buffer) > 0) {
    }
    close(release_pipe[1]);
    for (int i = 0; i < count; i++) {
        pthread_join(threads[i], NULL);
    }
    return 0;
}
