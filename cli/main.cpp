// tanba — the command-line front end. Parses, calls the library, prints. Wiring lives here only.
#include <cstdlib>
#include <string_view>

#include "app.hpp"
#include "tanba/frontend/process.hpp"
#include "tanba/ossl/runtime.hpp"

int main(int argc, char** argv) {
    // Keys and passphrases must not end up in a core file (TANBA_ALLOW_CORE_DUMPS=1 to debug).
    const char* allow = std::getenv("TANBA_ALLOW_CORE_DUMPS");
    tanba::frontend::set_core_dumps(allow && std::string_view(allow) == "1" ? tanba::frontend::CoreDumps::Allowed
                                                                            : tanba::frontend::CoreDumps::Off);
    tanba::ossl::Runtime openssl;
    tanba::SystemClock clock;
    const auto http = tanba::net::make_curl_client();
    tanba::cli::Context ctx{clock, *http};
    const auto app = tanba::cli::make_app(ctx);
    return tanba::cli::run(*app, ctx, argc, argv);
}
