#include "infra/crypto/sodium_vault.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <simdjson.h>
#include <sodium.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include "infra/store/rocks_util.hpp"

namespace chronicle::infra {
namespace {

constexpr char kdf_context[crypto_kdf_CONTEXTBYTES + 1] = "chrvault";
constexpr std::uint64_t wrap_key_id = 1;
constexpr std::uint64_t index_key_id = 2;
constexpr std::uint64_t check_key_id = 3;

constexpr std::string_view check_record = "m/check";
constexpr std::string_view check_constant = "chronicle key vault v1";
constexpr std::string_view tombstone = "x";
constexpr char key_record_version = 0x01;
constexpr std::string_view algorithm = "xchacha20poly1305";
constexpr int b64_variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

constexpr std::size_t nonce_size = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t tag_size = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr std::size_t key_size = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
constexpr std::size_t key_record_size = 1 + nonce_size + key_size + tag_size;
constexpr std::size_t index_size = 32;
constexpr std::size_t max_subject_size = 128;

static_assert(crypto_kdf_KEYBYTES == 32 && key_size == 32);

using uchar = unsigned char;
const uchar* bytes(std::string_view s) { return reinterpret_cast<const uchar*>(s.data()); }
uchar* bytes(std::string& s) { return reinterpret_cast<uchar*>(s.data()); }

error from_status(const rocksdb::Status& s, std::string_view what) {
  auto kind = s.IsNoSpace() || s.IsIOError() || s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()
                  ? errc::unavailable
                  : errc::internal;
  return error::make(kind, s.IsNoSpace() ? "storage_full" : "storage_error",
                     "key vault, " + std::string(what) + ": " + s.ToString());
}

error unexpected(const std::exception& e) {
  return error::make(errc::internal, "vault_error", std::string("key vault: ") + e.what());
}

error corrupt(std::string_view why) {
  return error::make(errc::internal, "pii_corrupt", "sealed personal data cannot be opened: " + std::string(why));
}

rocksdb::Slice slice(std::string_view s) { return {s.data(), s.size()}; }

// Tenants may not contain '/', so "<tenant>/<subject>" names one pair.
status check_names(std::string_view tenant, std::string_view subject) {
  if (tenant.empty() || tenant.find_first_of(std::string_view("/\0", 2)) != std::string_view::npos)
    return error::invalid("invalid_tenant", "a tenant is non-empty and contains no '/' or NUL");
  if (subject.empty() || subject.size() > max_subject_size)
    return error::invalid("invalid_subject", "a data subject id has 1 to 128 characters");
  for (unsigned char c : subject)
    if (c < 0x20 || c > 0x7e) return error::invalid("invalid_subject", "a data subject id is printable ASCII");
  return {};
}

std::string who_of(std::string_view tenant, std::string_view subject) {
  std::string who;
  who.reserve(tenant.size() + 1 + subject.size());
  who.append(tenant).append(1, '/').append(subject);
  return who;
}

std::string record_key(std::string_view who) { return "k/" + std::string(who); }

std::string to_base64(const uchar* p, std::size_t n) {
  std::string out(sodium_base64_encoded_len(n, b64_variant), '\0');
  sodium_bin2base64(out.data(), out.size(), p, n, b64_variant);
  out.pop_back();  // the terminating NUL
  return out;
}

bool from_base64(std::string_view in, std::string& out) {
  out.resize(in.size() / 4 * 3 + 3);
  std::size_t n = 0;
  if (sodium_base642bin(bytes(out), out.size(), in.data(), in.size(), nullptr, &n, nullptr, b64_variant) != 0)
    return false;
  out.resize(n);
  return true;
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += esc;
    } else {
      out += c;
    }
  }
  out += '"';
}

// ---- master key files -----------------------------------------------------------

error key_file_error(const std::string& path, std::string_view doing, int err) {
  return error::make(errc::failed_precondition, "master_key_unreadable",
                     "cannot " + std::string(doing) + " the master key file " + path + ": " + std::strerror(err));
}

// Zeroes the text it holds when it goes, since that text is a key.
struct secret_text {
  std::string s;
  ~secret_text() { sodium_memzero(s.data(), s.size()); }
};

