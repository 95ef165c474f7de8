#include "infra/store/rocks_stores.hpp"
#include "infra/store/rocks_util.hpp"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace chronicle::infra {
namespace {

error from_status(const rocksdb::Status& s, std::string_view what) {
  auto kind = s.IsNoSpace() || s.IsIOError() || s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()
                  ? errc::unavailable
                  : errc::internal;
  return error::make(kind, s.IsNoSpace() ? "storage_full" : "storage_error",
                     std::string(what) + ": " + s.ToString());
}

// The key up to its last '/': the "folder" a key lives in. Keys are written
// folder by folder in increasing order (a subject's audit entries, a
// tenant's customers), so the memtable starts each insert from where the
// folder's previous one landed instead of from the top of its skiplist.
class folder_transform final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "chronicle.folder"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    auto k = std::string_view(key.data(), key.size());
    return {key.data(), k.rfind('/') + 1};
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return std::string_view(key.data(), key.size()).find('/') != std::string_view::npos;
  }
};

rocksdb::WriteOptions unsynced() {
  rocksdb::WriteOptions wo;
  wo.sync = false;
  return wo;
}

// Length-prefixed fields: the state store's own compact record format.
void put_field(std::string& out, std::string_view v) {
  auto n = static_cast<std::uint32_t>(v.size());
  out.append(reinterpret_cast<const char*>(&n), 4);
  out.append(v);
}
bool get_field(std::string_view& in, std::string& v) {
  if (in.size() < 4) return false;
  std::uint32_t n;
  std::memcpy(&n, in.data(), 4);
  if (in.size() < 4 + n) return false;
  v.assign(in.substr(4, n));
  in.remove_prefix(4 + n);
  return true;
}

std::string snapshot_key(std::string_view s) { return "s/" + std::string(s); }
std::string idem_key(std::string_view k) { return "i/" + std::string(k); }
// Index of idempotency records by stream, so an erasure can drop them.
std::string idem_by_stream_prefix(std::string_view stream) { return "j/" + std::string(stream) + '\0'; }
std::string claim_key(std::string_view k) { return "u/" + std::string(k); }
std::string ckpt_key(const topic_partition& tp) { return "c/" + tp.topic + "/" + std::to_string(tp.partition); }

// The smallest key greater than every key that starts with `prefix`.
std::string prefix_successor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    if (static_cast<unsigned char>(s.back()) != 0xff) {
      s.back() = static_cast<char>(static_cast<unsigned char>(s.back()) + 1);
      return s;
    }
    s.pop_back();
  }
  return s;  // empty: no upper bound
}

}  // namespace

result<std::shared_ptr<rocks_db>> rocks_db::open(const std::string& dir, std::size_t cache_mb) {
  auto opts = base_options();
  opts.memtable_insert_with_hint_prefix_extractor = std::make_shared<folder_transform>();
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(cache_mb << 20);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(opts, dir, &raw);
  if (!s.ok()) return from_status(s, "opening " + dir);
  auto r = std::shared_ptr<rocks_db>(new rocks_db());
  r->db_.reset(raw);
  return r;
}

rocks_db::~rocks_db() = default;

std::uint64_t rocks_db::background_jobs() { return infra::background_jobs(*db_); }

status rocks_db::compact() {
  auto s = compact_all(*db_);
  if (!s.ok()) return from_status(s, "compacting");
  return {};
}

// ---- read models ------------------------------------------------------------

result<std::optional<std::string>> rocks_kv::get(std::string_view key) {
  std::string v;
  auto s = db_->db().Get(rocksdb::ReadOptions{}, rocksdb::Slice(key.data(), key.size()), &v);
  if (s.IsNotFound()) return std::optional<std::string>{};
  if (!s.ok()) return from_status(s, "reading a read model");
  return std::optional{std::move(v)};
}

status rocks_kv::write(const std::vector<projections::kv_write>& batch) {
  if (auto room = db_->check_space(); !room) return room;
  rocksdb::WriteBatch wb;
  for (auto& w : batch) {
    if (w.value) wb.Put(w.key, *w.value);
    else wb.Delete(w.key);
  }
  auto s = resume_after_failure(db_->db(), db_->db().Write(unsynced(), &wb));
  if (!s.ok()) return from_status(s, "writing read models");
  return {};
}

result<projections::kv_pairs> rocks_kv::scan(std::string_view prefix, std::string_view after,
                                             std::size_t limit, bool reverse) {
  projections::kv_pairs out;
  std::unique_ptr<rocksdb::Iterator> it(db_->db().NewIterator(rocksdb::ReadOptions{}));
  rocksdb::Slice pre(prefix.data(), prefix.size());
  if (!reverse) {
    if (after.empty()) {
      it->Seek(pre);
    } else {
      it->Seek(rocksdb::Slice(after.data(), after.size()));
      if (it->Valid() && it->key() == rocksdb::Slice(after.data(), after.size())) it->Next();
    }
    for (; it->Valid() && it->key().starts_with(pre) && out.size() < limit; it->Next())
      out.emplace_back(it->key().ToString(), it->value().ToString());
  } else {
    std::string upper = after.empty() ? prefix_successor(prefix) : std::string(after);
    if (upper.empty()) it->SeekToLast();
    else {
      it->SeekForPrev(upper);
      if (it->Valid() && it->key() == rocksdb::Slice(upper)) it->Prev();
    }
    for (; it->Valid() && it->key().starts_with(pre) && out.size() < limit; it->Prev())
      out.emplace_back(it->key().ToString(), it->value().ToString());
  }
  if (!it->status().ok()) return from_status(it->status(), "scanning a read model");
  return out;
}

