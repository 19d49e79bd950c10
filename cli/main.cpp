// tanba — the command-line front end. Parses, calls the library, prints. Wiring lives here only.
#include "app.hpp"
#include "tanba/ossl/runtime.hpp"

int main(int argc, char** argv) {
    tanba::ossl::Runtime openssl;
    tanba::SystemClock clock;
    const auto http = tanba::net::make_curl_client();
    tanba::cli::Context ctx{clock, *http};
    const auto app = tanba::cli::make_app(ctx);
    return tanba::cli::run(*app, ctx, argc, argv);
}
