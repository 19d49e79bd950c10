#include "exit_codes.hpp"

namespace tanba::cli {

int exit_code_for(ErrorCode code) {
    switch (code) {
        case ErrorCode::INTERNAL:
        case ErrorCode::CRYPTO_FAILURE: return 4;
        case ErrorCode::IO_ERROR:
        case ErrorCode::KEY_SIGN_FAILED:
        case ErrorCode::STORE_OPEN_FAILED:
        case ErrorCode::STORE_NOT_A_DATABASE:
        case ErrorCode::STORE_SCHEMA_TOO_NEW:
        case ErrorCode::STORE_BUSY:
        case ErrorCode::STORE_FAILURE:
        case ErrorCode::STORE_DAMAGED:
        case ErrorCode::STORE_WAL_MISSING:
        case ErrorCode::CA_ISSUED_NOT_WRITTEN:
        case ErrorCode::CA_SERIAL_EXHAUSTED:
        case ErrorCode::FETCH_FAILED:
        case ErrorCode::TOKEN_NOT_FOUND:
        case ErrorCode::TOKEN_OPERATION_FAILED: return 3;
        default: return 2;
    }
}

}  // namespace tanba::cli
