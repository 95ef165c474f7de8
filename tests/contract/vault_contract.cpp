// The contract of the key vault (commands/ports/pii_vault.hpp), written once
// and run against the in-memory fake and the libsodium adapter; then what
// only real cryptography can promise (hidden plaintext, tamper detection,
// master-key checks, keys gone from disk after erasure) and master key loading.
#include <sys/stat.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <thread>
#include <tuple>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "contract/support.hpp"
#include "infra/crypto/sodium_vault.hpp"
#include "infra/memory/memory_vault.hpp"

namespace chronicle::contract {
namespace {

using key32 = std::array<unsigned char, 32>;

key32 random_key() {
  std::random_device rd;
  key32 k;
  for (auto& b : k) b = static_cast<unsigned char>(rd());
  return k;
}

std::unique_ptr<infra::sodium_vault> open_vault(const std::string& dir, const key32& key) {
  auto v = infra::sodium_vault::open(dir, key);
  BOOST_REQUIRE_MESSAGE(v.ok(), (v.ok() ? "" : v.err().message));
  return std::move(v).value();
}

// ---- adapters ---------------------------------------------------------------

struct memory_adapter {
  infra::memory_vault vault_;
  commands::pii_vault& vault() { return vault_; }
};

struct sodium_adapter {
  temp_dir dir;
  std::unique_ptr<infra::sodium_vault> vault_ = open_vault(dir.sub("vault"), random_key());
  commands::pii_vault& vault() { return *vault_; }
};

using vault_adapters = std::tuple<memory_adapter, sodium_adapter>;

// ---- helpers ----------------------------------------------------------------

std::string seal_ok(commands::pii_vault& v, std::string_view tenant, std::string_view subject,
                    std::string_view plaintext) {
  auto r = v.seal(tenant, subject, plaintext);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
  return std::move(r).value();
}

std::optional<std::string> open_ok(commands::pii_vault& v, std::string_view tenant, std::string_view pii) {
  auto r = v.open(tenant, pii);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
  return std::move(r).value();
}

// The opened value, or "<unopenable>", so Boost.Test can print it.
std::string shown(const std::optional<std::string>& v) { return v ? *v : "<unopenable>"; }

void require_ok(const status& s) { BOOST_REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.err().message)); }

// The value of a string member of the sealed JSON (no escapes in what we read).
std::string member(const std::string& json, const std::string& name) {
  auto at = json.find("\"" + name + "\":\"");
  BOOST_REQUIRE(at != std::string::npos);
  at += name.size() + 4;
  return json.substr(at, json.find('"', at) - at);
}

std::string replace_member(std::string json, const std::string& name, const std::string& value) {
  auto at = json.find("\"" + name + "\":\"");
  BOOST_REQUIRE(at != std::string::npos);
  at += name.size() + 4;
  json.replace(at, json.find('"', at) - at, value);
  return json;
}

// Whether any file under `dir` contains `needle` byte for byte.
bool any_file_contains(const std::string& dir, const std::string& needle) {
  for (auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (data.find(needle) != std::string::npos) return true;
  }
  return false;
}

// Sets (or unsets, with nullopt) CHRONICLE_MASTER_KEY for one test.
struct master_key_env {
  std::optional<std::string> saved;
  explicit master_key_env(std::optional<std::string> value) {
    if (const char* old = std::getenv("CHRONICLE_MASTER_KEY")) saved = old;
    if (value) ::setenv("CHRONICLE_MASTER_KEY", value->c_str(), 1);
    else ::unsetenv("CHRONICLE_MASTER_KEY");
  }
  ~master_key_env() {
    if (saved) ::setenv("CHRONICLE_MASTER_KEY", saved->c_str(), 1);
    else ::unsetenv("CHRONICLE_MASTER_KEY");
  }
};

// 0xfb 0xef 0xff repeated: its base64 differs between the standard and the
// URL-safe alphabets.
const key32 sample_key = {0xfb, 0xef, 0xff, 0xfb, 0xef, 0xff, 0xfb, 0xef, 0xff, 0xfb, 0xef, 0xff, 0xfb, 0xef, 0xff, 0xfb,
                          0xef, 0xff, 0xfb, 0xef, 0xff, 0xfb, 0xef, 0xff, 0xfb, 0xef, 0xff, 0xfb, 0xef, 0xff, 0xfb, 0xef};
