// What tanba-server hands to the library from the network: OCSP requests (the responder's
// parsing, routing to the CA and its cache) and RFC 3161 requests (the TSA). A CA and a TSA
// are made once, in a temporary directory. The first byte picks the service; with bit 1 set,
// an OCSP request's CertIDs are re-aimed at the fuzz CA (its key is new each run), so that
// mutations reach the store lookups, signing and the cache.
#include <openssl/ocsp.h>
#include <unistd.h>

#include <filesystem>

#include "fuzz_support.hpp"
#include "tanba/ca/authority.hpp"
#include "tanba/ca/ocsp_responder.hpp"
#include "tanba/keys/software_key.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/tsp/tsa.hpp"

namespace {

using namespace tanba;

struct Services {
    std::filesystem::path dir = std::filesystem::temp_directory_path() / ("tanba-fuzz-requests-" + std::to_string(getpid()));
    SystemClock clock;
    std::optional<ca::CertificateAuthority> ca;
    std::unique_ptr<ca::OcspResponder> responder;
    std::optional<keys::SoftwareKey> tsa_key;
    std::unique_ptr<tsp::Authority> tsa;

    Services() {
        fuzz::runtime();
        std::filesystem::remove_all(dir);
        auto key = std::make_unique<keys::SoftwareKey>(keys::SoftwareKey::generate(keys::parse_key_spec("ecdsa-p256")));
        const auto pem = key->to_pem(nullptr);
        ca.emplace(ca::CertificateAuthority::create({dir, "Fuzz CA", "Tanba", "KZ", "http://fuzz.test", ""}, std::move(key), pem,
                                                    nullptr, clock));
        tsa_key.emplace(keys::SoftwareKey::generate(keys::parse_key_spec("ecdsa-p256")));
        x509::SubjectIdentity id;
        id.common_name = "Fuzz TSA";
        auto tsa_cert = ca->issue("tsa", x509::make_request(*tsa_key, id));
        ca::ResponderOptions ro;
        ro.max_cached = 64;
        responder = std::make_unique<ca::OcspResponder>(std::vector<ca::ServedCa>{{&*ca, {}}}, ro, clock);
        tsa = std::make_unique<tsp::Authority>(std::move(tsa_cert), *tsa_key, clock, tsp::AuthorityOptions{});
    }
    ~Services() {
        responder.reset();
        ca.reset();
        std::filesystem::remove_all(dir);
    }
};

// The request with every CertID naming `ca` as issuer (same hash algorithm and serial), its
// extensions kept; the input itself when it does not parse.
Bytes aimed_at(const x509::Certificate& ca, ByteView input) {
    const unsigned char* p = input.data();
    ossl::OcspRequest in(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(input.size())));
    if (!in) return Bytes(input.begin(), input.end());
    ossl::OcspRequest out(OCSP_REQUEST_new());
    for (int i = 0; i < OCSP_request_onereq_count(in.get()); ++i) {
        ASN1_OBJECT* md_oid = nullptr;
        ASN1_INTEGER* serial = nullptr;
        OCSP_id_get0_info(nullptr, &md_oid, nullptr, &serial, OCSP_onereq_get0_id(OCSP_request_onereq_get0(in.get(), i)));
        const EVP_MD* md = md_oid ? EVP_get_digestbyobj(md_oid) : nullptr;
        ossl::OcspCertId id(md && serial ? OCSP_cert_id_new(md, X509_get_subject_name(ca.get()), X509_get0_pubkey_bitstr(ca.get()), serial)
                                         : nullptr);
        if (id && OCSP_request_add0_id(out.get(), id.get())) id.release();
    }
    for (int i = 0; i < OCSP_REQUEST_get_ext_count(in.get()); ++i) OCSP_REQUEST_add_ext(out.get(), OCSP_REQUEST_get_ext(in.get(), i), -1);
    ossl::clear_errors();
    return ossl::encode(out.get(), i2d_OCSP_REQUEST, "request");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Services s;
    if (size == 0) return 0;
    const ByteView request(data + 1, size - 1);
    if (!(data[0] & 1)) (void)s.tsa->respond(request);
    else if (data[0] & 2) (void)s.responder->respond(aimed_at(s.ca->certificate(), request));
    else (void)s.responder->respond(request);
    return 0;
}