result<std::array<uchar, 32>> parse_master_key(std::string_view text, const std::string& source) {
  while (!text.empty() && std::string_view(" \t\r\n").find(text.back()) != std::string_view::npos)
    text.remove_suffix(1);
  std::array<uchar, 32> key{};
  std::size_t n = 0;
  auto decoded = [&](int rc) { return rc == 0 && n == key.size(); };
  bool ok = text.size() == 64 &&
            decoded(sodium_hex2bin(key.data(), key.size(), text.data(), text.size(), nullptr, &n, nullptr));
  for (int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
                      sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING})
    ok = ok || (!text.empty() && decoded(sodium_base642bin(key.data(), key.size(), text.data(), text.size(),
                                                           nullptr, &n, nullptr, variant)));
  if (!ok) {
    sodium_memzero(key.data(), key.size());
    return error::invalid("invalid_master_key", source + " does not hold a master key: expected 64 hex digits "
                                                         "or the base64 of 32 bytes");
  }
  if (sodium_is_zero(key.data(), key.size()))
    return error::invalid("invalid_master_key", source + " holds an all-zero master key");
  return key;
}

// Reads a key file of at most 4 KiB; nullopt when it does not exist.
result<std::optional<std::array<uchar, 32>>> read_key_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::array<uchar, 32>>{};
    return key_file_error(path, "open", errno);
  }
  secret_text text;
  text.s.resize(4097);
  std::size_t got = 0;
  while (got < text.s.size()) {
    auto n = ::read(fd, text.s.data() + got, text.s.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return key_file_error(path, "read", err);
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (got == text.s.size())
    return error::invalid("invalid_master_key", "the master key file " + path + " is too large to hold a key");
  auto key = parse_master_key(std::string_view(text.s.data(), got), "the master key file " + path);
  if (!key) return std::move(key).err();
  return std::optional{*key};
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    auto n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Writes a fresh key to a private temporary file and links it into place, so
// the key file is never readable by others, never seen half-written, and a
// concurrent starter's key wins cleanly (link fails with EEXIST).
result<std::optional<std::array<uchar, 32>>> generate_key_file(const std::string& path) {
  std::array<uchar, 32> key;
  randombytes_buf(key.data(), key.size());
  secret_text hex;
  hex.s.resize(65);
  sodium_bin2hex(hex.s.data(), hex.s.size(), key.data(), key.size());
  hex.s.back() = '\n';

  std::array<uchar, 8> salt;
  randombytes_buf(salt.data(), salt.size());
  char salt_hex[17];
  sodium_bin2hex(salt_hex, sizeof salt_hex, salt.data(), salt.size());
  auto tmp = path + ".tmp-" + salt_hex;

  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    sodium_memzero(key.data(), key.size());
    return key_file_error(tmp, "create", errno);
  }
  int err = 0;
  if (::fchmod(fd, 0600) != 0 || !write_all(fd, hex.s) || ::fsync(fd) != 0) err = errno ? errno : EIO;
  ::close(fd);
  if (err == 0 && ::link(tmp.c_str(), path.c_str()) != 0) err = errno;
  ::unlink(tmp.c_str());
  if (err == EEXIST) {
    sodium_memzero(key.data(), key.size());
    return std::optional<std::array<uchar, 32>>{};
  }
  if (err != 0) {
    sodium_memzero(key.data(), key.size());
    return key_file_error(path, "write", err);
  }
  auto parent = std::filesystem::path(path).parent_path();
  int dir = ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return std::optional{key};
}

// ---- subject key records ---------------------------------------------------------

std::string wrap(const std::array<uchar, 32>& kek, std::string_view who, const std::array<uchar, 32>& key) {
  std::string rec(key_record_size, '\0');
  rec[0] = key_record_version;
  uchar* nonce = bytes(rec) + 1;
  randombytes_buf(nonce, nonce_size);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + nonce_size, &clen, key.data(), key.size(), bytes(who),
                                             who.size(), nullptr, nonce, kek.data());
  return rec;
}

bool unwrap(const std::array<uchar, 32>& kek, std::string_view who, std::string_view rec,
            std::array<uchar, 32>& key) {
  if (rec.size() != key_record_size || rec[0] != key_record_version) return false;
  const uchar* nonce = bytes(rec) + 1;
  unsigned long long mlen = 0;
  return crypto_aead_xchacha20poly1305_ietf_decrypt(key.data(), &mlen, nullptr, nonce + nonce_size,
                                                    key_size + tag_size, bytes(who), who.size(), nonce,
                                                    kek.data()) == 0 &&
         mlen == key.size();
}

}  // namespace

// ---- master key -------------------------------------------------------------------

