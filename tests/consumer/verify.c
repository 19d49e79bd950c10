/* verify_c TRUST.pem CMS [--content FILE] [--crl FILE] [--at TIME] [--iin IIN]: the C API of an
 * installed tanba, from C. Prints the report (and the IIN's check on stderr); exits 0 when it
 * has a report, whatever its verdict, 2 on an error (its code and message on stderr). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tanba/tanba.h>

#include "read_file.h"

/* A JSON string literal of text (PEM: newlines escaped). */
static char* json_string(const char* text) {
    char* out = malloc(2 * strlen(text) + 3);
    char* o = out;
    *o++ = '"';
    for (const char* t = text; *t; ++t) {
        if (*t == '\n') { *o++ = '\\'; *o++ = 'n'; }
        else if (*t == '"' || *t == '\\') { *o++ = '\\'; *o++ = *t; }
        else if (*t != '\r') *o++ = *t;
    }
    *o++ = '"';
    *o = 0;
    return out;
}

static int failed(int rc) {
    fprintf(stderr, "%s (%d): %s\n", tanba_error_name(rc), rc, tanba_last_error());
    return 2;
}

int main(int argc, char** argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: verify_c TRUST.pem CMS [--content FILE] [--crl FILE] [--at TIME] [--iin IIN]\n");
        return 2;
    }
    size_t trust_len = 0, cms_len = 0, content_len = 0, crl_len = 0;
    unsigned char *trust = slurp(argv[1], &trust_len), *cms = slurp(argv[2], &cms_len), *content = NULL, *crl = NULL;
    const char *at = NULL, *iin = NULL;
    if (!trust || !cms) return fprintf(stderr, "cannot read the inputs\n"), 2;
    for (int i = 3; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--content")) content = slurp(argv[i + 1], &content_len);
        else if (!strcmp(argv[i], "--crl")) crl = slurp(argv[i + 1], &crl_len);
        else if (!strcmp(argv[i], "--at")) at = argv[i + 1];
        else if (!strcmp(argv[i], "--iin")) iin = argv[i + 1];
    }
    char* trust_json = json_string((const char*)trust);
    char* crl_json = crl ? json_string((const char*)crl) : NULL;
    const size_t size = strlen(trust_json) + (crl_json ? strlen(crl_json) : 0) + (at ? strlen(at) : 0) + 128;
    char* options = malloc(size);
    int n = snprintf(options, size, "{\"trust\": [%s], \"offline\": true", trust_json);
    if (crl_json) n += snprintf(options + n, size - (size_t)n, ", \"crls\": [%s]", crl_json);
    if (at) n += snprintf(options + n, size - (size_t)n, ", \"at\": \"%s\"", at);
    snprintf(options + n, size - (size_t)n, "}");
    tanba_verifier* verifier = NULL;
    int rc = tanba_verifier_new(options, &verifier);
    if (rc != TANBA_OK) return failed(rc);
    char* report = NULL;
    rc = tanba_verify_cms(verifier, cms, cms_len, content, content_len, &report);
    if (rc != TANBA_OK) return failed(rc);
    printf("%s\n", report);
    tanba_free(report);
    if (iin) {
        char* check = NULL;
        rc = tanba_identifier_check("iin", iin, &check);
        if (rc != TANBA_OK) return failed(rc);
        fprintf(stderr, "%s\n", check);
        tanba_free(check);
    }
    tanba_verifier_free(verifier);
    free(trust_json);
    free(crl_json);
    free(trust);
    free(cms);
    free(content);
    free(crl);
    free(options);
    return 0;
}
