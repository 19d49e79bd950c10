// verify_signature SIGNATURE.p7s ROOTS.pem [--content DOCUMENT] [--crl CRL]...
// Verifies a CMS / CAdES signature the way an e-government service does: every signer's
// certificate path to the given roots, its purpose and its revocation (CRLs and OCSP fetched
// from the addresses in the certificates for what the given CRLs do not settle), at the current
// time; then prints the verdict and who signed (IIN, BIN, NCA roles). --content: the signed file,
// for a detached signature. Exit 0 when VALID, 1 when not, 2 on an error.
//   cd certs-samples/pki && verify_signature document.attached.p7s roots.pem --crl issuing-rsa.crl --crl root-rsa.crl
#include <iostream>
#include <optional>

#include "tanba/base/file_io.hpp"
#include "tanba/ossl/runtime.hpp"
#include "tanba/tanba.hpp"

using namespace tanba;

int main(int argc, char** argv) try {
    if (argc < 3 || argc % 2 == 0) {
        std::cerr << "usage: verify_signature SIGNATURE.p7s ROOTS.pem [--content DOCUMENT] [--crl CRL]...\n";
        return 2;
    }
    std::optional<Bytes> document;
    TrustOptions trust;  // now; revocation required (unknown status: INDETERMINATE); fetching allowed
    trust.trust = x509::Certificate::load_all(read_file(argv[2]));
    for (int i = 3; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--content") document = read_file(argv[i + 1]);
        else if (flag == "--crl")
            for (auto& c : revocation::Crl::load_all(read_file(argv[i + 1]))) trust.crls.push_back(std::move(c));
        else throw Error(ErrorCode::USAGE, "unknown option " + flag);
    }
    ossl::Runtime openssl;  // once per program: OpenSSL's providers and the national OID names
    const Verifier verifier(std::move(trust));  // parse once; thread-safe; verify as often as needed
    const auto report = verifier.verify_cms(read_file(argv[1]), document ? std::optional<ByteView>(*document) : std::nullopt);

    std::cout << validation::to_string(report.indication) << "\n";
    for (const auto& s : report.signers) {
        if (!s.certificate) continue;
        const auto who = x509::describe(*s.certificate);
        std::cout << "signer: " << s.certificate->subject_text() << "\n"
                  << "  IIN " << (who.iin.value.empty() ? "-" : who.iin.value) << ", BIN " << (who.bin.value.empty() ? "-" : who.bin.value) << "\n";
        for (const auto& role : who.roles) std::cout << "  role " << role.name << " (" << role.oid << ")\n";
        for (const auto& f : s.report.findings) std::cout << "  " << validation::to_string(f.code) << ": " << f.message << "\n";
    }
    return report.valid() ? 0 : 1;
} catch (const Error& e) {
    std::cerr << to_string(e.code()) << ": " << e.context() << "\n";
    return 2;
}
