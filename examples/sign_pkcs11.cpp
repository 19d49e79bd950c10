// sign_pkcs11 DOCUMENT 'pkcs11:token=…;object=…' CERT.pem OUT.p7s
// Signs a document with a key that never leaves a smart card or HSM (PKCS#11; the module from
// the URI's module-path or $TANBA_PKCS11_MODULE, the PIN from the URI's pin-source or
// $TANBA_PIN): a detached CAdES-B signature, SHA-256, the certificate included.
//   TANBA_PKCS11_MODULE=/usr/lib/softhsm/libsofthsm2.so TANBA_PIN=… sign_pkcs11 doc.txt 'pkcs11:token=card;object=sign' sign.pem doc.p7s
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "tanba/base/file_io.hpp"
#include "tanba/cms/sign.hpp"
#include "tanba/hsm/token.hpp"
#include "tanba/ossl/runtime.hpp"

using namespace tanba;

int main(int argc, char** argv) try {
    if (argc != 5) {
        std::cerr << "usage: sign_pkcs11 DOCUMENT PKCS11-URI CERT.pem OUT.p7s\n";
        return 2;
    }
    ossl::Runtime openssl;
    const hsm::PinPrompt pin = [](const std::string&) -> std::optional<Secret> {
        const char* p = std::getenv("TANBA_PIN");
        return p ? std::optional<Secret>(Secret(p)) : std::nullopt;
    };
    const auto key = hsm::open_signer(hsm::Pkcs11Uri::parse(argv[2]), pin);  // a keys::Signer on the token
    const auto cert = x509::Certificate::load(read_file(argv[3]));
    cms::SignOptions options;
    options.attachment = cms::Attachment::Detached;
    options.algorithm = keys::default_sign_options(key->spec().algorithm);
    options.signing_time = SystemClock().now();
    const Bytes signature = cms::sign(read_file(argv[1]), *key, cert, options);
    std::ofstream(argv[4], std::ios::binary).write(reinterpret_cast<const char*>(signature.data()), static_cast<std::streamsize>(signature.size()));
    std::cout << "signed " << argv[1] << " with " << cert.subject_text() << " (" << signature.size() << " bytes)\n";
    return 0;
} catch (const Error& e) {
    std::cerr << to_string(e.code()) << ": " << e.context() << "\n";
    return 2;
}
