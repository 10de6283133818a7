#include "node/state/state_head.h"

#include <boost/test/unit_test.hpp>
#include <random>

#include "tests/support/test_seed.h"

namespace imeisync::node::state {
namespace {

StateHead RandomHead(std::mt19937_64& rng) {
  StateHead h;
  h.node_origin = "imeisync/kz/ministry";
  h.time_ms = rng() >> 1;
  for (auto& b : h.state_root) b = static_cast<uint8_t>(rng());
  const int n = static_cast<int>(rng() % 6);
  for (int i = 0; i < n; ++i) {
    FrontierEntry f;
    f.origin = "imeisync/kz/op" + std::to_string(i);
    f.size = rng() % 1000000;
    for (auto& b : f.root) b = static_cast<uint8_t>(rng());
    h.frontier.push_back(f);
  }
  return h;
}

BOOST_AUTO_TEST_SUITE(state_head)

BOOST_AUTO_TEST_CASE(format_then_parse_round_trips) {
  std::mt19937_64 rng(testing::TestSeed("state_head_round_trips"));
  for (int i = 0; i < 200; ++i) {
    StateHead h = RandomHead(rng);
    auto parsed = ParseStateHeadText(FormatStateHeadText(h));
    BOOST_TEST_REQUIRE(parsed.ok(), parsed.status().ToString());
    BOOST_TEST((*parsed == h));
  }
}

BOOST_AUTO_TEST_CASE(the_text_is_the_documented_grammar) {
  StateHead h;
  h.node_origin = "imeisync/kz/op1";
  h.time_ms = 1764000000000;
  h.frontier.push_back({"imeisync/kz/ministry", 3, {}});
  BOOST_TEST(
      FormatStateHeadText(h) ==
      "imeisync/kz/op1/state-head\n"
      "1764000000000\n"
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
      "1\n"
      "imeisync/kz/ministry 3 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
}

BOOST_AUTO_TEST_CASE(malformed_heads_are_refused_naming_the_line) {
  const std::string root = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  const std::string good = "imeisync/kz/op1/state-head\n1\n" + root + "\n0\n";
  BOOST_TEST(ParseStateHeadText(good).ok());
  struct Case {
    std::string text, want;
  } cases[] = {
      {"imeisync/kz/op1\n1\n" + root + "\n0\n", "line 1"},
      {"imeisync/kz/op1/state-head\n01\n" + root + "\n0\n", "line 2"},
      {"imeisync/kz/op1/state-head\n1\nAAAA\n0\n", "line 3"},
      {"imeisync/kz/op1/state-head\n1\n" + root + "\n2\nx 1 " + root + "\n",
       "line 4 says 2 origins"},
      {"imeisync/kz/op1/state-head\n1\n" + root + "\n2\nb 1 " + root +
           "\na 1 " + root + "\n",
       "line 6 is out of order"},
      {"imeisync/kz/op1/state-head\n1\n" + root + "\n1\nb  1 " + root + "\n",
       "line 5"},
      {good.substr(0, good.size() - 1), "no newline"},
  };
  for (const Case& c : cases) {
    auto r = ParseStateHeadText(c.text);
    BOOST_TEST_REQUIRE(!r.ok(), c.text);
    BOOST_TEST(r.status().code() == StatusCode::kInvalidArgument);
    BOOST_TEST(r.status().message().find(c.want) != std::string::npos,
               r.status().message());
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::state
