#include "api/http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "api/http/problem.hpp"
#include "api/http/routes.hpp"
#include "domain/thread_name.hpp"

namespace chronicle::api {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

namespace {

std::int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

using strand = asio::strand<asio::io_context::executor_type>;

// What shutdown needs to know of one connection; touched only on its strand
// (except `busy`, read by stop()).
struct session_slot {
  explicit session_slot(strand s) : ex(std::move(s)) {}
  strand ex;
  beast::tcp_stream* stream = nullptr;
  bool alive = true;
  std::atomic<bool> busy{false};
};

http_request to_request(const http::request<http::string_body>& r, std::optional<http_response>& bad) {
  http_request out;
  out.method = std::string(r.method_string());
  auto target = std::string_view(r.target());
  auto q = target.find('?');
  if (!decode_path(target.substr(0, q), out.path) || out.path.empty() || out.path[0] != '/')
    bad = problem(400, "invalid_target", "the request target is not a valid path");
  if (q != std::string_view::npos && !parse_query(target.substr(q + 1), out.query))
    bad = problem(400, "invalid_query", "the query string has a malformed percent-escape");
  for (auto& f : r) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  out.body = r.body();
  return out;
}

constexpr std::size_t header_limit = 16 * 1024;

// The answer to a request that could not be read: a problem for malformed or
// oversized input, nothing when the client closed, timed out or was cancelled.
std::optional<http_response> read_failure(const beast::error_code& ec, std::size_t body_limit) {
  if (ec == http::error::body_limit)
    return problem(413, "body_too_large", "the body exceeds " + std::to_string(body_limit) + " bytes");
  if (ec == http::error::header_limit) return problem(431, "headers_too_large", "the request headers exceed 16 KiB");
  if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message && ec != http::error::need_more)
    return problem(400, "malformed_request", "the request is not valid HTTP/1.1: " + ec.message());
  return std::nullopt;
}

}  // namespace

parsed_request parse_request_bytes(std::string_view bytes, std::size_t body_limit) {
  parsed_request out;
  http::request_parser<http::string_body> parser;
  parser.body_limit(body_limit);
  parser.header_limit(header_limit);
  parser.eager(true);
  beast::error_code ec;
  while (!bytes.empty() && !parser.is_done()) {
    auto n = parser.put(asio::buffer(bytes.data(), bytes.size()), ec);
    if (ec == http::error::need_more) {
      ec = {};
      if (n == 0) break;  // the rest is not a whole element yet
    } else if (ec) {
      break;
    }
    bytes.remove_prefix(n);
  }
  if (ec) {
    out.rejection = read_failure(ec, body_limit);
    return out;
  }
  if (!parser.is_done()) return out;
  std::optional<http_response> bad;
  auto req = to_request(parser.get(), bad);
  if (bad) out.rejection = std::move(bad);
  else out.request = std::move(req);
  return out;
}

struct server::impl {
  app& a;
  server_options opts;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  asio::signal_set signals{ioc, SIGINT, SIGTERM};
  asio::steady_timer grace{ioc};
  std::atomic<bool> stopping{false};
  std::mutex m;
  std::unordered_set<std::shared_ptr<session_slot>> sessions;

  impl(app& ap, server_options o) : a(ap), opts(std::move(o)), ioc(static_cast<int>(opts.threads)) {}

  // Runs the app (after a consistency wait, when asked) and resumes on the session's strand.
  asio::awaitable<http_response> dispatch(const http_request& req, const prepared& p) {
    auto ex = co_await asio::this_coro::executor;
    if (p.wait_for) {
      auto timer = std::make_shared<asio::steady_timer>(ex, a.options().consistency_wait);
      auto reached = std::make_shared<std::atomic<bool>>(false);
      auto id = a.runner().when_reached(*p.wait_for, [timer, reached, ex] {
        reached->store(true);
        asio::post(ex, [timer] { timer->cancel(); });
      });
      if (!reached->load()) co_await timer->async_wait(use_nothrow);
      a.runner().cancel(id);
      if (!reached->load())
        co_return problem(error::make(errc::timeout, "consistency_timeout",
                                      "the read models did not reach the given position in time; retry"));
    }
    auto resp = co_await asio::async_initiate<decltype(asio::use_awaitable), void(http_response)>(
        [&](auto handler) {
          auto h = std::make_shared<decltype(handler)>(std::move(handler));
          a.handle(req, p, [h, ex](http_response r) {
            asio::post(ex, [h, r = std::move(r)]() mutable { (*h)(std::move(r)); });
          });
        },
        asio::use_awaitable);
    co_return resp;
  }

  // Built outside the coroutine frame: GCC 12 mishandles non-trivial
  // by-value coroutine parameters, so session() only ever co_awaits on locals.
  static http::response<http::string_body> make_response(http_response&& r, unsigned version, bool keep_alive) {
    http::response<http::string_body> res{static_cast<http::status>(r.status), version};
    res.set(http::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers) res.set(k, v);
    res.keep_alive(keep_alive);
    res.body() = std::move(r.body);
    res.prepare_payload();
    return res;
  }