result<std::array<unsigned char, 32>> load_master_key(const std::string& data_dir, const std::string& key_file) try {
  if (sodium_init() < 0) return error::make(errc::internal, "sodium_init_failed", "libsodium failed to initialise");
  if (const char* env = std::getenv("CHRONICLE_MASTER_KEY")) {
    if (*env == '\0')
      return error::invalid("invalid_master_key", "CHRONICLE_MASTER_KEY is set but empty");
    return parse_master_key(env, "CHRONICLE_MASTER_KEY");
  }
  if (!key_file.empty()) {
    auto key = read_key_file(key_file);
    if (!key) return std::move(key).err();
    if (!key->has_value())
      return error::make(errc::failed_precondition, "master_key_unreadable",
                         "the master key file " + key_file + " does not exist");
    return **key;
  }
  if (data_dir.empty())
    return error::invalid("invalid_master_key", "no master key: neither a key file nor a data directory was given");
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec)
    return error::make(errc::failed_precondition, "master_key_unreadable",
                       "cannot create the data directory " + data_dir + ": " + ec.message());
  auto path = (std::filesystem::path(data_dir) / "master.key").string();
  // A second round covers losing the race to create the file to another process.
  for (int round = 0; round < 2; ++round) {
    auto existing = read_key_file(path);
    if (!existing) return std::move(existing).err();
    if (existing->has_value()) return **existing;
    auto made = generate_key_file(path);
    if (!made) return std::move(made).err();
    if (made->has_value()) return **made;
  }
  return error::make(errc::failed_precondition, "master_key_unreadable",
                     "the master key file " + path + " keeps appearing and disappearing");
} catch (const std::exception& e) {
  return unexpected(e);
}

// ---- vault --------------------------------------------------------------------------

sodium_vault::key_bytes::~key_bytes() { sodium_memzero(k.data(), k.size()); }

sodium_vault::~sodium_vault() = default;

result<std::unique_ptr<sodium_vault>> sodium_vault::open(const std::string& dir,
                                                         const std::array<unsigned char, 32>& master_key) try {
  if (sodium_init() < 0) return error::make(errc::internal, "sodium_init_failed", "libsodium failed to initialise");
  auto v = std::unique_ptr<sodium_vault>(new sodium_vault());
  v->dir_ = dir;
  key_bytes check_key;
  crypto_kdf_derive_from_key(v->wrap_key_.k.data(), key_size, wrap_key_id, kdf_context, master_key.data());
  crypto_kdf_derive_from_key(v->index_key_.k.data(), key_size, index_key_id, kdf_context, master_key.data());
  crypto_kdf_derive_from_key(check_key.k.data(), key_size, check_key_id, kdf_context, master_key.data());

  // Key records are tiny and mostly read once per process (then cached).
  rocksdb::Options opts;
  opts.create_if_missing = true;
  opts.max_background_jobs = 1;
  opts.write_buffer_size = 8 << 20;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(8 << 20);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(opts, dir, &raw);
  if (!s.ok()) return from_status(s, "opening " + dir);
  v->db_.reset(raw);

  std::string expected(32, '\0');
  crypto_generichash(bytes(expected), expected.size(), bytes(check_constant), check_constant.size(),
                     check_key.k.data(), check_key.k.size());
  std::string stored;
  s = v->db_->Get(rocksdb::ReadOptions{}, slice(check_record), &stored);
  if (s.IsNotFound()) {
    // Without a check record, key records mean the vault was damaged: refuse
    // rather than adopt whatever master key came along.
    std::unique_ptr<rocksdb::Iterator> it(v->db_->NewIterator(rocksdb::ReadOptions{}));
    it->Seek("k/");
    if (it->Valid() && it->key().starts_with("k/"))
      return error::make(errc::internal, "vault_corrupt", "the key vault in " + dir + " has lost its check record");
    if (!it->status().ok()) return from_status(it->status(), "reading " + dir);
    rocksdb::WriteOptions wo;
    wo.sync = true;
    s = v->db_->Put(wo, slice(check_record), expected);
    if (!s.ok()) return from_status(s, "initialising " + dir);
  } else if (!s.ok()) {
    return from_status(s, "reading " + dir);
  } else if (stored.size() != expected.size() ||
             sodium_memcmp(stored.data(), expected.data(), expected.size()) != 0) {
    return error::make(errc::failed_precondition, "master_key_mismatch",
                       "the master key does not match the key vault in " + dir);
  }
  return v;
} catch (const std::exception& e) {
  return unexpected(e);
}

bool sodium_vault::cached(const std::string& who, key_bytes& out) {
  std::shared_lock lock(cache_m_);
  auto it = cache_.find(who);
  if (it == cache_.end()) return false;
  out = it->second;
  return true;
}

