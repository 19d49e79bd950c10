#include "tanba/cms/document.hpp"

#include <openssl/cms.h>
#include <openssl/evp.h>

#include "signed_data.hpp"
#include "tanba/gost/signature.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::cms {

struct DocumentDigests::Builder::State {
    std::string algorithm;
    ossl::MdCtx ctx;                      // an OpenSSL digest, or
    std::unique_ptr<gost::Hasher> gost;   // a GOST one (lib/gost)
};

DocumentDigests::Builder::Builder(const std::vector<std::string>& algorithms) {
    for (const auto& a : algorithms) {
        bool seen = false;
        for (const auto& s : states_) seen = seen || s->algorithm == a;
        if (seen) continue;
        if (const auto g = gost::digest_algorithm(a)) {
            states_.push_back(std::make_unique<State>(State{a, nullptr, std::make_unique<gost::Hasher>(*g)}));
            continue;
        }
        const ossl::Asn1Object oid = ossl::oid_from_text(a);
        const EVP_MD* md = EVP_get_digestbyobj(oid.get());
        if (!md) continue;
        auto state = std::make_unique<State>(State{a, ossl::MdCtx(EVP_MD_CTX_new()), nullptr});
        ossl::check(state->ctx && EVP_DigestInit_ex(state->ctx.get(), md, nullptr) == 1, ErrorCode::CRYPTO_FAILURE, "digest");
        states_.push_back(std::move(state));
    }
    ossl::clear_errors();
}

DocumentDigests::Builder::~Builder() = default;

void DocumentDigests::Builder::update(ByteView chunk) {
    for (auto& s : states_) {
        if (s->gost) s->gost->update(chunk);
        else ossl::check(EVP_DigestUpdate(s->ctx.get(), chunk.data(), chunk.size()) == 1, ErrorCode::CRYPTO_FAILURE, "digest");
    }
    size_ += chunk.size();
}

DocumentDigests DocumentDigests::Builder::finish() {
    DocumentDigests out;
    out.size_ = size_;
    for (auto& s : states_) {
        if (s->gost) {
            out.digests_[s->algorithm] = s->gost->finish();
            continue;
        }
        Bytes d(EVP_MAX_MD_SIZE);
        unsigned int n = 0;
        ossl::check(EVP_DigestFinal_ex(s->ctx.get(), d.data(), &n) == 1, ErrorCode::CRYPTO_FAILURE, "digest");
        d.resize(n);
        out.digests_[s->algorithm] = std::move(d);
    }
    return out;
}

std::optional<ByteView> DocumentDigests::digest(const std::string& algorithm) const {
    const auto it = digests_.find(algorithm);
    if (it == digests_.end()) return std::nullopt;
    return ByteView(it->second);
}

std::vector<std::string> digest_algorithms(ByteView signature) {
    detail::ParsedSignedData parsed;
    try {
        parsed = detail::parse_without_certificates(signature);
    } catch (const Error& e) {
        if (e.code() == ErrorCode::INPUT_TOO_LARGE) throw;
        return {};  // verify() reports what is wrong with it
    }
    std::vector<std::string> out;
    STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(parsed.cms.get());
    for (int i = 0; i < sk_CMS_SignerInfo_num(infos); ++i) out.push_back(detail::digest_algorithm_of(sk_CMS_SignerInfo_value(infos, i)));
    return out;
}

std::string digest_algorithm(keys::HashAlg hash) {
    const EVP_MD* md = keys::digest_of(hash);
    if (!md) throw Error(ErrorCode::USAGE, "a detached document's digest needs SHA-256, SHA-384 or SHA-512");
    return ossl::oid_text(OBJ_nid2obj(EVP_MD_get_type(md)));
}

}  // namespace tanba::cms
