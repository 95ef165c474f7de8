// Measures the customer search index at the size it is designed for: one
// tenant with a million synthetic customers (names from lists, skewed tags,
// cities, types and statuses, three years of sign-ups). It reports the build
// time, the memory per customer (RSS growth), and the latency of the lookups
// and list queries GET /v1/customers runs. The same run measures the design
// the index replaces, a scan of every customer for one filter, as baseline.
//
// Not a test: it prints figures and is run on purpose (tests/bench/README.md).
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <functional>
#include <malloc.h>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "domain/ids.hpp"
#include "projections/customer_index.hpp"

namespace {

using chronicle::projections::customer_index;
using chronicle::projections::indexed_customer;
using bench_clock = std::chrono::steady_clock;
using params = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view tenant = "bench";

struct bench_options {
  std::size_t customers = 1'000'000;
  std::size_t queries = 1000;
  int runs = 3;
};

const char* const first_names[] = {
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William",
    "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Charles", "Karen", "Christopher", "Nancy", "Daniel", "Lisa", "Matthew", "Betty", "Anthony",
    "Margaret", "Mark", "Sandra", "Donald", "Ashley", "Steven", "Kimberly", "Paul", "Emily",
    "Andrew", "Donna", "Joshua", "Michelle", "Kenneth", "Dorothy", "Kevin", "Carol", "Brian",
    "Amanda", "George", "Melissa", "Edward", "Deborah", "Ronald", "Stephanie", "Timothy",
    "Rebecca", "Jason", "Sharon", "Jeffrey", "Laura", "Ryan", "Cynthia", "Jacob", "Kathleen",
    "Gary", "Amy", "Nicholas", "Shirley", "Eric", "Angela", "Jonathan", "Helen", "Stephen",
    "Anna", "Larry", "Brenda", "Justin", "Pamela", "Scott", "Nicole", "Brandon", "Emma",
    "Benjamin", "Samantha", "Samuel", "Katherine", "Gregory", "Christine", "Frank", "Debra",
    "Alexander", "Rachel", "Raymond", "Catherine", "Patrick", "Carolyn", "Jack", "Janet",
    "Dennis", "Ruth", "Jerry", "Maria", "José", "Zoë", "Chloé", "Renée", "Søren", "Björn"};
const char* const last_names[] = {
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans",
    "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris",
    "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson",
    "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson",
    "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price",
    "Alvarez", "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez",
    "O'Brien", "Müller", "Dubois", "Łukasz", "Van der Berg", "Schröder", "Novák", "Åberg"};
const char* const company_words[] = {"Green", "Fork", "Bistro", "Farm", "Kitchen", "Market",
                                     "Table", "Harvest", "Leaf", "Root", "Sprout", "Garden",
                                     "Deli", "Cafe", "Hotel", "Grill", "Foods", "Organic"};
const char* const domains[] = {"gmail.example", "yahoo.example", "outlook.example",
                               "icloud.example", "proton.example", "mail.example",
                               "farm.example", "bistro.example"};

// Zipf-like skew: index i with weight 1 / (i + 1).
class zipf {
 public:
  explicit zipf(std::size_t n) {
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) cdf_.push_back(sum += 1.0 / static_cast<double>(i + 1));
    for (auto& c : cdf_) c /= sum;
  }
  std::size_t operator()(std::mt19937_64& rng) const {
    double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return static_cast<std::size_t>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin()) %
           cdf_.size();
  }

 private:
  std::vector<double> cdf_;
};

template <class T, std::size_t N>
const T& pick_weighted(std::mt19937_64& rng, const std::array<std::pair<T, int>, N>& w) {
  int total = 0;
  for (auto& x : w) total += x.second;
  int r = static_cast<int>(rng() % static_cast<std::uint64_t>(total));
  for (auto& x : w) {
    if (r < x.second) return x.first;
    r -= x.second;
  }
  return w.back().first;
}

std::string lower_ascii(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return s;
}

