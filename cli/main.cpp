// tanba — the command-line front end. Parses, calls the library, prints. Wiring lives here only.
#include <iostream>

#include "common.hpp"
#include "exit_codes.hpp"
#include "tanba/ossl/runtime.hpp"

int main(int argc, char** argv) {
    tanba::ossl::Runtime openssl;
    tanba::SystemClock clock;
    const auto http = tanba::net::make_curl_client();
    tanba::cli::Context ctx{clock, *http};

    CLI::App app{"tanba — PKI and electronic signatures for e-government (IIN/BIN/PINFL, NCA layout)"};
    app.set_version_flag("--version", std::string("tanba 0.1.0"));
    app.require_subcommand(1);
    tanba::cli::register_id(app, ctx);
    tanba::cli::register_key(app, ctx);
    tanba::cli::register_csr(app, ctx);
    tanba::cli::register_ca(app, ctx);
    tanba::cli::register_cert(app, ctx);
    tanba::cli::register_sign(app, ctx);
    tanba::cli::register_token(app, ctx);
    tanba::cli::register_ocsp(app, ctx);
    tanba::cli::register_ts(app, ctx);
    tanba::cli::register_errors(app, ctx);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    } catch (const tanba::Error& e) {
        std::cerr << "tanba: error " << e.what() << "\n";
        for (const auto& cause : e.causes()) std::cerr << "  caused by: " << cause << "\n";
        return tanba::cli::exit_code_for(e.code());
    } catch (const std::exception& e) {
        std::cerr << "tanba: error INTERNAL: " << e.what() << "\n";
        return 4;
    }
    return ctx.exit_code;
}
