#include "name_constraints.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace tanba::validation::detail {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::string_view text(const ASN1_IA5STRING* s) {
    return std::string_view(reinterpret_cast<const char*>(s->data), static_cast<std::size_t>(s->length));
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// DNS: "" matches all; "example.com" matches it and its subdomains; ".example.com" only subdomains.
bool dns_within(std::string_view name, std::string_view constraint) {
    std::string n = lower(name), c = lower(constraint);
    if (!n.empty() && n.back() == '.') n.pop_back();
    if (c.empty()) return true;
    if (c.front() == '.') return n.size() > c.size() && ends_with(n, c);
    return n == c || (n.size() > c.size() && ends_with(n, "." + c));
}

// Host part of a constraint that names hosts (URI): ".host" means subdomains only.
bool host_within(std::string_view host, std::string_view constraint) {
    std::string h = lower(host), c = lower(constraint);
    if (c.empty()) return true;
    if (c.front() == '.') return h.size() > c.size() && ends_with(h, c);
    return h == c;
}

bool email_within(std::string_view name, std::string_view constraint) {
    const auto at = name.rfind('@');
    if (at == std::string_view::npos) return false;
    const std::string_view host = name.substr(at + 1);
    if (constraint.find('@') != std::string_view::npos) {  // one mailbox
        const auto cat = constraint.rfind('@');
        return name.substr(0, at) == constraint.substr(0, cat) && lower(host) == lower(constraint.substr(cat + 1));
    }
    if (!constraint.empty() && constraint.front() == '.') return host_within(host, constraint);
    return lower(host) == lower(constraint);
}

// The host of an absolute URI with an authority; empty when there is none.
std::string uri_host(std::string_view uri) {
    const auto scheme_end = uri.find("://");
    if (scheme_end == std::string_view::npos) return {};
    std::string_view rest = uri.substr(scheme_end + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
    if (!rest.empty() && rest.front() == '[') return {};  // IP literal: not a host name
    return std::string(rest.substr(0, rest.find(':')));
}

bool ip_within(const ASN1_OCTET_STRING* ip, const ASN1_OCTET_STRING* c, bool& unsupported) {
    if (c->length != 8 && c->length != 32) {
        unsupported = true;
        return false;
    }
    const int len = c->length / 2;
    if (ip->length != len) return false;
    for (int i = 0; i < len; ++i)
        if ((ip->data[i] & c->data[len + i]) != (c->data[i] & c->data[len + i])) return false;
    return true;
}

// Directory names: the constraint is a prefix of the name's RDN sequence.
bool dn_within(const X509_NAME* name, const X509_NAME* constraint) {
    const int ck = X509_NAME_entry_count(constraint);
    if (ck == 0) return true;
    const int rdns_c = X509_NAME_ENTRY_set(X509_NAME_get_entry(constraint, ck - 1)) + 1;
    ossl::Name prefix(X509_NAME_new());
    int last_set = -1;
    for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
        const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
        const int set = X509_NAME_ENTRY_set(e);
        if (set >= rdns_c) break;
        X509_NAME_add_entry(prefix.get(), e, -1, set == last_set ? -1 : 0);
        last_set = set;
    }
    return X509_NAME_cmp(prefix.get(), constraint) == 0;
}

/// Whether `name` lies in `tree`'s base; unsupported when the forms match but cannot be checked.
bool within(const GENERAL_NAME* name, const GENERAL_SUBTREE* tree, bool& unsupported) {
    const GENERAL_NAME* base = tree->base;
    if (base->type != name->type) return false;
    if (tree->minimum || tree->maximum) {
        unsupported = true;
        return false;
    }
    switch (name->type) {
        case GEN_DNS: return dns_within(text(name->d.dNSName), text(base->d.dNSName));
        case GEN_EMAIL: return email_within(text(name->d.rfc822Name), text(base->d.rfc822Name));
        case GEN_URI: {
            const std::string host = uri_host(text(name->d.uniformResourceIdentifier));
            return !host.empty() && host_within(host, text(base->d.uniformResourceIdentifier));
        }
        case GEN_IPADD: return ip_within(name->d.iPAddress, base->d.iPAddress, unsupported);
        case GEN_DIRNAME: return dn_within(name->d.directoryName, base->d.directoryName);
        default: unsupported = true; return false;
    }
}

