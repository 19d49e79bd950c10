// tanba csr new
#include <iostream>

#include "common.hpp"
#include "tanba/base/file_io.hpp"
#include "tanba/ident/identifiers.hpp"
#include "tanba/x509/csr.hpp"

namespace tanba::cli {
namespace {
struct CsrOptions {
    std::string key;
    OutputFile out;
    x509::SubjectIdentity id;
    PassphraseOptions pass;
};
}  // namespace

void register_csr(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<CsrOptions>();
    auto* csr = app.add_subcommand("csr", "certificate requests (PKCS#10)");
    csr->require_subcommand(1);
    auto* gen = csr->add_subcommand("new", "create a request in the NCA subject layout (or E-IMZO's, with --pinfl)");
    gen->add_option("--key", o->key, "the requester's key file")->required();
    gen->add_option("--iin", o->id.iin, "IIN of the person (12 digits)");
    gen->add_option("--surname", o->id.surname, "surname (UTF-8)");
    gen->add_option("--given", o->id.given_name, "first name");
    gen->add_option("--patronymic", o->id.patronymic, "patronymic (goes in GIVENNAME, as NCA does)");
    gen->add_option("--bin", o->id.bin, "BIN of the legal entity (12 digits)");
    gen->add_option("--pinfl", o->id.pinfl, "Uzbek PINFL of the person (14 digits): the E-IMZO layout");
    gen->add_option("--tin", o->id.tin, "Uzbek personal TIN (9 digits, in UID)");
    gen->add_option("--legal-tin", o->id.legal_tin, "Uzbek legal entity's TIN (9 digits, in 1.2.860.3.16.1.1; needs --org)");
    gen->add_option("--org", o->id.organization, "organisation name (O)");
    gen->add_option("--email", o->id.email, "e-mail address");
    gen->add_option("--country", o->id.country, "country code");
    gen->add_option("--locality", o->id.locality, "city (L)");
    gen->add_option("--state", o->id.state, "region (ST)");
    gen->add_option("--cn", o->id.common_name, "explicit common name (services; default \"SURNAME GIVEN\")");
    add_output_option(*gen, o->out, "request file to write (PEM)");
    add_passphrase_options(*gen, o->pass);
    gen->callback([o, &ctx] {
        o->out.check();
        if (!o->id.iin.empty()) ident::parse_iin(o->id.iin);  // refuses a bad IIN with its own code
        if (!o->id.bin.empty()) ident::parse_bin(o->id.bin);
        if (!o->id.pinfl.empty()) ident::parse_pinfl(o->id.pinfl);
        for (const auto* tin : {&o->id.tin, &o->id.legal_tin})
            if (!tin->empty())
                if (auto r = ident::check_tin(*tin); !r.valid()) throw Error(*r.failure, "TIN '" + *tin + "'");
        if (!o->id.pinfl.empty() && o->id.country == "KZ") throw Error(ErrorCode::USAGE, "--pinfl is Uzbek: give --country UZ");
        if (!o->id.legal_tin.empty() && o->id.organization.empty()) throw Error(ErrorCode::USAGE, "--legal-tin needs --org");
        if ((!o->id.tin.empty() || !o->id.legal_tin.empty()) && o->id.pinfl.empty())
            throw Error(ErrorCode::USAGE, "--tin and --legal-tin go with --pinfl");
        if (!o->id.bin.empty() && o->id.organization.empty())
            throw Error(ErrorCode::USAGE, "--bin needs --org");
        if (o->id.iin.empty() && o->id.pinfl.empty() && o->id.common_name.empty())
            throw Error(ErrorCode::USAGE, "give --iin (or --pinfl) with --surname/--given, or --cn");
        if ((!o->id.iin.empty() || !o->id.pinfl.empty()) && o->id.surname.empty())
            throw Error(ErrorCode::USAGE, "--iin and --pinfl need --surname");
        auto key = load_key(o->key, o->pass);
        auto req = x509::make_request(*key.key, o->id);
        o->out.write(as_bytes(req.pem()));
        ctx.info() << "wrote request for " << x509::to_text(req.subject()) << " to " << o->out.path << "\n";
    });
}

}  // namespace tanba::cli