const std::string sample_hex = "fbeffffbeffffbeffffbeffffbeffffbeffffbeffffbeffffbeffffbeffffbef";
const std::string sample_base64 = "++//++//++//++//++//++//++//++//++//++//++8=";
const std::string sample_base64url = "--__--__--__--__--__--__--__--__--__--__--8";

const std::string ada = R"({"name":"Ada Lovelace","email":"ada@example.org","note":"caf\u00e9 \"quoted\" é"})";

}  // namespace

// ---- behaviour shared by every vault ------------------------------------------

BOOST_AUTO_TEST_SUITE(vault_contract)

BOOST_AUTO_TEST_CASE_TEMPLATE(a_sealed_value_opens_back_to_its_plaintext, A, vault_adapters) {
  A a;
  auto sealed = seal_ok(a.vault(), "acme", "01J0SUBJECTAAAAAAAAAAAAAAA", ada);
  BOOST_TEST(sealed.find("\"sealed\"") != std::string::npos);
  require_ok(a.vault().sync());
  auto opened = open_ok(a.vault(), "acme", sealed);
  BOOST_REQUIRE(opened.has_value());
  BOOST_TEST(*opened == ada);
  auto empty = seal_ok(a.vault(), "acme", "01J0SUBJECTAAAAAAAAAAAAAAA", "{}");
  BOOST_TEST(shown(open_ok(a.vault(), "acme", empty)) == "{}");
}