// "*.example.com" may stand for "bar.example.com": one label more than the wildcard's base.
bool wildcard_may_match(const GENERAL_NAME* name, const GENERAL_SUBTREE* tree) {
    if (name->type != GEN_DNS || tree->base->type != GEN_DNS) return false;
    const std::string n = lower(text(name->d.dNSName));
    if (n.rfind("*.", 0) != 0) return false;
    const std::string base = n.substr(2);
    std::string c = lower(text(tree->base->d.dNSName));
    if (!c.empty() && c.front() == '.') c.erase(0, 1);
    if (!ends_with(c, "." + base)) return false;
    return c.substr(0, c.size() - base.size() - 1).find('.') == std::string::npos;
}

NameCheck check_one(const GENERAL_NAME* name, const NAME_CONSTRAINTS* nc) {
    bool unsupported = false;
    if (nc->permittedSubtrees) {
        bool has_form = false, ok = false;
        for (int i = 0; i < sk_GENERAL_SUBTREE_num(nc->permittedSubtrees); ++i) {
            const GENERAL_SUBTREE* t = sk_GENERAL_SUBTREE_value(nc->permittedSubtrees, i);
            if (t->base->type != name->type) continue;
            has_form = true;
            ok = ok || within(name, t, unsupported);
        }
        if (unsupported) return NameCheck::Unsupported;
        if (has_form && !ok) return NameCheck::Violated;
    }
    if (nc->excludedSubtrees) {
        for (int i = 0; i < sk_GENERAL_SUBTREE_num(nc->excludedSubtrees); ++i) {
            const GENERAL_SUBTREE* t = sk_GENERAL_SUBTREE_value(nc->excludedSubtrees, i);
            if (within(name, t, unsupported) || wildcard_may_match(name, t)) return NameCheck::Violated;
            if (unsupported) return NameCheck::Unsupported;
        }
    }
    return NameCheck::Ok;
}

NameCheck worst(NameCheck a, NameCheck b) { return a == NameCheck::Ok ? b : a; }

}  // namespace

NameCheck check_name_constraints(const NAME_CONSTRAINTS* nc, const CertFacts& cert) {
    constexpr std::size_t kMaxChecks = 1 << 20;
    const X509_NAME* subject = cert.subject();
    const std::size_t names = 1 + (cert.san ? sk_GENERAL_NAME_num(cert.san.get()) : 0) + X509_NAME_entry_count(subject);
    const std::size_t trees = (nc->permittedSubtrees ? sk_GENERAL_SUBTREE_num(nc->permittedSubtrees) : 0) +
                              (nc->excludedSubtrees ? sk_GENERAL_SUBTREE_num(nc->excludedSubtrees) : 0);
    if (names * trees > kMaxChecks) return NameCheck::TooComplex;
    NameCheck result = NameCheck::Ok;
    if (X509_NAME_entry_count(subject) > 0) {
        GENERAL_NAME dn{};
        dn.type = GEN_DIRNAME;
        dn.d.directoryName = const_cast<X509_NAME*>(subject);
        result = worst(result, check_one(&dn, nc));
    }
    if (cert.san) {
        for (int i = 0; i < sk_GENERAL_NAME_num(cert.san.get()); ++i)
            result = worst(result, check_one(sk_GENERAL_NAME_value(cert.san.get(), i), nc));
    } else {
        for (int i = -1; (i = X509_NAME_get_index_by_NID(subject, NID_pkcs9_emailAddress, i)) >= 0;) {
            ASN1_STRING* v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
            GENERAL_NAME email{};
            email.type = GEN_EMAIL;
            email.d.rfc822Name = v;
            result = worst(result, check_one(&email, nc));
        }
    }
    return result;
}

bool dns_name_matches(std::string_view pattern, std::string_view host) {
    std::string p = lower(pattern), h = lower(host);
    if (!h.empty() && h.back() == '.') h.pop_back();
    if (p.empty() || h.empty()) return false;
    if (p.rfind("*.", 0) == 0) {
        const auto dot = h.find('.');
        if (dot == std::string::npos || dot == 0) return false;
        const std::string rest = p.substr(1);  // ".example.com"
        // At least two labels under the wildcard, and the host's first label replaced whole.
        return std::count(rest.begin(), rest.end(), '.') >= 2 && h.substr(dot) == rest;
    }
    return p == h;
}

}  // namespace tanba::validation::detail
