// LD_PRELOAD shim for fault tests (tests/cli/store_faults.sh): link() and rename() onto the
// path named by FAIL_LINK_TARGET fail with ENOSPC, as when a disk fills between creating a
// file and moving it into place. Every other call goes to libc.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int targeted(const char* path) {
    const char* target = getenv("FAIL_LINK_TARGET");
    return target && path && strcmp(path, target) == 0;
}

int link(const char* from, const char* to) {
    if (targeted(to)) { errno = ENOSPC; return -1; }
    int (*real)(const char*, const char*) = (int (*)(const char*, const char*))dlsym(RTLD_NEXT, "link");
    return real(from, to);
}

int rename(const char* from, const char* to) {
    if (targeted(to)) { errno = ENOSPC; return -1; }
    int (*real)(const char*, const char*) = (int (*)(const char*, const char*))dlsym(RTLD_NEXT, "rename");
    return real(from, to);
}
