// Logins by a CMS / PKCS#7 SignedData over the nonce (NCALayer, E-IMZO).
#include "tanba/auth/cms_login.hpp"

#include <algorithm>

#include "checks.hpp"
#include "tanba/cms/verify.hpp"

namespace tanba::auth {
namespace {

bool starts_with_pem(std::string_view text) {
    const auto at = text.find_first_not_of(" \t\r\n");
    return at != std::string_view::npos && text.substr(at).starts_with("-----BEGIN ");
}

// A DER SignedData starts with SEQUENCE (0x30) and a long-form length (0x81..0x84): not text.
bool looks_like_der(std::string_view text) {
    return text.size() > 1 && static_cast<unsigned char>(text[0]) == 0x30 && static_cast<unsigned char>(text[1]) >= 0x81;
}

std::string_view kind_name(TokenKind kind) { return kind == TokenKind::Pkcs7 ? "PKCS#7" : "CMS"; }

}  // namespace

Bytes cms_token_bytes(std::string_view text) {
    if (text.empty()) throw Error(ErrorCode::AUTH_TOKEN_INVALID, "the SignedData is empty");
    if (text.size() > kMaxCmsToken * 4 / 3 + 4096) throw Error(ErrorCode::AUTH_TOKEN_INVALID, "the SignedData is larger than 64 KiB");
    Bytes out;
    if (starts_with_pem(text) || looks_like_der(text)) {
        out.assign(text.begin(), text.end());
    } else {
        std::string compact;
        compact.reserve(text.size());
        for (char c : text)
            if (c != '\r' && c != '\n' && c != ' ' && c != '\t') compact.push_back(c);
        auto decoded = base64_decode(compact);
        if (!decoded) throw Error(ErrorCode::AUTH_TOKEN_INVALID, "the SignedData is neither base64, PEM nor DER");
        out = std::move(*decoded);
    }
    if (out.size() > kMaxCmsToken) throw Error(ErrorCode::AUTH_TOKEN_INVALID, "the SignedData is larger than 64 KiB");
    return out;
}

Identity verify_cms_login(ByteView cms, TokenKind kind, std::string_view nonce, const LoginPolicy& policy, TimePoint at,
                          const std::optional<NonceWindow>& window) {
    if (!policy.validator) throw Error(ErrorCode::INTERNAL, "a login policy without a validator");
    std::optional<Bytes> attached;
    try {
        attached = cms::encapsulated_content(cms);
    } catch (const Error& e) {
        throw Error(ErrorCode::AUTH_TOKEN_INVALID, std::string(kind_name(kind)) + ": " + e.context());
    }
    const ByteView nonce_bytes = as_bytes(nonce);
    if (attached) {
        if (!std::equal(attached->begin(), attached->end(), nonce_bytes.begin(), nonce_bytes.end()))
            throw Error(ErrorCode::AUTH_NONCE_MISMATCH, "the signed content: " + std::to_string(attached->size()) + " bytes, the nonce: " +
                                                            std::to_string(nonce.size()));
    } else if (kind == TokenKind::Pkcs7) {
        throw Error(ErrorCode::AUTH_NONCE_MISMATCH, "an E-IMZO PKCS#7 is attached; this one is detached");
    }
    cms::VerifyOptions vo;
    vo.validation.at = at;
    vo.validation.purpose = validation::Purpose::Auth;
    vo.validation.revocation = policy.revocation;
    vo.time_source = cms::TimeSource::Requested;  // the login is judged at the server's clock
    vo.allow_plain_cms = true;                    // without signed attributes the signature is over the nonce itself
    const auto report = cms::verify(cms, attached ? std::nullopt : std::optional<ByteView>(nonce_bytes), *policy.validator, vo);
    for (const auto& f : report.findings)
        if (f.severity == validation::Severity::Error) throw Error(ErrorCode::AUTH_TOKEN_INVALID, f.message);
    if (report.signers.size() != 1)
        throw Error(ErrorCode::AUTH_SIGNERS_INVALID, std::to_string(report.signers.size()) + " signers");
    const auto& signer = report.signers.front();
    if (!signer.certificate) throw Error(ErrorCode::AUTH_TOKEN_INVALID, "the signer's certificate is not in the SignedData");
    const auto& cert = *signer.certificate;
    if (!signer.signature_verified) {
        const auto first = std::find_if(signer.report.findings.begin(), signer.report.findings.end(),
                                        [](const validation::Finding& f) { return f.severity == validation::Severity::Error; });
        const bool unsupported = first != signer.report.findings.end() && first->code == validation::FindingCode::ALGORITHM_UNSUPPORTED;
        throw Error(unsupported ? ErrorCode::AUTH_ALGORITHM_UNSUPPORTED : ErrorCode::AUTH_SIGNATURE_INVALID,
                    cert.subject_text() + ": " + (first != signer.report.findings.end() ? first->message : "the signature does not verify"));
    }
    const auto info = x509::describe(cert);
    detail::require_login_purpose(info);
    if (!signer.report.valid()) detail::refuse(signer.report, cert.subject_text());
    if (signer.timestamp && signer.timestamp->valid && window && signer.timestamp->time &&
        (*signer.timestamp->time < window->issued || *signer.timestamp->time > window->expires))
        throw Error(ErrorCode::AUTH_TIMESTAMP_OUT_OF_WINDOW, "time-stamped " + format_rfc3339(*signer.timestamp->time) +
                                                                 ", the nonce lived from " + format_rfc3339(window->issued) + " to " +
                                                                 format_rfc3339(window->expires));
    return detail::identity_of(cert, info);
}

}  // namespace tanba::auth
