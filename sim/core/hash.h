// Hashing for fingerprints and digests. The functions are fixed (not std::hash, whose values
// the standard library may change), so a fingerprint means the same on every build.
#pragma once

#include <cstdint>
#include <string_view>

namespace dsim {

// The finaliser of SplitMix64: a bijective 64-bit mixer with full avalanche.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// Folds `value` into the running hash `h`; order-sensitive, so it hashes sequences.
constexpr std::uint64_t hash_combine(std::uint64_t h, std::uint64_t value) {
  return mix64(h ^ (value + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)));
}

// FNV-1a over bytes, then mixed: stable across builds and platforms.
constexpr std::uint64_t hash_bytes(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return mix64(h);
}

}  // namespace dsim
