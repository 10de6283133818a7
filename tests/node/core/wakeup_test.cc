// A part's background-thread wake-ups (node/core/wakeup.h).
#include "node/core/wakeup.h"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <future>

namespace imeisync::node::core {
namespace {

using namespace std::chrono_literals;

// Runs `wait` on another thread; true if it returned within a bound far
// beyond any scheduling delay (a broken wake-up would sleep for an hour).
template <class Wait>
bool ReturnsSoon(Wait wait, bool& result) {
  auto done = std::async(std::launch::async, wait);
  if (done.wait_for(60s) != std::future_status::ready) return false;
  result = done.get();
  return true;
}

BOOST_AUTO_TEST_SUITE(wakeup)

BOOST_AUTO_TEST_CASE(a_notification_before_the_wait_is_kept) {
  Wakeup w(false);
  w.Notify();
  bool running = false;
  BOOST_TEST_REQUIRE(ReturnsSoon([&] { return w.WaitFor(1h); }, running));
  BOOST_TEST(running);
}

BOOST_AUTO_TEST_CASE(a_pending_start_runs_the_first_round_at_once) {
  Wakeup w(true);
  bool running = false;
  BOOST_TEST_REQUIRE(ReturnsSoon([&] { return w.WaitFor(1h); }, running));
  BOOST_TEST(running);
}

BOOST_AUTO_TEST_CASE(a_timeout_without_notification_keeps_running) {
  Wakeup w(false);
  BOOST_TEST(w.WaitFor(0ms));
  BOOST_TEST(!w.stopped());
}

BOOST_AUTO_TEST_CASE(stop_wakes_a_waiting_thread_and_every_later_wait) {
  Wakeup w(false);
  auto waiter = std::async(std::launch::async, [&] { return w.WaitFor(1h); });
  w.Stop();
  BOOST_TEST_REQUIRE((waiter.wait_for(60s) == std::future_status::ready));
  BOOST_TEST(!waiter.get());
  BOOST_TEST(w.stopped());
  w.Notify();
  BOOST_TEST(!w.WaitFor(0ms));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::core