std::string ascii_only(std::string_view s) {
  std::string out;
  for (char c : s)
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) out.push_back(c);
  return out.empty() ? "x" : out;
}

constexpr std::int64_t now_us = 1'795'000'000'000'000;  // late 2026
constexpr std::int64_t three_years_us = 3ll * 365 * 86'400'000'000;

std::vector<indexed_customer> make_customers(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  zipf first_z(std::size(first_names)), last_z(std::size(last_names)), tag_z(25), city_z(300),
      domain_z(std::size(domains));
  std::vector<indexed_customer> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    indexed_customer c;
    c.created_at = now_us - static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(three_years_us));
    std::array<std::uint8_t, 10> rnd;
    for (auto& b : rnd) b = static_cast<std::uint8_t>(rng());
    c.id = chronicle::make_ulid(static_cast<std::uint64_t>(c.created_at / 1000), rnd);
    c.first_name = first_names[first_z(rng)];
    c.last_name = last_names[last_z(rng)];
    if (rng() % 10 < 3)
      c.company = std::string(company_words[rng() % std::size(company_words)]) + " " +
                  company_words[rng() % std::size(company_words)];
    auto local = lower_ascii(ascii_only(c.first_name)) + "." + lower_ascii(ascii_only(c.last_name)) +
                 std::to_string(i);
    c.emails.push_back(local + "@" + domains[domain_z(rng)]);
    if (rng() % 10 < 3) c.emails.push_back("work" + std::to_string(i) + "@" + domains[domain_z(rng)]);
    for (auto k = rng() % 3; k > 0; --k) {
      char buf[24];
      if (rng() % 10 < 8)
        std::snprintf(buf, sizeof buf, "+1%03u%07u", 201 + static_cast<unsigned>(rng() % 790),
                      static_cast<unsigned>(rng() % 10'000'000));
      else
        std::snprintf(buf, sizeof buf, "+447%09u", static_cast<unsigned>(rng() % 1'000'000'000));
      c.phones.emplace_back(buf);
    }
    static const std::array<std::pair<std::string, int>, 2> types{{{"household", 75}, {"business", 25}}};
    static const std::array<std::pair<std::string, int>, 3> statuses{{{"active", 85}, {"inactive", 12}, {"archived", 3}}};
    static const std::array<std::pair<std::string, int>, 3> stages{{{"customer", 70}, {"lead", 20}, {"churned", 10}}};
    static const std::array<std::pair<std::string, int>, 4> sources{{{"web", 50}, {"market", 20}, {"referral", 20}, {"import", 10}}};
    c.type = pick_weighted(rng, types);
    c.status = pick_weighted(rng, statuses);
    c.lifecycle_stage = pick_weighted(rng, stages);
    c.acquisition_source = pick_weighted(rng, sources);
    c.cities.push_back("Town " + std::to_string(city_z(rng)));
    if (rng() % 10 == 0) c.cities.push_back("Town " + std::to_string(city_z(rng)));
    for (auto k = rng() % 4; k > 0; --k) c.tags.push_back("tag" + std::to_string(tag_z(rng)));
    c.marketing_opt_in = rng() % 10 < 4;
    c.active = rng() % 10 != 0;
    if (rng() % 10 < 6) {
      c.last_order_at = c.created_at + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(now_us - c.created_at + 1));
      c.lifetime_value = static_cast<std::int64_t>(std::exp(std::normal_distribution<double>(9, 1.2)(rng)));
    }
    out.push_back(std::move(c));
  }
  // The start-up rebuild reads the customers view in key (id) order.
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.id < b.id; });
  return out;
}

long rss_kib() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return 0;
}

double micros(bench_clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
  auto idx = std::min(v.size() - 1, rank == 0 ? 0 : rank - 1);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(idx), v.end());
  return v[idx];
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct figures {
  double p50 = 0, p99 = 0, max = 0;
  std::size_t count = 0;
  double rows = 0;  // mean rows returned
};

volatile std::size_t sink = 0;

