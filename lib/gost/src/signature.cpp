// GOST signatures through Botan 2 (docs/gost.md): the key is read from the SubjectPublicKeyInfo
// here (the KZ curve OIDs mapped to the tc26 / CryptoPro groups they equal, so that no global
// OID table of Botan's is changed), the digest computed by its algorithm, and the signature
// checked in NCA's byte order, then in RFC 4491's.
#include "tanba/gost/signature.hpp"

#include <botan/asn1_obj.h>
#include <botan/ber_dec.h>
#include <botan/bigint.h>
#include <botan/ec_group.h>
#include <botan/gost_3410.h>
#include <botan/hash.h>
#include <botan/pubkey.h>

#include <algorithm>
#include <memory>

#include "gost_3411_94.hpp"

namespace tanba::gost {
namespace {

struct Named {
    std::string_view oid;
    Algorithm algorithm;
};

constexpr Named kSignatures[] = {
    {"1.2.398.3.10.1.1.2.3.2", Algorithm::Kz2015_512},
    {"1.2.398.3.10.1.1.1.2", Algorithm::Kz2004},
    {"1.2.643.7.1.1.3.2", Algorithm::Ru2012_256},
    {"1.2.643.7.1.1.3.3", Algorithm::Ru2012_512},
};

constexpr Named kDigests[] = {
    {"1.2.398.3.10.1.3.3", Algorithm::Kz2015_512},  // Streebog-512 under its KZ OID
    {"1.2.398.3.10.1.3.1", Algorithm::Kz2004},      // GOST R 34.11-94, test S-box
    {"1.2.643.7.1.1.2.2", Algorithm::Ru2012_256},   // Streebog-256
    {"1.2.643.7.1.1.2.3", Algorithm::Ru2012_512},   // Streebog-512
};

constexpr std::string_view kKeys[] = {"1.2.398.3.10.1.1.2.2", "1.2.398.3.10.1.1.2.1", "1.2.398.3.10.1.1.1.1", "1.2.643.7.1.1.1.1",
                                      "1.2.643.7.1.1.1.2", "1.2.643.2.2.19"};

// The curve a parameter OID names: the KZ ones are tc26 512 paramSetA and CryptoPro-A.
std::optional<std::string> curve_name(const std::string& oid) {
    if (oid == "1.2.398.3.10.1.1.2.2.1" || oid == "1.2.643.7.1.2.1.2.1") return "gost_512A";
    if (oid == "1.2.398.3.10.1.1.1.1.1" || oid == "1.2.643.2.2.35.1") return "gost_256A";
    if (oid == "1.2.643.7.1.2.1.1.2") return "gost_256A";  // tc26 256 paramSetB is CryptoPro-A (RFC 7836)
    return std::nullopt;
}

std::unique_ptr<Botan::GOST_3410_PublicKey> load(ByteView spki, std::string& problem) {
    try {
        Botan::AlgorithmIdentifier alg;
        std::vector<std::uint8_t> key_bits;
        Botan::BER_Decoder(spki.data(), spki.size()).start_cons(Botan::SEQUENCE).decode(alg).decode(key_bits, Botan::BIT_STRING).end_cons();
        const auto key_oid = alg.get_oid().to_string();
        if (std::find(std::begin(kKeys), std::end(kKeys), key_oid) == std::end(kKeys)) {
            problem = "the key " + key_oid + " is not a GOST key";
            return nullptr;
        }
        Botan::OID curve;
        Botan::BER_Decoder(alg.get_parameters()).start_cons(Botan::SEQUENCE).decode(curve);
        const auto name = curve_name(curve.to_string());
        if (!name) {
            problem = "the GOST curve " + curve.to_string() + " is not supported";
            return nullptr;
        }
        const Botan::EC_Group group(*name);
        std::vector<std::uint8_t> xy;
        Botan::BER_Decoder(key_bits).decode(xy, Botan::OCTET_STRING);
        const std::size_t part = group.get_p_bytes();
        if (xy.size() != 2 * part) {
            problem = "the GOST public key has " + std::to_string(xy.size()) + " bytes, not " + std::to_string(2 * part);
            return nullptr;
        }
        std::reverse(xy.begin(), xy.begin() + static_cast<std::ptrdiff_t>(part));  // x and y are little-endian
        std::reverse(xy.begin() + static_cast<std::ptrdiff_t>(part), xy.end());
        const Botan::BigInt x(xy.data(), part), y(xy.data() + part, part);
        return std::make_unique<Botan::GOST_3410_PublicKey>(group, group.point(x, y));
    } catch (const std::exception& e) {
        problem = std::string("the GOST public key does not decode: ") + e.what();
        return nullptr;
    }
}

}  // namespace

std::optional<Algorithm> signature_algorithm(std::string_view oid) {
    for (const auto& s : kSignatures)
        if (s.oid == oid) return s.algorithm;
    return std::nullopt;
}

std::optional<Algorithm> digest_algorithm(std::string_view oid) {
    for (const auto& d : kDigests)
        if (d.oid == oid) return d.algorithm;
    return std::nullopt;
}

bool is_gost_key(std::string_view oid) { return std::find(std::begin(kKeys), std::end(kKeys), oid) != std::end(kKeys); }

std::string_view digest_name(Algorithm a) {
    switch (a) {
        case Algorithm::Kz2015_512:
        case Algorithm::Ru2012_512: return "Streebog-512";
        case Algorithm::Ru2012_256: return "Streebog-256";
        case Algorithm::Kz2004: return "GOST-R-34.11-94-test";
    }
    return "";
}

std::optional<Algorithm> signer_algorithm(std::string_view signature_oid, std::string_view digest_oid) {
    if (auto a = signature_algorithm(signature_oid)) return a;
    if (is_gost_key(signature_oid)) return digest_algorithm(digest_oid);
    return std::nullopt;
}

struct Hasher::State {
    std::unique_ptr<Botan::HashFunction> streebog;  // or, for GOST-2004:
    std::unique_ptr<detail::Gost94Test> gost94;
};

Hasher::Hasher(Algorithm a) : state_(std::make_unique<State>()) {
    if (a == Algorithm::Kz2004) state_->gost94 = std::make_unique<detail::Gost94Test>();
    else state_->streebog = Botan::HashFunction::create_or_throw(std::string(digest_name(a)));
}
Hasher::~Hasher() = default;

void Hasher::update(ByteView chunk) {
    if (state_->gost94) state_->gost94->update(chunk);
    else state_->streebog->update(chunk.data(), chunk.size());
}

Bytes Hasher::finish() {
    if (state_->gost94) return state_->gost94->finish();
    const auto out = state_->streebog->final();
    return Bytes(out.begin(), out.end());
}

Bytes digest(Algorithm a, ByteView data) {
    Hasher h(a);
    h.update(data);
    return h.finish();
}

std::optional<std::string> key_problem(ByteView spki) {
    std::string problem;
    if (load(spki, problem)) return std::nullopt;
    return problem;
}

Check verify_digest(ByteView spki, ByteView hash, ByteView signature) {
    Check out;
    const auto key = load(spki, out.problem);
    if (!key) {
        out.key_unsupported = true;
        return out;
    }
    try {
        Botan::PK_Verifier verifier(*key, "Raw");
        std::vector<std::uint8_t> sig(signature.begin(), signature.end());
        std::reverse(sig.begin(), sig.end());  // r‖s little-endian → s‖r big-endian
        if (verifier.verify_message(hash.data(), hash.size(), sig.data(), sig.size())) {
            out.valid = true;
            out.order = ByteOrder::LittleEndianRS;
        } else if (verifier.verify_message(hash.data(), hash.size(), signature.data(), signature.size())) {
            out.valid = true;
            out.order = ByteOrder::BigEndianSR;
        } else {
            out.problem = "the GOST signature does not verify";
        }
    } catch (const std::exception& e) {
        out.problem = std::string("GOST verification failed: ") + e.what();
    }
    return out;
}

Check verify(Algorithm algorithm, ByteView spki, ByteView data, ByteView signature) {
    try {
        return verify_digest(spki, digest(algorithm, data), signature);
    } catch (const std::exception& e) {
        return Check{false, std::nullopt, std::string("GOST digest failed: ") + e.what(), false};
    }
}

}  // namespace tanba::gost
