/* A CAC smart card emulated by libcacard (keys and certificates from an NSS database whose
 * password is the PIN), plugged into vsmartcard's vpcd reader driver for pcscd over TCP.
 *
 *   vcac_bridge NSSDB_DIR NICKNAMES HOST PORT
 *
 * vpcd protocol: every message is a 2-byte big-endian length and a payload. A 1-byte payload
 * from the reader is a command (0 power off, 1 power on, 2 reset, 4 get ATR; only get ATR is
 * answered); anything longer is a command APDU, answered with the response APDU.
 * libcacard takes its options as one blank-separated string: db="sql:DIR" use_hw=no
 * soft=(SLOT,READER,CAC,PARAMS,NICKNAMES...) (an empty SLOT is NSS's internal key slot).
 * Latency: one write per message, TCP_NODELAY, TCP_QUICKACK re-armed before each read
 * (otherwise every APDU waits for delayed-ACK timers). Exits when the reader side closes. */
#include <arpa/inet.h>
#include <errno.h>
#include <libcacard.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define READER "TanbaReader"

static int read_full(int fd, unsigned char *p, size_t n) {
    while (n) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static int send_msg(int fd, const unsigned char *p, size_t n) {
    unsigned char buf[2 + 65536];
    if (n > 65535) return -1;
    buf[0] = (unsigned char)(n >> 8);
    buf[1] = (unsigned char)n;
    memcpy(buf + 2, p, n);
    return write(fd, buf, n + 2) == (ssize_t)(n + 2) ? 0 : -1;
}

static int connect_retry(const char *host, int port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) return -1;
    for (int attempt = 0; attempt < 200; ++attempt) { /* about 10 s */
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) return -1;
        if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            return fd;
        }
        close(fd);
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return -1;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s NSSDB_DIR NICKNAMES HOST PORT\n", argv[0]);
        return 2;
    }
    char opts[4096];
    snprintf(opts, sizeof opts, "db=\"sql:%s\" use_hw=no soft=(,%s,CAC,,%s)", argv[1], READER, argv[2]);
    VCardEmulOptions *options = vcard_emul_options(opts);
    VCardEmulError rc = options ? vcard_emul_init(options) : VCARD_EMUL_FAIL;
    if (rc != VCARD_EMUL_OK) {
        fprintf(stderr, "vcard_emul_init: %d (options %s)\n", (int)rc, opts);
        fprintf(stderr, "libcacard could not start the card from %s\n", argv[1]);
        return 1;
    }
    VReader *reader = vreader_get_reader_by_name(READER);
    if (!reader) {
        fprintf(stderr, "no reader %s\n", READER);
        return 1;
    }
    int fd = connect_retry(argv[3], atoi(argv[4]));
    if (fd < 0) {
        fprintf(stderr, "cannot reach vpcd at %s:%s\n", argv[3], argv[4]);
        return 1;
    }
    unsigned char atr[64];
    int atr_len = 0;
    static unsigned char in[65536], out[65536];
    for (;;) {
        unsigned char hdr[2];
        if (read_full(fd, hdr, 2) != 0) break;
        size_t n = ((size_t)hdr[0] << 8) | hdr[1];
        if (n == 0 || read_full(fd, in, n) != 0) break;
        if (n == 1) {
            switch (in[0]) {
            case 0: vreader_power_off(reader); break;
            case 1:
            case 2:
                atr_len = sizeof atr;
                vreader_power_on(reader, atr, &atr_len);
                break;
            case 4:
                if (atr_len == 0) {
                    atr_len = sizeof atr;
                    vreader_power_on(reader, atr, &atr_len);
                }
                if (send_msg(fd, atr, (size_t)atr_len) != 0) goto done;
                break;
            default: break;
            }
            continue;
        }
        int out_len = sizeof out;
        if (vreader_xfr_bytes(reader, in, (int)n, out, &out_len) != VREADER_OK) {
            out[0] = 0x6F; /* no precise diagnosis */
            out[1] = 0x00;
            out_len = 2;
        }
        if (send_msg(fd, out, (size_t)out_len) != 0) break;
    }
done:
    close(fd);
    vreader_free(reader);
    return 0;
}