// Runs `one(i)` for i in [0, n) and times each call.
figures measure(std::size_t n, const std::function<std::size_t(std::size_t)>& one) {
  std::vector<double> lat;
  lat.reserve(n);
  std::size_t rows = 0;
  for (std::size_t i = 0; i < n; ++i) {
    auto t0 = bench_clock::now();
    auto r = one(i);
    lat.push_back(micros(bench_clock::now() - t0));
    rows += r;
  }
  sink = sink + rows;
  figures f;
  f.p50 = percentile(lat, 0.50);
  f.p99 = percentile(lat, 0.99);
  f.max = *std::max_element(lat.begin(), lat.end());
  f.count = n;
  f.rows = static_cast<double>(rows) / static_cast<double>(n);
  return f;
}

std::size_t page(const customer_index& ix, const params& p) {
  auto q = chronicle::projections::parse_customer_query(p);
  if (!q) throw std::runtime_error("bad benchmark query: " + q.err().message);
  auto r = ix.query(tenant, *q);
  if (!r) throw std::runtime_error("query failed: " + r.err().message);
  return r->ids.size();
}

std::string phone_format(const std::string& e164, std::size_t variant) {
  if (!e164.starts_with("+1")) return e164.substr(0, 3) + " " + e164.substr(3);
  auto n = e164.substr(2);  // ten digits
  switch (variant % 4) {
    case 0: return "+1 (" + n.substr(0, 3) + ") " + n.substr(3, 3) + "-" + n.substr(6);
    case 1: return n.substr(0, 3) + "-" + n.substr(3, 3) + "-" + n.substr(6);
    case 2: return n;
    default: return "1" + n;
  }
}

std::string date_of(std::int64_t us) {
  auto days = us / 86'400'000'000;
  // civil_from_days (Howard Hinnant's algorithm)
  days += 719468;
  auto era = days / 146097;
  auto doe = days - era * 146097;
  auto yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  auto y = yoe + era * 400;
  auto doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  auto mp = (5 * doy + 2) / 153;
  auto d = doy - (153 * mp + 2) / 5 + 1;
  auto m = mp < 10 ? mp + 3 : mp - 9;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", static_cast<long long>(y + (m <= 2)),
                static_cast<long long>(m), static_cast<long long>(d));
  return buf;
}

struct row {
  std::string name;
  std::function<std::size_t(std::size_t)> one;
  std::size_t n;
};

}  // namespace

