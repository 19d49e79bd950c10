// Runs x509-limbo test cases through tanba::validation and prints one JSON line per case:
// {"id": ..., "actual": "accept"|"reject", "detail": ...}. limbo.py turns them into the report.
//   limbo_runner LIMBO.json
#include <fstream>
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "tanba/ossl/runtime.hpp"
#include "tanba/validation/validator.hpp"

using namespace tanba;

namespace {

const std::map<std::string, std::string> kEku{
    {"anyExtendedKeyUsage", "2.5.29.37.0"}, {"serverAuth", "1.3.6.1.5.5.7.3.1"},
    {"clientAuth", "1.3.6.1.5.5.7.3.2"},    {"codeSigning", "1.3.6.1.5.5.7.3.3"},
    {"emailProtection", "1.3.6.1.5.5.7.3.4"}, {"timeStamping", "1.3.6.1.5.5.7.3.8"},
    {"OCSPSigning", "1.3.6.1.5.5.7.3.9"},
};

ByteView bytes(const std::string& s) { return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); }

std::vector<x509::Certificate> certs(const nlohmann::json& list) {
    std::vector<x509::Certificate> out;
    for (const auto& pem : list) out.push_back(x509::Certificate::load(bytes(pem.get<std::string>())));
    return out;
}

nlohmann::json run(const nlohmann::json& c) {
    validation::ValidationOptions o;
    // x509-limbo expects the root's certificate to bind the path (its validity, extensions,
    // name constraints): tanba's RFC 5937 model, not the RFC 5280 default.
    o.anchor = validation::AnchorConstraints::Constrained;
    o.at = c["validation_time"].is_null() ? SystemClock().now() : parse_rfc3339(c["validation_time"].get<std::string>());
    const bool server = c["validation_kind"] == "SERVER";
    if (!c["extended_key_usage"].empty()) o.eku = kEku.at(c["extended_key_usage"][0].get<std::string>());
    else o.eku = kEku.at(server ? "serverAuth" : "clientAuth");
    if (!c["key_usage"].empty()) o.purpose = validation::Purpose::Auth;  // digitalSignature
    std::vector<nlohmann::json> names;
    if (server && !c["expected_peer_name"].is_null()) names.push_back(c["expected_peer_name"]);
    if (!server)
        for (const auto& n : c["expected_peer_names"]) names.push_back(n);
    if (!c["max_chain_depth"].is_null()) o.limits.max_depth = c["max_chain_depth"].get<int>();
    std::vector<revocation::Crl> crls;
    for (const auto& pem : c["crls"]) crls.push_back(revocation::Crl::load_all(bytes(pem.get<std::string>())).front());
    o.revocation = crls.empty() ? validation::RevocationMode::Off : validation::RevocationMode::Require;

    validation::Validator v(certs(c["trusted_certs"]), certs(c["untrusted_intermediates"]), std::move(crls));
    const auto leaf = x509::Certificate::load(bytes(c["peer_certificate"].get<std::string>()));
    // Every expected peer name must be in the certificate.
    std::string detail;
    bool ok = true;
    if (names.empty()) names.push_back(nullptr);
    for (const auto& n : names) {
        auto oo = o;
        if (!n.is_null()) {
            const auto kind = n["kind"].get<std::string>();
            const auto value = n["value"].get<std::string>();
            if (kind == "DNS") oo.host = value;
            else if (kind == "IP") oo.ip = value;
            else if (kind == "RFC822") oo.email = value;
        }
        const auto r = v.validate(leaf, oo);
        if (!r.valid()) {
            ok = false;
            for (const auto& f : r.findings)
                if (f.severity == validation::Severity::Error) detail += std::string(validation::to_string(f.code)) + " (" + f.message + ") ";
            break;
        }
    }
    return {{"actual", ok ? "accept" : "reject"}, {"detail", detail}};
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: limbo_runner LIMBO.json\n";
        return 2;
    }
    ossl::Runtime runtime;
    std::ifstream in(argv[1]);
    const auto limbo = nlohmann::json::parse(in);
    for (const auto& c : limbo["testcases"]) {
        nlohmann::json out;
        try {
            out = run(c);
        } catch (const std::exception& e) {  // inputs we cannot even parse are rejected
            out = {{"actual", "reject"}, {"detail", std::string("error: ") + e.what()}};
        }
        out["id"] = c["id"];
        std::cout << out.dump() << "\n";
    }
    return 0;
}
