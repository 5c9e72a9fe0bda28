/*
 * The transport ceiling for scripts/bench: a libfcgi responder that does no work.
 * Same shape as authtoken-fcgi's server (one FCGX_Request per thread, no mutex around
 * FCGX_Accept_r), so the difference between the two is our check, not the transport.
 *
 *   bench-null-responder SOCKET_PATH THREADS
 */
#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int listen_fd;

static void *worker(void *unused) {
    (void)unused;
    FCGX_Request request;
    FCGX_InitRequest(&request, listen_fd, 0);
    while (FCGX_Accept_r(&request) >= 0) {
        FCGX_PutS("Status: 200 OK\r\n\r\n", request.out);
        FCGX_Finish_r(&request);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s SOCKET_PATH THREADS\n", argv[0]);
        return 2;
    }
    int threads = atoi(argv[2]);
    signal(SIGPIPE, SIG_IGN);
    unlink(argv[1]);
    FCGX_Init();
    listen_fd = FCGX_OpenSocket(argv[1], 1024);
    if (listen_fd < 0 || chmod(argv[1], 0660) != 0) {
        perror("listen");
        return 1;
    }
    pthread_t ids[threads];
    for (int i = 0; i < threads; i++) pthread_create(&ids[i], NULL, worker, NULL);
    for (int i = 0; i < threads; i++) pthread_join(ids[i], NULL);
    return 0;
}