  asio::awaitable<void> session(tcp::socket socket, std::shared_ptr<session_slot> slot) {
    beast::tcp_stream stream(std::move(socket));
    slot->stream = &stream;
    beast::flat_buffer buffer;
    beast::error_code ec;
    for (;;) {
      if (stopping.load()) break;
      http::request_parser<http::string_body> parser;
      parser.body_limit(opts.body_limit);
      parser.header_limit(header_limit);
      stream.expires_after(opts.header_timeout);
      auto [e1, n1] = co_await http::async_read_header(stream, buffer, parser, use_nothrow);
      ec = e1;
      if (!ec && !parser.is_done()) {
        stream.expires_after(opts.body_timeout);
        auto [e2, n2] = co_await http::async_read(stream, buffer, parser, use_nothrow);
        ec = e2;
      }
      if (ec) {
        // A client that closed, timed out or was cancelled gets no answer;
        // a malformed or oversized request gets a problem and a close.
        auto reply = read_failure(ec, opts.body_limit);
        if (reply) {
          auto res = make_response(std::move(*reply), 11, false);
          stream.expires_after(opts.write_timeout);
          co_await http::async_write(stream, res, use_nothrow);
          // Lingering close: closing with unread input would send a reset that
          // can destroy the answer in flight, so half-close and drain a bounded
          // amount first.
          beast::error_code ignored;
          stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
          stream.expires_after(std::chrono::seconds(2));
          std::array<char, 16384> sink;
          for (std::size_t drained = 0; drained < (8u << 20);) {
            auto [e, n] = co_await stream.async_read_some(asio::buffer(sink), use_nothrow);
            if (e) break;
            drained += n;
          }
        }
        break;
      }
      auto& req = parser.get();
      slot->busy = true;
      auto started = steady_us();
      std::optional<http_response> bad;
      auto hreq = to_request(req, bad);
      auto prep = a.prepare(hreq);
      if (!bad && prep.rejection) bad = std::move(prep.rejection);
      // No co_await inside ?: — GCC 12 miscompiles the temporaries there.
      http_response resp;
      if (bad) resp = std::move(*bad);
      else resp = co_await dispatch(hreq, prep);
      a.metrics().record(prep.route, resp.status, steady_us() - started);
      bool keep = req.keep_alive() && !stopping.load();
      {
        auto res = make_response(std::move(resp), req.version(), keep);
        stream.expires_after(opts.write_timeout);
        auto [e3, n3] = co_await http::async_write(stream, res, use_nothrow);
        ec = e3;
      }
      slot->busy = false;
      if (ec || !keep) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    slot->alive = false;
    slot->stream = nullptr;
    end_session(slot);
  }

  void end_session(const std::shared_ptr<session_slot>& slot) {
    std::lock_guard lock(m);
    sessions.erase(slot);
    if (stopping.load() && sessions.empty()) asio::post(ioc, [this] { grace.cancel(); });
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), use_nothrow);
      if (stopping.load() || ec == asio::error::operation_aborted) co_return;
      if (ec) {
        // Out of descriptors and the like: back off instead of spinning.
        asio::steady_timer t(ioc, std::chrono::milliseconds(50));
        co_await t.async_wait(use_nothrow);
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      auto slot = std::make_shared<session_slot>(strand(socket.get_executor()));
      {
        std::lock_guard lock(m);
        if (sessions.size() >= opts.max_connections) continue;  // socket closes here
        sessions.insert(slot);
      }
      auto ex = slot->ex;
      asio::co_spawn(ex, session(std::move(socket), slot), asio::detached);
    }
  }

  void begin_stop() {
    if (stopping.exchange(true)) return;
    std::fprintf(stderr, "chronicle: shutting down (finishing in-flight requests)\n");
    asio::post(ioc, [this] {
      beast::error_code ec;
      acceptor.close(ec);
      signals.cancel();
      std::vector<std::shared_ptr<session_slot>> all;
      {
        std::lock_guard lock(m);
        all.assign(sessions.begin(), sessions.end());
      }
      for (auto& s : all)
        asio::post(s->ex, [s] {
          if (s->alive && !s->busy && s->stream) s->stream->cancel();
        });
      grace.expires_after(opts.shutdown_grace);
      grace.async_wait([this](beast::error_code ec) {
        if (!ec) {
          std::fprintf(stderr, "chronicle: grace period over; closing remaining connections\n");
          ioc.stop();
        }
      });
      std::lock_guard lock(m);
      if (sessions.empty()) grace.cancel();
    });
  }
};

server::server(app& a, server_options opts) : impl_(std::make_unique<impl>(a, std::move(opts))) {}
server::~server() = default;

result<std::uint16_t> server::listen() {
  auto& d = *impl_;
  beast::error_code ec;
  auto addr = asio::ip::make_address(d.opts.host, ec);
  if (ec) return error::invalid("invalid_listen_address", "cannot listen on '" + d.opts.host + "': " + ec.message());
  tcp::endpoint ep{addr, d.opts.port};
  d.acceptor.open(ep.protocol(), ec);
  if (!ec) d.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) d.acceptor.bind(ep, ec);
  if (!ec) d.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return error::make(errc::unavailable, "listen_failed",
                       "cannot listen on " + d.opts.host + ":" + std::to_string(d.opts.port) + ": " + ec.message());
  return d.acceptor.local_endpoint().port();
}

void server::run() {
  auto& d = *impl_;
  d.signals.async_wait([&d](beast::error_code ec, int) {
    if (!ec) d.begin_stop();
  });
  asio::co_spawn(d.ioc, d.accept_loop(), asio::detached);
  std::vector<std::thread> extra;
  for (std::size_t i = 1; i < d.opts.threads; ++i)
    extra.emplace_back([&d] {
      name_this_thread("chronicle-http");
      d.ioc.run();
    });
  d.ioc.run();
  for (auto& t : extra) t.join();
}

void server::stop() { impl_->begin_stop(); }

}  // namespace chronicle::api
