// tanba token list | show | keygen | import-cert | import-key | init | pin change | pin unblock
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

struct LifecycleOptions {
    std::string module, label, uri, key, so_pin_file, pin_file, new_pin_file;
    std::optional<unsigned long> slot;
    bool reinit = false;
    PassphraseOptions key_pass;  // the software key's passphrase (import-key)
};

void add_module_option(CLI::App& cmd, std::string& module) {
    cmd.add_option("--module", module, "PKCS#11 module (empty: $TANBA_PKCS11_MODULE, else OpenSC)");
}

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
    add_module_option(*list, o->module);
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

    auto l = std::make_shared<LifecycleOptions>();
    auto* init = token->add_subcommand("init", "initialise a blank token: label, security officer PIN, user PIN (erases it with --reinit)");
    add_module_option(*init, l->module);
    init->add_option("--slot", l->slot, "slot id (empty: the one slot with a blank token)");
    init->add_option("--label", l->label, "token label (up to 32 bytes)")->required();
    init->add_option("--so-pin-file", l->so_pin_file, "the new security officer PIN (first line; empty: asked twice)");
    init->add_option("--pin-file", l->pin_file, "the new user PIN (first line; empty: asked twice)");
    init->add_flag("--reinit", l->reinit, "initialise a token that holds keys already (everything on it is erased)");
    init->callback([l, &ctx] {
        const Secret so = frontend::secret_from(l->so_pin_file, "new security officer PIN", frontend::Entry::Twice);
        const Secret user = frontend::secret_from(l->pin_file, "new user PIN", frontend::Entry::Twice);
        hsm::TokenInit ti{l->module, l->slot, l->label, l->reinit ? hsm::Reinit::Erase : hsm::Reinit::Refuse};
        const std::string uri = hsm::init_token(ti, so, user);
        ctx.info() << "initialised token \"" << l->label << "\"\n";
        std::cout << uri << "\n";
    });

    auto* pin = token->add_subcommand("pin", "the user PIN: change it, or unblock it with the security officer PIN");
    pin->require_subcommand(1);
    auto* change = pin->add_subcommand("change", "change the user PIN (the current one is needed)");
    change->add_option("--uri", l->uri, "pkcs11: URI of the token")->required();
    change->add_option("--pin-file", l->pin_file, "the current user PIN (first line; empty: asked)");
    change->add_option("--new-pin-file", l->new_pin_file, "the new user PIN (first line; empty: asked twice)");
    change->callback([l, &ctx] {
        const Secret current = frontend::secret_from(l->pin_file, "current user PIN", frontend::Entry::Once);
        const Secret next = frontend::secret_from(l->new_pin_file, "new user PIN", frontend::Entry::Twice);
        hsm::change_pin(hsm::Pkcs11Uri::parse(l->uri), current, next);
        ctx.info() << "changed the user PIN\n";
    });
    auto* unblock = pin->add_subcommand("unblock", "set a new user PIN with the security officer PIN (unblocks a locked one)");
    unblock->add_option("--uri", l->uri, "pkcs11: URI of the token")->required();
    unblock->add_option("--so-pin-file", l->so_pin_file, "the security officer PIN (first line; empty: asked)");
    unblock->add_option("--new-pin-file", l->new_pin_file, "the new user PIN (first line; empty: asked twice)");
    unblock->callback([l, &ctx] {
        const Secret so = frontend::secret_from(l->so_pin_file, "security officer PIN", frontend::Entry::Once);
        const Secret next = frontend::secret_from(l->new_pin_file, "new user PIN", frontend::Entry::Twice);
        hsm::unblock_pin(hsm::Pkcs11Uri::parse(l->uri), so, next);
        ctx.info() << "set a new user PIN\n";
    });

    auto* import_key = token->add_subcommand("import-key", "move a software key (e.g. a CA's ca.key) onto the token as a non-extractable key");
    import_key->add_option("--uri", l->uri, "pkcs11: URI with token= and object= (id= optional)")->required();
    import_key->add_option("--key", l->key, "the key file (PEM/DER, encrypted or not)")->required();
    add_passphrase_options(*import_key, l->key_pass);
    import_key->callback([l, &ctx] {
        auto loaded = load_key(l->key, l->key_pass);
        const auto* soft = dynamic_cast<const keys::SoftwareKey*>(loaded.key.get());
        if (!soft) throw Error(ErrorCode::USAGE, "--key names a key file, not a token key");
        const std::string uri = hsm::import_key(hsm::Pkcs11Uri::parse(l->uri), *soft, pin_prompt(l->key_pass));
        // The token's key must sign as the file's did.
        const auto on_token = hsm::open_signer(hsm::Pkcs11Uri::parse(uri), pin_prompt(l->key_pass));
        if (!keys::same_public_key(on_token->public_key(), soft->public_key())) throw Error(ErrorCode::TOKEN_OPERATION_FAILED, "the stored key is not the file's");
        ctx.info() << "stored " << keys::to_string(soft->spec()) << " key on the token; delete " << l->key
                   << " once the CA uses the token (key = the URI below in its ca.toml)\n";
        std::cout << uri << "\n";
    });
}

}  // namespace tanba::cli
