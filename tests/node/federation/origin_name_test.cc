#include "node/federation/origin_name.h"

#include <boost/test/unit_test.hpp>

namespace imeisync::node::federation {
namespace {

BOOST_AUTO_TEST_SUITE(origin_name)

BOOST_AUTO_TEST_CASE(origin_names_belong_to_one_federation) {
  BOOST_TEST(OriginName("kz", "op1") == "imeisync/kz/op1");
  BOOST_TEST(*OriginNode("kz", "imeisync/kz/op1") == "op1");
  BOOST_TEST(!OriginNode("uz", "imeisync/kz/op1").ok());
  BOOST_TEST(!OriginNode("kz", "imeisync/kz/").ok());
  BOOST_TEST(!OriginNode("kz", "imeisync/kz/op1/export").ok());
  BOOST_TEST(!OriginNode("kz", "imeisync/kz/OP1").ok());
}

BOOST_AUTO_TEST_CASE(export_log_names_split_into_exporter_and_link) {
  const std::string name = ExportOriginName("kz", "ministry", "uz");
  BOOST_TEST(name == "imeisync/kz/ministry/export/uz");
  auto parts = ParseOrigin("kz", name);
  BOOST_TEST_REQUIRE(parts.ok(), parts.status().ToString());
  BOOST_TEST(parts->node == "ministry");
  BOOST_TEST(parts->link == "uz");
  auto plain = ParseOrigin("kz", "imeisync/kz/op1");
  BOOST_TEST_REQUIRE(plain.ok(), plain.status().ToString());
  BOOST_TEST(plain->node == "op1");
  BOOST_TEST(plain->link.empty());
}

BOOST_AUTO_TEST_CASE(malformed_export_log_names_are_refused_with_the_reason) {
  for (const char* bad :
       {"imeisync/kz/ministry/export/", "imeisync/kz/ministry/export/UZ",
        "imeisync/kz/ministry/import/uz", "imeisync/kz/ministry/export/uz/x",
        "imeisync/uz/ministry/export/kz"}) {
    auto r = ParseOrigin("kz", bad);
    BOOST_TEST_REQUIRE(!r.ok(), bad);
    BOOST_TEST(r.status().code() == StatusCode::kInvalidArgument, bad);
    BOOST_TEST(!r.status().message().empty(), bad);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::federation
