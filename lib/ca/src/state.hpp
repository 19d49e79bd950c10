#pragma once
// The CA's state, shared by the files that implement CertificateAuthority.
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "tanba/ca/authority.hpp"
#include "tanba/x509/builder.hpp"
#include "tanba/x509/template.hpp"

namespace tanba::ca {

namespace fs = std::filesystem;

struct CertificateAuthority::State {
    fs::path dir;
    CaConfig config;
    const Clock& clock;
    std::vector<x509::Certificate> chain;  // [0] is this CA
    x509::ProfileSet profiles;
    std::map<std::string, x509::PreparedProfile, std::less<>> prepared;
    std::unique_ptr<store::CaRepository> repo;
    std::unique_ptr<keys::Signer> signer;
    std::string issuer_id;
    std::vector<revocation::IssuerHashes> issuer_hashes;  // how CertIDs name this CA
    std::mutex templates_mutex;
    std::map<std::string, std::unique_ptr<x509::CertificateTemplate>, std::less<>> templates;  // per profile, once unlocked
};

}  // namespace tanba::ca
