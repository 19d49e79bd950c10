// tanba ocsp check
#include <iostream>

#include "common.hpp"
#include "tanba/base/file_io.hpp"
#include "tanba/revocation/fetch.hpp"
#include "tanba/validation/validator.hpp"

namespace tanba::cli {
namespace {
struct OcspCliOptions {
    std::string cert, issuer, url, save;
    int timeout_ms = 5000;
    bool json = false;
};
}  // namespace

void register_ocsp(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<OcspCliOptions>();
    auto* ocsp = app.add_subcommand("ocsp", "OCSP client");
    ocsp->require_subcommand(1);
    auto* check = ocsp->add_subcommand("check", "ask a certificate's OCSP responder (fresh nonce) and check the answer");
    check->add_option("cert", o->cert, "the certificate")->required();
    check->add_option("--issuer", o->issuer, "its issuer's certificate")->required();
    check->add_option("--url", o->url, "responder URL (default: the certificate's AIA)");
    check->add_option("--save", o->save, "write the response (DER) here");
    check->add_option("--timeout-ms", o->timeout_ms, "whole exchange, milliseconds")->check(CLI::Range(100, 120000));
    check->add_flag("--json", o->json, "JSON output");
    check->callback([o, &ctx] {
        const auto cert = x509::Certificate::load(read_file(o->cert));
        const auto issuer = x509::Certificate::load(read_file(o->issuer));
        std::string url = o->url;
        if (url.empty()) {
            const auto urls = revocation::ocsp_urls(cert);
            if (urls.empty()) throw Error(ErrorCode::USAGE, "the certificate names no OCSP responder: give --url");
            url = urls.front();
        }
        net::HttpLimits limits;
        limits.timeout = std::chrono::milliseconds(o->timeout_ms);
        auto response = revocation::fetch_ocsp(cert, issuer, url, ctx.http, limits);
        if (!o->save.empty()) write_file(o->save, response.der());
        // The answer is judged as validation judges it: responder authorised, signature, CertID, freshness.
        validation::ValidationOptions vo;
        vo.at = ctx.clock.now();
        vo.revocation = validation::RevocationMode::Require;
        const validation::Validator v({issuer}, {}, {}, {response});
        const auto report = v.validate(cert, vo);
        const std::string status = report.chain.size() > 1 ? report.chain.front().revocation : "unknown";
        if (o->json) {
            auto j = validation::to_json(report);
            j["status"] = status;
            j["url"] = url;
            print_json(j);
        } else {
            std::cout << status << "\n";
            for (const auto& f : report.findings)
                if (f.severity != validation::Severity::Info) std::cerr << validation::to_string(f.code) << ": " << f.message << "\n";
        }
        if (status != "good") ctx.exit_code = 1;
    });
}

}  // namespace tanba::cli