void sodium_vault::cache_put(const std::string& who, const key_bytes& key, std::uint64_t seen_destroys) {
  std::unique_lock lock(cache_m_);
  if (destroys_.load(std::memory_order_relaxed) != seen_destroys) return;
  if (cache_.size() >= key_cache_capacity && !cache_.count(who)) {
    // Evicts from a bucket picked by the newcomer's hash: spread like random
    // eviction. (begin() is often the newest entry: it would freeze the cache.)
    auto buckets = cache_.bucket_count();
    for (auto b = string_hash{}(who) % buckets;; b = (b + 1) % buckets) {
      if (cache_.bucket_size(b) == 0) continue;
      auto victim = cache_.begin(b)->first;
      cache_.erase(victim);
      break;
    }
  }
  cache_.insert_or_assign(who, key);
}

result<sodium_vault::lookup> sodium_vault::read_key(const std::string& who, key_bytes& out) {
  std::string rec;
  auto s = db_->Get(rocksdb::ReadOptions{}, record_key(who), &rec);
  if (s.IsNotFound()) return lookup::absent;
  if (!s.ok()) return from_status(s, "reading a subject key");
  if (rec == tombstone) return lookup::destroyed;
  bool ok = unwrap(wrap_key_.k, who, rec, out.k);
  sodium_memzero(rec.data(), rec.size());
  if (!ok)
    return error::make(errc::internal, "vault_corrupt",
                       "the key record of " + who + " in the key vault " + dir_ + " cannot be decrypted");
  return lookup::found;
}

result<std::optional<sodium_vault::key_bytes>> sodium_vault::key_for_open(const std::string& who) {
  key_bytes key;
  if (cached(who, key)) return std::optional{key};
  auto seen = destroys_.load(std::memory_order_acquire);
  auto found = read_key(who, key);
  if (!found) return std::move(found).err();
  if (*found != lookup::found) return std::optional<key_bytes>{};
  cache_put(who, key, seen);
  return std::optional{key};
}

result<sodium_vault::key_bytes> sodium_vault::key_for_seal(const std::string& who) {
  key_bytes key;
  if (cached(who, key)) return key;
  std::lock_guard lock(create_m_);
  if (cached(who, key)) return key;
  auto seen = destroys_.load(std::memory_order_acquire);
  auto found = read_key(who, key);
  if (!found) return std::move(found).err();
  if (*found == lookup::destroyed)
    return error::make(errc::failed_precondition, "subject_erased",
                       "the data subject was erased; no personal data can be sealed for it again");
  if (*found == lookup::absent) {
    if (guard_)
      if (auto room = guard_->check(); !room) return std::move(room).err();
    crypto_aead_xchacha20poly1305_ietf_keygen(key.k.data());
    // Not synced here: sync() runs once per batch, before its events are
    // appended, and makes every key created so far durable.
    auto s = resume_after_failure(*db_, db_->Put(rocksdb::WriteOptions{}, record_key(who), wrap(wrap_key_.k, who, key.k)));
    if (!s.ok()) return from_status(s, "storing a subject key");
    created_.fetch_add(1, std::memory_order_release);
  }
  cache_put(who, key, seen);
  return key;
}

result<std::string> sodium_vault::seal(std::string_view tenant, std::string_view subject,
                                       std::string_view plaintext) try {
  if (auto ok = check_names(tenant, subject); !ok) return std::move(ok).err();
  auto who = who_of(tenant, subject);
  auto key = key_for_seal(who);
  if (!key) return std::move(key).err();
  std::array<uchar, nonce_size> nonce;
  randombytes_buf(nonce.data(), nonce.size());
  std::string ct(plaintext.size() + tag_size, '\0');
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(bytes(ct), &clen, bytes(plaintext), plaintext.size(), bytes(who),
                                             who.size(), nullptr, nonce.data(), key->k.data());
  std::string out;
  out.reserve(96 + subject.size() + ct.size() * 4 / 3);
  out += R"({"sealed":"xchacha20poly1305","v":1,"subject":)";
  append_json_string(out, subject);
  out += R"(,"nonce":")";
  out += to_base64(nonce.data(), nonce.size());
  out += R"(","ct":")";
  out += to_base64(bytes(ct), clen);
  out += R"("})";
  return out;
} catch (const std::exception& e) {
  return unexpected(e);
}

