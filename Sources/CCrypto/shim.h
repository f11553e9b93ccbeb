#ifndef PREFAB_CCRYPTO_SHIM_H
#define PREFAB_CCRYPTO_SHIM_H
// Only the one-shot and streaming digest API (EVP) is used: SHA-1, SHA-256, MD5 and friends
// at hardware speed, without a Swift crypto package to build.
#include <openssl/evp.h>
#endif
