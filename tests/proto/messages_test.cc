// The proto enums must carry the canonical encoding's numbers, so that the
// rpc layer converts with a range check and a cast.
#include <boost/test/unit_test.hpp>

#include "node/entry.h"
#include "proto/imeisync.pb.h"

namespace imeisync {
namespace {

BOOST_AUTO_TEST_SUITE(proto_messages)

BOOST_AUTO_TEST_CASE(enum_numbers_equal_the_canonical_bytes) {
  using node::Action;
  using node::Reason;
  BOOST_TEST(v1::ACTION_BLOCK == static_cast<int>(Action::kBlock));
  BOOST_TEST(v1::ACTION_CLEAR == static_cast<int>(Action::kClear));
  BOOST_TEST(v1::ACTION_REGISTER == static_cast<int>(Action::kRegister));
  BOOST_TEST(v1::ACTION_DEREGISTER == static_cast<int>(Action::kDeregister));
  BOOST_TEST(v1::ACTION_ALLOW == static_cast<int>(Action::kAllow));
  BOOST_TEST(v1::Action_MAX == 5);
  BOOST_TEST(v1::REASON_STOLEN == static_cast<int>(Reason::kStolen));
  BOOST_TEST(v1::REASON_LOST == static_cast<int>(Reason::kLost));
  BOOST_TEST(v1::REASON_UNREGISTERED ==
             static_cast<int>(Reason::kUnregistered));
  BOOST_TEST(v1::REASON_COUNTERFEIT == static_cast<int>(Reason::kCounterfeit));
  BOOST_TEST(v1::REASON_DUPLICATE == static_cast<int>(Reason::kDuplicate));
  BOOST_TEST(v1::REASON_COURT_ORDER == static_cast<int>(Reason::kCourtOrder));
  BOOST_TEST(v1::REASON_FOREIGN_STOLEN ==
             static_cast<int>(Reason::kForeignStolen));
  BOOST_TEST(v1::REASON_REGISTRY == static_cast<int>(Reason::kRegistry));
  BOOST_TEST(v1::Reason_MAX == 8);
  // Names match too, after the prefix.
  BOOST_TEST(v1::Reason_Name(v1::REASON_FOREIGN_STOLEN) ==
             "REASON_" + std::string(node::ReasonName(Reason::kForeignStolen)));
}

BOOST_AUTO_TEST_CASE(entry_and_checkpoint_messages_round_trip) {
  v1::Entry e;
  e.set_action(v1::ACTION_BLOCK);
  e.set_reason(v1::REASON_STOLEN);
  e.set_tag(std::string(32, '\x07'));
  e.set_issued_at_ms(1764000000000);
  v1::Entry back;
  BOOST_REQUIRE(back.ParseFromString(e.SerializeAsString()));
  BOOST_TEST(back.tag().size() == 32u);
  BOOST_TEST(back.issued_at_ms() == 1764000000000);

  v1::Checkpoint c;
  c.set_note("imeisync/kz/ministry\n1\nAAAA\n\n— sig\n");
  v1::Checkpoint c2;
  BOOST_REQUIRE(c2.ParseFromString(c.SerializeAsString()));
  BOOST_TEST(c2.note() == c.note());
}

BOOST_AUTO_TEST_CASE(garbage_bytes_do_not_parse_as_an_entry) {
  v1::Entry e;
  BOOST_TEST(!e.ParseFromString(std::string("\xff\xff\xff\xff", 4)));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync
