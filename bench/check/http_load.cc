#include "bench/check/http_load.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace imeisync::bench {
namespace {

constexpr std::chrono::seconds kDrain{2};
constexpr std::string_view kPrefix =
    "GET /n5g-eir-eic/v1/equipment-status?pei=imei-";
constexpr std::string_view kSuffix =
    " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n";

struct Connection {
  int fd = -1;
  bool busy = false;  // a request is outstanding
  size_t query = 0;   // the workload index it asked about
  Clock::time_point sent;
  std::string out;        // bytes of the request not yet sent
  std::string in;         // bytes of the answer received so far
  bool want_out = false;  // registered for EPOLLOUT
};

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string Errno(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

int ConnectLoopback(const std::string& host_port) {
  const size_t colon = host_port.rfind(':');
  if (colon == std::string::npos) Fail("http_listen has no port: " + host_port);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port =
      htons(static_cast<uint16_t>(std::stoi(host_port.substr(colon + 1))));
  if (inet_pton(AF_INET, host_port.substr(0, colon).c_str(), &addr.sin_addr) !=
      1) {
    Fail("http_listen is not an IPv4 address: " + host_port);
  }
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) Fail(Errno("socket"));
  const int one = 1;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 ||
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
    const std::string error = Errno("connect " + host_port);
    close(fd);
    Fail(error);
  }
  return fd;
}

// Case-insensitive search for `name` at a line start of `head`.
size_t FindHeader(std::string_view head, std::string_view name) {
  for (size_t pos = head.find("\r\n"); pos != std::string_view::npos;
       pos = head.find("\r\n", pos + 2)) {
    const std::string_view line = head.substr(pos + 2);
    if (line.size() < name.size()) break;
    bool same = true;
    for (size_t i = 0; i < name.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(line[i])) == name[i];
    }
    if (same) return pos + 2 + name.size();
  }
  return std::string_view::npos;
}

enum class Parsed { kIncomplete, kBlocked, kNotBlocked, kError };

// Parses one whole answer at the front of `in` and drops it from `in`.
Parsed TakeAnswer(std::string& in) {
  const size_t head_end = in.find("\r\n\r\n");
  if (head_end == std::string::npos) return Parsed::kIncomplete;
  const std::string_view head(in.data(), head_end);
  const size_t length_at = FindHeader(head, "content-length:");
  if (length_at == std::string_view::npos) return Parsed::kError;
  const size_t length =
      static_cast<size_t>(std::strtoull(in.c_str() + length_at, nullptr, 10));
  const size_t total = head_end + 4 + length;
  if (in.size() < total) return Parsed::kIncomplete;
  const bool ok = head.rfind("HTTP/1.1 200 ", 0) == 0;
  const std::string_view body(in.data() + head_end + 4, length);
  Parsed p = Parsed::kError;
  if (ok && body.find("\"BLACKLISTED\"") != std::string_view::npos) {
    p = Parsed::kBlocked;
  } else if (ok && (body.find("\"WHITELISTED\"") != std::string_view::npos ||
                    body.find("\"GREYLISTED\"") != std::string_view::npos)) {
    p = Parsed::kNotBlocked;
  }
  in.erase(0, total);
  return p;
}

class Driver {
 public:
  Driver(const Workload& workload, LoadWindow window)
      : workload_(workload), window_(window) {
    result_.seconds = window.seconds();
  }

  // Starts the next request on `c`, or leaves it idle after the window.
  void Issue(Connection& c, int epoll_fd) {
    const auto now = Clock::now();
    if (now >= window_.until || g_interrupted) return;
    next_ = (next_ + 1) % workload_.size();
    c.query = next_;
    c.sent = now;
    c.busy = true;
    ++busy_;
    c.out.assign(kPrefix);
    c.out += workload_.imeis[c.query];
    c.out += kSuffix;
    Flush(c, epoll_fd);
  }

