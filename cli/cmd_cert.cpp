// tanba cert show, tanba cert verify
#include <iostream>

#include "common.hpp"
#include "render.hpp"
#include "tanba/base/file_io.hpp"
#include "verify_inputs.hpp"

namespace tanba::cli {
namespace {
struct CertOptions {
    std::string file;
    bool json = false;
};
}  // namespace

void register_cert(CLI::App& app, Context& ctx) {
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
            if (o->json) arr.push_back(validation::to_json(info));
            else std::cout << (i ? "\n" : "") << info_text(info);
        }
        if (o->json) print_json(certs.size() == 1 ? arr[0] : arr);
    });

    auto in = std::make_shared<VerifyInputs>();
    auto leaf = std::make_shared<std::string>();
    auto* verify = cert->add_subcommand("verify", "validate a certificate's path to a trust anchor (RFC 5280)");
    verify->add_option("leaf", *leaf, "the certificate to validate")->required();
    add_verify_options(*verify, *in, "any");
    verify->callback([in, leaf, &ctx] {
        const auto options = make_options(*in, ctx.clock);
        const auto cert = x509::Certificate::load(read_file(*leaf));
        revocation::OnlineRevocation online(ctx.http, ctx.clock);
        const auto report = make_validator(load_trust(*in), in->offline ? nullptr : &online).validate(cert, options);
        if (in->json) {
            auto j = validation::to_json(report);
            if (!report.chain.empty()) j["certificate"] = validation::identity_json(report.chain.front().certificate);
            print_json(j);
        } else {
            std::cout << validation::to_text(report);
        }
        if (!report.valid()) ctx.exit_code = 1;
    });
}

}  // namespace tanba::cli
