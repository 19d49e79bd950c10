#include "tanba/hsm/uri.hpp"

#include <cctype>
#include <set>

#include "tanba/base/error.hpp"

namespace tanba::hsm {
namespace {

[[noreturn]] void bad(const std::string& why) { throw Error(ErrorCode::PKCS11_URI_INVALID, why); }

Bytes pct_decode(std::string_view v) {
    Bytes out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] != '%') {
            out.push_back(static_cast<std::uint8_t>(v[i]));
            continue;
        }
        if (i + 2 >= v.size() || !std::isxdigit(static_cast<unsigned char>(v[i + 1])) ||
            !std::isxdigit(static_cast<unsigned char>(v[i + 2])))
            bad("bad percent-encoding in '" + std::string(v) + "'");
        out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(v.substr(i + 1, 2)), nullptr, 16)));
        i += 2;
    }
    return out;
}

std::string text(std::string_view v) {
    const Bytes b = pct_decode(v);
    return std::string(b.begin(), b.end());
}

// RFC 7512: unreserved characters stay; '/' and ':' also in query values (paths, file: URIs).
std::string pct_encode(std::string_view v, bool query = false) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : v) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c >= 0x80 || (query && (c == '/' || c == ':'))) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

}  // namespace

bool is_pkcs11_uri(const std::string& t) { return t.rfind("pkcs11:", 0) == 0; }

Pkcs11Uri Pkcs11Uri::parse(const std::string& t) {
    if (!is_pkcs11_uri(t)) bad("does not start with pkcs11:");
    Pkcs11Uri u;
    std::string rest = t.substr(7);
    std::string query;
    if (auto q = rest.find('?'); q != std::string::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    std::set<std::string> seen;
    auto each = [&](const std::string& part, char sep, auto&& f) {
        std::size_t start = 0;
        while (start <= part.size()) {
            const auto end = part.find(sep, start);
            const std::string attr = part.substr(start, end == std::string::npos ? std::string::npos : end - start);
            if (!attr.empty()) {
                const auto eq = attr.find('=');
                if (eq == std::string::npos) bad("attribute without a value: " + attr);
                const std::string name = attr.substr(0, eq);
                if (!seen.insert(name).second) bad("repeated attribute: " + name);
                f(name, std::string_view(attr).substr(eq + 1));
            }
            if (end == std::string::npos) break;
            start = end + 1;
        }
    };
    each(rest, ';', [&](const std::string& name, std::string_view v) {
        if (name == "token") u.token = text(v);
        else if (name == "manufacturer") u.manufacturer = text(v);
        else if (name == "serial") u.serial = text(v);
        else if (name == "model") u.model = text(v);
        else if (name == "object") u.object = text(v);
        else if (name == "id") u.id = pct_decode(v);
        else if (name == "slot-id") {
            try {
                u.slot_id = std::stoul(std::string(v));
            } catch (const std::exception&) {
                bad("slot-id is not a number");
            }
        } else if (name == "type") {
            if (v == "private") u.type = ObjectType::PrivateKey;
            else if (v == "public") u.type = ObjectType::PublicKey;
            else if (v == "cert") u.type = ObjectType::Certificate;
            else bad("type must be private, public or cert");
        } else if (name == "library-manufacturer" || name == "library-description" || name == "library-version" ||
                   name == "slot-manufacturer" || name == "slot-description") {
            // accepted, not used to select
        } else {
            bad("unknown path attribute: " + name);
        }
    });
    each(query, '&', [&](const std::string& name, std::string_view v) {
        if (name == "module-path") u.module_path = text(v);
        else if (name == "pin-source") u.pin_source = text(v);
        else if (name == "pin-value") bad("pin-value is refused: give the PIN with pin-source, --pin-file, TANBA_PIN or a terminal");
        else if (name == "module-name") bad("module-name is not supported: use module-path");
        else bad("unknown query attribute: " + name);
    });
    return u;
}

std::string Pkcs11Uri::str() const {
    std::string out = "pkcs11:";
    std::string sep;
    auto add = [&](const char* name, const std::string& v) {
        if (v.empty()) return;
        out += sep + name + "=" + pct_encode(v);
        sep = ";";
    };
    add("token", token);
    add("manufacturer", manufacturer);
    add("serial", serial);
    add("model", model);
    add("object", object);
    if (!id.empty()) {
        std::string enc;
        static const char* hex = "0123456789ABCDEF";
        for (auto b : id) enc += std::string("%") + hex[b >> 4] + hex[b & 15];
        out += sep + "id=" + enc;
        sep = ";";
    }
    if (slot_id) {
        out += sep + "slot-id=" + std::to_string(*slot_id);
        sep = ";";
    }
    if (type != ObjectType::Any) {
        out += sep + "type=" + (type == ObjectType::PrivateKey ? "private" : type == ObjectType::PublicKey ? "public" : "cert");
    }
    std::string q;
    if (!module_path.empty()) q += "module-path=" + pct_encode(module_path, true);
    if (!pin_source.empty()) q += std::string(q.empty() ? "" : "&") + "pin-source=" + pct_encode(pin_source, true);
    if (!q.empty()) out += "?" + q;
    return out;
}

}  // namespace tanba::hsm