  // Sends what it can of c.out; waits for EPOLLOUT if the socket is full.
  void Flush(Connection& c, int epoll_fd) {
    while (!c.out.empty()) {
      const ssize_t n = send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) break;
      if (n < 0) Fail(Errno("send"));
      c.out.erase(0, static_cast<size_t>(n));
    }
    // Almost every request fits the socket at once: re-register only when
    // that changes, not once per request.
    if (c.want_out == !c.out.empty()) return;
    c.want_out = !c.out.empty();
    epoll_event ev{};
    ev.events = EPOLLIN | (c.want_out ? static_cast<uint32_t>(EPOLLOUT) : 0u);
    ev.data.ptr = &c;
    if (epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c.fd, &ev) != 0) {
      Fail(Errno("epoll_ctl"));
    }
  }

  // Reads what arrived; counts a whole answer and issues the next request.
  void Receive(Connection& c, int epoll_fd) {
    char buf[4096];
    for (;;) {
      const ssize_t n = recv(c.fd, buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) break;
      if (n < 0) Fail(Errno("recv"));
      if (n == 0) Fail("the HTTP server closed a keep-alive connection");
      c.in.append(buf, static_cast<size_t>(n));
    }
    const Parsed p = TakeAnswer(c.in);
    if (p == Parsed::kIncomplete) return;
    if (!c.busy) Fail("an HTTP answer without a request");
    c.busy = false;
    --busy_;
    if (c.sent >= window_.measure_from && c.sent < window_.until) {
      if (p == Parsed::kError) {
        ++result_.errors;
      } else {
        const bool blocked = p == Parsed::kBlocked;
        ++(blocked == (workload_.blocked[c.query] != 0) ? result_.right
                                                        : result_.wrong);
        result_.latency_ns.push_back(static_cast<uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() -
                                                                 c.sent)
                .count()));
      }
    }
    Issue(c, epoll_fd);
  }

  int busy() const { return busy_; }
  LoadResult& result() { return result_; }

 private:
  const Workload& workload_;
  const LoadWindow window_;
  LoadResult result_;
  size_t next_ = 0;
  int busy_ = 0;
};

}  // namespace

LoadResult HttpChecks(const std::string& host_port, const Workload& workload,
                      int connections, LoadWindow window) {
  Fd epoll(epoll_create1(EPOLL_CLOEXEC));
  if (epoll.get() < 0) Fail(Errno("epoll_create1"));
  std::vector<Connection> conns(static_cast<size_t>(connections));
  std::vector<std::unique_ptr<Fd>> fds;
  for (Connection& c : conns) {
    c.fd = ConnectLoopback(host_port);
    fds.push_back(std::make_unique<Fd>(c.fd));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &c;
    if (epoll_ctl(epoll.get(), EPOLL_CTL_ADD, c.fd, &ev) != 0) {
      Fail(Errno("epoll_ctl"));
    }
  }
  Driver driver(workload, window);
  for (Connection& c : conns) driver.Issue(c, epoll.get());

  const auto give_up = window.until + kDrain;
  std::vector<epoll_event> events(conns.size());
  const uint64_t max_waits =
      kMaxRequestsPerClient * static_cast<uint64_t>(connections);
  for (uint64_t i = 0; i < max_waits && driver.busy() > 0; ++i) {
    if (Clock::now() >= give_up) break;
    const int n = epoll_wait(epoll.get(), events.data(),
                             static_cast<int>(events.size()), 50);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) Fail(Errno("epoll_wait"));
    for (int k = 0; k < n; ++k) {
      Connection& c = *static_cast<Connection*>(events[k].data.ptr);
      if (events[k].events & EPOLLOUT) driver.Flush(c, epoll.get());
      if (events[k].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        driver.Receive(c, epoll.get());
      }
    }
  }
  LoadResult r = std::move(driver.result());
  for (const Connection& c : conns) {
    if (c.busy && c.sent >= window.measure_from) ++r.errors;  // never answered
  }
  return r;
}

}  // namespace imeisync::bench
