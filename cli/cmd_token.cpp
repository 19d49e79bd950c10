// tanba token list | show | keygen | import-cert
#include <iostream>

#include "common.hpp"
#include "tanba/base/file_io.hpp"
#include "tanba/hsm/token.hpp"

namespace tanba::cli {
namespace {

struct TokenOptions {
    std::string module, uri, algo = "ecdsa-p256", file;
    bool json = false;
    PassphraseOptions pass;
};

std::string_view type_name(hsm::ObjectType t) {
    switch (t) {
        case hsm::ObjectType::PrivateKey: return "private-key";
        case hsm::ObjectType::PublicKey: return "public-key";
        case hsm::ObjectType::Certificate: return "certificate";
        case hsm::ObjectType::Any: break;
    }
    return "object";
}

}  // namespace

void register_token(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<TokenOptions>();
    auto* token = app.add_subcommand("token", "PKCS#11 tokens: HSMs and smart cards");
    token->require_subcommand(1);

    auto* list = token->add_subcommand("list", "slots with a token");
    list->add_option("--module", o->module, "PKCS#11 module (default $TANBA_PKCS11_MODULE, else OpenSC)");
    list->add_flag("--json", o->json, "JSON output");
    list->callback([o] {
        const auto module = o->module.empty() ? hsm::module_of(hsm::Pkcs11Uri{}) : o->module;
        auto tokens = hsm::list_tokens(module);
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& t : tokens) {
            hsm::Pkcs11Uri u;
            u.token = t.label;
            u.serial = t.serial;
            u.module_path = module;
            if (o->json)
                arr.push_back({{"slot", t.slot_id}, {"label", t.label}, {"manufacturer", t.manufacturer}, {"model", t.model},
                               {"serial", t.serial}, {"loginRequired", t.login_required}, {"pinLocked", t.pin_locked},
                               {"pinFinalTry", t.pin_final_try}, {"uri", u.str()}});
            else
                std::cout << "slot " << t.slot_id << ": " << t.label << " (" << t.manufacturer << " " << t.model << ", serial "
                          << t.serial << ")" << (t.pin_locked ? " PIN LOCKED" : "") << "\n  " << u.str() << "\n";
        }
        if (o->json) print_json(arr);
    });

    auto* show = token->add_subcommand("show", "keys and certificates on the token a URI names");
    show->add_option("uri", o->uri, "pkcs11: URI of the token")->required();
    show->add_flag("--json", o->json, "JSON output");
    add_pin_option(*show, o->pass);
    show->callback([o] {
        auto objects = hsm::list_objects(hsm::Pkcs11Uri::parse(o->uri), pin_prompt(o->pass));
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& obj : objects) {
            if (o->json)
                arr.push_back({{"type", type_name(obj.type)}, {"label", obj.label}, {"id", to_hex(obj.id)}, {"detail", obj.detail}, {"uri", obj.uri}});
            else
                std::cout << type_name(obj.type) << "  id " << to_hex(obj.id) << "  \"" << obj.label << "\"  " << obj.detail << "\n  "
                          << obj.uri << "\n";
        }
        if (o->json) print_json(arr);
    });

    auto* keygen = token->add_subcommand("keygen", "generate a key pair on the token (sensitive, never extractable)");
    keygen->add_option("--uri", o->uri, "pkcs11: URI with token= and object= (id= optional)")->required();
    keygen->add_option("--algo", o->algo, "rsa-2048, rsa-3072, rsa-4096, ecdsa-p256, ecdsa-p384");
    add_pin_option(*keygen, o->pass);
    keygen->callback([o, &ctx] {
        auto uri = hsm::generate_key(hsm::Pkcs11Uri::parse(o->uri), keys::parse_key_spec(o->algo), pin_prompt(o->pass));
        ctx.info() << "generated " << o->algo << " on the token\n";
        std::cout << uri << "\n";
    });

    auto* import = token->add_subcommand("import-cert", "store a certificate on the token (give the key's id= to pair them)");
    import->add_option("--uri", o->uri, "pkcs11: URI with token=, object= and id=")->required();
    import->add_option("file", o->file, "certificate (PEM or DER)")->required();
    add_pin_option(*import, o->pass);
    import->callback([o, &ctx] {
        auto cert = x509::Certificate::load(read_file(o->file));
        hsm::import_certificate(hsm::Pkcs11Uri::parse(o->uri), cert, pin_prompt(o->pass));
        ctx.info() << "stored " << cert.subject_text() << " on the token\n";
    });
}

}  // namespace tanba::cli
