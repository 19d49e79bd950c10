// tanba-bench-login BASE_URL ORIGIN KEY.pem CERT.pem SECONDS CONNECTIONS [web-eid|cms]
// Web eID logins per second against a running tanba-server: each connection (a thread with a
// keep-alive connection) asks for a challenge, signs H(origin) || H(nonce) with the P-256
// key as the Web eID app does (ES256, raw r||s) — or, with "cms", makes an NCALayer-style CMS
// SignedData with the nonce attached —, and logs in; only 200 answers count. Then
// the raw P-256 verify rate on every core (EVP_DigestVerify of the same 64 bytes), measured
// in the same run; then, for the ceiling of this design on this machine, the rate of bare
// challenge requests over the same connections (an HTTP exchange with the least work behind it)
// and the raw P-256 sign rate on every core (the client's share of a login).
// Prints "LOGINS_PER_S RAW_VERIFIES_PER_S FAILED CHALLENGES_PER_S RAW_SIGNS_PER_S".
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/cms.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

using Steady = std::chrono::steady_clock;

std::string slurp(const char* path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

std::string b64(const unsigned char* p, std::size_t n) {
    std::string out(4 * ((n + 2) / 3) + 1, '\0');
    out.resize(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), p, static_cast<int>(n)));
    return out;
}

std::string sha256(const std::string& s) {
    std::string d(32, '\0');
    SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), reinterpret_cast<unsigned char*>(d.data()));
    return d;
}

// One keep-alive HTTP/1.1 connection to 127.0.0.1 on plain sockets: the load generator shares
// the two cores with the server, so it does as little as it can (libcurl cost a fifth of the
// machine). Answers must carry Content-Length, as tanba-server's do.
class Client {
public:
    explicit Client(const std::string& base) {
        const auto colon = base.rfind(':');
        port_ = static_cast<std::uint16_t>(std::stoi(base.substr(colon + 1)));
        host_ = base.substr(base.find("//") + 2);
    }
    ~Client() {
        if (fd_ >= 0) ::close(fd_);
    }
    std::string body;

    // POSTs data as JSON; the status, or 0 when the connection failed (it is opened again next time).
    int post(const std::string& path, const std::string& data) {
        if (fd_ < 0 && !connect_()) return 0;
        std::string req = "POST " + path + " HTTP/1.1\r\nHost: " + host_ + "\r\nContent-Type: application/json\r\nContent-Length: " +
                          std::to_string(data.size()) + "\r\n\r\n" + data;
        for (std::size_t sent = 0; sent < req.size();) {
            const auto n = ::send(fd_, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) return fail();
            sent += static_cast<std::size_t>(n);
        }
        std::size_t head_end;
        while ((head_end = in_.find("\r\n\r\n")) == std::string::npos)
            if (!fill()) return fail();
        const int status = std::atoi(in_.c_str() + 9);
        const auto cl = in_.find("Content-Length: ");
        if (cl == std::string::npos || cl > head_end) return fail();
        const std::size_t length = std::strtoul(in_.c_str() + cl + 16, nullptr, 10), total = head_end + 4 + length;
        while (in_.size() < total)
            if (!fill()) return fail();
        body.assign(in_, head_end + 4, length);
        in_.erase(0, total);
        return status;
    }

private:
    bool connect_() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port_);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) return true;
        fail();
        return false;
    }
    bool fill() {
        char buf[16384];
        const auto n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) return false;
        in_.append(buf, static_cast<std::size_t>(n));
        return true;
    }
    int fail() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
        in_.clear();
        return 0;
    }
    std::string host_, in_;
    std::uint16_t port_ = 0;
    int fd_ = -1;
};

// The nonce of a challenge answer {"nonce":"…","expiresAt":…}.
std::string nonce_of(const std::string& json) {
    const auto at = json.find("\"nonce\":\"");
    if (at == std::string::npos) return {};
    const auto start = at + 9;
    return json.substr(start, json.find('"', start) - start);
}

// ECDSA with SHA-256 over data: the DER signature.
std::string der_sign(EVP_PKEY* key, const std::string& data) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t len = 0;
    EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
    EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    std::string der(len, '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(der.data()), &len, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    EVP_MD_CTX_free(ctx);
    der.resize(len);
    return der;
}

// ES256 over H(origin) || H(nonce), as raw r||s in base64.
std::string es256(EVP_PKEY* key, const std::string& data) {
    const std::string der = der_sign(key, data);
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
    unsigned char raw[64];
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32);
    ECDSA_SIG_free(sig);
    return b64(raw, sizeof raw);
}

