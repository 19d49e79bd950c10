/* certificate_info CERT.pem|CERT.der
 * What a certificate says, through the C API: the JSON of `tanba cert show --json` (subject,
 * IIN, BIN, PINFL, NCA roles, key usages, validity), then its IIN checked and decoded.
 *   certificate_info legal-ceo.pem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tanba/tanba.h>

int main(int argc, char** argv) {
    if (argc != 2) return fprintf(stderr, "usage: certificate_info CERT\n"), 2;
    FILE* f = fopen(argv[1], "rb");
    if (!f) return perror(argv[1]), 2;
    unsigned char buf[65536];
    const size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);

    char* info = NULL;
    int rc = tanba_certificate_info(buf, len, &info);
    if (rc != TANBA_OK) return fprintf(stderr, "%s\n", tanba_last_error()), 2;
    printf("%s\n", info);

    /* The IIN's value, from "iin": {"status": "...", "value": "..."} (a JSON parser would do
     * better; this keeps the example to the C API alone). */
    const char* iin = strstr(info, "\"iin\"");
    const char* value = iin ? strstr(iin, "\"value\": \"") : NULL;
    if (value) {
        char digits[32] = {0};
        sscanf(value + strlen("\"value\": \""), "%31[0-9]", digits);
        char* check = NULL;
        if (digits[0] && tanba_identifier_check("iin", digits, &check) == TANBA_OK) {
            printf("%s\n", check);
            tanba_free(check);
        }
    }
    tanba_free(info);
    return 0;
}
