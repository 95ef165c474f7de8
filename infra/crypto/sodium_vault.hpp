#pragma once
// The key vault on libsodium and its own RocksDB database (DESIGN.md §6): one
// random XChaCha20-Poly1305 key per (tenant, subject), stored wrapped under a
// key derived from the master key; destroying it is crypto-shredding.
// Thread-safety: all methods may be called from any thread.
//
// Sealed value (compact JSON, base64 = libsodium's URL-safe variant without
// padding, sodium_base64_VARIANT_URLSAFE_NO_PADDING):
//   {"sealed":"xchacha20poly1305","v":1,"subject":"<subject>","nonce":"<24 bytes>","ct":"<ciphertext+tag>"}
// The AEAD associated data is "<tenant>/<subject>", so a sealed value opens
// only for the tenant and subject it was sealed for.
//
// Keys derived from the master key (crypto_kdf, context "chrvault"): #1 wraps
// subject keys, #2 keys the blind index (BLAKE2b-256, 64 hex digits), #3 keys
// the vault's check record. Records in the vault's RocksDB:
//   "k/<tenant>/<subject>" → 0x01, nonce(24), wrapped key(32+16), associated
//     data "<tenant>/<subject>"; or "x" once destroyed: the tombstone
//     overwrites the key, so compaction drops the key's bytes;
//   "m/check" → keyed BLAKE2b of a constant, to refuse another master key.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "commands/ports/pii_vault.hpp"
#include "infra/store/disk_guard.hpp"

namespace rocksdb { class DB; }

namespace chronicle::infra {

// The master key, from (first that applies) the environment variable
// CHRONICLE_MASTER_KEY, `key_file` when non-empty, or DATA_DIR/master.key,
// which is generated (random, hex, mode 0600) when absent. Accepted formats:
// 64 hex digits, or base64 (standard or URL-safe, padded or not) of 32
// bytes; trailing whitespace is ignored. Prints nothing.
result<std::array<unsigned char, 32>> load_master_key(const std::string& data_dir, const std::string& key_file);

class sodium_vault final : public commands::pii_vault {
 public:
  // Opens (creating if needed) the vault in `dir`. A vault created with
  // another master key fails closed: failed_precondition
  // "master_key_mismatch".
  static result<std::unique_ptr<sodium_vault>> open(const std::string& dir,
                                                   const std::array<unsigned char, 32>& master_key);
  ~sodium_vault() override;
  sodium_vault(const sodium_vault&) = delete;
  sodium_vault& operator=(const sodium_vault&) = delete;

  // Tenants are non-empty without '/' or NUL; subjects are 1–128 printable
  // ASCII characters; other names are invalid_argument. open() gives nullopt
  // when the subject's key is destroyed or absent, and internal "pii_corrupt"
  // when a sealed value is malformed or fails authentication.
  result<std::string> seal(std::string_view tenant, std::string_view subject, std::string_view plaintext) override;
  result<std::optional<std::string>> open(std::string_view tenant, std::string_view pii) override;
  std::string blind_index(std::string_view tenant, std::string_view purpose, std::string_view value) override;
  status sync() override;
  status destroy(std::string_view tenant, std::string_view subject) override;
  status compact() override;
  // New subject keys and erasures are refused (503 storage_full) while
  // `guard` says the disk is nearly full; none by default.
  void set_guard(std::shared_ptr<disk_guard> guard) { guard_ = std::move(guard); }

  // The subject's key record exactly as stored (wrapped, or the tombstone);
  // nullopt when absent. For tests that check a destroyed key is off disk.
  result<std::optional<std::string>> stored_key_record(std::string_view tenant, std::string_view subject);

  // Decrypted subject keys kept in memory; beyond this, a pseudo-randomly
  // chosen one is dropped.
  static constexpr std::size_t key_cache_capacity = 100'000;

 private:
  // A subject key in memory; zeroed when dropped.
  struct key_bytes {
    std::array<unsigned char, 32> k{};
    key_bytes() = default;
    key_bytes(const key_bytes&) = default;
    key_bytes& operator=(const key_bytes&) = default;
    ~key_bytes();
  };
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  enum class lookup { found, absent, destroyed };

  sodium_vault() = default;
  result<lookup> read_key(const std::string& who, key_bytes& out);
  result<std::optional<key_bytes>> key_for_open(const std::string& who);
  result<key_bytes> key_for_seal(const std::string& who);
  bool cached(const std::string& who, key_bytes& out);
  void cache_put(const std::string& who, const key_bytes& key, std::uint64_t seen_destroys);

  std::unique_ptr<rocksdb::DB> db_;
  std::string dir_;
  key_bytes wrap_key_;
  key_bytes index_key_;

  std::shared_mutex cache_m_;
  std::unordered_map<std::string, key_bytes, string_hash, std::equal_to<>> cache_;
  // Bumped (under cache_m_) by every destroy, so a key read from disk before
  // a destroy is not cached after it.
  std::atomic<std::uint64_t> destroys_{0};

  // Serialises key creation with itself and with destroy(): two first seals
  // of a subject must not create two keys, nor a seal revive an erased one.
  std::mutex create_m_;
  std::shared_ptr<disk_guard> guard_;

  // Keys written since open, and how many of them a sync made durable.
  std::atomic<std::uint64_t> created_{0};
  std::atomic<std::uint64_t> synced_{0};
  std::mutex sync_m_;
};

}  // namespace chronicle::infra
