#pragma once
// GOST signature verification (Botan is the home): Kazakhstan's NCA algorithms — GOST-2015-512
// (ST RK GOST R 34.10-2015, Streebog-512, tc26 512 paramSetA under a KZ curve OID) and GOST-2004
// (ST RK GOST 34.310-2004, GOST R 34.11-94 with the test S-box, CryptoPro-A under a KZ OID) —
// and the Russian GOST R 34.10-2012 256/512 OIDs. docs/gost.md gives the recipe: the KZ OIDs are
// aliases of the Russian ones; the signature value is r‖s little-endian (the RFC 4491 s‖r
// big-endian blob reversed), and both orders are tried, the one that matched reported.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tanba/base/bytes.hpp"

namespace tanba::gost {

enum class Algorithm {
    Kz2015_512,   // 1.2.398.3.10.1.1.2.3.2
    Kz2004,       // 1.2.398.3.10.1.1.1.2
    Ru2012_256,   // 1.2.643.7.1.1.3.2
    Ru2012_512,   // 1.2.643.7.1.1.3.3
};

/// The GOST signature algorithm a signature-algorithm OID (dotted) names, or nullopt.
std::optional<Algorithm> signature_algorithm(std::string_view oid);
/// Whether a public-key algorithm OID (dotted) is a GOST key (KZ or Russian).
bool is_gost_key(std::string_view oid);
/// The digest a GOST signature algorithm signs with ("Streebog-512", "Streebog-256",
/// "GOST-R-34.11-94-test"), and the digest of data by it.
std::string_view digest_name(Algorithm a);
Bytes digest(Algorithm a, ByteView data);
/// The digest an OID names as a CMS digestAlgorithm (KZ or Russian OIDs), or nullopt.
std::optional<Algorithm> digest_algorithm(std::string_view oid);
/// A CMS SignerInfo's GOST algorithm: its signatureAlgorithm when that is a GOST signature OID,
/// or — when it names the GOST key instead, as Kalkan writes it — its digestAlgorithm's.
std::optional<Algorithm> signer_algorithm(std::string_view signature_oid, std::string_view digest_oid);

/// The digest of a GOST algorithm, fed in chunks (a streamed document).
class Hasher {
public:
    explicit Hasher(Algorithm a);
    ~Hasher();
    Hasher(const Hasher&) = delete;
    Hasher& operator=(const Hasher&) = delete;
    void update(ByteView chunk);
    Bytes finish();

private:
    struct State;
    std::unique_ptr<State> state_;
};

enum class ByteOrder {
    LittleEndianRS,  // r‖s, each little-endian: what NCA RK and Kalkan write
    BigEndianSR,     // s‖r, each big-endian: RFC 4491 read literally
};

struct Check {
    bool valid = false;
    std::optional<ByteOrder> order;  // the order that verified
    std::string problem;             // why not, when not valid (the key did not load, …)
    bool key_unsupported = false;    // not valid because the key is not one lib/gost can use
};

/// Verifies a signature by `algorithm` over `data` (the whole signed bytes: the digest is
/// computed here) with the GOST key in `spki` (DER SubjectPublicKeyInfo). Never throws.
Check verify(Algorithm algorithm, ByteView spki, ByteView data, ByteView signature);
/// The same over a digest already computed (a CMS signer without signed attributes).
Check verify_digest(ByteView spki, ByteView digest, ByteView signature);
/// Whether the key in `spki` loads as a GOST key (a known curve), with the reason when not.
std::optional<std::string> key_problem(ByteView spki);

}  // namespace tanba::gost
