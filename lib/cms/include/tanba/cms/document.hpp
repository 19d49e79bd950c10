#pragma once
// A detached document known by its digests: computed in one pass over a stream (constant
// memory, any size), it signs and verifies as its bytes would for every signer with signed
// attributes (messageDigest). Signers without them sign the content itself and need the bytes.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tanba/base/bytes.hpp"
#include "tanba/keys/signer.hpp"

namespace tanba::cms {

class DocumentDigests {
public:
    /// Feeds chunks of the document (from a `read_chunks` loop) to every digest algorithm
    /// named (dotted OIDs; ones OpenSSL does not know are left out, and a signer using one is
    /// then ALGORITHM_UNSUPPORTED).
    class Builder {
    public:
        explicit Builder(const std::vector<std::string>& algorithms);  ///< Digests with these algorithms (dotted OIDs) at once.
        ~Builder();
        Builder(const Builder&) = delete;
        Builder& operator=(const Builder&) = delete;
        void update(ByteView chunk);  ///< Adds the next bytes of the document.
        std::uint64_t size() const { return size_; }  ///< Bytes given so far.
        DocumentDigests finish();  ///< The digests of everything given to update().

    private:
        struct State;
        std::vector<std::unique_ptr<State>> states_;
        std::uint64_t size_ = 0;
    };

    /// The document's digest with this algorithm (dotted OID), when it was computed.
    std::optional<ByteView> digest(const std::string& algorithm) const;
    std::uint64_t size() const { return size_; }  ///< The document's size in bytes.

private:
    std::map<std::string, Bytes> digests_;
    std::uint64_t size_ = 0;
};

/// The digest algorithms (dotted OIDs) of a signature's signers, to build its digests with;
/// none for what is not a SignedData (verify reports why). Throws INPUT_TOO_LARGE.
std::vector<std::string> digest_algorithms(ByteView signature);
/// The digest algorithm OID for signing with `hash` (SHA-256/384/512).
std::string digest_algorithm(keys::HashAlg hash);

}  // namespace tanba::cms
