// gost_tool — lib/gost's signing key from the command line, for the cross-check against the
// OpenSSL GOST engine (tests/cli/gost_engine.sh).
//   gost_tool sign 2015|2004 DATA OUTDIR   a fresh key signs DATA: OUTDIR/{pub_kz,pub_ru,key_ru}.der
//                                          (SPKI with KZ / Russian OIDs, PKCS#8), sig_nca.bin (r‖s LE),
//                                          sig_rfc4491.bin (s‖r BE), digest.bin
//   gost_tool verify 2015|2004 SPKI DATA SIG   exit 0 and the byte order when it verifies, else 1
#include <cstdio>
#include <string>

#include "tanba/base/file_io.hpp"
#include "tanba/gost/signing_key.hpp"

using namespace tanba;

int main(int argc, char** argv) {
    if (argc < 5) {
        std::fprintf(stderr, "usage: gost_tool sign 2015|2004 DATA OUTDIR | verify 2015|2004 SPKI DATA SIG\n");
        return 2;
    }
    const std::string cmd = argv[1], alg = argv[2];
    const auto a = alg == "2015" ? gost::Algorithm::Kz2015_512 : gost::Algorithm::Kz2004;
    if (cmd == "sign") {
        const auto data = read_file(argv[3]);
        const std::string out = argv[4];
        const auto key = gost::SigningKey::generate(a);
        const auto sig = key.sign(data);
        write_file(out + "/pub_kz.der", key.spki(gost::OidSet::Kz));
        write_file(out + "/pub_ru.der", key.spki(gost::OidSet::Russian));
        write_file(out + "/key_ru.der", key.pkcs8(gost::OidSet::Russian));
        write_file(out + "/sig_nca.bin", sig);
        write_file(out + "/sig_rfc4491.bin", Bytes(sig.rbegin(), sig.rend()));
        write_file(out + "/digest.bin", gost::digest(a, data));
        return 0;
    }
    if (cmd == "verify" && argc == 6) {
        const auto check = gost::verify(a, read_file(argv[3]), read_file(argv[4]), read_file(argv[5]));
        if (!check.valid) {
            std::printf("invalid: %s\n", check.problem.c_str());
            return 1;
        }
        std::printf("%s\n", check.order == gost::ByteOrder::LittleEndianRS ? "r||s little-endian" : "s||r big-endian");
        return 0;
    }
    return 2;
}