BOOST_AUTO_TEST_CASE_TEMPLATE(a_value_that_is_not_sealed_is_returned_unchanged, A, vault_adapters) {
  A a;
  for (std::string plain : {std::string(R"({"name":"Ada"})"), std::string("{}"),
                            std::string(R"({"note":"the word sealed in a value"})")}) {
    auto opened = open_ok(a.vault(), "acme", plain);
    BOOST_REQUIRE(opened.has_value());
    BOOST_TEST(*opened == plain);
  }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(destroying_a_subject_makes_every_earlier_value_of_it_unopenable_and_no_other,
                              A, vault_adapters) {
  A a;
  auto& v = a.vault();
  auto first = seal_ok(v, "acme", "01JERASED00000000000000000", R"({"name":"Ada"})");
  auto second = seal_ok(v, "acme", "01JERASED00000000000000000", R"({"phone":"+44 20"})");
  auto other_subject = seal_ok(v, "acme", "01JKEPT0000000000000000000", R"({"name":"Grace"})");
  auto other_tenant = seal_ok(v, "globex", "01JERASED00000000000000000", R"({"name":"Ada at Globex"})");
  require_ok(v.sync());
  // Opened once first, so a cached key must be dropped too.
  BOOST_REQUIRE(open_ok(v, "acme", first).has_value());

  require_ok(v.destroy("acme", "01JERASED00000000000000000"));
  BOOST_TEST(!open_ok(v, "acme", first).has_value());
  BOOST_TEST(!open_ok(v, "acme", second).has_value());
  BOOST_TEST(shown(open_ok(v, "acme", other_subject)) == R"({"name":"Grace"})");
  BOOST_TEST(shown(open_ok(v, "globex", other_tenant)) == R"({"name":"Ada at Globex"})");

  require_ok(v.destroy("acme", "01JERASED00000000000000000"));
  require_ok(v.destroy("acme", "01JNEVERSEALED000000000000"));
  BOOST_TEST(!open_ok(v, "acme", first).has_value());
  require_ok(v.compact());
  BOOST_TEST(!open_ok(v, "acme", second).has_value());
  BOOST_TEST(open_ok(v, "acme", other_subject).has_value());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(sealing_for_an_erased_subject_fails_with_subject_erased, A, vault_adapters) {
  A a;
  seal_ok(a.vault(), "acme", "01JERASED00000000000000000", R"({"name":"Ada"})");
  require_ok(a.vault().destroy("acme", "01JERASED00000000000000000"));
  require_ok(a.vault().destroy("acme", "01JNEVERSEALED000000000000"));
  for (auto subject : {"01JERASED00000000000000000", "01JNEVERSEALED000000000000"}) {
    auto r = a.vault().seal("acme", subject, R"({"name":"again"})");
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST((r.err().kind == errc::failed_precondition));
    BOOST_TEST(r.err().code == "subject_erased");
  }
  BOOST_TEST(a.vault().seal("globex", "01JERASED00000000000000000", "{}").ok());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(blind_index_is_deterministic_and_differs_by_tenant_purpose_and_value, A,
                              vault_adapters) {
  A a;
  auto& v = a.vault();
  auto base = v.blind_index("acme", "email", "ada@example.org");
  BOOST_TEST(!base.empty());
  BOOST_TEST(v.blind_index("acme", "email", "ada@example.org") == base);
  BOOST_TEST(v.blind_index("globex", "email", "ada@example.org") != base);
  BOOST_TEST(v.blind_index("acme", "phone", "ada@example.org") != base);
  BOOST_TEST(v.blind_index("acme", "email", "grace@example.org") != base);
  BOOST_TEST(base.find("ada") == std::string::npos);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(concurrent_first_seals_of_a_subject_share_one_key, A, vault_adapters) {
  A a;
  auto& v = a.vault();
  constexpr int threads = 8, per_thread = 50;
  std::vector<std::vector<std::string>> sealed(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        auto subject = "01JSHARED" + std::to_string(i % 5);
        auto r = v.seal("acme", subject, R"({"n":)" + std::to_string(t * 1000 + i) + "}");
        if (r.ok()) sealed[t].push_back(*r);
        if (i % 7 == 0) (void)v.sync();
      }
    });
  for (auto& th : pool) th.join();
  require_ok(v.sync());
  for (int t = 0; t < threads; ++t) {
    BOOST_REQUIRE_EQUAL(sealed[t].size(), std::size_t(per_thread));
    for (int i = 0; i < per_thread; ++i)
      BOOST_TEST(shown(open_ok(v, "acme", sealed[t][i])) == R"({"n":)" + std::to_string(t * 1000 + i) + "}");
  }
}

BOOST_AUTO_TEST_SUITE_END()

// ---- what only the libsodium vault can promise -----------------------------------

BOOST_AUTO_TEST_SUITE(sodium_vault)

BOOST_AUTO_TEST_CASE(a_sealed_value_has_the_documented_format_and_hides_the_plaintext) {
  sodium_adapter a;
  auto sealed = seal_ok(a.vault(), "acme", "01J0SUBJECTAAAAAAAAAAAAAAA", ada);
  const std::string head = R"({"sealed":"xchacha20poly1305","v":1,"subject":"01J0SUBJECTAAAAAAAAAAAAAAA","nonce":")";
  BOOST_TEST(sealed.substr(0, head.size()) == head);
  BOOST_TEST(sealed.find(R"(","ct":")") != std::string::npos);
  BOOST_TEST(sealed.substr(sealed.size() - 2) == "\"}");
  BOOST_TEST(member(sealed, "nonce").size() == 32u);  // 24 bytes, URL-safe base64 without padding
  for (auto secret : {"Ada Lovelace", "ada@example.org", "Lovelace"}) BOOST_TEST(sealed.find(secret) == std::string::npos);
  BOOST_TEST(sealed.find('=') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(subject_ids_are_json_escaped_and_bad_names_are_rejected) {
  sodium_adapter a;
  auto sealed = seal_ok(a.vault(), "acme", R"(odd"sub\ject)", "{}");
  BOOST_TEST(sealed.find(R"("subject":"odd\"sub\\ject")") != std::string::npos);
  BOOST_TEST(shown(open_ok(a.vault(), "acme", sealed)) == "{}");
  for (auto [tenant, subject] : std::vector<std::pair<std::string, std::string>>{
           {"acme", ""}, {"", "01J"}, {"ac/me", "01J"}, {"acme", "01J\n"}, {"acme", std::string(129, 'A')}}) {
    auto r = a.vault().seal(tenant, subject, "{}");
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST((r.err().kind == errc::invalid_argument));
  }
}

BOOST_AUTO_TEST_CASE(two_seals_of_the_same_plaintext_differ) {
  sodium_adapter a;
  auto one = seal_ok(a.vault(), "acme", "01J0SUBJECTAAAAAAAAAAAAAAA", ada);
  auto two = seal_ok(a.vault(), "acme", "01J0SUBJECTAAAAAAAAAAAAAAA", ada);
  BOOST_TEST(one != two);
  BOOST_TEST(member(one, "nonce") != member(two, "nonce"));
  BOOST_TEST(member(one, "ct") != member(two, "ct"));
}

BOOST_AUTO_TEST_CASE(reopening_with_the_same_master_key_opens_earlier_values) {
  temp_dir dir;
  auto key = random_key();
  std::string sealed, index;
  {
    auto v = open_vault(dir.sub("vault"), key);
    sealed = seal_ok(*v, "acme", "01J0SUBJECTAAAAAAAAAAAAAAA", ada);
    index = v->blind_index("acme", "email", "ada@example.org");
    require_ok(v->sync());
  }
  auto v = open_vault(dir.sub("vault"), key);
  BOOST_TEST(shown(open_ok(*v, "acme", sealed)) == ada);
  BOOST_TEST(v->blind_index("acme", "email", "ada@example.org") == index);
  // The same subject keeps its key: a new value and the old one both open.
  auto later = seal_ok(*v, "acme", "01J0SUBJECTAAAAAAAAAAAAAAA", "{}");
  BOOST_TEST(shown(open_ok(*v, "acme", later)) == "{}");
}

BOOST_AUTO_TEST_CASE(reopening_with_another_master_key_fails_with_master_key_mismatch) {
  temp_dir dir;
  std::string index;
  {
    auto v = open_vault(dir.sub("vault"), random_key());
    seal_ok(*v, "acme", "01J0SUBJECTAAAAAAAAAAAAAAA", ada);
    require_ok(v->sync());
    index = v->blind_index("acme", "email", "ada@example.org");
  }
  auto r = infra::sodium_vault::open(dir.sub("vault"), random_key());
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.err().kind == errc::failed_precondition));
  BOOST_TEST(r.err().code == "master_key_mismatch");
  BOOST_TEST(r.err().message == "the master key does not match the key vault in " + dir.sub("vault"));
  // A different master key also gives different blind indexes.
  auto fresh = open_vault(dir.sub("other"), random_key());
  BOOST_TEST(fresh->blind_index("acme", "email", "ada@example.org") != index);
}

BOOST_AUTO_TEST_CASE(a_tampered_or_misplaced_sealed_value_is_an_internal_error) {
  sodium_adapter a;
  auto& v = a.vault();
  auto sealed = seal_ok(v, "acme", "01JADA0000000000000000000", ada);
  seal_ok(v, "acme", "01JGRACE00000000000000000", "{}");
  seal_ok(v, "globex", "01JADA0000000000000000000", "{}");

  auto ct = member(sealed, "ct");
  auto flipped = ct;
  flipped[5] = flipped[5] == 'A' ? 'B' : 'A';
  auto nonce = member(sealed, "nonce");
  auto other_nonce = nonce;
  other_nonce[0] = other_nonce[0] == 'A' ? 'B' : 'A';
  const std::vector<std::string> bad = {
      replace_member(sealed, "ct", flipped),
      replace_member(sealed, "ct", ct.substr(0, 10)),
      replace_member(sealed, "ct", ""),
      replace_member(sealed, "ct", "not base64!"),
      replace_member(sealed, "nonce", other_nonce),
      replace_member(sealed, "nonce", nonce.substr(0, 20)),
      replace_member(sealed, "subject", "01JGRACE00000000000000000"),  // another subject's key
      replace_member(sealed, "sealed", "rot13"),
      R"({"sealed":"xchacha20poly1305","v":1})",
      R"({"sealed":true})",
  };
  for (auto& pii : bad) {
    auto r = v.open("acme", pii);
    BOOST_REQUIRE_MESSAGE(!r.ok(), "opened: " << pii);
    BOOST_TEST((r.err().kind == errc::internal));
    BOOST_TEST(r.err().code == "pii_corrupt");
  }
  // Bound to its tenant: under another tenant with the same subject, it fails.
  auto r = v.open("globex", sealed);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().code == "pii_corrupt");
  // The original is still fine.
  BOOST_TEST(shown(open_ok(v, "acme", sealed)) == ada);
}

BOOST_AUTO_TEST_CASE(an_erased_subjects_key_is_gone_from_the_vault_files_after_compaction) {
  temp_dir dir;
  auto key = random_key();
  const std::string marker = "MARKER-plaintext-7f3a9c";
  std::string erased, kept, record;
  {
    auto v = open_vault(dir.sub("vault"), key);
    erased = seal_ok(*v, "acme", "01JERASED00000000000000000", R"({"name":")" + marker + "\"}");
    kept = seal_ok(*v, "acme", "01JKEPT0000000000000000000", R"({"name":"Grace"})");
    require_ok(v->sync());
    auto stored = v->stored_key_record("acme", "01JERASED00000000000000000");
    BOOST_REQUIRE(stored.ok() && stored->has_value());
    record = **stored;
    BOOST_REQUIRE_EQUAL(record.size(), 73u);
    // Otherwise the search below would prove nothing.
    BOOST_REQUIRE(any_file_contains(dir.sub("vault"), record));

    require_ok(v->destroy("acme", "01JERASED00000000000000000"));
    require_ok(v->compact());
  }
  BOOST_TEST(!any_file_contains(dir.sub("vault"), record));
  BOOST_TEST(!any_file_contains(dir.sub("vault"), marker));

  auto v = open_vault(dir.sub("vault"), key);
  BOOST_TEST(!open_ok(*v, "acme", erased).has_value());
  BOOST_TEST(shown(open_ok(*v, "acme", kept)) == R"({"name":"Grace"})");
  auto again = v->seal("acme", "01JERASED00000000000000000", "{}");
  BOOST_REQUIRE(!again.ok());
  BOOST_TEST(again.err().code == "subject_erased");
}

