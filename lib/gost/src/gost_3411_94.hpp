#pragma once
// GOST R 34.11-94 (RFC 5831) with the test parameter S-box (id-GostR3411-94-TestParamSet), which
// Kazakhstan's GOST-2004 signatures use; Botan 2's own GOST-R-34.11-94 has only the CryptoPro one.
#include <memory>

#include "tanba/base/bytes.hpp"

namespace tanba::gost::detail {

/// Incremental: update() with the data in any chunks, then finish() once.
class Gost94Test {
public:
    Gost94Test();
    ~Gost94Test();
    void update(ByteView data);
    /// The 32-byte digest (in the byte order RFC 5831 prints it).
    Bytes finish();

private:
    struct State;
    std::unique_ptr<State> state_;
};

/// The digest of data at once.
Bytes gost_3411_94_test(ByteView data);

}  // namespace tanba::gost::detail