int main(int argc, char** argv) try {
  bench_options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--customers") o.customers = std::stoul(next());
    else if (a == "--queries") o.queries = std::stoul(next());
    else if (a == "--runs") o.runs = std::stoi(next());
    else throw std::runtime_error("unknown option " + a + " (--customers N --queries N --runs R)");
  }
  std::printf("bench_customer_index: %zu customers, %zu queries per measurement, %d runs\n",
              o.customers, o.queries, o.runs);

  auto customers = make_customers(o.customers, 42);
  long rss_before = rss_kib();
  auto heap_before = mallinfo2().uordblks;
  customer_index ix;
  // The start-up path: one bulk load. It consumes its input, and the queries
  // below need the data, so it gets a copy (made before the clock starts; the
  // heap figure is taken after load() has freed it).
  auto input = customers;
  auto t0 = bench_clock::now();
  auto st = ix.load(tenant, std::move(input));
  if (!st.ok()) throw std::runtime_error("load: " + st.err().message);
  double build_s = std::chrono::duration<double>(bench_clock::now() - t0).count();
  long rss_after = rss_kib();
  auto heap_after = mallinfo2().uordblks;
  auto per = [&](double bytes) { return bytes / static_cast<double>(o.customers); };
  std::printf("load: %zu customers in %.2f s; heap in use +%zu MiB = %.0f bytes per customer "
              "(RSS +%ld MiB = %.0f, including the freed copy)\n",
              ix.size(tenant), build_s, (heap_after - heap_before) >> 20,
              per(static_cast<double>(heap_after - heap_before)), (rss_after - rss_before) / 1024,
              per(static_cast<double>(rss_after - rss_before) * 1024.0));
  {
    // The live path: the projection upserts changed customers one by one.
    std::mt19937_64 urng(11);
    std::size_t updates = std::min<std::size_t>(100'000, customers.size());
    auto u0 = bench_clock::now();
    for (std::size_t i = 0; i < updates; ++i) {
      auto c = customers[urng() % customers.size()];
      c.tags.push_back("tag" + std::to_string(urng() % 25));
      c.lifetime_value += 1000;
      c.last_order_at = now_us;
      if (!ix.upsert(tenant, std::move(c)).ok()) throw std::runtime_error("upsert failed");
    }
    double us = micros(bench_clock::now() - u0) / static_cast<double>(updates);
    std::printf("upsert: %zu updates of existing customers (tags, lifetime value, last order), %.1f µs each\n",
                updates, us);
  }

  std::mt19937_64 rng(7);
  auto any = [&]() -> const indexed_customer& { return customers[rng() % customers.size()]; };
  auto with_phone = [&]() -> const indexed_customer& {
    while (true) {
      auto& c = any();
      if (!c.phones.empty()) return c;
    }
  };
  auto lower_prefix = [&](std::size_t len) {
    auto s = lower_ascii(ascii_only(any().last_name));
    return s.substr(0, std::min(len, s.size()));
  };
  auto city = [&]() { return "Town " + std::to_string(rng() % 300); };
  auto tag = [&]() { return "tag" + std::to_string(rng() % 25); };
  auto recent_date = [&]() { return now_us - static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(three_years_us)); };

  // The queries are drawn once, so every run measures the same ones.
  std::size_t n = o.queries;
  std::vector<std::string> emails, phones;
  std::vector<params> q1, q2, q3, q3name, qphone, selective, two, broad_name, tag_range, total;
  for (std::size_t i = 0; i < n; ++i) {
    auto e = any().emails.front();
    if (i % 2) {  // case and blanks vary as typed
      for (auto& ch : e)
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 32);
      e.insert(0, " ");
    }
    emails.push_back(e);
    phones.push_back(phone_format(with_phone().phones.front(), i));
    q1.push_back({{"q", lower_prefix(1)}});
    q2.push_back({{"q", lower_prefix(2)}});
    q3.push_back({{"q", lower_prefix(3)}});
    q3name.push_back({{"q", lower_prefix(3)}, {"sort", i % 2 ? "name" : "-name"}});
    auto national = with_phone().phones.front().substr(2);
    qphone.push_back({{"q", national.substr(0, 3) + " " + national.substr(3, 1 + i % 4)}});
    selective.push_back({{"city", city()}, {"sort", "-created_at"}});
    two.push_back({{"type", "business"}, {"tags[in]", tag()}, {"sort", "-created_at"}});
    broad_name.push_back({{"status", "active"}, {"sort", i % 2 ? "name" : "-name"}});
    auto from = recent_date();
    tag_range.push_back({{"tags", tag()},
                         {"created_at[gte]", date_of(from - 90 * 86'400'000'000ll)},
                         {"created_at[lt]", date_of(from)},
                         {"sort", "-created_at"}});
    total.push_back({{"status", "active"}, {"tags", tag()}, {"include", "total"}, {"sort", "-lifetime_value"}});
  }
  // Page 20 of 50 list variants, each asked n / 50 times: the cursor of page 19
  // is fetched beforehand, so the figure is the cost of one deep page.
  std::vector<params> deep_queries;
  const char* deep_sorts[] = {"name", "-created_at", "-lifetime_value", "last_order_at", "-name"};
  for (std::size_t v = 0; v < 50; ++v) {
    params p = {{"sort", deep_sorts[v % 5]}, {"limit", "50"}};
    if (v % 2) p.push_back({"tags", "tag" + std::to_string(v % 25)});
    else p.push_back({"status", "active"});
    auto q = chronicle::projections::parse_customer_query(p);
    if (!q) throw std::runtime_error("bad deep query");
    for (int pg = 1; pg < 20; ++pg) {
      auto r = ix.query(tenant, *q);
      if (!r || r->next_cursor.empty()) throw std::runtime_error("deep query ended early");
      q->cursor = r->next_cursor;
    }
    p.push_back({"cursor", q->cursor});
    deep_queries.push_back(std::move(p));
  }

  std::vector<row> rows = {
      {"lookup by email", [&](std::size_t i) { return ix.find_by_email(tenant, emails[i]) ? 1 : 0; }, n},
      {"lookup by phone (4 formats)", [&](std::size_t i) { return ix.find_by_phone(tenant, phones[i]) ? 1 : 0; }, n},
      {"q name prefix, 1 letter", [&](std::size_t i) { return page(ix, q1[i]); }, n},
      {"q name prefix, 2 letters", [&](std::size_t i) { return page(ix, q2[i]); }, n},
      {"q name prefix, 3 letters", [&](std::size_t i) { return page(ix, q3[i]); }, n},
      {"q name prefix, 3 letters, sort name", [&](std::size_t i) { return page(ix, q3name[i]); }, n},
      {"q phone fragment (\"555 12\")", [&](std::size_t i) { return page(ix, qphone[i]); }, n},
      {"city=X, -created_at", [&](std::size_t i) { return page(ix, selective[i]); }, n},
      {"type=business & tags[in]=X", [&](std::size_t i) { return page(ix, two[i]); }, n},
      {"status=active, sort name", [&](std::size_t i) { return page(ix, broad_name[i]); }, n},
      {"tag & created 90 days, -created_at", [&](std::size_t i) { return page(ix, tag_range[i]); }, n},
      {"status & tag, include=total", [&](std::size_t i) { return page(ix, total[i]); }, n},
      {"page 20 via cursor", [&](std::size_t i) { return page(ix, deep_queries[i % deep_queries.size()]); }, n},
  };
  // Baseline: what the index replaces, every customer checked for one filter
  // and the newest 50 kept. Fewer repetitions: each costs the whole table.
  std::vector<std::string> scan_cities;
  for (int i = 0; i < 20; ++i) scan_cities.push_back(city());
  rows.push_back({"baseline: scan all for city=X",
                  [&](std::size_t i) {
                    auto folded = scan_cities[i % scan_cities.size()];
                    std::vector<const indexed_customer*> m;
                    for (auto& c : customers)
                      for (auto& ct : c.cities)
                        if (ct == folded) m.push_back(&c);
                    auto k = std::min<std::size_t>(50, m.size());
                    std::partial_sort(m.begin(), m.begin() + static_cast<std::ptrdiff_t>(k), m.end(),
                                      [](auto* a, auto* b) { return a->created_at > b->created_at; });
                    return k;
                  },
                  20});

  std::vector<std::vector<figures>> runs(rows.size());
  for (int r = 0; r < o.runs; ++r) {
    std::printf("run %d:", r + 1);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      runs[i].push_back(measure(rows[i].n, rows[i].one));
      std::printf(" %.0f/%.0f", runs[i].back().p50, runs[i].back().p99);
    }
    std::printf("  (p50/p99 µs per row)\n");
  }
  auto med = [&](std::size_t i, double figures::*f) {
    std::vector<double> v;
    for (auto& x : runs[i]) v.push_back(x.*f);
    return median(v);
  };
  double scan_p50 = med(rows.size() - 1, &figures::p50);
  std::printf("\nmedians of %d runs (µs, one thread, %zu customers):\n\n", o.runs, o.customers);
  std::printf("| query | n | rows | p50 µs | p99 µs | max µs | scan p50 / p50 |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::printf("| %s | %zu | %.0f | %.1f | %.1f | %.1f | %.0fx |\n", rows[i].name.c_str(), rows[i].n,
                med(i, &figures::rows), med(i, &figures::p50), med(i, &figures::p99), med(i, &figures::max),
                scan_p50 / std::max(med(i, &figures::p50), 0.001));
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "bench_customer_index: %s\n", e.what());
  return 1;
}