result<std::optional<std::string>> sodium_vault::open(std::string_view tenant, std::string_view pii) try {
  auto plain = [&] { return std::optional<std::string>{std::string(pii)}; };
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (parser.parse(pii.data(), pii.size()).get_object().get(obj) != simdjson::SUCCESS) return plain();
  simdjson::dom::element sealed;
  if (obj["sealed"].get(sealed) != simdjson::SUCCESS) return plain();

  std::string_view alg, subject, nonce_b64, ct_b64;
  std::int64_t version = 0;
  if (sealed.get_string().get(alg) != simdjson::SUCCESS || alg != algorithm)
    return corrupt("unknown sealing algorithm");
  if (obj["v"].get_int64().get(version) != simdjson::SUCCESS || version != 1)
    return corrupt("unknown sealed format version");
  if (obj["subject"].get_string().get(subject) != simdjson::SUCCESS ||
      obj["nonce"].get_string().get(nonce_b64) != simdjson::SUCCESS ||
      obj["ct"].get_string().get(ct_b64) != simdjson::SUCCESS)
    return corrupt("a member is missing");
  if (auto ok = check_names(tenant, subject); !ok)
    return ok.err().code == "invalid_tenant" ? std::move(ok).err() : corrupt(ok.err().message);
  std::string nonce, ct;
  if (!from_base64(nonce_b64, nonce) || nonce.size() != nonce_size) return corrupt("bad nonce");
  if (!from_base64(ct_b64, ct) || ct.size() < tag_size) return corrupt("bad ciphertext");

  auto who = who_of(tenant, subject);
  auto key = key_for_open(who);
  if (!key) return std::move(key).err();
  if (!key->has_value()) return std::optional<std::string>{};
  std::string out(ct.size() - tag_size, '\0');
  unsigned long long mlen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(bytes(out), &mlen, nullptr, bytes(ct), ct.size(), bytes(who),
                                                 who.size(), bytes(nonce), (*key)->k.data()) != 0)
    return corrupt("authentication failed for subject " + std::string(subject));
  out.resize(mlen);
  return std::optional{std::move(out)};
} catch (const std::exception& e) {
  return unexpected(e);
}

std::string sodium_vault::blind_index(std::string_view tenant, std::string_view purpose, std::string_view value) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, index_key_.k.data(), index_key_.k.size(), index_size);
  const uchar zero = 0;
  crypto_generichash_update(&st, bytes(tenant), tenant.size());
  crypto_generichash_update(&st, &zero, 1);
  crypto_generichash_update(&st, bytes(purpose), purpose.size());
  crypto_generichash_update(&st, &zero, 1);
  crypto_generichash_update(&st, bytes(value), value.size());
  std::array<uchar, index_size> digest;
  crypto_generichash_final(&st, digest.data(), digest.size());
  char hex[index_size * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest.data(), digest.size());
  return std::string(hex, index_size * 2);
}

status sodium_vault::sync() try {
  auto target = created_.load(std::memory_order_acquire);
  if (synced_.load(std::memory_order_acquire) >= target) return {};
  std::lock_guard lock(sync_m_);
  // A sync that ran while this one waited may already cover `target`.
  if (synced_.load(std::memory_order_acquire) >= target) return {};
  auto upto = created_.load(std::memory_order_acquire);
  auto s = resume_after_failure(*db_, db_->FlushWAL(true));
  if (!s.ok()) return from_status(s, "syncing subject keys");
  synced_.store(upto, std::memory_order_release);
  return {};
} catch (const std::exception& e) {
  return unexpected(e);
}

status sodium_vault::destroy(std::string_view tenant, std::string_view subject) try {
  if (auto ok = check_names(tenant, subject); !ok) return std::move(ok).err();
  auto who = who_of(tenant, subject);
  std::lock_guard lock(create_m_);
  if (guard_)
    if (auto room = guard_->check(); !room) return room;
  // The tombstone overwrites the key record, so the next compaction drops it.
  rocksdb::WriteOptions wo;
  wo.sync = true;
  auto s = resume_after_failure(*db_, db_->Put(wo, record_key(who), slice(tombstone)));
  if (!s.ok()) return from_status(s, "destroying a subject key");
  std::unique_lock cache_lock(cache_m_);
  cache_.erase(who);
  destroys_.fetch_add(1, std::memory_order_release);
  return {};
} catch (const std::exception& e) {
  return unexpected(e);
}

status sodium_vault::compact() try {
  auto s = compact_all(*db_);
  if (!s.ok()) return from_status(s, "compacting");
  return {};
} catch (const std::exception& e) {
  return unexpected(e);
}

result<std::optional<std::string>> sodium_vault::stored_key_record(std::string_view tenant,
                                                                   std::string_view subject) {
  std::string rec;
  auto s = db_->Get(rocksdb::ReadOptions{}, record_key(who_of(tenant, subject)), &rec);
  if (s.IsNotFound()) return std::optional<std::string>{};
  if (!s.ok()) return from_status(s, "reading a subject key");
  return std::optional{std::move(rec)};
}

}  // namespace chronicle::infra
