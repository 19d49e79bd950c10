// tanba::Verifier: the validator, its online revocation source and the verification options,
// made once from TrustOptions.
#include "tanba/tanba.hpp"

#include "tanba/net/http_client.hpp"
#include "tanba/revocation/fetch.hpp"

namespace tanba {

struct Verifier::Impl {
    SystemClock clock;
    std::unique_ptr<net::HttpClient> http;
    std::unique_ptr<revocation::OnlineRevocation> online;
    std::optional<validation::Validator> validator;
    cms::VerifyOptions options;
};

Verifier::Verifier(TrustOptions o) : impl_(std::make_unique<Impl>()) {
    if (o.trust.empty()) throw Error(ErrorCode::INVALID_ARGUMENT, "a verifier needs at least one trust anchor");
    if (o.at) {
        impl_->options.validation.at = o.at;
        impl_->options.time_source = cms::TimeSource::Requested;
    }
    impl_->options.validation.revocation = o.revocation;
    impl_->options.level = o.level;
    if (o.network == Network::Fetch) {
        impl_->http = net::make_curl_client();
        impl_->online = std::make_unique<revocation::OnlineRevocation>(*impl_->http, impl_->clock);
    }
    impl_->validator.emplace(std::move(o.trust), std::move(o.intermediates), std::move(o.crls), std::vector<revocation::OcspResponse>{},
                             impl_->online.get());
}

Verifier::~Verifier() = default;
Verifier::Verifier(Verifier&&) noexcept = default;
Verifier& Verifier::operator=(Verifier&&) noexcept = default;

cms::SignatureReport Verifier::verify_cms(ByteView cms, std::optional<ByteView> content) const {
    return cms::verify(cms, content, *impl_->validator, impl_->options);
}

cms::SignatureReport verify_cms(ByteView cms, std::optional<ByteView> content, TrustOptions options) {
    return Verifier(std::move(options)).verify_cms(cms, content);
}

x509::CertificateInfo certificate_info(ByteView der_or_pem) { return x509::describe(x509::Certificate::load(der_or_pem)); }

}  // namespace tanba