// NCALayer style: a CMS SignedData with the nonce attached, signed attributes, SHA-256, the
// certificate embedded; base64 of the DER.
std::string cms_sign(EVP_PKEY* key, X509* cert, const std::string& nonce) {
    BIO* in = BIO_new_mem_buf(nonce.data(), static_cast<int>(nonce.size()));
    CMS_ContentInfo* cms = CMS_sign(cert, key, nullptr, in, CMS_BINARY);
    BIO_free(in);
    unsigned char* der = nullptr;
    const int n = cms ? i2d_CMS_ContentInfo(cms, &der) : 0;
    CMS_ContentInfo_free(cms);
    std::string out = n > 0 ? b64(der, static_cast<std::size_t>(n)) : std::string();
    OPENSSL_free(der);
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 7 && argc != 8) {
        std::fprintf(stderr, "usage: tanba-bench-login BASE_URL ORIGIN KEY.pem CERT.pem SECONDS CONNECTIONS [web-eid|cms]\n");
        return 2;
    }
    const bool cms = argc == 8 && std::string(argv[7]) == "cms";
    const std::string base = argv[1], origin = argv[2];
    const double seconds = std::stod(argv[5]);
    const int connections = std::stoi(argv[6]);
    const std::string key_pem = slurp(argv[3]), cert_pem = slurp(argv[4]);
    BIO* kb = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
    BIO_free(kb);
    BIO* cb = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
    X509* cert = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
    BIO_free(cb);
    if (!key || !cert) {
        std::fprintf(stderr, "cannot read the key or the certificate\n");
        return 2;
    }
    unsigned char* der = nullptr;
    const int der_len = i2d_X509(cert, &der);
    const std::string cert_b64 = b64(der, static_cast<std::size_t>(der_len));
    OPENSSL_free(der);
    const std::string origin_hash = sha256(origin);

    // Runs each(count) on `n` threads for `seconds`; the sum of the counts per second.
    auto rate = [&](unsigned n, const std::function<void(long&)>& each) {
        std::atomic<long> total{0};
        const auto start = Steady::now();
        const auto end = start + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(seconds));
        std::vector<std::thread> threads;
        for (unsigned t = 0; t < n; ++t)
            threads.emplace_back([&] {
                long count = 0;
                while (Steady::now() < end) each(count);
                total += count;
            });
        for (auto& th : threads) th.join();
        return static_cast<double>(total) / std::chrono::duration<double>(Steady::now() - start).count();
    };
    std::atomic<long> failed{0};
    const auto conns = static_cast<unsigned>(connections);
    thread_local std::optional<Client> client;
    const double logins = rate(conns, [&](long& ok) {
        if (!client) client.emplace(base);
        Client& c = *client;
        if (c.post("/api/v1/auth/challenge", "") != 200) {
            ++failed;
            return;
        }
        const std::string nonce = nonce_of(c.body);
        std::string body;
        if (cms) {
            body = "{\"nonce\":\"" + nonce + "\",\"cms\":\"" + cms_sign(key, cert, nonce) + "\"}";
        } else {
            const std::string token = "{\"format\":\"web-eid:1.0\",\"algorithm\":\"ES256\",\"appVersion\":\"https://web-eid.eu/web-eid-app/releases/2.5.0\","
                                      "\"unverifiedCertificate\":\"" + cert_b64 + "\",\"signature\":\"" + es256(key, origin_hash + sha256(nonce)) + "\"}";
            body = "{\"nonce\":\"" + nonce + "\",\"token\":" + token + "}";
        }
        if (c.post("/api/v1/auth/login", body) == 200) ++ok;
        else ++failed;
    });

    const double challenges = rate(conns, [&](long& n) {
        if (!client) client.emplace(base);
        if (client->post("/api/v1/auth/challenge", "") == 200) ++n;
    });

    // The raw rates: P-256 verifications and signatures of a 64-byte message on every core.
    const std::string message = origin_hash + sha256("nonce");
    const std::string sig = der_sign(key, message);
    EVP_PKEY* pub = X509_get0_pubkey(cert);
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const double raw = rate(cores, [&](long& n) {
        thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
        EVP_MD_CTX* v = ctx.get();
        EVP_DigestVerifyInit(v, nullptr, EVP_sha256(), nullptr, pub);
        if (EVP_DigestVerify(v, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1)
            ++n;
    });
    const double signs = rate(cores, [&](long& n) {
        if (!der_sign(key, message).empty()) ++n;
    });
    std::printf("%.0f %.0f %ld %.0f %.0f\n", logins, raw, failed.load(), challenges, signs);
    EVP_PKEY_free(key);
    X509_free(cert);
    return 0;
}
