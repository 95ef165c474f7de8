// Operator subcommands: tenants and API keys, run against a data directory
// (or a Kafka cluster) without the HTTP server. With the embedded log the
// server must be stopped first: the data directory is locked while it runs.
#include <cstdio>

#include "api/cli/cli.hpp"
#include "commands/access_commands.hpp"
#include "domain/ids.hpp"
#include "projections/access.hpp"
#include "schemas/json_writer.hpp"

namespace chronicle::cli {
namespace ac = commands::access_commands;

namespace {

result<std::unique_ptr<stack>> open_stack(const stack_options& o) {
  auto s = stack::open(o);
  if (!s) return s;
  if (auto st = (*s)->wait_caught_up(std::chrono::seconds(600)); !st) return std::move(st).err();
  return s;
}

commands::command_meta operator_meta(const std::string& tenant) {
  return {.tenant = tenant, .actor = "cli", .actor_role = "operator"};
}

}  // namespace

int tenant(const std::vector<std::string>& args) {
  if (args.empty()) return usage_error("tenant", "expected 'create NAME' or 'list'");
  auto verb = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  stack_options so;
  std::string name, display, country = "US";
  arg_reader r{rest, 0, {}};
  while (!r.done()) {
    if (r.take_stack_flag(so) || r.take("--display-name", display) || r.take("--country", country)) {
    } else if (verb == "create" && name.empty() && rest[r.i].rfind("--", 0) != 0) {
      name = rest[r.i++];
    } else {
      return usage_error("tenant", "unknown option '" + rest[r.i] + "'");
    }
    if (!r.error.empty()) return usage_error("tenant", r.error);
  }
  if (verb == "create") {
    if (name.empty()) return usage_error("tenant", "create needs a NAME");
    if (!is_tenant_id(name)) return usage_error("tenant", "a tenant NAME is 1 to 32 of a-z, 0-9 and _");
    auto s = open_stack(so);
    if (!s) return failure(s.err().message);
    auto out = (*s)->run(ac::create_tenant(operator_meta(name), {name, display.empty() ? name : display, country}));
    if (!out) return failure(out.err().message);
    std::printf("created tenant %s\n", name.c_str());
    return 0;
  }
  if (verb == "list") {
    auto s = open_stack(so);
    if (!s) return failure(s.err().message);
    auto ts = projections::access_queries::tenants((*s)->views());
    if (!ts) return failure(ts.err().message);
    for (auto& t : *ts) std::printf("%s\n", t.c_str());
    return 0;
  }
  return usage_error("tenant", "unknown verb '" + verb + "'; use create or list");
}

int key(const std::vector<std::string>& args) {
  if (args.empty()) return usage_error("key", "expected 'create', 'list' or 'revoke KEY_ID'");
  auto verb = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  stack_options so;
  std::string tenant_id, role_name, customer, label, key_id;
  arg_reader r{rest, 0, {}};
  while (!r.done()) {
    if (r.take_stack_flag(so) || r.take("--tenant", tenant_id) || r.take("--role", role_name) ||
        r.take("--customer", customer) || r.take("--label", label)) {
    } else if (verb == "revoke" && key_id.empty() && rest[r.i].rfind("--", 0) != 0) {
      key_id = rest[r.i++];
    } else {
      return usage_error("key", "unknown option '" + rest[r.i] + "'");
    }
    if (!r.error.empty()) return usage_error("key", r.error);
  }
  if (verb == "create") {
    if (tenant_id.empty()) return usage_error("key", "create needs --tenant T");
    auto role = access::parse_role(role_name);
    if (!role) return usage_error("key", "--role is one of admin, staff, analyst, auditor, portal");
    auto s = open_stack(so);
    if (!s) return failure(s.err().message);
    auto exists = projections::access_queries::tenant_exists((*s)->views(), tenant_id);
    if (!exists) return failure(exists.err().message);
    if (!*exists) return failure("no tenant '" + tenant_id + "'; create it with: chronicle tenant create " + tenant_id);
    auto k = ac::generate_key((*s)->exec(), (*s)->entropy());
    auto out = (*s)->run(ac::issue_key(operator_meta(tenant_id),
                                       {k.id, tenant_id, customer, (*s)->vault().blind_index("", "api_key", k.secret),
                                        label, *role}));
    if (!out) return failure(out.err().message);
    std::fprintf(stderr, "API key %s (%s, tenant %s); it is shown only now:\n", k.id.c_str(), role_name.c_str(),
                 tenant_id.c_str());
    std::printf("%s\n", k.full.c_str());
    return 0;
  }
  if (verb == "list") {
    if (tenant_id.empty()) return usage_error("key", "list needs --tenant T");
    auto s = open_stack(so);
    if (!s) return failure(s.err().message);
    auto keys = projections::access_queries::list_keys((*s)->views(), tenant_id);
    if (!keys) return failure(keys.err().message);
    for (auto& k : *keys)
      std::printf("%s  %-8s %s%s%s\n", k.id.c_str(), std::string(access::role_name(k.role)).c_str(),
                  k.revoked ? "revoked " : "active  ", k.customer_id.empty() ? "" : ("customer " + k.customer_id + " ").c_str(),
                  k.label.c_str());
    return 0;
  }
  if (verb == "revoke") {
    if (key_id.empty()) return usage_error("key", "revoke needs a KEY_ID");
    auto s = open_stack(so);
    if (!s) return failure(s.err().message);
    auto k = projections::access_queries::find_key((*s)->views(), key_id);
    if (!k) return failure(k.err().message);
    if (!*k) return failure("no API key " + key_id);
    auto out = (*s)->run(ac::revoke_key(operator_meta((*k)->tenant), {key_id}));
    if (!out) return failure(out.err().message);
    std::printf("revoked %s\n", key_id.c_str());
    return 0;
  }
  return usage_error("key", "unknown verb '" + verb + "'; use create, list or revoke");
}

}  // namespace chronicle::cli
