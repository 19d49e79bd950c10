/* What the C test programs share: a whole file in memory (NUL-terminated, for PEM text). */
#ifndef TANBA_CONSUMER_READ_FILE_H
#define TANBA_CONSUMER_READ_FILE_H

#include <stdio.h>
#include <stdlib.h>

/* The file's bytes (malloc'd, one NUL after them) and their count in *len; NULL when unreadable. */
static unsigned char* slurp(const char* path, size_t* len) {
    FILE* f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char* p = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!p) return fclose(f), NULL;
    *len = fread(p, 1, (size_t)n, f);
    p[*len] = 0;
    fclose(f);
    return p;
}

#endif
