// The PSC card flow: keys on the card, requests, certificates ordered and written back.
#include "tanba/frontend/card_issuance.hpp"

#include <algorithm>

#include "tanba/ossl/codec.hpp"
#include "tanba/x509/certificate.hpp"

namespace tanba::frontend {

std::string_view to_string(CardStep s) {
    switch (s) {
        case CardStep::Issued: return "issued";
        case CardStep::Resumed: return "resumed";
        case CardStep::Present: return "present";
    }
    return "?";
}

std::vector<CardCertificate> issue_card(ApiClient& api, const CardIssueOptions& o, const hsm::PinPrompt& pin) {
    // Nothing is generated on the card for an order the server would refuse.
    const auto roles = api.operator_roles();
    if (std::find(roles.begin(), roles.end(), "registrar") == roles.end())
        throw Error(ErrorCode::AUTH_FORBIDDEN, "the session's holder is not a registrar: certificates are ordered by one");
    const auto person = api.person(o.iin);
    if (person.status != "verified" && person.status != "certified")
        throw Error(ErrorCode::REGISTRY_STATE_INVALID, "IIN " + o.iin + " is " + person.status + ": a registrar approves the person first");
    x509::SubjectIdentity subject;
    subject.iin = person.iin;
    subject.surname = person.surname;
    subject.given_name = person.given_name;
    subject.patronymic = person.patronymic;

    const auto objects = hsm::list_objects(o.card, pin);
    auto find = [&objects](hsm::ObjectType type, const std::string& label) -> const hsm::ObjectInfo* {
        for (const auto& obj : objects)
            if (obj.type == type && obj.label == label) return &obj;
        return nullptr;
    };
    std::vector<CardCertificate> out;
    for (const auto& role : o.roles) {
        hsm::Pkcs11Uri at = o.card;
        at.object = role.label;
        CardCertificate done{role, CardStep::Issued, {}, {}};
        if (find(hsm::ObjectType::Certificate, role.label)) {
            const auto existing = hsm::find_certificate(at, pin);
            const auto holder = existing ? x509::describe(*existing).identity.iin : std::string();
            if (holder != o.iin)
                throw Error(ErrorCode::TOKEN_NOT_EMPTY, "the card's " + role.label + " certificate is " +
                                                            (holder.empty() ? "not a person's" : "IIN " + holder + "'s") +
                                                            ": initialise the card (tanba token init --reinit)");
            done.step = CardStep::Present;
            done.serial = existing->serial_hex();
            out.push_back(done);
            continue;
        }
        if (const auto* key = find(hsm::ObjectType::PrivateKey, role.label)) {
            done.step = CardStep::Resumed;
            done.key_uri = key->uri;
        } else {
            done.key_uri = hsm::generate_key(at, o.key_spec, pin);
        }
        const auto key_uri = hsm::Pkcs11Uri::parse(done.key_uri);
        const auto signer = hsm::open_signer(key_uri, pin);
        const auto csr = x509::make_request(*signer, subject);
        // The same key asks for the same certificate: a repeat after a lost answer gets it again.
        const std::string idempotency_key = "card:" + to_hex(ossl::sha256(signer->public_key_der())).substr(0, 32) + ":" + role.profile;
        const auto issued = api.order_certificate(o.iin, role.profile, csr, idempotency_key);
        at.id = key_uri.id;  // beside its key
        hsm::import_certificate(at, issued.certificate, pin);
        done.serial = issued.serial;
        out.push_back(done);
    }
    return out;
}

}  // namespace tanba::frontend
