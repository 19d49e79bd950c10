#include "tanba/ident/json.hpp"

#include <cstdio>
#include <string>

#include "tanba/base/error.hpp"

namespace tanba::ident {
namespace {

std::string date_text(std::chrono::year_month_day d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(d.year()), unsigned(d.month()), unsigned(d.day()));
    return buf;
}

}  // namespace

nlohmann::ordered_json decoded_json(std::string_view id, IdType type) {
    nlohmann::ordered_json j{{"id", id}, {"type", to_string(type)}};
    switch (type) {
        case IdType::Iin: {
            const auto v = parse_iin(id);
            j["birthDate"] = date_text(v.birth_date);
            j["sex"] = to_string(v.sex);
            j["serial"] = v.serial;
            break;
        }
        case IdType::Bin: {
            const auto v = parse_bin(id);
            j["registrationYear"] = v.registration_year;
            j["registrationMonth"] = v.registration_month;
            j["entityType"] = v.entity_type;
            j["entityTypeName"] = entity_type_name(v.entity_type);
            j["attribute"] = v.attribute;
            j["attributeName"] = attribute_name(v.attribute);
            j["serial"] = v.serial;
            break;
        }
        case IdType::Pinfl: {
            const auto v = parse_pinfl(id);
            j["birthDate"] = date_text(v.birth_date);
            j["sex"] = to_string(v.sex);
            j["district"] = v.district;
            j["serial"] = v.serial;
            break;
        }
        case IdType::Tin:
            if (const auto r = check_tin(id); !r.valid()) throw Error(*r.failure, "tin '" + std::string(id) + "'");
            j["holder"] = id[0] <= '3' ? "legal entity" : "individual";
            break;
    }
    return j;
}

nlohmann::ordered_json check_json(std::string_view id, const CheckResult& result) {
    nlohmann::ordered_json j{{"id", id},
                             {"type", to_string(result.type)},
                             {"valid", result.valid()},
                             {"code", result.valid() ? std::string("OK") : std::string(to_string(*result.failure))}};
    if (!result.valid()) j["message"] = info(*result.failure).message;
    return j;
}

}  // namespace tanba::ident