// ---- command-side state -------------------------------------------------------

result<std::optional<commands::stream_snapshot>> rocks_state_store::load(std::string_view stream) {
  std::string v;
  auto s = db_->db().Get(rocksdb::ReadOptions{}, snapshot_key(stream), &v);
  if (s.IsNotFound()) return std::optional<commands::stream_snapshot>{};
  if (!s.ok()) return from_status(s, "loading a stream snapshot");
  if (v.size() < 8) return error::make(errc::internal, "corrupt_snapshot", "snapshot record too short");
  commands::stream_snapshot snap;
  std::memcpy(&snap.version, v.data(), 8);
  snap.state = v.substr(8);
  return std::optional{std::move(snap)};
}

result<std::optional<commands::idempotency_record>> rocks_state_store::find_idempotency(std::string_view key) {
  std::string v;
  auto s = db_->db().Get(rocksdb::ReadOptions{}, idem_key(key), &v);
  if (s.IsNotFound()) return std::optional<commands::idempotency_record>{};
  if (!s.ok()) return from_status(s, "reading an idempotency record");
  commands::idempotency_record r;
  std::string_view in(v);
  std::string version, created;
  if (!get_field(in, r.request_hash) || !get_field(in, r.stream) || !get_field(in, version) ||
      !get_field(in, r.token) || !get_field(in, r.state) || !get_field(in, created))
    return error::make(errc::internal, "corrupt_idempotency_record", "idempotency record is malformed");
  std::from_chars(version.data(), version.data() + version.size(), r.version);
  r.created = created == "1";
  return std::optional{std::move(r)};
}

status rocks_state_store::commit(const commands::state_batch& b) {
  if (auto room = db_->check_space(); !room) return room;
  rocksdb::WriteBatch wb;
  for (auto& [stream, snap] : b.snapshots) {
    std::string v(8, '\0');
    std::memcpy(v.data(), &snap.version, 8);
    v += snap.state;
    wb.Put(snapshot_key(stream), v);
  }
  for (auto& [key, r] : b.idempotency) {
    // An erasure in the same batch wins over records of its stream.
    if (std::find(b.purged_streams.begin(), b.purged_streams.end(), r.stream) != b.purged_streams.end()) continue;
    std::string v;
    put_field(v, r.request_hash);
    put_field(v, r.stream);
    put_field(v, std::to_string(r.version));
    put_field(v, r.token);
    put_field(v, r.state);
    put_field(v, r.created ? "1" : "0");
    wb.Put(idem_key(key), v);
    wb.Put(idem_by_stream_prefix(r.stream) + key, "");
  }
  for (auto& k : b.released) wb.Delete(claim_key(k));
  for (auto& [k, owner] : b.claims) wb.Put(claim_key(k), owner);
  for (auto& stream : b.purged_streams) {
    auto prefix = idem_by_stream_prefix(stream);
    std::unique_ptr<rocksdb::Iterator> it(db_->db().NewIterator(rocksdb::ReadOptions{}));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      wb.Delete(idem_key(it->key().ToString().substr(prefix.size())));
      wb.Delete(it->key());
    }
  }
  for (auto& [tp, off] : b.checkpoint) wb.Put(ckpt_key(tp), std::to_string(off));
  auto s = resume_after_failure(db_->db(), db_->db().Write(unsynced(), &wb));
  if (!s.ok()) return from_status(s, "committing command state");
  return {};
}

result<std::optional<std::string>> rocks_state_store::find_claim(std::string_view key) {
  std::string v;
  auto s = db_->db().Get(rocksdb::ReadOptions{}, claim_key(key), &v);
  if (s.IsNotFound()) return std::optional<std::string>{};
  if (!s.ok()) return from_status(s, "reading a uniqueness claim");
  return std::optional{std::move(v)};
}

result<positions> rocks_state_store::checkpoint() {
  positions out;
  std::unique_ptr<rocksdb::Iterator> it(db_->db().NewIterator(rocksdb::ReadOptions{}));
  for (it->Seek("c/"); it->Valid() && it->key().starts_with("c/"); it->Next()) {
    auto k = it->key().ToString().substr(2);
    auto slash = k.rfind('/');
    std::uint32_t p = 0;
    std::uint64_t off = 0;
    std::from_chars(k.data() + slash + 1, k.data() + k.size(), p);
    auto v = it->value().ToString();
    std::from_chars(v.data(), v.data() + v.size(), off);
    out[{k.substr(0, slash), p}] = off;
  }
  if (!it->status().ok()) return from_status(it->status(), "reading the state checkpoint");
  return out;
}

}  // namespace chronicle::infra
