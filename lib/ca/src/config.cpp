#include "config.hpp"

#include <toml++/toml.h>

#include <sstream>

#include "tanba/base/file_io.hpp"

namespace tanba::ca {

x509::RevocationUrls CaConfig::urls() const {
    return {base_url + "/crl/" + id + ".crl", base_url + "/ocsp", base_url + "/ca/" + id + ".crt"};
}

CaConfig read_config(const std::filesystem::path& dir) {
    auto file = dir / "ca.toml";
    if (!std::filesystem::exists(file)) throw Error(ErrorCode::CA_NOT_FOUND, dir.string() + " (no ca.toml)");
    auto bytes = read_file(file, 1 << 20);
    toml::table t;
    try {
        t = toml::parse(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), file.string());
    } catch (const toml::parse_error& e) {
        throw Error(ErrorCode::CONFIG_INVALID, file.string() + ": " + std::string(e.description()));
    }
    auto get = [&](const char* key, bool required) {
        auto v = t[key].value<std::string>();
        if (!v && required) throw Error(ErrorCode::CONFIG_INVALID, file.string() + ": missing '" + key + "'");
        return v.value_or("");
    };
    CaConfig c{get("id", true), get("name", true), get("key", true), get("base_url", true), get("parent", false), get("pass_file", false)};
    return c;
}

void write_config(const std::filesystem::path& dir, const CaConfig& c) {
    toml::table t{{"id", c.id}, {"name", c.name}, {"key", c.key}, {"base_url", c.base_url}};
    if (!c.parent.empty()) t.insert("parent", c.parent);
    if (!c.pass_file.empty()) t.insert("pass_file", c.pass_file);
    std::ostringstream out;
    out << "# tanba CA configuration (docs/ca-directory.md)\n" << t << "\n";
    write_file(dir / "ca.toml", as_bytes(out.str()));
}

std::string make_id(const std::string& name, const std::filesystem::path& dir) {
    std::string id;
    for (char ch : name) {
        auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) && c < 0x80) id += static_cast<char>(std::tolower(c));
        else if (!id.empty() && id.back() != '-') id += '-';
    }
    while (!id.empty() && id.back() == '-') id.pop_back();
    if (id.empty()) id = std::filesystem::absolute(dir).lexically_normal().filename().string();
    return id.empty() ? "ca" : id;
}

}  // namespace tanba::ca