BOOST_AUTO_TEST_SUITE_END()

// ---- master key loading -------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(vault_master_key)

BOOST_AUTO_TEST_CASE(a_generated_key_file_is_private_and_reused) {
  master_key_env env(std::nullopt);
  temp_dir dir;
  auto data = dir.sub("data");
  auto first = infra::load_master_key(data, "");
  BOOST_REQUIRE_MESSAGE(first.ok(), (first.ok() ? "" : first.err().message));
  auto path = data + "/master.key";
  struct stat st {};
  BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  BOOST_TEST(text.size() == 65u);
  BOOST_TEST(text.find_first_not_of("0123456789abcdef\n") == std::string::npos);

  auto second = infra::load_master_key(data, "");
  BOOST_REQUIRE(second.ok());
  BOOST_TEST((*second == *first));
  BOOST_TEST(std::distance(std::filesystem::directory_iterator(data), std::filesystem::directory_iterator()) == 1);
}

BOOST_AUTO_TEST_CASE(the_environment_variable_accepts_hex_and_base64_and_rejects_anything_else) {
  temp_dir dir;
  for (auto text : {sample_hex, sample_base64, sample_base64url, sample_base64.substr(0, 43), sample_hex + "\n"}) {
    master_key_env env(text);
    auto k = infra::load_master_key(dir.sub("data"), "");
    BOOST_REQUIRE_MESSAGE(k.ok(), text << ": " << (k.ok() ? "" : k.err().message));
    BOOST_TEST((*k == sample_key));
  }
  for (auto text : {std::string(""), std::string("not a key"), sample_hex.substr(0, 62), sample_hex + "00",
                    std::string("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHw=="),  // 31 bytes
                    std::string(64, '0'), "0x" + sample_hex.substr(2)}) {
    master_key_env env(text);
    auto k = infra::load_master_key(dir.sub("data"), "");
    BOOST_REQUIRE_MESSAGE(!k.ok(), "accepted: " << text);
    BOOST_TEST((k.err().kind == errc::invalid_argument));
    BOOST_TEST(k.err().message.find("CHRONICLE_MASTER_KEY") != std::string::npos);
  }
  // Nothing was generated while the environment supplied the key.
  BOOST_TEST(!std::filesystem::exists(dir.sub("data") + "/master.key"));
}

BOOST_AUTO_TEST_CASE(a_key_file_is_read_and_a_bad_or_missing_one_is_an_error) {
  master_key_env env(std::nullopt);
  temp_dir dir;
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir.sub(name)) << text;
    return dir.sub(name);
  };
  auto hex = infra::load_master_key(dir.sub("data"), write("hex.key", sample_hex + "  \n"));
  BOOST_REQUIRE_MESSAGE(hex.ok(), (hex.ok() ? "" : hex.err().message));
  BOOST_TEST((*hex == sample_key));
  auto b64 = infra::load_master_key(dir.sub("data"), write("b64.key", sample_base64 + "\n"));
  BOOST_REQUIRE(b64.ok());
  BOOST_TEST((*b64 == sample_key));

  auto bad = infra::load_master_key(dir.sub("data"), write("bad.key", "hunter2\n"));
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST((bad.err().kind == errc::invalid_argument));
  BOOST_TEST(bad.err().message.find("bad.key") != std::string::npos);

  auto missing = infra::load_master_key(dir.sub("data"), dir.sub("missing.key"));
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST((missing.err().kind == errc::failed_precondition));
  BOOST_TEST(missing.err().message.find("missing.key") != std::string::npos);
  BOOST_TEST(!std::filesystem::exists(dir.sub("data") + "/master.key"));

  master_key_env from_env(sample_base64url);
  auto env_wins = infra::load_master_key(dir.sub("data"), dir.sub("missing.key"));
  BOOST_REQUIRE(env_wins.ok());
  BOOST_TEST((*env_wins == sample_key));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace chronicle::contract
