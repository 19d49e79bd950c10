/* threads OPTIONS.json CMS THREADS COUNT: one verifier shared by THREADS threads, each verifying
 * CMS COUNT times; every report must be the first one's (same verdict and text). Run under
 * ThreadSanitizer by scripts/tsan. Prints "THREADS x COUNT verifications, all alike". */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tanba/tanba.h>

#include "read_file.h"

static tanba_verifier* verifier;
static unsigned char* cms;
static size_t cms_len;
static char* first;
static int count;

static void* work(void* arg) {
    long* differing = arg;
    for (int i = 0; i < count; ++i) {
        char* report = NULL;
        if (tanba_verify_cms(verifier, cms, cms_len, NULL, 0, &report) != TANBA_OK || strcmp(report, first) != 0) ++*differing;
        tanba_free(report);
    }
    return NULL;
}

int main(int argc, char** argv) {
    if (argc != 5) return fprintf(stderr, "usage: threads OPTIONS.json CMS THREADS COUNT\n"), 2;
    size_t options_len = 0;
    unsigned char* options = slurp(argv[1], &options_len);
    cms = slurp(argv[2], &cms_len);
    const int threads = atoi(argv[3]);
    count = atoi(argv[4]);
    if (!options || !cms || threads < 1 || threads > 64 || count < 1) return fprintf(stderr, "bad arguments\n"), 2;
    int rc = tanba_verifier_new((const char*)options, &verifier);
    if (rc == TANBA_OK) rc = tanba_verify_cms(verifier, cms, cms_len, NULL, 0, &first);
    if (rc != TANBA_OK) return fprintf(stderr, "%s: %s\n", tanba_error_name(rc), tanba_last_error()), 2;
    pthread_t ids[64];
    long differing[64] = {0};
    for (int t = 0; t < threads; ++t) pthread_create(&ids[t], NULL, work, &differing[t]);
    long total = 0;
    for (int t = 0; t < threads; ++t) {
        pthread_join(ids[t], NULL);
        total += differing[t];
    }
    tanba_free(first);
    tanba_verifier_free(verifier);
    free(options);
    free(cms);
    if (total) return fprintf(stderr, "%ld of %d reports differ from the first\n", total, threads * count), 1;
    printf("%d x %d verifications, all alike\n", threads, count);
    return 0;
}
