#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "tanba/ossl/runtime.hpp"

int main(int argc, char** argv) {
    tanba::ossl::Runtime openssl;  // providers (legacy PKCS#12) and national OIDs
    doctest::Context ctx(argc, argv);
    return ctx.run();
}
