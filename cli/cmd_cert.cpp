// tanba cert show
#include <iostream>

#include "common.hpp"
#include "render.hpp"
#include "tanba/base/file_io.hpp"

namespace tanba::cli {
namespace {
struct CertOptions {
    std::string file;
    bool json = false;
};
}  // namespace

void register_cert(CLI::App& app, Context&) {
    auto o = std::make_shared<CertOptions>();
    auto* cert = app.add_subcommand("cert", "certificates");
    cert->require_subcommand(1);
    auto* show = cert->add_subcommand("show", "identity fields, roles and usages of certificates");
    show->add_option("file", o->file, "certificate file (PEM with one or more, or DER)")->required();
    show->add_flag("--json", o->json, "JSON output");
    show->callback([o] {
        auto certs = x509::Certificate::load_all(read_file(o->file));
        nlohmann::json arr = nlohmann::json::array();
        for (std::size_t i = 0; i < certs.size(); ++i) {
            auto info = x509::describe(certs[i]);
            if (o->json) arr.push_back(info_json(info));
            else std::cout << (i ? "\n" : "") << info_text(info);
        }
        if (o->json) print_json(certs.size() == 1 ? arr[0] : arr);
    });
}

}  // namespace tanba::cli
